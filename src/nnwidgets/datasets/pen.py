"""Synthetic pen-drawn digits in many writing styles, drawn with the drawing pad's brush.

MNIST's writers wrote in few styles: a 1 with a flag, a 7 with a crossbar, a 4 open at the
top, a 3 with a flat top are rare in it, and a network trained on MNIST alone reads them as
other digits. This module writes digits the way a pen does on the pad, in those styles too,
so they can be mixed into the training set:

1. a *style* builds the digit's strokes from simple parts (lines, elliptic arcs, quadratic
   curves) whose sizes and angles are drawn at random, in a box one unit tall, x centred on 0
   and y pointing down;
2. a *writer* then maps them to the 280x280 pad: a size (which sets the stroke's relative
   thickness, since the brush is fixed), width, slant, rotation, position and a smooth
   wobble;
3. ``rasterize_strokes`` draws them with the pad's brush and ``to_mnist`` makes the 28x28
   digit the network sees, as the canvas does (at half the pad's size, for speed: see
   ``_draw_half_size``).

The test set in ``tests/strokes/styles.json`` is made differently on purpose (hand-placed
control points through a Catmull-Rom spline, its own writer variations and seed), so that
the benchmark does not measure this generator against itself.

>>> X, y = pen_digits(20, seed=1)
>>> X.shape, y.shape
((20, 784), (20,))
"""

from __future__ import annotations

import numpy as np

from ..preprocess import BRUSH_INNER, BRUSH_OUTER, PAD, rasterize_strokes, to_mnist

__all__ = ["STYLES", "pen_digits", "pen_strokes"]

SPACING = 8.0  # pad pixels between recorded pen positions; the brush (radius 13) hides the corners


# -- parts of a stroke, in unit coordinates (height 1, y down) --------------------------------


def _line(*points):
    return np.asarray(points, float)


def _arc(cx, cy, rx, ry, start, stop):
    """An elliptic arc; angles in degrees, increasing clockwise on screen (y points down)."""
    t = np.radians(np.linspace(start, stop, max(3, int(abs(stop - start) / 6) + 1)))
    return np.column_stack([cx + rx * np.cos(t), cy + ry * np.sin(t)])


def _curve(p0, p1, p2):
    """A quadratic Bezier curve from p0 to p2, pulled towards p1."""
    t = np.linspace(0, 1, 12)[:, None]
    p0, p1, p2 = (np.asarray(p, float) for p in (p0, p1, p2))
    return (1 - t) ** 2 * p0 + 2 * (1 - t) * t * p1 + t**2 * p2


def _join(*parts):
    return np.vstack(parts)


# -- the styles: each returns a list of strokes, drawn with its own random proportions --------


def _zero_oval(r):
    start = r.uniform(-120, -60)
    return [_arc(0, 0.5, r.uniform(0.25, 0.4), 0.5, start, start - r.uniform(330, 390))]


def _one_stick(r):
    return [_line((r.uniform(-0.05, 0.05), 0), (r.uniform(-0.05, 0.05), 1))]


def _one_flag(r, base=False):
    # steeper than 25 degrees: a flatter, longer flag is a 7's bar, and MNIST writes 7s like that
    length, angle = r.uniform(0.15, 0.55), np.radians(r.uniform(25, 65))
    top = (r.uniform(-0.03, 0.03), 0)
    foot = (top[0] + r.uniform(-0.04, 0.04), 1)
    strokes = [_line((top[0] - length * np.cos(angle), length * np.sin(angle)), top, foot)]
    if base:
        half = r.uniform(0.12, 0.3)
        strokes.append(_line((foot[0] - half, 1), (foot[0] + half, 1 + r.uniform(-0.03, 0.03))))
    return strokes


def _two(r, loop=False):
    rx, ry = r.uniform(0.25, 0.35), r.uniform(0.2, 0.3)
    top = _arc(0, ry, rx, ry, r.uniform(170, 210), r.uniform(365, 395))
    corner = (r.uniform(-0.38, -0.25), 1)
    parts = [top, _line(top[-1], corner)]
    if loop:
        size = r.uniform(0.05, 0.11)
        # a small loop turned anticlockwise at the corner: up, left, down and back
        parts.append(
            _arc(corner[0] - size, corner[1] - 0.02, size, size * r.uniform(0.8, 1.3), 0, -360)
        )
    parts.append(_line(corner, (r.uniform(0.25, 0.4), 1 + r.uniform(-0.04, 0.04))))
    return [_join(*parts)]


def _two_z(r):
    w = r.uniform(0.25, 0.35)
    strokes = [_line((-w, 0), (w, r.uniform(-0.03, 0.03)), (-w, 1), (w, 1))]
    if r.random() < 0.3:
        strokes.append(_line((-0.18, 0.5), (0.18, 0.5)))
    return strokes


def _three(r, flat=False):
    rx, cy = r.uniform(0.26, 0.36), r.uniform(0.7, 0.76)
    lower = _arc(0, cy, rx, 1 - cy, r.uniform(240, 275), r.uniform(490, 530))
    if flat:
        w = r.uniform(0.25, 0.35)
        upper = _line((-w, 0), (w, 0), (r.uniform(-0.15, 0.05), 2 * cy - 1))
    else:
        upper = _arc(
            0,
            (2 * cy - 1) / 2,
            rx * r.uniform(0.75, 1.0),
            (2 * cy - 1) / 2,
            r.uniform(190, 220),
            450,
        )
    return [_join(upper, lower)]


def _four(r, open_top=False):
    bar, stem = r.uniform(0.55, 0.72), r.uniform(0.05, 0.2)
    right = stem + r.uniform(0.12, 0.25)
    if open_top:
        left = r.uniform(-0.35, -0.2)
        first = _line((left + r.uniform(-0.05, 0.05), 0), (left, bar), (right, bar))
        return [first, _line((stem, r.uniform(0, 0.15)), (stem, 1))]
    first = _line((stem, 0), (r.uniform(-0.38, -0.25), bar), (right, bar))
    # the stem from the top, or starting lower (then the 4 is closed by the diagonal only)
    return [first, _line((stem, r.uniform(0, 0.3)), (stem + r.uniform(-0.04, 0.04), 1))]


def _five(r):
    left = r.uniform(-0.3, -0.15)
    belly = _arc(0, 0.68, r.uniform(0.26, 0.34), 0.32, r.uniform(215, 240), r.uniform(480, 510))
    stem = _line((left, 0), (left - r.uniform(0, 0.05), r.uniform(0.38, 0.48)))
    bar = _line((left, 0), (r.uniform(0.2, 0.35), r.uniform(-0.04, 0.02)))
    if r.random() < 0.5:
        return [_join(stem, belly), bar]
    return [_join(bar[::-1], stem, belly)]


def _six(r, straight=False):
    rx, ry = r.uniform(0.24, 0.32), r.uniform(0.2, 0.28)
    top = (r.uniform(0.05, 0.25), 0)
    joint = (-rx, 1 - ry)
    stem = _line(top, joint) if straight else _curve(top, (r.uniform(-0.35, -0.2), 0.25), joint)
    loop = _arc(0, 1 - ry, rx, ry, 180, r.uniform(-190, -160))
    return [_join(stem, loop)]


def _seven(r, crossed=False, curved=False, hook=False):
    w = r.uniform(0.25, 0.35)
    foot = (r.uniform(-0.15, 0.05), 1)
    corner = (w, r.uniform(-0.03, 0.03))
    stem = _curve(corner, (r.uniform(0.0, 0.15), 0.55), foot) if curved else _line(corner, foot)
    start = [_line((-w, r.uniform(0.08, 0.18)))] if hook else []
    strokes = [_join(*start, _line((-w, 0), corner), stem)]
    if crossed:
        y = r.uniform(0.42, 0.58)
        x = corner[0] + (foot[0] - corner[0]) * y  # where the stem is at height y
        strokes.append(_line((x - r.uniform(0.15, 0.25), y), (x + r.uniform(0.1, 0.2), y)))
    return strokes


def _eight(r, two_loops=False):
    ry_top = r.uniform(0.2, 0.27)
    rx_top, rx_bot = r.uniform(0.17, 0.27), r.uniform(0.22, 0.32)
    cy_top, ry_bot = ry_top, (1 - 2 * ry_top) / 2
    cy_bot = 2 * ry_top + ry_bot
    if two_loops:
        return [_arc(0, cy_top, rx_top, ry_top, 0, 360), _arc(0, cy_bot, rx_bot, ry_bot, -90, 270)]
    return [
        _join(
            _arc(0, cy_top, rx_top, ry_top, -30, -270),
            _arc(0, cy_bot, rx_bot, ry_bot, 270, 630),
            _arc(0, cy_top, rx_top, ry_top, 90, -40),
        )
    ]


def _nine(r, tail="straight", loop="closed"):
    rx = r.uniform(0.24, 0.34) if loop != "small" else r.uniform(0.15, 0.22)
    ry = r.uniform(0.2, 0.28) if loop != "small" else r.uniform(0.13, 0.18)
    start = r.uniform(-70, 10)  # the pen starts on the loop's right side, high or low
    sweep = r.uniform(250, 310) if loop == "open" else r.uniform(350, 390)
    circle = _arc(0, ry, rx, ry, start, start - sweep)
    top = (rx, r.uniform(0, ry))
    if tail == "curved":
        stem = _curve(top, (rx + r.uniform(-0.05, 0.08), 0.85), (r.uniform(-0.25, 0.0), 1))
    else:
        stem = _line(top, (rx + r.uniform(-0.12, 0.0), 1))
    if loop == "open":  # the loop is left open and the stem drawn as its own stroke
        return [circle, stem]
    return [_join(circle, stem)]


# digit -> {style name: function of the random generator}
STYLES = {
    0: {"oval": _zero_oval},
    1: {"stick": _one_stick, "flag": _one_flag, "flag and base": lambda r: _one_flag(r, base=True)},
    2: {"plain": _two, "loop": lambda r: _two(r, loop=True), "z": _two_z},
    3: {"round": _three, "flat top": lambda r: _three(r, flat=True)},
    4: {"closed": _four, "open top": lambda r: _four(r, open_top=True)},
    5: {"two strokes or one": _five},
    6: {"curved stem": _six, "straight stem": lambda r: _six(r, straight=True)},
    7: {
        "plain": _seven,
        "crossed": lambda r: _seven(r, crossed=True),
        "curved stem": lambda r: _seven(r, curved=True, crossed=r.random() < 0.5),
        "hook": lambda r: _seven(r, hook=True, crossed=r.random() < 0.5),
    },
    8: {"one stroke": _eight, "two loops": lambda r: _eight(r, two_loops=True)},
    9: {
        "straight": _nine,
        "curved tail": lambda r: _nine(r, tail="curved"),
        "open loop": lambda r: _nine(r, loop="open", tail=r.choice(["straight", "curved"])),
        "small loop": lambda r: _nine(r, loop="small", tail=r.choice(["straight", "curved"])),
    },
}


# Styles MNIST has plenty of (a plain 1, a plain 7, a closed 4) are drawn at weight 1; the
# ones it hardly has, which the pen set is for, at weight 2.
RARE_IN_MNIST = {
    (1, "flag"),
    (1, "flag and base"),
    (2, "loop"),
    (2, "z"),
    (3, "flat top"),
    (4, "open top"),
    (7, "crossed"),
    (7, "hook"),
    (9, "curved tail"),
    (9, "open loop"),
    (9, "small loop"),
}


# -- the writer ------------------------------------------------------------------------------


def _write(strokes, r):
    """Place unit strokes on the pad as one writer would: size, width, slant, turn, wobble."""
    height = r.uniform(70, 265)
    widen = r.uniform(0.8, 1.25)
    slant = r.uniform(-0.35, 0.35)  # > 0 leans right
    angle = r.uniform(-0.15, 0.15)
    # a smooth wobble: two plane waves across the digit, a few percent of its height
    k = r.uniform(2, 7, (2, 2))
    phase = r.uniform(0, 2 * np.pi, 2)
    amp = r.uniform(0, 0.03, 2)
    placed = []
    for s in strokes:
        x, y = s[:, 0], s[:, 1]
        x = x + amp[0] * np.sin(k[0, 0] * x + k[0, 1] * y + phase[0])
        y = y + amp[1] * np.sin(k[1, 0] * x + k[1, 1] * y + phase[1])
        x = (x * widen + slant * (0.5 - y)) * height
        y = (y - 0.5) * height
        c, s_ = np.cos(angle), np.sin(angle)
        placed.append(np.column_stack([c * x - s_ * y, s_ * x + c * y]))
    lo = np.min([p.min(0) for p in placed], axis=0)
    hi = np.max([p.max(0) for p in placed], axis=0)
    margin = 4.0
    span = hi - lo
    if np.any(span > PAD - 2 * margin):  # too big for the pad: shrink, as a writer would
        factor = (PAD - 2 * margin) / span.max()
        placed = [p * factor for p in placed]
        lo, hi = lo * factor, hi * factor
    room = np.maximum(PAD - 2 * margin - (hi - lo), 0)  # how far the digit can move
    offset = margin - lo + r.uniform(0, 1, 2) * room
    return [_resample(p + offset) for p in placed]


def _resample(path):
    """Pen positions about every SPACING pixels along the path, as pointer events record them."""
    steps = np.hypot(*np.diff(path, axis=0).T)
    dist = np.concatenate([[0], np.cumsum(steps)])
    n = max(2, int(dist[-1] / SPACING) + 1)
    at = np.linspace(0, dist[-1], n)
    return np.column_stack([np.interp(at, dist, path[:, 0]), np.interp(at, dist, path[:, 1])])


# -- public ----------------------------------------------------------------------------------


def pen_strokes(digit, rng, style=None):
    """One digit as pad strokes, in a random or named style.

    Strokes are lists of (x, y) in 280x280 pad pixels.
    """
    if not isinstance(digit, (int, np.integer)) or isinstance(digit, bool) or digit not in STYLES:
        raise ValueError(f"digit must be an int in 0..9; got {digit!r}")
    styles = STYLES[digit]
    if style is None:
        weights = np.array([2.0 if (digit, name) in RARE_IN_MNIST else 1.0 for name in styles])
        style = list(styles)[rng.choice(len(styles), p=weights / weights.sum())]
    elif style not in styles:
        raise ValueError(
            f"style for digit {digit} must be one of {', '.join(map(repr, styles))}; got {style!r}"
        )
    return [p.tolist() for p in _write(styles[style](rng), rng)]


def pen_digits(n, *, seed=0):
    """``n`` synthetic pen digits as 28x28 MNIST-style rows: ``(X float32 (n, 784), y int64 (n,))``.

    The digits cycle 0..9; within a digit, the styles MNIST hardly has (``RARE_IN_MNIST``) are
    twice as likely as the others. The same seed gives the same digits.
    """
    if not isinstance(n, (int, np.integer)) or isinstance(n, bool) or n < 1:
        raise ValueError(f"n must be a positive int; got {n!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n, dtype=np.int64) % 10
    X = np.empty((n, 784), np.float32)
    for i, d in enumerate(y):
        X[i] = _draw_half_size(pen_strokes(int(d), rng)).ravel()
    return X, y


def _draw_half_size(strokes):
    """``to_mnist(rasterize_strokes(strokes))``, drawn on a half-size pad with half the brush.

    Ten times faster, and since to_mnist averages the ink down to 20 px it gives the same digit
    up to the anti-aliasing of the edges and, at times, the whole-pixel centring shift (which
    training's random shifts cover anyway).
    """
    half = [np.asarray(s, float) / 2 for s in strokes]
    return to_mnist(
        rasterize_strokes(half, size=PAD // 2, inner=BRUSH_INNER / 2, outer=BRUSH_OUTER / 2)
    )
