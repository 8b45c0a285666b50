"""``python -m nnwidgets train``, run as a user runs it: a real subprocess."""

import subprocess
import sys

import pytest

from nnwidgets import Network


def run(*args, **kwargs):
    return subprocess.run([sys.executable, "-m", "nnwidgets", "train", *args],
                          capture_output=True, text=True, timeout=300, **kwargs)


def test_train_on_bundled_data_and_save(tmp_path):
    out = tmp_path / "net.npz"
    result = run("--bundled", "--sizes", "784,32,10", "--epochs", "2", "--out", str(out))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("Network([784, 32, 10]")
    assert lines[1].startswith("epoch   1/2") and "test acc" in lines[1]
    assert "saved to" in lines[-1]
    net = Network.load(out)
    accuracy = float(lines[-2].split()[2])
    assert accuracy > 0.85
    from nnwidgets import load_bundled
    data = load_bundled()
    assert net.score(data.X_test, data.y_test) == pytest.approx(accuracy, abs=1e-4)


def test_preset_with_overrides(tmp_path):
    result = run("--bundled", "--preset", "book-ch1", "--epochs", "1")
    assert result.returncode == 0, result.stderr
    assert "activation='sigmoid'" in result.stdout and "epoch   1/1" in result.stdout


def test_bad_arguments_are_reported():
    result = run("--sizes", "784,x,10")
    assert result.returncode == 2
    assert "--sizes must be comma-separated integers" in result.stderr


def test_divergence_is_reported_not_a_traceback():
    result = run("--bundled", "--sizes", "784,10", "--activation", "linear", "--output", "linear",
                 "--cost", "quadratic", "--learning-rate", "1e6", "--epochs", "1")
    assert result.returncode == 1
    assert "error: training diverged" in result.stderr
    assert "Traceback" not in result.stderr
