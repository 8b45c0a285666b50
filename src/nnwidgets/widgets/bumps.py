"""BumpBuilder: NNDL chapter 4's visual proof of universality, as a widget.

>>> from nnwidgets import BumpBuilder
>>> b = BumpBuilder()                        # NNDL's goal, 5 pairs of steep sigmoid neurons
>>> b                                        # drag a bump (or focus it and press the arrow keys)
>>> b.heights, b.deviation                   # the bump heights (sigma^-1 space), NNDL's score
>>> b.fit_heights()                          # the best heights: the median of sigma^-1 f per bump
>>> net = b.network()                        # the [1, 2N, 1] Network those bumps are
>>> b.show_network(trained_net)              # overlay any 1-input network and its w_j a_j

The page computes the network's output and the score itself while a bump moves (``js/bumps/``);
the heights come back here when a drag ends, and ``deviation`` is recomputed with NumPy
(:mod:`nnwidgets.bumps`). The maths is in that module; this one holds the traits.

Why not ``NetworkWidget``: that base shows a network given to it (loading the shipped model
when none is), while a BumpBuilder's state is its heights and the network is what it *makes*.
It keeps the base's conventions: unknown keywords rejected with the same message, everything
checked before any trait changes, and the overlaid network followed through its notifications
and sent by the one throttled writer (:mod:`._sync`).
"""

from __future__ import annotations

import logging

import anywidget
import numpy as np
import traitlets

from .. import bumps
from .._checks import reject_unknown
from . import _sync
from ._base import as_widget_network, network_payload
from ._wire import NumberList, TraitValueError, bundle

__all__ = ["BumpBuilder"]

logger = logging.getLogger("nnwidgets.bumps")

_ESM, _CSS = bundle("bumps")

#: Traits only Python writes; a page that sends them is ignored (and told the real value).
_PYTHON_ONLY = ("goal", "deviation", "n_pairs", "free_steps", "steepness", "_network")


class BumpBuilder(anywidget.AnyWidget):
    """Build a function from bumps of steep sigmoid neurons, as in NNDL chapter 4.

    Parameters
    ----------
    f : callable, array or None
        The goal on [0, 1], with values in [0, 1]: a callable (called with the sample points),
        an array of its values at ``x_k = k / n`` (k = 0..n-1), or None for NNDL's
        ``0.2 + 0.4x^2 + 0.3x sin(15x) + 0.05 cos(50x)``. Values of exactly 0 or 1 are taken
        as 0.001 and 0.999 (a sigmoid never reaches them).
    n_pairs : int
        The number of bumps N (1..1000): 2N hidden neurons.
    free_steps : bool, keyword-only
        Let the page move the steps between bumps (else they stay at k/N).
    heights : sequence of float, keyword-only
        The starting heights (default all 0: output 0.5 everywhere).
    steps : sequence of float, keyword-only
        The N + 1 step positions, 0 first and 1 last (only with ``free_steps=True``).
    space : {"logit", "output"}, keyword-only
        What the page draws: sigma^-1 f against the bumps (NNDL's design space), or f against
        the network's output sigma(sum_j w_j a_j).
    steepness : float, keyword-only
        The hidden neurons' weight w (NNDL's 1000).
    samples : int, keyword-only
        How many points ``x_k = k / samples`` the goal is sampled and scored at (NNDL: 100);
        with an array ``f``, its length.
    """

    _esm = _ESM
    _css = _CSS

    goal = traitlets.List(traitlets.Float(), read_only=True).tag(sync=True)
    """list of float: the goal f at ``x_k = k / len(goal)``, k = 0..len(goal)-1."""

    n_pairs = traitlets.Int(5, read_only=True).tag(sync=True)
    """int: the number of bumps N."""

    free_steps = traitlets.Bool(False, read_only=True).tag(sync=True)
    """bool: whether the steps may move (the page shows handles for them)."""

    steepness = traitlets.Float(1000.0, read_only=True).tag(sync=True)
    """float: the hidden neurons' weight w; a neuron steps at s = -b / w."""

    heights = NumberList().tag(sync=True)
    """list of float (N,): the bump heights h_k, the output weights (+h_k, -h_k) of pair k, in
    sigma^-1 space. Set by dragging in the page, or here; a malformed value from the page is
    logged and ignored, one from Python raises ValueError."""

    steps = NumberList().tag(sync=True)
    """list of float (N + 1,): the step positions, 0 = s_0 < s_1 < ... < s_N = 1; bump k spans
    [s_k, s_{k+1}). Fixed at k/N unless ``free_steps``."""

    space = traitlets.Unicode("logit").tag(sync=True)
    """str: "logit" (draw sigma^-1 f and the weighted output) or "output" (f and the output)."""

    deviation = traitlets.Float(0.0, read_only=True).tag(sync=True)
    """float: NNDL's average deviation, mean over x_k of |sigma^-1 f(x_k) - h(x_k)|."""

    # The overlaid network (show_network), as the page runs it: {sizes, activation, output,
    # weights, biases, label}, parameters as binary float32; None for no overlay.
    _network = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)

    _keywords = ("free_steps", "heights", "steps", "space", "steepness", "samples", "layout")

    def __init__(self, f=None, n_pairs=5, **kwargs):
        reject_unknown(kwargs, {"f", "n_pairs", *self._keywords}, type(self).__name__)
        free_steps = kwargs.pop("free_steps", False)
        heights = kwargs.pop("heights", None)
        steps = kwargs.pop("steps", None)
        steepness = kwargs.pop("steepness", 1000.0)
        samples = kwargs.pop("samples", 100)
        # Everything is checked before the widget exists (no half-made widget on bad input).
        n = bumps._positive_int(n_pairs, "n_pairs", 1, 1000)
        if isinstance(free_steps, np.bool_):
            free_steps = bool(free_steps)
        if not isinstance(free_steps, bool):
            raise TypeError(f"free_steps must be True or False; got {free_steps!r}")
        steepness = bumps._check_steepness(steepness)
        if not callable(f) and f is not None and samples != 100:
            raise ValueError(
                "samples applies to a callable f; an array f is sampled at its "
                f"own {np.size(f)} points, so leave samples out (got {samples!r})"
            )
        goal = bumps.sample_goal(f, samples)
        h = np.zeros(n) if heights is None else bumps.check_heights(heights, n)
        if steps is not None and not free_steps:
            raise ValueError("steps are fixed at k/n_pairs; pass free_steps=True to place them")
        s = bumps.uniform_steps(n) if steps is None else bumps.check_steps(steps, n)
        self._goal_logit = bumps.logit(goal)
        self._unsubscribe = None
        self._overlaid = None
        super().__init__(**kwargs)
        with self.hold_sync():
            self.set_trait("goal", goal.tolist())
            self.set_trait("n_pairs", n)
            self.set_trait("free_steps", free_steps)
            self.set_trait("steepness", float(steepness))
            self.steps = s.tolist()
            self.heights = h.tolist()
            self._score()

    # -- heights and steps ---------------------------------------------------------------------
    @traitlets.validate("heights")
    def _validate_heights(self, proposal):
        try:
            return bumps.check_heights(proposal["value"], self.n_pairs).tolist()
        except (TypeError, ValueError) as exc:
            raise TraitValueError(f"BumpBuilder.{exc}") from None

    @traitlets.validate("steps")
    def _validate_steps(self, proposal):
        try:
            s = bumps.check_steps(proposal["value"], self.n_pairs)
        except (TypeError, ValueError) as exc:
            raise TraitValueError(f"BumpBuilder.{exc}") from None
        if not self.free_steps and not np.array_equal(s, bumps.uniform_steps(self.n_pairs)):
            raise TraitValueError(
                "BumpBuilder.steps are fixed at k/n_pairs; create the "
                "widget with free_steps=True to move them"
            )
        return s.tolist()

    @traitlets.validate("space")
    def _validate_space(self, proposal):
        if proposal["value"] not in ("logit", "output"):
            raise TraitValueError(
                f"BumpBuilder.space must be 'logit' or 'output'; got {proposal['value']!r}"
            )
        return proposal["value"]

    @traitlets.observe("heights", "steps")
    def _score(self, change=None):
        if len(self.heights) == self.n_pairs and len(self.steps) == self.n_pairs + 1:
            self.set_trait("deviation", bumps.deviation(self._goal_logit, self.heights, self.steps))

    @property
    def success(self) -> bool:
        """Whether NNDL's challenge is met: an average deviation of 0.40 or less (NNDL's page
        says "Success!" below 0.405; it asks for it with 5 pairs)."""
        return self.deviation < bumps.NNDL_CHALLENGE

    def set_state(self, sync_data):
        """The page's changes: a malformed one is logged and ignored, and the page told the
        value kept (a page must not break the widget, nor the kernel's cell)."""
        sync_data = dict(sync_data)
        rejected = []
        for name in list(sync_data):
            if name in _PYTHON_ONLY:
                reason = "only Python sets it"
            else:
                reason = self._page_value_problem(name, sync_data[name])
            if reason is not None:
                logger.error(
                    "BumpBuilder: ignored %s from the page (%s); keeping %r",
                    name,
                    reason,
                    getattr(self, name),
                )
                del sync_data[name]
                rejected.append(name)
        super().set_state(sync_data)
        if rejected:
            self.send_state(rejected)

    def _page_value_problem(self, name, value):
        checks = {
            "heights": self._validate_heights,
            "steps": self._validate_steps,
            "space": self._validate_space,
        }
        if name == "space":
            try:
                checks[name]({"value": value})
            except traitlets.TraitError as exc:
                return str(exc)
        elif name in checks:
            if not isinstance(value, (list, tuple)) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
            ):
                return f"expected a list of numbers; got {value!r}"
            try:
                checks[name]({"value": value})
            except traitlets.TraitError as exc:
                return str(exc)
        return None

    # -- what the bumps are ----------------------------------------------------------------------
    def fit_heights(self):
        """Set the heights with the least deviation (the median of sigma^-1 f in each bump);
        returns ``self``."""
        self.heights = bumps.best_heights(self._goal_logit, self.steps)
        return self

    def network(self):
        """The [1, 2N, 1] :class:`~nnwidgets.Network` the bumps are: hidden weights
        ``steepness``, biases ``-steepness * s``, output weights ``+h_k, -h_k``, output bias 0,
        sigmoid neurons, float64. ``net.forward(x)`` is the output the page draws."""
        return bumps.bump_network(self.heights, self.steps, steepness=self.steepness)

    # -- overlaying another network ----------------------------------------------------------------
    def show_network(self, net):
        """Overlay ``net``'s output (any network with 1 input and 1 output), and its last hidden
        layer's contributions ``w_j a_j`` in sigma^-1 space; ``None`` removes the overlay.

        The overlay follows the network: training it (or ``set_parameters``) redraws it. Returns
        ``self``.
        """
        if getattr(self, "_closed_once", False):  # a closed widget must not follow a network
            raise RuntimeError("this BumpBuilder was closed; make a new one to overlay a network")
        if net is None:
            self._stop_following()
            self._network = None
            return self
        net = as_widget_network(net)
        payload = self._overlay_payload(net)  # raises before anything changes
        self._stop_following()
        subscribe = getattr(net, "subscribe", None)
        if callable(subscribe):
            self._unsubscribe = subscribe(self._network_notified)
        self._overlaid = net
        self._network = payload
        return self

    @staticmethod
    def _overlay_payload(net):
        payload = network_payload(net)
        sizes = payload["sizes"]
        if sizes[0] != 1 or sizes[-1] != 1:
            raise ValueError(
                f"show_network needs a network with 1 input and 1 output (a "
                f"function on [0, 1]); got sizes {sizes}"
            )
        if payload["output"] == "softmax":
            raise ValueError(
                "show_network needs an output other than softmax (over one neuron it is always 1)"
            )
        payload["label"] = "[" + ", ".join(map(str, sizes)) + f"] {payload['activation']}"
        return payload

    def _network_notified(self, net):
        if net is self._overlaid:
            _sync.request(self)  # the writer calls _send_network_state, at most 10 times a second

    def _send_network_state(self):
        net = self._overlaid
        if net is None:
            return
        try:
            payload = self._overlay_payload(net)
        except (TypeError, ValueError) as exc:
            logger.error("BumpBuilder: not showing the network's new weights: %s", exc)
            return
        if net is self._overlaid:
            self._network = payload

    def _stop_following(self):
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        self._overlaid = None
        _sync.cancel(self)

    def close(self):
        if getattr(self, "_unsubscribe", None) is not None:
            self._stop_following()
        self._closed_once = True
        super().close()

    def __repr__(self) -> str:
        return (
            f"BumpBuilder(n_pairs={self.n_pairs}, deviation={self.deviation:.3f}, "
            f"space={self.space!r})"
        )
