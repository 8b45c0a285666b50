"""IDX parsing, the loader's checks and sources, the bundled subset, and (with NNWIDGETS_DATA)
the real files.
"""

import gzip
import os
from pathlib import Path

import numpy as np
import pytest

from nnwidgets.datasets import mnist as datasets
from nnwidgets.datasets.idx import IMAGES_MAGIC, LABELS_MAGIC, parse_idx, read_idx, write_idx

REAL = os.environ.get("NNWIDGETS_DATA")
needs_real = pytest.mark.skipif(
    not REAL, reason="NNWIDGETS_DATA is unset: run `make data` and point it at the full MNIST files"
)

rng = np.random.default_rng(0)
# Five train and three test images: counts that differ catch a train/test mix-up.
TINY = datasets.Dataset(
    rng.integers(0, 256, (5, 28, 28), dtype=np.uint8),
    np.array([5, 0, 4, 1, 9], dtype=np.uint8),
    rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),
    np.array([7, 2, 1], dtype=np.uint8),
)


def tiny_spec():
    """A spec like MNIST's with no mirrors and no checksums: only the IDX checks apply."""

    def f(name, array, magic):
        return datasets._File(name, magic, None, None)

    return datasets._Spec(
        "Tiny",
        "tiny",
        "tiny",
        (),
        f("train-images-idx3-ubyte", TINY.X_train, IMAGES_MAGIC),
        f("train-labels-idx1-ubyte", TINY.y_train, LABELS_MAGIC),
        f("t10k-images-idx3-ubyte", TINY.X_test, IMAGES_MAGIC),
        f("t10k-labels-idx1-ubyte", TINY.y_test, LABELS_MAGIC),
    )


def _idx_bytes(array, gz=False):
    data = bytes([0, 0, 8, array.ndim]) + np.asarray(array.shape, ">u4").tobytes() + array.tobytes()
    return gzip.compress(data, mtime=0) if gz else data


def write_tiny(folder, arrays=TINY, gz=(False, True, False, True)):
    """Write the four files, some gzipped and some not, as a directory may mix them."""
    folder.mkdir(parents=True, exist_ok=True)
    names = [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ]
    for name, array, zipped in zip(names, arrays, gz):
        write_idx(folder / (name + (".gz" if zipped else "")), array)
    return folder


def load_tiny(path, **kwargs):
    kwargs = {
        "download": False,
        "cache_dir": None,
        "progress": False,
        "flatten": True,
        "normalize": True,
        **kwargs,
    }
    return datasets._load(tiny_spec(), path, **kwargs)


@pytest.fixture(autouse=True)
def no_env(monkeypatch, tmp_path):
    """Keep the user's NNWIDGETS_DATA and cache out of every test here except the real-file ones."""
    monkeypatch.delenv("NNWIDGETS_DATA", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))


# --- IDX -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["a-idx3-ubyte", "a-idx3-ubyte.gz"])
@pytest.mark.parametrize("shape", [(7,), (4, 28, 28), (2, 3, 5)])
def test_idx_round_trip(tmp_path, name, shape):
    array = rng.integers(0, 256, shape, dtype=np.uint8)
    write_idx(tmp_path / name, array)
    back = read_idx(tmp_path / name)
    assert back.dtype == np.uint8
    np.testing.assert_array_equal(back, array)


def test_idx_header_layout():
    # magic 0x00000801, then one big-endian count: 3 labels.
    assert _idx_bytes(np.array([1, 2, 3], np.uint8)) == bytes.fromhex("00000801 00000003 010203")
    np.testing.assert_array_equal(
        parse_idx(bytes.fromhex("00000801 00000003 010203"), magic=LABELS_MAGIC), [1, 2, 3]
    )


GOOD_IMAGES = _idx_bytes(np.zeros((2, 28, 28), np.uint8))


@pytest.mark.parametrize(
    "data, magic, message",
    [
        (b"\x00\x00", None, "not an IDX file: 2 bytes"),
        (
            _idx_bytes(np.zeros(3, np.uint8)),
            IMAGES_MAGIC,
            "bad magic number: expected 0x00000803; got 0x00000801",
        ),
        (GOOD_IMAGES, LABELS_MAGIC, "bad magic number: expected 0x00000801; got 0x00000803"),
        (
            b"\x00\x00\x0d\x01" + GOOD_IMAGES[4:],
            None,
            r"bad magic number 0x00000d01: expected 0x0000080N",
        ),
        (b"\x00\x00\x08\x00", None, "bad magic number 0x00000800: zero dimensions"),
        (
            GOOD_IMAGES[:10],
            IMAGES_MAGIC,
            "truncated header: 3 dimensions need 16 bytes, the file has 10",
        ),
        (
            GOOD_IMAGES[:-1],
            IMAGES_MAGIC,
            "truncated: dimensions 2 x 28 x 28 need 1568 bytes of data, the file has 1567",
        ),
        (GOOD_IMAGES + b"\x00", IMAGES_MAGIC, "too long: dimensions 2 x 28 x 28 need 1568 bytes"),
    ],
)
def test_idx_header_errors(data, magic, message):
    with pytest.raises(ValueError, match=f"^bad.idx: {message}"):
        parse_idx(data, "bad.idx", magic=magic)


def test_idx_bad_gzip_names_the_file(tmp_path):
    (tmp_path / "x-idx1-ubyte.gz").write_bytes(b"not gzip at all")
    with pytest.raises(ValueError, match=r"x-idx1-ubyte\.gz: not a valid gzip file"):
        read_idx(tmp_path / "x-idx1-ubyte.gz")


def test_write_idx_rejects_other_dtypes(tmp_path):
    with pytest.raises(TypeError, match="dtype uint8; got float32"):
        write_idx(tmp_path / "x", np.zeros(3, np.float32))


# --- the loader on tiny files ----------------------------------------------------------------


def test_path_with_mixed_raw_and_gz_names(tmp_path):
    X_train, y_train, X_test, _ = load_tiny(write_tiny(tmp_path / "d"))
    assert X_train.shape == (5, 784) and X_train.dtype == np.float32
    assert X_test.shape == (3, 784)
    assert y_train.dtype == np.int64 and y_train.tolist() == [5, 0, 4, 1, 9]
    np.testing.assert_allclose(X_train[1], TINY.X_train[1].ravel() / 255, rtol=1e-6)
    assert 0 <= X_train.min() and X_train.max() <= 1


def test_flatten_and_normalize_off(tmp_path):
    d = load_tiny(write_tiny(tmp_path / "d"), flatten=False, normalize=False)
    assert d.X_train.shape == (5, 28, 28) and d.X_train.dtype == np.uint8
    np.testing.assert_array_equal(d.X_test, TINY.X_test)
    d.X_train[0, 0, 0] = 1  # a writable copy, not a view of the file's bytes


def test_unflattened_normalized(tmp_path):
    d = load_tiny(write_tiny(tmp_path / "d"), flatten=False)
    assert d.X_train.shape == (5, 28, 28) and d.X_train.dtype == np.float32


def test_missing_file_is_named(tmp_path):
    folder = write_tiny(tmp_path / "d")
    (folder / "t10k-labels-idx1-ubyte.gz").unlink()
    with pytest.raises(FileNotFoundError, match="lacks t10k-labels-idx1-ubyte"):
        load_tiny(folder)


def test_path_must_be_a_directory(tmp_path):
    with pytest.raises(FileNotFoundError, match="path must be a directory"):
        load_tiny(tmp_path / "nowhere")


@pytest.mark.parametrize(
    "arrays, message",
    [
        (TINY._replace(y_train=TINY.y_train[:4]), "train has 5 images but 4 labels"),
        (
            TINY._replace(y_test=np.array([7, 2, 10], np.uint8)),
            "test labels must be in 0..9, found 10",
        ),
        (
            TINY._replace(X_train=np.zeros((5, 28, 27), np.uint8)),
            r"train images must be 28x28; got shape \(5, 28, 27\)",
        ),
    ],
)
def test_inconsistent_files(tmp_path, arrays, message):
    with pytest.raises(ValueError, match=message):
        load_tiny(write_tiny(tmp_path / "d", arrays))


def test_wrong_magic_names_the_file(tmp_path):
    # Labels where images belong.
    folder = write_tiny(tmp_path / "d", TINY._replace(X_test=np.zeros(3, np.uint8)))
    with pytest.raises(
        ValueError, match=r"t10k-images-idx3-ubyte: bad magic number: expected 0x00000803"
    ):
        load_tiny(folder)


def test_checksums_apply_to_a_user_directory(tmp_path):
    # Tiny files are not the official MNIST files: the real table must refuse them.
    folder = write_tiny(tmp_path / "d")
    with pytest.raises(
        ValueError, match=r"train-images-idx3-ubyte: SHA-256 mismatch.*expected ba891046"
    ):
        datasets.load_mnist(folder, download=False)


def test_environment_directory_comes_before_the_cache(tmp_path, monkeypatch):
    write_tiny(tmp_path / "env" / "tiny")  # the spec's env_subdir
    monkeypatch.setenv("NNWIDGETS_DATA", str(tmp_path / "env"))
    d = load_tiny(None, cache_dir=tmp_path / "empty-cache")
    assert d.y_test.tolist() == [7, 2, 1]


def test_empty_environment_directory_falls_through_to_the_cache(tmp_path, monkeypatch, recwarn):
    # A directory without these files is meant for another dataset: no warning, on to the cache.
    (tmp_path / "elsewhere").mkdir()
    monkeypatch.setenv("NNWIDGETS_DATA", str(tmp_path / "elsewhere"))
    with pytest.raises(FileNotFoundError, match=r"not cached and download=False"):
        load_tiny(None, cache_dir=tmp_path / "cache")
    assert [str(w.message) for w in recwarn] == []


def test_mistyped_environment_directory_is_warned_about(tmp_path, monkeypatch):
    cache = write_tiny(tmp_path / "cache" / "tiny", gz=(True,) * 4)  # what the loader goes on to
    typo = tmp_path / "mnist-dtaa"
    monkeypatch.setenv("NNWIDGETS_DATA", str(typo))
    with pytest.warns(
        UserWarning, match=rf"NNWIDGETS_DATA='{typo}' is not a directory; ignoring it"
    ):
        d = load_tiny(None, cache_dir=cache.parent)
    assert d.y_test.tolist() == [7, 2, 1]
    # Through the public loader the warning points at the caller's line, not the loader's.
    with (
        pytest.warns(UserWarning, match="NNWIDGETS_DATA") as record,
        pytest.raises(FileNotFoundError),
    ):
        datasets.load_mnist(download=False, cache_dir=tmp_path / "empty")
    assert record[0].filename == __file__


def test_partial_environment_directory_is_an_error(tmp_path, monkeypatch):
    folder = write_tiny(tmp_path / "env" / "tiny")
    (folder / "train-images-idx3-ubyte").unlink()
    monkeypatch.setenv("NNWIDGETS_DATA", str(tmp_path / "env"))
    with pytest.raises(FileNotFoundError, match=r"NNWIDGETS_DATA=.*lacks train-images-idx3-ubyte"):
        load_tiny(None)


def test_fashion_lives_in_its_own_subdirectory(tmp_path, monkeypatch):
    # Same file names as MNIST: under NNWIDGETS_DATA, Fashion-MNIST must not pick up the digits.
    write_tiny(tmp_path / "env", gz=(False,) * 4)
    write_tiny(
        tmp_path / "env" / "fashion",
        TINY._replace(y_test=np.array([0, 0, 0], np.uint8)),
        gz=(False,) * 4,
    )
    monkeypatch.setenv("NNWIDGETS_DATA", str(tmp_path / "env"))
    # No published sums for uncompressed Fashion files, so the tiny ones pass the IDX checks.
    d = datasets.load_fashion_mnist(download=False)
    assert d.y_test.tolist() == [0, 0, 0]


def test_fashion_gz_files_are_checked_against_the_published_sums(tmp_path):
    folder = write_tiny(tmp_path / "d", gz=(True,) * 4)
    with pytest.raises(
        ValueError, match=r"train-images-idx3-ubyte\.gz: SHA-256 mismatch.*expected 3aede38d"
    ):
        datasets.load_mnist(folder, dataset="fashion", download=False)


def test_default_cache_dir(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert datasets.default_cache_dir() == tmp_path / "nnwidgets"
    monkeypatch.delenv("XDG_CACHE_HOME")
    assert datasets.default_cache_dir() == Path.home() / ".cache" / "nnwidgets"


@pytest.mark.parametrize("download", [True, False])
@pytest.mark.parametrize("under", ["", "sub/deeper"])
def test_cache_dir_that_is_a_file_is_named(tmp_path, download, under):
    afile = tmp_path / "notes.txt"
    afile.write_text("not a folder")
    cache_dir = afile / under if under else afile
    why = "which is a file" if not under else f"which lies under '{afile}', a file"
    with pytest.raises(
        ValueError, match=rf"^cache_dir must be a directory .*got '{cache_dir}', {why}$"
    ):
        datasets.load_mnist(cache_dir=cache_dir, download=download, progress=False)


def test_damaged_cache_while_offline_names_the_damage(tmp_path):
    # The one mirror is a port nothing listens on: the download fails at once, as offline.
    spec = tiny_spec()._replace(mirrors=("http://127.0.0.1:9/",))
    write_tiny(tmp_path / "tiny", gz=(True, True, True, True))
    cached = tmp_path / "tiny" / "t10k-images-idx3-ubyte.gz"
    cached.write_bytes(cached.read_bytes()[:-7])  # a cut-off copy
    with (
        pytest.warns(RuntimeWarning, match="downloading it again"),
        pytest.raises(
            datasets.DownloadError,
            match=rf"(?s)^the cached Tiny file is damaged and no fresh copy could be fetched\. "
            rf"{cached}: "
            r".*Delete it, or fetch it again once online; "
            r"could not download t10k-images.*127\.0\.0\.1:9/"
            r".*Offline\?",
        ),
    ):
        datasets._load(
            spec,
            None,
            download=True,
            cache_dir=tmp_path,
            progress=False,
            flatten=True,
            normalize=True,
        )
    assert cached.exists()  # left for the user to look at, not deleted behind their back


def test_unknown_dataset():
    with pytest.raises(ValueError, match="dataset must be 'mnist' or 'fashion'; got 'kmnist'"):
        datasets.load_mnist(dataset="kmnist")


# --- the bundled subset ----------------------------------------------------------------------


def test_bundled_shapes_and_range():
    X_train, y_train, X_test, _ = datasets.load_bundled()
    assert X_train.shape == (10_000, 784) and X_test.shape == (2_000, 784)
    assert X_train.dtype == np.float32 and 0 <= X_train.min() and X_train.max() == 1
    assert y_train.dtype == np.int64 and set(np.unique(y_train)) == set(range(10))


def test_bundled_is_stratified():
    # Full MNIST has 5421 fives in 60000 (9.0%): the subset keeps the share, to within rounding.
    full_share = np.array([5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]) / 60_000
    counts = np.bincount(datasets.load_bundled().y_train, minlength=10)
    assert np.all(np.abs(counts - 10_000 * full_share) <= 1)


def test_bundled_through_load_mnist_and_raw_form():
    d = datasets.load_mnist(bundled=True, flatten=False, normalize=False)
    assert d.X_train.shape == (10_000, 28, 28) and d.X_train.dtype == np.uint8


def test_bundled_file_is_small_and_pickle_free():
    path = Path(datasets.__file__).parent / "bundled" / datasets.BUNDLED_FILE
    assert path.stat().st_size <= 3_000_000
    with np.load(path, allow_pickle=False) as npz:
        assert all(npz[key].dtype != object for key in npz.files)
    assert (path.parent / "README.md").read_text().count("CC BY-SA 3.0") >= 1


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"dataset": "fashion"}, "only available for dataset='mnist'"),
        ({"path": "/data"}, "takes no path"),
    ],
)
def test_bundled_rejects(kwargs, message):
    with pytest.raises(ValueError, match=message):
        datasets.load_mnist(bundled=True, **kwargs)


# --- the real files --------------------------------------------------------------------------

TRAIN_COUNTS = [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]
TEST_COUNTS = [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]


@pytest.fixture(scope="module")
def real():
    if not REAL:
        pytest.skip("NNWIDGETS_DATA is unset: run `make data` and point it at the full MNIST files")
    return datasets.load_mnist(REAL, download=False, flatten=False, normalize=False)


@needs_real
def test_real_shapes(real):
    assert real.X_train.shape == (60_000, 28, 28) and real.X_test.shape == (10_000, 28, 28)
    assert real.X_train.dtype == np.uint8


@needs_real
def test_real_label_histograms(real):
    assert np.bincount(real.y_train).tolist() == TRAIN_COUNTS and sum(TRAIN_COUNTS) == 60_000
    assert np.bincount(real.y_test).tolist() == TEST_COUNTS and sum(TEST_COUNTS) == 10_000


@needs_real
def test_real_first_label_is_five(real):
    assert real.y_train[0] == 5 and real.y_test[0] == 7


@needs_real
def test_real_default_form_through_environment(monkeypatch, real):
    monkeypatch.setenv("NNWIDGETS_DATA", REAL)
    X_train, _, _, y_test = datasets.load_mnist(download=False)
    assert X_train.shape == (60_000, 784) and X_train.dtype == np.float32
    assert X_train.max() == 1 and X_train.min() == 0
    np.testing.assert_array_equal(y_test, real.y_test)


@needs_real
def test_bundled_rows_are_the_official_rows(real):
    path = Path(datasets.__file__).parent / "bundled" / datasets.BUNDLED_FILE
    with np.load(path, allow_pickle=False) as npz:
        np.testing.assert_array_equal(npz["X_train"], real.X_train[npz["train_indices"]])
        np.testing.assert_array_equal(npz["y_test"], real.y_test[npz["test_indices"]])
