"""``python -m nnwidgets train``, run as a user runs it: a real subprocess."""

import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from nnwidgets import Network

TINY = ("--bundled", "--sizes", "784,16,10")


def run(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "nnwidgets", "train", *args],
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def assert_usage_error(result, message):
    """Exit 2, one `nnwidgets train: error:` line, no traceback, and nothing trained."""
    assert result.returncode == 2, result.stderr
    assert f"nnwidgets train: error: {message}" in result.stderr
    assert "Traceback" not in result.stderr
    assert "epoch" not in result.stdout


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


@pytest.mark.parametrize(
    "args, message",
    [
        (("--sizes", "784,x,10"), "argument --sizes: must be comma-separated integers"),
        (("--sizes", "784,0,10"), "argument --sizes: must be two or more positive layer sizes"),
        (("--sizes", "100,10"), "argument --sizes: must start with 784"),
        (("--epochs", "-1"), "argument --epochs: must be a positive integer; got '-1'"),
        (("--batch-size", "0"), "argument --batch-size: must be a positive integer; got '0'"),
        (
            ("--learning-rate", "nan"),
            "argument --learning-rate: must be a finite number > 0; got 'nan'",
        ),
        (("--momentum", "1"), "argument --momentum: must be in [0, 1); got '1'"),
        (("--data", "/nonexistent"), "argument --data: not a directory: '/nonexistent'"),
        (("--bundled", "--data", "/tmp"), "argument --data: not allowed with argument --bundled"),
        (("--bundled", "--dataset", "fashion"), "--bundled holds MNIST digits only"),
        (("--bundled", "--activation", "swish"), "activation must be one of 'sigmoid'"),
        (
            ("--bundled", "--save-interrupted"),
            "--save-interrupted says how to save the network, but nothing is saved without --out",
        ),
        (
            ("--bundled", "--save-dtype", "float16"),
            "--save-dtype says how to save the network, but nothing is saved without --out",
        ),
    ],
    ids=lambda v: v[0] if isinstance(v, tuple) else None,
)
def test_bad_arguments_are_one_line_usage_errors(args, message):
    assert_usage_error(run(*args), message)


def test_an_incomplete_data_folder_is_a_usage_error(tmp_path):
    # Found only when the loader reads the folder: the loader's own message, without a traceback.
    (tmp_path / "train-images-idx3-ubyte").write_bytes(b"not an IDX file")
    assert_usage_error(run("--data", str(tmp_path)), f"path={str(tmp_path)!r}: {tmp_path} lacks")


def test_failed_download_is_a_usage_error_that_offers_the_offline_subset(tmp_path):
    # The real loader and CLI, with MNIST's mirrors pointed at a port nobody listens on, so the
    # test never reaches the internet.
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/"
    code = (
        "import sys; from nnwidgets.datasets import mnist; "
        "mnist._SPECS['mnist'] = mnist._MNIST._replace(mirrors=(sys.argv[1],)); "
        "from nnwidgets.cli import main; sys.exit(main(sys.argv[2:]))"
    )
    env = {k: v for k, v in os.environ.items() if k != "NNWIDGETS_DATA"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    result = subprocess.run(
        [sys.executable, "-c", code, dead, "train", "--epochs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert_usage_error(result, "could not download train-images-idx3-ubyte.gz")
    assert dead + "train-images-idx3-ubyte.gz" in result.stderr
    assert (
        "load_mnist(bundled=True)" in result.stderr
        and "--bundled trains on that subset" in result.stderr
    )


def test_training_divergence_is_reported_not_a_traceback():
    result = run(
        "--bundled",
        "--sizes",
        "784,10",
        "--activation",
        "linear",
        "--output",
        "linear",
        "--cost",
        "quadratic",
        "--learning-rate",
        "1e6",
        "--epochs",
        "1",
    )
    assert result.returncode == 1
    assert "error: training diverged" in result.stderr
    assert "Traceback" not in result.stderr


# --- --out, checked before training ----------------------------------------------------------


def test_missing_output_folders_are_made(tmp_path):
    out = tmp_path / "new" / "deeper" / "net.npz"
    result = run(*TINY, "--epochs", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert Network.load(out).sizes == [784, 16, 10]


def test_output_that_is_a_directory_is_refused_before_training(tmp_path):
    assert_usage_error(
        run(*TINY, "--epochs", "1", "--out", str(tmp_path)),
        f"--out must name a file, but {str(tmp_path)!r} is a directory",
    )


def test_output_under_a_file_is_refused_before_training(tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    out = tmp_path / "notes.txt" / "net.npz"
    assert_usage_error(
        run(*TINY, "--epochs", "1", "--out", str(out)),
        f"--out {str(out)!r}: {tmp_path / 'notes.txt'} is a file, not a folder",
    )
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_output_in_a_folder_without_write_permission_is_refused_before_training():
    # Not under tmp_path: pytest keeps that private (0700) to the user running the tests.
    with tempfile.TemporaryDirectory() as top:
        locked = Path(top) / "locked"
        locked.mkdir()
        out = locked / "net.npz"
        command = [
            sys.executable,
            "-m",
            "nnwidgets",
            "train",
            *TINY,
            "--epochs",
            "1",
            "--out",
            str(out),
        ]
        if os.geteuid() == 0:
            # Root may write anywhere: run the command as `nobody`, for whom a root-owned 0755
            # folder is read-only, as anyone else's folder is for a user. (setpriv, unlike
            # subprocess's user=, can still start the interpreter when it lives under /root.)
            if shutil.which("setpriv") is None:
                pytest.skip("running as root and setpriv (util-linux) is missing")
            os.chmod(top, 0o755)
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        else:
            locked.chmod(0o555)
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, cwd="/")
        assert_usage_error(result, f"--out {str(out)!r}: the folder {locked} is not writable")


def test_save_errors_name_the_users_path_not_the_temporary_file(tmp_path):
    # Network.save does not make folders; its error is about net.npz, never a hidden .part file.
    target = tmp_path / "missing" / "net.npz"
    with pytest.raises(FileNotFoundError) as info:
        Network([784, 10], seed=0).save(target)
    assert info.value.filename == str(target)
    assert ".part" not in str(info.value)


# --- Ctrl-C --------------------------------------------------------------------------------------


def _default_sigint():
    # A child inherits an ignored SIGINT (tests started by `nohup`, as a background job, by some
    # CI runners) and Python then installs no KeyboardInterrupt handler: the Ctrl-C below would
    # do nothing. A terminal's Ctrl-C reaches a process whose SIGINT is the default, so start the
    # child that way, before exec.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def interrupt_training(*args, deadline=120):
    """Start training, wait for the first progress bar on stderr, then press Ctrl-C."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "nnwidgets", "train", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_default_sigint,
    )
    seen, give_up = b"", time.monotonic() + deadline
    try:
        while b"epoch " not in seen:
            assert time.monotonic() < give_up, f"no progress output within {deadline}s: {seen!r}"
            ready, _, _ = select.select([proc.stderr], [], [], 1.0)
            if ready:
                chunk = os.read(proc.stderr.fileno(), 4096)
                assert chunk, f"the trainer ended before training started: {seen!r}"
                seen += chunk
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    return proc.returncode, out.decode(), (seen + err).decode()


@pytest.fixture
def finished_model(tmp_path):
    """A model file a user already has: an interrupted run must not replace it."""
    path = tmp_path / "model.npz"
    Network([784, 20, 10], seed=1).save(path)
    return path


def test_ctrl_c_keeps_an_existing_model_and_saves_beside_it(finished_model):
    before = finished_model.read_bytes()
    code, out, err = interrupt_training(*TINY, "--epochs", "500", "--out", str(finished_model))
    beside = finished_model.with_name("model.interrupted.npz")
    assert code == 130, err
    assert finished_model.read_bytes() == before
    assert f"saved the network as it was to {beside}; {finished_model} is left as it was" in err
    assert "Traceback" not in err
    assert Network.load(beside).sizes == [784, 16, 10]


def test_ctrl_c_with_save_interrupted_replaces_the_model(finished_model):
    code, out, err = interrupt_training(
        *TINY, "--epochs", "500", "--out", str(finished_model), "--save-interrupted"
    )
    assert code == 130, err
    assert f"saved the network as it was to {finished_model}" in err
    assert Network.load(finished_model).sizes == [784, 16, 10]
    assert not finished_model.with_name("model.interrupted.npz").exists()


def test_ctrl_c_without_out_saves_nothing(tmp_path):
    code, out, err = interrupt_training(*TINY, "--epochs", "500")
    assert code == 130, err
    assert "nothing saved (no --out)" in err


# --- the command itself -----------------------------------------------------------------------


def test_version():
    from nnwidgets import __version__

    result = subprocess.run(
        [sys.executable, "-m", "nnwidgets", "--version"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and result.stdout.strip() == f"nnwidgets {__version__}"


def test_console_script_is_installed():
    # pip puts the `nnwidgets` entry point beside the interpreter of the environment.
    script = Path(sys.executable).parent / "nnwidgets"
    assert script.is_file(), (
        f"no console script at {script}: is the package installed (pip install -e .)?"
    )
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "demo" in result.stdout and "train" in result.stdout
