"""NetworkDiagram, the widget: its traits, its public methods, and the link to a canvas.

The package docstring (``nnwidgets.widgets.diagram``) says what the diagram shows; the
forward pass with edits is in forward.py, the errors (BP1, BP2) in errors.py.
"""

from __future__ import annotations

import copy
import logging
import math
import numbers

import ipywidgets
import numpy as np
import traitlets

from .._base import NetworkWidget, network_payload
from .._wire import (
    Array,
    Checked,
    Choice,
    Flag,
    TraitValueError,
    array_serialization,
    array_to_json,
    bundle,
)
from ..canvas import DigitCanvas
from .errors import cost_of, edited_deltas, target_vector
from .forward import edited_forward

__all__ = ["NetworkDiagram"]

logger = logging.getLogger("nnwidgets.diagram")

_ESM, _CSS = bundle("diagram")

ERROR_SCALES = ("per_layer", "shared")


class _ErrorScale(traitlets.TraitType):
    """One of ERROR_SCALES; anything else, None included, is a ValueError naming the choices
    (Unicode or Enum would raise their own TraitError, which is no ValueError, for None)."""

    info_text = " or ".join(map(repr, ERROR_SCALES))

    def validate(self, obj, value):
        if isinstance(value, str) and value in ERROR_SCALES:
            return value
        raise TraitValueError(
            f"error_scale must be one of {', '.join(map(repr, ERROR_SCALES))}; got {value!r}"
        )


def _python_owned(name):
    """``from_json`` for a trait only Python sets: a write from the page is logged and ignored."""

    def from_json(value, widget):
        logger.error("NetworkDiagram: ignored %s sent by the browser (only Python sets it)", name)
        return getattr(widget, name)  # unchanged, so nothing fires

    return from_json


def _scales_to_json(scales, widget=None):
    # JSON object keys are strings; the page reads them back with Number().
    return {str(l): {str(n): float(s) for n, s in row.items()} for l, row in (scales or {}).items()}


class NetworkDiagram(NetworkWidget):
    """The network's layers as columns, each neuron coloured by its activation for one input.

    Parameters
    ----------
    network : Network, optional
        Any network with ``sizes``, ``weights``, ``biases``, ``activation`` and ``output`` the
        page can run; by default ``nnwidgets.load_pretrained()``. Training it, ``set_parameters``
        or ``load`` redraw the diagram (at most ten times a second).
    top_k : int, keyword-only
        Connections drawn into each neuron: its ``top_k`` strongest contributions
        ``|activation x weight|``. Adjustable in the page.
    all_edges : bool, keyword-only
        Draw every connection into the neurons that are on instead; honoured for networks of up
        to 20,000 connections (more is a blur), top ``top_k`` above that.
    error_scale : {"per_layer", "shared"}, keyword-only
        In errors mode: each layer coloured against its own largest |delta| ("per_layer"), or
        every layer against the network's largest ("shared"), where vanishing errors fade to
        white. Also a toggle in the page.

    Keyboard and screen readers
    ---------------------------
    The drawing is one focusable element (a canvas has no elements per neuron), navigated as
    ARIA's roving-focus pattern: Tab reaches it, the arrow keys move between neurons (up/down
    within a layer, left/right between layers), Enter or Space switches a hidden neuron off or
    on, + and - scale it by 0.25, Escape leaves the neuron. Each move is announced through a
    polite live region (``role="status"``): "hidden layer 1, neuron 2 of 30, activation 0.172"
    (plus its error in errors mode and its edit, if any). The details card shows the same
    neuron with its - / + buttons; Tab from the drawing reaches them and keeps the neuron.
    """

    _esm = _ESM
    _css = _CSS

    input = Array(None, dtype="float32", shape=(None,)).tag(
        sync=True,
        to_json=array_serialization["to_json"],
        from_json=_python_owned("input"),
        echo_update=False,
    )
    """ndarray (sizes[0],) float32 or None: the input shown (set by :meth:`show`, or by the
    linked canvas when a stroke ends). None shows the network with no input."""

    scales = traitlets.Dict().tag(sync=True, to_json=_scales_to_json)
    """dict {layer: {neuron: factor}}: the edits, each hidden neuron's activation multiplied by
    its factor (0 = ablated). Set by clicks in the page, :meth:`ablate`, :meth:`scale`,
    :meth:`reset`; assigning checks every entry and raises before anything changes."""

    top_k = Checked(3).tag(sync=True)
    """int >= 1: connections drawn into each neuron, the strongest |activation x weight| first."""

    all_edges = Flag(False).tag(sync=True)
    """bool: draw every connection instead of the top ``top_k`` per neuron (networks of up to
    20,000 connections; larger ones keep the top ``top_k``)."""

    probabilities = Array(None, dtype="float32", shape=(None,))
    """ndarray (sizes[-1],) float32 or None: the output layer for ``input``, edits applied."""

    prediction = traitlets.Int(None, allow_none=True)
    """int or None: the most active output neuron (None when there is no input)."""

    mode = Choice(("activations", "errors"), "activations").tag(sync=True)
    """"activations" or "errors": what colours the neurons. "errors" needs a target, so set it
    with :meth:`show_errors`; assigning "activations" keeps the target for later."""

    error_scale = _ErrorScale("per_layer").tag(sync=True)
    """"per_layer" or "shared": how errors map to colour. "per_layer" (the default) scales each
    layer by its own largest |delta|, so every layer shows its pattern; "shared" scales every
    layer by the largest |delta| in the network, so layers that learn slowly (NNDL ch5's
    vanishing gradient) fade towards white. Also a toggle in the page."""

    # The errors for `input` and the target, computed here: {"deltas": [wire arrays, one per
    # layer 1..L], "input": wire array (what they were computed for, so the page can tell
    # when the pen has moved on), "target": wire array, "cost": name}; None without a target.
    _errors = traitlets.Dict(allow_none=True, default_value=None).tag(
        sync=True, from_json=_python_owned("_errors"), echo_update=False
    )

    # Parameters as binary float32 buffers, as the canvas sends them.
    _network = traitlets.Dict(allow_none=True, default_value=None).tag(
        sync=True, from_json=_python_owned("_network"), echo_update=False
    )

    # The canvas the page follows, sent as "IPY_MODEL_<id>" and resolved by the page's widget
    # manager; its front end publishes the live 28x28 as `_live` on its own model.
    _source = traitlets.Instance(DigitCanvas, allow_none=True).tag(
        sync=True,
        to_json=ipywidgets.widget_serialization["to_json"],
        from_json=_python_owned("_source"),
        echo_update=False,
    )

    # A click in the page: {"scales": {...}}, the edits it wants. A separate trait so a
    # malformed request is logged and dropped here while `scales` keeps its value; not echoed.
    _request = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True, echo_update=False)

    _keywords = ("top_k", "all_edges", "error_scale")

    def __init__(
        self, network=None, *, top_k=3, all_edges=False, error_scale="per_layer", **kwargs
    ):
        self._activations = None
        self._deltas = None
        self._target = None
        self._linked_observer = None
        self._network_changing = False
        super().__init__(
            network, top_k=top_k, all_edges=all_edges, error_scale=error_scale, **kwargs
        )

    # -- the network ---------------------------------------------------------------------------
    def _network_state(self, net):
        # Checked before the payload: a layer with no neuron has nothing to draw or run.
        sizes = list(np.ravel(getattr(net, "sizes", [1, 1])))  # no sizes: network_payload says so
        if len(sizes) < 2 or any(
            isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 for n in sizes
        ):
            raise ValueError(
                f"NetworkDiagram needs an input and an output layer with at least one "
                f"neuron each; got sizes {getattr(net, 'sizes', None)!r}"
            )
        payload = network_payload(net)  # ValueError for a network the page cannot run
        sizes = payload["sizes"]
        state = {"_network": payload}
        # What no longer fits the new network is dropped (the network's input size or a
        # layer's width changed); everything else stays, edit by edit.
        if self.input is not None and self.input.size != sizes[0]:
            state["input"] = None
        fitting = _fitting_scales(self.scales, sizes)
        if fitting != self.scales:
            state["scales"] = fitting
        if self._target is not None and self._target.size != sizes[-1]:
            self._target = None  # a target for another output layer means nothing here
            state["mode"] = "activations"
        return state

    def _apply(self, state):
        # New network state is applied whatever the input shown does with it (see _check_forward).
        self._network_changing = True
        try:
            super()._apply(state)
        finally:
            self._network_changing = False

    def _after_network_state(self):
        self._recompute()

    # -- input ---------------------------------------------------------------------------------
    def show(self, x):
        """Show input ``x``: a (sizes[0],) vector, or a (28, 28) image for a 784-input network.

        Values must be finite (and fit float32); uint8 values are pixels 0..255, divided by 255
        as the canvas does. ``show(None)`` clears the input. Raises ``ValueError`` (and
        changes nothing) for anything else. While linked, the digit goes on the canvas (which
        checks it too) and the diagram follows, so the two always show the same input.
        """
        if self._source is not None:
            canvas = self._source
            if x is None:
                canvas.clear()
            else:
                a = np.asarray(x)
                if a.shape not in ((784,), (28, 28)):
                    raise ValueError(
                        f"input must have shape (784,) or (28, 28) for a network with 784 inputs; "
                        f"got shape {a.shape}"
                    )
                canvas.show(a)
            return
        self.input = (
            None if x is None else self._as_input(x)
        )  # the trait checks the network's layers

    def _as_input(self, x):
        """``x`` as the (sizes[0],) vector :meth:`show` puts in ``input``.

        Raise ValueError if it is not one.
        """
        n_in = self.network.sizes[0]
        a = np.asarray(x)
        shapes = [(n_in,)] + ([(28, 28)] if n_in == 784 else [])
        if a.shape not in shapes:
            want = " or ".join(str(s) for s in shapes)
            raise ValueError(
                f"input must have shape {want} for a network with {n_in} inputs; "
                f"got shape {a.shape}"
            )
        if a.dtype.kind not in "fiub":
            raise ValueError(f"input must hold numbers; got dtype {a.dtype}")
        if a.dtype == np.uint8:
            a = a / np.float32(255)  # pixels 0..255, as DigitCanvas.show and to_mnist take them
        if (
            a.dtype.kind == "f"
            and a.size
            and np.isfinite(a).all()
            and np.abs(a).max() > np.finfo(np.float32).max
        ):
            # checked before the float32 cast, which would make them inf (with a RuntimeWarning)
            raise ValueError(
                f"input values must lie within float32's range (|x| <= 3.4e38); "
                f"got values up to {np.abs(a).max():g}"
            )
        return a.reshape(-1)

    def show_errors(self, x, y):
        """Show input ``x`` coloured by backpropagation's errors for target ``y``.

        ``y`` is a label (an int, one-hot for the output layer) or ``sizes[-1]`` numbers (a
        vector or the book's column). Each neuron is coloured by delta^l_j = dC/dz^l_j, the
        cost being the network's own (``cost_function``; a network without one: quadratic).
        ``x`` is checked as :meth:`show` checks it; nothing changes when either is rejected.
        While linked, ``x`` goes on the canvas, and later strokes get errors for the same ``y``.
        """
        if x is None:
            raise ValueError("show_errors needs an input x (show(None) clears the input)")
        target = target_vector(y, self.network.sizes[-1])
        cost_of(self.network)  # a cost the diagram cannot use: rejected before anything changes
        a = self._as_input(x)
        self._check_forward(a, self.scales)
        deltas = self._errors_for(a, target, self.scales)
        if deltas is None:
            raise ValueError(
                f"target y gives errors beyond float32's range (the page draws them in "
                f"float32); got target values up to {np.abs(target).max():g}"
            )
        with self.hold_sync():
            previous = self._target
            self._target = target
            try:
                self.show(x)
            except ValueError:
                self._target = previous
                raise
            self._recompute()
            self.mode = "errors"

    @property
    def target(self):
        """ndarray (sizes[-1],) or None: the desired output the errors are computed for."""
        return None if self._target is None else self._target.copy()

    @property
    def errors(self):
        """list of ndarray ``[delta1, ..., deltaL]`` (float64), delta^l = dC/dz^l for ``input``
        and ``target`` with the edits applied; None without both."""
        return None if self._deltas is None else [d.copy() for d in self._deltas]

    @traitlets.validate("mode")
    def _validate_mode(self, proposal):
        if proposal["value"] == "errors" and self._target is None:
            raise TraitValueError('mode "errors" needs a target: call show_errors(x, y) first')
        return proposal["value"]

    @traitlets.validate("input")
    def _validate_input(self, proposal):
        x = proposal["value"]
        if x is None:
            return None
        if x.size != self.network.sizes[0]:
            raise TraitValueError(
                f"NetworkDiagram.input must hold {self.network.sizes[0]} values; got {x.size}"
            )
        if not np.isfinite(x).all():
            raise TraitValueError(
                "input contains NaN or infinite values (or values beyond float32's "
                "range, about 3.4e38)"
            )
        self._check_forward(x, self.scales)
        return x

    def _check_forward(self, x, scales):
        """Raise if ``x`` with ``scales`` drives some layer to inf or NaN.

        The page computes in float32.
        """
        if x is None or self._network_changing:
            return  # new weights are not refused for the input shown: _recompute reports it
        with np.errstate(over="ignore", invalid="ignore"):
            acts = edited_forward(self.network, x, scales)
        for l, a in enumerate(acts[1:], start=1):
            if not np.isfinite(a).all():
                edits = " with the edits (scales)" if scales else ""
                raise TraitValueError(
                    f"input{edits} drives layer {l} beyond float32's range (inf or NaN); "
                    f"got input values in [{x.min():g}, {x.max():g}]"
                )

    def _errors_for(self, x, target, scales):
        """The errors for ``x`` and ``target``, or None where the page could not hold them (a
        delta or the target non-finite or beyond float32's range)."""
        with np.errstate(over="ignore", invalid="ignore"):
            deltas = edited_deltas(self.network, x, target, scales)
        biggest = max(float(np.abs(d).max(initial=0.0)) for d in deltas + [target])
        if not biggest <= float(np.finfo(np.float32).max):  # also False for NaN
            return None
        return deltas

    @traitlets.observe("input")
    def _input_changed(self, change):
        self._recompute()

    # -- edits ---------------------------------------------------------------------------------
    @staticmethod
    def _check_scales(scales, sizes) -> dict:
        """``scales`` as {int layer: {int neuron: float}}, without factors of 1.

        ValueError if bad.
        """
        if not isinstance(scales, dict):
            raise ValueError(
                f"scales must be a dict {{layer: {{neuron: factor}}}}; got {type(scales).__name__}"
            )
        hidden = range(1, len(sizes) - 1)
        out = {}
        for l, row in scales.items():
            layer = _index(l, "layer")
            if layer not in hidden:
                raise ValueError(
                    f"layer must be a hidden layer, {_range_text(hidden)} for sizes {sizes}; "
                    f"got {l!r}"
                )
            if not isinstance(row, dict):
                raise ValueError(
                    f"scales[{layer}] must be a dict {{neuron: factor}}; got {type(row).__name__}"
                )
            for n, s in row.items():
                neuron = _index(n, "neuron")
                if not 0 <= neuron < sizes[layer]:
                    raise ValueError(
                        f"neuron must be in 0..{sizes[layer] - 1} for layer {layer} "
                        f"({sizes[layer]} neurons); got {n!r}"
                    )
                if not _finite_number(s):
                    raise ValueError(
                        f"the factor of neuron {neuron} in layer {layer} must be a finite "
                        f"number; got {_number_text(s)}"
                    )
                if float(s) != 1.0:
                    out.setdefault(layer, {})[neuron] = float(s)
        return out

    @traitlets.validate("scales")
    def _validate_scales(self, proposal):
        try:
            scales = self._check_scales(proposal["value"], self.network.sizes)
        except ValueError as e:
            raise TraitValueError(str(e)) from None
        self._check_forward(self.input, scales)
        return scales

    @traitlets.validate("top_k")
    def _validate_top_k(self, proposal):
        k = proposal["value"]
        if isinstance(k, bool) or not isinstance(k, numbers.Integral):
            raise TraitValueError(f"top_k must be an int >= 1; got {k!r}")
        if k < 1:
            raise TraitValueError(f"top_k must be at least 1; got {k}")
        return int(k)

    @traitlets.observe("scales")
    def _scales_changed(self, change):
        self._recompute()

    def scale(self, layer, neuron, factor):
        """Multiply hidden neuron ``neuron`` of ``layer``'s activation by ``factor`` (1 undoes it).

        ``neuron`` is an index or several (a list, tuple, range or 1-D array of ints).
        """
        new = {l: dict(row) for l, row in self.scales.items()}
        for n in _neurons(neuron):
            new.setdefault(layer, {})[n] = factor
        self.scales = new  # checked as a whole before it replaces the old edits

    def ablate(self, layer, neuron):
        """Switch hidden neuron ``neuron`` of ``layer`` off (its activation multiplied by 0);
        ``neuron`` is an index or several, as in :meth:`scale`."""
        self.scale(layer, neuron, 0.0)

    def reset(self):
        """Undo every edit."""
        self.scales = {}

    @property
    def ablated(self) -> dict:
        """dict {layer: [neuron, ...]}: the neurons switched off (factor 0), sorted."""
        return {
            l: sorted(n for n, s in row.items() if s == 0)
            for l, row in sorted(self.scales.items())
            if any(s == 0 for s in row.values())
        }

    @ablated.setter
    def ablated(self, value):
        if not isinstance(value, dict):
            raise ValueError(
                f"ablated must be a dict {{layer: [neuron, ...]}}; got {type(value).__name__}"
            )
        keep = {l: {n: s for n, s in row.items() if s != 0} for l, row in self.scales.items()}
        for l, neurons in value.items():
            # A string is iterable too: "12" would switch off neurons 1 and 2.
            if isinstance(neurons, (str, bytes, dict)) or not isinstance(
                neurons, (list, tuple, set, frozenset, range, np.ndarray)
            ):
                raise ValueError(
                    f"ablated[{l!r}] must be a list of neuron indices; got {neurons!r}"
                )
            items = (
                neurons.reshape(-1).tolist() if isinstance(neurons, np.ndarray) else list(neurons)
            )
            keep.setdefault(_index(l, "layer"), {}).update({n: 0.0 for n in items})
        self.scales = keep

    @traitlets.observe("_request")
    def _request_changed(self, change):
        request = change["new"]
        if request is None:
            return
        try:
            if not isinstance(request, dict) or not isinstance(request.get("scales"), dict):
                raise ValueError("a request must be a dict with a dict 'scales'")
            self.scales = self._check_scales(
                request["scales"], self.network.sizes
            )  # and the overflow check
        except (ValueError, TypeError) as e:
            logger.error("NetworkDiagram: ignored an edit from the browser (%s)", e)
            self.send_state("scales")  # put the page back in step with what Python has

    def ablated_network(self):
        """A copy of the network with the edits applied, for experiments; the network is unchanged.

        Scaling a neuron's activation by s is scaling its outgoing weights by s (they are the
        only way it reaches the next layer), so column ``neuron`` of ``weights[layer]`` is scaled.
        """
        net = self.network
        twin = net.copy() if callable(getattr(net, "copy", None)) else copy.deepcopy(net)
        # A copy() that shares arrays (a shallow copy, a view) would let the edits below reach
        # the network itself.
        if twin is net or any(
            np.shares_memory(np.asarray(a), np.asarray(b))
            for a, b in zip(twin.weights, net.weights)
        ):
            twin = copy.deepcopy(net)
        for layer, row in self.scales.items():
            for neuron, s in row.items():
                twin.weights[layer][:, neuron] *= s
        return twin

    # -- what the diagram shows --------------------------------------------------------------------
    @property
    def activations(self):
        """list of ndarray ``[x, a1, ..., aL]`` for ``input`` with the edits applied.

        None without input.
        """
        return None if self._activations is None else [a.copy() for a in self._activations]

    def _recompute(self):
        with self._lock, self.hold_sync():
            x = self.input
            if x is None:
                self._activations = self._deltas = None
                self.probabilities, self.prediction, self._errors = None, None, None
                return
            with np.errstate(over="ignore", invalid="ignore"):
                acts = edited_forward(self.network, x, self.scales)
            self._activations = acts
            self.probabilities = acts[-1]
            if not np.isfinite(acts[-1]).all():
                # Only new weights get here (show and edits are checked first); argmax of NaN is 0.
                logger.warning(
                    "NetworkDiagram: the network's output for the input shown is not finite "
                    "(inf or NaN); no prediction"
                )
                self.prediction, self._deltas, self._errors = None, None, None
                return
            self.prediction = int(np.argmax(acts[-1]))
            if self._target is None:
                self._deltas, self._errors = None, None
                return
            self._deltas = self._errors_for(x, self._target, self.scales)
            if self._deltas is None:
                # New weights, or a new input for the old target (show_errors checked its own).
                logger.warning(
                    "NetworkDiagram: the errors for the input shown are beyond float32's "
                    "range; no errors shown"
                )
                self._errors = None
                return
            self._errors = {
                "deltas": [array_to_json(d) for d in self._deltas],
                "input": array_to_json(x),
                "target": array_to_json(self._target),
                "cost": cost_of(self.network).name,
            }

    # -- the canvas link -----------------------------------------------------------------------
    def link(self, canvas):
        """Follow ``canvas`` (a DigitCanvas): the page redraws with the pen, and ``input`` follows
        ``canvas.pixels``. ``link(None)`` unlinks."""
        if canvas is None:
            self.unlink()
            return
        if not isinstance(canvas, DigitCanvas):
            raise ValueError(
                f"canvas must be a DigitCanvas (or None to unlink); got {type(canvas).__name__}"
            )
        if self.network.sizes[0] != 784:
            raise ValueError(
                f"only a diagram whose network takes 784 inputs can follow a canvas; "
                f"this one takes {self.network.sizes[0]}"
            )
        if canvas.comm is None:
            raise ValueError("canvas has been closed; link a DigitCanvas that is still open")
        self.unlink()

        def follow(change):
            px = change["new"]
            try:
                self.input = px.reshape(-1) if px.any() else None
            except ValueError as e:  # the canvas's digit is fine; this network overflows on it
                logger.error("NetworkDiagram: not showing the canvas's digit: %s", e)

        def closed(change):
            if change["new"] is None:  # the canvas was closed: the page has nothing to follow
                self.unlink()

        canvas.observe(follow, names="pixels")
        canvas.observe(closed, names="comm")
        self._linked_observer = (canvas, follow, closed)
        with self.hold_sync():
            self._source = canvas
            follow({"new": canvas.pixels})

    def unlink(self):
        """Stop following the canvas (the input shown stays)."""
        if self._linked_observer is not None:
            canvas, follow, closed = self._linked_observer
            canvas.unobserve(follow, names="pixels")
            canvas.unobserve(closed, names="comm")
            self._linked_observer = None
        self._source = None

    @property
    def linked(self):
        """The DigitCanvas this diagram follows, or None."""
        return self._source

    def close(self):
        self.unlink()
        super().close()


def _index(value, what) -> int:
    # Keys from the page arrive as strings ("17"); Python callers pass ints.
    if isinstance(value, bool):
        raise ValueError(f"{what} must be an int; got {value!r}")
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value)
    raise ValueError(f"{what} must be an int; got {value!r}")


def _neurons(neuron) -> list:
    """``neuron`` as a list of indices: one, or several (a list, tuple, range or 1-D array)."""
    if isinstance(neuron, np.ndarray) and neuron.ndim > 0:
        items = neuron.tolist() if neuron.ndim == 1 else [neuron]
    elif isinstance(neuron, (list, tuple, range)):
        items = list(neuron)
    else:
        return [neuron]  # one index, checked with the rest of the edits
    if not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool) for n in items):
        raise ValueError(f"neuron must be an int or a list of ints; got {neuron!r:.80}")
    return [int(n) for n in items]


def _finite_number(s) -> bool:
    if isinstance(s, bool) or not isinstance(s, (int, float, np.integer, np.floating)):
        return False
    try:
        return math.isfinite(s)
    except OverflowError:  # an int beyond float's range (10**400)
        return False


def _number_text(s) -> str:
    """``repr(s)``, except for an int too long to read or to convert (10**400)."""
    if isinstance(s, int) and not isinstance(s, bool) and abs(s) > 10**20:
        sign = "-" if s < 0 else ""
        return f"an int of about {sign}1e{int(math.log10(abs(s)))}"
    return f"{s!r:.80}"


def _fitting_scales(scales, sizes) -> dict:
    """The edits in ``scales`` that still name a hidden neuron of a network of ``sizes``."""
    hidden = range(1, len(sizes) - 1)
    kept = {
        l: {n: s for n, s in row.items() if n < sizes[l]}
        for l, row in scales.items()
        if l in hidden
    }
    return {l: row for l, row in kept.items() if row}


def _range_text(r) -> str:
    return "none (the network has no hidden layer)" if len(r) == 0 else f"{r.start}..{r.stop - 1}"
