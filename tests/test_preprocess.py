"""to_mnist: crop, scale the longer side to 20 px, centre by centre of mass in 28x28."""

import json
import pathlib

import numpy as np
import pytest

from nnwidgets.datasets import load_bundled
from nnwidgets.preprocess import rasterize_strokes, to_mnist, to_mnist_steps

STROKES = pathlib.Path(__file__).parent / "strokes"


def centre_of_mass(img):
    ys, xs = np.mgrid[0 : img.shape[0], 0 : img.shape[1]]
    m = img.sum()
    return (ys * img).sum() / m, (xs * img).sum() / m


def ink_box(img, threshold=0.0):
    rows = np.flatnonzero(img.max(axis=1) > threshold)
    cols = np.flatnonzero(img.max(axis=0) > threshold)
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def seven(scale=1):
    """A 7 drawn 30 tall and 21 wide, off-centre in 60x50: rows != cols catches a transposition."""
    img = np.zeros((60, 50), np.uint8)
    img[5:8, 10:31] = 255  # the bar
    for r in range(8, 35):  # the diagonal, 3 px thick
        c = 30 - (r - 8) * 20 // 27
        img[r, max(10, c - 2) : c + 1] = 255
    return np.kron(img, np.ones((scale, scale), np.uint8))


def test_shape_dtype_range():
    out = to_mnist(seven())
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1


def test_centre_of_mass_within_half_pixel_of_centre():
    # MNIST's centre: (14, 14) in pixel indices (see the module docstring)
    cy, cx = centre_of_mass(to_mnist(seven()))
    assert abs(cy - 14) <= 0.5 and abs(cx - 14) <= 0.5


def test_longer_side_is_20_px():
    # the box filter can leave a faint partial pixel at an edge only when 20 does not divide
    # the crop; 30 tall -> each output row averages 1.5 input rows, so the box is exactly 20
    h, w = ink_box(to_mnist(seven()))
    assert h == 20
    assert w <= 20


def test_aspect_ratio_kept():
    # crop is 30 x 21, so the box is 20 x floor(20 * 21 / 30 + 0.5) = 20 x 14
    steps = to_mnist_steps(seven())
    assert steps["crop"].shape == (30, 21)
    assert steps["box"].shape == (20, 14)
    h, w = ink_box(steps["result"])
    assert (h, w) == (20, 14)


def test_wide_image_keeps_aspect_ratio():
    img = np.zeros((40, 100))
    img[10:20, 0:80] = 1.0  # 10 x 80 bar -> 20 wide, floor(2.5 + 0.5) = 3 tall
    assert ink_box(to_mnist(img)) == (3, 20)


def test_scale_invariance():
    np.testing.assert_allclose(to_mnist(seven(1)), to_mnist(seven(3)), atol=1e-6)


def test_translation_invariance():
    shifted = np.roll(np.roll(seven(), 17, axis=0), -6, axis=1)
    np.testing.assert_allclose(to_mnist(seven()), to_mnist(shifted), atol=1e-7)


def test_dtypes_agree():
    a = seven()
    ref = to_mnist(a)
    np.testing.assert_allclose(to_mnist(a / 255.0), ref, atol=1e-6)
    np.testing.assert_allclose(to_mnist(a.astype(np.float32) / 255), ref, atol=1e-6)
    np.testing.assert_allclose(to_mnist(a.astype(np.int64)), ref, atol=1e-6)  # max 255 -> /255
    np.testing.assert_allclose(to_mnist(a > 0), ref, atol=1e-6)


def test_blank_image_gives_blank_digit():
    out = to_mnist(np.zeros((280, 280), np.uint8))
    assert out.shape == (28, 28) and not out.any()


def test_tiny_dot_is_upscaled_to_fill_box():
    img = np.zeros((10, 10))
    img[4, 6] = 1.0
    out = to_mnist(img)
    assert ink_box(out) == (20, 20)
    # the box's centre of mass is 9.5, so it lands at floor(14 - 9.5 + 0.5) = 5
    np.testing.assert_allclose(out[5:25, 5:25], 1.0)


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.zeros((2, 3, 4)), "2-D"),
        (np.zeros(784), "2-D"),
        (np.zeros((0, 5)), "empty"),
        (np.array([[0.0, np.nan]]), "NaN"),
        (np.array([[0.0, np.inf]]), "NaN or infinite"),
        (np.array([[0.0, -1.0]]), "non-negative"),
        (np.array([["a", "b"]]), "real numbers"),
    ],
)
def test_bad_input_raises(bad, match):
    with pytest.raises(ValueError, match=match):
        to_mnist(bad)


def test_idempotent_on_mnist_style_digit():
    # a digit already made the MNIST way (20 px box, centred) stays itself
    once = to_mnist(seven())
    np.testing.assert_allclose(to_mnist(once), once, atol=1e-6)


def test_real_mnist_digits_stay_close():
    # The subset ships inside the package: a loader that breaks must fail here, not skip.
    X = load_bundled(flatten=False).X_train[:200]
    # MNIST digits already fill a 20 px box centred by mass: they come back (nearly) unchanged
    diffs = np.array([np.abs(to_mnist(x) - x).mean() for x in X])
    assert np.median(diffs) < 1e-6
    assert np.mean(diffs < 1e-6) > 0.9
    cy, cx = np.mean([centre_of_mass(x) for x in X], axis=0)
    assert abs(cy - 14) < 0.1 and abs(cx - 14) < 0.1  # where the centre is, measured


def test_rasterize_strokes_brush_profile():
    img = rasterize_strokes([[(100, 140), (180, 140)]])
    # centre line full ink; 11 px off the line is halfway between inner 9 and outer 13
    assert img[139, 140] == 1.0 and img[140, 140] == 1.0
    assert img[140 + 11, 140] == pytest.approx((13 - 11.5) / 4)
    assert img[140 + 13, 140] == 0.0
    # round cap: a point past the end still gets ink
    assert img[139, 185] > 0


def test_rasterize_single_point_is_a_dot():
    img = rasterize_strokes([[(50, 50)]])
    assert img[49, 49] == 1.0 and ink_box(img) == (26, 26)


def test_stroke_digits_fixture_preprocess_parity_file_is_current():
    """tests/strokes/parity.json holds what Python computes for the JS tests to compare with."""
    # Committed with the tests (tests/strokes/make_parity.py writes it): missing is a failure.
    fixture = json.loads((STROKES / "parity.json").read_text())
    for case in fixture["preprocess"]:
        raw = rasterize_strokes(case["strokes"])
        np.testing.assert_allclose(
            to_mnist(raw).ravel(), np.array(case["pixels"], np.float32), atol=1e-7
        )
