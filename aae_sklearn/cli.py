"""Command line: ``aae-sklearn compare`` runs the AAE against its baseline.

A thin front end over the public API; it knows nothing of torch.
"""

# License: BSD-3-Clause

import argparse
import sys
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupKFold

from . import AAEEmotionRegressor, SupervisedEmotionRegressor, __version__
from .datasets import load_ravdess_features
from .metrics import binned_accuracy, concordance_correlation_coefficient

EXAMPLE = """\
example:
  aae-sklearn compare --folds 6 --labeled-fraction 0.25
"""


def _hide_labels(y, fraction, rng):
    """Copy of ``y`` with the targets of all but ``fraction`` of rows set to NaN."""
    y = y.copy()
    n_hidden = len(y) - int(round(fraction * len(y)))
    y[rng.choice(len(y), size=n_hidden, replace=False)] = np.nan
    return y


def _scores(y_true, y_pred, target_names):
    ccc = concordance_correlation_coefficient(y_true, y_pred, multioutput="raw_values")
    row = {f"ccc_{name}": value for name, value in zip(target_names, ccc, strict=True)}
    row["valence_accuracy"] = binned_accuracy(y_true, y_pred, target=0)
    row["valence_uar"] = binned_accuracy(y_true, y_pred, target=0, balanced=True)
    return row


def compare(folds=6, labeled_fraction=1.0, max_iter=200, random_state=0, quiet=False):
    """Speaker-independent comparison on the bundled RAVDESS eGeMAPS table.

    Parameters
    ----------
    folds : int, default=6
        Number of GroupKFold folds over the 24 actors.
    labeled_fraction : float, default=1.0
        Share of each training fold that keeps its labels; the rest is unlabeled
        (used by the autoencoder, ignored by the baseline).
    max_iter : int, default=200
        Maximum number of epochs of each fit.
    random_state : int, default=0
        Seeds the label hiding and the estimators.
    quiet : bool, default=False
        Do not print per-fold progress.

    Returns
    -------
    results : pandas.DataFrame
        One row per model and fold: CCC per dimension, valence 3-class accuracy
        and unweighted average recall, fit time in seconds.
    """
    data = load_ravdess_features()
    X, y, groups = data.data, data.target, data.groups
    models = {
        "AAEEmotionRegressor": AAEEmotionRegressor,
        "SupervisedEmotionRegressor": SupervisedEmotionRegressor,
    }
    rng = np.random.default_rng(random_state)
    rows = []
    for fold, (train, test) in enumerate(
        GroupKFold(n_splits=folds).split(X, y, groups)
    ):
        y_train = _hide_labels(y[train], labeled_fraction, rng)
        for name, Estimator in models.items():
            model = Estimator(max_iter=max_iter, random_state=random_state)
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", ConvergenceWarning)
                model.fit(X[train], y_train)
            fit_time = time.perf_counter() - start
            row = {"model": name, "fold": fold, "fit_time": fit_time}
            row.update(_scores(y[test], model.predict(X[test]), data.target_names))
            rows.append(row)
            if not quiet:
                print(
                    f"fold {fold + 1}/{folds} {name}: valence accuracy "
                    f"{row['valence_accuracy']:.3f}, {model.n_iter_} epochs, "
                    f"{fit_time:.1f} s",
                    file=sys.stderr,
                )
    return pd.DataFrame(rows)


def summarize(results):
    """Mean and standard deviation over folds, one row per model."""
    metrics = results.drop(columns=["model", "fold"])
    grouped = metrics.groupby(results["model"])
    table = (
        grouped.mean().map("{:.3f}".format) + " ± " + grouped.std().map("{:.3f}".format)
    )
    return table.T


def _parser():
    parser = argparse.ArgumentParser(
        prog="aae-sklearn",
        description="Semi-supervised adversarial autoencoders for speech emotion.",
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)
    cmp = commands.add_parser(
        "compare",
        help="AAE vs supervised baseline, speaker-independent, on bundled RAVDESS",
        description=compare.__doc__.splitlines()[0],
        epilog=EXAMPLE,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    cmp.add_argument("--folds", type=int, default=6, help="GroupKFold folds (6)")
    cmp.add_argument(
        "--labeled-fraction",
        type=float,
        default=1.0,
        help="share of training rows that keep their labels (1.0)",
    )
    cmp.add_argument("--max-iter", type=int, default=200, help="max epochs (200)")
    cmp.add_argument("--random-state", type=int, default=0, help="seed (0)")
    cmp.add_argument("-q", "--quiet", action="store_true", help="no progress")
    return parser


def main(argv=None):
    """Run the command line; returns the exit code (0 ok, 2 usage error)."""
    parser = _parser()
    args = parser.parse_args(argv)
    if not 0 < args.labeled_fraction <= 1:
        parser.error("--labeled-fraction must be in (0, 1]")
    if args.folds < 2:
        parser.error("--folds must be at least 2")
    results = compare(
        folds=args.folds,
        labeled_fraction=args.labeled_fraction,
        max_iter=args.max_iter,
        random_state=args.random_state,
        quiet=args.quiet,
    )
    print(summarize(results).to_string())
    return 0
