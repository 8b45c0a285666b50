"""DigitCanvas: draw a digit and watch the network read it, while you draw.

>>> from nnwidgets import DigitCanvas
>>> canvas = DigitCanvas()               # the pretrained network; DigitCanvas(network=net) for yours
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
says. Preprocessing is ``nnwidgets.preprocess.to_mnist`` (mirrored in ``js/lib/preprocess.ts``).
"""

from __future__ import annotations

import logging
import math

import anywidget
import numpy as np
import traitlets

from ._base import (Array, array_from_json, array_serialization, array_to_json, bundle,
                    function_name, layer_arrays)

__all__ = ["DigitCanvas", "network_state"]

logger = logging.getLogger("nnwidgets.canvas")

_ESM, _CSS = bundle("canvas")

#: What js/lib/forward.ts can run.
JS_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
JS_OUTPUTS = JS_ACTIVATIONS + ("softmax",)


def network_state(net) -> dict:
    """The ``_network`` trait for ``net``: its shape, functions and binary float32 parameters.

    Raises ``ValueError`` for a network the canvas cannot use: one that does not take 784
    inputs and give 10 outputs, or whose functions the browser does not implement (and
    ``TypeError`` for an object that is no network at all).
    """
    sizes, weights, biases = layer_arrays(net)
    if sizes[0] != 784 or sizes[-1] != 10:
        raise ValueError(f"DigitCanvas needs a network with 784 inputs and 10 outputs "
                         f"(sizes [784, ..., 10]), got sizes {sizes}")
    activation, output = function_name(net.activation), function_name(net.output)
    if activation not in JS_ACTIVATIONS:
        raise ValueError(f"activation must be one of {JS_ACTIVATIONS} to run in the browser, got {activation!r}")
    if output not in JS_OUTPUTS:
        raise ValueError(f"output must be one of {JS_OUTPUTS} to run in the browser, got {output!r}")
    return {
        "sizes": sizes,
        "activation": activation,
        "output": output,
        "weights": [array_to_json(w.astype(np.float32)) for w in weights],
        "biases": [array_to_json(b.astype(np.float32)) for b in biases],
    }


def _check_strokes(strokes) -> list:
    if not isinstance(strokes, list):
        raise ValueError(f"strokes must be a list of polylines, got {type(strokes).__name__}")
    out = []
    for s in strokes:
        pts = [[float(x), float(y)] for x, y in s]
        if not all(math.isfinite(v) for p in pts for v in p):
            raise ValueError("strokes contain NaN or infinite coordinates")
        out.append(pts)
    return out


class DigitCanvas(anywidget.AnyWidget):
    """A drawing pad that shows the network's ten probabilities as you draw.

    Parameters
    ----------
    network : Network, optional
        Any network with ``sizes`` [784, ..., 10], ``weights``, ``biases``, ``activation``,
        ``output`` and ``predict_proba``; by default ``nnwidgets.load_pretrained()``.
        Assigning ``canvas.network = other`` (or training the network further) re-sends the
        weights and re-predicts.
    show_steps : bool, keyword-only
        Open the strip that shows the preprocessing (drawing -> crop -> 20x20 -> 28x28).
    """

    _esm = _ESM
    _css = _CSS

    pixels = Array(np.zeros((28, 28), np.float32), dtype="float32", shape=(28, 28),
                   allow_none=False).tag(sync=True, **array_serialization)
    """ndarray (28, 28) float32 in [0, 1]: the digit on the pad, exactly what the network sees.

    Updated when a stroke ends (and on Undo or Clear), by :meth:`show` and by :meth:`clear`."""

    probabilities = Array(None, dtype="float32", shape=(10,)).tag(sync=True, **array_serialization)
    """ndarray (10,) float32 or None: the NumPy network's output for ``pixels`` (None when blank)."""

    prediction = traitlets.Int(None, allow_none=True).tag(sync=True)
    """int or None: the most probable digit (None while the pad is blank)."""

    strokes = traitlets.List().tag(sync=True)
    """list: the pen strokes on the pad, each a list of [x, y] points in 280x280 pad pixels."""

    show_steps = traitlets.Bool(False).tag(sync=True)
    """bool: whether the preprocessing strip is open (the page's toggle sets it too)."""

    network = traitlets.Any(allow_none=True)
    """The network the canvas runs (not synced; its parameters travel in ``_network``)."""

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

    # Shown on the pad when the network cannot be used.
    _error = traitlets.Unicode("").tag(sync=True)

    def __init__(self, network=None, *, show_steps=False, **kwargs):
        unknown = set(kwargs) - {"layout"}
        if unknown:
            raise TypeError(f"DigitCanvas got unexpected keyword argument(s) {sorted(unknown)}; "
                            "expected network and show_steps")
        if network is None:
            from .. import load_pretrained

            network = load_pretrained()
        self._unsubscribe = None
        super().__init__(show_steps=show_steps, **kwargs)
        self.network = network

    # -- the network ---------------------------------------------------------------------------
    @traitlets.validate("network")
    def _validate_network(self, proposal):
        net = proposal["value"]
        if net is None:
            raise traitlets.TraitError("DigitCanvas needs a network")
        self._pending_state = network_state(net)  # ValueError for an unusable network
        return net

    @traitlets.observe("network")
    def _network_changed(self, change):
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        subscribe = getattr(change["new"], "subscribe", None)
        if callable(subscribe):
            self._unsubscribe = subscribe(self._weights_changed)
        self._send_network(self._pending_state)

    def _weights_changed(self, net):
        # Called by the network after each epoch, a load or an assignment.
        if net is self.network:
            self._send_network(network_state(net))

    def _send_network(self, state):
        with self.hold_sync():
            self._network = state
            self._predict()

    def close(self):
        if getattr(self, "_unsubscribe", None) is not None:
            self._unsubscribe()
            self._unsubscribe = None
        super().close()

    # -- pixels --------------------------------------------------------------------------------
    @traitlets.observe("pixels")
    def _pixels_changed(self, change):
        self._predict()

    def _predict(self):
        px = self.pixels
        if self.network is None or not px.any():
            self.probabilities, self.prediction = None, None
            return
        proba = np.asarray(self.network.predict_proba(px.reshape(1, 784)), np.float32).reshape(10)
        with self.hold_sync():
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
                raise ValueError(f"pixels must hold 784 values (28x28), got {px.size}")
            px = px.astype(np.float32).reshape(28, 28)
            if not np.all(np.isfinite(px)):
                raise ValueError("pixels contain NaN or infinite values")
            if px.min() < 0 or px.max() > 1:
                raise ValueError(f"pixels must lie in [0, 1], got [{px.min()}, {px.max()}]")
            strokes = _check_strokes(report.get("strokes", []))
            seq = str(report.get("seq", ""))
        except (ValueError, TypeError) as e:
            logger.error("DigitCanvas: rejected pixels from the browser (%s); keeping the previous digit", e)
            return
        with self.hold_sync():
            self._echo = seq
            self.strokes = strokes
            self.pixels = px

    # -- Python-side drawing ---------------------------------------------------------------------
    def show(self, digit):
        """Put a digit on the pad: a (28, 28) image or a 784 vector, values in [0, 1] (or uint8).

        The pad shows it, the strokes are cleared, and ``prediction`` is recomputed. Draw on top
        to add ink.
        """
        a = np.asarray(digit)
        if a.size != 784 or a.ndim not in (1, 2) or (a.ndim == 2 and a.shape != (28, 28)):
            raise ValueError(f"digit must be a (28, 28) image or a (784,) vector, got shape {a.shape}")
        if not np.issubdtype(a.dtype, np.number) and a.dtype != np.bool_:
            raise ValueError(f"digit must hold numbers, got dtype {a.dtype}")
        a = a.astype(np.float32) / (np.float32(255) if a.dtype == np.uint8 else np.float32(1))
        if not np.all(np.isfinite(a)):
            raise ValueError("digit contains NaN or infinite values")
        if a.min() < 0 or a.max() > 1:
            raise ValueError(f"digit values must lie in [0, 1] (or be uint8), got [{a.min()}, {a.max()}]")
        with self.hold_sync():
            self._echo = ""
            self.strokes = []
            self.pixels = a.reshape(28, 28)

    def clear(self):
        """Wipe the pad."""
        self.show(np.zeros((28, 28), np.float32))
