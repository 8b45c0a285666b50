"""Lab 10's checks against typical wrong answers: every mistake SECTION2.md lists for
``momentum_step``, ``PlateauHalving`` and ``update_ratio`` (and others found while writing
them) gets its own diagnosis, and right answers (float32, another valid formulation) pass."""

import math

import numpy as np
import pytest
from _labs import fails_with

from nnwidgets import Callback, Network, load_bundled
from nnwidgets.labs import check
from nnwidgets.training import Trainer


# -- momentum_step -------------------------------------------------------------------------------
def momentum_right(w, v, grad, eta, mu):
    v = mu * v - eta * grad
    return w + v, v


def momentum_in_place(w, v, grad, eta, mu):
    v *= mu
    v -= eta * grad
    w += v
    return w, v


def momentum_float32(w, v, grad, eta, mu):
    w, v, grad = (np.asarray(a, dtype=np.float32) for a in (w, v, grad))
    v = np.float32(mu) * v - np.float32(eta) * grad
    return w + v, v


@pytest.mark.parametrize("fn", [momentum_right, momentum_in_place, momentum_float32])
def test_momentum_step_passes_right_answers(fn, capsys):
    check.momentum_step(fn)
    assert capsys.readouterr().out.startswith("\u2713 momentum_step")


def test_momentum_step_agrees_with_the_trainer():
    # The check's reference is the Trainer's rule; so is the reader's step, on a real network:
    # two mini-batches of Trainer(momentum=0.9) against two momentum_step calls per parameter.
    data = load_bundled()
    X, y = data.X_train[:20], data.y_train[:20]
    net = Network([784, 5, 10], seed=0, dtype="float64")
    mine = net.copy()
    Trainer(
        net, X, y, epochs=1, batch_size=10, learning_rate=0.3, momentum=0.9, shuffle=False
    ).run()
    velocity = [np.zeros_like(p) for p in mine.weights + mine.biases]
    params = mine.weights + mine.biases
    for start in (0, 10):
        Y = mine.targets(y[start : start + 10], 10)
        nabla_b, nabla_w, _ = mine.backprop(X[start : start + 10], Y)
        for i, grad in enumerate(nabla_w + nabla_b):
            params[i][...], velocity[i] = momentum_right(params[i], velocity[i], grad, 0.3, 0.9)
    for a, b in zip(net.weights + net.biases, params):
        np.testing.assert_allclose(a, b, rtol=1e-10, atol=1e-12)


MOMENTUM_MISTAKES = {
    "old v": (lambda w, v, g, eta, mu: (w + v, mu * v - eta * g), "moved by the old velocity"),
    "old v plus step": (
        lambda w, v, g, eta, mu: (w + v - eta * g, mu * v - eta * g),
        "old velocity plus the gradient step",
    ),
    "sign": (lambda w, v, g, eta, mu: (w + mu * v + eta * g, mu * v + eta * g), "goes uphill"),
    "w minus v": (
        lambda w, v, g, eta, mu: (w - (mu * v - eta * g), mu * v - eta * g),
        "against the velocity",
    ),
    "mu missing": (lambda w, v, g, eta, mu: (w + v - eta * g, v - eta * g), "mu is missing"),
    "mu on gradient": (
        lambda w, v, g, eta, mu: (w + v - mu * eta * g, v - mu * eta * g),
        "mu multiplies the gradient instead",
    ),
    "mu on both": (
        lambda w, v, g, eta, mu: (w + mu * (v - eta * g), mu * (v - eta * g)),
        "mu multiplies the gradient step too",
    ),
    "swapped eta mu": (
        lambda w, v, g, eta, mu: (w + eta * v - mu * g, eta * v - mu * g),
        "eta and mu swapped",
    ),
    "damped": (
        lambda w, v, g, eta, mu: (w + mu * v - (1 - mu) * eta * g, mu * v - (1 - mu) * eta * g),
        "(1 - mu)",
    ),
    "v not updated": (
        lambda w, v, g, eta, mu: (w + mu * v - eta * g, v),
        "the velocity is not updated",
    ),
    "v not updated, plain step": (
        lambda w, v, g, eta, mu: (w - eta * g, v),
        "w took a plain gradient step",
    ),
    "plain step": (
        lambda w, v, g, eta, mu: (w - eta * g, mu * v - eta * g),
        "ignored the velocity",
    ),
    "v, w": (lambda w, v, g, eta, mu: (mu * v - eta * g, w + mu * v - eta * g), "returned (v, w)"),
    "nesterov": (
        lambda w, v, g, eta, mu: (w - mu * v + (1 + mu) * (mu * v - eta * g), mu * v - eta * g),
        "Nesterov",
    ),
    "pytorch": (
        lambda w, v, g, eta, mu: (w - eta * (mu * v + g), mu * v + g),
        "PyTorch's convention",
    ),
    "eta missing": (lambda w, v, g, eta, mu: (w + mu * v - g, mu * v - g), "eta is missing"),
    "gradient twice": (
        lambda w, v, g, eta, mu: (w + mu * v - 2 * eta * g, mu * v - eta * g),
        "the gradient step is taken twice",
    ),
    "v with the opposite sign": (
        lambda w, v, g, eta, mu: (w - (mu * v + eta * g), mu * v + eta * g),
        "v kept with the opposite sign",
    ),
    "only w": (lambda w, v, g, eta, mu: w + mu * v - eta * g, "returned only the new w"),
    "only v": (lambda w, v, g, eta, mu: mu * v - eta * g, "returned only the new v"),
    "None": (lambda w, v, g, eta, mu: None, "should return the pair (w, v)"),
    "transposed": (
        lambda w, v, g, eta, mu: ((w + mu * v - eta * g).T, (mu * v - eta * g).T),
        "transpose",
    ),
    "raises": (lambda w, v, g, eta, mu: w @ v, "raised ValueError"),
}


@pytest.mark.parametrize("mistake", MOMENTUM_MISTAKES)
def test_momentum_step_diagnoses(mistake):
    fn, phrase = MOMENTUM_MISTAKES[mistake]
    fails_with(check.momentum_step, fn, phrase, "input:", "expected:", "got:")


def test_momentum_step_lets_an_unwritten_exercise_through():
    def stub(w, v, grad, eta, mu):
        raise NotImplementedError("your code here: write momentum_step")

    with pytest.raises(NotImplementedError, match="momentum_step"):
        check.momentum_step(stub)


# -- PlateauHalving ------------------------------------------------------------------------------
def plateau_class(
    *,
    tie=False,
    restart_on_rise=False,
    on_drop=False,
    reset=True,
    stops=True,
    below=False,
    from_start=False,
    check_first=False,
    extra_wait=0,
    state_in_init=False,
    default_floor=1 / 128,
    watch="val_accuracy",
    attribute="learning_rate",
    exact=False,
    absolute_floor=False,
):
    """The reader's PlateauHalving, right by default, with one typical mistake when asked."""

    class PlateauHalving(Callback):
        def __init__(self, patience, floor=default_floor):
            self.patience, self.floor = patience, floor
            if state_in_init:
                self.best, self.waited, self.eta0, self.previous = -math.inf, 0, None, None

        def on_train_begin(self, trainer):
            if not state_in_init:
                self.best, self.waited, self.previous = -math.inf, 0, None
                self.eta0 = trainer.learning_rate

        def on_epoch_end(self, trainer, epoch, logs):
            if self.eta0 is None:
                self.eta0 = trainer.learning_rate
            score = logs[watch] if watch != "val_loss" else -logs["val_loss"]
            halve = False
            if on_drop:
                halve = self.previous is not None and score < self.previous
            elif score > self.best or (tie and score == self.best):
                self.best, self.waited = max(score, self.best), 0
            elif restart_on_rise and self.previous is not None and score > self.previous:
                self.waited = 0
            else:
                self.waited += 1
                wait = self.patience + extra_wait
                halve = self.waited == wait if exact else self.waited >= wait
            self.previous = score
            if not halve:
                return
            limit = self.floor if absolute_floor else self.eta0 * self.floor
            if check_first and trainer.learning_rate <= limit:
                trainer.stop()
                return
            if reset:
                self.waited = 0
            rate = (self.eta0 if from_start else trainer.learning_rate) / 2
            setattr(trainer, attribute, rate)
            reached = rate < limit if below else rate <= limit
            if stops and reached and not check_first:
                trainer.stop()

    return PlateauHalving


def test_plateau_halving_passes_the_right_answer(capsys):
    check.PlateauHalving(plateau_class())
    assert capsys.readouterr().out.startswith("\u2713 PlateauHalving")


def test_plateau_halving_with_history_and_a_stop_at_the_next_epoch_passes():
    # Another valid formulation: reads trainer.history instead of logs, and asks to stop from
    # on_epoch_begin of the next epoch (the Trainer then trains none of it).
    class PlateauHalving(Callback):
        def __init__(self, patience, floor=1 / 128):
            self.patience, self.floor = patience, floor

        def on_train_begin(self, trainer):
            self.eta0, self.best, self.bad, self.done = trainer.learning_rate, 0.0, 0, False

        def on_epoch_begin(self, trainer, epoch):
            if self.done:
                trainer.stop()

        def on_epoch_end(self, trainer, epoch, logs):
            accuracy = trainer.history.val_accuracy[-1]
            if accuracy > self.best:
                self.best, self.bad = accuracy, 0
                return
            self.bad += 1
            if self.bad == self.patience:
                self.bad = 0
                trainer.learning_rate *= 0.5
                self.done = trainer.learning_rate / self.eta0 <= self.floor

    check.PlateauHalving(PlateauHalving)


def test_a_callback_reading_what_the_stand_in_lacks_is_told_what_it_has():
    class PlateauHalving(Callback):
        def __init__(self, patience, floor=1 / 128):
            self.patience = patience

        def on_epoch_end(self, trainer, epoch, logs):
            self.mu = trainer.momentum  # the real Trainer has it; the check's stand-in does not

    fails_with(
        check.PlateauHalving,
        PlateauHalving,
        "stand-in for the Trainer, which has no 'momentum'",
        "trainer.history.val_accuracy",
        report=False,
    )


def test_plateau_halving_runs_in_a_real_trainer():
    # The class the check passes does what it says inside the Trainer: it halves and stops.
    data = load_bundled()
    net = Network([784, 10, 10], seed=0)
    cb = plateau_class()(1, floor=1 / 4)
    Trainer(
        net,
        data.X_train[:200],
        data.y_train[:200],
        epochs=40,
        batch_size=20,
        learning_rate=0.01,
        validation=(data.X_test[:50], data.y_test[:50]),
        callbacks=[cb],
    ).run()
    h = net.history_
    assert h.status == "stopped" and h.epochs < 40
    assert math.isclose(h.learning_rate[-1], 0.005)  # the rate of the last epoch trained


PLATEAU_MISTAKES = {
    "halves on every drop": (dict(on_drop=True), "halves whenever the accuracy drops"),
    "restarts without improvement": (
        dict(restart_on_rise=True),
        "restarts its patience when the accuracy rises without beating the best",
    ),
    "tie improves": (dict(tie=True), "counts a tie"),
    "no reset after halving": (dict(reset=False), "does not count afresh"),
    "no reset after halving, ==": (dict(reset=False, exact=True), "halves once and then never"),
    "floor not times the start": (
        dict(absolute_floor=True),
        "the floor is compared with the learning rate itself",
    ),
    "never stops": (dict(stops=False), "never stops"),
    "stops below the floor": (dict(below=True), "stops one halving late"),
    "checks the floor first": (dict(check_first=True), "stops one plateau late"),
    "halves the start": (dict(from_start=True), "half the starting rate every time"),
    "one epoch late": (dict(extra_wait=1), "one too many"),
    "one epoch early": (dict(extra_wait=-1), "one too few"),
    "state in __init__": (dict(state_in_init=True), "the second run remembers the first"),
    "default floor 1/64": (dict(default_floor=1 / 64), "the default floor is 1/64"),
    "default floor 1/100": (dict(default_floor=1 / 100), "the default floor is 1/100:"),
    "watches training accuracy": (dict(watch="accuracy"), "never changed"),
    "watches validation loss": (dict(watch="val_loss"), "validation loss improve"),
    "sets another attribute": (dict(attribute="eta"), "assign trainer.learning_rate"),
}


@pytest.mark.parametrize("mistake", PLATEAU_MISTAKES)
def test_plateau_halving_diagnoses(mistake):
    settings, phrase = PLATEAU_MISTAKES[mistake]
    fails_with(check.PlateauHalving, plateau_class(**settings), phrase, "input:", "expected:")


def test_plateau_halving_refuses_what_is_not_a_callback_class():
    # Refused before anything runs: there is no input to show.
    fails_with(check.PlateauHalving, plateau_class()(3), "pass the class itself", report=False)

    class NotACallback:
        def __init__(self, patience, floor=1 / 128):
            pass

    fails_with(check.PlateauHalving, NotACallback, "is not a Callback", "(Callback)", report=False)


def test_plateau_halving_reports_an_error_inside_the_callback():
    class PlateauHalving(Callback):
        def __init__(self, patience, floor=1 / 128):
            self.patience = patience

        def on_epoch_end(self, trainer, epoch, logs):
            trainer.learning_rate = 0.0  # the Trainer refuses a rate of 0

    fails_with(check.PlateauHalving, PlateauHalving, "on_epoch_end raised ValueError")


def test_plateau_halving_lets_an_unwritten_exercise_through():
    class PlateauHalving(Callback):
        def __init__(self, patience, floor=1 / 128):
            raise NotImplementedError("your code here: write PlateauHalving.__init__")

    with pytest.raises(NotImplementedError, match="PlateauHalving"):
        check.PlateauHalving(PlateauHalving)


# -- update_ratio --------------------------------------------------------------------------------
def ratio_right(w_before, w_after):
    return [np.linalg.norm(a - b) / np.linalg.norm(b) for b, a in zip(w_before, w_after)]


def ratio_by_after(w_before, w_after):
    return np.array([np.linalg.norm(a - b) / np.linalg.norm(a) for b, a in zip(w_before, w_after)])


def ratio_float32(w_before, w_after):
    return [
        np.float32(np.linalg.norm(np.float32(a) - np.float32(b)) / np.linalg.norm(np.float32(b)))
        for b, a in zip(w_before, w_after)
    ]


def ratio_sqrt_sums(w_before, w_after):
    return tuple(
        np.sqrt(((a - b) ** 2).sum()) / np.sqrt((b**2).sum()) for b, a in zip(w_before, w_after)
    )


@pytest.mark.parametrize("fn", [ratio_right, ratio_by_after, ratio_float32, ratio_sqrt_sums])
def test_update_ratio_passes_right_answers(fn, capsys):
    check.update_ratio(fn)
    assert capsys.readouterr().out.startswith("\u2713 update_ratio")


def _per_layer(f):
    return lambda w_before, w_after: [f(b, a) for b, a in zip(w_before, w_after)]


N = np.linalg.norm
RATIO_MISTAKES = {
    "one norm for all layers": (
        lambda wb, wa: (
            np.sqrt(sum(((a - b) ** 2).sum() for b, a in zip(wb, wa)))
            / np.sqrt(sum((b**2).sum() for b in wb))
        ),
        "one norm over all the layers together",
    ),
    "reversed": (lambda wb, wa: ratio_right(wb, wa)[::-1], "reverse order"),
    "ratio of norms": (_per_layer(lambda b, a: N(a) / N(b)), "a ratio of norms"),
    "difference of norms": (_per_layer(lambda b, a: (N(a) - N(b)) / N(b)), "difference of norms"),
    "abs difference of norms": (
        _per_layer(lambda b, a: abs(N(a) - N(b)) / N(b)),
        "difference of norms",
    ),
    "inverted": (_per_layer(lambda b, a: N(b) / N(a - b)), "upside down"),
    "squared": (_per_layer(lambda b, a: N(a - b) ** 2 / N(b) ** 2), "squared norms"),
    "not divided": (_per_layer(lambda b, a: N(a - b)), "not divided by the size"),
    "elementwise": (_per_layer(lambda b, a: np.mean(np.abs(a - b) / np.abs(b))), "elementwise"),
    "max": (_per_layer(lambda b, a: np.abs(a - b).max() / np.abs(b).max()), "largest entries"),
    "mean abs": (_per_layer(lambda b, a: np.abs(a - b).mean() / np.abs(b).mean()), "means of"),
    "per row": (
        _per_layer(lambda b, a: N(a - b, axis=1) / N(b, axis=1)),
        "one number: the norm of the whole matrix",
    ),
    "None": (lambda wb, wa: None, "the list of ratios is None"),
    "generator": (lambda wb, wa: (N(a - b) / N(b) for b, a in zip(wb, wa)), "generator"),
}


@pytest.mark.parametrize("mistake", RATIO_MISTAKES)
def test_update_ratio_diagnoses(mistake):
    fn, phrase = RATIO_MISTAKES[mistake]
    fails_with(check.update_ratio, fn, phrase, "input:", "expected:", "got:")


def test_the_checks_are_reached_through_check():
    from nnwidgets.labs import check_hyper

    assert set(check_hyper.__all__) == {"momentum_step", "PlateauHalving", "update_ratio"}
    assert all(getattr(check, name) is getattr(check_hyper, name) for name in check_hyper.__all__)


def test_plateau_halving_names_a_default_floor_set_inside():
    # floor=None in the signature, the wrong default filled in by the body: behaviour shows it.
    base = plateau_class()

    class PlateauHalving(base):
        def __init__(self, patience, floor=None):
            super().__init__(patience, 1 / 64 if floor is None else floor)

    fails_with(check.PlateauHalving, PlateauHalving, "the default floor is 1/64", "input:")
