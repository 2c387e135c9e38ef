// Config → the plain values editions use. Library code takes RenderSettings, never Config.
import type { Config } from '../config.js';
import { DEFAULT_RENDER, type RenderSettings } from '../editions/render.js';

type EditionConfig = Pick<
  Config,
  'PUBLIC_URL' | 'POSTAL_ADDRESS' | 'SUBJECT_PATTERN' | 'EDITION_WINDOW_HOURS' | 'DEFAULT_TIMEZONE' | 'brand' | 'sources'
>;

export function editionSettings(config: EditionConfig): RenderSettings {
  return {
    publicUrl: config.PUBLIC_URL,
    postalAddress: config.POSTAL_ADDRESS,
    subjectPattern: config.SUBJECT_PATTERN,
    brand: config.brand,
    timezone: config.DEFAULT_TIMEZONE,
    topics: config.sources.topics,
    windowHours: config.EDITION_WINDOW_HOURS,
    perSection: DEFAULT_RENDER.perSection,
    maxHtmlBytes: DEFAULT_RENDER.maxHtmlBytes,
    watchNames: config.sources.market.symbols.map((s) => ({ symbol: s.symbol, names: s.names })),
  };
}
