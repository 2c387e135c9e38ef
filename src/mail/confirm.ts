// The confirmation mail (double opt-in). It carries nothing the requester chose (no
// name): whoever asks for it can type any address, so fixed wording, the brand and the
// link are all it may say. Same partials, brand and single fill as every other mail.
import { SafeHtml } from '../html.js';
import type { CompileMjml } from '../editions/compile.js';
import type { PersonalisedMessage } from '../editions/personalise.js';
import { field, systemMailRenderer, type SystemMailSettings } from './compiled-mail.js';

export type RenderConfirm = (values: { confirmUrl: string }) => Promise<PersonalisedMessage>;

export function createConfirmRenderer(settings: SystemMailSettings, compile?: CompileMjml): RenderConfirm {
  const render = systemMailRenderer(
    settings,
    {
      template: 'confirm',
      subject: 'Please confirm your subscription',
      preheader: `One click to start receiving ${settings.brand.name}.`,
      header: {
        date: 'Confirm your subscription',
        intro: `Please confirm that you want ${settings.brand.name} at this address. Until you confirm, we will not send you anything else.`,
      },
      why: `You get this because someone asked for ${settings.brand.name} to be sent to this address.`,
      links: 'none',
      markup: { confirmUrl: new SafeHtml(field('confirm_url')) },
      text: { confirmUrl: field('confirm_url') },
    },
    compile,
  );
  // No name, ever: the greeting stays "Hello,".
  return ({ confirmUrl }) => render({ name: '', confirmUrl });
}
