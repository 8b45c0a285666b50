"""Write tests/strokes/digits.json: hand-designed pen paths for the ten digits, in variants.

    python tests/strokes/make_digits.py

Each digit has one or two hand-drawn templates: the pen's path as a few control points in a
unit box (x right, y down), in the order a person writes them, split into strokes where the
pen lifts. A Catmull-Rom spline through the points gives the smooth path a pen makes; each
variant then changes what differs between writers: size (the stroke's relative thickness
changes with it, since the brush is fixed), aspect, slant, a small rotation, position on the
pad, and a slow wobble along the path. Coordinates are pad pixels (280x280), like the strokes
DigitCanvas records, so they can be drawn with Playwright's mouse or rasterised directly.
"""

import json
import pathlib

import numpy as np

HERE = pathlib.Path(__file__).parent
VARIANTS = 6

# digit -> list of templates; a template is (width/height aspect, [stroke, ...]).
TEMPLATES = {
    0: [
        (
            0.7,
            [
                [
                    (0.55, 0.0),
                    (0.2, 0.1),
                    (0.02, 0.5),
                    (0.2, 0.92),
                    (0.55, 1.0),
                    (0.9, 0.8),
                    (0.98, 0.4),
                    (0.8, 0.06),
                    (0.5, 0.0),
                ]
            ],
        ),
        (
            0.75,
            [
                [
                    (0.5, 0.02),
                    (0.1, 0.25),
                    (0.05, 0.7),
                    (0.45, 1.0),
                    (0.9, 0.75),
                    (0.95, 0.3),
                    (0.62, 0.0),
                    (0.4, 0.05),
                ]
            ],
        ),
    ],
    1: [
        (0.3, [[(0.6, 0.0), (0.5, 0.5), (0.4, 1.0)]]),
        (0.45, [[(0.1, 0.2), (0.7, 0.0), (0.65, 0.5), (0.6, 1.0)]]),
    ],
    2: [
        (
            0.75,
            [
                [
                    (0.05, 0.25),
                    (0.3, 0.02),
                    (0.65, 0.0),
                    (0.9, 0.2),
                    (0.8, 0.45),
                    (0.4, 0.75),
                    (0.05, 1.0),
                    (0.5, 0.97),
                    (0.98, 1.0),
                ]
            ],
        ),
        (0.7, [[(0.1, 0.2), (0.5, 0.0), (0.9, 0.2), (0.75, 0.5), (0.0, 1.0), (1.0, 0.98)]]),
    ],
    3: [
        (
            0.65,
            [
                [
                    (0.05, 0.1),
                    (0.45, 0.0),
                    (0.85, 0.12),
                    (0.8, 0.35),
                    (0.4, 0.48),
                    (0.85, 0.6),
                    (0.95, 0.85),
                    (0.55, 1.0),
                    (0.05, 0.9),
                ]
            ],
        ),
        (0.6, [[(0.05, 0.05), (0.9, 0.05), (0.4, 0.45), (0.9, 0.65), (0.8, 0.95), (0.1, 0.95)]]),
    ],
    4: [
        (0.8, [[(0.6, 0.0), (0.3, 0.35), (0.0, 0.68), (1.0, 0.66)], [(0.72, 0.25), (0.72, 1.0)]]),
        (0.7, [[(0.1, 0.0), (0.05, 0.5), (0.9, 0.5)], [(0.85, 0.0), (0.85, 1.0)]]),
    ],
    5: [
        (
            0.7,
            [
                [(0.95, 0.0), (0.2, 0.0)],
                [
                    (0.2, 0.0),
                    (0.12, 0.45),
                    (0.55, 0.38),
                    (0.9, 0.6),
                    (0.85, 0.88),
                    (0.5, 1.0),
                    (0.05, 0.9),
                ],
            ],
        ),
        (
            0.7,
            [
                [
                    (0.9, 0.0),
                    (0.2, 0.02),
                    (0.15, 0.42),
                    (0.6, 0.4),
                    (0.9, 0.7),
                    (0.55, 1.0),
                    (0.05, 0.88),
                ]
            ],
        ),
    ],
    6: [
        (
            0.65,
            [
                [
                    (0.8, 0.0),
                    (0.35, 0.25),
                    (0.05, 0.65),
                    (0.2, 0.95),
                    (0.55, 1.0),
                    (0.9, 0.8),
                    (0.8, 0.55),
                    (0.45, 0.5),
                    (0.1, 0.7),
                ]
            ],
        ),
        (
            0.6,
            [
                [
                    (0.7, 0.0),
                    (0.2, 0.4),
                    (0.1, 0.85),
                    (0.5, 1.0),
                    (0.9, 0.75),
                    (0.5, 0.5),
                    (0.15, 0.7),
                ]
            ],
        ),
    ],
    7: [
        (0.75, [[(0.0, 0.02), (0.95, 0.0), (0.6, 0.5), (0.35, 1.0)]]),
        (0.7, [[(0.0, 0.05), (1.0, 0.0), (0.45, 1.0)], [(0.3, 0.5), (0.85, 0.5)]]),
    ],
    8: [
        (
            0.65,
            [
                [
                    (0.85, 0.12),
                    (0.5, 0.0),
                    (0.15, 0.12),
                    (0.2, 0.35),
                    (0.8, 0.62),
                    (0.88, 0.88),
                    (0.5, 1.0),
                    (0.12, 0.88),
                    (0.2, 0.62),
                    (0.8, 0.35),
                    (0.85, 0.1),
                ]
            ],
        ),
        (
            0.6,
            [
                [
                    (0.5, 0.45),
                    (0.1, 0.22),
                    (0.5, 0.0),
                    (0.9, 0.22),
                    (0.5, 0.45),
                    (0.05, 0.75),
                    (0.5, 1.0),
                    (0.95, 0.75),
                    (0.5, 0.45),
                ]
            ],
        ),
    ],
    9: [
        (
            0.65,
            [
                [(0.9, 0.2), (0.5, 0.0), (0.1, 0.18), (0.15, 0.42), (0.55, 0.48), (0.9, 0.25)],
                [(0.9, 0.05), (0.85, 0.55), (0.75, 1.0)],
            ],
        ),
        (
            0.6,
            [
                [
                    (0.95, 0.1),
                    (0.5, 0.0),
                    (0.05, 0.2),
                    (0.3, 0.45),
                    (0.9, 0.3),
                    (0.92, 0.05),
                    (0.85, 0.5),
                    (0.7, 1.0),
                ]
            ],
        ),
    ],
}


def catmull_rom(points, spacing=3.0):
    """A smooth path through `points` (n, 2), sampled about every `spacing` pixels."""
    p = np.asarray(points, float)
    if len(p) < 3:
        n = max(2, int(np.hypot(*(p[-1] - p[0])) / spacing) + 1)
        t = np.linspace(0, 1, n)[:, None]
        return p[0] + t * (p[-1] - p[0])
    ext = np.vstack([2 * p[0] - p[1], p, 2 * p[-1] - p[-2]])
    out = [p[:1]]
    for i in range(1, len(ext) - 2):
        p0, p1, p2, p3 = ext[i - 1 : i + 3]
        n = max(2, int(np.hypot(*(p2 - p1)) / spacing))
        t = np.linspace(0, 1, n + 1)[1:, None]
        out.append(
            0.5
            * (
                (2 * p1)
                + (-p0 + p2) * t
                + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t**2
                + (-p0 + 3 * p1 - 3 * p2 + p3) * t**3
            )
        )
    return np.vstack(out)


def variant(template, rng):
    aspect, strokes = template
    height = rng.uniform(130, 230)
    width = height * aspect * rng.uniform(0.85, 1.15)
    slant = rng.uniform(-0.3, 0.2)  # x moves by slant * (0.5 - y) * height: right-leaning when > 0
    angle = rng.uniform(-0.12, 0.12)
    cx = rng.uniform(140 - (250 - width) / 3, 140 + (250 - width) / 3)
    cy = rng.uniform(140 - (250 - height) / 3, 140 + (250 - height) / 3)
    out = []
    for stroke in strokes:
        u = np.asarray(stroke, float)
        x = (u[:, 0] - 0.5) * width + slant * (0.5 - u[:, 1]) * height
        y = (u[:, 1] - 0.5) * height
        c, s = np.cos(angle), np.sin(angle)
        pts = np.column_stack([c * x - s * y + cx, s * x + c * y + cy])
        pts += rng.normal(
            0, height * 0.015, pts.shape
        )  # the writer's wobble, at the control points
        path = np.clip(catmull_rom(pts), 2, 278)
        out.append(np.round(path, 1).tolist())
    return out


def build(seed=0):
    rng = np.random.default_rng(seed)
    digits = {}
    for d, templates in TEMPLATES.items():
        digits[str(d)] = [variant(templates[i % len(templates)], rng) for i in range(VARIANTS)]
    return digits


if __name__ == "__main__":
    (HERE / "digits.json").write_text(json.dumps(build()))
    print(f"wrote {HERE / 'digits.json'}")
