"""How many BLAS threads the matrix products use, and one product NumPy cannot make.

On a machine with few cores, OpenBLAS's thread pool makes the small matrix products of
mini-batch training several times slower than one thread does (bench/train_speed.py measures
it), so training chooses the count deliberately instead of taking the library's default.

A training step adds BP4's product straight into the weights, ``w += delta^T a``. NumPy's
``matmul`` can only write a product into an array of its own, which the step then adds to the
weights: a second pass over the largest array there is. BLAS's ``gemm`` computes
``c = alpha a b + beta c`` and with ``beta = 1`` adds as it goes, so :func:`product_adder`
calls it directly (through ctypes, in the very library NumPy uses) where it can.
"""

from __future__ import annotations

import ctypes
import functools
import os
from contextlib import contextmanager

import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits

__all__ = ["blas_threads", "product_adder", "product_rows"]


@contextmanager
def blas_threads(n):
    """Limit BLAS to ``n`` threads inside the block; ``None`` leaves the default alone."""
    if n is None:
        yield
        return
    with threadpool_limits(limits=int(n), user_api="blas"):
        yield


# CBLAS's constants (cblas.h).
_ROW_MAJOR, _NO_TRANS, _TRANS = 101, 111, 112
#: At most this many arrays' addresses are remembered (a run uses about ten).
_REMEMBERED = 64


@functools.lru_cache(maxsize=None)
def _numpy_blas():
    """``(library, info)``: the BLAS NumPy itself was built with, opened with ctypes, and
    threadpoolctl's description of it; or None where it cannot be found for certain.

    Only a library in NumPy's own folder (the OpenBLAS its wheels ship).
    """
    numpy_dir = os.path.dirname(os.path.dirname(os.path.abspath(np.__file__)))
    for info in threadpool_info():
        path = info.get("filepath") or ""
        if info.get("user_api") != "blas" or not os.path.abspath(path).startswith(numpy_dir):
            continue
        if "numpy" not in os.path.relpath(path, numpy_dir).split(os.sep)[0]:
            continue  # another package's BLAS beside NumPy (torch's, scipy's)
        try:
            return ctypes.CDLL(path), info
        except OSError:
            return None
    return None


def _symbol(name):
    """The function ``name`` of NumPy's OpenBLAS (its 64-bit integer interface, whose
    symbols end in ``64_``, with or without the ``scipy_`` prefix of NumPy's wheels), or
    None."""
    blas = _numpy_blas()
    if blas is None:
        return None
    for full in (f"scipy_{name}64_", f"{name}64_"):
        function = getattr(blas[0], full, None)
        if function is not None:
            return function
    return None


@functools.lru_cache(maxsize=None)
def _numpy_gemm(dtype):
    """``cblas_sgemm`` (float32) or ``cblas_dgemm`` (float64) of the BLAS NumPy itself was
    built with, as a ctypes function (64-bit integers; no argtypes, so every argument must be
    a ctypes object of the right type), or None where it cannot be found for certain.

    Only its 64-bit integer interface: there the argument types are known, where a guess at a
    C integer's width could crash the interpreter.
    """
    letter = {"float32": "s", "float64": "d"}.get(np.dtype(dtype).name)
    gemm = None if letter is None else _symbol(f"cblas_{letter}gemm")
    if gemm is not None:
        # No argtypes: the caller passes ctypes objects it made once (converting Python
        # numbers at every call would double the call's cost).
        gemm.restype = None
    return gemm


class _ProductAdder:
    """``add(a, b, c)``: ``c += a^T @ b`` for ``a`` (k, m), ``b`` (k, n), ``c`` (m, n)."""

    def __init__(self, gemm, dtype):
        self._gemm, self._dtype = gemm, np.dtype(dtype)
        # (id(a), id(b), id(c)) -> (a, b, c, gemm's arguments): a training loop passes the same
        # arrays every step, and asking an array for its address costs as much as the call.
        # Holding the arrays keeps their ids from being reused by others, and their memory
        # where it is (an array that others reference cannot be resized).
        self._calls = {}

    def _suits(self, x, writes=False):
        return (
            x.dtype == self._dtype
            and x.ndim == 2
            and x.flags.c_contiguous
            and x.flags.aligned
            and (x.flags.writeable or not writes)
        )

    def __call__(self, a, b, c):
        call = self._calls.get((id(a), id(b), id(c)))
        if call is None or call[0] is not a or call[1] is not b or call[2] is not c:
            call = self._remember(a, b, c)
        if call is None:
            c += a.T @ b  # NumPy's way: a new product, then a pass adding it
        else:
            self._gemm(*call[3])

    def prepare(self, a, b, c, *, alpha=None, beta=None):
        """A function of no arguments that does ``c += a.T @ b`` for these very arrays, each
        time it is called, as this adder does: for a loop that adds the same arrays every
        step, without even the adder's look-up (a third of a small product's time). It holds
        the arrays (as ``arrays``), so their memory stays where the call writes.

        ``alpha`` and ``beta``, numbers from :meth:`scalar`, make the call
        ``c = beta * c + alpha * a.T @ b`` with the values they hold at that moment (a beta of
        0 ignores what ``c`` held, NaN too); either left out is 1.
        """
        arguments = self._arguments(a, b, c, alpha, beta)
        if arguments is None:

            def add():  # NumPy's way
                product = a.T @ b
                if alpha is not None:
                    product *= alpha.value
                if beta is None:
                    np.add(c, product, out=c)
                elif beta.value == 0:
                    np.copyto(c, product)
                else:
                    np.multiply(c, beta.value, out=c)
                    np.add(c, product, out=c)

        else:
            add = functools.partial(self._gemm, *arguments)
        add.arrays = (a, b, c)
        return add

    def scalar(self, value=0.0):
        """A number of the adder's dtype whose ``value`` may change between calls made by
        :meth:`prepare` (its ``alpha`` or ``beta``)."""
        return (ctypes.c_float if self._dtype == np.float32 else ctypes.c_double)(value)

    def _remember(self, a, b, c):
        """The cached call for these arrays, or None when they do not suit gemm."""
        arguments = self._arguments(a, b, c)
        if arguments is None:
            return None
        if len(self._calls) >= _REMEMBERED:
            self._calls.clear()
        call = self._calls[id(a), id(b), id(c)] = (a, b, c, arguments)
        return call

    def _arguments(self, a, b, c, alpha=None, beta=None):
        """gemm's arguments (ctypes objects) for ``c = beta c + alpha a.T @ b`` (``alpha`` and
        ``beta`` 1 when None), or None when these arrays do not suit it."""
        if not (self._suits(a) and self._suits(b) and self._suits(c, writes=True)):
            return None
        (k, m), n = a.shape, b.shape[1]
        if b.shape[0] != k or c.shape != (m, n) or np.shares_memory(c, a) or np.shares_memory(c, b):
            return None
        real = ctypes.c_float if self._dtype == np.float32 else ctypes.c_double
        enum, size, address = ctypes.c_int, ctypes.c_int64, ctypes.c_void_p
        one = real(1.0)
        arguments = (enum(_ROW_MAJOR), enum(_TRANS), enum(_NO_TRANS), size(m), size(n), size(k))
        alpha = one if alpha is None else alpha
        arguments += (alpha, address(a.ctypes.data), size(m), address(b.ctypes.data), size(n))
        beta = one if beta is None else beta
        arguments += (beta, address(c.ctypes.data), size(n))  # alpha, a, b, beta, c
        return arguments


#: OpenBLAS's cores whose small-matrix kernels (0.3.17 on) :func:`product_rows` knows.
_SMALL_KERNEL_CORES = ("skylakex", "cooperlake", "sapphirerapids")
#: Below this many multiply-adds a product on two threads or more gains nothing from blocks:
#: measured on 2 cores, [784, 100] at mini-batch 64 (5 million) took 64 us in blocks of 12
#: rows against 88 us whole; at 128, 131 against 111.
_BLOCKS_WITH_THREADS = 6_000_000


@functools.lru_cache(maxsize=None)
def _small_kernels():
    """A function of no arguments giving the BLAS's thread count now, where NumPy's BLAS is
    an OpenBLAS with the AVX-512 small-matrix sgemm kernels; else None."""
    blas = _numpy_blas()
    if blas is None or blas[1].get("internal_api") != "openblas":
        return None
    try:
        version = tuple(int(part) for part in blas[1].get("version", "").split(".")[:3])
    except ValueError:
        return None
    core = (blas[1].get("architecture") or "").lower()
    threads = _symbol("openblas_get_num_threads")
    if core not in _SMALL_KERNEL_CORES or version < (0, 3, 17) or threads is None:
        return None
    threads.restype, threads.argtypes = ctypes.c_int, []
    return threads


def product_rows(m, n_in, n_out, dtype):
    """How many rows at a time ``a @ w.T`` (``a`` (m, n_in), ``w`` (n_out, n_in)) is fastest
    in, or None for all at once.

    OpenBLAS's sgemm sends a product to its small-matrix kernel, which works on the arrays as
    they lie, when it has at most a million multiply-adds, at most 1,200 outputs and 32 or more
    terms a sum (its sgemm_small_kernel_permit for these cores); any larger one goes the general
    way, which first copies both arrays into blocks, ``w`` whole every time. So a forward pass
    through [784, 100] at mini-batch 64 took 101 us at once and 65 us as six products of 12
    rows or fewer (one thread). Blocks of fewer than 8 rows gain little, and on two threads or
    more only products under :data:`_BLOCKS_WITH_THREADS` gain (the small kernel runs on one
    thread). The results are the same to float rounding, not bit for bit.
    """
    threads = _small_kernels()
    if np.dtype(dtype) != np.float32 or n_in < 32 or threads is None:
        return None
    rows = min(1_000_000 // (n_in * n_out), 1200 // n_out)
    if rows < 8 or m <= rows:
        return None
    if m * n_in * n_out > _BLOCKS_WITH_THREADS and threads() > 1:
        return None
    return rows


def product_adder(dtype):
    """A function ``add(a, b, c)`` that does ``c += a.T @ b`` (``a`` of shape (k, m), ``b``
    (k, n), ``c`` (m, n), all of ``dtype``) in one call of BLAS's ``gemm``; or None where
    NumPy's BLAS cannot be called so (then ``c += a.T @ b`` is the way).

    Arrays that do not suit the call (another dtype, not C-contiguous, ``c`` read-only or
    overlapping an input) are added NumPy's way, with the same result. ``add.prepare(a, b, c)``
    makes the call for given arrays once, for a loop to repeat.
    """
    gemm = _numpy_gemm(np.dtype(dtype).name)
    if gemm is None:
        return None
    adder = _ProductAdder(gemm, dtype)
    # One small product, checked against NumPy's, before trusting the library with weights.
    rng = np.random.default_rng(0)
    a, b = rng.standard_normal((3, 4)).astype(dtype), rng.standard_normal((3, 5)).astype(dtype)
    c = rng.standard_normal((4, 5)).astype(dtype)
    expected = c + a.T @ b
    adder(a, b, c)
    adder._calls.clear()
    return adder if np.allclose(c, expected, rtol=1e-5, atol=1e-5) else None
