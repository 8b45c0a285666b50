"""A validation set held out of the training examples, as the book's ``mnist.pkl.gz`` has it.

NNDL's data loader splits MNIST's 60,000 training images into 50,000 for training and the
last 10,000 for validation, and keeps the 10,000 test images apart: hyper-parameters are
chosen on the validation set, so the test set stays an honest final measurement.
"""

from __future__ import annotations

import numbers

__all__ = ["hold_out"]


def hold_out(data, n):
    """Split the training examples of ``data`` into ``(train, validation)``, two (X, y) pairs.

    The validation set is the *last* ``n`` training examples and the rest trains, so
    ``hold_out(load_mnist(), 10_000)`` is the book's split (50,000 + 10,000, with the 10,000
    test digits still in ``data.X_test``) and ``hold_out(load_bundled(), 2_000)`` gives
    8,000 + 2,000. ``data`` is a :class:`~nnwidgets.datasets.Dataset` (only its training
    arrays are split) or an ``(X, y)`` pair. The arrays returned are views of the originals,
    not copies.

    ::

        (X_train, y_train), (X_val, y_val) = hold_out(load_mnist(), 10_000)
    """
    X, y = _training_pair(data)
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or not 0 < n < len(X):
        raise ValueError(
            f"n must be an integer from 1 to {len(X) - 1}: the validation "
            f"examples come out of the {len(X)} training examples and at least "
            f"one must be left to train on; got {n!r}"
        )
    n = int(n)
    return (X[:-n], y[:-n]), (X[-n:], y[-n:])


def _training_pair(data):
    """``(X_train, y_train)`` of a Dataset (or any 4-tuple in its order) or an (X, y) pair."""
    try:
        parts = tuple(data)
    except TypeError:
        parts = ()
    if len(parts) not in (2, 4):
        raise TypeError(
            f"data must be a Dataset (as load_mnist() returns it) or an (X, y) "
            f"pair; got {_describe(data)}"
        )
    X, y = parts[:2]
    if not (hasattr(X, "shape") and hasattr(y, "shape")):
        raise TypeError(
            f"data's training images and labels must be arrays; got "
            f"{type(X).__name__} and {type(y).__name__}"
        )
    if len(X) != len(y):
        raise ValueError(
            f"data's training images and labels must be as many; got {len(X)} "
            f"images and {len(y)} labels"
        )
    return X, y


def _describe(data):
    try:
        return f"{type(data).__name__} of length {len(data)}"
    except TypeError:
        return type(data).__name__
