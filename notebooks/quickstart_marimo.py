import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _():
    import marimo as mo

    mo.md(
        """
        # nnwidgets quickstart (marimo)

        A feed-forward network written from scratch in NumPy, and widgets to look inside it.
        Open with `marimo edit notebooks/quickstart_marimo.py` (or `marimo run` for the app view).
        """
    )
    return (mo,)


@app.cell
def _():
    import nnwidgets
    from nnwidgets import ModelInfo, load_pretrained

    # A small network already trained on MNIST, shipped with the package: no download needed.
    net = load_pretrained()
    print("nnwidgets", nnwidgets.__version__)
    return ModelInfo, net


@app.cell
def _(ModelInfo, mo, net):
    mo.vstack([
        mo.md(
            "## The network\n\nLayer sizes (784 inputs, one per pixel of a 28x28 image, to 10 "
            "outputs, one per digit), the functions it uses, and how many numbers it learned."
        ),
        mo.ui.anywidget(ModelInfo(net)),
    ])
    return


@app.cell
def _(mo, net):
    from nnwidgets import DigitCanvas

    # mo.ui.anywidget makes the widget reactive: cells that use `canvas` re-run on each stroke.
    canvas = mo.ui.anywidget(DigitCanvas(net))
    mo.vstack([
        mo.md(
            "## Draw a digit\n\nDraw with the mouse, a finger or a pen. The bars follow your pen: "
            "the network runs in the page on the same weights. **Show preprocessing** reveals "
            "what the network actually sees. Escape clears, Ctrl+Z undoes a stroke."
        ),
        canvas,
    ])
    return (canvas,)


@app.cell
def _(canvas, mo):
    # This cell uses `canvas`, so marimo re-runs it when you lift the pen: the 28x28 digit
    # came back to Python and the NumPy network read it too. canvas.widget is the DigitCanvas.
    reading = canvas.widget
    lines = [f"prediction: {reading.prediction}"]
    if reading.probabilities is not None:
        lines += [f"{digit} {p:6.1%} " + "#" * int(40 * p) for digit, p in enumerate(reading.probabilities)]
    mo.md("When you lift the pen, Python reads the digit too:\n\n```\n" + "\n".join(lines) + "\n```")
    return


if __name__ == "__main__":
    app.run()
