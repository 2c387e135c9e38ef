// The one place MJML is compiled. Strict validation: a template mistake fails the
// build instead of mailing broken HTML. Injectable so tests can count compiles.
import { createMjmlThread } from './mjml-thread.js';

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

// mjml 5 is async; minify stays off (htmlnano/cssnano peer mismatch) — size is bounded by story caps.
const MJML_OPTIONS = { validationLevel: 'strict', keepComments: false };

/**
 * A compiler whose MJML runs in its own short-lived thread (see mjml-thread.ts): the
 * ~60 MB that MJML takes is given back when the thread ends, instead of staying in the
 * worker that goes on to fan out and send.
 */
export function createMjmlCompiler(options: { idleMs?: number } = {}): CompileMjml & { thread: ReturnType<typeof createMjmlThread> } {
  const thread = createMjmlThread({ options: MJML_OPTIONS, ...options });
  const compile = async (mjml: string): Promise<string> => {
    const reply = await thread.compile(mjml);
    if ('html' in reply) return reply.html;
    if ('failed' in reply) throw new Error(reply.failed);
    const { message, details } = reply.invalid;
    throw new MjmlCompileError(`MJML did not validate: ${message.split('\n')[0] ?? ''}`.trim(), details);
  };
  return Object.assign(compile, { thread });
}

/** The process's compiler. */
export const compileMjml: CompileMjml = createMjmlCompiler();

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
