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
from ._wire import (
    Array,
    Checked,
    NumberList,
    TraitValueError,
    array_serialization,
    bundle,
    checked,
)

__all__ = ["TASKS", "DecisionMap"]

logger = logging.getLogger("nnwidgets.widgets")

_ESM, _CSS = bundle("decision_map")

#: What the map can show, by the network's output layer (see the module docstring).
TASKS = ("binary", "classes", "regression")

#: The traits holding the data, set together by ``set_data``.
_DATA = ("points", "targets", "is_test")

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
        # a string's characters are not four numbers, nor are bools
        if isinstance(extent, str) or any(isinstance(v, (bool, np.bool_)) for v in extent):
            raise TypeError
        values = [float(v) for v in extent]
    except (TypeError, ValueError):
        values = None
    if (
        values is None
        or len(values) != 4
        or not all(map(math.isfinite, values))
        or not (values[0] < values[1] and values[2] < values[3])
        or not all(map(math.isfinite, (values[1] - values[0], values[3] - values[2])))
    ):
        raise ValueError(
            f"extent must be (x1_min, x1_max, x2_min, x2_max), finite, each min "
            f"below its max (and a finite width); got {extent!r}"
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
        linear, softmax). Assign ``m.network = other`` to switch, or call
        ``m.set_network(other, features=...)`` for one with another number of inputs.
    data : ToyData or (X, y)
        Points in the plane: ``toy.circle()`` and friends (training points filled, test points
        outlined), or one pair ``(X, y)``, all training points. ``y`` holds class labels
        (0 and 1 for one sigmoid output, 0..k-1 for k outputs) or regression targets.
        ``m.set_data(other)`` shows other points.
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

    task = traitlets.Enum(TASKS, default_value="binary", read_only=True).tag(sync=True)
    """str: "binary", "classes" or "regression", from the network's output layer (read-only)."""

    # Checked: every value meets check_features (a List would turn "x1" into ["x1"] first)
    features = Checked(["x1", "x2"]).tag(sync=True)
    """list of str: the network's inputs, computed from (x1, x2) (see ``toy.FEATURES``)."""

    resolution = Checked(100).tag(sync=True)  # check_resolution's one rule, for every value
    """int: grid cells per side of the map (10 to 400)."""

    extent = NumberList(default_value=[-6.0, 6.0, -6.0, 6.0]).tag(sync=True)
    """list of 4 float: x1_min, x1_max, x2_min, x2_max of the plane shown."""

    # The data: read-only, since the three must agree with each other and with the network;
    # set_data() changes them together, checked as the constructor checks them.
    points = Array(dtype="float32", shape=(None, 2), read_only=True).tag(
        sync=True, **array_serialization
    )
    """float32 array (n, 2): every point, training points first (read-only: ``set_data``)."""

    targets = Array(dtype="float32", shape=(None,), read_only=True).tag(
        sync=True, **array_serialization
    )
    """float32 array (n,): each point's class label or regression target (read-only)."""

    is_test = Array(dtype="uint8", shape=(None,), read_only=True).tag(
        sync=True, **array_serialization
    )
    """uint8 array (n,): 1 for a test point (drawn outlined), 0 for a training point
    (read-only)."""

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
        self._set_data(points, targets, is_test)
        super().__init__(network, features=features, resolution=resolution, extent=extent, **kwargs)

    def __setattr__(self, name, value):
        if name in _DATA:  # traitlets would only say "read-only"; say what to do instead
            raise AttributeError(
                f"DecisionMap.{name} is read-only: points, targets and is_test change "
                f"together, checked against the network, with m.set_data(data) (toy data "
                f"or a pair (X, y))"
            )
        super().__setattr__(name, value)

    def _set_data(self, points, targets, is_test):
        self.set_trait("points", points)
        self.set_trait("targets", targets)
        self.set_trait("is_test", is_test)

    # -- what is shown: data, network and features together ----------------------------------
    def set_data(self, data, *, extent=None):
        """Show other points: ``data`` as in the constructor (toy data or a pair ``(X, y)``),
        checked against the network's output (its classes) before anything changes. The map's
        extent is fitted to the new points as the constructor fits it, unless ``extent`` is
        given. Returns ``self``."""
        points, targets, is_test = check_data(data)
        extent = default_extent(points) if extent is None else check_extent(extent)
        with self._lock:
            self._check_targets(self.task, int(self.network.sizes[-1]), targets)
            with self.hold_sync():
                self._set_data(points, targets, is_test)
                self.extent = extent
        return self

    def set_network(self, network, *, features=None):
        """Show ``network``, with ``features`` (names from ``toy.FEATURES``) as its inputs when
        given: the one way to switch to a network with another number of inputs (assigning
        ``m.network`` keeps the features, ``m.features`` keeps the network). Both are checked
        before either changes. Returns ``self``."""
        names = self.features if features is None else list(check_features(features))
        sizes = getattr(network, "sizes", None)
        if sizes is not None and len(sizes) and int(sizes[0]) != len(names):
            raise ValueError(
                f"set_network: the network takes {int(sizes[0])} inputs (sizes "
                f"{list(map(int, sizes))}) but the features name {len(names)}: {names}; give "
                f"features= with {int(sizes[0])} names from {list(FEATURES)}"
            )
        with self.hold_sync(), self.hold_trait_notifications():
            self.features = names
            self.network = network
        return self

    # -- the network ---------------------------------------------------------------------------
    def _network_state(self, net) -> dict:
        sizes = [int(n) for n in getattr(net, "sizes", ())]
        if sizes and sizes[0] != len(self.features):
            raise ValueError(
                f"network must take {len(self.features)} inputs, one per feature "
                f"{self.features}; got sizes {sizes}. Build it as Network([{len(self.features)}, "
                f"...]), or give {sizes[0]} features from {list(FEATURES)} with it "
                f"(DecisionMap(net, data, features=...) or m.set_network(net, features=...))"
            )
        payload = network_payload(net)  # ValueError for a function the page cannot run
        task = _task(net)
        self._check_targets(task, sizes[-1])
        return {"_network": payload, "task": task}

    def _check_targets(self, task, n_out, targets=None):
        if task == "regression":
            return
        y = self.targets if targets is None else targets
        n_classes = 2 if task == "binary" else n_out
        bad = (y != np.round(y)) | (y < 0) | (y >= n_classes)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"data labels must be classes 0..{n_classes - 1} for a network with "
                f"{n_out} output{'s' if n_out > 1 else ''} ({task}); label {i} is "
                f"{y[i]:g}"
            )

    # Validators raise TraitErrors (checked): only those make set_state (the page) and
    # set_network's hold_trait_notifications put back what they had assigned.
    @traitlets.validate("features")
    def _validate_features(self, proposal):
        names = list(checked(check_features, proposal["value"]))
        net = self._trait_values.get("network")
        if net is not None and int(net.sizes[0]) != len(names):
            raise TraitValueError(
                f"features must be {int(net.sizes[0])} names, one per input of the "
                f"network (sizes {list(net.sizes)}); got {names}. To show a network "
                f"with {len(names)} input{'s' * (len(names) != 1)}: "
                f"m.set_network(net, features={names})"
            )
        return names

    @traitlets.validate("resolution")
    def _validate_resolution(self, proposal):
        return checked(check_resolution, proposal["value"])

    @traitlets.validate("extent")
    def _validate_extent(self, proposal):
        return checked(check_extent, proposal["value"])

    @traitlets.observe("network")
    def _forget_page_accuracy(self, change):
        # The page reports the new network's accuracy after its next redraw.
        self.set_trait("page_accuracy", None)

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
