"""The shipped notebooks run from top to bottom in a real kernel, offline, without errors, and
every figure they record agrees with its entry in notebooks/figures.toml.

The labs with a ``FULL_MNIST = False`` line also run, as slow tests, with that line set to True
on the full MNIST that NNWIDGETS_DATA names, and their ``data = "full"`` figures are checked.
"""

import os
import pathlib
import re

import nbformat
import pytest
from nbclient import NotebookClient

from nnwidgets.labs import figures

FOLDER = pathlib.Path(__file__).parent.parent / "notebooks"
NOTEBOOKS = sorted(FOLDER.glob("*.ipynb"))
FULL_LINE = "FULL_MNIST = False"


def lab_of(path):
    """``"lab7"`` for notebooks/lab7_cost.ipynb; None for a notebook that is not a lab."""
    match = re.match(r"(lab\d+)_", path.name)
    return match.group(1) if match else None


def execute(nb, tmp_path, monkeypatch, *, timeout=120):
    """Run ``nb`` in a fresh kernel with its figures recorded; return the recorded pairs."""
    recorded = tmp_path / "figures.jsonl"
    monkeypatch.setenv(figures.ENV, str(recorded))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    client.execute()  # raises CellExecutionError, with the traceback, if any cell fails
    return figures.read_recorded(recorded)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_runs(path, tmp_path, monkeypatch):
    # No data folder and an empty cache: a notebook that reached for the network would fail.
    monkeypatch.delenv("NNWIDGETS_DATA", raising=False)
    nb = nbformat.read(path, as_version=4)
    recorded = execute(nb, tmp_path, monkeypatch)
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
    widget_views = [
        o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})
    ]
    assert widget_views, "the notebook should display at least one widget"
    problems = figures.compare_run(recorded, figures.read_entries(FOLDER), lab=lab_of(path))
    assert not problems, "figures disagree with notebooks/figures*.toml:\n" + "\n".join(problems)


def test_there_is_a_quickstart():
    assert "quickstart.ipynb" in [p.name for p in NOTEBOOKS]


def test_the_figure_entries_are_well_formed():
    # read_entries refuses a duplicate name, a malformed name or entry, naming the file
    entries = figures.read_entries(FOLDER)
    labs = {lab_of(p) for p in NOTEBOOKS}
    orphans = [name for name in entries if name.split(".")[0] not in labs]
    assert not orphans, f"entries for a lab with no notebook: {orphans}"


def has_full_mnist_cell(path):
    nb = nbformat.read(path, as_version=4)
    return any(FULL_LINE in c.source.splitlines() for c in nb.cells if c.cell_type == "code")


def full_mnist_folder():
    """The folder NNWIDGETS_DATA names when it holds full MNIST's training images, else None."""
    folder = os.environ.get("NNWIDGETS_DATA")
    if folder and any(
        (pathlib.Path(folder) / name).exists()
        for name in ("train-images-idx3-ubyte", "train-images-idx3-ubyte.gz")
    ):
        return folder
    return None


@pytest.mark.slow
@pytest.mark.parametrize(
    "path", [p for p in NOTEBOOKS if has_full_mnist_cell(p)], ids=lambda p: p.name
)
def test_full_mnist_reproduction(path, tmp_path, monkeypatch):
    if full_mnist_folder() is None:
        pytest.skip("NNWIDGETS_DATA does not name a folder with full MNIST (make data)")
    nb = nbformat.read(path, as_version=4)
    switched = 0
    for cell in nb.cells:
        if cell.cell_type == "code" and FULL_LINE in cell.source.splitlines():
            cell.source = "\n".join(
                "FULL_MNIST = True" if line == FULL_LINE else line
                for line in cell.source.splitlines()
            )
            switched += 1
    assert switched == 1, f"{path.name} should have exactly one line {FULL_LINE!r}"
    # NNDL's own runs take minutes on full MNIST: a cell may take up to 10 of them
    recorded = execute(nb, tmp_path, monkeypatch, timeout=600)
    entries = figures.read_entries(FOLDER)
    lab = lab_of(path)
    assert any(e.get("data") == "full" for n, e in entries.items() if n.split(".")[0] == lab), (
        f"{path.name} has a FULL_MNIST cell but no data = 'full' figure entry"
    )
    problems = figures.compare_run(recorded, entries, lab=lab, data=("bundled", "full"))
    assert not problems, "figures disagree with notebooks/figures*.toml:\n" + "\n".join(problems)
