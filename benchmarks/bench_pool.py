"""Unlabeled pools: does the AAE's gain grow with the unlabeled speech it gets?

Three corpora, the bundled eGeMAPS tables: RAVDESS (English, 24 actors), EmoDB
(German, 10 speakers) and nEMO (Polish, 9 actors), each speaker standardised on
its own statistics (``compare``'s default ``--normalize speaker``). Within one
corpus, speaker-grouped folds; in each training fold a share
(``--fractions``) of the rows keeps its labels. The models:

- ``supervised``: the baseline network on the labeled rows;
- ``AAE:none``: the autoencoder on the labeled rows alone;
- ``AAE:same``: and the fold's other training rows, unlabeled (the pool of
  every earlier study);
- ``AAE:pool``: and the other two corpora, whole and unlabeled, as
  ``X_unlabeled``;
- ``SVR`` (dimensions), ``SVC`` and ``LogReg`` (categories): tuned as by
  ``aae-sklearn compare --baselines``, on the labeled rows.

Settings are looked at on one half of each corpus's speakers and reported on
the other, the speakers' names sorted as text and cut in two: ``--half tune``
holds RAVDESS actors 1, 2 and 10-19, EmoDB speakers 10-14 and nEMO's EB0, IC0,
KD0 and KS0 (3 folds within the half); ``--half report`` RAVDESS actors 3-9 and
20-24, EmoDB speakers 03, 08, 09, 15 and 16 and nEMO's MK0, MP0, SM0, TP0 and
WR0 (3 folds within it). ``--half all`` runs speaker-grouped folds over every
speaker (RAVDESS 6, EmoDB 5, nEMO 3), which include the tuning speakers:
context, not a report. The pool is the same in every half: the other corpora
share no speaker with the tested one.

``--params`` (JSON) sets parameters of the autoencoders and ``--tag`` names the
setting. Each finished fit appends one JSON line to
``benchmarks/pool/<half>.jsonl`` (kept in the repository); a rerun skips the
fits already there, so a study stopped anywhere resumes where it stopped.
``table`` prints the summary (the mean over folds, then mean and standard
deviation over seeds) and each setting's lead over the supervised network;
``page`` writes the report half's tables and figure into
``docs/user_guide/pools.rst`` and ``docs/images/pool_gain.png``.

Run from the repository root, one run at a time::

    OMP_NUM_THREADS=1 python benchmarks/bench_pool.py run --half tune \\
        --fractions 0.25 --seeds 0 --jobs 2
    OMP_NUM_THREADS=1 python benchmarks/bench_pool.py run --half tune \\
        --models AAE:pool --tag ratio1 --params '{"unlabeled_ratio": 1}'
    python benchmarks/bench_pool.py table --half tune
    python benchmarks/bench_pool.py page
"""

# License: BSD-3-Clause

import argparse
import json
import time
import warnings
from functools import partial
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
from _common import (
    HALVES,
    add_run_arguments,
    describe,
    half_folds,
    labeled_rows,
    mean_leads,
    run_pending,
    test_scores,
)
from sklearn.utils import Bunch

from aae_sklearn.cli._baselines import _baselines, _class_baselines, _fit
from aae_sklearn.cli._tasks import TASKS
from aae_sklearn.datasets import (
    load_emodb_features,
    load_nemo_features,
    load_ravdess_features,
)
from aae_sklearn.features import GroupStandardScaler

RESULTS = Path(__file__).resolve().parent / "pool"
DOCS = Path(__file__).resolve().parents[1] / "docs"
LOADERS = {
    "ravdess": load_ravdess_features,
    "emodb": load_emodb_features,
    "nemo": load_nemo_features,
}
MODELS = {
    "dimensions": ["supervised", "AAE:none", "AAE:same", "AAE:pool", "SVR"],
    "categories": ["supervised", "AAE:none", "AAE:same", "AAE:pool", "SVC", "LogReg"],
}
KEY = ["tag", "task", "corpus", "half", "fraction", "model", "seed", "fold"]
TARGETS = ["valence", "activation", "dominance"]


def corpus(name):
    """Features (each speaker standardised), targets, classes and speakers."""
    data = LOADERS[name]()
    # As text, which the halves sort as text: RAVDESS 1, 10-19, 2 | 20-24, 3-9.
    groups = np.asarray(data.groups).astype(str)
    return Bunch(
        X=GroupStandardScaler().fit_transform(data.data, groups=groups),
        y=data.target,
        classes=data.frame["emotion"].to_numpy(dtype=object),
        groups=groups,
    )


def pool(name):
    """The other corpora, standardised per speaker, as one unlabeled pool."""
    return np.vstack([corpus(other).X for other in LOADERS if other != name])


def make_model(task, name, seed, params):
    if name == "SVR":
        return _baselines(seed)["SVR"]
    if name in ("SVC", "LogReg"):
        baselines = _class_baselines(seed)
        return baselines["SVC" if name == "SVC" else "LogisticRegression"]
    if name == "supervised":
        return TASKS[task].supervised(random_state=seed)
    return TASKS[task].aae(**params, random_state=seed)


def fit_one(key, params):
    """Fit one model on one fold; the record of its scores."""
    tag, task, name, half, fraction, model_name, seed, fold = key
    data = corpus(name)
    train, test = half_folds(name, half, data.groups)[fold]
    y = data.y if task == "dimensions" else data.classes
    labeled = labeled_rows(len(train), fraction, [seed, fold])
    model = make_model(task, model_name, seed, params)
    X_train, y_train = data.X[train], y[train]
    extra = None  # the pool of AAE:pool
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if model_name in ("AAE:same", "AAE:pool"):
            extra = pool(name) if model_name == "AAE:pool" else None
            hidden = TASKS[task].hidden(y_train, labeled)
            model.fit(X_train, hidden, X_unlabeled=extra)
        elif model_name.startswith("AAE") or model_name == "supervised":
            model.fit(X_train[labeled], y_train[labeled])
        else:
            model = _fit(
                model, X_train[labeled], y_train[labeled], data.groups[train][labeled]
            )
    fit_time = time.perf_counter() - start
    scores = test_scores(task, model, data.X[test], y[test], key)
    return dict(
        zip(KEY, key, strict=True),
        params=params,
        n_train=len(train),
        n_labeled=len(labeled),
        n_pool=0 if extra is None else len(extra),
        epochs=getattr(model, "n_iter_", None),
        unlabeled_ratio=getattr(model, "unlabeled_ratio", None),
        consistency_weight=getattr(model, "consistency_weight", None),
        fit_time=fit_time,
        **scores,
    )


def fit_keys(args):
    """Every fit of the study ``args`` asks for, longest first, corpus by corpus,
    so that few workers idle at the end."""
    for name in args.corpora:
        folds = range(len(half_folds(name, args.half, corpus(name).groups)))
        models = args.models or MODELS[args.task]
        for fraction, seed, model, fold in product(
            args.fractions, args.seeds, models, folds
        ):
            if model == "AAE:same" and fraction == 1:
                continue  # no unlabeled rows: AAE:none
            key = (args.tag, args.task, name, args.half, fraction)
            yield (*key, model, seed, fold)


def run(args):
    path = RESULTS / f"{args.half}.jsonl"
    fit = partial(fit_one, params=json.loads(args.params))
    run_pending(path, KEY, fit_keys(args), fit, args.jobs, describe)


def summary(half, task=None):
    """Mean over folds per seed, then mean and s.d. over seeds."""
    path = RESULTS / f"{half}.jsonl"
    frame = pd.read_json(path, lines=True)
    if task is not None:
        frame = frame[frame.task == task]
    if {"ccc_valence", "ccc_activation", "ccc_dominance"} <= set(frame.columns):
        frame["ccc_mean"] = frame[
            ["ccc_valence", "ccc_activation", "ccc_dominance"]
        ].mean(axis=1)
    metrics = [
        m
        for m in (
            "valence_accuracy",
            "ccc_mean",
            "ccc_valence",
            "uar",
            "epochs",
            "fit_time",
        )
        if m in frame.columns
    ]
    cell = ["tag", "task", "corpus", "fraction", "model"]
    per_seed = frame.groupby([*cell, "seed"])[metrics].mean()
    counts = frame.groupby(cell)["fold"].count().rename("fits")
    table = per_seed.groupby(cell).agg(["mean", "std"])
    table.columns = [f"{m}_{s}" for m, s in table.columns]
    return table.join(counts)


def gains(half, task, metric, tags=None, baseline="default"):
    """Each model's mean lead over the supervised network of the tag
    ``baseline`` (same corpus, fraction, seed and fold), in points of
    ``metric``, by corpus and fraction; ``tags``: only these settings."""
    frame = pd.read_json(RESULTS / f"{half}.jsonl", lines=True)
    frame = frame[frame.task == task]
    if tags:
        frame = frame[frame.tag.isin([*tags, baseline])]
    if metric == "ccc_mean":
        frame[metric] = frame[[f"ccc_{t}" for t in TARGETS]].mean(axis=1)
    where = ["corpus", "fraction", "seed", "fold"]
    supervised = frame.model == "supervised"
    base = frame[supervised & (frame.tag == baseline)].set_index(where)[metric]
    frame = frame[~supervised | (frame.tag != baseline)]
    others = frame[frame.model != "supervised"].set_index(where)
    return mean_leads(others, base, metric)


def table(args):
    pd.set_option("display.width", 250, "display.max_rows", 500)
    pd.set_option("display.max_columns", 30)
    out = summary(args.half, args.task)
    cols = [c for c in out.columns if c.endswith("_mean") or c == "fits"]
    print(out[cols].round(3).to_string())
    task = args.task or "dimensions"
    for metric in ("valence_accuracy", "ccc_mean") if task == "dimensions" else ["uar"]:
        print(f"\nLead over the supervised network, points of {metric}:")
        lead = gains(args.half, task, metric, args.tags, args.baseline_tag)
        print(lead.round(1).to_string())


POOLS = {"AAE:none": "none", "AAE:same": "same corpus", "AAE:pool": "+ 2 corpora"}
HEADERS = {
    "supervised": "supervised",
    "AAE:none": "AAE, no pool",
    "AAE:same": "AAE, same corpus",
    "AAE:pool": "AAE, + 2 corpora",
}
CORPUS_NAMES = {"ravdess": "RAVDESS", "emodb": "EmoDB", "nemo": "nEMO"}


def _cells(frame, metric):
    """``mean ± s.d.`` over seeds (of the means over folds) per corpus,
    fraction and model."""
    per_seed = frame.groupby(["corpus", "fraction", "model", "seed"])[metric].mean()
    stats = per_seed.groupby(["corpus", "fraction", "model"]).agg(["mean", "std"])
    return stats.apply(lambda r: f"{r['mean']:.3f} ± {r['std']:.3f}", axis=1)


def _rst_table(frame, metrics, models):
    """A list-table: one row per corpus and fraction, one column per model."""
    cells = {m: _cells(frame, m) for m in metrics}
    lines = [".. list-table::", "   :header-rows: 1", ""]
    header = ["corpus", "labels", *(HEADERS.get(m, m) for m in models)]
    lines.append("   * - " + "\n     - ".join(header))
    for name in CORPUS_NAMES:
        for fraction in sorted(frame.fraction.unique()):
            row = [CORPUS_NAMES[name], f"{fraction:.0%}"]
            for model in models:
                values = [cells[m].get((name, fraction, model), "") for m in metrics]
                row.append(" / ".join(v for v in values if v) or "")
            lines.append("   * - " + "\n     - ".join(row))
    return "\n".join(lines).replace("%", " %") + "\n"


def _rst_gains(task):
    """A list-table of the autoencoder's lead over the supervised network by
    pool, corpus and fraction, in points (mean over seeds)."""
    metrics = ["valence_accuracy", "ccc_mean"] if task == "dimensions" else ["uar"]
    leads = [gains("report", task, metric) for metric in metrics]
    fractions = sorted({f for _, f in leads[0].columns})
    lines = [".. list-table::", "   :header-rows: 1", ""]
    header = ["pool"] + [
        f"{CORPUS_NAMES[c]}, {f:.0%}" for c in CORPUS_NAMES for f in fractions
    ]
    lines.append("   * - " + "\n     - ".join(header).replace("%", " %"))
    for model, pool_name in POOLS.items():
        row = [pool_name]
        for name in CORPUS_NAMES:
            for fraction in fractions:
                values = [
                    lead.get((name, fraction), {}).get(f"default {model}", np.nan)
                    for lead in leads
                ]
                row.append(
                    ""
                    if np.isnan(values[0])
                    else " / ".join(f"{v:+.1f}" for v in values)
                )
        lines.append("   * - " + "\n     - ".join(row))
    return "\n".join(lines) + "\n"


def page(args):
    """The report half's tables and figure, into docs/user_guide/pools.rst."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = pd.read_json(RESULTS / "report.jsonl", lines=True)
    frame = frame[frame.tag == "default"]
    frame["ccc_mean"] = frame[[f"ccc_{t}" for t in TARGETS]].mean(axis=1)
    text = ""
    tasks = [t for t in ("dimensions", "categories") if (frame.task == t).any()]
    fig, axes = plt.subplots(
        len(tasks), 3, figsize=(11, 3.3 * len(tasks)), squeeze=False
    )
    for row, task in enumerate(tasks):
        part = frame[frame.task == task]
        metric = "valence_accuracy" if task == "dimensions" else "uar"
        models = [m for m in MODELS[task] if (part.model == m).any()]
        metrics = ["valence_accuracy", "ccc_mean"] if task == "dimensions" else ["uar"]
        what = (
            "valence accuracy (3 classes) / mean CCC"
            if task == "dimensions"
            else "unweighted average recall"
        )
        text += f"\n**{task.capitalize()}**: {what}, mean ± s.d. over seeds\n\n"
        text += _rst_table(part, metrics, models)
        text += (
            f"\n**{task.capitalize()}: the autoencoder's lead over the supervised "
            f"network** against the pool, points of {what} (mean over seeds)\n\n"
        )
        text += _rst_gains(task)
        lead = gains("report", task, metric)
        for ax, name in zip(axes[row], CORPUS_NAMES, strict=True):
            for fraction in sorted(part.fraction.unique()):
                column = lead.get((name, fraction), pd.Series(dtype=float))
                points = [column.get(f"default {model}", np.nan) for model in POOLS]
                if fraction == 1:  # no unlabeled rows in the corpus: as none
                    points[1] = points[0]
                ax.plot(
                    list(POOLS.values()), points, "o-", label=f"{fraction:.0%} labels"
                )
            ax.axhline(0, color="grey", lw=0.8)
            ax.set_title(f"{CORPUS_NAMES[name]}, {task}")
            label = "UAR" if metric == "uar" else "valence accuracy"
            ax.set_ylabel(f"lead over supervised\n(points of {label})")
        axes[row][0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(DOCS / "images" / "pool_gain.png", dpi=100)
    target = DOCS / "user_guide" / "pools.rst"
    content = target.read_text()
    start, end = ".. pool-tables-start", ".. pool-tables-end"
    head, rest = content.split(start)
    _, tail = rest.split(end)
    target.write_text(f"{head}{start}\n{text}\n{end}{tail}")
    print(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="stage", required=True)
    go = sub.add_parser("run", help="run the fits not yet in the results file")
    add_run_arguments(go, MODELS, list(LOADERS))
    go.set_defaults(func=run)
    show = sub.add_parser("table", help="summarise a results file")
    show.add_argument("--half", choices=HALVES, default="tune")
    show.add_argument("--task", choices=list(MODELS), default=None)
    show.add_argument("--tags", nargs="+", help="only these settings")
    show.add_argument(
        "--baseline-tag",
        default="default",
        help="the tag of the supervised fits the leads are taken over (default)",
    )
    show.set_defaults(func=table)
    write = sub.add_parser("page", help="the report half's tables and figure, docs")
    write.set_defaults(func=page)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
