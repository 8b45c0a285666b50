"""DigitCanvas.show(x): a digit given from Python is already in MNIST's form, so the canvas reads
it exactly as given (never cropped, rescaled or re-centred as a drawing would be)."""

import numpy as np
import pytest

from nnwidgets import load_pretrained
from nnwidgets.datasets import load_bundled
from nnwidgets.metrics import fgsm
from nnwidgets.widgets._wire import array_to_json
from nnwidgets.widgets.canvas import DigitCanvas


@pytest.fixture(scope="module")
def net():
    return load_pretrained()


@pytest.fixture(scope="module")
def fooled(net):
    """The first test digits FGSM (eps 0.1) makes the shipped model misread: (x_adv, y, read).

    Their nudge covers the whole frame, so a drawing's preprocessing (crop to the ink, rescale
    to 20 px, re-centre) would change them; the network's reading of x_adv is not the label."""
    ds = load_bundled()
    X, y = ds.X_test[:50], ds.y_test[:50]
    X_adv = fgsm(net, X, y, 0.1)
    read = net.predict(X_adv)
    keep = (net.predict(X) == y) & (read != y)
    assert keep.sum() >= 3
    return X_adv[keep], y[keep], read[keep]


def test_show_reads_the_digit_as_given(net, fooled):
    canvas = DigitCanvas(network=net)
    for x, label, read in zip(*fooled):
        canvas.show(x)
        expected = net.predict_proba(x.reshape(1, 784))[0]
        assert canvas.prediction == read != label
        np.testing.assert_allclose(canvas.probabilities, expected, rtol=1e-6, atol=1e-7)
        np.testing.assert_array_equal(canvas.pixels.ravel(), x.astype(np.float32))


def test_assigning_pixels_is_a_digit_given_from_python(net, fooled):
    # after a stroke from the page, canvas.pixels = x must reach every view (_echo no longer
    # names that view's report, which it would ignore) and no strokes are drawn over it
    canvas = DigitCanvas(network=net)
    x = fooled[0][0]
    canvas._drawn = {**_report(x * 0.5, [[[10.0, 10.0], [50.0, 50.0]]]), "seq": "view1:3"}
    assert canvas._echo == "view1:3" and canvas.strokes
    canvas.pixels = x.reshape(28, 28)
    assert canvas._echo == "" and canvas.strokes == []
    assert canvas.prediction == fooled[2][0]
    # a report still carries its own number and strokes
    canvas._drawn = {**_report(x * 0.5, [[[10.0, 10.0], [50.0, 50.0]]]), "seq": "view1:4"}
    assert canvas._echo == "view1:4" and len(canvas.strokes) == 1


def _report(pixels, strokes):
    return {"pixels": array_to_json(np.asarray(pixels, np.float32)), "strokes": strokes}
