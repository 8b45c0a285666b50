"""nnwidgets.datasets.pen: synthetic pen digits for training, in every style it names."""

import numpy as np
import pytest

from nnwidgets.datasets.pen import STYLES, _draw_half_size, pen_digits, pen_strokes
from nnwidgets.preprocess import rasterize_strokes, to_mnist


def test_every_digit_has_styles_and_every_style_draws_on_the_pad():
    assert sorted(STYLES) == list(range(10))
    rng = np.random.default_rng(0)
    for digit, styles in STYLES.items():
        for style in styles:
            for _ in range(5):
                strokes = pen_strokes(digit, rng, style)
                pts = np.concatenate([np.asarray(s) for s in strokes])
                assert pts.shape[1] == 2
                assert pts.min() >= 0 and pts.max() <= 280, (digit, style)
                # a digit, not a dot: at least a third of the pad's usable size in some direction
                assert np.ptp(pts, axis=0).max() > 50, (digit, style)


def test_the_same_seed_gives_the_same_digits_and_another_seed_others():
    X1, y1 = pen_digits(30, seed=3)
    X2, y2 = pen_digits(30, seed=3)
    X3, _ = pen_digits(30, seed=4)
    np.testing.assert_array_equal(X1, X2)
    np.testing.assert_array_equal(y1, y2)
    assert not np.array_equal(X1, X3)


def test_fewer_digits_from_a_seed_are_the_first_of_more():
    # scripts/train_default.py serves pen_digits(n, seed) from a larger set made from the seed
    X, y = pen_digits(25, seed=5)
    X_first, y_first = pen_digits(12, seed=5)
    np.testing.assert_array_equal(X[:12], X_first)
    np.testing.assert_array_equal(y[:12], y_first)


def test_rows_are_mnist_style_digits_with_labels_cycling_0_to_9():
    X, y = pen_digits(20, seed=1)
    assert X.shape == (20, 784) and X.dtype == np.float32
    assert y.tolist() == list(range(10)) * 2
    assert X.min() >= 0 and X.max() <= 1
    assert (X.max(axis=1) > 0.5).all()  # every digit has ink


def test_half_size_drawing_matches_the_full_pad_up_to_edges_and_a_pixel_of_centring():
    rng = np.random.default_rng(2)
    for digit in range(10):
        strokes = pen_strokes(digit, rng)
        full = to_mnist(rasterize_strokes(strokes))
        half = _draw_half_size(strokes)
        # the same total ink within a few percent, the same place within a pixel
        assert abs(half.sum() - full.sum()) < 0.08 * full.sum(), digit
        com = lambda a: np.array(np.nonzero(a)).mean(axis=1)  # noqa: E731
        assert np.abs(com(half > 0.3) - com(full > 0.3)).max() < 1.5, digit


@pytest.mark.parametrize("digit", [-1, 10, 3.0, "7"])
def test_a_digit_outside_0_to_9_is_refused(digit):
    with pytest.raises(ValueError, match=r"digit must be an int in 0\.\.9; got"):
        pen_strokes(digit, np.random.default_rng(0))


def test_an_unknown_style_is_refused_naming_the_known_ones():
    with pytest.raises(
        ValueError, match=r"style for digit 7 must be one of 'plain', 'crossed'.*got 'slashed'"
    ):
        pen_strokes(7, np.random.default_rng(0), "slashed")


@pytest.mark.parametrize("n", [0, -5, 2.5, True])
def test_n_must_be_a_positive_int(n):
    with pytest.raises(ValueError, match="n must be a positive int; got"):
        pen_digits(n)
