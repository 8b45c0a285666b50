"""Write tests/strokes/styles.json: pen-drawn digits in named writing styles, the style benchmark.

    python tests/strokes/make_styles.py

MNIST's writers used few styles, so a model trained on it alone misreads common ones: a 1
with a flag, a crossed 7, a 4 open at the top, a 3 with a flat top, a 9 with a curved tail or
an open loop. This set names each *style family* (``"7-crossed"``) and draws every family in
several *variations* of the writer's hand (slant, size and so stroke thickness, width,
position on the pad), so that ``bench/handwriting_accuracy.py`` can report both.

How a digit is made: each family has two or three hand-placed templates, the pen's path as
control points in a unit box (x right, y down) in writing order, split into strokes where the
pen lifts. A Catmull-Rom spline through the points gives the smooth path; a point marked
``C`` is a sharp corner, where the spline stops and a new one starts. The variation then
scales, slants, turns and places the digit, the control points wobble a little, a later
stroke lands a little off where the writer aimed, and the pen's positions are recorded at a
random spacing, as pointer events of a slower or faster hand.

The training generator (``nnwidgets.datasets.pen``) is written independently of this file:
it builds digits from parametric lines and arcs, with its own writer model and seed, so the
benchmark does not measure a generator against itself. Both were designed by one person from
the same list of styles, though; that is the limit of their independence.

Coordinates are pad pixels (280x280), like the strokes DigitCanvas records.
"""

import json
import pathlib
import sys

import numpy as np

HERE = pathlib.Path(__file__).parent
sys.path.insert(0, str(HERE))
from make_digits import catmull_rom  # noqa: E402  (the same spline as digits.json)

SEED = 11
PER_FAMILY = 22
PAD = 280
C = "corner"

# family -> (digit, description, templates); a template is (width/height, [stroke, ...]) and
# a stroke a list of control points (x, y) or (x, y, C) for a sharp corner.
FAMILIES = {
    "0-oval": (
        0,
        "0 as a closed oval, the pen overshooting its start a little",
        [
            (
                0.7,
                [
                    [
                        (0.5, 0.0),
                        (0.15, 0.15),
                        (0.0, 0.5),
                        (0.2, 0.9),
                        (0.55, 1.0),
                        (0.88, 0.8),
                        (1.0, 0.45),
                        (0.85, 0.1),
                        (0.5, 0.0),
                        (0.35, 0.05),
                    ]
                ],
            ),
            (
                0.6,
                [
                    [
                        (0.6, 0.02),
                        (0.2, 0.1),
                        (0.02, 0.45),
                        (0.15, 0.88),
                        (0.5, 1.0),
                        (0.85, 0.85),
                        (0.98, 0.45),
                        (0.8, 0.08),
                        (0.55, 0.0),
                    ]
                ],
            ),
        ],
    ),
    "0-open": (
        0,
        "0 left open at the top (the pen stops short)",
        [
            (
                0.7,
                [
                    [
                        (0.65, 0.05),
                        (0.3, 0.0),
                        (0.05, 0.35),
                        (0.1, 0.8),
                        (0.45, 1.0),
                        (0.85, 0.85),
                        (1.0, 0.45),
                        (0.88, 0.15),
                    ]
                ],
            ),
            (
                0.65,
                [
                    [
                        (0.4, 0.02),
                        (0.75, 0.05),
                        (0.98, 0.4),
                        (0.85, 0.85),
                        (0.45, 1.0),
                        (0.08, 0.8),
                        (0.02, 0.4),
                        (0.2, 0.1),
                    ]
                ],
            ),
        ],
    ),
    "1-stick": (
        1,
        "1 as one down stroke",
        [
            (0.15, [[(0.6, 0.0), (0.5, 0.5), (0.4, 1.0)]]),
            (0.1, [[(0.5, 0.0), (0.5, 1.0)]]),
        ],
    ),
    "1-flag": (
        1,
        "1 with a flag: an upstroke to the top first (common in Europe)",
        [
            (0.45, [[(0.05, 0.3), (0.45, 0.08), (0.75, 0.0, C), (0.72, 0.5), (0.7, 1.0)]]),
            (0.35, [[(0.0, 0.22), (0.9, 0.0, C), (0.85, 1.0)]]),
            (0.5, [[(0.1, 0.4), (0.8, 0.0, C), (0.8, 1.0)]]),
        ],
    ),
    "1-serif": (
        1,
        "1 with a flag and a base line",
        [
            (0.6, [[(0.15, 0.25), (0.55, 0.0, C), (0.55, 1.0)], [(0.2, 1.0), (0.9, 1.0)]]),
            (0.5, [[(0.1, 0.18), (0.6, 0.0, C), (0.58, 0.98)], [(0.25, 1.0), (0.95, 0.98)]]),
        ],
    ),
    "2-plain": (
        2,
        "2 with a sharp corner at the bottom, no loop",
        [
            (
                0.7,
                [
                    [
                        (0.05, 0.22),
                        (0.35, 0.0),
                        (0.75, 0.03),
                        (0.92, 0.28),
                        (0.7, 0.55),
                        (0.3, 0.82),
                        (0.02, 1.0, C),
                        (0.55, 0.98),
                        (1.0, 0.97),
                    ]
                ],
            ),
            (
                0.65,
                [[(0.1, 0.3), (0.3, 0.05), (0.7, 0.02), (0.85, 0.3), (0.05, 1.0, C), (1.0, 1.0)]],
            ),
        ],
    ),
    "2-loop": (
        2,
        "2 with a small loop at the bottom left",
        [
            (
                0.7,
                [
                    [
                        (0.05, 0.25),
                        (0.4, 0.0),
                        (0.85, 0.15),
                        (0.8, 0.45),
                        (0.35, 0.75),
                        (0.1, 0.95),
                        (0.05, 0.85),
                        (0.2, 0.8),
                        (0.3, 0.95),
                        (0.6, 1.0),
                        (1.0, 0.95),
                    ]
                ],
            ),
            (
                0.65,
                [
                    [
                        (0.1, 0.2),
                        (0.5, 0.0),
                        (0.9, 0.2),
                        (0.7, 0.55),
                        (0.15, 0.92),
                        (0.08, 0.8),
                        (0.22, 0.76),
                        (0.28, 0.92),
                        (0.6, 0.97),
                        (0.95, 0.9),
                    ]
                ],
            ),
        ],
    ),
    "2-z": (
        2,
        "2 written angular like a Z, sometimes crossed",
        [
            (0.7, [[(0.0, 0.0), (0.95, 0.02, C), (0.05, 1.0, C), (1.0, 0.98)]]),
            (
                0.7,
                [
                    [(0.02, 0.03), (1.0, 0.0, C), (0.0, 1.0, C), (0.98, 1.0)],
                    [(0.25, 0.5), (0.75, 0.5)],
                ],
            ),
        ],
    ),
    "3-round": (
        3,
        "3 with a rounded top",
        [
            (
                0.6,
                [
                    [
                        (0.0, 0.15),
                        (0.35, 0.0),
                        (0.8, 0.05),
                        (0.85, 0.3),
                        (0.45, 0.47),
                        (0.35, 0.5),
                        (0.8, 0.58),
                        (1.0, 0.8),
                        (0.7, 1.0),
                        (0.3, 1.0),
                        (0.0, 0.85),
                    ]
                ],
            ),
            (
                0.7,
                [
                    [
                        (0.1, 0.1),
                        (0.5, 0.0),
                        (0.9, 0.2),
                        (0.55, 0.45, C),
                        (0.95, 0.7),
                        (0.6, 1.0),
                        (0.1, 0.92),
                    ]
                ],
            ),
        ],
    ),
    "3-flat-top": (
        3,
        "3 with a flat top: a bar, then a diagonal into the lower bowl",
        [
            (
                0.65,
                [
                    [
                        (0.0, 0.0),
                        (0.95, 0.0, C),
                        (0.4, 0.42, C),
                        (0.85, 0.55),
                        (1.0, 0.8),
                        (0.6, 1.0),
                        (0.05, 0.9),
                    ]
                ],
            ),
            (
                0.7,
                [
                    [
                        (0.05, 0.05),
                        (1.0, 0.0, C),
                        (0.5, 0.4),
                        (0.45, 0.45, C),
                        (0.9, 0.6),
                        (0.9, 0.9),
                        (0.45, 1.0),
                        (0.0, 0.85),
                    ]
                ],
            ),
        ],
    ),
    "4-closed": (
        4,
        "4 closed at the top: a diagonal, a bar, a stem",
        [
            (0.8, [[(0.62, 0.0), (0.0, 0.68, C), (1.0, 0.66)], [(0.7, 0.2), (0.7, 1.0)]]),
            (0.75, [[(0.65, 0.0), (0.05, 0.62, C), (0.95, 0.62)], [(0.65, 0.0), (0.68, 1.0)]]),
        ],
    ),
    "4-open": (
        4,
        "4 open at the top: the left arm does not meet the stem",
        [
            (0.7, [[(0.1, 0.0), (0.05, 0.55, C), (0.95, 0.55)], [(0.75, 0.0), (0.75, 1.0)]]),
            (0.75, [[(0.2, 0.0), (0.0, 0.6, C), (1.0, 0.58)], [(0.7, 0.1), (0.65, 1.0)]]),
            (0.7, [[(0.1, 0.0), (0.08, 0.6, C), (0.8, 0.6, C), (0.8, 0.0, C), (0.8, 1.0)]]),
        ],
    ),
    "5-two-strokes": (
        5,
        "5 as stem and bowl, then the top bar as a second stroke",
        [
            (
                0.7,
                [
                    [
                        (0.2, 0.0),
                        (0.15, 0.45, C),
                        (0.5, 0.38),
                        (0.9, 0.6),
                        (0.85, 0.9),
                        (0.45, 1.0),
                        (0.05, 0.88),
                    ],
                    [(0.2, 0.0), (0.95, 0.02)],
                ],
            ),
            (
                0.65,
                [
                    [
                        (0.15, 0.05),
                        (0.1, 0.5, C),
                        (0.6, 0.42),
                        (0.95, 0.7),
                        (0.6, 1.0),
                        (0.0, 0.92),
                    ],
                    [(0.15, 0.02), (0.9, 0.0)],
                ],
            ),
        ],
    ),
    "5-one-stroke": (
        5,
        "5 in one stroke, starting at the top bar's right end",
        [
            (
                0.7,
                [
                    [
                        (0.9, 0.0),
                        (0.2, 0.0, C),
                        (0.15, 0.45, C),
                        (0.55, 0.4),
                        (0.92, 0.65),
                        (0.6, 1.0),
                        (0.05, 0.9),
                    ]
                ],
            ),
            (
                0.65,
                [
                    [
                        (1.0, 0.02),
                        (0.15, 0.0, C),
                        (0.1, 0.48, C),
                        (0.5, 0.42),
                        (0.9, 0.6),
                        (0.9, 0.88),
                        (0.4, 1.0),
                        (0.1, 0.9),
                    ]
                ],
            ),
        ],
    ),
    "6-curved": (
        6,
        "6 whose stem curves into the loop",
        [
            (
                0.65,
                [
                    [
                        (0.85, 0.0),
                        (0.4, 0.2),
                        (0.08, 0.6),
                        (0.2, 0.95),
                        (0.55, 1.0),
                        (0.88, 0.8),
                        (0.78, 0.55),
                        (0.4, 0.52),
                        (0.1, 0.72),
                    ]
                ],
            ),
            (
                0.6,
                [
                    [
                        (0.7, 0.0),
                        (0.25, 0.3),
                        (0.05, 0.75),
                        (0.45, 1.0),
                        (0.9, 0.8),
                        (0.55, 0.52),
                        (0.12, 0.7),
                    ]
                ],
            ),
        ],
    ),
    "6-straight": (
        6,
        "6 with a straight, slanted stem",
        [
            (
                0.6,
                [
                    [
                        (0.75, 0.0),
                        (0.15, 0.65, C),
                        (0.2, 0.95),
                        (0.55, 1.0),
                        (0.9, 0.8),
                        (0.75, 0.55),
                        (0.35, 0.55),
                        (0.12, 0.72),
                    ]
                ],
            ),
            (
                0.55,
                [
                    [
                        (0.6, 0.0),
                        (0.05, 0.8, C),
                        (0.35, 1.0),
                        (0.85, 0.9),
                        (0.9, 0.6),
                        (0.5, 0.5),
                        (0.1, 0.75),
                    ]
                ],
            ),
        ],
    ),
    "7-plain": (
        7,
        "7 as a bar and a stem, straight or curved",
        [
            (0.75, [[(0.0, 0.02), (0.95, 0.0, C), (0.35, 1.0)]]),
            (0.7, [[(0.05, 0.05), (1.0, 0.0, C), (0.6, 0.45), (0.4, 1.0)]]),
        ],
    ),
    "7-crossed": (
        7,
        "7 with a crossbar through its stem (common in Europe)",
        [
            (0.75, [[(0.0, 0.0), (0.95, 0.02, C), (0.4, 1.0)], [(0.3, 0.5), (0.9, 0.48)]]),
            (
                0.7,
                [
                    [(0.05, 0.0), (1.0, 0.0, C), (0.55, 0.5), (0.35, 1.0)],
                    [(0.25, 0.52), (0.85, 0.5)],
                ],
            ),
        ],
    ),
    "7-hook": (
        7,
        "7 with a short down tick at the start of the bar",
        [
            (0.75, [[(0.0, 0.18), (0.02, 0.0, C), (0.95, 0.02, C), (0.4, 1.0)]]),
            (0.7, [[(0.05, 0.22), (0.0, 0.02, C), (1.0, 0.0, C), (0.6, 0.5), (0.45, 1.0)]]),
        ],
    ),
    "8-one-stroke": (
        8,
        "8 in one stroke, crossing itself in the middle",
        [
            (
                0.6,
                [
                    [
                        (0.75, 0.08),
                        (0.45, 0.0),
                        (0.12, 0.15),
                        (0.3, 0.4),
                        (0.85, 0.65),
                        (0.75, 0.95),
                        (0.4, 1.0),
                        (0.1, 0.8),
                        (0.35, 0.55),
                        (0.85, 0.3),
                        (0.78, 0.08),
                    ]
                ],
            ),
            (
                0.55,
                [
                    [
                        (0.2, 0.1),
                        (0.55, 0.0),
                        (0.9, 0.15),
                        (0.6, 0.42),
                        (0.1, 0.7),
                        (0.4, 1.0),
                        (0.95, 0.78),
                        (0.4, 0.45),
                        (0.1, 0.2),
                        (0.35, 0.02),
                    ]
                ],
            ),
        ],
    ),
    "8-two-loops": (
        8,
        "8 as two stacked loops, each its own stroke",
        [
            (
                0.55,
                [
                    [(0.5, 0.45), (0.1, 0.25), (0.45, 0.0), (0.9, 0.2), (0.5, 0.45)],
                    [(0.5, 0.45), (0.05, 0.72), (0.5, 1.0), (0.95, 0.72), (0.5, 0.45)],
                ],
            ),
            (
                0.6,
                [
                    [(0.5, 0.0), (0.15, 0.2), (0.5, 0.42), (0.85, 0.2), (0.5, 0.0)],
                    [(0.5, 0.42), (0.0, 0.7), (0.5, 1.0), (1.0, 0.7), (0.5, 0.42)],
                ],
            ),
        ],
    ),
    "9-straight": (
        9,
        "9 with a closed loop and a straight stem",
        [
            (
                0.6,
                [
                    [
                        (0.9, 0.15),
                        (0.5, 0.0),
                        (0.08, 0.18),
                        (0.15, 0.42),
                        (0.55, 0.45),
                        (0.92, 0.2, C),
                        (0.88, 0.6),
                        (0.85, 1.0),
                    ]
                ],
            ),
            (
                0.55,
                [
                    [
                        (0.95, 0.1),
                        (0.5, 0.0),
                        (0.05, 0.2),
                        (0.3, 0.45),
                        (0.9, 0.3),
                        (0.92, 0.05, C),
                        (0.85, 0.5),
                        (0.75, 1.0),
                    ]
                ],
            ),
        ],
    ),
    "9-curved-tail": (
        9,
        "9 whose stem curves to the left at the bottom",
        [
            (
                0.6,
                [
                    [
                        (0.9, 0.18),
                        (0.5, 0.0),
                        (0.1, 0.2),
                        (0.2, 0.45),
                        (0.6, 0.45),
                        (0.92, 0.15, C),
                        (0.9, 0.6),
                        (0.7, 0.92),
                        (0.35, 1.0),
                    ]
                ],
            ),
            (
                0.65,
                [
                    [
                        (0.85, 0.1),
                        (0.4, 0.0),
                        (0.05, 0.22),
                        (0.35, 0.42),
                        (0.85, 0.3, C),
                        (0.85, 0.7),
                        (0.55, 0.98),
                        (0.15, 0.95),
                    ]
                ],
            ),
        ],
    ),
    "9-open-loop": (
        9,
        "9 whose loop is left open, the stem a second stroke",
        [
            (
                0.6,
                [
                    [
                        (0.8, 0.08),
                        (0.45, 0.0),
                        (0.1, 0.15),
                        (0.12, 0.38),
                        (0.45, 0.45),
                        (0.8, 0.35),
                    ],
                    [(0.9, 0.0), (0.85, 0.55), (0.75, 1.0)],
                ],
            ),
            (
                0.6,
                [
                    [(0.75, 0.05), (0.35, 0.02), (0.05, 0.25), (0.3, 0.45), (0.75, 0.38)],
                    [(0.9, 0.05), (0.88, 0.6), (0.6, 0.95), (0.25, 1.0)],
                ],
            ),
        ],
    ),
    "9-small-loop": (
        9,
        "9 with a small loop on a long stem",
        [
            (
                0.5,
                [
                    [
                        (0.95, 0.12),
                        (0.6, 0.0),
                        (0.3, 0.12),
                        (0.35, 0.28),
                        (0.7, 0.28),
                        (0.95, 0.08, C),
                        (0.9, 0.55),
                        (0.85, 1.0),
                    ]
                ],
            ),
            (
                0.45,
                [
                    [
                        (0.9, 0.1),
                        (0.55, 0.0),
                        (0.25, 0.15),
                        (0.45, 0.3),
                        (0.9, 0.2, C),
                        (0.8, 0.6),
                        (0.55, 0.95),
                        (0.2, 1.0),
                    ]
                ],
            ),
        ],
    ),
}

# variation -> description; each family is drawn in these in turn
VARIATIONS = {
    "regular": "medium size, nearly upright, near the middle",
    "slanted": "strongly slanted to the right or left",
    "small": "drawn small (60-100 px of the 280 px pad), so the brush's strokes are thick",
    "large": "drawn large (230-265 px tall), so the strokes are thin",
    "off-centre": "drawn near an edge or corner of the pad",
    "narrow-or-wide": "squeezed or stretched sideways",
}


def _path(stroke):
    """The pen's smooth path through a stroke's control points, with sharp corners where marked."""
    pieces, piece = [], []
    for point in stroke:
        piece.append(point[:2])
        if len(point) == 3:  # a corner: end this spline here and start the next one from it
            pieces.append(piece)
            piece = [point[:2]]
    pieces.append(piece)
    return np.vstack([catmull_rom(p) for p in pieces if len(p) > 1])


def _hand(variation, rng):
    """Height, width factor, slant and placement for one variation of the writer's hand."""
    height, widen, slant, place = (
        rng.uniform(150, 215),
        rng.uniform(0.9, 1.1),
        rng.uniform(-0.15, 0.15),
        "middle",
    )
    if variation == "slanted":
        slant = rng.choice([-1, 1]) * rng.uniform(0.25, 0.4)
    elif variation == "small":
        height = rng.uniform(60, 100)
    elif variation == "large":
        height = rng.uniform(230, 265)
    elif variation == "off-centre":
        height, place = rng.uniform(110, 160), "edge"
    elif variation == "narrow-or-wide":
        widen = rng.choice([rng.uniform(0.6, 0.75), rng.uniform(1.3, 1.5)])
    return height, widen, slant, place


def draw(template, variation, rng):
    """One digit in pad pixels: a template written by a hand of the given variation."""
    aspect, strokes = template
    height, widen, slant, place = _hand(variation, rng)
    width = height * aspect * widen
    angle = rng.uniform(-0.1, 0.1)
    c, s = np.cos(angle), np.sin(angle)
    paths = []
    for k, stroke in enumerate(strokes):
        u = np.array([p[:2] for p in stroke], float)
        corners = [len(p) == 3 for p in stroke]
        x = (u[:, 0] - 0.5) * width + slant * (0.5 - u[:, 1]) * height
        y = (u[:, 1] - 0.5) * height
        pts = np.column_stack([c * x - s * y, s * x + c * y])
        pts += rng.normal(0, height * 0.012, pts.shape)  # the hand's wobble
        if k:  # the pen comes down a little off where the writer aimed
            pts += rng.normal(0, height * 0.015, 2)
        paths.append(_path([(*p, C) if corner else tuple(p) for p, corner in zip(pts, corners)]))
    lo = np.min([p.min(0) for p in paths], axis=0)
    hi = np.max([p.max(0) for p in paths], axis=0)
    room = np.maximum(PAD - 6 - (hi - lo), 0)
    if place == "edge":  # hug one or two edges of the pad
        at = np.where(rng.random(2) < 0.7, rng.choice([0.0, 1.0], 2), rng.uniform(0.3, 0.7, 2))
    else:
        at = rng.uniform(0.3, 0.7, 2)
    offset = 3 - lo + at * room
    spacing = rng.uniform(2, 9)  # pad pixels between pointer events: a slow or a quick hand
    out = []
    for p in paths:
        p = _respace(p + offset, spacing)
        out.append(np.round(np.clip(p, 0.5, PAD - 0.5), 1).tolist())
    return out


def _respace(path, spacing):
    steps = np.hypot(*np.diff(path, axis=0).T)
    dist = np.concatenate([[0], np.cumsum(steps)])
    n = max(2, int(dist[-1] / spacing) + 1)
    at = np.linspace(0, dist[-1], n)
    return np.column_stack([np.interp(at, dist, path[:, 0]), np.interp(at, dist, path[:, 1])])


def build(seed=SEED, per_family=PER_FAMILY):
    rng = np.random.default_rng(seed)
    names = list(VARIATIONS)
    digits = []
    for family, (digit, _, templates) in FAMILIES.items():
        for i in range(per_family):
            variation = names[i % len(names)]
            strokes = draw(templates[i % len(templates)], variation, rng)
            digits.append(
                {"digit": digit, "family": family, "variation": variation, "strokes": strokes}
            )
    return {
        "about": "Pen strokes (280x280 pad pixels) of digits in named writing styles; "
        "made by tests/strokes/make_styles.py, read by bench/handwriting_accuracy.py",
        "seed": seed,
        "families": {
            name: {"digit": d, "description": text} for name, (d, text, _) in FAMILIES.items()
        },
        "variations": VARIATIONS,
        "digits": digits,
    }


if __name__ == "__main__":
    path = HERE / "styles.json"
    data = build()
    path.write_text(json.dumps(data, separators=(",", ":")))
    print(f"wrote {path}: {len(data['digits'])} digits in {len(data['families'])} style families")
