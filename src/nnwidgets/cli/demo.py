"""``nnwidgets demo``: copy the example notebooks somewhere writable and open the quickstart.

Works offline. A notebook the user has edited is never overwritten: a manifest records the hash
of each copy this command made, and only an untouched copy is replaced by a newer shipped one.

The server it starts is quiet for a first-time reader: the link JupyterLab prints opens the
quickstart itself (not the Launcher), the "official Jupyter news?" prompt is off (its plugin is
disabled through ``demo_config/``, for this server only), the language-server scan that logs a
long "Skipped non-installed server(s)" line is off, and the shipped notebooks are trusted (they
have no outputs, so this changes nothing but the "Notebook ... is not trusted" warning).
"""

from __future__ import annotations

import argparse
import errno
import hashlib
import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from .._atomic import atomic_write

DEFAULT_DIR = Path.home() / "nnwidgets-notebooks"
FIRST_NOTEBOOK = "quickstart.ipynb"
#: Jupyter configuration added (``JUPYTER_CONFIG_PATH``) for the demo's server only:
#: ``labconfig/page_config.json`` disables the announcements plugin, which otherwise asks every
#: new user "Would you like to get notified about official Jupyter news?" in a toast that covers
#: the notebook (``--LabApp.news_url=None`` does not stop the question).
DEMO_CONFIG = Path(__file__).resolve().parent / "demo_config"
# Which version of each shipped notebook was last copied, so an unedited copy can be updated and
# an edited one left alone.
MANIFEST = ".nnwidgets-shipped.json"


def shipped_notebooks() -> Path:
    """The directory of example notebooks: inside the installed package (a wheel), or the
    repository's ``notebooks/`` (an editable install, where the wheel's copy does not exist)."""
    here = Path(__file__).resolve().parent.parent  # the nnwidgets package
    for candidate in (here / "notebooks", here.parent.parent / "notebooks"):
        if (candidate / FIRST_NOTEBOOK).is_file():
            return candidate
    raise SystemExit(
        f"nnwidgets: the example notebooks are missing (looked for {FIRST_NOTEBOOK} next to {here})"
    )


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


#: What the demo copies, relative to the shipped folder: the quickstart and the labs (with
#: their solutions), the labs' exercise versions, the marimo quickstart, and the list of labs.
SHIPPED = ("*.ipynb", "exercises/*.ipynb", "*.py", "README.md")


def copy_notebooks(source: Path, dest: Path) -> list[str]:
    """Copy the shipped notebooks (``SHIPPED``) from ``source`` into ``dest``; returns messages.

    A notebook already in ``dest`` is replaced only if it is byte-for-byte the copy this function
    last made (the user has not touched it); otherwise it is kept.
    """
    dest.mkdir(parents=True, exist_ok=True)
    manifest_path = dest / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text())
    except (FileNotFoundError, ValueError):
        manifest = {}
    if not isinstance(manifest, dict):
        # Damaged: with no record, every copy that differs counts as edited and is kept.
        manifest = {}
    notes = []
    shipped = sorted(
        {path for pattern in SHIPPED for path in source.glob(pattern) if path.is_file()}
    )
    for nb in shipped:
        name = nb.relative_to(source).as_posix()  # the manifest's key: "exercises/lab1.ipynb"
        target, new_hash = dest / name, _sha256(nb)
        if target.is_dir():  # not a copy to keep or replace: the caller says so
            raise IsADirectoryError(errno.EISDIR, "a folder where a notebook goes", str(target))
        if target.exists():
            current = _sha256(target)
            if current == new_hash:
                manifest[name] = new_hash
                continue
            if manifest.get(name) != current:
                notes.append(f"kept your edited {target} (the shipped version is in {nb})")
                continue
            notes.append(f"updated {target}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with atomic_write(target) as f:  # a half-copied notebook would count as edited forever
            f.write(nb.read_bytes())
        manifest[name] = new_hash
    with atomic_write(manifest_path, "w", encoding="utf-8") as f:
        f.write(json.dumps(manifest, indent=1) + "\n")
    return notes


def demo_command(
    workdir: Path, *, port: int | None, no_browser: bool, extra: list[str]
) -> list[str]:
    """The JupyterLab command line ``demo`` runs."""
    cmd = [
        sys.executable,
        "-m",
        "jupyterlab",
        FIRST_NOTEBOOK,
        f"--ServerApp.root_dir={workdir}",
        # The link the server prints (and opens) is the quickstart, not the Launcher: where no
        # browser opens (SSH, WSL, a container) that printed link is all the reader gets.
        f"--LabApp.default_url=/lab/tree/{FIRST_NOTEBOOK}",
        # Offline: no news feed, no update check.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        # No language servers are used; their scan only logs a long list of missing ones.
        "--LanguageServerManager.autodetect=False",
    ]
    if port is not None:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # e.g. in a container; the server refuses root without it
    return cmd + extra


def demo_environment(environ=None) -> dict[str, str]:
    """The server's environment: ``environ`` (default ``os.environ``) with ``DEMO_CONFIG`` added
    to ``JUPYTER_CONFIG_PATH``, after any folders already there (those keep priority)."""
    env = dict(os.environ if environ is None else environ)
    paths = [p for p in env.get("JUPYTER_CONFIG_PATH", "").split(os.pathsep) if p]
    env["JUPYTER_CONFIG_PATH"] = os.pathsep.join([*paths, str(DEMO_CONFIG)])
    return env


def trust_notebooks(source: Path, dest: Path) -> None:
    """Record the copies in ``dest`` that are byte-for-byte the shipped ones as trusted, as
    ``jupyter trust`` does, so opening them logs no "Notebook ... is not trusted". They have no
    outputs; trust only decides whether saved HTML/JS outputs render, and Jupyter trusts the
    outputs of cells the reader runs anyway. Best effort: without a signature store, no change."""
    try:
        import nbformat
        from nbformat.sign import NotebookNotary

        notary = NotebookNotary()
        for nb in sorted(source.glob("*.ipynb")) + sorted(source.glob("exercises/*.ipynb")):
            copy = dest / nb.relative_to(source)
            if copy.is_file() and copy.read_bytes() == nb.read_bytes():
                notary.sign(nbformat.read(copy, as_version=4))
    except Exception:  # noqa: BLE001 - a warning in the server log is all that is at stake
        pass


def port_number(text: str) -> int:
    """A TCP port, 1..65535: Jupyter would otherwise fail with a traceback, or print links
    to a port that cannot exist."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 65535:
        raise argparse.ArgumentTypeError(f"must be a port number from 1 to 65535; got {text!r}")
    return value


def _usage_error(message: str) -> int:
    print(f"nnwidgets demo: error: {message}", file=sys.stderr)
    return 2


def run_demo(args, extra: list[str]) -> int:
    """Copy the notebooks into ``args.dir`` and run JupyterLab there; the exit code (2 when
    ``--dir`` cannot hold the notebooks, as ``train --out`` does for its file)."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        print("nnwidgets demo needs JupyterLab: pip install 'nnwidgets[lab]'", file=sys.stderr)
        return 1
    workdir = Path(args.dir).expanduser().resolve()
    source = shipped_notebooks()
    try:
        notes = copy_notebooks(source, workdir)
    except OSError as exc:
        where = exc.filename or workdir
        if isinstance(exc, IsADirectoryError):
            return _usage_error(
                f"--dir {args.dir!r}: {where} is a folder, where a shipped "
                f"notebook of that name goes; rename it or choose another --dir"
            )
        if isinstance(exc, PermissionError):
            return _usage_error(
                f"--dir {args.dir!r} is not writable (permission denied: {where}); "
                f"choose another --dir"
            )
        return _usage_error(
            f"--dir {args.dir!r}: cannot copy the notebooks there: {exc.strerror or exc} ({where})"
        )
    for note in notes:
        print(f"nnwidgets: {note}")
    trust_notebooks(source, workdir)
    cmd = demo_command(workdir, port=args.port, no_browser=args.no_browser, extra=extra)
    print(
        f"nnwidgets: the notebooks are in {workdir} (the quickstart, lab1-lab6 with their "
        f"solutions, and exercises/)"
    )
    print(
        f"nnwidgets: JupyterLab opens {FIRST_NOTEBOOK}; without a browser, open the link it "
        f"prints below, ending in /lab/tree/{FIRST_NOTEBOOK}?token=... (Ctrl+C to stop)",
        flush=True,
    )
    return serve(cmd, cwd=workdir, env=demo_environment())


def serve(cmd: list[str], *, cwd: Path, env: dict[str, str]) -> int:
    """Run the server until it exits; its exit code, or 130 after a Ctrl+C.

    Ctrl+C reaches the server too (the terminal signals the whole process group) and the
    server asks whether to shut down, so this waits on. SIGTERM and SIGHUP sent to this process
    alone (``kill``, a process manager) are passed on: the server must not outlive the command.
    """
    proc = subprocess.Popen(cmd, cwd=cwd, env=env)
    forwarded = [getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)]
    previous = {
        sig: signal.signal(sig, lambda sig, frame: proc.send_signal(sig)) for sig in forwarded
    }
    interrupted = False
    try:
        while True:
            try:
                code = proc.wait()
                break
            except KeyboardInterrupt:
                interrupted = True
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 130 if interrupted else code
