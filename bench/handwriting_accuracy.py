"""How well does the default model read digits drawn on the pad?

    python bench/handwriting_accuracy.py [--model path.npz]

The digits are tests/strokes/digits.json: hand-designed pen paths, six variants per digit
(size, slant, rotation, position and wobble varied; see tests/strokes/make_digits.py). Each
is rasterised with the pad's brush (rasterize_strokes, as js/lib/strokes.ts draws it),
preprocessed with to_mnist (as js/lib/preprocess.ts does) and fed to the network. Prints the
accuracy, per digit and overall, and the misread ones.
"""

import argparse
import json
import pathlib
import sys
import time

import numpy as np

from nnwidgets.preprocess import rasterize_strokes, to_mnist

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", help="a saved Network (.npz); default: nnwidgets.load_pretrained()")
    parser.add_argument("--strokes", default=str(ROOT / "tests" / "strokes" / "digits.json"))
    args = parser.parse_args(argv)

    from nnwidgets import Network, load_pretrained

    net, name = (Network.load(args.model), args.model) if args.model else (load_pretrained(), "load_pretrained()")
    digits = json.loads(pathlib.Path(args.strokes).read_text())
    X, y = [], []
    t0 = time.perf_counter()
    for label, variants in sorted(digits.items()):
        for strokes in variants:
            X.append(to_mnist(rasterize_strokes(strokes)).ravel())
            y.append(int(label))
    t_pre = (time.perf_counter() - t0) / len(X)
    X, y = np.array(X), np.array(y)
    pred = net.predict(X)
    proba = net.predict_proba(X)
    print(f"model: {name} {list(net.sizes)} {net.activation}/{net.output}")
    print(f"{len(y)} drawn digits, rasterise + to_mnist {t_pre * 1e3:.1f} ms each")
    for d in range(10):
        m = y == d
        print(f"  {d}: {np.mean(pred[m] == d):5.0%}  read as {pred[m].tolist()}")
    acc = float(np.mean(pred == y))
    conf = float(np.mean(proba[np.arange(len(y)), pred]))
    print(f"accuracy: {acc:.1%} ({int(np.sum(pred == y))}/{len(y)}), mean confidence {conf:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
