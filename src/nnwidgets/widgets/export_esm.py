"""export_esm: one nnwidgets widget as a self-contained ES module, for textbook pages.

>>> from nnwidgets import DigitCanvas, export_esm
>>> export_esm(DigitCanvas(), "digit.mjs")

A Jupyter Book 2 / MyST page then shows it with no JSON body::

    :::{anywidget} ./digit.mjs
    :::

The module holds the widget's bundle, its state (the network's parameters as float16,
decoded to float32 in the page), its stylesheet, and a small host of its own. MyST's page model
implements only ``get``, ``set`` and ``on`` (``save_changes``, ``off`` and ``send`` throw) and
carries JSON only, so the module does not hand that model to the widget: it gives the widget
a complete model (``get``, ``set``, ``on``, ``off``, ``save_changes``, ``send``) over the
embedded state, one per host model, and forwards nothing back (there is no kernel to tell).
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

import numpy as np

from .._atomic import atomic_write
from .export import _text

__all__ = ["export_esm"]

# esbuild ends an ESM bundle with `export { name as default };`. Such a bundle is inlined into
# a function (its top-level names stay its own) that returns the default export instead.
_ESBUILD_DEFAULT = re.compile(r"\bexport\s*\{\s*([A-Za-z_$][\w$]*)\s+as\s+default\s*\}\s*;?\s*\Z")
_OTHER_MODULE_SYNTAX = re.compile(r"^\s*(import|export)\b", re.M)

# The module's own host. BUFFERS[i] = [path into STATE, "f16" | "raw", byte offset, byte length]
# into the base64 BLOB. Kept short: it is the whole runtime a textbook page gets.
_HOST = r"""
const bytes = (() => {
  let cached = null;
  return () => {
    if (cached) return cached;
    const s = atob(BLOB);
    cached = new Uint8Array(s.length);
    for (let i = 0; i < s.length; i++) cached[i] = s.charCodeAt(i);
    return cached;
  };
})();

// IEEE 754 half (little-endian) -> float32; Float16Array is too new to rely on.
function halfToFloat32(raw) {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const out = new Float32Array(raw.byteLength / 2);
  for (let i = 0; i < out.length; i++) {
    const h = view.getUint16(2 * i, true);
    const sign = h & 0x8000 ? -1 : 1, exp = (h >> 10) & 0x1f, frac = h & 0x3ff;
    out[i] = exp === 0 ? sign * frac * 2 ** -24
      : exp === 31 ? (frac ? NaN : sign * Infinity)
      : sign * (1 + frac / 1024) * 2 ** (exp - 15);
  }
  return out;
}

const hasBuffer = new Set(BUFFERS.map(([path]) => path[0]));

// A fresh copy of the embedded state for one host model, arrays as DataViews as anywidget
// delivers them; JSON keys the host's model holds (the directive's body) take precedence.
function freshState(host) {
  const state = JSON.parse(STATE);
  for (const key of Object.keys(state)) {
    let value;
    try { value = host && typeof host.get === "function" ? host.get(key) : undefined; } catch { value = undefined; }
    if (value !== undefined && !hasBuffer.has(key)) state[key] = value;
  }
  const all = bytes();
  for (const [path, codec, offset, length] of BUFFERS) {
    const raw = all.subarray(offset, offset + length);
    const data = codec === "f16" ? halfToFloat32(raw) : raw.slice();
    let parent = state;
    for (const key of path.slice(0, -1)) parent = parent[key];
    parent[path[path.length - 1]] = new DataView(data.buffer, data.byteOffset, data.byteLength);
  }
  return state;
}

// The anywidget model interface over that state: change events fire as in Jupyter, and
// save_changes and send do nothing, because there is no kernel behind a page.
function pageModel(state) {
  const handlers = new Map();
  const emit = (name, ...args) => [...(handlers.get(name) || [])].forEach((f) => f(...args));
  const model = {
    get: (key) => state[key],
    set(key, value) {
      state[key] = value;
      emit("change:" + key, model, value);
      emit("change", model);
    },
    on(name, fn) {
      if (!handlers.has(name)) handlers.set(name, new Set());
      handlers.get(name).add(fn);
    },
    off(name, fn) {
      if (name == null) handlers.clear();
      else if (fn == null) handlers.delete(name);
      else handlers.get(name)?.delete(fn);
    },
    save_changes() {},
    send() {},
  };
  return model;
}

// The page's channels, shared by every module export_esm wrote: model id -> a stand-in model
// (get, on, off) that forwards the events of that widget's current mount. Another module's
// widget reaches it through widget_manager.get_model, as it would reach a model in Jupyter.
const CHANNELS = (globalThis[Symbol.for("nnwidgets.export_esm.channels.v1")] ??= new Map());

function channel(id) {
  let c = CHANNELS.get(id);
  if (c) return c;
  const handlers = new Map(); // event -> Set of listeners
  const relays = new Map(); // event -> the function registered on the current model
  let current = null;
  const relay = (event) => {
    if (!current || relays.has(event)) return;
    const fn = (...args) => [...(handlers.get(event) || [])].forEach((f) => f(...args));
    relays.set(event, fn);
    current.on(event, fn);
  };
  c = {
    get: (key) => (current ? current.get(key) : undefined),
    on(event, fn) {
      if (!handlers.has(event)) handlers.set(event, new Set());
      handlers.get(event).add(fn);
      relay(event);
    },
    off(event, fn) {
      if (event == null) handlers.clear();
      else if (fn == null) handlers.delete(event);
      else handlers.get(event)?.delete(fn);
    },
    attach(model) {
      this.detach(current);
      current = model;
      for (const event of handlers.keys()) relay(event);
      // followers see the new mount's state at once, as if each key had just changed
      for (const event of handlers.keys()) if (event.startsWith("change:")) relays.get(event)?.(model);
    },
    detach(model) {
      if (!current || model !== current) return;
      for (const [event, fn] of relays) current.off(event, fn);
      relays.clear();
      current = null;
    },
  };
  CHANNELS.set(id, c);
  return c;
}

const widgetManager = { get_model: async (id) => channel(id) };

// One page model per host model: MyST makes a new one on every mount; two directives on one
// page share this module but not their drawings. The newest is the one its channel follows.
const models = new WeakMap();
function modelFor(host) {
  const key = host && typeof host === "object" ? host : models;
  if (!models.has(key)) {
    const model = pageModel(freshState(host));
    model.widget_manager = widgetManager;
    models.set(key, model);
    channel(MODEL_ID).attach(model);
  }
  return models.get(key);
}

async function initialize({ model: host }) {
  const model = modelFor(host);
  const cleanup = await widget.initialize?.({ model });
  return () => {
    const key = host && typeof host === "object" ? host : models;
    channel(MODEL_ID).detach(models.get(key));
    models.delete(key);
    if (typeof cleanup === "function") return cleanup();
  };
}

async function render({ model: host, el }) {
  let style = null;
  if (CSS) {
    // Inside el, so it reaches the widget in a shadow root as well as in the document.
    style = document.createElement("style");
    style.textContent = CSS;
    el.prepend(style);
  }
  const cleanup = await widget.render({ model: modelFor(host), el });
  return async () => {
    try {
      if (typeof cleanup === "function") await cleanup();
    } finally {
      style?.remove();
    }
  };
}

export default { initialize, render };
"""


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


def _is_float32_array(value) -> bool:
    # _remove_buffers has taken "view" out already; the dict keeps dtype and shape.
    return isinstance(value, dict) and value.get("dtype") == "float32"


def _pack(state: dict, half: tuple[str, ...]):
    """Split the binary buffers out of ``state``: (JSON state, buffer table, blob bytes)."""
    from ipywidgets.widgets.widget import _remove_buffers

    state, paths, buffers = _remove_buffers(state)
    table, blob = [], bytearray()
    for path, buf in zip(paths, buffers):
        raw = bytes(buf)
        parent = state
        for key in path[:-1]:
            parent = parent[key]
        codec = "raw"
        if path[0] in half and path[-1] == "view" and _is_float32_array(parent):
            values = np.frombuffer(raw, dtype="<f4")
            with np.errstate(over="ignore"):
                halves = values.astype("<f2")
            # float16 overflows above 65504: keep such an array exact rather than infinite.
            if np.isfinite(halves).all() or not np.isfinite(values).all():
                raw, codec = halves.tobytes(), "f16"
        blob += b"\0" * (-len(blob) % 4)  # aligned, so the page may view it as it likes
        table.append([list(path), codec, len(blob), len(raw)])
        blob += raw
    return state, table, bytes(blob)


def export_esm(widget, path, *, css: str = "inline", half=("_network",)) -> Path:
    """Write ``widget`` as one self-contained ES module for MyST / Jupyter Book 2 pages.

    Parameters
    ----------
    widget : AnyWidget
        The widget, with its current state (network, drawing, ``show_steps``...).
    path : str or Path
        Where to write the module (``.mjs`` or ``.js``). Written atomically.
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

    if not isinstance(widget, anywidget.AnyWidget):
        raise ValueError(f"export_esm can only export one anywidget widget, got {type(widget).__name__}")
    if css not in ("inline", "file"):
        raise ValueError(f"css must be 'inline' or 'file', got {css!r}")
    if isinstance(half, str):
        raise ValueError(f"half must be a list of trait names, got the string {half!r}")
    half = tuple(half)

    state = widget.get_state()
    esm = _text(state.pop("_esm", None))
    if not esm.strip():
        raise ValueError(f"{type(widget).__name__} has no front-end module (_esm is empty)")
    stylesheet = _text(state.pop("_css", None))
    # ipywidgets' own bookkeeping (model names, layout reference) means nothing to a page.
    for key in anywidget.AnyWidget.class_trait_names(sync=True):
        state.pop(key, None)
    state, table, blob = _pack(state, half)

    path = Path(path)
    css_path = path.with_suffix(".css")
    if css == "file" and css_path == path:
        raise ValueError(f"path must not end in .css when css='file' (the stylesheet goes there), got {path}")
    # JSON text inside a JS string: parsed per host model, so each gets its own copy.
    state_json = json.dumps(json.dumps(state, separators=(",", ":")))
    code = "".join([
        f"// {type(widget).__name__}, exported by nnwidgets.export_esm: the widget's bundle, its state\n",
        "// and a small anywidget host, for MyST's {anywidget} directive or any AFM host.\n",
        _module_code(esm),
        f"const STATE = {state_json};\n",
        f"const MODEL_ID = {json.dumps(widget.model_id)};\n",
        f"const CSS = {json.dumps(stylesheet if css == 'inline' else '')};\n",
        f"const BUFFERS = {json.dumps(table, separators=(',', ':'))};\n",
        f'const BLOB = "{base64.b64encode(blob).decode("ascii")}";\n',
        _HOST,
    ])
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "w", encoding="utf-8") as f:
        f.write(code)
    if css == "file":
        with atomic_write(css_path, "w", encoding="utf-8") as f:
            f.write(stylesheet)
    return path
