"""augment: identity when off, shape/dtype/range, shift keeps mass, rotation matches np.rot90,
determinism.
"""

import numpy as np
import pytest

from nnwidgets.datasets.augment import _bilinear, _filter3, _gaussian_matrix, augment

OFF = {
    "max_shift": 0,
    "max_rotation": 0,
    "scale": None,
    "shear": 0,
    "elastic_alpha": 0,
    "thickness": 0,
}


def digit_like(n=6, seed=0):
    """n 28x28 images with a blob well inside the frame, so a 2-pixel shift loses nothing."""
    rng = np.random.default_rng(seed)
    images = np.zeros((n, 28, 28), np.float32)
    images[:, 8:20, 10:18] = rng.random((n, 12, 8), dtype=np.float32)
    return images


# An L in the top-left quadrant, asymmetric in both axes, so a rotation the wrong way, a flip
# or a transposition all give a different picture.
L_SHAPE = np.zeros((1, 28, 28), np.float32)
L_SHAPE[0, 4:14, 5:8] = 1.0
L_SHAPE[0, 11:14, 5:12] = 0.6


def test_identity_when_everything_is_off():
    images = digit_like()
    out = augment(images, np.random.default_rng(0), **OFF)
    np.testing.assert_array_equal(out, images)
    assert out is not images


def test_shape_dtype_and_range_with_defaults():
    images = digit_like(50)
    out = augment(images, np.random.default_rng(0))
    assert out.shape == images.shape and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 1
    assert not np.allclose(out, images)


def test_float64_input_gives_float32():
    out = augment(digit_like().astype(np.float64), np.random.default_rng(0))
    assert out.dtype == np.float32


def test_more_images_than_one_pass():
    # 1100 images run in three passes; each image must still get its own distortion.
    images = np.repeat(digit_like(1), 1100, axis=0)
    out = augment(images, np.random.default_rng(0), **{**OFF, "max_shift": 2.0})
    assert out.shape == images.shape
    assert len({out[i].tobytes() for i in (0, 600, 1099)}) == 3


def test_pure_shift_keeps_the_mass():
    images = digit_like()
    out = augment(images, np.random.default_rng(1), **{**OFF, "max_shift": 2.0})
    # Bilinear weights sum to one and the blob stays inside the frame: the total ink is kept.
    np.testing.assert_allclose(out.sum(axis=(1, 2)), images.sum(axis=(1, 2)), rtol=1e-4)
    assert not np.allclose(out, images)


def test_integer_shift_moves_pixels_exactly():
    # The sampler alone, at whole-pixel offsets: no interpolation, so the values move unchanged.
    image = digit_like(1)
    out = _bilinear(image, np.mgrid[0:28, 0:28][1][None] - 2.0, np.mgrid[0:28, 0:28][0][None] + 1.0)
    # Sampling at x - 2, y + 1 moves the picture 2 right and 1 up.
    np.testing.assert_allclose(out[0, :-1, 2:], image[0, 1:, :-2])


@pytest.mark.parametrize("k, degrees", [(1, 90), (2, 180), (3, -90)])
def test_rotation_matches_rot90(k, degrees):
    out = augment(L_SHAPE, np.random.default_rng(0), **{**OFF, "max_rotation": (degrees, degrees)})
    np.testing.assert_allclose(out[0], np.rot90(L_SHAPE[0], k), atol=1e-5)


def test_small_rotation_keeps_the_centre_of_mass():
    images = digit_like()
    out = augment(images, np.random.default_rng(0), **{**OFF, "max_rotation": 15})
    ys, xs = np.mgrid[0:28, 0:28]

    def centre(a):
        return np.stack([(a * ys).sum((1, 2)), (a * xs).sum((1, 2))], 1) / a.sum((1, 2))[:, None]

    # Rotation about the image centre moves the blob's centre by at most 15 degrees of arc.
    assert np.all(np.abs(centre(out) - centre(images)) < 1.5)


def test_same_seed_same_result_other_seed_other_result():
    images = digit_like()
    a = augment(images, np.random.default_rng(7))
    b = augment(images, np.random.default_rng(7))
    c = augment(images, np.random.default_rng(8))
    np.testing.assert_array_equal(a, b)
    assert not np.allclose(a, c)


def test_scale_up_grows_the_ink():
    images = digit_like()
    out = augment(images, np.random.default_rng(0), **{**OFF, "scale": (1.2, 1.2)})
    # Zooming by 1.2 stretches the ink over 1.2**2 = 1.44 times the area.
    np.testing.assert_allclose(out.sum() / images.sum(), 1.44, rtol=0.03)


def test_elastic_moves_pixels_but_keeps_most_ink():
    images = digit_like()
    out = augment(images, np.random.default_rng(0), **{**OFF, "elastic_alpha": 24.0})
    assert not np.allclose(out, images)
    np.testing.assert_allclose(out.sum(), images.sum(), rtol=0.1)


def test_thickness_changes_the_ink():
    images = digit_like(200)
    out = augment(images, np.random.default_rng(0), **{**OFF, "thickness": 1.0})
    changed = out.sum((1, 2)) - images.sum((1, 2))
    # Every image is touched; about half grow and half shrink.
    grew = (changed > 0).mean()
    assert 0.3 < grew < 0.7
    assert np.all(out >= 0) and np.all(out <= 1)


def test_max_and_min_filters():
    image = np.zeros((1, 5, 5), np.float32)
    image[0, 2, 2] = 1
    dilated = _filter3(image, np.maximum)
    assert dilated[0, 1:4, 1:4].sum() == 9 and dilated.sum() == 9
    assert _filter3(image, np.minimum).sum() == 0
    np.testing.assert_array_equal(_filter3(dilated, np.minimum), image)


def test_gaussian_matrix_rows_sum_to_one_and_are_symmetric_inside():
    g = _gaussian_matrix(28, 4.0)
    np.testing.assert_allclose(g.sum(1), 1, rtol=1e-5)
    # Away from the edges the matrix is the plain (Toeplitz) convolution.
    np.testing.assert_allclose(g[14, 10:19], g[14, 10:19][::-1], rtol=1e-6)


@pytest.mark.parametrize(
    "kwargs, error, message",
    [
        (
            {"images": np.zeros((2, 784), np.float32)},
            ValueError,
            r"shape \(n, height, width\).*got \(2, 784\).*reshape",
        ),
        ({"images": np.zeros((2, 28, 28), np.uint8)}, TypeError, "floating point.*got dtype uint8"),
        ({"images": [[[0.0]]]}, TypeError, "numpy array.*got list"),
        ({"rng": 0}, TypeError, "rng must be a numpy.random.Generator.*got int"),
        ({"max_shift": -1}, ValueError, "max_shift must be a non-negative number or None; got -1"),
        (
            {"max_rotation": (20, 10)},
            ValueError,
            r"max_rotation must have low <= high; got \(20, 10\)",
        ),
        ({"max_rotation": "15"}, ValueError, "max_rotation must be a number of degrees"),
        ({"shear": 90}, ValueError, r"shear must stay within \+-89.0 degrees; got 90"),
        ({"scale": (0, 1)}, ValueError, r"scale must have 0 < low <= high; got \(0, 1\)"),
        ({"scale": 1.1}, ValueError, "scale must be a \\(low, high\\) pair"),
        (
            {"elastic_sigma": 0},
            ValueError,
            "elastic_sigma must be a positive number of pixels; got 0",
        ),
        (
            {"thickness": 1.5},
            ValueError,
            r"thickness must be a fraction of the images in \[0, 1\]; got 1.5",
        ),
    ],
)
def test_bad_arguments(kwargs, error, message):
    args = {"images": digit_like(1), "rng": np.random.default_rng(0), **kwargs}
    with pytest.raises(error, match=message):
        augment(args.pop("images"), args.pop("rng"), **args)
