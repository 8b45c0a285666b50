"""export_html and export_esm called in odd ways: paths that name no file, a link,
a read-only stylesheet, titles beyond ASCII or with half a UTF-16 pair, NaN in a widget's
state. What the page does with them is in tests/e2e/test_export_hostile_browser.py."""

import json
import os
import re

import anywidget
import pytest
import traitlets

from nnwidgets.network import Network
from nnwidgets.widgets._export_common import html_json
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.export import export_html
from nnwidgets.widgets.export_esm import export_esm

EXPORTS = [
    pytest.param(export_html, "page.html", id="export_html"),
    pytest.param(export_esm, "widget.mjs", id="export_esm"),
]


@pytest.fixture
def canvas():
    return DigitCanvas(network=Network([784, 8, 10], seed=0))


def page_json(text):
    """The page's data element's text."""
    m = re.search(r'<script type="application/json" id="nnw-data">(.*?)</script>', text, re.DOTALL)
    return m.group(1)


@pytest.mark.parametrize("export, name", EXPORTS)
def test_a_path_ending_in_a_slash_is_a_folder_not_a_file_name(canvas, tmp_path, export, name):
    with pytest.raises(ValueError, match=r"path must name a file .*'.*new/', a folder"):
        export(canvas, f"{tmp_path}/new/")
    assert not (tmp_path / "new").exists()  # no file named "new" either


@pytest.mark.parametrize("export, name", EXPORTS)
def test_a_file_where_a_folder_should_be_is_named(canvas, tmp_path, export, name):
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(NotADirectoryError, match=r"notes\.txt is a file, not a folder"):
        export(canvas, tmp_path / "notes.txt" / "deeper" / name)
    assert (tmp_path / "notes.txt").read_text() == "mine"


@pytest.mark.parametrize("export, name", EXPORTS)
def test_a_link_is_written_through_and_stays_a_link(canvas, tmp_path, export, name):
    target = tmp_path / "book" / "_static" / name
    target.parent.mkdir(parents=True)
    target.write_text("the old export")
    os.chmod(target, 0o640)
    link = tmp_path / name
    link.symlink_to(target)
    export(canvas, link)
    assert link.is_symlink() and link.resolve() == target  # the book's link is still there
    assert "nnwExport" in target.read_text()  # and the export reached what it points to
    assert oct(target.stat().st_mode & 0o777) == oct(0o640)
    assert not [p for p in target.parent.iterdir() if p.name != name]  # no temporary left


def test_css_file_beside_a_module_named_in_capitals_is_refused(canvas, tmp_path):
    # On macOS and Windows "w.CSS" and "w.css" are one file: the stylesheet would replace
    # the module just written.
    with pytest.raises(ValueError, match=r"must not end in \.css"):
        export_esm(canvas, tmp_path / "w.CSS", css="file")
    assert list(tmp_path.iterdir()) == []


def test_a_read_only_stylesheet_leaves_the_module_as_it_was(canvas, tmp_path):
    module, sheet = tmp_path / "w.mjs", tmp_path / "w.css"
    module.write_text("the module the book uses")
    sheet.write_text("its stylesheet")
    os.chmod(sheet, 0o444)
    with pytest.raises(PermissionError, match=r"w\.css is read-only"):
        export_esm(canvas, module, css="file")
    # both or neither: a new module with the old stylesheet would not match it
    assert module.read_text() == "the module the book uses"
    assert sheet.read_text() == "its stylesheet"


def test_a_title_beyond_ascii_makes_an_ascii_page(canvas, tmp_path):
    title = 'Réseaux & <neurones> — 神经网络 "σ" 🧠'
    text = export_html(canvas, tmp_path / "p.html", title=title).read_text(encoding="utf-8")
    # ASCII whatever charset a server adds to the page: the title as character references
    assert text.isascii()
    assert (
        "<title>R&#233;seaux &amp; &lt;neurones&gt; &#8212; &#31070;&#32463;&#32593;&#32476; "
        "&quot;&#963;&quot; &#129504;</title>"
    ) in text


def test_a_stylesheet_beyond_ascii_is_escaped_as_css(tmp_path):
    class Arrow(anywidget.AnyWidget):
        _esm = "export default { render() {} };"
        _css = '.a::after { content: "→ σ"; } /* </style> */'

    text = export_html(Arrow(), tmp_path / "p.html").read_text(encoding="utf-8")
    assert text.isascii()
    assert '.a::after { content: "\\2192  \\3c3 "; } /* <\\/style> */' in text


def test_half_a_utf16_pair_in_the_title_is_named(canvas, tmp_path):
    bad = "chapter \udce9"  # a file name read with errors="surrogateescape"
    with pytest.raises(ValueError, match=r"U\+DCE9 at position 8 is half of a UTF-16 pair"):
        export_html(canvas, tmp_path / "p.html", title=bad)
    assert list(tmp_path.iterdir()) == []


def test_nan_and_infinity_are_null_so_the_page_can_parse_its_data(tmp_path):
    class Reading(anywidget.AnyWidget):
        _esm = "export default { render() {} };"
        value = traitlets.Float(float("nan")).tag(sync=True)
        values = traitlets.List([1.5, float("inf"), [float("-inf")]]).tag(sync=True)

    def strict(text):  # JSON.parse: no NaN, no Infinity
        return json.loads(text, parse_constant=lambda c: pytest.fail(f"{c} in the page's JSON"))

    w = Reading()
    data = strict(page_json(export_html(w, tmp_path / "p.html").read_text()))
    state = data["widgets"][0]["state"]
    assert state["value"] is None and state["values"] == [1.5, None, [None]]
    module = export_esm(w, tmp_path / "w.mjs").read_text()
    embedded = re.search(r"\n  state: (.*),\n  buffers:", module).group(1)
    assert strict(strict(embedded))["values"] == [1.5, None, [None]]
    assert html_json({"a": [1.0, 2]}) == '{"a":[1.0,2]}'  # finite numbers as they were


def test_the_page_asks_for_no_icon(canvas, tmp_path):
    # a browser asks a server for /favicon.ico otherwise: a 404 in the console of every page
    text = export_html(canvas, tmp_path / "p.html").read_text()
    assert '<link rel="icon" href="data:,">' in text
