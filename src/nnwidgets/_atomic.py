"""Writing a file so that a crash, a full disk or Ctrl-C never leaves half of it behind."""

import os
import secrets
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def atomic_write(path, mode="wb", **open_kwargs):
    """Open a temporary file beside ``path``; on success it replaces ``path`` in one step.

    If the block raises (a failed checksum, an interrupted download), the temporary file is
    removed and ``path`` keeps whatever it held before. The temporary file is opened with
    mode "x" under a unique name, so it takes the usual permissions from the umask (unlike
    ``tempfile.mkstemp``'s 0600) and never reuses another process's file.

    An OSError from creating, syncing or renaming the temporary file names ``path``: the user
    never chose the hidden ``.part`` name. Errors raised inside the block pass through as
    they are (a download's HTTP error is an OSError too, and its caller reads it).
    """
    path = Path(path)
    _remove_leftovers(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        f = open(tmp, mode.replace("w", "x"), **open_kwargs)
    except OSError as exc:
        raise _naming(path, exc) from exc
    try:
        try:
            yield f
        except BaseException:
            _close_quietly(f)
            raise
        try:
            f.flush()
            os.fsync(f.fileno())
            f.close()
        except OSError as exc:
            _close_quietly(f)
            raise _naming(path, exc) from exc
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise _naming(path, exc) from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _close_quietly(f):
    """Close ``f`` after an error: closing flushes what is buffered, which on a full disk fails
    again, and that bare error would hide the one saying what went wrong. It closes anyway."""
    try:
        f.close()
    except OSError:
        pass


def _naming(path, exc):
    """The same kind of OSError as ``exc``, about ``path`` instead of the temporary file."""
    if exc.errno is not None:
        # OSError(errno, ...) picks the matching subclass (FileNotFoundError, PermissionError...).
        return OSError(exc.errno, f"cannot write the file: {exc.strerror}", os.fspath(path))
    return OSError(f"cannot write {os.fspath(path)}: {exc}")


def _remove_leftovers(dest):
    """Delete temporary files of ``dest`` left by a write that was killed (a restarted kernel
    during a download or a save), so they do not pile up beside it; those of a process still
    running stay."""
    folder, name = os.path.split(os.path.abspath(dest))
    prefix = f".{name}."
    try:
        entries = os.listdir(folder)
    except OSError:  # no folder yet, or one we may not list: nothing to clean, and the
        return  # write itself says what is wrong
    for entry in entries:
        if not (entry.startswith(prefix) and entry.endswith(".part")):
            continue
        pid = entry[len(prefix) :].split(".", 1)[0]
        if pid.isdigit() and not _running(int(pid)):
            try:
                os.unlink(os.path.join(folder, entry))
            except OSError:
                pass  # another process cleaned it, or it cannot be: it is only a leftover


def _running(pid):
    if os.name == "nt":  # os.kill(pid, 0) there would send Ctrl-C: keep every file
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # PermissionError: it exists, as another user's
        return True
    return True
