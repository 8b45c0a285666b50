"""TrainingDashboard used carelessly or on purpose wrongly: clear errors, nothing lost, no thread
left behind. Real networks, real threads; messages from the page go through ipywidgets' own
handler, as anywidget delivers them (the ``from_page`` and ``page_writes`` fixtures).
"""

import logging
import math
import threading
import time

import numpy as np
import pytest
from ipywidgets.widgets.widget import _instances as live_widgets

from nnwidgets import Callback, Network, TrainingDashboard


@pytest.fixture
def make_dash(make_dash):
    """The shared factory (tests/conftest.py) with 500 epochs: still training whenever a test
    acts on it."""
    return lambda net=None, **options: make_dash(net, **{"epochs": 500, **options})


@pytest.fixture
def dash(make_dash):
    return make_dash()


def dashboard_threads():
    return [t.name for t in threading.enumerate() if t.name.startswith("nnwidgets-dashboard")]


# ----------------------------------------------------------------------------- construction


@pytest.mark.parametrize("network", ["net", None, np.zeros(3)])
def test_something_not_a_network_is_refused_by_name(network, make_dash, small_problem):
    X, y = small_problem.X, small_problem.y
    with pytest.raises(
        ValueError, match=r"network must be a Network .*; got (str|NoneType|ndarray)"
    ):
        TrainingDashboard(network, train=(X, y))
    d = make_dash(epochs=1)
    with pytest.raises(
        ValueError, match=r"network must be a Network .*; got (str|NoneType|ndarray)"
    ):
        d.add_run(network)
    assert len(d.runs) == 1


def test_a_list_of_networks_at_construction_points_to_add_run(make_net, small_problem):
    X, y = small_problem.X, small_problem.y
    with pytest.raises(ValueError, match=r"network must be one Network; got a list.*add_run"):
        TrainingDashboard([make_net(), make_net()], train=(X, y))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"max_points": 7}, r"max_points must be an even integer >= 2 .*; got 7"),
        ({"max_points": True}, r"max_points must be an even integer >= 2 .*; got True"),
        (
            {"max_points": 10**12},
            r"max_points must be an even integer >= 2 and <= 100,000 .*; got 1000000000000",
        ),
        ({"callbacks": 5}, r"callbacks must be a list of Callback instances; got int"),
        ({"update_interval": True}, r"update_interval must be a number of seconds; got True"),
    ],
)
def test_bad_arguments_name_the_parameter_and_the_value(kwargs, match, make_dash):
    with pytest.raises((ValueError, TypeError), match=match):
        make_dash(**kwargs)


def test_callbacks_follow_fits_rule_none_one_or_a_list(make_dash):
    # What net.fit(callbacks=...) accepts, the dashboard accepts: None, one callback, a list.
    class Counter(Callback):
        epochs = 0

        def on_epoch_end(self, trainer, epoch, logs):
            Counter.epochs += 1

    for given in (None, Counter(), [Counter()]):
        d = make_dash(epochs=1, callbacks=given)
        d.start()
        d.wait(60)
        assert d.status == "completed", (given, d.status, d.message)
    assert Counter.epochs == 2  # the one callback and the list's, once each
    with pytest.raises(TypeError, match="callbacks must be Callback instances; got builtin"):
        make_dash(callbacks=[print])  # refused at once, not when training starts


def test_a_failed_construction_leaves_no_widget_behind(make_dash, small_problem):
    X, y = small_problem.X, small_problem.y
    # Each widget made is registered with the front end until closed: a call that fails must
    # not leave one behind for every mistake the user retries.
    before = len(live_widgets)
    for bad in [{"train": (X, y + 7)}, {"max_points": 3}, {"learning_rate": -1}]:
        with pytest.raises(ValueError):
            make_dash(**bad)
    assert len(live_widgets) == before


def test_settings_set_later_are_checked_too(dash):
    with pytest.raises(ValueError, match="update_interval must be between 0.05 and 10"):
        dash.update_interval = 0  # the writer would send as fast as it can
    with pytest.raises(ValueError, match="max_points must be an even integer"):
        dash.max_points = 5
    assert (dash.update_interval, dash.max_points) == (0.2, 1000)


# ---------------------------------------------------------------------------- live settings


@pytest.mark.parametrize(
    "name, bad, match",
    [
        ("learning_rate", True, "learning_rate must be a number; got True"),
        ("momentum", False, "momentum must be a number; got False"),
        # A number, but beyond any float: out of the range, said as such.
        ("learning_rate", 10**400, r"learning_rate must be a finite number > 0; got 1e\+400"),
        ("learning_rate", math.inf, r"learning_rate must be a finite number > 0; got inf"),
    ],
)
def test_live_settings_refuse_bools_huge_ints_and_infinity(dash, name, bad, match):
    before = getattr(dash, name)
    with pytest.raises(ValueError, match=match):
        setattr(dash, name, bad)
    assert getattr(dash, name) == before == getattr(dash.runs[0].trainer, name)


def test_a_rate_per_layer_must_fit_the_run_it_goes_to(make_dash, page_writes, from_page):
    # Another run has two hidden layers, but the change goes to the first run (one): refused
    # before the trait changes, so the page never shows a dropout that is not in use.
    d = make_dash(epochs=1)
    d.add_run(Network([8, 6, 6, 3], seed=2))
    with pytest.raises(ValueError, match=r"a list of 1 \(one per hidden layer of sizes \[8, 16, 3"):
        d.dropout = (0.2, 0.3)
    assert d.dropout == 0.0 == d.runs[0].trainer.dropout
    page_writes(d, {"dropout": [0.2, 0.3]})  # the page's field: logged and ignored
    from_page(d, {"action": "set", "name": "dropout", "value": [0.4, 0.5]})
    assert d.dropout == 0.0 == d.runs[0].trainer.dropout
    assert "list of 1" in d.message
    d.dropout = (0.25,)  # one rate for its one hidden layer: taken, and the run trains with it
    assert d.runs[0].trainer.dropout == (0.25,)


def test_add_run_blames_the_data_it_inherited_only_for_a_fault_in_the_data(make_dash):
    d = make_dash(epochs=1)
    # The dashboard's labels 0..2 do not fit a network of 2 outputs: the hint says whose data.
    own = r"labels must be in 0..1 .*dashboard's own train and validation data"
    with pytest.raises(ValueError, match=own):
        d.add_run(Network([8, 4, 2], seed=1))
    # A bad setting of the run's own is its own fault: no word about the data.
    with pytest.raises(ValueError, match=r"^learning_rate must be a finite number > 0; got -1.0$"):
        d.add_run(Network([8, 4, 3], seed=1), learning_rate=-1)
    with pytest.raises(ValueError, match=r"^learning_rate must be a finite number > 0; got -1.0$"):
        d.add_grid(lambda seed: Network([8, 4, 3], seed=seed), learning_rate=[0.1, -1])
    assert len(d.runs) == 1


def test_a_run_whose_weights_are_not_images_cannot_be_compared(dash, page_writes):
    # [8, 16, 3]: no 28x28 image to draw beside the panels' own; refused as compare_weights does
    with pytest.raises(ValueError, match=r"\(compare_run\) draws first-layer weights as 28x28"):
        dash.compare_run = 0
    page_writes(dash, {"compare_run": 0})  # the page's selector: logged and ignored
    assert dash.compare_run is None


def test_interleave_is_checked_when_set_and_takes_numpy_numbers(make_dash):
    d = make_dash(epochs=1, interleave=np.int64(2))
    assert d.interleave == 2
    with pytest.raises(ValueError, match="interleave must be False .*; got 'x'"):
        d.interleave = "x"  # refused here, not later at start()
    assert d.interleave == 2
    d.interleave = np.True_
    d.run()
    assert [r.status for r in d.runs] == ["completed"]


def test_an_exercise_not_written_yet_is_one_line_not_a_traceback(make_dash, caplog):
    # A lab's callback still holding its stub: the learner needs its message, not 20 frames.
    class Stub(Callback):
        def on_epoch_end(self, trainer, epoch, logs):
            raise NotImplementedError("your code here: write PlateauHalving.on_epoch_end")

    d = make_dash(epochs=1, callbacks=[Stub()])
    with caplog.at_level(logging.ERROR, logger="nnwidgets.dashboard"):
        d.run()
    assert d.runs[0].status == "failed"
    assert d.runs[0].message == (
        "NotImplementedError: your code here: write PlateauHalving.on_epoch_end"
    )
    (record,) = [r for r in caplog.records if "failed" in r.getMessage()]
    assert record.exc_info is None and "write PlateauHalving.on_epoch_end" in record.getMessage()


def test_results_by_seed_is_true_or_false(make_dash):
    d = make_dash(epochs=1)
    d.run()
    assert len(d.results(by_seed=np.False_)) == 1
    with pytest.raises(TypeError, match="by_seed must be True .* or False .*; got 'x'"):
        d.results(by_seed="x")


def test_wait_takes_a_numpy_number_of_seconds(make_dash):
    d = make_dash(epochs=1)
    d.start()
    assert d.wait(np.float32(60)) is d.history


def test_log_scale_is_true_or_false(dash):
    dash.log_scale = np.True_  # np.any(...) is a bool too
    assert dash.log_scale is True
    with pytest.raises(
        TypeError, match=r"TrainingDashboard.log_scale must be True or False; got 'x'"
    ):
        dash.log_scale = "x"
    assert dash.log_scale is True


def test_a_setting_changed_when_every_run_has_trained_applies_to_the_next_run(make_net, make_dash):
    d = make_dash(epochs=1, batch_size=100)
    d.run()
    d.learning_rate = 0.5  # nothing left to train: the user means the next run
    run = d.add_run(make_net())
    assert run.trainer.learning_rate == 0.5


# -------------------------------------------------------------------------------- the page


@pytest.mark.parametrize(
    "content, said",
    [
        (
            {"action": "set", "name": ["learning_rate"], "value": 0.1},
            "the page asked to set ['learning_rate']",
        ),
        ({"action": "set", "name": {"a": 1}, "value": 0.1}, "the page asked to set {'a': 1}"),
        (
            {"action": "set", "name": "learning_rate", "value": 10**400},
            "learning_rate must be a finite number > 0; got 1e+400",
        ),
        (
            {"action": "set", "name": "momentum", "value": True},
            "momentum must be a number; got True",
        ),
        ({"action": ["start"]}, "unknown action ['start']"),
        ("start", "unknown action None"),
        (None, "unknown action None"),
    ],
)
def test_malformed_messages_from_the_page_are_refused_and_training_goes_on(
    dash, content, said, caplog, wait_for, from_page
):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 5)
    with caplog.at_level(logging.WARNING):
        from_page(dash, content)  # ipywidgets would log and drop an exception; none must escape
    assert said in dash.message  # said on the page, in words
    assert "Exception in widget method" not in caplog.text
    assert (dash.learning_rate, dash.momentum) == (0.05, 0.0)
    assert dash.runs[0].trainer.learning_rate == 0.05
    done = len(dash.history.batch_loss)
    wait_for(lambda: len(dash.history.batch_loss) > done + 5)  # still training


def test_a_message_that_breaks_the_handler_is_logged(dash, caplog, monkeypatch, from_page):
    def broken():
        raise KeyError("boom")  # a defect of ours, not a refusal: logged for the maintainer

    monkeypatch.setattr(dash, "resume", broken)
    with caplog.at_level(logging.WARNING, logger="nnwidgets.dashboard"):
        from_page(dash, {"action": "resume"})
    assert "malformed message from the page" in caplog.text
    assert dash.message == "ignored a malformed message from the page (KeyError)"


# ---------------------------------------------------------------------------------- closing


def test_close_while_training_ends_every_thread_and_frees_the_network(
    make_dash, wait_for, small_problem
):
    X, y = small_problem.X, small_problem.y
    d = make_dash()
    net = d.runs[0].network
    d.start()
    wait_for(lambda: len(d.history.batch_loss) >= 20)
    d.close()
    # When close() returns, nothing of the dashboard runs, and the network trains elsewhere.
    assert dashboard_threads() == []
    assert not net.training
    assert d.history.status == "stopped" and len(d.history.batch_loss) >= 20
    assert all(np.isfinite(w).all() for w in net.weights)
    assert net.fit(X, y, epochs=1, batch_size=50).status == "completed"


def test_close_waits_for_run_training_in_another_thread(make_dash, wait_for):
    d = make_dash()
    net = d.runs[0].network
    runner = threading.Thread(target=d.run)
    runner.start()
    wait_for(lambda: len(d.history.batch_loss) >= 20)
    d.close()
    # When close() returns, run() has stopped training: the network is free, the history final.
    assert not net.training and not d.training
    assert d.history.status == "stopped"
    assert dashboard_threads() == []
    runner.join(5)
    assert not runner.is_alive()


def test_close_while_paused_ends_training(make_dash):
    d = make_dash()
    d.start()
    d.pause()
    d.close()
    assert dashboard_threads() == []
    assert d.history.status == "stopped"


def test_close_from_the_users_own_callback_does_not_hang(make_dash):
    took = []

    class CloseAt(Callback):
        def on_batch_end(self, trainer, batch, logs):
            if batch == 3 and not took:
                began = time.monotonic()
                d.close()
                took.append(time.monotonic() - began)

    d = make_dash(callbacks=[CloseAt()])
    d.start()
    assert d.wait(timeout=20).status == "stopped"
    assert took and took[0] < 5


def test_a_closed_dashboard_refuses_to_train(make_net, make_dash):
    d = make_dash(epochs=1)
    d.close()
    for call in (d.start, d.step, d.run, lambda: d.add_run(make_net())):
        with pytest.raises(RuntimeError, match="this dashboard was closed"):
            call()
    assert dashboard_threads() == [] and len(d.runs) == 1


# --------------------------------------------------------------------------------- waiting


@pytest.mark.parametrize("timeout", [math.nan, -1, "1", True])
def test_wait_refuses_a_timeout_that_is_not_seconds(dash, timeout):
    dash.start()
    with pytest.raises(ValueError, match=r"timeout must be None or a number of seconds >= 0"):
        dash.wait(timeout=timeout)  # NaN would never run out
    assert dash.training


def test_wait_with_a_timeout_beyond_any_float_waits_without_one(dash, wait_for):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 5)
    threading.Timer(0.2, dash.stop).start()
    assert dash.wait(timeout=10**400).status == "stopped"


# -------------------------------------------------------------------------------- add_run


def test_add_run_on_the_dashboards_data_says_which_set_does_not_fit():
    from nnwidgets import load_bundled

    data = load_bundled()
    d = TrainingDashboard(
        Network([784, 10, 10], seed=0),
        train=(data.X_train[:200], data.y_train[:200]),
        validation=(data.X_test[:50], data.y_test[:50]),
        epochs=1,
    )
    try:
        with pytest.raises(
            ValueError,
            match=r"add_run\(\): the network takes 2 inputs, but the "
            r"dashboard's training set .* has 784 features per "
            r"example; pass train=\(X, y\) and validation=",
        ):
            d.add_run(Network([2, 8, 1], activation="tanh", output="sigmoid"))
        assert len(d.runs) == 1
    finally:
        d.close()


# ------------------------------------------------------------------------------ divergence


def test_divergence_on_raw_pixels_blames_the_inputs_not_the_learning_rate():
    rng = np.random.default_rng(1)
    pixels = np.rint(rng.random((300, 64)) * 255)  # 8x8 "images" left at 0..255
    labels = rng.integers(0, 10, 300)
    net = Network([64, 10, 10], seed=0)
    with pytest.warns(UserWarning, match="raw pixel"):
        d = TrainingDashboard(net, train=(pixels, labels), epochs=3, batch_size=10)
    assert d.run().status == "diverged"
    assert d.runs[0].message.startswith("the inputs go up to 255: scale them to 0..1 first")
    assert all(np.isfinite(w).all() for w in net.weights)


def test_divergence_on_standardised_inputs_blames_the_learning_rate():
    # Inputs up to 4 with negatives are standardised features, not pixels: the pixel advice
    # would be wrong here; the learning rate is what to change.
    rng = np.random.default_rng(1)
    X = rng.normal(size=(300, 64))
    labels = (X[:, 0] > 0).astype(int)
    d = TrainingDashboard(
        Network([64, 10, 2], seed=0), train=(X, labels), epochs=3, batch_size=10, learning_rate=1e4
    )
    assert d.run().status == "diverged"
    assert "scale them to 0..1" not in d.runs[0].message
    assert "learning rate 10000" in d.runs[0].message


def test_the_page_cannot_overwrite_what_the_kernel_says(dash, caplog, page_writes):
    with caplog.at_level(logging.WARNING, logger="nnwidgets.dashboard"):
        page_writes(
            dash, {"status": "completed", "progress": {"run": 7}, "_runs": [], "log_scale": True}
        )
    assert (dash.status, dash.progress.get("run"), len(dash._runs)) == ("ready", None, 1)
    assert dash.log_scale  # the page's own toggle is taken
    assert "ignored the page's write to 'status'" in caplog.text


@pytest.mark.parametrize(
    "state",
    [
        {"learning_rate": "abc", "log_scale": True},
        {"log_scale": True, "learning_rate": -5},
        {"learning_rate": None, "log_scale": True},
    ],
)
def test_a_bad_trait_write_from_the_page_is_logged_and_the_rest_taken(
    dash, caplog, state, page_writes
):
    with caplog.at_level(logging.WARNING):
        page_writes(dash, state)
    assert dash.learning_rate == 0.05 == dash.runs[0].trainer.learning_rate
    assert dash.log_scale
    assert "ignored the page's write to 'learning_rate'" in caplog.text
