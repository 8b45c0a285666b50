"""How widgets reach the browser: where each bundle lives, and how arrays cross the wire.

Arrays travel as ``{"view": memoryview, "dtype": str, "shape": [int, ...]}``. The memoryview is
sent as a binary buffer (no JSON number lists) and arrives in the browser as a ``DataView``,
which ``js/lib/wire.ts`` decodes. The front end sends arrays back in the same form; they
arrive here as a memoryview onto the message, which :func:`array_from_json` copies out.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import traitlets

__all__ = [
    "STATIC",
    "bundle",
    "array_to_json",
    "array_from_json",
    "array_serialization",
    "Array",
    "Checked",
    "Choice",
    "Flag",
    "NumberList",
    "TraitTypeError",
    "TraitValueError",
    "as_trait_error",
    "checked",
]

#: Directory holding the bundles ``npm run build`` writes: ``<name>.js`` and ``<name>.css``.
STATIC = Path(__file__).resolve().parent.parent / "static"

#: dtypes the wire format carries, and what each array is sent as. Pixels stay uint8 (a 28x28
#: image is 784 bytes); everything else goes as float32, which is all the browser computes in.
WIRE_DTYPES = ("float32", "uint8")


def bundle(name: str) -> tuple[Path, Path | None]:
    """Paths of the ES module and stylesheet built from ``js/<name>/``, for ``_esm`` and ``_css``.

    The stylesheet is ``None`` when the widget has none. Raises ``FileNotFoundError`` naming the
    fix when the module was never built (anywidget's own message names only the path).
    """
    esm = STATIC / f"{name}.js"
    if not esm.is_file():
        raise FileNotFoundError(
            f"nnwidgets' front-end bundle {esm} is missing. In a source checkout run "
            "`npm install && npm run build` (or `pip install -e .`, which runs both)."
        )
    css = STATIC / f"{name}.css"
    return esm, (css if css.is_file() else None)


def array_to_json(value: np.ndarray | None, widget=None) -> dict | None:
    """Serialise an array trait for the front end: ``{"view", "dtype", "shape"}`` or ``None``.

    uint8 arrays are sent as they are; every other dtype as C-contiguous float32.
    """
    if value is None:
        return None
    a = np.asarray(value)
    dtype = np.uint8 if a.dtype == np.uint8 else np.float32
    # order="C", not ascontiguousarray, which turns a 0-d array into shape (1,). The bytes as
    # a flat uint8 view: memoryview.cast refuses a shape with a 0 in it (a line with no
    # points yet), and the page reads the shape from "shape" anyway.
    a = np.asarray(a, dtype=dtype, order="C")
    return {
        "view": memoryview(a.reshape(-1).view(np.uint8)),
        "dtype": a.dtype.name,
        "shape": list(a.shape),
    }


def array_from_json(value: dict | None, widget=None) -> np.ndarray | None:
    """Deserialise ``{"view", "dtype", "shape"}`` from the front end into a NumPy array (a copy).

    ``view`` may be a memoryview (a front-end update), bytes, or bytearray. Raises ``ValueError``
    saying what is wrong with a malformed value, rather than reshaping garbage.
    """
    if value is None:
        return None
    if not isinstance(value, dict) or not {"view", "dtype", "shape"} <= value.keys():
        got = sorted(value) if isinstance(value, dict) else type(value).__name__
        raise ValueError(
            f"an array from the front end must be a dict with keys view, dtype, shape; got {got}"
        )
    view, dtype, shape = value["view"], value["dtype"], value["shape"]
    if dtype not in WIRE_DTYPES:
        raise ValueError(f"array dtype must be one of {WIRE_DTYPES}; got {dtype!r}")
    if not isinstance(view, (memoryview, bytes, bytearray)):
        raise ValueError(
            f"array view must be a memoryview, bytes or bytearray; got {type(view).__name__}"
        )
    if not isinstance(shape, (list, tuple)) or not all(
        isinstance(d, int) and d >= 0 for d in shape
    ):
        raise ValueError(f"array shape must be a list of non-negative ints; got {shape!r}")
    raw = memoryview(view).cast("B")
    expected = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
    if raw.nbytes != expected:
        raise ValueError(
            f"{dtype} array of shape {list(shape)} needs {expected} bytes; got {raw.nbytes}"
        )
    # frombuffer shares the message's memory; copy so the array owns (and may write) its data.
    return np.frombuffer(raw, dtype=dtype).reshape(shape).copy()


#: ``.tag(sync=True, **array_serialization)`` makes any trait use the binary wire format.
array_serialization = {"to_json": array_to_json, "from_json": array_from_json}


class TraitValueError(traitlets.TraitError, ValueError):
    """A trait value that is wrong: a ``ValueError`` to users, a ``TraitError`` to traitlets."""


class TraitTypeError(traitlets.TraitError, TypeError):
    """A trait value of the wrong kind: a ``TypeError`` to users, a ``TraitError`` to traitlets."""


def as_trait_error(exc):
    """``exc`` (a ValueError or TypeError from a check) as the matching TraitError.

    A validator must raise a TraitError: only then do ``hold_trait_notifications`` and
    ``set_state`` (the page's changes) put back the values they had already assigned. Any other
    exception leaves the refused value in place and still notifies the observers.
    """
    if isinstance(exc, traitlets.TraitError):
        return exc
    return (TraitTypeError if isinstance(exc, TypeError) else TraitValueError)(str(exc))


class Checked(traitlets.Any):
    """Any value, None included, checked by the widget's own ``@validate`` alone, so that its
    one rule and message hold for every value. (traitlets.Any lets None through unchecked, and
    ``allow_none=False`` cannot turn that off; Int would take 75.0 and refuse 112.5.)"""

    allow_none = False


class Flag(traitlets.Bool):
    """True or False, a NumPy bool too (``w.all_edges = arr.any()``); anything else is refused
    with a TypeError naming the setting, not traitlets' own message."""

    def validate(self, obj, value):
        if isinstance(value, (bool, np.bool_)):
            return bool(value)
        raise TraitTypeError(
            f"{type(obj).__name__}.{self.name} must be True or False; got {value!r}"
        )


class Choice(traitlets.Enum):
    """One of a few strings; anything else is refused with a ValueError naming the setting and
    the choices."""

    def validate(self, obj, value):
        if isinstance(value, str) and value in self.values:
            return value
        raise TraitValueError(
            f"{type(obj).__name__}.{self.name} must be one of {list(self.values)}; got {value!r}"
        )


def checked(check, value, *args):
    """``check(value, *args)`` for a ``@validate`` handler: its ValueError or TypeError as the
    matching TraitError (:func:`as_trait_error`)."""
    try:
        return check(value, *args)
    except (TypeError, ValueError) as exc:
        raise as_trait_error(exc) from None


class NumberList(traitlets.List):
    """A list of floats that also takes a tuple, a NumPy array or NumPy numbers, as a learner
    computes them (``b.heights = np.ones(5)``): stored as a list of Python floats. What is
    still not a list of numbers gets traitlets' message, which names the trait."""

    def __init__(self, **kwargs):
        super().__init__(traitlets.Float(), **kwargs)

    def validate(self, obj, value):
        if isinstance(value, np.ndarray):
            if value.ndim != 1:
                raise TraitValueError(
                    f"{type(obj).__name__}.{self.name} must be a list of numbers (a 1-D "
                    f"array); got an array of shape {value.shape}"
                )
            value = value.tolist()
        elif isinstance(value, (list, tuple)):
            value = [v.item() if isinstance(v, np.generic) else v for v in value]
        if isinstance(value, list) and any(isinstance(v, bool) for v in value):
            # Float would take True as 1.0: a list of flags is not a list of numbers
            raise TraitTypeError(
                f"{type(obj).__name__}.{self.name} must be a list of numbers; got {value!r}"
            )
        return super().validate(obj, value)


class Array(traitlets.TraitType):
    """A NumPy array trait with a fixed dtype and, optionally, a fixed shape.

    ``Array(dtype="float32", shape=(None, 10))`` accepts anything ``np.asarray`` takes, stores a
    C-contiguous array of that dtype, and rejects a wrong number of dimensions or a wrong size in
    any dimension not given as ``None``. Tag it ``.tag(sync=True, **array_serialization)`` to sync.
    Assigning an equal array (same shape and values) fires no change, unlike traitlets' default
    ``==`` test, which is ambiguous for arrays and treats shape (1,) and (1, 1) as equal.
    """

    info_text = "a NumPy array"

    def __init__(
        self, default_value=None, *, dtype="float32", shape=None, allow_none=True, **kwargs
    ):
        self.dtype = np.dtype(dtype)
        self.shape = None if shape is None else tuple(shape)
        if default_value is not None:
            default_value = self._coerce(default_value)
        super().__init__(default_value=default_value, allow_none=allow_none, **kwargs)

    def _coerce(self, value) -> np.ndarray:
        try:
            a = np.array(value, dtype=self.dtype, order="C", copy=True)
        except (TypeError, ValueError) as e:
            raise TraitValueError(
                f"{self._where()} must be convertible to a {self.dtype.name} array; "
                f"got {type(value).__name__}: {e}"
            ) from None
        if self.shape is not None:
            ok = a.ndim == len(self.shape) and all(
                w is None or w == n for w, n in zip(self.shape, a.shape)
            )
            if not ok:
                # (None,) reads "(n,)": one axis of any length, as NumPy writes a shape
                sizes = ["n" if w is None else str(w) for w in self.shape]
                want = "(" + ", ".join(sizes) + ("," if len(sizes) == 1 else "") + ")"
                if None in self.shape:
                    want += f" ({len(self.shape)}-D)"
                raise TraitValueError(f"{self._where()} must have shape {want}; got {a.shape}")
        return a

    def _where(self) -> str:
        owner = getattr(self, "this_class", None)
        return f"{owner.__name__}.{self.name}" if owner is not None and self.name else "the array"

    def validate(self, obj, value):
        if value is None:
            if self.allow_none:
                return None
            self.error(obj, value)
        return self._coerce(value)

    def set(self, obj, value):
        new = self._validate(obj, value)
        old = obj._trait_values.get(self.name, self.default_value)
        obj._trait_values[self.name] = new
        same = (old is None and new is None) or (
            old is not None
            and new is not None
            and old.shape == new.shape
            and np.array_equal(old, new)
        )
        if not same:
            obj._notify_trait(self.name, old, new)
