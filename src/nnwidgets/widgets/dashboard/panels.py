"""What the dashboard's insight panels show, computed from a network and a sample of its data.

Called by the dashboard's writer thread on a copy of the weights taken at an epoch's end (at
most once a second while training, and by ``refresh_panels()``). The training thread waits for
the GIL while this runs, so it has to be cheap: one forward pass over at most ``SAMPLE``
validation examples, one backpropagation over a small training batch, a few histograms.
Everything goes to the page as binary arrays (``_wire.array_to_json``); the page only draws.

The panels:

* the confusion matrix on the sample, with a few example images per cell (click a cell);
* a gallery of misclassified digits with what the network said and what was right;
* the first hidden layer's weights as 28x28 images, for a fixed sample of its neurons;
* per layer, histograms of weights, gradients (of one training batch) and activations, with
  the share of saturated sigmoid/tanh neurons or of dead ReLUs said in words.

* per layer, the histogram of the weighted inputs z on the sample, with the share of |z| > 4
  (where sigmoid's slope is below 0.018) said in words (:func:`z_summary`), before any
  training too (``refresh_panels()``);
* with ``TrainingDashboard(..., calibration=True)``, the reliability diagram and the expected
  calibration error of the run shown, and its ECE after every epoch (:mod:`.calibration`);
* the share of first-layer weights with |w| < 0.01 in words, and another run's first-layer
  weights beside them (``dash.compare_weights(i, j)``: L1 sparse beside L2 smooth);
* with ``TrainingDashboard(..., layer_speed=n)``, the speed of learning of every hidden layer
  (NNDL ch5: ``||dC/db^l||`` of the mean cost over the first n training examples) at the start
  and after each epoch, one small log-scale chart per run, side by side (:func:`layer_speed_data`).

Panels that need images are left out (``images`` is None) when inputs are not 28x28. A network
with one sigmoid output has two classes (its output at 0.5 or above says 1); one that does
regression (one output of another kind) has no classes, and no panels.
"""

from __future__ import annotations

import numbers

import numpy as np

from ...layer_speed import LayerSpeed
from .._wire import array_to_json
from .calibration import calibration_entry

__all__ = [
    "GRADIENT_BATCH",
    "IMAGE_SIDE",
    "SAMPLE",
    "Z_LIMIT",
    "SMALL_WEIGHT",
    "attach_layer_speed",
    "check_layer_speed",
    "compared_weights",
    "first_layer",
    "layer_speed_data",
    "neuron_health",
    "panel_data",
    "small_weights",
    "with_layer_speed",
    "z_summary",
]

SAMPLE = 2000  # validation examples the panels look at: the first ones, the same every epoch
GRADIENT_BATCH = 256  # training examples whose gradient the histograms show
IMAGE_SIDE = 28
PER_CELL = 8  # example images kept per confusion-matrix cell
GALLERY = 24  # misclassified examples in the gallery
NEURONS = 24  # first-layer neurons drawn as images
BINS = 30
# A sigmoid/tanh neuron is saturated on an example when its output is within this of a limit
# (f' is then below about 0.02: it barely learns); saturated overall when that holds on
# SATURATED_SHARE of the examples. A ReLU is dead when it outputs 0 for every example.
SATURATION_MARGIN = 0.02
SATURATED_SHARE = 0.9
# Beyond |z| = 4 a sigmoid's slope sigma'(z) is below sigma'(4) = 0.0177, a fourteenth of its
# largest, sigma'(0) = 1/4 (tanh'(4) = 0.0013): a neuron there barely learns on that example.
Z_LIMIT = 4.0


def _histogram(values, bins=BINS):
    v = np.asarray(values).ravel()
    if not np.isfinite(v).all():  # rare (a diverging run): only then pay for the filtered copy
        v = v[np.isfinite(v)]
    if v.size == 0:
        return {"counts": array_to_json(np.zeros(0, np.float32)), "lo": 0.0, "hi": 0.0, "n": 0}
    lo, hi = float(v.min()), float(v.max())
    if hi <= lo:
        hi = lo + 1e-12  # all equal: one full bin
    # Equal-width bins as np.histogram makes them (the maximum goes in the last bin), by
    # bincount: several times faster, and the writer computing this holds the GIL the training
    # thread wants.
    index = ((v - lo) * (bins / (hi - lo))).astype(np.intp)
    np.minimum(index, bins - 1, out=index)
    counts = np.bincount(index, minlength=bins)
    return {
        "counts": array_to_json(counts.astype(np.float32)),
        "lo": lo,
        "hi": hi,
        "n": int(v.size),
    }


#: What the panels say of a reader's activation that computes no built-in one (no known slope).
UNJUDGED = "saturation is judged only for the built-in activations"


def judged_activation(function):
    """``(kind, own)`` for a layer's activation (a name or an ``Activation``): ``kind``, the
    built-in the words judge it as (a reader's function that computes a built-in is judged as
    that one, ``functions.CustomActivation.builtin``; None for one that computes none), and
    ``own``, the reader's function's name (None for a built-in)."""
    name = getattr(function, "name", str(function))
    if not getattr(function, "custom", False):
        return name, None
    return getattr(function, "builtin", None), name


def neuron_health(activation, a, *, own=None):
    """``(unhealthy, total, sentence)`` for one hidden layer's activations ``a`` (n, units).

    Sigmoid and tanh neurons count when saturated on most examples, (leaky) ReLUs when never
    active; other built-in activations have nothing to report (``unhealthy`` is None), and
    neither has a reader's function ``own`` that computes no built-in (``activation`` None:
    the sentence says saturation is judged only for the built-ins). A reader's function that
    computes one is judged as it, and the sentence says so (see :func:`judged_activation`).
    """
    n, units = a.shape
    if activation is None:
        return None, units, f"{units} {own} neurons: {UNJUDGED}"
    if own is not None:  # the reader's own, computing a built-in: judged as that one
        bad, units, words = neuron_health(activation, a)
        return bad, units, f"{words} (your {own} computes {activation})"
    if activation in ("sigmoid", "tanh"):
        low = 0.0 if activation == "sigmoid" else -1.0
        near = (a < low + SATURATION_MARGIN) | (a > 1.0 - SATURATION_MARGIN)
        bad = int(np.count_nonzero(near.mean(axis=0) >= SATURATED_SHARE))
        if not bad:
            return (
                0,
                units,
                (
                    f"none of the {units} {activation} neurons is saturated (near {low:g} "
                    f"or 1 on {SATURATED_SHARE:.0%} of the {n} examples): all still learn"
                ),
            )
        return (
            bad,
            units,
            (
                f"{bad} of {units} {activation} neurons ({bad / units:.0%}) are saturated: "
                f"their output is within {SATURATION_MARGIN} of {low:g} or 1 on at least "
                f"{SATURATED_SHARE:.0%} of the {n} examples, so their gradient is "
                f"nearly zero and they learn slowly"
            ),
        )
    if activation in ("relu", "leaky_relu"):
        bad = int(np.count_nonzero((a <= 0).all(axis=0)))
        what = "ReLUs" if activation == "relu" else "leaky ReLUs"
        if not bad:
            return (
                0,
                units,
                (
                    f"none of the {units} {what} is dead: each one is active on at least "
                    f"one of the {n} examples"
                ),
            )
        tail = (
            (
                "they output 0 on every one of the {n} examples, so no gradient reaches them and "
                "they have stopped learning"
            )
            if activation == "relu"
            else (
                "their input is negative on every one of the {n} examples "
                "(only the small leak learns)"
            )
        )
        return (
            bad,
            units,
            f"{bad} of {units} {what} ({bad / units:.0%}) are dead: " + tail.format(n=n),
        )
    return None, units, f"{units} {activation} neurons: no saturation to report"


def z_summary(activation, z, *, own=None):
    """``(share, sentence)`` for a layer's weighted inputs ``z`` (n, units) computed by
    ``activation``: ``share`` is the fraction of the values with |z| > :data:`Z_LIMIT`, the
    sentence what that means for this activation (None: a reader's function that computes no
    built-in, named ``own``, whose slope is not known here)."""
    z = np.asarray(z)
    share = float(np.count_nonzero(np.abs(z) > Z_LIMIT) / z.size) if z.size else 0.0
    beyond = f"{share:.0%} of the weighted inputs z lie beyond \u00b1{Z_LIMIT:g}"
    if activation is None:
        return share, f"{beyond} (your {own}: {UNJUDGED})"
    if activation == "sigmoid":
        return share, (
            f"{beyond}, where \u03c3'(z) < 0.018 (a fourteenth of \u03c3'(0) = 0.25): "
            f"there the neurons barely learn"
        )
    if activation == "tanh":
        return share, f"{beyond}, where tanh'(z) < 0.0014: there the neurons barely learn"
    if activation in ("relu", "leaky_relu"):
        off = float(np.count_nonzero(z <= 0) / z.size) if z.size else 0.0
        what = (
            "the ReLU outputs 0 and passes no gradient back"
            if activation == "relu"
            else "only the leak's small slope passes a gradient back"
        )
        return share, f"{off:.0%} of the weighted inputs z are \u2264 0, where {what}"
    return share, f"{beyond} (a {activation} neuron's slope does not shrink there)"


def _to_pixels(X):
    """Inputs (k, 784) in 0..1 as uint8 images (k, 28, 28); values outside are clipped."""
    return (
        np.clip(np.rint(np.asarray(X, np.float32) * 255), 0, 255)
        .astype(np.uint8)
        .reshape(-1, IMAGE_SIDE, IMAGE_SIDE)
    )


def _neuron_sample(units, rng_seed=0):
    """The same first-layer neurons every epoch, so their images can be watched as they change."""
    if units <= NEURONS:
        return np.arange(units)
    return np.sort(np.random.default_rng(rng_seed).choice(units, NEURONS, replace=False))


def panel_data(
    network,
    X_val,
    labels_val,
    X_train,
    Y_train,
    *,
    epoch,
    label="",
    calibration=False,
    sample="validation",
):
    """Everything the panels draw, as JSON with binary arrays. See the module docstring.

    ``X_val``/``labels_val`` are the examples the confusion matrix and activations use (the
    first :data:`SAMPLE` are taken; ``sample`` names the set they come from);
    ``X_train``/``Y_train`` the batch the gradients use (the first :data:`GRADIENT_BATCH`).
    ``calibration`` adds the reliability diagram of the same forward pass
    (:func:`.calibration.calibration_entry`).
    """
    X = np.asarray(X_val[:SAMPLE])
    # The forward pass, keeping each layer's weighted inputs z for their histograms.
    zs, after = network._weighted_inputs(network.check_inputs(X))
    activations = [X, *after]
    out = activations[-1]
    labels = np.asarray(labels_val[:SAMPLE])
    # The network's own rule for classes: one sigmoid output says 1 at 0.5 or above.
    predicted = network.classes(out)
    classes = max(2, network.sizes[-1])
    confidence = out[:, 0] if out.shape[1] == 1 else None  # P(class 1) of one sigmoid output
    confusion = np.zeros((classes, classes), np.float32)
    np.add.at(confusion, (labels, predicted), 1)  # rows: true class, columns: predicted
    images = network.sizes[0] == IMAGE_SIDE * IMAGE_SIDE

    # Example images: a few per confusion cell, and the gallery of mistakes, from one pool.
    pool, cells = [], {}
    wrong = np.flatnonzero(predicted != labels)
    if images:
        # The first PER_CELL examples of each (true, predicted) cell, found with one stable
        # sort rather than a Python loop over the sample: the writer holds the GIL for that
        # loop (3 ms of 2,000 examples, once a second) while the training thread waits.
        keys = labels.astype(np.int64) * classes + predicted
        order = np.argsort(keys, kind="stable")
        ordered = keys[order]
        starts = np.flatnonzero(np.diff(ordered, prepend=-1)).tolist()  # each cell's first
        for start, end in zip(starts, [*starts[1:], len(order)]):
            true, pred = divmod(int(ordered[start]), classes)
            cells[(true, pred)] = order[start : min(end, start + PER_CELL)].tolist()
        gallery_idx = [int(i) for i in wrong[:GALLERY]]
        chosen = sorted({i for kept in cells.values() for i in kept} | set(gallery_idx))
        where = {i: k for k, i in enumerate(chosen)}
        pool = _to_pixels(X[chosen]) if chosen else np.zeros((0, IMAGE_SIDE, IMAGE_SIDE), np.uint8)
        cells = [
            {"true": t, "pred": p, "images": [where[i] for i in kept]}
            for (t, p), kept in sorted(cells.items())
        ]

        def sure(i):  # how sure the network was of what it said
            if confidence is None:
                return float(out[i, predicted[i]])
            return float(confidence[i] if predicted[i] else 1 - confidence[i])

        gallery = [
            {
                "image": where[i],
                "true": int(labels[i]),
                "pred": int(predicted[i]),
                "p": round(sure(i), 3),
            }
            for i in gallery_idx
        ]
        neurons, first = first_layer(network)
    else:
        cells, gallery, neurons, first = [], [], np.arange(0), None

    # One backpropagation on a small training batch: the gradients the next step would use.
    nabla_b, nabla_w, _ = network.backprop(
        np.asarray(X_train[:GRADIENT_BATCH]), np.asarray(Y_train[:GRADIENT_BATCH])
    )
    layers = []
    L = len(network.weights)
    for l in range(L):
        hidden = l < L - 1
        name = network.activation if hidden else network.output
        # A reader's activation is judged as the built-in it computes, if any (not by name).
        function = getattr(network, "activation_function" if hidden else "output_function", name)
        kind, own = judged_activation(function)
        a = activations[l + 1]
        bad, units, words = neuron_health(kind, a, own=own) if hidden else (None, a.shape[1], "")
        z_share, z_words = z_summary(kind, zs[l], own=own)
        layers.append(
            {
                "name": f"layer {l + 1} ({'hidden' if hidden else 'output'}, {units} {name})",
                "weights": _histogram(network.weights[l]),
                "gradients": _histogram(nabla_w[l]),
                "activations": _histogram(a),
                "z": _histogram(zs[l]),
                "z_share": z_share,
                "z_words": z_words,
                "unhealthy": bad,
                "units": units,
                "health": words,
            }
        )
    return {
        "epoch": epoch,
        "run": label,
        "n": int(len(X)),
        "classes": classes,
        "accuracy": float((predicted == labels).mean()) if len(X) else float("nan"),
        "confusion": array_to_json(confusion),
        "images": array_to_json(pool) if images else None,
        "cells": cells,
        "gallery": gallery,
        "wrong": int(len(wrong)),
        "neurons": [int(i) for i in neurons],
        "first_weights": None if first is None else array_to_json(first),
        **(small_weights(network) if images else {}),
        "layers": layers,
        **(
            {"calibration": calibration_entry(network, out, labels, where=sample)}
            if calibration
            else {}
        ),
    }


# -- first-layer weights, and two runs' side by side -------------------------------------------
#: A weight is "near zero" below this: L1 regularisation drives many first-layer weights there
#: (the pixels at the edges of a digit never light up), L2 shrinks them all without zeroing any.
SMALL_WEIGHT = 0.01


def first_layer(network):
    """``(neurons, weights)``: the sampled first-layer neurons and their incoming weights."""
    neurons = _neuron_sample(network.sizes[1])
    return neurons, network.weights[0][neurons]


def small_weights(network):
    """The share of ``network``'s first-layer weights with |w| < :data:`SMALL_WEIGHT`, and that
    in words: ``{"small_share", "small_words"}``."""
    w = network.weights[0]
    share = float(np.count_nonzero(np.abs(w) < SMALL_WEIGHT) / w.size) if w.size else 0.0
    return {
        "small_share": share,
        "small_words": (
            f"{share:.1%} of the {w.size:,} first-layer weights have |w| < {SMALL_WEIGHT:g}"
        ),
    }


def compared_weights(run, index):
    """The first-layer weights of another run, drawn beside the panels' own: ``{"index", "run",
    "neurons", "first_weights", "small_share", "small_words"}``; None when its inputs are not
    28x28 images."""
    net = run.network
    if net.sizes[0] != IMAGE_SIDE * IMAGE_SIDE:
        return None
    neurons, first = first_layer(net)
    return {
        "index": index,
        "run": run.label,
        "neurons": [int(i) for i in neurons],
        "first_weights": array_to_json(first),
        **small_weights(net),
    }


# -- the speed of learning per layer (NNDL ch5) -------------------------------------------------
def check_layer_speed(layer_speed):
    """The dashboard's ``layer_speed`` argument: None (no panel) or the probe's size."""
    if layer_speed is None:
        return None
    if (
        isinstance(layer_speed, bool)
        or not isinstance(layer_speed, numbers.Integral)
        or layer_speed <= 0
    ):
        raise ValueError(
            f"layer_speed must be None or a positive number of training examples "
            f"to probe (NNDL used 1000); got {layer_speed!r}"
        )
    return int(layer_speed)


def attach_layer_speed(run, n):
    """Give ``run`` a :class:`~nnwidgets.layer_speed.LayerSpeed` on its first ``n`` training
    examples, kept as ``run.layer_speed``; its records go in ``run.history.layer_speed``.

    It is not one of the Trainer's callbacks: the training thread only copies the weights at
    the start and at each epoch's end (as it does for the panels), and the dashboard's writer
    thread measures each copy (``Publisher._measure_pending``), so the backpropagation over
    the probe costs the training nothing. The records are the callback's, in the same order.
    """
    t = run.trainer
    speed = LayerSpeed((t.X[:n], t.Y[:n]))
    run.layer_speed = speed
    return speed


def layer_speed_data(runs):
    """Every run's speed of learning per hidden layer, for the panel: a list with, per run that
    has a :class:`LayerSpeed`, ``{"index", "run", "layers", "progress", "speeds"}`` (progress
    in epochs (k,), speeds (k, hidden layers), binary float32). None when no run has one.

    A run that has not trained yet is measured now, at its initialisation (its network is not
    training, so reading it here is safe): the speeds before any training, NNDL's figure.
    """
    out = []
    for i, run in enumerate(runs):
        speed = getattr(run, "layer_speed", None)
        if speed is None:
            continue
        records = list(speed.records) if run.status != "pending" else []
        if not records and not run.network.training:
            records = [(0.0, speed.measure(run.network))]
        layers = len(run.network.sizes) - 2
        progress = np.array([p for p, _ in records], np.float32)
        speeds = np.array([s for _, s in records], np.float32).reshape(len(records), layers)
        out.append(
            {
                "index": i,
                "run": run.label,
                "layers": layers,
                "progress": array_to_json(progress),
                "speeds": array_to_json(speeds),
            }
        )
    return out or None


def with_layer_speed(panels, runs):
    """``panels`` (panel_data's dict, or None) with the runs' speeds of learning added."""
    if panels is not None:
        speeds = layer_speed_data(runs)
        if speeds is not None:
            panels["layer_speed"] = speeds
    return panels
