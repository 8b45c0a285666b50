"""Grids of runs and their results: add_grid, from_grid, results(), summary(), run labels.

Real runs on 200 bundled digits (a few epochs of [784, 30, 10] take a few hundredths of a
second each), trained headless through run(), as CI does.
"""

import math

import numpy as np
import pytest

from nnwidgets import Network, TrainingDashboard, load_bundled
from nnwidgets.widgets.dashboard.results import ResultsTable, summarise
from nnwidgets.widgets.dashboard.runs import run_labels

_data = load_bundled()
X, y = _data.X_train[:200], _data.y_train[:200]
X_val, y_val = _data.X_test[:200], _data.y_test[:200]


def make(seed, activation="sigmoid", sizes=(784, 30, 10)):
    """The grid's factory: a new network per call, its seed and activation as asked."""
    return Network(list(sizes), seed=seed, activation=activation)


@pytest.fixture
def dashes():
    """Dashboards made in a test, closed after it."""
    made = []

    def keep(dash):
        made.append(dash)
        return dash

    yield keep
    for d in made:
        d.close()


def grid_dash(dashes, grid, seeds=(0,), **options):
    settings = {"train": (X, y), "validation": (X_val, y_val), "epochs": 3, "batch_size": 10}
    settings.update(options)
    settings = {k: v for k, v in settings.items() if k not in grid}  # the grid says those
    return dashes(TrainingDashboard.from_grid(make, grid, seeds=seeds, **settings))


# ------------------------------------------------------------------------------ the grid


def test_one_run_per_combination_and_seed_labelled_by_what_differs(dashes):
    dash = grid_dash(
        dashes, {"learning_rate": [0.1, 1.0], "activation": ["sigmoid", "relu"]}, seeds=(0, 1)
    )
    assert len(dash.runs) == 2 * 2 * 2
    # Lists in the order given, the last fastest, seeds innermost; labels in the label order.
    assert [r.label for r in dash.runs[:3]] == [
        "activation=sigmoid, learning_rate=0.1, seed=0",
        "activation=sigmoid, learning_rate=0.1, seed=1",
        "activation=relu, learning_rate=0.1, seed=0",
    ]
    assert dash.runs[7].label == "activation=relu, learning_rate=1, seed=1"
    assert dash.runs[7].trainer.learning_rate == 1.0
    assert dash.runs[7].network.activation == "relu" and dash.runs[7].network.seed == 1
    assert dash.runs[7].grid == {"learning_rate": 1.0, "activation": "relu", "seed": 1}


def test_the_first_combination_is_not_a_default_for_later_runs(dashes):
    dash = grid_dash(dashes, {"learning_rate": [2.0, 3.0]}, momentum=0.5)
    later = dash.add_run(make(5))
    assert later.trainer.learning_rate == 0.1  # the Trainer's default, not the grid's 2.0
    assert later.trainer.momentum == 0.5  # a shared setting is the dashboard's


def test_add_grid_adds_to_a_dashboard_and_relabels_every_run(dashes):
    dash = dashes(
        TrainingDashboard(
            make(0),
            train=(X, y),
            validation=(X_val, y_val),
            epochs=2,
            batch_size=10,
            learning_rate=0.5,
        )
    )
    runs = dash.add_grid(make, seeds=(1, 2), batch_size=[10, 50])
    assert len(runs) == 4 and len(dash.runs) == 5
    assert [r.trainer.batch_size for r in runs] == [10, 10, 50, 50]
    assert all(r.trainer.learning_rate == 0.5 for r in runs)  # the dashboard's setting
    assert dash.runs[0].label == "batch_size=10, seed=0"
    assert runs[-1].label == "batch_size=50, seed=2"


def test_a_factorys_own_settings_name_the_runs(dashes):
    def deep(seed, depth):
        return Network([784, *[20] * depth, 10], seed=seed)

    dash = dashes(TrainingDashboard.from_grid(deep, {"depth": [1, 2]}, train=(X, y), epochs=1))
    assert [r.label for r in dash.runs] == [
        "sizes=784-20-10, depth=1",
        "sizes=784-20-20-10, depth=2",
    ]
    assert dash.results()["settings"][1] == {"sizes": [784, 20, 20, 10], "depth": 2}


def test_network_itself_is_a_factory_for_sizes(dashes):
    dash = dashes(
        TrainingDashboard.from_grid(
            Network, {"sizes": [[784, 10, 10], [784, 20, 10]]}, train=(X, y), epochs=1
        )
    )
    assert [r.network.sizes for r in dash.runs] == [[784, 10, 10], [784, 20, 10]]


def test_grid_runs_train_headless_interleaved(dashes):
    dash = grid_dash(dashes, {"learning_rate": [0.1, 3.0]}, seeds=(0, 1), interleave=True)
    dash.run()
    assert [r.status for r in dash.runs] == ["completed"] * 4
    assert [r.history.epochs for r in dash.runs] == [3] * 4


# ------------------------------------------------------------------------------ checks


def test_an_unknown_setting_names_the_allowed_ones_and_adds_nothing(dashes):
    dash = dashes(TrainingDashboard(make(0), train=(X, y), epochs=1))
    with pytest.raises(TypeError, match=r"'learning_rat'.*activation.*learning_rate.*spelling"):
        dash.add_grid(make, learning_rat=[0.1])
    assert len(dash.runs) == 1


@pytest.mark.parametrize(
    "lists, error, match",
    [
        ({"learning_rate": []}, ValueError, "learning_rate is an empty list"),
        ({"learning_rate": 0.1}, TypeError, r"learning_rate must be a list of the values to try"),
        ({"activation": "relu"}, TypeError, r"activation must be a list"),
        ({}, ValueError, "at least one list of settings"),
    ],
)
def test_bad_lists_are_refused(dashes, lists, error, match):
    dash = dashes(TrainingDashboard(make(0), train=(X, y), epochs=1))
    with pytest.raises(error, match=match):
        dash.add_grid(make, **lists)
    assert len(dash.runs) == 1


@pytest.mark.parametrize(
    "seeds, error, match",
    [
        ((), ValueError, "seeds is an empty list"),
        ((0, -1), ValueError, "non-negative integers"),
        ((0, 0), ValueError, "the same seed twice"),
        (3, TypeError, "seeds must be a list"),
    ],
)
def test_bad_seeds_are_refused(dashes, seeds, error, match):
    dash = dashes(TrainingDashboard(make(0), train=(X, y), epochs=1))
    with pytest.raises(error, match=match):
        dash.add_grid(make, seeds=seeds, learning_rate=[0.1])


def test_numpy_arrays_are_lists_of_values(dashes):
    # What a learner writes to sweep a rate: np.logspace, np.arange; taken as Python numbers.
    dash = dashes(TrainingDashboard(make(0), train=(X, y), epochs=1))
    runs = dash.add_grid(make, seeds=np.arange(2), learning_rate=np.logspace(-2, 0, 3))
    assert len(runs) == 6
    rates = sorted({r.trainer.learning_rate for r in runs})
    assert rates == pytest.approx([0.01, 0.1, 1.0]) and all(type(v) is float for v in rates)
    with pytest.raises(TypeError, match=r"a 1-D array\); got array\(\[\[0.1"):
        dash.add_grid(make, learning_rate=np.full((2, 2), 0.1))
    with pytest.raises(ValueError, match=r"non-negative integers; got \[array\(") as e:
        dash.add_grid(make, learning_rate=[0.1], seeds=(np.zeros((50, 784)), 1))
    assert len(str(e.value)) < 160  # not the whole array in the message
    assert len(dash.runs) == 7


def test_one_bad_value_in_a_list_adds_no_run(dashes):
    # The Trainer refuses dropout 2 for the last combination: the first two are not added.
    dash = dashes(TrainingDashboard(make(0), train=(X, y), epochs=1))
    with pytest.raises(ValueError, match="dropout"):
        dash.add_grid(make, dropout=[0.0, 0.2, 2.0])
    assert len(dash.runs) == 1


def test_factory_contract_is_checked():
    with pytest.raises(TypeError, match="must take a keyword argument seed"):
        TrainingDashboard.from_grid(
            lambda activation: make(0, activation), {"activation": ["relu"]}, train=(X, y)
        )
    net = make(0)
    with pytest.raises(ValueError, match="same network object twice"):
        TrainingDashboard.from_grid(
            lambda seed, **kw: net, {"learning_rate": [0.1, 1.0]}, train=(X, y)
        )
    with pytest.raises(TypeError, match="must return a Network"):
        TrainingDashboard.from_grid(lambda seed: "net", {"learning_rate": [0.1]}, train=(X, y))
    with pytest.raises(ValueError, match="factory.*activation='swish'.*failed"):
        TrainingDashboard.from_grid(make, {"activation": ["relu", "swish"]}, train=(X, y))
    with pytest.raises(ValueError, match="epochs is given both"):
        TrainingDashboard.from_grid(make, {"epochs": [1, 2]}, train=(X, y), epochs=3)
    with pytest.raises(ValueError, match="label cannot be given"):
        TrainingDashboard.from_grid(make, {"epochs": [1, 2]}, train=(X, y), label="mine")


# ------------------------------------------------------------------------------ results


def test_results_rows_read_each_runs_history(dashes):
    dash = grid_dash(dashes, {"learning_rate": [0.1, 1.0]}, seeds=(0, 1), monitor_train=100)
    dash.run()
    table = dash.results(target_accuracy=0.5)
    assert len(table) == 4
    for row, run in zip(table, dash.runs):
        h = run.history
        assert row["label"] == run.label and row["status"] == "completed"
        assert row["settings"] == {"learning_rate": run.trainer.learning_rate}
        assert row["seed"] == run.network.seed and row["epochs"] == 3
        assert row["best_val_accuracy"] == max(h.val_accuracy)
        assert row["best_epoch"] == h.val_accuracy.index(max(h.val_accuracy)) + 1
        assert row["final_val_loss"] == h.val_loss[-1] and row["final_loss"] == h.epoch_loss[-1]
        assert row["final_train_loss"] == h.train_loss[-1]
        assert row["final_train_accuracy"] == h.train_accuracy[-1]
        assert row["seconds"] == pytest.approx(sum(h.epoch_time))
        reached = [e for e, v in enumerate(h.val_accuracy, 1) if v >= 0.5]
        assert row["epochs_to_target"] == (reached[0] if reached else None)
    # learning rate 1.0 learns these digits faster than 0.1 in 3 epochs (sigmoid, batch 10).
    assert min(table["best_val_accuracy"][2:]) > max(table["best_val_accuracy"][:2])


def test_results_without_validation_or_monitoring_say_none(dashes):
    dash = dashes(TrainingDashboard(make(0), train=(X, y), epochs=1, batch_size=50))
    dash.run()
    row = dash.results()[0]
    assert row["best_val_accuracy"] is None and row["best_epoch"] is None
    assert row["final_train_loss"] is None and row["settings"] == {}
    assert "epochs_to_target" not in row


def test_a_bad_target_is_refused(dashes):
    dash = dashes(TrainingDashboard(make(0), train=(X, y), epochs=1))
    with pytest.raises(ValueError, match=r"target_accuracy must be .* in \(0, 1\].* got 90"):
        dash.results(target_accuracy=90)


def _row(lr, seed, best, to_target, status="completed"):
    return {
        "settings": {"learning_rate": lr},
        "seed": seed,
        "best_val_accuracy": best,
        "epochs_to_target": to_target,
        "seconds": 1.0,
        "status": status,
    }


def test_summary_arithmetic_on_known_values():
    rows = [
        _row(0.1, 0, 0.80, 4),
        _row(0.1, 1, 0.90, None, "early_stopped"),
        _row(0.1, 2, 0.85, 2),
        _row(1.0, 0, 0.50, None),
    ]
    table = summarise(rows)
    s = table.to_dicts()
    assert s[0]["status"] == "2 completed, 1 early_stopped"
    assert [r["settings"] for r in s] == [{"learning_rate": 0.1}, {"learning_rate": 1.0}]
    assert s[0]["seeds"] == [0, 1, 2] and s[0]["runs"] == 3
    # mean of 0.80, 0.90, 0.85 = 0.85; deviations -0.05, 0.05, 0: sample std
    # sqrt((0.0025 + 0.0025 + 0) / 2) = 0.05
    assert s[0]["best_val_accuracy_mean"] == pytest.approx(0.85)
    assert s[0]["best_val_accuracy_std"] == pytest.approx(0.05)
    # epochs to target: only the runs that reached it, 4 and 2 -> mean 3, std sqrt(2)
    assert s[0]["epochs_to_target_mean"] == 3 and s[0]["reached"] == 2
    assert s[0]["epochs_to_target_std"] == pytest.approx(math.sqrt(2))
    # one run: no spread; no run reached the target: no mean
    assert s[1]["best_val_accuracy_std"] == 0.0 and s[1]["epochs_to_target_mean"] is None
    assert s[1]["reached"] == 0
    # The text view: one column per setting, the seeds listed, "mean ± std" in one column.
    header, first = repr(table).splitlines()[:2]
    assert header.split()[:5] == ["learning_rate", "seeds", "runs", "status", "best_val_accuracy"]
    assert "_std" not in header and "_mean" not in header
    assert "0, 1, 2" in first and "0.85 ± 0.05" in first and "3 ± 1.4" in first


def test_summary_of_a_trained_grid_groups_the_seeds(dashes):
    dash = grid_dash(dashes, {"learning_rate": [0.1, 1.0]}, seeds=(0, 1), epochs=2)
    dash.run()
    runs = dash.results().to_dicts()
    s = dash.results(by_seed=False)
    assert s.to_dicts() == dash.summary().to_dicts()
    assert len(s) == 2 and s["runs"] == [2, 2]
    pair = [r["best_val_accuracy"] for r in runs[2:]]
    assert s[1]["best_val_accuracy_mean"] == pytest.approx(np.mean(pair))
    assert s[1]["best_val_accuracy_std"] == pytest.approx(np.std(pair, ddof=1))


def test_the_table_shows_settings_as_columns():
    table = ResultsTable(
        [
            {
                "label": "a<b",
                "settings": {"learning_rate": 0.1},
                "seed": 0,
                "best_val_accuracy": 0.912345,
            }
        ],
        ["label", "settings", "seed", "best_val_accuracy"],
    )
    text = repr(table).splitlines()
    assert text[0].split() == ["label", "learning_rate", "seed", "best_val_accuracy"]
    assert text[1].split() == ["a<b", "0.1", "0", "0.9123"]
    assert "<td>a&lt;b</td><td>0.1</td>" in table._repr_html_()
    with pytest.raises(KeyError, match="no column 'x'; the columns are label, settings"):
        table["x"]
    copy = table.to_dicts()
    copy[0]["settings"]["learning_rate"] = 5
    assert table[0]["settings"] == {"learning_rate": 0.1}


# ------------------------------------------------------------------------------ labels


@pytest.mark.parametrize(
    "key, values, shown",
    [
        ("transform", [None, np.fliplr], ["transform=None", "transform=fliplr"]),
        ("early_stopping", [None, 10], ["early_stopping=None", "early_stopping=10"]),
        ("monitor_train", [None, 1000], ["monitor_train=None", "monitor_train=1000"]),
        ("seed", [0, 1], ["seed=0", "seed=1"]),
    ],
)
def test_labels_name_the_new_settings_when_they_differ(key, values, shown):
    assert run_labels([{"cost": "quadratic", key: v} for v in values]) == shown


def test_a_dashboard_labels_runs_by_monitor_train_and_seed(dashes):
    dash = dashes(TrainingDashboard(make(0), train=(X, y), validation=(X_val, y_val), epochs=1))
    dash.add_run(make(1), monitor_train=50, early_stopping=3)
    assert [r.label for r in dash.runs] == [
        "early_stopping=None, monitor_train=None, seed=0",
        "early_stopping=3, monitor_train=50, seed=1",
    ]


def test_the_page_gets_the_monitored_curve(dashes):
    dash = grid_dash(dashes, {"learning_rate": [0.5]}, monitor_train=100, epochs=2)
    dash.run()
    run = dash.runs[0]
    epoch = run.curves()["epoch"]
    got = np.frombuffer(epoch["train_loss"]["view"], epoch["train_loss"]["dtype"])
    np.testing.assert_allclose(got, run.history.train_loss, rtol=1e-6)
    acc = np.frombuffer(epoch["train_accuracy"]["view"], epoch["train_accuracy"]["dtype"])
    np.testing.assert_allclose(acc, run.history.train_accuracy, rtol=1e-6)


# ------------------------------------------------------------------------------ the page's panel


def test_the_results_panel_has_a_heat_map_when_two_settings_vary(dashes):
    dash = grid_dash(
        dashes, {"learning_rate": [0.1, 1.0], "batch_size": [10, 50, 100]}, seeds=(0, 1), epochs=1
    )
    assert dash._results is not None and dash._results["heatmap"]["values"] == [[None] * 3] * 2
    dash.run()
    data = dash._results  # sent with the runs' last update
    assert data["settings"] == ["batch_size", "learning_rate"]
    assert len(data["runs"]) == 12 and len(data["summary"]) == 6
    heat = data["heatmap"]
    assert (heat["x"], heat["y"]) == ("batch_size", "learning_rate")
    assert heat["xs"] == ["10", "50", "100"] and heat["ys"] == ["0.1", "1"]
    # one row per learning rate (3 rows of 2 would be a transposition)
    means = {
        (r["settings"]["learning_rate"], r["settings"]["batch_size"]): r["best_val_accuracy_mean"]
        for r in dash.summary().to_dicts()
    }
    assert heat["values"] == [[means[lr, b] for b in (10, 50, 100)] for lr in (0.1, 1.0)]


def test_no_heat_map_unless_exactly_two_settings_vary(dashes):
    one = grid_dash(dashes, {"learning_rate": [0.1, 1.0]}, epochs=1)
    assert one._results["heatmap"] is None
    three = grid_dash(
        dashes,
        {
            "learning_rate": [0.1],
            "batch_size": [10, 50],
            "activation": ["relu", "tanh"],
            "dropout": [0.0, 0.1],
        },
        epochs=1,
    )
    assert len(three._results["settings"]) == 3 and three._results["heatmap"] is None
    lone = dashes(TrainingDashboard(make(0), train=(X, y), epochs=1))
    assert lone._results is None


def test_to_pandas_spreads_the_settings_into_columns():
    pd = pytest.importorskip("pandas")
    rows = [_row(0.1, 0, 0.8, None), _row(1.0, 0, 0.9, 2)]
    frame = summarise(rows).to_pandas()
    assert isinstance(frame, pd.DataFrame)
    assert list(frame["learning_rate"]) == [0.1, 1.0]
