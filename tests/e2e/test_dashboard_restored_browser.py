"""In the page (an export_html page, no kernel): the dashboard marks the epoch early stopping
restored on both charts and says it in the run's status; the histograms panel judges the
reader's own sigmoid as the sigmoid and says plainly that an unmatched activation is not
judged; BumpBuilder says in the page that it cannot run the reader's activation."""

import pytest
from _pages import fresh_page
from _pieces import MySigmoid, Softplus
from _stalling import RESTORED, X_VAL, Y_VAL, X, Y
from playwright.sync_api import expect

from nnwidgets import BumpBuilder, Network, TrainingDashboard
from nnwidgets.widgets.export import export_html

pytestmark = pytest.mark.e2e


def _saturated(activation):
    """A dashboard on a network whose 3 hidden neurons all output sigma(10) on every example."""
    net = Network([4, 3, 2], activation=activation, seed=0)
    net.weights[0][:] = 0.0
    net.biases[0][:] = 10.0
    dash = TrainingDashboard(net, train=(X, Y), validation=(X_VAL, Y_VAL), epochs=1)
    dash.refresh_panels()
    return dash


def test_restored_epoch_saturation_words_and_bumps_message_in_the_page(browser, tmp_path):
    early = TrainingDashboard(
        Network([4, 5, 2], seed=0), train=(X, Y), validation=(X_VAL, Y_VAL), epochs=60,
        batch_size=10, learning_rate=1.0, early_stopping=3,
    )  # fmt: skip
    early.run()
    assert early.history.restored_epoch == RESTORED
    mine, softplus = _saturated(MySigmoid()), _saturated(Softplus())
    bumps = BumpBuilder()
    with pytest.warns(UserWarning, match="cannot run your activation Softplus"):
        bumps.show_network(Network([1, 4, 1], activation=Softplus(), output="sigmoid", seed=0))
    path = export_html([early, mine, softplus, bumps], tmp_path / "restored.html")

    with fresh_page(browser, viewport={"width": 1100, "height": 1400}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        dash = page.locator(".nnw-dash").nth(0)
        # a labelled mark on each chart, at the restored epoch
        for chart in ("loss", "accuracy"):
            mark = dash.locator(f".nnw-dash__chart--{chart} .nnw-dash__mark--restored")
            expect(mark).to_have_text(f"restored: epoch {RESTORED}")
        # the run's status says it, and so does the message
        expect(dash.locator(".nnw-dash__runstatus")).to_have_text(
            f"early_stopped \u00b7 restored epoch {RESTORED}"
        )
        expect(dash.locator(".nnw-dash__message")).to_contain_text(
            f"restored the best weights (epoch {RESTORED},"
        )
        # the reader's sigmoid is judged as the sigmoid; an unmatched activation is not judged
        health = page.locator(".nnw-dash").nth(1).locator(".nnw-dash__histograms .nnw-dash__health")
        expect(health.first).to_contain_text("3 of 3 sigmoid neurons (100%) are saturated")
        expect(health.first).to_contain_text("(your MySigmoid computes sigmoid)")
        other = page.locator(".nnw-dash").nth(2).locator(".nnw-dash__histograms .nnw-dash__health")
        expect(other.first).to_have_text(
            "3 Softplus neurons: saturation is judged only for the built-in activations"
        )
        # BumpBuilder says why the overlay is missing, in the page
        error = page.locator(".nnw-bumps .nnw-bumps__error")
        expect(error).to_be_visible()
        expect(error).to_contain_text("Cannot draw this network: this page cannot run your "
                                      "activation Softplus")  # fmt: skip
        page.screenshot(path=str(tmp_path / "restored.png"), full_page=True)
        assert not errors, errors
    for w in (early, mine, softplus):
        w.close()
    bumps.close()


LIVE = """
import numpy as np
from nnwidgets import BumpBuilder, Network, TrainingDashboard

rng = np.random.default_rng(0)
X = rng.random((60, 4)); Y = (X[:, 0] + X[:, 1] > 1).astype(int)
X_VAL = rng.random((40, 4)); Y_VAL = (X_VAL[:, 0] + X_VAL[:, 1] > 1).astype(int); Y_VAL[:8] ^= 1
dash = TrainingDashboard(Network([4, 5, 2], seed=0), train=(X, Y), validation=(X_VAL, Y_VAL),
                         epochs=60, batch_size=10, learning_rate=1.0, early_stopping=3)
display(dash)

class Softplus:
    def fn(self, z):
        return np.log1p(np.exp(z))
    def prime(self, z):
        return 1 / (1 + np.exp(-z))

bumps = BumpBuilder()
display(bumps)
"""


def test_live_dashboard_and_bumps_in_jupyterlab(open_notebook):
    nb = open_notebook([LIVE], app="lab")
    dash = nb.page.locator(".nnw-dash")
    expect(dash.locator(".nnw-dash__runstatus")).to_have_text("pending")
    expect(dash.locator(".nnw-dash__mark--restored")).to_have_count(0)
    # trained in the background: the mark and the status arrive when the run ends
    nb.run_cell("dash.start(); dash.wait(); print(dash.history.restored_epoch)")
    expect(dash.locator(".nnw-dash__runstatus")).to_have_text(
        f"early_stopped \u00b7 restored epoch {RESTORED}"
    )
    for chart in ("loss", "accuracy"):
        mark = dash.locator(f".nnw-dash__chart--{chart} .nnw-dash__mark--restored")
        expect(mark).to_have_text(f"restored: epoch {RESTORED}")
    # the overlay of an activation the page cannot run: the message in the page, the warning
    # in Python; a network it can run clears the message
    error = nb.page.locator(".nnw-bumps .nnw-bumps__error")
    expect(error).to_be_hidden()
    out = nb.run_cell(
        "import warnings\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    bumps.show_network(Network([1, 4, 1], activation=Softplus(), output='sigmoid'))\n"
        "print('warned:', str(w[0].message)[:46])"
    )
    assert "warned: This page cannot run your activation Softplus" in out
    expect(error).to_contain_text("Cannot draw this network: this page cannot run your activation")
    nb.run_cell("bumps.show_network(Network([1, 4, 1], output='sigmoid', seed=0));")
    expect(error).to_be_hidden()
    assert not [e for e in nb.console_errors if "nnw" in e or "anywidget" in e.lower()]
    nb.run_cell("dash.close(); bumps.close()")
