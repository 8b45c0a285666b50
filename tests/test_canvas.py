"""DigitCanvas, Python side: weights out as binary float32, pixels in, prediction, bad input."""

import json
import logging
import pathlib

import numpy as np
import pytest

from nnwidgets.network import Network
from nnwidgets.preprocess import rasterize_strokes, to_mnist
from nnwidgets.widgets import _sync
from nnwidgets.widgets._wire import array_to_json
from nnwidgets.widgets.canvas import DigitCanvas, network_state

STROKES = pathlib.Path(__file__).parent / "strokes"


@pytest.fixture
def net():
    """A small untrained [784, 16, 10] network: the canvas only needs the shape to be right."""
    return Network([784, 16, 10], seed=0)


@pytest.fixture
def canvas(net):
    return DigitCanvas(network=net)


def a_seven():
    return to_mnist(rasterize_strokes([[[40, 40], [220, 40], [120, 250]]]))


def report(pixels, strokes=()):
    """What the front end sends when a stroke ends."""
    return {
        "pixels": array_to_json(np.asarray(pixels, np.float32)),
        "strokes": [list(s) for s in strokes],
    }


def test_weights_travel_as_binary_float32(canvas, net):
    state = canvas._network
    assert state["sizes"] == [784, 16, 10]
    assert state["activation"] == "relu" and state["output"] == "softmax"
    w = state["weights"][0]
    assert isinstance(w["view"], memoryview) and w["dtype"] == "float32" and w["shape"] == [16, 784]
    np.testing.assert_array_equal(
        np.frombuffer(w["view"], np.float32).reshape(16, 784), net.weights[0]
    )


def test_blank_pad_has_no_prediction(canvas):
    assert canvas.pixels.shape == (28, 28) and not canvas.pixels.any()
    assert canvas.prediction is None and canvas.probabilities is None


def test_drawn_pixels_are_predicted_with_numpy(canvas, net):
    px = a_seven()
    seen = []
    canvas.observe(lambda c: seen.append(c["new"]), names="pixels")
    canvas._drawn = report(px, [[[40, 40], [220, 40]]])
    np.testing.assert_array_equal(canvas.pixels, px)
    assert len(seen) == 1
    expected = net.predict_proba(px.reshape(1, 784))[0]
    np.testing.assert_allclose(canvas.probabilities, expected, rtol=1e-6)
    assert canvas.prediction == int(np.argmax(expected))
    assert canvas.strokes == [[[40.0, 40.0], [220.0, 40.0]]]


@pytest.mark.parametrize(
    "bad, why",
    [
        ({"pixels": array_to_json(np.zeros(783, np.float32)), "strokes": []}, "784"),
        ({"pixels": array_to_json(np.full((28, 28), np.nan, np.float32)), "strokes": []}, "NaN"),
        ({"pixels": array_to_json(np.full((28, 28), 2, np.float32)), "strokes": []}, r"\[0, 1\]"),
        (
            {
                "pixels": {"view": b"\x00" * 10, "dtype": "float32", "shape": [28, 28]},
                "strokes": [],
            },
            "bytes",
        ),
        ({"strokes": []}, "pixels"),
        (
            {
                "pixels": array_to_json(np.zeros((28, 28), np.float32)),
                "strokes": [[[0, float("nan")]]],
            },
            "NaN",
        ),
    ],
)
def test_bad_pixels_from_the_browser_are_logged_and_ignored(canvas, bad, why, caplog):
    canvas._drawn = report(a_seven())
    before = canvas.pixels.copy()
    with caplog.at_level(logging.ERROR, logger="nnwidgets.canvas"):
        canvas._drawn = bad
    np.testing.assert_array_equal(canvas.pixels, before)
    assert any("rejected" in r.message for r in caplog.records)
    assert any(__import__("re").search(why, r.getMessage()) for r in caplog.records)


def test_show_accepts_image_or_vector_and_uint8(canvas):
    x = a_seven()
    canvas.show(x.ravel())
    np.testing.assert_array_equal(canvas.pixels, x)
    canvas.show((x * 255).round().astype(np.uint8))
    np.testing.assert_allclose(canvas.pixels, x, atol=1 / 255)
    assert canvas.prediction is not None and canvas.strokes == []


@pytest.mark.parametrize(
    "bad, match",
    [
        (np.zeros((28, 27)), "shape"),
        (np.zeros(783), "shape"),
        (np.zeros((1, 784)), "shape"),
        (np.full(784, np.nan), "NaN"),
        (np.full(784, 3.0), r"\[0, 1\]"),
    ],
)
def test_show_rejects_bad_digits(canvas, bad, match):
    with pytest.raises(ValueError, match=match):
        canvas.show(bad)


def test_clear(canvas):
    canvas.show(a_seven())
    canvas.clear()
    assert not canvas.pixels.any() and canvas.prediction is None


@pytest.mark.parametrize("sizes", [[100, 10], [784, 5, 9], [784, 10, 2]])
def test_network_of_wrong_shape_is_rejected(sizes):
    with pytest.raises(ValueError, match="784 inputs and 10 outputs"):
        DigitCanvas(network=Network(sizes))


def test_unknown_keyword_is_rejected(net):
    with pytest.raises(TypeError, match="unexpected keyword"):
        DigitCanvas(network=net, netwrok=net)


def test_training_the_network_resends_weights_and_repredicts(canvas, net):
    canvas.show(a_seven())
    old = canvas.probabilities.copy()
    net.weights[-1] += 0.5 * np.eye(10, 16, dtype=np.float32)
    net.notify_changed()
    assert _sync.flush()  # the writer thread sends the new weights
    sent = np.frombuffer(canvas._network["weights"][-1]["view"], np.float32).reshape(10, 16)
    np.testing.assert_array_equal(sent, net.weights[-1])
    assert not np.allclose(canvas.probabilities, old)


def test_assigning_another_network_switches_and_unsubscribes(canvas, net):
    canvas.show(a_seven())
    other = Network([784, 8, 10], activation="tanh", seed=1)
    canvas.network = other
    assert canvas._network["sizes"] == [784, 8, 10] and canvas._network["activation"] == "tanh"
    np.testing.assert_allclose(
        canvas.probabilities, other.predict_proba(canvas.pixels.reshape(1, 784))[0], rtol=1e-6
    )
    before = canvas._network
    assert net._listeners == [] and len(other._listeners) == 1
    net.notify_changed()  # the old network no longer drives the canvas
    assert _sync.flush()
    assert canvas._network is before
    with pytest.raises(ValueError, match="784 inputs"):
        canvas.network = Network([784, 10, 3])
    assert canvas.network is other


def test_close_unsubscribes(canvas, net):
    assert len(net._listeners) == 1
    canvas.close()
    assert net._listeners == []


def test_network_forward_matches_parity_reference():
    """The NumPy Network agrees (1e-5) with the float64 reference.

    The JS forward pass matches the same reference (1e-9).
    """
    fixture = json.loads((STROKES / "parity.json").read_text())
    X = np.array([c["pixels"] for c in fixture["preprocess"][:3]], np.float32)
    for case in fixture["forward"]:
        net = Network(
            case["sizes"], activation=case["activation"], output=case["output"], cost="quadratic"
        )
        net.set_parameters(
            [
                np.array(w, np.float32).reshape(o, i)
                for w, i, o in zip(case["weights"], case["sizes"][:-1], case["sizes"][1:])
            ],
            [np.array(b, np.float32) for b in case["biases"]],
        )
        np.testing.assert_allclose(net.forward(X), np.array(case["outputs"]), atol=1e-5)
    assert network_state(net)["activation"] == case["activation"]


def test_default_network_is_the_pretrained_one():
    import nnwidgets

    expected = nnwidgets.load_pretrained()
    canvas = DigitCanvas()
    assert canvas._network["sizes"] == list(expected.sizes)
    canvas.show(a_seven())
    assert canvas.prediction == 7


def test_echo_names_the_report_pixels_came_from(canvas):
    # the pad ignores its own drawing coming back, but shows a digit Python put there
    canvas._drawn = {**report(a_seven()), "seq": "view1:3"}
    assert canvas._echo == "view1:3"
    canvas.show(a_seven())
    assert canvas._echo == ""
