"""The labs of both sections: generated exercises are up to date and stop at their first stub,
and notebooks/README.md lists each with its run time.

Section 1 is labs 1 to 6 (the book's first half, chapters 1 and 2); Section 2 is labs 7 to 13,
plus an optional capstone lab 14 (chapters 3 to 6).

The solution notebooks (notebooks/lab*.ipynb) run top to bottom in tests/test_notebooks.py,
with every other shipped notebook.
"""

import pathlib
import re
import subprocess
import sys

import nbformat
import pytest
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = pathlib.Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import make_exercises  # noqa: E402

LABS = sorted((ROOT / "notebooks").glob("lab*.ipynb"), key=lambda p: int(p.name[3:].split("_")[0]))
NUMBERS = [int(p.name[3:].split("_")[0]) for p in LABS]


def test_section_1_is_labs_1_to_6():
    assert [n for n in NUMBERS if n <= 6] == list(range(1, 7))


def test_section_2_is_labs_7_to_13_with_an_optional_14():
    section_2 = [n for n in NUMBERS if n >= 7]
    assert section_2 in (list(range(7, 14)), list(range(7, 15))), section_2


def test_each_lab_number_has_one_notebook():
    assert len(NUMBERS) == len(set(NUMBERS)), [p.name for p in LABS]


def test_exercises_are_up_to_date():
    # CI fails here when a lab changed and `python scripts/make_exercises.py` was not rerun.
    out = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "make_exercises.py"), "--check"],
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_a_solution_region_becomes_a_stub_at_its_indentation():
    source = (
        'def f(x):\n    "doc"\n    # Hint: add one\n    ### BEGIN SOLUTION\n    y = x + 1\n'
        "    return y\n    ### END SOLUTION\n"
    )
    assert make_exercises.strip_solutions(source, "t") == (
        'def f(x):\n    "doc"\n    # Hint: add one\n'
        '    raise NotImplementedError("your code here: write f")'
    )


def test_the_readers_predictions_start_empty_and_keep_their_unit():
    # The solution notebook's own prediction would make "you were right" the author's.
    source = 'x = 1\nmy_prediction = 400  # epochs\nmy_prediction = "L2"\nprint(my_prediction)'
    assert make_exercises.empty_prediction(source) == (
        "x = 1\nmy_prediction = ...  # your prediction (epochs)\n"
        "my_prediction = ...  # your prediction\nprint(my_prediction)"
    )
    for path in sorted((ROOT / "notebooks" / "exercises").glob("lab*.ipynb")):
        text = path.read_text()
        assert not re.search(r'"my_prediction = (?!\.\.\.)', text), path.name


def test_a_stub_names_the_function_or_method_it_is_in_and_only_that():
    # The last line of the traceback a check prints is the stub's message: it says what to write.
    source = (
        "class Network:\n    def __init__(self):\n        self.w = 1\n\n"
        "    def feedforward(self, a):\n        # Hint: a loop\n"
        "        ### BEGIN SOLUTION\n        return a\n        ### END SOLUTION\n\n"
        "def g(x):\n    return x\n\nfor i in range(2):\n"
        "    ### BEGIN SOLUTION\n    pass\n    ### END SOLUTION\n"
    )
    stubs = [
        line.strip()
        for line in make_exercises.strip_solutions(source, "t").splitlines()
        if "NotImplementedError" in line
    ]
    assert stubs == [
        'raise NotImplementedError("your code here: write Network.feedforward")',
        # a loop after g's body is not in g
        'raise NotImplementedError("your code here")',
    ]


@pytest.mark.parametrize(
    "source, problem",
    [
        ("### BEGIN SOLUTION\nx = 1\n", "never closed"),
        ("x = 1\n### END SOLUTION\n", "without"),
        ("### BEGIN SOLUTION\n### BEGIN SOLUTION\n", "inside another"),
    ],
)
def test_unbalanced_markers_are_refused(source, problem):
    with pytest.raises(ValueError, match=problem):
        make_exercises.strip_solutions(source, "t")


def test_a_tagged_cell_without_markers_is_refused():
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("x = 1")
    cell.metadata["tags"] = ["solution"]
    nb.cells.append(cell)
    with pytest.raises(ValueError, match="must hold"):
        make_exercises.exercise_version(nb, "t.ipynb")


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_every_solution_is_stubbed_out(path):
    exercise = nbformat.read(ROOT / "notebooks" / "exercises" / path.name, as_version=4)
    solution = nbformat.read(path, as_version=4)
    text = "\n".join(c.source for c in exercise.cells)
    assert "BEGIN SOLUTION" not in text
    n_solutions = sum("solution" in c.metadata.get("tags", []) for c in solution.cells)
    assert text.count('raise NotImplementedError("your code here') >= n_solutions >= 1


@pytest.mark.parametrize("path", LABS, ids=lambda p: p.name)
def test_exercise_stops_at_its_first_stub(path, tmp_path, monkeypatch):
    monkeypatch.delenv("NNWIDGETS_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    nb = nbformat.read(ROOT / "notebooks" / "exercises" / path.name, as_version=4)
    client = NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    )
    with pytest.raises(CellExecutionError) as info:
        client.execute()
    assert info.value.ename == "NotImplementedError" and "your code here" in info.value.evalue
    # ...naming the function to write, when the stub is in one (every lab's first stub is)
    assert "your code here: write " in info.value.evalue, info.value.evalue
    failed = [
        i
        for i, c in enumerate(nb.cells)
        if c.cell_type == "code"
        and any(o.get("output_type") == "error" for o in c.get("outputs", []))
    ]
    first = next(i for i, c in enumerate(nb.cells) if "exercise" in c.metadata.get("tags", []))
    following = next(i for i, c in enumerate(nb.cells) if i > first and c.cell_type == "code")
    # The stub itself raises (code at top level) or the check right after it calls the stub.
    assert failed in ([first], [following]), (failed, first, following)
    if failed == [following]:  # through a check: two lines naming the function, no frames
        [error] = [o for o in nb.cells[following].outputs if o.get("output_type") == "error"]
        assert len(error["traceback"]) == 2 and "is not written yet" in error["traceback"][1], (
            error["traceback"]
        )


def test_the_readme_lists_every_notebook_with_its_run_time():
    readme = (ROOT / "notebooks" / "README.md").read_text()
    for path in [*LABS, ROOT / "notebooks" / "quickstart.ipynb"]:
        line = next((l for l in readme.splitlines() if f"({path.name})" in l), None)
        assert line is not None, f"notebooks/README.md does not link {path.name}"
        assert " s " in line or "s |" in line, f"no run time for {path.name}: {line}"
