// Which transport this process uses: SMTP when SMTP_URL is set; otherwise .eml files in
// OUTBOX_DIR, so development needs nothing else. A new provider is one more file and a branch here.
import type { MailTransport } from './mail-transport.js';
import { createOutboxTransport } from './outbox.js';
import { createSmtpTransport } from './smtp-transport.js';

export interface MailTransportOptions {
  smtpUrl?: string | undefined;
  outboxDir: string;
  poolSize?: number;
  dkim?: { domainName: string; keySelector: string; privateKey: string } | undefined;
}

export function createMailTransport(options: MailTransportOptions): MailTransport {
  return options.smtpUrl
    ? createSmtpTransport({ url: options.smtpUrl, poolSize: options.poolSize ?? 5, dkim: options.dkim })
    : createOutboxTransport({ dir: options.outboxDir, dkim: options.dkim });
}
