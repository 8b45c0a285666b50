"""Small things the dashboard says that a reader acts on: the epoch early stopping restored
(marked on the curves, said in the run's status, kept in an exported page), the saturation
words for the reader's own activation, and the hint when a run inherits a per-layer dropout
that does not fit its network."""

import numpy as np
import pytest
from _pieces import MySigmoid, Softplus
from _stalling import RESTORED, X_VAL, Y_VAL, X, Y

from nnwidgets import Network, TrainingDashboard
from nnwidgets.widgets.dashboard.panels import panel_data


def _early_stopped_dash(**options):
    dash = TrainingDashboard(
        Network([4, 5, 2], seed=0),
        train=(X, Y),
        validation=(X_VAL, Y_VAL),
        epochs=60,
        batch_size=10,
        learning_rate=1.0,
        early_stopping=3,
        **options,
    )
    dash.run()
    return dash


def test_history_records_the_epoch_early_stopping_restored():
    net = Network([4, 5, 2], seed=0)
    h = net.fit(
        X, Y, validation=(X_VAL, Y_VAL), epochs=60, batch_size=10, learning_rate=1.0,
        early_stopping=3,
    )  # fmt: skip
    assert h.status == "early_stopped" and h.epochs == 10
    # the first epoch with the best validation accuracy (a tie later does not replace it)
    assert h.restored_epoch == RESTORED == 1 + int(np.argmax(h.val_accuracy))
    assert f"epoch {RESTORED}," in h.message
    # not early stopped: no epoch restored
    done = Network([4, 5, 2], seed=0).fit(X, Y, validation=(X_VAL, Y_VAL), epochs=2)
    assert done.status == "completed" and done.restored_epoch is None


def test_dashboard_marks_the_restored_epoch_on_the_curves_and_in_the_status():
    dash = _early_stopped_dash()
    try:
        run = dash._runs[0]
        assert run["status"] == "early_stopped"
        assert run["restored_epoch"] == RESTORED
        assert run["curves"]["restored"] == {
            "x": float(RESTORED),
            "text": f"restored: epoch {RESTORED}",
            "kind": "restored",
        }
        # the epoch axis puts epoch k's validation point at x = k: the mark sits on one
        x = np.frombuffer(run["curves"]["epoch"]["x"]["view"], np.float32)
        assert float(RESTORED) in x.tolist()
        assert dash.runs[0].restored_epoch == RESTORED
    finally:
        dash.close()


def test_a_run_that_completes_marks_nothing():
    dash = TrainingDashboard(
        Network([4, 5, 2], seed=0), train=(X, Y), validation=(X_VAL, Y_VAL), epochs=2,
        early_stopping=3,
    )  # fmt: skip
    try:
        dash.run()
        run = dash._runs[0]
        assert run["status"] == "completed"
        assert run["restored_epoch"] is None and run["curves"]["restored"] is None
    finally:
        dash.close()


# -- the reader's own activation in the histograms panel ---------------------------------------


def _hidden_layer_words(activation):
    # No weights in, biases of 10: every hidden sigmoid neuron outputs 0.99995 on every example.
    net = Network([4, 3, 2], activation=activation, seed=0)
    net.weights[0][:] = 0.0
    net.biases[0][:] = 10.0
    panels = panel_data(net, X_VAL, Y_VAL, X, np.eye(2)[Y], epoch=0)
    return panels["layers"][0]


def test_health_of_the_readers_sigmoid_is_judged_as_the_builtin_sigmoid():
    builtin = _hidden_layer_words("sigmoid")
    mine = _hidden_layer_words(MySigmoid())
    assert builtin["unhealthy"] == 3 and "saturated" in builtin["health"]
    assert mine["unhealthy"] == builtin["unhealthy"]
    assert "3 of 3 sigmoid neurons (100%) are saturated" in mine["health"]
    assert mine["health"].endswith("(your MySigmoid computes sigmoid)")
    assert "no saturation to report" not in mine["health"]
    assert mine["z_share"] == builtin["z_share"] and "\u03c3'(z) < 0.018" in mine["z_words"]


def test_health_of_an_unmatched_activation_says_saturation_is_judged_for_builtins_only():
    layer = _hidden_layer_words(Softplus())
    assert layer["unhealthy"] is None
    assert "saturation is judged only for the built-in activations" in layer["health"]
    assert "Softplus" in layer["health"]
    assert "no saturation to report" not in layer["health"]
    # nor does the z sentence claim the slope of an unknown function does not shrink
    assert "does not shrink" not in layer["z_words"]
    assert "judged only for the built-in activations" in layer["z_words"]


# -- the hint when a run inherits a per-layer dropout ------------------------------------------
def test_inherited_per_layer_dropout_names_dropout_not_the_data():
    dash = TrainingDashboard(
        Network([4, 3, 3, 2], seed=0), train=(X, Y), epochs=1, dropout=[0.2, 0.5]
    )
    try:
        with pytest.raises(ValueError) as info:
            dash.add_run(Network([4, 3, 2], seed=1))
        text = str(info.value)
        assert text.startswith("dropout must be one number for every hidden layer or a list of 1")
        assert "train=(X, y)" not in text and "validation data" not in text
        assert "dashboard's dropout=[0.2, 0.5]" in text
        assert "pass dropout= for this run" in text
        # as the hint says: dropout= for this run, and the run is added
        run = dash.add_run(Network([4, 3, 2], seed=2), dropout=0.1)
        assert run.trainer.dropout == 0.1
    finally:
        dash.close()


def test_inherited_data_that_does_not_fit_still_gets_the_data_hint():
    # labels 0 and 5, for a first network of 6 outputs and a second of 2: the data is the
    # cause, and the hint says so
    dash = TrainingDashboard(Network([4, 3, 6], seed=0), train=(X, Y * 5), epochs=1)
    try:
        with pytest.raises(ValueError, match=r"pass train=\(X, y\)"):
            dash.add_run(Network([4, 3, 2], seed=1))
    finally:
        dash.close()
