// Composing a message that is not finished bytes (system mail, the digest's fallback for
// addresses the raw writer cannot write), and DKIM-signing every message when configured:
// nodemailer's stream transport, which writes and signs but sends nothing.
import nodemailer, { type SendMailOptions } from 'nodemailer';
import { isFinished, joinedRaw, type OutgoingMail } from './mail-transport.js';

export interface DkimKey {
  domainName: string;
  keySelector: string;
  privateKey: string;
}

export interface Composed {
  messageId: string;
  bytes: Buffer;
  envelope: { from: string; to: string[] };
}

export interface Composer {
  /** True when every message must pass here (DKIM signs finished bytes too). */
  readonly signs: boolean;
  compose(mail: OutgoingMail): Promise<Composed>;
  close(): void;
}

export function createComposer(dkim: DkimKey | undefined): Composer {
  const transport = nodemailer.createTransport({
    streamTransport: true,
    buffer: true,
    newline: 'windows',
    ...(dkim
      ? {
          dkim: {
            ...dkim,
            // Feedback-ID and List-Unsubscribe-Post must be covered by the signature (RFC 8058, Gmail FBL).
            headerFieldNames:
              'from:sender:reply-to:subject:date:message-id:to:cc:mime-version:content-type:content-transfer-encoding:' +
              'list-id:list-unsubscribe:list-unsubscribe-post:feedback-id:auto-submitted',
          },
        }
      : {}),
  });
  return {
    signs: dkim !== undefined,
    async compose(mail) {
      const options = isFinished(mail) ? { raw: joinedRaw(mail.raw), envelope: mail.envelope } : mail;
      const built = (await transport.sendMail(options as SendMailOptions)) as unknown as {
        messageId: string;
        message: Buffer;
        envelope: { from: string | false; to: string[] };
      };
      return { messageId: built.messageId, bytes: built.message, envelope: { from: built.envelope.from || '', to: built.envelope.to } };
    },
    close: () => transport.close(),
  };
}
