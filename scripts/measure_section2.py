"""Run lab notebooks and write the figures they record into the TOML entries that hold them.

    python scripts/measure_section2.py --lab 7 [--lab 8 ...] [--full]

Each named lab (notebooks/lab<N>_*.ipynb) runs top to bottom in a fresh kernel through nbclient,
as tests/test_notebooks.py runs it: offline, on the bundled data. ``--full`` first sets the line
``FULL_MNIST = False`` to ``FULL_MNIST = True``, so the lab also repeats NNDL's run on the full
MNIST that NNWIDGETS_DATA names (it must). Every recorded figure's entry, in
notebooks/figures.toml or its lab's fragment notebooks/figures/lab<N>.toml, gets the new
``value`` and ``measured_at`` (the short commit); everything else in the file (comments, order,
tolerances, sources) stays as it was. A table of name / old / new / source_value is printed,
and a TOML skeleton for each recorded figure that has no entry yet.

Tolerances are not touched: after measuring, run the notebook's tests to see whether the new
values sit within them (a value outside its ``min``/``max`` means the text's claim broke).
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
FULL_LINE = "FULL_MNIST = False"
_HEADER = re.compile(r"^\s*\[\s*([^\[\]\s]+)\s*\]\s*(#.*)?$")
_KEY = re.compile(r"^(\s*)(value|measured_at)(\s*=\s*)(.*)$")


def toml_value(value) -> str:
    """``value`` written as a TOML literal (floats exactly, by their shortest repr)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        text = repr(value)  # 0.1, 1e-05, inf, nan: each a TOML float; 3.0 stays 3.0
        return text + ".0" if re.fullmatch(r"-?\d+", text) else text
    if isinstance(value, str):
        return json.dumps(value)  # a TOML basic string: the same escapes as JSON
    raise TypeError(
        f"value must be a bool, an int, a float or a string; got {type(value).__name__}"
    )


def _split_value(rest: str) -> tuple[str, str]:
    """The TOML value at the start of ``rest`` and what follows it (spaces, a comment)."""
    stripped = rest.lstrip()
    lead = rest[: len(rest) - len(stripped)]
    if stripped[:1] in ('"', "'"):
        quote, i = stripped[0], 1
        while i < len(stripped) and stripped[i] != quote:
            i += 2 if quote == '"' and stripped[i] == "\\" else 1
        end = i + 1
    else:
        end = stripped.find("#") if "#" in stripped else len(stripped)
        end = len(stripped[:end].rstrip())
    return lead + stripped[:end], stripped[end:]


def rewrite_values(text: str, updates: dict, commit: str) -> str:
    """``text`` (a figures TOML file) with each entry named in ``updates`` given its new
    ``value`` and ``measured_at = commit``; every other line is kept byte for byte.

    An entry without a ``measured_at`` line gets one right after its ``value``. A name in
    ``updates`` with no table in ``text``, or a table without a ``value``, is a ValueError.
    """
    lines = text.splitlines(keepends=True)
    tables: dict[str, list[int]] = {}  # name -> indices of its lines
    current = None
    for i, line in enumerate(lines):
        header = _HEADER.match(line.rstrip("\r\n"))
        if header:
            current = header.group(1)
            tables[current] = []
        elif current is not None:
            tables[current].append(i)
    missing = [name for name in updates if name not in tables]
    if missing:
        raise ValueError(f"updates must name tables of the file; got {missing} not in it")
    inserts: dict[int, str] = {}
    for name, value in updates.items():
        found = {}
        for i in tables[name]:
            key = _KEY.match(lines[i].rstrip("\r\n"))
            if key:
                found[key.group(2)] = (i, key)
        if "value" not in found:
            raise ValueError(f"the entry [{name}] must have a value line; got none")
        for field, new in (("value", toml_value(value)), ("measured_at", toml_value(commit))):
            if field not in found:
                continue
            i, key = found[field]
            ending = lines[i][len(lines[i].rstrip("\r\n")) :]
            _, after = _split_value(key.group(4))
            lines[i] = f"{key.group(1)}{field}{key.group(3)}{new}{after}{ending}"
        if "measured_at" not in found:
            i, key = found["value"]
            ending = lines[i][len(lines[i].rstrip("\r\n")) :] or "\n"
            inserts[i] = f"{key.group(1)}measured_at = {toml_value(commit)}{ending}"
    out = []
    for i, line in enumerate(lines):
        out.append(line)
        if i in inserts:
            if not line.endswith(("\n", "\r")):
                out[-1] = line + "\n"
            out.append(inserts[i])
    return "".join(out)


def notebook_of(lab: int) -> pathlib.Path:
    found = sorted(NOTEBOOKS.glob(f"lab{lab}_*.ipynb"))
    if len(found) != 1:
        raise SystemExit(f"--lab {lab}: expected one notebooks/lab{lab}_*.ipynb; found {found}")
    return found[0]


def run_notebook(path: pathlib.Path, *, full: bool) -> list[tuple[str, object]]:
    """Execute the notebook as the tests do and return the figures it recorded."""
    import nbformat
    from nbclient import NotebookClient

    from nnwidgets.labs import figures

    nb = nbformat.read(path, as_version=4)
    if full:
        cells = [c for c in nb.cells if c.cell_type == "code" and FULL_LINE in c.source.split("\n")]
        if len(cells) != 1:
            raise SystemExit(f"{path.name}: --full needs exactly one line {FULL_LINE!r}")
        cells[0].source = cells[0].source.replace(FULL_LINE, "FULL_MNIST = True", 1)
    with tempfile.TemporaryDirectory() as tmp:
        recorded = pathlib.Path(tmp) / "figures.jsonl"
        saved = {k: os.environ.get(k) for k in (figures.ENV, "NNWIDGETS_DATA", "XDG_CACHE_HOME")}
        os.environ[figures.ENV] = str(recorded)
        os.environ["XDG_CACHE_HOME"] = str(pathlib.Path(tmp) / "cache")
        if not full:
            os.environ.pop("NNWIDGETS_DATA", None)
        try:
            client = NotebookClient(
                nb,
                timeout=600 if full else 120,
                kernel_name="python3",
                resources={"metadata": {"path": tmp}},
            )
            client.execute()
        finally:
            for k, v in saved.items():
                if v is None:
                    os.environ.pop(k, None)
                else:
                    os.environ[k] = v
        return figures.read_recorded(recorded)


def _short(value) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def short_commit() -> str:
    out = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    )
    return out.stdout.strip() or "unknown"


def main(argv=None) -> int:
    from nnwidgets.labs import figures

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lab", type=int, action="append", required=True, help="lab number")
    parser.add_argument("--full", action="store_true", help="also run the FULL_MNIST cell")
    args = parser.parse_args(argv)
    if args.full and not os.environ.get("NNWIDGETS_DATA"):
        parser.error("--full needs NNWIDGETS_DATA naming a folder with full MNIST")
    commit = short_commit()
    rows, skeletons = [], []
    for lab in args.lab:
        path = notebook_of(lab)
        start = time.perf_counter()
        recorded = run_notebook(path, full=args.full)
        seconds = time.perf_counter() - start
        print(
            f"{path.name}: {len(recorded)} figures in {seconds:.0f} s "
            f"(load average {os.getloadavg()[0]:.1f})"
        )
        entries = figures.read_entries(NOTEBOOKS)
        latest = dict(recorded)  # a figure recorded twice: its last value
        by_file: dict[str, dict] = {}
        for name, value in latest.items():
            entry = entries.get(name)
            if entry is None:
                skeletons.append(
                    f"[{name}]\nvalue = {toml_value(value)}\nabs = ...\nsays = ...\n"
                    f'source = ...\nseeds = [0]\ndata = "{"full" if args.full else "bundled"}"\n'
                    f'measured_at = "{commit}"\n'
                )
                continue
            by_file.setdefault(entry["file"], {})[name] = value
            rows.append((name, entry.get("value"), value, entry.get("source_value", "")))
        for file, updates in by_file.items():
            p = pathlib.Path(file)
            p.write_text(rewrite_values(p.read_text(encoding="utf-8"), updates, commit), "utf-8")
    if rows:
        width = max(len(r[0]) for r in rows)
        print(f"\n{'name':<{width}}  {'old':>12}  {'new':>12}  source_value")
        for name, old, new, source in rows:
            print(f"{name:<{width}}  {_short(old):>12}  {_short(new):>12}  {source}")
    if skeletons:
        print("\nrecorded without an entry (add to notebooks/figures/lab<N>.toml):\n")
        print("\n".join(skeletons))
    return 0


if __name__ == "__main__":
    sys.exit(main())
