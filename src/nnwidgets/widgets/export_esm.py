"""export_esm: one nnwidgets widget as a self-contained ES module, for textbook pages.

>>> from nnwidgets import DigitCanvas, export_esm
>>> export_esm(DigitCanvas(), "digit.mjs")

A Jupyter Book 2 / MyST page then shows it with no JSON body::

    :::{anywidget} ./digit.mjs
    :::

The module holds the widget's bundle, its state (the network's parameters as float16,
decoded to float32 in the page), its stylesheet, and the host ``export_html``'s pages use too
(``js/export/``, built into ``static/export.js``). MyST's page model implements only ``get``,
``set`` and ``on`` (``save_changes``, ``off`` and ``send`` throw) and carries JSON only, so the
module does not hand that model to the widget: it gives the widget a page model (``get``,
``set``, ``on``, ``off``, ``save_changes`` as a no-op, no ``send``: there is no kernel to tell)
over the embedded state, one per host model, and forwards nothing back.

A TrainingDashboard is refused: a textbook page has no kernel to train with, and its finished
curves and panels belong in ``export_html``'s offline page, which shows them with the controls
disabled.
A key of the embedded state that the host's model also holds (the directive's JSON body, e.g.
``{"show_steps": true}``) starts from the host's value, except keys that carry binary arrays.

**Widgets that follow each other across modules.** Each module publishes its page model on a
page-wide channel named by the widget's ``model_id``, and gives its widget a
``widget_manager`` whose ``get_model(id)`` returns that channel. So a reference trait such as
``NetworkDiagram``'s ``_source`` (``"IPY_MODEL_<canvas id>"``, set by ``diagram.link(canvas)``)
reaches the canvas's module mounted by another directive on the same page: export both from
the same session, after linking::

    diagram.link(canvas)
    export_esm(canvas, "digit.mjs")
    export_esm(diagram, "diagram.mjs")

A channel exists as soon as either side asks for it and forwards the events of whichever
mount of that widget is current, so the directives may mount in any order, and the theme may
unmount and re-mount either one: the follower keeps the last input it saw meanwhile and
follows the new mount when it appears. The channels live on ``globalThis`` under
``Symbol.for("nnwidgets.export_esm.channels.v1")``.

Any anywidget works (the module is generic over ``get_state()``); what is widget-specific is
only which arrays may travel as float16: the float32 arrays inside the traits named by
``half=`` (by default ``_network``, the parameters every nnwidgets widget sends). Every other
binary buffer (pixels, probabilities) is stored exactly.
"""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

from ._export_common import (
    DEFAULT_HALF,
    Blobs,
    check_half,
    check_path,
    check_widget,
    host_script,
    html_json,
    pack_state,
    text_of,
    writable,
    write_text,
)

__all__ = ["export_esm"]

# esbuild ends an ESM bundle with `export { name as default };`. Such a bundle is inlined into
# a function (its top-level names stay its own) that returns the default export instead.
_ESBUILD_DEFAULT = re.compile(r"\bexport\s*\{\s*([A-Za-z_$][\w$]*)\s+as\s+default\s*\}\s*;?\s*\Z")
_OTHER_MODULE_SYNTAX = re.compile(r"^\s*(import|export)\b", re.MULTILINE)


def _module_code(esm: str) -> str:
    """JavaScript that defines ``widget`` as the bundle's default export (an object with render)."""
    m = _ESBUILD_DEFAULT.search(esm)
    body = esm[: m.start()] if m else ""
    if m and not _OTHER_MODULE_SYNTAX.search(body):
        return f"const widget = (() => {{\n{body}\nreturn {m.group(1)};\n}})();\n"
    # Any other module (a hand-written _esm string): import it from a data: URL instead.
    b64 = base64.b64encode(esm.encode()).decode("ascii")
    return (
        f'const widgetModule = await import("data:text/javascript;base64,{b64}");\n'
        "let widget = widgetModule.default ?? widgetModule;\n"
        'if (typeof widget === "function") widget = await widget();\n'
    )


def _is_dashboard(widget) -> bool:
    # By name, without importing the dashboard (a widget can only be one if it was imported).
    return any(
        c.__name__ == "TrainingDashboard" and c.__module__.startswith("nnwidgets.")
        for c in type(widget).__mro__
    )


def export_esm(widget, path, *, css: str = "inline", half=DEFAULT_HALF) -> Path:
    """Write ``widget`` as one self-contained ES module for MyST / Jupyter Book 2 pages.

    Parameters
    ----------
    widget : AnyWidget
        The widget, with its current state (network, drawing, ``show_steps``...).
    path : str or Path
        Where to write the module (``.mjs`` or ``.js``). Written atomically, through a
        symbolic link; with ``css="file"``, a read-only stylesheet is refused before the
        module is written.
    css : {"inline", "file"}, keyword-only
        ``"inline"`` (default): the stylesheet travels inside the module, which adds it to the
        widget's element, so nothing else needs copying. ``"file"``: it is written beside the
        module as ``<name>.css`` for the directive's ``:css:`` option (which also makes MyST
        render the widget in a shadow root) and left out of the module.
    half : iterable of str, keyword-only
        Traits whose float32 arrays are stored as float16 (half the size, about three
        significant digits: plenty for a network's weights, not for pixels). ``()`` keeps
        everything exact.

    Returns
    -------
    Path
        The module's path. With ``css="file"``, the stylesheet is ``path.with_suffix(".css")``.
    """
    import anywidget

    check_widget(widget, function="export_esm")
    if _is_dashboard(widget):
        raise ValueError(
            "export_esm cannot export a TrainingDashboard: a textbook page has no kernel to train "
            "with, so its controls would do nothing. Use export_html([dashboard], 'page.html'), "
            "which shows the finished curves and panels offline with the controls disabled"
        )
    path = check_path(path, suffix_hint=".mjs")
    if css not in ("inline", "file"):
        raise ValueError(f"css must be 'inline' or 'file'; got {css!r}")
    half = check_half(half)

    state = widget.get_state()
    esm = text_of(state.pop("_esm", None))
    if not esm.strip():
        raise ValueError(f"{type(widget).__name__} has no front-end module (_esm is empty)")
    stylesheet = text_of(state.pop("_css", None))
    # ipywidgets' own bookkeeping (model names, layout reference) means nothing to a page.
    for key in anywidget.AnyWidget.class_trait_names(sync=True):
        state.pop(key, None)
    blobs = Blobs()
    state, refs = pack_state(state, half, blobs)

    css_path = path.with_suffix(".css")
    if css == "file":
        # By the suffix's letters, not the path's: on macOS and Windows "w.CSS" is "w.css".
        if path.suffix.lower() == ".css":
            raise ValueError(
                f"path must not end in .css when css='file' (the stylesheet goes there); got {path}"
            )
        writable(css_path)  # refused before the module is written, so neither file changes
    spec = ",\n  ".join(
        [
            "widget",
            f"modelId: {json.dumps(widget.model_id)}",
            f"css: {html_json(stylesheet if css == 'inline' else '')}",
            # JSON text, parsed per host model, so each mount gets its own copy
            f"state: {html_json(html_json(state))}",
            f"buffers: {html_json(refs)}",
            f"blobs: {html_json(blobs.specs)}",
        ]
    )
    code = "".join(
        [
            (
                f"// {type(widget).__name__}, exported by nnwidgets.export_esm: "
                "the widget's bundle, its state\n// and the export host (js/export/), "
                "for MyST's {anywidget} directive or any AFM host.\n"
            ),
            _module_code(esm),
            host_script(),
            f"\nexport default nnwExport.moduleHost({{\n  {spec},\n}});\n",
        ]
    )
    write_text(path, code)
    if css == "file":
        write_text(css_path, stylesheet)
    return path
