"""The notebook widgets: one module per widget, sharing ``_base`` (bundle paths, array wire format).

Import widgets from the package (``from nnwidgets import ModelInfo``); this module stays empty
so that importing one widget does not import the others.
"""
