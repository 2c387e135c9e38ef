// The welcome mail after confirmation: what happens next, the topics on offer, the
// reader's preferences and unsubscribe links.
import { SafeHtml } from '../html.js';
import type { CompileMjml } from '../editions/compile.js';
import { listOf } from '../editions/format.js';
import type { PersonalisedMessage } from '../editions/personalise.js';
import { archiveUrl, field, systemMailRenderer, type SystemMailSettings } from './compiled-mail.js';

/** `choices`: the reader's schedule and watchlist in words (subscribers/choices.ts). */
export type RenderWelcome = (values: { name: string; preferencesUrl: string; unsubscribeUrl: string; choices: string }) => Promise<PersonalisedMessage>;

export function createWelcomeRenderer(settings: SystemMailSettings, compile?: CompileMjml): RenderWelcome {
  const topics = listOf(settings.topics.map((t) => t.label));
  return systemMailRenderer(
    settings,
    {
      template: 'welcome',
      subject: `Welcome to ${settings.brand.name}`,
      preheader: 'Your subscription is confirmed. Here is what happens next.',
      header: { date: 'Welcome', intro: 'Your subscription is confirmed.' },
      why: `You get this because you confirmed your subscription to ${settings.brand.name}.`,
      links: 'reader',
      markup: { topics, archiveUrl: archiveUrl(settings), preferencesUrl: new SafeHtml(field('preferences_url')), choices: new SafeHtml(field('choices')) },
      text: { topics, archiveUrl: archiveUrl(settings), preferencesUrl: field('preferences_url'), choices: field('choices') },
    },
    compile,
  );
}
