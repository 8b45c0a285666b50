"""The dashboard's weighted-inputs panel: per layer, the histogram of z and the share of
|z| > 4 (where sigmoid's slope is below 0.018) in words, before any training too."""

import numpy as np
import pytest

from nnwidgets import Network
from nnwidgets.widgets.dashboard.panels import panel_data, z_summary


def sigmoid_net():
    """[2, 3, 2] sigmoid, weights chosen so that every z is known by hand."""
    net = Network(
        [2, 3, 2],
        activation="sigmoid",
        output="sigmoid",
        cost="cross_entropy",
        dtype="float64",
        seed=0,
    )
    net.set_parameters(
        [
            np.array([[5.0, 0.0], [0.0, 1.0], [-6.0, 2.0]]),
            np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]),
        ],
        [np.zeros(3), np.array([0.0, 4.5])],
    )
    return net


def test_z_histogram_and_share_beyond_4_by_hand():
    # X = [[1, 0], [0, 1]]: z^2 = w^2 x + b^2 = [5, 0, -6] and [0, 1, 2]: 2 of 6 beyond +-4.
    # a^2 = sigmoid(z^2); z^3 = [a^2_1, 4.5]: the output's 4.5 is beyond 4 twice, a^2_1 never.
    net = sigmoid_net()
    X, y = np.array([[1.0, 0.0], [0.0, 1.0]]), np.array([0, 1])
    data = panel_data(net, X, y, X, net.targets(y), epoch=0)
    hidden, output = data["layers"]
    assert hidden["z_share"] == pytest.approx(2 / 6)
    assert (hidden["z"]["lo"], hidden["z"]["hi"], hidden["z"]["n"]) == (-6.0, 5.0, 6)
    assert output["z_share"] == pytest.approx(2 / 4)
    assert hidden["z_words"].startswith(
        "33% of the weighted inputs z lie beyond \u00b14, where \u03c3'(z) < 0.018"
    )
    counts = np.frombuffer(hidden["z"]["counts"]["view"], np.float32)
    assert counts.sum() == 6 and counts[0] == 1 and counts[-1] == 1  # -6 first, 5 last


@pytest.mark.parametrize(
    "activation, z, words",
    [
        (
            "tanh",
            [[-5.0, 0.5], [1.0, 2.0]],
            "25% of the weighted inputs z lie beyond \u00b14, where tanh'(z) < 0.0014",
        ),
        (
            "relu",
            [[-5.0, 0.0], [1.0, 2.0]],
            "50% of the weighted inputs z are \u2264 0, where the ReLU outputs 0",
        ),
        (
            "leaky_relu",
            [[-5.0, 3.0], [1.0, 2.0]],
            "25% of the weighted inputs z are \u2264 0, where only the leak",
        ),
        (
            "softmax",
            [[-5.0, 9.0], [1.0, 2.0]],
            "50% of the weighted inputs z lie beyond \u00b14 (a softmax neuron's slope",
        ),
    ],
)
def test_z_words_say_what_the_share_means_for_each_activation(activation, z, words):
    share, sentence = z_summary(activation, np.array(z))
    assert sentence.startswith(words)
    assert share == pytest.approx(np.mean(np.abs(z) > 4))


@pytest.mark.parametrize("init, first_hidden", [("book", (0.0, 0.0)), ("large", (0.5, 0.8))])
def test_before_training_large_weights_put_most_first_layer_z_beyond_4(init, first_hidden):
    # NNDL ch3: with N(0, 1) weights ("large") the first layer's z = sum_j w_j x_j + b has a
    # spread of about sqrt(sum x^2 + 1), near 9 for a digit, so most |z| exceed 4 and the
    # sigmoid saturates; with N(0, 1/n_in) weights ("book") the spread is about sqrt(2)
    # and no z of 500 digits reaches 4.
    from nnwidgets import load_bundled

    data = load_bundled()
    X, y = data.X_test[:500], data.y_test[:500]
    net = Network(
        [784, 30, 30, 30, 30, 10], activation="sigmoid", output="sigmoid", init=init, seed=0
    )
    layers = panel_data(net, X, y, X, net.targets(y), epoch=0)["layers"]
    zs = net._weighted_inputs(net.check_inputs(X))[0]
    for layer, z in zip(layers, zs):
        assert layer["z_share"] == pytest.approx(np.mean(np.abs(z) > 4))
        assert layer["z"]["n"] == z.size
    low, high = first_hidden
    assert low <= layers[0]["z_share"] <= high
