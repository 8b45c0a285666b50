"""DecisionMap in a browser: in JupyterLab it follows a TrainingDashboard training a [2, 8, 1]
network on toy.circle (the page's own accuracy rises); in an export_html page with no kernel
the map renders, its accuracy is NumPy's, a hovered (or focused) neuron takes over the map,
malformed data is ignored, it is sharp on a high-DPI screen, and cleanup removes it all."""

import numpy as np
import pytest
from _pages import fresh_page
from playwright.sync_api import expect

from nnwidgets import DecisionMap, Network
from nnwidgets.datasets import toy
from nnwidgets.widgets.export import export_html

pytestmark = pytest.mark.e2e

SETUP = """
from nnwidgets import DecisionMap, Network, TrainingDashboard
from nnwidgets.datasets import toy
data = toy.circle(n=400, noise=0.05, seed=0)
net = Network([2, 8, 1], activation="tanh", output="sigmoid", cost="cross_entropy", seed=1)
m = DecisionMap(net, data, resolution=60)
m
"""

# Far more epochs than the circle needs (3,000 take about 3 s here): the test stops the
# training once the page has followed it, so a page slowed by a busy machine gets the time
# to draw several of the weights on the way.
TRAIN = """
dash = TrainingDashboard(net, train=data.train, validation=data.test, epochs=100_000,
                         learning_rate=0.1, batch_size=10)
dash.start()
"""


def page_and_numpy_accuracy(nb, tries=20, score="net.score(*data.train)"):
    """``(m.page_accuracy, net.score(train))`` once they agree, or the last reading. Polled by
    running cells, since the page's report reaches the kernel only between cells (a cell that
    waits inside blocks the messages it waits for). ``score``: NumPy's accuracy, in Python."""
    for _ in range(tries):
        out = nb.run_cell(
            f"from nnwidgets.widgets import _sync; _sync.flush(); print(m.page_accuracy, {score})"
        )
        page_acc, numpy_acc = (float(v) if v != "None" else float("nan") for v in out.split())
        if abs(page_acc - numpy_acc) <= 0.01:
            break
        nb.page.wait_for_timeout(300)
    return page_acc, numpy_acc


def test_the_map_follows_training_in_jupyterlab(open_notebook):
    nb = open_notebook([SETUP], app="lab")
    root = nb.page.locator(".nnw-dmap")
    expect(root).to_have_count(1)
    expect(root).to_have_attribute("data-task", "binary")
    expect(root.locator(".nnw-dmap__thumb")).to_have_count(8)  # one per hidden neuron
    before = float(root.get_attribute("data-accuracy"))
    assert before < 0.8, before  # an untrained network does not separate the circle
    redraws = int(root.get_attribute("data-redraws"))

    nb.run_cell(TRAIN)
    # While it trains: the page's own forward pass over the training points reaches 95% as the
    # weights arrive, and it drew more than three of them on the way (it followed, not one
    # jump: the kernel sends at most ten a second, which a busy page may coalesce).
    nb.page.wait_for_function(
        f"(el) => parseFloat(el.dataset.accuracy) >= 0.95 && +el.dataset.redraws > {redraws + 3}",
        arg=root.element_handle(),
        timeout=90_000,
    )
    out = nb.run_cell("dash.stop(); print(dash.wait(timeout=120).status)")
    assert out.split()[-1] == "stopped", out  # the page followed a run still training
    # Python hears the page's accuracy, and it is NumPy's on the same (final) weights
    page_acc, numpy_acc = page_and_numpy_accuracy(nb)
    assert abs(page_acc - numpy_acc) <= 0.01, (page_acc, numpy_acc)
    assert abs(float(root.get_attribute("data-accuracy")) - numpy_acc) <= 0.01
    assert not [e for e in nb.console_errors if "nnw" in e or "anywidget" in e.lower()]


SET_NETWORK = """
net = Network([3, 6, 1], activation="tanh", output="sigmoid", cost="cross_entropy", seed=0)
net.fit(toy.featurize(data.train[0], ["x1", "x2", "x1*x2"]), data.train[1], epochs=300,
        batch_size=10, learning_rate=0.1)
m.set_network(net, features=["x1", "x2", "x1*x2"]); None
"""


def test_set_data_and_set_network_reach_the_page(open_notebook):
    nb = open_notebook([SETUP], app="lab")
    root = nb.page.locator(".nnw-dmap")
    expect(root.locator(".nnw-dmap__thumb")).to_have_count(8)
    # Other points: the page's forward pass now runs over them, and agrees with NumPy's. The
    # network learns the circle first, so the circle's accuracy and XOR's are far apart.
    circle = float(
        nb.run_cell(
            "net.fit(*data.train, epochs=80, batch_size=10, learning_rate=0.1)\n"
            "print(net.score(*data.train))\n"
            "data = toy.xor(n=300, noise=0.05, seed=2); m.set_data(data); None"
        ).split()[-1]
    )
    page_acc, numpy_acc = page_and_numpy_accuracy(nb)
    assert abs(page_acc - numpy_acc) <= 0.01, (page_acc, numpy_acc)
    assert circle > 0.9 and abs(page_acc - circle) > 0.2, (page_acc, circle)
    # A network of three inputs, x1*x2 among them (XOR is one product away from linear): the
    # page computes the features itself and separates XOR as NumPy does.
    nb.run_cell(SET_NETWORK)
    expect(root.locator(".nnw-dmap__thumb")).to_have_count(6)
    featured = "net.score(toy.featurize(data.train[0], m.features), data.train[1])"
    page_acc, numpy_acc = page_and_numpy_accuracy(nb, score=featured)
    assert abs(page_acc - numpy_acc) <= 0.01 and numpy_acc > 0.9, (page_acc, numpy_acc)
    # A refused switch changes nothing, in Python or in the page.
    out = nb.run_cell(
        "try:\n    m.set_network(Network([2, 3, 1], output='sigmoid'))\n"
        "except ValueError as e:\n    print('refused:', e)\nprint(m.features, m.network.sizes)"
    )
    assert "refused: set_network: the network takes 2 inputs" in out, out
    assert "['x1', 'x2', 'x1*x2'] [3, 6, 1]" in out, out
    expect(root.locator(".nnw-dmap__thumb")).to_have_count(6)
    assert not [e for e in nb.console_errors if "nnw" in e or "anywidget" in e.lower()]


@pytest.fixture(scope="module")
def trained():
    data = toy.circle(n=400, noise=0.05, seed=0)
    net = Network([2, 8, 1], activation="tanh", output="sigmoid", cost="cross_entropy", seed=1)
    net.fit(*data.train, epochs=80, batch_size=10, learning_rate=0.1)
    return net, data


PIXEL = """([x, y]) => {
  const c = document.querySelector(".nnw-dmap__heat");
  const ctx = c.getContext("2d");
  return Array.from(ctx.getImageData(Math.floor(x * c.width), Math.floor(y * c.height), 1, 1).data);
}"""


def test_exported_page_renders_the_map_with_no_kernel(browser, trained, tmp_path):
    net, data = trained
    path = export_html(DecisionMap(net, data, resolution=50), tmp_path / "map.html", title="Map")
    with fresh_page(
        browser, viewport={"width": 1000, "height": 800}, offline=True, device_scale_factor=2
    ) as (page, errors):
        warnings = []
        page.on("console", lambda msg: msg.type == "warning" and warnings.append(msg.text))
        page.goto(path.as_uri())
        root = page.locator(".nnw-dmap")
        expect(root).to_have_attribute("data-task", "binary")
        # the page's accuracy is NumPy's (the page has the weights in float16)
        acc = float(root.get_attribute("data-accuracy"))
        assert abs(acc - net.score(*data.train)) <= 0.02 and acc > 0.9
        assert abs(float(root.get_attribute("data-test-accuracy")) - net.score(*data.test)) <= 0.02
        expect(root.locator(".nnw-dmap__stats")).to_contain_text("accuracy: training")
        # the heat map: class 1 (red) in the middle of the circle, class 0 (blue) in a corner
        centre, corner = page.evaluate(PIXEL, [0.5, 0.5]), page.evaluate(PIXEL, [0.03, 0.03])
        assert centre[0] > centre[2] + 60 and corner[2] > corner[0] + 60, (centre, corner)
        # high-DPI: the points' canvas has two device pixels per CSS pixel
        size = page.evaluate("""() => { const c = document.querySelector('.nnw-dmap__points');
                                return [c.width, c.clientWidth]; }""")
        assert size[0] == 2 * size[1], size

        # a neuron takes over the map on hover, and on keyboard focus
        thumbs = root.locator(".nnw-dmap__thumb")
        expect(thumbs).to_have_count(8)
        thumbs.nth(3).hover()
        expect(root).to_have_attribute("data-hovered", "1,3")
        expect(root.locator(".nnw-dmap__caption")).to_contain_text("layer 1, neuron 4")
        hovered = page.evaluate(PIXEL, [0.5, 0.5])
        page.mouse.move(5, 5)
        expect(root).to_have_attribute("data-hovered", "")
        thumbs.nth(0).focus()
        expect(root).to_have_attribute("data-hovered", "1,0")
        page.keyboard.press("Tab")
        expect(root).to_have_attribute("data-hovered", "1,1")
        assert hovered != centre or page.evaluate(PIXEL, [0.5, 0.5]) != centre

        # malformed network data from the model: said, logged, ignored; the last map stays
        page.evaluate("""() => window.nnwidgetsViews[0].model.set("_network",
                         {sizes: [2, 1], activation: "tanh", output: "sigmoid", weights: [],
                          biases: []})""")
        expect(root.locator(".nnw-dmap__error")).to_contain_text("the network")
        assert float(root.get_attribute("data-accuracy")) == acc
        assert any("DecisionMap" in w for w in warnings), warnings

        # cleanup removes everything render made
        page.evaluate("() => window.nnwidgetsViews[0].cleanup()")
        expect(page.locator(".nnw-dmap")).to_have_count(0)
        page.wait_for_timeout(200)
        assert not errors, errors


def test_softmax_and_regression_maps_render(browser, tmp_path):
    d = toy.xor(200, seed=0)
    three = Network([2, 5, 3], activation="relu", seed=0)
    X = d.X
    reg = Network([2, 5, 1], activation="tanh", output="linear", cost="quadratic", seed=0)
    maps = [
        DecisionMap(three, d, features=None),
        DecisionMap(reg, (X, np.sin(X[:, 0])), resolution=30),
    ]
    path = export_html(maps, tmp_path / "two.html")
    with fresh_page(
        browser, viewport={"width": 1000, "height": 1400}, offline=True, console=False
    ) as (page, errors):
        page.goto(path.as_uri())
        roots = page.locator(".nnw-dmap")
        expect(roots).to_have_count(2)
        expect(roots.nth(0)).to_have_attribute("data-task", "classes")
        acc = float(roots.nth(0).get_attribute("data-accuracy"))
        assert abs(acc - three.score(*d.train)) <= 0.02
        expect(roots.nth(1)).to_have_attribute("data-task", "regression")
        expect(roots.nth(1)).to_have_attribute("data-accuracy", "")  # no accuracy for regression
        expect(roots.nth(1).locator(".nnw-dmap__stats")).to_contain_text("mean squared error")
        assert not errors, errors


def test_the_map_renders_in_notebook7(open_notebook):
    nb = open_notebook([SETUP], app="notebook")
    root = nb.page.locator(".nnw-dmap")
    expect(root).to_have_attribute("data-task", "binary")
    expect(root.locator(".nnw-dmap__thumb")).to_have_count(8)
    page_acc, numpy_acc = page_and_numpy_accuracy(nb)
    assert abs(page_acc - numpy_acc) <= 0.01, (page_acc, numpy_acc)
    assert not [e for e in nb.console_errors if "nnw" in e or "anywidget" in e.lower()]


def test_module_renders_in_a_myst_like_host(book, trained):
    """export_esm: the map in a page hosted as MyST's theme does (_myst.py's host:
    get, set and on only; save_changes, off and send throw), mounted twice."""
    from _myst import ORIGIN

    from nnwidgets import export_esm

    page, site = book
    net, data = trained
    export_esm(DecisionMap(net, data, resolution=40), site / "map.mjs")
    spec = {"esm": f"{ORIGIN}/map.mjs", "css": None, "shadow": True, "json": {}}
    for _ in range(2):
        i = page.evaluate("(spec) => window.mount(spec)", spec)
        root = page.locator(".nnw-dmap")
        expect(root).to_have_attribute("data-task", "binary")
        assert abs(float(root.get_attribute("data-accuracy")) - net.score(*data.train)) <= 0.02
        expect(root.locator(".nnw-dmap__thumb")).to_have_count(8)
        page.evaluate("(i) => window.unmount(i)", i)
        expect(root).to_have_count(0)
    assert not page.errors, page.errors
    assert page.evaluate("() => window.hostCalls") == []  # never touched what MyST lacks


def test_the_map_renders_in_marimo(browser, tmp_path):
    pytest.importorskip("marimo", reason="pip install -e '.[test]' installs marimo")
    from pathlib import Path

    from _marimo import marimo_run

    app = Path(__file__).parent / "marimo_decision_map_app.py"
    with marimo_run(app, tmp_path) as (url, log_path):
        with fresh_page(browser, viewport={"width": 1200, "height": 1000}, console=False) as (
            page,
            errors,
        ):
            page.goto(url)
            root = page.locator(".nnw-dmap")
            expect(root).to_have_attribute("data-task", "binary", timeout=60_000)
            expect(root.locator(".nnw-dmap__thumb")).to_have_count(8)
            text = page.get_by_text("numpy-accuracy=").inner_text()
            numpy_acc = float(text.split("numpy-accuracy=")[1].split()[0])
            assert abs(float(root.get_attribute("data-accuracy")) - numpy_acc) <= 0.01
            assert not errors, errors
