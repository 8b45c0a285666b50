"""Two-class problems in the plane: TensorFlow Playground's four classification data sets.

>>> from nnwidgets.datasets import toy
>>> data = toy.spiral(n=500, noise=0.1, seed=0)
>>> X, y = data.train            # X (250, 2) float64, y (250,) int labels 0 and 1
>>> X_test, y_test = data.test

The generators follow the Playground's ``src/dataset.ts`` (Apache 2.0), rewritten in NumPy with
one seeded generator per call; the Playground's labels -1 and +1 become 0 and 1, the labels a
network with one sigmoid output (or two softmax outputs) trains on. Every point lies in about
[-6, 6] x [-6, 6], the Playground's square.

- ``circle``: class 1 inside radius 2.5, class 0 in the ring 3.5..5; with noise, a point's label
  is that of its position jittered by up to ``5 * noise`` in each coordinate, so some points
  near the gap are labelled across it.
- ``xor``: uniform in [-5, 5]^2 pushed 0.3 away from each axis; class 1 where x1 x2 >= 0 (of
  the jittered position, as for circle).
- ``gauss``: two Gaussian blobs centred at (2, 2) (class 1) and (-2, -2) (class 0), each
  coordinate's variance ``0.5 + 7 * noise`` (the Playground's 0.5 at noise 0, 4 at 0.5).
- ``spiral``: two interleaved arms of 1.75 turns out to radius 5, each point moved by up to
  ``noise`` in each coordinate.

``noise`` is the Playground's slider divided by 100: 0 to 0.5 there (any value >= 0 here).

The split is the Playground's default: the points are shuffled by the same generator and the
first ``train_fraction`` of them (half, rounded down) are for training, the rest for testing.
Spiral and gauss make exactly ``n // 2`` points of class 1 and the rest of class 0; circle and
xor have about as many of each (their labels come from jittered positions).

:func:`featurize` computes the Playground's input features (x1, x2, x1^2, x2^2, x1 x2, sin x1,
sin x2), the ones :class:`~nnwidgets.DecisionMap` offers, so a network trains on exactly what
the map feeds it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._checks import check_seed

__all__ = ["FEATURES", "ToyData", "circle", "featurize", "gauss", "spiral", "xor"]

#: The input features the Playground offers, in its order, by the names DecisionMap takes.
FEATURES = {
    "x1": lambda x1, x2: x1,
    "x2": lambda x1, x2: x2,
    "x1^2": lambda x1, x2: x1 * x1,
    "x2^2": lambda x1, x2: x2 * x2,
    "x1*x2": lambda x1, x2: x1 * x2,
    "sin(x1)": lambda x1, x2: np.sin(x1),
    "sin(x2)": lambda x1, x2: np.sin(x2),
}


@dataclass(frozen=True)
class ToyData:
    """Points in the plane with class labels, split into training and test points.

    Attributes
    ----------
    name : str
        The generator: "circle", "xor", "gauss" or "spiral".
    train, test : tuple of (ndarray, ndarray)
        ``(X, y)`` pairs: X (m, 2) float64, y (m,) int labels 0 and 1.
    noise : float
        The noise the points were made with.
    """

    name: str
    train: tuple
    test: tuple
    noise: float

    @property
    def X(self) -> np.ndarray:
        """All points, training first: (n, 2)."""
        return np.concatenate([self.train[0], self.test[0]])

    @property
    def y(self) -> np.ndarray:
        """All labels, training first: (n,)."""
        return np.concatenate([self.train[1], self.test[1]])

    def __repr__(self) -> str:
        return (
            f"ToyData({self.name!r}, noise={self.noise:g}: {len(self.train[1])} training "
            f"and {len(self.test[1])} test points)"
        )


def featurize(X, features=("x1", "x2")) -> np.ndarray:
    """The columns ``features`` (names from :data:`FEATURES`) of points ``X`` (n, 2): (n, k)."""
    try:
        X = np.asarray(X, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"X must be points in the plane, an array of shape (n, 2); got {type(X).__name__}"
        ) from None
    if X.ndim != 2 or X.shape[1] != 2:
        raise ValueError(f"X must be points in the plane, shape (n, 2); got shape {X.shape}")
    names = check_features(features)
    x1, x2 = X[:, 0], X[:, 1]
    return np.stack([FEATURES[f](x1, x2) for f in names], axis=1)


def check_features(features) -> tuple[str, ...]:
    """``features`` as a tuple of known, distinct names; ValueError naming what is wrong
    (TypeError for one string, which would otherwise read as a list of letters)."""
    if isinstance(features, str):
        raise TypeError(
            f"features must be a list of names such as ['x1', 'x2']; got the string {features!r}"
        )
    try:
        names = tuple(features)
    except TypeError:
        raise TypeError(
            f"features must be a list of names such as ['x1', 'x2']; got {type(features).__name__}"
        ) from None
    unknown = [f for f in names if not isinstance(f, str) or f not in FEATURES]
    if unknown:
        raise ValueError(f"features must be names from {list(FEATURES)}; got {unknown[0]!r}")
    if not names:
        raise ValueError(f"features must name at least one of {list(FEATURES)}; got none")
    if len(set(names)) != len(names):
        raise ValueError(f"features must not repeat a name; got {list(names)}")
    return names


#: The most points a toy set may have: the Playground's sets hold hundreds, and a DecisionMap
#: sends and draws every one.
MAX_POINTS = 1_000_000


def _check(n, noise, train_fraction):
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an int (the number of points); got {type(n).__name__}")
    if not 2 <= n <= MAX_POINTS:
        raise ValueError(
            f"n must be from 2 (one training and one test point) to {MAX_POINTS:,} "
            f"(a map draws them all); got {n}"
        )
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating, np.integer)):
        raise TypeError(f"noise must be a number >= 0; got {type(noise).__name__}")
    if not np.isfinite(noise) or noise < 0:
        raise ValueError(
            f"noise must be a finite number >= 0 (the Playground's 0 to 0.5); got {noise}"
        )
    if (
        isinstance(train_fraction, bool)
        or not isinstance(train_fraction, (int, float, np.floating))
        or not 0 < train_fraction < 1
    ):
        raise ValueError(
            f"train_fraction must be a number strictly between 0 and 1; got {train_fraction!r}"
        )
    if not 1 <= int(n * train_fraction) <= n - 1:
        raise ValueError(
            f"train_fraction={train_fraction} of n={n} points leaves the training "
            f"or the test set empty"
        )


def _split(name, X, y, noise, rng, train_fraction):
    order = rng.permutation(len(y))
    X, y = X[order], y[order].astype(np.intp)
    m = int(len(y) * train_fraction)
    return ToyData(name, (X[:m], y[:m]), (X[m:], y[m:]), float(noise))


def _disc(rng, count, r_min, r_max, noise, radius):
    """``count`` points at uniform radius and angle, labelled by their jittered position."""
    r = rng.uniform(r_min, r_max, count)
    angle = rng.uniform(0, 2 * np.pi, count)
    X = np.stack([r * np.sin(angle), r * np.cos(angle)], axis=1)
    jitter = rng.uniform(-radius, radius, (count, 2)) * noise
    label = np.hypot(*(X + jitter).T) < radius * 0.5
    return X, label


def circle(n=500, *, noise=0.0, seed=0, train_fraction=0.5) -> ToyData:
    """Class 1 inside a disc of radius 2.5, class 0 in a ring from 3.5 to 5."""
    _check(n, noise, train_fraction)
    rng = np.random.default_rng(check_seed(seed))
    inner = _disc(rng, n // 2, 0, 2.5, noise, 5)
    outer = _disc(rng, n - n // 2, 3.5, 5, noise, 5)
    X = np.concatenate([inner[0], outer[0]])
    y = np.concatenate([inner[1], outer[1]])
    return _split("circle", X, y, noise, rng, train_fraction)


def xor(n=500, *, noise=0.0, seed=0, train_fraction=0.5) -> ToyData:
    """Four squares: class 1 where x1 and x2 have the same sign, class 0 where they differ."""
    _check(n, noise, train_fraction)
    rng = np.random.default_rng(check_seed(seed))
    X = rng.uniform(-5, 5, (n, 2))
    X += np.where(X > 0, 0.3, -0.3)  # a gap of 0.6 along each axis
    jittered = X + rng.uniform(-5, 5, (n, 2)) * noise
    y = jittered[:, 0] * jittered[:, 1] >= 0
    return _split("xor", X, y, noise, rng, train_fraction)


def gauss(n=500, *, noise=0.0, seed=0, train_fraction=0.5) -> ToyData:
    """Two Gaussian blobs: class 1 around (2, 2), class 0 around (-2, -2)."""
    _check(n, noise, train_fraction)
    rng = np.random.default_rng(check_seed(seed))
    std = np.sqrt(0.5 + 7.0 * noise)  # the Playground's variance: 0.5 at noise 0, 4 at 0.5
    ones = rng.normal(2.0, std, (n // 2, 2))
    zeros = rng.normal(-2.0, std, (n - n // 2, 2))
    y = np.r_[np.ones(n // 2), np.zeros(n - n // 2)]
    return _split("gauss", np.concatenate([ones, zeros]), y, noise, rng, train_fraction)


def spiral(n=500, *, noise=0.0, seed=0, train_fraction=0.5) -> ToyData:
    """Two spiral arms, 1.75 turns each out to radius 5, half a turn apart."""
    _check(n, noise, train_fraction)
    rng = np.random.default_rng(check_seed(seed))

    def arm(count, phase):
        # the Playground's i / n, with n the arm's length, also for an odd total
        s = np.arange(count) / count
        r, t = 5 * s, 1.75 * 2 * np.pi * s + phase
        X = np.stack([r * np.sin(t), r * np.cos(t)], axis=1)
        return X + rng.uniform(-1, 1, (count, 2)) * noise

    X = np.concatenate([arm(n // 2, 0.0), arm(n - n // 2, np.pi)])
    y = np.r_[np.ones(n // 2), np.zeros(n - n // 2)]
    return _split("spiral", X, y, noise, rng, train_fraction)
