// Per-reader links for the delivery port, from the subscribers' token module.
import type { Tokens } from '../subscribers/tokens.js';
import type { LinkPort } from './ports.js';

export function createLinks(deps: { tokens: Pick<Tokens, 'sign'>; publicUrl: string; archivePath?: (editionId: string, variantKey: string) => string }): LinkPort {
  const base = deps.publicUrl;
  return {
    unsubscribeUrl: (sub) => `${base}/unsubscribe/${deps.tokens.sign('unsubscribe', sub.id, sub.tokenVersion)}`,
    preferencesUrl: (sub) => `${base}/preferences/${deps.tokens.sign('preferences', sub.id, sub.tokenVersion)}`,
    browserUrl: (editionId, variantKey) =>
      base + (deps.archivePath ? deps.archivePath(editionId, variantKey) : `/archive/${encodeURIComponent(editionId)}?v=${encodeURIComponent(variantKey)}`),
  };
}
