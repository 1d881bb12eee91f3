"""The ``compare`` command: the autoencoder against its baselines, per fold."""

# License: BSD-3-Clause

import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, parallel_config
from sklearn.base import clone, is_classifier
from sklearn.model_selection import GridSearchCV
from sklearn.utils import Bunch
from tqdm import tqdm

from .. import AAEEmotionClassifier, AAEEmotionRegressor
from . import _notes
from ._baselines import _best_params, _fit, _n_iter, _normalized, _normalized_pool
from ._checks import _check_folds, _check_labeled, _check_options, _check_views
from ._cost import RunCost, timed_fit
from ._data import _compare_data, _cross_corpus, _frame_kind, _pool_data
from ._io import _check_output, _plural, _ssl_settings
from ._pool import _unlabeled
from ._progress import fit_log, ignore_stops, sigterm_as_ctrl_c
from ._results import (
    _compare_figures,
    _config,
    _heading,
    _print_summary,
    _summary,
    _write_results,
)
from ._tasks import TASKS, _network_params
from ._views import _labeled_rows, _n_views, _originals, _recording_splits


def _models(task, args, sequences=False, views=False):
    """The networks of ``task`` (``--max-iter`` unset keeps their default),
    with ``views`` the supervised network trained on the labeled views too,
    and the baselines."""
    params = _network_params(args)
    models = {
        Network.__name__: Network(**params) for Network in (task.aae, task.supervised)
    }
    if views:
        models[f"{task.supervised.__name__}+views"] = task.supervised(**params)
    if args.baselines:
        models.update(task.baselines(args.random_state, sequences))
    return models


def _fit_one(
    model,
    X_train,
    y_train,
    labeled,
    groups_train,
    X_test,
    figures,
    adapt=False,
    X_pool=None,
    sources=None,
):
    """Fit ``model`` on one training fold and predict its test rows.

    The autoencoder trains on every training row, the others on the
    ``labeled`` ones; a network given ``sources`` (the recording of each
    training row) takes the rows as augmented views of them. The autoencoder
    also gets, unlabeled (``X_unlabeled``),
    the test rows with ``adapt`` and the rows ``X_pool`` of the pool of
    ``--unlabeled``, which no other model sees. A fit cut short by Ctrl-C
    raises KeyboardInterrupt. With ``--jobs`` above 1 this runs in a worker
    process, whose warnings do not reach the parent: they are returned, as the
    arguments of :class:`warnings.WarningMessage`. With ``figures``, the
    network's history and the autoencoder's codes of the test rows are
    returned too.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        start = time.perf_counter()
        if isinstance(model, AAEEmotionRegressor | AAEEmotionClassifier):
            task = TASKS["categories" if is_classifier(model) else "dimensions"]
            X_unlabeled = _unlabeled(X_test, adapt, X_pool)
            hidden = task.hidden(y_train, labeled)
            views = {} if sources is None else {"sources": sources}
            model.fit(X_train, hidden, X_unlabeled=X_unlabeled, **views)
        elif sources is not None:  # the supervised network, on the labeled views
            model.fit(X_train[labeled], y_train[labeled], sources=sources[labeled])
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
            result.history, result.codes = model.history_, None
            if hasattr(model, "transform"):  # the autoencoder
                result.codes = model.transform(X_test)
    # Text, not the warning object: every category pickles, not every message.
    result.warnings = [
        (str(w.message), w.category, w.filename, w.lineno) for w in caught
    ]
    return result


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
    data,
    task,
    models,
    fractions,
    splits,
    random_state,
    quiet,
    normalize,
    jobs=1,
    adapt=False,
    log=None,
    pool=None,
    cost=None,
):
    """One record per model x fraction x fold of ``splits`` (pairs of training
    and test rows), the out-of-fold predictions, and what the AAE figures need;
    ``jobs`` worker processes fit in parallel. ``normalize="corpus"`` groups
    the rows by ``data.corpus``; ``adapt`` gives the autoencoder each fold's
    test rows unlabeled, and every autoencoder fit gets the rows of ``pool``
    (:func:`_pool_data`; None: no pool) unlabeled too, normalised likewise. A
    :class:`FitLog` ``log`` records each fit as it ends, and holds those of a
    stopped run, which are not fitted again. A :class:`RunCost` ``cost`` says
    up front about how long the fits take (None: nothing is timed)."""
    X, y, groups = data.data, task.target(data), np.asarray(data.groups)
    aae = task.aae.__name__
    folds = len(splits)
    sequences = X.dtype == object  # frame sequences, one array per row
    rng = np.random.default_rng(random_state)
    original, recording = _originals(data)
    views = not original.all()
    # One order of the recordings per fold: the labeled rows of a smaller
    # fraction are a subset of those of a larger one, so that the fractions
    # differ in nothing else; a recording's views share its labels.
    orders = [rng.permutation(original[train].sum()) for train, _ in splits]
    labeled = {
        (fraction, fold): _labeled_rows(original, recording, train, order, fraction)
        for fraction in fractions
        for fold, ((train, _), order) in enumerate(zip(splits, orders, strict=True))
    }
    _check_labeled(task, y, splits, labeled)
    # One task per fit, the autoencoder (the longest) first in each fold, so
    # that no worker is left with a long fit at the end.
    keys = [(fraction, fold, name) for fraction, fold in labeled for name in models]
    first = (fractions[0], 0, aae)  # the fit the figures show
    fitted = {} if log is None else {k: log.done[k] for k in keys if k in log.done}
    todo = [key for key in keys if key not in fitted]
    by = np.asarray(data.corpus) if normalize == "corpus" else groups
    scaled = [
        _normalized(X, by, train, test, normalize, sequences, original)
        for train, test in splits
    ]
    X_pool = None
    if pool is not None:
        pool_by = pool.corpus if normalize == "corpus" else pool.groups
        X_pool = _normalized_pool(pool.data, pool_by, normalize, sequences)

    def job(fraction, fold, name, timed=False):
        """The fit of ``name`` on ``fold``, or with ``timed`` its timing."""
        train, test = splits[fold]
        X_train, X_test = scaled[fold]
        rows, sources = labeled[fraction, fold], None
        if views and (name == aae or name.endswith("+views")):
            sources = recording[train]
        elif views:  # the other models learn from the recordings as read
            rows = rows[original[train][rows]]
        args = (X_train, y[train], rows, groups[train], X_test)
        kwargs = {
            "adapt": adapt,
            "X_pool": X_pool if name == aae else None,
            "sources": sources,
        }
        if timed:
            return delayed(timed_fit)(_fit_one, models[name], *args, **kwargs)
        shown = (fraction, fold, name) == first
        return delayed(_fit_one)(clone(models[name]), *args, figures=shown, **kwargs)

    # For the estimate, first each network timed on the first fold, and the
    # fits of the other models on that fold (kept).
    networks = (aae, task.supervised.__name__)
    timing, kept = ([], []) if cost is None else cost.first(todo, networks)
    rest = [key for key in todo if key not in kept]
    # One torch (and BLAS) thread per worker: two workers on two cores, not four
    # threads; a fit then sums as it would in a one-thread process. Workers
    # ignore Ctrl-C and SIGTERM: the command stops them (and prints no traceback
    # of theirs).
    with parallel_config(
        backend="loky", inner_max_num_threads=1, initializer=ignore_stops
    ):
        tasks = [job(f, 0, name, timed=True) for f, name in timing]
        tasks += [job(*key) for key in kept + rest]
        results = Parallel(n_jobs=jobs, return_as="generator", batch_size=1)(tasks)
        # The bar counts from the fits of a resumed run, and each fit as it ends.
        counts = {"total": len(keys), "initial": len(fitted), "unit": "fit"}
        resumed = f"{len(fitted)} resumed" if fitted else None
        bar = tqdm(**counts, postfix=resumed, disable=quiet, file=sys.stderr)

        def record(key):
            """Wait for the fit ``key`` (with --jobs 1, the one running)."""
            bar.set_description(f"{key[0]:g} labeled, fold {key[1] + 1}, {key[2]}")
            fitted[key] = result = next(results)
            if log is not None:
                log.add(key, result)
            _notes.replay(result.warnings)  # shown as notes when the command ends
            bar.update()

        try:
            timings = {}
            for fraction, name in timing:
                bar.set_description(f"timing {name}, {fraction:g} labeled")
                timings[fraction, name] = next(results)
            for key in kept:
                record(key)
            if cost is not None and todo:
                sizes = [len(train) for train, _ in splits]
                with tqdm.external_write_mode(file=sys.stderr):  # above the bar
                    cost.say(todo, rest, models, timings, fitted, sizes)
            for key in rest:
                record(key)
        finally:
            bar.close()
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
            f"aae-sklearn: note: in {_plural(untuned, 'baseline fit')}, the training "
            "fold held one speaker, too few for grouped inner CV: the tuned "
            "baselines kept scikit-learn's default hyper-parameters there "
            "(best_params null).",
            file=sys.stderr,
        )
    records, predictions = [], []
    for fraction, fold, name in keys:
        result = fitted[fraction, fold, name]
        train, test = splits[fold]
        # Recordings, not views.
        n_labeled = int(original[train][labeled[fraction, fold]].sum())
        records.append(
            {
                "model": name,
                "labeled_fraction": fraction,
                "fold": fold,
                "n_labeled": n_labeled,
                "n_unlabeled": int(original[train].sum()) - n_labeled,
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


def _run_compare(args):
    with sigterm_as_ctrl_c():
        _compare(args)


def _compare(args):
    task = TASKS[args.task]
    _check_options(args)
    frame_kind, ssl = _frame_kind(args), _ssl_settings(args)
    out = None if args.out is None else _check_output(args.out, folder=True)
    fractions = list(dict.fromkeys(args.labeled_fraction))
    cache = None if args.cache == "none" else Path(args.cache)
    views = (args.augment, args.random_state) if args.augment else None
    data = _compare_data(
        args.data,
        args.group_column,
        args.quiet,
        frame_kind,
        cache,
        ssl=ssl,
        views=views,
    )
    _check_views(args, data)
    task.target(data)  # fails early where the data lack the task's targets
    pool = None
    if args.unlabeled:
        pool = _pool_data(
            args.unlabeled, data, args.group_column, args.quiet, frame_kind, cache, ssl
        )
    shared = None
    if args.test_data is None:
        # One corpus: --normalize corpus (with a pool) standardises it with the
        # statistics of each training fold.
        data.corpus = np.full(len(data.data), data.name, dtype=object)
        _check_folds(args.folds, data.groups)
        splits = _recording_splits(data, args.folds or 6)
    else:
        test = _compare_data(
            args.test_data, args.group_column, args.quiet, frame_kind, cache, ssl=ssl
        )
        _check_views(args, test, option="--test-data")
        data, split, shared = _cross_corpus(data, test, task)
        splits = [split]
    models = _models(task, args, frame_kind is not None, _n_views(data) > 0)
    config = _config(
        args, task, data, models, splits, fractions, frame_kind, shared, pool
    )
    log = None
    if out is not None:
        log = fit_log(out, config, data, args.resume, pool, args.overwrite)
    cost = None
    if not args.quiet:
        cost = RunCost(args.jobs, out, args.threads, _n_views(data))
    try:
        results, predictions, aae = _cross_validate(
            data,
            task,
            models,
            fractions,
            splits,
            args.random_state,
            args.quiet,
            args.normalize,
            args.jobs,
            adapt=args.adapt,
            log=log,
            pool=pool,
            cost=cost,
        )
        summary = _summary(results, task.metrics)
        note = task.tuning_note() if args.baselines else None
        _print_summary(summary, _heading(args, data, pool), task.metrics, note)
        if out is not None:
            tested = None if args.test_data is None else data.corpus[-1]
            figures = _compare_figures(
                data, task, results, predictions, aae, fractions, tested
            )
            _write_results(
                out, config, results, summary, predictions, figures, args.quiet
            )
            log.close()
    except KeyboardInterrupt:
        if log is not None:
            log.stopped()  # says what it keeps for --resume
        raise
    except Exception:
        if log is not None:
            log.discard()  # a run that failed before any fit ended leaves nothing
        raise
    if cost is not None:
        cost.say_took()
