r"""Checks for lab 8 (weight initialisation): ``check.z_spread`` and ``check.init_weights``.

``z_spread`` runs on 4 inputs of 6 pixels, one of them all zeros (where only the bias is left)
and one all ones (where :math:`\sum_j x_j^2 = n_{\rm in}`). ``init_weights`` draws a
[784, 300, 100, 40] network three times, once per scheme, and checks the statistics of each
layer: large layers, so a spread is measured to about 1%, and fan-ins and fan-outs chosen so that
each typical mistake (:math:`1/n_{\rm in}` for the standard deviation, :math:`\sqrt{n_{\rm out}}`,
He's factor 2 where it does not belong) gives a spread at least 10% away from the right one in
every layer.
"""

from __future__ import annotations

import numpy as np

from ._report import Text, as_array, call, close, diagnose, fail, numbers, passed, show

__all__ = ["init_weights", "z_spread"]

# -- z_spread ------------------------------------------------------------------------------------
X_PIXELS = np.array(
    [
        [1.0, 0.0, 0.5, 0.0, 0.0, 1.0],
        [0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
        [0.2, 0.9, 1.0, 0.0, 0.3, 0.0],
        [1.0, 1.0, 1.0, 1.0, 1.0, 1.0],
    ]
)
SIGMA_W, SIGMA_B = 0.5, 1.5


def z_spread(fn):
    r"""``fn(X, sigma_w, sigma_b)`` is the standard deviation of a neuron's weighted input
    :math:`z = \sum_j w_j x_j + b` for each row x of X, with weights drawn from
    :math:`N(0, \sigma_w^2)` and the bias from :math:`N(0, \sigma_b^2)`:
    :math:`\sqrt{\sigma_w^2 \sum_j x_j^2 + \sigma_b^2}`, shape (n,)."""
    name = "z_spread"
    X, sw, sb = X_PIXELS, SIGMA_W, SIGMA_B
    n, n_in = X.shape
    inputs = f"X = {show(X)} ({n} inputs as rows), sigma_w = {sw}, sigma_b = {sb}"
    sq = (X**2).sum(axis=1)
    expected = np.sqrt(sw**2 * sq + sb**2)
    raw = call(fn, name, inputs, X.copy(), sw, sb, expect=show(expected))
    got = as_array(raw, name, inputs, expected, what="the spread")
    if got.shape != expected.shape:
        if got.size == 1:
            overall = float(np.sqrt(np.mean(expected**2)))
            what = (
                f" (it is the spread over all {n} inputs together)"
                if close(got.reshape(()), overall)
                else ""
            )
            diagnosis = (
                f"returned one number{what}: return one spread per input, shape ({n},), "
                f"since each digit has its own sum of squared pixels"
            )
            if close(got.reshape(()), np.sqrt(sw**2 * n_in + sb**2)):
                diagnosis = (
                    f"returned one number: used n_in = {n_in} where sum_j x_j^2 belongs. That "
                    f"is right only when every pixel is 1; a digit is mostly 0, so use each "
                    f"row's own sum_j x_j^2, one spread per input, shape ({n},)"
                )
        elif got.size == n:
            diagnosis = f"the spread has shape {got.shape}; return a flat array of shape ({n},)"
            if close(got.reshape(-1), expected):
                diagnosis += " (the values are right)"
        elif got.size == n_in:
            diagnosis = (
                f"returned {n_in} numbers, one per pixel: sum over each row's pixels "
                f"(axis=1), not over the inputs (axis=0)"
            )
        else:
            diagnosis = f"the spread has shape {got.shape}, expected ({n},): one per input"
        fail(name, inputs, expected, got, diagnosis)
    diagnose(
        got,
        expected,
        [
            (
                "returned the variance sigma_w^2 sum x_j^2 + sigma_b^2: the spread is its "
                "square root",
                sw**2 * sq + sb**2,
            ),
            (
                "the bias term is missing: b is drawn too, and adds sigma_b^2 to the variance "
                "(look at the input of zeros, where only the bias is left)",
                np.sqrt(sw**2 * sq),
            ),
            (
                f"used n_in = {n_in} where sum_j x_j^2 belongs: that is right only when every "
                f"pixel is 1; a digit is mostly 0, so its z is far narrower",
                np.sqrt(sw**2 * n_in + sb**2) * np.ones(n),
            ),
            (
                "sum_j x_j where sum_j x_j^2 belongs: Var(w_j x_j) = x_j^2 Var(w_j)",
                np.sqrt(sw**2 * X.sum(axis=1) + sb**2),
            ),
            (
                "averaged the squared pixels where they add up: every pixel contributes its "
                "own w_j x_j, so the variances add: sigma_w^2 sum_j x_j^2",
                np.sqrt(sw**2 * (X**2).mean(axis=1) + sb**2),
            ),
            (
                "sigma_w is not squared: the variance of w_j is sigma_w^2",
                np.sqrt(sw * sq + sb**2),
            ),
            (
                "sigma_b is not squared: the variance of b is sigma_b^2",
                np.sqrt(sw**2 * sq + sb),
            ),
            (
                "added sigma_b outside the square root: variances add, standard deviations "
                "do not; sqrt(sigma_w^2 sum x_j^2 + sigma_b^2)",
                np.sqrt(sw**2 * sq) + sb,
            ),
            (
                "squared the sum, (sum_j sigma_w x_j)^2, where the sum of squares belongs: the "
                "terms w_j x_j are independent, so their variances add, sum_j x_j^2 sigma_w^2",
                np.sqrt((sw * X).sum(axis=1) ** 2 + sb**2),
            ),
            (
                "used the length of x, sqrt(sum_j x_j^2), where its square sum_j x_j^2 belongs "
                "(np.linalg.norm(X, axis=1) ** 2)",
                np.sqrt(sw**2 * np.sqrt(sq) + sb**2),
            ),
            (
                "sigma_w and sigma_b are swapped",
                np.sqrt(sb**2 * sq + sw**2),
            ),
        ],
        name,
        inputs,
        what="the spread",
        raw=raw,
    )
    passed(name, f"right for {n} inputs, including one of zeros (only the bias is left)")


# -- init_weights --------------------------------------------------------------------------------
SIZES = [784, 300, 100, 40]
SCHEMES = {
    "large": "weights and biases from N(0, 1)",
    "scaled": "weights from N(0, 1/n_in), biases 0",
    "he": "weights from N(0, 2/n_in), biases 0",
}
RTOL_STD = 0.05  # the smallest layer has 4,000 weights: its spread is measured to about 1.1%


def _expected_std(scheme, n_in):
    return {"large": 1.0, "scaled": 1 / np.sqrt(n_in), "he": np.sqrt(2 / n_in)}[scheme]


def _weight_mistakes(scheme):
    """``(diagnosis, std(n_in, n_out))`` for the typical wrong spreads of ``scheme``'s weights."""
    mistakes = [
        (
            "the spread is 1/n_in: that is the variance 1/n_in used as the standard deviation "
            "(rng.normal(0, 1/n_in) takes the standard deviation: 1/sqrt(n_in))",
            lambda n_in, n_out: 1 / n_in,
        ),
        (
            "the spread is 2/n_in: He's variance 2/n_in used as the standard deviation; take "
            "its square root, sqrt(2/n_in)",
            lambda n_in, n_out: 2 / n_in,
        ),
        (
            "scaled by n_out, the layer's number of neurons: the spread of z grows with the "
            "number of inputs each neuron adds up, so divide by sqrt(n_in), the layer's inputs",
            lambda n_in, n_out: 1 / np.sqrt(n_out),
        ),
        (
            "that is Glorot and Bengio's sqrt(2/(n_in + n_out)); this scheme uses n_in only",
            lambda n_in, n_out: np.sqrt(2 / (n_in + n_out)),
        ),
        (
            "every layer scaled by the first layer's n_in (sizes[0]): each layer divides by "
            "its own number of inputs",
            lambda n_in, n_out: _expected_std(scheme, SIZES[0]),
        ),
    ]
    if scheme == "scaled":
        mistakes.insert(
            0,
            (
                "He's factor 2 on sigmoid layers: sqrt(2/n_in) belongs to ReLU layers (scheme "
                "'he'), where half the inputs are 0; sigmoid layers use sqrt(1/n_in)",
                lambda n_in, n_out: np.sqrt(2 / n_in),
            ),
        )
        mistakes.append(
            ("not scaled at all: 'scaled' draws from N(0, 1/n_in)", lambda n_in, n_out: 1.0)
        )
    elif scheme == "he":
        mistakes.insert(
            0,
            (
                "He's factor 2 is missing: a ReLU zeroes half its inputs, so He draws from "
                "N(0, 2/n_in), twice the variance of 'scaled'",
                lambda n_in, n_out: np.sqrt(1 / n_in),
            ),
        )
        mistakes.append(
            ("not scaled at all: 'he' draws from N(0, 2/n_in)", lambda n_in, n_out: 1.0)
        )
    else:
        mistakes.insert(
            0,
            (
                "scaled by 1/sqrt(n_in): that is the 'scaled' scheme; 'large' is the book's "
                "first choice, N(0, 1) whatever the layer",
                lambda n_in, n_out: 1 / np.sqrt(n_in),
            ),
        )
    return mistakes


def _matches(stds, fn):
    """Every layer's measured spread within RTOL_STD of ``fn(n_in, n_out)``."""
    pairs = list(zip(SIZES[:-1], SIZES[1:]))
    return all(abs(s / fn(n_in, n_out) - 1) < RTOL_STD for s, (n_in, n_out) in zip(stds, pairs))


def _unpack(out, name, inputs, scheme):
    """``(weights, biases)`` as lists of float arrays, or a CheckFailed saying what arrived."""
    layers = len(SIZES) - 1
    expect = Text(
        f"a pair (weights, biases): {layers} weight matrices of shapes "
        f"{[(o, i) for i, o in zip(SIZES[:-1], SIZES[1:])]} and {layers} bias vectors of "
        f"shapes {[(o,) for o in SIZES[1:]]}"
    )
    if out is None:
        fail(name, inputs, expect, Text("None"), "returned None: did you forget the `return`?")
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        fail(
            name, inputs, expect, Text(f"{type(out).__name__}"), "return the pair (weights, biases)"
        )
    parts = []
    for what, part in zip(("weights", "biases"), out):
        if not isinstance(part, (list, tuple)):
            fail(
                name,
                inputs,
                expect,
                Text(f"{what}: {type(part).__name__}"),
                f"{what} must be a list with one array per layer (not counting the input layer)",
            )
        arrays = [numbers(a) for a in part]
        if any(a is None for a in arrays):
            fail(
                name,
                inputs,
                expect,
                Text(f"{what}: a list holding something other than arrays of numbers"),
                f"{what} must be a list of arrays of numbers",
            )
        if len(arrays) != layers:
            extra = (
                " (one for the input layer too? It has no weights or biases)"
                if len(arrays) == layers + 1
                else ""
            )
            fail(
                name,
                inputs,
                expect,
                Text(f"{len(arrays)} {what}"),
                f"sizes {SIZES} has {layers} layers after the input: one "
                f"{'weight matrix' if what == 'weights' else 'bias vector'} per layer{extra}",
            )
        parts.append(arrays)
    weights, biases = parts
    for l, (w, b, n_in, n_out) in enumerate(zip(weights, biases, SIZES[:-1], SIZES[1:])):
        if w.shape != (n_out, n_in):
            hint = (
                ": transposed; weights[l] is (n_out, n_in), one row per neuron of the layer"
                if w.shape == (n_in, n_out)
                else ""
            )
            fail(
                name,
                inputs,
                Text(f"shape {(n_out, n_in)}"),
                Text(f"shape {w.shape}"),
                f"scheme {scheme!r}: weights[{l}] has shape {w.shape}, expected "
                f"{(n_out, n_in)}{hint}",
            )
        if b.shape != (n_out,):
            hint = (
                ": keep biases flat, shape (n_out,), as Network does (one example per row, the "
                "bias broadcast over the rows)"
                if b.size == n_out
                else ""
            )
            fail(
                name,
                inputs,
                Text(f"shape {(n_out,)}"),
                Text(f"shape {b.shape}"),
                f"scheme {scheme!r}: biases[{l}] has shape {b.shape}, expected ({n_out},){hint}",
            )
    return weights, biases


def _check_weights(name, inputs, scheme, weights):
    pairs = list(zip(SIZES[:-1], SIZES[1:]))
    stds = [float(np.sqrt(np.mean(w**2))) for w in weights]
    expected = [_expected_std(scheme, n_in) for n_in, _ in pairs]
    means = [float(w.mean()) for w in weights]
    shown_e = Text(
        "spreads " + ", ".join(f"{e:.4g}" for e in expected) + " (layers 1 to 3), means 0"
    )
    shown_g = Text(
        "spreads "
        + ", ".join(f"{s:.4g}" for s in stds)
        + ", means "
        + ", ".join(f"{m:.2g}" for m in means)
    )
    if not all(np.isfinite(stds)):
        fail(name, inputs, shown_e, shown_g, f"scheme {scheme!r}: the weights hold NaN or inf")
    if all(s == 0 for s in stds):
        fail(
            name,
            inputs,
            shown_e,
            shown_g,
            f"scheme {scheme!r}: every weight is 0. Random weights are what makes the neurons "
            f"of a layer differ; with equal weights they all compute the same thing",
        )
    for l, (mean, e) in enumerate(zip(means, expected)):
        if abs(mean) > 0.2 * e:
            fail(
                name,
                inputs,
                shown_e,
                shown_g,
                f"scheme {scheme!r}: the weights of layer {l + 1} average {means[l]:.3g}, not 0: "
                f"draw from a normal distribution centred on 0 (rng.standard_normal or "
                f"rng.normal(0, std, shape)), not rng.random, which is uniform on [0, 1)",
            )
    if not _matches(stds, lambda n_in, n_out: _expected_std(scheme, n_in)):
        for diagnosis, std in _weight_mistakes(scheme):
            if _matches(stds, std):
                fail(name, inputs, shown_e, shown_g, f"scheme {scheme!r}: {diagnosis}")
        wrong = [l + 1 for l, (s, e) in enumerate(zip(stds, expected)) if abs(s / e - 1) >= 0.05]
        fail(
            name,
            inputs,
            shown_e,
            shown_g,
            f"scheme {scheme!r} ({SCHEMES[scheme]}): the spread of the weights is wrong in "
            f"layer(s) {wrong} (not a mistake these checks recognise)",
        )
    # A normal distribution has 4.6% of its values beyond 2 standard deviations; a uniform
    # one with the same spread has none (it ends at sqrt(3) = 1.73 of them).
    tail = float(np.mean(np.abs(weights[0]) > 2 * expected[0]))
    if not 0.03 < tail < 0.065:
        fail(
            name,
            inputs,
            Text("about 4.6% of the first layer's weights beyond 2 standard deviations"),
            Text(f"{tail:.1%}"),
            f"scheme {scheme!r}: the spread is right but the shape of the distribution is not "
            f"normal (uniform draws have no tail): use rng.standard_normal or rng.normal",
        )


def _check_biases(name, inputs, scheme, biases, weights):
    values = np.concatenate(biases)
    rms = float(np.sqrt(np.mean(values**2)))
    if scheme == "large":
        if abs(rms - 1) < 0.15 and abs(values.mean()) < 0.2:
            return
        if rms == 0:
            diagnosis = "the biases are all 0: 'large' draws them from N(0, 1) too, as the book did"
        elif rms < 0.5:
            diagnosis = (
                f"the biases' spread is {rms:.3g}: 'large' draws them from N(0, 1), like the "
                f"weights"
            )
        else:
            diagnosis = f"the biases' spread is {rms:.3g}, expected 1 (N(0, 1))"
        fail(name, inputs, Text("biases from N(0, 1)"), Text(f"spread {rms:.3g}"), diagnosis)
    if rms == 0:
        return
    w_stds = [float(np.sqrt(np.mean(w**2))) for w in weights]
    b_stds = [float(np.sqrt(np.mean(b**2))) for b in biases]
    if all(abs(b / w - 1) < 0.25 for b, w in zip(b_stds, w_stds)):
        diagnosis = (
            "the biases are drawn like the weights, scaled by 1/sqrt(n_in): a bias is one "
            "number added to z, not a sum over n_in inputs, so nothing needs scaling; this "
            "scheme starts them at 0"
        )
    elif abs(rms - 1) < 0.15:
        diagnosis = (
            "the biases come from N(0, 1): that is the book's network2 (Network's "
            "init='book'); this scheme starts them at 0"
        )
    else:
        diagnosis = f"the biases should all be 0 in this scheme; their spread is {rms:.3g}"
    fail(
        name,
        inputs,
        Text("biases all 0"),
        Text(f"spread {rms:.3g}"),
        f"scheme {scheme!r}: {diagnosis}",
    )


def _check_rng_used(fn, name, scheme, weights):
    """Another seed must give other weights: a generator made inside ``fn`` ignores ``rng``."""
    inputs = f"sizes = {SIZES}, rng = np.random.default_rng(1), scheme = {scheme!r}"
    out = call(
        fn, name, inputs, list(SIZES), np.random.default_rng(1), scheme, expect=SCHEMES[scheme]
    )
    other, _ = _unpack(out, name, inputs, scheme)
    if all(np.array_equal(a, b) for a, b in zip(weights, other)):
        fail(
            name,
            inputs,
            Text("other weights than with np.random.default_rng(0)"),
            Text("the same weights"),
            "np.random.default_rng(0) and np.random.default_rng(1) gave the same weights: the "
            "rng argument is not used. Draw from the rng passed in (rng.standard_normal(shape)), "
            "not from a generator made inside the function, so that the caller's seed decides "
            "the network",
        )


def init_weights(fn):
    r"""``fn(sizes, rng, scheme)`` returns ``(weights, biases)`` for a network of ``sizes``,
    drawn with the generator ``rng``: ``weights[l]`` of shape (n_out, n_in) and ``biases[l]``
    of shape (n_out,), with ``scheme``

    - ``"large"``: weights and biases from :math:`N(0, 1)`;
    - ``"scaled"``: weights from :math:`N(0, 1/n_{\rm in})`, biases 0;
    - ``"he"``: weights from :math:`N(0, 2/n_{\rm in})` (for ReLU layers), biases 0.
    """
    name = "init_weights"
    for scheme in SCHEMES:
        inputs = f"sizes = {SIZES}, rng = np.random.default_rng(0), scheme = {scheme!r}"
        out = call(
            fn, name, inputs, list(SIZES), np.random.default_rng(0), scheme, expect=SCHEMES[scheme]
        )
        weights, biases = _unpack(out, name, inputs, scheme)
        _check_weights(name, inputs, scheme, weights)
        _check_biases(name, inputs, scheme, biases, weights)
        if scheme == "large":
            again = call(
                fn,
                name,
                inputs,
                list(SIZES),
                np.random.default_rng(0),
                scheme,
                expect=SCHEMES[scheme],
            )
            weights_again, _ = _unpack(again, name, inputs, scheme)
            if not all(np.array_equal(a, b) for a, b in zip(weights, weights_again)):
                fail(
                    name,
                    inputs,
                    Text("the same weights from two generators with the same seed"),
                    Text("different weights"),
                    "two calls with np.random.default_rng(0) gave different weights: draw from "
                    "the rng passed in (rng.standard_normal(shape)), not np.random's global "
                    "generator, so that a seed reproduces the network",
                )
            _check_rng_used(fn, name, scheme, weights)
    passed(
        name,
        f"the spreads of a {SIZES} network are right for 'large', 'scaled' and 'he', from "
        f"normal draws, biases as each scheme says",
    )
