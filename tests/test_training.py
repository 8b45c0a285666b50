"""The training loop: every option learns, and stopping, pausing or diverging loses nothing."""

import math
import sys
import threading
import time
import warnings

import numpy as np
import pytest
from threadpoolctl import threadpool_info

from nnwidgets import Callback, Network, load_bundled, training
from nnwidgets.training import Trainer, TrainingDiverged, auto_threads

# Four Gaussian clusters in 8 dimensions, 300 training and 100 validation points: learnable
# in a few epochs, impossible to get right by chance (25%).
_rng = np.random.default_rng(0)
CENTRES = _rng.normal(0, 1.5, (4, 8))
LABELS = _rng.integers(0, 4, 400)
POINTS = CENTRES[LABELS] + _rng.normal(0, 0.7, (400, 8))
X, y, X_val, y_val = POINTS[:300], LABELS[:300], POINTS[300:], LABELS[300:]


def make(**kwargs):
    return Network([8, 16, 4], seed=0, **kwargs)


@pytest.mark.parametrize(
    "net_kwargs, fit_kwargs",
    [
        (
            dict(activation="sigmoid", output="sigmoid", cost="quadratic", init="large"),
            dict(learning_rate=3.0),
        ),
        (
            dict(activation="sigmoid", output="sigmoid", cost="cross_entropy"),
            dict(learning_rate=0.5),
        ),
        (dict(activation="tanh", output="softmax", cost="log_likelihood"), dict(learning_rate=0.1)),
        (dict(activation="relu"), dict(learning_rate=0.1)),
        (dict(activation="leaky_relu"), dict(learning_rate=0.1)),
        (dict(), dict(learning_rate=0.05, momentum=0.9)),
        (dict(), dict(learning_rate=0.1, l2=1.0)),
        (dict(), dict(learning_rate=0.1, l1=1.0)),
        (dict(), dict(learning_rate=0.1, dropout=0.3)),
        (dict(), dict(learning_rate=0.2, schedule="step", step_size=2)),
        (dict(), dict(learning_rate=0.2, schedule="cosine")),
        (dict(dtype="float64"), dict(learning_rate=0.1)),
    ],
)
def test_every_option_learns(net_kwargs, fit_kwargs):
    net = make(**net_kwargs)
    history = net.fit(X, y, epochs=8, batch_size=10, validation=(X_val, y_val), **fit_kwargs)
    assert history.status == "completed"
    assert history.epoch_loss[-1] < history.epoch_loss[0]
    assert net.score(X_val, y_val) > 0.9


def test_history_records_batches_and_epochs():
    net = make()
    history = net.fit(X, y, epochs=3, batch_size=64, validation=(X_val, y_val))
    assert len(history.batch_loss) == len(history.batch_accuracy) == 3 * 5  # ceil(300/64) = 5
    assert history.epochs == len(history.val_accuracy) == len(history.learning_rate) == 3
    assert net.history_ is history
    assert history.val_accuracy[-1] == pytest.approx(net.score(X_val, y_val))


def test_l2_shrinks_weights():
    plain, decayed = make(), make()
    plain.fit(X, y, epochs=5, learning_rate=0.1)
    decayed.fit(X, y, epochs=5, learning_rate=0.1, l2=30.0)
    assert np.abs(decayed.weights[0]).sum() < 0.8 * np.abs(plain.weights[0]).sum()


def test_schedules():
    net = make()
    step = Trainer(
        net, X, y, epochs=10, learning_rate=1.0, schedule="step", step_size=3, step_gamma=0.5
    )
    assert [step.current_learning_rate(e) for e in (0, 2.9, 3, 6)] == [1.0, 1.0, 0.5, 0.25]
    cosine = Trainer(net, X, y, epochs=10, learning_rate=1.0, schedule="cosine")
    assert cosine.current_learning_rate(0) == 1.0
    assert cosine.current_learning_rate(5) == pytest.approx(0.5)
    assert cosine.current_learning_rate(10) == pytest.approx(0.0)
    custom = Trainer(net, X, y, epochs=10, learning_rate=2.0, schedule=lambda e: 1 / (1 + e))
    assert custom.current_learning_rate(1) == pytest.approx(1.0)


def test_callbacks_see_every_event_in_order():
    events = []

    class Recorder(Callback):
        def on_train_begin(self, trainer):
            events.append("begin")

        def on_epoch_begin(self, trainer, epoch):
            events.append(f"epoch{epoch}")

        def on_batch_end(self, trainer, batch, logs):
            events.append("batch")
            assert set(logs) == {"loss", "accuracy", "learning_rate"}

        def on_epoch_end(self, trainer, epoch, logs):
            events.append(f"end{epoch}:{logs['val_accuracy'] > 0}")

        def on_train_end(self, trainer):
            events.append("done")

    make().fit(X, y, epochs=2, batch_size=150, validation=(X_val, y_val), callbacks=[Recorder()])
    assert events == [
        "begin",
        "epoch0",
        "batch",
        "batch",
        "end0:True",
        "epoch1",
        "batch",
        "batch",
        "end1:True",
        "done",
    ]


def test_stop_mid_epoch_leaves_usable_model_and_consistent_history():
    class StopAfter(Callback):
        def on_batch_end(self, trainer, batch, logs):
            if len(trainer.history.batch_loss) == 12:
                trainer.stop()

    net = make()
    history = net.fit(X, y, epochs=5, batch_size=10, callbacks=[StopAfter()])
    assert history.status == "stopped"
    assert len(history.batch_loss) == 12
    assert history.epochs == 0  # the first epoch (30 batches) never finished
    assert "stopped on request" in history.message
    assert all(np.isfinite(w).all() for w in net.weights)
    assert net.predict(X_val).shape == (100,)


def wait_for(condition, seconds=30):
    """Poll until ``condition()``; fail (never hang the suite) if it takes too long."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the training thread"
        time.sleep(0.001)


def test_pause_and_stop_from_another_thread():
    net = make()
    trainer = Trainer(net, X, y, epochs=10_000, batch_size=10)
    worker = threading.Thread(target=trainer.run)
    worker.start()
    wait_for(lambda: len(trainer.history.batch_loss) >= 5)
    trainer.pause()
    assert trainer.wait_paused(timeout=30), "the loop never parked at the pause"
    # parked: the current mini-batch finished and nothing moves until resume()
    paused_at = len(trainer.history.batch_loss)
    weights = net.weights[0].copy()
    time.sleep(0.05)
    assert len(trainer.history.batch_loss) == paused_at and worker.is_alive()
    np.testing.assert_array_equal(net.weights[0], weights)
    assert net.training
    trainer.resume()
    wait_for(lambda: len(trainer.history.batch_loss) >= paused_at + 5)
    trainer.stop()
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert trainer.history.status == "stopped"


class CountBatches(Callback):
    def __init__(self):
        self.count = 0

    def on_batch_end(self, trainer, batch, logs):
        self.count += 1


def start_paused(**kwargs):
    """A Trainer on its own thread, paused before its first mini-batch and parked there."""
    counter = CountBatches()
    trainer = Trainer(make(), X, y, epochs=10_000, batch_size=10, callbacks=[counter], **kwargs)
    trainer.pause()
    worker = threading.Thread(target=trainer.run, daemon=True)
    worker.start()
    assert trainer.wait_paused(timeout=30), "the loop never parked at the pause"
    return trainer, worker, counter


@pytest.mark.parametrize("n", [1, 4])
def test_step_runs_exactly_n_mini_batches_then_parks_again(n):
    trainer, worker, counter = start_paused()
    assert counter.count == 0 and trainer.parked
    trainer.step(n)
    assert trainer.wait_paused(timeout=30)
    assert counter.count == len(trainer.history.batch_loss) == n
    trainer.step(n)
    assert trainer.wait_paused(timeout=30)
    assert counter.count == 2 * n and trainer.paused and trainer.parked
    trainer.resume()
    assert not trainer.paused
    trainer.pause()
    assert trainer.wait_paused(timeout=30)
    trainer.stop()
    worker.join(timeout=30)
    assert not worker.is_alive() and trainer.history.status == "stopped"


def test_stop_while_paused_ends_at_once_without_another_mini_batch():
    trainer, worker, counter = start_paused()
    trainer.step(3)
    assert trainer.wait_paused(timeout=30)
    weights = trainer.network.weights[0].copy()
    trainer.stop()
    assert trainer.stop_requested
    worker.join(timeout=30)
    assert not worker.is_alive(), "a paused run did not wake up to stop"
    assert trainer.history.status == "stopped" and counter.count == 3
    assert "after 3 mini-batches" in trainer.history.message
    np.testing.assert_array_equal(trainer.network.weights[0], weights)
    assert not trainer.parked and not trainer.network.training
    assert trainer.wait_paused(timeout=30) is False  # ended: it will never park


def test_a_callback_may_pause_and_step_on_the_training_thread():
    # The dashboard's recorder steers from on_batch_end: nothing there may wait for the loop.
    class PauseAtTwo(Callback):
        def on_batch_end(self, trainer, batch, logs):
            if batch == 1:
                trainer.pause()  # parks at the next boundary, after these two mini-batches
                assert trainer.wait_paused() is False  # cannot wait for itself
            if batch == 4:
                trainer.step(3)  # while stepping: three more after this one, then park

    counter = CountBatches()
    trainer = Trainer(make(), X, y, epochs=10_000, batch_size=10, callbacks=[PauseAtTwo(), counter])
    worker = threading.Thread(target=trainer.run, daemon=True)
    worker.start()
    assert trainer.wait_paused(timeout=30)
    assert counter.count == 2
    trainer.step(3)  # batches 2, 3, 4; at 4 the callback asks for three more
    assert trainer.wait_paused(timeout=30)
    assert counter.count == 8
    trainer.stop()
    worker.join(timeout=30)
    assert not worker.is_alive() and trainer.history.status == "stopped"


def test_step_while_training_pauses_after_n_more():
    class StepAtThree(Callback):
        def on_batch_end(self, trainer, batch, logs):
            if batch == 2:
                trainer.step(5)

    counter = CountBatches()
    trainer = Trainer(
        make(), X, y, epochs=10_000, batch_size=10, callbacks=[StepAtThree(), counter]
    )
    worker = threading.Thread(target=trainer.run, daemon=True)
    worker.start()
    assert trainer.wait_paused(timeout=30)
    assert counter.count == 3 + 5
    trainer.stop()
    worker.join(timeout=30)
    assert trainer.history.status == "stopped"


def test_changing_learning_rate_while_training_takes_effect():
    class Halve(Callback):
        def on_batch_end(self, trainer, batch, logs):
            if batch == 2:
                trainer.learning_rate = 0.05

    net = make()
    trainer = Trainer(net, X, y, epochs=1, batch_size=50, learning_rate=0.1, callbacks=[Halve()])
    seen = []

    class Watch(Callback):
        def on_batch_end(self, trainer, batch, logs):
            seen.append(logs["learning_rate"])

    trainer.callbacks.append(Watch())
    trainer.run()
    assert seen == [0.1, 0.1, 0.1, 0.05, 0.05, 0.05]


def test_early_stopping_restores_the_best_weights():
    best = {}

    class Remember(Callback):
        def on_epoch_end(self, trainer, epoch, logs):
            best.setdefault("acc", -1)
            if logs["val_accuracy"] > best["acc"]:
                best["acc"] = logs["val_accuracy"]
                best["w"] = trainer.network.weights[0].copy()

    net = make()
    # A learning rate this large keeps validation accuracy from improving for long.
    history = net.fit(
        X,
        y,
        epochs=200,
        batch_size=10,
        learning_rate=2.0,
        validation=(X_val, y_val),
        early_stopping=3,
        callbacks=[Remember()],
    )
    assert history.status == "early_stopped"
    assert history.epochs < 200
    np.testing.assert_array_equal(net.weights[0], best["w"])
    assert net.score(X_val, y_val) == pytest.approx(max(history.val_accuracy))


def test_divergence_stops_with_a_message_and_finite_weights():
    net = make(activation="linear", output="linear", cost="quadratic")
    snapshots = []

    class Keep(Callback):
        def on_batch_end(self, trainer, batch, logs):
            snapshots.append([w.copy() for w in trainer.network.weights])

    with pytest.raises(TrainingDiverged, match="diverged.*smaller learning rate"):
        net.fit(X * 100, y, epochs=50, batch_size=10, learning_rate=10.0, callbacks=[Keep()])
    assert net.history_.status == "diverged"
    assert all(np.isfinite(w).all() for w in net.weights)
    # the weights are those after the last successful step
    for w, kept in zip(net.weights, snapshots[-1]):
        np.testing.assert_array_equal(w, kept)
    assert len(net.history_.batch_loss) == len(snapshots)


def test_transform_runs_every_epoch_and_training_sees_its_result():
    calls = []

    def blank(Xe, rng):
        calls.append(rng)
        return np.zeros_like(Xe)

    net = make(activation="sigmoid")  # sigmoid(0) = 1/2: the hidden layer still has output
    first_layer, last_layer = net.weights[0].copy(), net.weights[1].copy()
    net.fit(X, y, epochs=3, transform=blank)
    assert len(calls) == 3 and all(rng is net.rng for rng in calls)
    # Training saw only zeros: BP4 gives dC/dw = delta a^T = 0 for the first layer, so it
    # never moved, while the biases drove the last layer.
    np.testing.assert_array_equal(net.weights[0], first_layer)
    assert not np.array_equal(net.weights[1], last_layer)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(epochs=0), "epochs must be a positive integer"),
        (dict(batch_size=2.5), "batch_size must be a positive integer"),
        (dict(learning_rate=-1), r"learning_rate must be a finite number > 0; got -1"),
        (dict(learning_rate=float("inf")), r"learning_rate must be a finite number > 0; got inf"),
        (dict(learning_rate=float("nan")), "learning_rate must be a finite number > 0; got nan"),
        (dict(learning_rate="0.1"), r"learning_rate must be a number; got '0.1' \(str\)"),
        (dict(threads=0), "threads must be a positive integer or None; got 0"),
        (dict(threads=1.5), "threads must be a positive integer or None"),
        (dict(notify_interval=-1), "notify_interval must be a finite number >= 0"),
        (dict(momentum=1.0), r"momentum must be in \[0, 1\)"),
        (dict(dropout=1.0), r"dropout must be in \[0, 1\)"),
        (dict(l2=-0.1), "l2 must be a finite number >= 0; got -0.1"),
        (dict(schedule="exponential"), "schedule must be one of"),
        (dict(early_stopping=3), "early_stopping needs validation data"),
        (dict(validation=[1, 2, 3]), r"validation must be a pair"),
        (dict(callbacks=[print]), "callbacks must be Callback instances"),
        # The validation pair's faults name it, not the training data's X and y.
        (dict(validation=(X_val[:0], y_val[:0])), "^X_val is empty: expected at least one"),
        (dict(validation=(X_val[:, :1], y_val)), r"^X_val must have shape \(n_samples, 8\)"),
        (dict(validation=(X_val, y_val[:-1])), rf"^y_val must be {len(y_val)} integer labels"),
        (dict(validation=(X_val, y_val + 5)), "^y_val: labels must be in 0..3"),
    ],
)
def test_bad_training_options_are_named(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make().fit(X, y, **kwargs)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda net: net.fit(X, y, momentun=0.9),
            r"fit\(\) got an unexpected keyword argument 'momentun'; expected one of: .*momentum.*"
            r"Check the spelling",
        ),
        (
            lambda net: net.SGD([(X[0].reshape(-1, 1), 1)], 1, 1, 0.1, l2=1.0),
            r"SGD\(\) got an unexpected keyword argument 'l2'; expected one of: .*dropout",
        ),
    ],
)
def test_misspelt_training_keywords_are_named_with_the_allowed_ones(call, message):
    with pytest.raises(TypeError, match=message):
        call(make())


def test_a_book_network_that_cannot_train_is_refused_when_the_trainer_is_built():
    from nnwidgets.book import as_network

    class NoBackprop:  # the book's attributes, without the method that computes gradients
        def __init__(self):
            rng = np.random.default_rng(0)
            self.sizes = [8, 5, 4]
            self.weights = [rng.standard_normal((5, 8)), rng.standard_normal((4, 5))]
            self.biases = [rng.standard_normal((5, 1)), rng.standard_normal((4, 1))]

    with pytest.raises(TypeError, match="needs its backprop"):
        Trainer(as_network(NoBackprop()), X, y, epochs=1)


def test_bad_training_call_leaves_weights_untouched():
    net = make()
    before = [w.copy() for w in net.weights]
    with pytest.raises(ValueError):
        net.fit(X, np.full(300, 7), epochs=1)
    for w, b in zip(net.weights, before):
        np.testing.assert_array_equal(w, b)


def test_book_interface_sgd(capsys):
    # lists of (x, y) column vectors, as the book's mnist_loader makes them
    training = [(x.reshape(-1, 1), np.eye(4)[t].reshape(-1, 1)) for x, t in zip(X, y)]
    test = [(x.reshape(-1, 1), int(t)) for x, t in zip(X_val, y_val)]
    net = Network(
        [8, 16, 4], activation="sigmoid", output="sigmoid", cost="quadratic", init="large", seed=0
    )
    net.SGD(training, 3, 10, 3.0, test_data=test)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Epoch 0", "Epoch 1", "Epoch 2"]
    correct = int(lines[-1].split(":")[1].split("/")[0])
    assert correct == round(net.score(X_val, y_val) * 100) and correct > 90


# -- worked examples: one step by hand ----------------------------------------------------------
# One linear neuron, a = w x + b, quadratic cost C = (a - y)^2 / 2, so dC/dw = (a - y) x and
# dC/db = a - y. Float64 throughout, so the arithmetic in the comments holds to 1e-12.


def neuron(w, b):
    net = Network(
        [1, 1], activation="linear", output="linear", cost="quadratic", dtype="float64", seed=0
    )
    net.set_parameters([[[w]]], [[b]])
    return net


def test_sgd_step_with_momentum_by_hand():
    net = neuron(0.5, 0.1)
    # step 1: a = 0.5*2 + 0.1 = 1.1, a - y = -1.9, dC/dw = -3.8, dC/db = -1.9
    #   v_w = -0.1 * -3.8 = 0.38 -> w = 0.88;  v_b = 0.19 -> b = 0.29
    # step 2: a = 0.88*2 + 0.29 = 2.05, a - y = -0.95, dC/dw = -1.9, dC/db = -0.95
    #   v_w = 0.9*0.38 + 0.19 = 0.532 -> w = 1.412;  v_b = 0.9*0.19 + 0.095 = 0.266 -> b = 0.556
    #   (without momentum: w = 0.88 + 0.19 = 1.07)
    history = net.fit([[2.0]], [[3.0]], epochs=2, batch_size=1, learning_rate=0.1, momentum=0.9)
    assert net.weights[0][0, 0] == pytest.approx(1.412, abs=1e-12)
    assert net.biases[0][0] == pytest.approx(0.556, abs=1e-12)
    assert history.batch_loss == pytest.approx([0.5 * 1.9**2, 0.5 * 0.95**2])


def test_sgd_step_with_l2_by_hand():
    net = neuron(0.5, 0.1)
    # two identical examples, so n = 2 and the gradient is that of one: dC/dw = -3.8, dC/db = -1.9
    # L2 (lambda = 0.5) adds (lambda/n) w = 0.25 * 0.5 = 0.125 to dC/dw only: -3.675
    # w = 0.5 + 0.1 * 3.675 = 0.8675;  b = 0.1 + 0.19 = 0.29 (biases are not decayed)
    # loss = (1.9^2)/2 + (lambda/2n) w^2 = 1.805 + 0.125 * 0.25 = 1.83625
    history = net.fit(
        [[2.0], [2.0]], [[3.0], [3.0]], epochs=1, batch_size=2, learning_rate=0.1, l2=0.5
    )
    assert net.weights[0][0, 0] == pytest.approx(0.8675, abs=1e-12)
    assert net.biases[0][0] == pytest.approx(0.29, abs=1e-12)
    assert history.batch_loss == pytest.approx([1.83625])


def test_sgd_step_with_l1_by_hand():
    net = neuron(-0.5, 0.1)
    # a = -0.5*2 + 0.1 = -0.9, a - y = -3.9, dC/dw = -7.8
    # L1 (lambda = 0.4, n = 2) adds (lambda/n) sign(w) = 0.2 * -1 = -0.2: dC/dw = -8.0
    # w = -0.5 + 0.1 * 8.0 = 0.3: L1 pulled the negative weight 0.02 further towards zero than
    # the plain step (-0.5 + 0.78 = 0.28)
    # loss = 3.9^2/2 + (lambda/n)|w| = 7.605 + 0.2 * 0.5 = 7.705
    history = net.fit(
        [[2.0], [2.0]], [[3.0], [3.0]], epochs=1, batch_size=2, learning_rate=0.1, l1=0.4
    )
    assert net.weights[0][0, 0] == pytest.approx(0.3, abs=1e-12)
    assert history.batch_loss == pytest.approx([7.705])


def test_velocity_is_mu_v_plus_the_step_in_place_and_the_step_itself_without_momentum():
    from nnwidgets.momentum import Velocity

    velocity = Velocity([(2, 1), (1,)], np.float64)
    step = np.array([1.0, 2.0, 3.0])  # -eta * grad for a (2, 1) weight and a (1,) bias
    assert velocity.update(step, 0.0) is step  # mu = 0: v = step, no copy
    v = velocity.update(step, 0.5)  # v = 0.5 * 0 + step
    np.testing.assert_array_equal(v, [1.0, 2.0, 3.0])
    v = velocity.update(np.array([1.0, 0.0, -1.0]), 0.5)  # v = 0.5 * [1, 2, 3] + [1, 0, -1]
    np.testing.assert_array_equal(v, [1.5, 1.0, 0.5])
    assert v is velocity.v  # updated in place
    np.testing.assert_array_equal(velocity.views[0], [[1.5], [1.0]])
    np.testing.assert_array_equal(velocity.views[1], [0.5])
    velocity.update(step, 0.0)  # momentum off: the velocity is forgotten
    np.testing.assert_array_equal(velocity.update(step, 0.5), step)


@pytest.mark.parametrize("mu", [0.1, 0.5, 0.9, 0.99])
def test_a_velocity_without_gradient_fades_to_zero_without_passing_through_subnormals(mu):
    # The weights of a pixel blank in every digit get no gradient: their velocity only shrinks
    # by mu. Subnormal floats (below 1.2e-38 in float32) cost the CPU ~20x per operation.
    from nnwidgets.momentum import Velocity

    velocity = Velocity([(3,)], np.float32)
    velocity.update(np.array([1e-3, -2e-2, 0.0], np.float32), mu)
    smallest_normal = np.finfo(np.float32).tiny
    for _ in range(int(100 / -np.log10(mu))):  # far past the subnormals: 1e-3 * mu**k < 1e-100
        v = velocity.update(np.zeros(3, np.float32), mu)
        assert not ((v != 0) & (np.abs(v) < smallest_normal)).any()
    np.testing.assert_array_equal(v, 0)


def test_dropout_scales_survivors_by_one_over_keep_probability():
    # 10,000 hidden units that all output 1 (zero weights, bias 1, linear), summed by the
    # output: with p = 0.5 each survivor arrives as 1/(1-p) = 2, so the sum is 2 x survivors,
    # about 10,000, the same as without dropout on average.
    hidden = 10_000
    net = Network(
        [3, hidden, 1],
        activation="linear",
        output="linear",
        cost="quadratic",
        dtype="float64",
        seed=0,
    )
    net.set_parameters([np.zeros((hidden, 3)), np.ones((1, hidden))], [np.ones(hidden), [0.0]])
    X1, Y1 = np.zeros((1, 3)), np.zeros((1, 1))
    out = net.backprop(X1, Y1, dropout=0.5, rng=np.random.default_rng(0))[2][0, 0]
    assert out % 2 == 0 and out != hidden  # 2 x an integer count of survivors
    assert out == pytest.approx(hidden, rel=0.05)
    assert net.backprop(X1, Y1)[2][0, 0] == hidden  # no dropout: exactly the sum


def test_each_schedule_gives_the_learning_rate_it_promises_during_training():
    def lrs(**kwargs):
        seen = []

        class Watch(Callback):
            def on_batch_end(self, trainer, batch, logs):
                seen.append(logs["learning_rate"])

        history = make().fit(X, y, epochs=4, batch_size=150, callbacks=[Watch()], **kwargs)
        return history.learning_rate, seen

    # step: halved every 2 epochs
    per_epoch, per_batch = lrs(learning_rate=0.2, schedule="step", step_size=2)
    assert per_epoch == [0.2, 0.2, 0.1, 0.1] and per_batch[4] == 0.1
    # cosine over 4 epochs: 0.5 (1 + cos(pi e / 4)) = 1, 0.854, 0.5, 0.146; batch 2 of epoch 0
    # is at e = 0.5: 0.5 (1 + cos(pi / 8)) = 0.962
    per_epoch, per_batch = lrs(learning_rate=1.0, schedule="cosine")
    assert per_epoch == pytest.approx([1.0, 0.8535534, 0.5, 0.1464466])
    assert per_batch[1] == pytest.approx(0.9619398)
    # a function of the progress in epochs, times learning_rate
    per_epoch, _ = lrs(learning_rate=2.0, schedule=lambda e: 1 / (1 + e))
    assert per_epoch == pytest.approx([2.0, 1.0, 2 / 3, 0.5])


# -- options that had no test ---------------------------------------------------------------------


def test_book_sgd_passes_lmbda_as_l2():
    training = [(x.reshape(-1, 1), int(t)) for x, t in zip(X, y)]
    by_book, by_fit, plain = make(), make(), make()
    by_book.SGD(training, 2, 10, 0.1, lmbda=20.0, verbose=False)
    by_fit.fit(X, y, epochs=2, batch_size=10, learning_rate=0.1, l2=20.0)
    plain.SGD(training, 2, 10, 0.1, verbose=False)
    np.testing.assert_allclose(by_book.weights[0], by_fit.weights[0], rtol=1e-6)
    assert np.abs(by_book.weights[0]).sum() < 0.95 * np.abs(plain.weights[0]).sum()


def test_shuffle_false_uses_no_randomness_and_true_does():
    a = make()
    b = a.copy()  # same weights, a differently seeded generator
    a.fit(X, y, epochs=2, batch_size=10, shuffle=False)
    b.fit(X, y, epochs=2, batch_size=10, shuffle=False)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    c, d = make(), make()
    d.rng = np.random.default_rng(99)
    c.fit(X, y, epochs=2, batch_size=10)
    d.fit(X, y, epochs=2, batch_size=10)
    assert not np.array_equal(c.weights[0], d.weights[0])


def blas_threads_now():
    return max(info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas")


class RecordThreads(Callback):
    def on_batch_end(self, trainer, batch, logs):
        self.seen = blas_threads_now()


def test_threads_limits_blas_while_training_and_auto_picks_one_for_small_layers():
    outside = blas_threads_now()
    record = RecordThreads()
    make().fit(X, y, epochs=1, threads=1, callbacks=[record])
    assert record.seen == 1
    assert blas_threads_now() == outside  # restored afterwards
    # auto: 8x16 and 16x4 products at batch 64 are far below a million multiply-adds
    assert auto_threads(make(), 64) == 1
    assert auto_threads(Network([784, 1300, 10]), 1000) is None
    # [784, 256, 10] at mini-batch 64: all cores on a large machine, one on two cores, where a
    # second thread was measured slower (bench/time_to_accuracy.py)
    assert auto_threads(Network([784, 256, 10]), 64, cores=8) is None
    assert auto_threads(Network([784, 256, 10]), 64, cores=2) == 1
    make().fit(X, y, epochs=1, callbacks=[record])
    assert record.seen == 1


def test_network_loss_is_the_mean_cost():
    # the neuron: a = 0.5*2 + 0.1 = 1.1 and 0.5*1 + 0.1 = 0.6; costs (1.9^2)/2 = 1.805 and
    # (0.6 - 1)^2 / 2 = 0.08; mean 0.9425
    assert neuron(0.5, 0.1).loss([[2.0], [1.0]], [[3.0], [1.0]]) == pytest.approx(0.9425)
    net = make(dtype="float64")
    a = net.predict_proba(X[:5])
    assert net.loss(X[:5], y[:5]) == pytest.approx(-np.log(a[np.arange(5), y[:5]]).mean())


# -- notifications ---------------------------------------------------------------------------------


def test_training_notifies_during_an_epoch_but_rate_limited():
    class Slow(Callback):
        def on_batch_end(self, trainer, batch, logs):
            time.sleep(0.002)

    net = make()
    calls = []
    net.subscribe(lambda n: calls.append(time.perf_counter()))
    started = time.perf_counter()
    net.fit(X, y, epochs=1, batch_size=1, callbacks=[Slow()])  # 300 batches, >= 0.6 s
    elapsed = time.perf_counter() - started
    assert len(calls) > 2  # more than the epoch end and the train end
    assert len(calls) <= elapsed / 0.1 + 3
    assert min(np.diff(calls[:-2])) >= 0.1  # mid-epoch ones at least notify_interval apart


def test_subscribe_from_another_thread_while_training_notifies():
    net = make()
    done = threading.Event()
    errors = []

    def churn():
        try:
            while not done.is_set():
                net.subscribe(lambda n: None)()
        except Exception as exc:  # pragma: no cover - the failure being tested for
            errors.append(exc)

    worker = threading.Thread(target=churn)
    worker.start()
    try:
        net.fit(X, y, epochs=3, batch_size=1, notify_interval=0)
    finally:
        done.set()
        worker.join(timeout=30)
    assert not errors and net._listeners == []


def test_a_callback_may_unsubscribe_itself_during_a_notification():
    net = make()
    seen = []

    def once(n):
        seen.append(n)
        unsubscribe()  # would deadlock if callbacks ran under the listeners' lock

    unsubscribe = net.subscribe(once)
    worker = threading.Thread(
        target=net.notify_changed, daemon=True
    )  # a deadlock must not hang exit
    worker.start()
    worker.join(timeout=10)
    assert not worker.is_alive(), "notify_changed deadlocked"
    net.notify_changed()
    assert seen == [net] and net._listeners == []


# -- divergence, section 4.2: non-finite values never reach the weights ----------------------------


def test_huge_learning_rate_is_diverged_with_the_last_finite_weights():
    net = make()
    before = [w.copy() for w in net.weights]
    with pytest.raises(TrainingDiverged, match=r"update to \w+ became NaN or infinite.*1e\+300"):
        net.fit(X, y, epochs=1, learning_rate=1e300)
    for w, kept in zip(net.weights, before):  # the very first step blew up
        np.testing.assert_array_equal(w, kept)
    assert net.history_.status == "diverged"


@pytest.mark.parametrize("momentum", [0.0, 0.9])
def test_a_step_proven_small_by_a_bound_is_still_checked_when_it_blows_up(momentum):
    # At mini-batch 1 the arrays a step is made of (errors, inputs) are smaller than the step,
    # and a bound from them stands in for the check of every entry while it proves the step
    # small. Five steps go that way; then a learning rate of 1e300 must still end in divergence
    # with the weights from before the sixth step.
    kept = []

    class BlowUpAfterFive(Callback):
        def on_batch_end(self, trainer, batch, logs):
            if batch == 4:
                kept.extend(w.copy() for w in trainer.network.weights)
                trainer.learning_rate = 1e300

    net = make()
    trainer = Trainer(
        net, X, y, epochs=1, batch_size=1, momentum=momentum, callbacks=[BlowUpAfterFive()]
    )
    with pytest.raises(TrainingDiverged, match=r"update to \w+ became NaN or infinite"):
        trainer.run()
    assert trainer._bound_is_cheaper  # the bound did stand in for the first five checks
    assert len(net.history_.batch_loss) == 5
    for w, before in zip(net.weights, kept):
        np.testing.assert_array_equal(w, before)


def test_a_subclass_backprop_is_checked_entry_by_entry():
    # The bound reads the errors and activations the package's own backprop leaves in the
    # workspace; a subclass's backprop may produce its gradient otherwise, so its steps are
    # always checked in full. This one writes an infinite gradient from its third step on.
    class Poisoned(Network):
        poison = False

        def backprop(self, X, Y, *, dropout=0.0, rng=None, out=None, scale=1.0):
            nabla_b, nabla_w, a = super().backprop(
                X, Y, dropout=dropout, rng=rng, out=out, scale=scale
            )
            if self.poison:
                nabla_w[0][0, 0] = np.inf
            return nabla_b, nabla_w, a

    kept = []

    class PoisonAfterTwo(Callback):
        def on_batch_end(self, trainer, batch, logs):
            if batch == 1:
                kept.extend(w.copy() for w in trainer.network.weights)
                trainer.network.poison = True

    net = Poisoned([8, 16, 4], seed=0)
    with pytest.raises(TrainingDiverged, match=r"update to W0 became NaN or infinite"):
        net.fit(X, y, epochs=1, batch_size=1, callbacks=[PoisonAfterTwo()])
    for w, before in zip(net.weights, kept):
        np.testing.assert_array_equal(w, before)


def test_schedule_returning_nan_is_named_and_changes_nothing():
    def broken_schedule(epoch):
        return float("nan") if epoch >= 1 else 1.0

    net = make()
    with pytest.raises(
        ValueError, match=r"schedule broken_schedule must return a finite multiplier.*nan"
    ):
        net.fit(X, y, epochs=3, batch_size=100, schedule=broken_schedule)
    assert all(np.isfinite(w).all() for w in net.weights)
    assert net.history_.status == "failed" and net.history_.epochs == 1
    assert "broken_schedule" in net.history_.message
    with pytest.raises(TypeError, match="schedule .* must return a number; .* returned 'fast'"):
        make().fit(X, y, epochs=1, schedule=lambda e: "fast")


@pytest.mark.skipif(sys.version_info < (3, 11), reason="exception notes are Python 3.11's")
def test_a_schedule_that_raises_is_named_beside_its_own_error():
    def halving(epoch):
        return 0.5 ** (1 // (1 - int(epoch)))  # a slip: divides by zero at epoch 1

    net = make()
    with pytest.raises(ZeroDivisionError) as info:
        net.fit(X, y, epochs=3, batch_size=100, schedule=halving)
    assert info.value.__notes__ == ["(raised by the schedule halving at epoch 1)"]
    assert all(np.isfinite(w).all() for w in net.weights)


@pytest.mark.parametrize(
    "name, value, error, message",
    [
        (
            "learning_rate",
            float("nan"),
            ValueError,
            "learning_rate must be a finite number > 0; got nan",
        ),
        ("learning_rate", "0.1", TypeError, "learning_rate must be a number; got '0.1'"),
        ("learning_rate", 0, ValueError, "learning_rate must be a finite number > 0; got 0"),
        ("momentum", 1.5, ValueError, r"momentum must be in \[0, 1\); got 1.5"),
        ("dropout", -0.1, ValueError, r"dropout must be in \[0, 1\)"),
        ("l2", float("inf"), ValueError, "l2 must be a finite number >= 0; got inf"),
    ],
)
def test_live_settings_are_checked_when_assigned(name, value, error, message):
    trainer = Trainer(make(), X, y, epochs=1, learning_rate=0.1, momentum=0.5)
    before = getattr(trainer, name)
    with pytest.raises(error, match=message):
        setattr(trainer, name, value)
    assert getattr(trainer, name) == before


def test_live_settings_publish_the_ranges_every_assignment_is_checked_by():
    settings = Trainer.live_settings()
    assert set(settings) == {"learning_rate", "momentum", "l2", "l1", "dropout", "notify_interval"}
    lr, momentum = settings["learning_rate"], settings["momentum"]
    assert (lr.low, lr.high, lr.low_open, lr.high_open) == (0, math.inf, True, False)
    assert (momentum.low, momentum.high, momentum.high_open) == (0, 1, True)
    assert momentum.check(0.5) == 0.5
    with pytest.raises(ValueError, match=r"momentum must be in \[0, 1\); got 1.0"):
        momentum.check(1)
    trainer = Trainer(make(), X, y, epochs=1)
    with pytest.raises(ValueError, match=r"learning_rate must be a finite number > 0; got 1e\+400"):
        trainer.learning_rate = 10**400
    assert trainer.learning_rate == 0.1


def test_bad_learning_rate_set_mid_run_is_refused_and_training_goes_on():
    refused = []

    class SetNan(Callback):
        def on_batch_end(self, trainer, batch, logs):
            if batch == 1:
                try:
                    trainer.learning_rate = float("nan")
                except ValueError as exc:
                    refused.append(exc)

    history = make().fit(X, y, epochs=1, batch_size=50, learning_rate=0.1, callbacks=[SetNan()])
    assert len(refused) == 1 and history.status == "completed"
    assert all(np.isfinite(history.batch_loss))


# -- divergence, section 4.3: runs that collapse without a NaN -------------------------------------


@pytest.fixture(scope="module")
def mnist():
    return load_bundled()


SIGMOID_QUADRATIC = dict(activation="sigmoid", output="sigmoid", cost="quadratic")
RELU_SOFTMAX = dict(activation="relu", output="softmax", cost="cross_entropy")


@pytest.mark.parametrize(
    "net_kwargs, learning_rate",
    [
        (SIGMOID_QUADRATIC, 100),  # the example: "completed" at 9.8%
        (RELU_SOFTMAX, 3),  # every ReLU dies; the output is softmax(biases) whatever the input
    ],
)
def test_collapsed_run_is_reported_as_diverged(mnist, net_kwargs, learning_rate):
    net = Network([784, 30, 10], seed=0, **net_kwargs)
    before = [w.copy() for w in net.weights]
    with pytest.raises(
        TrainingDiverged,
        match=rf"diverged in epoch 1 at learning_rate={learning_rate}:"
        r".* no longer depends on its input",
    ):
        net.fit(mnist.X_train, mnist.y_train, epochs=3, batch_size=32, learning_rate=learning_rate)
    assert net.history_.status == "diverged"
    assert "Restored the weights from before training" in net.history_.message
    assert net.history_.epochs == 0  # the collapsed epoch is not recorded as completed
    for w, kept in zip(net.weights, before):
        np.testing.assert_array_equal(w, kept)


@pytest.mark.parametrize(
    "net_kwargs, fit_kwargs",
    [
        (SIGMOID_QUADRATIC, dict(learning_rate=3.0)),  # the book's chapter 1 rate
        (dict(SIGMOID_QUADRATIC, init="large"), dict(learning_rate=3.0)),
        (SIGMOID_QUADRATIC, dict(learning_rate=0.1)),  # slow, still near chance at first
        (SIGMOID_QUADRATIC, dict(learning_rate=10.0)),  # too high, but it recovers and learns
        (RELU_SOFTMAX, dict(learning_rate=0.1)),
        (RELU_SOFTMAX, dict(learning_rate=0.5)),  # high but fine
        (RELU_SOFTMAX, dict(learning_rate=1.0)),  # erratic, still far above chance
        (RELU_SOFTMAX, dict(learning_rate=0.1, momentum=0.9)),
    ],
)
def test_ordinary_runs_are_not_flagged(mnist, net_kwargs, fit_kwargs):
    net = Network([784, 30, 10], seed=0, **net_kwargs)
    history = net.fit(mnist.X_train, mnist.y_train, epochs=3, batch_size=32, **fit_kwargs)
    assert history.status == "completed"


def test_deep_sigmoid_network_stuck_at_chance_is_not_flagged(mnist):
    # The book's chapter 5: four sigmoid hidden layers learn slowly, near chance at first; the
    # weights barely move, so this is a slow start, not a blow-up.
    net = Network([784, 30, 30, 30, 30, 10], seed=0, **SIGMOID_QUADRATIC)
    history = net.fit(mnist.X_train, mnist.y_train, epochs=2, batch_size=10, learning_rate=0.1)
    assert history.status == "completed" and history.epoch_accuracy[-1] < 0.2


# -- section 4.4: unscaled pixels ------------------------------------------------------------------


def test_raw_pixels_warn_once_naming_the_fix(mnist):
    raw = load_bundled(normalize=False)
    assert raw.X_train.max() == 255
    net = Network([784, 30, 10], seed=0)
    with pytest.warns(
        UserWarning, match=r"raw pixel values.*Divide by 255.*normalize=True"
    ) as caught:
        # a tiny rate: at 0.1 the saturated network collapses and is reported as diverged
        net.fit(raw.X_train[:500], raw.y_train[:500], epochs=2, learning_rate=1e-5)
    assert len([w for w in caught if "raw pixel" in str(w.message)]) == 1
    assert caught[0].filename == __file__  # points at the fit call, not inside nnwidgets


def test_scaled_pixels_and_other_data_do_not_warn(mnist):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Network([784, 30, 10], seed=0).fit(mnist.X_train[:500], mnist.y_train[:500], epochs=1)
        make().fit(X * 100, y, epochs=1, learning_rate=1e-4)  # 8 features, not an image


# -- section 4.9 -----------------------------------------------------------------------------------


def test_a_trainer_runs_once():
    class StopAtOnce(Callback):
        def on_batch_end(self, trainer, batch, logs):
            trainer.stop()

    trainer = Trainer(make(), X, y, epochs=2, callbacks=[StopAtOnce()])
    history = trainer.run()
    assert history.status == "stopped" and len(history.batch_loss) == 1
    with pytest.raises(
        RuntimeError, match="this Trainer already ran .*'stopped'.*create a new Trainer"
    ):
        trainer.run()
    assert len(history.batch_loss) == 1


def test_a_second_fit_on_a_training_network_is_refused_until_the_first_ends():
    net = make()
    trainer = Trainer(net, X, y, epochs=10_000, batch_size=10)
    worker = threading.Thread(target=trainer.run)
    worker.start()
    try:
        trainer.pause()
        assert trainer.wait_paused(timeout=30)
        assert net.training
        history = net.history_
        with pytest.raises(RuntimeError, match="already training"):
            net.fit(X, y, epochs=1)
        assert net.history_ is history  # the refused call replaced nothing
    finally:
        trainer.stop()
        worker.join(timeout=30)
    assert not worker.is_alive() and not net.training
    assert net.fit(X, y, epochs=1).status == "completed"


def test_a_fit_refused_before_its_first_step_keeps_the_previous_history():
    class RefusesAtTheStart(Callback):
        def on_train_begin(self, trainer):
            raise ValueError("the probe's X must have shape (n_samples, 8)")

    net = make()
    history = net.fit(X, y, epochs=2, batch_size=50)
    weights = [w.copy() for w in net.weights]
    with pytest.raises(ValueError, match="the probe's X must have shape"):
        net.fit(X, y, epochs=1, callbacks=[RefusesAtTheStart()])
    assert net.history_ is history and history.status == "completed" and history.epochs == 2
    for w, before in zip(net.weights, weights):
        np.testing.assert_array_equal(w, before)
    # a first fit refused so leaves no history either
    fresh = make()
    with pytest.raises(ValueError):
        fresh.fit(X, y, epochs=1, callbacks=[RefusesAtTheStart()])
    assert fresh.history_ is None


def test_callbacks_may_be_one_callback_or_none_and_anything_else_is_refused():
    class Counter(Callback):
        epochs = 0

        def on_epoch_end(self, trainer, epoch, logs):
            self.epochs += 1

    counter = Counter()
    make().fit(X, y, epochs=2, batch_size=100, callbacks=counter)
    assert counter.epochs == 2
    assert make().fit(X, y, epochs=1, batch_size=100, callbacks=None).status == "completed"
    assert Trainer(make(), X, y, callbacks=None).callbacks == []
    for bad, got in [(3, "int"), ("printer", "str"), (Counter, "type")]:
        with pytest.raises(
            TypeError, match=f"^callbacks must be a list of Callback instances; got {got}$"
        ):
            make().fit(X, y, epochs=1, callbacks=bad)
    with pytest.raises(TypeError, match="callbacks must be Callback instances; got int"):
        make().fit(X, y, epochs=1, callbacks=[counter, 3])


def test_history_says_pending_until_training_starts():
    trainer = Trainer(make(), X, y, epochs=1, learning_rate=0.1)
    assert trainer.history.status == "pending" and "pending" in repr(trainer.history)
    seen = []

    class Watch(Callback):
        def on_batch_end(self, trainer, batch, logs):
            seen.append(trainer.history.status)

    trainer.callbacks = [Watch()]
    history = trainer.run()
    assert seen and set(seen) == {"running"}
    assert history.status == "completed"


def test_history_keeps_each_mini_batch_in_eight_bytes():
    # A long run has millions of mini-batches: stored as doubles, not as float objects in lists
    # (32 bytes each), and still read like lists.
    history = make().fit(X, y, epochs=2, batch_size=4, learning_rate=0.1)
    for values in (history.batch_loss, history.batch_accuracy):
        assert memoryview(values).nbytes == 8 * len(values) == 8 * 2 * 75
        assert values[0] == list(values)[0] and all(np.isfinite(values))
    assert history.to_dict()["batch_loss"] == list(history.batch_loss)  # JSON-ready


# -- losses and accuracies recorded several mini-batches at once -----------------------------------

# [200, 64, 4] on 300 points: its 13,124 parameters dwarf a mini-batch of 10's errors and
# activations, so each step goes into the weights inside gemm once a bound proves it finite,
# and with no callback of the reader's the losses and accuracies wait to be recorded several
# mini-batches at once. A callback that does nothing makes the loop record each at once.
_wide = np.random.default_rng(2)
WIDE_LABELS = _wide.integers(0, 4, 300)
WIDE_X = (_wide.normal(0, 1.0, (4, 200))[WIDE_LABELS] + _wide.normal(0, 1.0, (300, 200))).astype(
    np.float32
)


def wide(**kwargs):
    return Network([200, 64, 4], seed=0, **kwargs)


class DoesNothing(Callback):
    def on_batch_end(self, trainer, batch, logs):
        pass


@pytest.mark.parametrize(
    "net_kwargs",
    [
        dict(activation="sigmoid", output="sigmoid", cost="cross_entropy"),
        dict(activation="relu", output="softmax", cost="cross_entropy"),
        dict(activation="tanh", output="sigmoid", cost="quadratic"),
    ],
)
def test_records_made_later_are_those_a_callback_would_see(net_kwargs):
    later = Trainer(wide(**net_kwargs), WIDE_X, WIDE_LABELS, epochs=2, batch_size=10)
    at_once = Trainer(
        wide(**net_kwargs), WIDE_X, WIDE_LABELS, epochs=2, batch_size=10, callbacks=[DoesNothing()]
    )
    a, b = later.run(), at_once.run()
    assert later._may_record_later and not at_once._may_record_later
    assert len(a.batch_loss) == len(a.batch_accuracy) == 2 * 30
    assert list(a.batch_accuracy) == list(b.batch_accuracy)
    assert a.epoch_accuracy == b.epoch_accuracy
    # the mean of the examples' costs against Cost.mean: the same to float32 rounding
    np.testing.assert_allclose(a.batch_loss, b.batch_loss, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(a.epoch_loss, b.epoch_loss, rtol=1e-5, atol=1e-6)
    for p, q in zip(later.network.weights, at_once.network.weights):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(later.batch_predictions, at_once.batch_predictions)


def test_a_paused_loop_has_recorded_every_mini_batch_it_ran():
    # No notification in between (notify_interval 1000 s): the records must be written
    # before the loop parks, or a step would seem not to have run.
    trainer = Trainer(
        wide(), WIDE_X, WIDE_LABELS, epochs=10_000, batch_size=10, notify_interval=1000
    )
    worker = threading.Thread(target=trainer.run)
    trainer.pause()  # parks before the first mini-batch
    worker.start()
    try:
        assert trainer.wait_paused(timeout=30)
        assert trainer._may_record_later
        assert len(trainer.history.batch_loss) == 0
        for total in (3, 10, 45):  # 45: across the end of the first epoch (30 mini-batches)
            trainer.step(total - len(trainer.history.batch_loss))
            assert trainer.wait_paused(timeout=30)
            assert len(trainer.history.batch_loss) == len(trainer.history.batch_accuracy) == total
    finally:
        trainer.stop()
        worker.join(timeout=30)
    assert trainer.history.status == "stopped" and len(trainer.history.batch_loss) == 45


def test_a_step_that_blows_up_after_records_kept_for_later_leaves_them_recorded():
    # The schedule multiplies the rate by 1e300 from the middle of the first epoch: the first
    # 15 mini-batches (300 / 10 / 2) train and are recorded, the 16th diverges.
    net = wide()
    trainer = Trainer(
        net,
        WIDE_X,
        WIDE_LABELS,
        epochs=2,
        batch_size=10,
        schedule=lambda progress: 1.0 if progress < 0.5 else 1e300,
        notify_interval=1000,
    )
    with pytest.raises(TrainingDiverged, match=r"update to W\d became NaN or infinite"):
        trainer.run()
    assert trainer._may_record_later
    assert len(trainer.history.batch_loss) == len(trainer.history.batch_accuracy) == 15
    assert np.isfinite(trainer.history.batch_loss).all()
    assert all(np.isfinite(w).all() for w in net.weights)


def test_the_collapse_watch_judges_records_made_later_as_those_made_at_once(mnist):
    messages = []
    for callbacks in ([], [DoesNothing()]):
        net = Network([784, 30, 10], seed=0, **RELU_SOFTMAX)
        with pytest.raises(TrainingDiverged) as caught:
            net.fit(
                mnist.X_train,
                mnist.y_train,
                epochs=3,
                batch_size=32,
                learning_rate=3,
                callbacks=callbacks,
            )
        messages.append(str(caught.value))
    assert "no longer depends on its input" in messages[0]
    assert messages[0] == messages[1]


@pytest.mark.parametrize("where", ["callback", "subscriber", "schedule"])
def test_the_readers_code_called_by_the_loop_runs_under_the_readers_numpy_settings(where):
    # The loop turns numpy's overflow warnings off for its own steps (divergence is reported in
    # words instead); code of the reader's that it calls keeps the reader's settings, here
    # "raise", so an overflow there surfaces as the reader asked.
    calls = []

    def overflow():  # only at the first call, which comes from inside the loop
        calls.append(1)
        return np.float32(3e38) * np.float32(10 if len(calls) == 1 else 1)

    class Overflows(Callback):
        def on_batch_end(self, trainer, batch, logs):
            overflow()

    net = wide()
    options = dict(epochs=1, batch_size=10, notify_interval=0)
    if where == "callback":
        options["callbacks"] = [Overflows()]
    elif where == "subscriber":
        net.subscribe(lambda network: overflow())
    else:
        options["schedule"] = lambda progress: float(overflow() > 0)
    with np.errstate(over="raise"), pytest.raises(FloatingPointError, match="overflow"):
        net.fit(WIDE_X, WIDE_LABELS, **options)
    assert net.history_.status == "failed"


def test_a_callback_without_on_batch_end_lets_the_records_wait():
    # An epoch printer (SGD's, a timer) has nothing to do per mini-batch: the loop skips it
    # there, so it does not make every mini-batch be recorded at once. One that listens to
    # mini-batches does.
    class EpochsOnly(Callback):
        def __init__(self):
            self.epochs = []

        def on_epoch_end(self, trainer, epoch, logs):
            self.epochs.append((epoch, len(trainer.history.batch_loss)))

    class Batches(Callback):
        def __init__(self):
            self.batches = 0

        def on_batch_end(self, trainer, batch, logs):
            self.batches += 1

    epochs_only, batches = EpochsOnly(), Batches()
    waits = Trainer(wide(), WIDE_X, WIDE_LABELS, epochs=2, batch_size=10, callbacks=[epochs_only])
    waits.run()
    assert waits._may_record_later
    assert epochs_only.epochs == [(0, 30), (1, 60)]  # the history complete at each epoch's end
    at_once = Trainer(wide(), WIDE_X, WIDE_LABELS, epochs=2, batch_size=10, callbacks=[batches])
    at_once.run()
    assert not at_once._may_record_later and batches.batches == 60


class Switchable(Callback):
    """Hears mini-batches while ``listening`` (its ``hears_batches``), noting the trainer's
    position after each one it hears."""

    reads_batch_logs = False

    def __init__(self):
        self.listening, self.heard = False, []

    @property
    def hears_batches(self):
        return self.listening

    def on_batch_end(self, trainer, batch, logs):
        self.heard.append(trainer.position)


def test_a_callback_hears_mini_batches_only_while_it_says_so():
    # A callback with work between mini-batches only now and then (the dashboard's recorder)
    # says so through hears_batches; the loop asks again when told (listen_again) and leaves it
    # out otherwise, so that it costs nothing per mini-batch while it has nothing to do.
    class Sometimes(Switchable):
        def on_batch_end(self, trainer, batch, logs):
            super().on_batch_end(trainer, batch, logs)
            if len(self.heard) == 3:  # done: the loop runs without it from the next one
                self.listening = False
                trainer.listen_again()

        def on_epoch_end(self, trainer, epoch, logs):
            if epoch == 0:  # from the second epoch's first mini-batch
                self.listening = True
                trainer.listen_again()

    sometimes = Sometimes()
    trainer = Trainer(wide(), WIDE_X, WIDE_LABELS, epochs=3, batch_size=10, callbacks=[sometimes])
    assert trainer.position == (0, 0)
    trainer.run()
    # Three calls, each after its mini-batch (the trainer's position already counts it).
    assert sometimes.heard == [(1, 1), (1, 2), (1, 3)]
    assert trainer._may_record_later  # it reads no logs, so the records still wait
    assert trainer.position == (2, 30)  # the last epoch, all 30 of its mini-batches done


def test_listen_again_from_another_thread_takes_effect_at_the_next_mini_batch():
    class Later(Switchable):
        def on_batch_end(self, trainer, batch, logs):
            super().on_batch_end(trainer, batch, logs)
            trainer.stop()

    later = Later()
    trainer = Trainer(wide(), WIDE_X, WIDE_LABELS, epochs=50, batch_size=10, callbacks=[later])
    trainer.pause()
    thread = threading.Thread(target=trainer.run, daemon=True)
    thread.start()
    try:
        assert trainer.wait_paused(timeout=10)  # parked before the first mini-batch
        later.listening = True
        trainer.listen_again()
        trainer.step(2)
        assert trainer.wait_paused(timeout=10) is False  # it ended instead of parking again
    finally:
        trainer.stop()
        thread.join(timeout=10)
    assert later.heard == [(0, 1)]  # heard the first mini-batch after it asked, and stopped


def test_momentum_turned_off_and_on_mid_run_starts_again_from_rest(monkeypatch):
    # With momentum 0 a plain step goes into the weights inside gemm, past the velocity; the
    # velocity must still be forgotten there, as a step through it with momentum 0 forgets it.
    class Switch(Callback):
        def on_batch_end(self, trainer, batch, logs):
            trainer.momentum = {3: 0.0, 5: 0.9}.get(batch, trainer.momentum)

    def train():
        net = wide()
        net.fit(WIDE_X, WIDE_LABELS, epochs=1, batch_size=10, momentum=0.9, callbacks=[Switch()])
        return net

    in_gemm = train()
    monkeypatch.setattr(training, "product_adder", lambda dtype: None)
    through_velocity = train()
    for p, q in zip(
        in_gemm.weights + in_gemm.biases, through_velocity.weights + through_velocity.biases
    ):
        np.testing.assert_allclose(p, q, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("replaced", ["biases", "weights"])
def test_parameters_replaced_mid_run_keep_learning_inside_gemm(replaced):
    # The plain step adds the weights' and biases' steps inside gemm, through calls made once
    # for the arrays (a row view of each bias vector); parameters the network is given mid-run
    # (a restore, a load) must be the ones that move from then on, exactly as the old ones
    # would have.
    class Replace(Callback):
        def on_epoch_end(self, trainer, epoch, logs):
            if epoch == 0:
                net = trainer.network
                setattr(net, replaced, [p.copy() for p in getattr(net, replaced)])

    def train(callbacks):
        net = wide()
        net.fit(WIDE_X, WIDE_LABELS, epochs=2, batch_size=16, callbacks=callbacks)
        return net

    replaced, kept = train([Replace()]), train([])
    for p, q in zip(replaced.weights + replaced.biases, kept.weights + kept.biases):
        np.testing.assert_array_equal(p, q)


@pytest.mark.filterwarnings(
    "ignore:X's values reach"
)  # huge on purpose: the warning is tested elsewhere
def test_a_relu_layers_huge_activations_still_stop_a_step_that_overflows():
    # The bound that proves a step finite takes a hidden layer's |a|^2 as a.size where the
    # activation's values lie in [-1, 1] (sigmoid, tanh), and sums the squares otherwise. ReLU's
    # are unbounded: here they are finite, 8e36 each, and the output layer's step delta^T a
    # (about 100 * 0.75 * 8e36) overflows float32, so it must end as divergence with the
    # weights from before it, not be added.
    net = Network([8, 16, 4], activation="relu", output="softmax", seed=0)
    net.weights[0][:] = 1e18  # z = 8e36 for inputs of 1e18
    net.weights[1][:] = 1e-3  # the outputs' z = 1.3e35: finite, softmax 1/4 each
    before = [p.copy() for p in net.weights + net.biases]
    inputs = np.full((4, 8), 1e18)
    trainer = Trainer(net, inputs, [0, 1, 2, 3], epochs=1, batch_size=1, learning_rate=100)
    with pytest.raises(TrainingDiverged, match=r"update to W1 became NaN or infinite"):
        trainer.run()
    assert trainer._bound_is_cheaper and trainer._add_product is not None  # the direct path
    for p, kept in zip(net.weights + net.biases, before):
        np.testing.assert_array_equal(p, kept)


@pytest.mark.filterwarnings(
    "ignore:X's values reach"
)  # huge on purpose: the warning is tested elsewhere
@pytest.mark.parametrize("momentum", [0.0, 0.5])
def test_a_finite_step_too_large_for_the_bound_to_prove_is_the_step_backprop_gives(momentum):
    # Inputs of 1e20 put the bound on the step (which reads their squared norm, 8e40) far
    # above 1e15, though the step itself is finite: the saturated sigmoid layer passes no
    # error back (a (1 - a) is 0), so W0's step is 0 and W1's is eta times a mean of errors
    # (each at most 1) times activations in [0, 1]. The direct path then writes the step out,
    # from errors it has left unscaled for gemm, and checks every entry: the weights must
    # move as backprop's gradient says, -eta * grad.
    net = Network([8, 16, 4], activation="sigmoid", output="sigmoid", seed=0)
    inputs = np.full((1, 8), 1e20, np.float32)
    reference = net.copy()
    nabla_b, nabla_w, _ = reference.backprop(inputs, reference.targets([2]))
    trainer = Trainer(
        net, inputs, [2], epochs=1, batch_size=1, learning_rate=0.5, momentum=momentum
    )
    trainer.run()
    assert trainer._bound_is_cheaper and trainer._add_product is not None  # the direct path
    assert not trainer._updates  # no step went in through gemm: the bound proved none
    for p, p0, g in zip(
        net.weights + net.biases, reference.weights + reference.biases, nabla_w + nabla_b
    ):
        np.testing.assert_allclose(p, p0 - 0.5 * g, rtol=1e-6, atol=1e-7)
    assert np.abs(net.weights[1] - reference.weights[1]).max() > 0.01  # it did move


def test_momentum_inside_gemm_fades_a_velocity_without_passing_through_subnormals():
    # With momentum the step is made inside gemm, v = mu v - eta grad, into the velocity. Pixel
    # 0 is ink in the first example only: its weights' velocity then shrinks by mu = 0.9 every
    # step, from about 1e-3 to float32's subnormals (below 1.2e-38) after some 760 steps and to
    # 0 after some 920. After 850 it must hold no subnormal: they cost the CPU ~20x.
    rng = np.random.default_rng(3)
    labels = rng.integers(0, 4, 850)
    X = (rng.normal(0, 1, (4, 200))[labels] + rng.normal(0, 1, (850, 200))).astype(np.float32)
    X[1:, 0] = 0.0
    trainer = Trainer(
        wide(), X, labels, epochs=1, batch_size=1, learning_rate=0.01, momentum=0.9, shuffle=False
    )
    trainer.run()
    assert any(into_velocity for _, into_velocity in trainer._updates)  # made inside gemm
    v = trainer._velocity.v
    assert not ((v != 0) & (np.abs(v) < np.finfo(np.float32).tiny)).any()
    assert (trainer._velocity.views[0][:, 0] == 0).all()  # pixel 0's, faded to zero
