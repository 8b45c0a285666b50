"""Hostile use of the data loaders, model files and command line.

Downloads go to a real HTTP server on 127.0.0.1; the command line runs as a real subprocess.
"""

import os
import signal
import subprocess
import sys
import threading
import time

import numpy as np
import pytest
from _tiny_mnist import GZ, SHA, load, serve, spec

from nnwidgets import Network
from nnwidgets.datasets import _download, draw_pendigits, load_pendigits
from nnwidgets.datasets import mnist as datasets


@pytest.fixture(autouse=True)
def no_env(monkeypatch):
    monkeypatch.delenv("NNWIDGETS_DATA", raising=False)


# --- downloads: the cache, not the network, is at fault --------------------------------------


def test_a_file_in_place_of_the_cache_folder_is_named_before_any_download(server, tmp_path):
    serve(server, "a")
    (tmp_path / "tiny").write_text("notes")  # where the loader wants its folder
    with pytest.raises(FileExistsError) as info:
        load(spec(server, "a", "a"), tmp_path)
    message = str(info.value)
    assert f"cannot save Tiny in the cache folder {tmp_path / 'tiny'}: " in message
    assert f"{tmp_path / 'tiny'} is a file, not a folder. Pass cache_dir=" in message
    assert "Offline?" not in message and "could not download" not in message
    assert server.requests == []
    assert (tmp_path / "tiny").read_text() == "notes"


def test_a_cache_file_that_cannot_be_written_is_not_blamed_on_the_mirrors(server, tmp_path):
    serve(server, "a")
    serve(server, "b")
    blocked = tmp_path / "tiny" / "train-images-idx3-ubyte.gz"
    blocked.mkdir(parents=True)  # a folder where the download must go
    with pytest.raises(IsADirectoryError) as info:
        load(spec(server, "a", "b"), tmp_path)
    message = str(info.value)
    assert f"cannot save Tiny in the cache folder {tmp_path / 'tiny'}: Is a directory" in message
    assert f"({blocked})" in message and ".part" not in message
    assert "Offline?" not in message
    # One mirror was enough to learn it: the second one would fail the same way.
    assert server.requests == ["/a/train-images-idx3-ubyte.gz"]
    assert os.listdir(tmp_path / "tiny") == [blocked.name] and os.listdir(blocked) == []


def _mount_tmpfs(where, size):
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "nnwidgets-test", str(where)],
        capture_output=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a small file system here: {done.stderr.decode().strip()}")


def test_a_full_disk_names_the_file_and_tries_no_other_mirror(server, tmp_path):
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "64k")
    try:
        big = {name: body + bytes(200_000) for name, body in GZ.items()}
        serve(server, "a", big)
        serve(server, "b", big)
        dest = disk / "f.gz"
        with pytest.raises(OSError) as info:
            _download.fetch(
                "t10k-labels-idx1-ubyte.gz",
                [f"{server.url}/a/", f"{server.url}/b/"],
                None,
                dest,
                progress=False,
            )
        assert not isinstance(info.value, _download.DownloadError)
        assert str(info.value) == (
            f"[Errno 28] cannot write the file: No space left on device: '{dest}'"
        )
        assert server.requests == ["/a/t10k-labels-idx1-ubyte.gz"]
        assert os.listdir(disk) == []  # no half file, no temporary file
    finally:
        subprocess.run(["umount", str(disk)], check=True)


# --- downloads: a flaky network -------------------------------------------------------------


def test_a_server_that_stalls_times_out_and_leaves_nothing(server, tmp_path):
    def stall(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "1000")
        handler.end_headers()
        handler.wfile.write(b"\x1f\x8b")
        handler.wfile.flush()
        time.sleep(3)

    server.routes["/a/f.gz"] = stall
    started = time.monotonic()
    with pytest.raises(_download.DownloadError, match=r"/a/f\.gz: TimeoutError: timed out"):
        _download.fetch("f.gz", [f"{server.url}/a/"], None, tmp_path / "f.gz", progress=False,
                        timeout=0.5)  # fmt: skip
    assert time.monotonic() - started < 2.5
    assert os.listdir(tmp_path) == []


def test_a_redirect_is_followed_and_a_redirect_loop_is_named(server, tmp_path):
    def moved(handler):
        handler.send_response(302)
        handler.send_header("Location", "/b/" + handler.path.rsplit("/", 1)[1])
        handler.end_headers()

    def loop(handler):
        handler.send_response(301)
        handler.send_header("Location", handler.path)
        handler.end_headers()

    serve(server, "a", {name: moved for name in GZ})
    serve(server, "b")
    serve(server, "loop", {name: loop for name in GZ})
    d = load(spec(server, "a"), tmp_path / "ok")
    np.testing.assert_array_equal(d.y_train, [3, 1, 4, 1])
    with pytest.raises(datasets.DownloadError, match=r"/loop/train-images-idx3-ubyte\.gz: HTTP 30"):
        load(spec(server, "loop"), tmp_path / "loop")
    assert not (tmp_path / "loop" / "tiny" / "train-images-idx3-ubyte.gz").exists()


_KILLED_DOWNLOAD = """
import sys
from nnwidgets.datasets import _download
_download.fetch("f.gz", [sys.argv[1]], None, sys.argv[2], progress=False, timeout=60)
"""


def test_a_killed_download_leaves_no_file_and_its_leftover_goes_on_the_retry(server, tmp_path):
    # A restarted kernel (SIGKILL) cannot clean up: its temporary file stays, never at dest.
    body = GZ["train-images-idx3-ubyte.gz"]
    sent = threading.Event()

    def half_then_stall(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body[: len(body) // 2])
        handler.wfile.flush()
        sent.set()
        time.sleep(10)

    server.routes["/slow/f.gz"] = half_then_stall
    dest = tmp_path / "f.gz"
    proc = subprocess.Popen(
        [sys.executable, "-c", _KILLED_DOWNLOAD, f"{server.url}/slow/", str(dest)]
    )
    try:
        assert sent.wait(60), "the download never started"
        time.sleep(0.3)  # the half has reached the child, which waits for the rest
        assert proc.poll() is None
    finally:
        proc.kill()
        proc.wait()
    assert not dest.exists()
    assert len(list(tmp_path.glob(".f.gz.*.part"))) == 1

    server.routes["/good/f.gz"] = body
    _download.fetch("f.gz", [f"{server.url}/good/"], SHA["train-images-idx3-ubyte.gz"], dest,
                    progress=False)  # fmt: skip
    assert dest.read_bytes() == body
    assert os.listdir(tmp_path) == ["f.gz"]  # the killed download's leftover is gone


def test_the_temporary_file_of_a_download_still_running_is_kept(tmp_path, server):
    mine = tmp_path / f".f.gz.{os.getpid()}.0badc0de.part"
    mine.write_bytes(b"in progress")
    server.routes["/a/f.gz"] = b"data"
    _download.fetch("f.gz", [f"{server.url}/a/"], None, tmp_path / "f.gz", progress=False)
    assert mine.read_bytes() == b"in progress"


# --- model files ---------------------------------------------------------------------------


@pytest.fixture
def small_disk(tmp_path):
    """A 64 KiB file system: big enough for a small model, too small for a big one."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root")
    disk = tmp_path / "disk"
    _mount_tmpfs(disk, "64k")
    yield disk
    subprocess.run(["umount", str(disk)], check=True)


def test_a_full_disk_names_the_model_file_and_keeps_the_old_one(small_disk):
    path = small_disk / "model.npz"
    small = Network([784, 10], seed=0)
    small.save(path)
    before = path.read_bytes()
    for sizes in ([784, 100, 10], [784, 30, 10]):  # written in large and in small pieces
        with pytest.raises(OSError) as info:
            Network(sizes, seed=1).save(path)
        assert info.value.errno == 28
        assert str(info.value) == (
            f"[Errno 28] cannot write the file: No space left on device: '{path}'"
        )
        assert path.read_bytes() == before
        assert os.listdir(small_disk) == ["model.npz"]  # no temporary file left


@pytest.mark.parametrize("version", [0, -1])
def test_a_format_version_below_one_is_refused(tmp_path, version):
    path = tmp_path / "m.npz"
    Network([4, 3, 2], seed=0).save(path)
    arrays = dict(np.load(path))
    arrays["format_version"] = np.array(version)
    np.savez(path, **arrays)
    with pytest.raises(
        ValueError, match=rf"m\.npz': model format version must be 1 or more; got {version}$"
    ):  # noqa: E501
        Network.load(path)


# --- pen digits ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "digit, message",
    [
        ([np.zeros((0, 2))], r"^strokes\[1\]: a digit needs at least one \(x, y\) point; its 1 "),
        ([], r"^strokes\[1\]: a digit needs at least one \(x, y\) point; it has no strokes$"),
        ([[[1.0, 2.0], [np.nan, 4.0]]], r"^strokes\[1\]: a digit's points must be finite"),
        ([["ab"]], r"^strokes\[1\]: a digit must be a list of strokes, each a sequence of"),
    ],
    ids=["empty-stroke", "no-stroke", "nan", "text"],
)
def test_draw_pendigits_names_the_bad_digit(digit, message):
    good = load_pendigits("/work/shared/data/pendigits/pendigits-train.unipen.gz").strokes[0]
    with pytest.raises(ValueError, match=message):
        draw_pendigits([good, digit], seed=0, half_size=True)


# --- the command line --------------------------------------------------------------------------


def nnwidgets(*args, **kwargs):
    return subprocess.run(
        [sys.executable, "-m", "nnwidgets", *args],
        capture_output=True,
        text=True,
        timeout=300,
        **kwargs,
    )


def assert_one_line_error(result, prefix, message):
    assert result.returncode == 2, result.stderr
    last = result.stderr.splitlines()[-1]
    assert last == f"{prefix}: error: {message}"
    assert "Traceback" not in result.stderr and "epoch" not in result.stdout


@pytest.mark.parametrize("port", ["-5", "0", "99999"])
def test_demo_refuses_a_port_that_cannot_exist(tmp_path, port):
    # Its own session: should the check ever go, the Jupyter server it starts is ended with it.
    command = [sys.executable, "-m", "nnwidgets", "demo", "--port", port, "--no-browser"]
    proc = subprocess.Popen(
        [*command, "--dir", str(tmp_path / "nb")],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    result = subprocess.CompletedProcess(command, proc.returncode, out, err)
    assert_one_line_error(
        result,
        "nnwidgets demo",
        f"argument --port: must be a port number from 1 to 65535; got '{port}'",
    )
    assert not (tmp_path / "nb").exists()  # refused before copying anything


def test_train_refuses_more_threads_than_cpus():
    cpus = len(os.sched_getaffinity(0))
    result = nnwidgets("train", "--bundled", "--threads", str(cpus + 1))
    assert_one_line_error(
        result,
        "nnwidgets train",
        f"argument --threads: must be at most {cpus}, the CPUs this machine gives it; "
        f"got '{cpus + 1}'",
    )


@pytest.mark.parametrize("seed", ["-1", "x"])
def test_train_names_a_seed_the_command_line_can_give(seed):
    result = nnwidgets("train", "--bundled", "--seed", seed)
    # not "None or ...": no command line can pass None
    assert_one_line_error(
        result, "nnwidgets train", f"argument --seed: must be an integer >= 0; got '{seed}'"
    )


def test_train_with_a_cache_that_cannot_be_made_says_what_works(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("not a folder")
    env = {**os.environ, "XDG_CACHE_HOME": str(blocker)}
    env.pop("NNWIDGETS_DATA", None)
    result = nnwidgets("train", "--epochs", "1", env=env)
    assert result.returncode == 2, result.stderr
    assert (
        f"nnwidgets train: error: [Errno 20] cannot save MNIST in the cache folder "
        f"{blocker}/nnwidgets/mnist: {blocker} is a file, not a folder." in result.stderr
    )
    assert result.stderr.endswith(
        "On the command line: --bundled trains on the subset shipped in the package, --data DIR "
        "reads the files from a folder, and XDG_CACHE_HOME=DIR moves the cache.\n"
    )
    assert "Traceback" not in result.stderr and "epoch" not in result.stdout


def test_a_trained_network_that_cannot_be_saved_goes_to_the_temporary_folder(small_disk, tmp_path):
    spare = tmp_path / "spare"
    spare.mkdir()
    out = small_disk / "net.npz"
    result = nnwidgets(
        "train", "--bundled", "--sizes", "784,100,10", "--epochs", "1", "--out", str(out),
        env={**os.environ, "TMPDIR": str(spare)},
    )  # fmt: skip
    assert result.returncode == 1, result.stderr
    saved = list(spare.glob("net-*.npz"))
    assert len(saved) == 1
    lines = result.stderr.splitlines()
    assert lines[-2].endswith(
        f"error: could not save the network: [Errno 28] cannot write the file: "
        f"No space left on device: '{out}'"
    )
    assert lines[-1] == (
        f"saved it to {saved[0]} instead, so the training is not lost; move it where you want it"
    )
    assert "Traceback" not in result.stderr
    assert Network.load(saved[0]).sizes == [784, 100, 10]
    assert os.listdir(small_disk) == []


# --- files under each other's names -------------------------------------------------------


def test_an_official_file_under_the_wrong_name_is_named_for_what_it_is(tmp_path, monkeypatch):
    # A teacher's copy with the test images saved as the training images: the sums say so.
    # The tiny files stand in for the official ones, in a table of sums of their own.
    tiny = spec(None)
    monkeypatch.setitem(datasets._SPECS, "tiny", tiny)
    folder = tmp_path / "mixed"
    folder.mkdir()
    for name, body in GZ.items():
        (folder / name).write_bytes(body)
    (folder / "train-images-idx3-ubyte.gz").write_bytes(GZ["t10k-images-idx3-ubyte.gz"])
    with pytest.raises(
        ValueError,
        match=r"mixed/train-images-idx3-ubyte\.gz: SHA-256 mismatch, the file is Tiny's "
        r"t10k-images-idx3-ubyte\.gz under the wrong name \(expected ",
    ):
        datasets._load(tiny, folder, download=False, cache_dir=None, progress=False,
                       flatten=True, normalize=True)  # fmt: skip


# --- augment ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "fill, message",
    [
        (255.0, r"^images must hold values in \[0, 1\]; got values from 0 to 255; divide 0\.\.255"),
        (-0.5, r"^images must hold values in \[0, 1\]; got values from -0\.5 to 0;"),
        (np.nan, r"^images must hold values in \[0, 1\]; got NaN or infinite pixels$"),
    ],
    ids=["unscaled", "negative", "nan"],
)
def test_augment_refuses_pixels_outside_0_1_instead_of_clipping_them(fill, message):
    # Pixels of 0..255 as floats (load_mnist(normalize=False), then astype) were clipped to 1:
    # every stroke and its surroundings white, and training went on with no word.
    from nnwidgets.datasets.augment import augment

    images = np.zeros((2, 28, 28), np.float32)
    images[1, 10:18, 12:16] = fill
    with pytest.raises(ValueError, match=message):
        augment(images, np.random.default_rng(0))


def test_a_model_path_ending_in_a_slash_is_a_folder_and_tilde_is_home(tmp_path, monkeypatch):
    from nnwidgets import Network

    net = Network([4, 3, 2], seed=0)
    with pytest.raises(ValueError, match=r"path must name a file .*'.*new/', a folder"):
        net.save(f"{tmp_path}/new/")
    assert not (tmp_path / "new").exists()  # no file named "new" either
    monkeypatch.setenv("HOME", str(tmp_path))
    net.save("~/net.npz")
    assert (tmp_path / "net.npz").is_file()
    back = Network.load("~/net.npz")
    assert all(np.array_equal(a, b) for a, b in zip(back.weights, net.weights))


def test_a_killed_saves_leftover_goes_at_the_next_save_and_a_running_ones_stays(tmp_path):
    # A kernel killed while saving leaves its hidden temporary file beside the model.
    ended = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                           capture_output=True, text=True, check=True)  # fmt: skip
    dead, alive = int(ended.stdout), os.getpid()
    left = tmp_path / f".net.npz.{dead}.0a1b2c3d.part"
    ours = tmp_path / f".net.npz.{alive}.0a1b2c3d.part"  # a save still going on
    left.write_bytes(b"half a model")
    ours.write_bytes(b"half a model")
    Network([4, 3, 2], seed=0).save(tmp_path / "net.npz")
    assert sorted(p.name for p in tmp_path.iterdir()) == [ours.name, "net.npz"]
    with pytest.raises(FileNotFoundError, match="net.npz"):  # a missing folder is still named
        Network([4, 3, 2], seed=0).save(tmp_path / "nowhere" / "net.npz")
