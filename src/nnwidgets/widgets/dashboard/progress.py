"""How far a :class:`~nnwidgets.widgets.dashboard.TrainingDashboard`'s training has got.

Each run's Trainer keeps its own position (``trainer.position``: the epoch and the mini-batches
done in it, one tuple it writes after every mini-batch); the writer turns the positions into the
``progress`` trait (samples, elapsed time without the pauses, which the control counts) when it
sends.
"""

from __future__ import annotations

import time

__all__ = ["ProgressCounters"]


class ProgressCounters:
    """Progress of the training runs: mini-batches, samples and time with pauses left out.

    Runs trained one after another are counted one at a time; interleaved runs together (their
    samples add up, so the rate and the ETA are those of the whole set), each keeping its own
    epoch and mini-batch.
    """

    def __init__(self):
        self.runs = []
        self.started = time.monotonic()
        self.paused_before = 0.0

    def begin(self, runs, paused_seconds=0.0):
        """Count ``runs`` (trained together) from zero; ``paused_seconds``: the control's count
        of time paused so far, which is not theirs."""
        self.runs = list(runs)
        self.started = time.monotonic()
        self.paused_before = paused_seconds

    def add(self, run):
        """Count ``run`` with the runs begun together (it joined their turns)."""
        self.runs = [*self.runs, run]

    def _samples(self, run):
        epoch, batch = run.trainer.position
        n = len(run.trainer.X)
        return epoch * n + min(n, batch * run.trainer.batch_size)

    def elapsed(self, paused_seconds=0.0):
        """Seconds since :meth:`begin`, less the time paused since (``paused_seconds``: the
        control's count now)."""
        paused = max(0.0, paused_seconds - self.paused_before)
        return max(0.0, time.monotonic() - self.started - paused)

    def progress(self, runs, active, parked, paused_seconds=0.0):
        """The ``progress`` trait: where ``active`` is among ``runs``, and the samples and
        time (``paused_seconds`` left out) of the runs counted together."""
        if active is None:
            return {"run": None, "runs": len(runs)}
        t = active.trainer
        epoch, batch = t.position
        counted = self.runs if active in self.runs else [active]
        samples = sum(self._samples(r) for r in counted)
        total = sum(r.trainer.epochs * len(r.trainer.X) for r in counted)
        return {
            "run": runs.index(active),
            "runs": len(runs),
            "epoch": epoch + 1,
            "epochs": t.epochs,
            "batch": batch,
            "batches": active.batches_per_epoch,
            "samples": samples,
            "samples_total": total,
            "elapsed": round(self.elapsed(paused_seconds), 3),
            "parked": bool(parked),
        }
