"""DigitCanvas in a real JupyterLab and Notebook 7: real pointer strokes, the prediction the page
shows, and the pixels and probabilities that reached Python, compared with NumPy on the same
strokes (preprocessing parity and forward-pass parity between the browser and Python)."""

import json
import os
import time

import numpy as np
import pytest
from _pen import DIGITS, draw
from playwright.sync_api import expect

from nnwidgets import load_pretrained
from nnwidgets.preprocess import rasterize_strokes, to_mnist

pytestmark = pytest.mark.e2e


# What a learner runs: the canvas with the shipped model.
SETUP_CELL = """
import json
import numpy as np
from nnwidgets import DigitCanvas, Network
canvas = DigitCanvas()
canvas
"""


READ_BACK = """print(json.dumps({
    "prediction": canvas.prediction,
    "probabilities": None if canvas.probabilities is None else canvas.probabilities.tolist(),
    "pixels": canvas.pixels.ravel().tolist(),
    "strokes": canvas.strokes,
}))"""


def read_back(nb, until=None, timeout=10.0):
    """The canvas's Python-side state; with ``until``, polled until ``until(state)`` holds.

    A stroke's report travels to the kernel on its own message, so a cell run right after the
    page shows a reading may still see the kernel's previous state.
    """
    deadline = time.monotonic() + timeout
    while True:
        state = json.loads(nb.run_cell(READ_BACK).strip().splitlines()[-1])
        if until is None or until(state) or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


def test_drawn_digits_reach_python_and_match_numpy(open_notebook):
    nb = open_notebook([SETUP_CELL], app="lab")
    root = nb.page.locator(".nnw-canvas")
    expect(root).to_have_count(1)
    pad = root.locator("canvas.nnw-canvas__pad")
    net = load_pretrained()

    for digit in ("1", "0", "7"):
        root.locator("button", has_text="Clear").click()
        expect(root).to_have_attribute("data-prediction", "")
        draw(nb.page, pad, DIGITS[digit][0])
        expect(root).to_have_attribute("data-prediction", digit)
        page_probs = np.array(root.get_attribute("data-probabilities").split(","), float)

        got = read_back(nb, until=lambda s, d=digit: len(s["strokes"]) == len(DIGITS[d][0]))
        assert got["prediction"] == int(digit)
        pixels = np.array(got["pixels"], np.float32)
        assert pixels.max() > 0.99
        # the page's preprocessing == to_mnist on the strokes it recorded
        ours = to_mnist(rasterize_strokes(got["strokes"])).ravel()
        np.testing.assert_allclose(pixels, ours, atol=1e-6)
        # the page's forward pass == the NumPy network's, on the same pixels
        np.testing.assert_allclose(page_probs, got["probabilities"], atol=1e-5)
        np.testing.assert_allclose(
            net.predict_proba(pixels.reshape(1, -1))[0], page_probs, atol=1e-5
        )

    # the preprocessing strip, for a person to look at
    root.locator("button", has_text="Show preprocessing").click()
    expect(root.locator(".nnw-canvas__steps")).to_be_visible()
    shot = nb.artifacts / "canvas-lab.png"
    root.screenshot(path=str(shot))
    if os.environ.get("NNWIDGETS_E2E_SCREENSHOTS"):
        print(f"[e2e] canvas screenshot: {shot}")
    assert nb.run_cell("print(canvas.show_steps)").strip() == "True"


def test_keys_undo_show_and_network_swap(open_notebook):
    nb = open_notebook([SETUP_CELL], app="lab")
    root = nb.page.locator(".nnw-canvas")
    pad = root.locator("canvas.nnw-canvas__pad")

    # a 7 drawn as bar + diagonal + cross-bar; Ctrl+Z takes the cross-bar off again
    seven = DIGITS["7"][1]
    draw(nb.page, pad, seven)
    expect(root).to_have_attribute("data-prediction", "7")
    assert len(read_back(nb, until=lambda s: len(s["strokes"]) == len(seven))["strokes"]) == len(
        seven
    )
    pad.focus()
    nb.page.keyboard.press("Control+z")
    got = read_back(nb, until=lambda s: len(s["strokes"]) == len(seven) - 1)
    assert len(got["strokes"]) == len(seven) - 1
    # (the strokes as the page recorded them: mouse positions land on whole CSS pixels)
    np.testing.assert_allclose(
        got["pixels"], to_mnist(rasterize_strokes(got["strokes"])).ravel(), atol=1e-6
    )
    np.testing.assert_allclose(got["strokes"][0][:3], seven[0][:3], atol=1)

    pad.focus()
    nb.page.keyboard.press("Escape")
    expect(root).to_have_attribute("data-prediction", "")
    got = read_back(nb, until=lambda s: s["strokes"] == [])
    assert got["prediction"] is None and not any(got["pixels"]) and got["strokes"] == []

    # Python puts a digit on the pad; the page shows it and predicts it
    out = nb.run_cell(
        "from nnwidgets.preprocess import rasterize_strokes, to_mnist\n"
        f"canvas.show(to_mnist(rasterize_strokes({json.dumps(DIGITS['3'][0])})))\n"
        "print(canvas.prediction)"
    )
    assert out.strip() == "3"
    expect(root).to_have_attribute("data-prediction", "3")

    # a new network: the page re-sends and re-predicts with it (an untrained tanh net reads
    # something else, and the page agrees with Python on what)
    out = nb.run_cell(
        "canvas.network = Network([784, 20, 10], activation='tanh', seed=3)\n"
        "print(canvas.prediction, ','.join(map(str, canvas.probabilities)))"
    )
    pred, probs = out.strip().split(" ")
    expect(root).to_have_attribute("data-prediction", pred)
    page_probs = np.array(root.get_attribute("data-probabilities").split(","), float)
    np.testing.assert_allclose(page_probs, np.array(probs.split(","), float), atol=1e-5)


def test_smoke_in_notebook7(open_notebook):
    nb = open_notebook([SETUP_CELL], app="notebook")
    root = nb.page.locator(".nnw-canvas")
    expect(root).to_have_count(1)
    draw(nb.page, root.locator("canvas.nnw-canvas__pad"), DIGITS["1"][1])
    expect(root).to_have_attribute("data-prediction", "1")
    assert read_back(nb, until=lambda s: s["strokes"])["prediction"] == 1


def test_two_views_of_one_canvas_stay_in_step(open_notebook):
    nb = open_notebook([SETUP_CELL, "canvas"], app="lab")
    views = nb.page.locator(".nnw-canvas")
    expect(views).to_have_count(2)
    draw(nb.page, views.nth(0).locator("canvas.nnw-canvas__pad"), DIGITS["0"][1])
    expect(views.nth(0)).to_have_attribute("data-prediction", "0")
    # the other view gets the strokes through Python and redraws them
    expect(views.nth(1)).to_have_attribute("data-prediction", "0")
    assert views.nth(0).get_attribute("data-probabilities") == views.nth(1).get_attribute(
        "data-probabilities"
    )
