// MJML compiles in a short-lived thread: strict errors still reach the caller as
// MjmlCompileError, the compiles of one build share one thread, and the thread ends
// (giving its memory back) once it has been idle.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMjmlCompiler, MjmlCompileError } from '../../src/editions/compile.js';

const VALID = '<mjml><mj-body><mj-section><mj-column><mj-text>Hello</mj-text></mj-column></mj-section></mj-body></mjml>';
const LOOSE = '<mjml><mj-body><mj-text>loose</mj-text></mj-body></mjml>';

describe('compileMjml in a thread', () => {
  const compilers: ReturnType<typeof createMjmlCompiler>[] = [];
  const compiler = (idleMs: number) => {
    const c = createMjmlCompiler({ idleMs });
    compilers.push(c);
    return c;
  };
  afterEach(async () => {
    await Promise.all(compilers.splice(0).map((c) => c.thread.stop()));
  });

  it('returns the HTML, and a strict validation failure as MjmlCompileError with its details', async () => {
    const compile = compiler(1_000);
    expect(await compile(VALID)).toContain('Hello');
    const err = await compile(LOOSE).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MjmlCompileError);
    expect((err as MjmlCompileError).details.join(' ')).toMatch(/mj-text/);
    expect(await compile(VALID)).toContain('Hello'); // the thread survives a bad template
    expect(compile.thread.started).toBe(1);
  });

  it('shares one thread between overlapping compiles and ends it when idle', async () => {
    const compile = compiler(50);
    const out = await Promise.all([compile(VALID), compile(VALID), compile(VALID)]);
    expect(out.every((html) => html.includes('Hello'))).toBe(true);
    expect(compile.thread.started).toBe(1);
    await vi.waitFor(() => expect(compile.thread.running).toBe(false), { timeout: 5_000, interval: 20 });
    expect(await compile(VALID)).toContain('Hello'); // a later compile starts a new one
    expect(compile.thread.started).toBe(2);
  });

  it('rejects compiles in flight when the thread is stopped', async () => {
    const compile = compiler(1_000);
    const inFlight = expect(compile(VALID)).rejects.toThrow(/stopped/);
    await compile.thread.stop();
    await inFlight;
    await compile.thread.stop(); // twice is fine
  });
});
