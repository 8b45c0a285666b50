"""Small SVG pictures for the lab notebooks (NumPy only: display them with IPython's ``SVG``).

Every function returns an SVG document as a string::

    from IPython.display import SVG, display
    display(SVG(plots.line_svg({"quadratic": costs_q, "cross-entropy": costs_ce}, log_y=True)))

The charts share one frame (:class:`_Axes`): axes with ticks at round numbers (decades on a log
scale), a title, axis labels and a legend naming each series. Text is escaped, so a label such as
``"eta < 1"`` is safe.
"""

from __future__ import annotations

import base64
import html
import math
import struct
import zlib

import numpy as np

__all__ = [
    "bowl_svg",
    "digits_svg",
    "hist_svg",
    "line_svg",
    "neuron_learning_svg",
    "neuron_svg",
    "reliability_svg",
]

_W, _H, _PAD = 360, 220, 28  # the two small Section 1 pictures
_COLOURS = (
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#7f7f7f",
    "#bcbd22",
    "#17becf",
)
_FONT = 'font-family="sans-serif"'
_CHAR = 6.6  # rough width of a 12 px sans-serif character, for laying out the legend


# --- the small pieces every picture is made of ---------------------------------------------------


def _esc(s) -> str:
    return html.escape(str(s), quote=True)


def _polyline(points, colour, width=2.0, dash=""):
    pts = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    extra = f' stroke-dasharray="{dash}"' if dash else ""
    return f'<polyline points="{pts}" fill="none" stroke="{colour}" stroke-width="{width}"{extra}/>'


def _text(x, y, s, anchor="start", colour="#333", size=12, extra=""):
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" {_FONT} '
        f'fill="{colour}" text-anchor="{anchor}"{extra}>{_esc(s)}</text>'
    )


def _rect(x, y, w, h, fill, extra=""):
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"{extra}/>'


def _svg(body, width=_W, height=_H):
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}">{"".join(body)}</svg>'
    )


def _frame(xlim, ylim):
    """A mapping from data to pixel coordinates in the small Section 1 pictures."""
    (x0, x1), (y0, y1) = xlim, ylim

    def px(x, y):
        return (
            _PAD + (x - x0) / (x1 - x0) * (_W - 2 * _PAD),
            _H - _PAD - (y - y0) / (y1 - y0) * (_H - 2 * _PAD),
        )

    return px


# --- ticks ---------------------------------------------------------------------------------------


def _nice_ticks(lo: float, hi: float, n: int = 5):
    """About ``n`` ticks at multiples of 1, 2 or 5 times a power of ten, covering [lo, hi].

    Returns ``(ticks, step)``; the limits of the axis are the first and last tick.
    """
    if not hi > lo:
        half = max(abs(lo) * 0.1, 0.5)
        lo, hi = lo - half, hi + half
    raw = (hi - lo) / max(n - 1, 1)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw * (1 - 1e-9))
    first = math.floor(lo / step + 1e-9) * step
    last = math.ceil(hi / step - 1e-9) * step
    count = int(round((last - first) / step)) + 1
    return [first + i * step for i in range(count)], step


def _tick_label(v: float, step: float) -> str:
    if v == 0 or abs(v) < step * 1e-6:
        return "0"
    if abs(v) >= 1e5 or abs(v) < 1e-3:
        return f"{v:.1e}".replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")
    decimals = max(0, -math.floor(math.log10(step) + 1e-9))
    if step != round(step, decimals):  # 2.5 x 10^k needs one more digit
        decimals += 1
    return f"{v:.{decimals}f}"


def _log_ticks(lo: float, hi: float):
    """Tick values and labels on a log axis covering [lo, hi] (both > 0), and the axis limits.

    Whole decades when the data span at least one (every second or third one when they span
    many), 1, 2 and 5 times each decade when they span less.
    """
    a, b = math.floor(math.log10(lo) + 1e-9), math.ceil(math.log10(hi) - 1e-9)
    if b == a:
        b = a + 1
    if b - a >= 2 or hi / lo >= 10:
        every = 1 if b - a <= 6 else (2 if b - a <= 12 else 3)
        decades = list(range(a, b + 1, every))
        if decades[-1] < b:
            decades.append(decades[-1] + every)
        return [10.0**k for k in decades], (10.0 ** decades[0], 10.0 ** decades[-1])
    candidates = [m * 10.0**k for k in (a, a + 1) for m in (1, 2, 5)]
    # the limits are the candidates just outside the data
    low = max(t for t in candidates if t <= lo * 1.0001)
    high = min(t for t in candidates if t >= hi / 1.0001)
    return [t for t in candidates if low <= t <= high], (low, high)


def _log_label(v: float) -> str:
    k = math.log10(v)
    if abs(k - round(k)) < 1e-9:
        k = int(round(k))
        if 0 <= k <= 3:
            return str(10**k)
        return f"1e{k}"
    return f"{v:g}"


# --- the shared frame ----------------------------------------------------------------------------


class _Axes:
    """A plotting area at (left, top) of size (width, height) with its data limits and ticks."""

    def __init__(self, left, top, width, height, xlim, ylim, *, log_y=False, nice_x=True):
        self.left, self.top, self.width, self.height = left, top, width, height
        self.log_y = log_y
        if nice_x:
            self.xticks, step = _nice_ticks(*xlim)
            self.xlabels = [_tick_label(t, step) for t in self.xticks]
            self.xlim = (self.xticks[0], self.xticks[-1])
        else:
            self.xlim = xlim
            self.xticks, step = _nice_ticks(*xlim)
            self.xticks = [t for t in self.xticks if xlim[0] - 1e-9 <= t <= xlim[1] + 1e-9]
            self.xlabels = [_tick_label(t, step) for t in self.xticks]
        if log_y:
            self.yticks, self.ylim = _log_ticks(*ylim)
            self.ylabels = [_log_label(t) for t in self.yticks]
        else:
            self.yticks, step = _nice_ticks(*ylim)
            self.ylabels = [_tick_label(t, step) for t in self.yticks]
            self.ylim = (self.yticks[0], self.yticks[-1])

    def px(self, x, y):
        """Pixel coordinates of the data point (x, y)."""
        (x0, x1), (y0, y1) = self.xlim, self.ylim
        u = (x - x0) / (x1 - x0)
        if self.log_y:
            v = (math.log10(y) - math.log10(y0)) / (math.log10(y1) - math.log10(y0))
        else:
            v = (y - y0) / (y1 - y0)
        return self.left + u * self.width, self.top + (1 - v) * self.height

    def draw(self, *, title="", xlabel="", ylabel=""):
        """The axes' SVG: grid lines, ticks with labels, the frame, the title and axis labels."""
        body = []
        bottom, right = self.top + self.height, self.left + self.width
        for t, label in zip(self.xticks, self.xlabels):
            x, _ = self.px(t, self.ylim[0])
            body.append(_polyline([(x, self.top), (x, bottom)], "#eee", 1))
            body.append(_polyline([(x, bottom), (x, bottom + 4)], "#666", 1))
            body.append(_text(x, bottom + 16, label, "middle", "#555", 11))
        for t, label in zip(self.yticks, self.ylabels):
            _, y = self.px(self.xlim[0], t)
            body.append(_polyline([(self.left, y), (right, y)], "#eee", 1))
            body.append(_polyline([(self.left - 4, y), (self.left, y)], "#666", 1))
            body.append(_text(self.left - 6, y + 4, label, "end", "#555", 11))
        body.append(
            f'<rect x="{self.left:.1f}" y="{self.top:.1f}" width="{self.width:.1f}" '
            f'height="{self.height:.1f}" fill="none" stroke="#888"/>'
        )
        if title:
            body.append(
                _text(self.left + self.width / 2, self.top - 10, title, "middle", "#222", 13)
            )
        if xlabel:
            body.append(_text(self.left + self.width / 2, bottom + 32, xlabel, "middle"))
        if ylabel:
            x, y = self.left - 44, self.top + self.height / 2
            body.append(_text(x, y, ylabel, "middle", extra=f' transform="rotate(-90 {x} {y})"'))
        return body

    def clip(self, ident):
        """A clip path to the plotting area (a diverging curve stays inside the frame)."""
        return (
            f'<clipPath id="{ident}"><rect x="{self.left:.1f}" y="{self.top:.1f}" '
            f'width="{self.width:.1f}" height="{self.height:.1f}"/></clipPath>'
        )


def _legend(names, left, top, width, *, colours=_COLOURS, dashes=None):
    """A legend flowing left to right in rows: a swatch and the name of each series.

    Returns the SVG pieces and the height it takes.
    """
    body, x, y = [], left, top
    for i, name in enumerate(names):
        w = 28 + _CHAR * len(str(name)) + 14
        if x > left and x + w > left + width:
            x, y = left, y + 18
        dash = dashes[i] if dashes else ""
        body.append(_polyline([(x, y), (x + 22, y)], colours[i % len(colours)], 2.5, dash))
        body.append(_text(x + 28, y + 4, name))
        x += w
    return body, (y - top) + 18 if names else 0


_clip_count = 0


def _clip_id() -> str:
    # Several SVGs share one page in a notebook: each clip path gets an id of its own.
    global _clip_count
    _clip_count += 1
    return f"nnw-clip-{_clip_count}"


# --- input checks --------------------------------------------------------------------------------


def _numbers(values, name, *, ndim=1) -> np.ndarray:
    try:
        arr = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"{name} must be a list or array of numbers; got {type(values).__name__}"
        ) from None
    if arr.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-dimensional; got shape {arr.shape}")
    return arr


def _text_arg(value, name) -> str:
    if not isinstance(value, str):
        raise TypeError(f"{name} must be a string; got {type(value).__name__}")
    return value


def _segments(xs, ys, ok):
    """Runs of consecutive plottable points (a NaN, an infinity or, on a log axis, a value <= 0
    breaks the line)."""
    runs, current = [], []
    for x, y, good in zip(xs, ys, ok):
        if good:
            current.append((x, y))
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    return runs


# --- the charts ----------------------------------------------------------------------------------


def line_svg(series, *, x=None, log_y=False, title="", xlabel="", ylabel=""):
    """Curves of ``series`` (a dict: name -> list of y values) against ``x``, with a legend.

    ``x`` is one list shared by every series (a series may be shorter, e.g. a run that
    diverged early); by default the index 0, 1, 2, ... ``log_y`` draws y on a log scale with
    ticks at decades; values <= 0 are left out there. A NaN or an infinity breaks a curve.
    """
    if not isinstance(series, dict) or not series:
        raise ValueError(
            "series must be a non-empty dict of name -> list of numbers; "
            f"got {type(series).__name__} {series!r:.60}"
        )
    for arg, name in ((title, "title"), (xlabel, "xlabel"), (ylabel, "ylabel")):
        _text_arg(arg, name)
    ys = {str(k): _numbers(v, f"series[{k!r}]") for k, v in series.items()}
    longest = max(len(v) for v in ys.values())
    if x is None:
        xs = np.arange(longest, dtype=float)
    else:
        xs = _numbers(x, "x")
        if not np.all(np.isfinite(xs)):
            raise ValueError("x must hold finite numbers; got a NaN or an infinity")
        too_long = [k for k, v in ys.items() if len(v) > len(xs)]
        if too_long:
            raise ValueError(
                f"x must have at least as many values as each series; got {len(xs)} values "
                f"of x and {len(ys[too_long[0]])} in series {too_long[0]!r}"
            )
    ok = {k: np.isfinite(v) & ((v > 0) if log_y else True) for k, v in ys.items()}
    shown = np.concatenate([v[ok[k]] for k, v in ys.items()])
    if shown.size == 0:
        what = "a finite positive value (log_y=True)" if log_y else "a finite value"
        raise ValueError(f"series must hold at least {what}; got none in any series")
    xs_used = np.concatenate([xs[: len(v)][ok[k]] for k, v in ys.items()])
    width, left, top = 480, 64, 34 if title else 16
    legend, legend_h = _legend(list(ys), left, 0, width - left - 16)
    height = top + 200 + 44 + legend_h
    ax = _Axes(
        left,
        top,
        width - left - 16,
        200,
        (float(xs_used.min()), float(xs_used.max())),
        (float(shown.min()), float(shown.max())),
        log_y=log_y,
    )
    body = ax.draw(title=title, xlabel=xlabel, ylabel=ylabel)
    ident = _clip_id()
    body.append(ax.clip(ident))
    for i, (name, v) in enumerate(ys.items()):
        colour = _COLOURS[i % len(_COLOURS)]
        for run in _segments(xs[: len(v)], v, ok[name]):
            points = [ax.px(a, b) for a, b in run]
            if len(points) == 1:
                (cx, cy) = points[0]
                body.append(
                    f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="2.5" fill="{colour}" '
                    f'clip-path="url(#{ident})" data-series="{_esc(name)}"/>'
                )
            else:
                line = _polyline(points, colour)
                body.append(
                    line.replace(
                        "/>", f' clip-path="url(#{ident})" data-series="{_esc(name)}"/>', 1
                    )
                )
    legend, _ = _legend(list(ys), left, top + 200 + 44 + 4, width - left - 16)
    body += legend
    return _svg(body, width, height + 4)


def hist_svg(values, *, bins=40, shade_outside=None, title="", xlabel=""):
    """A histogram of ``values`` (any shape, flattened; NaNs left out) in ``bins`` equal bins.

    ``shade_outside=(lo, hi)`` shades the regions below ``lo`` and above ``hi`` (e.g. (-4, 4)
    for saturated sigmoid neurons, |z| > 4), colours the bars there and says in the legend what
    share of the values lies outside.
    """
    _text_arg(title, "title")
    _text_arg(xlabel, "xlabel")
    try:
        v = np.asarray(values, dtype=float).ravel()
    except (TypeError, ValueError):
        raise TypeError(
            f"values must be an array of numbers; got {type(values).__name__}"
        ) from None
    v = v[np.isfinite(v)]
    if v.size == 0:
        raise ValueError("values must hold at least one finite number; got none")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or bins < 1:
        raise ValueError(f"bins must be a positive integer; got {bins!r}")
    lo, hi = float(v.min()), float(v.max())
    if shade_outside is not None:
        try:
            s_lo, s_hi = (float(b) for b in shade_outside)
        except (TypeError, ValueError):
            raise ValueError(
                f"shade_outside must be a pair (lo, hi) of numbers; got {shade_outside!r}"
            ) from None
        if not s_lo < s_hi:
            raise ValueError(f"shade_outside must be (lo, hi) with lo < hi; got {shade_outside!r}")
        lo, hi = min(lo, s_lo), max(hi, s_hi)
    if hi == lo:
        lo, hi = lo - 0.5, hi + 0.5
    counts, edges = np.histogram(v, bins=int(bins), range=(lo, hi))
    width, left, top, plot_h = 480, 64, 34 if title else 16, 200
    ax = _Axes(
        left, top, width - left - 16, plot_h, (lo, hi), (0.0, float(counts.max())), nice_x=False
    )
    body = []
    names, colours = ["count"], ["#1f77b4"]
    if shade_outside is not None:
        outside = float(np.mean((v < s_lo) | (v > s_hi)))
        x_lo, _ = ax.px(max(s_lo, ax.xlim[0]), 0)
        x_hi, _ = ax.px(min(s_hi, ax.xlim[1]), 0)
        body.append(_rect(ax.left, ax.top, x_lo - ax.left, ax.height, "#fde0dd"))
        body.append(_rect(x_hi, ax.top, ax.left + ax.width - x_hi, ax.height, "#fde0dd"))
        names.append(f"outside ({s_lo:g}, {s_hi:g}): {outside:.1%}")
        colours.append("#d62728")
    body += ax.draw(title=title, xlabel=xlabel, ylabel="count")
    for c, a, b in zip(counts, edges[:-1], edges[1:]):
        if c == 0:
            continue
        x0, y0 = ax.px(a, c)
        x1, y1 = ax.px(b, 0)
        centre = (a + b) / 2
        out = shade_outside is not None and (centre < s_lo or centre > s_hi)
        body.append(
            _rect(
                x0,
                y0,
                max(x1 - x0 - 0.5, 0.5),
                y1 - y0,
                "#d62728" if out else "#1f77b4",
                f' data-count="{int(c)}"',
            )
        )
    legend, legend_h = _legend(names, left, top + plot_h + 48, width - left - 16, colours=colours)
    body += legend
    return _svg(body, width, top + plot_h + 48 + legend_h)


def reliability_svg(rel, *, title=""):
    """A reliability diagram: per confidence bin, the accuracy (bars) against the diagonal of
    perfect calibration, the gap shaded, and the ECE in the legend.

    ``rel`` is what :func:`nnwidgets.metrics.reliability` returns (``edges``, ``counts``,
    ``accuracy``, ``confidence``, ``ece``). Empty bins draw nothing.
    """
    _text_arg(title, "title")
    try:
        edges = np.asarray(rel.edges, dtype=float)
        counts = np.asarray(rel.counts)
        accuracy = np.asarray(rel.accuracy, dtype=float)
        confidence = np.asarray(rel.confidence, dtype=float)
        ece = float(rel.ece)
    except AttributeError:
        raise TypeError(
            "rel must be what nnwidgets.metrics.reliability returns (edges, counts, accuracy, "
            f"confidence, ece); got {type(rel).__name__}"
        ) from None
    n = len(counts)
    if edges.shape != (n + 1,) or accuracy.shape != (n,) or confidence.shape != (n,):
        raise ValueError(
            f"rel must have n + 1 edges and n counts, accuracies and confidences; got "
            f"{edges.shape[0]} edges and {n} counts"
        )
    left, top, size = 64, 34 if title else 16, 240
    ax = _Axes(left, top, size, size, (0.0, 1.0), (0.0, 1.0))
    body = ax.draw(title=title, xlabel="confidence", ylabel="accuracy")
    for m in range(n):
        if counts[m] == 0 or not np.isfinite(accuracy[m]):
            continue
        a, b = edges[m], edges[m + 1]
        x0, y_acc = ax.px(a, accuracy[m])
        x1, y_base = ax.px(b, 0)
        _, y_conf = ax.px(a, confidence[m])
        body.append(
            _rect(
                x0,
                y_acc,
                x1 - x0 - 1,
                y_base - y_acc,
                "#1f77b4",
                f' data-accuracy="{accuracy[m]:.6g}" data-count="{int(counts[m])}"',
            )
        )
        top_y, bottom_y = min(y_acc, y_conf), max(y_acc, y_conf)
        body.append(
            _rect(x0, top_y, x1 - x0 - 1, bottom_y - top_y, "#d62728", ' fill-opacity="0.35"')
        )
    body.append(_polyline([ax.px(0, 0), ax.px(1, 1)], "#444", 1.5, "5,4"))
    names = ["accuracy", "gap to confidence", "perfect calibration", f"ECE {ece:.2%}"]
    colours = ["#1f77b4", "#f4a6a7", "#444", "#ffffff"]
    legend, legend_h = _legend(
        names, left, top + size + 48, 380 - left, colours=colours, dashes=["", "", "5,4", ""]
    )
    body += legend
    return _svg(body, 380, top + size + 48 + legend_h)


def _png_gray(pixels: np.ndarray) -> bytes:
    """An 8-bit greyscale PNG of ``pixels`` (h, w) uint8 (zlib and struct only)."""
    h, w = pixels.shape

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    rows = b"".join(b"\x00" + pixels[i].tobytes() for i in range(h))  # filter 0 on every row
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


def digits_svg(images, captions=None, *, columns=10):
    """A gallery of digits: ``images`` (n, 784) or (n, 28, 28) in [0, 1], ink dark on white,
    ``columns`` to a row, each with its caption (e.g. ``"7 as 1"``) underneath.

    Each image is embedded as a small greyscale PNG (grey level ``round(255 * (1 - value))``)
    drawn at 2 px per pixel without smoothing.
    """
    try:
        arr = np.asarray(images, dtype=float)
    except (TypeError, ValueError):
        raise TypeError(
            f"images must be an array of numbers; got {type(images).__name__}"
        ) from None
    if arr.ndim == 2 and arr.shape[1] == 784:
        arr = arr.reshape(-1, 28, 28)
    if arr.ndim != 3 or arr.shape[1:] != (28, 28) or len(arr) == 0:
        raise ValueError(
            f"images must have shape (n, 784) or (n, 28, 28) with n >= 1; got {arr.shape}"
        )
    if not np.all(np.isfinite(arr)) or arr.min() < 0 or arr.max() > 1:
        raise ValueError(
            f"images must hold values in [0, 1]; got values from {np.nanmin(arr):.3g} "
            f"to {np.nanmax(arr):.3g}"
        )
    n = len(arr)
    if captions is not None:
        if isinstance(captions, str) or len(captions) != n:
            raise ValueError(
                f"captions must be a list of {n} strings, one per image; got {captions!r:.80}"
            )
        captions = [str(c) for c in captions]
    if isinstance(columns, bool) or not isinstance(columns, (int, np.integer)) or columns < 1:
        raise ValueError(f"columns must be a positive integer; got {columns!r}")
    columns = min(int(columns), n)
    cell_w, cell_h = 64, 56 + (16 if captions else 0)
    rows = -(-n // columns)
    body = []
    for i, img in enumerate(arr):
        r, c = divmod(i, columns)
        x, y = 4 + c * cell_w, 4 + r * cell_h
        grey = np.round(255 * (1 - img)).astype(np.uint8)
        data = base64.b64encode(_png_gray(grey)).decode("ascii")
        body.append(
            f'<image x="{x}" y="{y}" width="56" height="56" style="image-rendering:pixelated" '
            f'href="data:image/png;base64,{data}"/>'
        )
        body.append(f'<rect x="{x}" y="{y}" width="56" height="56" fill="none" stroke="#ccc"/>')
        if captions:
            body.append(_text(x + 28, y + 69, captions[i], "middle", size=11))
    return _svg(body, 4 + columns * cell_w, 4 + rows * cell_h)


_NEURON_PANELS = (("output", "output a"), ("w", "weight w"), ("b", "bias b"), ("cost", "cost C"))


def neuron_learning_svg(histories, *, title="", upto=None):
    """One neuron learning: its output, weight, bias and cost against the epoch, one panel each,
    a curve per cost function (NNDL ch3's saturation figures, for both costs at once).

    ``histories`` maps a name (``"quadratic"``, ``"cross-entropy"``) to a dict with the lists
    ``"output"``, ``"w"``, ``"b"`` and ``"cost"``, one value per epoch. ``upto`` draws only the
    first ``upto`` epochs on the axes of the whole history (for an animation with a slider).
    """
    _text_arg(title, "title")
    if not isinstance(histories, dict) or not histories:
        raise ValueError(
            "histories must be a non-empty dict of name -> {'output', 'w', 'b', 'cost'} lists; "
            f"got {type(histories).__name__}"
        )
    data = {}
    for name, h in histories.items():
        if not isinstance(h, dict):
            raise ValueError(
                f"histories[{name!r}] must be a dict with 'output', 'w', 'b' and 'cost'; "
                f"got {type(h).__name__}"
            )
        missing = [k for k, _ in _NEURON_PANELS if k not in h]
        if missing:
            raise ValueError(
                f"histories[{name!r}] must have the keys 'output', 'w', 'b' and 'cost'; "
                f"missing {missing}"
            )
        data[str(name)] = {
            k: _numbers(h[k], f"histories[{name!r}][{k!r}]") for k, _ in _NEURON_PANELS
        }
    epochs = max(len(v) for d in data.values() for v in d.values())
    if epochs == 0:
        raise ValueError("histories must hold at least one epoch; got empty lists")
    if upto is not None and (
        isinstance(upto, bool) or not isinstance(upto, (int, np.integer)) or upto < 0
    ):
        raise ValueError(f"upto must be a non-negative integer or None; got {upto!r}")
    shown = epochs if upto is None else int(upto)
    pw, ph, top0 = 250, 120, 34 if title else 10
    body = []
    if title:
        body.append(_text(300, 18, title, "middle", "#222", 13))
    for p, (key, label) in enumerate(_NEURON_PANELS):
        r, c = divmod(p, 2)
        left, top = 56 + c * (pw + 64), top0 + 20 + r * (ph + 64)
        values = np.concatenate([d[key] for d in data.values()])
        values = values[np.isfinite(values)]
        ylim = (float(values.min()), float(values.max())) if values.size else (0.0, 1.0)
        if key == "output":
            ylim = (min(ylim[0], 0.0), max(ylim[1], 1.0))
        ax = _Axes(left, top, pw, ph, (0.0, float(max(epochs - 1, 1))), ylim)
        body += ax.draw(title=label, xlabel="epoch")
        for i, d in enumerate(data.values()):
            v = d[key][:shown]
            pts = [ax.px(e, y) for e, y in enumerate(v) if np.isfinite(y)]
            if len(pts) > 1:
                body.append(_polyline(pts, _COLOURS[i % len(_COLOURS)]))
            if pts:
                cx, cy = pts[-1]
                body.append(
                    f'<circle cx="{cx:.1f}" cy="{cy:.1f}" r="3" '
                    f'fill="{_COLOURS[i % len(_COLOURS)]}"/>'
                )
    legend_top = top0 + 20 + 2 * (ph + 64) - 8
    legend, legend_h = _legend(list(data), 56, legend_top, 560)
    body += legend
    return _svg(body, 640, legend_top + legend_h)


# --- the Section 1 pictures ----------------------------------------------------------------------


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
