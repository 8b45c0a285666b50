"""NetworkDiagram(error_scale=...): the errors' colour scale per layer or shared, sent to the
page and set back by its toggle. The colours themselves are js/diagram/errors.test.ts's."""

import pytest
from _messages import front_end_update

from nnwidgets.network import Network
from nnwidgets.widgets.diagram import NetworkDiagram


@pytest.fixture
def net():
    return Network([784, 16, 12, 10], seed=0)


def test_error_scale_is_per_layer_by_default_and_sent(net):
    d = NetworkDiagram(net)
    assert d.error_scale == "per_layer"
    assert d.get_state()["error_scale"] == "per_layer"


def test_shared_error_scale_is_sent_to_the_page(net):
    d = NetworkDiagram(net, error_scale="shared")
    assert d.get_state()["error_scale"] == "shared"
    d.error_scale = "per_layer"
    assert d.get_state()["error_scale"] == "per_layer"


@pytest.mark.parametrize("bad", ["Shared", "layer", "", None, 1])
def test_bad_error_scales_are_refused_naming_the_choices(net, bad):
    with pytest.raises(
        ValueError,
        match=rf"error_scale must be one of 'per_layer', 'shared'; "
        rf"got {bad!r}",
    ):
        NetworkDiagram(net, error_scale=bad)
    d = NetworkDiagram(net)
    with pytest.raises(ValueError, match="error_scale must be one of"):
        d.error_scale = bad
    assert d.error_scale == "per_layer"


def test_the_pages_toggle_sets_the_scale(net):
    d = NetworkDiagram(net)
    front_end_update(d, {"error_scale": "shared"})
    assert d.error_scale == "shared"
    front_end_update(d, {"error_scale": "per_layer"})
    assert d.error_scale == "per_layer"
