"""What the lab-check tests share: a wrong answer must fail its check with a full report."""

import numpy as np
import pytest

from nnwidgets.labs import CheckFailed


def fails_with(check_fn, answer, *phrases, report=True, **options):
    """``check_fn(answer, **options)`` raises CheckFailed whose message holds every phrase and,
    with ``report``, the input, expected and got lines every diagnosis shows; returns it."""
    with pytest.raises(CheckFailed) as info:
        check_fn(answer, **options)
    message = str(info.value)
    for phrase in phrases:
        assert phrase in message, message
    if report:
        assert "input:" in message and "expected:" in message and "got:" in message, message
    return message


def sigmoid(z):
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))
