"""The figure registry: what a notebook records, the TOML entries, and how they are compared."""

import json

import numpy as np
import pytest

from nnwidgets.labs import figures


def test_record_prints_the_sentence_and_appends_a_json_line(tmp_path, monkeypatch, capsys):
    out = tmp_path / "figures.jsonl"
    monkeypatch.setenv(figures.ENV, str(out))
    assert figures.record("lab7.accuracy", np.float32(0.5), says="accuracy", fmt="{:.1%}") == 0.5
    figures.record("lab7.epochs", np.int64(232), says="epochs")
    assert capsys.readouterr().out == "accuracy: 50.0%\nepochs: 232\n"
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert lines == [{"name": "lab7.accuracy", "value": 0.5}, {"name": "lab7.epochs", "value": 232}]
    assert type(lines[1]["value"]) is int  # a NumPy integer is stored as an integer
    assert figures.read_recorded(out) == [("lab7.accuracy", 0.5), ("lab7.epochs", 232)]


def test_record_without_the_variable_only_prints(tmp_path, monkeypatch, capsys):
    monkeypatch.delenv(figures.ENV, raising=False)
    monkeypatch.chdir(tmp_path)
    figures.record("lab8.loss", 2.3, says="loss")
    assert capsys.readouterr().out == "loss: 2.3\n" and list(tmp_path.iterdir()) == []
    assert figures.read_recorded(tmp_path / "absent.jsonl") == []


@pytest.mark.parametrize("name", ["accuracy", "lab7", "lab7.Accuracy", "lab.x", "lab7.x-y"])
def test_a_badly_shaped_name_is_refused(name):
    with pytest.raises(ValueError, match="a figure's name must look like"):
        figures.record(name, 1, says="x")


def test_a_value_that_is_not_a_scalar_is_refused():
    with pytest.raises(TypeError, match="a figure's value must be a number.*got list"):
        figures.record("lab7.x", [1, 2], says="x")


@pytest.mark.parametrize(
    "entry, value, wrong",
    [
        ({"value": 232, "exact": True}, 232, None),
        ({"value": 232, "exact": True}, 233, "expected exactly 232"),
        ({"value": 0.1, "exact": True}, 0.1 + 1e-12, None),  # floats to 1e-9 relative
        ({"value": 0.1, "exact": True}, 0.1001, "expected exactly"),
        ({"value": 0.9, "abs": 0.025}, 0.92, None),
        ({"value": 0.9, "abs": 0.025}, 0.93, "± 0.025"),
        ({"value": 100, "rel": 0.03}, 97.5, None),
        ({"value": 100, "rel": 0.03}, 96.0, "± 3%"),
        ({"value": 5, "min": 3}, 3, None),
        ({"value": 5, "min": 3}, 2.9, "at least 3"),
        ({"value": 5, "max": 6}, 6.1, "at most 6"),
        ({"value": 0.5, "abs": 1}, float("nan"), "not a finite number"),
        ({"value": "diverged", "exact": True}, "diverged", None),
        ({"value": "diverged", "exact": True}, "ok", "expected 'diverged'"),
        ({"value": True, "exact": True}, False, "expected True"),
        ({"value": 5}, 5, "neither exact"),
    ],
)
def test_problem_compares_a_value_with_its_entry(entry, value, wrong):
    said = figures.problem(entry, value)
    assert (said is None) if wrong is None else (wrong in said), said


def test_compare_prediction_judges_and_says(capsys):
    assert figures.compare_prediction("cross-entropy", "Cross-Entropy ", question="Which?")
    assert not figures.compare_prediction(3, 5, question="How many?")
    assert figures.compare_prediction(3, 3.4, question="How many?", tolerance=0.5)
    assert figures.compare_prediction(..., 5, question="How many?") is None
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("you were right.") and "second look" in out[1]
    assert "did not write a prediction" in out[3] and out[3].endswith("says: 5.")


def test_compare_prediction_reads_predictions_as_readers_write_them(capsys):
    # A number in quotes or with its unit is that number; a number word too.
    assert figures.compare_prediction("100", 100, question="How many?")
    assert figures.compare_prediction(" 5 %", 5.4, question="How many points?", tolerance=1)
    assert figures.compare_prediction("three", 3, question="How many layers?")
    assert figures.compare_prediction(np.float32(0.5), 0.5, question="Which?")
    assert not figures.compare_prediction("101", 100, question="How many?")
    # Spelling that does not change the answer does not make it wrong.
    assert figures.compare_prediction("cross entropy", "cross-entropy", question="Which?")
    assert figures.compare_prediction("Three layers", "3 layers", question="How deep?")
    assert not figures.compare_prediction("quadratic", "cross-entropy", question="Which?")
    # Not a number where one is asked for: said, not judged, and no exception.
    assert figures.compare_prediction("a lot", 232, question="How many?", tolerance=5) is None
    assert "'a lot', which is not a number; the experiment says 232." in capsys.readouterr().out


ENTRY = 'says = "x"\nsource = "NNDL ch3"\n'


def write(path, text):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_read_entries_merges_the_main_file_and_every_fragment(tmp_path):
    write(tmp_path / "figures.toml", f"[lab5.accuracy]\nvalue = 0.9\nabs = 0.02\n{ENTRY}")
    write(tmp_path / "figures" / "lab7.toml", f"[lab7.a]\nvalue = 1\nexact = true\n{ENTRY}")
    write(
        tmp_path / "figures" / "lab8.toml",
        f'[lab8.b]\nvalue = 2.3\nabs = 0.05\ndata = "full"\n{ENTRY}\n'
        f"[lab8.c]\nvalue = 3\nmin = 1\n{ENTRY}",
    )
    entries = figures.read_entries(tmp_path)
    assert sorted(entries) == ["lab5.accuracy", "lab7.a", "lab8.b", "lab8.c"]
    assert entries["lab8.b"]["data"] == "full" and entries["lab8.b"]["value"] == 2.3
    assert entries["lab7.a"]["file"].endswith("lab7.toml")


def test_read_entries_reads_fragments_alone(tmp_path):
    write(tmp_path / "figures" / "lab7.toml", f"[lab7.a]\nvalue = 1\nexact = true\n{ENTRY}")
    assert list(figures.read_entries(tmp_path)) == ["lab7.a"]


def test_a_name_defined_in_two_files_is_an_error(tmp_path):
    write(tmp_path / "figures.toml", f"[lab7.a]\nvalue = 1\nexact = true\n{ENTRY}")
    write(tmp_path / "figures" / "lab7.toml", f"[lab7.a]\nvalue = 1\nexact = true\n{ENTRY}")
    with pytest.raises(ValueError, match=r"lab7.toml: figure 'lab7.a' is defined twice.*figures"):
        figures.read_entries(tmp_path)


@pytest.mark.parametrize(
    "text, wrong",
    [
        (f"[lab7.a]\nexact = true\n{ENTRY}", "has no value"),
        (f"[lab7.a]\nvalue = 1\n{ENTRY}", "neither exact"),
        (f'[lab7.a]\nvalue = 1\nexact = true\ndata = "mnist"\n{ENTRY}', "data must be"),
        ("[lab7.a]\nvalue = 1\nexact = true\n", "has no says"),
        (f"[lab7.A]\nvalue = 1\nexact = true\n{ENTRY}", "must look like"),
        ("[lab7.a\nvalue = 1\n", "not valid TOML"),
    ],
)
def test_a_malformed_entry_is_an_error_naming_the_file(tmp_path, text, wrong):
    write(tmp_path / "figures" / "lab7.toml", text)
    with pytest.raises(ValueError, match=wrong) as info:
        figures.read_entries(tmp_path)
    assert "lab7.toml" in str(info.value)


def entries_for_compare(tmp_path):
    write(
        tmp_path / "figures" / "lab7.toml",
        f"[lab7.a]\nvalue = 1\nexact = true\n{ENTRY}\n"
        f'[lab7.full]\nvalue = 0.95\nabs = 0.01\ndata = "full"\n{ENTRY}\n',
    )
    write(tmp_path / "figures" / "lab8.toml", f"[lab8.b]\nvalue = 2\nexact = true\n{ENTRY}")
    return figures.read_entries(tmp_path)


def test_compare_run_agrees_when_every_bundled_figure_of_the_lab_is_recorded_and_right(tmp_path):
    entries = entries_for_compare(tmp_path)
    assert figures.compare_run([("lab7.a", 1)], entries, lab="lab7") == []
    # lab8's entry and lab7's full-MNIST entry are not expected from lab 7's offline run


def test_compare_run_names_each_disagreement(tmp_path):
    entries = entries_for_compare(tmp_path)
    said = figures.compare_run([("lab7.a", 2), ("lab7.extra", 5)], entries, lab="lab8")
    assert len(said) == 3
    assert "lab7.a" in said[0] and "expected exactly 1" in said[0]
    assert "lab7.extra = 5 was recorded but has no entry" in said[1]
    assert "lab8.b" in said[2] and "did not record it" in said[2]


def test_compare_run_of_the_full_mnist_run_expects_the_full_entries_too(tmp_path):
    entries = entries_for_compare(tmp_path)
    said = figures.compare_run([("lab7.a", 1)], entries, lab="lab7", data=("bundled", "full"))
    assert len(said) == 1 and "lab7.full has data = 'full'" in said[0]
    assert (
        figures.compare_run(
            [("lab7.a", 1), ("lab7.full", 0.951)], entries, lab="lab7", data=("bundled", "full")
        )
        == []
    )
