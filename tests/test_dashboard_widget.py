"""TrainingDashboard without a browser: real networks, real threads, real widget serialisation.

The widget's public methods and the page's messages, end to end through its parts (control,
recorder, publisher, runs). Messages to the front end are recorded by the ``recorded`` fixture
(tests/conftest.py), which replaces the comm; everything above it runs as in a notebook.
"""

import math
import re
import signal
import threading
import time

import numpy as np
import pytest

from nnwidgets import Callback, Network, TrainingDashboard, load_bundled

# --------------------------------------------------------------------------------- threads


def test_start_returns_at_once_and_trains_in_a_thread(dash, wait_for):
    began = time.perf_counter()
    dash.start()
    assert time.perf_counter() - began < 0.5
    assert dash.training
    assert dash._thread is not threading.current_thread()
    wait_for(lambda: len(dash.history.batch_loss) >= 50)
    assert dash.status in ("running", "ready")  # "ready" until the writer's first update


def test_second_start_is_refused_with_a_message(dash):
    dash.start()
    with pytest.raises(RuntimeError, match=r"start\(\): this dashboard is already training"):
        dash.start()
    assert dash._thread.is_alive()


def test_a_second_dashboard_cannot_train_the_same_network(dash, make_dash, wait_for):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) > 0)
    other = make_dash(dash.runs[0].network)
    with pytest.raises(RuntimeError, match="already training elsewhere"):
        other.start()


def test_stop_ends_between_mini_batches_with_history_intact(dash, wait_for):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 30)
    dash.stop()
    history = dash.wait(timeout=10)
    assert history.status == "stopped"
    assert "stopped on request" in history.message
    assert history is dash.runs[0].network.history_
    n = len(history.batch_loss)
    assert n >= 30 and len(history.batch_accuracy) == n
    assert all(math.isfinite(v) for v in history.batch_loss)
    assert dash.runs[0].batch.total == n  # the dashboard saw every mini-batch the history has
    time.sleep(0.1)
    assert len(history.batch_loss) == n
    assert dash.status == "stopped"


def test_pause_holds_training_and_resume_goes_on(dash, wait_for):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 10)
    dash.pause()
    n = len(dash.history.batch_loss)
    time.sleep(0.3)
    assert len(dash.history.batch_loss) == n  # no mini-batch after pause() returned
    dash._publisher.publish()
    assert dash.status == "paused"
    with pytest.raises(RuntimeError, match="paused, so it would never end"):
        dash.wait()
    dash.resume()
    wait_for(lambda: len(dash.history.batch_loss) > n + 10)


def test_an_update_that_says_paused_carries_the_progress_as_parked(dash, wait_for):
    # The loop parks between the update's two reads (status and progress), after one more
    # mini-batch: an update must not say "paused" with the progress from before that mini-batch,
    # which the page would then change, after "paused", at the next update.
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 10)
    run, progress = dash.runs[0], dash._progress.progress
    parked_at = []

    def park_while_read(*args, **kwargs):
        got = progress(*args, **kwargs)
        if not parked_at:  # the first read: a mini-batch ends, then the loop parks
            read = run.trainer.position
            wait_for(lambda: run.trainer.position != read)
            dash.pause()
            wait_for(lambda: dash._control.parked)
            parked_at.append(run.trainer.position)
        return got

    def as_parked():
        epoch, batch = parked_at[0]
        return (dash.progress["epoch"], dash.progress["batch"]) == (epoch + 1, batch)

    dash._progress.progress = park_while_read
    dash._publisher.publish()
    del dash._progress.progress
    assert parked_at
    assert dash.status != "paused" or as_parked()
    dash._publisher.publish()  # the next update, as the writer would send it
    assert dash.status == "paused" and as_parked()
    dash.stop()


def test_pause_stop_wait_returns_as_soon_as_training_stops(dash, wait_for):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 10)
    dash.pause()
    parked_at = len(dash.history.batch_loss)
    dash.stop()
    began = time.monotonic()
    history = dash.wait()  # stopped, so it ends although paused: no timeout needed
    assert time.monotonic() - began < 2
    assert history.status == "stopped" and len(history.batch_loss) == parked_at
    assert not dash.training and dash.status == "stopped"


def test_step_from_another_thread_while_run_trains_steps(dash, wait_for):
    finished = []
    runner = threading.Thread(target=lambda: finished.append(dash.run()))
    runner.start()
    try:
        wait_for(lambda: len(dash.history.batch_loss) >= 10)
        dash.step()  # trains on to the next pause point, and parks there
        parked_at = len(dash.history.batch_loss)
        assert dash.runs[0].trainer.parked and dash.training
        for k in (1, 2):
            dash.step()
            assert len(dash.history.batch_loss) == parked_at + k
    finally:
        dash.stop()
        runner.join(10)
    assert finished and finished[0].status == "stopped"


@pytest.mark.parametrize("from_state", ["idle", "paused"])
def test_step_trains_exactly_one_mini_batch(from_state, make_dash, wait_for):
    d = make_dash()
    try:
        if from_state == "paused":
            d.start()
            wait_for(lambda: len(d.history.batch_loss) >= 5)
            d.pause()
        n = len(d.history.batch_loss)
        d.step()
        assert len(d.history.batch_loss) == n + 1
        d.step()
        assert len(d.history.batch_loss) == n + 2
        time.sleep(0.2)
        assert len(d.history.batch_loss) == n + 2
    finally:
        d.stop()
        d.wait(timeout=10)


def test_run_blocks_and_returns_the_history_fit_would(make_net, make_dash, small_problem):
    X, y, X_val, y_val = small_problem.X, small_problem.y, small_problem.X_val, small_problem.y_val
    # Same seed, same data, same settings: the dashboard's Trainer and fit's take the same steps.
    d = make_dash(epochs=2)
    history = d.run()
    assert history is d.runs[0].network.history_
    assert history.status == "completed" and history.epochs == 2
    twin = make_net()
    expected = twin.fit(X, y, epochs=2, batch_size=4, learning_rate=0.05, validation=(X_val, y_val))
    np.testing.assert_allclose(history.batch_loss, expected.batch_loss, rtol=1e-6)
    assert history.val_accuracy == expected.val_accuracy
    assert d.status == "completed" and not d.training


def test_keyboard_interrupt_in_run_stops_after_the_mini_batch(make_dash, default_sigint):
    class Interrupt(Callback):
        def on_batch_end(self, trainer, batch, logs):
            if len(trainer.history.batch_loss) == 7:
                signal.raise_signal(signal.SIGINT)  # what the notebook's Stop button sends

    d = make_dash(callbacks=[Interrupt()])
    history = d.run()  # returns instead of raising KeyboardInterrupt
    assert history.status == "stopped"
    assert "keyboard interrupt" in history.message
    assert len(history.batch_loss) == 7 == d.runs[0].batch.total
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # handler restored


def test_keyboard_interrupt_in_wait_stops_training(dash, wait_for, default_sigint):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) > 0)
    threading.Timer(0.2, signal.raise_signal, (signal.SIGINT,)).start()
    history = dash.wait()
    assert history.status == "stopped"
    assert "keyboard interrupt" in history.message
    assert not dash.training


def test_diverging_run_is_reported_and_keeps_finite_weights(make_dash):
    d = make_dash(epochs=3, learning_rate=1e30)
    history = d.run()
    assert history.status == "diverged" and d.status == "diverged"
    assert "learning rate" in d.message
    assert all(np.isfinite(w).all() for w in d.runs[0].network.weights)


def test_divergence_is_explained_with_the_loss_it_reached(make_dash, decoded):
    # lr 100 on this problem: the loss climbs for a dozen mini-batches, then a step overflows.
    d = make_dash(epochs=3, learning_rate=100)
    history = d.run()
    assert d.status == "diverged" and not d.training
    finite = [v for v in history.batch_loss if math.isfinite(v)]
    start, peak = finite[0], max(finite[1:])
    assert peak > 2 * start
    assert d.message.startswith(
        f"learning rate 100 is too high: the loss rose from {start:.3g} "
        f"to {peak:.3g}. Training stopped"
    )
    assert history.message in d.message  # the Trainer's own account is kept too
    assert d._runs[0]["message"] == d.message and d._runs[0]["status"] == "diverged"
    assert all(np.isfinite(w).all() for w in d.runs[0].network.weights)
    # The panels show the weights the network kept, not a blank.
    assert d._panels is not None and np.isfinite(decoded(d._panels["confusion"])).all()


# ----------------------------------------------------------------------- live settings


def test_learning_rate_set_on_the_widget_reaches_the_trainer(dash, wait_for, small_problem):
    BATCHES_PER_EPOCH = small_problem.batches_per_epoch
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 5)
    dash.pause()
    parked_at = len(dash.history.batch_loss)
    dash.learning_rate = 0.01
    trainer = dash.runs[0].trainer
    # Parked between mini-batches: the change applies from the next one, the step's.
    assert trainer.learning_rate == 0.01
    (change,) = dash.runs[0].changes
    assert change["name"] == "learning_rate" and change["old"] == 0.05 and change["new"] == 0.01
    assert change["epoch"] * BATCHES_PER_EPOCH + change["batch"] == parked_at
    assert dash.runs[0].marks[-1] == {
        "x": parked_at / BATCHES_PER_EPOCH,
        "text": "learning_rate 0.05 → 0.01",
    }
    dash.step()
    assert trainer.learning_rate == 0.01 and len(dash.runs[0].changes) == 1


@pytest.mark.parametrize(
    "name, bad",
    [
        ("learning_rate", 0),
        ("learning_rate", -1),
        ("learning_rate", float("nan")),
        ("momentum", 1.0),
        ("dropout", -0.1),
        ("l2", "a lot"),
    ],
)
def test_invalid_live_settings_are_refused_naming_the_setting(name, bad, make_dash):
    d = make_dash()
    before = getattr(d, name)
    with pytest.raises(ValueError, match=name):
        setattr(d, name, bad)
    assert getattr(d, name) == before
    assert getattr(d.runs[0].trainer, name) == before


def test_the_page_buttons_and_inputs_act(dash, from_page, wait_for):
    from_page(dash, {"action": "start"})
    wait_for(lambda: len(dash.history.batch_loss) >= 5)
    from_page(dash, {"action": "set", "name": "learning_rate", "value": -3})
    assert "learning_rate must be a finite number > 0; got -3" in dash.message
    assert dash.learning_rate == 0.05
    from_page(dash, {"action": "set", "name": "learning_rate", "value": 0.02})
    assert dash.learning_rate == 0.02
    from_page(dash, {"action": "start"})
    assert "already training" in dash.message
    from_page(dash, {"action": "stop"})
    assert dash.wait(timeout=10).status == "stopped"
    assert dash.runs[0].trainer.learning_rate == 0.02


def test_a_change_asked_for_just_before_training_ends_is_kept(dash, wait_for):
    dash.start()
    wait_for(lambda: len(dash.history.batch_loss) >= 5)
    dash.pause()
    dash.learning_rate = 0.02  # queued for the next mini-batch, which never comes
    dash.stop()
    dash.wait(timeout=10)
    run = dash.runs[0]
    assert run.trainer.learning_rate == 0.02
    assert [(c["name"], c["new"]) for c in run.changes] == [("learning_rate", 0.02)]


def test_changed_settings_before_start_apply_to_the_next_run(make_dash):
    d = make_dash(epochs=1)
    d.learning_rate = 0.2
    assert d.run().learning_rate == [0.2]


# ------------------------------------------------------------------- what the page receives


def test_updates_to_the_page_are_throttled_and_batched(recorded, make_dash, wait_for):
    # batch_size 1: thousands of mini-batches a second, far more than the page may be sent,
    # at the fastest update rate allowed (20 a second).
    d = make_dash(batch_size=1, epochs=200, update_interval=0.05)
    d.start()
    wait_for(lambda: len(d.history.batch_loss) >= 100)
    began = time.monotonic()
    count_from = len(recorded)
    time.sleep(1.5)
    d.stop()
    d.wait(timeout=10)
    window = [m for m in recorded[count_from:] if m[0] <= began + 1.5]
    updates = [m for m in window if m[2].get("method") == "update"]
    batches = d.runs[0].batch.total
    assert batches > 1000  # many more mini-batches than messages
    assert 5 <= len(updates) <= 1.5 * 20, f"{len(updates)} updates in 1.5 s"
    # Each update carries the curves and the progress together (hold_sync), as binary buffers.
    live = [m for m in updates if "_live" in m[2]["state"]]
    assert live and all("progress" in m[2]["state"] for m in live)
    assert all(m[3] for m in live)


def test_memory_is_bounded_however_many_mini_batches(recorded, make_dash, small_problem):
    BATCHES_PER_EPOCH = small_problem.batches_per_epoch
    # 400 epochs x 150 mini-batches = 60,000 points, kept in at most 64 buckets per curve.
    d = make_dash(epochs=400, max_points=64)
    d.run()
    run = d.runs[0]
    assert run.batch.total == 60_000 and len(d.history.batch_loss) == 60_000
    assert len(run.batch) <= 65 and len(run.epoch) <= 65
    curves = d._runs[0]["curves"]
    assert curves["batch"]["x"]["shape"][0] <= 65
    assert curves["epoch"]["x"]["shape"][0] <= 65
    # The buckets still span the whole run and average it faithfully.
    x = np.frombuffer(curves["batch"]["x"]["view"], np.float32)
    counts = np.frombuffer(curves["batch"]["count"]["view"], np.float32)
    loss = np.frombuffer(curves["batch"]["loss"]["view"], np.float32)
    assert counts.sum() == 60_000
    stride = counts[0]  # mini-batches per bucket, a power of two: 60,000 / 64 rounded up
    assert stride == 1024 and x[0] == pytest.approx((stride + 1) / 2 / BATCHES_PER_EPOCH, rel=1e-3)
    assert x[-1] > 395
    np.testing.assert_allclose(
        (loss * counts).sum() / counts.sum(), np.mean(d.history.batch_loss), rtol=1e-4
    )
    # The largest message to the page stays small (a few kB), not 60,000 points: the curves
    # plus, once an epoch, the panels (a 3x3 matrix and six 30-bin histograms here).
    assert max(sum(b.nbytes for b in (m[3] or [])) for m in recorded) < 64 * 4 * 12 + 1024


def test_add_run_compares_runs_one_after_another(make_net, make_dash):
    d = make_dash(epochs=1)
    second = d.add_run(make_net(cost="quadratic", output="sigmoid"))
    assert [r.label for r in d.runs] == [
        "output=softmax, cost=cross_entropy",
        "output=sigmoid, cost=quadratic",
    ]
    assert second.settings["epochs"] == 1  # the dashboard's settings unless given
    d.run()
    assert [r.status for r in d.runs] == ["completed", "completed"]
    assert d.history is second.history and d.histories[0].epochs == 1
    assert [r["label"] for r in d._runs] == [r.label for r in d.runs]
    assert all(r["curves"] is not None for r in d._runs)
    with pytest.raises(RuntimeError, match="nothing left to train") as refused:
        d.start()
    # A notebook cell with dash.run() run again: say how to start over, not only add_run
    assert "run the cell that made this dashboard (and its networks) again" in str(refused.value)
    with pytest.raises(ValueError, match=r"already run 2 .*network\.copy\(\)"):
        d.add_run(second.network)


def test_add_run_accepts_a_list_of_networks(make_net, make_dash):
    d = make_dash(epochs=1, batch_size=50)
    runs = d.add_run(
        [make_net(activation="sigmoid"), make_net(activation="tanh")], learning_rate=0.2
    )
    assert len(runs) == 2 and d.runs[1:] == runs
    assert [r.label for r in d.runs] == [
        "activation=relu, learning_rate=0.05",
        "activation=sigmoid, learning_rate=0.2",
        "activation=tanh, learning_rate=0.2",
    ]
    d.run()
    assert [r.status for r in d.runs] == ["completed"] * 3
    assert [len(r.history.epoch_loss) for r in d.runs] == [1, 1, 1]


def test_add_run_list_is_checked_before_any_run_is_added(make_net, make_dash):
    d = make_dash()
    net = make_net()
    with pytest.raises(ValueError, match="holds the same network twice"):
        d.add_run([net, net])
    with pytest.raises(ValueError, match=r"expects a Network or a list of Networks; got str"):
        d.add_run([make_net(), "net"])
    with pytest.raises(ValueError, match="label cannot be given with a list"):
        d.add_run([make_net()], label="x")
    assert len(d.runs) == 1


def test_add_run_settings_override_and_label(make_net, make_dash):
    d = make_dash(epochs=1)
    d.add_run(make_net(), learning_rate=0.5, label="fast")
    assert [r.label for r in d.runs] == ["learning_rate=0.05", "fast"]
    assert d.runs[1].trainer.learning_rate == 0.5


# ------------------------------------------------------------------- interleaved runs


class TurnLog(Callback):
    """Which network trained each mini-batch and ended each epoch, in the order they happened."""

    def __init__(self, nets):
        self.names = {id(n): name for name, n in nets.items()}
        self.batches, self.epochs = [], []

    def on_batch_end(self, trainer, batch, logs):
        self.batches.append(self.names[id(trainer.network)])

    def on_epoch_end(self, trainer, epoch, logs):
        self.epochs.append((self.names[id(trainer.network)], epoch))


@pytest.fixture
def two_runs(make_net, make_dash):
    """``two_runs(**options)``: a dashboard with runs "a" and "b" (relu/softmax and
    sigmoid/quadratic), and the TurnLog of which one trained each mini-batch and epoch."""

    def make(**options):
        a, b = make_net(), make_net(cost="quadratic", output="sigmoid")
        log = TurnLog({"a": a, "b": b})
        d = make_dash(a, callbacks=[log], **options)
        d.add_run(b)
        return d, log, (a, b)

    return make


def test_interleaved_runs_take_turns_one_epoch_each(two_runs, small_problem):
    BATCHES_PER_EPOCH = small_problem.batches_per_epoch
    d, log, (a, b) = two_runs(epochs=3, interleave=True)
    d.run()
    assert log.epochs == [("a", 0), ("b", 0), ("a", 1), ("b", 1), ("a", 2), ("b", 2)]
    assert [r.status for r in d.runs] == ["completed", "completed"]
    assert [len(h.epoch_loss) for h in d.histories] == [3, 3]
    assert [r.batch.total for r in d.runs] == [3 * BATCHES_PER_EPOCH] * 2
    # Taking turns changes nothing in what each network learns: same weights as one after another.
    d2, _, (a2, b2) = two_runs(epochs=3)
    d2.run()
    for mine, theirs in ((a, a2), (b, b2)):
        for w, w2 in zip(mine.weights, theirs.weights):
            np.testing.assert_allclose(w, w2, rtol=1e-6, atol=1e-7)


def test_interleaved_by_mini_batches_alternates_every_n(two_runs, small_problem):
    BATCHES_PER_EPOCH = small_problem.batches_per_epoch
    d, log, _ = two_runs(epochs=1, interleave=7)
    d.start()
    d.wait(timeout=30)
    # 150 mini-batches each, in turns of 7: a x7, b x7, ... the last turns shorter.
    expected = []
    for start in range(0, BATCHES_PER_EPOCH, 7):
        n = min(7, BATCHES_PER_EPOCH - start)
        expected += ["a"] * n + ["b"] * n
    assert log.batches == expected


def test_interleaved_curves_grow_side_by_side_and_both_reach_the_page(
    recorded, two_runs, wait_for, small_problem
):
    BATCHES_PER_EPOCH = small_problem.batches_per_epoch
    d, _, _ = two_runs(epochs=200, interleave=True)
    d.start()
    try:
        wait_for(lambda: len(d.histories[1].epoch_loss) >= 2)
        d.pause()
        done = [len(h.batch_loss) for h in d.histories]
        assert abs(done[0] - done[1]) <= BATCHES_PER_EPOCH  # at most one turn apart
        assert all(r.status == "running" for r in d.runs)
        d._publisher.publish()
        waiting = 1 - d._live["run"]  # the page gets the run whose turn it is as _live...
        assert d._runs[waiting]["curves"] is not None  # ...and the other's curves so far in _runs
        assert d.progress["samples"] == sum(done) * 4  # both runs' samples (batch size 4)
        assert d.progress["samples_total"] == 2 * 200 * 600
    finally:
        d.stop()
        d.wait(timeout=10)
    # stop() ends every run of the rotation, not only the one whose turn it was
    assert [r.status for r in d.runs] == ["stopped", "stopped"]
    assert not d.training


def test_interleaved_live_change_applies_to_the_run_whose_turn_it_is(
    dash, monkeypatch, make_net, wait_for
):
    monkeypatch.setattr(
        "nnwidgets.widgets.dashboard.control.PARK_TIMEOUT", 3.0
    )  # a lost step fails fast
    dash.add_run(make_net(activation="tanh"))
    dash.interleave = 5
    dash.start()
    wait_for(lambda: len(dash.histories[1].batch_loss) >= 10)
    dash.pause()
    for _ in range(6):  # across a change of turn, each step trains one mini-batch of one run
        before = sum(len(h.batch_loss) for h in dash.histories)
        dash.step()
        assert sum(len(h.batch_loss) for h in dash.histories) == before + 1
    while (
        dash._control.active is not dash.runs[1]
    ):  # the second run's turn, so "the first" would be wrong
        dash.step()
    active = dash._control.active
    dash.learning_rate = 0.02
    dash.step()
    assert active.trainer.learning_rate == 0.02 and [c["new"] for c in active.changes] == [0.02]
    other = next(r for r in dash.runs if r is not active)
    assert other.trainer.learning_rate == 0.05 and other.changes == []


def test_a_run_added_while_interleaved_runs_train_joins_their_turns(make_dash, make_net, wait_for):
    d = make_dash(interleave=2)
    d.add_run(make_net(activation="sigmoid"))
    d.start()
    wait_for(lambda: len(d.histories[1].batch_loss) >= 4)
    third = d.add_run(make_net(activation="tanh"), label="late")
    assert "'late' joined the runs taking turns" in d.message
    wait_for(lambda: third.batches_done >= 4)
    d._publisher.publish()  # turns have passed since: what was said stays said
    assert "'late' joined the runs taking turns" in d.message
    d.pause()
    order = []  # which run trains each step: all three, in turns of two
    for _ in range(6):
        before = [r.batches_done for r in d.runs]
        d.step()
        order += [i for i, r in enumerate(d.runs) if r.batches_done > before[i]]
    assert len(order) == 6 and set(order) == {0, 1, 2}
    d.stop()
    d.wait(timeout=10)
    assert [r.status for r in d.runs] == ["stopped"] * 3 and not d.training


@pytest.mark.parametrize("bad", [0, -2, 2.5, "batch", [1]])
def test_interleave_must_be_a_bool_or_a_count(bad, make_dash):
    with pytest.raises(
        ValueError, match=r"interleave must be False .* got " + re.escape(repr(bad))
    ):
        make_dash(interleave=bad)


# ------------------------------------------------------------------------ bad arguments


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"train": "X alone"}, ValueError, "train must be a pair"),
        ({"learning_rate": -1}, ValueError, "learning_rate"),
        ({"batch_size": 0}, ValueError, "batch_size"),
        ({"epochs": 2.5}, ValueError, "epochs"),
        (
            {"learnin_rate": 0.1},
            TypeError,
            "unexpected keyword argument 'learnin_rate'.*Check the spelling",
        ),
        ({"update_interval": 0.001}, ValueError, "update_interval must be between 0.05 and 10"),
        ({"max_points": 7}, ValueError, "max_points must be an even integer"),
        ({"validation": "X_val alone"}, ValueError, "validation must be a pair"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, error, match, make_net, small_problem):
    X, y, X_val = small_problem.X, small_problem.y, small_problem.X_val
    stand_ins = {"X alone": X, "X_val alone": (X_val,)}  # the problem's arrays, by name
    options = {"train": (X, y), "epochs": 1}
    options.update({k: stand_ins.get(v, v) if isinstance(v, str) else v for k, v in kwargs.items()})
    with pytest.raises(error, match=match):
        TrainingDashboard(make_net(), **options)


def test_add_run_rejects_unknown_settings(make_net, make_dash):
    with pytest.raises(TypeError, match="add_run.*'lr'"):
        make_dash().add_run(make_net(), lr=0.1)


def test_dashboard_trains_mnist_from_the_bundled_data():
    data = load_bundled()
    net = Network([784, 20, 10], seed=0)
    d = TrainingDashboard(
        net,
        train=(data.X_train[:1000], data.y_train[:1000]),
        validation=(data.X_test[:200], data.y_test[:200]),
        epochs=2,
        batch_size=20,
    )
    history = d.run()
    assert history.val_accuracy[-1] > 0.5
    assert d.progress == {"run": None, "runs": 1}


def test_run_sends_from_the_loop_under_the_readers_numpy_settings(make_dash):
    # run() trains and sends the updates on the caller's thread, from inside the loop, which
    # ignores overflow for itself: the widget's observers (the reader's code) still run under
    # the reader's own settings. (start()'s recorder only counts, under the loop's.)
    d = make_dash(epochs=60, update_interval=0.05)  # 9,000 mini-batches: sent while training
    seen = []
    d.observe(lambda change: seen.append(np.geterr()["over"]), names="progress")
    with np.errstate(over="raise"):
        d.run()
    assert len(seen) >= 3 and set(seen) == {"raise"}
