"""DigitCanvas.show(x) in a real JupyterLab and an exported page: a digit given from Python is
already in MNIST's form, so the page reads it exactly as given. Before, the page preprocessed it
as a drawing (cropped to the ink, rescaled to 20 px, re-centred), which undoes the FGSM nudge of
many digits: the bars read the clean digit while the network (and canvas.prediction) read x."""

import json

import numpy as np
import pytest
from _pages import fresh_page
from _pen import draw
from playwright.sync_api import expect

from nnwidgets import load_pretrained
from nnwidgets.datasets import load_bundled
from nnwidgets.metrics import fgsm
from nnwidgets.preprocess import rasterize_strokes, to_mnist
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.export import export_html

pytestmark = pytest.mark.e2e

EPS = 0.1
#: A short bar added over the digit: drawing on a shown digit adds ink on top of it.
BAR = [[[60.0, 250.0], [220.0, 250.0]]]


def as_drawn(digit):
    """What the pad read before the fix: the digit blown up to the pad, preprocessed."""
    return to_mnist(np.kron(digit.reshape(28, 28), np.ones((10, 10))))


@pytest.fixture(scope="module")
def nudged():
    """(index, x_adv, label, network's reading): the first test digit FGSM makes the shipped
    model misread and whose nudge a drawing's preprocessing undoes (read back as the label)."""
    net = load_pretrained()
    ds = load_bundled()
    X, y = ds.X_test[:100], ds.y_test[:100]
    X_adv = fgsm(net, X, y, EPS)
    for i in np.flatnonzero((net.predict(X) == y) & (net.predict(X_adv) != y)):
        if net.predict(as_drawn(X_adv[i]).reshape(1, -1))[0] == y[i]:
            return int(i), X_adv[i], int(y[i]), int(net.predict(X_adv[i : i + 1])[0])
    pytest.fail("no FGSM digit whose nudge the pad's preprocessing undoes")


def page_reading(root):
    probs = np.array(root.get_attribute("data-probabilities").split(","), float)
    return int(root.get_attribute("data-prediction")), probs


def python_side(nb):
    """canvas.prediction and canvas.pixels (flat), read by running a cell."""
    out = nb.run_cell("print(json.dumps([canvas.prediction, canvas.pixels.ravel().tolist()]))")
    return json.loads(out.strip().splitlines()[-1])


def test_page_reads_a_shown_digit_as_given(open_notebook, nudged):
    i, x_adv, label, read = nudged
    net = load_pretrained()
    setup = f"""
import json
import numpy as np
from nnwidgets import DigitCanvas
from nnwidgets.datasets import load_bundled
from nnwidgets.metrics import fgsm
canvas = DigitCanvas()
ds = load_bundled()
x_adv = fgsm(canvas.network, ds.X_test[{i}:{i + 1}], ds.y_test[{i}:{i + 1}], {EPS})[0]
canvas.show(x_adv)
canvas
"""
    nb = open_notebook([setup], app="lab")
    root = nb.page.locator(".nnw-canvas")
    expect(root).to_have_count(1)
    expect(root).not_to_have_attribute("data-prediction", "")

    expected = net.predict_proba(x_adv.reshape(1, -1))[0]
    pred, probs = page_reading(root)
    assert (pred, read) != (label, label)
    assert pred == read, f"the page reads {pred}, the network reads x as {read} (label {label})"
    np.testing.assert_allclose(probs, expected, atol=1e-5)
    expect(root.locator(".nnw-canvas__prediction")).to_have_text(str(read))
    got = python_side(nb)
    assert got[0] == read
    np.testing.assert_array_equal(np.float32(got[1]), x_adv.astype(np.float32))

    # the strip says the digit was read as given, with no crop or 20x20 step
    root.locator("button", has_text="Show preprocessing").click()
    expect(root.locator(".nnw-canvas__given-note")).to_be_visible()
    expect(root.locator(".nnw-canvas__step").nth(1)).to_be_hidden()
    root.screenshot(path=str(nb.artifacts / "canvas-given.png"))

    # drawing on it works as before: the bar goes on top and the ink is preprocessed
    pad = root.locator("canvas.nnw-canvas__pad")
    draw(nb.page, pad, BAR)
    expect(root.locator(".nnw-canvas__given-note")).to_be_hidden()
    state = nb.run_cell("print(json.dumps([canvas.strokes, canvas.pixels.ravel().tolist()]))")
    strokes, pixels = json.loads(state.strip().splitlines()[-1])
    assert len(strokes) == 1
    ink = np.maximum(np.kron(x_adv.reshape(28, 28), np.ones((10, 10))), rasterize_strokes(strokes))
    np.testing.assert_allclose(pixels, to_mnist(ink).ravel(), atol=1e-6)

    # Undo takes the bar off: the digit is read as given again, here and in Python
    pad.focus()
    nb.page.keyboard.press("Control+z")
    expect(root).to_have_attribute("data-prediction", str(read))
    np.testing.assert_allclose(page_reading(root)[1], expected, atol=1e-5)
    for _ in range(50):  # the report travels to the kernel on its own message
        if nb.run_cell("print(len(canvas.strokes))").strip().splitlines()[-1] == "0":
            break
    got = python_side(nb)
    assert got[0] == read
    np.testing.assert_array_equal(np.float32(got[1]), x_adv.astype(np.float32))


def test_exported_page_reads_a_shown_digit_as_given(browser, nudged, tmp_path):
    _, x_adv, label, read = nudged
    net = load_pretrained()
    canvas = DigitCanvas(network=net)
    canvas.show(x_adv)
    path = export_html([canvas], tmp_path / "given.html")
    with fresh_page(browser, viewport={"width": 1000, "height": 800}, offline=True) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        root = page.locator(".nnw-canvas")
        expect(root).not_to_have_attribute("data-prediction", "")
        pred, probs = page_reading(root)
        assert pred == read != label
        np.testing.assert_allclose(probs, net.predict_proba(x_adv.reshape(1, -1))[0], atol=1e-5)
        expect(root.locator(".nnw-canvas__prediction")).to_have_text(str(read))
        assert not errors, errors
