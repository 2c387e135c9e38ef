// How operators' views print times and durations (UTC, one clock for everyone).

/** `2026-11-24 07:00`. */
export function shortTime(iso: string | null): string {
  return iso ? iso.slice(0, 16).replace('T', ' ') : '—';
}

export function duration(sec: number | null): string {
  if (sec === null) return '—';
  if (sec < 90) return `${sec}s`;
  if (sec < 5400) return `${Math.round(sec / 60)}m`;
  return `${(sec / 3600).toFixed(1)}h`;
}
