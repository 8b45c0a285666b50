"""ModelInfo: the installed nnwidgets version and a network's architecture, as a small card.

>>> from nnwidgets import ModelInfo
>>> ModelInfo()                 # the pretrained digit network
>>> ModelInfo(network=net)      # any network with sizes, activation, output, cost and weights
"""

from __future__ import annotations

import anywidget
import numpy as np
import traitlets

from .. import __version__
from ._base import Array, array_serialization, bundle

__all__ = ["ModelInfo", "describe_network"]

_ESM, _CSS = bundle("info")


def _name(x) -> str:
    """A function's name whether the network stores a string or an object with ``name``."""
    return x if isinstance(x, str) else str(getattr(x, "name", None) or type(x).__name__)


def describe_network(net) -> dict:
    """The architecture of ``net`` as the widget shows it (plain JSON types).

    ``net`` needs ``sizes`` (layer widths, input first), ``activation``, ``output``, ``cost`` (names
    or objects with ``name``) and ``weights`` (one (n_out, n_in) array per layer); ``biases`` when
    present are counted, otherwise one bias per non-input unit is assumed.
    """
    missing = [a for a in ("sizes", "activation", "output", "cost", "weights") if not hasattr(net, a)]
    if missing:
        raise TypeError(
            f"network must have sizes, activation, output, cost and weights; "
            f"{type(net).__name__} lacks {', '.join(missing)}"
        )
    sizes = [int(n) for n in net.sizes]
    weights = [np.asarray(w) for w in net.weights]
    expected = [(n_out, n_in) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    got = [w.shape for w in weights]
    if got != expected:
        raise ValueError(f"network weights must have shapes {expected} for sizes {sizes}, got {got}")
    biases = getattr(net, "biases", None)
    n_biases = sum(np.size(b) for b in biases) if biases is not None else sum(sizes[1:])
    return {
        "sizes": sizes,
        "activation": _name(net.activation),
        "output": _name(net.output),
        "cost": _name(net.cost),
        "n_params": int(sum(w.size for w in weights) + n_biases),
    }


class ModelInfo(anywidget.AnyWidget):
    """A card with the nnwidgets version and a network's layer sizes, functions and parameter count.

    Parameters
    ----------
    network : object, optional
        The network to describe; by default ``nnwidgets.load_pretrained()``. If that cannot be
        loaded the card says why and still shows the version. Assign ``widget.network = net`` to
        show another network.
    title : str, keyword-only
        The heading of the card.
    """

    _esm = _ESM
    _css = _CSS

    version = traitlets.Unicode(__version__).tag(sync=True)
    """str: the installed nnwidgets version."""

    title = traitlets.Unicode("nnwidgets").tag(sync=True)
    """str: the heading of the card."""

    architecture = traitlets.Dict(allow_none=True, default_value=None).tag(sync=True)
    """dict or None: ``describe_network(network)``: sizes, activation, output, cost, n_params."""

    # One number per weight matrix, so it goes as a binary array: small, but it exercises the
    # same wire format (and the same decoder) the big widgets send their weights in.
    weight_rms = Array(dtype="float32", shape=(None,)).tag(sync=True, **array_serialization)
    """float32 array (n_layers - 1,) or None: root-mean-square weight of each weight matrix."""

    error = traitlets.Unicode("").tag(sync=True)
    """str: why no network is shown, or empty."""

    def __init__(self, network=None, *, title: str = "nnwidgets", **kwargs):
        unknown = set(kwargs) - set(self.class_trait_names(sync=True)) - {"layout"}
        if unknown:
            raise TypeError(f"Unexpected keyword argument: {sorted(unknown)[0]!r}. Check the spelling.")
        super().__init__(title=title, **kwargs)
        self._network = None
        if network is None:
            try:
                from nnwidgets import load_pretrained

                network = load_pretrained()
            except Exception as e:  # the card must still render, e.g. before a model is shipped
                self.error = f"no pretrained network: {type(e).__name__}: {e}"
                return
        self.network = network

    @property
    def network(self):
        """The network described; assign another to update the card."""
        return self._network

    @network.setter
    def network(self, net) -> None:
        arch = describe_network(net)  # validate before changing anything
        rms = [float(np.sqrt(np.mean(np.square(np.asarray(w, dtype=np.float64))))) for w in net.weights]
        self._network = net
        with self.hold_sync():
            self.architecture = arch
            self.weight_rms = np.array(rms, dtype=np.float32)
            self.error = ""

    def __repr__(self) -> str:
        arch = self.architecture
        shape = " -> ".join(map(str, arch["sizes"])) if arch else "no network"
        return f"ModelInfo(nnwidgets {self.version}: {shape})"
