"""Section 2's widgets as a learner first meets them in JupyterLab, in a cell about 440 px wide
(a laptop with the file browser open): a BumpBuilder handle taken off its centre does not jump
and follows the pointer pixel for pixel, in both views of the widget; a theme change leaves
BumpBuilder and DecisionMap drawn at their real size; the DecisionMap fits a narrow cell and
says what its colours and dots mean."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


BUMPS = """
from nnwidgets import BumpBuilder
b = BumpBuilder(free_steps=True)
b
"""
AGAIN = "b"  # the same widget shown a second time
MAP = """
from nnwidgets import DecisionMap, Network
from nnwidgets.datasets import toy
data = toy.spiral(n=200, seed=0)
net = Network([2, 8, 8, 1], activation="tanh", output="sigmoid", cost="cross_entropy", seed=1)
m = DecisionMap(net, data, resolution=40)
m
"""

# Where each handle is, against where the canvas's size puts it (plot.ts: plotBox's margins).
GEOMETRY = """(root) => {
  const c = root.querySelector('canvas');
  const left = 40, right = 14, width = c.clientWidth - left - right;
  const steps = root.dataset.steps.split(',').map(Number);
  return {
    backing: [c.width / devicePixelRatio, c.height / devicePixelRatio],
    css: [c.clientWidth, c.clientHeight],
    handles: [...root.querySelectorAll('.nnw-bumps__handle')].map(h => parseFloat(h.style.left)),
    expected: steps.slice(1).map((s, k) => left + (steps[k] + s) / 2 * width),
  };
}"""


# The median brightness (0..1) of the plot frame's left edge, pixel column 40 of the canvas.
FRAME_INK = """(root) => {
  const c = root.querySelector('canvas'), k = c.width / c.clientWidth;
  const col = c.getContext('2d').getImageData(Math.floor(40 * k), 0, 1, c.height).data;
  const lum = [];
  for (let i = 0; i < col.length; i += 4) {
    if (col[i + 3] > 100) lum.push((col[i] + col[i + 1] + col[i + 2]) / 765);
  }
  lum.sort((a, b) => a - b);
  return lum[Math.floor(lum.length / 2)];
}"""


def set_theme(page, name):
    page.evaluate(
        "(t) => window.jupyterapp.commands.execute('apputils:change-theme', {theme: t})", name
    )
    page.wait_for_function("(t) => document.body.dataset.jpThemeName === t", arg=name)


def centre(locator):
    box = locator.bounding_box()
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def set_cell_width(nb, width):
    """Close the file browser and size the window so the cells' output area is ``width`` px."""
    page = nb.page
    page.evaluate("""async () => { const app = window.jupyterapp;
        if (!app.shell.leftCollapsed)
          await app.commands.execute('application:toggle-left-area'); }""")
    # The first output on show: run_all returns once the kernel is idle, which may be before
    # the page has laid the outputs out.
    output = page.locator(".jp-OutputArea-output >> visible=true").first
    output.wait_for(state="visible")
    for _ in range(3):
        area = output.bounding_box()["width"]
        if abs(area - width) < 1:
            break
        page.set_viewport_size(
            {"width": round(page.viewport_size["width"] + width - area), "height": 1000}
        )
        page.wait_for_timeout(300)  # Lumino lays the panels out on the resize
    assert abs(area - width) < 1, (area, width)


def narrow(open_notebook, cells, width=440):
    nb = open_notebook(cells, app="lab")
    set_cell_width(nb, width)
    return nb


def test_a_handle_taken_off_its_centre_follows_the_pointer_in_both_views(open_notebook):
    nb = narrow(open_notebook, [BUMPS, AGAIN])
    views = nb.page.locator(".nnw-bumps")
    expect(views).to_have_count(2)
    first, second = views.nth(0), views.nth(1)
    handle = first.locator(".nnw-bumps__handle").nth(2)
    handle.scroll_into_view_if_needed()
    x, y = centre(handle)

    # A click 5 px below the centre, still on the 14 px circle, takes hold of it: no change.
    nb.page.mouse.click(x, y + 5)
    nb.page.wait_for_timeout(100)  # a frame or two for a (wrong) redraw to show
    assert first.get_attribute("data-heights") == "0,0,0,0,0"
    expect(handle).to_be_focused()

    # Held off its centre and moved 40 px up, the circle moves 40 px up, not 45.
    nb.page.mouse.move(x, y + 5)
    nb.page.mouse.down()
    nb.page.mouse.move(x, y - 35, steps=4)
    nb.page.mouse.up()
    expect(first).not_to_have_attribute("data-heights", "0,0,0,0,0")
    assert centre(handle)[1] == pytest.approx(y - 40, abs=0.6)
    heights = first.get_attribute("data-heights")
    expect(second).to_have_attribute("data-heights", heights)  # the other view follows
    assert centre(second.locator(".nnw-bumps__handle").nth(2))[1] - centre(
        second.locator(".nnw-bumps__handle").nth(1)
    )[1] == pytest.approx(-40, abs=0.6)

    # A step handle taken 3 px right of its centre stays where it was.
    step = second.locator(".nnw-bumps__step").nth(1)
    step.scroll_into_view_if_needed()
    sx, sy = centre(step)
    nb.page.mouse.click(sx + 3, sy)
    nb.page.wait_for_timeout(100)
    expect(first).to_have_attribute("data-steps", "0,0.2,0.4,0.6,0.8,1")
    expect(step).to_be_focused()

    # Python has the dragged heights (a change from the page reaches it by the next cells).
    heights = [float(v) for v in heights.split(",")]
    for _ in range(20):
        said = [float(v) for v in nb.run_cell("print(*b.heights, sep=',')").split(",")]
        if said == heights:
            break
    assert said == heights


def test_a_theme_change_leaves_both_widgets_drawn_at_their_size(open_notebook):
    nb = narrow(open_notebook, [BUMPS, MAP], width=330)  # the map narrower than its 300 px
    bumps, dmap = nb.page.locator(".nnw-bumps"), nb.page.locator(".nnw-dmap")
    expect(dmap).to_have_attribute("data-task", "binary")
    try:
        for theme in ("JupyterLab Dark", "JupyterLab Light"):
            set_theme(nb.page, theme)
            nb.page.wait_for_timeout(500)  # the theme's stylesheets, then the redraws
            g = bumps.evaluate(GEOMETRY)
            # The canvas is narrower than its 560 px at this width; it is drawn at that size and
            # the circles sit over their bumps (not at a 560-px guess made while hidden).
            assert g["css"][0] < 560, g
            assert g["backing"] == g["css"], (theme, g)
            assert g["handles"] == pytest.approx(g["expected"], abs=0.01), (theme, g)
            # The axes' frame (its left edge, CSS px 40) is drawn in this theme's ink: dark on
            # Light, pale on Dark; not the last theme's ink, invisible on this one's card.
            frame = bumps.evaluate(FRAME_INK)
            assert (frame < 0.3) if theme.endswith("Light") else (frame > 0.7), (theme, frame)
            dots = dmap.evaluate("""(root) => { const c = root.querySelector('.nnw-dmap__points');
                return [c.width / devicePixelRatio, c.clientWidth]; }""")
            assert dots[0] == dots[1], (theme, dots)
    finally:
        set_theme(nb.page, "JupyterLab Light")  # the server keeps it for the next tests


FIT = """(root) => {
        const area = root.closest('.jp-OutputArea-output').getBoundingClientRect();
        const box = (s) => root.querySelector(s).getBoundingClientRect();
        const r = root.getBoundingClientRect(), map = box('.nnw-dmap__map');
        const dots = root.querySelector('.nnw-dmap__points');
        return {area: [area.left, area.right], card: [r.left, r.right],
                map: [map.left, map.right, map.width, map.height],
                inner: ['.nnw-dmap__caption', '.nnw-dmap__stats'].map((s) => box(s).right),
                dots: [dots.width / devicePixelRatio, dots.clientWidth]}; }"""


def test_the_decision_map_fits_a_narrow_cell_and_says_what_it_shows(open_notebook):
    nb = open_notebook([MAP], app="lab")
    root = nb.page.locator(".nnw-dmap")
    expect(root).to_have_attribute("data-task", "binary")
    for width in (500, 440, 330):
        set_cell_width(nb, width)
        nb.page.wait_for_timeout(200)  # the resize observer's repaint
        fit = root.evaluate(FIT)
        # Nothing runs past the card, nor the card past the output area: all of it is seen.
        assert fit["card"][1] <= fit["area"][1] + 0.5, (width, fit)
        assert max(fit["map"][1], *fit["inner"]) <= fit["card"][1] + 0.5, (width, fit)
        assert fit["map"][2] == pytest.approx(fit["map"][3], abs=0.5), (width, fit)  # square
        assert fit["map"][2] >= 150, (width, fit)
        assert fit["dots"][0] == fit["dots"][1], (width, fit)  # points drawn at its real size
    caption = root.locator(".nnw-dmap__caption")
    expect(caption).to_contain_text("Dots: training points; rings: test points")
    expect(caption).to_contain_text("Hover a neuron")
    # A neuron's colours are said as numbers (tanh: -1 .. 1).
    root.locator(".nnw-dmap__thumb").nth(3).hover()
    expect(caption).to_have_text(
        "layer 1, neuron 4 (tanh): what it computes; blue \u22121 \u00b7 white 0 \u00b7 red 1"
    )
    assert not [e for e in nb.console_errors if "nnw" in e or "anywidget" in e.lower()]
