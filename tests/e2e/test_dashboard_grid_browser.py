"""A grid of runs in a real JupyterLab: the monitored training curve (monitor_train) is drawn
beside validation, keyed in the legend, and each run's latest figures on it are the kernel's.

Two runs ([784, 16, 10], two learning rates) of 2 epochs on the bundled digits, headless
through run(), then the page read back.
"""

import json

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

SETUP = """
import json
from nnwidgets import Network, TrainingDashboard, load_bundled
data = load_bundled()
make = lambda seed, **kw: Network([784, 16, 10], seed=seed, **kw)
dash = TrainingDashboard.from_grid(make, {"learning_rate": [0.1, 0.5]},
                                   train=(data.X_train[:2000], data.y_train[:2000]),
                                   validation=(data.X_test, data.y_test), epochs=2,
                                   batch_size=20, monitor_train=500)
dash
"""

TRAIN = """
dash.run()
print(json.dumps({"labels": [r.label for r in dash.runs],
                  "train_accuracy": [r.history.train_accuracy for r in dash.runs]}))
"""


def test_the_monitored_training_curve_is_drawn_and_keyed(open_notebook):
    nb = open_notebook([SETUP], app="lab")
    out = json.loads(nb.run_cell(TRAIN, timeout_ms=120_000).strip().splitlines()[-1])
    assert out["labels"] == ["learning_rate=0.1", "learning_rate=0.5"]
    root = nb.page.locator(".nnw-dash")
    legend = root.locator(".nnw-dash__legend")
    key = legend.locator(".nnw-dash__keyitem[data-style=training]")
    expect(key).to_be_visible()
    expect(key).to_have_text("training set")
    # Five styles, all drawn differently.
    pictures = [s.screenshot() for s in legend.locator(".nnw-dash__sample").all()]
    assert len(pictures) == 5 and len(set(pictures)) == 5
    # Each run's chip ends with its monitored figures, rounded as Python rounds them.
    chips = legend.locator(".nnw-dash__run")
    for chip, accuracies in zip(chips.all(), out["train_accuracy"]):
        expect(chip.locator(".nnw-dash__runvalues")).to_contain_text(
            "training set ")
        expect(chip.locator(".nnw-dash__runvalues")).to_contain_text(f"{accuracies[-1]:.1%}")
    # Both charts carry a "training set" series per run.
    counts = nb.page.evaluate("""() => [...document.querySelectorAll(
        '.nnw-dash__chart--accuracy .u-legend .u-series .u-label')].map(e => e.textContent)
        .filter(t => t.endsWith('· training set')).length""")
    assert counts == 2
    assert not nb.console_errors, nb.console_errors
