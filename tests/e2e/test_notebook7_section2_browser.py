"""Section 2's widgets in Notebook 7 (the ``notebook`` package, /notebooks/ URLs), the host many
learners start from: a BumpBuilder, a DecisionMap of a small trained network on toy data and a
TrainingDashboard with calibration and layer speeds, in one notebook. Each renders inside
Notebook 7's narrower cell (no sideways scroll), answers the pointer and the keyboard, and what
the reader does in the page reaches the kernel. Screenshots go to ``$NNWIDGETS_HOSTS_SHOTS``
(default ``/tmp/hosts``) for looking at by eye.
"""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from _pages import drag
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SHOTS = Path(os.environ.get("NNWIDGETS_HOSTS_SHOTS", "/tmp/hosts"))

BUMPS = """
from nnwidgets import BumpBuilder
builder = BumpBuilder()
builder
"""

MAP = """
from nnwidgets import DecisionMap, Network
from nnwidgets.datasets import toy
data = toy.circle(n=300, noise=0.05, seed=0)
net = Network([2, 8, 1], activation="tanh", output="sigmoid", cost="cross_entropy", seed=1)
net.fit(*data.train, epochs=60, batch_size=10, learning_rate=0.1)
dmap = DecisionMap(net, data, resolution=40)
dmap
"""

DASH = """
from nnwidgets import TrainingDashboard, load_bundled
digits = load_bundled()
dash = TrainingDashboard(Network([784, 16, 10], seed=0),
                         train=(digits.X_train[:1000], digits.y_train[:1000]),
                         validation=(digits.X_test[:500], digits.y_test[:500]),
                         epochs=3, batch_size=20, learning_rate=0.5,
                         calibration=True, layer_speed=200)
dash
"""

PAINTED = """(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""


# Notebook 7.6's own page errors: its settings loading (notebook_core.js) throws the first on
# every page, an empty notebook and /tree alike; the second comes when the server has served
# JupyterLab pages before (a shared server, as in the full suite). Neither is the widgets'.
HOST_NOISE = (
    "Cannot read properties of undefined (reading 'schema')",
    "Command 'filebrowser:open-path' not registered.",
)


# The look of an editable field: a border, a shadow or a background of its own.
FIELD_SHOWS = """(e) => { const s = getComputedStyle(e);
    return parseFloat(s.borderTopWidth) > 0 || s.boxShadow !== 'none'
        || s.backgroundColor !== 'rgba(0, 0, 0, 0)'; }"""


def widget_errors(nb):
    return [e for e in nb.console_errors if not any(n in e for n in HOST_NOISE)]


def python_says(nb, code, expected, tries=20):
    """What ``code`` prints, once it prints ``expected`` (or after ``tries`` cells): a widget
    message from the page can reach the kernel a cell or two after the change."""
    for _ in range(tries):
        out = nb.run_cell(code).strip()
        if out == expected:
            break
    return out


def fits_its_cell(root):
    """The widget's box lies inside its output area's, and nothing in it scrolls sideways."""
    return root.evaluate(
        """(el) => {
            const area = el.closest('.jp-OutputArea-output') || el.parentElement;
            const a = area.getBoundingClientRect(), b = el.getBoundingClientRect();
            return {inside: b.left >= a.left - 1 && b.right <= a.right + 1,
                    scrolls: area.scrollWidth > area.clientWidth + 1,
                    width: b.width, height: b.height, area: a.width};
        }"""
    )


def shot(nb, name, locator=None):
    """A PNG of the page, or of one widget. Notebook 7 scrolls the notebook inside a panel, so a
    widget taller than the window is shot in a window made tall enough, then put back."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    if locator is None:
        nb.page.screenshot(path=str(path))
        return path
    size = nb.page.viewport_size
    tall = int(locator.bounding_box()["height"]) + 300
    if tall > size["height"]:
        nb.page.set_viewport_size({"width": size["width"], "height": tall})
    locator.scroll_into_view_if_needed()
    locator.evaluate("() => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 300)))")
    locator.screenshot(path=str(path))
    nb.page.set_viewport_size(size)
    return path


@pytest.mark.parametrize("width", [1280, 800])
def test_section2_widgets_in_notebook7(open_notebook, width):
    nb = open_notebook([BUMPS, MAP, DASH], app="notebook")
    page = nb.page
    page.set_viewport_size({"width": width, "height": 900})
    assert page.url.split("?")[0].endswith(f"/notebooks/{nb.path}")  # Notebook 7, not Lab
    expect(page.locator("#main-panel .jp-NotebookPanel")).to_have_count(1)
    bumps, dmap, dash = (page.locator(s) for s in (".nnw-bumps", ".nnw-dmap", ".nnw-dash"))
    for root in (bumps, dmap, dash):
        expect(root).to_have_count(1)
        fit = fits_its_cell(root)
        assert fit["inside"] and not fit["scrolls"], fit
        assert fit["height"] > 150 and fit["width"] > 300, fit
    shot(nb, f"nb7-{width}-all")

    # -- BumpBuilder: a drag and two arrow keys reach builder.heights in the kernel -----------
    start = bumps.get_attribute("data-deviation")
    drag(page, bumps.locator(".nnw-bumps__handle").nth(0), 60)
    expect(bumps).not_to_have_attribute("data-deviation", start)
    heights = [float(v) for v in bumps.get_attribute("data-heights").split(",")]
    assert heights[0] < -0.5
    assert python_says(nb, "print(repr(builder.heights))", repr(heights)) == repr(heights)
    handle = bumps.locator(".nnw-bumps__handle").nth(2)
    handle.focus()
    handle.press("ArrowUp")
    handle.press("ArrowUp")
    assert python_says(nb, "print(builder.heights[2])", "0.2") == "0.2"
    shot(nb, f"nb7-{width}-bumps", bumps)

    # -- DecisionMap: the page's accuracy reaches Python; hover and focus show a neuron --------
    acc = python_says(nb, "print(dmap.page_accuracy is not None)", "True")
    assert acc == "True"
    page_acc, numpy_acc = json.loads(
        nb.run_cell("import json; print(json.dumps([dmap.page_accuracy, net.score(*data.train)]))")
    )
    assert abs(page_acc - numpy_acc) <= 0.01, (page_acc, numpy_acc)
    thumbs = dmap.locator(".nnw-dmap__thumb")
    expect(thumbs).to_have_count(8)
    thumbs.nth(3).scroll_into_view_if_needed()
    thumbs.nth(3).hover()
    expect(dmap).to_have_attribute("data-hovered", "1,3")
    expect(dmap.locator(".nnw-dmap__caption")).to_contain_text("layer 1, neuron 4")
    page.mouse.move(5, 5)
    expect(dmap).to_have_attribute("data-hovered", "")
    thumbs.nth(0).focus()
    expect(dmap).to_have_attribute("data-hovered", "1,0")
    page.keyboard.press("Tab")  # the next neuron, by keyboard alone
    expect(dmap).to_have_attribute("data-hovered", "1,1")
    shot(nb, f"nb7-{width}-decision-map", dmap)
    # Python -> page: more training moves the map, and the page's accuracy follows
    before = dmap.get_attribute("data-accuracy")
    nb.run_cell("net.fit(*data.train, epochs=1, batch_size=10, learning_rate=3.0);")
    expect(dmap).not_to_have_attribute("data-accuracy", before)

    # -- TrainingDashboard: a setting typed in the page, Start by keyboard, the panels drawn ---
    shot(nb, f"nb7-{width}-dashboard-fields", dash.locator(".nnw-dash__fields").first)
    rate = dash.locator(".nnw-dash__input--learning_rate")
    assert rate.evaluate(FIELD_SHOWS)  # a field the reader can see is one
    rate.fill("-1")
    rate.press("Enter")
    expect(dash.locator(".nnw-dash__message")).to_contain_text("learning_rate")
    rate.fill("0.3")
    rate.press("Enter")
    assert python_says(nb, "print(dash.learning_rate)", "0.3") == "0.3"
    start_button = dash.locator("button[data-action=start]")
    start_button.focus()
    page.keyboard.press("Enter")
    expect(dash).to_have_attribute("data-status", "completed", timeout=120_000)
    epochs = python_says(nb, "print(len(dash.runs[0].history.val_accuracy))", "3")
    assert epochs == "3"
    panels = dash.locator(".nnw-dash__panels")
    panels.scroll_into_view_if_needed()
    cal = panels.locator(".nnw-dash__calibration")
    expect(cal).to_have_count(1)
    ece = float(nb.run_cell("print(dash._panels['calibration']['ece'])"))
    panels.scroll_into_view_if_needed()
    assert float(cal.get_attribute("data-ece")) == pytest.approx(ece, rel=1e-12)
    speed = panels.locator(".nnw-dash__layerspeed .nnw-dash__speedchart")
    expect(speed).to_have_attribute("data-records", "4")  # the start and 3 epochs
    page.wait_for_function(
        f"() => ({PAINTED})(document.querySelector('.nnw-dash__relcanvas')) > 100"
    )
    for root in (bumps, dmap, dash):  # still inside the cell, panels and all
        fit = fits_its_cell(root)
        assert fit["inside"] and not fit["scrolls"], fit
    shot(nb, f"nb7-{width}-dashboard", dash)
    shot(nb, f"nb7-{width}-calibration", cal)
    shot(nb, f"nb7-{width}-layer-speed", panels.locator(".nnw-dash__layerspeed"))
    shot(nb, f"nb7-{width}-after")
    assert not widget_errors(nb), widget_errors(nb)
    assert np.isfinite(ece)


def test_a_refused_setting_leaves_the_field_when_the_reader_does(open_notebook):
    nb = open_notebook(
        [DASH.replace("from nnwidgets import", "from nnwidgets import Network,")], app="notebook"
    )
    dash = nb.page.locator(".nnw-dash")
    rate = dash.locator(".nnw-dash__input--learning_rate")
    rate.fill("-1")
    rate.press("Enter")
    expect(dash.locator(".nnw-dash__message")).to_contain_text("learning_rate")
    rate.press("Tab")  # the reader moves on; Python refused -1 and still trains at 0.5
    assert nb.run_cell("print(dash.learning_rate)").strip() == "0.5"
    expect(rate).to_have_value("0.5")


# Notebook 7 (its scroll-output plugin, autoScrollOutputs on by default) puts any output taller
# than 1,820 px into a short scroll box, judged again whenever a cell is added. (A cell's
# "scrolled" metadata would stop it, but JupyterLab's cell model deletes any value but true.)
SQUEEZED = "(el) => el.closest('.jp-Cell').classList.contains('jp-mod-outputsScrolled')"


def trained_dashboard(open_notebook):
    nb = open_notebook(
        [DASH.replace("from nnwidgets import", "from nnwidgets import Network,")], app="notebook"
    )
    dash = nb.page.locator(".nnw-dash")
    nb.run_cell("dash.run()")
    dash.locator(".nnw-dash__panels").scroll_into_view_if_needed()
    expect(dash.locator(".nnw-dash__calibration")).to_have_count(1)
    nb.run_cell("1 + 1")  # the reader goes on: a new cell
    return nb, dash


@pytest.mark.xfail(
    strict=True,
    reason="Notebook 7 squeezes the ~2,300 px trained dashboard (panels open) into a ~300 px "
    "scroll box once another cell is added",
)
def test_a_trained_dashboard_keeps_its_height_in_notebook7(open_notebook):
    nb, dash = trained_dashboard(open_notebook)
    dash.locator(".nnw-dash__controls").scroll_into_view_if_needed()
    shot(nb, "nb7-dashboard-squeezed")  # the window as the reader sees it
    assert dash.bounding_box()["height"] > 1820  # tall enough to be squeezed
    assert not dash.evaluate(SQUEEZED)


LABS = Path(__file__).parents[2] / "notebooks"


def code_cells(name):
    cells = json.loads((LABS / name).read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


@pytest.mark.slow
@pytest.mark.parametrize(
    "lab, widgets",
    [
        ("lab11_universality.ipynb", (".nnw-bumps", ".nnw-dmap", ".nnw-dash")),
        ("lab12_depth.ipynb", (".nnw-dash",)),
    ],
)
def test_a_section2_lab_runs_in_notebook7(open_notebook, lab, widgets):
    nb = open_notebook(code_cells(lab), app="notebook", name=Path(lab).stem)
    page = nb.page
    for selector in widgets:
        roots = page.locator(selector)
        expect(roots.first).to_be_attached()
        for i in range(roots.count()):
            fit = fits_its_cell(roots.nth(i))
            assert fit["inside"] and not fit["scrolls"], (selector, i, fit)
            shot(nb, f"nb7-{Path(lab).stem}-{selector[5:]}-{i}", roots.nth(i))
    if ".nnw-bumps" in widgets:  # the lab's own builder: a drag reaches builder.heights
        bumps = page.locator(".nnw-bumps").first  # the lab's first widget
        drag(page, bumps.locator(".nnw-bumps__handle").nth(0), 60)
        heights = [float(v) for v in bumps.get_attribute("data-heights").split(",")]
        assert heights[0] < -0.5
        assert python_says(nb, "print(repr(builder.heights))", repr(heights)) == repr(heights)
    assert not widget_errors(nb), widget_errors(nb)
