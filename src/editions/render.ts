// One edition variant: view → MJML → HTML (one compile) + text + subject.
// If the HTML passes the size bound, fewer stories per section are shown and it is
// compiled again; the number of compiles depends on the content, never on readers.
import type { Cluster, MarketSnapshot } from '../stories/model.js';
import { compileMjml, type CompileMjml } from './compile.js';
import { digestView, type DigestSettings } from './digest-view.js';
import { digestMjml } from './digest-mjml.js';
import { digestText } from './digest-text.js';
import type { EditionMode, EditionVariant } from './model.js';
import { topicsOfKey } from '../topics.js';
import { asciiHtml } from './format.js';

export class EditionTooLargeError extends Error {
  override name = 'EditionTooLargeError';
}

export interface RenderSettings extends DigestSettings {
  /** Stories per section at most (STORIES_PER_SECTION). */
  perSection: number;
  /** Gmail clips at ~102 KB; stay below this many bytes of HTML. */
  maxHtmlBytes: number;
  windowHours: number;
}

export const DEFAULT_RENDER = { perSection: 8, maxHtmlBytes: 100_000, timezone: 'UTC' } as const;

export interface VariantSource {
  id: string;
  slot: Date;
  token: string;
  clusters: readonly Cluster[];
  market: MarketSnapshot | null;
  /** Symbols whose sparkline is stored for this edition (build.ts renders them first). */
  charts?: readonly string[];
  /** `weekly` renders the weekly edition's header, intro and market table. */
  mode?: EditionMode;
}

export function archiveUrlFor(publicUrl: string, editionId: string): string {
  return `${publicUrl}/archive/${encodeURIComponent(editionId)}`;
}

export async function renderVariant(
  edition: VariantSource,
  key: string,
  settings: RenderSettings,
  compile: CompileMjml = compileMjml,
): Promise<EditionVariant> {
  const topics = topicsOfKey(key, settings.topics);
  for (let perSection = settings.perSection; perSection >= 1; perSection -= 1) {
    const view = digestView(
      {
        slot: edition.slot,
        clusters: edition.clusters,
        market: edition.market,
        topics,
        perSection,
        windowHours: settings.windowHours,
        token: edition.token,
        weekly: edition.mode === 'weekly',
        ...(edition.charts?.length ? { charts: { editionId: edition.id, publicUrl: settings.publicUrl, symbols: edition.charts } } : {}),
      },
      settings,
    );
    const started = performance.now();
    const html = asciiHtml(await compile(digestMjml(view, edition.token)));
    const compileMs = performance.now() - started;
    const htmlBytes = Buffer.byteLength(html);
    if (htmlBytes <= settings.maxHtmlBytes) {
      return {
        editionId: edition.id,
        key,
        topics,
        subject: view.subject,
        preheader: view.preheader,
        html,
        text: digestText(view, edition.token),
        token: edition.token,
        storyIds: view.storyIds,
        archiveUrl: archiveUrlFor(settings.publicUrl, edition.id),
        htmlBytes,
        compileMs: Math.round(compileMs * 100) / 100,
        slot: edition.slot.toISOString(),
        timezone: settings.timezone,
        watch: view.watch,
      };
    }
  }
  throw new EditionTooLargeError(`variant ${key} of ${edition.id} exceeds ${settings.maxHtmlBytes} bytes even with one story per section`);
}
