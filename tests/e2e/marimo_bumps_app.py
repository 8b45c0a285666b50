# The marimo notebook tests/e2e/test_bumps_browser.py opens with `marimo run`: a BumpBuilder
# and a cell that reads its heights and deviation on the Python side.
import marimo

__generated_with = "0.25.2"
app = marimo.App()


@app.cell
def _():
    import marimo as mo
    from nnwidgets import BumpBuilder

    bumps = mo.ui.anywidget(BumpBuilder())
    bumps
    return bumps, mo


@app.cell
def _(bumps, mo):
    # this cell uses `bumps`, so marimo re-runs it after every change from the page
    w = bumps.widget
    mo.md(f"python-heights={','.join(map(repr, w.heights))} python-deviation={w.deviation!r}")
    return


if __name__ == "__main__":
    app.run()
