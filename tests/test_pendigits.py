"""The UNIPEN parser, the bundled 30-writer file, and drawing real strokes the way the pad does."""

import gzip

import numpy as np
import pytest

from nnwidgets.datasets.pendigits import (
    PenDigits,
    draw_pendigits,
    load_pendigits,
    parse_unipen,
    place_strokes,
)
from nnwidgets.preprocess import PAD, rasterize_strokes, to_mnist

# Two digits by two writers. The 7 goes from the top left (x 100, y 400: high on the tablet,
# since its y points up) to the top right and down to the bottom (y 100); the 1 is a stroke
# and then a single point (a dot), which must stay one point.
TWO = """\
.INCLUDE dene.doc
.LEXICON "0" "1" "2" "3" "4" "5" "6" "7" "8" "9"

.SEGMENT DIGIT    0 ? "7"
.COMMENT 7 3   17
.PEN_DOWN
 100  400
 300  400
 200  100
.PEN_UP
.DT 100

.SEGMENT DIGIT    1 ? "1"
.COMMENT 1 12  224
.PEN_DOWN
 250  450
 250   50
.PEN_UP
.DT 100
.PEN_DOWN
 250  475
.PEN_UP
.DT 100
"""
SCALE = PAD / 500  # tablet units -> pad pixels


def test_labels_writers_and_samples():
    d = parse_unipen(TWO)
    assert isinstance(d, PenDigits)
    assert d.y.tolist() == [7, 1] and d.y.dtype == np.int64
    assert d.writer.tolist() == [3, 12]
    assert d.sample.tolist() == [17, 224]
    assert [len(s) for s in d.strokes] == [1, 2]


def test_y_up_becomes_y_down_in_pad_pixels():
    seven = parse_unipen(TWO).strokes[0][0]
    # (100, 400) is high on the tablet: near the top of the pad, y = (500 - 400) * 280 / 500
    np.testing.assert_allclose(
        seven, [[100 * SCALE, 100 * SCALE], [300 * SCALE, 100 * SCALE], [200 * SCALE, 400 * SCALE]]
    )
    assert seven[0, 1] < seven[2, 1]  # the 7's bar is above its foot on the pad


def test_a_single_point_stroke_stays_a_dot():
    dot = parse_unipen(TWO).strokes[1][1]
    np.testing.assert_allclose(dot, [[250 * SCALE, 25 * SCALE]])
    # placed and drawn, it is still one point, and the brush inks a round dot there
    placed = place_strokes([dot], height=100)
    assert placed[0].shape == (1, 2)
    assert rasterize_strokes(placed).max() == 1.0


@pytest.mark.parametrize(
    "text, line, words",
    [
        # truncated inside a stroke: the 1's dot, opened on line 20, is never closed
        (TWO.rsplit(".PEN_UP", 1)[0], 21, "ends inside the stroke opened on line 20"),
        (TWO.replace(" 300  400", " 300"), 8, "two numbers"),
        (TWO.replace(" 300  400", " 300  4OO"), 8, "two numbers"),
        (TWO.replace(" 300  400", " 300  nan"), 8, "finite"),
        (
            TWO.replace(".COMMENT 7 3   17", ".COMMENT 4 3   17"),
            5,
            "label 4 but the .SEGMENT on line 4 says 7",
        ),
        (TWO.replace(".COMMENT 7 3   17", ".COMMENT 7 x   17"), 5, "<label> <writer> <sample>"),
        (TWO.replace(".COMMENT 7 3   17\n", ""), 12, "no .COMMENT"),
        (TWO.replace('? "7"', '? "x"'), 4, "SEGMENT DIGIT"),
        (
            TWO.replace(".PEN_UP\n.DT 100\n\n.SEGMENT", ".DT 100\n\n.SEGMENT", 1),
            10,
            ".DT inside the stroke opened on line 6",
        ),
        (TWO.replace(".PEN_DOWN\n 100  400", " 100  400", 1), 6, "outside a .PEN_DOWN"),
        (
            TWO.replace(".PEN_DOWN\n 100  400\n 300  400\n 200  100\n.PEN_UP\n", "", 1),
            8,
            "has no stroke",
        ),
        (TWO.replace(" 100  400\n 300  400\n 200  100\n", "", 1), 7, "has no point"),
        ('.LEXICON "0"\n', 1, "no digit found"),
    ],
    ids=[
        "truncated",
        "one-number",
        "not-a-number",
        "nan",
        "label-mismatch",
        "bad-comment",
        "no-comment",
        "bad-label",
        "no-pen-up",
        "point-outside",
        "no-stroke",
        "empty-stroke",
        "no-digit",
    ],
)
def test_malformed_text_names_the_file_and_line(text, line, words):
    with pytest.raises(ValueError, match=rf"^digits\.unipen, line {line}: .*{_re(words)}"):
        parse_unipen(text, name="digits.unipen")


def _re(words):
    import re

    return re.escape(words)


def test_a_truncated_gzip_file_names_the_file(tmp_path):
    path = tmp_path / "digits.unipen.gz"
    path.write_bytes(gzip.compress(TWO.encode())[:-20])
    why = r"digits\.unipen\.gz: the gzip stream is damaged or truncated"
    with pytest.raises(ValueError, match=why):
        load_pendigits(path)


def test_a_file_cut_mid_digit_names_the_file_and_line(tmp_path):
    path = tmp_path / "digits.unipen"
    path.write_text(TWO[: TWO.index(" 250   50")])  # cut after the 1's first point
    with pytest.raises(ValueError, match=rf"{path.name}, line 16: the file ends inside the stroke"):
        load_pendigits(path)


def test_plain_and_gzipped_files_read_the_same(tmp_path):
    (tmp_path / "a.unipen").write_text(TWO)
    (tmp_path / "a.unipen.gz").write_bytes(gzip.compress(TWO.encode()))
    a, b = load_pendigits(tmp_path / "a.unipen"), load_pendigits(tmp_path / "a.unipen.gz")
    assert a.y.tolist() == b.y.tolist() == [7, 1]
    for sa, sb in zip(a.strokes, b.strokes):
        for pa, pb in zip(sa, sb):
            np.testing.assert_array_equal(pa, pb)


@pytest.mark.parametrize(
    "path, error", [(12, TypeError), ("/nonexistent/pen.unipen", FileNotFoundError)]
)
def test_bad_path(path, error):
    with pytest.raises(error, match="path must"):
        load_pendigits(path)


def test_the_bundled_file_has_30_writers_and_every_digit():
    d = load_pendigits()
    assert len(d.y) == len(d.writer) == len(d.strokes) == 7494
    assert sorted(set(d.writer.tolist())) == list(range(1, 31))
    assert np.bincount(d.y).min() >= 719
    pts = np.vstack([p for s in d.strokes for p in s])
    assert pts.min() >= 0 and pts.max() <= PAD  # the tablet's box maps into the pad's


def test_place_strokes_sets_the_height_and_keeps_the_digit_on_the_pad():
    seven = parse_unipen(TWO).strokes[0]
    for height, position in ((100, (0, 0)), (200, (1, 1)), (600, (0.5, 0.5))):
        placed = np.vstack(place_strokes(seven, height=height, position=position))
        tall = placed[:, 1].max() - placed[:, 1].min()
        assert tall == pytest.approx(min(height, PAD - 8))  # too tall: shrunk into the pad
        assert placed.min() >= 4 - 1e-9 and placed.max() <= PAD - 4 + 1e-9
    # slant > 0 leans the top right: the 7's top-left corner moves right of where it was
    upright = place_strokes(seven, height=150)[0]
    leaning = place_strokes(seven, height=150, slant=0.3)[0]
    assert (leaning[0, 0] - leaning[-1, 0]) > (upright[0, 0] - upright[-1, 0])


def test_place_strokes_fills_in_sparse_polylines():
    # the tablet's 100 ms samples can be 100 px apart; the pad records a point every few px
    placed = place_strokes([np.array([[0.0, 0.0], [0.0, 200.0]])], height=200)[0]
    assert np.hypot(*np.diff(placed, axis=0).T).max() <= 8.0 + 1e-9


def test_draw_pendigits_is_the_canvas_path():
    d = parse_unipen(TWO)
    X = draw_pendigits(d.strokes, seed=3)
    assert X.shape == (2, 784) and X.dtype == np.float32
    assert np.array_equal(X, draw_pendigits(d.strokes, seed=3))
    assert not np.array_equal(X, draw_pendigits(d.strokes, seed=4))
    # with every hand pinned, it is exactly rasterize_strokes + to_mnist of the placed strokes
    fixed = {"height": (150, 150), "widen": (1, 1), "slant": (0, 0), "brush": (1, 1)}
    X = draw_pendigits(d.strokes[:1], seed=0, hands=fixed)
    rng = np.random.default_rng(0)
    for _ in range(4):
        rng.uniform()
    placed = place_strokes(d.strokes[0], height=150, position=rng.uniform(0, 1, 2))
    np.testing.assert_array_equal(X[0], to_mnist(rasterize_strokes(placed)).ravel())


def test_draw_pendigits_rejects_unknown_hands():
    why = "hands takes height, widen, slant, brush; got unknown size"
    with pytest.raises(ValueError, match=why):
        draw_pendigits(parse_unipen(TWO).strokes, hands={"size": (1, 2)})
