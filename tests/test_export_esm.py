"""export_esm: what the written module holds, and how it behaves under a host that has only
get, set and on (run in Node, which imports ES modules as a page does; the DigitCanvas itself
is drawn on in Chromium by tests/e2e/test_myst_host.py)."""

import json
import shutil
import subprocess

import anywidget
import numpy as np
import pytest
import traitlets

from nnwidgets import Network, load_bundled, load_pretrained
from nnwidgets.widgets._base import network_payload
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.export_esm import export_esm

NODE = shutil.which("node")
needs_node = pytest.mark.skipif(NODE is None, reason="needs Node.js (npm install needs it too)")

# A widget whose render hands its model to the test: el.model is what the widget would use.
# It also calls everything a widget may call, so a host method that throws would surface.
_PROBE_ESM = """
export default {
  render({ model, el }) {
    el.model = model;
    const seen = (el.seen = []);
    model.on("change:label", () => seen.push(model.get("label")));
    model.set("label", "drawn");
    model.save_changes();
    el.hasSend = typeof model.send === "function";  // no kernel: a widget can tell
    return () => { model.off("change:label"); el.cleaned = true; };
  },
};
"""


class Probe(anywidget.AnyWidget):
    _esm = _PROBE_ESM
    _css = ".probe { color: red; }"
    label = traitlets.Unicode("start").tag(sync=True)
    _network = traitlets.Dict(allow_none=True).tag(sync=True)
    pixels = traitlets.Dict(allow_none=True).tag(sync=True)


@pytest.fixture
def small_network():
    """4-3-2 with weights up to about 10, where float16 rounding shows, and biases of 1e-3 and
    3e-6 (below float16's smallest normal number, 6.1e-5: a subnormal half)."""
    net = Network([4, 3, 2], seed=0)
    rng = np.random.default_rng(1)
    net.set_parameters(
        [rng.normal(0, 3, w.shape) for w in net.weights],
        [np.array([1e-3, -3e-6, 0.5]), np.array([3e-6, -2.0])],
    )
    return net


# Mounts the module twice, each time with a host model that has get, set and on only (off,
# save_changes and send throw, as on MyST's pages), and prints what the widget saw.
_DRIVER = """
const [url, body] = [process.argv[2], JSON.parse(process.argv[3])];
const calls = [];
function mystLikeModel(state) {
  const target = new EventTarget();
  return {
    get: (k) => state[k],
    set: (k, v) => { state[k] = v; target.dispatchEvent(new Event("change:" + k)); },
    on: (name, cb) => target.addEventListener(name, cb),
    off() { calls.push("off"); throw new Error("off not implemented"); },
    save_changes() { calls.push("save_changes"); throw new Error("save_changes not implemented"); },
    send() { calls.push("send"); throw new Error("send not implemented"); },
  };
}
const widget = (await import(url)).default;
const out = [];
for (let mount = 0; mount < 2; mount++) {
  const model = mystLikeModel({ ...body });
  const el = { children: [], prepend(c) { this.children.unshift(c); } };
  globalThis.document = { createElement: () => ({ remove() { el.children.shift(); } }) };
  const cleanupInit = await widget.initialize({ model });
  const cleanupRender = await widget.render({ model, el });
  const m = el.model, net = m.get("_network"), px = m.get("pixels");
  const f32 = (a) =>
    Array.from(new Float32Array(a.view.buffer, a.view.byteOffset, a.view.byteLength / 4));
  out.push({
    label: m.get("label"), seen: el.seen, styles: el.children.map((c) => c.textContent),
    weights: net.weights.map(f32), biases: net.biases.map(f32),
    dtypes: net.weights.map((w) => w.dtype), isDataView: net.weights[0].view instanceof DataView,
    pixels: px && px.view ? f32(px) : null, hostLabel: model.get("label"), hasSend: el.hasSend,
  });
  await cleanupRender();
  await cleanupInit();
  out[mount].cleaned = !!el.cleaned;
  out[mount].stylesLeft = el.children.length;
}
console.log(JSON.stringify({ out, calls }));
"""


def run_module(tmp_path, module, body=None):
    driver = tmp_path / "driver.mjs"
    driver.write_text(_DRIVER)
    res = subprocess.run(
        [NODE, str(driver), module.as_uri(), json.dumps(body or {})],
        check=False,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout)


def buffer_table(module):
    """The module's binary arrays: [path, codec] each, in the order of the widget's state."""
    text = module.read_text()
    refs = json.loads(text.split("\n  buffers: ")[1].split(",\n")[0])
    blobs = json.loads(text.split("\n  blobs: ")[1].split(",\n")[0])
    return [[path, blobs[b]["codec"]] for path, b in refs]


def wire(a):
    a = np.ascontiguousarray(a, np.float32)
    return {"view": memoryview(a).cast("B"), "dtype": "float32", "shape": list(a.shape)}


@needs_node
def test_weights_arrive_as_float32_dataviews_rounded_to_float16(tmp_path, small_network):
    px = np.linspace(0, 1, 784, dtype=np.float32) ** 3  # values float16 would round
    w = Probe(_network=network_payload(small_network), pixels=wire(px))
    res = run_module(tmp_path, export_esm(w, tmp_path / "probe.mjs"))
    got = res["out"][0]
    assert got["isDataView"] and got["dtypes"] == ["float32", "float32"]
    for page, ours in zip(got["weights"], small_network.weights):
        want = np.asarray(ours, np.float32).astype(np.float16).astype(np.float32).ravel()
        np.testing.assert_array_equal(np.array(page, np.float32), want)  # bit for bit
        assert not np.array_equal(want, np.asarray(ours, np.float32).ravel())  # rounding happened
    for page, ours in zip(got["biases"], small_network.biases):
        want = np.asarray(ours, np.float32).astype(np.float16).astype(np.float32).ravel()
        np.testing.assert_array_equal(
            np.array(page, np.float32), want
        )  # tiny values: subnormal halves
    np.testing.assert_array_equal(
        np.array(got["pixels"], np.float32), px
    )  # outside _network: exact


@needs_node
def test_a_host_with_only_get_set_on_is_enough(tmp_path, small_network):
    w = Probe(_network=network_payload(small_network))
    res = run_module(
        tmp_path,
        export_esm(w, tmp_path / "probe.mjs"),
        body={"label": "from the directive", "_network": {"not": "binary"}},
    )
    assert res["calls"] == []  # off, save_changes and send of the host were never called
    for mount in res["out"]:
        # the body's JSON value wins for a plain key; a key carrying arrays keeps the module's
        assert mount["seen"] == ["drawn"] and mount["label"] == "drawn"
        assert mount["hasSend"] is False
        assert len(mount["weights"]) == 2
        assert mount["hostLabel"] == "from the directive"  # nothing forwarded to the host
        assert mount["cleaned"] and mount["stylesLeft"] == 0  # widget cleanup ran, style removed
        assert mount["styles"] == [".probe { color: red; }"]


@needs_node
def test_directive_body_seeds_plain_keys(tmp_path, small_network):
    # Without the widget's own set, the seeded value shows: the probe sets "drawn" at once, so
    # use a widget whose render only reads.
    class Reader(Probe):
        _esm = (
            "export default { render({ model, el }) { "
            "el.model = model; el.seen = [model.get('label')]; } };"
        )

    res = run_module(
        tmp_path,
        export_esm(Reader(_network=network_payload(small_network)), tmp_path / "r.mjs"),
        body={"label": "from the directive"},
    )
    assert [m["seen"] for m in res["out"]] == [["from the directive"]] * 2


@needs_node
def test_esbuild_bundles_are_inlined_not_imported(tmp_path, small_network):
    # esbuild's shape: top-level names, then `export { name as default };`
    class Bundled(Probe):
        _esm = (
            "var seen = 'bundle';\nvar widget_default = { render({ model, el }) {"
            " el.model = model; el.seen = [seen]; } };\nexport {\n  widget_default as default\n};\n"
        )

    module = export_esm(Bundled(_network=network_payload(small_network)), tmp_path / "b.mjs")
    text = module.read_text()
    assert "const widgetModule = await import(" not in text and "return widget_default;" in text
    assert [m["seen"] for m in run_module(tmp_path, module)["out"]] == [["bundle"], ["bundle"]]


def test_shipped_canvas_module_is_compact(tmp_path):
    path = export_esm(DigitCanvas(), tmp_path / "digit.mjs")
    size = path.stat().st_size
    # 1,275,210 parameters as float16 in base64 is 3.4 MB; float32 would be 6.8 MB
    assert 3.3e6 < size < 3.6e6, size
    assert {codec for _, codec in buffer_table(path)} == {"f16", "raw"}  # weights, pixels
    text = path.read_text()
    assert "http://" not in text and "https://" not in text
    assert ".nnw-canvas" in text  # stylesheet inlined
    assert "IPY_MODEL_" not in text  # no reference to a layout widget that does not exist there


def test_css_file_goes_beside_the_module(tmp_path):
    path = export_esm(DigitCanvas(), tmp_path / "site" / "digit.mjs", css="file")
    css = (tmp_path / "site" / "digit.css").read_text()
    assert ".nnw-canvas" in css
    assert '\n  css: "",\n' in path.read_text()


def test_float16_weights_read_the_bundled_test_set_as_float32_does():
    net, data = load_pretrained(), load_bundled()
    before = net.predict(data.X_test)
    net.set_parameters(
        [w.astype(np.float16).astype(np.float32) for w in net.weights],
        [b.astype(np.float16).astype(np.float32) for b in net.biases],
    )
    assert (net.predict(data.X_test) == before).mean() >= 0.999


def test_arrays_float16_cannot_hold_stay_float32(tmp_path, small_network):
    small_network.set_parameters([w * 1e5 for w in small_network.weights], small_network.biases)
    table = buffer_table(
        export_esm(Probe(_network=network_payload(small_network)), tmp_path / "p.mjs")
    )
    assert [codec for _, codec in table] == ["raw", "raw", "f16", "f16"]  # weights raw, biases half


def test_half_can_be_switched_off(tmp_path, small_network):
    table = buffer_table(
        export_esm(Probe(_network=network_payload(small_network)), tmp_path / "p.mjs", half=())
    )
    assert [codec for _, codec in table] == ["raw"] * 4


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"widget": object()}, "anywidget widgets; widget holds object"),
        ({"css": "link"}, "css must be 'inline' or 'file'; got 'link'"),
        ({"half": "_network"}, "half must be a list of trait names"),
        ({"path": "digit.css", "css": "file"}, "must not end in .css"),
        ({"path": "."}, "path must name a file; got the folder"),
    ],
)
def test_bad_arguments_name_what_was_expected(tmp_path, kwargs, match):
    args = {"widget": Probe(), "path": tmp_path / "x.mjs", **kwargs}
    args["path"] = tmp_path / args["path"]
    with pytest.raises(ValueError, match=match):
        export_esm(args.pop("widget"), args.pop("path"), **args)


@pytest.mark.parametrize(
    "path, kwargs, error, match",
    [
        ("", {}, ValueError, r"path must name a file \(e.g. 'page.mjs'\); got an empty path"),
        (None, {}, TypeError, "path must be a str or a path-like object; got NoneType"),
        (
            "x.mjs",
            {"half": None},
            TypeError,
            r"half must be a list of trait names \(\(\) to keep every",
        ),
        ("x.mjs", {"half": [1]}, TypeError, "half must hold trait names .str.; got 1"),
    ],
)
def test_missing_path_or_half_says_so(tmp_path, monkeypatch, path, kwargs, error, match):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(error, match=match):
        export_esm(Probe(), path, **kwargs)
    assert list(tmp_path.iterdir()) == []


def test_tilde_is_the_home_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    path = export_esm(Probe(), "~/book/w.mjs", css="file")
    assert path == tmp_path / "book" / "w.mjs" and path.is_file()
    assert (tmp_path / "book" / "w.css").read_text() == ".probe { color: red; }"
    assert not (tmp_path / "~").exists()


def test_a_closed_widget_is_named_as_closed(tmp_path):
    w = Probe()
    w.close()
    with pytest.raises(ValueError, match="export_esm: the Probe in widget was closed"):
        export_esm(w, tmp_path / "x.mjs")


def test_a_dashboard_is_refused_with_the_export_that_shows_it(tmp_path):
    from nnwidgets import TrainingDashboard

    X = np.random.default_rng(0).random((20, 4))
    dash = TrainingDashboard(Network([4, 3, 2], seed=0), train=(X, np.arange(20) % 2), epochs=1)
    refused = r"cannot export a TrainingDashboard.*Use export_html\(\[dashboard\]"
    with pytest.raises(ValueError, match=refused):
        export_esm(dash, tmp_path / "dash.mjs")
    assert list(tmp_path.iterdir()) == []
    dash.close()
