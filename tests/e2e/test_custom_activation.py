"""The reader's own activation in JupyterLab: the diagram says in the page that it cannot run a
function no built-in computes (training still works in Python), draws one that matches a
built-in, and clears the message when given a network it can run."""

import inspect

import _pieces
import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

# The kernel defines the same two activations the other tests use (tests/_pieces.py).
SETUP = (
    inspect.getsource(_pieces)
    + """
from nnwidgets import Network, NetworkDiagram

net = Network([784, 16, 10], activation=Softplus(), seed=0)
diagram = NetworkDiagram(net)
display(diagram)
"""
)

MESSAGE = (
    "this page cannot run your activation Softplus: it runs only the built-in functions "
    "(sigmoid, tanh, relu, leaky_relu, linear, softmax)"
)


def test_diagram_says_it_cannot_run_the_readers_activation(open_notebook):
    nb = open_notebook([SETUP], app="lab")
    diagram = nb.page.locator(".nnw-diagram")
    error = diagram.locator(".nnw-diagram__error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(MESSAGE)
    # Python said so too, and training still works.
    out = nb.run_cell(
        "import warnings\n"
        "with warnings.catch_warnings(record=True) as w:\n"
        "    warnings.simplefilter('always')\n"
        "    NetworkDiagram(net).close()\n"
        "print('warned:', str(w[0].message)[:46])\n"
        "rng = np.random.default_rng(0)\n"
        "h = net.fit(rng.random((64, 784)), rng.integers(0, 10, 64), epochs=1)\n"
        "print('trained:', h.status)"
    )
    assert "warned: This page cannot run your activation Softplus" in out
    assert "trained: completed" in out
    # The reader's sigmoid runs in the page as the built-in one: drawn, no message.
    nb.run_cell("diagram.network = Network([784, 16, 10], activation=MySigmoid(), seed=0)")
    expect(error).to_have_text("")
    nb.run_cell("diagram.show(np.full(784, 0.5))")
    expect(diagram).not_to_have_attribute("data-prediction", "")
    assert not [e for e in nb.console_errors if "nnw" in e or "anywidget" in e.lower()]
