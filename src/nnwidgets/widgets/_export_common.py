"""What export_html and export_esm share: argument checks, binary buffers stored once and
compactly, JSON safe inside HTML, and the hosts' script (built from ``js/export/``).

Python only fills in data here; the code that runs in the page (the model a widget talks to,
the buffers put back as DataViews, float16 widened to float32) is TypeScript in ``js/export/``,
built by ``npm run build`` into ``static/export.js``, a script that defines ``nnwExport``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import stat
from pathlib import Path

import numpy as np

from .._atomic import atomic_write
from ._wire import STATIC

#: Traits whose float32 arrays are stored as float16 unless told otherwise: ``_network``, the
#: parameters every nnwidgets widget that shows a network sends.
DEFAULT_HALF = ("_network",)


def text_of(value) -> str:
    """An _esm/_css trait value as text (anywidget may hold a path or file-contents object)."""
    if value is None:
        return ""
    if isinstance(value, Path):
        return value.read_text(encoding="utf-8")
    return str(value)


def host_script() -> str:
    """The built export hosts (``static/export.js``): a script that defines ``nnwExport``."""
    path = STATIC / "export.js"
    if not path.is_file():
        raise FileNotFoundError(
            f"nnwidgets' export host {path} is missing. In a source checkout run "
            "`npm install && npm run build` (or `pip install -e .`, which runs both)."
        )
    code = path.read_text(encoding="utf-8")
    # Inlined into <script>: either would end the element early or start the tokenizer's
    # escaped script state. esbuild escapes them in strings; this says so if that ever changes.
    for bad in ("<script", "</script", "<!--"):
        if bad in code.lower():
            raise RuntimeError(f"{path} contains {bad!r}, which cannot be inlined into a page")
    return code


def html_json(value) -> str:
    """``value`` as JSON that can sit inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` become ``\\u003c``, ``\\u003e`` and ``\\u0026``, so no string in any
    widget's state can close the element (``</script>``) or put the HTML tokenizer into its
    escaped script state (``<!--<script``), which would swallow the rest of the page.
    U+2028 and U+2029 are escaped too (line terminators in older JavaScript). JSON has these
    characters only inside strings, where each escape means the same character.
    NaN and infinities, which JSON cannot write, become null, as ``JSON.stringify`` makes them.
    """
    try:
        text = json.dumps(value, separators=(",", ":"), default=list, allow_nan=False)
    except ValueError:  # NaN or infinity: not JSON, and JSON.parse would refuse the whole page
        text = json.dumps(_finite(value), separators=(",", ":"), default=lambda v: _finite(list(v)))
    for char, escape in (
        ("<", "\\u003c"),
        (">", "\\u003e"),
        ("&", "\\u0026"),
        ("\u2028", "\\u2028"),
        ("\u2029", "\\u2029"),
    ):
        text = text.replace(char, escape)
    return text


def _finite(value):
    """``value`` with every NaN or infinite float replaced by None."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def check_widget(widget, *, function: str, parameter: str = "widget"):
    """``widget`` if it is an open anywidget; else a clear ValueError.

    ValueError for a wrong type too, as export_html and export_esm have always raised there.
    """
    import anywidget

    if not isinstance(widget, anywidget.AnyWidget):
        raise ValueError(  # noqa: TRY004 (kept: callers catch ValueError here)
            f"{function} can only export anywidget widgets; {parameter} holds "
            f"{type(widget).__name__}"
        )
    if widget.comm is None:
        raise ValueError(
            f"{function}: the {type(widget).__name__} in {parameter} was closed "
            "(widget.close()), so it has no state left to export; export it "
            "before closing it"
        )
    return widget


def check_half(half) -> tuple[str, ...]:
    """The ``half=`` argument as a tuple of trait names."""
    if isinstance(half, str):  # iterable, but surely not meant letter by letter
        raise ValueError(  # noqa: TRY004 (kept: callers catch ValueError here)
            f"half must be a list of trait names; got the string {half!r} (write half=({half!r},))"
        )
    try:
        names = tuple(half)
    except TypeError:
        raise TypeError(
            f"half must be a list of trait names (() to keep every array exact); got {half!r}"
        ) from None
    bad = [n for n in names if not isinstance(n, str)]
    if bad:
        raise TypeError(f"half must hold trait names (str); got {bad[0]!r}")
    return names


def check_path(path, *, suffix_hint: str) -> Path:
    """``path`` as a Path with ``~`` expanded; a clear error for what cannot be a file name."""
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"path must be a str or a path-like object; got {type(path).__name__}")
    if os.fspath(path) in ("", b""):
        raise ValueError(f"path must name a file (e.g. 'page{suffix_hint}'); got an empty path")
    text = os.fsdecode(os.fspath(path))
    if text.endswith(("/", os.sep)):  # Path() would drop the slash and write a file there
        raise ValueError(
            f"path must name a file (e.g. 'folder/page{suffix_hint}'); got {text!r}, a folder"
        )
    path = Path(text).expanduser()
    if path.is_dir():
        raise ValueError(f"path must name a file; got the folder {path}")
    for parent in path.parents:  # mkdir would say only "File exists" about it
        if parent.exists():
            if not parent.is_dir():
                raise NotADirectoryError(
                    f"cannot write {path}: {parent} is a file, not a folder; "
                    f"choose a path inside a folder"
                )
            break
    return path


def writable(path: Path) -> tuple[Path, int | None]:
    """``(file to write, its mode or None)`` for ``path``; a read-only file is refused.

    A symbolic link is written through: its target gets the new text and the link stays (the
    rename would otherwise put a plain file where the link was). A read-only file is refused
    rather than replaced (the rename would succeed, and permissions that said "do not change
    this" would silently go).
    """
    if path.is_symlink():
        path = path.resolve()
    if not path.exists():
        return path, None
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o222:
        raise PermissionError(
            f"{path} is read-only (mode {mode:o}), so it was left as it is; make it "
            f"writable (chmod u+w) or export to another path"
        )
    return path, mode


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically, keeping an existing file's permissions."""
    path, mode = writable(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_write(path, "w", encoding="utf-8") as f:
        if mode is not None:
            os.fchmod(f.fileno(), mode)
        f.write(text)


class Blobs:
    """Binary buffers stored once each, as base64: ``[{"codec", "data"}, ...]`` in add order.

    Two widgets showing the same network send byte-identical parameters; the page keeps one
    copy, and ``js/export/blobs.ts`` decodes it once for both.
    """

    def __init__(self):
        self.specs: list[dict] = []
        self._index: dict[tuple[str, bytes], int] = {}

    def add(self, raw: bytes, codec: str) -> int:
        key = (codec, hashlib.sha256(raw).digest())
        if key not in self._index:
            self._index[key] = len(self.specs)
            self.specs.append({"codec": codec, "data": base64.b64encode(raw).decode("ascii")})
        return self._index[key]


def _is_float32_array(value) -> bool:
    # _remove_buffers has taken "view" out already; the dict keeps dtype and shape.
    return isinstance(value, dict) and value.get("dtype") == "float32"


def pack_state(state: dict, half: tuple[str, ...], blobs: Blobs):
    """Take the binary buffers out of ``state`` into ``blobs``: (JSON state, [[path, blob]]).

    float32 arrays inside the traits named by ``half`` are stored as float16 (half the size,
    about three significant digits: plenty for a network's parameters), unless float16 cannot
    hold them (beyond 65504), when they stay exact; every other buffer is stored as sent.
    """
    from ipywidgets.widgets.widget import _remove_buffers

    state, paths, buffers = _remove_buffers(state)
    refs = []
    for path, buf in zip(paths, buffers):
        raw = bytes(buf)
        parent = state
        for key in path[:-1]:
            parent = parent[key]
        codec = "raw"
        if path[0] in half and path[-1] == "view" and _is_float32_array(parent):
            values = np.frombuffer(raw, dtype="<f4")
            with np.errstate(over="ignore"):
                halves = values.astype("<f2")
            if np.isfinite(halves).all() or not np.isfinite(values).all():
                raw, codec = halves.tobytes(), "f16"
        refs.append([list(path), blobs.add(raw, codec)])
    return state, refs
