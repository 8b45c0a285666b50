"""export_html without a browser: what the page holds, and how it is written."""

import base64
import json
import os
import re
import stat

import numpy as np
import pytest

from nnwidgets.network import Network
from nnwidgets.widgets._export_common import html_json
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.diagram import NetworkDiagram
from nnwidgets.widgets.export import export_html


@pytest.fixture
def canvas():
    return DigitCanvas(network=Network([784, 8, 10], seed=0))


def page_data(path):
    text = path.read_text()
    m = re.search(r'<script type="application/json" id="nnw-data">(.*?)</script>', text, re.DOTALL)
    return text, json.loads(m.group(1))


def blob_array(data, ref, dtype):
    spec = data["blobs"][ref]
    return np.frombuffer(base64.b64decode(spec["data"]), dtype), spec["codec"]


def test_weights_are_inlined_once_as_float16(canvas, tmp_path):
    diagram = NetworkDiagram(canvas.network)
    diagram.link(canvas)
    _, data = page_data(export_html([canvas, diagram], tmp_path / "page.html"))
    refs = [{tuple(p): b for p, b in w["buffers"]} for w in data["widgets"]]
    key = ("_network", "weights", 0, "view")
    assert refs[0][key] == refs[1][key]  # one network, stored once for both widgets
    got, codec = blob_array(data, refs[0][key], "<f2")
    assert codec == "f16"
    want = canvas.network.weights[0].astype(np.float32).astype(np.float16)
    np.testing.assert_array_equal(got.reshape(8, 784), want)
    # the parameters (2 weights, 2 biases) once, plus the widgets' own buffers
    network_blobs = {b for r in refs for p, b in r.items() if p[0] == "_network"}
    assert len(network_blobs) == 4
    esm = base64.b64decode(data["modules"][data["widgets"][0]["module"]]).decode()
    assert "export" in esm and "render" in esm


def test_half_off_keeps_float32_bit_for_bit(canvas, tmp_path):
    _, data = page_data(export_html(canvas, tmp_path / "page.html", half=()))
    (w,) = data["widgets"]
    ref = {tuple(p): b for p, b in w["buffers"]}[("_network", "weights", 0, "view")]
    got, codec = blob_array(data, ref, "<f4")
    assert codec == "raw"
    np.testing.assert_array_equal(got.reshape(8, 784), canvas.network.weights[0].astype(np.float32))


def test_shipped_canvas_and_linked_diagram_fit_in_4_mb(tmp_path):
    canvas = DigitCanvas()
    diagram = NetworkDiagram(canvas.network)
    diagram.link(canvas)
    size = export_html([canvas, diagram], tmp_path / "digit.html").stat().st_size
    # 1,275,210 parameters as float16 in base64 is 3.4 MB, once; float32 per widget was 13.8 MB
    assert size <= 4e6, size


def test_one_module_for_many_widgets_of_a_kind(canvas, tmp_path):
    path = export_html([canvas, DigitCanvas(network=canvas.network)], tmp_path / "p.html")
    text, data = page_data(path)
    assert len(data["modules"]) == 1 and len(data["widgets"]) == 2
    assert text.count('<div class="nnw-export" data-nnw-widget=') == 2
    assert text.count("<style>") == 2  # the page's own and the canvas stylesheet once


HOSTILE = "<!--<script>x</script></script><script>window.pwned=1</script>&amp;\u2028\u2029>"


def test_html_json_escapes_what_could_end_or_confuse_a_script_element():
    text = html_json({"s": HOSTILE, "t": ["</SCRIPT", "<!--"]})
    assert not set(text) & {"<", ">", "&", "\u2028", "\u2029"}
    assert json.loads(text) == {"s": HOSTILE, "t": ["</SCRIPT", "<!--"]}


def test_script_tags_in_state_cannot_break_the_page(canvas, tmp_path):
    canvas.strokes = [[[1.0, 2.0]]]
    canvas._echo = HOSTILE
    text, data = page_data(export_html(canvas, tmp_path / "p.html", title="<b>x</b>"))
    assert data["widgets"][0]["state"]["_echo"] == canvas._echo
    assert "<title>&lt;b&gt;x&lt;/b&gt;</title>" in text
    # the page's own two scripts, and nothing else that could open or close one
    assert text.count("<script") == 2 and text.lower().count("</script") == 2
    assert "<!--" not in text


def test_write_is_atomic(canvas, tmp_path, monkeypatch):
    path = tmp_path / "page.html"
    path.write_text("old page")
    import nnwidgets._atomic as atomic

    def boom(*a, **k):
        raise OSError("disk full")

    monkeypatch.setattr(atomic.os, "replace", boom)
    with pytest.raises(OSError, match=f"cannot write {re.escape(str(path))}: disk full") as info:
        export_html(canvas, path)
    assert ".part" not in str(info.value)  # the user's file is named, not the temporary one
    assert path.read_text() == "old page"
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temporary file left


def test_replacing_a_file_keeps_its_permissions(canvas, tmp_path):
    path = tmp_path / "page.html"
    path.write_text("old page")
    path.chmod(0o640)
    export_html(canvas, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert "nnw-data" in path.read_text()


def test_a_read_only_file_is_refused_and_left_as_it_was(canvas, tmp_path):
    path = tmp_path / "page.html"
    path.write_text("old page")
    path.chmod(0o444)
    with pytest.raises(PermissionError, match=r"page\.html is read-only \(mode 444\)"):
        export_html(canvas, path)
    assert path.read_text() == "old page" and stat.S_IMODE(path.stat().st_mode) == 0o444
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]


def test_tilde_is_the_home_folder(canvas, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    path = export_html(canvas, "~/pages/x.html")
    assert path == tmp_path / "pages" / "x.html" and path.is_file()
    assert not (tmp_path / "~").exists()


def test_title_none_means_the_default(canvas, tmp_path):
    text, _ = page_data(export_html(canvas, tmp_path / "p.html", title=None))
    assert "<title>nnwidgets</title>" in text


@pytest.mark.parametrize(
    "args, kwargs, error, match",
    [
        (
            (None, "p.html"),
            {},
            TypeError,
            "widgets must be an anywidget widget or a list of them; got NoneType",
        ),
        (("x.html", "p.html"), {}, TypeError, "list of them; got str"),
        (
            (["canvas", object()], "p.html"),
            {},
            ValueError,
            r"anywidget widgets; widgets\[1\] holds object",
        ),
        (([], "p.html"), {}, ValueError, "at least one widget; got none"),
        (("canvas", ""), {}, ValueError, "path must name a file .* got an empty path"),
        (("canvas", None), {}, TypeError, "path must be a str or a path-like object; got NoneType"),
        (("canvas", "."), {}, ValueError, "path must name a file; got the folder"),
        (("canvas", "p.html"), {"title": 3}, TypeError, "title must be a str .* got int"),
        (
            ("canvas", "p.html"),
            {"half": None},
            TypeError,
            r"half must be a list of trait names \(\(\) to keep",
        ),
        (("canvas", "p.html"), {"half": "_network"}, ValueError, "got the string '_network'"),
    ],
)
def test_bad_arguments_say_what_was_expected(
    canvas, tmp_path, monkeypatch, args, kwargs, error, match
):
    monkeypatch.chdir(tmp_path)
    widgets, path = args
    if widgets == "canvas":
        widgets = canvas
    elif isinstance(widgets, list):
        widgets = [canvas if w == "canvas" else w for w in widgets]
    with pytest.raises(error, match=match):
        export_html(widgets, path, **kwargs)
    assert os.listdir(tmp_path) == []


def test_a_closed_widget_is_named_as_closed(canvas, tmp_path):
    other = DigitCanvas(network=canvas.network)
    other.close()
    with pytest.raises(ValueError, match=r"the DigitCanvas in widgets\[1\] was closed"):
        export_html([canvas, other], tmp_path / "p.html")


def test_export_is_importable_from_the_package(canvas, tmp_path):
    import nnwidgets

    assert nnwidgets.export_html is export_html
    assert nnwidgets.DigitCanvas is DigitCanvas
