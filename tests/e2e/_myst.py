"""A page hosting widget modules as the MyST theme (Jupyter Book 2) does, for the export_esm
browser tests: served at ORIGIN from a folder, with ``window.mount(spec)`` and
``window.unmount(i)``. The ``book`` fixture in conftest.py opens it."""

ORIGIN = "http://book.test"

_HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>a textbook page</title></head>
<body>
<p>The following widget identifies what numbers are drawn.</p>
<div id="mounts"></div>
<script type="module">
// MyST's page model: get, set and on; the rest is not implemented.
class MystLikeModel {
  #state; #target = new EventTarget();
  constructor(state) { this.#state = state; }
  get(name) { return this.#state[name]; }
  set(key, value) {
    this.#state[key] = value;
    this.#target.dispatchEvent(new CustomEvent(`change:${key}`, { detail: value }));
    this.#target.dispatchEvent(new CustomEvent("change", { detail: value }));
  }
  on(name, cb) { this.#target.addEventListener(name, cb); }
  off() { window.hostCalls.push("off"); throw new Error("MystAnyModel.off not implemented yet."); }
  save_changes() {
    window.hostCalls.push("save_changes");
    throw new Error("MystAnyModel.save_changes not implemented yet.");
  }
  send() {
    window.hostCalls.push("send");
    throw new Error("MystAnyModel.send not implemented yet.");
  }
}
window.hostCalls = [];
window.mounts = [];

window.mount = async ({ esm, css, shadow, json }) => {
  const ref = document.createElement("div");
  ref.className = "relative w-full";
  document.getElementById("mounts").append(ref);
  const mod = await import(esm);
  const widget = mod.default;
  const model = new MystLikeModel(json);
  const cleanupInit = await widget.initialize?.({ model });
  ref.replaceChildren();
  let el = ref;
  if (shadow) {
    const root = ref.shadowRoot ?? ref.attachShadow({ mode: "open" });
    root.replaceChildren();
    el = document.createElement("div");
    root.appendChild(el);
    if (css) {
      const link = Object.assign(document.createElement("link"), { rel: "stylesheet", href: css });
      root.appendChild(link);
    }
  }
  const cleanupRender = await widget.render?.({ model, el });
  window.mounts.push({ ref, el, unmount: async () => {
    await cleanupRender?.();
    await cleanupInit?.();
    ref.remove();
  } });
  return window.mounts.length - 1;
};
window.unmount = (i) => window.mounts[i].unmount();
</script>
</body></html>
"""
