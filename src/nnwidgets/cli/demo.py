"""``nnwidgets demo``: copy the example notebooks somewhere writable and open the quickstart.

Works offline. A notebook the user has edited is never overwritten: a manifest records the hash
of each copy this command made, and only an untouched copy is replaced by a newer shipped one.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

from .._atomic import atomic_write

DEFAULT_DIR = Path.home() / "nnwidgets-notebooks"
FIRST_NOTEBOOK = "quickstart.ipynb"
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
    raise SystemExit(f"nnwidgets: the example notebooks are missing (looked for {FIRST_NOTEBOOK} next to {here})")


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
    shipped = sorted({path for pattern in SHIPPED for path in source.glob(pattern) if path.is_file()})
    for nb in shipped:
        name = nb.relative_to(source).as_posix()  # the manifest's key: "exercises/lab1.ipynb"
        target, new_hash = dest / name, _sha256(nb)
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


def demo_command(workdir: Path, *, port: int | None, no_browser: bool, extra: list[str]) -> list[str]:
    """The JupyterLab command line ``demo`` runs."""
    cmd = [
        sys.executable, "-m", "jupyterlab", FIRST_NOTEBOOK,
        f"--ServerApp.root_dir={workdir}",
        # Offline: no news feed, no update check.
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    if port is not None:
        cmd.append(f"--port={port}")
    if no_browser:
        cmd.append("--no-browser")
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")  # e.g. in a container; the server refuses root without it
    return cmd + extra


def run_demo(args, extra: list[str]) -> int:
    """Copy the notebooks into ``args.dir`` and run JupyterLab there; the exit code."""
    try:
        import jupyterlab  # noqa: F401
    except ImportError:
        print("nnwidgets demo needs JupyterLab: pip install 'nnwidgets[lab]'", file=sys.stderr)
        return 1
    workdir = Path(args.dir).expanduser().resolve()
    for note in copy_notebooks(shipped_notebooks(), workdir):
        print(f"nnwidgets: {note}")
    cmd = demo_command(workdir, port=args.port, no_browser=args.no_browser, extra=extra)
    print(f"nnwidgets: opening {workdir / FIRST_NOTEBOOK} in JupyterLab (Ctrl+C to stop)")
    try:
        return subprocess.call(cmd, cwd=workdir)
    except KeyboardInterrupt:  # the server got the same Ctrl+C and shuts itself down
        return 130
