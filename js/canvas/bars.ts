// Ten probability bars, one per digit: built once, repainted every frame. Styles in bars.css
// (a widget's styles.css imports it).
import { argmax } from "../lib/forward";
import { h } from "../lib/dom";

export interface Bars {
  el: HTMLDivElement;
  rows: { row: HTMLDivElement; fill: HTMLDivElement; value: HTMLSpanElement }[];
}

/** A probability as the bar's label: whole percents near 0 and 100, one decimal between. */
export function percentLabel(p: number): string {
  return `${(p * 100).toFixed(p >= 0.995 || p < 0.0995 ? 0 : 1)}%`;
}

/** The CSS width of a bar: p clamped to 0..1, in percent. */
export function barWidth(p: number): string {
  return `${(Math.max(0, Math.min(1, p)) * 100).toFixed(1)}%`;
}

export function createBars(count = 10): Bars {
  const el = h("div", "nnw-bars");
  el.setAttribute("role", "list");
  el.setAttribute("aria-label", "Probability of each digit");
  const rows: Bars["rows"] = [];
  for (let d = 0; d < count; d++) {
    const row = h("div", "nnw-bars__row");
    row.setAttribute("role", "listitem");
    row.dataset.digit = String(d);
    const track = h("div", "nnw-bars__track");
    const fill = h("div", "nnw-bars__fill");
    track.append(fill);
    const value = h("span", "nnw-bars__value", "");
    row.append(h("span", "nnw-bars__label", String(d)), track, value);
    el.append(row);
    rows.push({ row, fill, value });
  }
  return { el, rows };
}

/** Show probabilities `p` (or empty bars for null); returns the most probable digit, or -1. */
export function paintBars(bars: Bars, p: ArrayLike<number> | null): number {
  const best = p ? argmax(p) : -1;
  bars.rows.forEach(({ row, fill, value }, d) => {
    const v = p ? p[d] : 0;
    fill.style.width = barWidth(v);
    value.textContent = p ? percentLabel(v) : "";
    row.dataset.prob = p ? String(v) : "";
    row.classList.toggle("nnw-bars__row--best", d === best);
  });
  return best;
}
