// The results panel: what each run achieved (a table), the mean over seeds per setting
// combination, and a heat map of the mean best validation accuracy when exactly two settings
// vary. Python computes every number (results.py, panel_data); this only lays them out.
import { css, sequential, type RGB } from "../lib/colors";
import { h } from "../lib/dom";
import { formatLoss, formatPercent } from "./legend";

export interface ResultRow {
  label: string; seed: number | null; status: string; epochs: number;
  best_val_accuracy: number | null; best_epoch: number | null; final_val_loss: number | null;
  final_train_accuracy: number | null; seconds: number; settings: string[];
}

export interface SummaryRow {
  seeds: (number | null)[]; runs: number; status: string;
  best_val_accuracy_mean: number | null; best_val_accuracy_std: number | null; settings: string[];
}

export interface HeatMap {
  x: string; y: string; xs: string[]; ys: string[];
  /** One row per value of y, one column per value of x; null where no run has a value. */
  values: (number | null)[][];
}

export interface ResultsData {
  settings: string[]; runs: ResultRow[]; summary: SummaryRow[]; heatmap: HeatMap | null;
}

/** The finite [min, max] of a heat map's values, or null when it has none. */
export function valueRange(values: (number | null)[][]): [number, number] | null {
  let lo = Infinity, hi = -Infinity;
  for (const row of values) for (const v of row) {
    if (v == null || !Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return lo <= hi ? [lo, hi] : null;
}

/** A cell's fill: the sequential scale from its range's low (light) to high (dark), kept
 * within [0.05, 0.85] of the scale so text stays readable; null (no value) is none. */
export function cellFill(v: number | null, range: [number, number] | null): RGB | null {
  if (v == null || !Number.isFinite(v) || range === null) return null;
  const [lo, hi] = range;
  const t = hi > lo ? (v - lo) / (hi - lo) : 1;
  return sequential(0.05 + 0.8 * t);
}

/** Dark text on light fills, light text on dark ones (by relative luminance). */
export function inkOn(fill: RGB): string {
  const [r, g, b] = fill.map((c) => c / 255);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 ? "#1c1c38" : "#ffffff";
}

/** "91.2% ± 1.3" (the spread in points), or "–". */
export function meanSpread(mean: number | null, std: number | null): string {
  if (mean == null || !Number.isFinite(mean)) return "–";
  return std != null && Number.isFinite(std) && std > 0
    ? `${formatPercent(mean)} ± ${(std * 100).toFixed(1)}` : formatPercent(mean);
}

function table(header: string[], rows: string[][], className: string): HTMLTableElement {
  const t = h("table", `nnw-dash__results-table ${className}`);
  const head = h("tr", "");
  for (const c of header) head.append(h("th", "", c));
  t.createTHead().append(head);
  const body = t.createTBody();
  for (const r of rows) {
    const tr = h("tr", "");
    for (const c of r) tr.append(h("td", "", c));
    body.append(tr);
  }
  return t;
}

function heatMap(m: HeatMap): HTMLElement {
  const box = h("div", "nnw-dash__heatmap");
  box.append(h("div", "nnw-dash__panelnote",
    `best validation accuracy (mean over seeds): ${m.y} down, ${m.x} across`));
  const range = valueRange(m.values);
  const rows = m.ys.map((y, i) => [y, ...m.values[i].map((v) => meanSpread(v, null))]);
  const t = table([`${m.y} \\ ${m.x}`, ...m.xs], rows, "nnw-dash__heat");
  t.tBodies[0].querySelectorAll("tr").forEach((tr, i) => {
    tr.querySelectorAll("td").forEach((td, j) => {
      if (j === 0) return;
      const fill = cellFill(m.values[i][j - 1], range);
      if (fill) {
        td.style.background = css(fill);
        td.style.color = inkOn(fill);
      }
    });
  });
  box.append(t);
  return box;
}

/** Draw `data` into `el` (emptied when there is none: a lone run has no results panel). */
export function renderResults(el: HTMLElement, data: ResultsData | null): void {
  if (!data) {
    el.replaceChildren();
    return;
  }
  const parts: HTMLElement[] = [h("div", "nnw-dash__panelhead", "results")];
  if (data.heatmap) parts.push(heatMap(data.heatmap));
  if (data.summary.length < data.runs.length) {
    parts.push(table([...data.settings, "seeds", "status", "best validation accuracy"],
      data.summary.map((r) => [...r.settings, r.seeds.join(", "), r.status,
        meanSpread(r.best_val_accuracy_mean, r.best_val_accuracy_std)]), "nnw-dash__summary"));
  }
  parts.push(table(["run", "seed", "status", "epochs", "best val. accuracy", "at epoch",
    "val. loss", "training set", "seconds"],
  data.runs.map((r) => [r.label, r.seed == null ? "" : String(r.seed), r.status, String(r.epochs),
    formatPercent(r.best_val_accuracy), r.best_epoch == null ? "–" : String(r.best_epoch),
    formatLoss(r.final_val_loss), formatPercent(r.final_train_accuracy), r.seconds.toFixed(1)]),
  "nnw-dash__runs-table"));
  el.replaceChildren(...parts);
}
