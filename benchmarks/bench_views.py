"""Augmented views of speech: does consistency on the unlabeled ones make the
unlabeled speech teach beyond the scarcest labels?

Three corpora, each file read from ``../shared`` with two perturbed views of it
(``aae-sklearn extract --augment 2 --random-state 0``: tempo, pitch, gain and
noise, :class:`aae_sklearn.features.AudioViews`), eGeMAPS functionals of each,
each speaker standardised on the statistics of their unperturbed recordings.
Within one corpus, speaker-grouped folds over the recordings; in each training
fold a share (``--fractions``) of the recordings keeps its labels, with its
views. The test rows are the test speakers' recordings as read, never a view.
The models:

- ``supervised``: the baseline network on the labeled recordings;
- ``supervised+views``: the same network on them and their views (``sources``),
  the baseline a gain from views must beat;
- ``AAE``: the autoencoder on the labeled recordings and, unlabeled, the fold's
  others (no views);
- ``AAE+views``: on every recording of the fold with its views, the unlabeled
  ones' views tied to their recording by ``sources``;
- ``SVC`` and ``LogReg`` (categories): tuned as by ``aae-sklearn compare
  --baselines``, on the labeled recordings.

Halves and folds as in ``bench_pool.py``: settings are looked at on the
``tune`` half of each corpus's speakers and reported on the ``report`` half.
``--params`` (JSON) sets parameters of the autoencoders, ``--tag`` names the
setting. Each finished fit appends one JSON line to
``benchmarks/views/<half>.jsonl`` (kept in the repository); a rerun skips the
fits already there. The tables of views are extracted on first use into
``benchmarks/views/cache/`` (not kept in the repository).

Run from the repository root, one run at a time::

    OMP_NUM_THREADS=1 python benchmarks/bench_views.py run --half tune --jobs 2
    OMP_NUM_THREADS=1 python benchmarks/bench_views.py run --half tune \\
        --models AAE+views --tag w1 --params '{"consistency_weight": 1}'
    python benchmarks/bench_views.py table --half tune
"""

# License: BSD-3-Clause

import argparse
import json
import subprocess
import sys
import time
import warnings
from functools import cache, partial
from itertools import product
from pathlib import Path

import _common
import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from aae_sklearn.cli._baselines import _class_baselines, _fit
from aae_sklearn.cli._io import _feature_columns
from aae_sklearn.cli._tasks import TASKS
from aae_sklearn.features import GroupStandardScaler

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "views"
CACHE = RESULTS / "cache"
CORPORA = ["ravdess", "emodb", "nemo"]
SPEAKER = {"ravdess": "actor", "emodb": "speaker", "nemo": "speaker"}
MODELS = {
    "dimensions": ["supervised", "supervised+views", "AAE", "AAE+views"],
    "categories": [
        "supervised",
        "supervised+views",
        "AAE",
        "AAE+views",
        "SVC",
        "LogReg",
    ],
}
KEY = ["tag", "task", "corpus", "half", "fraction", "model", "seed", "fold"]
TARGETS = ["valence", "activation", "dominance"]
N_VIEWS = 2


def views_table(name):
    """The table of ``extract --corpus name --augment 2``, extracted on first
    use."""
    path = CACHE / f"{name}.parquet"
    if not path.exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        audio = ROOT.parent / "shared" / "data" / name
        command = [
            sys.executable, "-m", "aae_sklearn", "extract", str(audio),
            "--corpus", name, "-o", str(path), "--augment", str(N_VIEWS),
            "--random-state", "0", "--jobs", "2", "-q",
        ]  # fmt: skip
        subprocess.run(command, check=True)
    return pd.read_parquet(path)


@cache  # once per process: every fit of a worker reads the same tables
def corpus(name):
    """Features (each speaker standardised on their recordings as read),
    targets, classes, speakers, recordings and views, one row per view."""
    table = views_table(name)
    features = _feature_columns(table, [*TARGETS, "view"], name)
    groups = table[SPEAKER[name]].astype(str).to_numpy()
    X = table[features].to_numpy()
    view = table["view"].to_numpy()
    original = view == 0
    scaler = GroupStandardScaler().fit(X[original], groups=groups[original])
    return Bunch(
        X=scaler.transform(X, groups=groups),
        y=table[TARGETS].to_numpy(),
        classes=table["emotion"].to_numpy(dtype=object),
        groups=groups,
        source=table["file"].to_numpy(),
        view=view,
    )


def make_model(task, name, seed, params):
    if name in ("SVC", "LogReg"):
        baselines = _class_baselines(seed)
        return baselines["SVC" if name == "SVC" else "LogisticRegression"]
    if name.startswith("supervised"):
        return TASKS[task].supervised(random_state=seed)
    return TASKS[task].aae(**params, random_state=seed)


def fit_one(key, params, n_views=N_VIEWS):
    """Fit one model on one fold, the models with views on the first
    ``n_views`` of each file; the record of its scores."""
    tag, task, name, half, fraction, model_name, seed, fold = key
    data = corpus(name)
    originals = np.flatnonzero(data.view == 0)
    train, test = _common.half_folds(name, half, data.groups[originals])[fold]
    train, test = originals[train], originals[test]
    y = data.y if task == "dimensions" else data.classes
    labeled = train[_common.labeled_rows(len(train), fraction, [seed, fold])]
    with_views = model_name.endswith("+views")
    files = data.source[labeled if model_name.startswith("supervised") else train]
    kept = np.isin(data.source, files) & (data.view <= n_views)
    rows = np.flatnonzero(kept) if with_views else None
    model = make_model(task, model_name, seed, params)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if model_name.startswith("AAE"):
            rows = train if rows is None else rows
            hidden = TASKS[task].hidden(y[rows], np.flatnonzero(
                np.isin(data.source[rows], data.source[labeled])
            ))  # fmt: skip
            sources = data.source[rows] if with_views else None
            model.fit(data.X[rows], hidden, sources=sources)
        elif model_name.startswith("supervised"):
            rows = labeled if rows is None else rows
            sources = data.source[rows] if with_views else None
            model.fit(data.X[rows], y[rows], sources=sources)
        else:
            rows = labeled
            model = _fit(model, data.X[rows], y[rows], data.groups[rows])
    fit_time = time.perf_counter() - start
    scores = _common.test_scores(task, model, data.X[test], y[test], key)
    net = getattr(model, "net_", None)
    return dict(
        zip(KEY, key, strict=True),
        params=params,
        n_train=len(train),
        n_labeled=len(labeled),
        n_rows=len(rows),
        n_views=n_views if with_views else 0,
        epochs=getattr(model, "n_iter_", None),
        # The consistency phase as the fit ran it ("auto" resolved).
        consistency_weight=getattr(net, "consistency_weight", None),
        consistency_view=getattr(net, "consistency_view", None),
        fit_time=fit_time,
        **scores,
    )


def fit_keys(args):
    """Every fit of the study ``args`` asks for, corpus by corpus."""
    for name in args.corpora:
        data = corpus(name)
        groups = data.groups[data.view == 0]
        folds = range(len(_common.half_folds(name, args.half, groups)))
        models = args.models or MODELS[args.task]
        for fraction, seed, model, fold in product(
            args.fractions, args.seeds, models, folds
        ):
            key = (args.tag, args.task, name, args.half, fraction)
            yield (*key, model, seed, fold)


def run(args):
    for name in args.corpora:  # extracted once, before the workers start
        views_table(name)
    path = RESULTS / f"{args.half}.jsonl"
    fit = partial(fit_one, params=json.loads(args.params), n_views=args.views)
    _common.run_pending(path, KEY, fit_keys(args), fit, args.jobs, _common.describe)


def timing(args):
    """Whole default fits of the autoencoder on every RAVDESS speaker with a
    quarter of the recordings labeled: on the recordings alone, and with their
    views (``sources``), one after the other for each seed, one torch thread;
    the medians, their ratio, and the medians per epoch, into
    ``benchmarks/views/timing.json``."""
    data = corpus("ravdess")
    params = json.loads(args.params)
    originals = np.flatnonzero(data.view == 0)
    rows = {"recordings": originals, "views": np.arange(len(data.view))}
    times = {kind: [] for kind in rows}
    epochs = {kind: [] for kind in rows}
    for seed in args.seeds:
        labeled = originals[_common.labeled_rows(len(originals), 0.25, seed)]
        for kind, part in rows.items():
            known = np.isin(data.source[part], data.source[labeled])
            hidden = TASKS["dimensions"].hidden(data.y[part], np.flatnonzero(known))
            sources = data.source[part] if kind == "views" else None
            model = TASKS["dimensions"].aae(**params, random_state=seed, n_threads=1)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                start = time.perf_counter()
                model.fit(data.X[part], hidden, sources=sources)
                times[kind].append(time.perf_counter() - start)
            epochs[kind].append(int(model.n_iter_))
            took, n_epochs = times[kind][-1], epochs[kind][-1]
            print(f"seed {seed} {kind}: {took:.1f} s, {n_epochs} epochs", flush=True)
    median = {kind: float(np.median(t)) for kind, t in times.items()}
    per_epoch = {
        kind: float(np.median(np.divide(times[kind], epochs[kind]))) for kind in rows
    }
    record = dict(
        params=params,
        seeds=args.seeds,
        n_rows={kind: int(len(part)) for kind, part in rows.items()},
        times=times,
        epochs=epochs,
        median_s=median,
        ratio=median["views"] / median["recordings"],
        median_s_per_epoch=per_epoch,
        ratio_per_epoch=per_epoch["views"] / per_epoch["recordings"],
    )
    (RESULTS / "timing.json").write_text(json.dumps(record, indent=1) + "\n")
    print(json.dumps({k: record[k] for k in ("median_s", "ratio", "ratio_per_epoch")}))


def leads(half, task, metric, baseline="supervised+views"):
    """Each setting's mean lead over the ``baseline`` model of the tag
    "default" (same corpus, fraction, seed and fold), in points of ``metric``,
    by corpus and fraction (mean over folds, then over seeds)."""
    frame = pd.read_json(RESULTS / f"{half}.jsonl", lines=True)
    frame = frame[frame.task == task]
    if metric == "ccc_mean":
        frame[metric] = frame[[f"ccc_{t}" for t in TARGETS]].mean(axis=1)
    where = ["corpus", "fraction", "seed", "fold"]
    is_base = (frame.model == baseline) & (frame.tag == "default")
    base = frame[is_base].set_index(where)[metric]
    others = frame[~is_base].set_index(where)
    return _common.mean_leads(others, base, metric)


def table(args):
    pd.set_option("display.width", 250, "display.max_rows", 500)
    pd.set_option("display.max_columns", 30)
    frame = pd.read_json(RESULTS / f"{args.half}.jsonl", lines=True)
    frame = frame[frame.task == args.task]
    metrics = ["valence_accuracy", "ccc_mean"] if args.task == "dimensions" else ["uar"]
    if args.task == "dimensions":
        frame["ccc_mean"] = frame[[f"ccc_{t}" for t in TARGETS]].mean(axis=1)
    cell = ["tag", "corpus", "fraction", "model"]
    per_seed = frame.groupby([*cell, "seed"])[[*metrics, "fit_time"]].mean()
    out = per_seed.groupby(cell).mean().join(frame.groupby(cell)["fold"].count())
    print(out.round(3).to_string())
    for metric in metrics:
        for baseline in ("supervised", "supervised+views"):
            print(f"\nLead over default {baseline}, points of {metric}:")
            print(leads(args.half, args.task, metric, baseline).round(1).to_string())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="stage", required=True)
    go = sub.add_parser("run", help="run the fits not yet in the results file")
    _common.add_run_arguments(go, MODELS, CORPORA)
    go.add_argument(
        "--views", type=int, default=N_VIEWS, help="views of each file used (2)"
    )
    go.set_defaults(func=run)
    clock = sub.add_parser("timing", help="fits with and without views, timed")
    clock.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    clock.add_argument("--params", default="{}", help="JSON parameters of the AAE")
    clock.set_defaults(func=timing)
    show = sub.add_parser("table", help="summarise a results file")
    show.add_argument("--half", choices=_common.HALVES, default="tune")
    show.add_argument("--task", choices=list(MODELS), default="dimensions")
    show.set_defaults(func=table)
    args = parser.parse_args()
    args.func(args)


if __name__ == "__main__":
    main()
