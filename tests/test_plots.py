"""The static SVG plots of the lab notebooks: data land on the right pixels, axes and legends say
what is drawn, and bad input is refused naming the parameter."""

import base64
import math
import struct
import xml.etree.ElementTree as ET
import zlib

import numpy as np
import pytest

from nnwidgets.labs import plots
from nnwidgets.metrics import reliability

NS = "{http://www.w3.org/2000/svg}"


def parse(svg):
    root = ET.fromstring(svg)  # also proves the document is well-formed XML
    assert root.tag == NS + "svg"
    return root


def polylines(root, series=None):
    lines = root.iter(NS + "polyline")
    if series is not None:
        lines = [p for p in lines if p.get("data-series") == series]
    return [
        [tuple(float(v) for v in pt.split(",")) for pt in p.get("points").split()] for p in lines
    ]


def texts(root):
    return ["".join(t.itertext()) for t in root.iter(NS + "text")]


def test_a_line_maps_data_to_pixels_monotonically_and_linearly():
    root = parse(plots.line_svg({"cost": [0.0, 1.0, 2.0, 4.0]}, x=[0, 1, 2, 3]))
    [points] = polylines(root, "cost")
    xs, ys = zip(*points)
    assert all(b > a for a, b in zip(xs, xs[1:]))  # x grows to the right
    assert all(b < a for a, b in zip(ys, ys[1:]))  # y grows upwards: pixel y shrinks
    # equal steps in x are equal steps in pixels; the step 2 -> 4 in y is twice 0 -> 1
    assert xs[1] - xs[0] == pytest.approx(xs[2] - xs[1], abs=0.1)
    assert ys[2] - ys[3] == pytest.approx(2 * (ys[0] - ys[1]), abs=0.2)


def test_log_y_puts_decades_equal_distances_apart_with_decade_ticks():
    root = parse(plots.line_svg({"norm": [1e-3, 1e-2, 1e-1]}, log_y=True))
    [points] = polylines(root, "norm")
    ys = [y for _, y in points]
    decade = ys[0] - ys[1]
    assert decade > 10
    assert ys[0] - ys[2] == pytest.approx(2 * decade, abs=0.2)  # 1e-3 to 1e-1: two decades
    labels = texts(root)
    assert {"1e-3", "1e-2", "1e-1"} <= set(labels), labels


def test_log_y_leaves_out_values_at_or_below_zero_and_a_nan_breaks_the_curve():
    root = parse(plots.line_svg({"a": [1.0, 0.0, 0.1, 0.01, float("nan"), 1e-3, 1e-4]}, log_y=True))
    runs = polylines(root, "a")
    circles = [c for c in root.iter(NS + "circle") if c.get("data-series") == "a"]
    assert [len(r) for r in runs] == [2, 2] and len(circles) == 1  # 1.0 | 0.1, 0.01 | 1e-3, 1e-4


def test_ticks_fall_on_round_numbers_and_cover_the_data():
    root = parse(plots.line_svg({"accuracy": [0.831, 0.902, 0.968]}))
    # the y axis's tick labels are the texts anchored at their end, left of the axis
    labels = [t.text for t in root.iter(NS + "text") if t.get("text-anchor") == "end"]
    y_ticks = sorted(float(t) for t in labels)
    assert y_ticks[0] <= 0.831 and y_ticks[-1] >= 0.968
    assert all(len(t.split(".")[1]) <= 3 for t in labels), labels
    steps = np.diff(y_ticks)
    assert np.allclose(steps, steps[0]) and round(steps[0], 6) in (0.02, 0.025, 0.05)


def test_the_legend_names_each_series_and_text_is_escaped():
    svg = plots.line_svg(
        {"eta < 1 & mu": [1, 2], "cross-entropy": [2, 1]}, title='"t" <b>', xlabel="epoch"
    )
    assert "<b>" not in svg
    labels = texts(parse(svg))
    assert "eta < 1 & mu" in labels and "cross-entropy" in labels
    assert '"t" <b>' in labels and "epoch" in labels


def test_a_series_shorter_than_x_is_drawn_over_its_first_x_values():
    root = parse(plots.line_svg({"long": [1, 2, 3, 4], "diverged": [1, 2]}, x=[10, 20, 30, 40]))
    [long], [short] = polylines(root, "long"), polylines(root, "diverged")
    assert [p[0] for p in short] == [p[0] for p in long[:2]]


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: plots.line_svg({}), "series must be a non-empty dict"),
        (lambda: plots.line_svg([1, 2]), "series must be a non-empty dict"),
        (lambda: plots.line_svg({"a": [1, 2, 3]}, x=[0, 1]), "x must have at least"),
        (lambda: plots.line_svg({"a": [[1, 2]]}), r"series\['a'\] must be 1-dimensional"),
        (lambda: plots.line_svg({"a": [0, -1]}, log_y=True), "finite positive"),
        (lambda: plots.hist_svg([1, 2], bins=0), "bins must be a positive integer"),
        (lambda: plots.hist_svg([np.nan]), "values must hold at least one finite"),
        (lambda: plots.hist_svg([1, 2], shade_outside=(4, -4)), "shade_outside must be"),
        (lambda: plots.hist_svg([1, 2], shade_outside=4), "shade_outside must be a pair"),
        (lambda: plots.digits_svg(np.zeros((2, 100))), r"images must have shape.*\(2, 100\)"),
        (lambda: plots.digits_svg(np.full((1, 784), 2.0)), r"images must hold values in \[0, 1\]"),
        (lambda: plots.digits_svg(np.zeros((2, 784)), ["a"]), "captions must be a list of 2"),
        (lambda: plots.digits_svg(np.zeros((2, 784)), columns=0), "columns must be a positive"),
        (lambda: plots.neuron_learning_svg({"q": {"w": [1]}}), r"histories\['q'\] must have"),
        (lambda: plots.neuron_learning_svg({}), "histories must be a non-empty dict"),
    ],
)
def test_bad_input_is_a_value_error_naming_the_parameter(call, match):
    with pytest.raises(ValueError, match=match):
        call()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: plots.reliability_svg([0.1, 0.2]), "rel must be what"),
        (lambda: plots.line_svg({"a": ["x"]}), r"series\['a'\] must be a list"),
        (lambda: plots.line_svg({"a": [1]}, title=3), "title must be a string"),
    ],
)
def test_input_of_the_wrong_type_is_a_type_error_naming_the_parameter(call, match):
    with pytest.raises(TypeError, match=match):
        call()


def test_a_histogram_counts_every_finite_value_and_shades_outside_the_band():
    values = np.array([-6.0, -5.0, 0.0, 0.5, 1.0, 1.5, 2.0, 3.0, 5.0, 7.0, np.nan])
    root = parse(plots.hist_svg(values, bins=13, shade_outside=(-4, 4), xlabel="z"))
    bars = [r for r in root.iter(NS + "rect") if r.get("data-count")]
    assert sum(int(b.get("data-count")) for b in bars) == 10  # the NaN is left out
    red = [b for b in bars if b.get("fill") == "#d62728"]
    assert sum(int(b.get("data-count")) for b in red) == 4  # -6, -5, 5, 7
    assert "outside (-4, 4): 40.0%" in texts(root)
    # a bar twice as tall as another holds twice the count
    heights = {int(b.get("data-count")): float(b.get("height")) for b in bars}
    assert max(heights) >= 2 and heights[2] == pytest.approx(2 * heights[1], abs=0.2)


def test_a_reliability_diagram_draws_a_bar_per_filled_bin_at_its_accuracy():
    P = np.array([[0.95, 0.05], [0.95, 0.05], [0.55, 0.45], [0.65, 0.35]])
    y = np.array([0, 1, 0, 0])  # the 0.95 bin is right half the time, 0.55 and 0.65 always
    rel = reliability(P, y, n_bins=10)
    root = parse(plots.reliability_svg(rel, title="calibration"))
    bars = [r for r in root.iter(NS + "rect") if r.get("data-accuracy")]
    assert sorted(float(b.get("data-accuracy")) for b in bars) == [0.5, 1.0, 1.0]
    by_acc = {float(b.get("data-accuracy")): float(b.get("height")) for b in bars}
    assert by_acc[1.0] == pytest.approx(2 * by_acc[0.5], abs=0.2)
    assert f"ECE {rel.ece:.2%}" in texts(root)


def decode_png(data: bytes) -> np.ndarray:
    """The pixels of an 8-bit greyscale, unfiltered PNG, read back chunk by chunk."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, chunks = 8, {}
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length : pos + 12 + length])
        assert zlib.crc32(kind + body) & 0xFFFFFFFF == crc
        chunks[kind] = body
        pos += 12 + length
    w, h, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    assert (depth, colour) == (8, 0)
    raw = np.frombuffer(zlib.decompress(chunks[b"IDAT"]), dtype=np.uint8).reshape(h, w + 1)
    assert np.all(raw[:, 0] == 0)  # filter type 0 on every row
    return raw[:, 1:]


def test_a_digit_gallery_holds_each_image_at_its_pixel_values():
    rng = np.random.default_rng(0)
    images = rng.random((7, 784))
    images[0] = 0.0
    images[1] = 1.0
    root = parse(plots.digits_svg(images, [f"{i} as <{i}>" for i in range(7)], columns=3))
    embedded = list(root.iter(NS + "image"))
    assert len(embedded) == 7
    for img, element in zip(images, embedded):
        href = element.get("href")
        assert href.startswith("data:image/png;base64,")
        pixels = decode_png(base64.b64decode(href.split(",", 1)[1]))
        assert pixels.shape == (28, 28)
        # ink dark on white: 1 -> 0 (black), 0 -> 255 (white)
        np.testing.assert_array_equal(pixels, np.round(255 * (1 - img.reshape(28, 28))))
    assert "3 as <3>" in texts(root)
    # three to a row: the fourth image starts the second row
    xs = [float(e.get("x")) for e in embedded]
    ys = [float(e.get("y")) for e in embedded]
    assert xs[3] == xs[0] and ys[3] > ys[0] and xs[1] > xs[0] and ys[1] == ys[0]


def test_a_digit_gallery_takes_28_by_28_images_too():
    images = np.zeros((2, 28, 28))
    images[1, 5, 7] = 1.0
    root = parse(plots.digits_svg(images))
    pixels = decode_png(base64.b64decode(list(root.iter(NS + "image"))[1].get("href")[22:]))
    assert pixels[5, 7] == 0 and pixels.sum() == 255 * (784 - 1)


def saturating(w, b, ce, epochs=60, eta=0.15):
    out = {"output": [], "w": [], "b": [], "cost": []}
    for _ in range(epochs):
        a = 1 / (1 + math.exp(-(w + b)))
        out["output"].append(a)
        out["w"].append(w)
        out["b"].append(b)
        out["cost"].append(-math.log(1 - a) if ce else a * a / 2)
        grad = a if ce else a * a * (1 - a)
        w, b = w - eta * grad, b - eta * grad
    return out


def test_neuron_learning_draws_four_panels_with_a_curve_per_cost():
    histories = {"quadratic": saturating(2, 2, False), "cross-entropy": saturating(2, 2, True)}
    root = parse(plots.neuron_learning_svg(histories, title="w = b = 2"))
    labels = texts(root)
    for panel in ("output a", "weight w", "bias b", "cost C"):
        assert panel in labels
    assert "quadratic" in labels and "cross-entropy" in labels
    curves = [p for p in polylines(root) if len(p) == 60]
    assert len(curves) == 8  # 4 panels x 2 costs


def test_neuron_learning_upto_draws_fewer_epochs_on_the_same_axes():
    histories = {"quadratic": saturating(2, 2, False), "cross-entropy": saturating(2, 2, True)}
    full = parse(plots.neuron_learning_svg(histories))
    part = parse(plots.neuron_learning_svg(histories, upto=10))
    assert texts(full) == texts(part)  # the same ticks: an animation does not rescale
    curves_full = [p for p in polylines(full) if len(p) == 60]
    curves_part = [p for p in polylines(part) if len(p) == 10]
    assert len(curves_part) == 8
    assert curves_part[0] == curves_full[0][:10]


def test_the_section_1_pictures_still_draw():
    parse(plots.neuron_svg(1.5))
    root = parse(plots.bowl_svg([[2, 1], [1, 0.5], [0, 0]]))
    assert len(list(root.iter(NS + "circle"))) == 3
