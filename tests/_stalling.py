"""A small problem on which early stopping restores an earlier epoch, for the tests of what the
dashboard shows of it (in Python and in the page).

60 training and 40 validation points of a 2-class problem in 4 features (x0 + x1 > 1), the first
8 validation labels flipped so validation accuracy stalls: with seed 0, learning rate 1 and
early_stopping=3 the validation accuracy per epoch is 0.4 0.4 0.4 0.7 0.625 0.75 0.775 0.6 0.65
0.6, so training stops after epoch 10 and restores epoch 7 (not 10, nor 1).
"""

import numpy as np

_rng = np.random.default_rng(0)
X = _rng.random((60, 4))
Y = (X[:, 0] + X[:, 1] > 1).astype(int)
X_VAL = _rng.random((40, 4))
Y_VAL = (X_VAL[:, 0] + X_VAL[:, 1] > 1).astype(int)
Y_VAL[:8] ^= 1
RESTORED = 7
