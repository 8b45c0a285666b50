"""DigitCanvas says when it is unsure: a drawing halfway between a 1 with a flag and a 7, drawn with
the real mouse in JupyterLab, reads "looks like a 7, or maybe a 1" (or the other way round), not a
confident answer; a clear digit reads "NN% sure"; a cleared pad says nothing."""

import re

import numpy as np
import pytest
from _pen import DIGITS, draw
from playwright.sync_api import expect

from nnwidgets import load_pretrained
from nnwidgets.preprocess import rasterize_strokes, to_mnist

pytestmark = pytest.mark.e2e

SETUP_CELL = """
from nnwidgets import DigitCanvas
canvas = DigitCanvas()
canvas
"""

# js/canvas/verdict.ts: unsure below this top probability, or with the runner-up this close
UNSURE_BELOW, CLOSE_WITHIN = 0.6, 0.5


def flag_one(length, angle=25.0):
    """A 1 whose flag is `length` pad pixels long: short, it is a 1; long and flat, a 7."""
    a = np.radians(angle)
    top, foot = np.array([150.0, 40.0]), np.array([140.0, 240.0])
    start = top + length * np.array([-np.cos(a), np.sin(a)])
    flag = [start + t * (top - start) for t in np.linspace(0, 1, 8)]
    stem = [top + t * (foot - top) for t in np.linspace(0, 1, 20)[1:]]
    return [np.round(np.array(flag + stem), 1).tolist()]


def proba(net, strokes):
    return net.predict_proba(to_mnist(rasterize_strokes(strokes)).reshape(1, -1))[0]


def the_most_ambiguous_flag(net):
    """The flag length at which the shipped model is torn most evenly between 1 and 7."""
    best = None
    for length in range(30, 150, 4):
        p = proba(net, flag_one(length))
        if set(np.argsort(p)[-2:]) == {1, 7} and (best is None or abs(p[1] - p[7]) < best[0]):
            best = (abs(p[1] - p[7]), length)
    assert best is not None and best[0] < 0.3, (
        "no flag length makes the model hesitate between 1 and 7"
    )
    return flag_one(best[1])


def words_for(p):
    """What the canvas should say for probabilities p, by the rule in js/canvas/verdict.ts."""
    order = np.argsort(-p, kind="stable")
    top, second = order[0], order[1]
    if p[top] < UNSURE_BELOW or p[top] - p[second] < CLOSE_WITHIN:
        article = lambda d: f"an {d}" if d == 8 else f"a {d}"  # noqa: E731
        return "unsure", f"looks like {article(top)}, or maybe {article(second)}"
    return "sure", f"{round(p[top] * 100)}% sure"


def test_an_ambiguous_digit_is_read_out_as_unsure(open_notebook):
    nb = open_notebook([SETUP_CELL], app="lab")
    root = nb.page.locator(".nnw-canvas")
    pad = root.locator("canvas.nnw-canvas__pad")
    words = root.locator(".nnw-canvas__confidence")
    net = load_pretrained()

    draw(nb.page, pad, the_most_ambiguous_flag(net))
    expect(root).to_have_attribute("data-verdict", "unsure")
    page_p = np.array(root.get_attribute("data-probabilities").split(","), float)
    kind, expected = words_for(page_p)
    assert kind == "unsure"
    assert set(np.argsort(page_p)[-2:]) == {1, 7}
    expect(words).to_have_text(expected)
    assert re.fullmatch(r"looks like a [17], or maybe a [17]", words.inner_text())
    bars_y_unsure = root.locator(".nnw-bars").bounding_box()["y"]
    root.screenshot(path=str(nb.artifacts / "canvas-unsure.png"))
    # the page's probabilities are the NumPy network's on the strokes the pad recorded
    strokes = [s for s in _recorded_strokes(nb)]
    np.testing.assert_allclose(proba(net, strokes), page_p, atol=1e-5)

    root.locator("button", has_text="Clear").click()
    expect(root).to_have_attribute("data-verdict", "")
    expect(words).to_have_text("")

    draw(nb.page, pad, DIGITS["0"][0])
    expect(root).to_have_attribute("data-verdict", "sure")
    page_p = np.array(root.get_attribute("data-probabilities").split(","), float)
    expect(words).to_have_text(words_for(page_p)[1])
    expect(words).to_have_text(re.compile(r"^\d+% sure$"))
    # the longer words wrap beside the digit: the bars do not jump when the reading turns unsure
    assert root.locator(".nnw-bars").bounding_box()["y"] == pytest.approx(bars_y_unsure, abs=0.5)


def _recorded_strokes(nb):
    import json

    out = nb.run_cell("import json; print(json.dumps(canvas.strokes))")
    return json.loads(out.strip().splitlines()[-1])
