"""DecisionMap: a 2-input network's output over the plane, live, with the points it learns from.

>>> from nnwidgets import DecisionMap, Network, TrainingDashboard
>>> from nnwidgets.datasets import toy
>>> data = toy.circle(n=500, noise=0.1, seed=0)
>>> net = Network([2, 8, 1], activation="tanh", output="sigmoid", cost="cross_entropy")
>>> m = DecisionMap(net, data)          # the map follows the network's training
>>> TrainingDashboard(net, train=data.train, validation=data.test, epochs=200).start()

The page computes the map itself from the weights (the forward pass of js/lib/forward.ts over
a ``resolution`` x ``resolution`` grid), so no pixel crosses from the kernel; new weights reach
it through the network's notifications, at most ten times a second (see :mod:`._base`). A
widget never trains.

What the colours mean depends on the network's output layer (``task``):

- ``"binary"``, one sigmoid output: the probability of class 1, on a diverging scale whose
  middle is 0.5 (the threshold); blue is class 0, red class 1.
- ``"classes"``, two or more outputs (softmax or not): the most active output's class colour,
  paler where the network is less sure. Two outputs use the binary scale on output 1.
- ``"regression"``, one output of another kind: the output on a diverging scale around 0,
  its limit the largest absolute target; there is no accuracy.

Input features: the network sees ``featurize(points, features)`` (see
:func:`nnwidgets.datasets.toy.featurize`), in the page and in Python alike, so its input size
must equal ``len(features)``; train it on ``toy.featurize(X, m.features)`` when the features
are more than ``x1, x2``.
"""

from __future__ import annotations

import logging
import math
import numbers

import numpy as np
import traitlets

from ..datasets.toy import FEATURES, check_features
from ._base import NetworkWidget, network_payload, page_function
from ._wire import Array, array_serialization, bundle

__all__ = ["TASKS", "DecisionMap"]

logger = logging.getLogger("nnwidgets.widgets")

_ESM, _CSS = bundle("decision_map")

#: What the map can show, by the network's output layer (see the module docstring).
TASKS = ("binary", "classes", "regression")

#: Grid sizes the page computes: below 10 the map says nothing, above 400 a redraw is slow.
RESOLUTIONS = (10, 400)


def _task(net) -> str:
    n_out = int(net.sizes[-1])
    if n_out >= 2:
        return "classes"
    return "binary" if page_function(net, "output")[0] == "sigmoid" else "regression"


def _pair(value, where):
    """``(X, y)`` checked: X (n, 2) finite float, y (n,) finite numbers (one-hot -> labels)."""
    if not isinstance(value, (tuple, list)) or len(value) != 2:
        raise ValueError(f"{where} must be a pair (X, y); got {type(value).__name__}")
    X = np.asarray(value[0], dtype=np.float64) if _numeric(value[0]) else None
    if X is None or X.ndim != 2 or X.shape[1] != 2:
        shape = getattr(np.asarray(value[0]), "shape", None)
        raise ValueError(
            f"{where} X must be points in the plane, a number array of shape "
            f"(n, 2); got shape {shape}"
        )
    if not np.isfinite(X).all():
        bad = int(np.flatnonzero(~np.isfinite(X).all(axis=1))[0])
        raise ValueError(f"{where} X must be finite; point {bad} is {X[bad].tolist()}")
    y = np.asarray(value[1])
    if y.ndim == 2 and y.shape[1] == 1:
        y = y[:, 0]
    elif y.ndim == 2 and y.shape[0] == len(X) and y.shape[1] >= 2:
        y = y.argmax(axis=1)  # one-hot targets -> their classes
    if y.ndim != 1 or len(y) != len(X) or y.dtype.kind not in "biuf":
        raise ValueError(
            f"{where} y must be {len(X)} numbers (labels or targets), shape "
            f"({len(X)},); got shape {y.shape}, dtype {y.dtype}"
        )
    y = y.astype(np.float64)
    if not np.isfinite(y).all():
        bad = int(np.flatnonzero(~np.isfinite(y))[0])
        raise ValueError(f"{where} y must be finite; label {bad} is not")
    return X, y


def _numeric(a) -> bool:
    try:
        return np.asarray(a).dtype.kind in "biuf"
    except (TypeError, ValueError):
        return False


def check_data(data):
    """``(points, targets, is_test)`` from ``data``: an object with ``train`` and ``test``
    pairs (such as ``toy.spiral()``), or one pair ``(X, y)`` of training points only."""
    if hasattr(data, "train") and hasattr(data, "test"):
        train = _pair(data.train, "data.train")
        test = (
            _pair(data.test, "data.test")
            if data.test is not None
            else (np.zeros((0, 2)), np.zeros(0))
        )
    elif isinstance(data, (tuple, list)):
        train, test = _pair(data, "data"), (np.zeros((0, 2)), np.zeros(0))
    else:
        raise TypeError(
            f"data must be toy data (with .train and .test pairs) or a pair (X, y); "
            f"got {type(data).__name__}"
        )
    if len(train[0]) == 0:
        raise ValueError("data must hold at least one training point; got none")
    points = np.concatenate([train[0], test[0]])
    targets = np.concatenate([train[1], test[1]])
    is_test = np.r_[np.zeros(len(train[0]), np.uint8), np.ones(len(test[0]), np.uint8)]
    return points, targets, is_test


def default_extent(points) -> list[float]:
    """The square around ``points`` with a margin of a tenth of its side on every side."""
    lo, hi = points.min(axis=0), points.max(axis=0)
    centre, half = (lo + hi) / 2, max(float((hi - lo).max()) / 2, 1e-3) * 1.2
    return [
        float(centre[0] - half),
        float(centre[0] + half),
        float(centre[1] - half),
        float(centre[1] + half),
    ]


def check_extent(extent) -> list[float]:
    try:
        values = [float(v) for v in extent]
    except (TypeError, ValueError):
        values = None
    if (
        values is None
        or len(values) != 4
        or not all(map(math.isfinite, values))
        or not (values[0] < values[1] and values[2] < values[3])
    ):
        raise ValueError(
            f"extent must be (x1_min, x1_max, x2_min, x2_max), finite, each min "
            f"below its max; got {extent!r}"
        )
    return values


def check_resolution(resolution) -> int:
    lo, hi = RESOLUTIONS
    if (
        isinstance(resolution, bool)
        or not isinstance(resolution, numbers.Integral)
        or not lo <= resolution <= hi
    ):
        raise ValueError(
            f"resolution must be an int from {lo} to {hi} (grid cells per side); got {resolution!r}"
        )
    return int(resolution)


class DecisionMap(NetworkWidget):
    """A 2-input network's output as a heat map over the plane, with its data points and one
    thumbnail per hidden neuron (hover or focus one to see it enlarged on the map).

    Parameters
    ----------
    network : Network
        Any network the package builds (or a network-like object) whose input size equals
        ``len(features)`` and whose functions the page runs (sigmoid, tanh, relu, leaky_relu,
        linear, softmax). Assign ``m.network = other`` to switch.
    data : ToyData or (X, y)
        Points in the plane: ``toy.circle()`` and friends (training points filled, test points
        outlined), or one pair ``(X, y)``, all training points. ``y`` holds class labels
        (0 and 1 for one sigmoid output, 0..k-1 for k outputs) or regression targets.
    features : list of str, keyword-only
        The network's inputs, computed from each point (x1, x2): names from
        ``toy.FEATURES`` ("x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)").
        Default ``["x1", "x2"]``.
    resolution : int, keyword-only
        Grid cells per side of the map (10 to 400; default 100). The page uses fewer for a
        network so big that a redraw would be slow (about 4 million multiply-adds at most; a
        [2, 100, 100, 1] network gets 19), and says so in ``data-resolution``.
    extent : (x1_min, x1_max, x2_min, x2_max), keyword-only
        The part of the plane shown; by default a square around the points with a margin.
    """

    _esm = _ESM
    _css = _CSS

    _network = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    """dict: the network as the page runs it (``network_payload``)."""

    task = traitlets.Enum(TASKS, default_value="binary").tag(sync=True)
    """str: "binary", "classes" or "regression", from the network's output layer."""

    features = traitlets.List(traitlets.Unicode(), default_value=["x1", "x2"]).tag(sync=True)
    """list of str: the network's inputs, computed from (x1, x2) (see ``toy.FEATURES``)."""

    resolution = traitlets.Int(100).tag(sync=True)
    """int: grid cells per side of the map (10 to 400)."""

    extent = traitlets.List(traitlets.Float(), default_value=[-6.0, 6.0, -6.0, 6.0]).tag(sync=True)
    """list of 4 float: x1_min, x1_max, x2_min, x2_max of the plane shown."""

    points = Array(dtype="float32", shape=(None, 2)).tag(sync=True, **array_serialization)
    """float32 array (n, 2): every point, training points first."""

    targets = Array(dtype="float32", shape=(None,)).tag(sync=True, **array_serialization)
    """float32 array (n,): each point's class label or regression target."""

    is_test = Array(dtype="uint8", shape=(None,)).tag(sync=True, **array_serialization)
    """uint8 array (n,): 1 for a test point (drawn outlined), 0 for a training point."""

    # The page's report after each redraw ({"accuracy": float or None}); it reaches Python
    # only when a kernel is there. Not echoed back, and checked: a malformed one is logged.
    _report = traitlets.Any(None).tag(sync=True, echo_update=False)

    page_accuracy = traitlets.Float(None, allow_none=True, read_only=True)
    """float or None: the page's own accuracy on the training points, from its forward pass
    (None before the page reported, and for regression)."""

    _keywords = ("features", "resolution", "extent")

    def __init__(self, network, data, *, features=None, resolution=100, extent=None, **kwargs):
        if network is None:
            raise ValueError(
                "DecisionMap needs a network with one input per feature "
                "(2 for the default features x1, x2); got None"
            )
        points, targets, is_test = check_data(data)
        features = list(check_features(("x1", "x2") if features is None else features))
        resolution = check_resolution(resolution)
        extent = default_extent(points) if extent is None else check_extent(extent)
        # The data are set before the network, which is checked against them (its labels);
        # traitlets has the instance's traits from __new__, so this is before any sync.
        self.points, self.targets, self.is_test = points, targets, is_test
        super().__init__(network, features=features, resolution=resolution, extent=extent, **kwargs)

    # -- the network ---------------------------------------------------------------------------
    def _network_state(self, net) -> dict:
        sizes = [int(n) for n in getattr(net, "sizes", ())]
        if sizes and sizes[0] != len(self.features):
            raise ValueError(
                f"network must take {len(self.features)} inputs, one per feature "
                f"{self.features}; got sizes {sizes}. Build it as Network([{len(self.features)}, "
                f"...]) or pass features= with {sizes[0]} names from {list(FEATURES)}"
            )
        payload = network_payload(net)  # ValueError for a function the page cannot run
        task = _task(net)
        self._check_targets(task, sizes[-1])
        return {"_network": payload, "task": task}

    def _check_targets(self, task, n_out):
        if task == "regression":
            return
        y = self.targets
        n_classes = 2 if task == "binary" else n_out
        bad = (y != np.round(y)) | (y < 0) | (y >= n_classes)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"data labels must be classes 0..{n_classes - 1} for a network with "
                f"{n_out} output{'s' if n_out > 1 else ''} ({task}); label {i} is "
                f"{y[i]:g}"
            )

    @traitlets.validate("features")
    def _validate_features(self, proposal):
        names = list(check_features(proposal["value"]))
        net = self._trait_values.get("network")
        if net is not None and int(net.sizes[0]) != len(names):
            raise ValueError(
                f"features must be {int(net.sizes[0])} names, one per input of the "
                f"network (sizes {list(net.sizes)}); got {names}"
            )
        return names

    @traitlets.validate("resolution")
    def _validate_resolution(self, proposal):
        return check_resolution(proposal["value"])

    @traitlets.validate("extent")
    def _validate_extent(self, proposal):
        return check_extent(proposal["value"])

    # -- the page's report ---------------------------------------------------------------------
    @traitlets.observe("_report")
    def _on_report(self, change):
        report = change["new"]
        if report is None:
            return
        acc = report.get("accuracy") if isinstance(report, dict) else "malformed"
        if acc is not None and (
            isinstance(acc, bool) or not isinstance(acc, (int, float)) or not 0 <= acc <= 1
        ):
            logger.warning("DecisionMap: ignoring a malformed report from the page: %r", report)
            return
        self.set_trait("page_accuracy", None if acc is None else float(acc))

    def __repr__(self) -> str:
        sizes = list(getattr(self.network, "sizes", []))
        return (
            f"DecisionMap({sizes}, {self.task}, features={self.features}, "
            f"{len(self.targets)} points)"
        )
