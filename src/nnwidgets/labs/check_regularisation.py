r"""Checks for lab 9 (overfitting and regularisation): ``check.l2_step(l2_step)`` and so on.

- :func:`l2_step` and :func:`l1_step` run the reader's update on both layers of a small
  [5, 4, 3] network and compare it with what ``nnwidgets``' own :class:`~nnwidgets.training.
  Trainer` does in one mini-batch with ``l2=`` or ``l1=`` (the Trainer has no pluggable update
  rule, so its step is the reference). The training set has n = 12 examples and the mini-batch
  m = 4, so :math:`\lambda/n` and :math:`\lambda/m` differ; some weights are exactly 0, where
  :math:`\operatorname{sgn}(0) = 0`.
- :func:`dropout` judges the statistics of the reader's masks on 40,000 activations drawn with a
  fixed generator: the share dropped, the rescaling of the survivors, one mask per example, and
  nothing dropped at test time.
- :func:`should_stop` replays a fixed run of validation accuracies epoch by epoch and compares
  each answer with the Trainer's ``early_stopping`` rule.
"""

from __future__ import annotations

import numpy as np

from ._report import (
    Text,
    call,
    close,
    describe,
    fail,
    generic_problem,
    numbers,
    passed,
    show,
)

__all__ = ["l2_step", "l1_step", "dropout", "should_stop"]

# -- L2 and L1: one step, checked against the Trainer ----------------------------------------
SIZES = [5, 4, 3]  # no layer square, so a transposed answer shows
N_TRAIN, BATCH = 12, 4  # n and m: lambda / n and lambda / m differ
ETA, LMBDA = 0.3, 2.0  # eta * lambda / n = 0.05: each mistake gives another number
STEP_ARGS = "eta=0.3, lmbda=2.0, n=12, m=4"


def _problem():
    """The checks' network (weights, biases), training set and mini-batch gradient sums."""
    from ..network import Network

    net = Network(
        SIZES,
        activation="sigmoid",
        output="sigmoid",
        cost="cross_entropy",
        init="large",
        seed=9,
        dtype="float64",
    )
    # Exactly zero weights, where sgn(0) = 0 (an L1 step leaves them to the gradient); their
    # gradients have both signs, so sgn(0) taken as 1 and the sign of the stepped weight differ.
    net.weights[0][1, 2] = net.weights[0][3, 0] = net.weights[0][0, 3] = 0.0
    net.weights[1][0, 1] = 0.0
    rng = np.random.default_rng(19)
    X = rng.uniform(0.0, 1.0, (N_TRAIN, SIZES[0]))
    y = np.arange(N_TRAIN) % SIZES[-1]
    Y = np.eye(SIZES[-1])[y]
    nabla_b, nabla_w, _ = net.backprop(X[:BATCH], Y[:BATCH])  # means over the mini-batch
    sums_w = [BATCH * g for g in nabla_w]  # the book's nabla_w: summed over the mini-batch
    sums_b = [BATCH * g for g in nabla_b]
    return net, X, y, sums_w, sums_b


def _trainer_step(net, X, y, **regulariser):
    """The Trainer's weights and biases after its first mini-batch (of BATCH examples)."""
    from ..training import Callback, Trainer

    class _OneStep(Callback):
        def on_batch_end(self, trainer, batch, logs):
            trainer.stop()  # at the next boundary: exactly one mini-batch ran

    twin = net.copy()
    Trainer(
        twin,
        X,
        y,
        epochs=1,
        batch_size=BATCH,
        learning_rate=ETA,
        shuffle=False,
        callbacks=[_OneStep()],
        **regulariser,
    ).run()
    return twin.weights, twin.biases


def _l2_step(w, b, nabla_w, nabla_b, eta, lmbda, n, m):
    """The book's L2 step: weight decay on the weights only."""
    return (1 - eta * lmbda / n) * w - eta / m * nabla_w, b - eta / m * nabla_b


def _l1_step(w, b, nabla_w, nabla_b, eta, lmbda, n, m):
    """The book's L1 step: a constant pull towards 0, none at 0, on the weights only."""
    return w - eta * lmbda / n * np.sign(w) - eta / m * nabla_w, b - eta / m * nabla_b


def _step_mistakes(kind, w, b, nw, nb):
    """``[(diagnosis, (w', b')), ...]`` for one layer: what each typical mistake gives."""
    eta, lmbda, n, m = ETA, LMBDA, N_TRAIN, BATCH
    right_w = (_l2_step if kind == "l2" else _l1_step)(w, b, nw, nb, eta, lmbda, n, m)[0]
    right_b = b - eta / m * nb
    plain_w = w - eta / m * nw
    if kind == "l2":
        pull = w  # the regularisation term's derivative, times n / lambda
        rule = "w -> (1 - eta*lambda/n) w - (eta/m) nabla_w"
    else:
        pull = np.sign(w)
        rule = "w -> w - (eta*lambda/n) sgn(w) - (eta/m) nabla_w"
    bias_pull = b if kind == "l2" else np.sign(b)

    def decayed(scale):
        return plain_w - scale * pull

    mistakes = [
        (
            f"the regularisation is divided by the mini-batch size m = {m}: it is lambda/n, "
            f"with n = {n} the size of the whole training set (the term is added to the cost "
            f"of the whole set once, not to every mini-batch's): {rule}",
            (decayed(eta * lmbda / m), right_b),
        ),
        (
            "the biases are regularised too: only the weights are (the term sums over w, "
            "not b), so b -> b - (eta/m) nabla_b",
            (right_w, right_b - eta * lmbda / n * bias_pull),
        ),
        (
            "b was returned unchanged: the biases still take the plain step b - (eta/m) "
            "nabla_b (only the weights are regularised, but both follow the gradient)",
            (right_w, b),
        ),
        (
            "the regularisation has the wrong sign: it pulls the weights towards 0, so it is "
            f"subtracted: {rule}",
            (plain_w + eta * lmbda / n * pull, right_b),
        ),
        (
            "eta is missing from the regularisation: the whole gradient of the cost, "
            f"regularisation included, is multiplied by eta: {rule}",
            (decayed(lmbda / n), right_b),
        ),
        (
            "no regularisation at all: that is the plain gradient step w - (eta/m) nabla_w; "
            f"add the pull towards 0: {rule}",
            (plain_w, right_b),
        ),
        (
            "the gradient is not divided by the mini-batch size m: nabla_w and nabla_b are "
            f"sums over the m = {m} examples, so the step is (eta/m) times them",
            (right_w + eta / m * nw - eta * nw, b - eta * nb),
        ),
        (
            "the gradient has the wrong sign: gradient descent steps against it, "
            f"- (eta/m) nabla_w: {rule}",
            (right_w + 2 * eta / m * nw, b + eta / m * nb),
        ),
        (
            f"the gradient is divided by n = {n}, the training set's size: nabla_w and nabla_b "
            f"are sums over the mini-batch's m = {m} examples, so the step is (eta/m) times "
            f"them (n belongs only in the regularisation's lambda/n)",
            (right_w + eta / m * nw - eta / n * nw, b - eta / n * nb),
        ),
        (
            f"lambda is not divided by n = {n}: the regularisation term is (lambda/n) times "
            f"its derivative, so {rule}",
            (decayed(eta * lmbda), right_b),
        ),
    ]
    if kind == "l2":
        mistakes += [
            (
                "a factor 2 in the decay: the derivative of (lambda/2n) w^2 is (lambda/n) w, "
                f"so {rule}",
                (decayed(2 * eta * lmbda / n), right_b),
            ),
            (
                "the decay is halved: the derivative of (lambda/2n) w^2 is (lambda/n) w (the "
                f"2 of the square cancels the 1/2), so {rule}",
                (decayed(eta * lmbda / (2 * n)), right_b),
            ),
            (
                "the decay multiplies the weights after the gradient step: both terms use the "
                f"weights from before the step, {rule}",
                ((1 - eta * lmbda / n) * plain_w, right_b),
            ),
            (
                "that is L1's step: the weights are pulled by a constant eta*lambda/n times "
                f"sgn(w); L2 pulls in proportion to w itself: {rule}",
                (plain_w - eta * lmbda / n * np.sign(w), right_b),
            ),
        ]
    else:
        stepped = plain_w  # the weights after the gradient step, before the pull
        mistakes += [
            (
                "the pull uses the sign of the weights after the gradient step: sgn(w) is "
                "taken of the weights the step starts from (a weight of exactly 0 feels no "
                f"pull): {rule}",
                (stepped - eta * lmbda / n * np.sign(stepped), right_b),
            ),
            (
                "the pull stops at 0 (the weight is clipped where it would cross zero, the "
                "'proximal' variant): the book's step, and the Trainer's, subtracts "
                f"(eta*lambda/n) sgn(w) whatever the result: {rule}",
                (np.sign(stepped) * np.maximum(np.abs(stepped) - eta * lmbda / n, 0), right_b),
            ),
            (
                "that is L2's step: the weights are pulled by eta*lambda/n times w itself; L1 "
                f"pulls by a constant, eta*lambda/n times sgn(w): {rule}",
                (plain_w - eta * lmbda / n * w, right_b),
            ),
            (
                "sgn(0) is taken as 1 (a weight of exactly 0 moves): np.sign(0) is 0, so a "
                "zero weight feels no pull, only its gradient (np.where(w >= 0, 1, -1) is not "
                "sgn)",
                (plain_w - eta * lmbda / n * np.where(w >= 0, 1.0, -1.0), right_b),
            ),
            (
                "sgn(0) is taken as -1 (a weight of exactly 0 moves): np.sign(0) is 0, so a "
                "zero weight feels no pull, only its gradient (np.where(w > 0, 1, -1) is not "
                "sgn)",
                (plain_w - eta * lmbda / n * np.where(w > 0, 1.0, -1.0), right_b),
            ),
            (
                f"|w| is used where sgn(w) belongs: the derivative of |w| is sgn(w), so {rule}",
                (plain_w - eta * lmbda / n * np.abs(w), right_b),
            ),
            (
                "the pull is the sign of the gradient, sgn(nabla_w): L1 pulls each weight "
                f"towards 0, by the sign of the weight itself: {rule}",
                (plain_w - eta * lmbda / n * np.sign(nw), right_b),
            ),
            (
                "a factor 2 in the pull: the derivative of (lambda/n) |w| is (lambda/n) sgn(w) "
                f"(no square, so no 2 comes down): {rule}",
                (decayed(2 * eta * lmbda / n), right_b),
            ),
            (
                "the pull is halved: the derivative of (lambda/n) |w| is (lambda/n) sgn(w), "
                f"with no 1/2 (that belongs to L2's (lambda/2n) w^2): {rule}",
                (decayed(eta * lmbda / (2 * n)), right_b),
            ),
        ]
    return mistakes


def _items(value):
    """``value``'s items as a list, or None for an array, a number, a string or a dict."""
    if isinstance(value, (str, bytes, dict, np.ndarray)) or np.isscalar(value):
        return None
    try:
        return list(value)
    except Exception:
        return None


def _layer_result(raw, name, inputs, w, b, expected):
    """``raw`` as two float arrays (w', b'), or a CheckFailed saying what arrived instead."""
    shown = Text(f"a pair (w, b): arrays of shapes {w.shape} and {b.shape}")
    if raw is None:
        fail(name, inputs, shown, describe(raw), "returned None: return the pair (w, b)")
    items = _items(raw)
    if items is None:
        got = numbers(raw)
        hint = (
            " (those are the new weights: return the biases too, `return w, b`)"
            if got is not None and close(got, expected[0])
            else ""
        )
        fail(name, inputs, shown, describe(raw), f"returned one array, not the pair (w, b){hint}")
    if len(items) != 2:
        fail(name, inputs, shown, describe(raw), "should return the pair (w, b), two arrays")
    got_w, got_b = numbers(items[0]), numbers(items[1])
    if got_w is None or got_b is None:
        fail(name, inputs, shown, describe(raw), "w and b should be arrays of numbers")
    if got_w.shape == b.shape and got_b.shape == w.shape:
        fail(
            name,
            inputs,
            shown,
            describe(raw),
            "returned (b, w): the pair is (w, b), weights first",
        )
    return got_w, got_b, items


def _check_step(fn, name, kind):
    net, X, y, sums_w, sums_b = _problem()
    trained_w, trained_b = _trainer_step(net, X, y, **{kind: LMBDA})
    what = "L2 (Trainer(l2=2.0))" if kind == "l2" else "L1 (Trainer(l1=2.0))"
    for layer, (w, b, nw, nb) in enumerate(zip(net.weights, net.biases, sums_w, sums_b)):
        inputs = (
            f"layer {layer + 1} of a {SIZES} network: w of shape {w.shape}, b {b.shape}, "
            f"nabla_w and nabla_b summed over a mini-batch, {STEP_ARGS}"
        )
        expected = (trained_w[layer], trained_b[layer])
        raw = call(
            fn,
            name,
            inputs,
            w.copy(),
            b.copy(),
            nw.copy(),
            nb.copy(),
            ETA,
            LMBDA,
            N_TRAIN,
            BATCH,
            expect="the pair (w, b) after one step",
        )
        got_w, got_b, items = _layer_result(raw, name, inputs, w, b, expected)
        if close(got_w, expected[0]) and close(got_b, expected[1]):
            continue
        nan = np.isnan(got_w)
        if nan.any() and np.array_equal(nan, w == 0):
            fail(
                name,
                inputs,
                expected[0],
                got_w,
                "NaN where a weight is exactly 0: w / |w| is 0/0 there; use np.sign(w), "
                "which is 0 at 0",
            )
        mistakes = _step_mistakes(kind, w, b, nw, nb)
        for diagnosis, (wrong_w, wrong_b) in mistakes:
            if close(got_w, wrong_w) and close(got_b, wrong_b):
                if close(got_w, expected[0]):  # only the biases are wrong: show them
                    fail(name, inputs, expected[1], got_b, diagnosis)
                fail(name, inputs, expected[0], got_w, diagnosis)
        # Two mistakes at once, one in w and one in b: name the one in w, then say b is off.
        if not close(got_b, expected[1]):
            for diagnosis, (wrong_w, _) in mistakes:
                if close(got_w, wrong_w) and not close(wrong_w, expected[0]):
                    fail(
                        name,
                        inputs,
                        expected[0],
                        got_w,
                        f"{diagnosis}; and the new biases are wrong too: b -> b - (eta/m) nabla_b",
                    )
        if not close(got_w, expected[0]):
            fail(
                name,
                inputs,
                expected[0],
                got_w,
                "the new weights differ from the Trainer's: "
                + generic_problem(got_w, expected[0], "w", items[0]),
            )
        fail(
            name,
            inputs,
            expected[1],
            got_b,
            "the new biases differ from the Trainer's: "
            + generic_problem(got_b, expected[1], "b", items[1]),
        )
    passed(name, f"the same step as nnwidgets' {what} on both layers of a {SIZES} network")


def l2_step(fn):
    r"""``fn(w, b, nabla_w, nabla_b, eta, lmbda, n, m)`` is one layer's L2-regularised step,
    ``(w', b')`` with :math:`w' = (1 - \eta\lambda/n) w - \frac{\eta}{m}\nabla_w` and
    :math:`b' = b - \frac{\eta}{m}\nabla_b` (``nabla_w``, ``nabla_b``: sums over the
    mini-batch's m examples; n: the training set's size)."""
    _check_step(fn, "l2_step", "l2")


def l1_step(fn):
    r"""``fn(w, b, nabla_w, nabla_b, eta, lmbda, n, m)`` is one layer's L1-regularised step,
    :math:`w' = w - \frac{\eta\lambda}{n}\operatorname{sgn}(w) - \frac{\eta}{m}\nabla_w`,
    :math:`b' = b - \frac{\eta}{m}\nabla_b`, with :math:`\operatorname{sgn}(0) = 0`."""
    _check_step(fn, "l1_step", "l1")


# -- dropout -----------------------------------------------------------------------------------
DROP_P = 0.2
DROP_SHAPE = (2000, 20)  # 40,000 activations: the share dropped to within about 0.002
DROP_SEED = 7
DROP_TOLERANCE = 0.01  # on the share dropped: ten standard deviations at p = 0.2
DROP_INPUTS = (
    f"A of shape {DROP_SHAPE} (one example per row, sigmoid activations in (0.05, 0.95)), "
    f"p = {DROP_P}, rng = np.random.default_rng({DROP_SEED})"
)


def _activations():
    return np.random.default_rng(5).uniform(0.05, 0.95, DROP_SHAPE)


def _dropout(A, p, rng, training=True):
    """Inverted dropout as Network.backprop does it: keep where a uniform draw is >= p."""
    if not training:
        return A, np.ones_like(A)
    mask = (rng.random(A.shape) >= p).astype(A.dtype)
    return A * mask / (1 - p), mask


def _drop_result(raw, name, inputs, A):
    shown = Text(f"a pair (A_dropped, mask), both of shape {A.shape}")
    items = _items(raw)
    if items is None:
        fail(
            name,
            inputs,
            shown,
            describe(raw),
            "should return the pair (A_dropped, mask): the mask too, 1 where a neuron is kept",
        )
    if len(items) != 2:
        fail(name, inputs, shown, describe(raw), "should return the pair (A_dropped, mask)")
    dropped, mask = numbers(items[0]), numbers(items[1])
    if dropped is None or mask is None:
        fail(name, inputs, shown, describe(raw), "A_dropped and mask should be arrays of numbers")
    if dropped.shape != A.shape:
        fail(
            name,
            inputs,
            shown,
            describe(items[0]),
            f"A_dropped has shape {dropped.shape}: it is A with some entries set to 0 (and the "
            f"rest rescaled), so shape {A.shape}",
        )
    if mask.shape == A.shape[1:] or mask.shape == (1, A.shape[1]):
        fail(
            name,
            inputs,
            shown,
            describe(items[1]),
            f"one mask of shape {mask.shape} is shared by every example: each example (row) "
            f"drops its own neurons, so draw the mask with shape A.shape = {A.shape}",
        )
    if mask.shape != A.shape:
        fail(
            name,
            inputs,
            shown,
            describe(items[1]),
            f"the mask has shape {mask.shape}: one entry per activation, shape {A.shape}",
        )
    return dropped, mask


def dropout(fn):
    r"""``fn(A, p, rng, training=True)`` is inverted dropout: ``(A_dropped, mask)`` with each
    entry of the 0/1 ``mask`` 0 (dropped) with probability ``p``, drawn from ``rng`` for every
    example separately, and ``A_dropped = A * mask / (1 - p)``; with ``training=False``,
    ``(A, ones)``: nothing is dropped or scaled at test time."""
    name = "dropout"
    p = DROP_P
    A = _activations()
    inputs = DROP_INPUTS
    given = A.copy()
    raw = call(
        fn,
        name,
        inputs,
        given,
        p,
        np.random.default_rng(DROP_SEED),
        True,
        expect="the pair (A_dropped, mask)",
    )
    if not np.array_equal(given, A):
        fail(
            name,
            inputs,
            Text("A left as it was"),
            Text("A changed"),
            "A was changed in place: the network still needs the activations themselves "
            "(for the backward pass); build a new array, A * mask / (1 - p)",
        )
    dropped, mask = _drop_result(raw, name, inputs, A)
    values = np.unique(mask)
    if len(values) == 2 and np.allclose(values, [0.0, 1 / (1 - p)]):
        fail(
            name,
            inputs,
            Text("a mask of 0s and 1s"),
            Text(f"a mask of 0s and {1 / (1 - p):g}s"),
            "the mask is already scaled by 1/(1 - p): return the 0/1 mask (which neurons "
            "survive) and scale A_dropped",
        )
    if not np.all(np.isin(values, [0.0, 1.0])):
        fail(
            name,
            inputs,
            Text("a mask of 0s and 1s (or False and True)"),
            Text(f"a mask with the values {show(values[:6])}"),
            "the mask should say which neurons survive: 1 (or True) where kept, 0 where dropped",
        )
    kept = mask == 1
    if np.any(dropped[kept] == 0) and np.all(dropped[~kept] != 0):
        fail(
            name,
            inputs,
            Text("mask 1 where A_dropped keeps a value"),
            Text("mask 1 where A_dropped is 0"),
            "the mask is inverted: it marks the dropped neurons; return 1 for the kept ones",
        )
    share = dropped_share = 1.0 - float(mask.mean())
    if share in (0.0, 1.0):
        fail(
            name,
            inputs,
            Text(f"a share p = {p} of the activations set to 0"),
            Text(f"a share {share:g} set to 0"),
            f"{'no' if share == 0 else 'every'} neuron is dropped: drop each with probability "
            f"p, keeping it where rng.random(A.shape) >= p",
        )
    if np.all(mask == mask[0]):
        fail(
            name,
            inputs,
            Text("a different mask in every row"),
            Text("every row's mask the same"),
            "one mask is shared by every example (every row drops the same neurons): each "
            "example drops its own, so draw the mask with shape A.shape",
        )
    if np.all(mask == mask[:, :1]):
        fail(
            name,
            inputs,
            Text("a draw for every activation"),
            Text("one draw per example: each row's mask all 0s or all 1s"),
            "each example (row) is kept or dropped whole: draw one number per activation, "
            "rng.random(A.shape), so that every neuron of every example is dropped on its own",
        )
    if abs(share - (1 - p)) < DROP_TOLERANCE:
        fail(
            name,
            inputs,
            Text(f"a share p = {p} of the activations set to 0"),
            Text(f"a share {share:.4f} set to 0"),
            f"{share:.1%} of the neurons are dropped: p is the probability of dropping a "
            f"neuron, not of keeping it (keep where rng.random(A.shape) >= p)",
        )
    if abs(share - p) > DROP_TOLERANCE:
        fail(
            name,
            inputs,
            Text(f"a share p = {p} of the activations set to 0"),
            Text(f"a share {share:.4f} set to 0"),
            f"{share:.1%} of the neurons are dropped; each should be with probability p = {p}",
        )
    survivors = dropped[kept] / A[kept]
    if not np.all(dropped[~kept] == 0):
        fail(
            name,
            inputs,
            Text("0 wherever the mask is 0"),
            Text("non-zero values where the mask is 0"),
            "A_dropped is not 0 where the mask drops a neuron: A_dropped = A * mask / (1 - p)",
        )
    scalings = [
        (1 / (1 - p), None),
        (
            1.0,
            "the survivors are not rescaled: inverted dropout multiplies them by 1/(1 - p), "
            "so each neuron's expected output is the same as without dropout",
        ),
        (
            1 - p,
            "the survivors are multiplied by (1 - p): inverted dropout divides by it, "
            "A * mask / (1 - p), so their expected value stays A",
        ),
        (1 / p, "the survivors are divided by p: divide by the keep probability, 1 - p"),
    ]
    for factor, diagnosis in scalings:
        if np.allclose(survivors, factor, rtol=1e-5):
            if diagnosis:
                fail(
                    name,
                    inputs,
                    Text(f"survivors = A * {1 / (1 - p):g}, that is A / (1 - p)"),
                    Text(f"survivors = A * {factor:g}"),
                    diagnosis,
                )
            break
    else:
        fail(
            name,
            inputs,
            Text(f"every survivor scaled by 1/(1 - p) = {1 / (1 - p):g}"),
            Text(f"survivors scaled by {show(np.unique(survivors)[:4])}"),
            "the kept activations are scaled unevenly: A_dropped = A * mask / (1 - p)",
        )
    again = call(
        fn,
        name,
        inputs,
        A.copy(),
        p,
        np.random.default_rng(DROP_SEED),
        True,
        expect="the pair (A_dropped, mask)",
    )
    _, mask_again = _drop_result(again, name, inputs, A)
    if not np.array_equal(mask, mask_again):
        fail(
            name,
            inputs,
            Text("the same mask from the same rng"),
            Text("another mask"),
            "two calls with equal generators gave different masks: draw from rng "
            "(rng.random(A.shape)), not from np.random, so that a run can be repeated",
        )
    test_inputs = DROP_INPUTS + ", training=False (at test time)"
    raw = call(
        fn,
        name,
        test_inputs,
        A.copy(),
        p,
        np.random.default_rng(DROP_SEED),
        False,
        expect="(A, a mask of ones)",
    )
    dropped, mask = _drop_result(raw, name, test_inputs, A)
    if close(dropped, A * (1 - p)):
        fail(
            name,
            test_inputs,
            A,
            dropped,
            "at test time A is multiplied by (1 - p): that is the original dropout's rule; "
            "inverted dropout already rescaled during training, so at test time A is "
            "returned unchanged",
        )
    if close(dropped, A) and not np.all(mask == 1):
        # A itself is right: only the mask says otherwise (all zeros, say)
        off = float(np.mean(mask != 1))
        fail(
            name,
            test_inputs,
            Text("a mask of ones"),
            Text(f"a mask with {off:.0%} of its entries not 1"),
            "with training=False A comes back unchanged, as it should, but the mask does not "
            "say so: return a mask of ones (np.ones_like(A)), since no neuron is dropped at "
            "test time",
        )
    if not close(dropped, A):
        share = float(np.mean(dropped == 0))
        fail(
            name,
            test_inputs,
            A,
            dropped,
            f"dropout is applied at test time ({share:.0%} of A set to 0): with "
            f"training=False return A unchanged and a mask of ones: a trained network uses "
            f"every neuron",
        )
    passed(
        name,
        f"drops {dropped_share:.1%} of "
        f"{A.size:,} activations (p = {p}), one mask per example, survivors scaled by "
        f"1/(1 - p), nothing dropped at test time",
    )


# -- early stopping ----------------------------------------------------------------------------
#: A made-up run of validation accuracies: a rise, a drop and a recovery (not a reason to
#: stop), three ties with the best (not improvements; the last on the epoch the run should stop,
#: so a rule counting ties stops later than one that is off by one), no improvement for PATIENCE
#: epochs, then a rise above the epoch before that still stays below the best.
ACCURACIES = [
    0.50, 0.62, 0.70, 0.68, 0.71, 0.71, 0.69, 0.72, 0.72, 0.70, 0.72, 0.69, 0.715, 0.70, 0.71,
]  # fmt: skip
PATIENCE = 3
#: Falls every epoch: every rule that can stop stops after the last (even one that compares
#: each epoch with the one before), so a rule silent here never stops at all.
DECLINE = [0.70, 0.69, 0.68, 0.67]


def _should_stop(val_accuracies, patience):
    """The Trainer's rule: the best epoch (from 1, the first if tied) and whether ``patience``
    epochs have passed since it."""
    best = int(np.argmax(val_accuracies)) + 1  # argmax: the first of equal maxima
    return len(val_accuracies) - best >= patience, best


def _stop_mistakes(acc, patience):
    """``[(diagnosis, stops, bests)]``: what each typical mistake answers after each epoch."""
    k = np.arange(1, len(acc) + 1)
    best = np.array([_should_stop(acc[:i], patience)[1] for i in k])
    last_best = np.array([i - int(np.argmax(acc[:i][::-1])) for i in k])  # last of equal maxima
    run = np.zeros(len(acc), int)  # epochs in a row without beating the epoch before
    for i in range(1, len(acc)):
        run[i] = run[i - 1] + 1 if acc[i] <= acc[i - 1] else 0
    right = k - best >= patience
    window = np.array(  # the last `patience` epochs no better than the epoch before them
        [i > patience and max(acc[i - patience : i]) <= acc[i - patience - 1] for i in k]
    )
    return [
        (
            "stops at the first drop: a lower accuracy after one epoch is noise; stop only "
            f"after {patience} epochs in a row without beating the best",
            np.r_[False, np.diff(acc) < 0],
            best,
        ),
        (
            "off by one: stops one epoch late; stop when (epochs so far) - (best epoch) >= "
            "patience",
            k - best >= patience + 1,
            best,
        ),
        (
            "off by one: stops one epoch early; stop when (epochs so far) - (best epoch) >= "
            "patience",
            k - best >= patience - 1,
            best,
        ),
        (
            "compares each epoch with the one before, not with the best so far: a recovery "
            "that stays below the best is no improvement",
            run >= patience,
            best,
        ),
        (
            "compares the last epochs with the epoch before them, not with the best so far: "
            "stop once the best epoch is patience epochs behind, however the epochs since move",
            window,
            best,
        ),
        (
            "a tie counts as an improvement: only a strictly higher accuracy is better, so "
            "the best epoch is the first to reach the maximum",
            k - last_best >= patience,
            last_best,
        ),
        (
            f"stop is True only on the epoch exactly {patience} after the best, and False "
            "again after it: once patience epochs have passed it stays True (>=, not ==)",
            k - best == patience,
            best,
        ),
        (
            "best_epoch counts from 0 (a list index): epochs count from 1, as the dashboard "
            "and the Trainer's message name them, so it is the index + 1",
            right,
            best - 1,
        ),
        (
            "best_epoch counts from 0 (a list index), and so the stop fires one epoch early: "
            "epochs count from 1, as the dashboard and the Trainer's message name them",
            k - best >= patience - 1,
            best - 1,
        ),
    ]


def _stop_answer(raw, name, inputs):
    """``(stop, best)`` from what ``should_stop`` returned, or a CheckFailed."""
    shown = Text("a pair (stop, best_epoch): a bool and an int")
    items = _items(raw)
    if items is None or len(items) != 2:
        fail(name, inputs, shown, describe(raw), "should return the pair (stop, best_epoch)")
    stop, best = items
    if isinstance(stop, (bool, np.bool_)) or (
        isinstance(stop, (int, np.integer)) and stop in (0, 1)
    ):
        stop = bool(stop)
    else:
        fail(name, inputs, shown, describe(raw), "stop should be True or False")
    if isinstance(best, (bool, np.bool_)) or not isinstance(
        best, (int, np.integer, float, np.floating)
    ):
        fail(name, inputs, shown, describe(raw), "best_epoch should be an epoch number, an int")
    if float(best) != int(best):
        fail(
            name,
            inputs,
            shown,
            describe(raw),
            f"best_epoch is {best!r}, not a whole number: the best accuracy itself? Return "
            f"its epoch (from 1)",
        )
    return stop, int(best)


def _check_stops_at_all(fn, name, right_stop, right_best):
    """Fail if ``fn`` does not stop on :data:`DECLINE` either: it never returns True."""
    inputs = f"val_accuracies = {DECLINE}, patience = {PATIENCE}"
    raw = call(
        fn, name, inputs, list(DECLINE), PATIENCE, expect=str(_should_stop(DECLINE, PATIENCE))
    )
    if _stop_answer(raw, name, inputs)[0]:
        return
    first = int(np.argmax(right_stop))  # the first epoch that should stop, from 0
    best = right_best[first]
    fail(
        name,
        f"val_accuracies = {list(ACCURACIES[: first + 1])}, patience = {PATIENCE}",
        Text(f"stop=True, best_epoch={best}"),
        Text(f"stop=False, best_epoch={best}"),
        f"never returned stop=True: it should stop after epoch {first + 1}, {PATIENCE} epochs "
        f"after the best (epoch {best}), and on every epoch after. Stop when (epochs so far) "
        f"- (best epoch) >= patience",
    )


def should_stop(fn):
    r"""``fn(val_accuracies, patience)`` is ``(stop, best_epoch)`` after each epoch: the epoch
    (from 1) with the highest validation accuracy so far, the first if tied, and whether
    ``patience`` epochs have passed since it without a higher one (the Trainer's
    ``early_stopping`` rule, NNDL's "no-improvement-in-n")."""
    name = "should_stop"
    acc = np.array(ACCURACIES)
    stops, bests = [], []
    for k in range(1, len(acc) + 1):
        inputs = f"val_accuracies = {list(ACCURACIES[:k])}, patience = {PATIENCE}"
        raw = call(
            fn,
            name,
            inputs,
            list(ACCURACIES[:k]),
            PATIENCE,
            expect=str(_should_stop(acc[:k], PATIENCE)),
        )
        stop, best = _stop_answer(raw, name, inputs)
        stops.append(stop)
        bests.append(best)
    stops, bests = np.array(stops), np.array(bests)
    k = np.arange(1, len(acc) + 1)
    right_best = np.array([_should_stop(acc[:i], PATIENCE)[1] for i in k])
    right_stop = k - right_best >= PATIENCE
    if np.array_equal(stops, right_stop) and np.array_equal(bests, right_best):
        first = int(np.argmax(right_stop)) + 1
        passed(
            name,
            f"right after each of {len(acc)} epochs: stops after epoch {first}, "
            f"{PATIENCE} epochs after the best (epoch {right_best[first - 1]}), "
            f"through a drop, a recovery and three ties",
        )
        return
    if not stops.any() and np.array_equal(bests, right_best):
        _check_stops_at_all(fn, name, right_stop, right_best)
    wrong = int(np.argmax((stops != right_stop) | (bests != right_best)))
    inputs = f"val_accuracies = {list(ACCURACIES[: wrong + 1])}, patience = {PATIENCE}"
    expected = Text(f"stop={bool(right_stop[wrong])}, best_epoch={right_best[wrong]}")
    got = Text(f"stop={bool(stops[wrong])}, best_epoch={bests[wrong]}")
    for diagnosis, mistake_stops, mistake_bests in _stop_mistakes(acc, PATIENCE):
        if np.array_equal(stops, mistake_stops) and np.array_equal(bests, mistake_bests):
            fail(name, inputs, expected, got, diagnosis)
    for diagnosis, mistake_stops, mistake_bests in _stop_mistakes(acc, PATIENCE):
        # best_epoch right, stop wrong in a known way (or the reverse): say that one
        if np.array_equal(bests, right_best) and np.array_equal(stops, mistake_stops):
            fail(name, inputs, expected, got, diagnosis)
        if np.array_equal(stops, right_stop) and np.array_equal(bests, mistake_bests):
            fail(name, inputs, expected, got, diagnosis)
    part = (
        "best_epoch is wrong: the epoch (from 1) with the highest accuracy so far"
        if bests[wrong] != right_best[wrong]
        else "stop is wrong: stop once patience epochs have passed since the best epoch"
    )
    fail(name, inputs, expected, got, f"{part} (not a mistake these checks recognise)")
