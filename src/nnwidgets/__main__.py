"""``python -m nnwidgets`` (also the ``nnwidgets`` command).

    nnwidgets demo [--dir DIR] [--port PORT] [--no-browser] [JUPYTER ARGS...]
        Copy the example notebooks into DIR (default ~/nnwidgets-notebooks) and open the
        quickstart in JupyterLab. Works offline. A copy you have edited is never overwritten.
    nnwidgets train [ARGS...]
        Train a network from the command line (see ``nnwidgets train --help``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

DEFAULT_DIR = Path.home() / "nnwidgets-notebooks"
FIRST_NOTEBOOK = "quickstart.ipynb"
# Which version of each shipped notebook was last copied, so an unedited copy can be updated and
# an edited one left alone.
MANIFEST = ".nnwidgets-shipped.json"


def shipped_notebooks() -> Path:
    """The directory of example notebooks: inside the installed package (a wheel), or the
    repository's ``notebooks/`` (an editable install, where the wheel's copy does not exist)."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "notebooks", here.parent.parent / "notebooks"):
        if (candidate / FIRST_NOTEBOOK).is_file():
            return candidate
    raise SystemExit(f"nnwidgets: the example notebooks are missing (looked for {FIRST_NOTEBOOK} next to {here})")


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def copy_notebooks(source: Path, dest: Path) -> list[str]:
    """Copy every ``*.ipynb`` in ``source`` into ``dest``; returns messages about what it did.

    A notebook already in ``dest`` is replaced only if it is byte-for-byte the copy this function
    last made (the user has not touched it); otherwise it is kept.
    """
    dest.mkdir(parents=True, exist_ok=True)
    manifest_path = dest / MANIFEST
    try:
        manifest = json.loads(manifest_path.read_text())
    except (FileNotFoundError, ValueError):
        manifest = {}
    notes = []
    for nb in sorted(source.glob("*.ipynb")):
        target, new_hash = dest / nb.name, _sha256(nb)
        if target.exists():
            current = _sha256(target)
            if current == new_hash:
                manifest[nb.name] = new_hash
                continue
            if manifest.get(nb.name) != current:
                notes.append(f"kept your edited {target} (the shipped version is in {nb})")
                continue
            notes.append(f"updated {target}")
        shutil.copyfile(nb, target)
        manifest[nb.name] = new_hash
    manifest_path.write_text(json.dumps(manifest, indent=1) + "\n")
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


def _demo(args, extra: list[str]) -> int:
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


def _train(args, extra: list[str]) -> int:
    # Imported here so that `demo` works even where the training CLI is missing or broken.
    from nnwidgets.cli_train import main as train_main

    return train_main(extra) or 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nnwidgets",
        description="A neural network from scratch in NumPy, with notebook widgets to explore it.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    demo = sub.add_parser(
        "demo",
        help="open the quickstart notebook in JupyterLab",
        description="Copy the example notebooks into DIR and open the quickstart in JupyterLab. "
        "Unrecognised options are passed on to `jupyter lab`.",
    )
    demo.add_argument("--dir", default=str(DEFAULT_DIR), help="where the notebooks go (default: %(default)s)")
    demo.add_argument("--port", type=int, default=None, help="port for the Jupyter server")
    demo.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    demo.set_defaults(handler=_demo)

    # train parses its own options (including --help), so this parser only routes to it.
    train = sub.add_parser("train", help="train a network from the command line", add_help=False)
    train.set_defaults(handler=_train)
    return parser


def _version() -> str:
    from nnwidgets import __version__

    return __version__


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    # Options neither subcommand knows go on: to `jupyter lab` (demo) or to the trainer (train).
    args, extra = parser.parse_known_args(argv)
    return args.handler(args, extra)


if __name__ == "__main__":
    sys.exit(main())
