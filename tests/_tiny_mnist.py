"""A tiny MNIST-shaped dataset (four IDX files of a few digits) and a real HTTP server on
127.0.0.1 that serves it, for the download tests: no mocks of urllib.

The server serves whatever a test puts in ``server.routes`` (bytes; :class:`Truncated` bytes,
announced in full and cut off halfway; or a function that answers the request itself) and
records every request path in ``server.requests``, so a test can tell whether the loader went to
the network at all.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import http.server
import threading

import numpy as np

from nnwidgets.datasets import mnist as datasets
from nnwidgets.datasets.idx import IMAGES_MAGIC, LABELS_MAGIC

NAMES = [
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
]
_rng = np.random.default_rng(1)
ARRAYS = [
    _rng.integers(0, 256, (4, 28, 28), dtype=np.uint8),
    np.array([3, 1, 4, 1], np.uint8),
    _rng.integers(0, 256, (2, 28, 28), dtype=np.uint8),
    np.array([5, 9], np.uint8),
]


def gz_idx(array):
    data = bytes([0, 0, 8, array.ndim]) + np.asarray(array.shape, ">u4").tobytes() + array.tobytes()
    return gzip.compress(data, mtime=0)


GZ = {name + ".gz": gz_idx(a) for name, a in zip(NAMES, ARRAYS)}
SHA = {name: hashlib.sha256(data).hexdigest() for name, data in GZ.items()}


class Truncated(bytes):
    """A body the server announces in full but cuts off halfway, as a dropped connection does."""


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        server = self.server
        with server.lock:
            server.requests.append(self.path)
        body = server.routes.get(self.path)
        if body is None:
            self.send_error(404)
            return
        if callable(body):  # the test answers (a stall, a redirect)
            body(self)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body[: len(body) // 2] if isinstance(body, Truncated) else body)

    def log_message(self, *args):  # keep pytest's output clean
        pass


@contextlib.contextmanager
def running_server():
    """A threaded HTTP server on a free port; ``server.url`` is its base address."""
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.daemon_threads = True  # a stalled handler must not hold up shutdown
    httpd.routes, httpd.requests, httpd.lock = {}, [], threading.Lock()
    httpd.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield httpd
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join()


def serve(server, prefix, files=GZ):
    """Serve ``files`` (name -> body) under ``/prefix/``."""
    for name, body in files.items():
        server.routes[f"/{prefix}/{name}"] = body


def spec(server, *prefixes):
    """A spec like MNIST's whose mirrors are folders of the test server (none without one)."""
    files = [
        datasets._File(
            name, IMAGES_MAGIC if "images" in name else LABELS_MAGIC, SHA[name + ".gz"], None
        )
        for name in NAMES
    ]
    mirrors = tuple(f"{server.url}/{p}/" for p in prefixes) if server else ()
    return datasets._Spec("Tiny", "tiny", "tiny", mirrors, *files)


def load(spec, cache, **kwargs):
    """The tiny dataset through the loader, downloading into ``cache``."""
    options = {"download": True, "cache_dir": cache, "progress": False, "flatten": False}
    return datasets._load(spec, None, **{"normalize": False, **options, **kwargs})
