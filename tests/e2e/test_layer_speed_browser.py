"""The speed of learning in the page (NNDL ch5): the dashboard's speed-of-learning panel (one
log-scale chart per run, read back from its data attributes), and the diagram's errors on one
shared scale, where a deep sigmoid network's early layers fade to white, toggled in the page
and in Python."""

import json

import numpy as np
import pytest
from _pages import fresh_page
from playwright.sync_api import expect

from nnwidgets import Network, TrainingDashboard, load_bundled
from nnwidgets.layer_speed import layer_speeds
from nnwidgets.widgets.diagram import NetworkDiagram
from nnwidgets.widgets.export import export_html

pytestmark = pytest.mark.e2e

DEEP = [784, 30, 30, 30, 30, 10]

PAINTED = """(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""


def floats(text):
    return np.array(text.split(","), float)


def test_the_panel_draws_each_runs_speeds_per_layer_side_by_side(browser, tmp_path):
    data = load_bundled()
    train = (data.X_train[:500], data.y_train[:500])
    sigmoid = Network(DEEP, activation="sigmoid", output="sigmoid", init="book", seed=0)
    relu = Network(DEEP, activation="relu", output="sigmoid", init="scaled", seed=0)
    dash = TrainingDashboard(
        sigmoid, train=train, epochs=2, batch_size=50, layer_speed=200, label="sigmoid"
    )
    dash.add_run(relu, label="relu")
    at_init = [layer_speeds(net, *(a[:200] for a in train)) for net in (sigmoid, relu)]
    dash.run()
    path = export_html([dash], tmp_path / "speed.html")
    with fresh_page(browser, viewport={"width": 1200, "height": 1400}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        panel = page.locator(".nnw-dash__layerspeed")
        expect(panel).to_have_attribute("data-runs", "2")
        charts = panel.locator(".nnw-dash__speedchart")
        expect(charts).to_have_count(2)
        for i, run in enumerate(dash.runs):
            chart = charts.nth(i)
            expect(chart).to_have_attribute("data-records", "3")  # the start and 2 epochs
            last = np.array(run.history.layer_speed[-1][1], np.float32)
            np.testing.assert_allclose(floats(chart.get_attribute("data-speeds")), last, rtol=1e-6)
            expect(chart.locator("figcaption")).to_contain_text(run.label)
            page.wait_for_function(
                f"() => ({PAINTED})(document.querySelectorAll('.nnw-dash__speedcanvas')[{i}]) > 200"
            )
        # one log axis for both, whole decades around every speed recorded
        lo, hi = floats(panel.get_attribute("data-range"))
        every = np.concatenate([s for run in dash.runs for _, s in run.history.layer_speed])
        assert lo <= every.min() < 10 * lo and hi / 10 < every.max() <= hi
        expect(panel.locator(".nnw-dash__layerkeyitem")).to_have_text(
            ["hidden 1", "hidden 2", "hidden 3", "hidden 4"]
        )
        assert not errors, errors
    # the first records are the speeds at initialisation: the sigmoid's slowest layer is the
    # first, about 100 times slower than the last (NNDL ch5); ReLU with He's init is not
    first = [np.array(run.history.layer_speed[0][1]) for run in dash.runs]
    np.testing.assert_allclose(first, at_init, rtol=1e-5)
    assert first[0][-1] / first[0][0] > 20 and first[1][-1] / first[1][0] < 5


def test_errors_on_one_shared_scale_fade_in_early_layers_and_toggle(browser, tmp_path):
    net = Network(DEEP, activation="sigmoid", output="sigmoid", init="book", seed=0)
    x = load_bundled().X_test[7]
    diagram = NetworkDiagram(net, error_scale="shared")
    diagram.show_errors(x, 3)
    deltas = [np.abs(d.astype(np.float32)) for d in diagram.errors]
    largest = max(d.max() for d in deltas)
    path = export_html([diagram], tmp_path / "shared.html")
    with fresh_page(browser, viewport={"width": 1200, "height": 900}, console=False) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        root = page.locator(".nnw-diagram")
        expect(root).to_have_attribute("data-mode", "errors")
        expect(root).to_have_attribute("data-error-scale", "shared")
        toggle = root.locator("input.nnw-diagram__shared-scale")
        expect(toggle).to_be_checked()
        np.testing.assert_allclose(
            floats(root.get_attribute("data-error-limits")), [largest] * 5, rtol=1e-6
        )
        expect(root.locator(".nnw-diagram__legend")).to_contain_text("every layer on one scale")
        # the first hidden layer's largest error is a small share of the network's: its
        # neuron is drawn close to white
        j = int(np.argmax(deltas[0]))
        assert deltas[0][j] < 0.05 * largest
        pos = root.evaluate("(el, [l, n]) => el.nnwDiagram.position(l, n)", [1, j])
        faint = pixel(root, pos)
        assert min(faint[:3]) > 200, faint

        toggle.uncheck()  # each layer on its own scale: the same neuron in full colour
        expect(root).to_have_attribute("data-error-scale", "per_layer")
        np.testing.assert_allclose(
            floats(root.get_attribute("data-error-limits")), [d.max() for d in deltas], rtol=1e-6
        )
        expect(root.locator(".nnw-diagram__legend")).to_contain_text("each layer on its own scale")
        page.wait_for_function(
            "([el, x, y]) => { const c = el.querySelector('canvas.nnw-diagram__canvas'),"
            " r = c.getBoundingClientRect(), k = c.width / r.width;"
            " const d = c.getContext('2d').getImageData(Math.round((x - r.left) * k),"
            " Math.round((y - r.top) * k), 1, 1).data;"
            " return Math.min(d[0], d[1], d[2]) < 150; }",
            arg=[root.element_handle(), pos["x"], pos["y"]],
        )
        assert errors == []


def pixel(root, pos):
    return root.evaluate(
        """(el, [x, y]) => {
      const c = el.querySelector("canvas.nnw-diagram__canvas"), r = c.getBoundingClientRect();
      const k = c.width / r.width;
      return Array.from(c.getContext("2d").getImageData(Math.round((x - r.left) * k),
        Math.round((y - r.top) * k), 1, 1).data); }""",
        [pos["x"], pos["y"]],
    )


TOGGLE = """
import json
import numpy as np
from nnwidgets import Network, NetworkDiagram, load_bundled
net = Network([784, 30, 30, 30, 30, 10], activation="sigmoid", output="sigmoid", init="book",
              seed=0)
diagram = NetworkDiagram(net)
diagram.show_errors(load_bundled().X_test[7], 3)
diagram
"""


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_the_pages_toggle_sets_error_scale_in_python_and_back(open_notebook, app):
    nb = open_notebook([TOGGLE], app=app)
    root = nb.page.locator(".nnw-diagram")
    expect(root).to_have_attribute("data-error-scale", "per_layer")
    toggle = root.locator("input.nnw-diagram__shared-scale")
    expect(toggle).not_to_be_checked()
    toggle.check()
    expect(root).to_have_attribute("data-error-scale", "shared")
    expect(root.locator(".nnw-diagram__legend")).to_contain_text("every layer on one scale")
    nb.page.wait_for_timeout(300)
    assert json.loads(nb.run_cell("print(json.dumps(diagram.error_scale))")) == "shared"
    nb.run_cell("diagram.error_scale = 'per_layer'")
    expect(toggle).not_to_be_checked()
    expect(root).to_have_attribute("data-error-scale", "per_layer")


def test_the_z_panel_shows_saturation_before_training(browser, tmp_path):
    # NNDL ch3's large init: N(0, 1) weights put most first-layer z beyond +-4 before any
    # training; the panel shades that band and says the share in words.
    data = load_bundled()
    net = Network(DEEP, activation="sigmoid", output="sigmoid", init="large", seed=0)
    dash = TrainingDashboard(
        net,
        train=(data.X_train[:300], data.y_train[:300]),
        validation=(data.X_test[:400], data.y_test[:400]),
    )
    layers = dash.refresh_panels()["layers"]
    path = export_html([dash], tmp_path / "z.html")
    with fresh_page(browser, viewport={"width": 1200, "height": 1400}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        rows = page.locator(".nnw-dash__zs .nnw-dash__zlayer")
        expect(rows).to_have_count(5)
        for i, layer in enumerate(layers):
            assert float(rows.nth(i).get_attribute("data-z-share")) == pytest.approx(
                layer["z_share"]
            )
            expect(rows.nth(i).locator(".nnw-dash__zwords")).to_have_text(layer["z_words"])
        assert layers[0]["z_share"] > 0.5
        expect(rows.first).to_contain_text("lie beyond \u00b14, where \u03c3'(z) < 0.018")
        # painted, with the shaded band: some pixels are the band's pale red, some the bars' blue
        page.wait_for_function("""() => { const c = document.querySelector('.nnw-dash__zcanvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let red = 0, blue = 0;
            for (let i = 0; i < d.length; i += 4) {
              if (d[i + 3] && d[i] > d[i + 2] && d[i + 3] < 128) red++;
              if (d[i + 3] === 255 && d[i + 2] > d[i]) blue++;
            }
            return red > 20 && blue > 20; }""")
        assert not errors, errors


def expect_measured_and_starting(charts):
    """The two speed charts of a dashboard whose first run was measured at its start and whose
    second, "starting", has begun training with nothing measured yet."""
    expect(charts).to_have_count(2)
    expect(charts.nth(0)).to_have_attribute("data-records", "1")
    expect(charts.nth(1)).to_have_attribute("data-records", "0")
    expect(charts.nth(1).locator("figcaption")).to_contain_text("starting · no record yet")


def test_a_run_not_measured_yet_shows_no_record_beside_the_others(browser, tmp_path):
    # A run that has begun training but whose first speeds the writer has not measured yet
    # crosses the wire as an empty line: its chart says so, the other run's is drawn.
    data = load_bundled()
    train = (data.X_train[:200], data.y_train[:200])
    first = Network([784, 30, 30, 10], activation="sigmoid", seed=0)
    second = Network([784, 30, 30, 10], activation="sigmoid", seed=1)
    dash = TrainingDashboard(first, train=train, layer_speed=100, label="measured")
    dash.add_run(second, label="starting")
    with second.exclusive_training():  # as its Trainer holds it from the start
        dash.refresh_panels()
    path = export_html([dash], tmp_path / "starting.html")
    with fresh_page(browser, viewport={"width": 1200, "height": 1400}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        charts = page.locator(".nnw-dash__layerspeed .nnw-dash__speedchart")
        expect_measured_and_starting(charts)
        page.wait_for_function(
            f"() => ({PAINTED})(document.querySelectorAll('.nnw-dash__speedcanvas')[0]) > 0"
        )
        assert not errors, errors


STARTING = """
from nnwidgets import Network, TrainingDashboard, load_bundled
data = load_bundled()
first = Network([784, 30, 30, 10], activation="sigmoid", seed=0)
second = Network([784, 30, 30, 10], activation="sigmoid", seed=1)
dash = TrainingDashboard(first, train=(data.X_train[:200], data.y_train[:200]), layer_speed=100,
                         label="measured")
dash.add_run(second, label="starting")
dash
"""


def test_an_empty_line_crosses_the_kernels_comm_to_the_page(open_notebook):
    # The same empty line sent live (a binary buffer of no bytes in a comm message), not
    # embedded in a page.
    nb = open_notebook([STARTING], app="lab")
    charts = nb.page.locator(".nnw-dash__layerspeed .nnw-dash__speedchart")
    nb.run_cell("with second.exclusive_training():\n    dash.refresh_panels()")
    expect_measured_and_starting(charts)
    assert not nb.console_errors, nb.console_errors
