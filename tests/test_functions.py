"""Activations and costs: values on worked examples, derivatives against finite differences."""

import numpy as np
import pytest

from nnwidgets import functions

ELEMENTWISE = ["sigmoid", "tanh", "relu", "leaky_relu", "linear"]
# Points away from ReLU's kink at 0, where the derivative is one-sided.
Z = np.array([[-3.0, -0.7, -0.2, 0.3, 1.1, 4.0]])


@pytest.mark.parametrize("name", ELEMENTWISE)
def test_derivative_matches_central_difference(name):
    f = functions.get_activation(name)
    eps = 1e-6
    numeric = (f.fn(Z + eps) - f.fn(Z - eps)) / (2 * eps)
    np.testing.assert_allclose(f.prime(Z, f.fn(Z)), numeric, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", ELEMENTWISE)
@pytest.mark.parametrize("into", ["new", "out", "grad_a"])
def test_backward_is_the_incoming_gradient_times_the_derivative(name, into):
    # What backpropagation calls (BP2: grad_a * f'(z)), into a new array, a given one, or the
    # incoming gradient itself as training passes it; checked against finite differences.
    f = functions.get_activation(name)
    eps = 1e-6
    numeric = (f.fn(Z + eps) - f.fn(Z - eps)) / (2 * eps)
    g = np.array([[0.3, -0.1, 0.7, 0.05, -2.0, 1.5]])
    grad_a = g.copy()
    out = {"new": None, "out": np.empty_like(g), "grad_a": grad_a}[into]
    result = f.backward(Z, f.fn(Z), grad_a, out=out)
    np.testing.assert_allclose(result, g * numeric, rtol=1e-6, atol=1e-9)
    if out is not None:
        assert result is out


def test_worked_values():
    # sigmoid(0) = 1/2; tanh(0) = 0; relu(-2) = 0; leaky_relu(-2) = -0.02
    z = np.array([0.0, -2.0])
    assert functions.get_activation("sigmoid").fn(z)[0] == pytest.approx(0.5)
    assert functions.get_activation("relu").fn(z).tolist() == [0.0, 0.0]
    assert functions.get_activation("leaky_relu").fn(z)[1] == pytest.approx(-0.02)


def test_sigmoid_does_not_overflow_for_large_negative_input():
    with np.errstate(all="raise"):
        a = functions.get_activation("sigmoid").fn(np.array([-1000.0, 1000.0]))
    np.testing.assert_allclose(a, [0.0, 1.0])


def test_softmax_sums_to_one_and_is_shift_invariant():
    s = functions.get_activation("softmax")
    z = np.array([[1.0, 2.0, 3.0], [1000.0, 1001.0, 1002.0]])
    a = s.fn(z)
    np.testing.assert_allclose(a.sum(axis=1), 1.0)
    np.testing.assert_allclose(a[0], a[1])  # no overflow at 1000


def test_softmax_backward_is_the_jacobian_product():
    s = functions.get_activation("softmax")
    z = np.array([[0.2, -1.0, 0.5, 2.0]])
    a = s.fn(z)
    g = np.array([[0.3, -0.1, 0.7, 0.05]])
    jacobian = np.diag(a[0]) - np.outer(a[0], a[0])  # da_j/dz_k = a_j (delta_jk - a_k)
    np.testing.assert_allclose(s.backward(z, a, g)[0], g[0] @ jacobian)


@pytest.mark.parametrize("name", ["quadratic", "cross_entropy", "log_likelihood"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
def test_cost_gradient_matches_central_difference(name, output):
    cost = functions.get_cost(name, output)
    a = np.array([[0.1, 0.6, 0.3]])
    y = np.array([[0.0, 1.0, 0.0]])
    eps = 1e-7
    numeric = np.array(
        [(cost.fn(a + eps * e, y) - cost.fn(a - eps * e, y))[0] / (2 * eps) for e in np.eye(3)]
    )
    np.testing.assert_allclose(cost.grad(a, y)[0], numeric, rtol=1e-5)


def test_cost_worked_values():
    a = np.array([[0.25, 0.75]])
    y = np.array([[0.0, 1.0]])
    # quadratic: 0.5 * (0.25^2 + 0.25^2) = 0.0625
    assert functions.get_cost("quadratic").fn(a, y)[0] == pytest.approx(0.0625)
    # log-likelihood: -ln 0.75
    assert functions.get_cost("log_likelihood").fn(a, y)[0] == pytest.approx(-np.log(0.75))
    # binary cross-entropy: -(ln 0.75 + ln 0.75)
    ce = functions.get_cost("cross_entropy", "sigmoid").fn(a, y)[0]
    assert ce == pytest.approx(-2 * np.log(0.75))
    # with softmax it is the categorical form, -ln 0.75
    ce_soft = functions.get_cost("cross_entropy", "softmax").fn(a, y)[0]
    assert ce_soft == pytest.approx(-np.log(0.75))


def test_unknown_names_are_rejected_with_the_choices():
    with pytest.raises(ValueError, match="activation must be one of .*'relu'.*got 'rleu'"):
        functions.get_activation("rleu")
    with pytest.raises(ValueError, match="cost must be one of .*got 'mse'"):
        functions.get_cost("mse")


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "leaky_relu", "linear", "softmax"])
def test_out_arrays_hold_the_same_values(name):
    # Into a separate array, and into the input itself (as training does), NaN kept as NaN.
    f = functions.get_activation(name)
    z = np.concatenate([Z, [[0.5, np.nan, -1.0, 2.0, 0.0, -0.1]]])
    g = np.linspace(-1, 1, z.size).reshape(z.shape)
    expected, grad = f.fn(z), f.backward(z, f.fn(z), g)
    out = np.empty_like(z)
    assert f.fn(z, out=out) is out
    np.testing.assert_array_equal(out, expected)
    inplace = z.copy()
    np.testing.assert_array_equal(f.fn(inplace, out=inplace), expected)
    g_in = g.copy()
    np.testing.assert_array_equal(f.backward(z, expected, g_in, out=g_in), grad)


@pytest.mark.parametrize("name", ["quadratic", "cross_entropy", "log_likelihood"])
@pytest.mark.parametrize("output", ["sigmoid", "softmax"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_cost_mean_is_the_mean_of_fn(name, output, dtype):
    # Outputs at exactly 0 and 1 (clipped) and a target row that is not one-hot.
    cost = functions.get_cost(name, output)
    rng = np.random.default_rng(0)
    a = rng.random((13, 7)).astype(dtype)
    a[0, 0], a[1, 1] = 0.0, 1.0
    y = np.eye(7, dtype=dtype)[rng.integers(0, 7, 13)]
    y[2] = rng.random(7)
    before = a.copy()
    assert cost.mean(a, y) == pytest.approx(
        float(cost.fn(a, y).mean()), rel=1e-6 if dtype == np.float32 else 1e-12
    )
    np.testing.assert_array_equal(a, before)  # the outputs are left alone


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(10, 10), (31, 10), (32, 10), (64, 10), (1000, 10), (40, 64)])
def test_softmax_of_many_short_rows_is_the_row_by_row_formula_exactly(shape, dtype):
    # From 32 rows on, each row's max is taken down the columns of a transposed copy: the
    # same maxima, so the same outputs to the bit, large logits, NaN, infinities and -0 too.
    rng = np.random.default_rng(3)
    z = (rng.standard_normal(shape) * 300).astype(dtype)
    z[1, 2], z[2, :] = np.nan, -np.inf
    z[3, 0], z[4, 1], z[5, :] = np.inf, -np.inf, -0.0
    with np.errstate(invalid="ignore", over="ignore"):
        e = z - np.maximum.reduce(z, axis=-1, keepdims=True)
        e = np.exp(e)
        expected = e / np.add.reduce(e, axis=-1, keepdims=True)
        got = functions.get_activation("softmax").fn(z)
        out = np.empty_like(z)
        into = functions.get_activation("softmax").fn(z, out=out)
    assert into is out
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(out, expected)
    assert np.isfinite(got[6:]).all()


def _softmax_in_float64(z):
    """The shifted formula in float64: the reference the float32 outputs are held to."""
    z = np.asarray(z, np.float64)
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


# Rows that the formula without a shift cannot take: a logit of 1000 (e^z overflows), 88.5
# (each e^z fits in float32, the row's sum does not), all far below zero (every e^z underflows
# to 0), and around -95 (e^z subnormal: its sum is below 1, the outputs would lose precision).
EXTREME_ROWS = {
    "1000": [1000.0, 1001.0, 990.0, 0.0],
    "88.5": [88.5, 88.5, 88.5, 88.5],
    "-1000": [-1000.0, -1001.0, -1003.0, -1000.5],
    "-95": [-95.0, -96.5, -100.0, -97.0],
}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("row", list(EXTREME_ROWS))
@pytest.mark.parametrize("into", ["new", "out", "z"])
def test_softmax_of_extreme_logits_is_the_shifted_formula(row, dtype, into):
    # Beside ordinary rows (which alone take the faster unshifted way), the row makes softmax
    # fall back to the shifted form: no warning, no NaN, the float64 formula to rounding;
    # in place too, where the unshifted way would have overwritten the logits it falls back on.
    z = np.array([[0.5, -1.0, 2.0, 0.0], EXTREME_ROWS[row], [3.0, 1.0, -2.0, 0.25]], dtype)
    expected = _softmax_in_float64(z)
    given = z.copy()
    out = {"new": None, "out": np.empty_like(z), "z": given}[into]
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # underflow is expected
        a = functions.get_activation("softmax").fn(given, out=out)
    assert a.dtype == dtype
    np.testing.assert_allclose(a, expected, rtol=2e-6 if dtype == np.float32 else 1e-13)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shape", [(10, 10), (64, 10), (3, 4)])
def test_softmax_of_ordinary_logits_is_the_formula_to_rounding(shape, dtype):
    # The unshifted way (logits up to 64 and every row's sum of e^z at least 1), near both
    # limits too: a row peaking at 64 and one whose largest logit is 0.
    rng = np.random.default_rng(5)
    z = (rng.standard_normal(shape) * 4).astype(dtype)
    z[0, 0], z[1] = 64.0, -rng.random(shape[1]).astype(dtype) * 3
    z[1, 1] = 0.0
    with np.errstate(all="raise"):
        a = functions.get_activation("softmax").fn(z)
    rtol = 2e-6 if dtype == np.float32 else 1e-13
    np.testing.assert_allclose(a, _softmax_in_float64(z), rtol=rtol)
