"""Model files: round trips, atomic writes, and clear errors for anything that is not one."""

import json
import os

import numpy as np
import pytest

from nnwidgets import Network


@pytest.fixture
def net():
    return Network([20, 7, 3], activation="tanh", output="sigmoid", cost="quadratic", seed=1)


def test_round_trip_keeps_everything(net, tmp_path):
    path = tmp_path / "model.npz"
    net.save(path)
    back = Network.load(path)
    assert back.config() == net.config()
    for a, b in zip(net.weights + net.biases, back.weights + back.biases):
        np.testing.assert_array_equal(a, b)
    X = np.random.default_rng(0).random((4, 20))
    np.testing.assert_array_equal(back.predict_proba(X), net.predict_proba(X))


def test_no_extension_is_added_and_no_temporary_is_left(net, tmp_path):
    path = tmp_path / "weights.model"
    net.save(path)
    assert sorted(os.listdir(tmp_path)) == ["weights.model"]


def test_float16_file_is_smaller_and_close(tmp_path):
    net = Network([784, 100, 10], seed=0)
    net.save(tmp_path / "32.npz")
    net.save(tmp_path / "16.npz", dtype="float16")
    assert (tmp_path / "16.npz").stat().st_size < 0.6 * (tmp_path / "32.npz").stat().st_size
    back = Network.load(tmp_path / "16.npz")
    assert back.dtype == np.float32
    X = np.random.default_rng(0).random((50, 784))
    np.testing.assert_allclose(back.predict_proba(X), net.predict_proba(X), atol=2e-3)


def test_file_is_readable_without_pickle(net, tmp_path):
    net.save(tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as f:
        assert f["format"].item() == "nnwidgets-network"
        assert json.loads(f["config"].item())["sizes"] == [20, 7, 3]


def test_failed_save_keeps_the_previous_file(net, tmp_path):
    path = tmp_path / "m.npz"
    net.save(path)
    before = path.read_bytes()
    with pytest.raises(ValueError, match="dtype must be"):
        net.save(path, dtype="int8")
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["m.npz"]


def test_truncated_file_is_reported(net, tmp_path):
    path = tmp_path / "m.npz"
    net.save(path)
    path.write_bytes(path.read_bytes()[:200])
    with pytest.raises(ValueError, match="not a readable nnwidgets model file"):
        Network.load(path)


def test_foreign_npz_is_reported(tmp_path):
    np.savez(tmp_path / "other.npz", a=np.arange(3))
    with pytest.raises(ValueError, match="not an nnwidgets model"):
        Network.load(tmp_path / "other.npz")


def test_text_file_is_reported(tmp_path):
    (tmp_path / "notes.npz").write_text("hello")
    with pytest.raises(ValueError, match="not a readable"):
        Network.load(tmp_path / "notes.npz")


def test_missing_file_is_reported(tmp_path):
    with pytest.raises(FileNotFoundError, match="no model file"):
        Network.load(tmp_path / "nope.npz")


def test_newer_format_version_is_reported(net, tmp_path):
    path = tmp_path / "m.npz"
    net.save(path)
    with np.load(path) as f:
        arrays = dict(f)
    arrays["format_version"] = np.array(99)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="format version 99"):
        Network.load(path)


def test_weights_that_contradict_the_architecture_are_reported(net, tmp_path):
    path = tmp_path / "m.npz"
    net.save(path)
    with np.load(path) as f:
        arrays = dict(f)
    arrays["W1"] = np.zeros((3, 8), dtype=np.float32)
    np.savez(path, **arrays)
    with pytest.raises(ValueError, match="does not match its own architecture"):
        Network.load(path)


def test_saved_file_has_ordinary_permissions(net, tmp_path):
    old = os.umask(0o022)
    try:
        net.save(tmp_path / "m.npz")
    finally:
        os.umask(old)
    assert (tmp_path / "m.npz").stat().st_mode & 0o777 == 0o644


def test_atomic_write_keeps_the_old_file_when_the_block_fails(tmp_path):
    from nnwidgets._atomic import atomic_write

    path = tmp_path / "f.bin"
    path.write_bytes(b"old")
    with pytest.raises(RuntimeError, match="checksum"):
        with atomic_write(path) as f:
            f.write(b"half of the new")
            raise RuntimeError("checksum mismatch")
    assert path.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f.bin"]
