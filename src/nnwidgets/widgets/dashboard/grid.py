"""A grid of runs: every combination of some settings, times some seeds.

:func:`expand_grid` turns ``seeds`` and lists of settings into one ``(network, settings,
point)`` per combination. Trainer settings (``learning_rate=[...]``, ``batch_size=[...]``, see
:data:`GRID_TRAINER_SETTINGS`) go to each run's Trainer; every other setting is the network's
and goes to the factory, which makes each run's network::

    factory(seed=s, **network_settings) -> Network   # a new network for every call

``factory`` may be :class:`~nnwidgets.network.Network` itself when ``sizes`` is one of the
lists (``sizes=[[784, 30, 10], [784, 100, 10]]``), or any function taking ``seed`` and the
network settings by keyword (its own, such as ``depth``, too: they show in the labels and the
results). Every list is checked, and every network made, before the dashboard adds any run, so
one bad value adds nothing. Runs come out in the order of the settings' lists, the last list
varying fastest, seeds innermost (the seeds of one combination train one after another).
"""

from __future__ import annotations

import inspect
import itertools
import numbers

import numpy as np

from ..._checks import reject_unknown
from ...network import Network
from .runs import TRAINING_SETTINGS

__all__ = ["GRID_TRAINER_SETTINGS", "expand_grid", "factory_parameters"]

#: Trainer settings a grid may vary (the run's other Trainer settings are the dashboard's).
GRID_TRAINER_SETTINGS = tuple(k for k in TRAINING_SETTINGS if k not in ("threads", "callbacks"))


def factory_parameters(factory):
    """``(names, open)``: the keyword parameters ``factory`` takes other than ``seed``, and
    whether it takes any keyword (``**kwargs``). TypeError if it is not callable or takes no
    ``seed``."""
    if not callable(factory):
        raise TypeError(
            f"factory must be a function factory(seed=s, **network_settings) that "
            f"returns a new Network; got {type(factory).__name__}"
        )
    try:
        params = inspect.signature(factory).parameters
    except (TypeError, ValueError):  # a builtin without a signature: trust it
        return (), True
    open_ = any(p.kind is p.VAR_KEYWORD for p in params.values())
    names = tuple(
        n
        for n, p in params.items()
        if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY) and n != "seed"
    )
    if "seed" not in params and not open_:
        raise TypeError(
            f"factory must take a keyword argument seed (each run's network is "
            f"factory(seed=s, **network_settings)); "
            f"{getattr(factory, '__name__', factory)!r} takes "
            f"({', '.join(params) or 'nothing'})"
        )
    return names, open_


def _short(value, limit=80):
    """``repr(value)``, cut to ``limit`` characters (a list may hold whole data sets)."""
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _check_list(name, values):
    if isinstance(values, np.ndarray) and values.ndim == 1:
        values = values.tolist()  # np.logspace(-2, 0, 3), np.arange(3): Python numbers
    if isinstance(values, (str, bytes, dict)) or not isinstance(values, (list, tuple, range)):
        raise TypeError(
            f"{name} must be a list of the values to try, such as {name}=[a, b] (or a 1-D "
            f"array); got {_short(values)}"
        )
    if len(values) == 0:
        raise ValueError(f"{name} is an empty list: give at least one value to try")
    return list(values)


def expand_grid(factory, seeds, lists):
    """One ``(network, trainer_settings, point)`` per combination of ``lists`` and seed.

    ``point`` is the combination itself, ``{name: value, ..., "seed": s}``. Raises before
    making anything when a setting is unknown (TypeError naming the allowed ones), a list is
    empty or not a list, or a seed is not a non-negative int; and, before returning, when the
    factory fails or does not return a new Network for each call.
    """
    names, open_ = factory_parameters(factory)
    if not lists:
        raise ValueError(
            f"add_grid() needs at least one list of settings to vary, such as "
            f"learning_rate=[0.1, 1.0]; trainer settings: "
            f"{', '.join(GRID_TRAINER_SETTINGS)}"
        )
    if not open_:
        reject_unknown(lists, {*GRID_TRAINER_SETTINGS, *names}, "add_grid")
    seeds = _check_list("seeds", seeds)
    for s in seeds:
        if isinstance(s, bool) or not isinstance(s, numbers.Integral) or s < 0:
            raise ValueError(f"seeds must be a list of non-negative integers; got {_short(seeds)}")
    seeds = [int(s) for s in seeds]
    if len(set(seeds)) != len(seeds):
        raise ValueError(f"seeds holds the same seed twice: {seeds!r}")
    axes = {name: _check_list(name, values) for name, values in lists.items()}
    out = []
    for combo in itertools.product(*axes.values()):
        point = dict(zip(axes, combo))
        trainer = {k: v for k, v in point.items() if k in GRID_TRAINER_SETTINGS}
        network_settings = {k: v for k, v in point.items() if k not in GRID_TRAINER_SETTINGS}
        for seed in seeds:
            net = _make(factory, seed, network_settings)
            out.append((net, trainer, {**point, "seed": seed}))
    if len({id(net) for net, _, _ in out}) != len(out):
        raise ValueError(
            "factory returned the same network object twice; it must make a new "
            "Network on every call (factory(seed=s, **settings) -> Network(...))"
        )
    return out


def _make(factory, seed, settings):
    try:
        net = factory(seed=seed, **settings)
    except (TypeError, ValueError) as exc:
        shown = ", ".join(f"{k}={v!r}" for k, v in {"seed": seed, **settings}.items())
        raise type(exc)(f"factory({shown}) failed: {exc}") from exc
    if not isinstance(net, Network) and not hasattr(net, "backprop"):
        raise TypeError(
            f"factory must return a Network; factory(seed={seed!r}, ...) returned "
            f"{type(net).__name__}"
        )
    return net
