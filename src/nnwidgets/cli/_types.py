"""Argument checks for the command line: each raises ``argparse.ArgumentTypeError``, which
argparse turns into a one-line usage error (exit 2) naming the option, before any work starts."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from .._checks import cores, describe_range
from ..training import Trainer

N_PIXELS, N_CLASSES = 784, 10


def seed_number(text: str) -> int:
    """A random seed: an integer >= 0 (the library also takes None, which no command line
    can spell; leaving --seed out gives 0)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be an integer >= 0; got {text!r}")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value <= 0:
        raise argparse.ArgumentTypeError(f"must be a positive integer; got {text!r}")
    return value


def thread_count(text: str) -> int:
    """BLAS threads, at most one per CPU: more only take turns on the same cores, which made
    an epoch some 50 times slower in a trial (--threads 100000 on 2 CPUs)."""
    value = positive_int(text)
    cpus = cores()
    if value > cpus:
        raise argparse.ArgumentTypeError(
            f"must be at most {cpus}, the CPUs this machine gives it; got {text!r}"
        )
    return value


def trainer_setting(name: str):
    """A type for one of the Trainer's numeric settings, checked by the Trainer's own rule
    (``Trainer.live_settings()[name]``), so the command line and the library never disagree."""
    rule = Trainer.live_settings()[name]
    expected = describe_range(rule.low, rule.high, rule.low_open, rule.high_open)

    def check(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number; got {text!r}") from None
        try:
            return rule.check(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be {expected}; got {text!r}") from None

    check.__name__ = f"{name}, {expected}"  # argparse shows the name if it ever falls back
    return check


def dropout_rates(text: str):
    """``0.2`` for every hidden layer, or ``0.2,0.5``: one rate per hidden layer (how many the
    network has is checked once it is made), each by the Trainer's own rule."""
    rule = Trainer.live_settings()["dropout"]
    expected = describe_range(rule.low, rule.high, rule.low_open, rule.high_open)
    try:
        values = [float(part) for part in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be a number or comma-separated numbers (one per hidden layer), each "
            f"{expected}; got {text!r}"
        ) from None
    try:
        return rule.check(values[0] if len(values) == 1 else values)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be {expected} (each rate); got {text!r}") from None


def layer_sizes(text: str) -> list[int]:
    """``784,100,10``: from the 784 pixels to the 10 digits, every layer at least one neuron."""
    try:
        sizes = [int(s) for s in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be comma-separated integers like 784,100,10; got {text!r}"
        ) from None
    if len(sizes) < 2 or any(n <= 0 for n in sizes):
        raise argparse.ArgumentTypeError(
            f"must be two or more positive layer sizes like 784,100,10; got {text!r}"
        )
    if sizes[0] != N_PIXELS or sizes[-1] != N_CLASSES:
        raise argparse.ArgumentTypeError(
            f"must start with {N_PIXELS} (the 28x28 pixels) and end with {N_CLASSES} "
            f"(the digits); got {text!r}"
        )
    return sizes


def existing_directory(text: str) -> str:
    if not Path(text).expanduser().is_dir():
        raise argparse.ArgumentTypeError(f"not a directory: {text!r}")
    return text


def prepare_output(text: str) -> Path:
    """The ``--out`` file, checked before hours of training: its folder is made if missing
    (as ``export_html`` does) and must be writable; the path itself must not be a folder.

    Raises ValueError with a message for the user.
    """
    path = Path(text).expanduser()
    if path.is_dir():
        raise ValueError(f"--out must name a file, but {text!r} is a directory")
    folder = path.absolute().parent
    blocking = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
    if blocking is not None:
        raise ValueError(f"--out {text!r}: {blocking} is a file, not a folder")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ValueError(
            f"--out {text!r}: cannot create the folder {folder}: {exc.strerror}"
        ) from None
    if not os.access(folder, os.W_OK | os.X_OK):
        raise ValueError(f"--out {text!r}: the folder {folder} is not writable")
    return path
