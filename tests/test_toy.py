"""The toy data sets (TensorFlow Playground's generators): shapes, seeds, class balance, the
geometry each one promises, the split, the features, and clear errors for bad arguments."""

import numpy as np
import pytest

from nnwidgets.datasets import toy

GENERATORS = [toy.circle, toy.xor, toy.gauss, toy.spiral]


@pytest.mark.parametrize("make", GENERATORS)
@pytest.mark.parametrize("n", [500, 7])
def test_shapes_and_split(make, n):
    """n = 7 is odd, so a generator that makes 2 * (n // 2) points loses one."""
    d = make(n, noise=0.1, seed=3)
    (X, y), (Xt, yt) = d.train, d.test
    assert X.shape == (n // 2, 2) and Xt.shape == (n - n // 2, 2)  # the Playground's half
    assert y.shape == (n // 2,) and yt.shape == (n - n // 2,)
    assert X.dtype == np.float64 and y.dtype.kind == "i"
    assert set(np.unique(d.y)) <= {0, 1}
    assert np.isfinite(d.X).all()
    assert d.name == make.__name__ and d.noise == 0.1


@pytest.mark.parametrize("make", GENERATORS)
def test_same_seed_same_points_other_seed_other_points(make):
    a, b = make(200, noise=0.2, seed=5), make(200, noise=0.2, seed=5)
    c = make(200, noise=0.2, seed=6)
    np.testing.assert_array_equal(a.X, b.X)
    np.testing.assert_array_equal(a.y, b.y)
    assert not np.allclose(a.X, c.X)


@pytest.mark.parametrize("make", [toy.spiral, toy.gauss])
def test_spiral_and_gauss_are_exactly_balanced(make):
    d = make(501, noise=0.3, seed=0)
    assert d.y.sum() == 250  # n // 2 of class 1, the rest class 0
    # the shuffle mixes the classes into both halves
    assert 0.35 < d.train[1].mean() < 0.65 and 0.35 < d.test[1].mean() < 0.65


@pytest.mark.parametrize("make", [toy.circle, toy.xor])
def test_circle_and_xor_are_about_balanced(make):
    assert 0.4 < make(2000, noise=0.1, seed=0).y.mean() < 0.6


def test_circle_without_noise_is_a_disc_and_a_ring():
    d = toy.circle(1000, seed=0)
    r = np.hypot(*d.X.T)
    assert (r[d.y == 1] <= 2.5).all()
    assert ((r[d.y == 0] >= 3.5) & (r[d.y == 0] <= 5)).all()
    assert d.y.sum() == 500


def test_circle_noise_labels_some_points_across_the_gap():
    # labels come from positions jittered by up to 5 * noise: at 0.5 some inner points are 0
    d = toy.circle(1000, noise=0.5, seed=0)
    r = np.hypot(*d.X.T)
    assert ((r <= 2.5) & (d.y == 0)).any()


def test_xor_labels_by_sign_and_keeps_the_gap():
    d = toy.xor(1000, seed=0)
    np.testing.assert_array_equal(d.y, (d.X[:, 0] * d.X[:, 1] >= 0).astype(int))
    assert (np.abs(d.X) >= 0.3).all() and (np.abs(d.X) <= 5.3).all()


def test_gauss_centres_and_spread():
    d = toy.gauss(4000, noise=0.0, seed=0)
    np.testing.assert_allclose(d.X[d.y == 1].mean(axis=0), [2, 2], atol=0.06)
    np.testing.assert_allclose(d.X[d.y == 0].mean(axis=0), [-2, -2], atol=0.06)
    # the Playground's variance: 0.5 at noise 0, 4 at noise 0.5
    assert d.X[d.y == 1].var(axis=0) == pytest.approx([0.5, 0.5], rel=0.1)
    assert toy.gauss(4000, noise=0.5, seed=0).X[:2000].var() == pytest.approx(4 + 4, rel=0.15)


def test_spiral_without_noise_follows_its_arms():
    d = toy.spiral(400, seed=0)
    X, y = d.X, d.y
    r = np.hypot(*X.T)
    assert r.max() < 5 and r.min() == 0
    # each arm: angle (from the x2 axis, as sin/cos put it) = 1.75 turns * r/5 (+ pi for class 0)
    t = np.arctan2(X[:, 0], X[:, 1])
    want = 1.75 * 2 * np.pi * r / 5 + np.where(y == 1, 0, np.pi)
    gap = np.angle(np.exp(1j * (t - want)))
    assert np.abs(gap[r > 0.01]).max() < 1e-9


def test_train_fraction():
    d = toy.circle(100, seed=0, train_fraction=0.8)
    assert len(d.train[1]) == 80 and len(d.test[1]) == 20


def test_featurize_the_playground_features():
    X = np.array([[1.0, 2.0], [-0.5, 3.0]])
    F = toy.featurize(X, ["x1", "x2", "x1^2", "x2^2", "x1*x2", "sin(x1)", "sin(x2)"])
    np.testing.assert_allclose(F[1], [-0.5, 3, 0.25, 9, -1.5, np.sin(-0.5), np.sin(3)])
    np.testing.assert_array_equal(toy.featurize(X), X)  # default: x1, x2


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"n": 0}, "n must be from 2 "),
        ({"n": 1}, "n must be from 2 "),
        ({"n": -5}, "n must be from 2 "),
        # a typo's extra zeros: refused at once, not after minutes and gigabytes
        ({"n": 10**8}, r"n must be from 2 \(one training and one test point\) to 1,000,000"),
        ({"noise": -0.1}, "noise must be a finite number >= 0"),
        ({"noise": float("nan")}, "noise must be a finite number >= 0"),
        ({"seed": -1}, "seed must be"),
        ({"train_fraction": 1.0}, "train_fraction must be"),
        ({"train_fraction": True}, "train_fraction must be"),
        ({"n": 2, "train_fraction": 0.2}, "leaves the training or the test set empty"),
    ],
)
@pytest.mark.parametrize("make", GENERATORS)
def test_bad_arguments_are_clear_value_errors(make, kwargs, match):
    with pytest.raises(ValueError, match=match):
        make(**kwargs)


@pytest.mark.parametrize("make", GENERATORS)
def test_numpy_numbers_are_taken_as_python_numbers(make):
    # What a learner computes with NumPy (np.float32(0.5), np.int64(200)) is a number too.
    data = make(np.int64(200), noise=np.float32(0.1), train_fraction=np.float32(0.5))
    expected = make(200, noise=0.1, train_fraction=0.5)
    assert len(data.train[0]) == len(expected.train[0]) == 100


@pytest.mark.parametrize("make", GENERATORS)
def test_n_must_be_an_int(make):
    with pytest.raises(TypeError, match="n must be an int"):
        make(10.5)


@pytest.mark.parametrize(
    "features, match",
    [
        (["x1", "x3"], "got 'x3'"),
        ([], "must name at least one"),
        (["x1", "x1"], "must not repeat"),
        ([["x1"]], r"got \['x1'\]"),  # a list inside the list: named, not "unhashable"
    ],
)
def test_bad_features(features, match):
    with pytest.raises(ValueError, match=match):
        toy.featurize(np.zeros((3, 2)), features)


def test_features_as_one_string_is_a_type_error():
    with pytest.raises(TypeError, match="got the string 'x1'"):
        toy.featurize(np.zeros((3, 2)), "x1")


def test_featurize_wants_points_in_the_plane():
    with pytest.raises(ValueError, match=r"shape \(n, 2\); got shape \(3, 3\)"):
        toy.featurize(np.zeros((3, 3)))
    with pytest.raises(TypeError, match=r"an array of shape \(n, 2\); got str"):
        toy.featurize("ab")
    with pytest.raises(TypeError, match="features must be a list of names .*; got NoneType"):
        toy.featurize(np.zeros((3, 2)), None)


def test_a_network_learns_the_circle():
    """The data are what the Playground's are: a small tanh network separates the circle."""
    from nnwidgets import Network

    d = toy.circle(400, noise=0.05, seed=0)
    net = Network([2, 8, 1], activation="tanh", output="sigmoid", cost="cross_entropy", seed=0)
    net.fit(*d.train, epochs=100, batch_size=10, learning_rate=0.1)
    assert net.score(*d.test) > 0.9
