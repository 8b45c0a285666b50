"""NetworkDiagram in a real JupyterLab, Notebook 7 and an exported page: linked to a canvas it
follows the pen in the page (before the stroke reaches Python), its layers equal NumPy's for
the same 28x28, hover shows a neuron's details, a click ablates it in Python too, Reset undoes,
and it follows a network training in a background thread."""

import json

import numpy as np
import pytest
from _pages import fresh_page
from _pen import DIGITS, draw
from playwright.sync_api import expect

from nnwidgets import load_pretrained
from nnwidgets.network import Network
from nnwidgets.widgets.canvas import DigitCanvas
from nnwidgets.widgets.diagram import NetworkDiagram, edited_forward
from nnwidgets.widgets.export import export_html

pytestmark = pytest.mark.e2e

# What the example runs: the shipped model, canvas and diagram linked.
LINKED = """
import json
import numpy as np
from nnwidgets import DigitCanvas, NetworkDiagram
canvas = DigitCanvas()
diagram = NetworkDiagram(canvas.network)
diagram.link(canvas)
display(canvas, diagram)
"""

ACTIVATIONS = "(el) => el.nnwDiagram.activations()"
POSITION = "(el, [l, n]) => el.nnwDiagram.position(l, n)"


def assert_layers_match_numpy(net, pixels, page_layers):
    expected = edited_forward(net, np.asarray(pixels, np.float32), {})
    assert len(page_layers) == len(expected)
    for got, want in zip(page_layers, expected):
        np.testing.assert_allclose(np.array(got), want, atol=1e-5, rtol=1e-5)


def on_screen(locator):
    """Scroll the notebook so the whole element is in the viewport (the mouse reaches only that)."""
    locator.evaluate("(el) => el.scrollIntoView({block: 'center'})")


def press_and_move(page, pad, stroke):
    """Draw ``stroke`` with the button held down, and leave it down: the stroke has not ended."""
    on_screen(pad)
    box = pad.bounding_box()
    sx, sy = box["width"] / 280, box["height"] / 280
    page.mouse.move(box["x"] + stroke[0][0] * sx, box["y"] + stroke[0][1] * sy)
    page.mouse.down()
    for x, y in stroke[1:]:
        page.mouse.move(box["x"] + x * sx, box["y"] + y * sy)


def test_linked_diagram_follows_the_pen_in_jupyterlab(open_notebook):
    nb = open_notebook([LINKED], app="lab")
    canvas_root = nb.page.locator(".nnw-canvas")
    diagram = nb.page.locator(".nnw-diagram")
    expect(diagram).to_have_attribute(
        "data-linked", "true"
    )  # the widget manager resolved the canvas
    expect(diagram).to_have_attribute("data-prediction", "")
    pad = canvas_root.locator("canvas.nnw-canvas__pad")
    net = load_pretrained()

    # Mid-stroke nothing has gone to Python yet: the diagram shows what the canvas computes.
    press_and_move(nb.page, pad, DIGITS["7"][0][0])
    expect(diagram).not_to_have_attribute("data-prediction", "")
    page_probs = np.array(canvas_root.get_attribute("data-probabilities").split(","), float)
    diagram_out = np.array(diagram.get_attribute("data-output").split(","), float)
    np.testing.assert_allclose(diagram_out, page_probs, atol=1e-6)
    assert nb.run_cell("print(diagram.input is None)").strip() == "True"
    nb.page.mouse.up()

    for digit in ("7", "0", "3"):
        canvas_root.locator("button", has_text="Clear").click()
        expect(diagram).to_have_attribute("data-prediction", "")
        on_screen(pad)
        draw(nb.page, pad, DIGITS[digit][0])
        expect(canvas_root).to_have_attribute("data-prediction", digit)
        expect(diagram).to_have_attribute("data-prediction", digit)
        got = json.loads(
            nb.run_cell(
                "print(json.dumps({'pixels': canvas.pixels.ravel().tolist(), "
                "'prediction': diagram.prediction,"
                " 'same': bool(np.array_equal(diagram.input, canvas.pixels.ravel()))}))"
            )
            .strip()
            .splitlines()[-1]
        )
        assert got["prediction"] == int(digit) and got["same"]
        assert_layers_match_numpy(net, got["pixels"], diagram.evaluate(ACTIVATIONS))


HOVER_ABLATE = """
import json
import numpy as np
from nnwidgets import NetworkDiagram, Network, load_bundled
from nnwidgets.widgets.diagram import edited_forward
data = load_bundled()
net = Network([784, 16, 10], seed=0)
net.fit(data.X_train[:2000], data.y_train[:2000], epochs=2, batch_size=32, learning_rate=0.1)
x = data.X_test[7]
plain = int(np.argmax(net.predict_proba(x[None])[0]))
# a first-hidden neuron whose ablation changes the answer, so the click must show
decisive = [n for n in range(16)
            if int(np.argmax(edited_forward(net, x, {1: {n: 0.0}})[-1])) != plain]
assert decisive, "no single neuron decides this digit; pick another"
neuron = decisive[0]
diagram = NetworkDiagram(net)
diagram.show(x)
diagram
"""


def test_hover_details_click_ablates_and_reset(open_notebook):
    nb = open_notebook([HOVER_ABLATE], app="lab")
    diagram = nb.page.locator(".nnw-diagram")
    info = json.loads(nb.run_cell("print(json.dumps({'plain': plain, 'neuron': neuron}))").strip())
    plain, neuron = info["plain"], info["neuron"]
    expect(diagram).to_have_attribute("data-prediction", str(plain))
    details = diagram.locator(".nnw-diagram__details")
    on_screen(diagram.locator("canvas.nnw-diagram__canvas"))

    # hover a first-hidden-layer neuron: z, bias, activation and its 784 weights as an image
    pos = diagram.evaluate(POSITION, [1, neuron])
    nb.page.mouse.move(pos["x"], pos["y"])
    expect(details).to_be_visible()
    expect(details).to_have_attribute("data-layer", "1")
    expect(details).to_have_attribute("data-neuron", str(neuron))
    for text in ("hidden layer 1", "z = ", "bias = ", "activation = "):
        expect(details).to_contain_text(text)
    weights = details.locator("canvas.nnw-diagram__weights")
    expect(weights).to_have_count(1)
    assert weights.evaluate("(c) => [c.width, c.height]") == [28, 28]

    # hover an output neuron: its strongest inputs, listed
    pos_out = diagram.evaluate(POSITION, [2, plain])
    nb.page.mouse.move(pos_out["x"], pos_out["y"])
    expect(details).to_have_attribute("data-layer", "2")
    expect(details.locator(".nnw-diagram__contributors li")).not_to_have_count(0)

    # click the decisive neuron: the page and Python both change their answer
    nb.page.mouse.move(pos["x"], pos["y"])
    nb.page.mouse.click(pos["x"], pos["y"])
    expect(diagram).not_to_have_attribute("data-prediction", str(plain))
    expect(diagram).to_have_attribute("data-edits", "1")
    page_pred = int(diagram.get_attribute("data-prediction"))
    out = json.loads(
        nb.run_cell(
            "print(json.dumps({'ablated': {str(k): v for k, v in diagram.ablated.items()},"
            " 'prediction': diagram.prediction,"
            " 'unchanged': bool((net.weights[0] != 0).any(axis=0).any()"
            " and (net.weights[1][:, neuron] != 0).any())}))"
        ).strip()
    )
    assert out["ablated"] == {"1": [neuron]}
    assert out["prediction"] == page_pred != plain
    assert out["unchanged"]  # the network itself keeps the neuron's weights

    # Reset undoes it, in the page and in Python
    diagram.locator("button", has_text="Reset").click()
    expect(diagram).to_have_attribute("data-prediction", str(plain))
    assert nb.run_cell("print(diagram.ablated, diagram.prediction)").strip() == f"{{}} {plain}"

    # keyboard: focus the drawing, Enter switches the focused neuron off
    diagram.locator("canvas.nnw-diagram__canvas").focus()
    nb.page.keyboard.press("ArrowDown")  # first hidden layer, neuron 1
    nb.page.keyboard.press("Enter")
    expect(diagram).to_have_attribute("data-edits", "1")
    assert nb.run_cell("print(diagram.ablated)").strip() == "{1: [1]}"

    # errors: the page's switch appears with show_errors, and sets the mode in Python too
    switch = diagram.locator("input.nnw-diagram__errors-mode")
    expect(switch).to_be_disabled()
    nb.run_cell("diagram.show_errors(x, 3)")
    expect(diagram).to_have_attribute("data-mode", "errors")
    expect(switch).to_be_checked()
    switch.uncheck()
    expect(diagram).to_have_attribute("data-mode", "activations")
    assert nb.run_cell("print(diagram.mode)").strip() == "activations"


TRAINING = """
import threading, time
import numpy as np
from nnwidgets import NetworkDiagram, Network, load_bundled
data = load_bundled()
net = Network([784, 32, 10], seed=0)
diagram = NetworkDiagram(net)
diagram.show(data.X_test[0])
stop = threading.Event()
def train():
    while not stop.is_set():
        net.fit(data.X_train[:3000], data.y_train[:3000], epochs=1, batch_size=16,
                learning_rate=0.05)
trainer = threading.Thread(target=train, daemon=True)
diagram
"""


def test_diagram_follows_training_in_a_background_thread(open_notebook):
    nb = open_notebook([TRAINING], app="lab")
    diagram = nb.page.locator(".nnw-diagram")
    expect(diagram).not_to_have_attribute("data-output", "")
    before = diagram.get_attribute("data-output")
    nb.run_cell("trainer.start()")
    seen = {before}
    for _ in range(40):  # up to 4 s
        nb.page.wait_for_timeout(100)
        seen.add(diagram.get_attribute("data-output"))
        if len(seen) >= 3:
            break
    running = nb.run_cell("print(trainer.is_alive())").strip()
    nb.run_cell("stop.set(); trainer.join(30)")
    assert running == "True"
    assert len(seen) >= 3, "the diagram's output layer did not change while the network trained"


def test_notebook7_smoke(open_notebook):
    nb = open_notebook([LINKED], app="notebook")
    diagram = nb.page.locator(".nnw-diagram")
    expect(diagram).to_have_attribute("data-linked", "true")
    pad = nb.page.locator("canvas.nnw-canvas__pad")
    on_screen(pad)
    draw(nb.page, pad, DIGITS["1"][0])
    expect(nb.page.locator(".nnw-canvas")).to_have_attribute("data-prediction", "1")
    expect(diagram).to_have_attribute("data-prediction", "1")


def test_exported_page_links_canvas_and_diagram_with_no_kernel(browser, tmp_path):
    net = load_pretrained()
    canvas, diagram = DigitCanvas(net), NetworkDiagram(net)
    diagram.link(canvas)
    # the diagram first: the link must not depend on the order of the widgets on the page
    path = export_html([diagram, canvas], tmp_path / "linked.html")
    with fresh_page(
        browser, viewport={"width": 1100, "height": 1300}, offline=True, console=False
    ) as (page, errors):
        page.goto(path.as_uri())
        root = page.locator(".nnw-diagram")
        expect(root).to_have_attribute("data-linked", "true")
        pad = page.locator("canvas.nnw-canvas__pad")
        for digit in ("4", "2"):
            page.locator(".nnw-canvas button", has_text="Clear").click()
            expect(root).to_have_attribute("data-prediction", "")
            draw(page, pad, DIGITS[digit][0])
            expect(page.locator(".nnw-canvas")).to_have_attribute("data-prediction", digit)
            expect(root).to_have_attribute("data-prediction", digit)
            pixels = page.evaluate("() => Array.from(window.nnwidgetsViews[1].model.get('_live'))")
            assert_layers_match_numpy(net, pixels, root.evaluate(ACTIVATIONS))
        # a click ablates in the page too (no Python: the page keeps the edit itself)
        pos = root.evaluate(POSITION, [1, 0])
        page.mouse.click(pos["x"], pos["y"])
        expect(root).to_have_attribute("data-edits", "1")
        # cleanup stops following the canvas: drawing again leaves the removed view alone
        page.evaluate("() => window.nnwidgetsViews[0].cleanup()")
        expect(root).to_have_count(0)
        page.locator(".nnw-canvas button", has_text="Clear").click()
        draw(page, pad, DIGITS["1"][0])
        expect(page.locator(".nnw-canvas")).to_have_attribute("data-prediction", "1")
        assert errors == []


@pytest.mark.parametrize(
    "sizes, activation, output",
    [
        ([2, 8, 8, 1], "tanh", "sigmoid"),  # a toy problem: the input drawn as neurons
        ([784, 300, 100, 10], "sigmoid", "softmax"),
        ([784, 16, 16, 10], "leaky_relu", "softmax"),
    ],
)
def test_any_architecture_draws_numpys_layers(browser, tmp_path, sizes, activation, output):
    net = Network(sizes, activation=activation, output=output, seed=0, init="large")
    x = np.random.default_rng(0).random(sizes[0]).astype(np.float32)
    diagram = NetworkDiagram(net, all_edges=sizes[0] == 2)
    diagram.show(x)
    diagram.ablate(1, 1)
    path = export_html([diagram], tmp_path / "arch.html", half=())  # float32 kept: compared at 1e-5
    with fresh_page(browser, viewport={"width": 1000, "height": 800}, console=False) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        root = page.locator(".nnw-diagram")
        expect(root).to_have_attribute("data-prediction", str(diagram.prediction))
        page_layers = root.evaluate(ACTIVATIONS)
        want = edited_forward(net, x, {1: {1: 0.0}})
        for got, exp in zip(page_layers, want):
            np.testing.assert_allclose(np.array(got), exp, atol=1e-5, rtol=1e-5)
        # every neuron of every layer can be found under the pointer
        for l, n in enumerate(sizes):
            assert root.evaluate(POSITION, [l, n - 1]) is not None
        assert errors == []


PIXEL = """(el, [x, y]) => {
  const c = el.querySelector("canvas.nnw-diagram__canvas"), r = c.getBoundingClientRect();
  const k = c.width / r.width;
  return Array.from(c.getContext("2d").getImageData(
    Math.round((x - r.left) * k), Math.round((y - r.top) * k), 1, 1).data);
}"""


def test_errors_mode_paints_each_neuron_by_its_delta_with_a_legend(browser, tmp_path):
    net = Network(
        [784, 30, 10],
        activation="sigmoid",
        output="sigmoid",
        cost="quadratic",
        seed=0,
        init="large",
    )
    x = load_pretrained_input()
    diagram = NetworkDiagram(net)
    diagram.show_errors(x, 3)
    path = export_html([diagram], tmp_path / "errors.html")
    with fresh_page(browser, viewport={"width": 1000, "height": 800}, console=False) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        root = page.locator(".nnw-diagram")
        expect(root).to_have_attribute("data-mode", "errors")
        shown = np.array(root.get_attribute("data-errors").split(","), float)
        np.testing.assert_array_equal(shown, diagram.errors[-1].astype(np.float32))
        legend = root.locator(".nnw-diagram__legend")
        expect(legend).to_contain_text(
            "error \u03b4 = \u2202C/\u2202z for target 3 (quadratic cost)"
        )
        errors_row = legend.locator(".nnw-diagram__legend-row").first
        expect(errors_row.locator(".nnw-diagram__legend-title")).to_have_text("Error \u03b4")
        expect(errors_row.locator(".nnw-diagram__legend-label")).to_have_text(
            ["hidden 1", "output"]
        )
        # the most positive delta of each layer is painted red, the most negative blue
        for l, delta in enumerate(diagram.errors, start=1):
            for j, reddish in ((int(np.argmax(delta)), True), (int(np.argmin(delta)), False)):
                if (delta[j] > 0) != reddish or delta[j] == 0:
                    continue
                pos = root.evaluate(POSITION, [l, j])
                r, g, b, _ = root.evaluate(PIXEL, [pos["x"], pos["y"]])
                assert (r > b + 60) if reddish else (b > r + 60), (l, j, delta[j], (r, g, b))
        # hovering a hidden neuron tells its error
        j = int(np.argmax(np.abs(diagram.errors[0])))
        pos = root.evaluate(POSITION, [1, j])
        page.mouse.move(pos["x"], pos["y"])
        card = root.locator(".nnw-diagram__details")
        expect(card).to_contain_text("error \u03b4 = \u2202C/\u2202z = ")
        line = card.locator(".nnw-diagram__details-line", has_text="error").inner_text()
        assert float(line.rsplit("= ", 1)[1]) == pytest.approx(
            diagram.errors[0][j], rel=2e-3, abs=5e-4
        )
        assert errors == []


def test_the_page_switches_between_activations_and_errors(browser, tmp_path):
    net = Network(
        [784, 30, 10],
        activation="sigmoid",
        output="sigmoid",
        cost="quadratic",
        seed=0,
        init="large",
    )
    x = load_pretrained_input()
    with_errors, without = NetworkDiagram(net), NetworkDiagram(net)
    with_errors.show_errors(x, 3)
    without.show(x)
    path = export_html([with_errors, without], tmp_path / "switch.html")
    with fresh_page(browser, viewport={"width": 1000, "height": 1600}, console=False) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        first, second = page.locator(".nnw-diagram").nth(0), page.locator(".nnw-diagram").nth(1)
        switch = first.locator("input.nnw-diagram__errors-mode")
        expect(first).to_have_attribute("data-mode", "errors")
        expect(switch).to_be_checked()
        switch.uncheck()
        expect(first).to_have_attribute("data-mode", "activations")
        expect(first.locator(".nnw-diagram__legend")).not_to_contain_text("\u2202C/\u2202z")
        switch.check()
        expect(first).to_have_attribute("data-mode", "errors")
        # No target given in Python: nothing to switch to, and the switch says how to get one.
        other = second.locator("input.nnw-diagram__errors-mode")
        expect(other).to_be_disabled()
        assert "show_errors(x, y)" in other.get_attribute("title")
        expect(second).to_have_attribute("data-mode", "activations")
        assert errors == []


def test_a_disabled_errors_switch_says_why_in_words(browser, tmp_path):
    net = Network([784, 30, 10], activation="sigmoid", output="sigmoid", cost="quadratic", seed=0)
    x = load_pretrained_input()
    with_errors, without = NetworkDiagram(net), NetworkDiagram(net)
    with_errors.show_errors(x, 3)
    without.show(x)
    path = export_html([with_errors, without], tmp_path / "reason.html")
    with fresh_page(browser, viewport={"width": 1000, "height": 1600}, console=False) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        first, second = page.locator(".nnw-diagram").nth(0), page.locator(".nnw-diagram").nth(1)
        expect(second.locator("input.nnw-diagram__errors-mode")).to_be_disabled()
        # visible text beside the switch, not only its tooltip
        reason = second.locator(".nnw-diagram__errors-reason")
        expect(reason).to_be_visible()
        expect(reason).to_have_text("needs a target: show_errors(x, y)")
        expect(first.locator(".nnw-diagram__errors-reason")).to_be_hidden()
        assert errors == []


SIZE = "(el, l) => el.nnwDiagram.size(l)"


def test_thirty_hidden_neurons_are_drawn_big_enough_to_read(browser, tmp_path):
    net = Network([784, 30, 10], activation="sigmoid", output="softmax", seed=0)
    diagram = NetworkDiagram(net)
    diagram.show(load_pretrained_input())
    path = export_html([diagram], tmp_path / "thirty.html")
    with fresh_page(browser, viewport={"width": 1000, "height": 800}, console=False) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        root = page.locator(".nnw-diagram")
        expect(root).to_have_attribute("data-prediction", str(diagram.prediction))
        # one column of 30 in the 336 px between the margins gave a radius of 4.3 px
        assert root.evaluate(SIZE, 1) >= 7
        # and that is what is painted: 5 px from a neuron's centre is still the neuron's fill
        for j in (0, 13, 29):
            pos = root.evaluate(POSITION, [1, j])
            centre = root.evaluate(PIXEL, [pos["x"], pos["y"]])
            for dx, dy in ((0, 5), (0, -5), (5, 0), (-5, 0)):
                assert root.evaluate(PIXEL, [pos["x"] + dx, pos["y"] + dy]) == centre, (j, dx, dy)
        # every neuron is still found under the pointer (coming from outside the drawing: on
        # the way from a neuron to its card the card keeps that neuron)
        for j in range(30):
            pos = root.evaluate(POSITION, [1, j])
            page.mouse.move(5, 5)
            page.mouse.move(pos["x"], pos["y"])
            expect(root.locator(".nnw-diagram__details")).to_have_attribute("data-neuron", str(j))
        assert errors == []


def test_the_legend_reads_as_separate_items(browser, tmp_path):
    net = Network([784, 30, 10], activation="sigmoid", output="softmax", seed=0)
    diagram = NetworkDiagram(net)
    diagram.show(load_pretrained_input())
    path = export_html([diagram], tmp_path / "legend.html")
    with fresh_page(browser, viewport={"width": 1000, "height": 800}, console=False) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        rows = page.locator(".nnw-diagram__legend-row")
        expect(rows.locator(".nnw-diagram__legend-title")).to_have_text(
            ["Activation", "Connections"]
        )
        items = rows.nth(1).locator(".nnw-diagram__legend-item")
        # "negative weight" and the width rule used to run on as one phrase
        expect(items).to_have_text(
            [
                "positive weight",
                "negative weight",
                "width: |activation \u00d7 weight|, the 3 strongest into each neuron",
            ]
        )
        rules = items.evaluate_all("(els) => els.map((e) => getComputedStyle(e).borderLeftWidth)")
        assert rules[0] == "0px" and all(r == "1px" for r in rules[1:]), rules
        assert errors == []


LUMINANCE = r"""(el) => {
  const rgb = (c) => c.match(/[\d.]+/g).slice(0, 3).map(Number);
  const lum = ([r, g, b]) => 0.2126 * r / 255 + 0.7152 * g / 255 + 0.0722 * b / 255;
  const s = getComputedStyle(el);
  return {background: lum(rgb(s.backgroundColor)), text: lum(rgb(s.color))};
}"""


def test_dark_theme_frames_follow_the_theme_on_white_paper(browser, tmp_path):
    net = load_pretrained()
    canvas, diagram = DigitCanvas(net), NetworkDiagram(net)
    diagram.link(canvas)
    canvas.show(load_pretrained_input().reshape(28, 28))
    path = export_html([canvas, diagram], tmp_path / "dark.html")
    with fresh_page(browser, viewport={"width": 1100, "height": 1300}, console=False) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        expect(page.locator(".nnw-diagram")).not_to_have_attribute("data-prediction", "")
        # what JupyterLab's dark theme sets on the body (its --jp-* colours are absent here,
        # so the widgets' own dark fallbacks are used)
        page.evaluate("() => { document.body.dataset.jpThemeLight = 'false'; }")
        for frame in (".nnw-diagram", ".nnw-canvas"):
            lum = page.locator(frame).evaluate(LUMINANCE)
            assert lum["background"] < 0.25 and lum["text"] > 0.75, (frame, lum)
        for text in (
            ".nnw-diagram__legend-title",
            ".nnw-diagram__control",
            ".nnw-canvas__verdict-label",
        ):
            assert page.locator(text).first.evaluate(LUMINANCE)["text"] > 0.55, text
        # the drawings keep their white paper (their colour scales start at white)
        for paper in ("canvas.nnw-diagram__canvas", "canvas.nnw-canvas__pad"):
            assert page.locator(paper).evaluate(LUMINANCE)["background"] > 0.95, paper
        assert errors == []


def load_pretrained_input():
    from nnwidgets import load_bundled

    return load_bundled().X_test[7].reshape(-1).astype(np.float32)


def test_errors_give_way_to_activations_when_the_linked_pen_moves_on(browser, tmp_path):
    net = load_pretrained()
    canvas, diagram = DigitCanvas(net), NetworkDiagram(net)
    diagram.link(canvas)
    diagram.show_errors(load_pretrained_input(), 2)
    path = export_html([canvas, diagram], tmp_path / "linked-errors.html")
    with fresh_page(
        browser, viewport={"width": 1100, "height": 1300}, offline=True, console=False
    ) as (page, errors):
        page.goto(path.as_uri())
        root = page.locator(".nnw-diagram")
        expect(root).to_have_attribute("data-linked", "true")
        expect(root).to_have_attribute("data-mode", "errors")
        page.locator(".nnw-canvas button", has_text="Clear").click()
        draw(page, page.locator("canvas.nnw-canvas__pad"), DIGITS["4"][0])
        expect(root).to_have_attribute("data-prediction", "4")
        # no kernel to compute the new drawing's errors: activations, and the legend says why
        expect(root).to_have_attribute("data-mode", "activations")
        expect(root.locator(".nnw-diagram__legend")).to_contain_text("none for this input yet")
        assert errors == []


def test_keyboard_is_announced_and_the_card_has_scale_buttons(browser, tmp_path):
    net = Network([784, 30, 10], seed=0)
    diagram = NetworkDiagram(net)
    diagram.show(load_pretrained_input())
    path = export_html([diagram], tmp_path / "keys.html", half=())  # float32 kept: compared at 1e-5
    with fresh_page(browser, viewport={"width": 1000, "height": 800}, console=False) as (
        page,
        errors,
    ):
        page.goto(path.as_uri())
        root = page.locator(".nnw-diagram")
        expect(root).to_have_attribute("data-prediction", str(diagram.prediction))
        announce = root.locator(".nnw-diagram__announce")
        assert (
            announce.get_attribute("role") == "status"
            and announce.get_attribute("aria-live") == "polite"
        )
        # Tab reaches the drawing; arrows move between neurons and each move is announced
        on_drawing = (
            "(r) => document.activeElement === r.querySelector('canvas.nnw-diagram__canvas')"
        )
        for _ in range(4):  # past the toolbar's controls (top k, all; Reset is disabled)
            page.keyboard.press("Tab")
            if root.evaluate(on_drawing):
                break
        assert root.evaluate(on_drawing)
        page.keyboard.press("ArrowDown")
        a1 = diagram.activations[1][1]
        expect(announce).to_contain_text(f"hidden layer 1, neuron 2 of 30, activation {a1:.3f}")
        page.keyboard.press("ArrowRight")
        expect(announce).to_contain_text("output layer, neuron 2 of 10, activation")
        page.keyboard.press("ArrowLeft")
        page.keyboard.press("Enter")
        expect(announce).to_contain_text(
            "hidden layer 1, neuron 2 of 30, activation 0.000, switched off"
        )
        expect(root).to_have_attribute("data-edits", "1")
        page.keyboard.press("Escape")

        # the card's buttons scale the neuron it describes, with the mouse...
        pos = root.evaluate(POSITION, [1, 5])
        page.mouse.move(pos["x"], pos["y"])
        card = root.locator(".nnw-diagram__details")
        expect(card).to_have_attribute("data-neuron", "5")
        plus = card.get_by_role("button", name="Scale neuron 5 of hidden layer 1 up by 0.25")
        minus = card.get_by_role("button", name="Scale neuron 5 of hidden layer 1 down by 0.25")
        # the pointer crosses the drawing (and neurons 6, 7...) on its way:
        # the card stays with neuron 5
        target = plus.bounding_box()
        page.mouse.move(pos["x"], target["y"] + target["height"] / 2, steps=15)
        page.mouse.move(
            target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=15
        )
        expect(card).to_have_attribute("data-neuron", "5")
        plus.click()
        expect(card.locator(".nnw-diagram__details-factor")).to_have_text("\u00d71.25")
        minus.click()
        minus.click()
        expect(card.locator(".nnw-diagram__details-factor")).to_have_text("\u00d70.75")
        expect(root).to_have_attribute("data-edits", "2")
        want = edited_forward(net, load_pretrained_input(), {1: {1: 0.0, 5: 0.75}})
        np.testing.assert_allclose(np.array(root.evaluate(ACTIVATIONS)[1]), want[1], atol=1e-5)
        # ...and from the keyboard: Tab from the drawing to the card's buttons keeps the neuron
        page.mouse.move(5, 5)
        root.locator("canvas.nnw-diagram__canvas").focus()
        page.keyboard.press("ArrowDown")  # neuron 2 (index 1), switched off
        expect(card).to_have_attribute("data-neuron", "1")  # painted: its buttons are in the page
        page.keyboard.press("Tab")  # to plus: minus is disabled at factor 0
        expect(
            card.get_by_role("button", name="Scale neuron 1 of hidden layer 1 up by 0.25")
        ).to_be_focused()
        page.keyboard.press("Enter")
        expect(card.locator(".nnw-diagram__details-factor")).to_have_text("\u00d70.25")
        assert errors == []
