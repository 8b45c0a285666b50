"""Downloads against a real HTTP server on 127.0.0.1: no mocks of urllib.

The server serves whatever the test puts in ``server.routes`` and counts every request, so a
test can tell whether the loader went to the network at all.
"""

import os
import socket

import numpy as np
import pytest
from _tiny_mnist import ARRAYS, GZ, NAMES, SHA, Truncated, load, serve, spec

from nnwidgets.datasets import _download
from nnwidgets.datasets import mnist as datasets
from nnwidgets.datasets.idx import IMAGES_MAGIC, LABELS_MAGIC


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    monkeypatch.delenv("NNWIDGETS_DATA", raising=False)


def test_download_then_cache_hit(server, tmp_path):
    serve(server, "a")
    d = load(spec(server, "a"), tmp_path)
    for got, want in zip(d, ARRAYS):
        np.testing.assert_array_equal(got, want)
    assert sorted(os.listdir(tmp_path / "tiny")) == sorted(GZ)  # the four files and no leftovers
    assert len(server.requests) == 4

    again = load(spec(server, "a"), tmp_path)
    assert len(server.requests) == 4  # the second call never touched the network
    np.testing.assert_array_equal(again.y_train, [3, 1, 4, 1])


def test_written_atomically_next_to_the_destination(server, tmp_path, monkeypatch):
    # Spy on os.replace (the real one still runs): the temporary file must be in the cache's
    # own directory, so the rename is atomic and never crosses file systems.
    moves = []
    real_replace = os.replace

    def spy(src, dst):
        moves.append((os.path.dirname(os.path.abspath(src)), os.path.abspath(dst)))
        assert not os.path.exists(dst)  # nothing at the destination until the file is complete
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", spy)
    serve(server, "a")
    dest = tmp_path / "c" / "train-labels-idx1-ubyte.gz"
    _download.fetch(
        "train-labels-idx1-ubyte.gz",
        [f"{server.url}/a/"],
        SHA["train-labels-idx1-ubyte.gz"],
        dest,
        progress=False,
    )
    assert moves == [(str(dest.parent), str(dest))]
    assert dest.read_bytes() == GZ["train-labels-idx1-ubyte.gz"]


def test_checksum_mismatch_is_an_error_and_leaves_nothing(server, tmp_path):
    serve(server, "a", {"x.gz": b"not what was published"})
    with pytest.raises(_download.DownloadError) as info:
        _download.fetch("x.gz", [f"{server.url}/a/"], "0" * 64, tmp_path / "x.gz", progress=False)
    message = str(info.value)
    assert f"{server.url}/a/x.gz" in message
    assert "SHA-256 mismatch: expected 0000" in message
    assert os.listdir(tmp_path) == []  # neither x.gz nor a temporary file


def test_a_web_page_in_place_of_the_file_is_said_to_be_one(server, tmp_path):
    # A network that wants a sign-in first answers every address with its own page.
    portal = b"\n<!DOCTYPE html><html><body>Sign in to Hotel Wi-Fi</body></html>"
    serve(server, "a", {"x.gz": portal})
    with pytest.raises(_download.DownloadError) as info:
        _download.fetch("x.gz", [f"{server.url}/a/"], "0" * 64, tmp_path / "x.gz", progress=False)
    assert "the server sent a web page, not the file" in str(info.value)
    serve(server, "a", {"x.gz": b"\x1f\x8b not a page"})  # a wrong file, but not a page
    with pytest.raises(_download.DownloadError) as info:
        _download.fetch("x.gz", [f"{server.url}/a/"], "0" * 64, tmp_path / "x.gz", progress=False)
    assert "web page" not in str(info.value)


def test_fallback_to_the_second_mirror(server, tmp_path):
    serve(server, "b")  # "/a/" serves nothing: every request there is a 404
    d = load(spec(server, "a", "b"), tmp_path)
    np.testing.assert_array_equal(d.y_test, [5, 9])
    assert [p.split("/")[1] for p in server.requests] == ["a", "b"] * 4


def test_fallback_after_a_truncated_download(server, tmp_path):
    serve(server, "a", {name: Truncated(body) for name, body in GZ.items()})
    serve(server, "b")
    d = load(spec(server, "a", "b"), tmp_path)
    np.testing.assert_array_equal(d.X_test, ARRAYS[2])
    assert sorted(os.listdir(tmp_path / "tiny")) == sorted(GZ)


def test_all_mirrors_failing_names_every_url(server, tmp_path):
    serve(server, "a", {name: Truncated(body) for name, body in GZ.items()})
    with socket.socket() as s:  # a port nobody listens on: connection refused
        s.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{s.getsockname()[1]}/"
    mirrors = [f"{server.url}/missing/", f"{server.url}/a/", dead]
    with pytest.raises(_download.DownloadError) as info:
        _download.fetch(
            "t10k-labels-idx1-ubyte.gz",
            mirrors,
            SHA["t10k-labels-idx1-ubyte.gz"],
            tmp_path / "f.gz",
            progress=False,
        )
    lines = str(info.value).splitlines()
    assert lines[0] == "could not download t10k-labels-idx1-ubyte.gz; tried:"
    assert f"{server.url}/missing/t10k-labels-idx1-ubyte.gz: HTTP 404" in lines[1]
    assert f"{server.url}/a/t10k-labels-idx1-ubyte.gz:" in lines[2]
    assert dead + "t10k-labels-idx1-ubyte.gz:" in lines[3]
    assert os.listdir(tmp_path) == []


def test_all_mirrors_failing_through_the_loader_offers_the_offline_subset(server, tmp_path):
    # Nothing served: every mirror answers 404, as when the files cannot be reached.
    with pytest.raises(_download.DownloadError) as info:
        load(spec(server, "a", "b"), tmp_path)
    message = str(info.value)
    assert f"{server.url}/a/train-images-idx3-ubyte.gz: HTTP 404" in message
    assert f"{server.url}/b/train-images-idx3-ubyte.gz: HTTP 404" in message
    assert "Offline? load_mnist(bundled=True) (the same as load_bundled())" in message
    assert "NNWIDGETS_DATA" in message


def test_a_write_failure_names_the_destination_and_tries_no_other_mirror(server, tmp_path):
    serve(server, "a")
    serve(server, "b")
    dest = tmp_path / "f.gz"
    dest.mkdir()  # the download cannot be moved into place over a directory
    with pytest.raises(IsADirectoryError) as info:
        _download.fetch(
            "t10k-labels-idx1-ubyte.gz",
            [f"{server.url}/a/", f"{server.url}/b/"],
            None,
            dest,
            progress=False,
        )
    # About the user's file, not the mirrors: no other mirror could write it either.
    assert not isinstance(info.value, _download.DownloadError)
    assert str(info.value) == f"[Errno 21] cannot write the file: Is a directory: '{dest}'"
    assert server.requests == ["/a/t10k-labels-idx1-ubyte.gz"]
    assert os.listdir(tmp_path) == ["f.gz"] and os.listdir(dest) == []


@pytest.mark.parametrize(
    "damage",
    [
        lambda body: body[:-10],  # truncated copy
        lambda body: b"\x00" * len(body),  # zeroed sectors
        lambda body: GZ["t10k-images-idx3-ubyte.gz"],  # a valid file, but the wrong one
    ],
    ids=["truncated", "zeroed", "another-file"],
)
def test_damaged_cached_file_is_fetched_again(server, tmp_path, damage):
    serve(server, "a")
    load(spec(server, "a"), tmp_path)
    cached = tmp_path / "tiny" / "train-images-idx3-ubyte.gz"
    cached.write_bytes(damage(GZ[cached.name]))

    with pytest.warns(RuntimeWarning, match=r"train-images-idx3-ubyte\.gz: .*downloading it again"):
        d = load(spec(server, "a"), tmp_path)
    np.testing.assert_array_equal(d.X_train, ARRAYS[0])
    assert server.requests[4:] == ["/a/train-images-idx3-ubyte.gz"]  # only the damaged one
    assert cached.read_bytes() == GZ[cached.name]


def test_damaged_cached_file_without_download_is_a_clear_error(server, tmp_path):
    serve(server, "a")
    load(spec(server, "a"), tmp_path)
    cached = tmp_path / "tiny" / "t10k-labels-idx1-ubyte.gz"
    cached.write_bytes(b"garbage")
    with pytest.raises(
        ValueError, match=r"t10k-labels-idx1-ubyte\.gz: SHA-256 mismatch.*download=True"
    ):
        load(spec(server, "a"), tmp_path, download=False)
    assert len(server.requests) == 4


def test_bad_idx_is_caught_even_without_a_checksum(server, tmp_path):
    # With no published sum to compare, the IDX checks still catch a wrong file.
    serve(server, "a", {**GZ, "train-labels-idx1-ubyte.gz": GZ["t10k-images-idx3-ubyte.gz"]})
    unchecked = spec(server, "a")._replace(
        train_labels=datasets._File("train-labels-idx1-ubyte", LABELS_MAGIC, None, None)
    )
    with pytest.raises(
        ValueError, match=r"train-labels-idx1-ubyte\.gz: bad magic number: expected 0x00000801"
    ):
        load(unchecked, tmp_path)


def test_missing_without_download(tmp_path):
    with pytest.raises(FileNotFoundError, match="not cached and download=False"):
        load(spec_without_server(), tmp_path, download=False)


def spec_without_server():
    files = [datasets._File(name, IMAGES_MAGIC, None, None) for name in NAMES]
    return datasets._Spec("Tiny", "tiny", "tiny", (), *files)


def test_progress_bar_draws_on_stderr(capsys):
    bar = _download._ProgressBar("f.gz", 2_000_000)
    bar.update(1_000_000)
    bar.close(2_000_000)
    err = capsys.readouterr().err
    assert "\rf.gz [###############...............]  50% 1.0/2.0 MB" in err
    assert err.endswith(" 100% 2.0/2.0 MB\n")


def test_no_progress_bar_when_stderr_is_not_a_terminal(server, tmp_path, capsys):
    serve(server, "a")
    _download.fetch(
        "t10k-labels-idx1-ubyte.gz", [f"{server.url}/a/"], None, tmp_path / "f.gz", progress=True
    )
    assert capsys.readouterr().err == ""
