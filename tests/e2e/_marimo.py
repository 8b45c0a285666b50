"""``marimo run`` on a notebook of the tests, on 127.0.0.1: shared by the marimo browser tests."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager

START_TIMEOUT = 60  # seconds; marimo starts in about 2 here


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def marimo_run(app, base, **env):
    """Serve ``app`` with ``marimo run`` from folder ``base``; yields ``(url, log path)``.

    ``env`` adds environment variables for the notebook. marimo's own config and caches stay
    under ``base``, out of the user's home. The server is stopped on exit.
    """
    log_path = base / "marimo.log"
    env = dict(
        os.environ,
        PYTHONUNBUFFERED="1",
        HOME=str(base),
        XDG_CONFIG_HOME=str(base / "config"),
        XDG_CACHE_HOME=str(base / "cache"),
        **env,
    )
    port = _free_port()
    cmd = [
        sys.executable,
        "-m",
        "marimo",
        "run",
        str(app),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--headless",
        "--no-token",
        "--no-sandbox",
        "--session-ttl",
        "5",
    ]
    with open(log_path, "w") as log:
        proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=subprocess.STDOUT, cwd=base)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + START_TIMEOUT
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(
                    f"marimo exited with code {proc.returncode}:\n{log_path.read_text()[-3000:]}"
                )
            try:
                urllib.request.urlopen(url, timeout=2).read()
                break
            except (urllib.error.URLError, ConnectionError, OSError):
                if time.monotonic() > deadline:
                    raise RuntimeError(
                        f"marimo did not answer within {START_TIMEOUT} s:\n"
                        f"{log_path.read_text()[-3000:]}"
                    ) from None
                time.sleep(0.1)  # the port is not listening yet
        yield url, log_path
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
