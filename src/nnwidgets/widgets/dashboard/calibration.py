"""The calibration panel: is the network as sure as it is right? (``js/dashboard/calibration.ts``
draws it.)

With ``TrainingDashboard(..., calibration=True)`` the panels add, for the run they show, the
reliability diagram of :func:`nnwidgets.metrics.reliability` (:data:`BINS` equal confidence bins;
per bin the accuracy against the mean confidence) on the examples the other panels use (the
first ``panels.SAMPLE`` validation examples), its expected calibration error (ECE) in words, and
the ECE after every epoch as a small line.

The per-epoch ECE costs the training thread nothing: at each epoch's end (and at the start) the
training thread already copies the weights for the panels; with calibration on, every copy also
joins a queue, with the outputs on the validation set the Trainer has just computed for its
validation loss (``trainer.validation_outputs``), and the writer thread reads each epoch's ECE
from them into ``run.calibration`` (a forward pass of its own only at the start, or without
validation data). The diagram itself comes from the panels' own forward pass.
"""

from __future__ import annotations

import math

import numpy as np

from ...metrics import reliability
from .._wire import array_to_json

__all__ = [
    "BINS",
    "WELL_CALIBRATED",
    "calibration_entry",
    "check_calibration",
    "describe",
    "history_entry",
    "measure",
    "probabilities",
]

BINS = 15  # Guo et al. 2017's M, and nnwidgets.metrics.reliability's default
#: An ECE below this (1%) is said to be well calibrated: within the noise of 2,000 examples.
WELL_CALIBRATED = 0.01


def check_calibration(calibration):
    """The dashboard's ``calibration`` argument: True or False."""
    if not isinstance(calibration, bool):
        raise ValueError(
            f"calibration must be True (add the calibration panel: reliability diagram and "
            f"ECE per epoch) or False; got {calibration!r}"
        )
    return calibration


def probabilities(network, out):
    """``(P, None)``: the class probabilities of outputs ``out`` (n, n_out); or ``(None, why)``
    when the outputs are not probabilities (sigmoid or linear outputs over several classes)."""
    if out.shape[1] == 1 and network.output == "sigmoid":  # P(class 1): two classes
        return np.hstack([1.0 - out, out]), None
    if network.output == "softmax":
        return out, None
    return None, (
        f"no calibration: the {out.shape[1]} {network.output} outputs are not probabilities "
        f"that sum to 1 (output='softmax' gives them)"
    )


def describe(rel, n, where="validation"):
    """``(mean confidence, accuracy, sentence)`` for a :class:`~nnwidgets.metrics.Reliability`
    of ``n`` examples: overconfident when the mean confidence is above the accuracy by at least
    half the ECE, underconfident when below, well calibrated when the ECE is under 1%."""
    filled = rel.counts > 0
    weights = rel.counts[filled] / n
    confidence = float(np.dot(weights, rel.confidence[filled]))
    accuracy = float(np.dot(weights, rel.accuracy[filled]))
    gap = confidence - accuracy  # |gap| <= ECE: the ECE adds the bins' gaps without their signs
    if rel.ece < WELL_CALIBRATED:
        verdict = "well calibrated"
    elif gap >= rel.ece / 2:
        verdict = "overconfident"
    elif gap <= -rel.ece / 2:
        verdict = "underconfident"
    else:
        verdict = "over- and underconfident in different bins"
    return (
        confidence,
        accuracy,
        (
            f"{verdict}: {confidence:.1%} mean confidence, {accuracy:.1%} accuracy, "
            f"ECE {rel.ece:.1%} (on {n} {where} examples, {len(rel.counts)} bins)"
        ),
    )


def calibration_entry(network, out, labels, *, where="validation"):
    """The panel's data for outputs ``out`` of ``network`` on examples of classes ``labels``:
    the reliability diagram's bins as binary float32 (accuracy and confidence NaN in an empty
    bin), ECE, MCE, mean confidence, accuracy and the sentence. Without probabilities, only the
    sentence saying why (``ece`` None)."""
    P, why = probabilities(network, out)
    if P is not None and not np.isfinite(P).all():
        why = "no calibration: the outputs are not finite (the run diverged)"
    if why or len(out) == 0:
        return {"ece": None, "words": why or "no calibration: no examples"}
    rel = reliability(P, labels, n_bins=BINS)
    confidence, accuracy, words = describe(rel, len(out), where)
    return {
        "ece": rel.ece,
        "mce": rel.mce,
        "mean_confidence": confidence,
        "accuracy": accuracy,
        "n": int(len(out)),
        "counts": array_to_json(rel.counts.astype(np.float32)),
        "bin_accuracy": array_to_json(rel.accuracy),
        "bin_confidence": array_to_json(rel.confidence),
        "words": words,
    }


def measure(network, X, labels, out=None):
    """The ECE of ``network`` on ``X`` (the panels' sample) with classes ``labels``; NaN when its
    outputs are not probabilities or are not finite (a diverged copy). ``out``: its outputs on
    ``X`` if already computed (the Trainer's validation pass), else a forward pass here."""
    out = network.forward(X) if out is None else out
    P, _ = probabilities(network, out)
    if P is None or len(out) == 0 or not np.isfinite(P).all():
        return math.nan
    return reliability(P, labels, n_bins=BINS).ece


def history_entry(records):
    """The ECE-per-epoch line: ``records`` [(epoch, ece), ...] as two binary float32 columns."""
    epochs = np.array([e for e, _ in records], np.float32)
    eces = np.array([v for _, v in records], np.float32)
    return {"epochs": array_to_json(epochs), "eces": array_to_json(eces)}
