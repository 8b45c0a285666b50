"""The package's input checks (_checks): one rule each, one message style "<name> must be ...;
got <value>"."""

import math

import numpy as np
import pytest

from nnwidgets import _checks


@pytest.mark.parametrize("value, message", [
    (10**400, r"learning_rate must be a finite number > 0; got 1e\+400$"),
    (-3 * 10**400, r"learning_rate must be a finite number > 0; got -3e\+400$"),
    (float("inf"), r"learning_rate must be a finite number > 0; got inf$"),
    (0, r"learning_rate must be a finite number > 0; got 0.0$"),
])
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
