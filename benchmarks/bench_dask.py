"""Grid search wall time: serial against a Dask cluster through joblib.

Runs the same :class:`~sklearn.model_selection.GridSearchCV` of
``AAEEmotionRegressor(max_iter=20, random_state=0)`` over ``style_dim`` x
``adversarial_weight`` (2 x 2), with ``GroupKFold(3)`` on the actors, on the
bundled RAVDESS eGeMAPS features (1440 x 88): 12 fits and a refit.

* serial: ``n_jobs=1``, every fit in this process;
* dask: ``n_jobs=-1`` under ``joblib.parallel_config(backend="dask")``, the fits
  on the workers of a ``LocalCluster`` (``--n-workers`` processes of one thread
  each), or of a running cluster (``--scheduler tcp://host:8786``). The refit on
  the whole data runs in this process, as in any joblib backend.

A timing covers ``GridSearchCV.fit``; starting the cluster does not count. Both
sides first fit once (this process) or once per worker (the cluster) to warm up
(imports, ``torch._dynamo``). The repeats alternate serial and dask so that load
from other processes hits them alike; the medians over ``--repeats`` and their
ratio (serial / dask, the speed-up) are printed, and the script checks that both
chose the same parameters with the same scores.

Examples
--------
::

    OMP_NUM_THREADS=1 python benchmarks/bench_dask.py
    python benchmarks/bench_dask.py --repeats 5 --n-workers 4
    python benchmarks/bench_dask.py --scheduler tcp://scheduler:8786
"""

# License: BSD-3-Clause

import argparse
import os
import statistics
import sys
import time
import warnings
from contextlib import nullcontext

import numpy as np
from dask.distributed import Client, LocalCluster
from joblib import parallel_config
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GridSearchCV, GroupKFold

from aae_sklearn import AAEEmotionRegressor
from aae_sklearn.datasets import load_ravdess_features

GRID = {"style_dim": [8, 32], "adversarial_weight": [0.1, 1.0]}


def make_search(max_iter, n_jobs):
    return GridSearchCV(
        AAEEmotionRegressor(max_iter=max_iter, random_state=0),
        GRID,
        cv=GroupKFold(3),
        n_jobs=n_jobs,
    )


def _quiet():
    """Silence the model warnings of short fits on raw eGeMAPS: timing only."""
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.filterwarnings("ignore", message=".*training standard deviations out")
    warnings.filterwarnings("ignore", message="The discriminators told codes")


def _warm_up():
    """One short fit, so that first-call imports are not timed."""
    _quiet()
    rng = np.random.default_rng(0)
    X, y = rng.normal(size=(64, 4)), rng.normal(size=(64, 3))
    AAEEmotionRegressor(hidden_layer_sizes=(8,), max_iter=1).fit(X, y)


def run(client, data, max_iter, repeats):
    """Wall times of each side, and the last search of each."""
    X, y, groups = data.data, data.target, data.groups
    # Each worker process keeps its warning filters: set them there too.
    _warm_up()
    client.run(_warm_up)
    times, searches = {"serial": [], "dask": []}, {}
    for _ in range(repeats):
        for side in times:
            search = make_search(max_iter, n_jobs=1 if side == "serial" else -1)
            start = time.perf_counter()
            backend = (
                parallel_config(backend="dask") if side == "dask" else nullcontext()
            )
            with backend:
                search.fit(X, y, groups=groups)
            times[side].append(time.perf_counter() - start)
            searches[side] = search
    return times, searches


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--n-workers", type=int, default=2)
    parser.add_argument("--max-iter", type=int, default=20)
    parser.add_argument(
        "--scheduler", help="address of a running cluster, e.g. tcp://host:8786"
    )
    args = parser.parse_args(argv)
    data = load_ravdess_features()
    if args.scheduler:
        cluster, client = None, Client(args.scheduler)
    else:
        cluster = LocalCluster(
            n_workers=args.n_workers, threads_per_worker=1, dashboard_address=None
        )
        client = Client(cluster)
    workers = client.scheduler_info()["workers"].values()
    n_threads = sum(w["nthreads"] for w in workers)
    load_before = os.getloadavg()
    print(
        f"{len(GRID['style_dim']) * len(GRID['adversarial_weight'])} candidates x 3 "
        f"folds, max_iter={args.max_iter}, {args.repeats} repeats; dask: "
        f"{len(workers)} workers, {n_threads} threads; {os.cpu_count()} CPUs, "
        f"load average {load_before[0]:.2f}"
    )
    try:
        times, searches = run(client, data, args.max_iter, args.repeats)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    serial, dask = (statistics.median(times[side]) for side in ("serial", "dask"))
    for side, median in [("serial", serial), ("dask", dask)]:
        runs = ", ".join(f"{t:.1f}" for t in times[side])
        print(f"{side:>6}: median {median:6.1f} s  (runs: {runs})")
    print(f"serial / dask: {serial / dask:.2f}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    a, b = searches["serial"], searches["dask"]
    same = a.best_params_ == b.best_params_
    # Workers run torch on one thread; a process with more threads sums in
    # another order, and float32 rounding then grows over the epochs: scores are
    # bit-equal only with OMP_NUM_THREADS=1 here too.
    gap = np.abs(a.cv_results_["mean_test_score"] - b.cv_results_["mean_test_score"])
    print(
        f"best params {b.best_params_}, same as serial: {same}; largest gap of "
        f"the mean test scores: {gap.max():.2g}"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
