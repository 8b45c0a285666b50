r"""Checks for lab 10 (choosing hyper-parameters): ``check.momentum_step(momentum_step)``,
``check.PlateauHalving(PlateauHalving)`` and ``check.update_ratio(update_ratio)``.

- :func:`momentum_step` compares one step with the Trainer's own rule
  (:class:`nnwidgets.momentum.Velocity`, then ``w += v``) on a 2x3 weight matrix with a velocity
  already moving, so that every term shows.
- :func:`PlateauHalving` drives the reader's :class:`~nnwidgets.training.Callback` through a
  scripted sequence of validation accuracies with a stand-in trainer, and compares the learning
  rate after every epoch and the epoch at which it stops.
- :func:`update_ratio` gives three layers of different shapes (a network [3, 5, 4, 2]) whose
  updates have different sizes, so a norm over all layers or a reversed list shows.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from ..momentum import Velocity
from ..training import Callback, History, LiveNumber
from ._report import (
    CheckFailed,
    Text,
    as_array,
    call,
    close,
    describe,
    diagnose,
    fail,
    numbers,
    passed,
    shape_problem,
    show,
)

__all__ = ["momentum_step", "PlateauHalving", "update_ratio"]


# -- momentum ------------------------------------------------------------------------------------
W_M = np.array([[0.5, -1.0, 2.0], [1.5, 0.25, -0.75]])
V_M = np.array([[0.2, -0.1, 0.05], [-0.3, 0.4, 0.1]])
G_M = np.array([[1.0, 0.5, -2.0], [0.3, -1.2, 0.8]])
ETA_M, MU_M = 0.5, 0.9


def _momentum_reference(w, v, grad, eta, mu):
    """The Trainer's rule, run through its own code: ``v = mu v - eta grad; w += v``."""
    velocity = Velocity([w.shape], np.float64)
    velocity.update(v.ravel(), mu)  # a velocity at rest takes the first step as it is: v
    velocity.update((-eta * grad).ravel(), mu)  # v = mu * v - eta * grad
    new_v = velocity.views[0].copy()
    return w + new_v, new_v


def momentum_step(fn):
    r"""``fn(w, v, grad, eta, mu)`` takes one step of momentum gradient descent and returns the
    new ``(w, v)``: :math:`v \to \mu v - \eta\nabla C`, then :math:`w \to w + v` (NNDL ch3, and
    what ``Trainer(momentum=mu)`` does to every weight and bias)."""
    name = "momentum_step"
    w, v, g, eta, mu = W_M, V_M, G_M, ETA_M, MU_M
    inputs = (
        f"w = {show(w)}, v = {show(v)}, grad = {show(g)}, eta = {eta}, mu = {mu} "
        f"(a velocity already moving, from an earlier step)"
    )
    exp_w, exp_v = _momentum_reference(w, v, g, eta, mu)
    expected_text = Text(f"the pair (w, v): w = {show(exp_w)}, v = {show(exp_v)}")
    out = call(fn, name, inputs, w.copy(), v.copy(), g.copy(), eta, mu, expect=expected_text)
    if isinstance(out, (tuple, list)) and len(out) == 2:
        got_w = as_array(out[0], name, inputs, exp_w, what="the new w (first of the pair)")
        got_v = as_array(out[1], name, inputs, exp_v, what="the new v (second of the pair)")
    else:
        single = None if isinstance(out, (tuple, list)) else numbers(out)
        if single is not None and close(single, exp_w):
            diagnosis = (
                "returned only the new w: return the pair (w, v), since the next step needs the "
                "new velocity v"
            )
        elif single is not None and close(single, exp_v):
            diagnosis = "returned only the new v: return the pair (w, v), the weights first"
        else:
            diagnosis = "should return the pair (w, v): the new weights, then the new velocity"
        fail(name, inputs, expected_text, describe(out), diagnosis)
    for got, exp, what in ((got_w, exp_w, "the new w"), (got_v, exp_v, "the new v")):
        problem = shape_problem(got, exp, what)
        if problem:
            fail(name, inputs, exp, got, problem)

    def pair(new_w, new_v):
        return np.stack([new_w, new_v])

    moved = mu * v - eta * g
    mistakes = [
        (
            "w moved by the old velocity: update v first (v = mu v - eta grad), then w = w + v "
            "with the new v",
            pair(w + v, moved),
        ),
        (
            "the new v is right but w moved by the old velocity plus the gradient step: "
            "w = w + v with the new v is all it takes",
            pair(w + v - eta * g, moved),
        ),
        (
            "the velocity goes uphill: v = mu v + eta grad climbs the cost; the gradient term "
            "needs a minus, v = mu v - eta grad",
            pair(w + (mu * v + eta * g), mu * v + eta * g),
        ),
        (
            "w moved against the velocity: the velocity already holds the minus sign of the "
            "gradient step, so w = w + v (not w - v)",
            pair(w - moved, moved),
        ),
        (
            "mu is missing: v = v - eta grad never forgets old steps (that is mu = 1); the old "
            "velocity is multiplied by mu, v = mu v - eta grad",
            pair(w + v - eta * g, v - eta * g),
        ),
        (
            "eta is missing: v = mu v - grad takes the whole gradient as a step; the learning "
            "rate scales it, v = mu v - eta grad",
            pair(w + mu * v - g, mu * v - g),
        ),
        (
            "the gradient step is taken twice: the new v already holds - eta grad, so w = w + v "
            "with nothing more",
            pair(w + moved - eta * g, moved),
        ),
        (
            "v kept with the opposite sign (v = mu v + eta grad, then w = w - v): that is the "
            "same rule only for a v stored negated; here v is the step itself, as the Trainer "
            "keeps it, so v = mu v - eta grad and w = w + v",
            pair(w - (mu * v + eta * g), mu * v + eta * g),
        ),
        (
            "mu multiplies the gradient instead of the old velocity: v = mu v - eta grad",
            pair(w + v - mu * eta * g, v - mu * eta * g),
        ),
        (
            "mu multiplies the gradient step too: v = mu (v - eta grad); only the old velocity "
            "is multiplied by mu, v = mu v - eta grad",
            pair(w + mu * (v - eta * g), mu * (v - eta * g)),
        ),
        (
            "eta and mu swapped: v = mu v - eta grad, with mu the momentum (the 5th argument) "
            "and eta the learning rate (the 4th)",
            pair(w + eta * v - mu * g, eta * v - mu * g),
        ),
        (
            "a damped velocity, v = mu v - (1 - mu) eta grad (an average of gradients): the "
            "book's and the Trainer's rule has no (1 - mu), v = mu v - eta grad",
            pair(w + mu * v - (1 - mu) * eta * g, mu * v - (1 - mu) * eta * g),
        ),
        (
            "the velocity is not updated: the v returned is the old one, so the next step "
            "starts from a stale velocity; return the new v",
            pair(w + moved, v),
        ),
        (
            "the velocity is not updated, and w took a plain gradient step: v = mu v - eta grad,"
            " then w = w + v",
            pair(w - eta * g, v),
        ),
        (
            "w took a plain gradient step (w - eta grad) and ignored the velocity: w = w + v "
            "with the new v",
            pair(w - eta * g, moved),
        ),
        (
            "returned (v, w): the pair is (w, v), the weights first",
            pair(moved, w + moved),
        ),
        (
            "that is Nesterov's momentum (CS231n: w += -mu v_prev + (1 + mu) v), a look-ahead "
            "variant; the book's rule, and the Trainer's, is w = w + v with v = mu v - eta grad",
            pair(w - mu * v + (1 + mu) * moved, moved),
        ),
        (
            "that is PyTorch's convention (v = mu v + grad, w = w - eta v), where v holds "
            "gradients, not steps; here v is the step itself: v = mu v - eta grad, w = w + v",
            pair(w - eta * (mu * v + g), mu * v + g),
        ),
    ]
    got = pair(got_w, got_v)
    if close(got, pair(exp_w, exp_v)):
        passed(name, "v = mu v - eta grad, then w = w + v: the Trainer's momentum step")
        return
    got_text = Text(f"w = {show(got_w)}, v = {show(got_v)}")
    for diagnosis, wrong in mistakes:
        if close(got, wrong):
            fail(name, inputs, expected_text, got_text, diagnosis)
    # No known mistake: say which of the two is wrong, with the usual generic diagnosis.
    if not close(got_w, exp_w):
        diagnose(got_w, exp_w, [], name, inputs, what="the new w", raw=out[0])
    diagnose(got_v, exp_v, [], name, inputs, what="the new v", raw=out[1])


# -- PlateauHalving ------------------------------------------------------------------------------
class _ScriptedTrainer:
    """What a callback sees of a Trainer, with the validation accuracies given in advance.

    ``learning_rate`` is checked on every assignment like the Trainer's; ``stop()`` asks the
    run to end after the epoch, as :meth:`Trainer.stop <nnwidgets.training.Trainer.stop>` does
    when called from a callback.
    """

    learning_rate = LiveNumber(0, math.inf, low_open=True)

    def __init__(self, learning_rate, epochs):
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.epoch = 0
        self.network = None
        self.history = History()
        self.stop_requested = False
        self.schedule = "constant"

    def stop(self):
        self.stop_requested = True

    def current_learning_rate(self, progress):
        return self.learning_rate

    def __getattr__(self, name):  # only for names not set above
        if name.startswith("__"):
            raise AttributeError(name)
        raise AttributeError(
            f"the check runs your callback on a stand-in for the Trainer, which has no "
            f"{name!r}: it holds learning_rate, epoch, epochs, history (val_accuracy) and "
            f"stop(), all a plateau rule needs. Read the validation accuracies from "
            f"trainer.history.val_accuracy and set trainer.learning_rate"
        )


#: The script: validation accuracy after each epoch. Epoch 3 drops (a rule that halves on any
#: drop acts there), epoch 4 rises above epoch 3 but not above the best (a rule that restarts
#: its patience on any rise does), epoch 7 ties the best (a rule counting a tie as an
#: improvement does), and epochs 9 to 12 halve twice in a row.
PLATEAU_SCRIPT = (
    0.50, 0.60, 0.58, 0.59, 0.57, 0.61, 0.61, 0.60, 0.60, 0.60, 0.60, 0.60,
    0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60, 0.60,
)  # fmt: skip
#: The training accuracy and validation loss of the same epochs: both improve every epoch, so a
#: rule that watches one of them instead of the validation accuracy never halves.
PLATEAU_TRAIN = tuple(0.5 + 0.02 * k for k in range(len(PLATEAU_SCRIPT)))
PLATEAU_VAL_LOSS = tuple(1.0 - 0.01 * k for k in range(len(PLATEAU_SCRIPT)))
PLATEAU_ETA0, PLATEAU_PATIENCE, PLATEAU_FLOOR = 0.8, 3, 1 / 8
#: The second script, for the default floor: the best comes first, then nothing improves.
FLAT_SCRIPT = (0.9,) + (0.8,) * 29
FLAT_ETA0, FLAT_PATIENCE = 2.0, 2  # not 1: a floor compared with eta itself then shows


def _plateau_reference(
    script,
    eta0,
    patience,
    floor,
    *,
    tie_improves=False,
    restart_on_rise=False,
    halve_on_drop=False,
    reset_after_halving=True,
    stops=True,
    stop_below=False,
    from_start=False,
    check_first=False,
    wait=None,
    exact=False,
):
    """``(rates, stop)``: the learning rate after each epoch and the epoch after which training
    stops (None if it never does) under the rule, or under one typical mistake of it."""
    wait = patience if wait is None else wait
    best, waited, eta, rates = -math.inf, 0, eta0, []
    previous = None
    for epoch, accuracy in enumerate(script, 1):
        halve = False
        if halve_on_drop:
            halve = previous is not None and accuracy < previous
        elif accuracy > best or (tie_improves and accuracy == best):
            best, waited = max(best, accuracy), 0
        elif restart_on_rise and previous is not None and accuracy > previous:
            waited = 0
        else:
            waited += 1
            halve = waited == wait if exact else waited >= wait
        previous = accuracy
        limit = eta0 * floor
        if halve and check_first and eta <= limit * (1 + 1e-9):
            rates.append(eta)
            return rates, epoch
        if halve:
            if reset_after_halving:
                waited = 0
            eta = eta0 / 2 if from_start else eta / 2
        rates.append(eta)
        reached = eta < limit * (1 - 1e-9) if stop_below else eta <= limit * (1 + 1e-9)
        if halve and stops and not check_first and reached:
            return rates, epoch
    return rates, None


def _run_plateau(cls, name, inputs, args, script, eta0, callback=None):
    """Drive ``cls(*args)`` (or ``callback``) through ``script`` with a scripted trainer.

    Returns ``(callback, rates, stop)``: the learning rate after each epoch, and the epoch after
    which the callback asked to stop (None if it never did).
    """
    if callback is None:
        callback = call(cls, name, inputs, *args, expect="a PlateauHalving callback")
        if not isinstance(callback, Callback):
            fail(
                name,
                inputs,
                Text("a Callback"),
                describe(callback),
                "PlateauHalving(...) must make a Callback: write class PlateauHalving(Callback): "
                "(from nnwidgets import Callback), since the Trainer accepts nothing else",
            )
    trainer = _ScriptedTrainer(eta0, len(script))
    history = trainer.history
    call(callback.on_train_begin, f"{name}.on_train_begin", inputs, trainer, expect="no error")
    rates, stop = [], None
    for epoch, accuracy in enumerate(script):
        call(callback.on_epoch_begin, f"{name}.on_epoch_begin", inputs, trainer, epoch, expect="ok")
        if trainer.stop_requested:  # asked for at the start of this epoch: none of it trains
            stop = epoch
            break
        logs = {
            "loss": 1.0 - PLATEAU_TRAIN[epoch],
            "accuracy": PLATEAU_TRAIN[epoch],
            "learning_rate": trainer.learning_rate,
            "val_loss": PLATEAU_VAL_LOSS[epoch],
            "val_accuracy": accuracy,
        }
        history.epoch_loss.append(logs["loss"])
        history.epoch_accuracy.append(logs["accuracy"])
        history.learning_rate.append(logs["learning_rate"])
        history.val_loss.append(logs["val_loss"])
        history.val_accuracy.append(accuracy)
        trainer.epoch = epoch + 1
        call(
            callback.on_epoch_end,
            f"{name}.on_epoch_end",
            inputs,
            trainer,
            epoch,
            logs,
            expect="the learning rate halved or kept",
        )
        rates.append(trainer.learning_rate)
        if trainer.stop_requested:
            stop = epoch + 1
            break
    call(callback.on_train_end, f"{name}.on_train_end", inputs, trainer, expect="no error")
    return callback, rates, stop


def _rates_text(rates, stop):
    shown = ", ".join(f"{r:g}" for r in rates)
    end = f"stop after epoch {stop}" if stop else f"no stop in {len(rates)} epochs"
    return Text(f"learning rate after each epoch: {shown}; {end}")


def _same(got, expected):
    (rates, stop), (exp_rates, exp_stop) = got, expected
    return (
        stop == exp_stop
        and len(rates) == len(exp_rates)
        and all(math.isclose(a, b, rel_tol=1e-9) for a, b in zip(rates, exp_rates))
    )


def PlateauHalving(cls):  # noqa: N802 - named after the class it checks
    r"""``cls(patience, floor=1/128)`` is a :class:`~nnwidgets.training.Callback` that halves
    ``trainer.learning_rate`` whenever ``patience`` epochs pass without a better validation
    accuracy than the best so far (counting afresh after each halving), and calls
    ``trainer.stop()`` once the rate has come down to ``floor`` times its starting value (NNDL
    ch3's "no-improvement-in-10" schedule, stopping at 1/128)."""
    name = "PlateauHalving"
    if not inspect.isclass(cls):
        what = (
            "an instance of it: pass the class itself, check.PlateauHalving(PlateauHalving)"
            if isinstance(cls, Callback)
            else f"{describe(cls)}: pass the class, check.PlateauHalving(PlateauHalving)"
        )
        raise CheckFailed(f"{name}: expected the class PlateauHalving; got {what}")
    if not issubclass(cls, Callback):
        raise CheckFailed(
            f"{name}: {cls.__name__} is not a Callback: write class {cls.__name__}(Callback): "
            f"(from nnwidgets import Callback); the Trainer accepts only Callback instances"
        )
    default = _default_floor(cls)
    if default is not None and not math.isclose(default, 1 / 128):
        shown = f"1/{round(1 / default)}" if default and (1 / default).is_integer() else default
        fail(
            name,
            f"the signature of {cls.__name__}",
            Text("floor=1/128"),
            Text(f"floor={shown}"),
            f"the default floor is {shown}: NNDL stops once the learning rate is 1/128 of its "
            f"start, so write floor=1/128",
        )
    script, eta0, patience, floor = PLATEAU_SCRIPT, PLATEAU_ETA0, PLATEAU_PATIENCE, PLATEAU_FLOOR
    inputs = (
        f"PlateauHalving({patience}, floor=1/8) on a trainer with learning_rate {eta0}, "
        f"validation accuracies {', '.join(f'{a:g}' for a in script[:13])}, then 0.6 for good"
    )
    expected = _plateau_reference(script, eta0, patience, floor)
    callback, *got = _run_plateau(cls, name, inputs, (patience, floor), script, eta0)
    if not _same(got, expected):
        _diagnose_plateau(name, inputs, got, expected, script, eta0, patience, floor)
    # The same object again, on a fresh trainer: a dashboard passes one callback to every run.
    _, *again = _run_plateau(cls, name, inputs, (), script, eta0, callback=callback)
    if not _same(again, expected):
        fail(
            name,
            inputs + " (the same PlateauHalving object, trained a second time)",
            _rates_text(*expected),
            _rates_text(*again),
            "the second run remembers the first: set the best accuracy, the count of epochs "
            "and the starting learning rate in on_train_begin (called at the start of every "
            "run), not in __init__; a dashboard hands one callback to each of its runs",
        )
    flat_inputs = (
        f"PlateauHalving({FLAT_PATIENCE}) (the default floor) on a trainer with learning_rate "
        f"{FLAT_ETA0}, validation accuracy 0.9 after epoch 1, then 0.8 for good"
    )
    flat = _plateau_reference(FLAT_SCRIPT, FLAT_ETA0, FLAT_PATIENCE, 1 / 128)
    _, *got_flat = _run_plateau(cls, name, flat_inputs, (FLAT_PATIENCE,), FLAT_SCRIPT, FLAT_ETA0)
    if not _same(got_flat, flat):
        absolute = _plateau_reference(FLAT_SCRIPT, FLAT_ETA0, FLAT_PATIENCE, 1 / 128 / FLAT_ETA0)
        if _same(got_flat, absolute):
            fail(
                name,
                flat_inputs,
                _rates_text(*flat),
                _rates_text(*got_flat),
                "the floor is compared with the learning rate itself (stop once eta <= floor): "
                "it is a fraction of the starting rate, so stop once eta <= floor * the "
                "starting eta (read it in on_train_begin)",
            )
        floors = {f"1/{2**k}": 2.0**-k for k in range(1, 12) if 2**k != 128}
        match = next(
            (
                text
                for text, f in floors.items()
                if _same(got_flat, _plateau_reference(FLAT_SCRIPT, FLAT_ETA0, FLAT_PATIENCE, f))
            ),
            None,
        )
        diagnosis = (
            f"the default floor is {match}: NNDL stops once the learning rate is 1/128 of its "
            f"start, so the default is floor=1/128"
            if match
            else "right with floor=1/8, wrong with the default floor: make it floor=1/128"
        )
        fail(name, flat_inputs, _rates_text(*flat), _rates_text(*got_flat), diagnosis)
    passed(
        name,
        f"halves after {patience} epochs without a better validation accuracy, counts afresh, "
        f"and stops at 1/8 (and by default 1/128) of the starting rate",
    )


def _default_floor(cls):
    """The default value of the ``floor`` parameter of ``cls``, if it has a numeric one."""
    try:
        parameter = inspect.signature(cls).parameters.get("floor")
    except (TypeError, ValueError):
        return None
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return None
    value = parameter.default
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value)


def _diagnose_plateau(name, inputs, got, expected, script, eta0, patience, floor):
    rates, stop = got

    def ref(**mistake):
        return _plateau_reference(script, eta0, patience, floor, **mistake)

    exp_rates, exp_stop = expected
    mistakes = [
        (
            "halves whenever the accuracy drops below the epoch before: wait until "
            f"{patience} epochs in a row bring nothing better than the best so far",
            ref(halve_on_drop=True),
        ),
        (
            "restarts its patience when the accuracy rises without beating the best (epoch 4 "
            "is above epoch 3 but below epoch 2): only a new best resets the count",
            ref(restart_on_rise=True),
        ),
        (
            "counts a tie with the best as an improvement (epoch 7 equals epoch 6): only a "
            "strictly better accuracy resets the count",
            ref(tie_improves=True),
        ),
        (
            "does not count afresh after halving, so it halves again the next epoch: set the "
            "count of epochs without improvement back to 0 when you halve",
            ref(reset_after_halving=False),
        ),
        (
            "halves once and then never again on the same plateau: the count of epochs "
            "without improvement runs past patience, so `== patience` never fires again; set "
            "the count back to 0 when you halve",
            ref(reset_after_halving=False, exact=True),
        ),
        (
            "never stops: call trainer.stop() once the learning rate has come down to "
            "floor times its starting value",
            ref(stops=False),
        ),
        (
            "stops one halving late: stop when the rate is down to floor times the start "
            "(<=, with the start read in on_train_begin), not below it",
            ref(stop_below=True),
        ),
        (
            "stops one plateau late: it compares the rate with the floor before halving, so "
            "it trains a whole plateau at the floor first; halve, then stop if the rate is "
            "down to floor times the start",
            ref(check_first=True),
        ),
        (
            "sets the learning rate to half the starting rate every time instead of halving "
            "the current one: trainer.learning_rate = trainer.learning_rate / 2",
            ref(from_start=True),
        ),
        (
            f"halves after {patience + 1} epochs without improvement, one too many: halve "
            f"when the count reaches patience = {patience}",
            ref(wait=patience + 1),
        ),
        (
            f"halves after {patience - 1} epochs without improvement, one too few: halve "
            f"when the count reaches patience = {patience}",
            ref(wait=patience - 1),
        ),
    ]
    for diagnosis, wrong in mistakes:
        if _same(got, wrong):
            fail(name, inputs, _rates_text(exp_rates, exp_stop), _rates_text(*got), diagnosis)
    if rates and all(math.isclose(r, eta0) for r in rates):
        diagnosis = (
            "trainer.learning_rate never changed: assign trainer.learning_rate (the Trainer "
            "reads it at every mini-batch), and watch logs['val_accuracy'], the validation "
            "accuracy (the training accuracy and the validation loss improve every epoch "
            "here)"
        )
    elif stop is not None and stop < len(rates):
        diagnosis = "the learning rates after the stop are not the callback's to set"
    else:
        diagnosis = (
            "the learning rates or the stop differ from the rule (not a mistake this check "
            "recognises): halve when `patience` epochs in a row bring no better validation "
            "accuracy than the best so far, then count afresh; stop at floor times the start"
        )
    fail(name, inputs, _rates_text(exp_rates, exp_stop), _rates_text(rates, stop), diagnosis)


# -- update ratio --------------------------------------------------------------------------------
def _ratio_inputs():
    """Weights of a [3, 5, 4, 2] network before and after one update, each layer's update a
    different share of its weights (1e-3, 1e-2, 1e-1), so a norm over every layer shows."""
    rng = np.random.default_rng(10)
    sizes = [3, 5, 4, 2]
    before = [rng.normal(0, 1, (n_out, n_in)) for n_in, n_out in zip(sizes[:-1], sizes[1:])]
    after = []
    for w, share in zip(before, (1e-3, 1e-2, 1e-1)):
        step = rng.normal(0, 1, w.shape)
        after.append(w + step * share * np.linalg.norm(w) / np.linalg.norm(step))
    return before, after


def _update_ratio_reference(before, after, *, denominator="before"):
    norms = before if denominator == "before" else after
    return np.array(
        [np.linalg.norm(a - b) / np.linalg.norm(w) for b, a, w in zip(before, after, norms)]
    )


def update_ratio(fn):
    r"""``fn(w_before, w_after)`` returns one number per layer,
    :math:`\lVert w_{\rm after} - w_{\rm before}\rVert / \lVert w_{\rm before}\rVert` with
    Frobenius norms (the size of the update against the size of the weights; CS231n's "about
    1e-3"); dividing by the norm of ``w_after`` instead passes too."""
    name = "update_ratio"
    before, after = _ratio_inputs()
    inputs = (
        "the weights of a [3, 5, 4, 2] network (shapes (5, 3), (4, 5), (2, 4)) before and "
        "after an update of a different relative size in each layer"
    )
    expected = _update_ratio_reference(before, after)
    also_right = _update_ratio_reference(before, after, denominator="after")
    raw = call(
        fn,
        name,
        inputs,
        [w.copy() for w in before],
        [w.copy() for w in after],
        expect=show(expected),
    )
    got = _ratio_array(raw)
    items = raw if isinstance(raw, (list, tuple)) else None
    if got is None and items and all(numbers(i) is not None for i in items):
        fail(
            name,
            inputs,
            expected,
            describe(raw),
            "each layer's ratio should be one number: the norm of the whole matrix "
            "(np.linalg.norm(w), no axis), not one per row or column",
        )
    if got is None:
        got = as_array(raw, name, inputs, expected, what="the list of ratios")
    if got.shape != expected.shape and got.size == expected.size:
        got = got.reshape(expected.shape)  # a column or a row of three: the numbers count
    if got.ndim == 0 or got.size == 1:
        whole = np.sqrt(sum(np.sum((a - b) ** 2) for b, a in zip(before, after)))
        size = np.sqrt(sum(np.sum(b**2) for b in before))
        which = (
            "one norm over all the layers together: "
            if close(np.ravel(got)[0], whole / size)
            else ""
        )
        fail(
            name,
            inputs,
            expected,
            got,
            f"returned one number, {which}give one ratio per layer (a list with one entry for "
            f"each weight matrix), since each layer learns at its own pace",
        )
    if got.shape != expected.shape:
        fail(
            name,
            inputs,
            expected,
            describe(raw),
            f"should give one number per layer ({len(before)} here), the ratio of two norms "
            f"of the whole matrix (np.linalg.norm(w) with no axis); got shape {got.shape}",
        )
    if close(got, also_right):
        passed(name, "one ratio ||w_after - w_before|| / ||w|| per layer (divided by w_after)")
        return
    pairs = list(zip(before, after))
    mistakes = [
        (
            "the layers are in reverse order: keep the order of the weights given",
            expected[::-1],
        ),
        (
            "a ratio of norms, ||w_after|| / ||w_before||, which is close to 1 whatever the "
            "update: take the norm of the difference, ||w_after - w_before|| / ||w_before||",
            np.array([np.linalg.norm(a) / np.linalg.norm(b) for b, a in pairs]),
        ),
        (
            "a difference of norms, (||w_after|| - ||w_before||) / ||w_before||, which misses "
            "updates that turn the weights without growing them: the norm of the difference, "
            "||w_after - w_before||",
            np.array(
                [(np.linalg.norm(a) - np.linalg.norm(b)) / np.linalg.norm(b) for b, a in pairs]
            ),
        ),
        (
            "a difference of norms, (||w_after|| - ||w_before||) / ||w_before||, which misses "
            "updates that turn the weights without growing them: the norm of the difference, "
            "||w_after - w_before||",
            np.array(
                [abs(np.linalg.norm(a) - np.linalg.norm(b)) / np.linalg.norm(b) for b, a in pairs]
            ),
        ),
        (
            "upside down: ||w|| / ||update||; the update's norm goes on top",
            1 / expected,
        ),
        (
            "squared norms (a ratio of sums of squares): take the square root of each, "
            "np.linalg.norm",
            expected**2,
        ),
        (
            "not divided by the size of the weights: ||w_after - w_before|| / ||w_before||",
            np.array([np.linalg.norm(a - b) for b, a in pairs]),
        ),
        (
            "the mean of elementwise ratios |dw| / |w|, which tiny weights blow up: take the "
            "norm of the whole update over the norm of the whole matrix",
            np.array([np.mean(np.abs(a - b) / np.abs(b)) for b, a in pairs]),
        ),
        (
            "largest entries (max |dw| / max |w|) where the norms belong: "
            "np.linalg.norm(w_after - w_before) / np.linalg.norm(w_before)",
            np.array([np.abs(a - b).max() / np.abs(b).max() for b, a in pairs]),
        ),
        (
            "means of absolute values, not norms: np.linalg.norm(w_after - w_before) / "
            "np.linalg.norm(w_before)",
            np.array([np.abs(a - b).mean() / np.abs(b).mean() for b, a in pairs]),
        ),
    ]
    diagnose(got, expected, mistakes, name, inputs, what="the ratios", raw=raw)
    passed(name, "one ratio ||w_after - w_before|| / ||w_before|| per layer")


def _ratio_array(value):
    """A list of per-layer numbers (NumPy scalars, 0-d or 1-element arrays) as a float array,
    or None when it is anything else."""
    if not isinstance(value, (list, tuple)) or not value:
        return None
    out = []
    for item in value:
        try:
            array = np.asarray(item)
        except Exception:
            return None
        if array.dtype.kind not in "biuf" or array.size != 1:
            return None
        out.append(float(array.reshape(())))
    return np.array(out)
