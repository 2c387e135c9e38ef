// The per-reader message: personalised parts plus the bulk-sender headers
// (RFC 8058 one-click unsubscribe, RFC 2919 List-Id, Gmail Feedback-ID, RFC 3834).
// Everything edition-wide is computed once per edition by `listHeaders`.
import { literalHeaderText } from './header-text.js';
import type { MailToCompose } from './transport/mail-transport.js';
import type { Personalised } from './ports.js';

export interface ListHeaderOptions {
  /** MAIL_FROM domain: Message-ID, List-Id and the mailto unsubscribe live on it. */
  mailDomain: string;
  /** LIST_ID, or empty for `digest.<mailDomain>`. */
  listId: string;
  /** SITE_NAME: the List-Id's comment (the list's name in mail clients). */
  listName: string;
  /** FEEDBACK_ID_SENDER: the stable SenderId of Gmail's feedback loop. */
  feedbackSender: string;
  editionId: string;
  mode: string;
}

export interface EditionHeaders {
  listId: string;
  listName: string;
  feedbackId: string;
  mailDomain: string;
}

/** Feedback-ID fields may not contain ':' and must carry no per-reader value. */
const fbl = (s: string) => s.replace(/[^A-Za-z0-9._-]/g, '').slice(0, 40) || 'x';

export function listHeaders(o: ListHeaderOptions): EditionHeaders {
  return {
    listId: o.listId || `digest.${o.mailDomain}`,
    listName: o.listName,
    feedbackId: `${fbl(o.editionId)}:${fbl(o.mode)}:digest:${o.feedbackSender}`,
    mailDomain: o.mailDomain,
  };
}

export interface ReaderMessage {
  from: string;
  to: string;
  subscriberId: string;
  editionId: string;
  unsubscribeUrl: string;
  content: Personalised;
}

/** Deterministic: a resend (which the ledger prevents) would at least be recognisably the same message. */
export function messageIdFor(editionId: string, subscriberId: string, mailDomain: string): string {
  return `<${editionId.replace(/[^A-Za-z0-9.-]/g, '')}.${subscriberId}@${mailDomain}>`;
}

/** The mailto carries the same opaque token as the https link, never the address. */
export function unsubscribeMailto(edition: EditionHeaders, unsubscribeUrl: string): string {
  const token = unsubscribeUrl.split('/').pop() ?? '';
  return `mailto:unsubscribe@${edition.mailDomain}?subject=unsubscribe-${encodeURIComponent(token)}`;
}

/** The reader's message for the transport to compose (raw-message.ts writes the same faster). */
export function buildMessage(edition: EditionHeaders, m: ReaderMessage): MailToCompose {
  const mailto = unsubscribeMailto(edition, m.unsubscribeUrl);
  return {
    from: m.from,
    to: m.to,
    subject: literalHeaderText(m.content.subject),
    text: m.content.text,
    html: m.content.html,
    messageId: messageIdFor(m.editionId, m.subscriberId, edition.mailDomain),
    list: {
      id: { url: edition.listId, comment: edition.listName },
      // Nested array: both URIs on one header line, as Gmail expects.
      unsubscribe: [[m.unsubscribeUrl, mailto]],
    },
    headers: {
      'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
      'Feedback-ID': edition.feedbackId,
      'Auto-Submitted': 'auto-generated',
    },
  };
}
