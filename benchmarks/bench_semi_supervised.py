"""The published comparison on RAVDESS: AAE vs its supervised baseline, per fold.

For feature vectors (the bundled eGeMAPS functionals) and for sequences of 20 ms
log mel frames extracted from the shared RAVDESS audio, with all training rows
labeled and with only a fraction of them labeled (the rest unlabeled, which the
AAE uses and the baseline cannot), 6-fold cross-validation grouped by actor:
valence 3-class accuracy and CCC per dimension. Both estimators run with their
defaults and the same ``random_state``; the labeled rows of a smaller fraction
are a subset of those of a larger one.

Run from the repository root::

    python benchmarks/bench_semi_supervised.py --out bench_semi.csv
    python benchmarks/bench_semi_supervised.py --inputs frames --max-iter 30 \
        --hidden 128 128

Each fit's scores are appended to ``--out`` as it finishes, so that an
interrupted run keeps what it measured; the summary (mean and standard deviation
over folds, and the AAE's lead) is printed at the end.
"""

# License: BSD-3-Clause

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _common import append_csv, first_share, group_folds
from sklearn.exceptions import ConvergenceWarning

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.datasets import load_ravdess, load_ravdess_features
from aae_sklearn.features import FrameFeatures
from aae_sklearn.metrics import binned_accuracy, concordance_correlation_coefficient

RAVDESS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ravdess"
DIMENSIONS = ["valence", "activation", "dominance"]


def load(inputs, root):
    """X, targets and actors of RAVDESS, as eGeMAPS vectors or log mel frames."""
    if inputs == "vectors":
        data = load_ravdess_features()
        return data.data, data.target, data.groups
    corpus = load_ravdess(root)
    X = FrameFeatures(kind="logmel", frame_ms=20, n_jobs=-1).fit_transform(corpus.data)
    return X, corpus.target, corpus.groups


def scores(y_true, y_pred):
    ccc = concordance_correlation_coefficient(y_true, y_pred, multioutput="raw_values")
    row = {f"ccc_{d}": c for d, c in zip(DIMENSIONS, ccc, strict=True)}
    row["valence_accuracy"] = binned_accuracy(y_true, y_pred, target=0)
    return row


def run(inputs, X, y, groups, fractions, folds, params, out):
    rng = np.random.default_rng(0)
    records = []
    for fold, (train, test) in enumerate(group_folds(groups, folds)):
        order = rng.permutation(len(train))
        for fraction in fractions:
            labeled = first_share(order, fraction)
            y_part = np.full_like(y[train], np.nan)
            y_part[labeled] = y[train][labeled]
            for Estimator in (AAEEmotionRegressor, SupervisedEmotionRegressor):
                model = Estimator(**params)
                start = time.perf_counter()
                model.fit(X[train], y_part)  # the baseline ignores unlabeled rows
                fit_time = time.perf_counter() - start
                record = {
                    "inputs": inputs,
                    "labeled_fraction": fraction,
                    "fold": fold,
                    "model": Estimator.__name__,
                    **scores(y[test], model.predict(X[test])),
                    "n_iter": model.n_iter_,
                    "fit_time": fit_time,
                }
                print(pd.DataFrame([record]).to_string(header=not records, index=False))
                records.append(record)
                if out is not None:
                    append_csv(out, record)
    return pd.DataFrame(records)


def summarise(results):
    metrics = ["valence_accuracy"] + [f"ccc_{d}" for d in DIMENSIONS]
    keys = ["inputs", "labeled_fraction", "model"]
    table = results.groupby(keys)[metrics].agg(["mean", "std"]).round(3)
    per_fold = results.pivot_table(
        index=["inputs", "labeled_fraction", "fold"], columns="model", values=metrics
    )
    lead = pd.DataFrame(
        {
            m: per_fold[m]["AAEEmotionRegressor"]
            - per_fold[m]["SupervisedEmotionRegressor"]
            for m in metrics
        }
    )
    lead = lead.groupby(["inputs", "labeled_fraction"]).agg(["mean", "std"]).round(3)
    return table, lead


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--inputs",
        nargs="+",
        choices=["vectors", "frames"],
        default=["vectors", "frames"],
    )
    parser.add_argument("--fractions", nargs="+", type=float, default=[1.0, 0.25])
    parser.add_argument("--folds", type=int, default=6)
    parser.add_argument("--max-iter", type=int, default=200)
    parser.add_argument(
        "--hidden",
        type=int,
        nargs="+",
        default=[256, 128],
        help="hidden_layer_sizes of both estimators (channels, for frames)",
    )
    parser.add_argument("--ravdess", type=Path, default=RAVDESS)
    parser.add_argument("--out", type=Path, help="CSV to append each fit's scores to")
    args = parser.parse_args()
    params = dict(
        hidden_layer_sizes=tuple(args.hidden), max_iter=args.max_iter, random_state=0
    )
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.filterwarnings("ignore", message=".*training standard deviations out")
    results = []
    for inputs in args.inputs:
        X, y, groups = load(inputs, args.ravdess)
        results.append(
            run(inputs, X, y, groups, args.fractions, args.folds, params, args.out)
        )
    table, lead = summarise(pd.concat(results))
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", None)
    print("\nMean and standard deviation over folds:\n", table, sep="")
    print("\nAAE minus baseline, per fold (mean and standard deviation):\n", lead)


if __name__ == "__main__":
    main()
