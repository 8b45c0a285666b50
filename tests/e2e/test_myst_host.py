"""export_esm: the module works when a page hosts it as MyST's theme (Jupyter Book 2) does.

The host page below follows the theme's anywidget renderer: it imports the module over HTTP,
makes a model with only get, set and on working (off, save_changes and send throw "not
implemented"; the state is the directive's JSON body, here empty or {"show_steps": true}),
calls initialize, empties the element, renders into a div inside a shadow root (with a <link>
to the stylesheet when the directive has :css:), and on unmount awaits the render cleanup, then
the initialize cleanup, then removes the element. A whole Jupyter Book build cannot run here
(its theme is downloaded at build time), so this page stands in for it.
"""

import re

import numpy as np
import pytest
from _myst import ORIGIN
from _pen import DIGITS, draw
from playwright.sync_api import expect

from nnwidgets import load_pretrained
from nnwidgets.preprocess import rasterize_strokes, to_mnist
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.export_esm import export_esm

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def digit_network():
    return load_pretrained()


@pytest.mark.parametrize(
    "css, shadow",
    [("inline", True), ("file", True), ("inline", False)],
    ids=["inline-css-in-shadow-root", "css-file-in-shadow-root", "inline-css-no-shadow"],
)
def test_module_draws_and_predicts_in_a_myst_like_host(book, digit_network, css, shadow):
    page, site = book
    export_esm(DigitCanvas(network=digit_network), site / "digit.mjs", css=css)
    spec = {
        "esm": f"{ORIGIN}/digit.mjs",
        "css": f"{ORIGIN}/digit.css" if css == "file" else None,
        "shadow": shadow,
        "json": {},
    }

    first = page.evaluate("(spec) => window.mount(spec)", spec)
    root = page.locator(".nnw-canvas")  # Playwright's CSS locators reach into open shadow roots
    expect(root).to_have_count(1)
    in_shadow = root.evaluate("(r) => r.getRootNode() instanceof ShadowRoot")
    assert in_shadow == shadow
    # the stylesheet reached the widget (in a shadow root, the document's styles would not)
    expect(root).to_have_css("border-top-left-radius", "10px")
    expect(root.locator(".nnw-canvas__hint")).to_be_visible()

    # predicts while drawing: the button is still down at the end of the last stroke
    pad = root.locator("canvas.nnw-canvas__pad")
    draw(page, pad, DIGITS["7"][0], hold_last=True)
    expect(root).to_have_attribute("data-prediction", "7")
    expect(root.locator(".nnw-canvas__prediction")).to_have_text("7")
    page.mouse.up()
    expect(root).to_have_attribute("data-prediction", "7")

    # float16 weights in the page, float32 in NumPy: the same reading, probabilities within 1e-2
    probs = np.array(root.get_attribute("data-probabilities").split(","), float)
    ours = digit_network.predict_proba(to_mnist(rasterize_strokes(DIGITS["7"][0])).reshape(1, -1))[
        0
    ]
    assert int(np.argmax(probs)) == int(np.argmax(ours)) == 7
    assert np.abs(probs - ours).max() < 1e-2, (probs, ours)

    # unmount as the theme does (cleanups, then the element goes), then mount again with a
    # JSON body: the new view starts from the module's state plus the body's show_steps
    page.evaluate("(i) => window.unmount(i)", first)
    expect(page.locator(".nnw-canvas")).to_have_count(0)
    page.evaluate("(spec) => window.mount(spec)", {**spec, "json": {"show_steps": True}})
    root = page.locator(".nnw-canvas")
    expect(root).to_have_count(1)
    expect(root).to_have_attribute("data-prediction", "")  # a fresh pad: the new host model's state
    expect(root).to_have_class(re.compile(r"\bnnw-canvas--steps\b"))
    draw(page, root.locator("canvas.nnw-canvas__pad"), DIGITS["0"][0], hold_last=True)
    expect(root).to_have_attribute("data-prediction", "0")
    page.mouse.up()

    assert page.evaluate("() => window.hostCalls") == []  # never touched what MyST lacks
    assert not page.errors, page.errors


def test_diagram_module_renders_its_input_in_a_myst_like_host(book, digit_network):
    from nnwidgets import load_bundled
    from nnwidgets.widgets.diagram import NetworkDiagram, edited_forward

    page, site = book
    x = load_bundled().X_test[7].reshape(-1)
    diagram = NetworkDiagram(digit_network)
    diagram.show(x)
    diagram.ablate(1, 3)
    export_esm(diagram, site / "diagram.mjs")
    spec = {"esm": f"{ORIGIN}/diagram.mjs", "css": None, "shadow": True, "json": {}}
    for _ in range(2):  # the theme re-mounts widgets: the second view starts the same
        i = page.evaluate("(spec) => window.mount(spec)", spec)
        root = page.locator(".nnw-diagram")
        expect(root).to_have_attribute("data-prediction", str(diagram.prediction))
        expect(root).to_have_attribute("data-edits", "1")
        expect(root).to_have_css(
            "border-top-left-radius", "10px"
        )  # the stylesheet reached the shadow root
        out = np.array(root.get_attribute("data-output").split(","), float)
        want = edited_forward(digit_network, x, {1: {3: 0.0}})[-1]
        assert np.abs(out - want).max() < 1e-2, (out, want)  # float16 weights in the page
        page.evaluate("(i) => window.unmount(i)", i)
        expect(root).to_have_count(0)
    assert page.evaluate("() => window.hostCalls") == []
    assert not page.errors, page.errors


def test_diagram_follows_the_canvas_mounted_by_another_directive(book, digit_network):
    from nnwidgets.widgets.diagram import NetworkDiagram

    page, site = book
    canvas, diagram = DigitCanvas(network=digit_network), NetworkDiagram(digit_network)
    diagram.link(canvas)
    export_esm(canvas, site / "digit.mjs")
    export_esm(diagram, site / "diagram.mjs")
    canvas_spec = {"esm": f"{ORIGIN}/digit.mjs", "css": None, "shadow": True, "json": {}}
    diagram_spec = {"esm": f"{ORIGIN}/diagram.mjs", "css": None, "shadow": True, "json": {}}
    # the diagram first: the order of the directives on the page must not matter
    d = page.evaluate("(spec) => window.mount(spec)", diagram_spec)
    c = page.evaluate("(spec) => window.mount(spec)", canvas_spec)
    pad_root, diag = page.locator(".nnw-canvas"), page.locator(".nnw-diagram")
    expect(diag).to_have_attribute("data-linked", "true")
    expect(diag).to_have_attribute("data-prediction", "")

    # follows the pen mid-stroke, with the canvas's own numbers (both hold the same float16 weights)
    draw(page, pad_root.locator("canvas.nnw-canvas__pad"), DIGITS["7"][0], hold_last=True)
    expect(pad_root).to_have_attribute("data-prediction", "7")
    expect(diag).to_have_attribute("data-prediction", "7")
    page.mouse.up()
    probs = np.array(pad_root.get_attribute("data-probabilities").split(","), float)
    out = np.array(diag.get_attribute("data-output").split(","), float)
    np.testing.assert_allclose(out, probs, atol=1e-6)

    # the theme unmounts the canvas: the diagram keeps its last input; a new mount is followed
    page.evaluate("(i) => window.unmount(i)", c)
    expect(pad_root).to_have_count(0)
    expect(diag).to_have_attribute("data-prediction", "7")
    page.evaluate("(spec) => window.mount(spec)", canvas_spec)
    draw(page, page.locator("canvas.nnw-canvas__pad"), DIGITS["0"][0], hold_last=True)
    expect(diag).to_have_attribute("data-prediction", "0")
    page.mouse.up()

    # unmounting the diagram leaves the canvas working, and nothing calls into the removed view
    page.evaluate("(i) => window.unmount(i)", d)
    expect(diag).to_have_count(0)
    page.locator(".nnw-canvas button", has_text="Clear").click()
    draw(page, page.locator("canvas.nnw-canvas__pad"), DIGITS["1"][0], hold_last=True)
    expect(page.locator(".nnw-canvas")).to_have_attribute("data-prediction", "1")
    page.mouse.up()
    assert page.evaluate("() => window.hostCalls") == []
    assert not page.errors, page.errors


def test_script_tags_in_state_are_text_in_a_myst_like_host(book, digit_network):
    from nnwidgets import ModelInfo

    page, site = book
    hostile = (
        "<!--<script>window.pwned=1</script></script><script>window.pwned=2</script>"
        '<img src=x onerror="window.pwned=3">\u2028&amp;'
    )
    export_esm(ModelInfo(digit_network, title=hostile), site / "info.mjs")
    page.evaluate(
        "(spec) => window.mount(spec)",
        {"esm": f"{ORIGIN}/info.mjs", "css": None, "shadow": True, "json": {}},
    )
    expect(page.locator(".nnw-info__title")).to_have_text(hostile)
    assert page.evaluate("() => window.pwned") is None
    assert page.locator("img").count() == 0
    assert page.evaluate("() => window.hostCalls") == []
    assert not page.errors, page.errors
