"""Across corpora: train on one of RAVDESS, EmoDB and nEMO, test on another.

The eGeMAPS functionals of the three corpora (the bundled tables), every model
trained on the source corpus's labeled rows and tested on the target corpus,
which none of them sees labeled:

- ``AAE+adapt+pool``: the autoencoder given the target's features and the third
  corpus (normalised like the others), unlabeled, as ``X_unlabeled``;
- ``AAE+adapt``: the autoencoder given the target's features, unlabeled, as
  ``X_unlabeled`` (transductive: the rows it is tested on);
- ``AAE``: the autoencoder on the source alone;
- ``supervised``: its baseline network;
- ``SVR`` (dimensions), or ``SVC`` and ``LogisticRegression`` (categories): as
  in ``aae-sklearn compare --baselines``, tuned by 3-fold ``GroupKFold`` over the
  source speakers.

``--normalize``: ``none`` (features as extracted; the models' own scaling sees
the source only), ``corpus`` (each corpus standardised on its own statistics) or
``speaker`` (each speaker of each corpus on its own). Categories: the classes
both corpora have (RAVDESS and EmoDB share neutral, happy, sad, angry, fearful
and disgust; nEMO has no disgust and shares surprised with RAVDESS only); the
other rows are left out of training and test.

Settings are chosen on half of the target's speakers (``--half tune``: RAVDESS
actors 1-12, EmoDB speakers 03-11, nEMO's EB0-KS0) and reported on the other
half (``--half report``), so that no reported number comes from the speakers a
choice was made on; ``--half all`` tests on every target speaker. In each half
the adapted AAE sees that half's rows only. ``--labeled-fraction`` keeps a share
of the source rows labeled (the AAEs get the rest unlabeled). Each fit's scores
are appended to ``--out`` as it ends; a rerun skips the fits already there::

    OMP_NUM_THREADS=1 python benchmarks/bench_cross_corpus.py --half tune \
        --seeds 0 1 --out results/cross_tune.csv
    OMP_NUM_THREADS=1 python benchmarks/bench_cross_corpus.py --half report \
        --seeds 0 1 2 --out results/cross_report.csv

``--models`` runs some of the models only, ``--params`` (JSON) sets parameters of
the networks (where each has them) and ``--tag`` names the setting in ``--out``:
a sweep of one setting at a time, ``--models AAE+adapt --tag style16 --params
'{"style_dim": 16}'``.
"""

# License: BSD-3-Clause

import argparse
import json
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _common import HALVES, append_csv, csv_keys, half_rows, in_workers, labeled_rows
from joblib import delayed
from sklearn.base import clone
from sklearn.utils import Bunch

from aae_sklearn import (
    AAEEmotionClassifier,
    AAEEmotionRegressor,
    SupervisedEmotionClassifier,
    SupervisedEmotionRegressor,
)
from aae_sklearn.cli._baselines import (
    _baselines,
    _class_baselines,
    _fit,
    _normalized,
    _normalized_pool,
)
from aae_sklearn.cli._tasks import TASKS
from aae_sklearn.datasets import (
    load_emodb_features,
    load_nemo_features,
    load_ravdess_features,
)

KEY = ["tag", "task", "direction", "normalize", "half", "fraction", "model", "seed"]
TARGETS = ["valence", "activation", "dominance"]
DIRECTIONS = [
    f"{source}->{target}"
    for source in ("ravdess", "emodb", "nemo")
    for target in ("ravdess", "emodb", "nemo")
    if source != target
]


def corpora():
    """Features, targets, emotion names and speakers of the three corpora."""
    out = {}
    for name, load in (
        ("ravdess", load_ravdess_features),
        ("emodb", load_emodb_features),
        ("nemo", load_nemo_features),
    ):
        data = load()
        out[name] = dict(
            X=data.data,
            y=data.target,
            emotion=data.frame["emotion"].to_numpy(dtype=object),
            groups=data.groups,
        )
    return out


def normalized(source, target, normalize):
    """Source and target features after ``normalize``, as ``compare
    --test-data`` normalises them."""
    X = np.vstack([source["X"], target["X"]])
    n = len(source["X"])
    if normalize == "corpus":
        groups = np.repeat([0, 1], [n, len(target["X"])])
    else:
        groups = np.concatenate(
            [
                np.char.add("s", source["groups"].astype(str)),
                np.char.add("t", target["groups"].astype(str)),
            ]
        )
    return _normalized(X, groups, np.arange(n), np.arange(n, len(X)), normalize, False)


def third(data, direction, normalize):
    """The corpus that is neither source nor target, normalised as a pool
    (``compare --unlabeled``): per speaker, as a whole, or not at all."""
    (name,) = set(data) - set(direction.split("->"))
    groups = data[name]["groups"] if normalize == "speaker" else None
    if groups is None:
        groups = np.zeros(len(data[name]["X"]))
    return _normalized_pool(data[name]["X"], groups, normalize, False)


def models(task, seed, params):
    if task == "dimensions":
        AAE, Supervised, baselines = (
            AAEEmotionRegressor,
            SupervisedEmotionRegressor,
            {"SVR": _baselines(seed)["SVR"]},
        )
    else:
        AAE, Supervised = AAEEmotionClassifier, SupervisedEmotionClassifier
        baselines = _class_baselines(seed)
    own = {k: v for k, v in params.items() if k in AAE().get_params()}
    sup = {k: v for k, v in params.items() if k in Supervised().get_params()}
    return {
        "AAE+adapt+pool": AAE(**own, random_state=seed),
        "AAE+adapt": AAE(**own, random_state=seed),
        "AAE": AAE(**own, random_state=seed),
        "supervised": Supervised(**sup, random_state=seed),
        **baselines,
    }


def scores(task, y_true, y_pred):
    """The scores ``compare`` reports for ``task``."""
    return TASKS[task].scores(y_true, y_pred, Bunch(target_names=TARGETS))


def fit_one(task, name, model, X, y, labeled, groups, X_test, y_test, X_pool):
    """Fit on the source (the AAEs on every row, unlabeled ones hidden, with
    the target's rows and ``X_pool`` as their names say) and score the target
    rows."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name.startswith("AAE"):
            hidden = TASKS[task].hidden(y, labeled)
            extra = {
                "AAE+adapt+pool": np.vstack([X_test, X_pool]),
                "AAE+adapt": X_test,
            }.get(name)
            model.fit(X, hidden, X_unlabeled=extra)
        else:
            model = _fit(model, X[labeled], y[labeled], groups[labeled])
        y_pred = model.predict(X_test)
    return {**scores(task, y_test, y_pred), "fit_time": time.perf_counter() - start}


def jobs(args, data):
    """Every fit of the study not yet in ``--out``."""
    done = csv_keys(args.out, KEY, dtype={"tag": str})
    params = json.loads(args.params)
    for direction in args.directions:
        source_name, target_name = direction.split("->")
        source, target = data[source_name], data[target_name]
        for normalize in args.normalize:
            Xs, Xt = normalized(source, target, normalize)
            X_pool = third(data, direction, normalize)
            rows_s = np.arange(len(Xs))
            rows_t = half_rows(target["groups"], args.half)
            if args.task == "categories":
                shared = np.intersect1d(source["emotion"], target["emotion"])
                rows_s = rows_s[np.isin(source["emotion"][rows_s], shared)]
                rows_t = rows_t[np.isin(target["emotion"][rows_t], shared)]
                ys, yt = source["emotion"], target["emotion"]
            else:
                ys, yt = source["y"], target["y"]
            for fraction in args.labeled_fraction:
                for seed in args.seeds:
                    labeled = labeled_rows(len(rows_s), fraction, seed)
                    for name, model in models(args.task, seed, params).items():
                        if args.models and name not in args.models:
                            continue
                        key = (
                            args.tag,
                            args.task,
                            direction,
                            normalize,
                            args.half,
                            fraction,
                            name,
                            seed,
                        )
                        if tuple(map(str, key)) in done:
                            continue
                        yield (
                            dict(zip(KEY, key, strict=True)),
                            delayed(fit_one)(
                                args.task,
                                name,
                                clone(model),
                                Xs[rows_s],
                                ys[rows_s],
                                labeled,
                                source["groups"][rows_s],
                                Xt[rows_t],
                                yt[rows_t],
                                X_pool,
                            ),
                        )


def summarize(table):
    """Mean ± standard deviation over the seeds of every setting."""
    metrics = [c for c in table.columns if c.startswith(("ccc_", "valence_", "uar"))]
    group = ["tag", "direction", "normalize", "half", "fraction", "model"]
    grouped = table.groupby(group)[metrics]
    spread = grouped.std().map(lambda v: "" if pd.isna(v) else f" ± {v:.3f}")
    cells = grouped.mean().map("{:.3f}".format) + spread
    with pd.option_context("display.width", 200, "display.max_columns", None):
        print(cells.to_string())
        for metric in ("valence_accuracy", "ccc_mean", "uar"):
            if metric == "ccc_mean" and "ccc_valence" in table:
                table[metric] = table[[f"ccc_{t}" for t in TARGETS]].mean(axis=1)
            if metric in table:
                print(f"\nLead over the supervised network, points of {metric}:")
                print(leads(table, metric).round(1).to_string())


def leads(table, metric):
    """Each model's lead over the supervised network (same setting and seed),
    mean and s.d. over seeds, in points of ``metric``."""
    where = ["tag", "direction", "normalize", "half", "fraction", "seed"]
    base = table[table.model == "supervised"].set_index(where)[metric]
    others = table[table.model != "supervised"].set_index(where)
    lead = 100 * (others[metric] - base.reindex(others.index))
    lead = others.assign(lead=lead).reset_index()
    group = ["direction", "fraction", "model"]
    stats = lead.groupby(group)["lead"].agg(["mean", "std"])
    return stats["mean"].unstack([0]).round(1)


NAMES = {"ravdess": "RAVDESS", "emodb": "EmoDB", "nemo": "nEMO"}


def rst(table):
    """The results as a reStructuredText list-table: one row per direction and
    labeled share, one column per model; valence accuracy / mean CCC (mean
    over seeds) for dimensions, UAR for categories."""
    if "ccc_valence" in table:
        table = table.assign(ccc_mean=table[[f"ccc_{t}" for t in TARGETS]].mean(axis=1))
        cell = "{valence_accuracy:.3f} / {ccc_mean:.3f}".format
        metrics = ["valence_accuracy", "ccc_mean"]
    else:
        cell, metrics = "{uar:.3f}".format, ["uar"]
    means = table.groupby(["direction", "fraction", "model"])[metrics].mean()
    models = [m for m in MODEL_ORDER if m in set(table.model)]
    lines = [".. list-table::", "   :header-rows: 1", ""]
    lines.append("   * - " + "\n     - ".join(["direction", "labels", *models]))
    for direction in DIRECTIONS:
        source, target = direction.split("->")
        for fraction in sorted(set(table.fraction)):
            if (direction, fraction) not in means.index.droplevel(2):
                continue
            row = [f"{NAMES[source]} → {NAMES[target]}", f"{fraction:.0%}"]
            row += [cell(**means.loc[(direction, fraction, m)]) for m in models]
            lines.append("   * - " + "\n     - ".join(row))
    print("\n".join(lines))


MODEL_ORDER = [
    "supervised",
    "AAE",
    "AAE+adapt",
    "AAE+adapt+pool",
    "SVR",
    "SVC",
    "LogisticRegression",
]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--task", choices=["dimensions", "categories"], default="dimensions"
    )
    parser.add_argument(
        "--directions", nargs="+", choices=DIRECTIONS, default=DIRECTIONS
    )
    parser.add_argument("--normalize", nargs="+", default=["none", "corpus", "speaker"])
    parser.add_argument("--half", choices=HALVES, default="report")
    parser.add_argument("--labeled-fraction", type=float, nargs="+", default=[1.0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--params", default="{}", help="JSON, for the networks")
    parser.add_argument("--models", nargs="+", help="only these (all)")
    parser.add_argument("--tag", default="default")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument(
        "--rst", action="store_true", help="print --out as a table for the docs"
    )
    args = parser.parse_args(argv)
    if args.rst:
        rst(pd.read_csv(args.out, dtype={"tag": str}))
        return
    data = corpora()
    pending = list(jobs(args, data))
    print(f"{len(pending)} fits to run")
    if not pending and args.out.is_file():
        summarize(pd.read_csv(args.out, dtype={"tag": str}))
        return
    results = in_workers((task for _, task in pending), args.jobs, ordered=True)
    for (key, _), result in zip(pending, results, strict=True):
        append_csv(args.out, {**key, **result})
        print(
            key["direction"],
            key["normalize"],
            key["model"],
            key["seed"],
            {k: round(v, 3) for k, v in result.items()},
            flush=True,
        )
    summarize(pd.read_csv(args.out, dtype={"tag": str}))


if __name__ == "__main__":
    main()
