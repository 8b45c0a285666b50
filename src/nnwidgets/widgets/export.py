"""export_html: nnwidgets widgets as one self-contained HTML page that works without a kernel.

>>> from nnwidgets import DigitCanvas, export_html
>>> export_html([DigitCanvas()], "draw.html")      # open it from disk, offline

The page inlines each widget's ES module (base64) and stylesheet, and its synced state with
every binary buffer (the network's weights) base64-encoded, plus a host of a few lines that
implements the anywidget model interface (``get``, ``set``, ``on``, ``off``, ``save_changes``
as a no-op, and ``widget_manager.get_model`` for one widget referring to another, such as a
NetworkDiagram linked to a DigitCanvas) over that saved state; it has no ``send``, since no
kernel would receive it. Everything a widget computes in
the page keeps working (the DigitCanvas runs its network in the page, and a linked diagram
follows its pen); nothing goes back to Python, because there is none.

The other static route, saving the notebook with widget state or ``ipywidgets.embed`` (use
``drop_defaults=False``, or ``_esm`` is dropped), loads the anywidget runtime from a CDN, so
that page needs the internet; this one does not.
"""

from __future__ import annotations

import base64
import html
import json
import re
import warnings
from pathlib import Path

from .._atomic import atomic_write

__all__ = ["export_html"]

# The model interface anywidget gives a module, over a saved state; then each widget rendered
# into its own element. Kept short on purpose: it is the whole "runtime" of the page.
_HOST = r"""
const data = JSON.parse(document.getElementById("nnw-data").textContent);
const bytes = (b64) => Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
function makeModel(state) {
  const handlers = new Map();
  const emit = (name, ...args) => [...(handlers.get(name) || [])].forEach((f) => f(...args));
  const model = {
    get: (key) => state[key],
    set: (key, value) => { state[key] = value; emit("change:" + key, model, value); emit("change", model); },
    on: (name, f) => handlers.set(name, [...(handlers.get(name) || []), f]),
    off: (name, f) => name == null ? handlers.clear() : f == null ? handlers.delete(name)
      : handlers.set(name, (handlers.get(name) || []).filter((g) => g !== f)),
    save_changes: () => {},   // no kernel to save to
    // No send: no kernel takes custom messages, and a widget that feature-detects it (the
    // dashboard) then knows its buttons can do nothing here, even before any training.
  };
  return model;
}
// A widget may refer to another ("IPY_MODEL_<id>", e.g. a diagram linked to a canvas): the
// page's widget manager resolves the id to that widget's model here. So every model exists
// before any view renders, whatever the order of the widgets on the page.
const models = new Map();
const widget_manager = {
  get_model: async (id) => {
    if (!models.has(id)) throw new Error(`no widget with id ${id} on this page (export it in the same export_html call)`);
    return models.get(id);
  },
};
const entries = data.widgets.map((w, i) => {
  const el = document.querySelector(`[data-nnw-widget="${i}"]`);
  try {
    w.buffer_paths.forEach((path, k) => {
      let o = w.state;
      for (const key of path.slice(0, -1)) o = o[key];
      const u = bytes(w.buffers[k]);
      o[path[path.length - 1]] = new DataView(u.buffer, u.byteOffset, u.byteLength);
    });
  } catch (e) {
    return { w, el, error: e };
  }
  const model = makeModel(w.state);
  model.widget_manager = widget_manager;
  if (w.model_id) models.set(w.model_id, model);
  return { w, model, el };
});
const views = (window.nnwidgetsViews = []);  // {el, model, cleanup}: for scripts and tests
for (const { w, model, el, error } of entries) {
  try {
    if (error) throw error;
    const mod = await import("data:text/javascript;base64," + data.modules[w.module]);
    let def = mod.default ?? mod;
    if (typeof def === "function") def = await def();
    await def.initialize?.({ model });
    const cleanup = await def.render({ model, el });
    views.push({ el, model, cleanup });
  } catch (e) {
    el.textContent = "This widget could not be shown: " + e;
    console.error(e);
  }
}
"""

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ margin: 24px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }}
.nnw-export {{ margin-bottom: 24px; }}
</style>
{styles}
</head>
<body>
{heading}{elements}
<script type="application/json" id="nnw-data">{data}</script>
<script type="module">{host}</script>
</body>
</html>
"""


def _text(value) -> str:
    """An _esm/_css trait value as text (anywidget may hold a path or file-contents object)."""
    if value is None:
        return ""
    if isinstance(value, Path):
        return value.read_text(encoding="utf-8")
    return str(value)


def _no_close_tag(css: str) -> str:
    # "</style" would end the element early; a CSS escape of the slash keeps its meaning.
    return css.replace("</", "<\\/")


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


def export_html(widgets, path, *, title: str = "nnwidgets") -> Path:
    """Write ``widgets`` (one anywidget or a list of them) as a self-contained HTML page.

    Parameters
    ----------
    widgets : AnyWidget or sequence of AnyWidget
        The widgets, in page order, with their current state (weights, pixels, ...).
    path : str or Path
        Where to write the page. Written atomically (a temporary file renamed into place), so
        an interrupted export never leaves half a page.
    title : str, keyword-only
        The page's title and heading.

    Returns
    -------
    Path
        The path written.
    """
    import anywidget
    from ipywidgets.widgets.widget import _remove_buffers

    if isinstance(widgets, anywidget.AnyWidget):
        widgets = [widgets]
    widgets = list(widgets)
    if not widgets:
        raise ValueError("widgets must hold at least one widget, got none")
    for w in widgets:
        if not isinstance(w, anywidget.AnyWidget):
            raise ValueError(f"export_html can only export anywidget widgets, got {type(w).__name__}")

    modules: list[str] = []
    styles: list[str] = []
    entries = []
    for w in widgets:
        state = w.get_state()
        esm = base64.b64encode(_text(state.pop("_esm", None)).encode()).decode("ascii")
        css = _text(state.pop("_css", None))
        if esm not in modules:
            modules.append(esm)
        if css and css not in styles:
            styles.append(css)
        state, buffer_paths, buffers = _remove_buffers(state)
        entries.append({
            "model_id": w.model_id,  # what "IPY_MODEL_<id>" references in other widgets' state name
            "module": modules.index(esm),
            "state": state,
            "buffer_paths": buffer_paths,
            "buffers": [base64.b64encode(bytes(b)).decode("ascii") for b in buffers],
        })

    _warn_missing_references(widgets, entries)

    # "</" inside a script element would end it early; JSON allows "<\/" as the same string.
    data = json.dumps({"modules": modules, "widgets": entries}, separators=(",", ":"), default=list)
    data = data.replace("</", "<\\/")
    page = _PAGE.format(
        title=html.escape(title),
        styles="\n".join(f"<style>\n{_no_close_tag(c)}\n</style>" for c in styles),
        heading=f"<h1>{html.escape(title)}</h1>\n" if title else "",
        elements="\n".join(f'<div class="nnw-export" data-nnw-widget="{i}"></div>' for i in range(len(entries))),
        data=data,
        host=_HOST,
    )

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "w", encoding="utf-8") as f:
        f.write(page)
    return path
