"""Small SVG pictures for the lab notebooks (NumPy only: display them with IPython's ``SVG``)."""

from __future__ import annotations

import numpy as np

__all__ = ["neuron_svg", "bowl_svg"]

_W, _H, _PAD = 360, 220, 28


def _frame(xlim, ylim):
    """A mapping from data to pixel coordinates, and the axes' SVG."""
    (x0, x1), (y0, y1) = xlim, ylim

    def px(x, y):
        return (
            _PAD + (x - x0) / (x1 - x0) * (_W - 2 * _PAD),
            _H - _PAD - (y - y0) / (y1 - y0) * (_H - 2 * _PAD),
        )

    return px


def _polyline(points, colour, width=2.0, dash=""):
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="{width}"{extra}/>'


def _text(x, y, s, anchor="start", colour="#333"):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="12" font-family="sans-serif" '
        f'fill="{colour}" text-anchor="{anchor}">{s}</text>'
    )


def _svg(body):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}">{"".join(body)}</svg>'
    )


def neuron_svg(z):
    """The step (perceptron) and the sigmoid against z, with the neuron's current z marked."""
    px = _frame((-6, 6), (-0.1, 1.1))
    zs = np.linspace(-6, 6, 121)
    sig = 1 / (1 + np.exp(-zs))
    step = [px(-6, 0), px(0, 0), px(0, 1), px(6, 1)]
    zc = float(np.clip(z, -6, 6))
    body = [
        _polyline([px(-6, 0), px(6, 0)], "#bbb", 1),
        _polyline([px(0, -0.1), px(0, 1.1)], "#bbb", 1),
        _polyline(step, "#999", 2, "5,4"),
        _polyline([px(a, s) for a, s in zip(zs, sig)], "#1f77b4"),
        f'<circle cx="{px(zc, 1 / (1 + np.exp(-zc)))[0]:.1f}" '
        f'cy="{px(zc, 1 / (1 + np.exp(-zc)))[1]:.1f}" r="5" fill="#d62728"/>',
        _text(*px(6, 0), "z", "end"),
        _text(*px(-5.8, 1.05), "sigmoid (solid), step (dashed)"),
    ]
    return _svg(body)


def bowl_svg(path, curvatures=(1.0, 4.0), lim=3.0):
    r"""Level curves of :math:`C(v) = \tfrac12(c_1 v_1^2 + c_2 v_2^2)` and a descent ``path``.

    ``path`` has shape (k, 2).
    """
    px = _frame((-lim, lim), (-lim * 0.6, lim * 0.6))
    c1, c2 = curvatures
    t = np.linspace(0, 2 * np.pi, 73)
    body = []
    for level in (0.25, 1, 2.5, 5, 10):  # ellipses sqrt(2C/c1) cos t, sqrt(2C/c2) sin t
        body.append(
            _polyline(
                [
                    px(np.sqrt(2 * level / c1) * np.cos(a), np.sqrt(2 * level / c2) * np.sin(a))
                    for a in t
                ],
                "#ccc",
                1,
            )
        )
    path = np.clip(np.asarray(path, dtype=float), -10 * lim, 10 * lim)
    body.append(_polyline([px(*p) for p in path], "#d62728", 2))
    for p in path:
        x, y = px(*p)
        body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="#d62728"/>')
    body.append(_text(*px(0, 0), "min", "middle", "#555"))
    body.append(f'<rect x="0" y="0" width="{_W}" height="{_H}" fill="none" stroke="#ddd"/>')
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_W}" height="{_H}" '
        f'viewBox="0 0 {_W} {_H}" overflow="hidden">{"".join(body)}</svg>'
    )
