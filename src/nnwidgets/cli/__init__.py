"""``python -m nnwidgets`` (also the ``nnwidgets`` command).

nnwidgets demo [--dir DIR] [--port PORT] [--no-browser] [JUPYTER ARGS...]
    Copy the example notebooks into DIR (default ~/nnwidgets-notebooks) and open the
    quickstart in JupyterLab. Works offline. A copy you have edited is never overwritten.
nnwidgets train [ARGS...]
    Train a network from the command line (see ``nnwidgets train --help``).
"""

from __future__ import annotations

import argparse
import sys

from .demo import DEFAULT_DIR, port_number, run_demo


def _train(args, extra: list[str]) -> int:
    # Imported here so that `demo` works even where the training CLI is missing or broken.
    from .train import main as train_main

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
    demo.add_argument(
        "--dir", default=str(DEFAULT_DIR), help="where the notebooks go (default: %(default)s)"
    )
    demo.add_argument(
        "--port", type=port_number, default=None, help="port for the Jupyter server (1-65535)"
    )
    demo.add_argument("--no-browser", action="store_true", help="do not open a web browser")
    demo.set_defaults(handler=run_demo)

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
