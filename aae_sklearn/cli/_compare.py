"""The ``compare`` command: the autoencoder against its baselines, per fold."""

# License: BSD-3-Clause

import signal
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone, is_classifier
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.utils import Bunch
from tqdm import tqdm

from .. import AAEEmotionClassifier, AAEEmotionRegressor
from ..datasets import load_ravdess, load_ravdess_features
from . import _notes
from ._baselines import _best_params, _fit, _n_iter, _normalized
from ._io import (
    CATEGORY_COLUMNS,
    FRAME_KINDS,
    FRAME_MS,
    TARGETS,
    _check_output,
    _feature_columns,
    _frames,
    _functionals,
    _matrix,
    _names,
    _read_table,
    _require_columns,
    _UsageError,
)
from ._results import (
    _compare_figures,
    _frames_summary,
    _print_summary,
    _summary,
    _versions,
    _write_results,
)
from ._tasks import TASKS

# Columns that name the speaker in the corpus loaders' tables, for a hint.
SPEAKER_COLUMNS = ("speaker", "actor", "SpkrID", "session")


def _require_group_column(table, group_column, path):
    """Fail, with a hint at the right ``--group-column``, if the table lacks it."""
    if group_column in table.columns:
        return
    present = [c for c in SPEAKER_COLUMNS if c in table.columns]
    hint = (
        f"; it has {present[0]!r}: pass --group-column {present[0]}"
        if present
        else "; name the column of speakers with --group-column"
    )
    raise ValueError(
        f"{path}: no group column {group_column!r} (the speakers that GroupKFold "
        f"keeps apart){hint}."
    )


def _compare_data(source, group_column, quiet, frame_kind=None):
    """X, y, groups and categories (None if unknown) of ``--data``.

    With a ``frame_kind``, ``--data`` is an audio folder and X its frame
    sequences (a 1-D object array); otherwise X is a 2-D array of functionals.
    """
    if source == "bundled":
        data = load_ravdess_features()
        return Bunch(
            source="the bundled table",
            data=data.data,
            target=data.target,
            groups=data.groups,
            categories=data.frame["emotion"].to_numpy(),
            target_names=data.target_names,
        )
    path = Path(source)
    if path.is_dir():
        corpus = load_ravdess(path)
        if frame_kind is None:
            features, _ = _functionals(corpus.data, "egemaps", 2, False, quiet)
            features = features.to_numpy()
        else:
            features, _ = _frames(corpus.data, frame_kind, 2, False, quiet)
        return Bunch(
            source=str(path),
            data=features,
            target=corpus.target,
            groups=corpus.groups,
            categories=corpus.frame["emotion"].to_numpy(),
            target_names=corpus.target_names,
        )
    table = _read_table(path)
    _require_columns(table, TARGETS, path)
    _require_group_column(table, group_column, path)
    X = _matrix(table, _feature_columns(table, {*TARGETS, group_column}), path)
    y = _matrix(table, TARGETS, path, what="target")
    empty = [
        t for t, ok in zip(TARGETS, np.isfinite(y).all(axis=0), strict=True) if not ok
    ]
    if empty:
        raise ValueError(f"{path}: target column(s) {_names(empty)} have empty rows.")
    category = next((c for c in CATEGORY_COLUMNS if c in table.columns), None)
    return Bunch(
        source=str(path),
        data=X,
        target=y,
        groups=table[group_column].to_numpy(),
        categories=None if category is None else table[category].to_numpy(),
        target_names=TARGETS,
    )


def _models(task, max_iter, random_state, baselines, sequences=False):
    """The networks of ``task`` (``max_iter``: None keeps their default) and the
    baselines."""
    params = {"random_state": random_state}
    if max_iter is not None:
        params["max_iter"] = max_iter
    models = {
        Network.__name__: Network(**params) for Network in (task.aae, task.supervised)
    }
    if baselines:
        models.update(task.baselines(random_state, sequences))
    return models


def _fit_one(model, X_train, y_train, labeled, groups_train, X_test, figures):
    """Fit ``model`` on one training fold and predict its test rows.

    The autoencoder trains on every training row, the others on the
    ``labeled`` ones; a fit cut short by Ctrl-C raises KeyboardInterrupt. With
    ``--jobs`` above 1 this runs in a worker process, whose warnings do not
    reach the parent: they are returned, as the arguments of
    :class:`warnings.WarningMessage`. With ``figures``, the autoencoder's
    history and its codes of the test rows are returned too.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        if isinstance(model, AAEEmotionRegressor | AAEEmotionClassifier):
            task = TASKS["categories" if is_classifier(model) else "dimensions"]
            model.fit(X_train, task.hidden(y_train, labeled))
        else:
            model = _fit(
                model, X_train[labeled], y_train[labeled], groups_train[labeled]
            )
        if _notes.interrupted(caught):  # nothing to predict with
            raise KeyboardInterrupt
        result = Bunch(
            fit_time=time.perf_counter() - start,
            y_pred=model.predict(X_test),
            n_iter=_n_iter(model),
            best_params=_best_params(model),
        )
        if figures:
            result.history, result.codes = model.history_, model.transform(X_test)
    # Text, not the warning object: every category pickles, not every message.
    result.warnings = [
        (str(w.message), w.category, w.filename, w.lineno) for w in caught
    ]
    return result


def _ignore_sigint():
    """Worker initializer: leave Ctrl-C to the parent process."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _predictions(task, name, fraction, fold, data, test, y_pred):
    """One row per test row: who, the true and the predicted targets."""
    return pd.DataFrame(
        {
            "model": name,
            "labeled_fraction": fraction,
            "fold": fold,
            "index": test,
            "group": np.asarray(data.groups)[test],
            **task.columns(data, test, y_pred),
        }
    )


def _cross_validate(
    data, task, models, fractions, folds, random_state, quiet, normalize, jobs=1
):
    """One record per model x fraction x fold, the out-of-fold predictions, and
    what the AAE figures need; ``jobs`` worker processes fit in parallel."""
    X, y, groups = data.data, task.target(data), np.asarray(data.groups)
    aae = task.aae.__name__
    sequences = X.dtype == object  # frame sequences, one array per row
    splits = list(GroupKFold(n_splits=folds).split(X, y, groups))
    rng = np.random.default_rng(random_state)
    # One order per fold: the labeled rows of a smaller fraction are a subset of
    # those of a larger one, so that the fractions differ in nothing else.
    orders = [rng.permutation(len(train)) for train, _ in splits]
    labeled = {
        (fraction, fold): np.sort(order[: round(fraction * len(train))])
        for fraction in fractions
        for fold, ((train, _), order) in enumerate(zip(splits, orders, strict=True))
    }
    # One task per fit, the autoencoder (the longest) first in each fold, so
    # that no worker is left with a long fit at the end.
    keys = [(fraction, fold, name) for fraction, fold in labeled for name in models]
    first = (fractions[0], 0, aae)  # the fit the figures show
    fitted = {}
    bar = tqdm(total=len(keys), disable=quiet, file=sys.stderr, unit="fit")
    with (
        bar,
        # One torch (and BLAS) thread per worker: two workers on two cores, not
        # four threads; a fit then sums as it would in a one-thread process.
        # Workers ignore Ctrl-C: the command stops them (and prints no
        # traceback of theirs).
        parallel_config(
            backend="loky", inner_max_num_threads=1, initializer=_ignore_sigint
        ),
    ):
        scaled = [
            _normalized(X, groups, train, test, normalize, sequences)
            for train, test in splits
        ]
        tasks = (
            delayed(_fit_one)(
                clone(models[name]),
                scaled[fold][0],
                y[splits[fold][0]],
                labeled[fraction, fold],
                groups[splits[fold][0]],
                scaled[fold][1],
                figures=(fraction, fold, name) == first,
            )
            for fraction, fold, name in keys
        )
        results = Parallel(n_jobs=jobs, return_as="generator", batch_size=1)(tasks)
        try:
            for fraction, fold, name in keys:
                # The first fit not yet done (with --jobs 1, the one running).
                bar.set_description(f"{fraction:g} labeled, fold {fold + 1}, {name}")
                fitted[fraction, fold, name] = result = next(results)
                _notes.replay(result.warnings)  # shown as notes when the command ends
                bar.update()
        finally:
            with warnings.catch_warnings():
                # joblib's advice on a generator closed early: not the user's.
                warnings.simplefilter("ignore")
                results.close()
    untuned = sum(
        isinstance(models[key[2]], GridSearchCV) and fitted[key].best_params is None
        for key in keys
    )
    if untuned:
        print(
            f"aae-sklearn: note: in {untuned} baseline fits, the training fold held "
            "one speaker, too few for grouped inner CV: the tuned baselines kept "
            "scikit-learn's default hyper-parameters there (best_params null).",
            file=sys.stderr,
        )
    records, predictions = [], []
    for (fraction, fold, name), result in fitted.items():
        train, test = splits[fold]
        n_labeled = len(labeled[fraction, fold])
        records.append(
            {
                "model": name,
                "labeled_fraction": fraction,
                "fold": fold,
                "n_labeled": n_labeled,
                "n_unlabeled": len(train) - n_labeled,
                "n_test": len(test),
                **task.scores(y[test], result.y_pred, data),
                "fit_time": result.fit_time,
                "n_iter": result.n_iter,
                "best_params": result.best_params,
            }
        )
        predictions.append(
            _predictions(task, name, fraction, fold, data, test, result.y_pred)
        )
    results = pd.DataFrame(records)
    results["n_iter"] = results["n_iter"].astype("Int64")  # None for most baselines
    figures = Bunch(
        y_true=[y[test] for _, test in splits],
        y_pred=[fitted[fractions[0], fold, aae].y_pred for fold in range(folds)],
        history=fitted[first].history,
        codes=fitted[first].codes,
        test=splits[0][1],
    )
    return results, pd.concat(predictions, ignore_index=True), figures


def _frame_kind(args):
    """The FrameFeatures kind of ``--features frames``, None for functionals."""
    if args.features != "frames":
        if args.frame_kind is not None:
            raise _UsageError("--frame-kind needs --features frames.")
        return None
    path = Path(args.data)
    if args.data == "bundled" or path.is_file():
        table = "the bundled table" if args.data == "bundled" else str(path)
        raise _UsageError(
            f"--features frames needs an audio folder as --data, not {table}: "
            "frames are extracted from audio."
        )
    if not path.is_dir():
        raise ValueError(f"{path}: no such folder.")
    return args.frame_kind or FRAME_KINDS[0]


def _run_compare(args):
    task = TASKS[args.task]
    frame_kind = _frame_kind(args)
    out = None if args.out is None else _check_output(args.out, folder=True)
    fractions = list(dict.fromkeys(args.labeled_fraction))
    data = _compare_data(args.data, args.group_column, args.quiet, frame_kind)
    task.target(data)  # fails early where the data lack the task's targets
    sequences = frame_kind is not None
    models = _models(task, args.max_iter, args.random_state, args.baselines, sequences)
    results, predictions, aae = _cross_validate(
        data,
        task,
        models,
        fractions,
        args.folds,
        args.random_state,
        args.quiet,
        args.normalize,
        args.jobs,
    )
    summary = _summary(results, task.metrics)
    note = task.tuning_note() if args.baselines else None
    _print_summary(summary, args.folds, args.normalize, task.metrics, note)
    if out is None:
        return
    config = {
        "command": "compare",
        "task": task.name,
        "data": args.data,
        "features": args.features,
        "frame_kind": frame_kind,
        "frame_ms": FRAME_MS if sequences else None,
        "group_column": args.group_column,
        "normalize": args.normalize,
        "labeled_fractions": fractions,
        "folds": args.folds,
        "max_iter": models[task.aae.__name__].max_iter,
        "random_state": args.random_state,
        "jobs": args.jobs,
        "baselines": args.baselines,
        "baseline_tuning": task.tuning() if args.baselines else None,
        "models": list(models),
        "n_samples": int(len(data.data)),
        # Per frame for sequences; the baselines then see twice as many.
        "n_features": int(data.data[0].shape[1] if sequences else data.data.shape[1]),
        "n_frames": _frames_summary(data) if sequences else None,
        "n_groups": int(len(np.unique(data.groups))),
        "versions": _versions(),
    }
    figures = _compare_figures(data, task, results, predictions, aae, fractions)
    _write_results(out, config, results, summary, predictions, figures, args.quiet)
