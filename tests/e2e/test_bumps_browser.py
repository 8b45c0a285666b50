"""BumpBuilder in a browser: dragging a bump with the mouse (and the arrow keys) changes the
score in the page at once and the heights and deviation in Python when the drag ends
(JupyterLab, Notebook 7, and marimo as a smoke test); Python's heights reach the page; an
export_html page with no kernel does the same, on a high-DPI canvas, and its cleanup removes
what render made."""

import pathlib
import re

import numpy as np
import pytest
from _pages import drag, fresh_page
from playwright.sync_api import expect

from nnwidgets import BumpBuilder, bumps
from nnwidgets.widgets.export import export_html

pytestmark = pytest.mark.e2e

GOAL_LOGIT = bumps.logit(bumps.nndl_goal(np.arange(100) / 100))

SETUP = """
from nnwidgets import BumpBuilder
b = BumpBuilder()
b
"""


def python_says(nb, code, expected, tries=20):
    """What ``code`` prints in the kernel, once it prints ``expected`` (or after ``tries`` cells).

    ipywidgets sends a widget message while the kernel is busy with the previous one later,
    when the kernel reports idle; a cell run at that moment can go first. So a change from the
    page reaches Python by the next cell or the one after, not necessarily by the first.
    """
    for _ in range(tries):
        out = nb.run_cell(code).strip()
        if out == expected:
            break
    return out


def page_numbers(root):
    heights = [float(v) for v in root.get_attribute("data-heights").split(",")]
    steps = [float(v) for v in root.get_attribute("data-steps").split(",")]
    return heights, steps, float(root.get_attribute("data-deviation"))


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_dragging_a_bump_reaches_python(open_notebook, app):
    nb = open_notebook([SETUP], app=app)
    root = nb.page.locator(".nnw-bumps")
    expect(root).to_have_count(1)
    start = float(root.get_attribute("data-deviation"))
    assert start == pytest.approx(np.mean(np.abs(GOAL_LOGIT)), abs=1e-12)  # heights 0
    expect(root).to_have_attribute("data-success", "false")

    # Drag bump 1 (x in [0, 0.2)) down to about -1.3, where sigma^-1 f lies.
    drag(nb.page, root.locator(".nnw-bumps__handle").nth(0), 60)
    expect(root).not_to_have_attribute("data-deviation", str(start))
    heights, steps, dev = page_numbers(root)
    assert heights[0] < -0.5 and heights[1:] == [0.0] * 4
    assert dev < start
    python_says(nb, "print(repr(b.heights))", repr(heights))
    out = nb.run_cell("print(repr(b.heights)); print(repr(b.deviation))").split("\n")
    assert eval(out[0]) == heights  # the page's heights, exactly
    assert float(out[1]) == pytest.approx(dev, abs=1e-12)  # NumPy's score is the page's
    assert dev == pytest.approx(bumps.deviation(GOAL_LOGIT, heights, steps), abs=1e-12)

    # The keyboard: bump 2 focused, two presses of the up arrow raise it by 0.1 each.
    handle = root.locator(".nnw-bumps__handle").nth(1)
    handle.focus()
    handle.press("ArrowUp")
    handle.press("ArrowUp")
    expect(root).to_have_attribute("data-heights", ",".join(map(str, [heights[0], 0.2, 0, 0, 0])))
    assert python_says(nb, "print(b.heights[1])", "0.2") == "0.2"

    # Python -> page: the best heights meet NNDL's challenge, and the page says so.
    nb.run_cell("b.fit_heights();")  # ";": the returned widget is not shown again
    expect(root).to_have_attribute("data-success", "true")
    expect(root.locator(".nnw-bumps__success")).to_be_visible()
    assert float(root.get_attribute("data-deviation")) == pytest.approx(0.3717, abs=1e-4)

    # The toggle: output space from the page reaches Python.
    root.locator("button", has_text="output space").click()
    expect(root).to_have_attribute("data-space", "output")
    assert python_says(nb, "print(b.space)", "output") == "output"
    assert not [e for e in nb.console_errors if "nnw" in e or "anywidget" in e.lower()]


def test_exported_page_with_no_kernel_drags_scores_and_cleans_up(browser, tmp_path):
    b = BumpBuilder(free_steps=True)
    b.show_network(b.network())
    path = export_html([b], tmp_path / "bumps.html")
    with fresh_page(
        browser, viewport={"width": 900, "height": 700}, offline=True, device_scale_factor=2
    ) as (page, errors):
        page.goto(path.as_uri())
        root = page.locator(".nnw-bumps")
        expect(root).to_have_count(1)
        start = float(root.get_attribute("data-deviation"))

        drag(page, root.locator(".nnw-bumps__handle").nth(4), -50)  # bump 5 up, toward sigma^-1 f
        expect(root).not_to_have_attribute("data-deviation", str(start))
        heights, steps, dev = page_numbers(root)
        assert heights[4] > 0.5 and dev < start
        assert dev == pytest.approx(bumps.deviation(GOAL_LOGIT, heights, steps), abs=1e-12)

        # a free step moves with the keyboard, and the score follows
        step = root.locator(".nnw-bumps__step").nth(0)
        step.focus()
        before = root.get_attribute("data-steps")
        step.press("ArrowRight")
        # The page writes its numbers with the next frame's drawing, not in the key's handler.
        expect(root).not_to_have_attribute("data-steps", before)
        heights, steps, moved = page_numbers(root)
        assert steps[1] == pytest.approx(0.21, abs=1e-12)
        assert moved == pytest.approx(bumps.deviation(GOAL_LOGIT, heights, steps), abs=1e-12)
        # a screen reader hears how far the step may go, and each bump's output with its h
        assert step.get_attribute("aria-valuemin") == "0.010"
        assert step.get_attribute("aria-valuemax") == f"{steps[2] - 0.01:.3f}"
        bump = root.locator(".nnw-bumps__handle").nth(4)
        expect(bump).to_have_attribute("aria-valuetext", re.compile(r"^bump 5: h = .* \(output"))

        # high-DPI: the backing store has two device pixels per CSS pixel
        size = page.evaluate("""() => {
            const c = document.querySelector('.nnw-bumps__canvas');
            return [c.width, c.clientWidth, c.height, c.clientHeight]; }""")
        assert size[0] == 2 * size[1] and size[2] == 2 * size[3], size

        # malformed heights in the model (a page script, a broken host) are logged and ignored
        before = root.get_attribute("data-heights")
        page.evaluate("() => window.nnwidgetsViews[0].model.set('heights', [1, 'x', null])")
        page.evaluate("() => new Promise(requestAnimationFrame)")
        assert root.get_attribute("data-heights") == before
        assert [e for e in errors if "ignoring heights" in e], errors
        errors.clear()

        # cleanup: the view's elements are gone and the page no longer reacts to the model
        left = page.evaluate("""() => { const v = window.nnwidgetsViews[0];
                                        v.cleanup();
                                        v.model.set('heights', [1, 1, 1, 1, 1]);
                                        return v.el.querySelectorAll('*').length; }""")
        assert left == 0
        expect(page.locator(".nnw-bumps")).to_have_count(0)
        assert not errors, errors


def test_marimo_smoke_a_drag_reaches_python(browser, tmp_path):
    pytest.importorskip("marimo", reason="pip install -e '.[test]' installs marimo")
    from _marimo import marimo_run

    app = pathlib.Path(__file__).parent / "marimo_bumps_app.py"
    with marimo_run(app, tmp_path) as (url, log_path):
        with fresh_page(
            browser, viewport={"width": 1200, "height": 1000}, console=False, timeout=30_000
        ) as (page, _):
            try:
                page.goto(url)
                root = page.locator(".nnw-bumps")
                expect(root).to_have_count(1, timeout=60_000)  # the kernel runs the cells first
                drag(page, root.locator(".nnw-bumps__handle").nth(0), 60)
                heights, _, dev = page_numbers(root)
                assert heights[0] < -0.5
                # marimo re-runs the reading cell with the page's heights
                expect(page.get_by_text("python-heights=")).to_contain_text(
                    f"python-heights={','.join(map(repr, heights))} "
                )
                said = page.get_by_text("python-deviation=").inner_text()
                said = float(said.split("python-deviation=")[1].split()[0])
                assert said == pytest.approx(dev, abs=1e-12)
            except Exception:
                print(f"[e2e] marimo log tail:\n{log_path.read_text()[-3000:]}")
                raise


def test_export_esm_module_drags_in_a_myst_like_host(book):
    # The host page of _myst.py: MyST's model (get, set, on; save_changes, off and send
    # throw), the widget rendered into a shadow root with its stylesheet.
    from _myst import ORIGIN

    from nnwidgets.widgets.export_esm import export_esm

    page, site = book
    b = BumpBuilder()
    b.fit_heights()
    export_esm(b, site / "bumps.mjs")
    mount = page.evaluate(
        "(spec) => window.mount(spec)",
        {"esm": f"{ORIGIN}/bumps.mjs", "css": None, "shadow": True, "json": {}},
    )
    root = page.locator(".nnw-bumps")
    expect(root).to_have_attribute("data-success", "true")  # the exported heights
    start = root.get_attribute("data-deviation")
    assert float(start) == pytest.approx(0.3717, abs=1e-4)
    drag(page, root.locator(".nnw-bumps__handle").nth(2), 40)
    expect(root).not_to_have_attribute("data-deviation", start)
    heights, steps, dev = page_numbers(root)
    assert dev == pytest.approx(bumps.deviation(GOAL_LOGIT, heights, steps), abs=1e-12)
    page.evaluate("(i) => window.unmount(i)", mount)
    expect(root).to_have_count(0)
    assert not page.errors, page.errors
