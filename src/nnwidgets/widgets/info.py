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
from ._base import Array, array_serialization, bundle, function_name, layer_arrays

__all__ = ["ModelInfo", "describe_network"]

_ESM, _CSS = bundle("info")


def describe_network(net) -> dict:
    """The architecture of ``net`` as the widget shows it (plain JSON types).

    ``net`` needs ``sizes`` (layer widths, input first), ``activation``, ``output``, ``cost`` (names
    or objects with ``name``) and ``weights`` (one (n_out, n_in) array per layer); ``biases`` when
    present are counted, otherwise one bias per non-input unit is assumed.
    """
    sizes, weights, biases = layer_arrays(net, needs=("sizes", "activation", "output", "cost", "weights"))
    n_biases = sum(b.size for b in biases) if biases is not None else sum(sizes[1:])
    return {
        "sizes": sizes,
        "activation": function_name(net.activation),
        "output": function_name(net.output),
        "cost": function_name(net.cost),
        "n_params": int(sum(w.size for w in weights) + n_biases),
    }


class ModelInfo(anywidget.AnyWidget):
    """A card with the nnwidgets version and a network's layer sizes, functions and parameter count.

    Parameters
    ----------
    network : object, optional
        The network to describe; by default ``nnwidgets.load_pretrained()``. Assign
        ``widget.network = net`` to show another network.
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

    def __init__(self, network=None, *, title: str = "nnwidgets", **kwargs):
        unknown = set(kwargs) - set(self.class_trait_names(sync=True)) - {"layout"}
        if unknown:
            raise TypeError(f"Unexpected keyword argument: {sorted(unknown)[0]!r}. Check the spelling.")
        super().__init__(title=title, **kwargs)
        self._network = None
        if network is None:
            from nnwidgets import load_pretrained

            network = load_pretrained()
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

    def __repr__(self) -> str:
        arch = self.architecture
        shape = " -> ".join(map(str, arch["sizes"])) if arch else "no network"
        return f"ModelInfo(nnwidgets {self.version}: {shape})"
