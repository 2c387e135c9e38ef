// Characters that change how text displays rather than what it says: C0 and C1
// controls (terminal escapes, U+0085 NEL), DEL, bidi overrides, embeddings, isolates
// and marks (a right-to-left override turns "gpj.exe" around), and zero-width
// characters. Text from outside (feeds, signup names) loses them before it is
// stored or shown; tab and line feed stay, as layout the callers fold or refuse.
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

export function stripControls(text: string): string {
  return text.replace(CONTROLS, '');
}

export function hasControls(text: string): boolean {
  CONTROLS.lastIndex = 0;
  return CONTROLS.test(text);
}
