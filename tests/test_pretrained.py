"""The model shipped in the package: it loads offline, is small, and reads digits well."""

import os
from importlib import resources

import numpy as np
import pytest

from nnwidgets import Network, load_bundled, load_mnist, load_pretrained

MODEL = resources.files("nnwidgets.models") / "default.npz"


def test_default_model_file_is_small():
    assert MODEL.is_file()
    assert os.path.getsize(MODEL) <= 4 * 1024 * 1024


def test_default_model_architecture():
    net = load_pretrained()
    assert isinstance(net, Network)
    assert net.sizes[0] == 784 and net.sizes[-1] == 10
    assert net.output == "softmax"


def test_each_call_returns_an_independent_copy():
    a, b = load_pretrained(), load_pretrained()
    a.weights[0][:] = 0
    assert b.weights[0].any()


def test_reads_the_bundled_test_digits():
    data = load_bundled()
    assert load_pretrained().score(data.X_test, data.y_test) > 0.985


@pytest.mark.skipif(not os.environ.get("NNWIDGETS_DATA"), reason="full MNIST: set NNWIDGETS_DATA")
def test_reaches_the_target_on_the_official_test_set():
    data = load_mnist()
    assert load_pretrained().score(data.X_test, data.y_test) >= 0.992


def test_unknown_name_lists_the_choices():
    with pytest.raises(ValueError, match="unknown pretrained model 'large'.*default"):
        load_pretrained("large")


def test_probabilities_are_a_distribution():
    p = load_pretrained().predict_proba(load_bundled().X_test[:5])
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
