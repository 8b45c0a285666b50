"""scripts/train_default.py's weight-space interpolation between step 2's network and step 3's."""

import importlib.util
import pathlib

import numpy as np
import pytest

from nnwidgets import Network

SCRIPT = pathlib.Path(__file__).resolve().parent.parent / "scripts" / "train_default.py"
spec = importlib.util.spec_from_file_location("train_default", SCRIPT)
train_default = importlib.util.module_from_spec(spec)
spec.loader.exec_module(train_default)

# 3 -> 4 -> 2, so a weight matrix and its bias differ in shape and a swap shows
base = Network([3, 4, 2], seed=1)
tuned = Network([3, 4, 2], seed=2)


@pytest.mark.parametrize("alpha", [0.0, 0.25, 1.0])
def test_interpolate_is_the_weighted_mean_of_the_two_networks(alpha):
    mixed = train_default.interpolate(base, tuned, alpha)
    for got, b, t in zip(
        mixed.weights + mixed.biases, base.weights + base.biases, tuned.weights + tuned.biases
    ):
        np.testing.assert_allclose(got, (1 - alpha) * b + alpha * t, rtol=1e-6, atol=1e-7)


def test_interpolate_at_1_is_the_fine_tuned_network_exactly_and_leaves_it_alone():
    before = [w.copy() for w in tuned.weights]
    mixed = train_default.interpolate(base, tuned, 1.0)
    assert mixed is not tuned
    for got, t, kept in zip(mixed.weights, tuned.weights, before):
        np.testing.assert_array_equal(got, t)
        np.testing.assert_array_equal(t, kept)


def test_alphas_reads_comma_separated_numbers_and_names_a_bad_one():
    assert train_default._alphas("0.5,0.8,1") == [0.5, 0.8, 1.0]
    with pytest.raises(Exception, match="comma-separated numbers.*'0.5,x'"):
        train_default._alphas("0.5,x")
