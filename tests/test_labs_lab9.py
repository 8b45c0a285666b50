"""Lab 9's checks: each typical mistake in l2_step, l1_step, dropout and should_stop gets its
own diagnosis, correct variants pass, and the references are the Trainer's own rules."""

import numpy as np
import pytest

from nnwidgets import Network, load_bundled
from nnwidgets.labs import check
from nnwidgets.labs import check_regularisation as lab9
from nnwidgets.labs.check import CheckFailed
from nnwidgets.training import Trainer

# -- the references are the Trainer's rules -----------------------------------------------------


@pytest.mark.parametrize("kind", ["l2", "l1"])
def test_the_book_step_is_the_trainers_step(kind):
    # The checks compare with a real Trainer step; that step is the book's formula.
    net, X, y, sums_w, sums_b = lab9._problem()
    trained_w, trained_b = lab9._trainer_step(net, X, y, **{kind: lab9.LMBDA})
    step = lab9._l2_step if kind == "l2" else lab9._l1_step
    for w, b, nw, nb, tw, tb in zip(net.weights, net.biases, sums_w, sums_b, trained_w, trained_b):
        w_new, b_new = step(w, b, nw, nb, lab9.ETA, lab9.LMBDA, lab9.N_TRAIN, lab9.BATCH)
        np.testing.assert_allclose(w_new, tw, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(b_new, tb, rtol=1e-12, atol=1e-14)
    # a zero weight stays where its gradient alone takes it (sgn(0) = 0)
    assert net.weights[0][1, 2] == 0.0


def test_the_stopping_rule_is_the_trainers():
    # 200 digits and a small network: validation accuracy wobbles and stalls within 60 epochs.
    data = load_bundled()
    net = Network([784, 10, 10], activation="sigmoid", output="sigmoid", seed=3)
    history = Trainer(
        net,
        data.X_train[:200],
        data.y_train[:200],
        epochs=60,
        batch_size=10,
        learning_rate=0.5,
        validation=(data.X_test[:300], data.y_test[:300]),
        early_stopping=3,
    ).run()
    assert history.status == "early_stopped"
    acc = history.val_accuracy
    stops = [k for k in range(1, len(acc) + 1) if lab9._should_stop(acc[:k], 3)[0]]
    assert stops[0] == len(acc)  # stops after the same epoch as the Trainer
    best = lab9._should_stop(acc, 3)[1]
    assert f"(epoch {best}," in history.message  # and restores the same epoch


# -- l2_step ----------------------------------------------------------------------------------
def l2_right(w, b, nw, nb, eta, lmbda, n, m):
    return (1 - eta * lmbda / n) * w - eta / m * nw, b - eta / m * nb


def l2_in_place_float32(w, b, nw, nb, eta, lmbda, n, m):
    w, b = w.astype(np.float32), b.astype(np.float32)
    w -= eta * (lmbda / n * w + nw / m)
    b -= eta / m * nb
    return [w, b]


def test_l2_step_passes_the_right_step(capsys):
    check.l2_step(l2_right)
    assert "l2_step: the same step as nnwidgets' L2" in capsys.readouterr().out


def test_l2_step_passes_another_formulation_in_float32():
    check.l2_step(l2_in_place_float32)


L2_MISTAKES = {
    "lambda over m": (
        lambda w, b, nw, nb, eta, lmbda, n, m: l2_right(w, b, nw, nb, eta, lmbda, m, m),
        "divided by the mini-batch size",
    ),
    "biases decayed": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            (1 - eta * lmbda / n) * w - eta / m * nw,
            (1 - eta * lmbda / n) * b - eta / m * nb,
        ),
        "the biases are regularised too",
    ),
    "factor 2": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            l2_right(w, b, nw, nb, eta, 2 * lmbda, n, m)[:1] + (b - eta / m * nb,)
        ),
        "a factor 2",
    ),
    "halved": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            (1 - eta * lmbda / (2 * n)) * w - eta / m * nw,
            b - eta / m * nb,
        ),
        "the decay is halved",
    ),
    "biases unchanged": (
        lambda w, b, nw, nb, eta, lmbda, n, m: ((1 - eta * lmbda / n) * w - eta / m * nw, b),
        r"b was returned unchanged: the biases still take the plain step b - \(eta/m\) nabla_b",
    ),
    "wrong sign": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            (1 + eta * lmbda / n) * w - eta / m * nw,
            b - eta / m * nb,
        ),
        "wrong sign: it pulls",
    ),
    "eta missing": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            (1 - lmbda / n) * w - eta / m * nw,
            b - eta / m * nb,
        ),
        "eta is missing",
    ),
    "no regularisation": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (w - eta / m * nw, b - eta / m * nb),
        "no regularisation at all",
    ),
    "gradient not averaged": (
        lambda w, b, nw, nb, eta, lmbda, n, m: l2_right(w, b, nw, nb, eta, lmbda, n, 1),
        "not divided by the mini-batch size m",
    ),
    "gradient sign": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            (1 - eta * lmbda / n) * w + eta / m * nw,
            b + eta / m * nb,
        ),
        "the gradient has the wrong sign",
    ),
    "decay after the step": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            (1 - eta * lmbda / n) * (w - eta / m * nw),
            b - eta / m * nb,
        ),
        "after the gradient step",
    ),
    "L1 instead": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            w - eta * lmbda / n * np.sign(w) - eta / m * nw,
            b - eta / m * nb,
        ),
        "that is L1's step",
    ),
    "only w": (
        lambda w, b, nw, nb, eta, lmbda, n, m: l2_right(w, b, nw, nb, eta, lmbda, n, m)[0],
        "those are the new weights: return the biases too",
    ),
    "(b, w)": (
        lambda w, b, nw, nb, eta, lmbda, n, m: l2_right(w, b, nw, nb, eta, lmbda, n, m)[::-1],
        r"returned \(b, w\)",
    ),
    "None": (lambda w, b, nw, nb, eta, lmbda, n, m: None, "returned None"),
    "transposed": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            l2_right(w, b, nw, nb, eta, lmbda, n, m)[0].T,
            b - eta / m * nb,
        ),
        "transpose",
    ),
    "raises": (
        lambda w, b, nw, nb, eta, lmbda, n, m: w @ nw,
        "raised ValueError",
    ),
    "gradient over n": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            (1 - eta * lmbda / n) * w - eta / n * nw,
            b - eta / n * nb,
        ),
        "the gradient is divided by n = 12",
    ),
    "lambda not over n": (
        lambda w, b, nw, nb, eta, lmbda, n, m: l2_right(w, b, nw, nb, eta, lmbda, 1, m),
        "lambda is not divided by n",
    ),
    "lambda over m, biases decayed too": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            (1 - eta * lmbda / m) * w - eta / m * nw,
            (1 - eta * lmbda / m) * b - eta / m * nb,
        ),
        "divided by the mini-batch size.*and the new biases are wrong too",
    ),
}


@pytest.mark.parametrize("mistake", L2_MISTAKES, ids=str)
def test_l2_step_names_each_mistake(mistake):
    fn, diagnosis = L2_MISTAKES[mistake]
    with pytest.raises(CheckFailed, match=diagnosis):
        check.l2_step(fn)


# -- l1_step ----------------------------------------------------------------------------------
def l1_right(w, b, nw, nb, eta, lmbda, n, m):
    return w - eta * lmbda / n * np.sign(w) - eta / m * nw, b - eta / m * nb


def l1_by_cases(w, b, nw, nb, eta, lmbda, n, m):
    sgn = np.where(w > 0, 1.0, np.where(w < 0, -1.0, 0.0)).astype(np.float32)
    return (w - eta / m * nw - eta * lmbda / n * sgn).astype(np.float32), b - eta * nb / m


def test_l1_step_passes_the_right_step_and_a_float32_one():
    check.l1_step(l1_right)
    check.l1_step(l1_by_cases)


def _l1_with(sign, scale=1.0, m_for_n=False, bias_too=False):
    def fn(w, b, nw, nb, eta, lmbda, n, m):
        pull = eta * lmbda / (m if m_for_n else n) * scale
        b_pull = pull * np.sign(b) if bias_too else 0.0
        return w - pull * sign(w) - eta / m * nw, b - b_pull - eta / m * nb

    return fn


def _ratio(w):
    with np.errstate(invalid="ignore"):
        return w / np.abs(w)


L1_MISTAKES = {
    "w for sgn(w)": (_l1_with(lambda w: w), "that is L2's step"),
    "sgn(0) = 1": (_l1_with(lambda w: np.where(w >= 0, 1.0, -1.0)), r"sgn\(0\) is taken as 1"),
    "w/|w|": (_l1_with(_ratio), "NaN where a weight is exactly 0"),
    "lambda over m": (_l1_with(np.sign, m_for_n=True), "divided by the mini-batch size"),
    "|w|": (_l1_with(np.abs), r"\|w\| is used where sgn\(w\) belongs"),
    "halved": (_l1_with(np.sign, scale=0.5), "the pull is halved"),
    "wrong sign": (_l1_with(np.sign, scale=-1.0), "wrong sign"),
    "biases too": (_l1_with(np.sign, bias_too=True), "the biases are regularised too"),
    "biases unchanged": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (l1_right(w, b, nw, nb, eta, lmbda, n, m)[0], b),
        r"b was returned unchanged: the biases still take the plain step",
    ),
    "sgn(0) = -1": (_l1_with(lambda w: np.where(w > 0, 1.0, -1.0)), r"sgn\(0\) is taken as -1"),
    "sgn of the gradient": (
        lambda w, b, nw, nb, eta, lmbda, n, m: (
            w - eta * lmbda / n * np.sign(nw) - eta / m * nw,
            b - eta / m * nb,
        ),
        r"the sign of the gradient",
    ),
    "doubled": (_l1_with(np.sign, scale=2.0), "a factor 2 in the pull"),
    "sgn after the step": (
        lambda w, b, nw, nb, eta, lmbda, n, m: _after_step(w, b, nw, nb, eta, lmbda, n, m, np.sign),
        "the sign of the weights after the gradient step",
    ),
    "clipped at 0": (
        lambda w, b, nw, nb, eta, lmbda, n, m: _after_step(w, b, nw, nb, eta, lmbda, n, m, None),
        "the pull stops at 0",
    ),
}


def _after_step(w, b, nw, nb, eta, lmbda, n, m, sign):
    """L1's pull applied to the weights after the gradient step (sign), or clipped at 0."""
    u = w - eta / m * nw
    pull = eta * lmbda / n
    new = u - pull * sign(u) if sign else np.sign(u) * np.maximum(np.abs(u) - pull, 0.0)
    return new, b - eta / m * nb


@pytest.mark.parametrize("mistake", L1_MISTAKES, ids=str)
def test_l1_step_names_each_mistake(mistake):
    fn, diagnosis = L1_MISTAKES[mistake]
    with pytest.raises(CheckFailed, match=diagnosis):
        check.l1_step(fn)


# -- dropout ----------------------------------------------------------------------------------
def dropout_right(A, p, rng, training=True):
    if not training:
        return A, np.ones_like(A)
    mask = rng.random(A.shape) >= p
    return A * mask / (1 - p), mask


def dropout_binomial_float32(A, p, rng, training=True):
    if not training:
        return A.astype(np.float32), np.ones(A.shape, np.float32)
    mask = rng.binomial(1, 1 - p, size=A.shape).astype(np.float32)
    return (A * mask / (1 - p)).astype(np.float32), mask


def dropout_keep_below(A, p, rng, training=True):
    keep = 1 - p
    mask = (rng.uniform(size=A.shape) < keep) if training else np.ones(A.shape, bool)
    return (np.where(mask, A / keep, 0.0) if training else A.copy()), mask.astype(int)


@pytest.mark.parametrize("fn", [dropout_right, dropout_binomial_float32, dropout_keep_below])
def test_dropout_passes_correct_variants(fn, capsys):
    check.dropout(fn)
    assert "one mask per example" in capsys.readouterr().out


def _dropping(
    *,
    scale=lambda p: 1 / (1 - p),
    keep=lambda p: 1 - p,
    shape=lambda A: A.shape,
    at_test=None,
    draw=lambda rng, shape: rng.random(shape),
    mask_out=lambda mask, p: mask,
):
    def fn(A, p, rng, training=True):
        if not training and at_test is None:
            return A, np.ones_like(A)
        if not training:
            return at_test(A, p, rng)
        mask = (draw(rng, shape(A)) < keep(p)).astype(float)
        return A * mask * scale(p), mask_out(mask, p)

    return fn


def _global_random(rng, shape):
    return np.random.random(shape)


def _drop_in_place(A, p, rng, training=True):
    mask = rng.random(A.shape) >= p
    A *= mask / (1 - p)
    return A, mask


def _drop_always(A, p, rng, training=True):
    return dropout_right(A, p, rng, True)


DROPOUT_MISTAKES = {
    "no rescaling": (_dropping(scale=lambda p: 1.0), "not rescaled"),
    "times (1 - p)": (_dropping(scale=lambda p: 1 - p), r"multiplied by \(1 - p\)"),
    "divided by p": (_dropping(keep=lambda p: 1 - p, scale=lambda p: 1 / p), "divided by p"),
    "p as keep": (_dropping(keep=lambda p: p, scale=lambda p: 1 / p), "not of keeping it"),
    "p as keep, scaled right": (_dropping(keep=lambda p: p), "not of keeping it"),
    "one mask (n_units,)": (
        _dropping(shape=lambda A: A.shape[1:]),
        r"one mask of shape \(20,\) is shared",
    ),
    "whole examples dropped": (
        _dropping(shape=lambda A: (len(A), 1), mask_out=lambda m, p: np.tile(m, (1, 20))),
        r"each example \(row\) is kept or dropped whole",
    ),
    "one mask, broadcast": (
        _dropping(shape=lambda A: A.shape[1:], mask_out=lambda m, p: np.tile(m, (2000, 1))),
        "one mask is shared by every example",
    ),
    "dropped at test time": (_drop_always, "dropout is applied at test time"),
    "scaled at test time": (
        _dropping(at_test=lambda A, p, rng: (A * (1 - p), np.ones_like(A))),
        r"at test time A is multiplied by \(1 - p\)",
    ),
    "zero mask at test time": (
        _dropping(at_test=lambda A, p, rng: (A, np.zeros_like(A))),
        r"A comes back unchanged, as it should, but the mask does not say so",
    ),
    "inverted mask": (_dropping(mask_out=lambda m, p: 1 - m), "the mask is inverted"),
    "scaled mask": (
        _dropping(mask_out=lambda m, p: m / (1 - p)),
        "the mask is already scaled",
    ),
    "np.random": (_dropping(draw=_global_random), "not from np.random"),
    "in place": (_drop_in_place, "changed in place"),
    "only A": (lambda A, p, rng, training=True: A, r"the mask too"),
    "nothing dropped": (lambda A, p, rng, training=True: (A, np.ones_like(A)), "no neuron"),
    "mask of another shape": (
        lambda A, p, rng, training=True: (A, np.ones((5, 5))),
        r"the mask has shape \(5, 5\)",
    ),
}


@pytest.mark.parametrize("mistake", DROPOUT_MISTAKES, ids=str)
def test_dropout_names_each_mistake(mistake):
    fn, diagnosis = DROPOUT_MISTAKES[mistake]
    with pytest.raises(CheckFailed, match=diagnosis):
        check.dropout(fn)


# -- should_stop ------------------------------------------------------------------------------
def stop_right(val_accuracies, patience):
    best = int(np.argmax(val_accuracies)) + 1
    return len(val_accuracies) - best >= patience, best


def stop_by_loop(val_accuracies, patience):
    best_value, best_epoch = -1.0, 0
    for epoch, a in enumerate(val_accuracies, start=1):
        if a > best_value:
            best_value, best_epoch = a, epoch
    return [np.bool_(len(val_accuracies) - best_epoch >= patience), np.int64(best_epoch)]


@pytest.mark.parametrize("fn", [stop_right, stop_by_loop])
def test_should_stop_passes_correct_variants(fn, capsys):
    check.should_stop(fn)
    assert "stops after epoch 11" in capsys.readouterr().out


def stop_first_drop(acc, patience):
    return len(acc) > 1 and acc[-1] < acc[-2], int(np.argmax(acc)) + 1


def stop_late(acc, patience):
    best = int(np.argmax(acc)) + 1
    return len(acc) - best > patience, best


def stop_early(acc, patience):
    best = int(np.argmax(acc)) + 1
    return len(acc) - best >= patience - 1, best


def stop_against_last(acc, patience):
    run = 0
    for before, now in zip(acc, acc[1:]):
        run = run + 1 if now <= before else 0
    return run >= patience, int(np.argmax(acc)) + 1


def stop_window(acc, patience):
    stop = len(acc) > patience and max(acc[-patience:]) <= acc[-patience - 1]
    return stop, int(np.argmax(acc)) + 1


def stop_ties_improve(acc, patience):
    best = len(acc) - int(np.argmax(acc[::-1]))
    return len(acc) - best >= patience, best


def stop_index(acc, patience):
    best = int(np.argmax(acc))
    return len(acc) - 1 - best >= patience, best


def stop_index_early(acc, patience):
    best = int(np.argmax(acc))
    return len(acc) - best >= patience, best


STOP_MISTAKES = {
    "first drop": (stop_first_drop, "stops at the first drop"),
    "late": (stop_late, "stops one epoch late"),
    "early": (stop_early, "stops one epoch early"),
    "against the last epoch": (stop_against_last, "compares each epoch with the one before"),
    "against the epoch before the window": (stop_window, "not with the best so far"),
    "ties improve": (stop_ties_improve, "a tie counts as an improvement"),
    "index": (stop_index, "counts from 0"),
    "index, early": (stop_index_early, "counts from 0 .* one epoch early"),
    "best accuracy": (
        lambda acc, patience: (stop_right(acc, patience)[0], max(acc)),
        "the best accuracy itself",
    ),
    "only the bool": (lambda acc, patience: stop_right(acc, patience)[0], "should return the pair"),
    "raises": (lambda acc, patience: acc.index(max(acc)) / 0, "raised ZeroDivisionError"),
    "stop a string": (lambda acc, patience: ("no", 1), "stop should be True or False"),
    "== patience": (
        lambda acc, patience: (
            len(acc) - stop_right(acc, patience)[1] == patience,
            stop_right(acc, patience)[1],
        ),
        r"stays True \(>=, not ==\)",
    ),
    "a tie in the last epochs keeps it going": (
        lambda acc, patience: (
            len(acc) >= patience and max(acc[-patience:]) < max(acc),
            stop_right(acc, patience)[1],
        ),
        "a tie counts as an improvement",
    ),
}


@pytest.mark.parametrize("mistake", STOP_MISTAKES, ids=str)
def test_should_stop_names_each_mistake(mistake):
    fn, diagnosis = STOP_MISTAKES[mistake]
    with pytest.raises(CheckFailed, match=diagnosis):
        check.should_stop(fn)


def test_should_stop_names_a_rule_that_never_stops():
    # Not "compares each epoch with the one before": that rule does stop, on a steady decline.
    with pytest.raises(CheckFailed, match="never returned stop=True") as info:
        check.should_stop(lambda acc, patience: (False, int(np.argmax(acc)) + 1))
    assert "after epoch 11, 3 epochs after the best (epoch 8)" in str(info.value)
    assert "one before" not in str(info.value)


def test_an_unwritten_exercise_passes_through():
    def stub(*args):
        raise NotImplementedError("your code here: write l2_step")

    for name in ("l2_step", "l1_step", "dropout", "should_stop"):
        with pytest.raises(NotImplementedError):
            getattr(check, name)(stub)


# -- whatever comes back, a diagnosis and never a crash ------------------------------------------
ODD_ANSWERS = [
    None,
    1.5,
    "w, b",
    {"w": 1},
    [],
    [1, 2, 3],
    (None, None),
    ("a", "b"),
    (np.zeros(3), np.zeros(3)),
    (np.full((4, 5), np.nan), np.zeros(4)),
    (x for x in range(2)),
    (np.zeros((2000, 20)), np.zeros((2000, 20), complex)),
    (np.zeros((2000, 20)), np.full((2000, 20), np.nan)),
    (True, 1.5),
    (object(), object()),
    np.zeros((2000, 20)),
]


@pytest.mark.parametrize("name", ["l2_step", "l1_step", "dropout", "should_stop"])
@pytest.mark.parametrize("answer", ODD_ANSWERS, ids=lambda a: type(a).__name__)
def test_an_odd_answer_is_a_check_failure(name, answer):
    with pytest.raises(CheckFailed):
        getattr(check, name)(lambda *args, **kwargs: answer)
