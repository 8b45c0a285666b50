"""nnwidgets.metrics: reliability (ECE), temperature scaling and FGSM, with worked numbers."""

import math
import subprocess
import sys

import numpy as np
import pytest

from nnwidgets import Network
from nnwidgets.metrics import fgsm, fit_temperature, reliability, softmax

# Four examples, two classes, the true class always 1; confidence = top probability.
#   example  P            predicted  correct  confidence  bin of 15, (m-1)/15 < c <= m/15
#   1        [0.1, 0.9]   1          yes      0.9         13: (0.867, 0.933]
#   2        [0.9, 0.1]   0          no       0.9         13
#   3        [0.3, 0.7]   1          yes      0.7         10: (0.667, 0.733]
#   4        [0.45, 0.55] 1          yes      0.55         8: (0.533, 0.6]
FOUR_P = np.array([[0.1, 0.9], [0.9, 0.1], [0.3, 0.7], [0.45, 0.55]])
FOUR_Y = np.array([1, 1, 1, 1])


def test_ece_of_four_examples_by_hand():
    rel = reliability(FOUR_P, FOUR_Y)
    # bin 13: accuracy 1/2, confidence 0.9, gap 0.4,  weight 2/4 -> 0.2
    # bin 10: accuracy 1,   confidence 0.7, gap 0.3,  weight 1/4 -> 0.075
    # bin  8: accuracy 1,   confidence 0.55, gap 0.45, weight 1/4 -> 0.1125
    # ECE = 0.2 + 0.075 + 0.1125 = 0.3875; MCE = the largest gap, 0.45
    assert rel.ece == pytest.approx(0.3875)
    assert rel.mce == pytest.approx(0.45)
    assert rel.counts.tolist() == [0] * 8 + [1, 0, 1, 0, 0, 2, 0]
    assert rel.accuracy[[8, 10, 13]] == pytest.approx([1.0, 1.0, 0.5])
    assert rel.confidence[[8, 10, 13]] == pytest.approx([0.55, 0.7, 0.9])


def test_ece_is_weighted_by_bin_size_not_a_plain_mean_of_the_gaps():
    # The unweighted mean of the three gaps would be (0.4 + 0.3 + 0.45) / 3 = 0.3833...
    assert reliability(FOUR_P, FOUR_Y).ece != pytest.approx((0.4 + 0.3 + 0.45) / 3)


def test_empty_bins_have_no_accuracy_or_confidence():
    rel = reliability(FOUR_P, FOUR_Y)
    assert np.isnan(rel.accuracy[0]) and np.isnan(rel.confidence[14])
    assert rel.edges.shape == (16,) and rel.edges[0] == 0.0 and rel.edges[-1] == 1.0


def test_a_confidence_of_exactly_one_falls_in_the_last_bin():
    # Half-open [ ) bins would drop it: 1.0 is the right edge of nothing.
    P = np.array([[0.0, 1.0], [1.0, 0.0], [0.0, 1.0]])
    rel = reliability(P, [1, 1, 1])
    assert rel.counts[-1] == 3 and rel.counts.sum() == 3
    # one wrong at confidence 1: accuracy 2/3, confidence 1, ECE = 1/3
    assert rel.accuracy[-1] == pytest.approx(2 / 3)
    assert rel.ece == pytest.approx(1 / 3)


def test_a_confidence_on_an_edge_belongs_to_the_bin_below():
    # 4 bins with exact edges 0, 0.25, 0.5, 0.75, 1: 0.75 is in (0.5, 0.75], bin 2.
    rel = reliability([[0.25, 0.75]], [1], n_bins=4)
    assert rel.counts.tolist() == [0, 0, 1, 0]


def test_bins_go_by_confidence_not_by_predicted_class():
    # Three classes, both predicted class 2, confidences 0.45 and 0.85: bins 6 and 12 (from 0),
    # (0.4, 0.467] and (0.8, 0.867]. Binning by predicted class would put both in one bin.
    P = np.array([[0.3, 0.25, 0.45], [0.05, 0.1, 0.85]])
    rel = reliability(P, [2, 0])
    assert np.flatnonzero(rel.counts).tolist() == [6, 12]
    # bin 6: right at 0.45, gap 0.55; bin 12: wrong at 0.85, gap 0.85; each weighs 1/2
    assert rel.ece == pytest.approx(0.5 * 0.55 + 0.5 * 0.85)


def test_reliability_takes_one_hot_targets():
    rel = reliability(FOUR_P, np.eye(2)[FOUR_Y])
    assert rel.ece == pytest.approx(0.3875)


def test_a_perfectly_calibrated_bin_has_no_gap():
    # ten examples at confidence 0.8, eight right: accuracy 0.8 = confidence
    P = np.tile([0.2, 0.8], (10, 1))
    y = np.array([1] * 8 + [0] * 2)
    assert reliability(P, y).ece == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    "P, match",
    [
        (np.array([[0.5, 0.6]]), r"P must hold probabilities in \[0, 1\], each row summing to 1"),
        (np.array([0.5, 0.5]), r"P must have shape \(n_samples, n_classes\).*got shape \(2,\)"),
        (np.array([[np.nan, 1.0]]), r"P must be finite"),
        (np.array([[-0.5, 1.5]]), r"P must hold probabilities"),
    ],
)
def test_reliability_refuses_what_are_not_probabilities(P, match):
    with pytest.raises(ValueError, match=match):
        reliability(P, np.zeros(len(np.atleast_2d(P)), int))


def test_reliability_checks_labels_and_bins():
    with pytest.raises(ValueError, match=r"labels must be in 0..1 for 2 outputs; got 2"):
        reliability(FOUR_P, [0, 1, 2, 1])
    with pytest.raises(ValueError, match=r"n_bins must be a positive integer; got 0"):
        reliability(FOUR_P, FOUR_Y, n_bins=0)
    with pytest.raises(TypeError, match=r"P must be an array of numbers"):
        reliability("probabilities", FOUR_Y)


# -- temperature scaling ------------------------------------------------------------------------
def calibrated_logits(n=5_000, k=10, seed=0):
    """Logits whose softmax is calibrated by construction: labels drawn from softmax(Z)."""
    rng = np.random.default_rng(seed)
    Z = rng.normal(0.0, 2.0, (n, k))
    P = softmax(Z)
    y = (rng.random((n, 1)) > P.cumsum(axis=1)).sum(axis=1)  # inverse-CDF sampling per row
    return Z, y


@pytest.mark.parametrize("true_t", [2.5, 0.5])
def test_fit_temperature_recovers_a_known_temperature(true_t):
    # Logits multiplied by T are over- (T > 1) or under-confident (T < 1) by exactly T:
    # softmax(true_t * Z / T) is calibrated at T = true_t.
    Z, y = calibrated_logits()
    assert fit_temperature(true_t * Z, y) == pytest.approx(true_t, rel=0.05)


def test_temperature_scaling_lowers_the_ece_of_overconfident_logits():
    Z, y = calibrated_logits()
    T = fit_temperature(3.0 * Z, y)
    before = reliability(softmax(3.0 * Z), y).ece
    after = reliability(softmax(3.0 * Z, T), y).ece
    assert before > 0.1 and after < 0.04


def test_fit_temperature_minimises_the_negative_log_likelihood():
    Z, y = calibrated_logits(n=2_000, seed=1)
    Z = 2.0 * Z

    def nll(T):
        return -np.log(softmax(Z, T)[np.arange(len(y)), y]).mean()

    T = fit_temperature(Z, y)
    assert nll(T) < nll(T * 1.01) and nll(T) < nll(T / 1.01)


def test_fit_temperature_stops_at_its_bounds():
    # Every example right with a margin: the likelihood keeps rising as T falls.
    Z = np.array([[5.0, 0.0], [0.0, 5.0]])
    assert fit_temperature(Z, [0, 1], bounds=(0.5, 4.0)) == pytest.approx(0.5, rel=1e-4)


def test_softmax_with_temperature_keeps_the_ranking_and_flattens():
    Z = np.array([[1.0, 2.0, 4.0]])
    hot, cool = softmax(Z), softmax(Z, 2.0)
    assert hot.argmax() == cool.argmax() == 2
    assert cool.max() < hot.max()
    np.testing.assert_allclose(cool.sum(), 1.0)
    # softmax(z / 2) by hand: e^0.5, e^1, e^2 over their sum
    e = np.exp([0.5, 1.0, 2.0])
    np.testing.assert_allclose(cool[0], e / e.sum())


def test_fit_temperature_checks_its_arguments():
    with pytest.raises(ValueError, match=r"logits must have shape \(n_samples, n_classes\)"):
        fit_temperature(np.zeros(3), [0, 1, 2])
    with pytest.raises(ValueError, match=r"bounds must be \(low, high\) with low < high"):
        fit_temperature(np.zeros((2, 2)), [0, 1], bounds=(2.0, 1.0))
    with pytest.raises(ValueError, match=r"bounds\[0\] must be a finite number > 0; got 0.0"):
        fit_temperature(np.zeros((2, 2)), [0, 1], bounds=(0.0, 1.0))
    with pytest.raises(ValueError, match=r"temperature must be a finite number > 0; got -1.0"):
        softmax(np.zeros((2, 2)), -1.0)


def test_fit_temperature_refuses_probabilities_and_takes_any_logits():
    Z, y = calibrated_logits(n=500)
    P = softmax(Z)
    with pytest.raises(
        ValueError, match=r"^fit_temperature needs logits \(net.logits\(X\)\), not probabilities"
    ):
        fit_temperature(P, y)
    with pytest.raises(ValueError, match="not probabilities"):
        fit_temperature(np.float32(P), y)  # float32 rows sum to 1 only roughly
    # logits of every size still pass: all zero, small, one row like a probability
    assert 0.05 <= fit_temperature(np.zeros((4, 3)), [0, 1, 2, 0]) <= 20.0
    assert fit_temperature(Z / 10, y) == pytest.approx(fit_temperature(Z, y) / 10, rel=1e-3)
    fit_temperature(np.array([[0.3, 0.7], [0.9, 0.4]]), [1, 0])


# -- FGSM ---------------------------------------------------------------------------------------
def two_pixel_network():
    """One softmax layer over two pixels: dC/dx = w^T (a - y) by hand."""
    net = Network([2, 2], output="softmax", cost="cross_entropy", dtype="float64")
    net.weights[0][:] = [[1.0, -1.0], [-1.0, 1.0]]
    net.biases[0][:] = 0.0
    return net


def test_fgsm_steps_up_the_cost_by_eps_per_pixel():
    # x = (0.5, 0.5): z = (0, 0), a = (0.5, 0.5); label 0, so a - y = (-0.5, 0.5) and
    # dC/dx = w^T (a - y) = (1*-0.5 + -1*0.5, -1*-0.5 + 1*0.5) = (-1, 1).
    # FGSM with eps 0.1: (0.5 - 0.1, 0.5 + 0.1) = (0.4, 0.6), towards class 1.
    net = two_pixel_network()
    x_adv = fgsm(net, [[0.5, 0.5]], [0], 0.1)
    np.testing.assert_allclose(x_adv, [[0.4, 0.6]])
    assert net.loss(x_adv, [0]) > net.loss([[0.5, 0.5]], [0])


def test_fgsm_uses_the_sign_of_the_gradient_not_its_size():
    # Pixels (0.2, 0.3): z = (-0.1, 0.1), so the gradient is +-(1 - a_0) = +-0.55, not 1;
    # the step is still exactly eps.
    net = two_pixel_network()
    np.testing.assert_allclose(fgsm(net, [[0.2, 0.3]], [0], 0.05), [[0.15, 0.35]])


def test_fgsm_clips_to_the_pixel_range():
    # (0.05, 0.98) - (0.1, -0.1) = (-0.05, 1.08), clipped to (0, 1)
    net = two_pixel_network()
    np.testing.assert_allclose(fgsm(net, [[0.05, 0.98]], [0], 0.1), [[0.0, 1.0]])


def test_fgsm_leaves_pixels_with_no_gradient_where_they_are():
    # ReLU hidden neurons that are all off pass no gradient back to any pixel.
    net = Network([3, 2, 2], activation="relu", dtype="float64", seed=0)
    net.biases[0][:] = -10.0
    X = np.array([[0.1, 0.5, 0.9]])
    np.testing.assert_array_equal(fgsm(net, X, [1], 0.2), X)


def test_fgsm_raises_the_cost_of_every_example_of_a_random_network():
    net = Network([6, 5, 3], activation="tanh", dtype="float64", seed=2)
    rng = np.random.default_rng(0)
    X, y = rng.uniform(0.2, 0.8, (20, 6)), rng.integers(0, 3, 20)
    X_adv = fgsm(net, X, y, 0.01)
    cost = net.cost_function.fn
    assert (cost(net.forward(X_adv), net.targets(y)) > cost(net.forward(X), net.targets(y))).all()
    assert X_adv.shape == (20, 6)


def test_fgsm_makes_a_trained_network_wrong_more_often_as_eps_grows():
    # A [784, 30, 10] network trained briefly on 2,000 bundled digits, attacked on 200 others.
    from nnwidgets import load_bundled

    data = load_bundled()
    net = Network([784, 30, 10], seed=0)
    net.fit(
        data.X_train[:2000],
        data.y_train[:2000],
        epochs=3,
        learning_rate=0.1,
        batch_size=10,
        threads=1,
    )
    X, y = data.X_test[:200], data.y_test[:200]
    errors = [1 - net.score(fgsm(net, X, y, eps), y) for eps in (0.0, 0.05, 0.1, 0.25)]
    assert errors == sorted(errors) and errors[0] < 0.25 and errors[-1] > 0.5
    # random signs of the same size hurt far less than the gradient's
    noise = np.sign(np.random.default_rng(0).standard_normal(X.shape))
    assert 1 - net.score(np.clip(X + 0.1 * noise, 0, 1), y) < errors[2] / 2


def test_fgsm_with_eps_zero_changes_nothing():
    net = two_pixel_network()
    np.testing.assert_array_equal(fgsm(net, [[0.3, 0.7]], [1], 0.0), [[0.3, 0.7]])


def test_fgsm_checks_its_arguments():
    net = two_pixel_network()
    with pytest.raises(ValueError, match=r"eps must be a finite number >= 0; got -0.1"):
        fgsm(net, [[0.5, 0.5]], [0], -0.1)
    with pytest.raises(ValueError, match=r"X must hold pixels in \[0, 1\].*from 0 to 255"):
        fgsm(net, [[0.0, 255.0]], [0], 0.1)
    with pytest.raises(TypeError, match=r"net must be a Network.*got list"):
        fgsm([1, 2], [[0.5, 0.5]], [0], 0.1)
    with pytest.raises(TypeError, match=r"eps must be a number; got '0.1'"):
        fgsm(net, [[0.5, 0.5]], [0], "0.1")
    assert math.isfinite(float(fgsm(net, [[0.5, 0.5]], [0], 1e3).sum()))


def test_metrics_import_numpy_only():
    # In a fresh interpreter: no widget library, no widget module, no SciPy.
    code = "import sys, nnwidgets.metrics\nprint('\\n'.join(sorted(sys.modules)))"
    modules = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    assert "nnwidgets.metrics" in modules
    for library in ("anywidget", "ipywidgets", "traitlets", "scipy", "nnwidgets.widgets"):
        assert not [m for m in modules if m == library or m.startswith(library + ".")]


def test_fgsm_takes_one_example_with_one_label():
    net = two_pixel_network()
    np.testing.assert_allclose(fgsm(net, [0.5, 0.5], 0, 0.1), [[0.4, 0.6]])
    np.testing.assert_allclose(fgsm(net, np.array([0.5, 0.5]), np.int64(0), 0.1), [[0.4, 0.6]])
    with pytest.raises(ValueError, match=r"y must be 2 integer labels .*got shape \(\)"):
        fgsm(net, [[0.5, 0.5], [0.2, 0.3]], 0, 0.1)  # a batch still needs a label each
