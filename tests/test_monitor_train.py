"""monitor_train: the true training curve, the network's own loss and accuracy on a fixed sample
of training digits at each epoch's end, dropout off (the running mean is taken with it on)."""

import math

import numpy as np
import pytest

from nnwidgets import Callback, Network, load_bundled
from nnwidgets.training import Trainer

# 200 bundled digits and 100 test digits: a few epochs of [784, 30, 10] take well under a second.
_data = load_bundled()
X, y = _data.X_train[:200], _data.y_train[:200]
X_val, y_val = _data.X_test[:100], _data.y_test[:100]


def make():
    return Network([784, 30, 10], seed=0)


def test_history_holds_the_networks_own_loss_and_accuracy_on_the_sample():
    net = make()
    trainer = Trainer(
        net,
        X,
        y,
        epochs=3,
        batch_size=10,
        learning_rate=0.5,
        monitor_train=50,
        validation=(X_val, y_val),
    )
    history = trainer.run()
    assert len(history.train_loss) == len(history.train_accuracy) == 3
    idx = trainer.monitor_indices
    assert len(idx) == 50 and len(set(idx.tolist())) == 50 and (np.diff(idx) > 0).all()
    # The last epoch's entries are net.loss / net.score on those examples after training.
    assert history.train_loss[-1] == pytest.approx(net.loss(X[idx], y[idx]), rel=1e-6)
    assert history.train_accuracy[-1] == net.score(X[idx], y[idx])
    # 50 examples: each accuracy is a multiple of 1/50.
    assert all(round(a * 50) == pytest.approx(a * 50) for a in history.train_accuracy)


def test_dropout_is_off_while_monitoring():
    # With dropout 0.5 the running mean (epoch_loss) is taken on thinned networks; the
    # monitored loss is the whole network's, the same as net.loss afterwards.
    net = make()
    history = net.fit(
        X, y, epochs=2, batch_size=10, learning_rate=0.3, dropout=0.5, monitor_train=200
    )
    assert history.train_loss[-1] == pytest.approx(net.loss(X, y), rel=1e-6)
    assert history.train_accuracy[-1] == net.score(X, y)
    assert history.train_loss[-1] != pytest.approx(history.epoch_loss[-1], rel=1e-3)


def test_the_whole_set_is_taken_in_order_without_a_draw():
    # n == len(X): every example, and the generator is untouched, so training is identical
    # to a run without monitoring.
    a, b = make(), make()
    ta = Trainer(a, X, y, epochs=2, batch_size=20, monitor_train=len(X))
    ta.run()
    Trainer(b, X, y, epochs=2, batch_size=20).run()
    assert (ta.monitor_indices == np.arange(len(X))).all()
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)
    assert b.history_.train_loss == []


def test_the_sample_is_drawn_with_the_networks_generator():
    # Two networks with the same seed draw the same sample.
    t1 = Trainer(make(), X, y, epochs=1, monitor_train=30)
    t2 = Trainer(make(), X, y, epochs=1, monitor_train=30)
    np.testing.assert_array_equal(t1.monitor_indices, t2.monitor_indices)
    # A sample of the whole set, not its first 30; another seed draws another one.
    assert t1.monitor_indices.max() >= 30
    t3 = Trainer(Network([784, 30, 10], seed=1), X, y, epochs=1, monitor_train=30)
    assert (t3.monitor_indices != t1.monitor_indices).any()


def test_callbacks_see_the_monitored_values():
    seen = []

    class Spy(Callback):
        def on_epoch_end(self, trainer, epoch, logs):
            seen.append((logs["train_loss"], logs["train_accuracy"]))

    history = make().fit(X, y, epochs=2, batch_size=20, monitor_train=40, callbacks=[Spy()])
    assert seen == list(zip(history.train_loss, history.train_accuracy))


def test_regression_has_a_loss_and_no_accuracy():
    rng = np.random.default_rng(0)
    Xr = rng.normal(size=(60, 3))
    yr = Xr.sum(axis=1)
    net = Network([3, 8, 1], output="linear", cost="quadratic", seed=0)
    history = net.fit(Xr, yr, epochs=2, batch_size=10, learning_rate=0.01, monitor_train=60)
    assert history.train_loss[-1] == pytest.approx(net.loss(Xr, yr), rel=1e-6)
    assert all(math.isnan(a) for a in history.train_accuracy)


@pytest.mark.parametrize("bad", [0, -1, 201, 2.5, True, "50"])
def test_bad_sizes_are_refused_with_the_range(bad):
    with pytest.raises(ValueError, match=r"monitor_train must be .* from 1 to 200 .* got"):
        Trainer(make(), X, y, monitor_train=bad)
