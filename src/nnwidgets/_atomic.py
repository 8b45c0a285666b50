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
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.part")
    try:
        with open(tmp, mode.replace("w", "x"), **open_kwargs) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
