import { parseRows } from './bench/lib/parse-rows.ts';
import { readFileSync } from 'node:fs';
const SYLLABLES = 'ka lo mi su te ra no vi de po ba ne lu fa si go re tu'.split(' ');
const WORDS = Array.from({ length: 3000 }, (_, i) => `${SYLLABLES[i % 18]}${SYLLABLES[Math.floor(i / 18) % 18]}${SYLLABLES[Math.floor(i / 324) % 18]}`);
let s = 1; const r = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
const pick = () => WORDS[Math.floor(r() * WORDS.length)]!;
const bodies = Array.from({ length: 50 }, (_, f) => Buffer.from(`<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>S</title><link>https://source.example.com/</link>${Array.from({ length: 100 }, (_, i) => `<item><title>${Array.from({ length: 8 }, pick).join(' ')} s${f}i${i}</title>
<link>https://source.example.com/${i}?utm_source=rss</link><pubDate>${new Date().toUTCString()}</pubDate>
<description><![CDATA[<p>${Array.from({ length: 30 }, pick).join(' ')}.</p><p>Read more: something</p><p>The post x appeared first on y.</p>]]></description></item>`).join('\n')}</channel></rss>`));
const rows = await parseRows(bodies, 5);
for (const r of rows) console.log(r.name, r.oursMs.toFixed(0), r.referenceMs.toFixed(0), r.ratio.toFixed(2), r.tokenizerMs.toFixed(0));
