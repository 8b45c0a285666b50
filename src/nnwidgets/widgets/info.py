"""ModelInfo: the installed nnwidgets version and a network's architecture, as a small card.

>>> from nnwidgets import ModelInfo
>>> ModelInfo()                 # the pretrained digit network
>>> ModelInfo(network=net)      # any network with sizes, activation, output, cost and weights

The card follows the network: training it (``net.fit``), ``set_parameters`` or ``load`` update
the weight statistics through the network's notifications (see :mod:`._base`).
"""

from __future__ import annotations

import numpy as np
import traitlets

from .. import __version__
from ._base import NetworkWidget, function_name, layer_arrays
from ._wire import Array, array_serialization, bundle

__all__ = ["ModelInfo", "describe_network"]

_ESM, _CSS = bundle("info")


def describe_network(net) -> dict:
    """The architecture of ``net`` as the widget shows it (plain JSON types).

    ``net`` needs ``sizes`` (layer widths, input first), ``activation``, ``output``, ``cost`` (names
    or objects with ``name``) and ``weights`` (one (n_out, n_in) array per layer); ``biases`` when
    present are counted, otherwise one bias per non-input unit is assumed.
    """
    sizes, weights, biases = layer_arrays(
        net, needs=("sizes", "activation", "output", "cost", "weights")
    )
    n_biases = sum(b.size for b in biases) if biases is not None else sum(sizes[1:])
    return {
        "sizes": sizes,
        "activation": function_name(net.activation),
        "output": function_name(net.output),
        "cost": function_name(net.cost),
        "n_params": int(sum(w.size for w in weights) + n_biases),
    }


class ModelInfo(NetworkWidget):
    """A card with the nnwidgets version and a network's layer sizes, functions and parameter count.

    Parameters
    ----------
    network : object, optional
        The network to describe; by default ``nnwidgets.load_pretrained()``. Assign
        ``widget.network = net`` to show another network; ``None`` is rejected.
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

    _keywords = ("title",)

    def __init__(self, network=None, *, title: str = "nnwidgets", **kwargs):
        super().__init__(network, title=title, **kwargs)

    def _network_state(self, net) -> dict:
        arch = describe_network(net)
        rms = [
            float(np.sqrt(np.mean(np.square(np.asarray(w, dtype=np.float64))))) for w in net.weights
        ]
        return {"architecture": arch, "weight_rms": np.array(rms, dtype=np.float32)}

    def __repr__(self) -> str:
        arch = self.architecture
        shape = " -> ".join(map(str, arch["sizes"])) if arch else "no network"
        return f"ModelInfo(nnwidgets {self.version}: {shape})"
