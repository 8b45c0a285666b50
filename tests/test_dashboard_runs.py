"""A dashboard's runs: their curves read from the Trainer's History, their labels, their BLAS
threads, and why one diverged."""

import numpy as np
import pytest

from nnwidgets import Network
from nnwidgets.widgets.dashboard.runs import explain_divergence, run_labels, threads_beside_a_page

@pytest.mark.parametrize("losses, expected", [
    ([2.3, 2.9, 19.0, 7.0], "learning rate 100 is too high: the loss rose from 2.3 to 19. "),
    ([], "learning rate 100 is too high: the very first mini-batch"),
    ([2.3, 2.2, 2.25], "learning rate 100 may be too high: collapsed"),  # no rise: say what the Trainer said
])
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
    big = Network([784, 100, 10], seed=0)  # 78,400 x 32 multiply-adds: the Trainer would use all cores
    assert threads_beside_a_page(big, 32, cores=2) == 1
    assert threads_beside_a_page(big, 32, cores=8) == 7
    assert threads_beside_a_page(big, 32, cores=1) == 1
    assert threads_beside_a_page(make_net(), 32, cores=8) == 1  # small layers: one thread anyway
    assert make_dash(batch_size=1).runs[0].trainer.threads == 1
    assert make_dash(threads=2).runs[0].trainer.threads == 2  # given: kept
