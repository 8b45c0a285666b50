"""Where the parameters and the training buffers lie: at a multiple of 64 bytes (a cache line),
where BLAS's kernels read them fastest (see ``network.ALIGNMENT``)."""

import numpy as np
import pytest

from nnwidgets import Network
from nnwidgets.network import ALIGNMENT, aligned_copy, aligned_empty, aligned_zeros
from nnwidgets.training import Trainer, snapshot


def starts_on_a_line(a):
    return a.ctypes.data % ALIGNMENT == 0


@pytest.mark.parametrize("shape", [(7,), (3, 5), (100, 784), 5])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_aligned_arrays_start_on_a_line_and_have_the_shape_and_dtype_asked_for(shape, dtype):
    # Ten of each: NumPy's own arrays start at any multiple of 16 bytes, so a helper that
    # returned them as they come would be caught here almost surely.
    for _ in range(10):
        a = aligned_empty(shape, dtype)
        assert starts_on_a_line(a)
        assert a.shape == np.empty(shape).shape and a.dtype == dtype
        assert a.flags.c_contiguous and a.flags.writeable


def test_aligned_zeros_are_zeros_on_a_line():
    for _ in range(10):
        # Garbage first, so that the zeros' memory is likely to have held something else.
        np.full(4096, np.nan)
        z = aligned_zeros((37, 11), np.float32)
        assert starts_on_a_line(z) and z.shape == (37, 11) and z.dtype == np.float32
        assert not z.any() and not np.isnan(z).any()


def test_an_aligned_copy_has_the_values_as_astype_gives_them():
    a = np.random.default_rng(0).standard_normal((30, 7))  # float64
    for dtype in (None, np.float32):
        copy = aligned_copy(a, dtype)
        assert starts_on_a_line(copy)
        expected = a if dtype is None else a.astype(dtype)
        assert copy.dtype == expected.dtype
        np.testing.assert_array_equal(copy, expected)
    assert not np.shares_memory(aligned_copy(a), a)


def parameters(net):
    return [*net.weights, *net.biases]


def test_a_networks_parameters_start_on_a_line_however_it_was_made(tmp_path):
    nets = [Network([784, 100, 10], seed=s) for s in range(5)]
    net = nets[0]
    nets.append(net.copy())
    twin = Network([784, 100, 10], seed=9)
    twin.set_parameters(net.weights, net.biases)
    nets.append(twin)
    net.save(tmp_path / "net.npz")
    nets.append(Network.load(tmp_path / "net.npz"))
    for n in nets:
        assert all(starts_on_a_line(p) for p in parameters(n))
    weights, biases = snapshot(net)  # what early stopping restores
    assert all(starts_on_a_line(p) for p in weights + biases)


def test_the_training_buffers_start_on_a_line():
    net = Network([784, 100, 10], activation="sigmoid", output="sigmoid", seed=0)
    X = np.random.default_rng(0).random((50, 784)).astype(np.float32)
    trainer = Trainer(net, X, np.arange(50) % 10, epochs=1, batch_size=10, momentum=0.5)
    trainer.run()
    work = trainer._work
    zs, activations, _, _ = work.rows(10)
    # Every layer's errors lie in one array, one after the other (all_errors): it starts on
    # a line, and so does the first layer's.
    arrays = [work.gradient, work._x, *zs, *activations, work.all_errors(10)]
    arrays += [trainer._velocity.v, *parameters(net)]
    assert all(starts_on_a_line(a) for a in arrays)
    # The rows of a mini-batch of inputs lie 784 * 4 bytes apart, a multiple of 64 too.
    x = work.gather_inputs(X, np.arange(10))
    assert all(starts_on_a_line(row) for row in x)
