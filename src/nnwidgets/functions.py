"""Activation functions and cost functions, each next to its derivative.

Every activation is one small object with its value ``fn(z)`` and the vector-Jacobian product
``backward(z, a, grad_a)`` that backpropagation needs. For the element-wise ones that is just
``grad_a * f'(z)``; softmax couples its outputs, so it has its own. Costs give their value per
example and their gradient with respect to the output activations, ``grad(a, y)``.

``fn`` and ``backward`` take an optional ``out`` array, as NumPy's functions do, so that
training writes each mini-batch's values into arrays it keeps instead of new ones (``out`` may
be ``grad_a`` itself); without it they return new arrays.

Arrays are row-major: one example per row, so ``z`` and ``a`` have shape (n_examples, n_units).
"""

from __future__ import annotations

import numpy as np

__all__ = ["ACTIVATIONS", "COSTS", "Activation", "Cost", "get_activation", "get_cost"]

# Clip so that log() and 1/a stay finite; well below float32's resolution near 0 and 1.
_EPS = 1e-7


class Activation:
    """An activation function ``a = f(z)`` and its derivative."""

    name = ""
    elementwise = True

    def fn(self, z, out=None):
        raise NotImplementedError

    def prime(self, z, a):
        """f'(z); ``a = f(z)`` is passed too, since several derivatives are cheapest from it."""
        raise NotImplementedError

    def backward(self, z, a, grad_a, out=None):
        """The gradient with respect to ``z``, given the gradient ``grad_a`` w.r.t. ``a``."""
        return np.multiply(grad_a, self.prime(z, a), out=out)

    def __repr__(self):
        return f"<activation {self.name}>"


class Sigmoid(Activation):
    r""":math:`\sigma(z) = 1 / (1 + e^{-z})`, :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`."""

    name = "sigmoid"

    def fn(self, z, out=None):
        # 0.5 * (1 + tanh(z/2)) is the same function without overflow in exp(-z) for large -z.
        a = np.multiply(z, 0.5, out=out)
        np.tanh(a, out=a)
        a += 1.0
        a *= 0.5
        return a

    def prime(self, z, a):
        return a * (1.0 - a)


class Tanh(Activation):
    r""":math:`\tanh(z)`, :math:`\tanh'(z) = 1 - \tanh^2(z)`."""

    name = "tanh"

    def fn(self, z, out=None):
        return np.tanh(z, out=out)

    def prime(self, z, a):
        return 1.0 - a * a


class ReLU(Activation):
    r""":math:`\max(0, z)`, derivative 1 where :math:`z > 0`, else 0."""

    name = "relu"

    def fn(self, z, out=None):
        return np.maximum(z, 0.0, out=out)

    def prime(self, z, a):
        return (z > 0).astype(z.dtype)

    def backward(self, z, a, grad_a, out=None):
        return np.multiply(grad_a, z > 0, out=out)  # a boolean mask: no float 0/1 array first


class LeakyReLU(Activation):
    r""":math:`z` for :math:`z > 0`, else :math:`0.01 z`; it never quite stops learning."""

    name = "leaky_relu"
    slope = 0.01

    def fn(self, z, out=None):
        if out is None:
            return np.where(z > 0, z, self.slope * z)
        positive = z > 0  # before out is written, which may be z itself
        np.multiply(z, self.slope, out=out, where=~positive)  # NaN is not > 0: it stays NaN
        np.copyto(out, z, where=positive)
        return out

    def prime(self, z, a):
        return np.where(z > 0, 1.0, self.slope).astype(z.dtype)


class Linear(Activation):
    r""":math:`f(z) = z`: no squashing, for regression-style outputs."""

    name = "linear"

    def fn(self, z, out=None):
        if out is None or out is z:
            return z
        np.copyto(out, z)
        return out

    def prime(self, z, a):
        return np.ones_like(z)

    def backward(self, z, a, grad_a, out=None):
        if out is None or out is grad_a:
            return grad_a
        np.copyto(out, grad_a)
        return out


class Softmax(Activation):
    r""":math:`a_j = e^{z_j} / \sum_k e^{z_k}`; only as the output layer.

    Its Jacobian is :math:`\partial a_j/\partial z_k = a_j(\delta_{jk} - a_k)`, so the backward
    pass is :math:`a \odot (g - \sum_k g_k a_k)` for an incoming gradient ``g``.
    """

    name = "softmax"
    elementwise = False

    def fn(self, z, out=None):
        # The ufuncs' own reductions: z.max() and e.sum() go through Python wrappers first,
        # which at 10 rows cost as much as the arithmetic.
        e = np.subtract(z, np.maximum.reduce(z, axis=-1, keepdims=True), out=out)  # no overflow
        np.exp(e, out=e)
        e /= np.add.reduce(e, axis=-1, keepdims=True)
        return e

    def prime(self, z, a):
        raise TypeError("softmax has no element-wise derivative; use backward()")

    def backward(self, z, a, grad_a, out=None):
        return np.multiply(a, grad_a - (grad_a * a).sum(axis=-1, keepdims=True), out=out)


class Cost:
    """A cost ``C(a, y)`` per example, and its gradient with respect to the output ``a``."""

    name = ""

    def fn(self, a, y):
        """Cost of each example: shape (n,)."""
        raise NotImplementedError

    def grad(self, a, y):
        r""":math:`\nabla_a C` for each example: shape (n, n_out)."""
        raise NotImplementedError

    def mean(self, a, y):
        """The mean cost over the examples, a float: ``fn(a, y).mean()``, which training
        computes after every mini-batch (the costs below do it in fewer, larger steps)."""
        return float(self.fn(a, y).mean())

    def __repr__(self):
        return f"<cost {self.name}>"


class Quadratic(Cost):
    r""":math:`C = \frac12 \|a - y\|^2`, the book's first cost."""

    name = "quadratic"

    def fn(self, a, y):
        return 0.5 * ((a - y) ** 2).sum(axis=-1)

    def grad(self, a, y):
        return a - y

    def mean(self, a, y):
        d = np.subtract(a, y).ravel()
        return 0.5 * float(np.dot(d, d)) / len(a)


class CrossEntropy(Cost):
    r""":math:`C = -\sum_j [y_j \ln a_j + (1 - y_j) \ln(1 - a_j)]`, for outputs in (0, 1).

    With a softmax output the outputs already sum to one, so :func:`get_cost` swaps in the
    categorical form :math:`-\sum_j y_j \ln a_j` (the usual meaning of "cross-entropy" there).
    """

    name = "cross_entropy"

    def fn(self, a, y):
        a = np.clip(a, _EPS, 1.0 - _EPS)
        return -(y * np.log(a) + (1.0 - y) * np.log(1.0 - a)).sum(axis=-1)

    def grad(self, a, y):
        a = np.clip(a, _EPS, 1.0 - _EPS)
        return (a - y) / (a * (1.0 - a))

    def mean(self, a, y):
        # -[y ln a + (1 - y) ln(1 - a)] summed = -[y . (ln a - ln(1 - a)) + sum ln(1 - a)]
        a = np.minimum(np.maximum(a, _EPS), 1.0 - _EPS)  # np.clip, minus its Python wrapper
        log_1ma = np.log(np.subtract(1.0, a, out=np.empty_like(a)))
        log_ratio = np.subtract(np.log(a, out=a), log_1ma, out=a)
        total = np.vdot(y, log_ratio) + np.add.reduce(log_1ma, axis=None)
        return -float(total) / len(a)


class LogLikelihood(Cost):
    r""":math:`C = -\ln a_y`, the log-likelihood of the correct class (pairs with softmax)."""

    name = "log_likelihood"

    def fn(self, a, y):
        return -(y * np.log(np.clip(a, _EPS, 1.0))).sum(axis=-1)

    def grad(self, a, y):
        return -y / np.clip(a, _EPS, 1.0)

    def mean(self, a, y):
        log_a = np.log(np.minimum(np.maximum(a, _EPS), 1.0))
        return -float(np.vdot(y, log_a)) / len(a)


class CategoricalCrossEntropy(LogLikelihood):
    """Cross-entropy for a softmax output: with one-hot targets, the same as log-likelihood."""

    name = "cross_entropy"


ACTIVATIONS = {cls.name: cls for cls in (Sigmoid, Tanh, ReLU, LeakyReLU, Linear, Softmax)}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
COSTS = {cls.name: cls for cls in (Quadratic, CrossEntropy, LogLikelihood)}

# (output, cost) pairs whose output-layer error simplifies to delta = a - y: the derivative of
# the cost cancels the derivative of the output activation exactly (book, chapter 3), which is
# both faster and more accurate than multiplying the two.
CANCELLING_PAIRS = {
    ("sigmoid", "cross_entropy"),
    ("softmax", "cross_entropy"),
    ("softmax", "log_likelihood"),
}


def get_activation(name, *, where="activation", allowed=None):
    """Return the activation called ``name``; a clear ValueError for anything else."""
    allowed = tuple(allowed or ACTIVATIONS)
    if not isinstance(name, str) or name not in allowed:
        raise ValueError(f"{where} must be one of {', '.join(map(repr, allowed))}; got {name!r}")
    return ACTIVATIONS[name]()


def get_cost(name, output="softmax"):
    """Return the cost called ``name`` for the given output activation."""
    if not isinstance(name, str) or name not in COSTS:
        raise ValueError(f"cost must be one of {', '.join(map(repr, COSTS))}; got {name!r}")
    if name == "cross_entropy" and output == "softmax":
        return CategoricalCrossEntropy()
    return COSTS[name]()
