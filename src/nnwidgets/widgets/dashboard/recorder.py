"""What runs on a dashboard's training thread(s): the loop over the runs to train, and the
callback each run's Trainer calls.

:func:`train_runs` trains the pending runs one after another, or interleaved: every run on a
thread of its own, but only the one whose turn it is (the :class:`~.control.TrainingControl`
keeps the turn). The :class:`Recorder` is the Trainer callback: it tells the control a
mini-batch ended (changes applied, the turn passed, a step woken), copies the weights at an
epoch's end for the panels, and, when the dashboard trains in the caller's thread (``run()``),
sends the updates itself. The loop calls it after a mini-batch only while it has work there
(:attr:`Recorder.hears_batches`): a call per mini-batch cost a small network's training a few
per cent. The writer reads the losses from the Trainer's History, and the progress line the
Trainer's ``position``.
"""

from __future__ import annotations

import logging
import threading

from threadpoolctl import threadpool_limits

from ...training import Callback, TrainingDiverged

__all__ = ["Recorder", "join_rotation", "train_runs"]

logger = logging.getLogger("nnwidgets.dashboard")


class Recorder(Callback):
    """The dashboard's callback on one run's Trainer.

    Parameters
    ----------
    run : Run
        The run it records.
    control : TrainingControl
        Told after each epoch, and after a mini-batch while it has work there; holds the turn
        of interleaved runs.
    publisher : Publisher
        Given a copy of the weights at each epoch's end; with ``inline``, asked to send an
        update when one is due (``run()`` trains and sends on the caller's thread).
    """

    # The losses are the writer's to read, from the history: the loop may record them a few
    # mini-batches at a time (the control has them recorded before it counts or changes).
    reads_batch_logs = False

    def __init__(self, run, control, publisher, *, inline=False):
        self.run, self.control, self.publisher = run, control, publisher
        self.inline = inline
        # Bookkeeping only, which the loop may call under its own numpy settings, unless it
        # sends the updates itself (run()): the widget's observers then run here, and they may
        # be the reader's.
        self.runs_reader_code = inline
        self._per_epoch = run.batches_per_epoch

    def on_train_begin(self, trainer):
        self.control.wait_turn(self.run)  # at once unless interleaved
        speed = getattr(self.run, "layer_speed", None)
        if speed is not None:  # LayerSpeed's own start, its records measured by the writer
            speed.records = []
            trainer.history.layer_speed = speed.records
        # The calibration and speeds before any training (epoch 0), when they are measured.
        self.publisher.snapshot_for_panels(self.run, 0, panels=False, measure=True)

    @property
    def hears_batches(self):
        """Whether the loop calls :meth:`on_batch_end` now: when ``run()`` sends the updates
        from the training thread, or while the control has work between mini-batches (it calls
        ``trainer.listen_again()`` when work arrives; this callback when it is done)."""
        return self.inline or self.control.wants_batches

    def on_batch_end(self, trainer, batch, logs):
        control = self.control
        if control.wants_batches:
            control.after_batch(
                self.run, batch + 1 == self._per_epoch, before=trainer.flush_records
            )
        if self.inline:
            self.publisher.publish_if_due()
        elif not control.wants_batches:
            trainer.listen_again()  # nothing left to do here: the loop runs without this call

    def on_epoch_end(self, trainer, epoch, logs):
        self.run.record_epoch(epoch + 1.0, logs)
        self.publisher.snapshot_for_panels(
            self.run, epoch + 1, measure=True, outputs=getattr(trainer, "validation_outputs", None)
        )
        self.control.after_epoch(self.run, last=epoch + 1 >= trainer.epochs)

    def on_train_end(self, trainer):
        # The weights the network ends with: restored by early stopping, or the last finite
        # ones after a divergence, or those of a stop mid-epoch.
        self.publisher.snapshot_for_panels(self.run, trainer.epoch, final=True)


def train_runs(runs, control, progress, publisher, *, inline=False, on_run_start=None):
    """Train the pending ``runs`` on this thread (one after another) or interleaved.

    Called between ``control.begin()`` and ``control.finish()``. A run that stops, diverges or
    fails ends the session: the runs after it stay pending for another start. Each run's status
    and message say how it ended. ``on_run_start(run)`` is called as each run begins (the
    widget shows its settings).
    """
    if control.interleaving:
        pending = [r for r in runs if r.status == "pending"]
        _train_interleaved(pending, control, progress, publisher, inline, on_run_start)
        return
    for run in runs:  # the list as it grows: a run added meanwhile trains after the others
        if run.status != "pending":
            continue
        if control.stop_requested:
            break
        progress.begin([run], control.paused_seconds())
        control.enter([run])
        run.status = "running"
        if on_run_start is not None:
            on_run_start(run)
        _train_run(run, control, publisher, inline)
        if run.status not in ("completed", "early_stopped"):
            break  # stopped, diverged or failed: the runs after it wait for another start


def _train_interleaved(runs, control, progress, publisher, inline, on_run_start):
    """Every run in its own thread, one at a time, passing the turn round.

    Each run's Trainer keeps its own loop (and its own history); the recorder on that thread
    hands the turn to the next run after an epoch (or n mini-batches) and waits for it back. So
    exactly one network trains at any moment.
    """
    if control.stop_requested or not runs:
        return
    for run in runs:
        run.status = "running"
    progress.begin(runs, control.paused_seconds())
    control.enter(runs)
    if on_run_start is not None:
        on_run_start(runs[0])
    threads = [
        threading.Thread(
            target=_train_run,
            daemon=True,
            args=(run, control, publisher, inline),
            name=f"nnwidgets-dashboard-run-{i + 1}",
        )
        for i, run in enumerate(runs)
    ]
    # Each Trainer limits the BLAS threads for its run and restores the limit it found when it
    # ends; runs that overlap in time end in any order, so where the library keeps one
    # process-wide limit the last to end could leave another run's behind: restore the limit
    # from before them all once they are done.
    with threadpool_limits(limits=None):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        control.wait_left()  # runs that joined the turns meanwhile (join_rotation)


def join_rotation(run, control, progress, publisher, number):
    """A run added while interleaved runs train: it joins their turns, after the last of them,
    on a thread of its own (``nnwidgets-dashboard-run-<number>``). False when the turns are
    ending (the run then stays pending for the next start)."""
    if not control.join(run):
        return False
    run.status = "running"
    progress.add(run)
    threading.Thread(
        target=_train_run,
        args=(run, control, publisher, False),
        name=f"nnwidgets-dashboard-run-{number}",
        daemon=True,
    ).start()
    return True


def _train_run(run, control, publisher, inline):
    """Train one run on this thread, recording why it ended."""
    run.add_callback(Recorder(run, control, publisher, inline=inline))
    try:
        run.trainer.run()
    except TrainingDiverged:
        run.message = run.explain_divergence()
    except NotImplementedError as exc:  # an exercise not written yet: its message says which
        logger.error("TrainingDashboard: %s failed: NotImplementedError: %s", run.label, exc)
        run.message = f"NotImplementedError: {exc}"
    except Exception as exc:  # noqa: BLE001 - shown in the widget, logged in full
        logger.exception("TrainingDashboard: %s failed", run.label)
        run.message = f"{type(exc).__name__}: {exc}"
    finally:
        history = run.history
        failed = run.message and history.status == "running"
        if control.interrupted and history.status == "stopped":
            history.message += " (keyboard interrupt)"
        run.message = run.message or history.message  # the message first: the writer reads
        run.status = "failed" if failed else history.status  # both once the status changed
        control.leave(run)
