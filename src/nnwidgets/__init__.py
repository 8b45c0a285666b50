"""nnwidgets: a feed-forward network from scratch in NumPy, and notebook widgets to explore it.

The network and the data loaders import only NumPy; the widgets (and anywidget with them) are
imported on first use, so ``from nnwidgets import Network`` stays light in scripts.
"""

from importlib import import_module

__version__ = "0.1.0"

# name -> module that defines it; resolved lazily by __getattr__ below.
_EXPORTS = {
    "Network": "nnwidgets.network",
    "load_pretrained": "nnwidgets.models",
    "History": "nnwidgets.training",
    "Callback": "nnwidgets.training",
    "LayerSpeed": "nnwidgets.layer_speed",
    "gradcheck": "nnwidgets.gradcheck",
    "load_mnist": "nnwidgets.datasets",
    "load_fashion_mnist": "nnwidgets.datasets",
    "load_bundled": "nnwidgets.datasets",
    "hold_out": "nnwidgets.datasets",
    "to_mnist": "nnwidgets.preprocess",
    "DigitCanvas": "nnwidgets.widgets.canvas",
    "ModelInfo": "nnwidgets.widgets.info",
    "TrainingDashboard": "nnwidgets.widgets.dashboard",
    "NetworkDiagram": "nnwidgets.widgets.diagram",
    "DecisionMap": "nnwidgets.widgets.decision_map",
    "BumpBuilder": "nnwidgets.widgets.bumps",
    "export_html": "nnwidgets.widgets.export",
    "export_esm": "nnwidgets.widgets.export_esm",
}

__all__ = ["__version__", *_EXPORTS]


def __getattr__(name):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'nnwidgets' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # cache: later lookups skip __getattr__
    return value


def __dir__():
    return sorted(__all__)
