"""The reader's own activations the tests plug into Network: one a built-in computes, one none
does."""

import numpy as np


class MySigmoid:
    """The sigmoid, written out: Network matches it to activation="sigmoid"."""

    def fn(self, z):
        return 1.0 / (1.0 + np.exp(-z))

    def prime(self, z):
        s = self.fn(z)
        return s * (1 - s)


class Softplus:
    """ln(1 + e^z): no built-in computes it, so the page cannot run it."""

    def fn(self, z):
        return np.log1p(np.exp(z))

    def prime(self, z):
        return 1.0 / (1.0 + np.exp(-z))
