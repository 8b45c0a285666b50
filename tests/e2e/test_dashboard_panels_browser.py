"""TrainingDashboard's insight panels, its neighbours and its pages: the panels appear and update
after each epoch in JupyterLab (a confusion-matrix click shows those digits) while a DigitCanvas
on the same network keeps predicting; a Notebook 7 smoke test; and the exported page, opened
from disk with no kernel and no network, shows the final curves, panels and a divergence."""

import json

import pytest
from _pages import fresh_page
from _pen import DIGITS, draw
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# 3,000 bundled digits one at a time: 3,000 mini-batches an epoch, a second or two each here,
# so the run outlasts the test. The canvas comes first: the dashboard below it is tall.
SETUP = """
import json, time
from nnwidgets import DigitCanvas, Network, TrainingDashboard, load_bundled
data = load_bundled()
net = Network([784, 30, 10], seed=0)
dash = TrainingDashboard(net, train=(data.X_train[:3000], data.y_train[:3000]),
                         validation=(data.X_test, data.y_test), epochs=500, batch_size=1,
                         learning_rate=0.01)
"""
CANVAS = "canvas = DigitCanvas(network=net)\ncanvas"


def probabilities(pad):
    return pad.get_attribute("data-probabilities")


def test_panels_update_each_epoch_while_a_canvas_keeps_predicting(open_notebook):
    nb = open_notebook([SETUP, CANVAS, "dash"], app="lab")
    page = nb.page
    root = page.locator(".nnw-dash")
    panels = root.locator(".nnw-dash__panels")
    expect(panels).to_contain_text("The panels appear after the first epoch")
    pad = page.locator(".nnw-canvas")
    expect(pad).to_have_count(1)

    root.locator("button[data-action=start]").click()
    expect(root.locator(".nnw-dash__status")).to_have_text("running")

    # The canvas predicts what is drawn on it while the network trains in the background...
    surface = pad.locator("canvas.nnw-canvas__pad")
    surface.scroll_into_view_if_needed()
    draw(page, surface, DIGITS["7"][0])
    expect(pad).not_to_have_attribute("data-prediction", "")
    seen = probabilities(pad)
    # ...and its prediction follows the weights as they improve, with nothing redrawn.
    page.wait_for_function(
        "([el, p]) => el.dataset.probabilities !== p",
        arg=[pad.element_handle(), seen],
        timeout=15_000,
    )
    out = json.loads(
        nb.run_cell(
            "print(json.dumps({'prediction': canvas.prediction, "
            "'training': dash.training, 'batches': len(dash.history.batch_loss)}))"
        )
    )
    assert out["training"] and out["batches"] > 0
    assert out["prediction"] in range(10)

    # The panels arrive after an epoch and are replaced after the next.
    page.wait_for_function(
        "() => Number(document.querySelector('.nnw-dash__panels').dataset.epoch) >= 1",
        timeout=30_000,
    )
    first_epoch = int(panels.get_attribute("data-epoch"))
    expect(panels.locator(".nnw-dash__conftable td.nnw-dash__cell")).to_have_count(100)
    expect(panels.locator(".nnw-dash__gallery img")).to_have_count(24)
    expect(panels.locator(".nnw-dash__weights img")).to_have_count(24)
    expect(panels.locator(".nnw-dash__histcanvas")).to_have_count(6)  # 2 layers x 3
    expect(panels.locator(".nnw-dash__health").first).to_contain_text("30 ReLUs")
    # the histograms were painted (a canvas with bars is not blank)
    page.wait_for_function("""() => { const c = document.querySelector('.nnw-dash__histcanvas');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i]) return true; return false; }""")
    page.wait_for_function(
        f"() => Number(document.querySelector('.nnw-dash__panels').dataset.epoch) > {first_epoch}",
        timeout=30_000,
    )

    # A click on a mistake's cell shows those digits: the cell with the most mistakes.
    dash_pause = root.locator("button[data-action=pause]")
    dash_pause.click()  # the panels stop changing under the click
    expect(root.locator(".nnw-dash__status")).to_have_text("paused")
    cell = page.evaluate("""() => { let best = null, most = 0;
        for (const td of document.querySelectorAll('.nnw-dash__cell:not(.nnw-dash__cell--right)')) {
          const n = Number(td.textContent || 0);
          if (n > most) { most = n; best = [td.dataset.true, td.dataset.pred]; } }
        return best; }""")
    assert cell is not None
    panels.locator(f"td[data-true='{cell[0]}'][data-pred='{cell[1]}']").click()
    shown = panels.locator(".nnw-dash__celldigits")
    expect(shown).to_contain_text(f"true {cell[0]}, called {cell[1]}")
    assert 1 <= shown.locator("img.nnw-dash__digit").count() <= 8
    # Each digit is a 28x28 image of that digit: dark ink on white, not one flat colour.
    inks = shown.locator("img.nnw-dash__digit").first.evaluate("""(img) => new Promise((done) => {
        const read = () => { const c = document.createElement('canvas'); c.width = c.height = 28;
          const ctx = c.getContext('2d'); ctx.drawImage(img, 0, 0);
          const d = ctx.getImageData(0, 0, 28, 28).data, levels = new Set();
          for (let i = 0; i < d.length; i += 4) levels.add(d[i]);
          done([img.naturalWidth, img.naturalHeight, levels.size]); };
        img.complete ? read() : img.addEventListener('load', read); })""")
    assert inks[:2] == [28, 28] and inks[2] > 2

    # Still predicting after all that, from Python's side too.
    assert json.loads(nb.run_cell("print(json.dumps(canvas.prediction))")) in range(10)
    panels.scroll_into_view_if_needed()
    nb.screenshot("dashboard_panels")  # for looking at by eye
    root.locator("button[data-action=stop]").click()
    expect(root.locator(".nnw-dash__status")).to_have_text("stopped")
    assert not [e for e in nb.console_errors if "nnw" in e or "uplot" in e.lower()]


SMOKE = """
from nnwidgets import Network, TrainingDashboard, load_bundled
data = load_bundled()
dash = TrainingDashboard(Network([784, 20, 10], seed=0),
                         train=(data.X_train[:1000], data.y_train[:1000]),
                         validation=(data.X_test[:300], data.y_test[:300]), epochs=2, batch_size=20)
dash
"""


def test_notebook7_smoke(open_notebook):
    nb = open_notebook([SMOKE], app="notebook")
    root = nb.page.locator(".nnw-dash")
    expect(root).to_have_count(1)
    expect(root.locator(".nnw-dash__status")).to_have_text("ready")
    root.locator("button[data-action=start]").click()
    expect(root.locator(".nnw-dash__status")).to_have_text("completed", timeout=30_000)
    expect(root.locator(".nnw-dash__progress")).to_be_visible()
    expect(root.locator(".nnw-dash__chart--loss .u-legend")).to_contain_text("validation")
    # The panels draw only while on screen (below the charts here): a reader scrolls to them.
    root.locator(".nnw-dash__panels").scroll_into_view_if_needed()
    expect(root.locator(".nnw-dash__panels")).to_have_attribute("data-epoch", "2")
    expect(root.locator(".nnw-dash__gallery img").first).to_be_visible()
    assert (
        nb.run_cell("print(dash.history.status, len(dash.history.epoch_loss))").strip()
        == "completed 2"
    )


def test_exported_dashboard_shows_curves_panels_and_divergence_offline(browser, tmp_path):
    from nnwidgets import Network, TrainingDashboard, load_bundled
    from nnwidgets.widgets.export import export_html

    data = load_bundled()
    dash = TrainingDashboard(
        Network([784, 20, 10], seed=0),
        train=(data.X_train[:1000], data.y_train[:1000]),
        validation=(data.X_test[:300], data.y_test[:300]),
        epochs=2,
        batch_size=20,
    )
    dash.add_run(Network([784, 20, 10], seed=0), learning_rate=100)
    dash.run()  # stops at the diverged run
    assert [r.status for r in dash.runs] == ["completed", "diverged"]
    path = export_html([dash], tmp_path / "dash.html", title="Training")

    with fresh_page(browser, viewport={"width": 1200, "height": 1000}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        root = page.locator(".nnw-dash")
        expect(root.locator(".nnw-dash__status")).to_have_text("diverged")
        expect(root.locator(".nnw-dash__message")).to_contain_text(
            "learning rate 100 is too high: the loss rose from"
        )
        chips = root.locator(".nnw-dash__run")
        expect(chips).to_have_count(2)
        expect(chips.nth(0)).to_contain_text("completed")
        expect(chips.nth(1)).to_contain_text("diverged")
        # the final curves are in the chart: the hover read-out has values for the first run
        expect(root.locator(".nnw-dash__chart--loss .u-legend")).to_contain_text(
            "learning_rate=0.1 · validation"
        )
        plotted = page.evaluate("""() => {
            const c = document.querySelector('.nnw-dash__chart--loss canvas');
            const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
            let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }""")
        assert plotted > 500
        panels = root.locator(".nnw-dash__panels")
        expect(panels.locator(".nnw-dash__conftable td.nnw-dash__cell")).to_have_count(100)
        panels.locator(".nnw-dash__cell--right").first.click()
        expect(panels.locator(".nnw-dash__celldigits img").first).to_be_visible()
        expect(panels.locator(".nnw-dash__weights img")).to_have_count(20)
        for action in ("start", "pause", "step", "stop"):  # nothing to steer without a kernel
            expect(root.locator(f"button[data-action={action}]")).to_be_disabled()
        for name in ("learning_rate", "momentum", "l2", "dropout"):  # nor settings to change
            expect(root.locator(f".nnw-dash__input--{name}")).to_be_disabled()
        expect(
            root.locator(".nnw-dash__logbox")
        ).to_be_enabled()  # the view's own toggle still works
        # A dashboard exported before it trained offers nothing to press either.
        fresh = TrainingDashboard(
            Network([784, 20, 10], seed=1), train=(data.X_train[:100], data.y_train[:100])
        )
        page.goto(export_html([fresh], tmp_path / "fresh.html").as_uri())
        expect(page.locator(".nnw-dash__status")).to_have_text("ready")
        for action in ("start", "step"):
            expect(page.locator(f"button[data-action={action}]")).to_be_disabled()
        expect(page.locator(".nnw-dash__input--learning_rate")).to_be_disabled()
        assert not errors, errors
