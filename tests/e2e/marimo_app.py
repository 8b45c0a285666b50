# The marimo notebook tests/e2e/test_marimo.py opens with `marimo run`: a canvas, a cell that
# reads the Python side, and a background thread that puts a digit on the pad when the test
# writes a test-set index into $NNW_MARIMO_TRIGGER/<the token the page shows>.
import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _():
    import marimo as mo
    from nnwidgets import DigitCanvas

    canvas = mo.ui.anywidget(DigitCanvas())
    runs = []  # one entry per run of the reading cell, so the test can tell a fresh reading
    canvas
    return canvas, mo, runs


@app.cell
def _(canvas, mo, runs):
    # this cell uses `canvas`, so marimo re-runs it after every change from the page
    runs.append(1)
    w = canvas.widget
    probs = "none" if w.probabilities is None else ",".join(f"{p:.6f}" for p in w.probabilities)
    mo.md(f"python-run={len(runs)} python-prediction={w.prediction} python-probabilities={probs}")
    return


@app.cell
def _(canvas, mo):
    import os
    import pathlib
    import secrets
    import threading
    import time

    from nnwidgets import load_bundled

    # Each browser session runs its own copy of this cell: its token names its trigger file.
    token = secrets.token_hex(4)
    trigger = pathlib.Path(os.environ["NNW_MARIMO_TRIGGER"]) / token

    def show_when_asked():
        while not trigger.exists():
            time.sleep(0.05)  # the test writes the file when it is ready to watch the pad
        try:
            canvas.widget.show(load_bundled().X_test[int(trigger.read_text())])
            report = f"shown, prediction={canvas.widget.prediction}"
        except Exception as e:  # told to the test, which reads this file when the page disagrees
            report = f"failed: {e!r}"
        part = trigger.with_suffix(".part")
        part.write_text(report)
        part.replace(trigger.with_suffix(".done"))

    threading.Thread(target=show_when_asked, daemon=True).start()
    mo.md(f"thread-token={token}")
    return


if __name__ == "__main__":
    app.run()
