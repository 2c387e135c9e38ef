// Tiny argv helpers shared by the benchmarks: `--name value` numbers and `--flag` switches.
export function numArg(args: string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const v = i >= 0 ? Number(args[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

export function flag(args: string[], name: string): boolean {
  return args.includes(`--${name}`);
}
