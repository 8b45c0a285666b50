"""Section 2's widgets under marimo (`marimo run` on tests/e2e/marimo_section2_hosts_app.py),
through mo.ui.anywidget: a BumpBuilder dragged and moved by the arrow keys (the heights reach
Python), a DecisionMap whose page accuracy reaches Python and whose neurons show on hover and
focus, and a TrainingDashboard with calibration and layer speeds started from the page by the
keyboard, its panels drawn and what Python holds asked from the page. Each widget fits its cell
with no sideways scroll; screenshots go to ``$NNWIDGETS_HOSTS_SHOTS`` (default ``/tmp/hosts``).
"""

import os
from pathlib import Path

import pytest
from _marimo import marimo_run
from _pages import drag, fresh_page
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

marimo = pytest.importorskip("marimo", reason="pip install -e '.[test]' installs marimo")

APP = Path(__file__).parent / "marimo_section2_hosts_app.py"
SHOTS = Path(os.environ.get("NNWIDGETS_HOSTS_SHOTS", "/tmp/hosts"))

PAINTED = """(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""


def said(page, key):
    """The value after ``key=`` in the markdown a reading cell shows."""
    text = page.get_by_text(f"{key}=").inner_text()
    return text.split(f"{key}=")[1].split()[0]


def fits_its_cell(root):
    """The widget's box lies inside its marimo cell's output, and nothing scrolls sideways.

    marimo renders the widget in a shadow root: its host's ancestors hold the output."""
    return root.evaluate(
        """(el) => {
            const host = el.getRootNode().host || el.parentElement;
            const area = host.closest('.output-area') || host.parentElement;
            const a = area.getBoundingClientRect(), b = el.getBoundingClientRect();
            return {inside: b.left >= a.left - 1 && b.right <= a.right + 1,
                    scrolls: area.scrollWidth > area.clientWidth + 1,
                    width: b.width, height: b.height, area: a.width, cls: area.className,
                    page: document.documentElement.scrollWidth > window.innerWidth};
        }"""
    )


def shot(page, name, locator=None):
    """A PNG of the window, or of one widget. marimo scrolls the notebook inside its own
    element, so a widget taller than the window is shot in a window made tall enough."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    if locator is None:
        page.screenshot(path=str(path))
        return path
    size = page.viewport_size
    tall = int(locator.bounding_box()["height"]) + 300
    if tall > size["height"]:
        page.set_viewport_size({"width": size["width"], "height": tall})
    locator.scroll_into_view_if_needed()
    locator.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300)))")
    locator.screenshot(path=str(path))
    page.set_viewport_size(size)
    return path


# The look of an editable field: a border, a shadow or a background of its own.
# A box shows as a box by its edge: a white ground on the white card would not.
FIELD_SHOWS = """(e) => { const s = getComputedStyle(e);
    return (parseFloat(s.borderTopWidth) > 0 && s.borderTopStyle !== 'none')
        || s.boxShadow !== 'none'; }"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """``marimo run`` on the app: (url, log path). Each page gets a session of its own."""
    with marimo_run(APP, tmp_path_factory.mktemp("marimo-section2")) as s:
        yield s


@pytest.mark.parametrize("width", [1200, 760])
def test_section2_widgets_under_marimo(browser, served, width):
    url, log_path = served
    with fresh_page(browser, viewport={"width": width, "height": 1000}, timeout=30_000) as (
        page,
        errors,
    ):
        try:
            check_page(page, url, width)
            assert not errors, errors
        except Exception:
            print(f"[e2e] marimo log tail:\n{log_path.read_text()[-3000:]}")
            print(f"[e2e] page errors: {errors}")
            shot(page, f"marimo-{width}-failed")
            raise


def test_the_dashboards_fields_look_editable_under_marimo(browser, served):
    url, _ = served
    with fresh_page(browser, viewport={"width": 1200, "height": 1000}, timeout=30_000) as (
        page,
        _,
    ):
        page.goto(url)
        fields = page.locator(".nnw-dash .nnw-dash__input")
        expect(fields).to_have_count(4, timeout=90_000)
        for i in range(4):
            assert fields.nth(i).evaluate(FIELD_SHOWS), fields.nth(i).get_attribute("class")


def check_page(page, url, width):
    page.goto(url)
    bumps, dmap, dash = (page.locator(s) for s in (".nnw-bumps", ".nnw-dmap", ".nnw-dash"))
    for root in (bumps, dmap, dash):
        expect(root).to_have_count(1, timeout=90_000)  # the kernel runs the cells first
    expect(dmap).to_have_attribute("data-task", "binary")
    for root in (bumps, dmap, dash):
        fit = fits_its_cell(root)
        assert fit["inside"] and not fit["scrolls"] and not fit["page"], fit
        assert fit["height"] > 150 and fit["width"] > 300, fit
    shot(page, f"marimo-{width}-all")

    # -- BumpBuilder: a drag and two arrow keys reach the kernel --------------------------------
    drag(page, bumps.locator(".nnw-bumps__handle").nth(0), 60)
    heights = bumps.get_attribute("data-heights")
    assert float(heights.split(",")[0]) < -0.5
    expect(page.get_by_text("python-heights=")).to_contain_text(
        "python-heights=" + ",".join(repr(float(h)) for h in heights.split(","))
    )
    handle = bumps.locator(".nnw-bumps__handle").nth(2)
    handle.focus()
    handle.press("ArrowUp")
    handle.press("ArrowUp")
    expect(bumps).to_have_attribute("data-heights", f"{heights.split(',')[0]},0,0.2,0,0")
    expect(page.get_by_text("python-heights=")).to_contain_text(",0.0,0.2,0.0,0.0")
    shot(page, f"marimo-{width}-bumps", bumps)

    # -- DecisionMap: the page's accuracy reaches Python; hover and focus show a neuron ---------
    expect(page.get_by_text("python-map=")).not_to_contain_text("python-map=None")
    page_acc = float(said(page, "python-map"))
    assert page_acc == pytest.approx(float(dmap.get_attribute("data-accuracy")), abs=1e-4)
    assert abs(page_acc - float(said(page, "numpy-accuracy"))) <= 0.01
    thumbs = dmap.locator(".nnw-dmap__thumb")
    expect(thumbs).to_have_count(8)
    thumbs.nth(3).scroll_into_view_if_needed()
    thumbs.nth(3).hover()
    expect(dmap).to_have_attribute("data-hovered", "1,3")
    page.mouse.move(2, 2)
    expect(dmap).to_have_attribute("data-hovered", "")
    thumbs.nth(0).focus()
    expect(dmap).to_have_attribute("data-hovered", "1,0")
    page.keyboard.press("Tab")  # the next neuron, by keyboard alone
    expect(dmap).to_have_attribute("data-hovered", "1,1")
    shot(page, f"marimo-{width}-decision-map", dmap)

    # -- TrainingDashboard: a setting typed in the page, Start by keyboard, the panels drawn ---
    shot(page, f"marimo-{width}-dashboard-fields", dash.locator(".nnw-dash__fields").first)
    rate = dash.locator(".nnw-dash__input--learning_rate")
    rate.fill("-1")
    rate.press("Enter")
    expect(dash.locator(".nnw-dash__message")).to_contain_text("learning_rate")
    rate.fill("0.3")
    rate.press("Enter")
    start = dash.locator("button[data-action=start]")
    start.focus()
    page.keyboard.press("Enter")
    expect(dash).to_have_attribute("data-status", "completed", timeout=120_000)
    panels = dash.locator(".nnw-dash__panels")
    panels.scroll_into_view_if_needed()
    cal = panels.locator(".nnw-dash__calibration")
    expect(cal).to_have_count(1)
    speed = panels.locator(".nnw-dash__layerspeed .nnw-dash__speedchart")
    expect(speed).to_have_attribute("data-records", "4")  # the start and 3 epochs
    rel = cal.locator(".nnw-dash__relcanvas")
    page.wait_for_function(f"(c) => ({PAINTED})(c) > 100", arg=rel.element_handle())
    page.get_by_role("button", name="ask python").click()
    expect(page.get_by_text("python-epochs=")).to_contain_text("python-epochs=3")
    expect(page.get_by_text("python-epochs=")).to_contain_text("python-rate=0.3 ")
    assert float(said(page, "python-ece")) == pytest.approx(
        float(cal.get_attribute("data-ece")), rel=1e-12
    )
    for root in (bumps, dmap, dash):
        fit = fits_its_cell(root)
        assert fit["inside"] and not fit["scrolls"] and not fit["page"], fit
    shot(page, f"marimo-{width}-dashboard", dash)
    shot(page, f"marimo-{width}-calibration", cal)
    shot(page, f"marimo-{width}-layer-speed", panels.locator(".nnw-dash__layerspeed"))
    shot(page, f"marimo-{width}-after")
