"""A real JupyterLab (and Notebook 7) server and a real headless Chromium, for widget tests.

Fixtures
--------
``jupyter_server`` (session)
    One ``jupyter lab`` server for the whole session, on 127.0.0.1, a free port and a random
    token, rooted in a fresh temporary directory, with its own settings (news and update checks
    off, every notebook cell rendered) and an empty workspace. The same server serves JupyterLab
    at ``/lab`` and, because ``notebook`` is installed, Notebook 7 at ``/tree`` and ``/notebooks``.
``browser`` (session)
    Debian's ``chromium`` driven by the ``playwright`` PyPI package.
``open_notebook`` (function)
    ``open_notebook(cells, app="lab") -> NotebookPage``: writes the cells into a new notebook in
    the server root, opens it in a fresh browser context, runs all cells and waits until they have
    finished and the kernel is idle. On a test failure every page it opened is screenshotted into
    ``$NNWIDGETS_E2E_ARTIFACTS`` (default: ``<pytest basetemp>/e2e-artifacts``) and its console
    errors are printed. ``NNWIDGETS_E2E_SCREENSHOTS=1`` also saves every notebook as first rendered.

Every test here is marked ``e2e``; all of them are skipped, with the reason, when chromium or
playwright is missing. The notebook is driven through JupyterLab's own commands
(``window.jupyterapp``, exposed with ``expose_app_in_browser``) so waits are on real conditions:
the run-all promise, the kernel status, the cell's outputs in the notebook model. Pointer and
keyboard input in a widget is then ordinary Playwright on ``NotebookPage.page``.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import secrets
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from _chromium import CHROMIUM, CHROMIUM_ARGS
from _myst import _HOST_PAGE, ORIGIN

SERVER_START_TIMEOUT = 90  # seconds; a cold start on a 2-core CI machine takes about 5
KERNEL_TIMEOUT_MS = 120_000  # opening a notebook, starting its kernel, running all its cells
CELL_TIMEOUT_MS = 60_000

try:
    import playwright.sync_api as _pw
except ImportError:  # pragma: no cover - depends on the environment
    _pw = None


def _skip_reason() -> str | None:
    if _pw is None:
        return "e2e tests need the playwright PyPI package (pip install -e '.[test]')"
    if CHROMIUM is None:
        return (
            "e2e tests need Debian's chromium on PATH (apt-get install chromium, or `make browser`)"
        )
    return None


def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    reason = _skip_reason()
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.e2e)
            if reason:
                item.add_marker(pytest.mark.skip(reason=reason))


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Keep each phase's report on the item, so fixtures can tell in teardown whether the test
    # failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)


# --------------------------------------------------------------------------------------- server


@dataclass
class JupyterServer:
    url: str  # http://127.0.0.1:PORT, no trailing slash
    token: str
    root_dir: Path
    log_path: Path
    process: subprocess.Popen = field(repr=False)

    def api(self, method: str, path: str, body: dict | None = None, timeout: float = 10):
        """Call the server's REST API; returns the decoded JSON (or None for an empty body)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def log_tail(self, n: int = 40) -> str:
        lines = self.log_path.read_text(errors="replace").splitlines()
        return "\n".join(lines[-n:])

    def shutdown_sessions(self, path: str) -> None:
        """Stop the kernels of every session on ``path``.

        Each test's kernel is stopped, so two cores stay free.
        """
        try:
            for s in self.api("GET", "/api/sessions"):
                if s.get("path") == path:
                    self.api("DELETE", f"/api/sessions/{s['id']}")
        except (urllib.error.URLError, OSError):
            pass


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_settings(settings_dir: Path) -> None:
    """User settings for the test server.

    Nothing pops up over the notebook, every cell is in the DOM.
    """
    files = {
        # The "get notified about official Jupyter news?" toast covers the notebook; say no.
        "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
            "fetchNews": "false",
            "checkForUpdates": False,
        },
        # Windowed notebooks leave off-screen cells out of the DOM; tests look for them by selector.
        "@jupyterlab/notebook-extension/tracker.jupyterlab-settings": {"windowingMode": "none"},
    }
    for rel, content in files.items():
        path = settings_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(content))


@pytest.fixture(scope="session")
def jupyter_server(tmp_path_factory) -> JupyterServer:
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    base = tmp_path_factory.mktemp("jupyter")
    root, settings, workspaces, config, runtime = (
        base / d for d in ("root", "settings", "workspaces", "config", "runtime")
    )
    for d in (root, settings, workspaces, config, runtime):
        d.mkdir()
    _write_settings(settings)
    env = dict(
        os.environ,
        # Keep the server away from the user's own Jupyter config, settings and saved workspaces.
        JUPYTER_CONFIG_DIR=str(config),
        JUPYTER_RUNTIME_DIR=str(runtime),
        JUPYTERLAB_SETTINGS_DIR=str(settings),
        JUPYTERLAB_WORKSPACES_DIR=str(workspaces),
        JUPYTER_PLATFORM_DIRS="1",
        PYTHONUNBUFFERED="1",
    )
    env.pop("JUPYTER_TOKEN", None)
    port, token = _free_port(), secrets.token_hex(24)
    log_path = base / "server.log"
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        "--no-browser",
        "--allow-root",  # CI runs as root; the server refuses to start as root without it
        f"--port={port}",
        "--ServerApp.port_retries=0",
        "--ServerApp.ip=127.0.0.1",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        "--ServerApp.terminals_enabled=False",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={workspaces}",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LanguageServerManager.autodetect=False",  # as the demo: no "Skipped ..." list in logs
        # window.jupyterapp: the helper drives notebooks through the app's own commands.
        "--LabApp.expose_app_in_browser=True",
        "--JupyterNotebookApp.expose_app_in_browser=True",
    ]
    log = open(log_path, "w")
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = JupyterServer(f"http://127.0.0.1:{port}", token, root, log_path, proc)
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"jupyter lab exited with code {proc.returncode}:\n{server.log_tail()}"
                )
            try:
                server.api("GET", "/api/status", timeout=2)
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"jupyter lab did not answer /api/status within {SERVER_START_TIMEOUT} s:\n"
                        f"{server.log_tail()}"
                    ) from None
                time.sleep(0.1)  # polling a socket that is not listening yet; nothing to wait on
        yield server
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# -------------------------------------------------------------------------------------- browser


@pytest.fixture(scope="session")
def browser():
    reason = _skip_reason()
    if reason:
        pytest.skip(reason)
    with _pw.sync_playwright() as p:
        # Playwright gives every launch a fresh temporary profile (user data dir).
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="session")
def e2e_artifacts(tmp_path_factory) -> Path:
    """Where screenshots of failed tests go.

    ``$NNWIDGETS_E2E_ARTIFACTS``, or under pytest's basetemp.
    """
    env = os.environ.get("NNWIDGETS_E2E_ARTIFACTS")
    path = Path(env) if env else tmp_path_factory.getbasetemp() / "e2e-artifacts"
    path.mkdir(parents=True, exist_ok=True)
    return path


# ------------------------------------------------------------------------------------- notebook


class CellError(AssertionError):
    """A cell run by the helper raised in the kernel; the message carries the traceback."""


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")

# JavaScript run in the page. `nnwPanel(path)` finds the notebook panel for a path in JupyterLab
# and Notebook 7 alike (both are Lumino apps whose shell holds NotebookPanels).
_JS_PRELUDE = """
window.nnwPanel = (path) => {
  const app = window.jupyterapp;
  if (!app || !app.shell) return null;
  const cur = app.shell.currentWidget;
  if (cur && cur.context && cur.context.path === path && cur.content) return cur;
  for (const w of app.shell.widgets("main")) {
    if (w.context && w.context.path === path && w.content) return w;
  }
  return null;
};
window.nnwKernelIdle = (path) => {
  const p = window.nnwPanel(path);
  if (!p || !p.context.isReady || !p.sessionContext.isReady) return false;
  const k = p.sessionContext.session && p.sessionContext.session.kernel;
  return !!k && k.status === "idle" && !p.sessionContext.pendingInput;
};
window.nnwOutputs = (cell) => {
  let text = "", error = null;
  const join = (t) => (Array.isArray(t) ? t.join("") : t || "");
  for (const o of cell.model.outputs.toJSON()) {
    if (o.output_type === "stream") text += join(o.text);
    else if (o.output_type === "error")
      error = {ename: o.ename, evalue: o.evalue, traceback: o.traceback.join("\\n")};
    else if (o.data && o.data["text/plain"] !== undefined)
      text += join(o.data["text/plain"]) + "\\n";
  }
  return {text, error};
};
"""


@dataclass
class NotebookPage:
    """An open, executed notebook. ``page`` is the Playwright page; use it for pointer input and
    ``expect(...)`` assertions. ``run_cell`` appends a code cell, runs it and returns its text."""

    page: object  # playwright.sync_api.Page
    server: JupyterServer
    path: str  # notebook path relative to the server root
    app: str  # "lab" or "notebook"
    artifacts: Path
    console_errors: list[str] = field(default_factory=list)

    def screenshot(self, name: str | None = None, *, full_page: bool = True) -> Path:
        """Save a PNG of the page into the artifacts directory and return its path."""
        path = self.artifacts / f"{name or Path(self.path).stem}.png"
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def wait_idle(self, timeout_ms: int = KERNEL_TIMEOUT_MS) -> None:
        """Wait until the notebook's kernel is started and idle."""
        self.page.wait_for_function(
            "(p) => window.nnwKernelIdle(p)", arg=self.path, timeout=timeout_ms, polling=100
        )

    def run_all(self, timeout_ms: int = KERNEL_TIMEOUT_MS) -> None:
        """Run every cell (Run > Run All Cells); raise ``CellError`` if one fails."""
        self.wait_idle(timeout_ms)
        self.page.evaluate(
            """async (path) => {
                 const app = window.jupyterapp, panel = window.nnwPanel(path);
                 app.shell.activateById(panel.id);
                 await app.commands.execute("notebook:run-all-cells");
               }""",
            self.path,
        )
        errors = self.page.evaluate(
            """(path) => window.nnwPanel(path).content.widgets
                 .filter((c) => c.model.type === "code")
                 .map((c, i) => [i, window.nnwOutputs(c).error])
                 .filter(([, e]) => e)""",
            self.path,
        )
        if errors:
            i, err = errors[0]
            raise CellError(
                f"code cell {i} of {self.path} raised:\n{_ANSI.sub('', err['traceback'])}"
            )
        self.wait_idle(timeout_ms)

    def run_cell(self, code: str, timeout_ms: int = CELL_TIMEOUT_MS) -> str:
        """Append a code cell with ``code`` to the notebook, run it, and return its text output:
        stdout/stderr followed by the ``text/plain`` of any result or display. Raises ``CellError``
        with the traceback if the cell raises."""
        self.wait_idle(timeout_ms)
        out = self.page.evaluate(
            """async ([path, code]) => {
                 const app = window.jupyterapp, panel = window.nnwPanel(path), nb = panel.content;
                 app.shell.activateById(panel.id);
                 nb.activeCellIndex = nb.widgets.length - 1;
                 await app.commands.execute("notebook:insert-cell-below");
                 await app.commands.execute("notebook:change-cell-to-code");
                 const cell = nb.activeCell;
                 cell.model.sharedModel.setSource(code);
                 await app.commands.execute("notebook:run-cell");
                 return window.nnwOutputs(cell);
               }""",
            [self.path, code],
        )
        if out["error"]:
            raise CellError(
                f"cell raised:\n{code}\n---\n{_ANSI.sub('', out['error']['traceback'])}"
            )
        self.wait_idle(timeout_ms)
        return out["text"]

    def output_areas(self):
        """Locator for every cell's output area, in notebook order."""
        return self.page.locator(".jp-Cell .jp-OutputArea")

    def dismiss_popups(self) -> None:
        """Accept any open dialog and close any toast (none should show with the test settings)."""
        for button in self.page.locator(".jp-Dialog .jp-mod-accept").all():
            button.click()
        for button in self.page.locator(".Toastify__close-button").all():
            button.click()


def _notebook_json(cells: list[str]) -> dict:
    # kernelspec is required: without it JupyterLab opens a "Select Kernel" dialog that swallows
    # clicks.
    return {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": f"cell-{i}",
                "metadata": {},
                "outputs": [],
                "source": src,
            }
            for i, src in enumerate(cells)
        ],
        "metadata": {
            "kernelspec": {
                "display_name": "Python 3 (ipykernel)",
                "language": "python",
                "name": "python3",
            },
            "language_info": {"name": "python"},
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }


_counter = itertools.count()
_URLS = {"lab": "/lab/tree/{path}", "notebook": "/notebooks/{path}"}


@pytest.fixture
def open_notebook(request, jupyter_server, browser, e2e_artifacts):
    """``open_notebook(cells: list[str], app="lab"|"notebook") -> NotebookPage``.

    See the module docstring.
    """
    opened: list[tuple[object, NotebookPage]] = []

    def _open(cells: list[str], app: str = "lab", *, name: str | None = None) -> NotebookPage:
        if app not in _URLS:
            raise ValueError(f"app must be 'lab' or 'notebook'; got {app!r}")
        stem = name or re.sub(r"[^A-Za-z0-9_]+", "_", request.node.name)[:60]
        path = f"{stem}_{next(_counter)}.ipynb"
        (jupyter_server.root_dir / path).write_text(json.dumps(_notebook_json(list(cells))))
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        nb = NotebookPage(page, jupyter_server, path, app, e2e_artifacts)
        opened.append((context, nb))
        page.on("console", lambda m: m.type == "error" and nb.console_errors.append(m.text))
        page.on("pageerror", lambda e: nb.console_errors.append(f"pageerror: {e}"))
        page.add_init_script(_JS_PRELUDE)
        page.goto(
            f"{jupyter_server.url}{_URLS[app].format(path=path)}?token={jupyter_server.token}"
        )
        nb.dismiss_popups()
        nb.run_all()
        if os.environ.get("NNWIDGETS_E2E_SCREENSHOTS"):
            nb.screenshot()  # the first rendering, for looking at by eye
        return nb

    yield _open

    rep = getattr(request.node, "rep_call", None)
    failed = rep is not None and rep.failed
    for context, nb in opened:
        if failed:
            try:
                shot = nb.screenshot()
                print(f"\n[e2e] screenshot of {nb.app} page: {shot}")
            except Exception as e:  # the page may be what broke
                print(f"\n[e2e] no screenshot of {nb.path}: {e}")
            if nb.console_errors:
                print("[e2e] browser console errors:\n  " + "\n  ".join(nb.console_errors))
            print(f"[e2e] server log tail:\n{jupyter_server.log_tail(20)}")
        context.close()
        jupyter_server.shutdown_sessions(nb.path)


@pytest.fixture
def book(browser, tmp_path):
    """The MyST-like host page (``_myst.py``) at ORIGIN, served from ``tmp_path`` (no other
    request is answered); yields ``(page, tmp_path)``."""
    (tmp_path / "index.html").write_text(_HOST_PAGE)
    types = {".html": "text/html", ".mjs": "text/javascript", ".css": "text/css"}
    outside = []

    def serve(route):
        url = route.request.url
        if not url.startswith(ORIGIN + "/"):
            outside.append(url)
            return route.abort()
        file = tmp_path / url[len(ORIGIN) + 1 :].split("?")[0]
        if not file.is_file():
            return route.fulfill(status=404, body="not found")
        return route.fulfill(
            status=200, body=file.read_bytes(), headers={"content-type": types[file.suffix]}
        )

    context = browser.new_context(viewport={"width": 1000, "height": 900})
    context.route("**/*", serve)
    page = context.new_page()
    page.errors = []
    page.on("pageerror", lambda e: page.errors.append(f"pageerror: {e}"))
    page.on("console", lambda m: m.type == "error" and page.errors.append(m.text))
    page.goto(f"{ORIGIN}/index.html")
    page.wait_for_function("() => typeof window.mount === 'function'")
    yield page, tmp_path
    assert not outside, f"the page asked for files from elsewhere: {outside}"
    context.close()
