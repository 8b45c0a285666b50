"""Momentum's memory: one velocity per parameter, kept between mini-batches.

The book's chapter 3 update, for every weight and bias at once::

    v = mu * v - eta * grad
    w += v

With ``mu = 0`` the velocity is the plain gradient step ``-eta * grad``. The velocities live in
one contiguous buffer, so one sum of squares over it tells whether the whole update is finite.
"""

from __future__ import annotations

import math

import numpy as np

__all__ = ["Velocity"]


class Velocity:
    """The velocities of ``params`` (a list of arrays), all zero to start with.

    ``v[i]`` has the shape of ``params[i]``; all are views of one buffer, ``flat``.
    """

    def __init__(self, params):
        dtype = np.result_type(*params)
        self.flat = np.zeros(sum(p.size for p in params), dtype=dtype)
        self.v, start = [], 0
        for p in params:
            self.v.append(self.flat[start:start + p.size].reshape(p.shape))
            start += p.size

    def update(self, grads, eta, mu):
        """``v = mu * v - eta * grad`` for every parameter, in place (the grads are scaled in
        place too: they are this step's, used once)."""
        for v, g in zip(self.v, grads):
            if mu:
                g *= eta
                v *= mu
                v -= g
            else:
                np.multiply(g, -eta, out=v)
        return self.v

    def finite(self):
        """True if every velocity is finite: a sum of squares is finite only if every entry is
        (one BLAS call over the one buffer)."""
        return math.isfinite(np.dot(self.flat, self.flat))

    def first_non_finite(self):
        """The index of the first velocity whose sum of squares is not finite (the largest one
        when only their total overflowed)."""
        squares = [float(np.dot(v.reshape(-1), v.reshape(-1))) for v in self.v]
        for i, square in enumerate(squares):
            if not math.isfinite(square):
                return i
        return int(np.argmax(squares))
