"""The data: MNIST and Fashion-MNIST loaded from the real IDX files, and a bundled subset.

- :mod:`.mnist`: ``load_mnist``, ``load_fashion_mnist``, ``load_bundled`` (where the files are
  looked for, checksums, the cache);
- :mod:`.idx`: the IDX file format;
- :mod:`._download`: fetching from the mirrors, checked and written atomically;
- :mod:`.augment`: random distortions for training on digits drawn with a pen;
- ``bundled/``: 10,000 training and 2,000 test digits shipped for offline use.

Only NumPy is imported here: no widget, no network.
"""

from .mnist import Dataset, DownloadError, load_bundled, load_fashion_mnist, load_mnist

__all__ = ["Dataset", "DownloadError", "load_bundled", "load_fashion_mnist", "load_mnist"]
