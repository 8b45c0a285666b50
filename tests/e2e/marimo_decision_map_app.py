# The marimo notebook tests/e2e/test_decision_map_browser.py opens with `marimo run`: a
# DecisionMap of a small network trained on toy.circle, and NumPy's accuracy on its training
# points, which the page's own (data-accuracy) must match.
import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _():
    import marimo as mo

    from nnwidgets import DecisionMap, Network
    from nnwidgets.datasets import toy

    data = toy.circle(n=300, noise=0.05, seed=0)
    net = Network([2, 8, 1], activation="tanh", output="sigmoid", cost="cross_entropy", seed=1)
    net.fit(*data.train, epochs=60, batch_size=10, learning_rate=0.1)
    dmap = mo.ui.anywidget(DecisionMap(net, data, resolution=40))
    dmap  # noqa: B018 (marimo shows a cell's last expression)
    return data, dmap, mo, net


@app.cell
def _(data, mo, net):
    mo.md(f"numpy-accuracy={net.score(*data.train):.4f}")


if __name__ == "__main__":
    app.run()
