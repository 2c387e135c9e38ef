// The HTML element names the text cleaner treats as markup, and how it treats them.
// A name not listed here (and neither custom "a-b" nor namespaced "o:p") is text.

const words = (s: string): ReadonlySet<string> => new Set(s.trim().split(/\s+/));

/** Every HTML element, current and obsolete (HTML Living Standard, §16 obsolete features). */
export const ELEMENTS = words(`
  a abbr acronym address applet area article aside audio b base basefont bdi bdo bgsound big blink
  blockquote body br button canvas caption center cite code col colgroup data datalist dd del details
  dfn dialog dir div dl dt em embed fieldset figcaption figure font footer form frame frameset h1 h2 h3
  h4 h5 h6 head header hgroup hr html i iframe image img input ins isindex kbd keygen label legend li
  link listing main map mark marquee math menu menuitem meta meter multicol nav nextid nobr noembed
  noframes noscript object ol optgroup option output p param picture plaintext pre progress q rb rp rt
  rtc ruby s samp script search section select slot small source spacer span strike strong style sub
  summary sup svg table tbody td template textarea tfoot th thead time title tr track tt u ul var
  video wbr xmp
`);

/** Elements without an end tag. */
export const VOID = words('area base basefont bgsound br col embed frame hr image img input isindex keygen link meta param source track wbr');

/** Elements whose whole content never reaches a summary. */
export const DROPPED = words(`
  applet audio button canvas datalist dialog embed figcaption figure form frameset head iframe map math
  menu nav noembed noframes noscript object select script style svg template textarea title video
  aside footer
`);

/** Elements that end a block (a paragraph for summarising). */
export const BLOCKS = words(`
  address article blockquote br caption center dd details dir div dl dt fieldset h1 h2 h3 h4 h5 h6
  header hgroup hr li listing main ol p pre section summary table tbody td tfoot th thead tr ul
`);
