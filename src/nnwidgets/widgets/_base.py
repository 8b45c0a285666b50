"""NetworkWidget: what every widget that shows a network does the same way.

- It checks a network completely before changing any state, so a rejected network leaves the
  widget as it was (:meth:`NetworkWidget._network_state` is where a widget adds its own needs).
- It subscribes to the network it shows, and unsubscribes on reassignment and on ``close()``.
- New weights (training, ``set_parameters``, ``load``) reach it as a notification on whatever
  thread made them; the callback only marks the widget dirty, and the single writer thread in
  :mod:`._sync` sends the current state, at most ten times a second. Assigning ``network``
  sends at once, on the caller's thread. A per-widget lock keeps the two from interleaving.
- ``DigitCanvas()`` and friends load the shipped model when no network is given, and every
  widget rejects unknown keyword arguments with the same message.
"""

from __future__ import annotations

import logging
import threading
import warnings

import anywidget
import numpy as np
import traitlets

from .. import functions
from .._checks import reject_unknown
from ..book import as_network, book_activation
from . import _sync
from ._wire import TraitValueError, array_to_json, checked

__all__ = [
    "NetworkWidget",
    "as_widget_network",
    "function_name",
    "layer_arrays",
    "network_functions",
    "network_payload",
    "page_function",
    "BROWSER_FUNCTIONS",
]

logger = logging.getLogger("nnwidgets.widgets")

#: The activations js/lib/forward.ts implements, for widgets that run the network in the page.
BROWSER_FUNCTIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax")


def function_name(f) -> str:
    """A network function's name, whether the network stores a string or an object with ``name``."""
    return f if isinstance(f, str) else str(getattr(f, "name", None) or type(f).__name__)


def layer_arrays(net, *, needs=("sizes", "weights", "biases", "activation", "output")):
    """``(sizes, weights, biases)`` of any network-like object, checked against each other.

    ``weights[l]`` must be (sizes[l+1], sizes[l]), the book's orientation, and ``biases[l]``
    (sizes[l+1],); ``biases`` is None when the object has none and ``needs`` does not ask for
    them. Every parameter must be finite. Raises ``TypeError`` naming missing attributes and
    ``ValueError`` naming mis-shaped or non-finite arrays.
    """
    missing = [a for a in needs if not hasattr(net, a)]
    if missing:
        raise TypeError(
            f"network must have {', '.join(needs)}; {type(net).__name__} lacks {', '.join(missing)}"
        )
    sizes = [int(n) for n in net.sizes]
    shapes = [(n_out, n_in) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    weights = [np.asarray(w) for w in net.weights]
    if [w.shape for w in weights] != shapes:
        raise ValueError(
            f"network weights must have shapes {shapes} for sizes {sizes}; "
            f"got {[w.shape for w in weights]}"
        )
    biases = getattr(net, "biases", None)
    if biases is not None:
        biases = [np.asarray(b).reshape(-1) for b in biases]
        if [b.shape for b in biases] != [(o,) for o, _ in shapes]:
            raise ValueError(
                f"network biases must have {[o for o, _ in shapes]} entries per layer "
                f"for sizes {sizes}; got {[b.size for b in biases]}"
            )
    for l, a in enumerate(weights + (biases or [])):
        # A sum is finite only if every entry is; cheaper than isfinite over 1M weights.
        if not np.isfinite(a.sum(dtype=np.float64)):
            kind = "weights" if l < len(weights) else "biases"
            raise ValueError(f"network {kind}[{l % len(weights)}] contain NaN or infinite values")
    return sizes, weights, biases


def page_function(net, where):
    """``(name, own)`` for ``net``'s ``where`` ("activation" or "output"): the built-in the page
    runs for it, and the name of the reader's own function when it computes no built-in (then
    ``name`` is None; else ``own`` is None). A reader's function that equals a built-in on a
    grid of z (``functions.CustomActivation.builtin``) runs in the page as that built-in."""
    f = getattr(net, f"{where}_function", None)
    if isinstance(f, functions.Activation) and f.custom:
        return f.builtin, None if f.builtin else f.name
    return function_name(getattr(net, where)), None


def network_functions(net):
    """``(hidden, output)``: the :class:`~nnwidgets.functions.Activation` objects that compute
    ``net``'s layers in Python as the page does: the built-in a name (or a reader's matching
    function) stands for; a reader's function that matches none, itself (the page cannot run
    it, and says so; Python can)."""
    pair = []
    for where in ("activation", "output"):
        name, own = page_function(net, where)
        if own is not None:
            pair.append(getattr(net, f"{where}_function"))
        else:
            pair.append(functions.get_activation(name, where=where))
    return tuple(pair)


def cannot_run_message(own):
    """The page's words for functions it cannot run: ``own`` lists "activation MySoftplus"."""
    names = " and ".join(own)
    return (
        f"this page cannot run your {names}: it runs only the built-in functions "
        f"({', '.join(BROWSER_FUNCTIONS)}), and yours computes none of them on a grid of z. "
        f"Training, predict and score still work in Python."
    )


def network_payload(net) -> dict:
    """A network as the page runs it: sizes, function names and binary float32 parameters.

    Raises ``ValueError`` when the page cannot run a function the network names. For the
    reader's own function that matches no built-in, the payload carries ``unsupported``, a
    message the page shows instead of running the network (``decodeNetwork`` throws it), and
    a UserWarning says the same in Python.
    """
    sizes, weights, biases = layer_arrays(net)
    (activation, own_hidden), (output, own_output) = (
        page_function(net, "activation"),
        page_function(net, "output"),
    )
    own = [f"{w} {n}" for w, n in (("activation", own_hidden), ("output", own_output)) if n]
    for where, name in (("activation", activation), ("output", output)):
        if name is not None and name not in BROWSER_FUNCTIONS:
            raise ValueError(
                f"{where} must be one of {BROWSER_FUNCTIONS} to run in the browser; got {name!r}"
            )
    extra = {}
    if own:
        extra["unsupported"] = message = cannot_run_message(own)
        warnings.warn(f"{message[0].upper()}{message[1:]}", UserWarning, stacklevel=2)
        activation, output = activation or own_hidden, output or own_output
    return {
        **extra,
        "sizes": sizes,
        "activation": activation,
        "output": output,
        # Copies: a snapshot, so training that goes on in place cannot change what was sent.
        "weights": [array_to_json(w.astype(np.float32)) for w in weights],
        "biases": [array_to_json(b.astype(np.float32)) for b in biases],
    }


def as_widget_network(net):
    """``net`` itself, or a book-style network seen as a :class:`~nnwidgets.Network`.

    The book's own class (``sizes``, ``weights``, ``biases`` as (n, 1) columns, sigmoid neurons,
    ``backprop(x, y)``) has no ``predict_proba`` or function names; the widgets take it through
    :func:`nnwidgets.book.as_network`, one view per book network that shares the reader's
    arrays (so training in the dashboard trains the reader's network, with the reader's own
    ``backprop``), and that notices the reader's own training by itself.
    """
    book_like = (
        all(hasattr(net, a) for a in ("sizes", "weights", "biases"))
        and not hasattr(net, "predict_proba")
        and book_activation(net) in (None, "sigmoid")
    )  # the book's neurons
    return as_network(net) if book_like else net


class NetworkWidget(anywidget.AnyWidget):
    """Base class of the widgets that show a network (canvas, model card, diagram).

    Subclasses implement :meth:`_network_state` (check a network, return the trait values that
    show it) and may override :meth:`_after_network_state` (e.g. re-predict). They list their
    own keyword arguments in ``_keywords``.
    """

    # Not Any: traitlets skips validators for None when None is allowed, and Any allows it.
    network = traitlets.Instance(object, allow_none=False)
    """The network shown (not synced: what the page needs of it travels in other traits).
    Assign another to switch; ``None`` is rejected. A book-style network (the reader's own
    class) is held as ``nnwidgets.book.as_network(net)``, a view sharing its arrays (the same
    one for every widget on ``net``); it watches the reader's arrays while widgets subscribe,
    so after the reader's own ``net.SGD(...)`` the widgets show the new weights within a
    fraction of a second, with no ``notify_changed()``."""

    #: Keyword arguments ``__init__`` accepts besides ``network`` (and ipywidgets' ``layout``).
    _keywords: tuple[str, ...] = ()

    def __init__(self, network=None, **kwargs):
        reject_unknown(kwargs, {"network", "layout", *self._keywords}, type(self).__name__)
        if network is None:
            from ..models import load_pretrained

            network = load_pretrained()
        self._lock = threading.RLock()  # one write of network state at a time
        self._unsubscribe = None
        self._pending = None
        super().__init__(**kwargs)
        self.network = network

    # -- for subclasses ------------------------------------------------------------------------
    def _network_state(self, net) -> dict:
        """Check ``net`` for this widget and return ``{trait: value}`` showing it.

        Raise if ``net`` is unusable.
        """
        raise NotImplementedError

    def _after_network_state(self) -> None:
        """Called (holding the lock, inside ``hold_sync``) after new network state is set."""

    # -- the network ---------------------------------------------------------------------------
    @traitlets.validate("network")
    def _validate_network(self, proposal):
        net = proposal["value"]
        if getattr(self, "_closed_once", False):  # a closed widget must not follow a network
            raise RuntimeError(
                f"this {type(self).__name__} was closed; make a new one to show the network"
            )
        if net is None:
            raise TraitValueError(
                f"{type(self).__name__}.network cannot be None: assign a network "
                f"(leave it out of {type(self).__name__}() for the shipped model)"
            )
        net = checked(as_widget_network, net)
        self._pending = checked(self._network_state, net)  # raises before anything changes
        return net

    @traitlets.observe("network")
    def _network_assigned(self, change):
        state, self._pending = self._pending, None
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        subscribe = getattr(change["new"], "subscribe", None)
        if callable(subscribe):
            self._unsubscribe = subscribe(self._network_notified)
        self._apply(state)

    def _network_notified(self, net):
        # Runs on the thread that changed the weights (often training): only mark us dirty.
        if net is self.network:
            _sync.request(self)

    def _send_network_state(self):
        """The writer thread's call: send the network's state as it is now."""
        net = self.network
        try:
            state = self._network_state(net)
        except (TypeError, ValueError) as exc:
            logger.error("%s: not showing the network's new weights: %s", type(self).__name__, exc)
            return
        if net is self.network:  # not reassigned meanwhile
            self._apply(state)

    def _apply(self, state):
        with self._lock, self.hold_sync():
            for name, value in state.items():
                self.set_trait(name, value)  # some are read-only to users (DecisionMap.task)
            self._after_network_state()

    def close(self):
        if getattr(self, "_unsubscribe", None) is not None:
            self._unsubscribe()
            self._unsubscribe = None
        _sync.cancel(self)
        self._closed_once = True
        super().close()
