"""Lab 11's checks (universality) against typical wrong answers: each mistake gets its own
diagnosis, right variants (float32, another formulation, another order of the hidden neurons, a
Network) pass, and whatever the reader's function returns or raises ends in a CheckFailed."""

import numpy as np
import pytest
from _labs import fails_with, sigmoid

from nnwidgets import bumps
from nnwidgets.labs import check


# -- step -----------------------------------------------------------------------------------------
def step_right(x, s, w=1000):
    return sigmoid(w * (x - s))


def step_tanh(x, s, w=1000):
    return 0.5 * (1 + np.tanh(0.5 * w * (np.asarray(x) - s)))


def step_float32(x, s, w=1000):
    return sigmoid(np.float32(w) * (np.asarray(x, dtype=np.float32) - np.float32(s)))


def step_column(x, s, w=1000):
    return step_right(x, s, w).reshape(-1, 1)  # (n, 1) for (n,): the values are what count


@pytest.mark.parametrize("fn", [step_right, step_tanh, step_float32, step_column])
def test_step_passes_right_answers(fn, capsys):
    check.step(fn)
    assert capsys.readouterr().out.startswith("\u2713 step:")


def test_step_passes_an_overflowing_sigmoid_and_says_how_to_quiet_it(capsys):
    def step_naive(x, s, w=1000):
        with np.errstate(all="warn"):
            return 1 / (1 + np.exp(-w * (np.asarray(x) - s)))

    check.step(step_naive)
    out = capsys.readouterr().out
    assert out.startswith("\u2713 step:") and "overflow encountered in exp" in out
    assert "np.tanh(z / 2)" in out
    check.step(step_tanh)  # quiet: no note
    assert "NumPy warns" not in capsys.readouterr().out


STEP_MISTAKES = {
    "bias +ws": (lambda x, s, w=1000: sigmoid(w * (x + s)), "the bias is +w s"),
    "no w": (lambda x, s, w=1000: sigmoid(x - s), "w is left out"),
    "bias -s": (lambda x, s, w=1000: sigmoid(w * x - s), "the bias is -s instead of -w s"),
    "down": (lambda x, s, w=1000: sigmoid(-w * (x - s)), "goes down instead of up"),
    "hard >=": (lambda x, s, w=1000: (x >= s).astype(float), "a hard step (x >= s)"),
    "hard >": (lambda x, s, w=1000: (x > s).astype(float), "a hard step (x > s)"),
    "w ignored": (lambda x, s, w=1000: sigmoid(1000 * (x - s)), "w is ignored"),
    "None": (lambda x, s, w=1000: None, "forget the `return`"),
    "raises": (lambda x, s, w=1000: x @ np.ones((3, 3)), "raised ValueError"),
    "wrong": (lambda x, s, w=1000: x * 0 + 0.5, "wrong values"),
}


@pytest.mark.parametrize("mistake", STEP_MISTAKES)
def test_step_names_each_mistake(mistake):
    fn, phrase = STEP_MISTAKES[mistake]
    fails_with(check.step, fn, phrase)


def test_an_unwritten_step_stops_with_its_not_implemented_error():
    def step(x, s, w=1000):
        raise NotImplementedError("your code here: write step")

    with pytest.raises(NotImplementedError):
        check.step(step)


# -- bump -----------------------------------------------------------------------------------------
def refuse(fn):
    def guarded(x, s1, s2, h, w=1000):
        if s1 > s2:
            raise ValueError(f"s1 must be at most s2; got {s1} and {s2}")
        return fn(x, s1, s2, h, w)

    return guarded


@refuse
def bump_right(x, s1, s2, h, w=1000):
    return h * (step_right(x, s1, w) - step_right(x, s2, w))


@refuse
def bump_two_terms(x, s1, s2, h, w=1000):
    return h * step_tanh(x, s1, w) - h * step_tanh(x, s2, w)


@pytest.mark.parametrize("fn", [bump_right, bump_two_terms])
def test_bump_passes_right_answers(fn, capsys):
    check.bump(fn)
    assert capsys.readouterr().out.startswith("\u2713 bump:")


BUMP_MISTAKES = {
    "h on the first": (
        refuse(lambda x, s1, s2, h, w: h * step_right(x, s1, w) - step_right(x, s2, w)),
        "h is on the first neuron only",
    ),
    "h on the second": (
        refuse(lambda x, s1, s2, h, w: step_right(x, s1, w) - h * step_right(x, s2, w)),
        "h is on the second neuron only",
    ),
    "upside down": (
        refuse(lambda x, s1, s2, h, w: h * (step_right(x, s2, w) - step_right(x, s1, w))),
        "upside down",
    ),
    "no h": (
        refuse(lambda x, s1, s2, h, w: step_right(x, s1, w) - step_right(x, s2, w)),
        "is missing",
    ),
    "both +h": (
        refuse(lambda x, s1, s2, h, w: h * (step_right(x, s1, w) + step_right(x, s2, w))),
        "both output weights are +h",
    ),
    "w ignored": (
        refuse(lambda x, s1, s2, h, w: h * (step_right(x, s1) - step_right(x, s2))),
        "w is ignored",
    ),
    "s1 > s2 accepted": (
        lambda x, s1, s2, h, w=1000: h * (step_right(x, s1, w) - step_right(x, s2, w)),
        "a dip of depth h below 0 between s2 and s1",
    ),
    "s1 > s2 answered with None": (
        lambda x, s1, s2, h, w=1000: bump_right(x, s1, s2, h, w) if s1 <= s2 else None,
        "got:      None (nothing returned, and no error)",
    ),
    "s1 > s2 answered with zeros": (
        lambda x, s1, s2, h, w=1000: bump_right(x, s1, s2, h, w) if s1 <= s2 else 0 * x,
        "got:      values, and no error",
    ),
    "s1 > s2 swapped quietly": (
        lambda x, s1, s2, h, w=1000: bump_right(x, min(s1, s2), max(s1, s2), h, w),
        "s1 > s2 was swapped quietly into the bump from s2 to s1",
    ),
    "s1 > s2 a TypeError": (
        lambda x, s1, s2, h, w=1000: bump_right(x, s1, s2, h, w) if s1 <= s2 else 1 + "",
        "not another kind of error",
    ),
}


@pytest.mark.parametrize("mistake", BUMP_MISTAKES)
def test_bump_names_each_mistake(mistake):
    fn, phrase = BUMP_MISTAKES[mistake]
    fails_with(check.bump, fn, phrase)


# -- bumps_network --------------------------------------------------------------------------------
def network(f, N, *, heights=None, w=1000.0, sign=1.0, out_bias=0.0, steps=None, order="pairs"):
    """A [1, 2N, 1] bumps network for f, with one thing changed at a time."""
    x = np.arange(100) / 100
    fx = f(x)
    goal = np.log(fx / (1 - fx))
    s = np.arange(N + 1) / N if steps is None else steps(N)
    which = np.searchsorted(s[1:-1], x, side="right")
    h = np.array([np.median(goal[which == k]) for k in range(N)]) if heights is None else None
    if heights is not None:
        h = heights(f, goal, fx, which, N)
    at = np.repeat(s, 2)[1:-1]
    out = np.column_stack([h, -h]).reshape(-1)
    if order == "rising first":  # all rising steps, then all falling: the same function
        at = np.r_[s[:-1], s[1:]]
        out = np.r_[h, -h]
    return [np.full((2 * N, 1), w), sign * out.reshape(1, -1)], [-w * at, np.array([out_bias])]


def bn_right(f, N):
    return network(f, N)


def bn_rising_first(f, N):
    return network(f, N, order="rising first")


def bn_float32(f, N):
    weights, biases = network(f, N)
    return [a.astype(np.float32) for a in weights], [b.astype(np.float32) for b in biases]


def bn_a_network(f, N):
    x = np.arange(100) / 100
    steps = bumps.uniform_steps(N)
    return bumps.bump_network(bumps.best_heights(bumps.logit(f(x)), steps), steps)


def bn_lists(f, N):
    weights, biases = network(f, N)
    return tuple(weights), [b.tolist() for b in biases]


@pytest.mark.parametrize("fn", [bn_right, bn_rising_first, bn_float32, bn_a_network, bn_lists])
def test_bumps_network_passes_right_answers(fn, capsys):
    check.bumps_network(fn)
    out = capsys.readouterr().out
    assert out.startswith("\u2713 bumps_network: average deviation 0.372 with 5 pairs"), out
    assert "Passed, though" not in out and "Passed, but" not in out


def per_bin(stat):
    return lambda f, goal, fx, which, N: np.array([stat(goal[which == k]) for k in range(N)])


def test_bumps_network_with_means_passes_but_says_the_median_is_the_optimum(capsys):
    check.bumps_network(lambda f, N: network(f, N, heights=per_bin(np.mean)))
    out = capsys.readouterr().out
    assert out.startswith("\u2713 bumps_network: average deviation 0.391 with 5 pairs"), out
    assert "you used the mean" in out and "median" in out


def test_other_heights_close_to_the_best_pass_with_a_note(capsys):
    # the midpoint of each bump's range: a fair design, not the optimum
    mid = per_bin(lambda v: (v.min() + v.max()) / 2)
    x = np.arange(100) / 100
    goal = bumps.logit(bumps.nndl_goal(x))
    steps = bumps.uniform_steps(5)
    score = bumps.deviation(goal, mid(None, goal, None, bumps.bins(steps, 100), 5), steps)
    if score > 0.40:
        fails_with(check.bumps_network, lambda f, N: network(f, N, heights=mid), "above 0.40")
    else:
        check.bumps_network(lambda f, N: network(f, N, heights=mid))
        assert "not the medians" in capsys.readouterr().out


def median_of_f(f, goal, fx, which, N):
    return np.array([np.median(fx[which == k]) for k in range(N)])


def shifted(by):
    def heights(f, goal, fx, which, N):
        h = np.array([np.median(goal[which == k]) for k in range(N)])
        return np.roll(h, -by)

    return heights


def boundary_below(f, goal, fx, which, N):
    # points on a step go to the bump below: (s_k, s_{k+1}] instead of [s_k, s_{k+1})
    x = np.arange(100) / 100
    left = np.clip(np.searchsorted(np.arange(N + 1)[1:-1] / N, x, side="left"), 0, N - 1)
    return np.array([np.median(goal[left == k]) for k in range(N)])


def linspace_bins(f, goal, fx, which, N):
    # np.linspace(0, 1, N + 1) puts some steps a hair above k/N (3 * 0.2 = 0.6000000000000001)
    x = np.arange(100) / 100
    steps = np.linspace(0, 1, N + 1)
    bins = np.array([np.flatnonzero(x[i] >= steps[:-1])[-1] for i in range(100)])
    return np.array([np.median(goal[bins == k]) for k in range(N)])


def empty_bin(f, goal, fx, which, N):
    # searchsorted over every step, 0 included: bin indices 1..N, so bump 0 gets no point
    x = np.arange(100) / 100
    off = np.searchsorted(np.arange(N + 1) / N, x, side="right")
    with np.errstate(invalid="ignore"), pytest.warns(RuntimeWarning):
        return np.array([np.median(goal[off == k]) for k in range(N)])


def nndl_whatever_f(f, N):
    return network(bumps.nndl_goal, N)


BN_MISTAKES = {
    "output space": (lambda f, N: network(f, N, heights=median_of_f), "designed in output space"),
    "output bias": (lambda f, N: network(f, N, out_bias=0.5), "the output bias is 0.5, not 0"),
    "bins +1": (lambda f, N: network(f, N, heights=shifted(1)), "got the points of bump k + 1"),
    "bins -1": (lambda f, N: network(f, N, heights=shifted(-1)), "got the points of bump k - 1"),
    "boundary": (
        lambda f, N: network(f, N, heights=boundary_below),
        "a point on a step went to the bump below",
    ),
    "empty bin": (lambda f, N: network(f, N, heights=empty_bin), "bins off by one"),
    "upside down": (lambda f, N: network(f, N, sign=-1.0), "upside down"),
    "bias +1000 s": (
        lambda f, N: [network(f, N)[0], [-network(f, N)[1][0], np.zeros(1)]],
        "the hidden biases are +1000 s",
    ),
    "bias -s": (
        lambda f, N: [network(f, N)[0], [network(f, N)[1][0] / 1000, np.zeros(1)]],
        "the hidden biases are -s, not -1000 s",
    ),
    "steps at k/(N+1)": (
        lambda f, N: network(f, N, steps=lambda n: np.arange(n + 1) / (n + 1)),
        "the steps must sit at k / N",
    ),
    "w = 100": (lambda f, N: network(f, N, w=100.0), "must all be w = 1000"),
    "negative w": (lambda f, N: network(f, N, w=-1000.0), "must be positive"),
    "transposed": (
        lambda f, N: [[w.T for w in network(f, N)[0]], network(f, N)[1]],
        "transposed",
    ),
    "column biases": (
        lambda f, N: [network(f, N)[0], [b.reshape(-1, 1) for b in network(f, N)[1]]],
        "reshape it to",
    ),
    "ignores f": (nndl_whatever_f, "whatever f is"),
    "both +h": (
        lambda f, N: [
            [network(f, N)[0][0], np.abs(network(f, N)[0][1])],
            network(f, N)[1],
        ],
        "the output weights add up to",
    ),
    "pairs mixed up": (  # biases listed rising steps first, output weights in pairs
        lambda f, N: [network(f, N)[0], network(f, N, order="rising first")[1]],
        "the right numbers, +h_k and -h_k, on the wrong hidden neurons",
    ),
    "one list": (lambda f, N: network(f, N)[0], "must each be a list"),
    "None": (lambda f, N: None, "return statement missing"),
    "raises": (lambda f, N: f(np.arange(100) / 100) @ np.ones((3, 3)), "raised ValueError"),
    "three layers": (lambda f, N: [[1, 2, 3], [1, 2, 3]], "two layers"),
}


@pytest.mark.parametrize("mistake", BN_MISTAKES)
def test_bumps_network_names_each_mistake(mistake):
    fn, phrase = BN_MISTAKES[mistake]
    fails_with(check.bumps_network, fn, phrase)


def test_linspace_steps_are_diagnosed_with_the_rounding_that_causes_them():
    # binning by np.linspace's steps puts x = 0.6 (5 pairs) in bump 2, and only that point
    message = fails_with(
        check.bumps_network, lambda f, N: network(f, N, heights=linspace_bins), "np.linspace"
    )
    assert "0.6000000000000001" in message


def test_bumps_network_reports_deviations_that_do_not_fall_with_n():
    # heights that are right for 5 pairs and constant (the mean of all) for more
    def lazy(f, N):
        if N == 5:
            return network(f, N)
        return network(f, N, heights=lambda f, goal, fx, which, N: np.full(N, goal.mean()))

    fails_with(check.bumps_network, lazy, "above")


def test_the_reference_network_is_nndls_construction():
    from nnwidgets.labs.check_universality import _reference

    (w0, w1), (b0, b1) = _reference(bumps.nndl_goal, 5)
    steps = bumps.uniform_steps(5)
    h = bumps.best_heights(bumps.logit(bumps.sample_goal(None)), steps)
    net = bumps.bump_network(h, steps)
    for mine, package in zip([w0, w1, b0, b1], [*net.weights, *net.biases]):
        np.testing.assert_allclose(mine, package)
