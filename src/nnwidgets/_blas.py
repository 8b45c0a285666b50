"""How many BLAS threads the matrix products use.

On a machine with few cores, OpenBLAS's thread pool makes the small matrix products of
mini-batch training several times slower than one thread does (bench/train_speed.py measures
it), so training chooses the count deliberately instead of taking the library's default.
"""

from contextlib import contextmanager

from threadpoolctl import threadpool_limits


@contextmanager
def blas_threads(n):
    """Limit BLAS to ``n`` threads inside the block; ``None`` leaves the default alone."""
    if n is None:
        yield
        return
    with threadpool_limits(limits=int(n), user_api="blas"):
        yield
