"""How far a :class:`~nnwidgets.widgets.dashboard.TrainingDashboard`'s training has got.

The training thread counts each mini-batch here (a counter and a tuple, nothing more: it runs
for every mini-batch), and marks when a pause begins and ends; the writer turns the counts into
the ``progress`` trait (samples, elapsed time without the pauses) when it sends, and asks here
whether an update is due.
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
        self.batches = 0  # mini-batches ever trained by this dashboard (step() waits on it)
        self.runs = []
        self.position = {}  # Run -> (epoch, mini-batches done in it)
        self._last_sent = 0.0
        self._reset()

    def _reset(self):
        self.started = time.monotonic()
        self.paused_total = 0.0
        self.paused_since = None

    def begin(self, runs):
        """Count ``runs`` (trained together) from zero."""
        self.runs = list(runs)
        self.position = {run: (0, 0) for run in self.runs}
        self._reset()

    def batch_done(self, run, epoch, batch):
        self.batches += 1
        self.position[run] = (epoch, batch + 1)  # samples are worked out when sent, not here

    def _samples(self, run):
        epoch, batch = self.position.get(run, (0, 0))
        n = len(run.trainer.X)
        return epoch * n + min(n, batch * run.trainer.batch_size)

    def pause_began(self):
        self.paused_since = time.monotonic()

    def pause_ended(self):
        if self.paused_since is not None:
            self.paused_total += time.monotonic() - self.paused_since
            self.paused_since = None

    def elapsed(self):
        now = time.monotonic()
        paused = self.paused_total + (now - self.paused_since if self.paused_since else 0.0)
        return max(0.0, now - self.started - paused)

    def due(self, interval):
        return time.monotonic() - self._last_sent >= interval

    def sent(self):
        self._last_sent = time.monotonic()

    def progress(self, runs, active, parked):
        if active is None:
            return {"run": None, "runs": len(runs)}
        t = active.trainer
        epoch, batch = self.position.get(active, (0, 0))
        counted = self.runs if active in self.runs else [active]
        samples = sum(self._samples(r) for r in counted)
        total = sum(r.trainer.epochs * len(r.trainer.X) for r in counted)
        return {"run": runs.index(active), "runs": len(runs), "epoch": epoch + 1,
                "epochs": t.epochs, "batch": batch, "batches": active.batches_per_epoch,
                "samples": samples, "samples_total": total,
                "elapsed": round(self.elapsed(), 3), "parked": bool(parked)}
