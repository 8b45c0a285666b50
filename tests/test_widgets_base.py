"""The shared widget base: bundle paths and the binary array wire format, through ipywidgets' own
serialisation with real widget instances (no kernel needed: outside one, the comm is inert)."""

import anywidget
import numpy as np
import pytest
import traitlets
from _messages import front_end_update
from ipywidgets.widgets.widget import _remove_buffers

import nnwidgets
from nnwidgets.network import Network
from nnwidgets.widgets import _sync
from nnwidgets.widgets._wire import (
    STATIC,
    Array,
    array_from_json,
    array_serialization,
    array_to_json,
    bundle,
)
from nnwidgets.widgets.diagram import NetworkDiagram
from nnwidgets.widgets.info import ModelInfo, describe_network


class Probe(anywidget.AnyWidget):
    """A minimal real widget with the trait shapes the nnwidgets widgets use."""

    _esm = "export default { render() {} }"
    # 2x3 by default, so rows != cols catches a transposition.
    weights = Array(np.arange(6).reshape(2, 3), dtype="float32", shape=(None, 3)).tag(
        sync=True, **array_serialization
    )
    pixels = Array(dtype="uint8", shape=(28, 28)).tag(sync=True, **array_serialization)
    changes = traitlets.List()

    @traitlets.observe("weights", "pixels")
    def _record(self, change):
        self.changes = [*self.changes, change["name"]]


# --------------------------------------------------------------------------------- wire format


def test_array_to_json_is_float32_memoryview():
    wire = array_to_json(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.float64))
    assert wire["dtype"] == "float32"
    assert wire["shape"] == [2, 3]
    assert isinstance(wire["view"], memoryview)
    assert wire["view"].nbytes == 6 * 4
    np.testing.assert_array_equal(np.frombuffer(wire["view"], np.float32), [1, 2, 3, 4, 5, 6])


def test_array_to_json_makes_non_contiguous_arrays_contiguous():
    a = np.arange(6, dtype=np.float32).reshape(2, 3).T  # Fortran-ordered view, shape (3, 2)
    wire = array_to_json(a)
    assert wire["shape"] == [3, 2]
    np.testing.assert_array_equal(np.frombuffer(wire["view"], np.float32), [0, 3, 1, 4, 2, 5])


def test_array_to_json_keeps_uint8():
    wire = array_to_json(np.full((28, 28), 255, dtype=np.uint8))
    assert wire["dtype"] == "uint8"
    assert wire["view"].nbytes == 784


@pytest.mark.parametrize("shape", [(0,), (0, 3), (2, 0), ()])
@pytest.mark.parametrize("dtype", [np.float32, np.uint8])
def test_empty_and_scalar_arrays_round_trip(shape, dtype):
    # A panel's line with no points yet is an empty array; it crosses like any other.
    a = np.full(shape, 7, dtype)
    wire = array_to_json(a)
    assert wire["shape"] == list(shape) and wire["view"].nbytes == a.nbytes
    back = array_from_json(wire)
    assert back.shape == shape
    np.testing.assert_array_equal(back, a)


def test_none_round_trips():
    assert array_to_json(None) is None
    assert array_from_json(None) is None


def test_array_from_json_copies_out_of_the_message():
    buf = bytearray(np.array([1, 2, 3, 4], dtype=np.float32).tobytes())
    a = array_from_json({"view": memoryview(buf), "dtype": "float32", "shape": [2, 2]})
    buf[:4] = b"\0\0\0\0"
    np.testing.assert_array_equal(a, [[1, 2], [3, 4]])
    assert a.flags.writeable


@pytest.mark.parametrize(
    "value, match",
    [
        (
            {"view": memoryview(bytes(12)), "dtype": "float32", "shape": [2, 2]},
            "needs 16 bytes; got 12",
        ),
        (
            {"view": memoryview(bytes(16)), "dtype": "complex64", "shape": [2]},
            "dtype must be one of",
        ),
        ({"view": [1, 2], "dtype": "float32", "shape": [2]}, "view must be a memoryview"),
        ({"view": memoryview(bytes(4)), "dtype": "float32", "shape": [-1]}, "non-negative ints"),
        ({"data": [1, 2]}, "keys view, dtype, shape; got \\['data'\\]"),
        ([1, 2], "got list"),
    ],
)
def test_array_from_json_rejects_malformed_values(value, match):
    with pytest.raises(ValueError, match=match):
        array_from_json(value)


# ------------------------------------------------------------- through ipywidgets, both ways


def test_state_sent_to_the_front_end_carries_binary_buffers():
    w = Probe()
    state, buffer_paths, buffers = _remove_buffers(w.get_state())
    assert ["weights", "view"] in buffer_paths
    assert state["weights"] == {"dtype": "float32", "shape": [2, 3]}  # the view left as a buffer
    assert state["pixels"] is None
    (view,) = [b for p, b in zip(buffer_paths, buffers) if p == ["weights", "view"]]
    np.testing.assert_array_equal(
        np.frombuffer(view, np.float32).reshape(2, 3), [[0, 1, 2], [3, 4, 5]]
    )


def test_round_trip_python_to_front_end_to_python():
    sender, receiver = Probe(), Probe()
    sender.weights = np.linspace(-1, 1, 12).reshape(4, 3)
    sender.pixels = np.arange(784).reshape(28, 28) % 256
    front_end_update(receiver, {k: sender.get_state()[k] for k in ("weights", "pixels")})
    np.testing.assert_array_equal(receiver.weights, sender.weights)
    assert receiver.weights.dtype == np.float32 and receiver.weights.shape == (4, 3)
    np.testing.assert_array_equal(receiver.pixels, sender.pixels)
    assert receiver.pixels.dtype == np.uint8


def test_front_end_update_with_the_wrong_shape_is_rejected(caplog):
    # 784 pixels as one row: right size, wrong shape for a 28x28 trait. ipywidgets catches the
    # error in its message handler and logs it; the trait keeps its value.
    w = Probe()
    update = {"pixels": {"view": memoryview(bytes(784)), "dtype": "uint8", "shape": [1, 784]}}
    front_end_update(w, update)
    assert w.pixels is None
    assert "Probe.pixels must have shape (28, 28); got (1, 784)" in caplog.text


# --------------------------------------------------------------------------------- Array trait


def test_array_trait_converts_and_validates():
    w = Probe()
    w.weights = [[1, 2, 3]]
    assert isinstance(w.weights, np.ndarray) and w.weights.dtype == np.float32
    with pytest.raises(traitlets.TraitError, match=r"must have shape \(n, 3\) \(2-D\); got \(3,\)"):
        w.weights = [1, 2, 3]
    # one axis of any length reads as NumPy writes it, "(n,)", not "(any)"
    with pytest.raises(ValueError, match=r"input must have shape \(n,\) \(1-D\); got \(28, 28\)"):
        NetworkDiagram(Network([784, 16, 10], seed=0)).input = np.ones((28, 28))
    with pytest.raises(traitlets.TraitError, match="convertible to a float32 array"):
        w.weights = [["a", "b", "c"]]


def test_array_trait_copies_its_input():
    w, a = Probe(), np.ones((1, 3), dtype=np.float32)
    w.weights = a
    a[0, 0] = 7
    assert w.weights[0, 0] == 1


def test_array_trait_notifies_on_value_or_shape_change_only():
    w = Probe()
    w.weights = np.arange(6).reshape(2, 3)  # equal to the default: no change
    assert w.changes == []
    w.weights = np.arange(6).reshape(2, 3) + 1
    assert w.changes == ["weights"]
    w.pixels = np.zeros((28, 28))
    w.pixels = np.zeros((28, 28))
    assert w.changes == ["weights", "pixels"]
    w.pixels = None
    assert w.changes == ["weights", "pixels", "pixels"]


def test_array_trait_disallows_none_when_asked():
    class Strict(traitlets.HasTraits):
        a = Array([0.0], allow_none=False)

    with pytest.raises(traitlets.TraitError):
        Strict().a = None


# ------------------------------------------------------------------------------------- bundles


def test_bundle_finds_the_built_module_and_stylesheet():
    esm, css = bundle("info")
    assert esm == STATIC / "info.js" and esm.is_file()
    assert css == STATIC / "info.css"
    assert "export" in esm.read_text()


def test_bundle_names_the_fix_when_missing():
    with pytest.raises(FileNotFoundError, match="npm run build"):
        bundle("no_such_widget")


# ---------------------------------------------------------------- ModelInfo, the first widget on it


class Net:
    """Just the attributes ModelInfo reads.

    4-3-2: 4*3 + 3*2 weights + 3 + 2 biases = 23 parameters.
    """

    def __init__(self, sizes=(4, 3, 2)):
        self.sizes = list(sizes)
        self.activation, self.output, self.cost = "tanh", "softmax", "log_likelihood"
        self.weights = [np.full((m, n), 2.0) for n, m in zip(sizes[:-1], sizes[1:])]
        self.biases = [np.zeros((m, 1)) for m in sizes[1:]]


def test_describe_network():
    assert describe_network(Net()) == {
        "sizes": [4, 3, 2],
        "activation": "tanh",
        "output": "softmax",
        "cost": "log_likelihood",
        "n_params": 23,
    }


def test_describe_network_reads_function_objects_by_name():
    class Sigmoid:
        name = "sigmoid"

    net = Net()
    net.activation = Sigmoid()
    assert describe_network(net)["activation"] == "sigmoid"


def test_describe_network_rejects_transposed_weights():
    net = Net()
    net.weights = [w.T for w in net.weights]
    with pytest.raises(ValueError, match=r"weights must have shapes \[\(3, 4\), \(2, 3\)\]"):
        describe_network(net)


def test_describe_network_names_missing_attributes():
    with pytest.raises(TypeError, match="object lacks sizes, activation, output, cost, weights"):
        describe_network(object())


def test_model_info_describes_a_real_network():
    net = Network([6, 4, 3], activation="tanh", output="softmax", cost="log_likelihood", seed=0)
    w = ModelInfo(net)
    assert w.version == nnwidgets.__version__
    assert w.architecture == {
        "sizes": [6, 4, 3],
        "activation": "tanh",
        "output": "softmax",
        "cost": "log_likelihood",
        "n_params": 6 * 4 + 4 + 4 * 3 + 3,
    }
    rms = [np.sqrt(np.mean(np.square(np.float64(W)))) for W in net.weights]
    np.testing.assert_allclose(w.weight_rms, rms, rtol=1e-6)
    w.network = Network([5, 2])
    assert w.architecture["sizes"] == [5, 2]
    assert w.weight_rms.shape == (1,)


def test_model_info_follows_training():
    """The card is not a snapshot: after fit, its weight statistics are the trained ones."""
    rng = np.random.default_rng(0)
    X = rng.random((200, 6), dtype=np.float32)
    y = (X[:, 0] > 0.5).astype(int)
    net = Network([6, 4, 2], seed=0)
    w = ModelInfo(net)
    before = w.weight_rms.copy()
    net.fit(X, y, epochs=3, batch_size=10, learning_rate=1.0)
    assert _sync.flush()
    after = [np.sqrt(np.mean(np.square(np.float64(W)))) for W in net.weights]
    assert not np.allclose(before, after)
    np.testing.assert_allclose(w.weight_rms, after, rtol=1e-6)


def test_model_info_rejects_unknown_keywords():
    with pytest.raises(TypeError, match="unexpected keyword argument 'titel'.*Check the spelling"):
        ModelInfo(Network([4, 2]), titel="x")


def test_model_info_describes_the_shipped_model_by_default():
    w = ModelInfo()
    assert w.version == nnwidgets.__version__
    assert w.architecture["sizes"] == nnwidgets.load_pretrained().sizes
    assert w.weight_rms.shape == (len(w.architecture["sizes"]) - 1,)
