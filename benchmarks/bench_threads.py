"""Fit times with one and two torch threads, on an idle and on a busy machine.

torch runs two intra-op threads on a 2-core machine by default. The emotion
networks are small: their matrix products gain little from a second thread, and
two threads that wait on each other at every operation lose many times over
when another process takes one of the cores. This measures it, with
``n_threads`` 1 and 2, each fit once on an idle machine and once while one
other process keeps a core busy (a Python loop, as any CPU-bound job would):

- vectors: the bundled RAVDESS eGeMAPS functionals of actors 1-20 (1200 rows),
  each actor's features standardised, a quarter of them labeled: the
  autoencoder's default fit on all 1200 rows (the rest unlabeled), the
  supervised network's on the 300 labeled ones;
- frames: 20 ms log mel frames of the same 1200 RAVDESS files (the shared
  corpus), each actor's frames standardised, the same labels, ``--frame-epochs``
  epochs of each network at its defaults (20: a whole default frame fit takes
  about 50 epochs, and its time scales with them).

Each setting is fitted ``--repeats`` times (seeds 0, 1, ...); the table gives
the median seconds, the ratio busy / idle, and whether the predictions of the
busy and the idle fits of each seed are identical. Each finished fit is
appended to ``--out`` (a CSV), and a rerun skips the fits it already holds.

Run from the repository root, on an otherwise idle machine::

    python benchmarks/bench_threads.py --out benchmarks/threads/threads.csv
"""

# License: BSD-3-Clause

import argparse
import hashlib
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from _common import append_csv, csv_keys, fit_labeled, labeled_rows
from sklearn.exceptions import ConvergenceWarning

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.datasets import load_ravdess, load_ravdess_features
from aae_sklearn.exceptions import FarOutPredictionWarning
from aae_sklearn.features import FrameFeatures, GroupStandardScaler, SequenceScaler

RAVDESS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ravdess"
KEY = ["inputs", "estimator", "n_threads", "load", "seed"]


def vectors():
    """Actors 1-20 of the bundled eGeMAPS table, standardised per actor."""
    data = load_ravdess_features()
    groups = np.asarray(data.groups)
    rows = groups <= 20
    X = GroupStandardScaler().fit_transform(data.data[rows], groups=groups[rows])
    return X, np.asarray(data.target)[rows], groups[rows]


def frames(root):
    """Log mel frames of actors 1-20 of the RAVDESS folder, standardised per
    actor."""
    corpus = load_ravdess(root)
    groups = np.asarray(corpus.groups)
    rows = np.flatnonzero(groups <= 20)
    files = [corpus.data[i] for i in rows]
    X = FrameFeatures(kind="logmel", frame_ms=20, n_jobs=2).fit_transform(files)
    X = np.asarray(X, dtype=object)
    out = np.empty(len(X), dtype=object)
    for group in np.unique(groups[rows]):
        mine = np.flatnonzero(groups[rows] == group)
        out[mine] = SequenceScaler().fit_transform(X[mine])
    return out, np.asarray(corpus.target)[rows], groups[rows]


def one_fit(Estimator, X, y, seed, params):
    """Seconds of one fit (a quarter of the rows labeled), and a digest of its
    predictions on every row."""
    labeled = labeled_rows(len(y), 0.25, seed)
    model = Estimator(random_state=seed, **params)
    start = time.perf_counter()
    fit_labeled(model, X, y, labeled)
    seconds = time.perf_counter() - start
    digest = hashlib.sha256(model.predict(X).tobytes()).hexdigest()[:12]
    return seconds, model.n_iter_, digest


class BusyCore:
    """One other CPU-bound process for the duration of the block."""

    def __enter__(self):
        self.process = subprocess.Popen([sys.executable, "-c", "while True: pass"])
        time.sleep(0.5)
        return self

    def __exit__(self, *exc):
        self.process.kill()
        self.process.wait()


def summary(results):
    """Median seconds per setting, busy / idle, and whether busy and idle
    predictions agree seed by seed."""
    rows = []
    for (inputs, estimator, n_threads), runs in results.groupby(
        ["inputs", "estimator", "n_threads"], sort=False
    ):
        idle = runs[runs["load"] == "idle"].set_index("seed")
        busy = runs[runs["load"] == "busy"].set_index("seed")
        seeds = idle.index.intersection(busy.index)
        rows.append(
            {
                "inputs": inputs,
                "estimator": estimator,
                "n_threads": n_threads,
                "idle_s": idle["seconds"].median(),
                "busy_s": busy["seconds"].median(),
                "busy/idle": busy["seconds"].median() / idle["seconds"].median(),
                "epochs": idle["epochs"].median(),
                "same predictions": bool(
                    (idle.loc[seeds, "digest"] == busy.loc[seeds, "digest"]).all()
                ),
            }
        )
    return pd.DataFrame(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, required=True, help="results CSV")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--inputs", nargs="+", default=["vectors", "frames"])
    parser.add_argument("--frame-epochs", type=int, default=20)
    parser.add_argument("--ravdess", type=Path, default=RAVDESS)
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.simplefilter("ignore", FarOutPredictionWarning)

    recorded = csv_keys(args.out, KEY)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    for inputs in args.inputs:
        X, y, _ = vectors() if inputs == "vectors" else frames(args.ravdess)
        params = {}
        if inputs == "frames":
            # A fixed number of epochs: early stopping cannot end it sooner.
            params = {"max_iter": args.frame_epochs, "n_iter_no_change": 1000}
        for Estimator in (AAEEmotionRegressor, SupervisedEmotionRegressor):
            for n_threads in args.threads:
                for load in ("idle", "busy"):
                    for seed in range(args.repeats):
                        key = (inputs, Estimator.__name__, n_threads, load, seed)
                        if tuple(map(str, key)) in recorded:
                            continue
                        settings = dict(params, n_threads=n_threads)
                        if load == "busy":
                            with BusyCore():
                                result = one_fit(Estimator, X, y, seed, settings)
                        else:
                            result = one_fit(Estimator, X, y, seed, settings)
                        row = dict(zip(KEY, key, strict=True))
                        row.update(
                            zip(["seconds", "epochs", "digest"], result, strict=True)
                        )
                        print(row, flush=True)
                        append_csv(args.out, row)
    results = pd.read_csv(args.out)
    print(summary(results).round(2).to_string(index=False))


if __name__ == "__main__":
    main()
