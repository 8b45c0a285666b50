"""``make demo`` as a first-time reader meets it: the server started by ``python -m nnwidgets
demo`` (the command ``make demo`` runs, with ``--no-browser`` and a known port and token), a
fresh user with no JupyterLab settings, and headless Chromium on the link the server prints.

The session's shared server (conftest) switches the news prompt off in its own settings, so no
other test would see the toast a reader sees; this one has no such settings.
"""

import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

import pytest
from _pages import fresh_page
from conftest import SERVER_START_TIMEOUT, _free_port

pytestmark = pytest.mark.e2e


@pytest.fixture
def demo_server(tmp_path):
    """``python -m nnwidgets demo`` in a subprocess, as a fresh user: ``(url, token, log)``."""
    home = tmp_path / "home"
    dirs = {
        name: tmp_path / name for name in ("config", "data", "runtime", "settings", "workspaces")
    }
    for d in (home, *dirs.values()):
        d.mkdir()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(dirs["config"]),
        JUPYTER_DATA_DIR=str(dirs["data"]),
        JUPYTER_RUNTIME_DIR=str(dirs["runtime"]),
        JUPYTERLAB_SETTINGS_DIR=str(dirs["settings"]),  # empty: a user who never chose
        JUPYTERLAB_WORKSPACES_DIR=str(dirs["workspaces"]),
        PYTHONUNBUFFERED="1",
    )
    env.pop("JUPYTER_TOKEN", None)
    env.pop("JUPYTER_CONFIG_PATH", None)
    port, token = _free_port(), secrets.token_hex(24)
    log_path = tmp_path / "demo.log"
    cmd = [
        sys.executable,
        "-m",
        "nnwidgets",
        "demo",
        "--dir",
        str(home / "nnwidgets-notebooks"),
        "--no-browser",
        "--port",
        str(port),
        # What a machine without a browser adds; passed on to `jupyter lab` as given.
        "--ServerApp.ip=127.0.0.1",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        "--ServerApp.terminals_enabled=False",
    ]
    with open(log_path, "w") as log:
        # A session of its own, so that teardown can end the server however the demo ended.
        proc = subprocess.Popen(
            cmd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            deadline = time.monotonic() + SERVER_START_TIMEOUT
            while True:
                assert proc.poll() is None, (
                    f"demo exited {proc.returncode}:\n{log_path.read_text()}"
                )
                try:
                    req = urllib.request.Request(
                        f"http://127.0.0.1:{port}/api/status",
                        headers={"Authorization": f"token {token}"},
                    )
                    urllib.request.urlopen(req, timeout=2).read()
                    break
                except (urllib.error.URLError, ConnectionError, OSError):
                    assert time.monotonic() < deadline, f"no server:\n{log_path.read_text()}"
                    time.sleep(0.1)  # polling a socket that is not listening yet
            yield f"http://127.0.0.1:{port}", token, log_path
        finally:
            proc.terminate()  # the demo passes it on to its server (tests/test_demo.py)
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # whatever is left of the session
            except ProcessLookupError:
                pass


def test_make_demo_opens_the_quickstart_with_no_news_prompt_and_a_quiet_log(demo_server, browser):
    url, token, log_path = demo_server
    out = log_path.read_text()
    # The link printed for a machine where no browser opens goes to the quickstart itself.
    links = re.findall(r"http://\S+", out)
    assert any(link.startswith(f"{url}/lab/tree/quickstart.ipynb?token=") for link in links), out
    assert "nnwidgets: the notebooks are in " in out

    with fresh_page(browser, viewport={"width": 1280, "height": 900}, timeout=60_000) as (
        page,
        errors,
    ):
        page.goto(f"{url}/lab/tree/quickstart.ipynb?token={token}")
        page.locator(".jp-NotebookPanel .jp-Cell").first.wait_for()
        # The kernel started (the status bar names it): the page has settled.
        page.get_by_text(re.compile(r"Python 3 \(ipykernel\) \| Idle")).first.wait_for()
        # The news question comes as a toast soon after start-up; give it ample time to appear.
        time.sleep(4)
        toasts = page.locator(".Toastify__toast").all_inner_texts()
        assert not [t for t in toasts if "news" in t.lower()], toasts
        assert page.locator(".jp-Dialog").count() == 0  # no "Select Kernel" either
        if os.environ.get("NNWIDGETS_E2E_SCREENSHOTS"):
            page.screenshot(path=str(log_path.with_name("demo.png")))
    log = log_path.read_text()
    assert "Skipped non-installed server(s)" not in log
    assert "is not trusted" not in log
