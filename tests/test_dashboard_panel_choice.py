"""Panels for a chosen run: ``refresh_panels(run=i)`` and the page's run selector (the synced
``panels_run``), and the first-layer weights of two runs side by side (``compare_weights``)."""

import numpy as np
import pytest

from nnwidgets import Network, TrainingDashboard, load_bundled


@pytest.fixture
def two_runs(make_dash, make_net):
    """Two runs of the small problem that predict differently (another seed, another width)."""
    d = make_dash(epochs=2)
    d.add_run(Network([8, 5, 3], seed=7), learning_rate=0.5)
    return d


def confusion_of(net, p):
    m = np.zeros((3, 3))
    np.add.at(m, (p.y_val, net.predict(p.X_val)), 1)
    return m


def test_refresh_panels_of_a_chosen_run(two_runs, small_problem, decoded):
    d = two_runs
    panels = d.refresh_panels(run=1)
    assert d.panels_run == 1 and d._panels is panels
    assert panels["index"] == 1 and panels["run"] == d.runs[1].label
    np.testing.assert_array_equal(
        decoded(panels["confusion"]), confusion_of(d.runs[1].network, small_problem)
    )
    assert panels["layers"][0]["name"] == "layer 1 (hidden, 5 relu)"
    # no argument: back to following the run training now or last (the first, before any)
    panels = d.refresh_panels()
    assert d.panels_run is None and panels["index"] == 0


@pytest.mark.parametrize("bad", [2, -1, True, 1.0, "1"])
def test_refresh_panels_refuses_what_is_not_a_runs_index(two_runs, bad):
    with pytest.raises(
        ValueError,
        match=rf"run must be the index of one of the 2 runs \(an int from 0 to 1, as in "
        rf"dash.runs\[i\]\); got {bad!r}",
    ):
        two_runs.refresh_panels(run=bad)
    assert two_runs.panels_run is None


def test_the_pages_selector_recomputes_that_runs_panels(two_runs, page_writes):
    d = two_runs
    d.refresh_panels()
    page_writes(d, {"panels_run": 1})
    assert d.panels_run == 1 and d._panels["index"] == 1
    page_writes(d, {"panels_run": None})
    assert d.panels_run is None and d._panels["index"] == 0
    page_writes(d, {"panels_run": 5})  # no such run: ignored, said in the message
    assert d.panels_run is None
    assert "panels_run must be the index of one of the 2 runs" in d.message


def test_a_chosen_run_keeps_the_panels_while_another_trains(two_runs):
    d = two_runs
    d.refresh_panels(run=0)
    d.run()  # run 0 trains, then run 1: the panels stay with run 0, as it ended
    assert [r.status for r in d.runs] == ["completed", "completed"]
    assert d._panels["index"] == 0 and d._panels["epoch"] == 2
    d.panels_run = None  # follow training: the last run trained
    assert d._panels["index"] == 1


def test_without_a_choice_the_panels_follow_training(two_runs):
    two_runs.run()
    assert two_runs._panels["index"] == 1


# -- two runs' first-layer weights side by side --------------------------------------------------
@pytest.fixture
def digit_runs():
    """Two [784, 30, 10] runs whose first-layer weights are set by hand: in the first, every
    weight of the left half of the image is 0 (so |w| < 0.01) and the rest 0.5; in the second,
    every weight is 0.02 or -0.02 (none below 0.01)."""
    data = load_bundled()
    train = (data.X_train[:200], data.y_train[:200])
    sparse, smooth = Network([784, 30, 10], seed=0), Network([784, 30, 10], seed=1)
    sparse.weights[0][:] = 0.5
    sparse.weights[0][:, :392] = 0.0
    smooth.weights[0][:] = 0.02
    smooth.weights[0][:, ::2] = -0.02
    d = TrainingDashboard(sparse, train=train, label="sparse", epochs=1)
    d.add_run(smooth, label="smooth")
    yield d
    d.close()


def test_compare_weights_by_hand(digit_runs, decoded):
    d = digit_runs
    # 30 x 784 = 23,520 weights; the sparse run's left half, 30 x 392 = 11,760, is 0
    assert d.compare_weights(0, 1) == {"sparse": 0.5, "smooth": 0.0}
    assert (d.panels_run, d.compare_run) == (0, 1)
    p = d._panels
    assert p["small_words"] == "50.0% of the 23,520 first-layer weights have |w| < 0.01"
    other = p["compare"]
    assert (other["index"], other["run"]) == (1, "smooth")
    assert other["small_words"] == "0.0% of the 23,520 first-layer weights have |w| < 0.01"
    # the same 24 neurons of each, as 784 weights
    assert other["neurons"] == p["neurons"] and len(p["neurons"]) == 24
    np.testing.assert_array_equal(
        decoded(other["first_weights"]), d.runs[1].network.weights[0][other["neurons"]]
    )
    # the other way round, then no comparison
    assert d.compare_weights(1, 0) == {"smooth": 0.0, "sparse": 0.5}
    assert d._panels["compare"]["run"] == "sparse"
    assert d.compare_weights(1, None) == {} and "compare" not in d._panels


def test_the_pages_second_selector_sets_the_comparison(digit_runs, page_writes):
    d = digit_runs
    page_writes(d, {"compare_run": 1})
    assert d.compare_run == 1 and d._panels["compare"]["index"] == 1
    assert d._panels["index"] == 0  # the panels' own run: the first, before any trained


@pytest.mark.parametrize(
    "i, j, message",
    [
        (0, 0, r"compare_weights\(\) needs two different runs; got i = j = 0"),
        (0, 2, r"j must be the index of one of the 2 runs .*; got 2"),
        (None, 1, r"i must be the index of one of the runs; got None"),
        ("0", 1, r"i must be the index of one of the 2 runs .*; got '0'"),
    ],
)
def test_compare_weights_refuses_bad_runs(digit_runs, i, j, message):
    with pytest.raises(ValueError, match=message):
        digit_runs.compare_weights(i, j)
    assert digit_runs.compare_run is None


def test_compare_weights_needs_image_inputs(two_runs):
    with pytest.raises(
        ValueError,
        match=r"compare_weights\(\) draws first-layer weights as 28x28 images; run 0 "
        r"\('sizes=8-16-3, learning_rate=0.05, seed=1'\) takes 8 inputs",
    ):
        two_runs.compare_weights(0, 1)


def test_a_choice_made_while_the_writer_computes_wins(two_runs, monkeypatch):
    # The writer is computing run 1's panels (the run it follows) when run 0 is chosen: the
    # panels of the run chosen are the ones that stay, not those the writer then finishes.
    from nnwidgets.widgets.dashboard import publisher as module

    d = two_runs
    original, chosen = module.panel_data, []

    def choosing_meanwhile(*args, **kwargs):
        if kwargs["label"] == d.runs[1].label and not chosen:
            chosen.append(True)
            d.refresh_panels(run=0)  # as from the main thread, while the writer computes
        return original(*args, **kwargs)

    monkeypatch.setattr(module, "panel_data", choosing_meanwhile)
    d._publisher.snapshot_for_panels(d.runs[1], 1)
    d._publisher.publish()
    assert chosen and d.panels_run == 0 and d._panels["index"] == 0


def test_panels_refreshed_now_win_over_an_older_copy_waiting(two_runs):
    # A copy of run 0's weights from an epoch's end waits to be drawn when the reader asks for
    # run 0's panels as the weights are now (paused mid-epoch): the page shows the newer.
    d = two_runs
    d._publisher.snapshot_for_panels(d.runs[0], 7)
    d.refresh_panels(run=0)
    assert d._panels["index"] == 0 and d._panels["epoch"] == d.runs[0].trainer.epoch != 7


def test_panels_refreshed_while_the_writer_draws_an_older_copy_win(two_runs, monkeypatch):
    from nnwidgets.widgets.dashboard import publisher as module

    d = two_runs
    original, asked = module.panel_data, []

    def refreshing_meanwhile(*args, **kwargs):
        if kwargs["epoch"] == 7 and not asked:
            asked.append(True)
            d.refresh_panels(run=0)  # as from the main thread, while the writer draws
        return original(*args, **kwargs)

    d.refresh_panels(run=0)  # chosen before: the refresh below changes no choice
    monkeypatch.setattr(module, "panel_data", refreshing_meanwhile)
    d._publisher.snapshot_for_panels(d.runs[0], 7)
    d._publisher.publish()
    assert asked and d._panels["epoch"] == d.runs[0].trainer.epoch != 7
