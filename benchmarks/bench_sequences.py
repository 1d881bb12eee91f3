"""Training and prediction speed on the 1440 RAVDESS utterances as 20 ms frames.

Extracts log mel frames (40 bands, 20 ms hop) from the shared RAVDESS audio once,
then, for each estimator and encoder, fits ``--epochs`` epochs over all
utterances without early stopping (every row labeled) and predicts all of them,
``--repeats`` times. Reports the median epoch time (from ``history_``, the first
epoch of each fit excluded: it pays one-off costs) and the median prediction
throughput in utterances per second.

``--fits`` measures what a user waits for instead: whole default fits on the
1200 utterances of actors 1-20, each speaker's frames standardised, 25 % of
them labeled: the autoencoder on all 1200 (the others unlabeled), the
supervised network on the 300 labeled ones; the median wall-clock time of
``--repeats`` fits (seeds 0, 1, ...), with the estimators' default threads.

Run from the repository root::

    python benchmarks/bench_sequences.py
    python benchmarks/bench_sequences.py --encoders cnn gru --repeats 5
    python benchmarks/bench_sequences.py --fits --repeats 3
"""

# License: BSD-3-Clause

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from _common import fit_labeled, labeled_rows
from sklearn.exceptions import ConvergenceWarning

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.cli._baselines import _standardized_frames
from aae_sklearn.datasets import load_ravdess
from aae_sklearn.features import FrameFeatures

RAVDESS = Path(__file__).resolve().parents[2] / "shared" / "data" / "ravdess"


def fit_times(X, y, groups, repeats):
    """Median seconds of whole default fits, 25 % of actors 1-20 labeled."""
    rows = np.flatnonzero(groups <= 20)
    X, y = _standardized_frames(X[rows], groups[rows]), y[rows]
    rows_out = []
    for Estimator in (SupervisedEmotionRegressor, AAEEmotionRegressor):
        times, epochs = [], []
        for seed in range(repeats):
            labeled = labeled_rows(len(y), 0.25, seed)
            model = Estimator(random_state=seed)
            start = time.perf_counter()
            fit_labeled(model, X, y, labeled)
            times.append(time.perf_counter() - start)
            epochs.append(model.n_iter_)
        rows_out.append(
            {
                "estimator": Estimator.__name__,
                "fit_s_median": np.median(times),
                "fit_s_max": np.max(times),
                "epochs_median": np.median(epochs),
                "target": "AAE <= 60 s, supervised <= 15 s",
            }
        )
        print(pd.DataFrame(rows_out[-1:]).round(1).to_string(index=False), flush=True)
    return rows_out


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--encoders", nargs="+", default=["cnn"])
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--ravdess", type=Path, default=RAVDESS)
    parser.add_argument("--fits", action="store_true", help="time whole default fits")
    args = parser.parse_args()
    warnings.simplefilter("ignore", ConvergenceWarning)

    corpus = load_ravdess(args.ravdess)
    start = time.perf_counter()
    X = FrameFeatures(kind="logmel", frame_ms=20, n_jobs=-1).fit_transform(corpus.data)
    lengths = np.array([len(x) for x in X])
    print(
        f"{len(X)} utterances, {lengths.sum()} frames of {X[0].shape[1]} features "
        f"(median {np.median(lengths):.0f} per utterance), extracted in "
        f"{time.perf_counter() - start:.1f} s; torch threads: "
        f"{torch.get_num_threads()}"
    )
    if args.fits:
        fit_times(X, corpus.target, np.asarray(corpus.groups), args.repeats)
        return
    rows = []
    for encoder in args.encoders:
        for Estimator in (SupervisedEmotionRegressor, AAEEmotionRegressor):
            epochs, rates = [], []
            for repeat in range(args.repeats):
                model = Estimator(
                    encoder=encoder,
                    max_iter=args.epochs,
                    early_stopping=False,
                    random_state=repeat,
                )
                model.fit(X, corpus.target)
                epochs.extend(model.history_["time"].iloc[1:])
                start = time.perf_counter()
                model.predict(X)
                rates.append(len(X) / (time.perf_counter() - start))
            rows.append(
                {
                    "estimator": Estimator.__name__,
                    "encoder": encoder,
                    "epoch_s_median": np.median(epochs),
                    "epoch_s_max": np.max(epochs),
                    "predict_utt_per_s_median": np.median(rates),
                    "target": "epoch < 30 s, predict >= 200 utt/s",
                }
            )
            print(pd.DataFrame(rows[-1:]).round(2).to_string(index=False))
    print("\nSummary:\n", pd.DataFrame(rows).round(2).to_string(index=False), sep="")


if __name__ == "__main__":
    main()
