"""Model files: a network's configuration and parameters in an ``.npz`` archive, never pickle.

Layout (format version 1): ``format`` (the string "nnwidgets-network"), ``format_version``,
``config`` (JSON of the constructor arguments), then ``W0, b0, W1, b1, ...``. Everything is a
plain numeric or unicode array, so ``np.load(..., allow_pickle=False)`` reads it.

This module does file I/O only and knows nothing of :class:`~nnwidgets.network.Network`:
:func:`write` takes a configuration and the parameters, :func:`read` gives them back, and
``Network.save`` / ``Network.load`` sit on top. A model file may come from anywhere, so
:func:`read` trusts nothing in it: it compares the declared architecture with the shapes in
the members' headers before reading any array, reads only the members it needs, and turns
every way a file can be malformed into one :class:`ModelFileError`.
"""

from __future__ import annotations

import json
import numbers
import os
import zipfile
import zlib
from pathlib import Path

import numpy as np

from ._atomic import atomic_write

__all__ = ["FORMAT", "FORMAT_VERSION", "ModelFileError", "read", "write"]

FORMAT = "nnwidgets-network"
FORMAT_VERSION = 1
STORE_DTYPES = ("float16", "float32", "float64")
#: The configuration keys a file may hold, and the type each must have.
CONFIG_TYPES = {
    "sizes": list,
    "activation": str,
    "output": str,
    "cost": str,
    "init": str,
    "dtype": str,
}
# The format string, version and config are tiny; a bigger one is not a file we wrote.
_MAX_HEADER_MEMBER_BYTES = 1 << 20


class ModelFileError(ValueError):
    """A file that is not a readable nnwidgets model (the message names the file and why)."""


def write(path, config, weights, biases, *, dtype=None):
    """Write ``config`` and the parameters to ``path`` atomically (a crash leaves no half file).

    ``dtype`` is the storage precision ("float16" halves the file); by default each array's
    own. Refuses parameters that are NaN or infinite, or become so in ``dtype``: a file that
    loads into a broken network helps no one.
    """
    if dtype is not None and _dtype_name(dtype) not in STORE_DTYPES:
        raise ValueError(f"dtype must be 'float16', 'float32' or 'float64'; got {dtype!r}")
    path = _file_path(path)
    arrays = {
        "format": np.array(FORMAT),
        "format_version": np.array(FORMAT_VERSION),
        "config": np.array(json.dumps(config)),
    }
    for l, (w, b) in enumerate(zip(weights, biases)):
        for name, a in ((f"W{l}", w), (f"b{l}", b)):
            a = np.asarray(a)
            if not np.isfinite(a).all():
                raise ValueError(
                    f"cannot save: {name} (layer {l}) holds NaN or infinite values, "
                    f"so the network is broken (did training diverge?); "
                    f"nothing was written"
                )
            with np.errstate(over="ignore"):  # reported below, in words
                stored = a.astype(dtype if dtype is not None else a.dtype)
            if not np.isfinite(stored).all():
                raise ValueError(
                    f"cannot save as {stored.dtype}: {name} (layer {l}) has values "
                    f"up to {np.abs(a).max():.3g}, beyond {stored.dtype}'s range; "
                    f"save with dtype='float32'"
                )
            arrays[name] = stored
    with atomic_write(path) as f:  # a file object, so numpy adds no ".npz" of its own
        try:
            np.savez_compressed(f, **arrays)
        except OSError as exc:  # a full disk: name the user's file, not the temporary one
            if exc.errno is None:
                raise
            raise OSError(
                exc.errno, f"cannot write the file: {exc.strerror}", os.fspath(path)
            ) from exc


def _file_path(path):
    """``path`` as a Path with ``~`` expanded; a path ending in a slash names a folder, where
    Path() would drop the slash and write a file of the folder's name."""
    text = os.fsdecode(os.fspath(path))
    if text.endswith(("/", os.sep)):
        raise ValueError(f"path must name a file (e.g. 'models/net.npz'); got {text!r}, a folder")
    return Path(text).expanduser()


def _dtype_name(value):
    try:
        return np.dtype(value).name
    except TypeError:
        return None


def read(path):
    """Read ``(config, weights, biases)`` from a file written by :func:`write`.

    ``config`` is a dict with the keys of :data:`CONFIG_TYPES` (types checked; the values are
    for the network's constructor to judge); the parameters are cast to ``config["dtype"]``
    and checked finite after the cast. Raises ``FileNotFoundError`` when there is no file and
    :class:`ModelFileError` for anything wrong inside one.
    """
    path = _file_path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no model file at {str(path)!r}")
    where = repr(str(path))
    try:
        with zipfile.ZipFile(path) as archive:
            return _read_archive(archive, where)
    except ModelFileError:
        raise
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        EOFError,
        OSError,
        zlib.error,
        ValueError,
    ) as exc:
        hint = ""
        if _starts_with(path, b"\x93NUMPY"):
            hint = " It is a single .npy array; a model file is an .npz archive."
        raise ModelFileError(
            f"{where} is not a readable nnwidgets model file (truncated, "
            f"corrupt or not an .npz archive): {exc}.{hint}"
        ) from exc


def _starts_with(path, magic):
    with open(path, "rb") as f:
        return f.read(len(magic)) == magic


def _read_archive(archive, where):
    members = {info.filename: info for info in archive.infolist()}

    def header(name):
        """(shape, dtype) of member ``name`` from its .npy header alone, without the data."""
        info = members.get(f"{name}.npy")
        if info is None:
            raise ModelFileError(
                f"{where} has no {name!r} array, so it is not an nnwidgets "
                f"model file (it has {sorted(m[:-4] for m in members)})"
            )
        with archive.open(info) as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise ModelFileError(
                    f"{where}: member {name!r} uses .npy format {version}, "
                    f"which nnwidgets never writes"
                )
            data_start = f.tell()
        expected = data_start + int(np.prod(shape, dtype=np.int64)) * dtype.itemsize
        if dtype.hasobject or info.file_size != expected:
            raise ModelFileError(
                f"{where}: member {name!r} is malformed (its header says "
                f"{shape} {dtype}, its size is {info.file_size} bytes)"
            )
        return shape, dtype

    def load(name):
        with archive.open(members[f"{name}.npy"]) as f:
            return np.lib.format.read_array(f, allow_pickle=False)

    def small(name, kind):
        shape, dtype = header(name)
        if (
            shape != ()
            or dtype.kind != kind
            or members[f"{name}.npy"].file_size > _MAX_HEADER_MEMBER_BYTES
        ):
            raise ModelFileError(
                f"{where}: {name!r} must be a single "
                f"{'string' if kind == 'U' else 'integer'}; got {shape} {dtype}"
            )
        return load(name).item()

    if small("format", "U") != FORMAT:
        raise ModelFileError(f"{where} is an .npz file but not an nnwidgets model")
    version = small("format_version", "i")
    if version < 1:  # versions count from 1: anything else was not written by nnwidgets
        raise ModelFileError(f"{where}: model format version must be 1 or more; got {version}")
    if version > FORMAT_VERSION:
        raise ModelFileError(
            f"{where} has model format version {version}; this nnwidgets "
            f"reads up to version {FORMAT_VERSION}: upgrade nnwidgets"
        )
    config = _parse_config(small("config", "U"), where)
    sizes, dtype = config["sizes"], config["dtype"]
    if dtype not in ("float32", "float64"):
        raise ModelFileError(f"{where}: config dtype must be 'float32' or 'float64'; got {dtype!r}")

    # Every shape is compared with the architecture before any array is read: a small file
    # declaring a huge layer is refused here, not after allocating it.
    names = [
        (f"W{l}", (n_out, n_in), f"b{l}", (n_out,))
        for l, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:]))
    ]
    for w_name, w_shape, b_name, b_shape in names:
        for name, expected in ((w_name, w_shape), (b_name, b_shape)):
            shape, stored = header(name)
            if shape != expected or stored.name not in STORE_DTYPES:
                raise ModelFileError(
                    f"{where} does not match its own architecture: sizes {sizes} need {name} "
                    f"of shape {expected} (float16/32/64); the file has {shape} {stored}"
                )

    weights, biases = [], []
    for w_name, _, b_name, _ in names:
        for name, out in ((w_name, weights), (b_name, biases)):
            # Finite after the cast: a float64 1e300 becomes inf in float32.
            with np.errstate(over="ignore"):
                a = load(name).astype(dtype)
            if not np.isfinite(a).all():
                raise ModelFileError(
                    f"{where}: {name} holds NaN or infinite values (in "
                    f"{dtype}); the model is broken"
                )
            out.append(a)
    return config, weights, biases


def _parse_config(text, where):
    try:
        config = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{where}: its config is not valid JSON ({exc})") from exc
    if not isinstance(config, dict):
        raise ModelFileError(
            f"{where}: its config must be a JSON object; got {type(config).__name__}"
        )
    unknown = sorted(set(config) - set(CONFIG_TYPES))
    missing = sorted(set(CONFIG_TYPES) - set(config))
    if unknown or missing:
        raise ModelFileError(
            f"{where}: its config has unknown keys {unknown} / lacks keys "
            f"{missing}; expected exactly {sorted(CONFIG_TYPES)}"
        )
    for key, kind in CONFIG_TYPES.items():
        if not isinstance(config[key], kind):
            raise ModelFileError(
                f"{where}: config {key!r} must be a {kind.__name__}; got {config[key]!r}"
            )
    sizes = config["sizes"]
    if len(sizes) < 2 or not all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0 for s in sizes
    ):
        raise ModelFileError(
            f"{where}: config sizes must be two or more positive integers; got {sizes!r}"
        )
    return config
