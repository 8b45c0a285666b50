"""Network: construction, the forward pass, predictions and the checks on bad input."""

import numpy as np
import pytest

from nnwidgets import Callback, Network


@pytest.fixture
def net():
    return Network([784, 30, 10], seed=0)


def test_weights_follow_the_books_orientation(net):
    assert [w.shape for w in net.weights] == [(30, 784), (10, 30)]
    assert [b.shape for b in net.biases] == [(30,), (10,)]
    assert net.n_params == 784 * 30 + 30 + 30 * 10 + 10
    assert all(w.dtype == np.float32 for w in net.weights)


def test_forward_returns_every_layer(net):
    X = np.random.default_rng(0).random((5, 784))
    acts = net.forward(X, return_activations=True)
    assert [a.shape for a in acts] == [(5, 784), (5, 30), (5, 10)]
    assert (acts[1] >= 0).all()  # ReLU
    np.testing.assert_allclose(acts[-1].sum(axis=1), 1.0, rtol=1e-5)  # softmax
    np.testing.assert_array_equal(acts[-1], net.predict_proba(X))
    np.testing.assert_array_equal(net.predict(X), acts[-1].argmax(axis=1))


def test_forward_is_the_book_equation():
    # a' = f(w a + b), written out for one example and one sigmoid layer
    net = Network([3, 2], activation="sigmoid", output="sigmoid", dtype="float64", seed=0)
    x = np.array([0.5, -1.0, 2.0])
    expected = 1 / (1 + np.exp(-(net.weights[0] @ x + net.biases[0])))
    np.testing.assert_allclose(net.forward(x)[0], expected)
    np.testing.assert_allclose(net.feedforward(x.reshape(-1, 1)), expected.reshape(-1, 1))


def test_one_example_gives_its_row_of_the_batch():
    # One example takes NumPy's own product rather than BLAS (network._product): same numbers.
    net = Network([784, 64, 32, 10], seed=3)
    X = np.random.default_rng(1).random((6, 784))
    batch = net.forward(X, return_activations=True)
    for i in range(len(X)):
        one = net.forward(X[i], return_activations=True)
        for a, b in zip(one, batch):
            np.testing.assert_allclose(a[0], b[i], rtol=1e-5, atol=1e-6)


def test_images_are_flattened(net):
    X = np.random.default_rng(0).random((4, 28, 28))
    np.testing.assert_array_equal(net.predict(X), net.predict(X.reshape(4, 784)))


def test_score_is_fraction_correct(net):
    X = np.random.default_rng(1).random((20, 784))
    y = net.predict(X).copy()
    y[:5] = (y[:5] + 1) % 10
    assert net.score(X, y) == pytest.approx(0.75)


@pytest.mark.parametrize(
    "init, activation, expected_std",
    [
        ("large", "sigmoid", 1.0),
        ("scaled", "sigmoid", 1 / np.sqrt(784)),
        ("scaled", "relu", np.sqrt(2 / 784)),
    ],
)
def test_initialisation_scales(init, activation, expected_std):
    net = Network([784, 500, 10], init=init, activation=activation, seed=0)
    assert net.weights[0].std() == pytest.approx(expected_std, rel=0.02)


def test_same_seed_same_network():
    a, b = Network([10, 5, 2], seed=7), Network([10, 5, 2], seed=7)
    np.testing.assert_array_equal(a.weights[0], b.weights[0])
    assert not np.array_equal(a.weights[0], Network([10, 5, 2], seed=8).weights[0])


def test_float64_available():
    net = Network([4, 3], dtype="float64", seed=0)
    assert net.weights[0].dtype == np.float64
    assert net.forward(np.ones((1, 4))).dtype == np.float64


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(sizes=[784]), "at least an input and an output"),
        (dict(sizes=[784, 0, 10]), "positive integer"),
        (dict(sizes=[784, -3, 10]), "positive integer"),
        (dict(sizes=[784, 2.5, 10]), "positive integer"),
        (dict(sizes=5), "list of layer sizes"),
        (dict(sizes=[4, 2], activation="softmax"), "activation must be one of"),
        (dict(sizes=[4, 2], activation="swish"), "activation must be one of"),
        (dict(sizes=[4, 2], output="gelu"), "output must be one of"),
        (dict(sizes=[4, 2], cost="hinge"), "cost must be one of"),
        (dict(sizes=[4, 2], init="xavier"), "init must be one of"),
        (dict(sizes=[4, 2], dtype="int8"), "dtype must be"),
        (dict(sizes=[4, 2], seed="abc"), "seed must be None or a non-negative integer; got 'abc'"),
        (dict(sizes=[4, 2], seed=-1), "seed must be None or a non-negative integer; got -1"),
        (dict(sizes=[4, 2], seed=1.5), "seed must be"),
        (
            dict(sizes=[4, 1], output="softmax"),
            r"softmax' needs at least 2 output neurons.*always 1\.0",
        ),
    ],
)
def test_bad_configuration_is_named(kwargs, message):
    with pytest.raises((ValueError, TypeError), match=message):
        Network(**kwargs)


@pytest.mark.parametrize(
    "X, message",
    [
        (np.zeros((3, 783)), r"shape \(n_samples, 784\).*got shape \(3, 783\)"),
        (np.zeros((0, 784)), "empty"),
        (np.full((2, 784), np.nan), "NaN or infinite"),
        (np.full((2, 784), np.inf), "NaN or infinite"),
        ([["a"] * 784], "array of numbers"),
    ],
)
def test_bad_inputs_are_named(net, X, message):
    with pytest.raises((ValueError, TypeError), match=message):
        net.predict(X)


@pytest.mark.parametrize(
    "y, message",
    [
        ([0, 1, 10], r"labels must be in 0\.\.9.*got 10"),
        ([0, -1, 2], r"labels must be in 0\.\.9.*got -1"),
        ([0, 1], r"y must be 3 integer labels"),
        ([0.5, 1, 2], "integer class labels"),
    ],
)
def test_bad_labels_are_named(net, y, message):
    with pytest.raises(ValueError, match=message):
        net.score(np.zeros((3, 784)), y)


def test_subscribers_hear_about_changes(net):
    seen = []
    unsubscribe = net.subscribe(seen.append)
    net.set_parameters([w * 0 for w in net.weights], net.biases)
    assert seen == [net]
    unsubscribe()
    net.notify_changed()
    assert seen == [net]


def test_set_parameters_checks_shapes_and_keeps_old_weights(net):
    before = net.weights[0].copy()
    with pytest.raises(ValueError, match=r"layer 0: expected weights \(30, 784\)"):
        net.set_parameters([np.zeros((784, 30)), net.weights[1]], net.biases)
    with pytest.raises(ValueError, match="finite"):
        net.set_parameters([np.full((30, 784), np.nan), net.weights[1]], net.biases)
    np.testing.assert_array_equal(net.weights[0], before)


def test_copy_is_independent(net):
    twin = net.copy()
    twin.weights[0][:] = 0
    assert net.weights[0].any()
    assert twin.config() == net.config()


def test_a_one_output_sigmoid_network_is_fine():
    net = Network([4, 1], output="sigmoid", seed=0)
    assert net.predict_proba(np.ones((2, 4))).shape == (2, 1)


def test_seed_accepts_a_generator():
    a = Network([4, 3], seed=np.random.default_rng(5))
    b = Network([4, 3], seed=np.random.default_rng(5))
    np.testing.assert_array_equal(a.weights[0], b.weights[0])


def test_public_checks_match_what_training_uses(net):
    X = net.check_inputs(np.zeros((2, 28, 28)))
    assert X.shape == (2, 784) and X.dtype == np.float32
    Y = net.targets([3, 0])
    np.testing.assert_array_equal(Y, np.eye(10, dtype=np.float32)[[3, 0]])
    assert net.cost_function.name == "cross_entropy"
    with pytest.raises(ValueError, match=r"labels must be in 0\.\.9.*got 12"):
        net.targets([12, 0])


def test_subscribe_needs_a_callable(net):
    with pytest.raises(TypeError, match="callback must be callable"):
        net.subscribe("redraw")


def test_copy_keeps_the_subclass():
    class Mine(Network):
        pass

    assert type(Mine([4, 3], seed=0).copy()) is Mine


# -- one output neuron: a yes/no classifier (sigmoid) or regression (anything else) ------------

# XOR: the four corners, labels 0 1 1 0. An argmax over one column would call every example 0.
XOR_X = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
XOR_Y = np.array([0, 1, 1, 0])


def xor_net(seed=0):
    return Network([2, 8, 1], activation="tanh", output="sigmoid", seed=seed)


def test_one_sigmoid_output_predicts_by_thresholding_at_one_half():
    net = Network([2, 1], output="sigmoid", dtype="float64", seed=0)
    # one neuron a = sigmoid(x0 - x1): above 1/2 exactly when x0 > x1
    net.set_parameters([[[1.0, -1.0]]], [[0.0]])
    X = np.array([[2.0, 0.0], [0.0, 2.0], [1.0, 1.0], [0.5, 0.0]])
    np.testing.assert_array_equal(net.predict(X), [1, 0, 1, 1])  # sigmoid(0) = 0.5 counts as 1
    assert net.score(X, [1, 0, 1, 1]) == 1.0
    assert net.score(X, [0, 1, 0, 0]) == 0.0


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_one_sigmoid_output_scores_inverted_targets_as_the_complement(seed):
    net = xor_net(seed)
    net.fit(XOR_X, XOR_Y, epochs=2000, batch_size=4, learning_rate=0.5)
    assert net.score(XOR_X, XOR_Y) == 1.0
    assert net.score(XOR_X, 1 - XOR_Y) == 0.0
    np.testing.assert_array_equal(net.predict(XOR_X), XOR_Y)
    # untrained too: every prediction is 0 or 1, so the two scores add up to one
    fresh = xor_net(seed + 10)
    assert fresh.score(XOR_X, XOR_Y) + fresh.score(XOR_X, 1 - XOR_Y) == 1.0


@pytest.mark.parametrize("y", [XOR_Y, XOR_Y.astype(float), XOR_Y.reshape(-1, 1), XOR_Y == 1])
def test_one_output_takes_labels_zero_and_one_as_its_targets(y):
    net = xor_net()
    Y = net.targets(y)
    assert Y.shape == (4, 1) and Y.dtype == np.float32
    np.testing.assert_array_equal(Y[:, 0], XOR_Y)
    assert net.fit(XOR_X, y, epochs=1, batch_size=4).status == "completed"


def test_one_output_refuses_targets_of_the_wrong_shape_saying_what_it_expects():
    with pytest.raises(
        ValueError,
        match=r"desired outputs of the network's one neuron, "
        r"shape \(4,\) or \(4, 1\); got shape \(4, 2\)",
    ):
        xor_net().targets(np.zeros((4, 2)))


def test_training_reports_one_sigmoid_outputs_accuracy_by_the_same_rule():
    net = xor_net()
    history = net.fit(
        XOR_X, 1 - XOR_Y, epochs=2000, batch_size=4, learning_rate=0.5, validation=(XOR_X, XOR_Y)
    )
    # trained on the inverted labels: right on them, wrong on every original one
    assert history.batch_accuracy[-1] == history.epoch_accuracy[-1] == 1.0
    assert history.val_accuracy[-1] == 0.0 == net.score(XOR_X, XOR_Y)


def test_one_linear_output_is_regression_without_accuracy():
    net = Network(
        [1, 1], activation="linear", output="linear", cost="quadratic", dtype="float64", seed=0
    )
    net.set_parameters([[[2.0]]], [[1.0]])
    X = np.array([[0.0], [1.0], [2.5]])
    np.testing.assert_array_equal(net.predict(X), [1.0, 3.0, 6.0])  # the outputs themselves
    assert not net.has_accuracy
    with pytest.raises(
        ValueError,
        match=r"one linear output does regression: it has no "
        r"accuracy; use loss\(X, y\)",
    ):
        net.score(X, [1.0, 3.0, 6.0])
    history = net.fit(
        X,
        [1.5, 3.0, 6.5],
        epochs=3,
        batch_size=2,
        learning_rate=0.01,
        validation=(X, [1.0, 3.0, 6.0]),
        early_stopping=5,
    )
    assert np.isnan(history.batch_accuracy).all() and len(history.batch_accuracy) == 6
    assert np.isnan(history.epoch_accuracy).all() and np.isnan(history.val_accuracy).all()
    assert np.isfinite(history.batch_loss).all() and history.status == "completed"


def test_sigmoid_outputs_with_log_likelihood_warn_naming_the_right_pairs():
    with pytest.warns(
        UserWarning,
        match=r"output='sigmoid' with cost='log_likelihood'.*"
        r"is for output='softmax'.*cost='cross_entropy'",
    ):
        Network([4, 3], output="sigmoid", cost="log_likelihood")


def test_early_stopping_in_regression_watches_the_validation_loss():
    # trained towards y = 2x, validated against y = -2x: every epoch's validation loss is
    # worse than the one before, so the first epoch stays the best
    net = Network(
        [1, 1], activation="linear", output="linear", cost="quadratic", dtype="float64", seed=0
    )
    net.set_parameters([[[0.5]]], [[0.0]])
    X = np.linspace(-1, 1, 20).reshape(-1, 1)
    after_first = []

    class Keep(Callback):
        def on_epoch_end(self, trainer, epoch, logs):
            if epoch == 0:
                after_first.append(trainer.network.weights[0].copy())

    history = net.fit(
        X,
        2 * X,
        epochs=50,
        batch_size=5,
        learning_rate=0.05,
        validation=(X, -2 * X),
        early_stopping=2,
        callbacks=[Keep()],
    )
    assert history.status == "early_stopped" and history.epochs == 3
    assert history.val_loss[0] < history.val_loss[1] < history.val_loss[2]
    assert "no lower validation loss for 2 epochs" in history.message
    assert "(epoch 1, val_loss=" in history.message
    np.testing.assert_array_equal(net.weights[0], after_first[0])


def test_input_gradient_of_one_example_takes_one_label():
    net = Network([6, 5, 3], activation="tanh", dtype="float64", seed=2)
    x = np.random.default_rng(0).random(6)
    expected = net.input_gradient(x.reshape(1, 6), [2])
    for label in (2, np.int64(2), np.array(2)):
        np.testing.assert_array_equal(net.input_gradient(x, label), expected)
    # one output: the number is the desired output, as for a batch
    yes_no = Network([6, 1], activation="sigmoid", output="sigmoid", dtype="float64", seed=0)
    np.testing.assert_array_equal(
        yes_no.input_gradient(x, 1.0), yes_no.input_gradient(x.reshape(1, 6), [1.0])
    )
    # a batch, or a 2-D row, still needs a label each
    with pytest.raises(ValueError, match=r"y must be 1 integer labels .*got shape \(\)"):
        net.input_gradient(x.reshape(1, 6), 2)
    with pytest.raises(ValueError, match=r"y must be 2 integer labels .*got shape \(\)"):
        net.input_gradient(np.stack([x, x]), 2)
