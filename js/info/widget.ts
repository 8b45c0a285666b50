// ModelInfo: the installed nnwidgets version and a network's architecture, as a small card.
// It is deliberately simple; it exists to prove the build, the binary wire format and the
// Python <-> browser sync end to end (tests/e2e/test_info_widget.py drives it).
import type { RenderProps } from "@anywidget/types";
import { Cleanups } from "../lib/cleanup";
import { h } from "../lib/dom";
import type { HostModel } from "../lib/host";
import { decodeArray, type WireArray } from "../lib/wire";

/** The `architecture` trait, as src/nnwidgets/widgets/info.py fills it. */
export interface Architecture {
  sizes: number[];
  activation: string;
  output: string;
  cost: string;
  n_params: number;
}

interface InfoModel {
  version: string;
  title: string;
  architecture: Architecture | null;
  weight_rms: WireArray | null;
}

function draw(model: HostModel<InfoModel>, el: HTMLElement): void {
  const card = h("div", "nnw-card nnw-info");
  const head = h("div", "nnw-info__head");
  head.append(
    h("span", "nnw-info__title", model.get("title") || "nnwidgets"),
    h("span", "nnw-info__version", `v${model.get("version")}`),
  );
  card.append(head);

  const arch = model.get("architecture");
  if (arch) {
    card.append(h("div", "nnw-info__sizes", arch.sizes.join(" \u2192 ")));
    const dl = h("dl", "nnw-info__facts");
    const facts: [string, string][] = [
      ["layers", `${arch.sizes.length} (${arch.sizes.length - 2} hidden)`],
      ["activation", arch.activation],
      ["output", arch.output],
      ["cost", arch.cost],
      ["parameters", arch.n_params.toLocaleString("en-US")],
    ];
    for (const [k, v] of facts) dl.append(h("dt", "", k), h("dd", "", v));
    card.append(dl);

    const rms = model.get("weight_rms");
    if (rms) card.append(weightBars(rms, arch.sizes));
  } else {
    card.append(h("div", "nnw-info__empty", "no network"));
  }
  el.replaceChildren(card);
}

/** One bar per weight matrix, its length the matrix's root-mean-square weight. */
function weightBars(wire: WireArray, sizes: number[]): HTMLElement {
  const box = h("div", "nnw-info__bars");
  // The bars say nothing without it (the numbers were only in a tooltip).
  box.append(h("div", "nnw-info__bars-caption", "RMS weight per layer"));
  let values: Float32Array;
  try {
    values = decodeArray(wire).data;
  } catch (e) {
    box.append(h("div", "nnw-info__error", String(e)));
    return box;
  }
  const max = Math.max(1e-12, ...values);
  values.forEach((v, l) => {
    const bar = h("div", "nnw-info__bar");
    bar.title = `W${l + 1} (${sizes[l + 1]}\u00d7${sizes[l]}): rms ${v.toPrecision(3)}`;
    const fill = h("span", "nnw-info__fill");
    fill.style.width = `${(100 * v) / max}%`;
    bar.append(h("span", "nnw-info__label", `W${l + 1}`), fill, h("span", "nnw-info__value", v.toFixed(3)));
    box.append(bar);
  });
  return box;
}

export default {
  render({ model, el }: RenderProps<InfoModel>) {
    el.classList.add("nnw-info-root");
    const cleanups = new Cleanups();
    const redraw = () => draw(model, el);
    redraw();
    // anywidget removes model.on listeners with the view; hosts without `off` (MyST) do not,
    // so Cleanups also silences them.
    for (const name of ["version", "title", "architecture", "weight_rms"]) {
      cleanups.on(model, `change:${name}`, redraw);
    }
    cleanups.add(() => el.replaceChildren());
    return () => {
      cleanups.run();
    };
  },
};
