"""BumpBuilder and nnwidgets.bumps: NNDL chapter 4's bumps, their score, and the network they
are."""

import importlib.util
import json
import logging
import math
import pathlib
import subprocess
import sys

import numpy as np
import pytest
import traitlets

from nnwidgets import BumpBuilder, Network, bumps
from nnwidgets.widgets import _sync

FIXTURE = pathlib.Path(__file__).parent / "bumps_fixture"

#: x_k = k / 100, NNDL's sample points, and sigma^-1 of its goal there.
X100 = np.arange(100) / 100
GOAL_LOGIT = bumps.logit(bumps.nndl_goal(X100))


def page_output(x, heights, steps, w=1000.0):
    """The page's formula (js/bumps/maths.ts, networkOutput), written again in NumPy, operation
    for operation: sigma(sum_k h_k sigma(w x + -w s_k) + -h_k sigma(w x + -w s_{k+1}))."""
    x = np.asarray(x, dtype=np.float64)
    total = np.zeros_like(x)
    with np.errstate(over="ignore"):  # exp overflows to inf for z < -709: sigma = 0, as in JS
        for k, h in enumerate(heights):
            up = 1 / (1 + np.exp(-(w * x + -w * steps[k])))
            down = 1 / (1 + np.exp(-(w * x + -w * steps[k + 1])))
            total += h * up + -h * down
        return 1 / (1 + np.exp(-total))


# -- the maths ---------------------------------------------------------------------------------


def test_the_default_goal_is_nndl_eq_113_at_k_over_100():
    b = BumpBuilder()
    x = np.arange(100) / 100
    expected = 0.2 + 0.4 * x**2 + 0.3 * x * np.sin(15 * x) + 0.05 * np.cos(50 * x)
    np.testing.assert_allclose(b.goal, expected, rtol=0, atol=1e-15)
    assert b.n_pairs == 5 and b.heights == [0.0] * 5
    assert b.steps == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_deviation_worked_example():
    # goal at x = 0, 1/4, 1/2, 3/4: 0.5, 0.5, 0.75, 0.25 -> sigma^-1: 0, 0, ln 3, -ln 3.
    # Two bumps at heights 0 and 1: points 0 and 1 in bump 0, points 2 and 3 in bump 1.
    # |0 - 0| + |0 - 0| + |ln 3 - 1| + |-ln 3 - 1| = 0.0986 + 2.0986 = 2.1972; / 4 = 0.5493
    b = BumpBuilder(f=[0.5, 0.5, 0.75, 0.25], n_pairs=2, heights=[0.0, 1.0])
    expected = (abs(math.log(3) - 1) + abs(-math.log(3) - 1)) / 4
    assert b.deviation == pytest.approx(expected, abs=1e-12)
    assert b.deviation == pytest.approx(0.5493, abs=1e-4)


def test_five_bumps_hold_nndls_bins_of_twenty():
    # NNDL's page: bin = floor(j / 20) for j = 0..99
    np.testing.assert_array_equal(bumps.bins(bumps.uniform_steps(5), 100), np.arange(100) // 20)
    # a point on a step belongs to the bump above it, for any N (k/100 = i/N exactly)
    for n in (3, 7, 10, 20, 50):
        np.testing.assert_array_equal(
            bumps.bins(bumps.uniform_steps(n), 100), (np.arange(100) * n) // 100
        )


def test_deviation_is_nndls_score():
    # NNDL's js/chap4.js: score += |data[j].y - h[floor(j / 20)]| / 100
    h = [-1.3, -1.8, -0.5, -0.9, 0.3]
    nndl = sum(abs(GOAL_LOGIT[j] - h[j // 20]) / 100 for j in range(100))
    b = BumpBuilder(heights=h)
    assert b.deviation == pytest.approx(nndl, abs=1e-12)
    assert not b.success  # 0.44


# SECTION2.md lab 11: 0.372 / 0.273 / 0.124 / 0.054 (closed form, exact to 1e-3)
@pytest.mark.parametrize("n, best", [(5, 0.372), (10, 0.273), (20, 0.124), (50, 0.054)])
def test_best_average_deviation_with_n_pairs(n, best):
    b = BumpBuilder(n_pairs=n).fit_heights()
    assert b.deviation == pytest.approx(best, abs=1e-3)
    assert b.success  # NNDL's challenge (0.40) met from 5 pairs on


def test_the_medians_are_the_best_heights():
    b = BumpBuilder().fit_heights()
    best = b.deviation
    for k in range(5):
        for d in (-0.05, -0.001, 0.001, 0.05):
            h = list(b.heights)
            h[k] += d
            assert bumps.deviation(GOAL_LOGIT, h, b.steps) >= best - 1e-15
    # the mean is worse: the L1 optimum is the median
    means = [GOAL_LOGIT[20 * k : 20 * k + 20].mean() for k in range(5)]
    assert bumps.deviation(GOAL_LOGIT, means, b.steps) > best + 1e-3


# -- the network -------------------------------------------------------------------------------


@pytest.mark.parametrize("free", [False, True])
def test_network_is_the_bumps_and_predicts_what_the_page_draws(free):
    if free:
        steps = [0.0, 0.13, 0.2, 0.55, 0.56, 1.0]
        b = BumpBuilder(free_steps=True, steps=steps, heights=[-1.3, 2.0, -0.5, 0.9, 0.3])
    else:
        b = BumpBuilder(heights=[-1.3, -1.8, -0.5, -0.9, 0.3])
    net = b.network()
    assert isinstance(net, Network) and net.sizes == [1, 10, 1]
    assert (net.activation, net.output) == ("sigmoid", "sigmoid")
    np.testing.assert_array_equal(net.weights[0], np.full((10, 1), 1000.0))
    s = np.repeat(b.steps, 2)[1:-1]  # s_0, s_1, s_1, s_2, ...
    np.testing.assert_allclose(net.biases[0], -1000 * s, rtol=0, atol=1e-12)
    h = np.array(b.heights)
    np.testing.assert_array_equal(net.weights[1][0], np.ravel(np.column_stack([h, -h])))
    assert net.biases[1].tolist() == [0.0]
    x = np.linspace(0, 1, 1000)
    ours = net.forward(x.reshape(-1, 1))[:, 0]
    np.testing.assert_allclose(ours, page_output(x, b.heights, b.steps), rtol=0, atol=1e-6)
    # and the bumps are bumps: in the middle of a bump (0.02 or more from its steps) the
    # output is sigma(h_k), the steps' tails being below e^-20
    s0, s1, h = np.array(b.steps[:-1]), np.array(b.steps[1:]), np.array(b.heights)
    wide = s1 - s0 >= 0.04
    mid = ((s0 + s1) / 2)[wide]
    np.testing.assert_allclose(
        net.forward(mid.reshape(-1, 1))[:, 0], 1 / (1 + np.exp(-h[wide])), atol=1e-6
    )


def test_the_vitest_fixture_is_what_numpy_computes_now():
    spec = importlib.util.spec_from_file_location("make_fixture", FIXTURE / "make_fixture.py")
    make = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make)
    stored = json.loads((FIXTURE / "fixture.json").read_text())
    fresh = make.fixture()
    assert stored.keys() == fresh.keys()
    for name, case in fresh.items():
        for key, value in case.items():
            np.testing.assert_allclose(
                stored[name][key], value, rtol=0, atol=1e-12, err_msg=f"{name}.{key}"
            )
        # the fixture's own network output is the page's formula (what vitest compares with)
        page = page_output(case["x"], case["heights"], case["steps"])
        np.testing.assert_allclose(case["output"], page, atol=1e-6)


# -- traits and the page -----------------------------------------------------------------------


def test_heights_from_the_page_update_the_deviation_and_python_heights_reach_the_page():
    b = BumpBuilder()
    b.set_state({"heights": [-1.3, -1.8, -0.5, -0.9, 0.3]})  # what a drag sends
    assert b.heights == [-1.3, -1.8, -0.5, -0.9, 0.3]
    assert b.deviation == pytest.approx(bumps.deviation(GOAL_LOGIT, b.heights, b.steps))
    b.heights = [0.5] * 5
    assert b.get_state()["heights"] == [0.5] * 5
    expected = bumps.deviation(GOAL_LOGIT, [0.5] * 5, b.steps)
    assert b.get_state()["deviation"] == pytest.approx(expected)


@pytest.mark.parametrize(
    "sent",
    [
        {"heights": [1, 2, 3]},  # wrong length
        {"heights": [1, "2", 3, 4, 5]},  # not numbers
        {"heights": None},
        {"heights": [1, 2, 3, 4, None]},  # NaN arrives as null in JSON
        {"steps": [0, 0.1, 0.4, 0.6, 0.8, 1]},  # steps fixed (free_steps=False)
        {"space": "sideways"},
        {"deviation": 0.0},  # only Python scores
        {"goal": [0.5] * 100},
    ],
)
def test_malformed_state_from_the_page_is_logged_and_ignored(sent, caplog):
    b = BumpBuilder(heights=[0.1, 0.2, 0.3, 0.4, 0.5])
    before = b.get_state()
    with caplog.at_level(logging.ERROR, logger="nnwidgets.bumps"):
        b.set_state(sent)
    after = b.get_state()
    for key in ("heights", "steps", "space", "deviation", "goal"):
        assert after[key] == before[key], key
    (name,) = sent
    assert any(f"ignored {name} from the page" in r.getMessage() for r in caplog.records)


def test_free_steps_move_from_the_page_and_rescore():
    b = BumpBuilder(free_steps=True).fit_heights()
    before = b.deviation
    b.set_state({"steps": [0, 0.1, 0.4, 0.6, 0.8, 1]})
    assert b.steps == [0, 0.1, 0.4, 0.6, 0.8, 1]
    assert b.deviation != before
    b.fit_heights()
    best = bumps.best_heights(GOAL_LOGIT, b.steps)
    assert b.deviation == pytest.approx(bumps.deviation(GOAL_LOGIT, best, b.steps))


def test_space_toggles_from_the_page():
    b = BumpBuilder()
    b.set_state({"space": "output"})
    assert b.space == "output"


# -- bad input -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "f, match",
    [
        (lambda x: np.log(x), r"f must be finite on \[0, 1\]; got f\(0\) = -inf"),
        (lambda x: 2 * x, r"f must take values in \[0, 1\].*got f\(0.51\) = 1.02"),
        (lambda x: np.where(x > 0.5, np.nan, 0.5), r"f must be finite.*got f\(0.51\) = nan"),
        ([0.5, np.inf, 0.2], r"f must be finite"),
        (np.zeros((10, 10)), r"1-D array"),
        ("sin", r"callable on \[0, 1\] or an array"),
    ],
)
def test_a_goal_not_finite_or_not_in_0_1_is_refused(f, match):
    with pytest.raises((ValueError, TypeError), match=match):
        BumpBuilder(f=f)


def test_goals_as_numpy_functions_scalar_functions_and_arrays():
    b = BumpBuilder(f=np.sin, n_pairs=10)  # the example: sin(0) = 0 is clipped
    assert b.goal[0] == 0.0 and np.isfinite(b.deviation)
    assert BumpBuilder(f=math.sin, n_pairs=10).goal == b.goal  # called point by point
    arr = BumpBuilder(f=np.full(40, 0.3))
    assert len(arr.goal) == 40 and arr.goal[0] == 0.3


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"n_pairs": 0}, ValueError, "n_pairs must be between 1 and 1000; got 0"),
        ({"n_pairs": 1001}, ValueError, "n_pairs must be between 1 and 1000"),
        ({"n_pairs": 2.5}, TypeError, "n_pairs must be an int; got float 2.5"),
        ({"n_pairs": True}, TypeError, "n_pairs must be an int"),
        (
            {"heights": [1, 2]},
            ValueError,
            r"heights must hold one height per pair \(5\); got shape \(2,\)",
        ),
        ({"heights": [1, 2, 3, 4, np.nan]}, ValueError, "heights must be finite"),
        ({"steps": [0, 0.5, 0.6, 0.7, 0.8, 1]}, ValueError, "pass free_steps=True"),
        (
            {"free_steps": True, "steps": [0, 0.5, 0.4, 0.7, 0.8, 1]},
            ValueError,
            "increase strictly",
        ),
        ({"free_steps": True, "steps": [0.1, 0.2, 0.4, 0.7, 0.8, 1]}, ValueError, "start at 0"),
        ({"free_steps": "yes"}, TypeError, "free_steps must be True or False"),
        ({"steepness": 0}, ValueError, "steepness must be a positive finite number"),
        ({"samples": 1}, ValueError, "samples must be between 2"),
        ({"f": [0.5] * 10, "samples": 50}, ValueError, "samples applies to a callable f"),
        (
            {"space": "probability"},
            ValueError,
            "space must be 'logit' or 'output'; got 'probability'",
        ),
        ({"n_pair": 3}, TypeError, "unexpected keyword argument 'n_pair'.*Check the spelling"),
    ],
)
def test_bad_arguments_name_the_parameter(kwargs, error, match):
    with pytest.raises(error, match=match):
        BumpBuilder(**kwargs)


def test_bad_assignments_from_python_raise_and_change_nothing():
    b = BumpBuilder(heights=[0.1] * 5)
    with pytest.raises(ValueError, match="heights must hold one height per pair"):
        b.heights = [1, 2, 3]
    with pytest.raises(ValueError, match="steps are fixed at k/n_pairs"):
        b.steps = [0, 0.1, 0.4, 0.6, 0.8, 1]
    with pytest.raises(ValueError, match="space must be 'logit' or 'output'; got 'sideways'"):
        b.space = "sideways"
    with pytest.raises(traitlets.TraitError):
        b.deviation = 0.0  # read-only: the score is computed
    assert b.heights == [0.1] * 5 and b.steps == [0.0, 0.2, 0.4, 0.6, 0.8, 1.0]


def test_heights_and_steps_take_what_numpy_computes():
    # The widget's own maths returns arrays; a learner assigns them as they come.
    b = BumpBuilder(free_steps=True)
    b.heights = bumps.best_heights(b._goal_logit, b.steps)
    assert b.deviation == pytest.approx(bumps.deviation(b._goal_logit, b.heights, b.steps))
    assert all(type(h) is float for h in b.heights)
    b.heights = [np.float32(0.5), np.int64(1), 2, 0.25, np.float64(-1)]
    assert b.heights == [0.5, 1.0, 2.0, 0.25, -1.0]
    b.steps = np.array([0, 0.1, 0.4, 0.6, 0.8, 1])
    assert b.steps == [0.0, 0.1, 0.4, 0.6, 0.8, 1.0]
    with pytest.raises(traitlets.TraitError, match="'heights' trait of a BumpBuilder"):
        b.heights = None
    with pytest.raises(TypeError, match="heights must be a list of numbers; got \\[True"):
        b.heights = [True] * 5  # not 1.0 five times
    assert BumpBuilder(free_steps=np.bool_(True)).free_steps is True
    with pytest.raises(ValueError, match=r"heights must be a list of numbers \(a 1-D array\)"):
        b.heights = np.ones((5, 2))
    assert b.heights == [0.5, 1.0, 2.0, 0.25, -1.0]


def test_an_array_goal_has_the_callables_limit():
    with pytest.raises(ValueError, match=r"1-D array of 2 to 100,000\); got shape \(100001,\)"):
        BumpBuilder(f=np.full(100_001, 0.5))
    assert len(BumpBuilder(f=np.full(100_000, 0.5)).goal) == 100_000


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda g, s: bumps.deviation(g, [1, 2], s), ValueError, "one height per pair \\(5\\)"),
        (lambda g, s: bumps.deviation(g, [0.1] * 9, s), ValueError, "one height per pair"),
        (lambda g, s: bumps.deviation(g[:0], [0.1] * 5, s), ValueError, "goal_logit must be"),
        (lambda g, s: bumps.best_heights(g, 5), ValueError, "steps must be a list of the N"),
        (
            lambda g, s: bumps.best_heights(g, [0, 0.8, 0.2, 0.5, 0.9, 1]),
            ValueError,
            "increase strictly",
        ),
        (
            lambda g, s: bumps.weighted_output([0.5], [1, 2], s),
            ValueError,
            "one height per pair",
        ),
        (
            lambda g, s: bumps.weighted_output([0.5], [1] * 5, s, steepness=True),
            ValueError,
            "steepness must be a positive finite number",
        ),
        (
            lambda g, s: bumps.bump_network([1] * 5, steepness=True),
            ValueError,
            "steepness must be a positive finite number",
        ),
    ],
)
def test_the_maths_checks_its_arguments(call, error, match):
    g = bumps.logit(bumps.sample_goal())
    with pytest.raises(error, match=match):
        call(g, bumps.uniform_steps(5))


# -- show_network --------------------------------------------------------------------------------


def test_show_network_sends_a_one_input_network_and_follows_its_training():
    b = BumpBuilder()
    net = Network([1, 10, 1], activation="tanh", output="sigmoid", cost="cross_entropy", seed=0)
    assert b.show_network(net) is b
    sent = b._network
    assert sent["sizes"] == [1, 10, 1] and sent["activation"] == "tanh"
    assert sent["label"] == "[1, 10, 1] tanh"
    net.set_parameters([w + 1 for w in net.weights], net.biases)  # as training does
    assert _sync.flush(5)
    assert b._network is not sent
    np.testing.assert_array_equal(
        np.frombuffer(b._network["weights"][0]["view"], np.float32), net.weights[0].ravel()
    )
    b.show_network(None)
    assert b._network is None
    net.set_parameters(net.weights, net.biases)
    assert _sync.flush(5) and b._network is None  # no longer followed


@pytest.mark.parametrize("sizes", [[2, 4, 1], [1, 4, 2]])
def test_show_network_refuses_a_network_that_is_not_a_function_on_0_1(sizes):
    b = BumpBuilder()
    b.show_network(b.network())
    before = b._network
    with pytest.raises(ValueError, match="1 input and 1 output"):
        b.show_network(Network(sizes, activation="tanh", output="sigmoid", cost="cross_entropy"))
    assert b._network is before


def test_close_stops_following_the_network():
    b = BumpBuilder()
    net = Network([1, 4, 1], activation="tanh", output="sigmoid", cost="cross_entropy")
    b.show_network(net)
    assert len(net._listeners) == 1
    b.close()
    assert net._listeners == []


def test_a_closed_builder_overlays_no_network():
    b = BumpBuilder()
    b.close()
    net = Network([1, 4, 1], output="sigmoid", seed=0)
    with pytest.raises(RuntimeError, match="this BumpBuilder was closed"):
        b.show_network(net)
    assert not net._listeners


def test_the_maths_imports_no_widget():
    code = "import sys, nnwidgets.bumps; print('anywidget' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_bench_prints_the_figures():
    bench = pathlib.Path(__file__).parent.parent / "bench" / "bump_deviation.py"
    out = subprocess.run(
        [sys.executable, str(bench)], capture_output=True, text=True, check=True
    ).stdout
    for n, best in [(5, "0.372"), (10, "0.273"), (20, "0.124"), (50, "0.054")]:
        assert f"{n:>2} pairs" in out and best in out, out
