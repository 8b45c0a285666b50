"""The IDX file format of MNIST, read and written with NumPy.

An IDX file is a 4-byte magic number, one big-endian uint32 per dimension, then the data
in row-major (C) order. The magic number is two zero bytes, a type code (0x08 = unsigned
byte, the only type MNIST uses) and the number of dimensions: images are 0x00000803
(n, rows, columns) and labels 0x00000801 (n,).
"""

import gzip
import os

import numpy as np

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
_UBYTE = 0x08


def parse_idx(data, name="<bytes>", *, magic=None):
    """Parse the bytes of an uncompressed IDX file of unsigned bytes.

    Parameters
    ----------
    data : bytes
        The whole file.
    name : str
        Shown in error messages, usually the file's path.
    magic : int, optional
        The magic number the file must have, e.g. ``IMAGES_MAGIC``.

    Returns
    -------
    numpy.ndarray
        uint8 array with the shape given in the header.

    Raises
    ------
    ValueError
        If the header is short or wrong, or the payload length is not the product of the
        dimensions.
    """
    if len(data) < 4:
        raise ValueError(
            f"{name}: not an IDX file: {len(data)} bytes, shorter than the 4-byte magic number"
        )
    found = int.from_bytes(data[:4], "big")
    if magic is not None and found != magic:
        raise ValueError(f"{name}: bad magic number: expected 0x{magic:08x}; got 0x{found:08x}")
    if data[0] != 0 or data[1] != 0 or data[2] != _UBYTE:
        raise ValueError(
            f"{name}: bad magic number 0x{found:08x}: "
            "expected 0x0000080N (unsigned bytes, N dimensions)"
        )
    ndim = data[3]
    if ndim == 0:
        raise ValueError(f"{name}: bad magic number 0x{found:08x}: zero dimensions")
    header = 4 + 4 * ndim
    if len(data) < header:
        raise ValueError(
            f"{name}: truncated header: {ndim} dimensions need {header} bytes, "
            f"the file has {len(data)}"
        )
    shape = tuple(int(d) for d in np.frombuffer(data, dtype=">u4", count=ndim, offset=4))
    expected = int(np.prod(shape, dtype=np.int64))
    payload = len(data) - header
    if payload != expected:
        dims = " x ".join(str(d) for d in shape)
        what = "truncated" if payload < expected else "too long"
        raise ValueError(
            f"{name}: {what}: dimensions {dims} need {expected} bytes of data, "
            f"the file has {payload}"
        )
    return np.frombuffer(data, dtype=np.uint8, offset=header).reshape(shape)


def read_idx(path, *, magic=None):
    """Read an IDX file, gzipped if its name ends in ``.gz``.

    Parameters
    ----------
    path : str or os.PathLike
    magic : int, optional
        The magic number the file must have.

    Returns
    -------
    numpy.ndarray
        uint8 array with the shape given in the header.
    """
    path = os.fspath(path)
    with open(path, "rb") as f:
        data = f.read()
    if path.endswith(".gz"):
        data = gunzip(data, path)
    return parse_idx(data, path, magic=magic)


def gunzip(data, name="<bytes>"):
    """Decompress gzip bytes, turning a damaged stream into a ValueError that names the file."""
    try:
        return gzip.decompress(data)
    except (OSError, EOFError) as exc:  # gzip raises BadGzipFile (an OSError) or EOFError
        raise ValueError(f"{name}: not a valid gzip file ({exc})") from None


def write_idx(path, array):
    """Write a uint8 array as an IDX file, gzipped if the name ends in ``.gz``.

    Parameters
    ----------
    path : str or os.PathLike
    array : numpy.ndarray
        uint8 array of 1 to 255 dimensions.
    """
    array = np.asarray(array)
    if array.dtype != np.uint8:
        raise TypeError(f"array must have dtype uint8; got {array.dtype}")
    if not 1 <= array.ndim <= 255:
        raise ValueError(f"array must have 1 to 255 dimensions; got {array.ndim}")
    data = (
        bytes([0, 0, _UBYTE, array.ndim])
        + np.asarray(array.shape, dtype=">u4").tobytes()
        + np.ascontiguousarray(array).tobytes()
    )
    path = os.fspath(path)
    if path.endswith(".gz"):
        data = gzip.compress(data, mtime=0)  # mtime=0: the same array gives the same bytes
    with open(path, "wb") as f:
        f.write(data)
