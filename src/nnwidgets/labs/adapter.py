"""Moved to :mod:`nnwidgets.book` (the widgets use it too); kept so old imports still work."""

from ..book import BookNetwork, as_network

__all__ = ["as_network", "BookNetwork"]
