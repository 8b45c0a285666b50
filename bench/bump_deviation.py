"""The best NNDL "average deviation" with N bumps, and the error of the network they are.

    python bench/bump_deviation.py

NNDL chapter 4 scores a BumpBuilder design by the mean over x = 0, 0.01, ..., 0.99 of
|sigma^-1 f(x) - h(x)|, h(x) the height of the bump holding x, with its goal
f(x) = 0.2 + 0.4x^2 + 0.3x sin(15x) + 0.05 cos(50x), and asks for 0.40 or less with 5 pairs.
The least possible score puts each bump at the median of sigma^-1 f over its points (the L1
optimum), so these figures are closed form and exact. The second column is the built network's
own error (steepness 1000, output bias 0): mean |sigma(sum_j w_j a_j) - f| on 2,000 evenly
spaced points of [0, 1). SECTION2.md's draft: 0.372 / 0.273 / 0.124 / 0.054 and
0.070 / 0.054 / 0.024 / 0.011.
"""

import numpy as np

from nnwidgets import bumps

goal_logit = bumps.logit(bumps.sample_goal(bumps.nndl_goal, 100))
x = np.arange(2000) / 2000
print("pairs  best average deviation  output error  (NNDL's challenge: <= 0.40 with 5 pairs)")
for n in (5, 10, 20, 50):
    steps = bumps.uniform_steps(n)
    h = bumps.best_heights(goal_logit, steps)
    dev = bumps.deviation(goal_logit, h, steps)
    out = bumps.bump_network(h, steps).forward(x.reshape(-1, 1))[:, 0]
    err = float(np.mean(np.abs(out - bumps.nndl_goal(x))))
    print(f"{n:>2} pairs  {dev:.3f} ({dev:.6f})      {err:.3f}")
