// The progress line: epoch and mini-batch, samples per second, elapsed time and ETA.

/** The `progress` trait, as src/nnwidgets/widgets/dashboard.py fills it. */
export interface Progress {
  run: number | null;
  runs: number;
  epoch?: number;
  epochs?: number;
  batch?: number;
  batches?: number;
  samples?: number;
  samples_total?: number;
  elapsed?: number; // seconds, pauses left out
  parked?: boolean;
}

/** "0:07", "12:34", "1:02:03" (rounded down to the second); "–" for no finite time. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  const s = Math.floor(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (n: number) => String(n).padStart(2, "0");
  return h > 0 ? `${h}:${two(m)}:${two(r)}` : `${m}:${two(r)}`;
}

/** Samples per second so far, or NaN before there is a rate to tell. */
export function samplesPerSecond(p: Progress): number {
  const { samples = 0, elapsed = 0 } = p;
  return samples > 0 && elapsed > 0 ? samples / elapsed : NaN;
}

/** Seconds left at the rate so far; NaN when unknown, 0 when done. */
export function eta(p: Progress): number {
  const rate = samplesPerSecond(p);
  const left = (p.samples_total ?? 0) - (p.samples ?? 0);
  if (left <= 0) return 0;
  return rate > 0 ? left / rate : NaN;
}

/** The pieces of the progress line, in reading order; empty when nothing trains. */
export function describeProgress(p: Progress | null | undefined): string[] {
  if (!p || p.run === null || p.run === undefined) return [];
  const parts: string[] = [];
  if (p.runs > 1) parts.push(`run ${p.run + 1}/${p.runs}`);
  parts.push(`epoch ${p.epoch ?? 0}/${p.epochs ?? 0}`);
  parts.push(`batch ${p.batch ?? 0}/${p.batches ?? 0}`);
  const rate = samplesPerSecond(p);
  parts.push(Number.isFinite(rate) ? `${Math.round(rate).toLocaleString("en-US")} samples/s` : "– samples/s");
  parts.push(`elapsed ${formatDuration(p.elapsed ?? 0)}`);
  parts.push(`ETA ${formatDuration(eta(p))}`);
  return parts;
}

/** Fraction of the run done, in [0, 1]. */
export function fractionDone(p: Progress | null | undefined): number {
  if (!p || !p.samples_total) return 0;
  return Math.min(1, Math.max(0, (p.samples ?? 0) / p.samples_total));
}
