# The marimo notebook tests/e2e/test_dashboard_marimo.py opens with `marimo run`: a
# TrainingDashboard on the bundled digits, long enough to watch. The test starts training from
# the page's Start button; the dashboard trains in its background thread while marimo's cell
# has long returned, so every update the page shows comes from that thread.
import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _():
    import marimo as mo

    from nnwidgets import Network, TrainingDashboard, load_bundled

    data = load_bundled()
    # 10,000 digits in mini-batches of 10: 1,000 mini-batches an epoch (about 0.1 s on a quiet
    # machine); 500 epochs, so it still trains whenever the test looks.
    dash = TrainingDashboard(Network([784, 30, 10], seed=0), train=(data.X_train, data.y_train),
                             validation=(data.X_test, data.y_test), epochs=500, batch_size=10,
                             learning_rate=0.1)
    widget = mo.ui.anywidget(dash)
    widget
    return


if __name__ == "__main__":
    app.run()
