"""BLAS from training's side: the product added into an array inside gemm, the thread limit,
and products taken a few rows at a time where BLAS's small-matrix kernels are faster.

The adder must give what NumPy's product and add give, and must never write where NumPy would
not: arrays that do not suit the call go NumPy's way.
"""

import os

import numpy as np
import pytest
from threadpoolctl import threadpool_info, threadpool_limits

from nnwidgets import Network, _blas, training
from nnwidgets._blas import product_adder


def arrays(dtype, k=7, m=5, n=9, seed=0):
    """``a`` (k, m), ``b`` (k, n), ``c`` (m, n): three different sizes, so a transposition or
    a swapped leading dimension fails."""
    rng = np.random.default_rng(seed)
    return (
        rng.standard_normal((k, m)).astype(dtype),
        rng.standard_normal((k, n)).astype(dtype),
        rng.standard_normal((m, n)).astype(dtype),
    )


def test_the_openblas_numpys_wheels_ship_is_found_and_passes_its_check():
    # NumPy's wheels bundle OpenBLAS with 64-bit integers (symbols ending in 64_) in a folder
    # beside numpy/; where that is the BLAS in use, the adder must be there.
    numpy_dir = os.path.dirname(os.path.dirname(os.path.abspath(np.__file__)))
    bundled = [
        i
        for i in threadpool_info()
        if i["internal_api"] == "openblas" and i["filepath"].startswith(numpy_dir)
    ]
    if not bundled or "64_" not in os.path.basename(bundled[0]["filepath"]):
        pytest.skip("NumPy here does not use the OpenBLAS its wheels ship")
    assert product_adder(np.float32) is not None
    assert product_adder(np.float64) is not None


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_the_product_is_added_into_c_as_numpy_adds_it(dtype):
    add = product_adder(dtype)
    if add is None:
        pytest.skip("NumPy's BLAS offers no gemm to call here")
    a, b, c = arrays(dtype)
    expected = c.copy()
    expected += np.matmul(a.T, b)
    add(a, b, c)
    assert add._calls, "the product went NumPy's way, not through gemm"
    np.testing.assert_allclose(c, expected, rtol=10 * np.finfo(dtype).eps, atol=0)
    add(a, b, c)  # the second call takes the remembered arguments: the same sum again
    expected += np.matmul(a.T, b)
    np.testing.assert_allclose(c, expected, rtol=10 * np.finfo(dtype).eps, atol=0)


def test_a_new_array_in_the_same_place_is_the_one_written():
    add = product_adder(np.float32)
    if add is None:
        pytest.skip("NumPy's BLAS offers no gemm to call here")
    a, b, first = arrays(np.float32)
    add(a, b, first)
    kept = first.copy()
    second = np.zeros_like(first)  # as when training's weights are replaced by new arrays
    add(a, b, second)
    np.testing.assert_array_equal(first, kept)
    np.testing.assert_allclose(second, a.T @ b, rtol=1e-6)


@pytest.mark.parametrize(
    "unsuited",
    [
        "fortran",  # not C-contiguous
        "float64",  # not the adder's dtype
        "view",  # every other column: strided
    ],
)
def test_arrays_that_do_not_suit_gemm_are_added_numpys_way(unsuited):
    add = product_adder(np.float32)
    if add is None:
        pytest.skip("NumPy's BLAS offers no gemm to call here")
    a, b, c = arrays(np.float32)
    if unsuited == "fortran":
        c = np.asfortranarray(c)
    elif unsuited == "float64":
        c = c.astype(np.float64)
    else:
        wide = np.zeros((c.shape[0], 2 * c.shape[1]), np.float32)
        wide[:, ::2] = c
        c = wide[:, ::2]
    expected = c + a.T @ b
    add(a, b, c)
    assert not add._calls
    np.testing.assert_allclose(c, expected, rtol=1e-6)


def prepared_arrays(dtype, suited):
    """The adder for ``dtype`` and arrays a, b, c for it; c in Fortran order (which gemm's
    call here does not take, so the prepared call adds NumPy's way) unless ``suited``."""
    add = product_adder(dtype)
    if add is None:
        pytest.skip("NumPy's BLAS offers no gemm to call here")
    a, b, c = arrays(dtype)
    return add, a, b, c if suited else np.asfortranarray(c)


@pytest.mark.parametrize("suited", [True, False])
def test_a_prepared_call_adds_the_product_every_time_it_is_called(suited):
    # prepare(a, b, c) makes the call once, for a loop that adds the same arrays every step;
    # arrays that do not suit gemm (here c in Fortran order) get a call that adds NumPy's way.
    add, a, b, c = prepared_arrays(np.float32, suited)
    expected = c.copy()
    call = add.prepare(a, b, c)
    assert call.arrays[2] is c
    for _ in range(2):
        call()
        expected += np.matmul(a.T, b)
        np.testing.assert_allclose(c, expected, rtol=1e-6)
    assert not add._calls  # it left the adder's own memory alone


@pytest.mark.parametrize("suited", [True, False])
def test_a_prepared_call_with_beta_keeps_that_share_of_c(suited):
    # beta (a scalar whose value may change between calls) makes c = beta c + a^T b: 0 ignores
    # what c held, NaN included, as momentum's first step ignores the velocity.
    add, a, b, c = prepared_arrays(np.float64, suited)
    beta = add.scalar()
    call = add.prepare(a, b, c, beta=beta)
    c[0, 0] = np.nan
    call()
    np.testing.assert_allclose(c, a.T @ b, rtol=1e-12)
    beta.value = 0.9
    call()
    np.testing.assert_allclose(c, 1.9 * (a.T @ b), rtol=1e-12)


@pytest.mark.parametrize("suited", [True, False])
def test_a_prepared_call_with_alpha_scales_the_product_by_its_value_at_each_call(suited):
    # alpha (a scalar like beta) makes c = beta c + alpha a^T b: a training step passes -eta/m
    # there, which changes between steps, instead of scaling the small errors first.
    add, a, b, c = prepared_arrays(np.float64, suited)
    alpha, beta = add.scalar(-0.5), add.scalar(0.0)
    call = add.prepare(a, b, c, alpha=alpha, beta=beta)
    call()
    np.testing.assert_allclose(c, -0.5 * (a.T @ b), rtol=1e-12)
    alpha.value, beta.value = 0.25, 1.0
    call()
    np.testing.assert_allclose(c, -0.25 * (a.T @ b), rtol=1e-12)
    alpha.value = 2.0
    call = add.prepare(a, b, c, alpha=alpha)  # beta left out: c += alpha a^T b
    call()
    np.testing.assert_allclose(c, 1.75 * (a.T @ b), rtol=1e-12)


def test_a_read_only_array_is_refused_as_numpy_refuses_it():
    add = product_adder(np.float32)
    if add is None:
        pytest.skip("NumPy's BLAS offers no gemm to call here")
    a, b, c = arrays(np.float32)
    c.setflags(write=False)
    with pytest.raises(ValueError, match="read-only"):
        add(a, b, c)


def test_training_adds_bp4_inside_gemm_to_the_weights_numpy_would_give(monkeypatch):
    # [200, 64, 4]: the first layer's 12,800 weights are many enough for the product to be
    # added inside gemm; the other path writes the step and adds it. Mini-batch 16, plain
    # SGD, and a last mini-batch of 300 % 16 = 12 examples.
    rng = np.random.default_rng(1)
    X = rng.standard_normal((300, 200)).astype(np.float32)
    y = rng.integers(0, 4, 300)

    def train():
        net = Network([200, 64, 4], activation="sigmoid", output="softmax", seed=0)
        net.fit(X, y, epochs=2, batch_size=16, learning_rate=0.3, threads=1)
        return net

    in_gemm = train()
    monkeypatch.setattr(training, "product_adder", lambda dtype: None)
    step_then_add = train()
    for p, q in zip(in_gemm.weights + in_gemm.biases, step_then_add.weights + step_then_add.biases):
        np.testing.assert_allclose(p, q, rtol=1e-6, atol=1e-7)
    # float32 losses of weights equal to rounding: to rounding too (a few ulps)
    np.testing.assert_allclose(
        in_gemm.history_.batch_loss, step_then_add.history_.batch_loss, rtol=1e-6
    )


def small_kernels_or_skip():
    if _blas._small_kernels() is None:
        pytest.skip("NumPy's BLAS has no small-matrix kernels product_rows knows here")


def test_product_rows_keeps_each_block_within_openblas_small_kernels_limits():
    # OpenBLAS sends a product a (rows, n_in) @ w.T to its small-matrix kernel when it has at
    # most a million multiply-adds and at most 1,200 outputs; [784, 100] gives 12 rows (12 x
    # 78,400 = 940,800 and 1,200 outputs; 13 rows would be 1,019,200 and 1,300).
    small_kernels_or_skip()
    with threadpool_limits(1, user_api="blas"):
        assert _blas.product_rows(64, 784, 100, np.float32) == 12
        assert _blas.product_rows(64, 784, 30, np.float32) == 40  # 1,200 outputs
        assert _blas.product_rows(12, 784, 100, np.float32) is None  # one block is the product
        assert _blas.product_rows(64, 100, 10, np.float32) is None  # small already
        assert _blas.product_rows(64, 256, 256, np.float32) is None  # blocks of 4: too few rows
        assert _blas.product_rows(64, 784, 100, np.float64) is None  # sgemm's kernels only
        assert _blas.product_rows(512, 784, 100, np.float32) == 12
    with threadpool_limits(2, user_api="blas"):
        # The small kernel runs on one thread: a large product is left to the threads.
        assert _blas.product_rows(64, 784, 100, np.float32) == 12
        if _blas._small_kernels()() > 1:
            assert _blas.product_rows(128, 784, 100, np.float32) is None
