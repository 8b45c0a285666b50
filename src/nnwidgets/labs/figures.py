"""Figures a lab measures: printed as a sentence, collected for the tests, never typed into prose.

A Section 2 notebook never writes a measured number into its Markdown. A code cell measures it
and calls :func:`record`, which prints it as a sentence under the cell and, when the environment
variable ``NNWIDGETS_FIGURES`` names a file, appends it there as one JSON line. The tests run
every notebook with that variable set and compare what was recorded with
``notebooks/figures.toml`` through :func:`problem`, so a figure that drifts fails CI instead of
silently disagreeing with the text around it.

An entry of ``figures.toml`` (``[lab7.neuron_epochs_quadratic]``) holds ``value`` (what was last
measured, by ``scripts/measure_section2.py``) and one way to compare:

- ``exact = true``: equal (floats to 1e-9 relative: closed-form figures);
- ``abs = 2.5`` or ``rel = 0.03``: within that distance of ``value``;
- ``min`` and/or ``max``: within bounds (orderings are recorded as differences or ratios);

plus ``says``, the ``source`` with its citation and ``source_value``, ``seeds``, ``data``
(``"bundled"`` or ``"full"``) and ``measured_at`` (the commit).

The entries live in ``notebooks/figures.toml``, one section per lab (a lab being written may
keep its own ``notebooks/figures/lab<N>.toml`` until it is merged in); :func:`read_entries`
reads them all (a name defined twice is an error), :func:`read_recorded` reads what a run
recorded, and :func:`compare_run` lists every disagreement between the two.
"""

from __future__ import annotations

import json
import math
import numbers
import os
import pathlib
import re

import numpy as np

__all__ = [
    "ENV",
    "compare_prediction",
    "compare_run",
    "problem",
    "read_entries",
    "read_recorded",
    "record",
]

ENV = "NNWIDGETS_FIGURES"
_NAME = re.compile(r"lab\d+\.[a-z][a-z0-9_]*")
_WAYS = ("exact", "abs", "rel", "min", "max")
DATA = ("bundled", "full")


def _plain(value):
    """``value`` as a JSON-able Python scalar: a bool, an int, a float or a string."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, np.integer)):
        return int(value)
    if isinstance(value, (float, np.floating)):
        return float(value)
    if isinstance(value, np.ndarray) and value.ndim == 0:
        return _plain(value.item())
    if isinstance(value, str):
        return value
    raise TypeError(
        f"a figure's value must be a number, a bool or a string; got {type(value).__name__}"
    )


def record(name: str, value, *, says: str, fmt: str = "{}"):
    """Print ``says: value`` (formatted by ``fmt``) and keep it for the tests; return ``value``.

    ``name`` is ``"lab<N>.<snake_case>"``, the key of the figure in ``notebooks/figures.toml``.
    """
    if not isinstance(name, str) or not _NAME.fullmatch(name):
        raise ValueError(f"a figure's name must look like 'lab7.some_figure'; got {name!r}")
    plain = _plain(value)
    print(f"{says}: {fmt.format(plain)}")
    path = os.environ.get(ENV)
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps({"name": name, "value": plain}) + "\n")
    return value


def compare_prediction(prediction, outcome, *, question: str, tolerance=None) -> bool | None:
    """Say how the reader's prediction compares with what the experiment gave.

    ``tolerance`` makes a numeric prediction right when it is that close. A prediction left as
    ``None`` (or ``...``) is not judged: the outcome is printed so the reader can still compare.
    Returns whether the prediction was right, or None when there was none.
    """
    if prediction is None or prediction is Ellipsis:
        print(f"{question} You did not write a prediction; the experiment says: {outcome}.")
        return None
    if _number(outcome) is not None:  # a number (never a bool), or a string of one
        guess = _number(prediction)
        if guess is None:  # "a lot": said, not judged, and the cell goes on
            print(
                f"{question} You predicted {prediction!r}, which is not a number; the "
                f"experiment says {outcome}."
            )
            return None
        if tolerance is not None:
            right = abs(guess - float(outcome)) <= tolerance
        else:
            right = math.isclose(guess, float(outcome), rel_tol=1e-9, abs_tol=1e-12)
    elif isinstance(outcome, str) and isinstance(prediction, str):
        right = _words(prediction) == _words(outcome)
    else:
        right = prediction == outcome
    verdict = "you were right" if right else "not what you expected: worth a second look"
    print(f"{question} You predicted {prediction}; the experiment says {outcome}: {verdict}.")
    return right


_NUMBER_WORDS = {
    w: i
    for i, w in enumerate(
        "zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen twenty".split()
    )
}


def _number(value) -> float | None:
    """``value`` as a float when it is a number, or a string of one ("100", " 5 %", "three");
    None otherwise. A unit such as "%" is the reader's: the number is compared as written."""
    if isinstance(value, bool):
        return None
    if isinstance(value, numbers.Real):
        return float(value)
    if isinstance(value, np.ndarray) and value.ndim == 0 and value.dtype.kind in "iuf":
        return float(value)
    if isinstance(value, str):
        text = value.strip().lower().rstrip("%").strip().replace(",", "")
        if text in _NUMBER_WORDS:
            return float(_NUMBER_WORDS[text])
        try:
            number = float(text)
        except ValueError:
            return None
        return number if math.isfinite(number) else None
    return None


def _words(text: str) -> str:
    """A string as compared: case, spaces, hyphens and underscores do not count
    ("Cross entropy" is "cross-entropy"), nor a number written as a word."""
    words = re.split(r"[\s\-_]+", text.strip().lower())
    return " ".join(str(_NUMBER_WORDS.get(w, w)) for w in words if w)


def problem(entry: dict, value) -> str | None:
    """Why ``value`` does not match the ``figures.toml`` entry, or None when it does."""
    expected = entry.get("value")
    if isinstance(value, str) or isinstance(expected, str) or isinstance(value, bool):
        return None if value == expected else f"expected {expected!r}, recorded {value!r}"
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return f"recorded {value!r}, which is not a finite number"
    if entry.get("exact"):
        if not math.isclose(value, expected, rel_tol=1e-9, abs_tol=0.0):
            return f"expected exactly {expected!r}, recorded {value!r}"
    if "abs" in entry and abs(value - expected) > entry["abs"]:
        return f"expected {expected!r} ± {entry['abs']}, recorded {value!r}"
    if "rel" in entry and abs(value - expected) > entry["rel"] * abs(expected):
        return f"expected {expected!r} ± {entry['rel']:.0%}, recorded {value!r}"
    if "min" in entry and value < entry["min"]:
        return f"expected at least {entry['min']!r}, recorded {value!r}"
    if "max" in entry and value > entry["max"]:
        return f"expected at most {entry['max']!r}, recorded {value!r}"
    if not any(k in entry for k in ("exact", "abs", "rel", "min", "max")):
        return "the entry says neither exact, abs, rel, min nor max: how should it be compared?"
    return None


def _toml(path: pathlib.Path) -> dict:
    try:
        import tomllib
    except ImportError:  # Python 3.10
        import tomli as tomllib
    with open(path, "rb") as f:
        try:
            return tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise ValueError(f"{path} is not valid TOML: {e}") from None


def _entry_problem(entry) -> str | None:
    """What is wrong with the shape of one entry (not its value), or None."""
    if not isinstance(entry, dict):
        return f"must be a table; got {type(entry).__name__}"
    if "value" not in entry:
        return "has no value"
    if not any(k in entry for k in _WAYS):
        return "says neither exact, abs, rel, min nor max: how should it be compared?"
    if entry.get("data", "bundled") not in DATA:
        return f"data must be 'bundled' or 'full'; got {entry.get('data')!r}"
    if not isinstance(entry.get("says"), str) or not entry["says"]:
        return "has no says (what the figure is, in words)"
    return None


def read_entries(folder) -> dict[str, dict]:
    """Every figure entry under ``folder`` (the notebooks folder), by name ``"lab7.key"``.

    Reads ``folder/figures.toml`` when it exists and every ``folder/figures/*.toml`` fragment.
    A name defined in two files, a name not shaped ``lab<N>.<snake_case>``, or an entry without
    a value, a way to compare, ``says`` or a known ``data`` is a ValueError naming the file.
    Each returned entry is the TOML table plus ``"file"``: the path it came from.
    """
    folder = pathlib.Path(folder)
    files = [folder / "figures.toml"] if (folder / "figures.toml").exists() else []
    files += sorted((folder / "figures").glob("*.toml"))
    entries: dict[str, dict] = {}
    for path in files:
        for lab, table in _toml(path).items():
            if not isinstance(table, dict):
                raise ValueError(f"{path}: {lab!r} must be a table of figures like [lab7.name]")
            for key, entry in table.items():
                name = f"{lab}.{key}"
                if not _NAME.fullmatch(name):
                    raise ValueError(
                        f"{path}: a figure's name must look like 'lab7.x'; got {name!r}"
                    )
                if name in entries:
                    first = entries[name]["file"]
                    raise ValueError(f"{path}: figure {name!r} is defined twice (also in {first})")
                wrong = _entry_problem(entry)
                if wrong:
                    raise ValueError(f"{path}: figure {name!r} {wrong}")
                entries[name] = {**entry, "file": str(path)}
    return entries


def read_recorded(path) -> list[tuple[str, object]]:
    """The ``(name, value)`` pairs a run recorded into the file ``NNWIDGETS_FIGURES`` named, in
    order (an absent file: none)."""
    path = pathlib.Path(path)
    if not path.exists():
        return []
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            item = json.loads(line)
            pairs.append((item["name"], item["value"]))
    return pairs


def compare_run(recorded, entries: dict, *, lab: str | None, data=("bundled",)) -> list[str]:
    """Every disagreement between a notebook run's ``recorded`` figures and the ``entries``.

    A recorded name without an entry, a value its entry refuses (:func:`problem`), and an entry
    of ``lab`` (e.g. ``"lab7"``) whose ``data`` is in ``data`` but that the run never recorded.
    Returns one sentence per disagreement (an empty list when they agree).
    """
    if isinstance(data, str):
        data = (data,)
    problems, seen = [], set()
    for name, value in recorded:
        seen.add(name)
        entry = entries.get(name)
        if entry is None:
            problems.append(f"{name} = {value!r} was recorded but has no entry in figures.toml")
            continue
        wrong = problem(entry, value)
        if wrong:
            problems.append(f"{name} ({entry.get('says', '')}): {wrong} [{entry['file']}]")
    if lab is not None:
        for name, entry in entries.items():
            if (
                name.split(".")[0] == lab
                and entry.get("data", "bundled") in data
                and name not in seen
            ):
                problems.append(
                    f"{name} has data = {entry.get('data', 'bundled')!r} in {entry['file']} but "
                    "the notebook did not record it"
                )
    return problems
