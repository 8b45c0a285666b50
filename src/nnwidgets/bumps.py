"""Bumps: NNDL chapter 4's visual proof that a network with one hidden layer can compute any
function of one input on [0, 1] (NumPy only; the widget is :class:`nnwidgets.BumpBuilder`).

A steep sigmoid neuron, ``a = sigma(w x + b)`` with ``w`` about 1000, is a step at
``s = -b / w``. Two of them, with output weights ``+h`` and ``-h``, make a bump of height ``h``
between their steps; ``N`` bumps side by side make a lookup table. To control the *output*
``sigma(sum_j w_j a_j)`` the bumps are built to ``sigma^-1(f)``, which is why heights live in
"logit" space.

>>> from nnwidgets import bumps
>>> goal = bumps.sample_goal(bumps.nndl_goal)          # f(k/100), k = 0..99
>>> steps = bumps.uniform_steps(5)                      # 0, 0.2, ..., 1
>>> h = bumps.best_heights(bumps.logit(goal), steps)    # the median of sigma^-1 f per bin
>>> bumps.deviation(bumps.logit(goal), h, steps)        # NNDL's "average deviation": 0.372
>>> net = bumps.bump_network(h, steps)                  # the [1, 10, 1] Network

``js/bumps/maths.ts`` is the page's copy of :func:`weighted_output`, :func:`bins` and
:func:`deviation`; ``tests/bumps_fixture/fixture.json`` holds NumPy's numbers for it.
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = [
    "GOAL_CLIP",
    "NNDL_CHALLENGE",
    "best_heights",
    "bins",
    "bump_network",
    "check_heights",
    "check_steps",
    "deviation",
    "logit",
    "nndl_goal",
    "sample_goal",
    "uniform_steps",
    "weighted_output",
]

#: NNDL's challenge: an average deviation of at most 0.40 with 5 pairs (its page says
#: "Success!" below 0.405, i.e. at 0.40 as it prints the score to two decimals).
NNDL_CHALLENGE = 0.405

#: A goal of exactly 0 or 1 has no sigma^-1 (a sigmoid output never reaches it); such values
#: are taken as GOAL_CLIP and 1 - GOAL_CLIP (sigma^-1 = -/+6.91), so e.g. ``np.sin`` works.
GOAL_CLIP = 1e-3


def nndl_goal(x):
    r"""NNDL's goal function (chapter 4, eq. 113).

    .. math:: f(x) = 0.2 + 0.4 x^2 + 0.3 x \sin(15 x) + 0.05 \cos(50 x)
    """
    x = np.asarray(x, dtype=np.float64)
    return 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)


def logit(y):
    r"""The inverse of the sigmoid, :math:`\sigma^{-1}(y) = \ln(y / (1 - y))`, y clipped to
    [GOAL_CLIP, 1 - GOAL_CLIP]."""
    y = np.clip(np.asarray(y, dtype=np.float64), GOAL_CLIP, 1 - GOAL_CLIP)
    return np.log(y / (1 - y))


def _positive_int(value, name, low=1, high=None):
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int; got {type(value).__name__} {value!r}")
    if value < low or (high is not None and value > high):
        bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ValueError(f"{name} must be {bounds}; got {value}")
    return int(value)


#: The most sample points a goal may have, given as a callable or as an array (the page draws
#: and scores them all while a bump moves).
MAX_SAMPLES = 100_000


def sample_goal(f=None, samples=100):
    """The goal at NNDL's sample points ``x_k = k / samples``, k = 0..samples-1, float64.

    ``f`` is a callable on [0, 1] (called once with the array of points; a function of a float
    only is called point by point), an array of ``samples`` values (taken as ``f(x_k)``), or
    None for :func:`nndl_goal`. Values must be finite and within [0, 1], the range of a sigmoid
    output; ValueError names the first point that is not.
    """
    samples = _positive_int(samples, "samples", 2, MAX_SAMPLES)
    x = np.arange(samples) / samples
    if f is None:
        f = nndl_goal
    if callable(f):
        try:
            with np.errstate(all="ignore"):
                y = np.asarray(f(x), dtype=np.float64)
            if y.shape != x.shape:
                raise ValueError  # a scalar function: try point by point
        except (TypeError, ValueError):
            try:
                y = np.array([float(f(float(v))) for v in x])
            except (TypeError, ValueError) as exc:
                raise ValueError(
                    f"f must map the points of [0, 1] to numbers; calling it gave "
                    f"{type(exc).__name__}: {exc}"
                ) from None
        where = "f"
    else:
        try:
            y = np.asarray(f, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"f must be a callable on [0, 1] or an array of samples; got {type(f).__name__}"
            ) from None
        if y.ndim != 1 or not 2 <= y.size <= MAX_SAMPLES:
            raise ValueError(
                f"f as an array must hold the goal's values at x = k/n, k = 0..n-1 (a 1-D "
                f"array of 2 to {MAX_SAMPLES:,}); got shape {y.shape}"
            )
        x = np.arange(y.size) / y.size
        where = "f"
    bad = ~np.isfinite(y)
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(f"{where} must be finite on [0, 1]; got {where}({x[k]:.4g}) = {y[k]}")
    bad = (y < 0) | (y > 1)
    if bad.any():
        k = int(np.argmax(bad))
        raise ValueError(
            f"{where} must take values in [0, 1] (a sigmoid output's range); "
            f"got {where}({x[k]:.4g}) = {y[k]:.6g}"
        )
    return y


def uniform_steps(n_pairs):
    """The fixed step positions ``k / n_pairs``, k = 0..n_pairs: bump k spans [k/N, (k+1)/N)."""
    n_pairs = _positive_int(n_pairs, "n_pairs", 1, 1000)
    return np.arange(n_pairs + 1) / n_pairs


def check_steps(steps, n_pairs, *, name="steps"):
    """``steps`` as float64 (n_pairs + 1,): 0 first, 1 last, strictly increasing, or ValueError."""
    try:
        s = np.asarray(steps, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a list of numbers; got {type(steps).__name__}") from None
    if s.shape != (n_pairs + 1,):
        raise ValueError(
            f"{name} must hold n_pairs + 1 = {n_pairs + 1} positions (0, the "
            f"{n_pairs - 1} inner steps, 1); got shape {s.shape}"
        )
    if not np.isfinite(s).all():
        raise ValueError(f"{name} must be finite; got {s.tolist()}")
    if s[0] != 0 or s[-1] != 1 or not (np.diff(s) > 0).all():
        raise ValueError(
            f"{name} must start at 0, end at 1 and increase strictly; got {s.tolist()}"
        )
    return s


#: The largest height (in size) a bump may have, in sigma^-1 space: the goal's own lie within
#: +/-6.91 (GOAL_CLIP), and far larger ones overflow the network's arithmetic.
MAX_HEIGHT = 1e6


def check_heights(heights, n_pairs, *, name="heights"):
    """``heights`` as float64 (n_pairs,), finite; else ValueError naming what arrived."""
    try:
        h = np.asarray(heights, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a list of {n_pairs} numbers; got {type(heights).__name__}"
        ) from None
    if h.shape != (n_pairs,):
        raise ValueError(f"{name} must hold one height per pair ({n_pairs}); got shape {h.shape}")
    if not np.isfinite(h).all():
        raise ValueError(f"{name} must be finite; got {h.tolist()}")
    if (np.abs(h) > MAX_HEIGHT).any():  # 1e308 overflowed the network and the score to NaN
        k = int(np.argmax(np.abs(h) > MAX_HEIGHT))
        raise ValueError(
            f"{name} must be sigma^-1 values within +/-{MAX_HEIGHT:g} (a sigmoid is already "
            f"0 or 1 beyond +/-40); got {name}[{k}] = {h[k]:g}"
        )
    return h


def bins(steps, samples):
    """The bump each sample point ``x_k = k / samples`` falls in: (samples,) ints.

    Bump ``i`` holds ``steps[i] <= x < steps[i + 1]``; NNDL's ``floor(j / 20)`` for 5 pairs.
    (``k / samples`` and ``i / N`` are correctly rounded quotients, so a point on a step is
    never put in the bump below it.)
    """
    x = np.arange(samples) / samples
    inner = np.asarray(steps, dtype=np.float64)[1:-1]
    return np.searchsorted(inner, x, side="right")


def deviation(goal_logit, heights, steps):
    r"""NNDL's "average deviation": :math:`\frac1n\sum_k |\sigma^{-1} f(x_k) - h(x_k)|`.

    ``h(x_k)`` is the height of the bump holding ``x_k`` (the steps taken as ideal, as NNDL's
    page scores them); ``goal_logit`` is :math:`\sigma^{-1} f` at ``x_k = k / n``.
    """
    s = _steps_of(steps)
    h = check_heights(heights, s.size - 1)
    g = _goal_values(goal_logit)
    return float(np.mean(np.abs(g - h[bins(s, g.size)])))


def best_heights(goal_logit, steps):
    """The heights with the least :func:`deviation`: the median of ``goal_logit`` in each bump
    (the L1 optimum; a bump holding no sample point gets 0)."""
    s = _steps_of(steps)
    g = _goal_values(goal_logit)
    b = bins(s, g.size)
    return np.array([np.median(g[b == i]) if (b == i).any() else 0.0 for i in range(s.size - 1)])


def _steps_of(steps):
    """``steps`` checked as N + 1 step positions (N, the number of pairs, from their length)."""
    if np.ndim(steps) != 1 or np.size(steps) < 2:
        raise ValueError(
            f"steps must be a list of the N + 1 step positions (0, the inner steps, 1) of "
            f"N >= 1 pairs; got {type(steps).__name__} of shape {np.shape(steps)}"
        )
    return check_steps(steps, np.size(steps) - 1)


def _goal_values(goal_logit):
    """``goal_logit`` (sigma^-1 f at x_k = k / n) as a finite 1-D float64 array."""
    try:
        g = np.asarray(goal_logit, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"goal_logit must be a list of numbers; got {type(goal_logit).__name__}"
        ) from None
    if g.ndim != 1 or g.size == 0:
        raise ValueError(
            f"goal_logit must be a 1-D array of sigma^-1 f at x_k = k/n; got shape {g.shape}"
        )
    if not np.isfinite(g).all():
        raise ValueError("goal_logit must be finite (logit() keeps f away from 0 and 1)")
    return g


def _check_steepness(steepness):
    if (
        isinstance(steepness, bool)
        or not isinstance(steepness, numbers.Real)
        or not math.isfinite(steepness)
        or steepness <= 0
    ):
        raise ValueError(f"steepness must be a positive finite number; got {steepness!r}")
    return float(steepness)


def _pair_parameters(heights, steps, steepness):
    """Hidden weights, hidden biases and output weights of the [1, 2N, 1] network."""
    h = np.asarray(heights, dtype=np.float64)
    s = np.asarray(steps, dtype=np.float64)
    step_at = np.column_stack([s[:-1], s[1:]]).reshape(-1)  # s_0, s_1, s_1, s_2, ...
    w = np.full(step_at.size, float(steepness))
    b = -w * step_at  # a step at s = -b / w
    out = np.column_stack([h, -h]).reshape(-1)  # +h_k on the rising step, -h_k on the falling
    return w, b, out


def weighted_output(x, heights, steps, steepness=1000.0):
    r"""The hidden layer's weighted output :math:`\sum_j w_j a_j` at ``x`` (the page's formula).

    Pair k: :math:`h_k\,[\sigma(w x - w s_k) - \sigma(w x - w s_{k+1})]`. The network's output is
    :math:`\sigma` of this (output bias 0).
    """
    try:
        x = np.asarray(x, dtype=np.float64).reshape(-1, 1)
    except (TypeError, ValueError):
        raise TypeError(f"x must be a number or an array of numbers; got {x!r:.60}") from None
    if not np.isfinite(x).all():
        raise ValueError(f"x must be finite; got {x[~np.isfinite(x)][0]}")
    s = _steps_of(steps)
    h = check_heights(heights, s.size - 1)
    w, b, out = _pair_parameters(h, s, _check_steepness(steepness))
    with np.errstate(over="ignore"):  # w x beyond float: +/-inf, where sigma is 1 or 0
        z = x * w + b  # z_j = w_j x + b_j
    a = 0.5 * (1 + np.tanh(z / 2))  # sigma(z), without overflow
    return a @ out


def bump_network(heights, steps=None, *, steepness=1000.0):
    """The [1, 2N, 1] :class:`~nnwidgets.Network` these bumps are (sigmoid neurons, float64).

    Hidden neuron 2k steps up at ``steps[k]``, 2k+1 at ``steps[k+1]`` (weight ``steepness``, bias
    ``-steepness * s``); their output weights are ``+heights[k]`` and ``-heights[k]``; the output
    bias is 0, so ``net.forward(x)`` is ``sigma(weighted_output(x, ...))``.
    """
    from .network import Network

    n = int(np.size(heights))
    if np.ndim(heights) != 1 or n == 0:
        raise ValueError(f"heights must be a list of one height per pair; got {heights!r}")
    h = check_heights(heights, n)
    s = uniform_steps(n) if steps is None else check_steps(steps, n)
    w, b, out = _pair_parameters(h, s, _check_steepness(steepness))
    net = Network(
        [1, 2 * n, 1],
        activation="sigmoid",
        output="sigmoid",
        cost="cross_entropy",
        dtype="float64",
        seed=0,
    )
    net.set_parameters([w.reshape(-1, 1), out.reshape(1, -1)], [b, np.zeros(1)])
    return net
