"""Fetch a file over HTTP(S) with urllib: mirrors in turn, SHA-256 checked, written atomically."""

import hashlib
import os
import sys
import time
import urllib.error
import urllib.request

from .._atomic import atomic_write

_CHUNK = 1 << 16


class DownloadError(OSError):
    """Every mirror failed; the message lists each URL tried and why it failed."""


class _MirrorFailed(Exception):
    """One mirror did not serve a good file (network, HTTP, truncation, checksum): try the next.

    Anything else escaping ``_fetch_one`` is about the destination (a full disk, a read-only
    folder, a directory in the file's place): no other mirror can help with that.
    """


def sha256_of(data):
    """Hex SHA-256 of some bytes."""
    return hashlib.sha256(data).hexdigest()


def fetch(name, mirrors, sha256, dest, *, progress=True, timeout=30.0):
    """Download ``name`` from the first mirror that serves it with the right checksum.

    The file is streamed to a temporary file in the destination's own directory and moved
    into place with ``os.replace`` only once its SHA-256 matches, so ``dest`` is either
    absent or complete and verified, never partial, even if Python is killed midway.

    Parameters
    ----------
    name : str
        File name appended to each mirror, e.g. ``"train-images-idx3-ubyte.gz"``.
    mirrors : sequence of str
        Base URLs ending in ``/``, tried in order.
    sha256 : str or None
        Expected hex digest of the downloaded bytes; None skips the check.
    dest : str or os.PathLike
        Where the verified file goes; its directory is created if needed.
    progress : bool
        Show a text progress bar on stderr when it is a terminal or a notebook.
    timeout : float
        Seconds to wait for each connection or read.

    Returns
    -------
    str
        ``dest`` as a string.

    Raises
    ------
    DownloadError
        If no mirror gave a file with the expected checksum.
    OSError
        If the file cannot be written (a full disk, a read-only folder), naming ``dest``; no
        other mirror is tried, since none would help.
    """
    if not mirrors:
        raise ValueError(f"mirrors must list at least one base URL; got {mirrors!r}")
    dest = os.fspath(dest)
    folder = os.path.dirname(os.path.abspath(dest))
    os.makedirs(folder, exist_ok=True)
    failures = []
    for mirror in mirrors:
        url = mirror + name
        try:
            _fetch_one(url, sha256, dest, progress, timeout)
            return dest
        except _MirrorFailed as exc:
            failures.append(f"  {url}: {_reason(exc.__cause__)}")
    raise DownloadError(f"could not download {name}; tried:\n" + "\n".join(failures))


def _fetch_one(url, sha256, dest, progress, timeout):
    # Checked while still a temporary file: dest only ever holds a verified download.
    # Errors from the network and the checks become _MirrorFailed; errors writing the file
    # stay OSErrors naming dest, so the caller reports them instead of trying other mirrors.
    digest = hashlib.sha256()
    with atomic_write(dest) as out:
        try:
            response = urllib.request.urlopen(url, timeout=timeout)
        except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts are OSErrors
            raise _MirrorFailed from exc
        with response:
            total = response.headers.get("Content-Length")
            total = int(total) if total and total.isdigit() else None
            label = url.rsplit("/", 1)[-1]
            bar = _ProgressBar(label, total) if progress and _interactive() else None
            received, head = 0, b""
            while chunk := _read(response):
                head = head or chunk[:256]  # what the file starts with, for the message below
                _write(out, chunk, dest)
                digest.update(chunk)
                received += len(chunk)
                if bar:
                    bar.update(received)
            if bar:
                bar.close(received)
        if total is not None and received != total:
            raise _MirrorFailed from ValueError(f"truncated: got {received} of {total} bytes")
        if sha256 is not None and digest.hexdigest() != sha256:
            raise _MirrorFailed from ValueError(
                f"SHA-256 mismatch: expected {sha256}; got {digest.hexdigest()} ({received} bytes)"
                + _web_page_hint(head)
            )


def _web_page_hint(head):
    """A hint when a download is a web page: a hotel's or a campus's sign-in page (a captive
    portal) answers every address with one, and its checksum only says "mismatch"."""
    start = head.lstrip().lower()
    if start.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        return (
            "; the server sent a web page, not the file: a network that wants you to sign in "
            "first (open any page in a browser), or a proxy"
        )
    return ""


def _read(response):
    try:
        return response.read(_CHUNK)
    except (OSError, ValueError) as exc:  # IncompleteRead, a reset or a stalled connection
        raise _MirrorFailed from exc


def _write(out, chunk, dest):
    try:
        out.write(chunk)
    except OSError as exc:  # a full disk: name the user's file, not the hidden temporary one
        raise OSError(exc.errno, f"cannot write the file: {exc.strerror}", dest) from exc


def _reason(exc):
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        return f"{exc.reason}"
    return f"{type(exc).__name__}: {exc}" if not isinstance(exc, ValueError) else str(exc)


def _interactive():
    """True in a terminal or a Jupyter kernel, where a redrawn bar reads well; not in logs or CI."""
    if "ipykernel" in sys.modules:
        return True
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False


class _ProgressBar:
    """A one-line bar redrawn with carriage returns, at most ten times a second."""

    width = 30

    def __init__(self, label, total):
        self.label = label
        self.total = total
        self.last = 0.0

    def update(self, received, force=False):
        now = time.monotonic()
        if not force and now - self.last < 0.1:
            return
        self.last = now
        mb = received / 1e6
        if self.total:
            done = min(received / self.total, 1.0)
            filled = int(done * self.width)
            bar = "#" * filled + "." * (self.width - filled)
            line = f"\r{self.label} [{bar}] {done:4.0%} {mb:.1f}/{self.total / 1e6:.1f} MB"
        else:
            line = f"\r{self.label} {mb:.1f} MB"
        sys.stderr.write(line)
        sys.stderr.flush()

    def close(self, received):
        self.update(received, force=True)
        sys.stderr.write("\n")
        sys.stderr.flush()
