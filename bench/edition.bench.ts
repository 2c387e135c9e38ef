// Edition rendering: MJML compile per variant vs per-reader personalisation, with the
// naive per-reader compile measured in the same run as the baseline.
//   npm run bench -- edition [--readers 20000] [--baseline 30] [--rounds 10]
import { escapeHtml } from '../src/http/pages/html.js';
import { countingCompiler } from '../src/editions/compile.js';
import { digestView } from '../src/editions/digest-view.js';
import { digestMjml } from '../src/editions/digest-mjml.js';
import { digestText } from '../src/editions/digest-text.js';
import { ALL_VARIANTS, topicsOfVariant } from '../src/editions/model.js';
import { greetingFor, personalise } from '../src/editions/personalise.js';
import { renderVariant } from '../src/editions/render.js';
import { MARKET, READER, SETTINGS, SLOT, clusters } from '../test/editions/fixtures.js';
import type { Benchmark } from './run.js';
import { numArg } from './lib/args.js';
import { round } from './lib/report.js';


const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};

const reader = (i: number) => ({
  name: `Reader ${i}`,
  unsubscribeUrl: `https://news.example.com/unsubscribe/${i}-tok`,
  preferencesUrl: `https://news.example.com/preferences/${i}-tok`,
});

const bench: Benchmark = {
  name: 'edition',
  description: 'compile once per variant + personalise per reader, vs an MJML compile per reader',
  async run(args) {
    const readers = numArg(args, 'readers', 20_000);
    const baselineReaders = numArg(args, 'baseline', 30);
    const rounds = numArg(args, 'rounds', 10);
    const source = { id: 'e20261124T0700', slot: SLOT, token: 'b3nchb3nch00', clusters: clusters(10), market: MARKET };

    // 1. Compile per variant (first call pays module warm-up; reported separately).
    const compile = countingCompiler();
    const t0 = performance.now();
    const first = await renderVariant(source, 'markets+world', SETTINGS, compile);
    const firstMs = performance.now() - t0;
    const perVariant: Record<string, number[]> = {};
    for (let r = 0; r < rounds; r += 1) {
      for (const key of ALL_VARIANTS) {
        const v = await renderVariant(source, key, SETTINGS, compile);
        (perVariant[key] ??= []).push(v.compileMs);
      }
    }
    const all = Object.values(perVariant).flat();

    // 2. Personalise per reader (HTML + text), and the same encoded to bytes as MIME needs.
    personalise(first, READER);
    let bytes = 0;
    let t = performance.now();
    for (let i = 0; i < readers; i += 1) {
      const m = personalise(first, reader(i));
      bytes += m.html.length + m.text.length;
    }
    const personaliseUs = ((performance.now() - t) * 1000) / readers;
    t = performance.now();
    for (let i = 0; i < readers; i += 1) {
      const m = personalise(first, reader(i));
      // The HTML is pure ASCII (numeric references), so latin1 gives the same bytes without a UTF-8 transcode.
      bytes += Buffer.from(m.html, 'latin1').length + Buffer.from(m.text).length;
    }
    const encodedUs = ((performance.now() - t) * 1000) / readers;

    // 3. Baseline: what per-reader rendering costs — fill the reader into the MJML, compile, write text.
    const compilesBefore = compile.count;
    const view = digestView(
      { slot: SLOT, clusters: source.clusters, market: MARKET, topics: topicsOfVariant('markets+world'), perSection: 8, windowHours: 24 },
      SETTINGS,
    );
    const mjml = digestMjml(view, source.token);
    const text = digestText(view, source.token);
    const fill = (s: string, r: ReturnType<typeof reader>, esc: (x: string) => string) =>
      s
        .replaceAll(`%%${source.token}:greeting%%`, esc(greetingFor(r.name)))
        .replaceAll(`%%${source.token}:unsubscribe_url%%`, esc(r.unsubscribeUrl))
        .replaceAll(`%%${source.token}:preferences_url%%`, esc(r.preferencesUrl))
        .replaceAll(`%%${source.token}:browser_url%%`, esc(first.archiveUrl))
        .replaceAll(`%%${source.token}:date%%`, 'Tuesday 24 November 2026')
        .replaceAll(`%%${source.token}:date_short%%`, 'Tue 24 Nov');
    t = performance.now();
    for (let i = 0; i < baselineReaders; i += 1) {
      const html = await compile(fill(mjml, reader(i), escapeHtml));
      bytes += html.length + fill(text, reader(i), (x) => x).length;
    }
    const baselineMs = (performance.now() - t) / baselineReaders;
    const baselineCompiles = compile.count - compilesBefore;

    const rows = [
      ['measure', 'value'],
      ['compile, first call (warm-up)', `${round(firstMs)} ms`],
      ...ALL_VARIANTS.map((k) => [`compile ${k} (median of ${rounds})`, `${round(quantile(perVariant[k]!, 0.5))} ms`]),
      ['compile, any variant p95', `${round(quantile(all, 0.95))} ms`],
      ['HTML size (markets+world)', `${(first.htmlBytes / 1024).toFixed(1)} KB`],
      [`personalise HTML+text (${readers} readers)`, `${round(personaliseUs, 1)} µs/message`],
      ['  … plus encoding to Buffers (HTML ASCII, text UTF-8)', `${round(encodedUs, 1)} µs/message`],
      [`baseline: MJML compile per reader (${baselineReaders} readers)`, `${round(baselineMs)} ms/message`],
      ['speed-up over baseline (encoded)', `${Math.round((baselineMs * 1000) / encodedUs)}x`],
      ['compiles for personalisation / for baseline', `0 / ${baselineCompiles}`],
    ];
    const widths = [Math.max(...rows.map((r) => r[0]!.length)), 0];
    for (const [k, v] of rows) console.log(`${k!.padEnd(widths[0]!)}  ${v}`);
    console.log(
      JSON.stringify({
        bench: 'edition',
        readers,
        baselineReaders,
        compileFirstMs: round(firstMs),
        compileMedianMs: Object.fromEntries(ALL_VARIANTS.map((k) => [k, round(quantile(perVariant[k]!, 0.5))])),
        compileP95Ms: round(quantile(all, 0.95)),
        htmlBytes: first.htmlBytes,
        personaliseUsPerMessage: round(personaliseUs, 2),
        personaliseEncodedUsPerMessage: round(encodedUs, 2),
        perReaderCompileMsPerMessage: round(baselineMs),
        speedup: Math.round((baselineMs * 1000) / encodedUs),
        checksum: bytes,
      }),
    );
  },
};

export default bench;
