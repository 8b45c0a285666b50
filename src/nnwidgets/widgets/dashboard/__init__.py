"""The training dashboard: one object per job, each beside its half in ``js/dashboard/``.

- :mod:`.widget`: :class:`TrainingDashboard`, the widget (traits, public methods, the page's
  messages, close); it holds one of each object below and forwards its buttons to the control.
- :mod:`.control`: :class:`TrainingControl`, pause, step, stop and the turns of interleaved
  runs behind one condition, acting through each run's Trainer (no widget library).
- :mod:`.recorder`: what runs on the training thread(s): the Trainer callback and the loop
  over the runs to train.
- :mod:`.publisher`: the writer thread, one message per update, and when panels are computed.
- :mod:`.runs`: a run (network, data, Trainer, curves, live changes) and its label; why a run
  diverged.
- :mod:`.grid`: a grid of runs (every combination of some settings, times seeds).
- :mod:`.results`: what the runs achieved, per run and over seeds; the results panel's data.
- :mod:`.series`: the bounded, decimating record of a curve.
- :mod:`.progress`: how far training has got (samples, elapsed time without pauses).
- :mod:`.panels`: what the insight panels show, computed from a copy of the weights.
- :mod:`.calibration`: the calibration panel (reliability diagram, ECE in words, ECE per epoch).

``TrainingDashboard`` is imported on first use, so ``control`` and the other parts can be
imported (and tested) without anywidget.
"""

__all__ = ["TrainingDashboard"]


def __getattr__(name):
    if name == "TrainingDashboard":
        from .widget import TrainingDashboard

        return TrainingDashboard
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
