// Config → the plain values editions use. Library code takes RenderSettings, never Config.
import type { Config } from '../config.js';
import { DEFAULT_RENDER, type RenderSettings } from '../editions/render.js';

type EditionConfig = Pick<
  Config,
  'PUBLIC_URL' | 'POSTAL_ADDRESS' | 'SUBJECT_PATTERN' | 'EDITION_WINDOW_HOURS' | 'DEFAULT_TIMEZONE' | 'MAIL_FROM'
> & { sources?: Pick<Config['sources'], 'market'> };

/** The brand shown in the header is MAIL_FROM's display name ("Market Digest <…>"). */
export function brandOf(mailFrom: string): string {
  const name = /^\s*"?([^"<]+?)"?\s*</.exec(mailFrom)?.[1]?.trim();
  return name || DEFAULT_RENDER.brand;
}

export function editionSettings(config: EditionConfig): RenderSettings {
  return {
    publicUrl: config.PUBLIC_URL,
    postalAddress: config.POSTAL_ADDRESS,
    subjectPattern: config.SUBJECT_PATTERN,
    brand: brandOf(config.MAIL_FROM),
    timezone: config.DEFAULT_TIMEZONE,
    windowHours: config.EDITION_WINDOW_HOURS,
    perSection: DEFAULT_RENDER.perSection,
    maxHtmlBytes: DEFAULT_RENDER.maxHtmlBytes,
    watchNames: config.sources?.market.symbols.map((s) => ({ symbol: s.symbol, names: s.names })) ?? [],
  };
}
