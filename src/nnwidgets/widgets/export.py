"""export_html: nnwidgets widgets as one self-contained HTML page that works without a kernel.

>>> from nnwidgets import DigitCanvas, export_html
>>> export_html([DigitCanvas()], "draw.html")      # open it from disk, offline

The page inlines each widget's ES module (base64) and stylesheet, its synced state, and
its binary buffers, each distinct buffer once: a network shown by a DigitCanvas and a linked
NetworkDiagram is stored once, its float32 parameters as float16 (``half=``), so the shipped
model costs 3.4 MB however many widgets show it. The page's runtime is ``js/export/``
(built into ``static/export.js``): the anywidget model interface over that saved state (``get``,
``set``, ``on``, ``off``, ``save_changes`` as a no-op, and ``widget_manager.get_model`` for one
widget referring to another, such as a NetworkDiagram linked to a DigitCanvas); it has no
``send``, since no kernel would receive it. Everything a widget computes in the page keeps
working (the DigitCanvas runs its network in the page, and a linked diagram follows its pen);
nothing goes back to Python, because there is none.

The other static route, saving the notebook with widget state or ``ipywidgets.embed`` (use
``drop_defaults=False``, or ``_esm`` is dropped), loads the anywidget runtime from a CDN, so
that page needs the internet; this one does not.
"""

from __future__ import annotations

import base64
import html
import re
import warnings
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
    write_text,
)

__all__ = ["export_html"]

# The empty icon: without it a browser asks the server for /favicon.ico, and the 404 is an
# error in the console of every page served over HTTP.
_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>
body {{ margin: 24px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }}
.nnw-export {{ margin-bottom: 24px; }}
</style>
{styles}
</head>
<body>
{heading}{elements}
<script type="application/json" id="nnw-data">{data}</script>
<script type="module">
{host}
await nnwExport.startPage();
</script>
</body>
</html>
"""


def _style_text(css: str) -> str:
    # "</style" would end the element early; a CSS escape of the slash keeps its meaning.
    # Other characters than ASCII become CSS escapes, as the title becomes character
    # references: the page is then ASCII, and reads the same whatever charset a server claims.
    css = css.replace("</", "<\\/")
    return re.sub(r"[^\x00-\x7f]", lambda m: f"\\{ord(m.group()):x} ", css)


def _html_text(text: str) -> str:
    """``text`` escaped for HTML, with every character beyond ASCII as a character reference."""
    return html.escape(text).encode("ascii", "xmlcharrefreplace").decode("ascii")


def _check_title(title) -> str:
    if title is None:
        return "nnwidgets"
    if not isinstance(title, str):
        raise TypeError(
            f"title must be a str (or None for the default); got {type(title).__name__}"
        )
    bad = re.search(r"[\ud800-\udfff]", title)
    if bad:  # half of a pair, e.g. from a file name read with errors="surrogateescape"
        raise ValueError(
            f"title must be text a page can hold; got {title!r}, whose character "
            f"U+{ord(bad.group()):04X} at position {bad.start()} is half of a UTF-16 pair"
        )
    return title


_REFERENCE = re.compile(r"^IPY_MODEL_([0-9a-f]+)$")


def _references(value):
    """Every widget id that ``value`` (a widget's JSON state) refers to as "IPY_MODEL_<id>"."""
    if isinstance(value, str):
        m = _REFERENCE.match(value)
        return [m.group(1)] if m else []
    if isinstance(value, dict):
        return [r for v in value.values() for r in _references(v)]
    if isinstance(value, (list, tuple)):
        return [r for v in value for r in _references(v)]
    return []


def _warn_missing_references(widgets, entries) -> None:
    from ipywidgets import DOMWidget

    exported = {w.model_id for w in widgets}
    inherited = set(DOMWidget.class_trait_names())  # `layout` refers to a Layout no page needs
    for w, entry in zip(widgets, entries):
        own = {k: v for k, v in entry["state"].items() if k not in inherited}
        for ref in _references(own):
            if ref not in exported:
                warnings.warn(
                    f"{type(w).__name__} refers to widget {ref}, which is not in this export; the "
                    f"link will not work in the page. Export both widgets in one export_html call.",
                    stacklevel=3,
                )


def _widget_list(widgets) -> list:
    import anywidget

    if isinstance(widgets, anywidget.AnyWidget):
        return [widgets]
    if widgets is None or isinstance(widgets, (str, bytes)) or not hasattr(widgets, "__iter__"):
        raise TypeError(
            f"widgets must be an anywidget widget or a list of them; got {type(widgets).__name__}"
        )
    widgets = list(widgets)
    if not widgets:
        raise ValueError("widgets must hold at least one widget; got none")
    for i, w in enumerate(widgets):
        check_widget(w, function="export_html", parameter=f"widgets[{i}]")
    return widgets


def export_html(widgets, path, *, title: str | None = "nnwidgets", half=DEFAULT_HALF) -> Path:
    """Write ``widgets`` (one anywidget or a list of them) as a self-contained HTML page.

    Parameters
    ----------
    widgets : AnyWidget or sequence of AnyWidget
        The widgets, in page order, with their current state (weights, pixels, ...).
    path : str or Path
        Where to write the page (``~`` is expanded). Written atomically (a temporary file
        renamed into place), so an interrupted export never leaves half a page; an existing
        file keeps its permissions, and a read-only one is refused. A symbolic link is
        written through (its target changes, the link stays).
    title : str or None, keyword-only
        The page's title and heading; ``""`` for no heading, ``None`` for the default. Any
        text: it is escaped, and characters beyond ASCII are written as character references.
    half : iterable of str, keyword-only
        Traits whose float32 arrays are stored as float16 (by default ``_network``, a network's
        parameters: half the size, about three significant digits). ``()`` keeps everything
        exact.

    Returns
    -------
    Path
        The path written.
    """
    widgets = _widget_list(widgets)
    path = check_path(path, suffix_hint=".html")
    title = _check_title(title)
    half = check_half(half)

    modules: list[str] = []
    styles: list[str] = []
    blobs = Blobs()
    entries = []
    for w in widgets:
        state = w.get_state()
        esm = base64.b64encode(text_of(state.pop("_esm", None)).encode()).decode("ascii")
        css = text_of(state.pop("_css", None))
        if esm not in modules:
            modules.append(esm)
        if css and css not in styles:
            styles.append(css)
        state, refs = pack_state(state, half, blobs)
        entries.append(
            {
                "model_id": w.model_id,  # what "IPY_MODEL_<id>" in other widgets' state names
                "module": modules.index(esm),
                "state": state,
                "buffers": refs,
            }
        )

    _warn_missing_references(widgets, entries)

    page = _PAGE.format(
        title=_html_text(title),
        styles="\n".join(f"<style>\n{_style_text(c)}\n</style>" for c in styles),
        heading=f"<h1>{_html_text(title)}</h1>\n" if title else "",
        elements="\n".join(
            f'<div class="nnw-export" data-nnw-widget="{i}"></div>' for i in range(len(entries))
        ),
        data=html_json({"modules": modules, "blobs": blobs.specs, "widgets": entries}),
        host=host_script(),
    )
    write_text(path, page)
    return path
