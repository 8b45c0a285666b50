"""Write the exercise version of every lab: notebooks/lab*.ipynb -> notebooks/exercises/.

The labs are written once, with their solutions, as ordinary notebooks (what a reader opens
and what CI runs; no extra tool such as jupytext needed to read or edit them). A code cell
tagged ``solution`` holds one or more regions between ``### BEGIN SOLUTION`` and
``### END SOLUTION``; in the exercise version each region becomes
``raise NotImplementedError("your code here: write sigmoid")`` at the
region's indentation, naming the function (or method) the region sits in, so that the last
line of the traceback a check prints says what to write; the function signatures, docstrings
and ``# Hint:`` comments above the region stay. Outputs are dropped.

    python scripts/make_exercises.py          # write notebooks/exercises/
    python scripts/make_exercises.py --check  # exit 1 if a generated file is out of date
"""

from __future__ import annotations

import argparse
import copy
import pathlib
import re
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parent.parent
LABS = ROOT / "notebooks"
EXERCISES = LABS / "exercises"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
STUB = 'raise NotImplementedError("your code here")'  # a region outside any function
STUB_IN = 'raise NotImplementedError("your code here: write {name}")'
DEF = re.compile(r"(\s*)(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)")
BANNER = (
    "*Exercise version, generated from `../{name}` by `scripts/make_exercises.py`: edit the "
    "solution notebook, not this one. Replace each `raise NotImplementedError(...)` with your "
    "code and run the check below it; the error's last line names the function to write. "
    "Write each prediction in place of the `...` of `my_prediction = ...` before you run the "
    "experiment it is about.*"
)
# A prediction cell: the solution notebook holds its author's prediction; the reader's starts
# empty (``...``, which compare_prediction does not judge), so that "you were right" is theirs.
PREDICTION = re.compile(r"^my_prediction = (?P<value>[^#\n]*?)(?P<comment>\s*#.*)?$", re.M)


def empty_prediction(source: str) -> str:
    """``source`` with each ``my_prediction = <value>`` line's value replaced by ``...``; a
    comment after it (the unit: ``# epochs``) stays."""

    def blank(match):
        unit = (match.group("comment") or "").strip().lstrip("#").strip()
        return "my_prediction = ...  # your prediction" + (f" ({unit})" if unit else "")

    return PREDICTION.sub(blank, source)


def strip_solutions(source: str, where: str) -> str:
    """``source`` with every solution region replaced by the stub."""
    out, inside, indent = [], False, ""
    scopes: list[tuple[int, str, str]] = []  # (indentation, "def" or "class", name), innermost last
    for number, line in enumerate(source.splitlines(), 1):
        stripped = line.strip()
        if stripped == BEGIN:
            if inside:
                raise ValueError(f"{where}, line {number}: {BEGIN} inside another solution region")
            inside, indent = True, line[: len(line) - len(line.lstrip())]
            enclosing = [s for s in scopes if s[0] < len(indent)]
            if enclosing and enclosing[-1][1] == "def":
                name = ".".join(s[2] for s in enclosing)  # "Network.feedforward"
                out.append(indent + STUB_IN.format(name=name))
            else:
                out.append(indent + STUB)
            continue
        if stripped and not stripped.startswith("#") and not inside:
            # A line closes every scope at its indentation or deeper; a def or class opens one.
            depth = len(line) - len(line.lstrip())
            scopes = [s for s in scopes if s[0] < depth]
            definition = DEF.match(line)
            if definition:
                scopes.append((depth, definition.group(2), definition.group(3)))
        if stripped == END:
            if not inside:
                raise ValueError(f"{where}, line {number}: {END} without {BEGIN}")
            inside = False
        elif not inside:
            out.append(line)
    if inside:
        raise ValueError(f"{where}: {BEGIN} is never closed")
    return "\n".join(out)


def exercise_version(nb, name: str):
    """The exercise notebook for the solution notebook ``nb`` (which is left unchanged)."""
    nb = copy.deepcopy(nb)
    n_solutions = 0
    for index, cell in enumerate(nb.cells):
        where = f"{name}, cell {index}"
        tagged = "solution" in cell.metadata.get("tags", [])
        has_markers = BEGIN in cell.source
        if tagged != has_markers:
            raise ValueError(
                f"{where}: a cell tagged 'solution' must hold {BEGIN} ... {END}, "
                f"and only such cells may (tagged={tagged}, markers={has_markers})"
            )
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
            cell.source = empty_prediction(cell.source)
            if tagged:
                cell.source = strip_solutions(cell.source, where)
                cell.metadata["tags"] = [t for t in cell.metadata["tags"] if t != "solution"] + [
                    "exercise"
                ]
                n_solutions += 1
    if not n_solutions:
        raise ValueError(f"{name}: no cell tagged 'solution'")
    nb.cells.insert(1, nbformat.v4.new_markdown_cell(BANNER.format(name=name)))
    nb.cells[1].id = "exercise-banner"
    return nb


def rendered(nb) -> str:
    return nbformat.writes(nb) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files out of date")
    args = parser.parse_args(argv)
    stale = []
    for path in sorted(LABS.glob("lab*.ipynb")):
        text = rendered(exercise_version(nbformat.read(path, as_version=4), path.name))
        target = EXERCISES / path.name
        if target.exists() and target.read_text(encoding="utf-8") == text:
            continue
        stale.append(target)
        if not args.check:
            EXERCISES.mkdir(exist_ok=True)
            target.write_text(text, encoding="utf-8")
    orphans = sorted(
        set(p.name for p in EXERCISES.glob("*.ipynb"))
        - set(p.name for p in LABS.glob("lab*.ipynb"))
    )
    if args.check:
        for path in stale:
            print(f"out of date: {path.relative_to(ROOT)} (run python scripts/make_exercises.py)")
        for name in orphans:
            print(f"no solution notebook for exercises/{name}")
        return 1 if stale or orphans else 0
    for path in stale:
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
