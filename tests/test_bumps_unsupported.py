"""BumpBuilder.show_network with the reader's own activation: one that computes no built-in is
sent with the page's message (``unsupported``) and a UserWarning says the same in Python; one
that computes a built-in runs in the page as it, with neither."""

import warnings

import pytest
from _pieces import MySigmoid, Softplus

from nnwidgets import BumpBuilder, Network


def test_unmatched_activation_warns_and_sends_the_pages_message():
    b = BumpBuilder()
    try:
        net = Network([1, 4, 1], activation=Softplus(), output="sigmoid", seed=0)
        with pytest.warns(UserWarning, match="This page cannot run your activation Softplus"):
            b.show_network(net)
        assert b._network["unsupported"].startswith("this page cannot run your activation Softplus")
    finally:
        b.close()


def test_matching_activation_runs_in_the_page_as_the_builtin():
    b = BumpBuilder()
    try:
        net = Network([1, 4, 1], activation=MySigmoid(), output="sigmoid", seed=0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            b.show_network(net)
        assert "unsupported" not in b._network
        assert b._network["activation"] == "sigmoid"
    finally:
        b.close()
