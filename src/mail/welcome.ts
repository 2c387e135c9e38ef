// The welcome mail after confirmation: compiled once per process from templates/welcome.mjml
// with the digest's partials, then personalised like a digest variant (same placeholders).
import { SafeHtml } from '../html.js';
import { compileMjml, type CompileMjml } from '../editions/compile.js';
import { footerMarkup } from '../editions/digest-mjml.js';
import { footerText } from '../editions/digest-text.js';
import { asciiHtml } from '../editions/format.js';
import { readerPlaceholder, type EditionVariant } from '../editions/model.js';
import { personalise, type PersonalisedMessage } from '../editions/personalise.js';
import { fillMarkup, fillText } from '../editions/templates.js';

export interface WelcomeSettings {
  brand: string;
  publicUrl: string;
  postalAddress: string;
}

export type RenderWelcome = (values: { name: string; preferencesUrl: string; unsubscribeUrl: string; choices: string }) => Promise<PersonalisedMessage>;

// Fixed rather than random: nothing from a feed goes into this mail.
const TOKEN = '0000000000we';

async function compileWelcome(settings: WelcomeSettings, compile: CompileMjml): Promise<EditionVariant> {
  const archiveUrl = `${settings.publicUrl.replace(/\/+$/, '')}/archive`;
  const subject = `Welcome to ${settings.brand}`;
  const why = `You get this because you confirmed your subscription to ${settings.brand}.`;
  const links = { why, postalAddress: settings.postalAddress, browserLink: false };
  const mjml = fillMarkup('welcome.mjml', {
    title: subject,
    preheader: 'Your subscription is confirmed. Here is what happens next.',
    head: fillMarkup('partials/head.mjml', {}),
    header: fillMarkup('partials/header.mjml', {
      brand: settings.brand,
      date: 'Welcome',
      greeting: new SafeHtml(readerPlaceholder(TOKEN, 'greeting')),
      intro: 'Your subscription is confirmed.',
    }),
    preferencesUrl: new SafeHtml(readerPlaceholder(TOKEN, 'preferences_url')),
    choices: new SafeHtml(readerPlaceholder(TOKEN, 'choices')),
    archiveUrl,
    footer: footerMarkup(TOKEN, links),
  }).value;
  const html = asciiHtml(await compile(mjml));
  const text = fillText('welcome.txt', {
    brand: settings.brand,
    greeting: readerPlaceholder(TOKEN, 'greeting'),
    preferencesUrl: readerPlaceholder(TOKEN, 'preferences_url'),
    choices: readerPlaceholder(TOKEN, 'choices'),
    archiveUrl,
    footer: footerText(TOKEN, links),
  });
  return {
    editionId: 'welcome',
    key: 'welcome',
    topics: ['markets', 'world'],
    subject,
    preheader: '',
    html,
    text,
    token: TOKEN,
    storyIds: [],
    archiveUrl,
    htmlBytes: Buffer.byteLength(html),
    compileMs: 0,
  };
}

/** Matches the system-mail worker's `renderWelcome` hook. */
export function createWelcomeRenderer(settings: WelcomeSettings, compile: CompileMjml = compileMjml): RenderWelcome {
  let compiled: Promise<EditionVariant> | undefined;
  return async (values) => {
    compiled ??= compileWelcome(settings, compile).catch((err: unknown) => {
      compiled = undefined;
      throw err;
    });
    return personalise(await compiled, { ...values, browserUrl: `${settings.publicUrl.replace(/\/+$/, '')}/archive` });
  };
}
