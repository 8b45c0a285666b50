"""scripts/measure_section2.py rewrites the measured values of figure entries and nothing else."""

import pathlib
import sys

import pytest

try:
    import tomllib
except ImportError:  # Python 3.10
    import tomli as tomllib

ROOT = pathlib.Path(__file__).parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
import measure_section2  # noqa: E402

# Comments, an inline comment after a value, a string containing '#', an entry without
# measured_at, a table left alone and a table whose name shares a prefix with another.
BEFORE = """\
# Lab 7's figures. The lead merges this file into figures.toml.

[lab7.epochs]
value = 232        # epochs until a < 0.5
exact = true
says = "epochs # until the output falls"
measured_at = "abc1234"

[lab7.epochs_ce]
value = 20
exact = true
says = "left alone"
measured_at = "abc1234"

[lab7.accuracy]
# a comment inside the table
value = 0.854
abs = 0.02
says = "accuracy"
source_value = "95.49%"

[lab7.name]
value = "diverged"
exact = true
says = "status"
measured_at = 'old'
"""


def test_only_the_value_and_measured_at_lines_of_the_named_entries_change():
    updates = {"lab7.epochs": 240, "lab7.accuracy": 0.861, "lab7.name": "ok # fine"}
    after = measure_section2.rewrite_values(BEFORE, updates, "def5678")
    parsed = tomllib.loads(after)["lab7"]
    assert parsed["epochs"]["value"] == 240 and parsed["epochs"]["measured_at"] == "def5678"
    assert parsed["accuracy"]["value"] == 0.861 and parsed["accuracy"]["measured_at"] == "def5678"
    assert parsed["name"]["value"] == "ok # fine" and parsed["name"]["measured_at"] == "def5678"
    assert parsed["epochs_ce"] == tomllib.loads(BEFORE)["lab7"]["epochs_ce"]
    old, new = BEFORE.splitlines(), after.splitlines()
    changed = [(a, b) for a, b in zip(old, new) if a != b]
    assert (
        "value = 232        # epochs until a < 0.5",
        "value = 240        # epochs until a < 0.5",
    ) in changed
    # the accuracy entry had no measured_at: it is inserted right after its value
    i = new.index("value = 0.861")
    assert new[i + 1] == 'measured_at = "def5678"'
    assert len(new) == len(old) + 1
    # every other line is the same, in the same order
    kept = [line for line in old if not line.startswith(("value", "measured_at"))]
    assert [line for line in new if not line.startswith(("value", "measured_at"))] == kept


def test_floats_are_written_exactly_and_stay_floats():
    after = measure_section2.rewrite_values(
        BEFORE, {"lab7.epochs": 3.0, "lab7.accuracy": 0.1 + 0.2}, "c"
    )
    parsed = tomllib.loads(after)["lab7"]
    assert parsed["epochs"]["value"] == 3.0 and isinstance(parsed["epochs"]["value"], float)
    assert parsed["accuracy"]["value"] == 0.1 + 0.2  # repr round-trips: exact entries stay exact
    assert measure_section2.toml_value(True) == "true"
    assert measure_section2.toml_value(1e-5) == "1e-05"


def test_a_name_without_a_table_is_refused():
    with pytest.raises(ValueError, match=r"updates must name tables of the file.*lab7.nope"):
        measure_section2.rewrite_values(BEFORE, {"lab7.nope": 1}, "c")


def test_an_entry_without_a_value_line_is_refused():
    with pytest.raises(ValueError, match=r"\[lab7.x\] must have a value line"):
        measure_section2.rewrite_values("[lab7.x]\nexact = true\n", {"lab7.x": 1}, "c")


def test_a_file_without_a_final_newline_gets_its_insert_on_a_line_of_its_own():
    after = measure_section2.rewrite_values("[lab7.x]\nexact = true\nvalue = 1", {"lab7.x": 2}, "c")
    assert tomllib.loads(after) == {"lab7": {"x": {"exact": True, "value": 2, "measured_at": "c"}}}
