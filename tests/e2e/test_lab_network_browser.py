"""The reader's own book-style network (lab 5's class) in JupyterLab: trained by the dashboard
through ``as_network``, then read by a canvas and a linked diagram while a real mouse draws.

What the page shows is compared with what the reader's own code computes: the canvas's ten
outputs and the diagram's layers equal the reader's ``feedforward`` (and their weights, layer by
layer) on the very pixels Python received, to 1e-5; and a network trained for three epochs on
the bundled digits reads a clearly drawn 1 and 0 correctly.
"""

import json
import pathlib
import re
import time

import nbformat
import numpy as np
import pytest
from _pen import DIGITS, draw
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

LAB5 = pathlib.Path(__file__).parents[2] / "notebooks" / "lab5_training_mnist.ipynb"


def lab5_class_cell() -> str:
    """The cell of lab 5 that defines the reader's ``Network`` (with the solutions in it)."""
    nb = nbformat.read(LAB5, as_version=4)
    cells = [
        c.source
        for c in nb.cells
        if "solution" in c.metadata.get("tags", []) and "class Network" in c.source
    ]
    assert len(cells) == 1, (
        f"lab 5 should define its Network class in one solution cell, found {len(cells)}"
    )
    return cells[0]


IMPORTS = """
import json, random
import numpy as np
random.seed(0)
"""

# As lab 5 does it: the dashboard trains the reader's network with the reader's backprop.
TRAIN = """
from nnwidgets import TrainingDashboard, load_bundled
from nnwidgets.labs import as_network
data = load_bundled()
net = Network([784, 30, 10], seed=0)
dash = TrainingDashboard(as_network(net, seed=0), train=(data.X_train, data.y_train),
                         validation=(data.X_test, data.y_test), epochs=3, batch_size=10,
                         learning_rate=3.0)
dash.run()
test_data = [(x.reshape(784, 1).astype(float), int(t)) for x, t in zip(data.X_test, data.y_test)]
dash
"""

LINKED = """
from nnwidgets import DigitCanvas, NetworkDiagram
canvas = DigitCanvas(network=as_network(net))
diagram = NetworkDiagram(canvas.network)
diagram.link(canvas)
display(canvas, diagram)
"""

# The reader's own code on the pixels Python received: their feedforward, and their layers.
READ_BACK = """
x = canvas.pixels.reshape(784, 1).astype(float)
layers, a = [x], x
for w, b in zip(net.weights, net.biases):
    a = sigmoid(np.dot(w, a) + b)
    layers.append(a)
print(json.dumps({
    "strokes": len(canvas.strokes),
    "pixels": canvas.pixels.ravel().tolist(),
    "python_probabilities": None if canvas.probabilities is None else canvas.probabilities.tolist(),
    "feedforward": net.feedforward(x).ravel().tolist(),
    "layers": [l.ravel().tolist() for l in layers],
    "canvas_prediction": canvas.prediction,
    "diagram_prediction": diagram.prediction,
}))
"""


def read_back(nb, n_strokes, timeout=10.0):
    """The kernel's view once the stroke report has arrived (it travels on its own message)."""
    deadline = time.monotonic() + timeout
    while True:
        state = json.loads(nb.run_cell(READ_BACK).strip().splitlines()[-1])
        if state["strokes"] == n_strokes or time.monotonic() > deadline:
            return state
        time.sleep(0.2)


def page_floats(locator, attribute):
    return np.array(locator.get_attribute(attribute).split(","), float)


def test_a_lab_network_trained_by_the_dashboard_reads_drawn_digits(open_notebook):
    nb = open_notebook([IMPORTS, lab5_class_cell(), TRAIN, LINKED], app="lab")
    page = nb.page

    # The dashboard trained the reader's network: its last validation accuracy is what the
    # reader's own evaluate says of the same 2,000 digits.
    expect(page.locator(".nnw-dash")).to_have_count(1)
    expect(page.locator(".nnw-dash__status")).to_have_text("completed")
    trained = json.loads(
        nb.run_cell(
            "print(json.dumps({'dash': dash.history.val_accuracy[-1],"
            " 'epochs': dash.history.epochs,"
            " 'mine': net.evaluate(test_data) / len(test_data)}))"
        ).strip()
    )
    assert trained["epochs"] == 3
    assert trained["dash"] == pytest.approx(trained["mine"], abs=1e-9)
    assert trained["mine"] >= 0.85  # about 88% (lab 5 states it)

    canvas = page.locator(".nnw-canvas")
    diagram = page.locator(".nnw-diagram")
    expect(diagram).to_have_attribute("data-linked", "true")
    pad = canvas.locator("canvas.nnw-canvas__pad")
    for digit in ("1", "0"):
        canvas.locator("button", has_text="Clear").click()
        expect(diagram).to_have_attribute("data-prediction", "")
        pad.evaluate("(el) => el.scrollIntoView({block: 'center'})")
        strokes = DIGITS[digit][0]
        draw(page, pad, strokes)
        expect(canvas).to_have_attribute("data-prediction", digit)
        expect(diagram).to_have_attribute("data-prediction", digit)

        got = read_back(nb, len(strokes))
        assert got["strokes"] == len(strokes)
        assert np.max(got["pixels"]) > 0.99  # a real drawing reached Python
        mine = np.array(got["feedforward"])
        # As one tuple, so a failure shows all three readings (a chained == stops at the first).
        readings = (int(np.argmax(mine)), got["canvas_prediction"], got["diagram_prediction"])
        assert readings == (int(digit),) * 3, (
            f"drawn {digit}: (the reader's feedforward, canvas, diagram) read {readings}; "
            f"feedforward {np.round(mine, 3).tolist()}, "
            f"page {canvas.get_attribute('data-prediction')}"
        )
        # the canvas's forward pass in the page, and again in Python, == the reader's feedforward
        np.testing.assert_allclose(page_floats(canvas, "data-probabilities"), mine, atol=1e-5)
        np.testing.assert_allclose(got["python_probabilities"], mine, atol=1e-5)
        # the diagram's layers in the page == the reader's weights applied layer by layer
        np.testing.assert_allclose(page_floats(diagram, "data-output"), mine, atol=1e-5)
        page_layers = diagram.evaluate("(el) => el.nnwDiagram.activations()")
        assert len(page_layers) == len(got["layers"]) == 3
        for layer, (shown, theirs) in enumerate(zip(page_layers, got["layers"])):
            np.testing.assert_allclose(np.array(shown), theirs, atol=1e-5, err_msg=f"layer {layer}")


def lab5_cells(*ids):
    """Lab 5's own code cells, by id, as the reader runs them."""
    cells = {c.id: c.source for c in nbformat.read(LAB5, as_version=4).cells}
    return [cells[i] for i in ids]


def test_lab5_shows_the_dashboard_then_trains_in_the_background_and_its_canvas_starts_empty(
    open_notebook,
):
    # Up to the cell that shows the dashboard: shown, nothing trained yet.
    nb = open_notebook(
        ["import json", *lab5_cells("lab5-01", "lab5-03", "lab5-06", "lab5-08")], app="lab"
    )
    page = nb.page
    root = page.locator(".nnw-dash")
    expect(root).to_have_count(1)
    status = root.locator(".nnw-dash__status")
    expect(status).to_have_text("ready")
    assert json.loads(nb.run_cell("print(json.dumps(dash.runs[0].batches_done))")) == 0

    # The next cell starts training and returns: the kernel is free, the dashboard follows it.
    [start] = lab5_cells("lab5-08b")
    started = time.monotonic()
    nb.run_cell(start)
    assert time.monotonic() - started < 20  # returned long before three epochs of backprop
    expect(status).to_have_text("running")
    progress = root.locator(".nnw-dash__progress")
    first = progress.inner_text()
    expect(progress).not_to_have_text(first, timeout=30_000)  # live updates while it trains

    # The cell after waits for the end and prints the accuracy the dashboard shows, rounded
    # the same way (88.5% for 1771 of 2000 on both), through figures.record.
    [evaluate] = lab5_cells("lab5-09")
    out = nb.run_cell(evaluate, timeout_ms=300_000)
    shown = re.search(r"(\d+\.\d%)", out).group(1)  # "...: 1771 / 2000: 88.5%"
    expect(status).to_have_text("completed")
    expect(root.locator(".nnw-dash__panelhead")).to_contain_text(
        f"after epoch 3 · 2000 validation examples · {shown} right"
    )

    # The canvas starts empty: nothing drawn, nothing predicted, until the reader draws.
    nb.run_cell(lab5_cells("lab5-13")[0])
    canvas = json.loads(
        nb.run_cell(
            "print(json.dumps({'prediction': canvas.prediction, 'strokes': len(canvas.strokes), "
            "'ink': float(canvas.pixels.max()) if canvas.pixels is not None else 0.0}))"
        )
    )
    assert canvas == {"prediction": None, "strokes": 0, "ink": 0.0}
    expect(page.locator(".nnw-canvas")).to_have_attribute("data-prediction", "")
