// Early stopping's restored epoch: the weights a run ends with are those of its best epoch,
// not of the last one drawn, so the curves mark that epoch (a line, a label and a dot on the
// validation curve) and the legend's status says it. Pure: the chart draws what this returns.

/** The mark as Python sends it with a run's curves (runs.py, Run.restored_mark). */
export interface RestoredWire {
  x: number;
  text: string;
}

/** Where the restored epoch is drawn: its x (epochs) and the validation values there. */
export interface RestoredMark {
  x: number;
  text: string;
  kind: "restored";
  /** The validation loss and accuracy at that epoch (NaN where not recorded): the dots. */
  loss: number;
  accuracy: number;
}

/** The restored epoch's mark with the validation values at its x; null for none or bad data. */
export function restoredMark(wire: RestoredWire | null | undefined, ex: ArrayLike<number>,
  vloss: ArrayLike<number>, vacc: ArrayLike<number>): RestoredMark | null {
  if (!wire || typeof wire !== "object" || !Number.isFinite(wire.x)) return null;
  let loss = NaN, accuracy = NaN;
  // Epoch points sit at whole epochs (float32 on the wire): the nearest within a hundredth.
  for (let i = 0; i < ex.length; i++) {
    if (Math.abs(ex[i] - wire.x) < 0.01) {
      loss = vloss[i] ?? NaN;
      accuracy = vacc[i] ?? NaN;
    }
  }
  const text = typeof wire.text === "string" && wire.text ? wire.text : `restored: epoch ${wire.x}`;
  return { x: wire.x, text, kind: "restored", loss, accuracy };
}

/** A run's status as its legend chip says it: early stopping names the epoch it restored. */
export function statusText(status: string, restoredEpoch: number | null | undefined): string {
  if (status === "early_stopped" && typeof restoredEpoch === "number" && Number.isFinite(restoredEpoch)) {
    return `${status} · restored epoch ${restoredEpoch}`;
  }
  return status;
}
