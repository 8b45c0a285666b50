"""export_html without a browser: what the page holds, and how it is written."""

import base64
import json
import re

import numpy as np
import pytest

from nnwidgets.network import Network
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.export import export_html


@pytest.fixture
def canvas():
    return DigitCanvas(network=Network([784, 8, 10], seed=0))


def page_data(path):
    text = path.read_text()
    m = re.search(r'<script type="application/json" id="nnw-data">(.*?)</script>', text, re.S)
    return text, json.loads(m.group(1))


def test_weights_are_inlined_as_base64_float32(canvas, tmp_path):
    path = export_html(canvas, tmp_path / "page.html")
    _, data = page_data(path)
    (w,) = data["widgets"]
    i = w["buffer_paths"].index(["_network", "weights", 0, "view"])
    got = np.frombuffer(base64.b64decode(w["buffers"][i]), np.float32).reshape(8, 784)
    np.testing.assert_array_equal(got, canvas.network.weights[0])
    esm = base64.b64decode(data["modules"][w["module"]]).decode()
    assert "export" in esm and "render" in esm


def test_one_module_for_many_widgets_of_a_kind(canvas, tmp_path):
    path = export_html([canvas, DigitCanvas(network=canvas.network)], tmp_path / "p.html")
    text, data = page_data(path)
    assert len(data["modules"]) == 1 and len(data["widgets"]) == 2
    assert text.count('<div class="nnw-export" data-nnw-widget=') == 2
    assert text.count("<style>") == 2  # the page's own and the canvas stylesheet once


def test_script_end_tags_in_state_cannot_break_the_page(canvas, tmp_path):
    canvas.strokes = [[[1.0, 2.0]]]
    canvas._echo = "</script><script>alert(1)</script>"
    text, data = page_data(export_html(canvas, tmp_path / "p.html", title="<b>x</b>"))
    assert data["widgets"][0]["state"]["_echo"] == canvas._echo
    assert "<title>&lt;b&gt;x&lt;/b&gt;</title>" in text


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


def test_export_is_importable_from_the_package(canvas, tmp_path):
    import nnwidgets

    assert nnwidgets.export_html is export_html
    assert nnwidgets.DigitCanvas is DigitCanvas
