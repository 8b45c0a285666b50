"""Hostile use of the core NumPy API: huge inputs, gradcheck's arguments,
set_parameters and copy, the metrics' edges, strokes, bump heights and book writes."""

import threading
import warnings

import numpy as np
import pytest
from test_book_network import BookNet

from nnwidgets import Network, bumps, gradcheck, metrics, preprocess
from nnwidgets._checks import warn_if_raw_pixels
from nnwidgets.book import as_network


@pytest.fixture
def net():
    return Network([4, 5, 3], seed=0)


def _quiet():
    """Warnings become errors: a clear error must not come with NumPy's warning first."""
    context = warnings.catch_warnings()
    context.__enter__()
    warnings.simplefilter("error")
    return context


# -- huge finite inputs ----------------------------------------------------------------------
@pytest.mark.parametrize("method", ["predict", "predict_proba", "forward", "logits"])
def test_inputs_that_overflow_are_named_by_their_scale(net, method):
    X = np.vstack([np.full(4, 0.5), np.full(4, 3e38)])
    context = _quiet()
    try:
        with pytest.raises(ValueError, match=r"for 1 of 2 examples \(the first is row 1\).*3e\+38"):
            getattr(net, method)(X)
    finally:
        context.__exit__(None, None, None)
    assert np.isfinite(net.predict_proba(X[:1])).all()  # the network still predicts


def test_score_and_loss_name_the_scale_too(net):
    X = np.full((2, 4), 3e38)
    for call in (lambda: net.score(X, [0, 1]), lambda: net.loss(X, [0, 1])):
        with pytest.raises(ValueError, match="Scale the inputs"):
            call()


def test_inputs_beyond_float32_are_not_called_nan(net):
    context = _quiet()
    try:
        with pytest.raises(ValueError, match=r"up to 1e\+300.*float32") as info:
            net.predict(np.full((1, 4), 1e300))
    finally:
        context.__exit__(None, None, None)
    assert "NaN" not in str(info.value)


def test_hand_edited_nan_weights_still_give_their_nan(net):
    net.weights[0][0, 0] = np.nan  # not the inputs' fault: returned as before
    assert np.isnan(net.predict_proba(np.ones((1, 4)))).all()


def test_huge_weights_are_named_as_the_cause_not_the_inputs():
    # Inputs in 0..1 and weights grown to 1e30 (a learning rate far too large): the remedy is
    # in the weights; scaling the inputs would not help.
    net = Network([4, 5, 3], activation="relu", output="softmax", cost="log_likelihood", seed=0)
    for w in net.weights:
        w[...] = 1e30
    with pytest.raises(ValueError, match=r"weights 1e\+30.*The weights are far too large") as info:
        net.predict(np.ones((1, 4)))
    assert "Scale the inputs" not in str(info.value)


# -- gradcheck ---------------------------------------------------------------------------------
@pytest.fixture
def net64():
    return Network([4, 5, 3], seed=0, dtype="float64")


XY = (np.random.default_rng(0).random((6, 4)), np.array([0, 1, 2, 0, 1, 2]))


@pytest.mark.parametrize(
    "options, error, phrase",
    [
        ({"eps": 0}, ValueError, "eps must be in"),
        ({"eps": -1e-5}, ValueError, "eps must be in"),
        ({"eps": "1e-5"}, TypeError, "eps must be a number"),
        ({"eps": 1e10}, ValueError, "eps must be in"),
        ({"max_params": 0}, ValueError, "max_params must be a positive integer"),
        ({"max_params": -3}, ValueError, "max_params must be a positive integer"),
        ({"seed": "a"}, ValueError, "seed must be"),
        ({"dropout": 1.0}, ValueError, r"dropout must be in \[0, 1\)"),
        ({"dropout": "0.5"}, TypeError, "dropout must be a number"),
        ({"dropout": -0.5}, ValueError, "dropout must be in"),
    ],
)
def test_gradcheck_names_a_bad_argument(net64, options, error, phrase):
    with pytest.raises(error, match=phrase):
        gradcheck(net64, *XY, **options)


def test_gradcheck_takes_one_example_with_its_label(net64):
    X, _ = XY
    assert gradcheck(net64, X[0], 1) < 1e-7
    assert gradcheck(net64, X[0], 1, wrt="input") < 1e-7


def test_gradcheck_names_a_wrong_network():
    with pytest.raises(TypeError, match="network must be an nnwidgets Network.*; got str"):
        gradcheck("net", *XY)


def test_an_interrupted_gradcheck_leaves_every_weight_as_it_was():
    net = Network([4, 5, 3], seed=0, dtype="float64", activation="sigmoid")
    before = [w.copy() for w in net.weights] + [b.copy() for b in net.biases]
    own, calls = net.cost_function.fn, [0]

    def interrupted(a, Y):  # Ctrl-C during a nudged evaluation
        calls[0] += 1
        if calls[0] == 3:
            raise KeyboardInterrupt
        return own(a, Y)

    net.cost_function.fn = interrupted
    with pytest.raises(KeyboardInterrupt):
        gradcheck(net, *XY)
    net.cost_function.fn = own
    after = net.weights + net.biases
    assert all(np.array_equal(a, b) for a, b in zip(before, after))


# -- set_parameters, copy, dtype -----------------------------------------------------------
@pytest.mark.parametrize(
    "weights, error, phrase",
    [
        (None, TypeError, "weights must be a list of arrays"),
        ("ab", TypeError, "weights must be a list of arrays"),  # not two layers "a" and "b"
        (5, TypeError, "weights must be a list of arrays"),
        ([np.full((5, 4), "a"), np.zeros((3, 5))], TypeError, "must hold real numbers"),
        ([np.zeros((5, 4)) + 1j, np.zeros((3, 5))], TypeError, "must hold real numbers"),
        ([[[1, 2], [1]], np.zeros((3, 5))], ValueError, "rectangular"),
        ([np.zeros((5, 4)), np.full((3, 5), 1e300)], ValueError, r"float32.*1e\+300"),
    ],
)
def test_set_parameters_refuses_by_name_and_changes_nothing(net, weights, error, phrase):
    before = [w.copy() for w in net.weights]
    context = _quiet()
    try:
        with pytest.raises(error, match=phrase):
            net.set_parameters(weights, net.biases)
    finally:
        context.__exit__(None, None, None)
    assert all(np.array_equal(a, b) for a, b in zip(before, net.weights))


def test_set_parameters_takes_a_generator(net):
    twin = Network([4, 5, 3], seed=1)
    net.set_parameters((w for w in twin.weights), (b for b in twin.biases))
    assert np.array_equal(net.weights[1], twin.weights[1])


def test_a_copy_draws_what_the_original_would():
    X, y = XY
    net = Network([4, 5, 3], seed=3)
    twin = net.copy()
    assert twin.seed == 3
    net.fit(X, y, epochs=2, batch_size=2)
    twin.fit(X, y, epochs=2, batch_size=2)  # the same shuffles: the same weights
    assert np.array_equal(net.weights[0], twin.weights[0])


@pytest.mark.parametrize(
    "alias, name", [("f8", "float64"), ("double", "float64"), ("f4", "float32")]
)
def test_numpys_other_names_for_the_two_dtypes(alias, name):
    assert Network([4, 3], dtype=alias).dtype == np.dtype(name)
    with pytest.raises(ValueError, match="dtype must be"):
        Network([4, 3], dtype="f2")


# -- metrics ---------------------------------------------------------------------------------
P = np.array([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1]])


def test_reliability_caps_its_bins():
    with pytest.raises(ValueError, match="n_bins must be at most 10,000"):
        metrics.reliability(P, [0, 2], n_bins=10_001)  # 10**9 took all the memory


def test_fit_temperature_ends_with_any_tolerance():
    rng = np.random.default_rng(0)
    Z, y = rng.normal(size=(50, 3)) * 3, rng.integers(0, 3, 50)  # T at the upper bound
    found = []
    search = threading.Thread(
        target=lambda: found.append(metrics.fit_temperature(Z, y, tol=1e-300)), daemon=True
    )
    search.start()
    search.join(10)  # it ends, whatever the tolerance
    assert found == [pytest.approx(metrics.fit_temperature(Z, y), rel=1e-4)]


def test_softmax_of_a_tiny_temperature_is_one_hot_not_nan():
    context = _quiet()
    try:
        assert np.array_equal(metrics.softmax([[1.0, 2.0, 3.0]], 1e-320), [[0.0, 0.0, 1.0]])
        assert np.array_equal(metrics.softmax([[1e308, 1.0, 0.0]], 0.01), [[1.0, 0.0, 0.0]])
    finally:
        context.__exit__(None, None, None)


@pytest.mark.parametrize("targets", [-np.eye(3)[[0, 2]], np.zeros((2, 3)), 5 * np.eye(3)[[0, 2]]])
def test_targets_that_are_not_one_hot_are_refused(targets):
    with pytest.raises(ValueError, match="summing to 1"):
        metrics.reliability(P, targets)
    with pytest.raises(ValueError, match="summing to 1"):
        metrics.fit_temperature([[1.0, 2.0, 0.5], [0.2, 0.1, 3.0]], targets)


def test_a_huge_eps_saturates_without_nan(net):
    X = np.random.default_rng(0).random((4, 4))
    context = _quiet()
    try:
        out = metrics.fgsm(net, X, [0, 1, 2, 1], 1e300)
    finally:
        context.__exit__(None, None, None)
    assert np.isfinite(out).all() and np.array_equal(out, metrics.fgsm(net, X, [0, 1, 2, 1], 1.0))


# -- strokes, bumps, book --------------------------------------------------------------------
@pytest.mark.parametrize(
    "strokes, options, phrase",
    [
        ([[(np.nan, 10), (100, 100)]], {}, "finite pad pixels"),
        ([[(1e308, 10), (100, 100)]], {}, "finite pad pixels"),
        ([[10, 10, 100]], {}, r"stroke 0 must be a list of \(x, y\) points"),
        ([None], {}, "stroke 0 must be"),
        ("abc", {}, "strokes must be a list"),
        ([[(1, 1)]], {"size": 0}, "size must be a positive integer"),
        ([[(1, 1)]], {"inner": 9, "outer": 9}, "inner < outer"),
    ],
)
def test_rasterize_strokes_names_what_it_cannot_draw(strokes, options, phrase):
    context = _quiet()
    try:
        with pytest.raises((ValueError, TypeError), match=phrase):
            preprocess.rasterize_strokes(strokes, **options)
    finally:
        context.__exit__(None, None, None)


def test_a_flat_mnist_row_gets_a_hint():
    with pytest.raises(ValueError, match=r"reshape\(28, 28\)"):
        preprocess.to_mnist(np.ones(784))


def test_bump_heights_beyond_the_limit_are_refused():
    steps = bumps.uniform_steps(5)
    with pytest.raises(ValueError, match=r"heights\[0\] = 1e\+308"):
        bumps.bump_network([1e308] * 5)
    with pytest.raises(ValueError, match="within"):
        bumps.deviation(bumps.logit(bumps.sample_goal()), [1e308] * 5, steps)
    assert bumps.check_heights([1e6] * 5, 5).max() == 1e6


def test_weighted_output_checks_x_and_saturates_quietly():
    steps = bumps.uniform_steps(5)
    with pytest.raises(ValueError, match="x must be finite"):
        bumps.weighted_output([np.nan], [1] * 5, steps)
    context = _quiet()
    try:
        assert bumps.weighted_output([1e308, -1e308], [1] * 5, steps).tolist() == [0.0, 0.0]
    finally:
        context.__exit__(None, None, None)


def test_a_refused_book_write_writes_no_layer():
    book = BookNet([4, 3, 2])
    wrapper = as_network(book)
    first = book.weights[0].copy()
    book.weights[1].flags.writeable = False
    with pytest.raises(TypeError, match="nothing was written"):
        wrapper.set_parameters([np.ones((3, 4)), np.ones((2, 3))], [np.zeros(3), np.zeros(2)])
    assert np.array_equal(book.weights[0], first)


def test_a_read_only_bias_keeps_the_weights_unwritten_too():
    book = BookNet([4, 3, 2])
    wrapper = as_network(book)
    first = book.weights[0].copy()
    book.biases[1].flags.writeable = False  # the weights are written before the biases
    with pytest.raises(TypeError, match=r"biases\[1\].*nothing was written"):
        wrapper.set_parameters([np.ones((3, 4)), np.ones((2, 3))], [np.zeros(3), np.zeros(2)])
    assert np.array_equal(book.weights[0], first)


def test_assigning_book_weights_writes_all_or_none():
    book = BookNet([4, 3, 2])
    wrapper = as_network(book)
    first = book.weights[0].copy()
    book.weights[1].flags.writeable = False
    with pytest.raises(TypeError, match=r"weights\[1\].*nothing was written"):
        wrapper.weights = [np.ones((3, 4)), np.ones((2, 3))]
    assert np.array_equal(book.weights[0], first)


@pytest.mark.parametrize("seed", [None, np.random.Generator(np.random.MT19937(1))])
def test_a_copy_of_any_generator_draws_the_same(seed):
    net = Network([4, 3], seed=seed)
    twin = net.copy()
    assert twin.rng is not net.rng
    assert np.array_equal(net.rng.random(5), twin.rng.random(5))


@pytest.mark.parametrize("shape", [(28, 28), (784, 1)])
def test_one_image_or_column_is_told_how_to_become_a_row(shape):
    with pytest.raises(ValueError, match=r"one example\? X\.reshape\(1, 784\)"):
        Network([784, 10], seed=0).predict(np.zeros(shape))


class _TanhInPlace:
    def fn(self, z):
        return np.tanh(z, out=z)  # overwrites the z backprop reads again

    def prime(self, z):
        return 1 - np.tanh(z) ** 2


class _CostInPlace:
    @staticmethod
    def fn(a, y):
        return 0.5 * ((a - y) ** 2).sum(axis=1)

    @staticmethod
    def delta(z, a, y):
        a -= y  # the network's own outputs, changed
        return a * (1 - (a + y)) * (a + y)


def test_a_piece_that_changes_its_argument_in_place_is_named():
    with pytest.raises(
        ValueError, match=r"activation _TanhInPlace: fn\(z\) changed its argument z"
    ):
        Network([4, 3, 2], activation=_TanhInPlace(), seed=0)
    with pytest.raises(ValueError, match=r"delta\(z, a, y\) changed its argument a in place"):
        Network([4, 3, 2], output="sigmoid", cost=_CostInPlace, seed=0)


def test_training_on_huge_inputs_names_their_scale_first():
    X, y = XY
    with pytest.warns(UserWarning, match=r"X's values reach 9.35e\+29 in size"):
        with pytest.raises(FloatingPointError):  # TrainingDiverged, which names the rate only
            Network([4, 5, 3], seed=0).fit(X * 1e30, y, epochs=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warn_if_raw_pixels(X * 999)  # below the limit: quiet


@pytest.mark.parametrize(
    "y, phrase",
    [
        (1.5, "got 1.5"),  # not a label: not truncated to 1
        (np.ones((5, 1)), r"got an array of shape \(5, 1\)"),  # not one-hot for 3 outputs
        (None, "got None"),
        ("1", "got '1'"),
    ],
)
def test_sgd_names_a_books_y_it_cannot_read(y, phrase):
    data = [(np.ones((4, 1)), y)] * 3
    with pytest.raises(
        ValueError, match=rf"training_data\[0\]: y must be a label in 0..2.*{phrase}"
    ):
        Network([4, 5, 3], seed=0).SGD(data, 1, 2, 0.1, verbose=False)


def test_sgd_names_an_x_of_the_wrong_size_and_a_missing_list():
    net = Network([4, 5, 3], seed=0)
    with pytest.raises(ValueError, match=r"training_data\[1\]: x must be a \(4, 1\) column"):
        net.SGD([(np.ones((4, 1)), 0), (np.ones((3, 1)), 1)], 1, 2, 0.1, verbose=False)
    with pytest.raises(TypeError, match="training_data must be a list of"):
        net.SGD(None, 1, 2, 0.1, verbose=False)


def test_sgd_keeps_one_outputs_desired_value():
    net = Network([1, 1], activation="linear", output="linear", cost="quadratic", seed=0)
    net.SGD(
        [(np.ones((1, 1)), 0.7)] * 4, 200, 4, 0.1, verbose=False
    )  # the desired output, not a label
    assert net.forward([[1.0]])[0, 0] == pytest.approx(0.7, abs=1e-3)


def test_an_input_gradient_that_overflows_names_the_scale(net):
    context = _quiet()
    try:
        with pytest.raises(ValueError, match=r"input gradients are NaN.*3e\+38"):
            net.input_gradient(np.full((1, 4), 3e38), [1])
    finally:
        context.__exit__(None, None, None)


def test_true_and_false_are_the_labels_of_a_two_output_network():
    X, _ = XY
    net = Network([4, 5, 2], seed=0)
    y = X[:, 0] > 0.5
    assert net.score(X, y) == net.score(X, y.astype(int))
    with pytest.raises(ValueError, match="True/False name two classes; this network has 3"):
        Network([4, 5, 3], seed=0).score(X, y)


@pytest.mark.parametrize(
    "y, phrase", [(np.array(["0", "1"] * 3), r"y\.astype\(int\)"), ([0.5] * 6, "not whole")]
)
def test_labels_that_are_text_or_fractions_get_a_hint(net, y, phrase):
    with pytest.raises(ValueError, match=phrase):
        net.fit(XY[0], y, epochs=1)


def test_ctrl_c_mid_epoch_keeps_the_steps_and_the_history():
    from nnwidgets.training import Callback

    X, y = XY
    kept = []

    class CtrlC(Callback):
        def on_batch_end(self, trainer, batch, logs):
            kept.append([w.copy() for w in trainer.network.weights])
            if len(kept) == 2:
                raise KeyboardInterrupt

    net = Network([4, 5, 3], seed=0)
    with pytest.raises(KeyboardInterrupt):
        net.fit(X, y, epochs=3, batch_size=2, callbacks=[CtrlC()])
    history = net.history_
    assert (history.status, history.message, len(history.batch_loss)) == (
        "stopped",
        "interrupted",
        2,
    )
    assert all(np.array_equal(a, b) for a, b in zip(kept[-1], net.weights))
    assert not net.training and net.fit(X, y, epochs=1).status == "completed"


def test_a_network_too_large_to_draw_is_refused_before_drawing():
    with pytest.raises(ValueError, match=r"795,000,010 weights and biases \(3\.18 GB"):
        Network([784, 1_000_000, 10])
    assert Network([784, 100, 10]).n_params == 79_510


@pytest.mark.parametrize("label", [1, np.int64(1), np.eye(3)[1]])
def test_one_example_scores_with_its_one_label(net, label):
    x = XY[0][0]
    assert net.score(x, label) == net.score(x[None], [1])
    assert net.loss(x, label) == net.loss(x[None], [1])
    assert gradcheck(Network([4, 5, 3], seed=0, dtype="float64"), x, label) < 1e-7


def test_a_book_networks_set_parameters_names_a_missing_list():
    with pytest.raises(
        TypeError, match="weights must be a list of arrays, one per layer; got None"
    ):
        as_network(BookNet([4, 3, 2])).set_parameters(None, None)


def test_more_threads_than_cores_are_warned_of_and_training_still_runs():
    import os

    cores = len(os.sched_getaffinity(0))
    X, y = XY
    net = Network([4, 5, 3], seed=0)
    with pytest.warns(UserWarning, match=rf"threads={cores + 1} is more than the {cores} CPUs"):
        net.fit(X, y, epochs=1, batch_size=2, threads=cores + 1)
    assert net.history_.status == "completed"
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # as many as the cores: no warning
        Network([4, 5, 3], seed=0).fit(X, y, epochs=1, batch_size=2, threads=cores)


def test_classes_names_outputs_of_the_wrong_shape(net):
    with pytest.raises(ValueError, match=r"got shape \(3,\) \(one example's\? outputs\.reshape"):
        net.classes(np.array([0.1, 0.7, 0.2]))
    with pytest.raises(ValueError, match=r"outputs must have shape \(n, 3\).*got shape \(2, 4\)"):
        net.classes(np.zeros((2, 4)))
    assert net.classes(np.array([[0.1, 0.7, 0.2]])).tolist() == [1]
