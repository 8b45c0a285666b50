"""Train the shipped model: MNIST, synthetic pen digits in many styles, then real pen strokes.

The shipped model (``src/nnwidgets/models/default.npz``) is made in three steps, each
continuing the network the one before made::

    # 1. 80 epochs on augmented MNIST (99.48% on its test set)
    python -m nnwidgets train --preset default --threads 1 --save-dtype float16 --out base.npz
    # 2. 10 epochs on MNIST + 20,000 synthetic pen digits in the styles MNIST hardly has
    python scripts/train_default.py styles --base base.npz --out styles.npz
    # 3. fine-tuning on the real pen strokes of 30 writers (the vendored UCI pendigits) + MNIST
    python scripts/train_default.py pendigits --base styles.npz \
        --out src/nnwidgets/models/default.npz

Step 2's result is the model shipped before issue 17, in git as
``git show 272a3d2:src/nnwidgets/models/default.npz > styles.npz``. Step 3's recipe (how many
epochs, the learning rate, how many hands each real digit is drawn in, how much MNIST, whether
the distortions apply to the real digits) was chosen by cross-validation over writers::

    python scripts/train_default.py cv [the same recipe options as pendigits] [--save-folds DIR]

which splits the 30 writers into 5 folds of 6, fine-tunes on 4 folds' writers (with MNIST
training digits 0..49,999) and reads the 5th fold's writers, each digit drawn in three hands
training never uses (and MNIST training digits 50,000..59,999), so no writer is in both
training and validation; it prints the accuracy per writer, the worst writer, the
confusions, and each fold model's reading of the MNIST and style validation sets (below).
Neither MNIST's test set nor the style benchmark chose anything.
``bench/handwriting_accuracy.py --by-writer DIR`` reads the fold models ``--save-folds`` wrote.

The recipes tried (all from step 2's network at learning rate 0.003, with the preset's batch
size, momentum, dropout and cosine schedule; "pen" is the held-out writers' digits pooled,
"worst" the worst writer, "MNIST" the validation digits, 0.9950 before fine-tuning):

    epochs hands copies MNIST  distort pen  other            pen     worst   MNIST
    1      3     1      30000  yes                           96.98%  84.4%   0.9950
    3      3     2      30000  yes                           98.01%  88.8%   0.9946
    5      6     3      30000  yes                           98.39%  91.6%   0.9939
    5      6     3      50000  yes                           98.24%  89.7%   0.9943
    5      6     3      30000  no                            98.27%  91.2%   0.9946   <- chosen
    5      6     3      50000  yes          20,000 synthetic (stopped after 2 folds: both
                                            below the row above it on pen and MNIST)
    5      6     3      30000  yes          --distill 0.5    (stopped after 3 folds: MNIST
                                            0.9938-0.9941, no better than without)

The rule (set while the last two runs were under way): of the recipes reaching the issue's goals
across writers (pooled 98% or better, worst writer 90% or better), the one that keeps MNIST
best. Distorting the real digits as MNIST's are (on top of their hands' own size, width and
slant) cost MNIST 0.07 points for 0.12 on the pen digits.

Style retention, validated (the rule revised, and written here before the runs below): step 3
took the style benchmark from 99.8% to 99.45%, a sign that fine-tuning forgets some of step
2's synthetic styles, and cv measured nothing of them. So cv also reads a style validation
set: 5,000 synthetic pen digits made by the training side's generator
(``nnwidgets.datasets.pen``) with a seed used nowhere else (``STYLE_CHECK_SEED``; step 2
trained on seed 20251126 and checked on 20251127; the benchmark is another generator,
tests/strokes/make_styles.py, seed 11, and chose nothing). Candidates rehearse step 2's
styles during fine-tuning: ``--pen N`` mixes in the first N of step 2's own 20,000 synthetic
digits (seed 20251126), distorted as MNIST's are. The rule: of the recipes reaching the goals
across writers (pooled 98% or better, worst writer 90% or better), the one with the best mean
of MNIST validation and style validation (each the mean over the five fold models); of
recipes within 0.05 points of that best, the one with the fewest synthetic digits.

    epochs hands copies MNIST  distort pen  synthetic   pen     worst   MNIST   styles  mean
    5      6     3      30000  no           0           98.27%  91.2%   0.9946  0.9920  0.9933
    5      6     3      30000  no           5000        98.27%  90.7%   0.9943  0.9965  0.9954
    5      6     3      30000  no           10000       98.24%  90.1%   0.9940  0.9971  0.9955

(step 2's network, before fine-tuning: MNIST validation 0.9948, style validation 0.9960.) All
three reach the writer goals; 10,000 synthetic digits is best on the mean by 0.01 points, so the
rule chooses 5,000. Built by ``pendigits --pen 5000`` (27 s), that model then read, once: style
benchmark 99.82% (549/550), worst family 95.5% (2 as a Z); MNIST test 99.38%, below the
issue's 99.4%. The shipped model is still the first row's (``--pen 0``, MNIST test 99.44%,
benchmark 99.45%): trading MNIST's goal for the benchmark's is the maintainers' call, and
trying other recipes or seeds against either test set is what the issue forbids.

MNIST kept, styles rehearsed (the rule revised once more, and written here, with the candidates,
before any of their runs): the mean above let 0.0045 of style validation buy a loss of 0.0003 on
MNIST validation, and MNIST's test set then fell below its goal. Now MNIST validation is a floor,
not a term of a mean. The rule: of the recipes reaching the goals across writers (pooled 98% or
better, worst writer 90% or better) whose MNIST validation, as cv prints it (the mean over the
five fold models, four decimals), is at least the shipped recipe's 0.9946, the one with the best
style validation (the mean over the fold models); of recipes within 0.05 points (0.0005) of that
best, the one with the fewest synthetic digits, then the one with the better MNIST validation.
The shipped recipe (first row above: 0.9946, styles 0.9920) is one of the recipes, so if no
candidate passes the floor it stays. The candidates (all else as the shipped recipe):

    --pen 2000                 2,000 synthetic digits, 30,000 MNIST digits
    --pen 2000 --mnist 60000   2,000 synthetic digits, all MNIST training digits
    --pen 5000 --mnist 60000   5,000 synthetic digits, all MNIST training digits

(``--mnist 60000`` is every MNIST training digit the run may use: cv caps it at the 50,000
outside its validation digits, the build takes all 60,000.) The chosen recipe is then built
once and read once on MNIST's test set and the style benchmark; if it misses any of the
issue's goals, the result is recorded here and no further recipe is tried against them.

    synthetic MNIST   pen     worst          MNIST   styles
    0         30000   98.27%  91.2% (28)     0.9946  0.9920   shipped (re-run: the same figures)
    2000      30000   98.25%  90.9% (14)     0.9943  0.9946   below the MNIST floor
    2000      60000   98.14%  89.5% (28)     0.9948  0.9920   worst writer below 90%
    5000      60000   98.11%  89.2% (28)     0.9946  0.9946   worst writer below 90%

(the MNIST column per fold: 0.9949 0.9944 0.9948 0.9943 0.9946 for the shipped recipe, 0.9945
0.9941 0.9944 0.9941 0.9945 for --pen 2000, so the floor is 0.99460 to five places and
--pen 5000 --mnist 60000's 0.99458 meets it only as printed.) No candidate passes both the
writer goals and the MNIST floor, so the rule keeps the shipped recipe; no candidate was built
or read on either test set (the shipped recipe, rebuilt to check it is still byte for byte the
shipped file, printed its known MNIST test 99.44%). What the runs say: at 30,000 MNIST
digits, 2,000 synthetic digits already cost MNIST validation what 5,000 did (0.9943); all of
MNIST restores it, but then the real writers' share of each epoch falls and writer 28 drops
below 90%, and 2,000 synthetic digits among 50,000 MNIST ones no longer move the style
validation at all (0.9920). The style benchmark stays at the shipped model's 99.45% (worst
family 95.5%), short of the issue's 99.5% overall.

Gentler rehearsal: the second round of selection under the MNIST floor (the first is the round
above, 3e84842 and b1ec1c6; the round before it, by the mean, is the one that read --pen 5000
on the test sets). Written here, rule and candidates, before any of their runs. The rule is the
first round's, unchanged: of the recipes reaching the goals across writers (pooled 98% or
better, worst writer 90% or better) whose MNIST validation as cv prints it (the mean over the
five fold models, four decimals) is at least the shipped recipe's 0.9946, the one with the best
style validation (the mean over the fold models); of recipes within 0.0005 of that best, the one
with the fewest synthetic digits, then the one with the better MNIST validation (and, were they
still level, the first listed below). The shipped recipe (0.9946, styles 0.9920) is one of the
recipes, so if no candidate passes it stays. The candidates keep --pen 5000's rehearsal, which
lifted style validation from 0.9920 to 0.9965 but cost MNIST validation 0.0003, and try to keep
MNIST by fine-tuning more gently or with a middle share of MNIST (all else as the shipped
recipe):

    --pen 5000 --epochs 4                4 epochs instead of 5 (the same cosine schedule)
    --pen 5000 --learning-rate 0.002     a smaller step: 0.002 instead of 0.003
    --pen 5000 --mnist 40000             40,000 MNIST digits instead of 30,000 (60,000
                                         dropped writer 28 below 90%)
    --pen 5000 --mnist 40000 --copies 4  the same, with each real digit 4 times an epoch, so
                                         the real writers' share of an epoch (35%) is about
                                         --pen 5000's (34%) while MNIST's grows by a third

As in the first round, the chosen recipe (if a candidate, not the shipped one) is built once by
``pendigits`` to a temporary path and read once on MNIST's test set and the style benchmark;
the test sets are read once per round, for the chosen candidate only. If it misses any of the
issue's goals, the result is recorded here and no further candidate is tried.

    synthetic recipe                   pen     worst          MNIST   styles
    0         shipped (first round)    98.27%  91.2% (28)     0.9946  0.9920
    5000      --epochs 4               98.19%  89.9% (28)     0.9944  0.9967   both fail
    5000      --learning-rate 0.002    98.17%  89.7% (28)     0.9944  0.9967   both fail
    5000      --mnist 40000            98.21%  90.5% (28)     0.9945  0.9956   below the floor
    5000      --mnist 40000 --copies 4 98.33%  91.3% (28)     0.9942  0.9956   below the floor

(the MNIST column per fold: 0.9945 0.9940 0.9946 0.9941 0.9946 for --epochs 4, 0.9947 0.9941
0.9946 0.9940 0.9947 for --learning-rate 0.002, 0.9947 0.9942 0.9944 0.9946 0.9946 for --mnist
40000, 0.9943 0.9939 0.9941 0.9943 0.9943 with --copies 4; the shipped recipe's 0.9949 0.9944
0.9948 0.9943 0.9946.) No candidate passes both the writer goals and the MNIST floor, so the rule
keeps the shipped recipe a second time; no candidate was built, and neither test set was read
in this round. What the runs say: a gentler fine-tuning (4 epochs, or 0.002) keeps the styles
(0.9967) but not MNIST (0.9944), and it loses writer 28 below 90%; 40,000 MNIST digits keep
writer 28 at 90.5% and come within 0.0001 of the floor (0.99450 against 0.99460: one validation
digit in 10,000 per fold), at a style validation of 0.9956; giving the real digits a fourth copy
is the best writer figure of any recipe (98.33%, worst 91.3%) but costs MNIST again. Every
--pen 5000 recipe so far sits 1-4 validation digits per fold below the shipped recipe on MNIST.
How much a seed alone moves these figures, measured after the rows above (a measurement of
noise, not a candidate: the rule had already kept the shipped recipe): the shipped recipe with
``--seed 1`` reads 98.26%, worst 90.8% (28), MNIST validation 0.9945 (0.9946 0.9942 0.9948
0.9944 0.9947), styles 0.9919, so by seed alone the shipped recipe itself would fall below its
own floor. The floor and --mnist 40000's shortfall are within that noise, and a further round
of this kind would choose on it. (The training code changed, bit for bit the same on this path,
while the round ran: on 9667c79 --mnist 40000 again printed the same figures and losses line for
line, and step 3 rebuilt the shipped file byte for byte, 42 s at load 2.5.) The style
benchmark stays at the shipped model's 99.45% (worst family 95.5%), short of the issue's 99.5%.

Weight-space interpolation: the third round of selection under the MNIST floor. Written here,
rule and candidates, before any of their runs. The two rounds above changed the fine-tuning so
that it would forget less of step 2's styles; this round leaves the fine-tuning as shipped and
mixes its result with its starting point: after fine-tuning, every weight and bias becomes
(1 - alpha) * step 2's + alpha * the fine-tuned network's ("WiSE-FT": Wortsman et al., Robust
fine-tuning of zero-shot models, CVPR 2022; the two networks share the architecture and the
fine-tuning starts from step 2's, so the straight path between them usually stays low in loss).
``pendigits --alpha A`` builds one; ``cv --alphas A,B,...`` reads several from the same fold
models (each fold is fine-tuned once). Alpha 1 is the fine-tuned network itself, as before.
Step 2's network reads MNIST validation 0.9948 and style validation 0.9960; the fine-tuned one
reads the held-out writers at 98.27%, worst 91.2%, MNIST validation 0.9946, styles 0.9920. The
rule is the earlier rounds', with alpha in place of the synthetic digits: of the candidates
reaching the goals across writers (pooled 98% or better, worst writer 90% or better) whose
MNIST validation as cv prints it (the mean over the five fold models, four decimals) is at least
the shipped recipe's 0.9946, the one with the best style validation (the mean over the fold
models); of candidates within 0.0005 of that best, the one with the larger alpha (the closer to
the validated fine-tuning), then the one with fewer synthetic digits. The shipped recipe (alpha
1: 0.9946, styles 0.9920) is a candidate, so if none passes it stays. The candidates:

    --alphas 0.5,0.6,0.7,0.8,0.9,1             the shipped recipe (--pen 0), alpha 0.5 to 0.9
                                               (alpha 1 re-reads the shipped row)
    --pen 5000 --mnist 40000 --alphas (same)   the same alphas on the second round's recipe
                                               closest to the floor, if time allows

As in the rounds before, the chosen candidate (if not the shipped recipe) is built once by
``pendigits --alpha`` to a temporary path and read once on MNIST's test set and the style
benchmark; if it misses any of the issue's goals, the result is recorded here and no further
candidate is tried.

    python scripts/train_default.py cv --alphas 0.5,0.6,0.7,0.8,0.9,1 [--pen 5000 --mnist 40000]

    the shipped recipe (--pen 0):
    alpha  pen     worst       MNIST   MNIST per fold                      styles
    0.5    97.51%  86.3% (28)  0.9951  0.9951 0.9952 0.9950 0.9949 0.9952  0.9953
    0.6    97.70%  87.1% (28)  0.9951  0.9951 0.9952 0.9949 0.9951 0.9950  0.9948
    0.7    97.87%  87.9% (28)  0.9951  0.9951 0.9952 0.9951 0.9952 0.9948  0.9942
    0.8    98.06%  89.5% (28)  0.9950  0.9950 0.9951 0.9953 0.9949 0.9948  0.9930
    0.9    98.16%  90.5% (28)  0.9949  0.9949 0.9948 0.9952 0.9947 0.9948  0.9924
    1      98.27%  91.2% (28)  0.9946  0.9949 0.9944 0.9948 0.9943 0.9946  0.9920
    --pen 5000 --mnist 40000:
    alpha  pen     worst       MNIST   MNIST per fold                      styles
    0.5    97.49%  86.1% (28)  0.9948  0.9948 0.9950 0.9947 0.9948 0.9949  0.9962
    0.6    97.65%  86.8% (28)  0.9948  0.9948 0.9949 0.9947 0.9948 0.9949  0.9961
    0.7    97.81%  87.2% (28)  0.9949  0.9948 0.9950 0.9949 0.9948 0.9951  0.9961
    0.8    97.97%  88.5% (28)  0.9948  0.9947 0.9947 0.9948 0.9948 0.9950  0.9960
    0.9    98.09%  89.5% (28)  0.9947  0.9947 0.9944 0.9947 0.9947 0.9950  0.9959
    1      98.21%  90.5% (28)  0.9945  0.9947 0.9942 0.9944 0.9946 0.9946  0.9956

(both alpha 1 rows are the earlier rounds' figures again, to the digit.) Two candidates reach
the writer goals and the MNIST floor, both on the shipped recipe: alpha 0.9 (styles 0.9924) and
alpha 1 (0.9920). 0.9924 is the best, and alpha 1 is within 0.0005 of it, so the rule takes the
larger alpha and keeps the shipped recipe a third time; nothing was built, and neither test set
was read in this round. What the runs say: on MNIST the path between the two networks does
better than either end (on the shipped recipe every alpha below 1 reads MNIST validation at
0.9949-0.9951, against 0.9948 for step 2 and 0.9946 fine-tuned), but on the real writers and on
the styles it is close to a straight trade. Each tenth of alpha taken from the fine-tuning costs
the pooled writers 0.1-0.2 points and writer 28 0.4-1.6 points on both recipes, and gives back
only 0.0004-0.0012 of style validation on the shipped recipe, so writer 28 falls below 90% at
0.8 (0.9 on --pen 5000 --mnist 40000) long before the styles recover. On the rehearsing recipe
the styles hardly move with alpha (0.9956 to 0.9962): rehearsal had already kept them, and
mixing in step 2 only costs writers. The style benchmark stays at the shipped model's 99.45%
(worst family 95.5%), short of the issue's 99.5% overall.

Times on the 2-core development machine (shared with other jobs, ``--threads 1``): step 1
about 12 minutes; step 2 a few minutes; drawing the real digits (7,494 a hand, exactly as the
canvas draws them, cached in .cache/pendigits) 20-70 seconds a hand, 9 hands in all (6 for
training, 3 for cv's validation); step 3 1 min 46 s, 29 s on 5 Dec after fit got faster (its
output was byte for byte the shipped file, checked again on 5 Dec; 25 s at 08:03 on 5 Dec, after
the training loop's step took its scale inside gemm and its forward products in blocks of rows
(issue 15): float rounding now differs, and the rebuilt file differs from the shipped one by one
float16 step in 0.04-2.3% of each array's values, predicting the same class as it for all 10,000
MNIST test digits, 99.44% both); cv 8 minutes, on 5 Dec 2 min
28 s to 3 min 47 s (30,000 to 60,000 MNIST digits; load 0.6-6, under nice -n 19), 1 min
57 s with --epochs 4; six alphas from one run 1 min 57 s (--pen 0) and 2 min 39 s (--pen 5000
--mnist 40000) at load 1.1-1.5.
"""

import argparse
import hashlib
import pathlib
import sys
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parent.parent
CACHE = ROOT / ".cache"

# The recipe of step 3, as chosen by `cv` (see the README's model section for the figures).
RECIPE = {
    "epochs": 5,
    "learning_rate": 0.003,
    "hands": 6,
    "copies": 3,
    "mnist": 30000,
    "augment_pen": False,
    "pen": 0,
    "alpha": 1.0,
}
FOLDS = 5
# cv validates on MNIST's last 10,000 training digits, never on its test set
MNIST_VALIDATION = 10000
TRAIN_HAND_SEED = 1000  # hand h of the training pool is drawn with seed TRAIN_HAND_SEED + h
CHECK_HAND_SEED = 2000  # the hands validation digits are drawn in: never used for training
CHECK_HANDS = 3
# cv's style validation: synthetic pen digits by the training generator, from a seed no training
# run and no benchmark uses (step 2 trains on SYNTHETIC_SEED, checks on SYNTHETIC_SEED + 1)
SYNTHETIC_SEED = 20251126
STYLE_CHECK_SEED = 7_041_917
STYLE_CHECK = 5000


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="step", required=True)

    s = sub.add_parser("styles", help="step 2: MNIST + synthetic pen digits in many styles")
    s.add_argument("--base", required=True, help="the network to start from (.npz), step 1's")
    s.add_argument("--out", required=True, help="where to save the trained network (.npz, float16)")
    s.add_argument(
        "--pen", type=int, default=20000, help="synthetic pen digits mixed into training"
    )
    s.add_argument("--pen-seed", type=int, default=SYNTHETIC_SEED)
    s.add_argument("--epochs", type=int, default=10)
    s.add_argument("--learning-rate", type=float, default=0.003)

    for name, text in (
        ("pendigits", "step 3: fine-tune on the 30 writers' pen digits + MNIST"),
        ("cv", "cross-validate step 3's recipe over writers"),
    ):
        q = sub.add_parser(name, help=text)
        q.add_argument(
            "--base",
            default=None,
            help="the network to start from (.npz), step 2's; default for cv: the "
            "model shipped before issue 17 (git 272a3d2), or --base",
        )
        q.add_argument("--epochs", type=int, default=RECIPE["epochs"])
        q.add_argument("--learning-rate", type=float, default=RECIPE["learning_rate"])
        q.add_argument(
            "--hands",
            type=int,
            default=RECIPE["hands"],
            help="each real digit is drawn in this many hands (cached); every epoch "
            "takes one of them at random",
        )
        q.add_argument(
            "--copies",
            type=int,
            default=RECIPE["copies"],
            help="how many times each real digit appears per epoch (in different hands)",
        )
        q.add_argument(
            "--mnist",
            type=int,
            default=RECIPE["mnist"],
            help="MNIST training digits mixed in (a random selection each run)",
        )
        q.add_argument(
            "--augment-pen",
            type=int,
            choices=(0, 1),
            default=int(RECIPE["augment_pen"]),
            help="apply the preset's distortions to the real pen digits too (1) or not (0)",
        )
        q.add_argument(
            "--pen",
            type=int,
            default=RECIPE["pen"],
            help="synthetic pen digits mixed in to rehearse step 2's styles: the first N of "
            "step 2's 20,000",
        )
        q.add_argument(
            "--distill",
            type=float,
            default=0.0,
            help="MNIST digits' targets: this much of the starting network's own "
            "probabilities, the rest the one-hot label (0: labels only)",
        )
        if name == "pendigits":
            q.add_argument("--out", required=True, help="where to save the network (.npz, float16)")
            q.add_argument(
                "--alpha",
                type=float,
                default=RECIPE["alpha"],
                help="the weights kept: (1 - alpha) * the base's + alpha * the fine-tuned "
                "network's (1: the fine-tuned network)",
            )
        else:
            q.add_argument(
                "--alphas",
                type=_alphas,
                default=[RECIPE["alpha"]],
                help="comma-separated alphas (see pendigits --alpha), each read from the same "
                "fold models",
            )
            q.add_argument("--save-folds", help="a folder to save each fold's model in")
            q.add_argument("--folds", type=int, default=FOLDS)
    for q in sub.choices.values():
        q.add_argument("--threads", type=int, default=1, help="BLAS threads")
        q.add_argument("--seed", type=int, default=0, help="shuffling, dropout and distortions")
        q.add_argument(
            "--data",
            help="folder with the MNIST IDX files (default: NNWIDGETS_DATA, cache, download)",
        )
    args = p.parse_args(argv)
    if args.step == "styles":
        return styles(args)
    if args.step == "pendigits":
        return pendigits(args)
    return cross_validate(args)


# -- step 2 ----------------------------------------------------------------------------------


def styles(args):
    from nnwidgets import Network, load_mnist
    from nnwidgets.models.presets import get_preset

    preset = get_preset("default")
    net = _as_float32(Network.load(args.base), args.seed)
    if list(net.sizes) != list(preset.network["sizes"]):
        sys.exit(
            f"--base must be a {preset.network['sizes']} network like the preset "
            f"default's, got {list(net.sizes)}"
        )
    data = load_mnist(args.data) if args.data else load_mnist()
    X_pen, y_pen = _pen_set(args.pen, args.pen_seed)
    X = np.concatenate([data.X_train, X_pen])
    y = np.concatenate([data.y_train, y_pen])
    print(
        f"{len(data.X_train):,} MNIST + {len(X_pen):,} pen digits; start: MNIST test "
        f"{net.score(data.X_test, data.y_test):.4f}",
        flush=True,
    )
    # the preset's batch size, momentum, dropout and cosine schedule; fewer epochs, a smaller step
    fit = {**preset.fit, "epochs": args.epochs, "learning_rate": args.learning_rate}
    net.fit(
        X,
        y,
        validation=(data.X_test, data.y_test),
        callbacks=[_progress("MNIST test")],
        transform=_augmenter(preset.augment),
        threads=args.threads,
        **fit,
    )
    X_check, y_check = _pen_set(2000, args.pen_seed + 1)
    print(
        f"MNIST test {net.score(data.X_test, data.y_test):.4f}; fresh pen digits "
        f"{net.score(X_check, y_check):.4f}",
        flush=True,
    )
    _save(net, args.out, data)
    return 0


# -- step 3 ----------------------------------------------------------------------------------


def pendigits(args):
    from nnwidgets import Network, load_mnist
    from nnwidgets.datasets.pendigits import load_pendigits

    if args.base is None:
        sys.exit("pendigits needs --base: step 2's network (see the docstring)")
    started = time.perf_counter()
    data = load_mnist(args.data) if args.data else load_mnist()
    pen = load_pendigits()
    pool = pen_pool(pen, args.hands)
    base = Network.load(args.base)
    net = _as_float32(base, args.seed)
    print(f"start: MNIST test {net.score(data.X_test, data.y_test):.4f}", flush=True)
    fine_tune(net, pool, pen.y, data.X_train, data.y_train, args)
    net = interpolate(base, net, args.alpha)
    X_check = pen_pool(pen, CHECK_HANDS, seed=CHECK_HAND_SEED)
    X_sv, y_sv = _pen_set(STYLE_CHECK, STYLE_CHECK_SEED)
    print(
        f"alpha {args.alpha:g}: MNIST test {net.score(data.X_test, data.y_test):.4f}; "
        f"the 30 writers' digits in "
        f"other hands (seen in training) {_score_pool(net, X_check, pen.y):.4f}; style "
        f"validation {net.score(X_sv, y_sv):.4f}; {time.perf_counter() - started:.0f}s",
        flush=True,
    )
    _save(net, args.out, data)
    return 0


def fine_tune(net, pool, y_pen, X_mnist, y_mnist, args):
    """Step 3 on ``net`` in place: real pen digits (``pool``: (hands, n, 784)) mixed with MNIST.

    Every epoch each pen digit appears ``args.copies`` times, each time in one of the pool's
    hands drawn at random, and ``args.mnist`` MNIST digits chosen once; all get the preset's
    distortions afresh (the pen digits only with ``args.augment_pen``), with the preset's
    batch size, momentum, dropout and cosine schedule.
    """
    from nnwidgets.datasets.augment import augment
    from nnwidgets.models.presets import get_preset

    preset = get_preset("default")
    rng = np.random.default_rng(args.seed)
    pick = rng.choice(len(X_mnist), size=min(args.mnist, len(X_mnist)), replace=False)
    n_pen = pool.shape[1] * args.copies
    if args.pen:  # the first args.pen of step 2's synthetic digits, distorted like MNIST's
        extra, y_extra = _pen_set(args.pen, SYNTHETIC_SEED)
    else:
        extra, y_extra = np.empty((0, 784), np.float32), np.empty(0, np.int64)
    X = np.concatenate([X_mnist[pick], extra, np.zeros((n_pen, 784), np.float32)])
    y = np.concatenate([y_mnist[pick], y_extra, np.tile(y_pen, args.copies)])
    if args.distill:
        # keep the MNIST digits' answers near the starting network's (learning without forgetting)
        y = net.targets(y)
        own = net.predict_proba(X_mnist[pick])
        y[: len(pick)] = (1 - args.distill) * y[: len(pick)] + args.distill * own
    first_pen = len(X) - n_pen
    columns = np.tile(np.arange(pool.shape[1]), args.copies)

    def transform(X, rng):
        X = X.copy()
        X[first_pen:] = pool[rng.integers(0, len(pool), n_pen), columns]
        end = len(X) if args.augment_pen else first_pen
        X[:end] = augment(X[:end].reshape(-1, 28, 28), rng, **preset.augment).reshape(end, -1)
        return X

    fit = {**preset.fit, "epochs": args.epochs, "learning_rate": args.learning_rate}
    net.fit(X, y, callbacks=[_progress("")], transform=transform, threads=args.threads, **fit)
    return net


def interpolate(base, tuned, alpha):
    """A new network whose weights and biases are ``(1 - alpha) * base + alpha * tuned``.

    Weight-space ensembling (WiSE-FT, Wortsman et al. 2022): ``tuned`` was fine-tuned from
    ``base``, so the straight path between them usually stays low in loss; alpha 1 is ``tuned``.
    """

    def mix(b, t):
        return (1 - alpha) * b.astype(t.dtype) + alpha * t

    mixed = tuned.copy()
    mixed.set_parameters(
        list(map(mix, base.weights, tuned.weights)), list(map(mix, base.biases, tuned.biases))
    )
    return mixed


def cross_validate(args):
    """Fine-tune on 4 folds of writers, read the 5th; print per writer, the worst, confusions."""
    from nnwidgets import load_mnist
    from nnwidgets.datasets.pendigits import load_pendigits

    if args.save_folds and len(args.alphas) > 1:
        sys.exit(f"--save-folds saves one model per fold: give one alpha, got {args.alphas}")
    started = time.perf_counter()
    data = load_mnist(args.data) if args.data else load_mnist()
    n_train = len(data.X_train) - MNIST_VALIDATION
    X_m, y_m = data.X_train[:n_train], data.y_train[:n_train]
    X_mv, y_mv = data.X_train[n_train:], data.y_train[n_train:]
    pen = load_pendigits()
    pool = pen_pool(pen, args.hands)
    check = pen_pool(pen, CHECK_HANDS, seed=CHECK_HAND_SEED)
    X_sv, y_sv = _pen_set(STYLE_CHECK, STYLE_CHECK_SEED)
    base = _base_network(args.base)
    folds = writer_folds(pen.writer, args.folds)
    alphas = args.alphas
    pred = np.full((len(alphas), CHECK_HANDS, len(pen.y)), -1)
    proba = np.zeros((len(alphas), CHECK_HANDS, len(pen.y), 10), np.float32)
    mnist_ok = np.zeros((len(alphas), len(folds)))
    style_ok = np.zeros((len(alphas), len(folds)))
    print(
        f"recipe: epochs {args.epochs}, learning rate {args.learning_rate}, hands {args.hands}, "
        f"copies {args.copies}, MNIST {args.mnist}, augment pen {args.augment_pen}, "
        f"synthetic pen {args.pen}, distill {args.distill}, seed {args.seed}, "
        f"alphas {' '.join(f'{a:g}' for a in alphas)}",
        flush=True,
    )
    print(
        f"start: MNIST validation {base.score(X_mv, y_mv):.4f}, style validation "
        f"{base.score(X_sv, y_sv):.4f}",
        flush=True,
    )
    for k, held in enumerate(folds):
        out = np.isin(pen.writer, held)
        tuned = _as_float32(base, args.seed + k)
        fine_tune(tuned, pool[:, ~out], pen.y[~out], X_m, y_m, args)
        for i, alpha in enumerate(alphas):  # every alpha from the same fine-tuned network
            net = interpolate(base, tuned, alpha)
            for h in range(CHECK_HANDS):
                proba[i, h, out] = net.predict_proba(check[h, out])
            pred[i][:, out] = proba[i][:, out].argmax(axis=2)
            mnist_ok[i, k] = net.score(X_mv, y_mv)
            style_ok[i, k] = net.score(X_sv, y_sv)
            acc = (pred[i][:, out] == pen.y[out]).mean()
            print(
                f"fold {k + 1}, alpha {alpha:g}: writers {held.tolist()}: held-out pen digits "
                f"{acc:.4f}, MNIST validation {mnist_ok[i, k]:.4f}, style validation "
                f"{style_ok[i, k]:.4f}  {time.perf_counter() - started:.0f}s",
                flush=True,
            )
        if args.save_folds:
            folder = pathlib.Path(args.save_folds)
            folder.mkdir(parents=True, exist_ok=True)
            net.save(folder / f"fold-{k + 1}.npz", dtype="float16")
    if args.save_folds:
        np.save(pathlib.Path(args.save_folds) / "folds.npy", np.array(folds))
    rows = []
    for i, alpha in enumerate(alphas):
        print(f"\n-- alpha {alpha:g}")
        pooled, per = report_by_writer(pen.y, pen.writer, pred[i], proba[i])
        per_fold = " ".join(f"{v:.4f}" for v in mnist_ok[i])
        print(
            f"MNIST validation (training digits 50,000..59,999) mean over folds "
            f"{mnist_ok[i].mean():.4f} ({per_fold})"
        )
        print(
            f"style validation ({STYLE_CHECK:,} synthetic pen digits, seed {STYLE_CHECK_SEED}) "
            f"mean over folds {style_ok[i].mean():.4f}",
            flush=True,
        )
        worst = min(per, key=per.get)
        rows.append(
            f"{alpha:<5g}  {pooled:.2%}  {per[worst]:.1%} ({worst})  {mnist_ok[i].mean():.4f} "
            f"({per_fold})  {style_ok[i].mean():.4f}"
        )
    print(f"\nalpha  pen     worst       {'MNIST validation (per fold)':<45}styles")
    print("\n".join(rows), flush=True)
    return 0


def report_by_writer(y, writer, pred, proba=None, *, title="held-out writers' pen digits"):
    """Print accuracy per writer (over all hands), the worst, confusions and the verdict's rates."""
    ok = pred == y  # (hands, n)
    per = {int(w): ok[:, writer == w].mean() for w in np.unique(writer)}
    worst = sorted(per, key=per.get)
    print("accuracy per writer: " + ", ".join(f"{w}: {per[w]:.1%}" for w in sorted(per)))
    print("worst writers: " + ", ".join(f"{w} {per[w]:.1%}" for w in worst[:5]))
    m = np.zeros((10, 10), int)
    np.add.at(m, (np.broadcast_to(y, pred.shape).ravel(), pred.ravel()), 1)
    pairs = sorted(((m[a, b], a, b) for a in range(10) for b in range(10) if a != b), reverse=True)
    print(
        "most frequent confusions (drawn -> read): "
        + ", ".join(f"{a}->{b} {c}" for c, a, b in pairs[:8] if c)
    )
    if proba is not None:
        unsure = verdict_unsure(proba)
        print(
            f"verdict unsure on {unsure[ok].mean():.1%} of right readings "
            f"({unsure[ok].sum()}/{ok.sum()}) and {unsure[~ok].mean():.1%} of wrong ones "
            f"({unsure[~ok].sum()}/{(~ok).sum()})"
        )
    print(
        f"{title}: {ok.mean():.2%} ({ok.sum()}/{ok.size}), worst writer "
        f"{per[worst[0]]:.1%} (writer {worst[0]}), "
        f"{sum(v >= 0.98 for v in per.values())} of {len(per)} writers at 98% or better",
        flush=True,
    )
    return ok.mean(), per


def verdict_unsure(proba, unsure_below=0.6, close_within=0.5):
    """The canvas's verdict (js/canvas/verdict.ts): unsure when the top probability is below
    ``unsure_below`` or the runner-up within ``close_within`` of it."""
    top2 = np.sort(proba, axis=-1)[..., -2:]
    return (top2[..., 1] < unsure_below) | (top2[..., 1] - top2[..., 0] < close_within)


def writer_folds(writer, k):
    """The writers split into ``k`` folds of consecutive ids (1-6, 7-12, ... for 30 writers)."""
    return np.array_split(np.unique(writer), k)


def pen_pool(pen, hands, *, seed=TRAIN_HAND_SEED):
    """Every pen digit drawn in ``hands`` hands (hand h with ``seed + h``): (hands, n, 784) float32.

    Each hand is drawn once, exactly as the canvas draws (full-size pad), and kept in
    .cache/pendigits under a name that carries a hash of the drawing's settings.
    """
    from nnwidgets import preprocess
    from nnwidgets.datasets import pendigits

    # what the drawing depends on names the cache (bump DRAWING when the drawing code changes)
    drawing = repr(
        (
            pendigits.DRAWING,
            pendigits.HANDS,
            pendigits.SPACING,
            preprocess.BRUSH_INNER,
            preprocess.BRUSH_OUTER,
            preprocess.PAD,
        )
    )
    version = hashlib.sha256(drawing.encode()).hexdigest()[:10]
    out = np.empty((hands, len(pen.y), 784), np.float32)
    for h in range(hands):
        path = CACHE / "pendigits" / f"hand-{seed + h}-{len(pen.y)}-{version}.npy"
        if path.exists():
            out[h] = np.load(path).astype(np.float32) / 255
            continue
        t = time.perf_counter()
        X = pendigits.draw_pendigits(pen.strokes, seed=seed + h)
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, np.round(X * 255).astype(np.uint8))
        out[h] = np.round(X * 255).astype(np.float32) / 255  # as the cache gives it back
        print(
            f"drew {len(X):,} pen digits in hand {seed + h} in {time.perf_counter() - t:.0f}s",
            flush=True,
        )
    return out


def _score_pool(net, pool, y):
    return float(np.mean([net.score(X, y) for X in pool]))


def _base_network(path):
    """``path``, or the model shipped before issue 17 (step 2's result) read from git."""
    import subprocess

    from nnwidgets import Network

    if path is not None:
        return Network.load(path)
    blob = subprocess.run(
        ["git", "-C", str(ROOT), "show", "272a3d2:src/nnwidgets/models/default.npz"],
        check=True,
        capture_output=True,
    ).stdout
    cached = CACHE / "styles-272a3d2.npz"
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_bytes(blob)
    return Network.load(cached)


# -- shared ----------------------------------------------------------------------------------


def _progress(label):
    from nnwidgets.training import Callback

    started = time.perf_counter()

    class Progress(Callback):
        def on_epoch_end(self, trainer, epoch, logs):
            val = f"  {label} {logs['val_accuracy']:.4f}" if "val_accuracy" in logs else ""
            print(
                f"epoch {epoch + 1:3d}/{trainer.epochs}  loss {logs['loss']:.4f}{val}  "
                f"lr {logs['learning_rate']:.4g}  {time.perf_counter() - started:.0f}s",
                flush=True,
            )

    return Progress()


def _save(net, out, data):
    from nnwidgets import Network

    net.save(out, dtype="float16")
    saved = Network.load(out)
    print(
        f"saved {out} ({pathlib.Path(out).stat().st_size / 1e6:.2f} MB); as saved (float16): "
        f"MNIST test {saved.score(data.X_test, data.y_test):.4f}"
    )


def _alphas(text):
    """``--alphas``: comma-separated numbers, e.g. ``0.5,0.8,1``."""
    try:
        return [float(a) for a in text.split(",")]
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"expected comma-separated numbers such as 0.5,0.8,1, got {text!r}"
        ) from None


def _as_float32(net, seed):
    """A float32 copy of ``net`` (a float16 file loads as float16) with its own random generator."""
    from nnwidgets import Network

    twin = Network(**{**net.config(), "dtype": "float32"}, seed=seed)
    twin.set_parameters(
        [w.astype(np.float32) for w in net.weights], [b.astype(np.float32) for b in net.biases]
    )
    return twin


def _pen_set(n, seed):
    """``pen_digits(n, seed=seed)``, made once and kept in .cache/pen-digits (it takes minutes)."""
    from nnwidgets.datasets import pen

    # the generator's own source names the cache, so a changed generator makes a new set
    version = hashlib.sha256(pathlib.Path(pen.__file__).read_bytes()).hexdigest()[:10]
    path = CACHE / "pen-digits" / f"pen-{n}-{seed}-{version}.npz"
    # the first n digits of a seed are the same however many are made: a larger set serves too
    made = sorted(
        (int(q.name.split("-")[1]), q) for q in path.parent.glob(f"pen-*-{seed}-{version}.npz")
    )
    for size, q in made:
        if size >= n:
            with np.load(q) as f:
                return f["X"][:n].astype(np.float32) / 255, f["y"][:n]
    started = time.perf_counter()
    X, y = pen.pen_digits(n, seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(path, X=np.round(X * 255).astype(np.uint8), y=y)
    print(
        f"made {n:,} pen digits (seed {seed}) in {time.perf_counter() - started:.0f}s", flush=True
    )
    return np.round(X * 255).astype(np.float32) / 255, y  # as the cache gives them back


def _augmenter(options):
    from nnwidgets.datasets.augment import augment

    def transform(X, rng):
        return augment(X.reshape(-1, 28, 28), rng, **options).reshape(len(X), -1)

    return transform


if __name__ == "__main__":
    sys.exit(main())
