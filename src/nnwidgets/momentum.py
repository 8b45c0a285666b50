"""Momentum's memory: the velocity of every parameter, kept between mini-batches.

The book's chapter 3 update, for every weight and bias at once::

    v = mu * v - eta * grad
    w += v

The training loop hands over the plain step ``-eta * grad`` as one flat array (weights, then
biases, as :class:`~nnwidgets.network.Workspace` lays out the gradient), so the update is two
in-place operations on one array, and with ``mu = 0`` none: the velocity is the step itself.
Where it can, the loop makes ``v = mu * v - eta * grad`` inside BLAS's gemm instead, straight
into :attr:`Velocity.views` (:meth:`Velocity.keeps` says how much of v to keep, and
:meth:`Velocity.made` does the rest of :meth:`Velocity.update`'s work).
"""

from __future__ import annotations

import math

import numpy as np

from .network import aligned_zeros

__all__ = ["Velocity"]

# Subnormal numbers (below ~1.2e-38 in float32) take the CPU some twenty times longer per
# operation. A velocity whose gradient is exactly zero, as for the weights of a pixel that is
# blank in every digit, shrinks by mu each step and would spend long stretches there: momentum
# training on MNIST at mini-batch 10 ran 3 times slower. So now and then entries below TINY
# are set to zero, often enough that none can shrink from TINY into the subnormals meanwhile.
# They are far below anything a float32 weight can register (a weight of 0.01 moves only for
# steps above ~1e-9).
TINY = 1e-30
_SUBNORMAL = 1.2e-38  # float32's smallest normal number


class Velocity:
    """The velocity of parameters of the given ``shapes``, zero to start with.

    ``v`` is one flat array of ``dtype`` (the parameters in order, as the step comes);
    ``views`` cuts it into the ``shapes``, for the update ``w += v``.
    """

    def __init__(self, shapes, dtype):
        sizes = [int(np.prod(shape)) for shape in shapes]
        self.v = aligned_zeros(sum(sizes), dtype)  # where BLAS reads it fastest
        self.views, start = [], 0
        for shape, size in zip(shapes, sizes):
            self.views.append(self.v[start : start + size].reshape(shape))
            start += size
        self._zero = True  # v holds nothing yet (or momentum was off): treat it as 0
        self._since_flush = 0

    def update(self, step, mu):
        """``v = mu * v + step``, in place, where ``step`` is ``-eta * grad``; returns v.

        With ``mu = 0`` the velocity is the step itself, returned as it is: no copy. (Turning
        momentum off so forgets the velocity, as ``v = 0 * v + step`` does.)
        """
        if not mu:
            self._zero = True
            return step
        if self._zero:
            np.copyto(self.v, step)  # mu * 0 + step
        else:
            self.v *= mu
            self.v += step
        self.made(mu)
        return self.v

    def keeps(self, mu):
        """How much of the velocity the step ``v = mu * v + step`` keeps: ``mu``, or 0 while
        the velocity holds nothing yet. For a step made outside :meth:`update` (the training
        loop makes it inside gemm, ``v = keeps(mu) * v + step``), which then calls
        :meth:`made`."""
        return 0.0 if self._zero else mu

    def made(self, mu):
        """After ``v = keeps(mu) * v + step`` (``mu`` > 0): v holds a velocity, and entries
        about to become subnormal are set to zero when due."""
        if self._zero:
            self._zero = False
            return
        self._since_flush += 1
        # from TINY to the subnormals takes ln(TINY / _SUBNORMAL) / ln(1 / mu) steps
        if self._since_flush * math.log(1 / mu) >= math.log(TINY / _SUBNORMAL) - 1:
            self._flush()

    def forget(self):
        """Momentum is off for a step that does not come through :meth:`update` (the training
        loop may add a plain step straight into the weights): the next step with momentum
        starts from a zero velocity, as after ``update(step, 0)``."""
        self._zero = True

    def _flush(self):
        """Set entries below TINY to zero (before the steady shrinking makes them subnormal)."""
        np.copyto(self.v, 0, where=np.abs(self.v) < TINY)
        self._since_flush = 0
