"""Exported pages as a textbook author makes them: every kind of widget on one
export_html page, opened from disk and over HTTP, and the export_esm modules of each on one
MyST-like page; what works without a kernel works, the page stays readable in a dark colour
scheme and at a phone's width, and odd inputs (a widget listed twice, a book network, a title
beyond ASCII served with the wrong charset, a NaN in a custom widget's state) do not break it."""

import functools
import http.server
import threading

import numpy as np
import pytest
from _myst import ORIGIN
from _pages import drag, fresh_page
from _pen import DIGITS, draw
from playwright.sync_api import expect

from nnwidgets import (
    BumpBuilder,
    DecisionMap,
    DigitCanvas,
    Network,
    NetworkDiagram,
    TrainingDashboard,
    export_esm,
    export_html,
    load_bundled,
    load_pretrained,
)
from nnwidgets.datasets import toy

pytestmark = pytest.mark.e2e

# [class, CSS width, CSS height, backing width, backing height, painted pixels] of every canvas
# the page shows (display not none, laid out).
CANVASES = """() => [...document.querySelectorAll('canvas')].filter((c) => c.offsetParent)
  .map((c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
    const r = c.getBoundingClientRect();
    return [c.className, r.width, r.height, c.width, c.height, n]; })"""

# The contrast ratio (WCAG) of each laid-out text's colour on the first opaque background
# behind it, and its font size; inside open shadow roots too.
TEXTS = """(root) => {
  const rgb = (c) => (c.match(/[\\d.]+/g) || []).map(Number);
  const lum = ([r, g, b]) => [r, g, b].map((v) => (v /= 255) <= 0.03928 ? v / 12.92
    : ((v + 0.055) / 1.055) ** 2.4).reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const ground = (el) => {
    for (let e = el; e; e = e.parentElement || e.getRootNode().host) {
      const c = rgb(getComputedStyle(e).backgroundColor);
      if (c.length && (c[3] ?? 1) > 0.5) return c;
    }
    return [255, 255, 255];
  };
  const out = [], walk = (node) => {
    const w = document.createTreeWalker(node, NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT);
    for (let n; (n = w.nextNode()); ) {
      if (n.shadowRoot) walk(n.shadowRoot);
      if (n.nodeType !== 3 || !n.textContent.trim()) continue;
      const el = n.parentElement, cs = getComputedStyle(el), box = el.getBoundingClientRect();
      if (!box.width || !box.height || cs.visibility === "hidden") continue;
      if (el.closest(":disabled")) continue;
      const [a, b] = [lum(rgb(cs.color)), lum(ground(el))];
      out.push({ text: n.textContent.trim().slice(0, 40), size: parseFloat(cs.fontSize),
                 ratio: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05) });
    }
  };
  walk(root || document.body);
  return out;
}"""


def assert_readable(texts):
    assert len(texts) > 20, texts  # the widgets' words were found
    # 3:1 at least for every word (WCAG's floor for large text and interface parts; the words
    # here are 4.5:1 or more but for a few muted labels); text a dark scheme turned light on a
    # light card would be about 1.2. A legend's line sample ("—", "- -") is drawn in its
    # curve's colour, as the curve is: a picture, not words.
    words = [t for t in texts if t["text"].strip() not in ("\u2014", "- -")]
    faint = [t for t in words if t["ratio"] < 3.0]
    tiny = [t for t in texts if t["size"] < 10]
    assert not faint and not tiny, (faint, tiny)


@pytest.fixture(scope="module")
def textbook():
    """A chapter's widgets, each as an author would leave it after running the chapter."""
    data = load_bundled()
    train, validation = (
        (data.X_train[:600], data.y_train[:600]),
        (data.X_test[:200], data.y_test[:200]),
    )
    dash = TrainingDashboard(
        Network([784, 30, 10], seed=0),
        train=train,
        validation=validation,
        epochs=2,
        batch_size=10,
        learning_rate=0.5,
        calibration=True,
        layer_speed=100,
        label="sigmoid",
    )
    dash.add_run(Network([784, 30, 10], activation="relu", seed=1), label="relu")
    dash.run()
    circle = toy.circle(n=300, noise=0.05, seed=0)
    small = Network([2, 8, 1], activation="tanh", output="sigmoid", cost="cross_entropy", seed=1)
    small.fit(*circle.train, epochs=150, learning_rate=0.1, batch_size=10)
    digits = load_pretrained()
    canvas, diagram = DigitCanvas(network=digits), NetworkDiagram(digits)
    diagram.link(canvas)
    widgets = {
        "dash": dash,
        "bumps": BumpBuilder(n_pairs=5),
        "map": DecisionMap(small, circle, resolution=50),
        "canvas": canvas,
        "diagram": diagram,
    }
    yield widgets
    dash.close()


def serve(folder):
    """An http.server on 127.0.0.1 for ``folder``: ``(base url, server)``; shut it down."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}", server


@pytest.mark.parametrize("how", ["file", "http"])
def test_a_chapter_of_every_widget_works_offline_on_one_page(browser, textbook, tmp_path, how):
    w = textbook
    path = export_html(list(w.values()), tmp_path / "chapter.html", title="Chapter 1")
    base, server = serve(tmp_path) if how == "http" else (None, None)
    url = f"{base}/chapter.html" if base else path.as_uri()
    try:
        with fresh_page(
            browser, viewport={"width": 1200, "height": 900}, offline=how == "file"
        ) as (
            page,
            errors,
        ):
            page.goto(url)
            page.wait_for_function("() => (window.nnwidgetsViews || []).length === 5")
            # every widget draws: each canvas on show is laid out and painted
            dash = page.locator(".nnw-dash")
            expect(dash.locator(".nnw-dash__speedchart")).to_have_count(2)
            page.wait_for_function(f"() => ({CANVASES})().every((c) => c[5] > 0)")
            shown = page.evaluate(CANVASES)
            kinds = {c[0].split()[0] for c in shown if c[0]}
            assert {
                "nnw-dash__speedcanvas",
                "nnw-dash__relcanvas",
                "nnw-bumps__canvas",
                "nnw-dmap__heat",
                "nnw-dmap__points",
                "nnw-canvas__pad",
                "nnw-diagram__canvas",
            } <= kinds, kinds
            assert all(c[1] >= 20 and c[2] >= 20 for c in shown), shown

            # what needs the kernel is off: training buttons, live settings, the run choice
            for sel in (".nnw-dash__btn", ".nnw-dash__input", ".nnw-dash__select"):
                boxes = dash.locator(sel)
                assert boxes.count() > 0
                assert all(boxes.nth(i).is_disabled() for i in range(boxes.count())), sel
            # and the page says why, beside them
            expect(dash.locator(".nnw-dash__recorded")).to_have_text(
                "recorded training: this page has no kernel, so the controls are off"
            )
            # what the page can do alone works: log loss, hiding a run
            loss = dash.locator(".nnw-dash__chart--loss canvas").first
            before = loss.evaluate("(c) => c.toDataURL()")
            dash.locator(".nnw-dash__logbox").check()
            page.wait_for_function(
                "(b) => document.querySelector('.nnw-dash__chart--loss canvas').toDataURL() !== b",
                arg=before,
            )
            dash.locator(".nnw-dash__run").nth(1).click()
            expect(dash.locator(".nnw-dash__run").nth(1)).to_have_class(
                "nnw-dash__run nnw-dash__run--hidden"
            )

            # dragging a bump rescores it
            bumps = page.locator(".nnw-bumps")
            start = bumps.get_attribute("data-deviation")
            drag(page, bumps.locator(".nnw-bumps__handle").nth(0), 60)
            expect(bumps).not_to_have_attribute("data-deviation", start)
            assert float(bumps.get_attribute("data-deviation")) < float(start)

            # hovering a neuron of the map shows that neuron
            dmap = page.locator(".nnw-dmap")
            dmap.locator(".nnw-dmap__thumb").nth(2).hover()
            expect(dmap).to_have_attribute("data-hovered", "1,2")

            # drawing on the pad: the canvas and the linked diagram read the same digit
            pad = page.locator(".nnw-canvas canvas.nnw-canvas__pad")
            pad.scroll_into_view_if_needed()
            draw(page, pad, DIGITS["7"][0])
            expect(page.locator(".nnw-canvas")).to_have_attribute("data-prediction", "7")
            expect(page.locator(".nnw-diagram")).to_have_attribute("data-prediction", "7")
            assert not errors, errors
    finally:
        if server:
            server.shutdown()


@pytest.mark.parametrize("width", [1200, 400])
def test_the_page_is_readable_in_a_dark_colour_scheme_and_on_a_phone(
    browser, textbook, tmp_path, width
):
    path = export_html(list(textbook.values()), tmp_path / "chapter.html", title="Chapter 1")
    with fresh_page(
        browser, viewport={"width": width, "height": 900}, offline=True, color_scheme="dark"
    ) as (page, errors):
        page.goto(path.as_uri())
        page.wait_for_function("() => (window.nnwidgetsViews || []).length === 5")
        page.wait_for_function(f"() => ({CANVASES})().every((c) => c[5] > 0)")
        assert_readable(page.evaluate(TEXTS))
        # nothing wider than the screen: no sideways scrolling of the page
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width
        assert not errors, errors


def test_every_module_on_one_myst_page_in_a_dark_theme(book, textbook):
    page, site = book
    for name in ("bumps", "map", "canvas", "diagram"):
        export_esm(textbook[name], site / f"{name}.mjs")
    # MyST's dark theme: light text on a dark page, and dark native controls
    page.evaluate("""() => { document.documentElement.classList.add("dark");
        document.documentElement.style.colorScheme = "dark";
        Object.assign(document.body.style, {background: "#111827", color: "#e5e7eb"}); }""")
    for name in ("diagram", "map", "bumps", "canvas"):  # any order
        page.evaluate(
            "(spec) => window.mount(spec)",
            {"esm": f"{ORIGIN}/{name}.mjs", "css": None, "shadow": True, "json": {}},
        )
    for root in (".nnw-bumps", ".nnw-dmap", ".nnw-canvas", ".nnw-diagram"):
        expect(page.locator(root)).to_have_count(1)
    painted = """() => window.mounts.every((m) => [...m.el.querySelectorAll('canvas')]
        .filter((c) => c.offsetParent).every((c) => { const d = c.getContext('2d')
        .getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false; }))"""
    page.wait_for_function(painted)
    assert_readable(page.evaluate(TEXTS))
    # the light cards keep light native controls on the dark page (a dark number box on a
    # white card reads as a hole)
    for card in (".nnw-diagram", ".nnw-canvas"):
        scheme = page.locator(f"{card} input, {card} button").first.evaluate(
            "(e) => getComputedStyle(e).colorScheme"
        )
        assert scheme == "light", (card, scheme)

    bumps = page.locator(".nnw-bumps")
    start = bumps.get_attribute("data-deviation")
    drag(page, bumps.locator(".nnw-bumps__handle").nth(0), 60)
    expect(bumps).not_to_have_attribute("data-deviation", start)
    dmap = page.locator(".nnw-dmap")
    dmap.locator(".nnw-dmap__thumb").nth(1).hover()
    expect(dmap).to_have_attribute("data-hovered", "1,1")
    pad = page.locator(".nnw-canvas canvas.nnw-canvas__pad")
    pad.scroll_into_view_if_needed()
    draw(page, pad, DIGITS["0"][0])
    expect(page.locator(".nnw-canvas")).to_have_attribute("data-prediction", "0")
    expect(page.locator(".nnw-diagram")).to_have_attribute("data-prediction", "0")
    assert page.evaluate("() => window.hostCalls") == []
    assert not page.errors, page.errors


def test_one_widget_listed_twice_is_two_views_of_one_model(browser, textbook, tmp_path):
    canvas, diagram = textbook["canvas"], textbook["diagram"]
    path = export_html([canvas, diagram, canvas], tmp_path / "twice.html")
    with fresh_page(browser, viewport={"width": 1200, "height": 900}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        pads = page.locator(".nnw-canvas")
        expect(pads).to_have_count(2)
        pad = pads.nth(0).locator("canvas.nnw-canvas__pad")
        pad.scroll_into_view_if_needed()
        draw(page, pad, DIGITS["3"][0])
        # as a widget displayed twice in Jupyter: the linked diagram follows the widget,
        # whichever of its views is drawn on (before, it followed only the last one)
        expect(pads.nth(0)).to_have_attribute("data-prediction", "3")
        expect(page.locator(".nnw-diagram")).to_have_attribute("data-prediction", "3")
        pads.nth(0).locator("button", has_text="Clear").click()
        pad = pads.nth(1).locator("canvas.nnw-canvas__pad")
        pad.scroll_into_view_if_needed()
        draw(page, pad, DIGITS["0"][0])
        expect(pads.nth(1)).to_have_attribute("data-prediction", "0")
        expect(page.locator(".nnw-diagram")).to_have_attribute("data-prediction", "0")
        assert page.evaluate("() => nnwidgetsViews[0].model === nnwidgetsViews[2].model")
        assert not errors, errors


class BookNet:
    """The book's Network (Nielsen ch. 1): biases as columns, sigmoid neurons."""

    def __init__(self, sizes):
        rng = np.random.default_rng(3)
        self.sizes = sizes
        self.biases = [rng.standard_normal((n, 1)) for n in sizes[1:]]
        self.weights = [rng.standard_normal((n, m)) / 10 for m, n in zip(sizes[:-1], sizes[1:])]

    def feedforward(self, a):
        for b, w in zip(self.biases, self.weights):
            a = 1 / (1 + np.exp(-(w @ a + b)))
        return a

    def backprop(self, x, y):
        raise NotImplementedError  # only shown here, never trained


def test_a_book_network_runs_in_the_page_as_in_the_readers_feedforward(browser, tmp_path):
    book = BookNet([784, 16, 10])
    canvas, diagram = DigitCanvas(network=book), NetworkDiagram(book)
    diagram.link(canvas)
    path = export_html([canvas, diagram], tmp_path / "book.html")
    with fresh_page(browser, viewport={"width": 1200, "height": 900}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        root = page.locator(".nnw-canvas")
        draw(page, root.locator("canvas.nnw-canvas__pad"), DIGITS["2"][0])
        expect(root).not_to_have_attribute("data-prediction", "")
        x = np.array(page.evaluate("() => Array.from(nnwidgetsViews[0].model.get('_live'))"))
        probs = np.array(root.get_attribute("data-probabilities").split(","), float)
        ours = book.feedforward(x.reshape(-1, 1)).ravel()
        # the reader's sigmoid outputs, from weights stored as float16
        np.testing.assert_allclose(probs, ours, atol=2e-3)
        expect(page.locator(".nnw-diagram")).to_have_attribute(
            "data-prediction", str(int(np.argmax(ours)))
        )
        assert not errors, errors


TITLE = 'Réseaux & <neurones> — 神经网络 "σ(z)" 🧠'


@pytest.mark.parametrize("charset", ["utf-8", "windows-1252", None])
def test_a_title_beyond_ascii_reads_right_whatever_charset_the_server_claims(
    browser, tmp_path, charset
):
    path = export_html(
        DigitCanvas(network=Network([784, 8, 10], seed=0)), tmp_path / "t.html", title=TITLE
    )
    body = path.read_bytes()
    kind = f"text/html; charset={charset}" if charset else "text/html"
    with fresh_page(browser, viewport={"width": 900, "height": 700}) as (page, errors):
        page.route(
            "http://book.test/t.html",
            lambda route: route.fulfill(status=200, body=body, headers={"content-type": kind}),
        )
        page.goto("http://book.test/t.html")
        expect(page.locator("h1")).to_have_text(TITLE)
        assert page.title() == TITLE
        expect(page.locator(".nnw-canvas__hint")).to_have_text("Draw a digit 0\u20139")
        assert not errors, errors


def test_a_nan_in_one_widgets_state_does_not_blank_the_page(browser, tmp_path):
    import anywidget
    import traitlets

    class Reading(anywidget.AnyWidget):
        _esm = """export default { render({ model, el }) {
            el.className = "reading"; el.textContent = JSON.stringify(model.get("values")); } };"""
        values = traitlets.List([float("nan"), 1.5, float("-inf")]).tag(sync=True)

    path = export_html(
        [Reading(), DigitCanvas(network=Network([784, 8, 10], seed=0))], tmp_path / "nan.html"
    )
    with fresh_page(browser, viewport={"width": 900, "height": 900}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        expect(page.locator(".reading")).to_have_text("[null,1.5,null]")  # as JSON.stringify
        expect(page.locator(".nnw-canvas")).to_have_count(1)
        assert not errors, errors
