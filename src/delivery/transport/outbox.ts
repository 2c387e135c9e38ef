// The development transport: every message composed (and signed) as an .eml file in
// OUTBOX_DIR instead of going to a relay.
import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { createComposer, type DkimKey } from './compose.js';
import { asDeliveryFailure } from './failures.js';
import type { MailTransport } from './mail-transport.js';

export function createOutboxTransport(options: { dir: string; dkim?: DkimKey | undefined }): MailTransport {
  const dir = resolve(options.dir);
  const composer = createComposer(options.dkim);
  return {
    async send(mail) {
      try {
        const built = await composer.compose(mail);
        await mkdir(dir, { recursive: true });
        const name = `${new Date().toISOString().replace(/[:.]/g, '-')}-${built.messageId.replace(/[^A-Za-z0-9.@-]/g, '')}.eml`;
        await writeFile(join(dir, name), built.bytes);
        return { messageId: built.messageId, response: `250 written to ${name}` };
      } catch (err) {
        throw asDeliveryFailure(err);
      }
    },
    close: () => composer.close(),
  };
}
