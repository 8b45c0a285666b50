"""Write fixture.json: goals, heights, steps, and what NumPy computes for them.

    .venv/bin/python tests/bumps_fixture/make_fixture.py

js/bumps/maths.test.ts checks the page's maths against it; tests/test_bumps.py checks that it is
what nnwidgets.bumps computes now. Three cases: NNDL's goal with 5 pairs at the best heights
(the challenge), 7 free steps placed off the k/N grid with rough heights (so a bin off by one,
or a step at k/N assumed, changes the numbers), and np.sin with 3 pairs, whose f(0) = 0 is
clipped before sigma^-1.
"""

import json
import pathlib

import numpy as np

from nnwidgets import bumps


def case(f, heights, steps, samples=100):
    goal = bumps.sample_goal(f, samples)
    g = bumps.logit(goal)
    if heights is None:
        heights = bumps.best_heights(g, steps)
    x = np.linspace(0, 1, 1000)
    z = bumps.weighted_output(x, heights, steps)
    return {
        "goal": goal.tolist(),
        "goal_logit": g.tolist(),
        "heights": list(map(float, heights)),
        "steps": list(map(float, steps)),
        "steepness": 1000.0,
        "bins": bumps.bins(steps, samples).tolist(),
        "deviation": bumps.deviation(g, heights, steps),
        "x": x.tolist(),
        "weighted_output": z.tolist(),
        "output": bumps.bump_network(heights, steps).forward(x.reshape(-1, 1))[:, 0].tolist(),
    }


def fixture():
    free = [0.0, 0.07, 0.2, 0.33, 0.5, 0.61, 0.9, 1.0]
    return {
        "nndl5": case(None, None, bumps.uniform_steps(5)),
        "free7": case(None, [-1.3, -0.4, 0.9, -0.2, 0.3, 1.4, -2.0], free),
        "sin3": case(np.sin, [-3.0, -0.5, 0.2], bumps.uniform_steps(3), samples=60),
    }


if __name__ == "__main__":
    path = pathlib.Path(__file__).with_name("fixture.json")
    path.write_text(json.dumps(fixture()) + "\n")
    print(f"wrote {path}")
