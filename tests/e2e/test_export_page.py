"""export_html: the page opens from disk (file://) in Chromium with no kernel and no network,
and the pad still reads what is drawn on it."""


import numpy as np
import pytest
from playwright.sync_api import expect

from nnwidgets import load_pretrained
from nnwidgets.preprocess import rasterize_strokes, to_mnist
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.export import export_html

from _pages import fresh_page
from _pen import DIGITS, draw

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="session")
def digit_network():
    """The shipped model, which the exported page runs."""
    return load_pretrained()


def test_exported_page_works_from_disk_offline(browser, digit_network, tmp_path):
    canvas = DigitCanvas(network=digit_network)
    path = export_html([canvas, DigitCanvas(network=digit_network)], tmp_path / "sub" / "page.html", title="Draw")
    assert not list(path.parent.glob(".*.tmp"))  # atomic write left nothing behind
    text = path.read_text()
    assert "http://" not in text and "https://" not in text  # nothing to fetch

    with fresh_page(browser, viewport={"width": 1000, "height": 900}, offline=True) as (page, errors):
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
        ours = digit_network.predict_proba(to_mnist(rasterize_strokes(DIGITS["0"][0])).reshape(1, -1))[0]
        assert int(np.argmax(ours)) == int(np.argmax(probs))
        assert not errors, errors


def test_export_rejects_non_widgets(tmp_path):
    with pytest.raises(ValueError, match="anywidget"):
        export_html([object()], tmp_path / "x.html")
    with pytest.raises(ValueError, match="at least one"):
        export_html([], tmp_path / "x.html")


# Counts what the page adds to window and document, and the animation frames and resize
# observers it has pending, so a test can check that a widget's cleanup undoes all of it.
_TRACK = """
(() => {
  const live = (window.nnwLive = { window: new Set(), document: new Set(), frames: new Set(), observers: 0 });
  for (const [name, target] of [["window", window], ["document", document]]) {
    const add = target.addEventListener.bind(target), remove = target.removeEventListener.bind(target);
    // only the widget's own: its module is loaded from a data: URL (Playwright adds listeners too)
    const mine = () => (new Error().stack || "").includes("data:text/javascript");
    target.addEventListener = (type, fn, opts) => { if (mine()) live[name].add(type + "|" + fn); return add(type, fn, opts); };
    target.removeEventListener = (type, fn, opts) => { live[name].delete(type + "|" + fn); return remove(type, fn, opts); };
  }
  const raf = window.requestAnimationFrame.bind(window), caf = window.cancelAnimationFrame.bind(window);
  window.requestAnimationFrame = (cb) => { const id = raf((t) => { live.frames.delete(id); cb(t); }); live.frames.add(id); return id; };
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
            pad.dispatchEvent(new PointerEvent("pointerdown", {pointerId: 7, clientX: 10, clientY: 10, bubbles: true}));
            window.nnwidgetsViews[0].cleanup();
            return {w: [...nnwLive.window], d: [...nnwLive.document], frames: nnwLive.frames.size,
                    observers: nnwLive.observers, dom: document.querySelectorAll(".nnw-canvas").length};
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
        page.wait_for_function("() => document.querySelector('canvas.nnw-canvas__pad').width === 560")
        assert pad.evaluate("(c) => [c.clientWidth, c.width, c.height]") == [280, 560, 560]
        assert pad.evaluate("(c) => getComputedStyle(c).touchAction") == "none"
    finally:
        context.close()
