"""A grid of runs in a real JupyterLab: the monitored training curve (monitor_train) is drawn
beside validation, keyed in the legend, and each run's latest figures on it are the kernel's;
the results panel shows a row per run and a heat map of the two settings that vary.

Four runs ([784, 16, 10], two learning rates x two batch sizes) of 2 epochs on 2,000 bundled
digits, headless through run(), then the page read back.
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
dash = TrainingDashboard.from_grid(make, {"learning_rate": [0.1, 0.5], "batch_size": [20, 50]},
                                   train=(data.X_train[:2000], data.y_train[:2000]),
                                   validation=(data.X_test, data.y_test), epochs=2,
                                   monitor_train=500)
dash
"""

TRAIN = """
dash.run()
print(json.dumps({"labels": [r.label for r in dash.runs],
                  "train_accuracy": [r.history.train_accuracy for r in dash.runs],
                  "best": [r["best_val_accuracy"] for r in dash.results()]}))
"""


def test_the_monitored_training_curve_is_drawn_and_keyed(open_notebook):
    nb = open_notebook([SETUP], app="lab")
    out = json.loads(nb.run_cell(TRAIN, timeout_ms=120_000).strip().splitlines()[-1])
    assert out["labels"] == [
        "batch_size=20, learning_rate=0.1",
        "batch_size=50, learning_rate=0.1",
        "batch_size=20, learning_rate=0.5",
        "batch_size=50, learning_rate=0.5",
    ]
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
        expect(chip.locator(".nnw-dash__runvalues")).to_contain_text("training set ")
        expect(chip.locator(".nnw-dash__runvalues")).to_contain_text(f"{accuracies[-1]:.1%}")
    # Both charts carry a "training set" series per run.
    counts = nb.page.evaluate("""() => [...document.querySelectorAll(
        '.nnw-dash__chart--accuracy .u-legend .u-series .u-label')].map(e => e.textContent)
        .filter(t => t.endsWith('· training set')).length""")
    assert counts == 4
    # The results panel: a row per run, and the heat map, learning rate down, batch size across,
    # each cell the run's best validation accuracy (one seed) as Python rounds it.
    results = root.locator(".nnw-dash__results")
    expect(results.locator(".nnw-dash__runs-table tbody tr")).to_have_count(4)
    heat = results.locator(".nnw-dash__heat")
    assert heat.locator("thead th").all_inner_texts() == ["learning_rate \\ batch_size", "20", "50"]
    cells = [r.locator("td").all_inner_texts() for r in heat.locator("tbody tr").all()]
    best = [f"{b:.1%}" for b in out["best"]]
    assert cells == [["0.1", best[0], best[1]], ["0.5", best[2], best[3]]]
    # Filled by value: the best cell darkest.
    fills = heat.locator("tbody td:not(:first-child)").evaluate_all(
        "tds => tds.map(td => getComputedStyle(td).backgroundColor)"
    )
    assert len(set(fills)) > 1, fills
    assert not nb.console_errors, nb.console_errors
