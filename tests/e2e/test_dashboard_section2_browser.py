"""Section 2's dashboard panels in a real JupyterLab and Notebook 7: the calibration panel (drawn,
its ECE read back and matched against Python's own), the run selector (the panels of the run
chosen in the page, and Python's panels_run says so), two runs' first-layer weights side by
side (chosen in the page, and from Python), the weighted-inputs (z), speed-of-learning and
results panels (the diagram's shared error scale is toggled in both front ends in
test_layer_speed_browser.py).

One notebook per front end: a grid of four [784, 16, 10] runs (two learning rates x L1 on and
off) of 2 epochs on 1,000 bundled digits, trained headless through run(), then the page read.
"""

import json

import numpy as np
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SETUP = """
import json
import numpy as np
from nnwidgets import Network, TrainingDashboard, load_bundled
from nnwidgets.metrics import reliability
data = load_bundled()
X_val, y_val = data.X_test[:500], data.y_test[:500]
make = lambda seed, **kw: Network([784, 16, 10], seed=seed, **kw)
dash = TrainingDashboard.from_grid(make, {"learning_rate": [0.1, 0.5], "l1": [0.0, 5.0]},
                                   train=(data.X_train[:1000], data.y_train[:1000]),
                                   validation=(X_val, y_val), epochs=2, batch_size=20,
                                   layer_speed=200, calibration=True)
dash
"""

TRAIN = """
dash.run()
print("ok")
"""

# What Python says about the panels shown now: computed independently where it can be (the ECE
# of the network's own probabilities on the validation examples).
STATE = """
p = dash._panels
run = dash.runs[p["index"]]
print(json.dumps({
    "panels_run": dash.panels_run, "compare_run": dash.compare_run, "index": p["index"],
    "label": run.label, "labels": [r.label for r in dash.runs],
    "ece": p["calibration"]["ece"], "words": p["calibration"]["words"],
    "own_ece": reliability(run.network.predict_proba(X_val), y_val).ece,
    "eces": [e for _, e in run.calibration],
    "z": [[l["z_share"], l["z_words"]] for l in p["layers"]],
    "small": p["small_share"],
    "compare": None if "compare" not in p else [p["compare"]["index"], p["compare"]["small_share"],
                                                 p["compare"]["small_words"]],
}))
"""

PAINTED = """(c) => { const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
    let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n; }"""


def state(nb):
    return json.loads(nb.run_cell(STATE).strip().splitlines()[-1])


def floats(text):
    return np.array(text.split(","), float)


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_section2_panels_in_the_page(open_notebook, app):
    nb = open_notebook([SETUP], app=app)
    assert nb.run_cell(TRAIN, timeout_ms=180_000).strip().endswith("ok")
    page = nb.page
    root = page.locator(".nnw-dash")
    panels = root.locator(".nnw-dash__panels")
    expect(panels).to_have_attribute("data-run", "3")  # following training: the last run
    s = state(nb)
    assert s["panels_run"] is None and s["index"] == 3

    # -- the calibration panel: drawn, and its ECE is Python's, and the network's own ----------
    cal = panels.locator(".nnw-dash__calibration")
    expect(cal).to_have_attribute("data-run", "3")
    assert float(cal.get_attribute("data-ece")) == pytest.approx(s["ece"], rel=1e-12)
    assert s["ece"] == pytest.approx(s["own_ece"], rel=1e-6)
    expect(cal.locator(".nnw-dash__calwords")).to_have_text(s["words"])
    np.testing.assert_allclose(floats(cal.get_attribute("data-eces")), s["eces"], rtol=1e-6)
    assert len(s["eces"]) == 3  # before training and after each of 2 epochs
    for canvas in ("relcanvas", "ececanvas"):
        page.wait_for_function(
            f"() => ({PAINTED})(document.querySelector('.nnw-dash__{canvas}')) > 100"
        )

    # -- the z, speed-of-learning and results panels -------------------------------------------
    rows = panels.locator(".nnw-dash__zs .nnw-dash__zlayer")
    expect(rows).to_have_count(2)
    for i, (share, words) in enumerate(s["z"]):
        assert float(rows.nth(i).get_attribute("data-z-share")) == pytest.approx(share)
        expect(rows.nth(i).locator(".nnw-dash__zwords")).to_have_text(words)
    speed = panels.locator(".nnw-dash__layerspeed")
    expect(speed).to_have_attribute("data-runs", "4")
    expect(speed.locator(".nnw-dash__speedchart[data-records='3']")).to_have_count(4)
    results = root.locator(".nnw-dash__results")
    expect(results.locator(".nnw-dash__runs-table tbody tr")).to_have_count(4)
    expect(results.locator(".nnw-dash__heat tbody tr")).to_have_count(2)

    # -- the run selector: run 2's panels, recomputed by Python --------------------------------
    select = root.locator("select.nnw-dash__select--run")
    expect(select.locator("option")).to_have_count(5)  # "the run training now" and 4 runs
    select.select_option("2")
    panels.scroll_into_view_if_needed()  # drawn only while on screen, as a reader sees them
    expect(panels).to_have_attribute("data-run", "2")
    expect(cal).to_have_attribute("data-run", "2")
    expect(panels.locator(".nnw-dash__panelhead")).to_contain_text(s["labels"][2])
    page.wait_for_timeout(200)
    s = state(nb)
    assert s["panels_run"] == 2 and s["index"] == 2 and s["label"] == s["labels"][2]
    assert float(cal.get_attribute("data-ece")) == pytest.approx(s["own_ece"], rel=1e-6)
    expect(cal.locator(".nnw-dash__calwords")).to_have_text(s["words"])

    # -- two runs' first-layer weights side by side: chosen in the page ------------------------
    weights = panels.locator(".nnw-dash__weights")
    expect(weights.locator(".nnw-dash__weightrun--compare")).to_have_count(0)
    root.locator("select.nnw-dash__select--compare").select_option("0")
    panels.scroll_into_view_if_needed()
    other = weights.locator(".nnw-dash__weightrun--compare")
    expect(other).to_have_attribute("data-run", "0")
    page.wait_for_timeout(200)
    s = state(nb)
    assert s["compare_run"] == 0 and s["compare"][0] == 0
    assert float(other.get_attribute("data-small-share")) == pytest.approx(s["compare"][1])
    expect(other.locator(".nnw-dash__smallwords")).to_have_text(s["compare"][2])
    expect(other.locator("img.nnw-dash__neuron")).to_have_count(16)
    own = weights.locator(".nnw-dash__weightrun").first
    assert float(own.get_attribute("data-small-share")) == pytest.approx(s["small"])

    # ...and from Python: L1 (run 1: learning rate 0.1, l1=5) beside no L1 (run 0)
    shares = json.loads(nb.run_cell("print(json.dumps(dash.compare_weights(1, 0)))"))
    # The panels draw only while on screen; the cells run since pushed them up: scroll back.
    panels.scroll_into_view_if_needed()
    expect(panels).to_have_attribute("data-run", "1")
    expect(other).to_have_attribute("data-run", "0")
    expect(select).to_have_value("1")
    expect(root.locator("select.nnw-dash__select--compare")).to_have_value("0")
    labels = s["labels"]
    assert float(own.get_attribute("data-small-share")) == pytest.approx(shares[labels[1]])
    assert float(other.get_attribute("data-small-share")) == pytest.approx(shares[labels[0]])
    assert shares[labels[1]] > shares[labels[0]]  # L1 leaves more weights near 0
    assert not [e for e in nb.console_errors if "nnw" in e or "uplot" in e.lower()]


def test_an_exported_page_shows_the_chosen_runs_and_cannot_change_them(browser, tmp_path):
    from _pages import fresh_page

    from nnwidgets import Network, TrainingDashboard, load_bundled
    from nnwidgets.widgets.export import export_html

    data = load_bundled()
    train = (data.X_train[:300], data.y_train[:300])
    dash = TrainingDashboard(
        Network([784, 16, 10], seed=0), train=train, label="a", calibration=True
    )
    dash.add_run(Network([784, 16, 10], seed=1), label="b")
    dash.add_run(Network([784, 16, 10], seed=2), label="c")
    shares = dash.compare_weights(2, 0)
    ece = dash._panels["calibration"]["ece"]
    path = export_html([dash], tmp_path / "chosen.html")
    with fresh_page(browser, viewport={"width": 1200, "height": 1400}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        root = page.locator(".nnw-dash")
        run_select = root.locator("select.nnw-dash__select--run")
        expect(run_select).to_have_value("2")
        expect(run_select).to_be_disabled()  # no kernel to recompute the panels
        expect(root.locator("select.nnw-dash__select--compare")).to_have_value("0")
        panels = root.locator(".nnw-dash__panels")
        expect(panels).to_have_attribute("data-run", "2")
        expect(panels.locator(".nnw-dash__panelhead")).to_contain_text("c · after epoch 0")
        runs = panels.locator(".nnw-dash__weightrun")
        expect(runs).to_have_count(2)
        assert float(runs.nth(0).get_attribute("data-small-share")) == pytest.approx(shares["c"])
        assert float(runs.nth(1).get_attribute("data-small-share")) == pytest.approx(shares["a"])
        cal = panels.locator(".nnw-dash__calibration")
        assert float(cal.get_attribute("data-ece")) == pytest.approx(ece, rel=1e-12)
        assert not errors, errors
