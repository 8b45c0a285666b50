// One colour per run, distinct for the usual handful of runs and readable on white.

const RUNS = ["#2f6fdf", "#d9542b", "#2a9d5c", "#8e44ad", "#c7a000", "#16a2b8", "#d63384", "#555555"];

/** The colour of run `i` (cycling after eight). */
export function runColor(i: number): string {
  return RUNS[((i % RUNS.length) + RUNS.length) % RUNS.length];
}

/** `#rrggbb` at opacity `alpha` as `rgba(...)`. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{6})$/i.exec(hex);
  if (!m) throw new Error(`expected a colour #rrggbb, got ${JSON.stringify(hex)}`);
  const n = parseInt(m[1], 16);
  return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
}
