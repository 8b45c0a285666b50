"""The training loop: every option learns, and stopping, pausing or diverging loses nothing."""

import threading
import time

import numpy as np
import pytest

from nnwidgets import Callback, Network
from nnwidgets.training import Trainer, TrainingDiverged

# Four Gaussian clusters in 8 dimensions, 300 training and 100 validation points: learnable
# in a few epochs, impossible to get right by chance (25%).
_rng = np.random.default_rng(0)
CENTRES = _rng.normal(0, 1.5, (4, 8))
LABELS = _rng.integers(0, 4, 400)
POINTS = CENTRES[LABELS] + _rng.normal(0, 0.7, (400, 8))
X, y, X_val, y_val = POINTS[:300], LABELS[:300], POINTS[300:], LABELS[300:]


def make(**kwargs):
    return Network([8, 16, 4], seed=0, **kwargs)


@pytest.mark.parametrize("net_kwargs, fit_kwargs", [
    (dict(activation="sigmoid", output="sigmoid", cost="quadratic", init="large"), dict(learning_rate=3.0)),
    (dict(activation="sigmoid", output="sigmoid", cost="cross_entropy"), dict(learning_rate=0.5)),
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
])
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
    step = Trainer(net, X, y, epochs=10, learning_rate=1.0, schedule="step", step_size=3, step_gamma=0.5)
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
    assert events == ["begin", "epoch0", "batch", "batch", "end0:True",
                      "epoch1", "batch", "batch", "end1:True", "done"]


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
    # wait until the loop is parked at the pause, then check that it stays there
    count = len(trainer.history.batch_loss)
    worker.join(timeout=0.2)
    paused_at = len(trainer.history.batch_loss)
    assert paused_at <= count + 1
    worker.join(timeout=0.2)
    assert len(trainer.history.batch_loss) == paused_at and worker.is_alive()
    trainer.resume()
    wait_for(lambda: len(trainer.history.batch_loss) >= paused_at + 5)
    trainer.stop()
    worker.join(timeout=10)
    assert not worker.is_alive()
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
    history = net.fit(X, y, epochs=200, batch_size=10, learning_rate=2.0, validation=(X_val, y_val),
                      early_stopping=3, callbacks=[Remember()])
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


def test_transform_runs_every_epoch():
    calls = []

    def flip_sign(Xe, rng):
        calls.append(len(Xe))
        return Xe

    make().fit(X, y, epochs=3, transform=flip_sign)
    assert calls == [300, 300, 300]


@pytest.mark.parametrize("kwargs, message", [
    (dict(epochs=0), "epochs must be a positive integer"),
    (dict(batch_size=2.5), "batch_size must be a positive integer"),
    (dict(learning_rate=-1), r"learning_rate must be in \(0, inf\]"),
    (dict(learning_rate=float("nan")), "learning_rate must be in"),
    (dict(momentum=1.0), r"momentum must be in \[0, 1\)"),
    (dict(dropout=1.0), r"dropout must be in \[0, 1\)"),
    (dict(l2=-0.1), "l2 must be in"),
    (dict(schedule="exponential"), "schedule must be one of"),
    (dict(early_stopping=3), "early_stopping needs validation data"),
    (dict(validation=[1, 2, 3]), r"validation must be a pair"),
    (dict(callbacks=[print]), "callbacks must be Callback instances"),
])
def test_bad_training_options_are_named(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        make().fit(X, y, **kwargs)


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
    net = Network([8, 16, 4], activation="sigmoid", output="sigmoid", cost="quadratic",
                  init="large", seed=0)
    net.SGD(training, 3, 10, 3.0, test_data=test)
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(":")[0] for line in lines] == ["Epoch 0", "Epoch 1", "Epoch 2"]
    correct = int(lines[-1].split(":")[1].split("/")[0])
    assert correct == round(net.score(X_val, y_val) * 100) and correct > 90
