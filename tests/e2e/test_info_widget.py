"""ModelInfo end to end: the bundle loads in JupyterLab and Notebook 7, shows the version and the
architecture, and follows trait changes made from Python."""

import pytest
from playwright.sync_api import expect

import nnwidgets

pytestmark = pytest.mark.e2e

# A stand-in network, so this test does not depend on the pretrained model. Sizes 784-30-10:
# 784*30 + 30*10 weights + 30 + 10 biases = 23,860 parameters.
SETUP = """
import numpy as np
from nnwidgets import ModelInfo

class Net:
    def __init__(self, sizes):
        self.sizes = sizes
        self.activation, self.output, self.cost = "sigmoid", "softmax", "cross_entropy"
        rng = np.random.default_rng(0)
        self.weights = [rng.normal(size=(m, n)) / np.sqrt(n) for n, m in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros(m) for m in sizes[1:]]

w = ModelInfo(Net([784, 30, 10]))
w
"""


@pytest.mark.parametrize("app", ["lab", "notebook"])
def test_model_info_renders_and_follows_python(open_notebook, app):
    nb = open_notebook([SETUP], app=app)
    card = nb.page.locator(".nnw-info")
    expect(card).to_have_count(1)
    expect(card.locator(".nnw-info__version")).to_have_text(f"v{nnwidgets.__version__}")
    expect(card.locator(".nnw-info__sizes")).to_have_text("784 → 30 → 10")
    expect(card).to_contain_text("sigmoid")
    expect(card).to_contain_text("23,860")
    # The weight_rms trait crossed as a binary buffer: one bar per weight matrix.
    expect(card.locator(".nnw-info__bar")).to_have_count(2)
    # the bars say what they measure (it was only in each bar's tooltip)
    expect(card.locator(".nnw-info__bars-caption")).to_be_visible()
    expect(card.locator(".nnw-info__bars-caption")).to_have_text("RMS weight per layer")

    out = nb.run_cell("w.network = Net([784, 100, 30, 10]); print(w.architecture['sizes'])")
    assert out.strip() == "[784, 100, 30, 10]"
    expect(card.locator(".nnw-info__sizes")).to_have_text("784 → 100 → 30 → 10")
    expect(card.locator(".nnw-info__bar")).to_have_count(3)

    nb.run_cell("w.title = 'renamed'")
    expect(card.locator(".nnw-info__title")).to_have_text("renamed")
    assert not [e for e in nb.console_errors if "nnw" in e or "anywidget" in e.lower()]
