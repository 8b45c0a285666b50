"""The reader's own pieces inside Network: a cost with fn(a, y) and delta(z, a, y), an
activation with fn(z) and prime(z) (network2's names, one example per row)."""

import warnings

import numpy as np
import pytest
from _pieces import MySigmoid, Softplus

from nnwidgets import Network, gradcheck
from nnwidgets.book import as_network
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.diagram import NetworkDiagram

RNG = np.random.default_rng(0)
# 80 examples of 6 features and 3 classes; 6 inputs != 3 outputs catches a transposition.
X = RNG.random((80, 6))
y = RNG.integers(0, 3, 80)


# -- the pieces a reader writes ----------------------------------------------------------------
class CrossEntropyCost:
    """network2's class, its methods static, rows as examples."""

    @staticmethod
    def fn(a, y):
        return -(y * np.log(a) + (1 - y) * np.log(1 - a)).sum(axis=1)

    @staticmethod
    def delta(z, a, y):
        return a - y  # sigma'(z) cancels


class MyCrossEntropy:
    """The same as an instance with plain methods."""

    def fn(self, a, y):
        return CrossEntropyCost.fn(a, y)

    def delta(self, z, a, y):
        return a - y


class StillQuadraticDelta(MyCrossEntropy):
    """Lab 7's slip: the cross-entropy's delta still multiplied by sigma'(z)."""

    def delta(self, z, a, y):
        return (a - y) * a * (1 - a)


class SoftplusWrongPrime(Softplus):
    def prime(self, z):
        return np.exp(z)


def pair(**mine):
    """A float64 network with the reader's pieces and its twin with the built-ins, one seed."""
    builtin = dict(activation="sigmoid", output="sigmoid", cost="cross_entropy")
    kw = dict(dtype="float64", seed=3)
    return Network([6, 5, 3], **{**builtin, **mine}, **kw), Network([6, 5, 3], **builtin, **kw)


def assert_same_parameters(a, b, atol):
    for pa, pb in zip(a.weights + a.biases, b.weights + b.biases):
        np.testing.assert_allclose(pa, pb, rtol=0, atol=atol)


# -- training ----------------------------------------------------------------------------------
@pytest.mark.parametrize("cost", [CrossEntropyCost, MyCrossEntropy(), MyCrossEntropy])
def test_own_cross_entropy_trains_as_the_built_in_one(cost):
    mine, theirs = pair(cost=cost)
    for net in (mine, theirs):
        net.fit(X, y, epochs=3, batch_size=10, learning_rate=0.5, momentum=0.5)
    assert_same_parameters(mine, theirs, atol=1e-12)  # delta = a - y in both
    name = "CrossEntropyCost" if cost is CrossEntropyCost else "MyCrossEntropy"
    assert mine.cost == name
    # network2's class is used as it is; a class with plain methods, through an instance.
    source = mine.cost_function.source
    assert source is cost if cost is not MyCrossEntropy else isinstance(source, MyCrossEntropy)
    assert mine.cost_function.builtin == "cross_entropy"
    # The reported loss is the reader's fn (unclipped here, where a stays inside (0, 1)).
    np.testing.assert_allclose(mine.history_.batch_loss, theirs.history_.batch_loss, rtol=1e-9)


def test_own_sigmoid_is_matched_and_trains_as_the_built_in_one():
    mine, theirs = pair(activation=MySigmoid(), output=MySigmoid)
    assert mine.activation_function.builtin == "sigmoid"
    assert mine.output_function.builtin == "sigmoid"
    assert mine.activation == "MySigmoid"
    # sigma(0) = 1/2, sigma'(0) = 1/4, the reader's object called through the network's.
    z = np.zeros((1, 2))
    assert mine.activation_function.fn(z).tolist() == [[0.5, 0.5]]
    assert mine.activation_function.prime(z, None).tolist() == [[0.25, 0.25]]
    for net in (mine, theirs):
        net.fit(X, y, epochs=3, batch_size=10, learning_rate=0.5)
    # 1/(1 + e^-z) and the built-in's 0.5 (1 + tanh(z/2)) differ in the last bit or so.
    assert_same_parameters(mine, theirs, atol=1e-12)


def test_float32_network_with_own_pieces_stays_float32():
    net = Network(
        [6, 5, 3], activation=MySigmoid(), output="sigmoid", cost=MyCrossEntropy(), seed=0
    )
    net.fit(X, y, epochs=1, batch_size=10)
    assert all(w.dtype == np.float32 for w in net.weights)
    assert net.forward(X).dtype == np.float32


def test_every_method_takes_own_pieces_and_agrees_with_the_built_ins():
    mine, theirs = pair(activation=MySigmoid(), cost=MyCrossEntropy())
    np.testing.assert_allclose(mine.loss(X, y), theirs.loss(X, y), rtol=1e-12)
    assert mine.score(X, y) == theirs.score(X, y)
    np.testing.assert_allclose(mine.logits(X), theirs.logits(X), rtol=1e-12)
    np.testing.assert_allclose(
        mine.input_gradient(X[:4], y[:4]), theirs.input_gradient(X[:4], y[:4]), atol=1e-14
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # right pieces: no warning
        assert gradcheck(mine, X[:5], y[:5]) < 1e-7
        assert gradcheck(mine, X[:5], y[:5], wrt="input") < 1e-7


def test_copy_keeps_own_pieces():
    net = Network([6, 5, 3], activation=Softplus(), output="sigmoid", cost=CrossEntropyCost, seed=0)
    twin = net.copy()
    assert twin.activation_function.source is net.activation_function.source
    assert twin.cost_function.source is CrossEntropyCost
    np.testing.assert_array_equal(twin.forward(X), net.forward(X))
    assert repr(net).startswith(
        "Network([6, 5, 3], activation=Softplus(), output='sigmoid', cost=CrossEntropyCost,"
    )


# -- gradcheck names the wrong piece ---------------------------------------------------------
def test_gradcheck_names_a_cost_whose_delta_is_not_its_derivative():
    net, _ = pair(cost=StillQuadraticDelta())
    with pytest.warns(UserWarning) as caught:
        error = gradcheck(net, X[:5], y[:5])
    assert error > 0.1  # the parameter check fails as well
    (message,) = [str(w.message) for w in caught]
    assert message.startswith(
        "gradcheck: the cost StillQuadraticDelta's delta(z, a, y) is not the derivative of its "
        "fn(a, y) with respect to z through the output sigmoid: relative error"
    )
    assert "a delta still multiplied by sigma'(z) is the quadratic cost's" in message


def test_gradcheck_names_an_activation_whose_prime_is_not_its_derivative():
    net, _ = pair(activation=SoftplusWrongPrime())
    with pytest.warns(
        UserWarning,
        match=r"the activation SoftplusWrongPrime's prime\(z\) is "
        r"not the derivative of its fn\(z\)",
    ):
        assert gradcheck(net, X[:5], y[:5]) > 1e-3


# -- checked at construction -------------------------------------------------------------------
class NoDelta:
    def fn(self, a, y):
        return a.sum(axis=1)


class SummedOverEverything(MyCrossEntropy):
    """network2's fn as written for one column: np.sum over everything, a single number."""

    def fn(self, a, y):
        return np.sum(-(y * np.log(a) + (1 - y) * np.log(1 - a)))


class TransposedDelta(MyCrossEntropy):
    def delta(self, z, a, y):
        return (a - y).T


class NaNCost(MyCrossEntropy):
    def fn(self, a, y):
        return np.full(len(a), np.nan)


class Exploding(Softplus):
    def fn(self, z):
        return np.exp(1000 * z)


class NeedsArguments:
    def __init__(self, slope):
        self.slope = slope

    def fn(self, z):
        return self.slope * z

    def prime(self, z):
        return np.full_like(z, self.slope)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            dict(cost=NoDelta()),
            TypeError,
            r"cost must be one of 'quadratic', 'cross_entropy', 'log_likelihood' or an object "
            r"with fn\(a, y\) and delta\(z, a, y\) .*; got NoDelta, which lacks delta\(\)",
        ),
        (
            dict(cost=SummedOverEverything()),
            ValueError,
            r"cost SummedOverEverything: fn\(a, y\) must return shape \(4,\); got shape \(\): one "
            r"number for all examples; sum over axis=1 only",
        ),
        (
            dict(cost=TransposedDelta()),
            ValueError,
            r"cost TransposedDelta: delta\(z, a, y\) must return shape \(4, 3\); got shape "
            r"\(3, 4\): transposed",
        ),
        (
            dict(cost=NaNCost()),
            ValueError,
            r"cost NaNCost: fn\(a, y\) must return finite values on a probe with z in \[-2, 2\]; "
            r"got \[nan",
        ),
        (
            dict(cost=3),
            TypeError,
            r"cost must be one of .* or an object with fn\(a, y\) and "
            r"delta\(z, a, y\); got 3",
        ),
        (
            dict(activation=Exploding()),
            ValueError,
            r"activation Exploding: fn\(z\) must return finite values",
        ),
        (
            dict(output=object()),
            TypeError,
            r"output must be one of 'sigmoid', .* or an object "
            r"with fn\(z\) and prime\(z\); got <object",
        ),
        (
            dict(activation=NeedsArguments),
            TypeError,
            r"activation NeedsArguments is a class whose fn and prime are not static methods, and "
            r"calling NeedsArguments\(\) to make one failed .*; pass an instance",
        ),
    ],
)
def test_pieces_are_checked_on_a_probe_naming_the_object(kwargs, error, message):
    with pytest.raises(error, match=message):
        Network([6, 5, 3], output=kwargs.pop("output", "sigmoid"), **kwargs)


def test_a_stub_not_written_is_one_message_and_a_bug_keeps_its_traceback():
    class Stub(MyCrossEntropy):
        def fn(self, a, y):
            raise NotImplementedError("your code here: write cross_entropy_cost")

    class Bug(MyCrossEntropy):
        def fn(self, a, y):
            return a[:, 99]  # the reader's own IndexError: its line must still show

    with pytest.raises(TypeError, match="write cross_entropy_cost") as stub:
        Network([6, 5, 3], output="sigmoid", cost=Stub())
    assert stub.value.__cause__ is None and stub.value.__suppress_context__
    with pytest.raises(TypeError, match="IndexError") as bug:
        Network([6, 5, 3], output="sigmoid", cost=Bug())
    assert isinstance(bug.value.__cause__, IndexError)


def test_an_instance_with_arguments_is_used_as_given():
    net = Network([6, 5, 3], activation=NeedsArguments(1.0), seed=0)
    assert net.activation_function.builtin == "linear"  # slope 1: the identity
    net2 = Network([6, 5, 3], activation=NeedsArguments(0.5), seed=0)
    assert net2.activation_function.builtin is None


# -- what the page runs, and what a file stores ------------------------------------------------
def test_save_stores_the_matched_built_in(tmp_path):
    net, _ = pair(activation=MySigmoid(), cost=CrossEntropyCost)
    net.save(tmp_path / "net.npz")
    loaded = Network.load(tmp_path / "net.npz")
    assert (loaded.activation, loaded.output, loaded.cost) == (
        "sigmoid",
        "sigmoid",
        "cross_entropy",
    )
    np.testing.assert_allclose(loaded.forward(X), net.forward(X), rtol=1e-12)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (
            dict(activation=Softplus()),
            r"cannot save: activation Softplus is your own activation, and a model file stores "
            r"functions by name; Softplus computes none of the built-in ones \(sigmoid, tanh, "
            r"relu, leaky_relu, linear\), so a loaded network could not run it\. Save the "
            r"parameters yourself \(np\.savez",
        ),
        (
            dict(cost=StillQuadraticDelta()),
            r"cannot save: cost StillQuadraticDelta is your own cost, .* computes none of the "
            r"built-in ones \(quadratic, cross_entropy, log_likelihood\)",
        ),
    ],
)
def test_save_refuses_pieces_no_built_in_computes(tmp_path, kwargs, message):
    net, _ = pair(**kwargs)
    with pytest.raises(ValueError, match=message):
        net.save(tmp_path / "net.npz")
    assert not (tmp_path / "net.npz").exists()


def test_widgets_run_a_matched_activation_as_the_built_in():
    net = Network([784, 16, 10], activation=MySigmoid(), seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        diagram = NetworkDiagram(net)
    assert diagram._network["activation"] == "sigmoid"
    assert "unsupported" not in diagram._network
    diagram.close()


def test_widgets_say_they_cannot_run_an_activation_no_built_in_computes():
    net = Network([784, 16, 10], activation=Softplus(), seed=0)
    expected = (
        "this page cannot run your activation Softplus: it runs only the built-in functions "
        "(sigmoid, tanh, relu, leaky_relu, linear, softmax), and yours computes none of them "
        "on a grid of z. Training, predict and score still work in Python."
    )
    with pytest.warns(UserWarning, match=r"^This page cannot run your activation Softplus"):
        diagram = NetworkDiagram(net)
    assert diagram._network["unsupported"] == expected  # the page shows it (decodeNetwork)
    # Python still runs the network itself, the reader's function included.
    x = X[0].repeat(131)[:784]
    diagram.show(x)
    np.testing.assert_allclose(diagram.probabilities, net.forward(x)[0], rtol=1e-5)
    with pytest.warns(UserWarning, match="cannot run your activation Softplus"):
        canvas = DigitCanvas(net)
    assert canvas._network["unsupported"] == expected
    for widget in (diagram, canvas):
        widget.close()


# -- the book's own network, with its cost --------------------------------------------------------
def test_as_network_takes_the_book_networks_cost():
    class Book:  # network2's layout: (n_out, n_in) weights, column biases, its cost
        sizes = [6, 4, 3]

        def __init__(self):
            rng = np.random.default_rng(0)
            self.weights = [rng.standard_normal((4, 6)), rng.standard_normal((3, 4))]
            self.biases = [rng.standard_normal((4, 1)), rng.standard_normal((3, 1))]

    book = Book()
    wrapped = as_network(book, cost=CrossEntropyCost)
    assert wrapped is as_network(book) and wrapped.cost == "CrossEntropyCost"
    a = wrapped.forward(X)
    Y = wrapped.targets(y)
    expected = CrossEntropyCost.fn(a, Y).mean()  # the loss is the book's cost now
    assert wrapped.loss(X, y) == pytest.approx(expected, rel=1e-12)
    with pytest.raises(TypeError, match=r"cost must be one of .*; got NoDelta, which lacks"):
        as_network(book, cost=NoDelta())
    with pytest.raises(ValueError, match=r"cost is for a book-style network"):
        as_network(Network([6, 3]), cost=CrossEntropyCost)


class MyReLU:
    def fn(self, z):
        return np.maximum(z, 0)

    def prime(self, z):
        return (z > 0).astype(float)


def test_a_matched_relu_gets_the_initialisation_of_relu():
    # init="scaled" draws N(0, 2/n_in) for ReLU layers (He) and N(0, 1/n_in) otherwise: the
    # reader's ReLU is matched, so the same seed draws the same weights as activation="relu".
    mine = Network([6, 5, 3], activation=MyReLU(), seed=4)
    theirs = Network([6, 5, 3], activation="relu", seed=4)
    np.testing.assert_array_equal(mine.weights[0], theirs.weights[0])
    # A yes/no network with the reader's sigmoid output is still a classifier.
    single = Network([6, 4, 1], output=MySigmoid(), cost="cross_entropy", seed=0)
    assert single.has_accuracy and single.predict(X).dtype.kind == "i"


def test_the_packages_own_function_objects_are_the_built_ins():
    from nnwidgets import functions

    net = Network(
        [6, 5, 3],
        activation=functions.Sigmoid,
        output=functions.Softmax(),
        cost=functions.LogLikelihood,
        seed=0,
    )
    assert (net.activation, net.output, net.cost) == ("sigmoid", "softmax", "log_likelihood")
    assert not (net.activation_function.custom or net.cost_function.custom)  # the fast paths
