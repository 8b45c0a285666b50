"""DigitCanvas: draw a digit and watch the network read it, while you draw.

>>> from nnwidgets import DigitCanvas
>>> canvas = DigitCanvas()               # the pretrained net; DigitCanvas(network=net) for yours
>>> canvas                               # draw with mouse, touch or pen
>>> canvas.pixels                        # (28, 28) float32: exactly what the network sees
>>> canvas.prediction, canvas.probabilities
>>> canvas.observe(callback, names="pixels")
>>> canvas.show(X_test[0])               # put any 28x28 digit (or 784 vector) on the pad
>>> canvas.clear()

The browser runs the forward pass itself (``js/lib/forward.ts``) on the weights this module
sends as binary float32 buffers, so the bar chart follows the pen with no round trip to the
kernel. When a stroke ends the 28x28 digit comes back here, and ``prediction`` and
``probabilities`` are recomputed with the NumPy network, so they are what ``network.predict``
says. Preprocessing is ``nnwidgets.preprocess.to_mnist`` (mirrored in ``js/canvas/preprocess.ts``).
A digit given from Python (``show``, or assigning ``pixels``) is already in MNIST's form: the page
reads it as given, not preprocessed again, until the pen draws on it (``js/canvas/pad.ts``).
"""

from __future__ import annotations

import logging
import math

import numpy as np
import traitlets

from ._base import NetworkWidget, network_payload
from ._wire import Array, Flag, TraitValueError, array_from_json, array_serialization, bundle

__all__ = ["DigitCanvas", "network_state"]

logger = logging.getLogger("nnwidgets.canvas")

_ESM, _CSS = bundle("canvas")


def network_state(net) -> dict:
    """The ``_network`` trait for ``net``: its shape, functions and binary float32 parameters.

    Raises ``ValueError`` for a network the canvas cannot use: one that does not take 784
    inputs and give 10 outputs, or whose functions the browser does not implement (and
    ``TypeError`` for an object that is no network at all).
    """
    payload = network_payload(net)
    sizes = payload["sizes"]
    if sizes[0] != 784 or sizes[-1] != 10:
        raise ValueError(
            f"DigitCanvas needs a network with 784 inputs and 10 outputs "
            f"(sizes [784, ..., 10]); got sizes {sizes}"
        )
    return payload


class _Pixels(Array):
    """The pad's 28x28 digit: finite values in [0, 1], or uint8 0..255 (scaled by 1/255).

    Checked before storing, so a bad assignment leaves the previous digit (and prediction).
    """

    def _coerce(self, value):
        a = np.asarray(value)
        if a.dtype == np.uint8:
            a = a.astype(np.float32) / np.float32(255)
        elif a.dtype.kind not in "fiub":
            raise TraitValueError(f"DigitCanvas.pixels must hold numbers; got dtype {a.dtype}")
        a = super()._coerce(a)
        if not np.isfinite(a).all():
            raise TraitValueError(
                "DigitCanvas.pixels contains NaN or infinite values; expected ink values in [0, 1]"
            )
        if a.min() < 0 or a.max() > 1:
            raise TraitValueError(
                f"DigitCanvas.pixels must lie in [0, 1] (or be uint8 0..255); "
                f"got values in [{a.min():g}, {a.max():g}]"
            )
        return a


def _check_strokes(strokes) -> list:
    if not isinstance(strokes, list):
        raise ValueError(f"strokes must be a list of polylines; got {type(strokes).__name__}")
    out = []
    for s in strokes:
        pts = [[float(x), float(y)] for x, y in s]
        if not all(math.isfinite(v) for p in pts for v in p):
            raise ValueError("strokes contain NaN or infinite coordinates")
        out.append(pts)
    return out


class DigitCanvas(NetworkWidget):
    """A drawing pad that shows the network's ten probabilities as you draw.

    Parameters
    ----------
    network : Network, optional
        Any network with ``sizes`` [784, ..., 10], ``weights``, ``biases``, ``activation``,
        ``output`` and ``predict_proba``; by default ``nnwidgets.load_pretrained()``.
        Assigning ``canvas.network = other`` (or training the network further) re-sends the
        weights and re-predicts. ``None`` is rejected.
    show_steps : bool, keyword-only
        Open the strip that shows the preprocessing (drawing -> crop -> 20x20 -> 28x28).
    """

    _esm = _ESM
    _css = _CSS

    pixels = _Pixels(
        np.zeros((28, 28), np.float32), dtype="float32", shape=(28, 28), allow_none=False
    ).tag(sync=True, **array_serialization)
    """ndarray (28, 28) float32 in [0, 1]: the digit on the pad, exactly what the network sees.

    Assign an image to put it on the pad (uint8 is scaled by 1/255); NaN, infinite or
    out-of-range values raise and leave the pad as it was. Updated when a stroke ends (and on
    Undo or Clear), by :meth:`show` and by :meth:`clear`."""

    probabilities = Array(None, dtype="float32", shape=(10,)).tag(sync=True, **array_serialization)
    """ndarray (10,) float32 or None: the NumPy network's output for ``pixels`` (None if blank)."""

    prediction = traitlets.Int(None, allow_none=True).tag(sync=True)
    """int or None: the most probable digit (None while the pad is blank)."""

    strokes = traitlets.List().tag(sync=True)
    """list: the pen strokes on the pad, each a list of [x, y] points in 280x280 pad pixels."""

    show_steps = Flag(False).tag(sync=True)
    """bool: whether the preprocessing strip is open (the page's toggle sets it too)."""

    # Parameters as binary float32 buffers: {sizes, activation, output, weights, biases}.
    _network = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)

    # The pad's report when a stroke ends: {pixels: {view, dtype, shape}, strokes}. A separate
    # trait so a bad report can be rejected here while `pixels` keeps its previous value;
    # not echoed back (ipywidgets 8 would send the buffer straight back otherwise).
    _drawn = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True, echo_update=False)

    # Which pad report the current `pixels` came from (its `seq`, "<view id>:<n>"), or "" when
    # Python set them (show, clear). Sent in the same message as `pixels`, so a view can tell
    # its own drawing coming back (ignore it: it may already have drawn more) from a digit to
    # display (set by Python, or drawn in another view of the same canvas).
    _echo = traitlets.Unicode("").tag(sync=True)

    _keywords = ("show_steps",)

    # True while a report from the page sets `pixels`; any other change to them is a digit given
    # from Python (show, clear, canvas.pixels = ...), which no view drew and no strokes make.
    _from_page = False

    def __init__(self, network=None, *, show_steps=False, **kwargs):
        super().__init__(network, show_steps=show_steps, **kwargs)

    # -- the network ---------------------------------------------------------------------------
    def _network_state(self, net):
        return {"_network": network_state(net)}  # ValueError for an unusable network

    def _after_network_state(self):
        self._predict()

    # -- pixels --------------------------------------------------------------------------------
    @traitlets.observe("pixels")
    def _pixels_changed(self, change):
        if not self._from_page:
            with self.hold_sync():  # one message: views show it whoever drew last
                self._echo = ""
                self.strokes = []
        self._predict()

    def _predict(self):
        # Under the lock: the writer thread re-predicts with new weights while a stroke from
        # the page re-predicts here; one must not interleave its two writes with the other's.
        with self._lock, self.hold_sync():
            px, net = self.pixels, self.network
            if net is None or not px.any():
                self.probabilities, self.prediction = None, None
                return
            proba = np.asarray(net.predict_proba(px.reshape(1, 784)), np.float32).reshape(10)
            self.probabilities = proba
            self.prediction = int(np.argmax(proba))

    @traitlets.observe("_drawn")
    def _drawn_changed(self, change):
        report = change["new"]
        if report is None:
            return
        try:
            if not isinstance(report, dict) or "pixels" not in report:
                raise ValueError("report must be a dict with pixels and strokes")
            px = array_from_json(report["pixels"])
            if px.size != 784:
                raise ValueError(f"pixels must hold 784 values (28x28); got {px.size}")
            px = DigitCanvas.pixels._coerce(px.reshape(28, 28))  # the trait's own checks
            strokes = _check_strokes(report.get("strokes", []))
            seq = str(report.get("seq", ""))
        except (ValueError, TypeError, traitlets.TraitError) as e:
            logger.error(
                "DigitCanvas: rejected pixels from the browser (%s); keeping the previous digit", e
            )
            return
        self._from_page = True
        try:
            with self.hold_sync():
                self._echo = seq
                self.strokes = strokes
                self.pixels = px
        finally:
            self._from_page = False

    # -- Python-side drawing ---------------------------------------------------------------------
    def show(self, digit):
        """Put a digit on the pad: a (28, 28) image or a (784,) vector, values in [0, 1] (or uint8).

        The digit is taken as already in MNIST's form (a test digit, an FGSM-nudged one): the pad
        shows it and reads it exactly as given, so its bars, ``prediction`` and
        ``probabilities`` are the network's output on it (never cropped, rescaled or re-centred as
        a drawing is). The strokes are cleared. Draw on top to add ink: the pad then preprocesses
        the drawing as usual (Undo back to the digit reads it as given again). A bad digit raises
        and leaves the pad as it was.
        """
        a = np.asarray(digit)
        if a.shape not in ((28, 28), (784,)):
            raise ValueError(
                f"digit must be a (28, 28) image or a (784,) vector; got shape {a.shape}"
            )
        with self.hold_sync():
            self.pixels = a.reshape(28, 28)  # checked by the trait before anything changes
            self._echo = ""  # (the observer does this too, but only when the pixels change)
            self.strokes = []

    def clear(self):
        """Wipe the pad."""
        self.show(np.zeros((28, 28), np.float32))
