"""``python -m nnwidgets train``: train a network from the terminal.

Examples::

    python -m nnwidgets train --preset book-ch1            # the book's first experiment
    python -m nnwidgets train --sizes 784,100,10 --epochs 5 --bundled
    python -m nnwidgets train --preset default --out src/nnwidgets/models/default.npz

Wrong arguments are usage errors (exit 2) found before training starts, ``--out`` included.
Ctrl-C stops training (exit 130); the network as it was then goes beside ``--out``, to
``<name>.interrupted.npz``, so a finished model already at ``--out`` is never replaced by a
half-trained one (``--save-interrupted`` writes it to ``--out`` itself).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from ..models.presets import PRESETS, get_preset
from ..network import INITS
from ..training import Callback, TrainingDiverged
from ._types import (
    dropout_rates,
    existing_directory,
    layer_sizes,
    positive_int,
    prepare_output,
    seed_number,
    thread_count,
    trainer_setting,
)

INTERRUPTED = 130  # the shell's code for a program stopped by Ctrl-C (128 + SIGINT)


class TerminalProgress(Callback):
    """A progress bar per epoch on stderr, then one line per epoch on stdout."""

    def __init__(self, stream=None, width=30):
        self.stream = stream or sys.stderr
        self.width = width
        self._last = 0.0
        self.began = False  # errors before this are about the arguments, after it about training

    def on_train_begin(self, trainer):
        self.began = True

    def on_epoch_begin(self, trainer, epoch):
        self._n_batches = -(-len(trainer.X) // trainer.batch_size)
        self._started = time.perf_counter()

    def on_batch_end(self, trainer, batch, logs):
        now = time.perf_counter()
        if now - self._last < 0.1 and batch + 1 < self._n_batches:
            return  # ten redraws a second are plenty
        self._last = now
        done = (batch + 1) / self._n_batches
        bar = "#" * int(done * self.width)
        print(
            f"\repoch {trainer.epoch + 1}/{trainer.epochs} [{bar:<{self.width}}] "
            f"{done:4.0%} loss {logs['loss']:.4f}",
            end="",
            file=self.stream,
            flush=True,
        )

    def on_epoch_end(self, trainer, epoch, logs):
        print("\r" + " " * (self.width + 40) + "\r", end="", file=self.stream, flush=True)
        line = (
            f"epoch {epoch + 1:3d}/{trainer.epochs}  loss {logs['loss']:.4f}  "
            f"train acc {logs['accuracy']:.4f}"
        )
        if "val_accuracy" in logs:
            line += f"  test loss {logs['val_loss']:.4f}  test acc {logs['val_accuracy']:.4f}"
        line += f"  lr {logs['learning_rate']:.4g}  {time.perf_counter() - self._started:.1f}s"
        print(line, flush=True)


def build_parser():
    p = argparse.ArgumentParser(
        prog="nnwidgets train", description="Train a network on MNIST and save it."
    )
    p.add_argument("--preset", choices=sorted(PRESETS), help="start from a named experiment")
    arch = p.add_argument_group("network (override the preset)")
    arch.add_argument("--sizes", type=layer_sizes, help="layer sizes, e.g. 784,100,10")
    arch.add_argument("--activation")
    arch.add_argument("--output")
    arch.add_argument("--cost")
    arch.add_argument("--init", choices=INITS)
    arch.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    fit = p.add_argument_group("training (override the preset)")
    fit.add_argument("--epochs", type=positive_int)
    fit.add_argument("--batch-size", type=positive_int)
    fit.add_argument("--learning-rate", type=trainer_setting("learning_rate"))
    fit.add_argument("--momentum", type=trainer_setting("momentum"))
    fit.add_argument("--l2", type=trainer_setting("l2"))
    fit.add_argument("--l1", type=trainer_setting("l1"))
    fit.add_argument(
        "--dropout",
        type=dropout_rates,
        help="a rate for every hidden layer, or one per hidden layer: 0.2,0.5",
    )
    fit.add_argument("--schedule", choices=["constant", "step", "cosine"])
    fit.add_argument(
        "--threads",
        type=thread_count,
        help="BLAS threads, at most one per CPU (default: chosen by layer size)",
    )
    fit.add_argument("--seed", type=seed_number, default=0)
    data = p.add_argument_group("data")
    source = data.add_mutually_exclusive_group()
    source.add_argument(
        "--data",
        metavar="DIR",
        type=existing_directory,
        help="folder holding the four MNIST IDX files",
    )
    source.add_argument(
        "--bundled",
        action="store_true",
        help="use the small subset shipped in the package (offline)",
    )
    data.add_argument("--dataset", choices=["mnist", "fashion"], default="mnist")
    data.add_argument(
        "--augment",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="random distortions each epoch (default: as the preset says)",
    )
    out = p.add_argument_group("output")
    out.add_argument(
        "--out",
        metavar="PATH",
        help="save the trained network here (.npz); its folder is made if missing",
    )
    out.add_argument("--save-dtype", choices=["float16", "float32", "float64"])
    out.add_argument(
        "--save-interrupted",
        action="store_true",
        help="after Ctrl-C, save the half-trained network to --out itself, replacing "
        "what is there (default: beside it, as NAME.interrupted.npz)",
    )
    return p


def main(argv=None):
    """Run the trainer and return the exit code.

    0 on success, 1 when training fails, 2 for bad arguments, 130 on Ctrl-C.
    """
    try:
        return _main(argv)
    except KeyboardInterrupt:  # before training, or a second Ctrl-C while saving
        print("\ninterrupted", file=sys.stderr)
        return INTERRUPTED


def _main(argv):
    parser = build_parser()
    args = parser.parse_args(argv)
    from ..datasets import DownloadError
    from ..network import Network

    preset = get_preset(args.preset) if args.preset else None
    net_kwargs = dict(preset.network) if preset else {"sizes": [784, 100, 10]}
    for key in ("sizes", "activation", "output", "cost", "init"):
        if getattr(args, key) is not None:
            net_kwargs[key] = getattr(args, key)
    fit_kwargs = (
        dict(preset.fit)
        if preset
        else {"epochs": 10, "batch_size": 64, "learning_rate": 0.1, "momentum": 0.9}
    )
    for key in (
        "epochs",
        "batch_size",
        "learning_rate",
        "momentum",
        "l2",
        "l1",
        "dropout",
        "schedule",
        "threads",
    ):
        if getattr(args, key) is not None:
            fit_kwargs[key] = getattr(args, key)
    # Both only say how to save, so without --out they would be ignored without a word.
    for flag, given in (
        ("--save-interrupted", args.save_interrupted),
        ("--save-dtype", args.save_dtype is not None),
    ):
        if given and not args.out:
            parser.error(
                f"{flag} says how to save the network, but nothing is saved without "
                f"--out PATH; add --out or drop {flag}"
            )
    if args.bundled and args.dataset != "mnist":
        parser.error("--bundled holds MNIST digits only; drop --bundled or --dataset fashion")

    # Everything that can be checked is checked before the data loads and training starts.
    try:
        net = Network(**net_kwargs, seed=args.seed, dtype=args.dtype)
        if isinstance(fit_kwargs.get("dropout"), tuple):  # one rate per hidden layer
            hidden = len(net.sizes) - 2
            if len(fit_kwargs["dropout"]) != hidden:
                raise ValueError(
                    f"--dropout must give one rate, or {hidden} (one per hidden layer of "
                    f"{','.join(map(str, net.sizes))}); got {len(fit_kwargs['dropout'])}"
                )
        out = prepare_output(args.out) if args.out else None
    except (ValueError, TypeError) as exc:
        parser.error(str(exc))
    try:
        data = _load_data(args)
    except DownloadError as exc:
        parser.error(
            f"{exc}\nOn the command line: --bundled trains on that subset, and "
            f"--data DIR reads the files from a folder."
        )
    except FileNotFoundError as exc:  # --data lacks a file, or it is not cached
        parser.error(str(exc))
    except OSError as exc:  # the cache cannot be written: say what works from here
        parser.error(
            f"{exc}\nOn the command line: --bundled trains on the subset shipped in the "
            f"package, --data DIR reads the files from a folder, and XDG_CACHE_HOME=DIR "
            f"moves the cache."
        )
    except (ValueError, TypeError) as exc:
        parser.error(str(exc))
    use_augment = args.augment if args.augment is not None else bool(preset and preset.augment)
    if use_augment:
        fit_kwargs["transform"] = _augmenter(preset.augment if preset and preset.augment else {})

    print(
        f"{net!r}: {net.n_params:,} parameters; {len(data.X_train):,} training and "
        f"{len(data.X_test):,} test images",
        flush=True,
    )
    started = time.perf_counter()
    progress = TerminalProgress()
    try:
        net.fit(
            data.X_train,
            data.y_train,
            validation=(data.X_test, data.y_test),
            callbacks=[progress],
            **fit_kwargs,
        )
    except TrainingDiverged as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except (ValueError, TypeError) as exc:
        if progress.began:
            raise  # a fault in training itself, not in the arguments: keep the traceback
        parser.error(str(exc))
    except KeyboardInterrupt:
        return _interrupted(net, args, out, progress)
    accuracy = net.score(data.X_test, data.y_test)
    print(
        f"test accuracy {accuracy:.4f} ({round(accuracy * len(data.y_test))}/"
        f"{len(data.y_test)}) after {time.perf_counter() - started:.0f}s",
        flush=True,
    )
    if out is not None:
        if not _save(net, out, args.save_dtype):
            return 1
        print(f"saved to {out}")
    return 0


def _load_data(args):
    from ..datasets import load_mnist

    if args.bundled:
        return load_mnist(bundled=True)
    return load_mnist(args.data, dataset=args.dataset)


def _augmenter(options):
    from ..datasets.augment import augment

    def transform(X, rng):
        images = augment(X.reshape(-1, 28, 28), rng, **options)
        return images.reshape(len(X), -1)

    return transform


def _interrupted(net, args, out, progress):
    """Ctrl-C during training: keep the half-trained network without replacing a finished one."""
    print("\r" + " " * (progress.width + 40) + "\r", end="", file=sys.stderr)
    done = (
        f"interrupted after {len(net.history_.epoch_loss)} complete epochs"
        if net.history_
        else "interrupted"
    )
    if out is None:
        print(f"{done}; nothing saved (no --out)", file=sys.stderr)
        return INTERRUPTED
    target = out if args.save_interrupted else interrupted_path(out)
    if _save(net, target, args.save_dtype):
        kept = (
            "" if target == out else f"; {out} is left as it was (--save-interrupted replaces it)"
        )
        print(f"{done}: saved the network as it was to {target}{kept}", file=sys.stderr)
    return INTERRUPTED


def interrupted_path(out: Path) -> Path:
    """Where an interrupted run goes: ``model.npz`` -> ``model.interrupted.npz``."""
    return out.with_name(f"{out.stem}.interrupted{out.suffix or '.npz'}")


def _save(net, path, dtype):
    """Save, or print why not (a full disk, a network that will not save); True on success.

    When the file cannot be written, the network goes to the temporary folder instead, so
    the training it cost is not lost."""
    try:
        net.save(path, dtype=dtype)
    except (OSError, ValueError) as exc:
        print(f"error: could not save the network: {exc}", file=sys.stderr)
        if isinstance(exc, OSError):
            _save_in_temp(net, path, dtype)
        return False
    return True


def _save_in_temp(net, path, dtype):
    fd, name = tempfile.mkstemp(prefix=f"{path.stem}-", suffix=path.suffix or ".npz")
    os.close(fd)
    try:
        net.save(name, dtype=dtype)
    except (OSError, ValueError) as exc:
        os.unlink(name)
        print(f"error: nor could it be saved to {name}: {exc}", file=sys.stderr)
        return
    print(
        f"saved it to {name} instead, so the training is not lost; move it where you want it",
        file=sys.stderr,
    )


if __name__ == "__main__":
    sys.exit(main())
