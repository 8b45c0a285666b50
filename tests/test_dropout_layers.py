"""Dropout rates per hidden layer: ``dropout=[p1, p2, ...]`` wherever ``dropout=p`` goes."""

import subprocess
import sys

import numpy as np
import pytest

from nnwidgets import Network, gradcheck
from nnwidgets.training import Trainer

RNG = np.random.default_rng(0)
# 60 examples of 6 features, 3 classes: small enough to train in milliseconds.
X = RNG.random((60, 6))
y = RNG.integers(0, 3, 60)


def two_hidden(seed=0, **kwargs):
    return Network([6, 8, 5, 3], dtype="float64", seed=seed, **kwargs)


def test_each_hidden_layer_keeps_its_own_share_of_neurons():
    # One example through [2, 1000, 1000, 1] (sigmoid, so no neuron is 0 by itself): with a
    # single example, column j of nabla_w[1] is zero exactly when hidden-1 neuron j was
    # dropped (it is delta^2 times what neuron j passed on), and entry i of nabla_b[1] =
    # delta^2_i is zero exactly when hidden-2 neuron i was. 20 calls: 20,000 draws per layer,
    # so a keep rate is measured to about +-0.003 (one sd), against 0.8 and 0.4 here.
    p1, p2, calls = 0.2, 0.6, 20
    net = Network(
        [2, 1000, 1000, 1],
        activation="sigmoid",
        output="linear",
        cost="quadratic",
        dtype="float64",
        seed=1,
    )
    rng = np.random.default_rng(2)
    x, target = np.array([[0.3, -0.7]]), np.array([[5.0]])
    a1 = net.forward(x, return_activations=True)[1][0]  # hidden-1 activations, no dropout
    kept1 = kept2 = 0
    for _ in range(calls):
        nabla_b, nabla_w, _ = net.backprop(x, target, dropout=[p1, p2], rng=rng)
        survivors1 = np.any(nabla_w[1] != 0, axis=0)
        kept1 += survivors1.sum()
        kept2 += np.count_nonzero(nabla_b[1])
        # A survivor of layer 1 arrives as a / (1 - p1): inverted dropout, with its own rate.
        np.testing.assert_allclose(
            nabla_w[1], np.outer(nabla_b[1], a1 * survivors1 / (1 - p1)), rtol=1e-12
        )
    assert kept1 / (1000 * calls) == pytest.approx(1 - p1, abs=0.015)
    assert kept2 / (1000 * calls) == pytest.approx(1 - p2, abs=0.015)


def test_the_same_rate_for_every_layer_is_the_scalar_rate():
    # The masks are drawn layer by layer from the same generator either way: identical runs.
    a, b = two_hidden(), two_hidden()
    a.fit(X, y, epochs=2, batch_size=10, dropout=0.3)
    b.fit(X, y, epochs=2, batch_size=10, dropout=[0.3, 0.3])
    for wa, wb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_array_equal(wa, wb)


def test_zero_rates_train_exactly_as_no_dropout():
    a, b = two_hidden(), two_hidden()
    a.fit(X, y, epochs=2, batch_size=10)
    b.fit(X, y, epochs=2, batch_size=10, dropout=[0.0, 0.0])
    for wa, wb in zip(a.weights, b.weights):
        np.testing.assert_array_equal(wa, wb)


def test_a_rate_on_one_layer_only_leaves_the_other_undropped():
    # Dropout on the second hidden layer only: the first layer's mask is never drawn, so the
    # generator's draws (and so the run) differ from dropout on both layers.
    a, b = two_hidden(), two_hidden()
    a.fit(X, y, epochs=1, batch_size=10, dropout=[0.0, 0.5])
    b.fit(X, y, epochs=1, batch_size=10, dropout=[0.5, 0.5])
    assert not np.array_equal(a.weights[0], b.weights[0])


def test_gradcheck_is_exact_with_rates_per_layer():
    net = two_hidden(activation="tanh")
    assert gradcheck(net, X[:5], y[:5], dropout=[0.3, 0.6]) < 1e-7


@pytest.mark.parametrize(
    "dropout, error, message",
    [
        (
            [0.2],
            ValueError,
            r"dropout must be one number for every hidden layer or a list of 2 "
            r"\(one per hidden layer of sizes \[6, 8, 5, 3\]\); got 1: \[0.2\]",
        ),
        ([0.2, 0.3, 0.4], ValueError, r"a list of 2 .* got 3"),
        ([0.2, 1.0], ValueError, r"dropout\[1\] must be in \[0, 1\); got 1.0"),
        ([-0.1, 0.2], ValueError, r"dropout\[0\] must be in \[0, 1\); got -0.1"),
        ([0.2, "0.3"], TypeError, r"dropout\[1\] must be a number; got '0.3'"),
        (
            [[0.2, 0.3]],
            ValueError,
            r"dropout must be a number, or a list with one number per "
            r"hidden layer; got \[\[0.2, 0.3\]\]",
        ),
        ([], ValueError, r"one number per hidden layer; got \[\]"),
    ],
)
def test_rates_are_checked_naming_the_layer(dropout, error, message):
    with pytest.raises(error, match=message):
        two_hidden().fit(X, y, epochs=1, dropout=dropout)


def test_rates_kept_as_a_tuple_and_assignable_while_training():
    trainer = Trainer(two_hidden(), X, y, epochs=1, dropout=np.array([0.1, 0.2]))
    assert trainer.dropout == (0.1, 0.2)
    trainer.dropout = 0.4  # one rate for every layer again
    assert trainer.dropout == 0.4
    trainer.dropout = [0.0, 0.5]
    assert trainer.dropout == (0.0, 0.5)
    with pytest.raises(ValueError, match=r"a list of 2"):
        trainer.dropout = [0.5]
    assert trainer.dropout == (0.0, 0.5)  # a refused value changes nothing
    trainer.run()
    assert trainer.history.status == "completed"


def test_a_book_network_refuses_any_rate_but_zero():
    from nnwidgets.book import as_network

    class Book:
        sizes = [6, 4, 3]
        weights = [np.zeros((4, 6)), np.zeros((3, 4))]
        biases = [np.zeros((4, 1)), np.zeros((3, 1))]

        def backprop(self, x, y):
            return [np.zeros_like(b) for b in self.biases], [np.zeros_like(w) for w in self.weights]

    net = as_network(Book())
    Trainer(net, X, y, epochs=1, dropout=[0.0])  # no dropout: fine
    with pytest.raises(ValueError, match=r"dropout needs the vectorised backprop"):
        Trainer(net, X, y, epochs=1, dropout=[0.3])


def test_dashboard_runs_take_rates_per_layer_and_say_so_in_their_labels():
    from nnwidgets.widgets.dashboard import TrainingDashboard

    # Two depths: while the first run trains, the dashboard's dropout setting shows its two
    # rates, which the shallower second run could not take.
    dash = TrainingDashboard(two_hidden(), train=(X, y), epochs=1, dropout=[0.1, 0.3])
    dash.add_run(Network([6, 5, 3], dtype="float64", seed=0), epochs=1, dropout=0.2)
    assert dash.runs[0].settings["dropout"] == (0.1, 0.3)
    assert [r.label for r in dash.runs] == [
        "sizes=6-8-5-3, dropout=0.1-0.3",
        "sizes=6-5-3, dropout=0.2",
    ]
    dash.run()
    assert [r.status for r in dash.runs] == ["completed", "completed"]
    dash.close()


def cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "nnwidgets", "train", "--bundled", "--epochs", "1", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_command_line_takes_one_rate_per_hidden_layer():
    result = cli("--sizes", "784,16,12,10", "--dropout", "0.2,0.5")
    assert result.returncode == 0, result.stderr
    assert "epoch   1/1" in result.stdout


@pytest.mark.parametrize(
    "sizes, rates, message",
    [
        (
            "784,16,10",
            "0.2,0.5",
            "--dropout must give one rate, or 1 (one per hidden layer of 784,16,10); got 2",
        ),
        (
            "784,16,12,10",
            "0.2,1.0",
            "argument --dropout: must be in [0, 1) (each rate); got '0.2,1.0'",
        ),
        ("784,16,12,10", "0.2,x", "argument --dropout: must be a number or comma-separated"),
    ],
)
def test_command_line_refuses_wrong_rates_before_training(sizes, rates, message):
    result = cli("--sizes", sizes, "--dropout", rates)
    assert result.returncode == 2, result.stderr
    assert f"nnwidgets train: error: {message}" in result.stderr
    assert "Traceback" not in result.stderr and "epoch" not in result.stdout
