"""``python -m nnwidgets train``: train a network from the terminal.

Examples::

    python -m nnwidgets train --preset book-ch1            # the book's first experiment
    python -m nnwidgets train --sizes 784,100,10 --epochs 5 --bundled
    python -m nnwidgets train --preset default --out src/nnwidgets/models/default.npz
"""

from __future__ import annotations

import argparse
import sys
import time

from ..models.presets import PRESETS, get_preset
from ..training import Callback, TrainingDiverged


class TerminalProgress(Callback):
    """A progress bar per epoch on stderr, then one line per epoch on stdout."""

    def __init__(self, stream=None, width=30):
        self.stream = stream or sys.stderr
        self.width = width
        self._last = 0.0

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
        print(f"\repoch {trainer.epoch + 1}/{trainer.epochs} [{bar:<{self.width}}] "
              f"{done:4.0%} loss {logs['loss']:.4f}", end="", file=self.stream, flush=True)

    def on_epoch_end(self, trainer, epoch, logs):
        print("\r" + " " * (self.width + 40) + "\r", end="", file=self.stream, flush=True)
        line = (f"epoch {epoch + 1:3d}/{trainer.epochs}  loss {logs['loss']:.4f}  "
                f"train acc {logs['accuracy']:.4f}")
        if "val_accuracy" in logs:
            line += f"  test loss {logs['val_loss']:.4f}  test acc {logs['val_accuracy']:.4f}"
        line += f"  lr {logs['learning_rate']:.4g}  {time.perf_counter() - self._started:.1f}s"
        print(line, flush=True)


def _sizes(text):
    try:
        return [int(s) for s in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--sizes must be comma-separated integers like "
                                         f"784,100,10; got {text!r}") from None


def build_parser():
    p = argparse.ArgumentParser(prog="python -m nnwidgets train",
                                description="Train a network on MNIST and save it.")
    p.add_argument("--preset", choices=sorted(PRESETS), help="start from a named experiment")
    arch = p.add_argument_group("network (override the preset)")
    arch.add_argument("--sizes", type=_sizes, help="layer sizes, e.g. 784,100,10")
    arch.add_argument("--activation")
    arch.add_argument("--output")
    arch.add_argument("--cost")
    arch.add_argument("--init", choices=["scaled", "large"])
    arch.add_argument("--dtype", default="float32", choices=["float32", "float64"])
    fit = p.add_argument_group("training (override the preset)")
    fit.add_argument("--epochs", type=int)
    fit.add_argument("--batch-size", type=int)
    fit.add_argument("--learning-rate", type=float)
    fit.add_argument("--momentum", type=float)
    fit.add_argument("--l2", type=float)
    fit.add_argument("--l1", type=float)
    fit.add_argument("--dropout", type=float)
    fit.add_argument("--schedule", choices=["constant", "step", "cosine"])
    fit.add_argument("--threads", type=int, help="BLAS threads (default: chosen by layer size)")
    fit.add_argument("--seed", type=int, default=0)
    data = p.add_argument_group("data")
    data.add_argument("--data", metavar="DIR", help="folder holding the four MNIST IDX files")
    data.add_argument("--bundled", action="store_true",
                      help="use the small subset shipped in the package (offline)")
    data.add_argument("--dataset", choices=["mnist", "fashion"], default="mnist")
    data.add_argument("--augment", action=argparse.BooleanOptionalAction, default=None,
                      help="random distortions each epoch (default: as the preset says)")
    out = p.add_argument_group("output")
    out.add_argument("--out", metavar="PATH", help="save the trained network here (.npz)")
    out.add_argument("--save-dtype", choices=["float16", "float32", "float64"])
    return p


def main(argv=None):
    args = build_parser().parse_args(argv)
    from ..datasets import load_bundled, load_fashion_mnist, load_mnist
    from ..network import Network

    preset = get_preset(args.preset) if args.preset else None
    net_kwargs = dict(preset.network) if preset else {"sizes": [784, 100, 10]}
    for key in ("sizes", "activation", "output", "cost", "init"):
        if getattr(args, key) is not None:
            net_kwargs[key] = getattr(args, key)
    fit_kwargs = dict(preset.fit) if preset else {"epochs": 10, "batch_size": 64,
                                                  "learning_rate": 0.1, "momentum": 0.9}
    for key in ("epochs", "batch_size", "learning_rate", "momentum", "l2", "l1", "dropout",
                "schedule", "threads"):
        if getattr(args, key) is not None:
            fit_kwargs[key] = getattr(args, key)

    if args.bundled:
        data = load_bundled()
    elif args.dataset == "fashion":
        data = load_fashion_mnist(args.data)
    else:
        data = load_mnist(args.data)

    use_augment = args.augment if args.augment is not None else bool(preset and preset.augment)
    if use_augment:
        from ..datasets.augment import augment

        options = (preset.augment if preset and preset.augment else {})

        def transform(X, rng):
            images = augment(X.reshape(-1, 28, 28), rng, **options)
            return images.reshape(len(X), -1)

        fit_kwargs["transform"] = transform

    net = Network(**net_kwargs, seed=args.seed, dtype=args.dtype)
    print(f"{net!r}: {net.n_params:,} parameters; {len(data.X_train):,} training and "
          f"{len(data.X_test):,} test images", flush=True)
    started = time.perf_counter()
    try:
        net.fit(data.X_train, data.y_train, validation=(data.X_test, data.y_test),
                callbacks=[TerminalProgress()], **fit_kwargs)
    except TrainingDiverged as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\ninterrupted: keeping the network as it is now", file=sys.stderr)
    accuracy = net.score(data.X_test, data.y_test)
    print(f"test accuracy {accuracy:.4f} ({round(accuracy * len(data.y_test))}/"
          f"{len(data.y_test)}) after {time.perf_counter() - started:.0f}s", flush=True)
    if args.out:
        net.save(args.out, dtype=args.save_dtype)
        print(f"saved to {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
