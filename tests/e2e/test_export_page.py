"""export_html: the page opens from disk (file://) in Chromium with no kernel and no network,
and the pad still reads what is drawn on it."""

import numpy as np
import pytest
from _pages import fresh_page
from _pen import DIGITS, draw
from playwright.sync_api import expect

from nnwidgets import load_pretrained
from nnwidgets.preprocess import rasterize_strokes, to_mnist
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.diagram import NetworkDiagram
from nnwidgets.widgets.export import export_html

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def digit_network():
    """The shipped model, which the exported page runs."""
    return load_pretrained()


def test_exported_page_works_from_disk_offline(browser, digit_network, tmp_path):
    canvas = DigitCanvas(network=digit_network)
    path = export_html(
        [canvas, DigitCanvas(network=digit_network)], tmp_path / "sub" / "page.html", title="Draw"
    )
    assert not list(path.parent.glob(".*.tmp"))  # atomic write left nothing behind
    text = path.read_text()
    assert "http://" not in text and "https://" not in text  # nothing to fetch

    with fresh_page(browser, viewport={"width": 1000, "height": 900}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        pads = page.locator(".nnw-canvas")
        expect(pads).to_have_count(2)  # two canvases on one page do not collide
        first = pads.nth(0)
        expect(first.locator(".nnw-canvas__hint")).to_be_visible()

        for digit in ("7", "0"):
            first.locator("button", has_text="Clear").click()
            expect(first).to_have_attribute("data-prediction", "")
            draw(page, first.locator("canvas.nnw-canvas__pad"), DIGITS[digit][0])
            expect(first).to_have_attribute("data-prediction", digit)
            expect(first.locator(".nnw-canvas__prediction")).to_have_text(digit)
        # the other canvas was not touched
        expect(pads.nth(1)).to_have_attribute("data-prediction", "")

        # the page's numbers are the NumPy network's on the same digit (JS forward == NumPy forward)
        probs = np.array(first.get_attribute("data-probabilities").split(","), float)
        assert probs.shape == (10,) and abs(probs.sum() - 1) < 1e-5
        ours = digit_network.predict_proba(
            to_mnist(rasterize_strokes(DIGITS["0"][0])).reshape(1, -1)
        )[0]
        assert int(np.argmax(ours)) == int(np.argmax(probs))
        assert not errors, errors


def _rounded_to_float16(net):
    """A float64 copy of ``net``, every parameter rounded to float16 as the page stores them."""
    from nnwidgets import Network
    from nnwidgets.widgets._base import function_name

    copy = Network(
        net.sizes,
        activation=function_name(net.activation),
        output=function_name(net.output),
        dtype="float64",
        seed=0,
    )
    copy.set_parameters(
        [w.astype(np.float16).astype(np.float64) for w in net.weights],
        [b.astype(np.float16).astype(np.float64) for b in net.biases],
    )
    return copy


def test_canvas_and_linked_diagram_page_stores_the_network_once_and_predicts_as_numpy(
    browser, digit_network, tmp_path
):
    canvas, diagram = DigitCanvas(network=digit_network), NetworkDiagram(digit_network)
    diagram.link(canvas)
    path = export_html([canvas, diagram], tmp_path / "digit.html")
    assert path.stat().st_size <= 4e6, path.stat().st_size  # 13.8 MB when stored per widget
    rounded = _rounded_to_float16(digit_network)

    with fresh_page(browser, viewport={"width": 1000, "height": 1600}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        root, diag = page.locator(".nnw-canvas"), page.locator(".nnw-diagram")
        expect(diag).to_have_attribute("data-linked", "true")
        pad = root.locator("canvas.nnw-canvas__pad")
        pad.evaluate("(el) => el.scrollIntoView({block: 'center'})")
        for digit in ("7", "0", "3"):
            root.locator("button", has_text="Clear").click()
            expect(root).to_have_attribute("data-prediction", "")
            draw(page, pad, DIGITS[digit][0])
            expect(root).to_have_attribute("data-prediction", digit)
            expect(diag).to_have_attribute("data-prediction", digit)
            # the 28x28 the page fed its network, read back from the canvas's model
            x = np.array(
                page.evaluate("() => Array.from(window.nnwidgetsViews[0].model.get('_live'))"),
                float,
            )
            probs = np.array(root.get_attribute("data-probabilities").split(","), float)
            ours = rounded.predict_proba(x.reshape(1, -1))[0]
            # The same float16-rounded weights on both sides (the page's forward pass sums in
            # doubles): measured 1e-14 apart in log-probability. Compared as logs, because the
            # probabilities of a clear digit saturate: weights 2% off in the page moved them by
            # under 1e-5 but their logs by 0.5.
            np.testing.assert_allclose(
                np.log(np.maximum(probs, 1e-300)),
                np.log(np.maximum(ours, 1e-300)),
                rtol=0,
                atol=1e-6,
            )
            out = np.array(diag.get_attribute("data-output").split(","), float)
            np.testing.assert_allclose(out, probs, atol=1e-6)  # both widgets read one network
        assert not errors, errors


# Each tries a different way to run script in the page or to swallow the page's own scripts.
HOSTILE = (
    "<!--<script>window.pwned=(window.pwned||[]).concat(1)</script>"
    "</script><script>window.pwned=(window.pwned||[]).concat(2)</script>"
    '<img src=x onerror="window.pwned=(window.pwned||[]).concat(3)">\u2028&amp;'
)


def test_script_tags_in_every_string_field_neither_break_the_page_nor_run(browser, tmp_path):
    from nnwidgets import ModelInfo, Network, TrainingDashboard
    from nnwidgets.training import Callback

    def schedule(epoch):
        return "not a number"

    schedule.__name__ = HOSTILE

    class Fails(Callback):
        def on_epoch_end(self, trainer, epoch, logs):
            raise RuntimeError(HOSTILE)

    rng = np.random.default_rng(0)
    X, y = rng.random((40, 4)), np.arange(40) % 2
    dash = TrainingDashboard(
        Network([4, 3, 2], seed=0), train=(X, y), epochs=1, batch_size=10, label=HOSTILE
    )
    dash.add_run(Network([4, 3, 2], seed=1), label=HOSTILE + " schedule", schedule=schedule)
    dash.run()  # stops at the failed run, so the callback's failure needs a dashboard of its own
    other = TrainingDashboard(
        Network([4, 3, 2], seed=2),
        train=(X, y),
        epochs=1,
        batch_size=10,
        label=HOSTILE + " callback",
        callbacks=[Fails()],
    )
    other.run()
    messages = [r.message for r in dash.runs + other.runs]
    assert [HOSTILE in m for m in messages] == [False, True, True], messages  # errors carry it
    info = ModelInfo(Network([4, 3, 2], seed=0), title=HOSTILE)
    canvas = DigitCanvas(network=Network([784, 8, 10], seed=0))
    canvas._echo = HOSTILE
    path = export_html([info, canvas, dash, other], tmp_path / "hostile.html", title=HOSTILE)

    viewport = {"width": 1200, "height": 1400}
    with fresh_page(browser, viewport=viewport, offline=True) as (page, errors):
        dialogs = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.goto(path.as_uri())
        expect(page.locator(".nnw-info__title")).to_have_text(HOSTILE)  # shown as text
        expect(page.locator("h1")).to_have_text(HOSTILE)
        assert page.title() == HOSTILE
        expect(page.locator(".nnw-canvas")).to_have_count(1)
        chips = page.locator(".nnw-dash__run")
        expect(chips).to_have_count(3)
        expect(chips.nth(0)).to_contain_text(HOSTILE)
        expect(page.locator(".nnw-dash__message").nth(1)).to_contain_text(HOSTILE)
        page.wait_for_function("() => (window.nnwidgetsViews || []).length === 4")
        assert page.evaluate("() => window.nnwidgetsViews[1].model.get('_echo')") == HOSTILE
        assert page.evaluate("() => window.pwned") is None  # nothing injected ran
        assert page.locator("img").count() == 0
        assert not dialogs and not errors, (dialogs, errors)
    dash.close()
    other.close()


def test_export_rejects_non_widgets(tmp_path):
    with pytest.raises(ValueError, match="anywidget"):
        export_html([object()], tmp_path / "x.html")
    with pytest.raises(ValueError, match="at least one"):
        export_html([], tmp_path / "x.html")


# Counts what the page adds to window and document, and the animation frames and resize
# observers it has pending, so a test can check that a widget's cleanup undoes all of it.
_TRACK = """
(() => {
  const live = (window.nnwLive = {
    window: new Set(), document: new Set(), frames: new Set(), observers: 0 });
  for (const [name, target] of [["window", window], ["document", document]]) {
    const add = target.addEventListener.bind(target),
      remove = target.removeEventListener.bind(target);
    // only the widget's own: its module is loaded from a data: URL (Playwright adds listeners too)
    const mine = () => (new Error().stack || "").includes("data:text/javascript");
    target.addEventListener = (type, fn, opts) => {
      if (mine()) live[name].add(type + "|" + fn); return add(type, fn, opts); };
    target.removeEventListener = (type, fn, opts) => {
      live[name].delete(type + "|" + fn); return remove(type, fn, opts); };
  }
  const raf = window.requestAnimationFrame.bind(window),
    caf = window.cancelAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => {
    const id = raf((t) => { live.frames.delete(id); cb(t); });
    live.frames.add(id); return id;
  };
  window.cancelAnimationFrame = (id) => { live.frames.delete(id); caf(id); };
  const RO = window.ResizeObserver;
  window.ResizeObserver = class extends RO {
    observe(...a) { live.observers++; return super.observe(...a); }
    disconnect() { live.observers = 0; return super.disconnect(); }
  };
})();
"""


def test_cleanup_removes_every_listener_frame_and_observer(browser, digit_network, tmp_path):
    path = export_html(DigitCanvas(network=digit_network), tmp_path / "page.html")
    context = browser.new_context(offline=True)
    page = context.new_page()
    page.add_init_script(_TRACK)
    try:
        page.goto(path.as_uri())
        root = page.locator(".nnw-canvas")
        expect(root).to_have_count(1)
        before = page.evaluate("() => ({w: nnwLive.window.size, d: nnwLive.document.size})")
        assert page.evaluate("() => nnwLive.window.size") >= 1  # the widget did add some
        assert page.evaluate("() => nnwLive.observers") >= 1
        # leave a frame pending: move the pen, then unmount before the frame runs
        pad = root.locator("canvas.nnw-canvas__pad")
        draw(page, pad, DIGITS["1"][0])
        left = page.evaluate("""() => {
            const pad = document.querySelector("canvas.nnw-canvas__pad");
            pad.dispatchEvent(new PointerEvent("pointerdown",
              {pointerId: 7, clientX: 10, clientY: 10, bubbles: true}));
            window.nnwidgetsViews[0].cleanup();
            return {w: [...nnwLive.window], d: [...nnwLive.document], frames: nnwLive.frames.size,
                    observers: nnwLive.observers,
                    dom: document.querySelectorAll(".nnw-canvas").length};
        }""")
        assert left == {"w": [], "d": [], "frames": 0, "observers": 0, "dom": 0}, (before, left)
    finally:
        context.close()


def test_backing_store_follows_device_pixel_ratio(browser, digit_network, tmp_path):
    path = export_html(DigitCanvas(network=digit_network), tmp_path / "page.html")
    context = browser.new_context(offline=True, device_scale_factor=2)
    page = context.new_page()
    try:
        page.goto(path.as_uri())
        pad = page.locator("canvas.nnw-canvas__pad")
        expect(pad).to_have_count(1)
        # 280 CSS pixels drawn with 560 device pixels, so strokes stay sharp on a high-DPI screen
        page.wait_for_function(
            "() => document.querySelector('canvas.nnw-canvas__pad').width === 560"
        )
        assert pad.evaluate("(c) => [c.clientWidth, c.width, c.height]") == [280, 560, 560]
        assert pad.evaluate("(c) => getComputedStyle(c).touchAction") == "none"
    finally:
        context.close()
