"""Any grayscale image -> a 28x28 digit the way MNIST was made.

LeCun, Cortes and Burges describe the MNIST pipeline in one sentence: each digit was
size-normalised to fit a 20x20 box keeping its aspect ratio, anti-aliased, and then centred
in a 28x28 image by its centre of mass. `to_mnist` does exactly that, with every step pinned
down so the drawing pad in the browser (``js/canvas/preprocess.ts``) computes the same numbers:

1. Ink is bright. ``uint8`` means 0..255; other integer and float images are divided by
   their maximum when it exceeds 1, so 0..1 images are taken as they are.
2. Crop to the bounding box of the pixels that are > 0.
3. Target size: the longer side becomes 20 px, the shorter ``floor(20 * short / long + 0.5)``
   (at least 1). Resample by exact area averaging (a box filter): each output pixel is the
   mean of the input over the rectangle it covers, fractional pixels weighted by the area
   they contribute. This is the anti-aliasing, and it makes the result independent of the
   input's resolution (an image and its 3x-upscaled copy give the same digit).
4. The centre of mass, in pixel indices (pixel centres at 0..19 in the box), is moved to
   (14, 14) in the 28x28 frame by an integer shift ``floor(14 - com + 0.5)``, so it ends
   within half a pixel of (14, 14). That is where MNIST's digits have it (measured on the
   training set: mean 13.996, 13.988), half a pixel below and right of the frame's geometric
   centre 13.5; following the data matters more to the network than symmetry. With it,
   to_mnist gives MNIST digits back unchanged. The shift is clamped to keep the whole box
   inside the frame: a digit so lopsided that centring would push ink off the edge keeps
   its ink instead.

A blank image (no pixel > 0) gives a blank 28x28, not an error: an empty drawing pad is a
normal state. All arithmetic is float64; the result is float32 in [0, 1].
"""

from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["to_mnist", "to_mnist_steps", "rasterize_strokes", "BRUSH_INNER", "BRUSH_OUTER"]

SIZE = 28  # the frame
BOX = 20  # the longer side of the digit inside it
CENTRE = 14.0  # where MNIST puts the centre of mass, in pixel indices (see step 4)

# The drawing pad's brush, in pad pixels (the pad is 280x280): full ink within BRUSH_INNER of
# the pen's path, fading linearly to nothing at BRUSH_OUTER. A digit drawn 200 px tall shrinks
# by 10 to fit the 20 px box, so the stroke ends up about 2-2.5 px wide, like MNIST's pen.
BRUSH_INNER = 9.0
BRUSH_OUTER = 13.0
PAD = 280


def _as_unit_image(image) -> np.ndarray:
    a = np.asarray(image)
    if a.ndim != 2:
        flat = " (a flat MNIST row: image.reshape(28, 28))" if a.shape == (SIZE * SIZE,) else ""
        raise ValueError(f"image must be 2-D (height, width) grayscale; got shape {a.shape}{flat}")
    if a.size == 0:
        raise ValueError(f"image must not be empty; got shape {a.shape}")
    if a.dtype == np.bool_:
        return a.astype(np.float64)
    if not np.issubdtype(a.dtype, np.number) or np.issubdtype(a.dtype, np.complexfloating):
        raise ValueError(f"image must hold real numbers; got dtype {a.dtype}")
    is_uint8 = a.dtype == np.uint8
    a = a.astype(np.float64)
    if not np.all(np.isfinite(a)):
        raise ValueError("image contains NaN or infinite values")
    if a.min() < 0:
        raise ValueError(f"image must be non-negative (bright ink on 0); got minimum {a.min()}")
    if is_uint8:
        return a / 255.0
    top = a.max()
    return a / top if top > 1 else a


def _target_shape(h: int, w: int) -> tuple[int, int]:
    if h >= w:
        return BOX, max(1, math.floor(BOX * w / h + 0.5))
    return max(1, math.floor(BOX * h / w + 0.5)), BOX


def _box_weights(n_in: int, n_out: int) -> np.ndarray:
    """(n_out, n_in) matrix: row i averages input cells [i*s, (i+1)*s), s = n_in / n_out."""
    s = n_in / n_out
    R = np.zeros((n_out, n_in))
    for i in range(n_out):
        lo, hi = i * s, (i + 1) * s
        for k in range(math.floor(lo), min(n_in, math.ceil(hi))):
            R[i, k] = (min(hi, k + 1) - max(lo, k)) / s
    return R


def _resample(crop: np.ndarray, th: int, tw: int) -> np.ndarray:
    return _box_weights(crop.shape[0], th) @ crop @ _box_weights(crop.shape[1], tw).T


def _com_offset(box: np.ndarray, n_box: int, axis: int) -> int:
    mass = box.sum(axis=1 - axis)  # profile along `axis`
    com = float(np.dot(np.arange(n_box), mass) / mass.sum())
    # a tie (com exactly on a half pixel, as for any symmetric box) rounds the shift up; the
    # 1e-9 keeps Python and JS agreeing when their sums differ in the last bit
    offset = math.floor(CENTRE - com + 0.5 + 1e-9)
    return min(max(offset, 0), SIZE - n_box)


def to_mnist_steps(image) -> dict:
    """`to_mnist` with its intermediate images, for showing the pipeline.

    Returns a dict with ``image`` (the input scaled to 0..1), ``crop`` (the ink's bounding
    box), ``box`` (the crop resampled so its longer side is 20 px), ``offset`` (top, left of
    the box in the frame) and ``result`` (the 28x28 float32 digit).
    """
    a = _as_unit_image(image)
    rows = np.flatnonzero(a.max(axis=1) > 0)
    if rows.size == 0:
        blank = np.zeros((SIZE, SIZE), np.float32)
        return {"image": a, "crop": a[:0, :0], "box": a[:0, :0], "offset": (0, 0), "result": blank}
    cols = np.flatnonzero(a.max(axis=0) > 0)
    crop = a[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
    th, tw = _target_shape(*crop.shape)
    box = _resample(crop, th, tw)
    top, left = _com_offset(box, th, 0), _com_offset(box, tw, 1)
    out = np.zeros((SIZE, SIZE))
    out[top : top + th, left : left + tw] = box
    result = np.clip(out, 0.0, 1.0).astype(np.float32)
    return {"image": a, "crop": crop, "box": box, "offset": (top, left), "result": result}


def to_mnist(image) -> np.ndarray:
    """Turn a grayscale image (ink bright, any size) into a 28x28 float32 MNIST-style digit.

    Crops to the ink, scales the longer side to 20 px with area averaging (aspect ratio
    kept), and shifts the centre of mass to the centre of a 28x28 frame. See the module
    docstring for the exact algorithm. A blank image gives a blank 28x28.

    >>> to_mnist(np.eye(50)).shape
    (28, 28)
    """
    return to_mnist_steps(image)["result"]


def rasterize_strokes(
    strokes, *, size: int = PAD, inner: float = BRUSH_INNER, outer: float = BRUSH_OUTER
) -> np.ndarray:
    """Draw pen strokes with the drawing pad's soft round brush; returns (size, size) float64.

    ``strokes`` is a list of polylines, each a list of (x, y) points in pad pixels (x to the
    right, y down). A pixel's ink is ``clip((outer - d) / (outer - inner), 0, 1)`` where d is
    the distance from the pixel's centre (x + 0.5, y + 0.5) to the nearest segment; strokes
    combine by taking the maximum, so drawing order does not matter. Mirrors
    ``js/canvas/strokes.ts``.
    """
    size = _pad_size(size)
    inner, outer = _brush(inner, outer)
    img = np.zeros((size, size))
    ys, xs = np.mgrid[0:size, 0:size] + 0.5
    for k, stroke in enumerate(_strokes(strokes)):
        pts = _stroke_points(stroke, k)
        if len(pts) == 0:
            continue
        if len(pts) == 1:
            pts = np.vstack([pts, pts])
        for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:]):
            c0 = max(0, math.floor(min(x0, x1) - outer))
            c1 = min(size, math.ceil(max(x0, x1) + outer) + 1)
            r0 = max(0, math.floor(min(y0, y1) - outer))
            r1 = min(size, math.ceil(max(y0, y1) + outer) + 1)
            if c0 >= c1 or r0 >= r1:
                continue
            px, py = xs[r0:r1, c0:c1], ys[r0:r1, c0:c1]
            dx, dy = x1 - x0, y1 - y0
            len2 = dx * dx + dy * dy
            if len2 > 0:
                t = np.clip(((px - x0) * dx + (py - y0) * dy) / len2, 0.0, 1.0)
            else:
                t = 0.0
            d = np.hypot(px - (x0 + t * dx), py - (y0 + t * dy))
            ink = np.clip((outer - d) / (outer - inner), 0.0, 1.0)
            np.maximum(img[r0:r1, c0:c1], ink, out=img[r0:r1, c0:c1])
    return img


#: How far outside the pad a stroke's point may lie, in pad pixels: beyond, the distance
#: arithmetic overflows (a point at 1e308 drew NaN) and no pen goes there.
MAX_COORDINATE = 1e6


def _pad_size(size):
    if isinstance(size, bool) or not isinstance(size, numbers.Integral) or size <= 0:
        raise ValueError(f"size must be a positive integer (pixels); got {size!r}")
    return int(size)


def _brush(inner, outer):
    for name, value in (("inner", inner), ("outer", outer)):
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{name} must be a number (pixels); got {value!r}")
    inner, outer = float(inner), float(outer)
    if not (math.isfinite(outer) and 0 <= inner < outer):
        raise ValueError(
            f"the brush needs 0 <= inner < outer, both finite (full ink within inner, none "
            f"beyond outer); got inner={inner:g}, outer={outer:g}"
        )
    return inner, outer


def _strokes(strokes):
    if strokes is None or isinstance(strokes, (str, bytes)):
        raise TypeError(
            f"strokes must be a list of strokes, each a list of (x, y) points; got {strokes!r:.60}"
        )
    return strokes


def _stroke_points(stroke, k):
    """Stroke ``k`` as finite (n, 2) points, or an error naming it."""
    try:
        pts = np.asarray(stroke, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(
            f"stroke {k} must be a list of (x, y) points; got {stroke!r:.60}"
        ) from None
    if pts.size % 2 or pts.ndim == 0 or (pts.ndim > 1 and pts.shape[-1] != 2):
        raise ValueError(f"stroke {k} must be a list of (x, y) points; got shape {pts.shape}")
    pts = pts.reshape(-1, 2)
    if not (np.isfinite(pts).all() and (np.abs(pts) <= MAX_COORDINATE).all()):
        bad = pts[~(np.isfinite(pts) & (np.abs(pts) <= MAX_COORDINATE)).all(axis=1)][0]
        raise ValueError(
            f"stroke {k}'s points must be finite pad pixels within {MAX_COORDINATE:g} of the "
            f"pad; got ({bad[0]:g}, {bad[1]:g})"
        )
    return pts
