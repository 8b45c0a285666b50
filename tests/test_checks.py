"""The package's input checks (_checks): one rule each, one message style "<name> must be ...;
got <value>"."""

import math

import numpy as np
import pytest

from nnwidgets import _checks


@pytest.mark.parametrize(
    "value, message",
    [
        (10**400, r"learning_rate must be a finite number > 0; got 1e\+400$"),
        (-3 * 10**400, r"learning_rate must be a finite number > 0; got -3e\+400$"),
        (float("inf"), r"learning_rate must be a finite number > 0; got inf$"),
        (0, r"learning_rate must be a finite number > 0; got 0.0$"),
    ],
    ids=["10**400", "-3*10**400", "inf", "0"],
)
def test_check_range_names_the_parameter_for_any_number_out_of_range(value, message):
    # 10**400 is an int that float() cannot hold: a number out of range, not "not a number"
    with pytest.raises(ValueError, match=message):
        _checks.check_range(value, "learning_rate", 0, math.inf, low_open=True)


def test_check_range_refuses_non_numbers_with_a_short_repr():
    with pytest.raises(TypeError, match=r"momentum must be a number; got '0.5' \(str\)"):
        _checks.check_range("0.5", "momentum", 0, 1, high_open=True)
    with pytest.raises(TypeError, match=r"got 'xxxx.*\.\.\. \(str\)$"):
        _checks.check_range("x" * 10_000, "momentum", 0, 1)
    with pytest.raises(TypeError, match="must be a number; got True"):
        _checks.check_range(True, "l2", 0, math.inf)


def test_check_range_keeps_values_in_range_as_floats():
    assert _checks.check_range(np.float32(0.5), "momentum", 0, 1, high_open=True) == 0.5
    assert _checks.check_range(3, "l2", 0, math.inf) == 3.0


@pytest.mark.parametrize(
    "y, expected",
    [
        (3, np.eye(10)[3]),
        (np.int64(3), np.eye(10)[3]),
        (np.array(3), np.eye(10)[3]),  # y[7] of an array of labels
        (np.eye(10)[3].reshape(-1, 1), np.eye(10)[3]),  # the book's column
        (np.eye(10)[3].reshape(1, -1), np.eye(10)[3]),
        (np.eye(10, dtype=bool)[3], np.eye(10)[3]),
        (np.linspace(0, 1, 10), np.linspace(0, 1, 10)),
    ],
)
def test_target_vector_is_one_row_of_targets(y, expected):
    np.testing.assert_array_equal(_checks.target_vector(y, 10), expected)
    if np.ndim(y) == 0:  # a label: the same one-hot row the batch rule makes
        np.testing.assert_array_equal(_checks.targets([int(y)], 1, 10, np.float64)[0], expected)


@pytest.mark.parametrize("y", [0, 1, 0.25, [1.0], [[0]], True])
def test_target_vector_with_one_output_is_the_desired_output_itself(y):
    # a one-hot over one neuron would turn the label 0 into the target 1
    assert _checks.target_vector(y, 1).tolist() == [float(np.ravel(y)[0])]


@pytest.mark.parametrize(
    "y, message",
    [
        (10, r"target must be a label in 0..9 or 10 numbers; got 10$"),
        (-1, r"target must be a label in 0..9 or 10 numbers; got -1$"),
        (
            np.zeros(9),
            r"target must be a label in 0..9 or 10 numbers \(a vector or an \(10, 1\) "
            r"column\); got array",
        ),
        ("7", r"target must be a label.*; got '7'"),
        (2.5, r"target must be a label.*; got 2.5"),
        (np.full(10, np.nan), r"target contains NaN or infinite values"),
    ],
)
def test_target_vector_names_what_it_expected_and_what_arrived(y, message):
    with pytest.raises(ValueError, match=message):
        _checks.target_vector(y, 10)
