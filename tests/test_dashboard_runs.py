"""A dashboard's runs: their curves read from the Trainer's History, their labels, their BLAS
threads, and why one diverged."""

import numpy as np
import pytest

from nnwidgets import Network
from nnwidgets.widgets.dashboard.runs import explain_divergence, run_labels, threads_beside_a_page


@pytest.mark.parametrize(
    "losses, expected",
    [
        ([2.3, 2.9, 19.0, 7.0], "learning rate 100 is too high: the loss rose from 2.3 to 19. "),
        ([], "learning rate 100 is too high: the very first mini-batch"),
        (
            [2.3, 2.2, 2.25],
            "learning rate 100 may be too high: collapsed",
        ),  # no rise: say what the Trainer said
    ],
)
def test_explain_divergence(losses, expected):
    class History:
        batch_loss = losses
        message = "collapsed"

    assert explain_divergence(History, 100.0).startswith(expected)


def test_batch_curve_is_the_trainers_history_read_in_order(make_dash, small_problem):
    BATCHES_PER_EPOCH = small_problem.batches_per_epoch
    # The writer reads mini-batch losses from the Trainer's History (nothing is recorded on the
    # training thread): every one of them, in order, at x = (i + 1) / batches per epoch.
    d = make_dash(epochs=3, max_points=2 * 3 * BATCHES_PER_EPOCH)
    d.run()
    curves = d._runs[0]["curves"]["batch"]
    x = np.frombuffer(curves["x"]["view"], np.float32)
    loss = np.frombuffer(curves["loss"]["view"], np.float32)
    accuracy = np.frombuffer(curves["accuracy"]["view"], np.float32)
    n = 3 * BATCHES_PER_EPOCH
    assert len(d.history.batch_loss) == n == len(x)
    np.testing.assert_allclose(x, np.arange(1, n + 1) / BATCHES_PER_EPOCH, rtol=1e-6)
    np.testing.assert_allclose(loss, d.history.batch_loss, rtol=1e-6)
    np.testing.assert_allclose(accuracy, d.history.batch_accuracy, rtol=1e-6)


def test_run_labels_name_what_differs():
    base = {"sizes": [784, 30, 10], "cost": "cross_entropy", "learning_rate": 0.5, "l2": 0.0}
    quad = {**base, "cost": "quadratic"}
    assert run_labels([base, quad]) == ["cost=cross_entropy", "cost=quadratic"]
    both = {**quad, "l2": 5.0}
    assert run_labels([base, both]) == ["cost=cross_entropy, l2=0", "cost=quadratic, l2=5"]
    assert run_labels([base, base]) == ["run 1", "run 2"]
    assert run_labels([base, quad], ["mine", None]) == ["mine", "cost=quadratic"]


def test_blas_threads_leave_a_core_to_the_page(make_net, make_dash):
    big = Network(
        [784, 100, 10], seed=0
    )  # 78,400 x 32 multiply-adds: the Trainer would use all cores
    assert threads_beside_a_page(big, 32, cores=2) == 1
    assert threads_beside_a_page(big, 32, cores=8) == 7
    assert threads_beside_a_page(big, 32, cores=1) == 1
    assert threads_beside_a_page(make_net(), 32, cores=8) == 1  # small layers: one thread anyway
    assert make_dash(batch_size=1).runs[0].trainer.threads == 1
    assert make_dash(threads=2).runs[0].trainer.threads == 2  # given: kept


# ------------------------------------------------------------------------- why a run diverged


def _history(losses, message="training diverged: the update to W0 became NaN or infinite"):
    class History:
        batch_loss = losses

    History.message = message
    return History


@pytest.mark.parametrize(
    "name, old, new, says",
    [
        (
            "l2",
            0.0,
            1e6,
            "l2 was raised from 0 to 1e+06 during training (epoch 2, after mini-batch "
            "7), and training diverged after that: weight decay that strong overshoots",
        ),
        (
            "momentum",
            0.0,
            0.999999,
            "momentum was raised from 0 to 0.999999 during training (epoch "
            "2, after mini-batch 7), and training diverged after that",
        ),
        ("dropout", 0.0, 0.99, "by 1 / (1 - 0.99) = 100; set it back to 0"),
        ("learning_rate", 0.1, 5.0, "learning_rate was raised from 0.1 to 5 during training"),
    ],
)
def test_divergence_after_a_live_change_names_the_change(name, old, new, says):
    # The loss rose, which alone would blame the learning rate; the run's record says why.
    changes = [{"epoch": 1, "batch": 7, "name": name, "old": old, "new": new}]
    text = explain_divergence(_history([2.3, 2.9, 19.0]), 0.1, changes=changes)
    assert says in text and "learning rate 0.1 is too high" not in text
    assert text.endswith("(training diverged: the update to W0 became NaN or infinite)")


def test_divergence_names_the_latest_change_that_raised_a_setting():
    changes = [
        {"epoch": 0, "batch": 3, "name": "momentum", "old": 0.0, "new": 0.99999},
        {"epoch": 0, "batch": 9, "name": "learning_rate", "old": 0.1, "new": 0.05},
    ]
    text = explain_divergence(_history([2.3, 2.9, 19.0]), 0.05, changes=changes)
    assert text.startswith("momentum was raised from 0 to 0.99999")  # lowering is no cause
    lowered_only = explain_divergence(_history([2.3, 2.9, 19.0]), 0.05, changes=changes[1:])
    assert lowered_only.startswith("learning rate 0.05 is too high")


@pytest.mark.parametrize("name, value", [("l2", 1e6), ("momentum", 0.999999), ("dropout", 0.99)])
def test_a_run_diverging_after_a_live_change_is_told_that_change(make_dash, name, value):
    d = make_dash(epochs=50)
    d.step()  # parked before the second mini-batch
    setattr(d, name, value)
    d.resume()
    assert d.wait(timeout=60).status == "diverged"
    assert d.runs[0].message.startswith(
        f"{name} was raised from 0 to {value:g} during training (epoch 1, after mini-batch 1)"
    )
    assert "learning rate 0.05" not in d.runs[0].message


class NaNBook:
    """The book's network with a reader's slip in backprop: it normalises the gradients by a
    difference that is always zero, so every gradient is NaN or infinite."""

    def __init__(self, sizes):
        r = np.random.default_rng(1)
        self.sizes = sizes
        self.biases = [r.standard_normal((n, 1)) for n in sizes[1:]]
        self.weights = [r.standard_normal((n, m)) for m, n in zip(sizes[:-1], sizes[1:])]

    def backprop(self, x, y):
        from nnwidgets.labs import reference as ref

        nabla_b, nabla_w = ref.backprop(x, y, self.weights, self.biases)
        with np.errstate(divide="ignore", invalid="ignore"):
            scale = 1.0 / (x.sum() - x.sum())
            return [b * scale for b in nabla_b], [w * scale for w in nabla_w]


def test_divergence_from_the_readers_backprop_blames_that_backprop(small_problem):
    from nnwidgets import TrainingDashboard

    d = TrainingDashboard(
        NaNBook([8, 5, 3]),
        train=(small_problem.X, small_problem.y),
        epochs=2,
        batch_size=10,
        learning_rate=0.1,
    )
    try:
        assert d.run().status == "diverged"
        message = d.runs[0].message
        assert message.startswith(
            "your network's backprop (NaNBook.backprop) returned NaN or "
            "infinite gradients (nabla_w[0], nabla_w[1], nabla_b[0], "
            "nabla_b[1]) on the first 500 training examples"
        )
        assert "is too high" not in message
    finally:
        d.close()


def test_live_settings_are_the_trainers_own_rules():
    from nnwidgets.training import Trainer
    from nnwidgets.widgets.dashboard.runs import LIVE_SETTINGS, check_live_setting

    rules = Trainer.live_settings()
    assert set(LIVE_SETTINGS) <= set(rules)
    for name in LIVE_SETTINGS:
        for value in (rules[name].high * 2 if rules[name].high < 1e300 else -1.0, float("nan")):
            with pytest.raises(ValueError) as mine:
                check_live_setting(name, value)
            with pytest.raises(ValueError) as theirs:
                rules[name].check(value)
            assert str(mine.value) == str(theirs.value)  # the same words: one rule
