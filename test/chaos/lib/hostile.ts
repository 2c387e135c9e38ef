// Generated hostile signup requests (scenario 6): fuzzed fields, header
// injection, overlong values, wrong types, broken encodings and bodies.
import type { LoadRequest } from './http-load.js';
import type { Rng } from './prng.js';

const long = (n: number, c = 'a') => c.repeat(n);

function emails(rng: Rng, i: number): unknown[] {
  return [
    `ok${i}@hostile.example.test`,
    `Mixed.Case${i}@Hostile.Example.TEST`,
    `inj${i}@hostile.example.test\r\nBcc: victim@evil.example`,
    `inj${i}@hostile.example.test%0d%0aBcc:victim@evil.example`,
    `${long(300)}@hostile.example.test`,
    `u${i}@${long(250, 'b')}.test`,
    `üser${i}@exämple.test`,
    `user${i}@xn--exmple-cua.test`,
    `"quoted${i}"@hostile.example.test`,
    `<script>alert(${i})</script>@hostile.example.test`,
    `a${i}@b`,
    `a${i}@127.0.0.1`,
    `@hostile.example.test`,
    '',
    ' ',
    null,
    12345,
    true,
    [`arr${i}@hostile.example.test`],
    { $gt: '' },
    `nul${i}\u0000@hostile.example.test`,
    `tab${i}\t@hostile.example.test`,
    `rtl${i}\u202e@hostile.example.test`,
    `emoji${i}😀@hostile.example.test`,
    long(rng.int(1000, 70_000), 'x'),
  ];
}

const NAMES: unknown[] = ['Ann', 'Ann & Bob "O\'Brien"', '<b>bold</b>', '"><script>alert(1)</script>', 'line\r\nBcc: x@evil.example', long(101), long(5000), '\u0000', '\u2028', 42, [], {}, null, '   ', 'Zoë 李 😀',
  '{{x}}', '{{confirm_url}} Click http://phish.example', 'Ann\u202Egpj.exe\u2066 \u0085\u009b31m', '=?utf-8?B?DQpCY2M6IHhAZXZpbC5leGFtcGxl?=', '=HYPERLINK("http://evil.example")'];
const TOPICS: unknown[] = [['markets'], ['world', 'markets'], 'markets;world', ['sports'], [], [['markets']], 5, 'x'.repeat(1000), { 0: 'markets' }, ['markets', 'markets', 'markets']];
const ZONES: unknown[] = ['Europe/London', 'UTC', 'Mars/Olympus_Mons', '../../etc/passwd', 'UTC\r\nX: y', 7, '', long(100), 'America/Argentina/ComodRivadavia', 'Etc/GMT+14'];
const HOURS: unknown[] = [7, '7', 0, 23, -1, 24, 7.5, '07', 'seven', null, 1e308, '1e3', [], '23 '];
const FLAGS: unknown[] = [true, false, 'on', 'maybe', 2, null, []];

export function hostileSignups(rng: Rng, count: number): LoadRequest[] {
  const out: LoadRequest[] = [];
  for (let i = 0; i < count; i++) {
    const ip = `100.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    const base = { 'x-forwarded-for': ip, accept: 'application/json' };
    const kind = rng.int(0, 9);
    if (kind <= 5) {
      // A JSON object with any mix of fuzzed fields (and sometimes extra or prototype keys).
      const body: Record<string, unknown> = {};
      if (rng.chance(0.95)) body.email = rng.pick(emails(rng, i));
      if (rng.chance(0.5)) body.name = rng.pick(NAMES);
      if (rng.chance(0.5)) body.topics = rng.pick(TOPICS);
      if (rng.chance(0.5)) body.timezone = rng.pick(ZONES);
      if (rng.chance(0.5)) body.sendHour = rng.pick(HOURS);
      if (rng.chance(0.3)) body.weekdaysOnly = rng.pick(FLAGS);
      if (rng.chance(0.05)) body.website = 'http://spam.example';
      if (rng.chance(0.1)) body.source = rng.pick(['api', 'BAD SOURCE!', long(100), 'import-confirmed']);
      let text = JSON.stringify(body);
      if (rng.chance(0.1)) text = text.replace(/^\{/, '{"__proto__":{"status":"confirmed"},"constructor":{"prototype":{"x":1}},');
      out.push({ method: 'POST', path: '/api/subscribe', headers: { ...base, 'content-type': 'application/json' }, body: text });
    } else if (kind === 6) {
      // Form-encoded, with broken percent-encoding and repeated fields.
      const body = rng.pick([
        `email=form${i}%40hostile.example.test&topics=markets&topics=world&sendHour=8`,
        `email=%E0%A4%A&name=%`,
        `email=form${i}@hostile.example.test&name=%3Cscript%3E`,
        `email=form${i}@hostile.example.test%0D%0ABcc:%20x@evil.example`,
        `email[]=a@b.c&email[]=d@e.f`,
        `email=form${i}@hostile.example.test&email=other${i}@hostile.example.test`,
        `${long(70_000, 'e')}=1`,
        `email=form${i}%40hostile.example.test&name=${encodeURIComponent('Jo\u0000e')}`,
      ]);
      out.push({ method: 'POST', path: '/api/subscribe', headers: { ...base, 'content-type': 'application/x-www-form-urlencoded' }, body });
    } else if (kind === 7) {
      // Bytes that are not UTF-8, or not what the header says.
      const bytes = Buffer.concat([Buffer.from(`{"email":"enc${i}@hostile.example.test","name":"`), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0xe2, 0x82]), Buffer.from('"}')]);
      out.push({ method: 'POST', path: '/api/subscribe', headers: { ...base, 'content-type': rng.pick(['application/json', 'application/json; charset=latin1', 'application/json; charset=utf-16']) }, body: bytes });
    } else if (kind === 8) {
      // Not JSON, or JSON of the wrong shape.
      const body = rng.pick(['{', '{"email":', 'null', '[]', '"a@b.c"', '123', '{"email":"a@b.c"}}', long(70_000, '['), '\u0000\u0000']);
      out.push({ method: 'POST', path: '/api/subscribe', headers: { ...base, 'content-type': 'application/json' }, body });
    } else {
      // Content types no route accepts, and odd methods/paths.
      const pick = rng.int(0, 3);
      if (pick === 0) out.push({ method: 'POST', path: '/api/subscribe', headers: { ...base, 'content-type': 'text/plain' }, body: `email=t${i}@hostile.example.test` });
      else if (pick === 1) out.push({ method: 'POST', path: '/api/subscribe', headers: { ...base, 'content-type': 'multipart/form-data; boundary=x' }, body: `--x\r\nContent-Disposition: form-data; name="email"\r\n\r\nm${i}@hostile.example.test\r\n--x--` });
      else if (pick === 2) out.push({ method: 'POST', path: '/api/subscribe', headers: { ...base }, body: `email=n${i}@hostile.example.test` });
      else out.push({ method: 'GET', path: `/api/subscribe?email=g${i}@hostile.example.test&${long(rng.int(10, 3000), 'q')}=1`, headers: base });
    }
  }
  return out;
}
