// Text from outside (a headline in the Subject, a reader's name) in an unstructured
// header, so that it displays as written. Line breaks and controls go; and text that
// contains "=?" is sent as RFC 2047 encoded words of its own, because nodemailer (by
// design) passes a valid-looking encoded word through, which a mail client would then
// decode into whatever bytes it carries (CR/LF, controls, a right-to-left override).
import { encodeWord } from 'nodemailer/lib/mime-funcs/index.js';
import { stripControls } from '../controls.js';

export function literalHeaderText(text: string): string {
  const clean = stripControls(text.replace(/[\r\n\t]+/g, ' '));
  return clean.includes('=?') ? encodeWord(clean, 'Q', 52) : clean;
}
