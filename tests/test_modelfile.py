"""Model files: round trips, atomic writes, and clear errors for anything that is not one."""

import io
import json
import os
import tracemalloc
import zipfile

import numpy as np
import pytest

from nnwidgets import Network, modelfile
from nnwidgets.modelfile import ModelFileError


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


# -- files from anywhere: every malformed one is one ModelFileError naming the file ----------------


def members(net, path):
    """The arrays of a saved model, to edit and write back with np.savez."""
    net.save(path)
    with np.load(path) as f:
        return dict(f)


def test_write_and_read_need_no_network(tmp_path):
    config = {
        "sizes": [3, 2],
        "activation": "relu",
        "output": "softmax",
        "cost": "cross_entropy",
        "init": "scaled",
        "dtype": "float64",
    }
    weights, biases = [np.arange(6.0).reshape(2, 3)], [np.array([0.5, -0.5])]
    modelfile.write(tmp_path / "m.npz", config, weights, biases)
    back_config, back_w, back_b = modelfile.read(tmp_path / "m.npz")
    assert back_config == config
    np.testing.assert_array_equal(back_w[0], weights[0])
    np.testing.assert_array_equal(back_b[0], biases[0])


def test_load_builds_the_subclass_it_is_called_on(net, tmp_path):
    class Mine(Network):
        pass

    net.save(tmp_path / "m.npz")
    assert type(Mine.load(tmp_path / "m.npz")) is Mine


def edit_config(arrays, change):
    config = json.loads(arrays["config"].item())
    change(config)
    arrays["config"] = np.array(json.dumps(config))
    return arrays


@pytest.mark.parametrize(
    "make_bad, message",
    [
        (
            lambda a: {k: v for k, v in a.items() if k != "format_version"},
            "no 'format_version' array",
        ),
        (lambda a: dict(a, config=np.array("{sizes: [20, 7, 3]")), "config is not valid JSON"),
        (lambda a: dict(a, config=np.array("[20, 7, 3]")), "config must be a JSON object"),
        (
            lambda a: edit_config(a, lambda c: c.update(sizes="20,7,3")),
            "config 'sizes' must be a list",
        ),
        (
            lambda a: edit_config(a, lambda c: c.update(sizes=[20, True, 3])),
            "sizes must be two or more positive",
        ),
        (
            lambda a: edit_config(a, lambda c: c.update(activation=3)),
            "config 'activation' must be a str",
        ),
        (lambda a: edit_config(a, lambda c: c.update(colour="red")), r"unknown keys \['colour'\]"),
        (lambda a: edit_config(a, lambda c: c.pop("cost")), r"lacks keys \['cost'\]"),
        (
            lambda a: edit_config(a, lambda c: c.update(activation="swish")),
            "does not make a network: activation must be one of",
        ),
        (
            lambda a: edit_config(a, lambda c: c.update(dtype="float16")),
            "config dtype must be 'float32' or 'float64'",
        ),
        (
            lambda a: dict(a, format_version=np.array("1")),
            "'format_version' must be a single integer",
        ),
        (
            lambda a: dict(a, W0=a["W0"].astype(np.int32)),
            r"need W0 of shape \(7, 20\) \(float16/32/64\); the file has \(7, 20\) int32",
        ),
        (lambda a: {k: v for k, v in a.items() if k != "b1"}, "no 'b1' array"),
    ],
)
def test_malformed_model_files_raise_one_clear_error(net, tmp_path, make_bad, message):
    path = tmp_path / "bad.npz"
    arrays = make_bad(members(net, path))
    np.savez(path, **arrays)
    with pytest.raises(ModelFileError, match=message) as caught:
        Network.load(path)
    assert str(path) in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "content, message",
    [
        (b"\x93NUMPY" + b"\x00" * 60, "not a readable .*single .npy array"),
        (b"hello", "not a readable"),
        (b"PK\x03\x04" + b"\x00" * 40, "not a readable"),
    ],
)
def test_files_that_are_not_archives(tmp_path, content, message):
    path = tmp_path / "m.npz"
    path.write_bytes(content)
    with pytest.raises(ModelFileError, match=message) as caught:
        Network.load(path)
    assert str(path) in str(caught.value)


def test_a_real_npy_file_is_named_as_such(tmp_path):
    path = tmp_path / "weights.npy"
    np.save(path, np.zeros(3))
    with pytest.raises(ModelFileError, match="single .npy array; a model file is an .npz"):
        Network.load(path)


@pytest.mark.parametrize("keep", [200, 600, -30])
def test_truncated_anywhere_is_one_error(net, tmp_path, keep):
    path = tmp_path / "m.npz"
    net.save(path)
    path.write_bytes(path.read_bytes()[:keep])
    with pytest.raises(ModelFileError, match="m.npz"):
        Network.load(path)


def test_small_file_declaring_a_huge_layer_is_refused_before_allocating(net, tmp_path):
    path = tmp_path / "m.npz"
    arrays = edit_config(members(net, path), lambda c: c.update(sizes=[784, 100_000, 10]))
    np.savez(path, **arrays)
    tracemalloc.start()
    try:
        with pytest.raises(
            ModelFileError, match=r"need W0 of shape \(100000, 784\).*has \(7, 20\)"
        ):
            Network.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 5_000_000  # W0 alone would be 313 MB


def test_only_the_members_needed_are_read(net, tmp_path):
    # An extra 400 MB member (zeros, so about 2 MB compressed): decompressing it would show as
    # a 400 MB peak; the model loads without touching it.
    path = tmp_path / "m.npz"
    net.save(path)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f4", "fortran_order": False, "shape": (100_000_000,)}
    )
    with zipfile.ZipFile(path, "a", compression=zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        with archive.open("extra.npy", "w", force_zip64=True) as member:
            member.write(header.getvalue())
            zeros = bytes(4 << 20)
            for _ in range(100):
                member.write(zeros)
    tracemalloc.start()
    try:
        back = Network.load(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    np.testing.assert_array_equal(back.weights[0], net.weights[0])
    assert peak < 5_000_000


def test_a_member_whose_header_lies_about_its_size_is_refused(net, tmp_path):
    path = tmp_path / "m.npz"
    arrays = members(net, path)
    net.save(path)
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(
        header, {"descr": "<f4", "fortran_order": False, "shape": (7, 20)}
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, a in arrays.items():
            if name != "W0":
                buf = io.BytesIO()
                np.save(buf, a)
                archive.writestr(f"{name}.npy", buf.getvalue())
        archive.writestr("W0.npy", header.getvalue() + b"\x00" * 12)  # 3 floats, not 140
    with pytest.raises(ModelFileError, match="member 'W0' is malformed"):
        Network.load(path)


def test_finiteness_is_checked_after_the_cast_to_the_network_dtype(net, tmp_path):
    path = tmp_path / "m.npz"
    arrays = members(net, path)
    arrays["W1"] = np.full((3, 7), 1e300)  # finite as float64, inf as float32
    np.savez(path, **arrays)
    with pytest.raises(ModelFileError, match=r"W1 holds NaN or infinite values \(in float32\)"):
        Network.load(path)


def test_pickled_members_are_refused(net, tmp_path):
    path = tmp_path / "m.npz"
    arrays = members(net, path)
    arrays["config"] = np.array([{"sizes": [20, 7, 3]}], dtype=object)
    np.savez(path, **arrays)
    with pytest.raises(ModelFileError, match="m.npz"):
        Network.load(path)


# -- saving a broken network ---------------------------------------------------------------------


def test_a_network_with_non_finite_weights_refuses_to_save(net, tmp_path):
    net.weights[1][0, 0] = np.nan
    with pytest.raises(
        ValueError, match=r"cannot save: W1 \(layer 1\) holds NaN or infinite.*diverge"
    ):
        net.save(tmp_path / "m.npz")
    assert os.listdir(tmp_path) == []


def test_weights_beyond_float16_refuse_to_save_as_float16(net, tmp_path):
    net.weights[0][0, 0] = 70_000.0  # float16 tops out at 65,504
    with pytest.raises(ValueError, match=r"cannot save as float16: W0 .* up to 7e\+04"):
        net.save(tmp_path / "m.npz", dtype="float16")
    net.save(tmp_path / "m.npz")  # float32 holds it
    assert Network.load(tmp_path / "m.npz").weights[0][0, 0] == 70_000.0
