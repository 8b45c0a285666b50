"""Activation functions and cost functions, each next to its derivative.

Every activation is one small object with its value ``fn(z)`` and the vector-Jacobian product
``backward(z, a, grad_a)`` that backpropagation needs. For the element-wise ones that is just
``grad_a * f'(z)``; softmax couples its outputs, so it has its own. Costs give their value per
example and their gradient with respect to the output activations, ``grad(a, y)``.

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

    def fn(self, z):
        raise NotImplementedError

    def prime(self, z, a):
        """f'(z); ``a = f(z)`` is passed too, since several derivatives are cheapest from it."""
        raise NotImplementedError

    def backward(self, z, a, grad_a):
        """The gradient with respect to ``z`` given the gradient ``grad_a`` with respect to ``a``."""
        return grad_a * self.prime(z, a)

    def __repr__(self):
        return f"<activation {self.name}>"


class Sigmoid(Activation):
    r""":math:`\sigma(z) = 1 / (1 + e^{-z})`, :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`."""

    name = "sigmoid"

    def fn(self, z):
        # 0.5 * (1 + tanh(z/2)) is the same function without overflow in exp(-z) for large -z.
        return 0.5 * (1.0 + np.tanh(0.5 * z))

    def prime(self, z, a):
        return a * (1.0 - a)


class Tanh(Activation):
    r""":math:`\tanh(z)`, :math:`\tanh'(z) = 1 - \tanh^2(z)`."""

    name = "tanh"

    def fn(self, z):
        return np.tanh(z)

    def prime(self, z, a):
        return 1.0 - a * a


class ReLU(Activation):
    r""":math:`\max(0, z)`, derivative 1 where :math:`z > 0`, else 0."""

    name = "relu"

    def fn(self, z):
        return np.maximum(z, 0.0)

    def prime(self, z, a):
        return (z > 0).astype(z.dtype)

    def backward(self, z, a, grad_a):
        return grad_a * (z > 0)  # a boolean mask: no float 0/1 array to build first


class LeakyReLU(Activation):
    r""":math:`z` for :math:`z > 0`, else :math:`0.01 z`; it never quite stops learning."""

    name = "leaky_relu"
    slope = 0.01

    def fn(self, z):
        return np.where(z > 0, z, self.slope * z)

    def prime(self, z, a):
        return np.where(z > 0, 1.0, self.slope).astype(z.dtype)


class Linear(Activation):
    r""":math:`f(z) = z`: no squashing, for regression-style outputs."""

    name = "linear"

    def fn(self, z):
        return z

    def prime(self, z, a):
        return np.ones_like(z)

    def backward(self, z, a, grad_a):
        return grad_a


class Softmax(Activation):
    r""":math:`a_j = e^{z_j} / \sum_k e^{z_k}`; only as the output layer.

    Its Jacobian is :math:`\partial a_j/\partial z_k = a_j(\delta_{jk} - a_k)`, so the backward
    pass is :math:`a \odot (g - \sum_k g_k a_k)` for an incoming gradient ``g``.
    """

    name = "softmax"
    elementwise = False

    def fn(self, z):
        shifted = z - z.max(axis=-1, keepdims=True)  # same result, no overflow
        e = np.exp(shifted)
        return e / e.sum(axis=-1, keepdims=True)

    def prime(self, z, a):
        raise TypeError("softmax has no element-wise derivative; use backward()")

    def backward(self, z, a, grad_a):
        return a * (grad_a - (grad_a * a).sum(axis=-1, keepdims=True))


class Cost:
    """A cost ``C(a, y)`` per example, and its gradient with respect to the output ``a``."""

    name = ""

    def fn(self, a, y):
        """Cost of each example: shape (n,)."""
        raise NotImplementedError

    def grad(self, a, y):
        r""":math:`\nabla_a C` for each example: shape (n, n_out)."""
        raise NotImplementedError

    def __repr__(self):
        return f"<cost {self.name}>"


class Quadratic(Cost):
    r""":math:`C = \frac12 \|a - y\|^2`, the book's first cost."""

    name = "quadratic"

    def fn(self, a, y):
        return 0.5 * ((a - y) ** 2).sum(axis=-1)

    def grad(self, a, y):
        return a - y


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


class LogLikelihood(Cost):
    r""":math:`C = -\ln a_y`, the log-likelihood of the correct class (pairs with softmax)."""

    name = "log_likelihood"

    def fn(self, a, y):
        return -(y * np.log(np.clip(a, _EPS, 1.0))).sum(axis=-1)

    def grad(self, a, y):
        return -y / np.clip(a, _EPS, 1.0)


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
