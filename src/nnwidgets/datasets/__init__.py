"""The data: MNIST and Fashion-MNIST loaded from the real IDX files, and a bundled subset.

- :mod:`.mnist`: ``load_mnist``, ``load_fashion_mnist``, ``load_bundled`` (where the files are
  looked for, checksums, the cache);
- :mod:`.idx`: the IDX file format;
- :mod:`._download`: fetching from the mirrors, checked and written atomically;
- :mod:`.augment`: random distortions for training on digits drawn with a pen;
- :mod:`.pen`: synthetic pen-drawn digits in many writing styles;
- :mod:`.split`: ``hold_out``, a validation set taken from the end of the training examples;
- :mod:`.pendigits`: ``load_pendigits``, real pen strokes of 30 writers (UCI pendigits), and
  ``draw_pendigits``, which draws them as the canvas does;
- ``bundled/``: 10,000 training and 2,000 test MNIST digits shipped for offline use, and the
  30 writers' pen strokes (``PENDIGITS.md``: source and CC BY 4.0 licence).

Only NumPy is imported here: no widget, no network.
"""

from . import toy  # (TensorFlow Playground's 2-D problems: toy.circle() ...)
from .mnist import Dataset, DownloadError, load_bundled, load_fashion_mnist, load_mnist
from .pendigits import PenDigits, draw_pendigits, load_pendigits
from .split import hold_out

__all__ = [
    "Dataset",
    "DownloadError",
    "PenDigits",
    "draw_pendigits",
    "hold_out",
    "load_bundled",
    "load_fashion_mnist",
    "load_mnist",
    "load_pendigits",
    "toy",
]
