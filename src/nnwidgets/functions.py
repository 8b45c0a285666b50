"""Activation functions and cost functions, each next to its derivative.

Every activation is one small object with its value ``fn(z)`` and the vector-Jacobian product
``backward(z, a, grad_a)`` that backpropagation needs. For the element-wise ones that is just
``grad_a * f'(z)``; softmax couples its outputs, so it has its own. Costs give their value per
example and their gradient with respect to the output activations, ``grad(a, y)``.

``fn`` and ``backward`` take an optional ``out`` array, as NumPy's functions do, so that
training writes each mini-batch's values into arrays it keeps instead of new ones (``out`` may
be ``grad_a`` itself); without it they return new arrays.

Arrays are row-major: one example per row, so ``z`` and ``a`` have shape (n_examples, n_units).

The reader's own pieces, network2's way (an activation with ``fn(z)`` and ``prime(z)``, a cost
with ``fn(a, y)`` and ``delta(z, a, y)``), are wrapped by :func:`activation_from` and
:func:`cost_from` into objects of the same kinds, checked on a probe and matched to a built-in
where they compute the same function (which is what the widgets' pages and model files need).
"""

from __future__ import annotations

import inspect

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "COSTS",
    "Activation",
    "Cost",
    "CustomActivation",
    "CustomCost",
    "activation_from",
    "cost_from",
    "get_activation",
    "get_cost",
]

# Clip so that log() and 1/a stay finite; well below float32's resolution near 0 and 1.
_EPS = 1e-7
# The constants of the element-wise functions as NumPy numbers: NumPy converts a Python float
# anew at every call, a fifth of the call's time on a mini-batch of 10 rows (0.54 against
# 0.43 us); the values are exact in float32 and float64 alike, so the results are the same.
_ZERO, _HALF, _ONE = np.float32(0.0), np.float32(0.5), np.float32(1.0)
#: Softmax skips the shift by each row's max where no logit is above this: e^64 is 6e27, so a
#: row of up to 5e10 such terms sums below float32's largest number (3.4e38).
_SHIFT_FREE = np.float32(64.0)


class Activation:
    """An activation function ``a = f(z)`` and its derivative."""

    name = ""
    elementwise = True
    #: True for the reader's own (:class:`CustomActivation`), which no fast path assumes.
    custom = False
    #: The largest :math:`|f(z)|` for any z where the values are bounded (1 for sigmoid, tanh and
    #: softmax), else None: training's bound on a step then needs no sum of the squares.
    largest = None

    @property
    def builtin(self):
        """The built-in activation this computes (its name), or None: what a page can run."""
        return self.name

    def fn(self, z, out=None):
        raise NotImplementedError

    def prime(self, z, a):
        """f'(z); ``a = f(z)`` is passed too, since several derivatives are cheapest from it."""
        raise NotImplementedError

    def backward(self, z, a, grad_a, out=None):
        """The gradient with respect to ``z``, given the gradient ``grad_a`` w.r.t. ``a``."""
        return np.multiply(grad_a, self.prime(z, a), out=out)

    def __repr__(self):
        return f"<activation {self.name}>"


class Sigmoid(Activation):
    r""":math:`\sigma(z) = 1 / (1 + e^{-z})`, :math:`\sigma'(z) = \sigma(z)(1 - \sigma(z))`."""

    name = "sigmoid"
    largest = 1.0

    def fn(self, z, out=None):
        # 0.5 * (1 + tanh(z/2)) is the same function without overflow in exp(-z) for large -z.
        a = np.multiply(z, _HALF, out=out)
        np.tanh(a, out=a)
        a += _ONE
        a *= _HALF
        return a

    def prime(self, z, a):
        prime = np.subtract(_ONE, a)  # a (1 - a) in one new array, not two
        prime *= a
        return prime


class Tanh(Activation):
    r""":math:`\tanh(z)`, :math:`\tanh'(z) = 1 - \tanh^2(z)`."""

    name = "tanh"
    largest = 1.0

    def fn(self, z, out=None):
        return np.tanh(z, out=out)

    def prime(self, z, a):
        return 1.0 - a * a


class ReLU(Activation):
    r""":math:`\max(0, z)`, derivative 1 where :math:`z > 0`, else 0."""

    name = "relu"

    def fn(self, z, out=None):
        return np.maximum(z, _ZERO, out=out)

    def prime(self, z, a):
        return (z > 0).astype(z.dtype)

    def backward(self, z, a, grad_a, out=None):
        return np.multiply(grad_a, z > _ZERO, out=out)  # a mask: no float 0/1 array first


class LeakyReLU(Activation):
    r""":math:`z` for :math:`z > 0`, else :math:`0.01 z`; it never quite stops learning."""

    name = "leaky_relu"
    slope = 0.01

    def fn(self, z, out=None):
        if out is None:
            return np.where(z > 0, z, self.slope * z)
        positive = z > 0  # before out is written, which may be z itself
        np.multiply(z, self.slope, out=out, where=~positive)  # NaN is not > 0: it stays NaN
        np.copyto(out, z, where=positive)
        return out

    def prime(self, z, a):
        return np.where(z > 0, 1.0, self.slope).astype(z.dtype)


class Linear(Activation):
    r""":math:`f(z) = z`: no squashing, for regression-style outputs."""

    name = "linear"

    def fn(self, z, out=None):
        if out is None or out is z:
            return z
        np.copyto(out, z)
        return out

    def prime(self, z, a):
        return np.ones_like(z)

    def backward(self, z, a, grad_a, out=None):
        if out is None or out is grad_a:
            return grad_a
        np.copyto(out, grad_a)
        return out


class Softmax(Activation):
    r""":math:`a_j = e^{z_j} / \sum_k e^{z_k}`; only as the output layer.

    Its Jacobian is :math:`\partial a_j/\partial z_k = a_j(\delta_{jk} - a_k)`, so the backward
    pass is :math:`a \odot (g - \sum_k g_k a_k)` for an incoming gradient ``g``.
    """

    name = "softmax"
    elementwise = False
    largest = 1.0

    def fn(self, z, out=None):
        # The ufuncs' own reductions: z.max() and e.sum() go through Python wrappers first,
        # which at 10 rows cost as much as the arithmetic.
        if out is not z and z.size and _SHIFT_FREE >= np.maximum.reduce(z, axis=None):  # NaN: no
            # e^z / sum e^z without first shifting every row by its max (a reduction along
            # each short row, the costliest part: 3.3 against 3.9 us for 10 rows of 10). No
            # z above 64 means no e^z overflows, nor any row's sum; a sum of at least 1 means
            # that an e^z too small for full precision (subnormal) makes an output at least
            # as small, subnormal in the shifted form too: the same outputs to float rounding.
            e = np.exp(z, out=out)
            total = np.add.reduce(e, axis=-1, keepdims=True)
            if np.minimum.reduce(total, axis=None) >= _ONE:
                e /= total
                return e
        if z.ndim == 2 and len(z) >= 32 and z.shape[1] <= 64:
            # Many short rows (mini-batches of 10 outputs): each row's max taken down the
            # columns of a transposed copy, in a few long vector passes (a reduction along each
            # short row costs some 50 ns a row: 3.9 us for 64 rows of 10 against 1.4). The
            # same maxima exactly, so the same result.
            peak = np.maximum.reduce(np.ascontiguousarray(z.T), axis=0)[:, None]
        else:
            peak = np.maximum.reduce(z, axis=-1, keepdims=True)
        e = np.subtract(z, peak, out=out)  # no overflow
        np.exp(e, out=e)
        e /= np.add.reduce(e, axis=-1, keepdims=True)
        return e

    def prime(self, z, a):
        raise TypeError("softmax has no element-wise derivative; use backward()")

    def backward(self, z, a, grad_a, out=None):
        return np.multiply(a, grad_a - (grad_a * a).sum(axis=-1, keepdims=True), out=out)


def _row_sums(x):
    """Each row's sum, as a product with a column of ones: NumPy's sum along rows as short as
    an output layer's (10 entries) takes some seven times as long (33 against 5 us for 2,048
    rows), and training records its losses so."""
    return x @ np.ones(x.shape[-1], x.dtype)


class Cost:
    """A cost ``C(a, y)`` per example, and its gradient with respect to the output ``a``."""

    name = ""
    #: True for the reader's own (:class:`CustomCost`): its ``delta(z, a, y)`` is BP1 itself.
    custom = False

    @property
    def builtin(self):
        """The built-in cost this computes (its name), or None: what a model file can store."""
        return self.name

    def fn(self, a, y):
        """Cost of each example: shape (n,)."""
        raise NotImplementedError

    def grad(self, a, y):
        r""":math:`\nabla_a C` for each example: shape (n, n_out)."""
        raise NotImplementedError

    def mean(self, a, y):
        """The mean cost over the examples, a float: ``fn(a, y).mean()``, which training
        computes after every mini-batch (the costs below do it in fewer, larger steps)."""
        return float(self.fn(a, y).mean())

    def __repr__(self):
        return f"<cost {self.name}>"


class Quadratic(Cost):
    r""":math:`C = \frac12 \|a - y\|^2`, the book's first cost."""

    name = "quadratic"

    def fn(self, a, y):
        return 0.5 * ((a - y) ** 2).sum(axis=-1)

    def grad(self, a, y):
        return a - y

    def mean(self, a, y):
        d = np.subtract(a, y).ravel()
        return 0.5 * float(np.dot(d, d)) / len(a)


class CrossEntropy(Cost):
    r""":math:`C = -\sum_j [y_j \ln a_j + (1 - y_j) \ln(1 - a_j)]`, for outputs in (0, 1).

    With a softmax output the outputs already sum to one, so :func:`get_cost` swaps in the
    categorical form :math:`-\sum_j y_j \ln a_j` (the usual meaning of "cross-entropy" there).
    """

    name = "cross_entropy"

    def fn(self, a, y):
        a = np.clip(a, _EPS, 1.0 - _EPS)
        log_1ma = np.log(1.0 - a)
        # y ln a + (1 - y) ln(1 - a) = y (ln a - ln(1 - a)) + ln(1 - a), in fewer passes
        return -_row_sums(y * (np.log(a) - log_1ma) + log_1ma)

    def grad(self, a, y):
        a = np.clip(a, _EPS, 1.0 - _EPS)
        return (a - y) / (a * (1.0 - a))

    def mean(self, a, y):
        # -[y ln a + (1 - y) ln(1 - a)] summed = -[y . (ln a - ln(1 - a)) + sum ln(1 - a)]
        a = np.maximum(a, _EPS)  # np.clip, minus its Python wrapper, into one new array
        np.minimum(a, 1.0 - _EPS, out=a)
        log_1ma = np.log(np.subtract(1.0, a))
        log_ratio = np.subtract(np.log(a, out=a), log_1ma, out=a)
        total = np.vdot(y, log_ratio) + np.add.reduce(log_1ma, axis=None)
        return -float(total) / len(a)


class LogLikelihood(Cost):
    r""":math:`C = -\ln a_y`, the log-likelihood of the correct class (pairs with softmax)."""

    name = "log_likelihood"

    def fn(self, a, y):
        return -_row_sums(y * np.log(np.clip(a, _EPS, 1.0)))

    def grad(self, a, y):
        return -y / np.clip(a, _EPS, 1.0)

    def mean(self, a, y):
        log_a = np.log(np.minimum(np.maximum(a, _EPS), 1.0))
        return -float(np.vdot(y, log_a)) / len(a)


class CategoricalCrossEntropy(LogLikelihood):
    """Cross-entropy for a softmax output: with one-hot targets, the same as log-likelihood."""

    name = "cross_entropy"


ACTIVATIONS = {cls.name: cls for cls in (Sigmoid, Tanh, ReLU, LeakyReLU, Linear, Softmax)}
HIDDEN_ACTIVATIONS = ("sigmoid", "tanh", "relu", "leaky_relu", "linear")
COSTS = {cls.name: cls for cls in (Quadratic, CrossEntropy, LogLikelihood)}

# (output, cost) pairs whose output-layer error simplifies to delta = a - y: the derivative of
# the cost cancels the derivative of the output activation exactly (book, chapter 3), which is
# both faster and more accurate than multiplying the two.
CANCELLING_PAIRS = {
    ("sigmoid", "cross_entropy"),
    ("softmax", "cross_entropy"),
    ("softmax", "log_likelihood"),
}


def get_activation(name, *, where="activation", allowed=None):
    """Return the activation called ``name``; a clear ValueError for anything else."""
    allowed = tuple(allowed or ACTIVATIONS)
    if not isinstance(name, str) or name not in allowed:
        raise ValueError(f"{where} must be one of {', '.join(map(repr, allowed))}; got {name!r}")
    return ACTIVATIONS[name]()


def get_cost(name, output="softmax"):
    """Return the cost called ``name`` for the given output activation."""
    if not isinstance(name, str) or name not in COSTS:
        raise ValueError(f"cost must be one of {', '.join(map(repr, COSTS))}; got {name!r}")
    if name == "cross_entropy" and output == "softmax":
        return CategoricalCrossEntropy()
    return COSTS[name]()


# -- the reader's own pieces ----------------------------------------------------------------------

#: The weighted inputs on which a reader's activation is compared with the built-ins: wide
#: enough that sigmoid and tanh, or ReLU and leaky ReLU, differ; rows of 4, so that softmax
#: (which normalises each row) is compared too.
MATCH_GRID = np.linspace(-8.0, 8.0, 324).reshape(81, 4)
#: How close (relative and absolute) a reader's function must stay to a built-in to be it.
MATCH_TOLERANCE = 1e-9
# The probe every reader's piece is checked on at construction: 4 examples, z in [-2, 2].
_PROBE_ROWS = 4


def piece_name(obj):
    """How messages and labels name a reader's piece: its class's name (``MyCrossEntropy``)."""
    return obj.__name__ if inspect.isclass(obj) else type(obj).__name__


def _resolve(obj, methods, where):
    """The object whose methods to call: an instance as it is; a class whose methods are
    static (network2's ``CrossEntropyCost``) as it is; any other class, an instance of it."""
    if not inspect.isclass(obj):
        return obj
    if all(
        isinstance(inspect.getattr_static(obj, m, None), (staticmethod, classmethod))
        for m in methods
        if hasattr(obj, m)
    ):
        return obj
    try:
        return obj()
    except Exception as exc:
        raise TypeError(
            f"{where} {obj.__name__} is a class whose {' and '.join(methods)} are not "
            f"static methods, and calling {obj.__name__}() to make one failed "
            f"({type(exc).__name__}: {exc}); pass an instance, {obj.__name__}(...)"
        ) from None


def _require_methods(obj, methods, where, expected):
    """A TypeError naming the piece and what it lacks, unless it has every method."""
    missing = [m for m in methods if not callable(getattr(obj, m, None))]
    if missing:
        raise TypeError(
            f"{where} must be {expected}; got {piece_name(obj)}, which lacks "
            f"{' and '.join(f'{m}()' for m in missing)}"
        )


def _probe_call(label, call, args, shape):
    """``call(*args)`` as a float array of ``shape``, finite; else an error naming ``label``
    (e.g. "cost MyCost: fn(a, y)"), what was expected and what came back."""
    before = [np.array(a, copy=True) for a in args]
    try:
        with np.errstate(all="ignore"):  # a value that overflows is reported below, in words
            value = call(*args)
    except Exception as exc:
        shapes = ", ".join(str(np.shape(a)) for a in args)
        # A reader's bug keeps its traceback (the line in their code); an exercise's stub
        # (NotImplementedError: "your code here: write ...") says all in this one message.
        raise TypeError(
            f"{label} failed on a probe of arrays shaped {shapes} (one example per row): "
            f"{type(exc).__name__}: {exc}"
        ) from (None if isinstance(exc, NotImplementedError) else exc)
    _refuse_changed_arguments(label, args, before)
    try:
        out = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"{label} must return an array of numbers of shape {shape}; got {type(value).__name__}"
        ) from None
    if out.shape != shape:
        hint = ""
        if len(shape) == 1 and out.shape == ():
            hint = ": one number for all examples; sum over axis=1 only (one cost per row)"
        elif len(shape) == 1 and out.shape == (shape[0], args[0].shape[1]):
            hint = ": one number per output; sum over axis=1 (one cost per row)"
        elif out.shape == shape[::-1]:
            hint = ": transposed (rows are examples)"
        raise ValueError(f"{label} must return shape {shape}; got shape {out.shape}{hint}")
    if not np.isfinite(out).all():
        raise ValueError(
            f"{label} must return finite values on a probe with z in [-2, 2]; got "
            f"{np.array2string(out.ravel()[:6], precision=4)}"
        )
    return out


def _refuse_changed_arguments(label, args, before):
    """A ValueError if the call that ``label`` names changed one of its arrays in place
    (``np.tanh(z, out=z)``): backpropagation reads z, a and y again afterwards, so the
    gradients would be silently wrong and gradcheck would blame another method."""
    params = label[label.index("(") + 1 : label.rindex(")")].split(", ")
    for name, arg, old in zip(params, args, before):
        if isinstance(arg, np.ndarray) and not np.array_equal(arg, old):
            raise ValueError(
                f"{label} changed its argument {name} in place; backpropagation reads "
                f"{name} again afterwards, so return a new array instead (np.tanh(z), "
                f"not np.tanh(z, out=z); a = a - y, not a -= y)"
            )


class CustomActivation(Activation):
    r"""The reader's activation (network2's names): ``source.fn(z)`` and ``source.prime(z)``.

    Element-wise, like every activation ``prime`` can describe. :attr:`builtin` is the name of
    the built-in activation it computes (its ``fn`` within :data:`MATCH_TOLERANCE` of the
    built-in's on :data:`MATCH_GRID`), or None.
    """

    custom = True

    def __init__(self, source, *, where="activation", allowed=None):
        expected = (
            "the name of an activation or an object with fn(z) and prime(z) "
            "(network2's names; one example per row)"
        )
        _require_methods(source, ("fn", "prime"), where, expected)
        self.source = _resolve(source, ("fn", "prime"), where)
        self.name = piece_name(source)
        self.where = where
        z = np.linspace(-2.0, 2.0, _PROBE_ROWS * 3).reshape(_PROBE_ROWS, 3)
        for method in ("fn", "prime"):
            label = f"{where} {self.name}: {method}(z)"
            _probe_call(label, getattr(self.source, method), (z.copy(),), z.shape)
        self._builtin = _match_activation(self.source.fn, allowed or tuple(ACTIVATIONS))

    @property
    def builtin(self):
        return self._builtin

    def fn(self, z, out=None):
        a = self.source.fn(z)
        if out is None:
            return np.array(a, dtype=z.dtype)  # a new array: callers keep z as it was
        np.copyto(out, a, casting="same_kind")
        return out

    def prime(self, z, a):
        return np.asarray(self.source.prime(z), dtype=z.dtype)

    def __repr__(self):
        also = f", computes {self._builtin}" if self._builtin else ""
        return f"<activation {self.name} (yours{also})>"


def _match_activation(fn, allowed):
    """The name of the allowed built-in whose values ``fn`` gives on the grid, or None."""
    try:
        with np.errstate(all="ignore"):
            mine = np.asarray(fn(MATCH_GRID.copy()), dtype=np.float64)
    except Exception:  # the probe passed; a function that fails on the grid matches nothing
        return None
    if mine.shape != MATCH_GRID.shape or not np.isfinite(mine).all():
        return None
    for name in allowed:
        theirs = ACTIVATIONS[name]().fn(MATCH_GRID.copy())
        if np.allclose(mine, theirs, rtol=MATCH_TOLERANCE, atol=MATCH_TOLERANCE):
            return name
    return None


class CustomCost(Cost):
    r"""The reader's cost (network2's names): ``source.fn(a, y)``, each example's cost, (n,);
    ``source.delta(z, a, y)``, the output layer's error :math:`\delta^L = \partial C/\partial
    z^L`, (n, n_out), the output activation's derivative included (BP1 whole).

    :attr:`builtin` is the name of the built-in cost it computes (its ``fn`` and ``delta``
    within :data:`MATCH_TOLERANCE` of the built-in's on the probe, for this output), or None.
    """

    custom = True

    def __init__(self, source, output, n_out):
        expected = (
            f"one of {', '.join(map(repr, COSTS))} or an object with fn(a, y) and "
            f"delta(z, a, y) (network2's names; one example per row)"
        )
        _require_methods(source, ("fn", "delta"), "cost", expected)
        self.source = _resolve(source, ("fn", "delta"), "cost")
        self.name = piece_name(source)
        z, a, y = _cost_probe(output, n_out)
        n = len(z)
        fn = _probe_call(f"cost {self.name}: fn(a, y)", self.source.fn, (a, y), (n,))
        delta = _probe_call(
            f"cost {self.name}: delta(z, a, y)", self.source.delta, (z, a, y), (n, n_out)
        )
        self._builtin = _match_cost(fn, delta, output, z, a, y)

    @property
    def builtin(self):
        return self._builtin

    def fn(self, a, y):
        return np.asarray(self.source.fn(a, y))

    def delta(self, z, a, y, out=None):
        """BP1, the reader's way: ``source.delta(z, a, y)`` (into ``out`` when given)."""
        d = self.source.delta(z, a, y)
        if out is None:
            return np.array(d, dtype=z.dtype)
        np.copyto(out, d, casting="same_kind")
        return out

    def grad(self, a, y):
        raise TypeError(
            f"cost {self.name} gives delta(z, a, y), the error dC/dz of the output layer, "
            f"not the gradient dC/da; use delta"
        )

    def __repr__(self):
        also = f", computes {self._builtin}" if self._builtin else ""
        return f"<cost {self.name} (yours{also})>"


def _cost_probe(output, n_out):
    """``(z, a, y)`` for checking a cost: 4 examples, z in [-2, 2], a = output(z), one-hot y
    (with one output: the desired outputs 0, 1, 1, 0)."""
    z = np.linspace(-2.0, 2.0, _PROBE_ROWS * n_out).reshape(_PROBE_ROWS, n_out)
    z = z[:, ::-1].copy() if n_out > 1 else z  # rows that differ in their largest entry
    a = np.asarray(output.fn(z.copy()), dtype=np.float64)
    if n_out == 1:
        y = np.array([[0.0], [1.0], [1.0], [0.0]])
    else:
        y = np.zeros((_PROBE_ROWS, n_out))
        y[np.arange(_PROBE_ROWS), np.arange(_PROBE_ROWS) % n_out] = 1.0
    return z, a, y


def _match_cost(fn, delta, output, z, a, y):
    """The name of the built-in cost whose values and output error (with this output) are
    ``fn`` and ``delta`` on the probe, or None (always None for an output no built-in is)."""
    out_name = output.builtin
    if out_name is None:
        return None
    builtin_output = ACTIVATIONS[out_name]()
    for name in COSTS:
        cost = get_cost(name, out_name)
        with np.errstate(all="ignore"):
            theirs_fn = cost.fn(a, y)
            if (out_name, name) in CANCELLING_PAIRS:
                theirs_delta = a - y
            else:
                theirs_delta = builtin_output.backward(z, a, cost.grad(a, y))
        tol = {"rtol": MATCH_TOLERANCE, "atol": MATCH_TOLERANCE}
        if np.allclose(fn, theirs_fn, **tol) and np.allclose(delta, theirs_delta, **tol):
            return name
    return None


def activation_from(value, *, where="activation", allowed=None):
    """A built-in activation by name (or a built-in's object), or the reader's own object
    (``fn(z)``, ``prime(z)``) wrapped as a :class:`CustomActivation`."""
    if isinstance(value, str):
        return get_activation(value, where=where, allowed=allowed)
    builtin = value if inspect.isclass(value) else type(value)
    if issubclass(builtin, Activation) and builtin.name in ACTIVATIONS:  # Sigmoid or Sigmoid()
        return get_activation(builtin.name, where=where, allowed=allowed)
    if isinstance(value, CustomActivation):
        value = value.source
    if not hasattr(value, "fn") and not hasattr(value, "prime"):
        allowed = tuple(allowed or ACTIVATIONS)
        raise TypeError(
            f"{where} must be one of {', '.join(map(repr, allowed))} or an object with fn(z) "
            f"and prime(z); got {value!r}"
        )
    return CustomActivation(value, where=where, allowed=allowed)


def cost_from(value, output, n_out):
    """A built-in cost by name (or a built-in's object), for ``output`` (an
    :class:`Activation`), or the reader's own object (``fn(a, y)``, ``delta(z, a, y)``) wrapped
    as a :class:`CustomCost` and checked with ``n_out`` outputs."""
    out_name = output.builtin or output.name
    if isinstance(value, str):
        return get_cost(value, out_name)
    builtin = value if inspect.isclass(value) else type(value)
    if issubclass(builtin, Cost) and builtin.name in COSTS:  # CrossEntropy or CrossEntropy()
        return get_cost(builtin.name, out_name)
    if isinstance(value, CustomCost):
        value = value.source
    if not hasattr(value, "fn") and not hasattr(value, "delta"):
        raise TypeError(
            f"cost must be one of {', '.join(map(repr, COSTS))} or an object with fn(a, y) "
            f"and delta(z, a, y); got {value!r}"
        )
    return CustomCost(value, output, n_out)
