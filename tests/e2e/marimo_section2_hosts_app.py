# The marimo notebook tests/e2e/test_marimo_section2_hosts.py opens with `marimo run`: Section 2's
# three widgets through mo.ui.anywidget (a BumpBuilder, a DecisionMap of a small trained network
# on toy data, a TrainingDashboard with calibration and layer speeds), and cells that say what
# Python holds, so the test can tell a change in the page reached the kernel.
import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _():
    import marimo as mo

    from nnwidgets import BumpBuilder, DecisionMap, Network, TrainingDashboard, load_bundled
    from nnwidgets.datasets import toy

    builder = mo.ui.anywidget(BumpBuilder())
    builder  # noqa: B018 (marimo shows a cell's last expression)
    return DecisionMap, Network, TrainingDashboard, builder, load_bundled, mo, toy


@app.cell
def _(builder, mo):
    # uses `builder`, so marimo re-runs it after every change from the page
    mo.md(f"python-heights={','.join(map(repr, builder.widget.heights))}")
    return


@app.cell
def _(DecisionMap, Network, mo, toy):
    data = toy.circle(n=300, noise=0.05, seed=0)
    net = Network([2, 8, 1], activation="tanh", output="sigmoid", cost="cross_entropy", seed=1)
    net.fit(*data.train, epochs=60, batch_size=10, learning_rate=0.1)
    dmap = mo.ui.anywidget(DecisionMap(net, data, resolution=40))
    dmap  # noqa: B018
    return data, dmap, net


@app.cell
def _(data, dmap, mo, net):
    mo.md(f"python-map={dmap.widget.page_accuracy!r} numpy-accuracy={net.score(*data.train):.4f}")
    return


@app.cell
def _(Network, TrainingDashboard, load_bundled, mo):
    digits = load_bundled()
    dash = TrainingDashboard(
        Network([784, 16, 10], seed=0),
        train=(digits.X_train[:1000], digits.y_train[:1000]),
        validation=(digits.X_test[:500], digits.y_test[:500]),
        epochs=3,
        batch_size=20,
        learning_rate=0.5,
        calibration=True,
        layer_speed=200,
    )
    dash_view = mo.ui.anywidget(dash)
    ask = mo.ui.run_button(label="ask python")
    mo.vstack([dash_view, ask])
    return ask, dash


@app.cell
def _(ask, dash, mo):
    # run by the page's "ask python" button: what the kernel holds after training from the page
    mo.stop(not ask.value)
    cal = dash._panels.get("calibration") or {}
    mo.md(
        f"python-epochs={len(dash.runs[0].history.val_accuracy)} "
        f"python-rate={dash.learning_rate!r} python-ece={cal.get('ece')!r}"
    )
    return


if __name__ == "__main__":
    app.run()
