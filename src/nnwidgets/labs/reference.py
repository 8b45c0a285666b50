r"""The book's Section 1 code, one example at a time: what the lab checks compare against.

Column vectors throughout, as in the book: an input ``x`` has shape (n_in, 1), ``weights[l]``
shape (n_out, n_in) and ``biases[l]`` shape (n_out, 1). The cost is the quadratic cost of one
example, :math:`C_x = \tfrac12 \lVert a^L - y \rVert^2`.

Lab 3 uses :func:`backprop` as given, before lab 4 derives it. Try the labs before reading on.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "sigmoid",
    "sigmoid_prime",
    "feedforward",
    "backprop",
    "update_mini_batch",
    "quadratic_cost",
    "feedforward_batch",
]


def sigmoid(z):
    r""":math:`\sigma(z) = 1 / (1 + e^{-z})`, element-wise."""
    # 0.5 (1 + tanh(z/2)) is the same function, without overflow in exp(-z) for large -z.
    return 0.5 * (1.0 + np.tanh(0.5 * np.asarray(z, dtype=float)))


def sigmoid_prime(z):
    r""":math:`\sigma'(z) = \sigma(z)\,(1 - \sigma(z))`."""
    s = sigmoid(z)
    return s * (1.0 - s)


def feedforward(a, weights, biases):
    r"""The output for input ``a``: :math:`a^l = \sigma(w^l a^{l-1} + b^l)`, layer by layer."""
    for w, b in zip(weights, biases):
        a = sigmoid(w @ a + b)
    return a


def backprop(x, y, weights, biases):
    """``(nabla_b, nabla_w)``: the gradient of the quadratic cost of one example (x, y)."""
    activations, zs = [x], []
    a = x
    for w, b in zip(weights, biases):
        z = w @ a + b
        zs.append(z)
        a = sigmoid(z)
        activations.append(a)
    nabla_b = [None] * len(weights)
    nabla_w = [None] * len(weights)
    delta = (activations[-1] - y) * sigmoid_prime(zs[-1])  # BP1
    for l in range(1, len(weights) + 1):  # l = 1 is the last layer, as in the book
        if l > 1:
            delta = (weights[-l + 1].T @ delta) * sigmoid_prime(zs[-l])  # BP2
        nabla_b[-l] = delta  # BP3
        nabla_w[-l] = delta @ activations[-l - 1].T  # BP4
    return nabla_b, nabla_w


def update_mini_batch(weights, biases, mini_batch, eta, backprop=backprop):
    """One gradient-descent step on the mean gradient of ``mini_batch``; new (weights, biases)."""
    sum_b = [np.zeros_like(b, dtype=float) for b in biases]
    sum_w = [np.zeros_like(w, dtype=float) for w in weights]
    for x, y in mini_batch:
        nabla_b, nabla_w = backprop(x, y, weights, biases)
        sum_b = [s + g for s, g in zip(sum_b, nabla_b)]
        sum_w = [s + g for s, g in zip(sum_w, nabla_w)]
    m = len(mini_batch)
    return (
        [w - (eta / m) * g for w, g in zip(weights, sum_w)],
        [b - (eta / m) * g for b, g in zip(biases, sum_b)],
    )


def quadratic_cost(A, Y):
    r""":math:`C = \frac{1}{2n} \sum_x \lVert y(x) - a(x) \rVert^2`.

    One example per row of A and Y.
    """
    return 0.5 * float(((np.asarray(A) - np.asarray(Y)) ** 2).sum(axis=1).mean())


def feedforward_batch(X, weights, biases):
    """Every row of ``X`` at once: (n, n_in) in, (n, n_out) out; biases of shape (n_out,)."""
    A = np.asarray(X, dtype=float)
    for w, b in zip(weights, biases):
        A = sigmoid(A @ w.T + np.reshape(b, -1))
    return A
