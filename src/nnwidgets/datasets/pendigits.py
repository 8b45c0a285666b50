"""Real pen strokes: the UCI pen-based digits of 30 writers, and drawing them as the pad does.

``pendigits-train.unipen.gz`` in ``bundled/`` is the training split of "Pen-Based Recognition
of Handwritten Digits" (E. Alpaydin and F. Alimoglu, Bogazici University, 1998; UCI Machine
Learning Repository; CC BY 4.0, see ``bundled/PENDIGITS.md``): 7,494 digits written by 30
people on a WACOM tablet, stored as UNIPEN text::

    .SEGMENT DIGIT 0 ? "8"
    .COMMENT 8 12 224          label, writer (1..30), sample number
    .PEN_DOWN
     267  333                  x y, tablet coordinates in a 500x500 box, y pointing UP
     ...
    .PEN_UP                    one .PEN_DOWN ... .PEN_UP block per stroke
    .DT 100                    the pen was sampled every 100 ms

``load_pendigits`` parses it into strokes in pad coordinates (the 280x280 drawing pad, y
pointing down), labels and writer ids. ``draw_pendigits`` draws them the way the canvas does
(the pad's round brush, then ``to_mnist``), each in a hand drawn at random: the digit's size in
the pad (which sets how thick the stroke is relative to the digit, since the brush is fixed),
its width, slant and position, and the brush's own radius.

>>> data = load_pendigits()
>>> len(data.y), len(set(data.writer.tolist()))
(7494, 30)
>>> X = draw_pendigits(data.strokes[:4], seed=0)
>>> X.shape
(4, 784)
"""

from __future__ import annotations

import gzip
import os
import zlib
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from ..preprocess import BRUSH_INNER, BRUSH_OUTER, PAD, rasterize_strokes, to_mnist

__all__ = ["PenDigits", "draw_pendigits", "load_pendigits", "parse_unipen", "place_strokes"]

BUNDLED_FILE = "pendigits-train.unipen.gz"
TABLET = 500.0  # the tablet's box, in its own units
DRAWING = 1  # the version of draw_pendigits' output: caches of drawn digits carry it
SPACING = 8.0  # pad pixels between the points drawn, as pointer events record them (see pen.py)


class PenDigits(NamedTuple):
    """Pen-drawn digits: ``strokes[i]`` is a list of (k, 2) float arrays of (x, y) in pad pixels
    (280x280, y down), ``y`` int64 labels 0..9, ``writer`` int64 writer ids and ``sample`` the
    file's own sample numbers."""

    strokes: list
    y: np.ndarray
    writer: np.ndarray
    sample: np.ndarray


def load_pendigits(path=None):
    """The 7,494 pen digits of the 30 writers shipped in the package, or a UNIPEN file of yours.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A UNIPEN file in the same layout, gzipped (``.gz``) or not. Default: the bundled
        training split.

    Returns
    -------
    PenDigits
        Strokes in pad coordinates: the tablet's 500x500 box mapped onto the 280x280 pad with y
        turned to point down, so a digit keeps the size and place its writer gave it.

    Raises
    ------
    ValueError
        If the file is malformed or truncated, naming the file and the line.
    """
    if path is None:
        resource = resources.files(__package__) / "bundled" / BUNDLED_FILE
        with resource.open("rb") as f:
            raw = f.read()
        name = BUNDLED_FILE
    else:
        if not isinstance(path, (str, os.PathLike)):
            raise TypeError(f"path must be a str or os.PathLike naming a UNIPEN file; got {path!r}")
        p = Path(path).expanduser()
        if not p.is_file():
            raise FileNotFoundError(f"path must name a UNIPEN file; got {str(path)!r} (not a file)")
        raw, name = p.read_bytes(), str(p)
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise ValueError(f"{name}: the gzip stream is damaged or truncated ({exc})") from None
    try:
        text = raw.decode("ascii")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        why = f"not UNIPEN text (byte {raw[exc.start]:#x})"
        raise ValueError(f"{name}, line {line}: {why}") from None
    return parse_unipen(text, name=name)


def parse_unipen(text, *, name="<text>"):
    """Parse UNIPEN digits (the layout in the module docstring) into :class:`PenDigits`.

    Every line is checked: a point outside a ``.PEN_DOWN`` block, a ``.PEN_DOWN`` never
    closed, a digit with no stroke, a ``.COMMENT`` whose label differs from the segment's, or
    a file that ends mid-digit raises ``ValueError`` naming ``name`` and the line.
    """
    strokes, labels, writers, samples = [], [], [], []
    digit = None  # the digit being read: [label, line of its .SEGMENT, strokes, writer, sample]
    stroke = None  # the points of an open .PEN_DOWN block
    stroke_line = 0

    def fail(lineno, why):
        raise ValueError(f"{name}, line {lineno}: {why}")

    def close_digit(lineno):
        label, start, its_strokes, writer, sample = digit
        if writer is None:
            fail(
                lineno, f"the digit begun on line {start} has no .COMMENT <label> <writer> <sample>"
            )
        if not its_strokes:
            fail(lineno, f"the digit begun on line {start} has no stroke")
        strokes.append([_to_pad(s) for s in its_strokes])
        labels.append(label)
        writers.append(writer)
        samples.append(sample)

    lineno = 0
    for lineno, line in enumerate(text.splitlines(), 1):
        words = line.split()
        if not words:
            continue
        key = words[0]
        if not key.startswith("."):
            if stroke is None:
                fail(lineno, f"a point outside a .PEN_DOWN ... .PEN_UP block: {line.strip()!r}")
            if len(words) != 2:
                fail(lineno, f"a point must be two numbers 'x y'; got {line.strip()!r}")
            try:
                x, y = float(words[0]), float(words[1])
            except ValueError:
                fail(lineno, f"a point must be two numbers 'x y'; got {line.strip()!r}")
            if not (np.isfinite(x) and np.isfinite(y)):
                fail(lineno, f"a point must be finite; got {line.strip()!r}")
            stroke.append((x, y))
            continue
        if stroke is not None and key != ".PEN_UP":
            fail(lineno, f"{key} inside the stroke opened on line {stroke_line} (expected .PEN_UP)")
        if key == ".SEGMENT":
            if digit is not None:
                close_digit(lineno)
            # .SEGMENT DIGIT <n> ? "<label>"
            label = words[-1].strip('"')
            if len(words) < 3 or words[1] != "DIGIT" or len(label) != 1 or not label.isdigit():
                fail(lineno, f"expected '.SEGMENT DIGIT <n> ? \"<0..9>\"'; got {line.strip()!r}")
            digit = [int(label), lineno, [], None, None]
        elif key == ".COMMENT" and digit is not None:
            if len(words) != 4 or not all(w.isdigit() for w in words[1:]):
                fail(lineno, f"expected '.COMMENT <label> <writer> <sample>'; got {line.strip()!r}")
            label, writer, sample = map(int, words[1:])
            if label != digit[0]:
                fail(
                    lineno,
                    f".COMMENT says label {label} but the .SEGMENT on line "
                    f"{digit[1]} says {digit[0]}",
                )
            digit[3], digit[4] = writer, sample
        elif key == ".PEN_DOWN":
            if digit is None:
                fail(lineno, ".PEN_DOWN before any .SEGMENT DIGIT")
            stroke, stroke_line = [], lineno
        elif key == ".PEN_UP":
            if stroke is None:
                fail(lineno, ".PEN_UP without a .PEN_DOWN")
            if not stroke:
                fail(lineno, f"the stroke opened on line {stroke_line} has no point")
            digit[2].append(np.array(stroke, dtype=np.float64))
            stroke = None
        # .INCLUDE, .LEXICON, .HIERARCHY, .DT and comments before the first digit: nothing to keep
    if stroke is not None:
        fail(lineno, f"the file ends inside the stroke opened on line {stroke_line} (truncated?)")
    if digit is None:
        fail(lineno, "no digit found (no .SEGMENT DIGIT line)")
    close_digit(lineno)
    return PenDigits(
        strokes,
        np.array(labels, np.int64),
        np.array(writers, np.int64),
        np.array(samples, np.int64),
    )


def _to_pad(points):
    """Tablet (500x500, y up) -> pad (280x280, y down), size and place kept."""
    scale = PAD / TABLET
    return np.column_stack([points[:, 0] * scale, (TABLET - points[:, 1]) * scale])


# -- drawing them as the pad does -------------------------------------------------------------

# The hands ``draw_pendigits`` draws in, as ranges sampled uniformly per digit. The pen digits
# keep their writers' own shapes; these vary what the pad adds: how big the digit is drawn
# (the pad's brush is fixed, so a small digit has thick strokes after to_mnist), how wide and
# slanted, where, and a brush a little thinner or thicker than the pad's.
HANDS = {
    "height": (80.0, 250.0),
    "widen": (0.85, 1.15),
    "slant": (-0.25, 0.25),
    "brush": (0.85, 1.2),
}


def place_strokes(strokes, *, height, widen=1.0, slant=0.0, position=(0.5, 0.5), margin=4.0):
    """Redraw a digit's pad strokes ``height`` pad pixels tall, widened, slanted and placed.

    ``slant`` > 0 leans the top right (x moves by ``slant`` times the height above the middle);
    ``position`` (0..1, 0..1) says where in the room left on the pad the digit goes. A digit
    too big for the pad is shrunk to fit, as a writer would. Returns a list of (k, 2) arrays
    resampled every ``SPACING`` pixels (pointer events on the pad come that close together;
    the tablet's samples, 100 ms apart, can be far apart on a fast stroke).
    """
    pts = _points(strokes)
    allp = np.vstack(pts)
    lo, hi = allp.min(0), allp.max(0)
    centre = (lo + hi) / 2
    tall = max(hi[1] - lo[1], 1e-9)
    factor = height / tall
    placed = []
    for p in pts:
        x, y = (p[:, 0] - centre[0]) * factor, (p[:, 1] - centre[1]) * factor
        placed.append(np.column_stack([x * widen - slant * y, y]))
    allp = np.vstack(placed)
    lo, hi = allp.min(0), allp.max(0)
    span = hi - lo
    if np.any(span > PAD - 2 * margin):
        shrink = (PAD - 2 * margin) / span.max()
        placed = [p * shrink for p in placed]
        lo, hi = lo * shrink, hi * shrink
    room = np.maximum(PAD - 2 * margin - (hi - lo), 0)
    offset = margin - lo + np.asarray(position, np.float64) * room
    return [_resample(p + offset) for p in placed]


def _points(strokes):
    """A digit's strokes as (k, 2) float arrays, checked: at least one point, all finite."""
    try:
        pts = [np.asarray(s, np.float64).reshape(-1, 2) for s in strokes]
    except (TypeError, ValueError):
        raise ValueError(
            "a digit must be a list of strokes, each a sequence of (x, y) points"
        ) from None
    if not any(len(p) for p in pts):
        what = f"its {len(pts)} strokes have none" if pts else "it has no strokes"
        raise ValueError(f"a digit needs at least one (x, y) point; {what}")
    if not all(np.isfinite(p).all() for p in pts):
        raise ValueError("a digit's points must be finite numbers; got NaN or infinity")
    return [p for p in pts if len(p)]


def _resample(path):
    """Points about every SPACING pixels along a polyline; a single point stays a dot."""
    if len(path) == 1:
        return path.copy()
    steps = np.hypot(*np.diff(path, axis=0).T)
    dist = np.concatenate([[0], np.cumsum(steps)])
    if dist[-1] == 0:
        return path[:1].copy()
    n = max(2, int(np.ceil(dist[-1] / SPACING)) + 1)
    at = np.linspace(0, dist[-1], n)
    return np.column_stack([np.interp(at, dist, path[:, 0]), np.interp(at, dist, path[:, 1])])


def draw_pendigits(strokes, *, seed=0, hands=None, half_size=False):
    """Draw pen digits as the canvas would, each in a random hand: ``float32 (n, 784)`` in [0, 1].

    ``strokes`` is a list of digits, each a list of strokes in pad coordinates (as
    :func:`load_pendigits` gives them). Each digit is placed by :func:`place_strokes` with a
    size, width, slant and position drawn from ``hands`` (default ``HANDS``: ranges for
    ``height``, ``widen``, ``slant`` and ``brush``, the brush's radius as a multiple of the
    pad's), drawn with the pad's brush (``rasterize_strokes``) and turned into the network's
    28x28 input by ``to_mnist``. The same seed gives the same digits.

    ``half_size`` draws on a pad of half the size with half the brush, ten times faster and
    the same digit up to the anti-aliasing of its edges (see ``pen._draw_half_size``); pass
    False to draw at the pad's own size, exactly as the canvas does.
    """
    ranges = dict(HANDS)
    if hands is not None:
        unknown = set(hands) - set(HANDS)
        if unknown:
            raise ValueError(
                f"hands takes {', '.join(HANDS)}; got unknown {', '.join(sorted(unknown))}"
            )
        ranges.update(hands)
    rng = np.random.default_rng(seed)
    X = np.empty((len(strokes), 784), np.float32)
    for i, digit in enumerate(strokes):
        draw = {k: rng.uniform(*ranges[k]) for k in ("height", "widen", "slant", "brush")}
        try:
            placed = place_strokes(
                digit,
                height=draw["height"],
                widen=draw["widen"],
                slant=draw["slant"],
                position=rng.uniform(0, 1, 2),
            )
        except ValueError as exc:  # say which digit of the many
            raise ValueError(f"strokes[{i}]: {exc}") from None
        inner, outer = BRUSH_INNER * draw["brush"], BRUSH_OUTER * draw["brush"]
        if half_size:
            image = rasterize_strokes(
                [p / 2 for p in placed], size=PAD // 2, inner=inner / 2, outer=outer / 2
            )
        else:
            image = rasterize_strokes(placed, inner=inner, outer=outer)
        X[i] = to_mnist(image).ravel()
    return X
