"""Check for lab 14 (the capstone): ``check.capstone``.

The reader's ``make_run(seed)`` returns ``(network, settings)``: a :class:`~nnwidgets.Network`
for 784 inputs and 10 outputs, and the training settings (a dict of ``Trainer`` options, as
``TrainingDashboard`` takes them). The notebook trains it on the 8,000 training digits and
scores it on the 2,000 held out from them; the test set waits for the end. So the check
refuses settings that bring their own validation data (the one way test digits could sneak
in), an unknown or invalid option (the Trainer's own message says which), and a network that
is not made from ``seed`` (two calls with one seed must start from the same weights, two seeds
from different ones: otherwise the run cannot be repeated, nor its luck told apart from its
design).
"""

from __future__ import annotations

import numpy as np

from ._report import Text, fail, passed

__all__ = ["capstone"]

# What the notebook passes itself, so a run cannot: its data and its time budget.
_NOTEBOOK_SETS = {
    "validation": "the notebook validates on the 2,000 digits held out from the training set "
    "(never on the test set, which waits for the end): leave validation out of the settings",
    "callbacks": "the notebook adds its 60-second budget as a callback: leave callbacks out",
}


def _call(fn, seed, inputs):
    try:
        return fn(seed)
    except NotImplementedError as exc:
        lines = [
            f"NotImplementedError: {exc}",
            "make_run is not written yet: replace the raise NotImplementedError(...) in it "
            "with your code, run its cell, then this check again",
        ]
        exc._render_traceback_ = lambda: lines
        raise
    except Exception as exc:
        fail(
            "capstone",
            inputs,
            Text("(network, settings)"),
            Text(f"{type(exc).__name__}: {exc}"),
            f"make_run raised {type(exc).__name__}",
        )


def _pair(raw, inputs):
    from ..network import Network

    expected = Text("(network, settings): a Network for 784 inputs and 10 outputs, and a dict")
    if not isinstance(raw, (tuple, list)) or len(raw) != 2:
        fail(
            "capstone",
            inputs,
            expected,
            Text(f"{type(raw).__name__}: {raw!r:.80}"),
            "make_run must return two things, `return network, settings`"
            + ("; it returned None: is the return statement missing?" if raw is None else ""),
        )
    network, settings = raw
    if not isinstance(network, Network):
        fail(
            "capstone",
            inputs,
            expected,
            Text(f"a {type(network).__name__} first"),
            "the first item must be an nnwidgets.Network (the dashboard trains it)",
        )
    if network.sizes[0] != 784 or network.sizes[-1] != 10:
        fail(
            "capstone",
            inputs,
            Text("sizes [784, ..., 10]"),
            Text(f"sizes {network.sizes}"),
            "the network reads 784 pixels and answers with 10 outputs, one per digit",
        )
    if not isinstance(settings, dict):
        fail(
            "capstone",
            inputs,
            expected,
            Text(f"a {type(settings).__name__} second"),
            "the second item must be a dict of training settings, e.g. "
            "dict(epochs=10, batch_size=64, learning_rate=0.05)",
        )
    return network, settings


def capstone(fn):
    """``fn(seed)`` returns ``(network, settings)`` that the notebook can train fairly: a
    seeded ``Network`` [784, ..., 10] and Trainer settings without validation data."""
    from ..training import OPTIONS, Trainer

    name = "capstone"
    inputs = "make_run(seed=0)"
    network, settings = _pair(_call(fn, 0, inputs), inputs)
    for key in settings:
        if key in _NOTEBOOK_SETS:
            fail(
                name,
                inputs,
                Text(f"no {key!r}"),
                Text(f"{key!r} in the settings"),
                _NOTEBOOK_SETS[key],
            )
    # the Trainer's options, less the notebook's own and the one the dashboard sets itself
    allowed = [k for k in OPTIONS if k not in _NOTEBOOK_SETS and k != "notify_interval"]
    unknown = [k for k in settings if k not in allowed]
    if unknown:
        fail(
            name,
            inputs,
            Text(f"settings among {allowed}"),
            Text(f"{unknown[0]!r}"),
            f"{unknown[0]!r} is not a training setting the dashboard takes (a typo?)",
        )
    # The Trainer checks every value when it is made: a tiny stand-in set, nothing trained.
    X, y = np.zeros((20, 784), np.float32), np.arange(20) % 10
    extra = {"validation": (X, y)} if settings.get("early_stopping") else {}
    try:
        Trainer(network.copy(), X, y, **settings, **extra)
    except (TypeError, ValueError) as exc:
        fail(
            name,
            inputs,
            Text("settings the Trainer accepts"),
            Text(f"{type(exc).__name__}: {exc}"),
            "the Trainer refuses these settings (its message above says which and why)",
        )
    again, _ = _pair(_call(fn, 0, "make_run(seed=0), a second time"), "make_run(seed=0)")
    other, _ = _pair(_call(fn, 1, "make_run(seed=1)"), "make_run(seed=1)")
    same = all(np.array_equal(a, b) for a, b in zip(network.weights, again.weights))
    if not same:
        fail(
            name,
            "make_run(seed=0), twice",
            Text("the same starting weights"),
            Text("different ones"),
            "the network must be made from seed: Network(..., seed=seed), so that a run can be "
            "repeated",
        )
    if network.sizes == other.sizes and all(
        np.array_equal(a, b) for a, b in zip(network.weights, other.weights)
    ):
        fail(
            name,
            "make_run(seed=0) and make_run(seed=1)",
            Text("different starting weights"),
            Text("the same ones"),
            "the seed is not used: pass it on, Network(..., seed=seed), so that two seeds tell "
            "your design's result from one lucky start",
        )
    shown = ", ".join(
        f"{k}={getattr(v, '__name__', '?') if callable(v) else repr(v)}"
        for k, v in settings.items()
    )
    passed(name, f"{network.sizes} {network.activation}, {shown}")
