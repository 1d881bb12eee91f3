"""A large unlabeled pool: training time per row and peak memory.

A RAVDESS-sized training fold (1,200 rows of 88 eGeMAPS functionals, a quarter
labeled) is trained by :class:`~aae_sklearn.AAEEmotionRegressor` with its
defaults, for a fixed number of epochs (no stopping before), alone and with a
pool of 100,000 unlabeled utterance vectors, in the ways a user can give it:

- ``fit 1,200`` : the fold alone, every row in every epoch
  (``unlabeled_ratio=None``);
- ``fit 1,200, sampled`` : the fold alone with the default ``unlabeled_ratio``
  (an epoch of the labeled rows and a sample of the unlabeled ones);
- ``fit + pool, every row`` : ``fit(X, y, X_unlabeled=pool)`` with
  ``unlabeled_ratio=None``, every pool row in every epoch;
- ``fit + pool, sampled`` : the same with the estimator's default
  ``unlabeled_ratio``: an epoch holds the labeled rows and at most that many
  unlabeled rows per labeled row, a new sample of the pool every epoch;
- ``partial_fit_unlabeled 1,200`` and ``partial_fit_unlabeled pool``: one pass
  of the unsupervised phases over 1,200 rows, and over the pool in chunks of
  10,000 rows (a pool that need not fit in memory, e.g. read with
  :func:`~aae_sklearn.datasets.iter_parquet_chunks`).

The fold is the bundled RAVDESS table's first 1,200 rows, each actor
standardised on its own statistics; the pool is the three bundled corpora
(RAVDESS, EmoDB, nEMO), standardised likewise and resampled to 100,000 rows
with Gaussian jitter (s.d. 0.1): real feature distributions, at a size the
project does not hold. Its content does not change the cost.

Each case runs in a fresh process, one after the other, so that its peak
resident memory (``ru_maxrss``) is its own. Reported: the median epoch time
(the first epoch left out), rows per epoch, seconds per 1,000 rows, the
resident memory before the fit (data made) and at its peak, and the pool's
size as float64. The targets: seconds per 1,000 rows of each pool case within
1.2x of those of the same way of training on the fold alone (``ratio``), and no
epoch that copies the pool (peak memory that
does not grow with the number of epochs: ``--epochs`` 5 and 10 give the same).

Every case runs ``--repeats`` times (3), in an order rotated from one repeat
to the next; the summary gives medians, the ratios taken within each repeat.
Run on an otherwise idle machine::

    OMP_NUM_THREADS=2 python benchmarks/bench_large_pool.py \
        --out benchmarks/pool/large_pool.json
"""

# License: BSD-3-Clause

import argparse
import multiprocessing
import resource
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

N_FOLD, CHUNK = 1200, 10_000


def _rss_mb():
    """Resident memory of this process now, in MB (Linux)."""
    with open("/proc/self/status") as f:
        line = next(line for line in f if line.startswith("VmRSS"))
    return int(line.split()[1]) / 1024


def _data(n_pool, seed=0):
    from aae_sklearn.datasets import (
        load_emodb_features,
        load_nemo_features,
        load_ravdess_features,
    )
    from aae_sklearn.features import GroupStandardScaler

    def scaled(data):
        groups = np.asarray(data.groups).astype(str)
        return GroupStandardScaler().fit_transform(data.data, groups=groups)

    ravdess = load_ravdess_features()
    X = scaled(ravdess)[:N_FOLD]
    y = ravdess.target[:N_FOLD].copy()
    rng = np.random.default_rng(seed)
    y[rng.permutation(N_FOLD)[: N_FOLD * 3 // 4]] = np.nan
    corpora = np.vstack(
        [X, scaled(load_emodb_features()), scaled(load_nemo_features())]
    )
    pool = corpora[rng.integers(0, len(corpora), n_pool)]
    pool += rng.normal(0, 0.1, pool.shape)
    return X, y, pool


def _case(name, epochs, n_pool, ratio):
    """Run one case in this (fresh) process; its timings and memory."""
    from aae_sklearn import AAEEmotionRegressor

    warnings.simplefilter("ignore")
    X, y, pool = _data(n_pool)
    before = _rss_mb()
    params = dict(random_state=0, max_iter=epochs, n_iter_no_change=epochs + 1)
    # Every row every epoch, but where the sampled case bounds the pool.
    params["unlabeled_ratio"] = ratio if name.endswith("sampled") else None
    model = AAEEmotionRegressor(**params)
    start = time.perf_counter()
    if name.startswith("fit 1,200"):
        model.fit(X, y)
    elif name.startswith("fit + pool"):
        model.fit(X, y, X_unlabeled=pool)
    else:
        chunks = (
            [X] if name.endswith("1,200") else np.array_split(pool, -(-n_pool // CHUNK))
        )
        for _ in range(epochs):
            for chunk in chunks:
                model.partial_fit_unlabeled(chunk)
    total = time.perf_counter() - start
    history = model.history_
    if name.startswith("partial"):
        # One history row per chunk: an epoch is a pass over every chunk.
        per_epoch = history["time"].to_numpy().reshape(epochs, -1).sum(axis=1)
        rows = N_FOLD if name.endswith("1,200") else n_pool
    else:
        per_epoch = history["time"].to_numpy()
        rows = sum(b["train_batch_size"] for b in model.net_.history[-1, "batches"])
    epoch = float(np.median(per_epoch[1:]))
    return dict(
        case=name,
        epochs=epochs,
        total_s=total,
        epoch_s=epoch,
        rows_per_epoch=rows,
        s_per_1000_rows=1000 * epoch / rows,
        rss_before_mb=before,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        pool_mb=pool.nbytes / 2**20,
    )


CASES = [
    "fit 1,200",
    "fit 1,200, sampled",
    "fit + pool, every row",
    "fit + pool, sampled",
    "partial_fit_unlabeled 1,200",
    "partial_fit_unlabeled pool",
]


# What each pool case's time per row is compared with: the same way of
# training on the fold alone.
REFERENCE = {
    "fit + pool, every row": "fit 1,200",
    "fit + pool, sampled": "fit 1,200, sampled",
    "partial_fit_unlabeled pool": "partial_fit_unlabeled 1,200",
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, nargs="+", default=[5, 10])
    parser.add_argument("--cases", nargs="+", default=CASES, choices=CASES)
    parser.add_argument("--pool-size", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--ratio",
        type=float,
        default=None,
        help="unlabeled_ratio of the sampled case (default: the estimator's)",
    )
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    from aae_sklearn import AAEEmotionRegressor

    ratio = args.ratio or AAEEmotionRegressor().unlabeled_ratio
    context = multiprocessing.get_context("spawn")
    rows = []
    for repeat in range(args.repeats):
        for epochs in args.epochs:
            # The order rotates between repeats, so that load hits every case alike.
            shift = repeat % len(args.cases)
            for name in args.cases[shift:] + args.cases[:shift]:
                with ProcessPoolExecutor(1, mp_context=context) as worker:
                    job = worker.submit(_case, name, epochs, args.pool_size, ratio)
                    row = job.result()
                rows.append(dict(row, repeat=repeat))
            print(
                f"{name:30s} {epochs} epochs: {row['epoch_s']:7.2f} s/epoch, "
                f"{row['rows_per_epoch']:7d} rows, "
                f"{row['s_per_1000_rows']:.3f} s/1000 rows, "
                f"RSS {row['rss_before_mb']:.0f} -> peak {row['peak_rss_mb']:.0f} MB",
                flush=True,
            )
    table = pd.DataFrame(rows)
    per_row = table.set_index(["case", "repeat", "epochs"]).s_per_1000_rows
    table["ratio"] = [
        per_row[case, repeat, epochs]
        / per_row[REFERENCE.get(case, case), repeat, epochs]
        for case, repeat, epochs in zip(
            table.case, table.repeat, table.epochs, strict=True
        )
    ]
    summary = table.groupby(["case", "epochs"], sort=False).median(numeric_only=True)
    columns = ["epoch_s", "rows_per_epoch", "s_per_1000_rows", "ratio", "peak_rss_mb"]
    print(f"\nMedians over {args.repeats} repeat(s):")
    print(summary[columns].round(3).to_string())
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(table.to_json(orient="records", indent=1) + "\n")


if __name__ == "__main__":
    main()
