// The one place MJML is compiled. Strict validation: a template mistake fails the
// build instead of mailing broken HTML. Injectable so tests can count compiles.

export class MjmlCompileError extends Error {
  override name = 'MjmlCompileError';
  constructor(
    message: string,
    readonly details: string[],
  ) {
    super(details.length ? `${message}: ${details.slice(0, 5).join('; ')}` : message);
  }
}

export type CompileMjml = (mjml: string) => Promise<string>;

// Loaded on the first compile, not at import: MJML (and cheerio under it) is ~60 MB of
// RSS that a process serving only send jobs never needs.
const loadMjml = () => import('mjml');
let mjmlModule: ReturnType<typeof loadMjml> | undefined;

export const compileMjml: CompileMjml = async (mjml) => {
  const { default: mjml2html } = await (mjmlModule ??= loadMjml());
  try {
    // mjml 5 is async; minify stays off (htmlnano/cssnano peer mismatch) — size is bounded by story caps.
    const out = await mjml2html(mjml, { validationLevel: 'strict', keepComments: false });
    return out.html;
  } catch (err) {
    const errors = (err as { errors?: { formattedMessage?: string; message?: string }[] }).errors;
    const details = (errors ?? []).map((e) => e.formattedMessage ?? e.message ?? String(e));
    throw new MjmlCompileError(`MJML did not validate: ${(err as Error).message.split('\n')[0] ?? ''}`.trim(), details);
  }
};

/** Wrap a compiler so each call is counted (tests, benchmarks, build reports). */
export function countingCompiler(inner: CompileMjml = compileMjml): CompileMjml & { count: number } {
  const wrapped = Object.assign(
    async (mjml: string) => {
      wrapped.count += 1;
      return inner(mjml);
    },
    { count: 0 },
  );
  return wrapped;
}
