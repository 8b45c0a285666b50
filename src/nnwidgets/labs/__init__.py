"""Lab helpers for the book's Sections 1 and 2: exercise checks, figures, plots, adapters.

- :mod:`.check`: ``check.sigmoid(sigmoid)``, ``check.backprop(backprop)``, ...: run an exercise on
  a small input and say precisely what is wrong;
- :mod:`.reference`: the book's per-example code the checks compare against (lab 3 uses its
  ``backprop`` before lab 4 derives it);
- :func:`as_network`: a reader's book-style network as an :class:`nnwidgets.Network` the widgets
  can show and the dashboard can train (it lives in :mod:`nnwidgets.book`; re-exported here);
- :mod:`.plots`: small SVG pictures for the notebooks;
- :mod:`.figures`: ``figures.record(name, value, says=...)`` prints a measured figure as a
  sentence and keeps it for the tests, which compare it with ``notebooks/figures.toml``.

NumPy only: nothing here imports a widget.
"""

from ..book import as_network
from . import check, figures, plots, reference
from ._report import CheckFailed

__all__ = ["CheckFailed", "as_network", "check", "figures", "plots", "reference"]
