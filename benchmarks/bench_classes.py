"""Emotion classes on RAVDESS: the AAE classifier against its baseline, SVC and
logistic regression, with few labels.

The bundled eGeMAPS functionals of RAVDESS, 8 emotion classes, 6-fold
cross-validation grouped by actor, each actor's features standardised on that
actor's own rows (as ``aae-sklearn compare`` does). In each training fold a share
of the rows keeps its label (drawn per seed and fold; the labeled rows of a smaller
share are a subset of those of a larger one); the rest is given, unlabeled (-1),
to the AAE only. Scores: unweighted average recall (UAR, balanced accuracy) and
weighted accuracy (WA) of the test actors.

- ``AAEEmotionClassifier`` and ``SupervisedEmotionClassifier``: their defaults,
  or ``--params`` (JSON, applied to both where they have the parameter), with the
  seed as ``random_state``;
- ``--baselines``: ``SVC`` (RBF) and ``LogisticRegression``, both with
  ``class_weight="balanced"`` behind a ``StandardScaler``, their ``C`` chosen on
  the labeled training rows by 3-fold ``GroupKFold`` over the actors, by UAR.

Choose settings with ``--actors 1-12`` (the folds then hold two actors each), and
report on all actors with the chosen defaults, as the ablation protocol does::

    python benchmarks/bench_classes.py --actors 1-12 --seeds 0 --tag default \
        --out classes_tune.csv
    python benchmarks/bench_classes.py --seeds 0 1 2 --baselines --out classes.csv

``--corpus emodb`` runs the same on EmoDB (7 classes, 10 speakers; use
``--folds 5``), from the bundled eGeMAPS table ``load_emodb_features()``.

Every fit's scores are appended to ``--out`` as it finishes, and a rerun skips
the fits already there, so that an interrupted study resumes; the summary (mean
and standard deviation over seeds and folds, and the AAE's lead) is printed at
the end.
"""

# License: BSD-3-Clause

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _common import append_csv, csv_keys, group_folds, labeled_rows
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning
from sklearn.metrics import accuracy_score, balanced_accuracy_score

from aae_sklearn import AAEEmotionClassifier, SupervisedEmotionClassifier
from aae_sklearn.cli._baselines import _class_baselines, _fit
from aae_sklearn.datasets import load_emodb_features, load_ravdess_features
from aae_sklearn.exceptions import FarOutInputWarning
from aae_sklearn.features import GroupStandardScaler

KEY = ["tag", "model", "seed", "fraction", "fold"]


def networks(params, seed):
    """The two networks, with ``params`` where each has the parameter."""
    models = {}
    for name, Estimator in (
        ("AAE", AAEEmotionClassifier),
        ("supervised", SupervisedEmotionClassifier),
    ):
        known = Estimator().get_params()
        own = {k: v for k, v in params.items() if k in known}
        models[name] = Estimator(**own, random_state=seed)
    return models


def fit_predict(name, model, X_train, y_train, labeled, groups, X_test):
    """Fit ``model`` on the training fold (the AAE on every row, unlabeled ones
    marked -1; the others on the labeled rows) and predict the test rows."""
    if name == "AAE":
        y = np.full(len(y_train), -1, dtype=object)
        y[labeled] = y_train[labeled]
        return model.fit(X_train, y).predict(X_test), model.n_iter_
    if name == "supervised":
        model.fit(X_train[labeled], y_train[labeled])
        return model.predict(X_test), model.n_iter_
    # The baselines of `aae-sklearn compare --task categories`, tuned as there.
    search = _fit(model, X_train[labeled], y_train[labeled], groups[labeled])
    return search.predict(X_test), None


def run(args):
    load = load_emodb_features if args.corpus == "emodb" else load_ravdess_features
    data = load(target="categories")
    X, y, groups = data.data, data.target, np.asarray(data.groups)
    if args.actors:
        first, last = map(int, args.actors.split("-"))
        keep = (groups >= first) & (groups <= last)
        X, y, groups = X[keep], y[keep], groups[keep]
    out = Path(args.out)
    done = csv_keys(out, KEY)
    params = json.loads(args.params)
    splits = group_folds(groups, args.folds)
    for seed in args.seeds:
        for fold, (train, test) in enumerate(splits):
            scaler = GroupStandardScaler()
            X_train = scaler.fit_transform(X[train], groups=groups[train])
            X_test = scaler.transform(X[test], groups=groups[test])
            models = networks(params, seed)
            if args.baselines:
                models.update(_class_baselines(seed))
            models = {k: v for k, v in models.items() if k in args.models}
            for fraction in args.fractions:
                labeled = labeled_rows(len(train), fraction, [seed, fold])
                for name, model in models.items():
                    key = (args.tag, name, str(seed), str(fraction), str(fold))
                    if key in done:
                        continue
                    start = time.perf_counter()
                    y_pred, n_iter = fit_predict(
                        name,
                        clone(model),
                        X_train,
                        y[train],
                        labeled,
                        groups[train],
                        X_test,
                    )
                    row = dict(zip(KEY, key, strict=True))
                    row.update(
                        params=args.params if name in ("AAE", "supervised") else "",
                        n_labeled=len(labeled),
                        uar=balanced_accuracy_score(y[test], y_pred),
                        wa=accuracy_score(y[test], y_pred),
                        fit_time=time.perf_counter() - start,
                        n_iter=n_iter,
                    )
                    append_csv(out, row)
                    print(
                        f"{args.tag} {name} seed {seed} fraction {fraction} fold "
                        f"{fold}: UAR {row['uar']:.3f} ({row['fit_time']:.0f} s)",
                        flush=True,
                    )
    summarize(pd.read_csv(out), args.tag)


def summarize(table, tag):
    """Mean and standard deviation over seeds and folds, and the AAE's lead."""
    table = table[table["tag"] == tag]
    summary = table.groupby(["fraction", "model"])[["uar", "wa"]].agg(["mean", "std"])
    print(summary.round(3).to_string())
    per_fold = table.pivot_table(
        index=["fraction", "seed", "fold"], columns="model", values="uar"
    )
    if {"AAE", "supervised"} <= set(per_fold.columns):
        lead = (per_fold["AAE"] - per_fold["supervised"]).groupby("fraction")
        print("\nAAE - supervised, UAR points (mean, std over seeds and folds):")
        print((100 * lead.agg(["mean", "std"])).round(1).to_string())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, help="CSV of per-fit scores")
    parser.add_argument("--tag", default="default", help="name of this setting")
    parser.add_argument("--params", default="{}", help="JSON of network parameters")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--fractions", type=float, nargs="+", default=[1.0, 0.25, 0.1])
    parser.add_argument("--folds", type=int, default=6)
    parser.add_argument(
        "--corpus",
        choices=["ravdess", "emodb"],
        default="ravdess",
        help="RAVDESS (bundled) or EmoDB (../shared/data/emodb, 7 classes)",
    )
    parser.add_argument("--actors", help="a range such as 1-12 (default: all)")
    parser.add_argument(
        "--models",
        nargs="+",
        default=["AAE", "supervised", "SVC", "LogisticRegression"],
    )
    parser.add_argument("--baselines", action="store_true", help="SVC and LR too")
    args = parser.parse_args(argv)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", FarOutInputWarning)
        run(args)


if __name__ == "__main__":
    main()
