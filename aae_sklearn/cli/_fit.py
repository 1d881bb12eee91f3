"""The ``fit`` command: the data of ``compare``, one estimator, and a model file
that records how its inputs were normalised, for ``predict``."""

# License: BSD-3-Clause

import json
import sys
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from safetensors import SafetensorError, safe_open
from safetensors.numpy import save as _serialize
from sklearn.base import clone
from sklearn.utils import Bunch

from ..features import GroupStandardScaler
from ..utils._files import atomic_write
from . import _notes
from ._checks import _check_augment, _check_device, _check_views
from ._corpora import BUNDLED
from ._cost import _duration, expected_epochs
from ._data import _compare_data, _table_views
from ._io import (
    TARGETS,
    _category_column,
    _check_output,
    _feature_columns,
    _matrix,
    _names,
    _plural,
    _read_table,
    _refuse_views,
    _require_columns,
    _UsageError,
)
from ._tasks import TASKS, _network_params

MODEL_SUFFIX = ".safetensors"
# The entry of the model file's safetensors metadata that holds what predict
# must repeat: the normalisation of the inputs and the column of speakers.
SETTINGS_KEY = "aae_sklearn.cli"
# The columns of speakers a table's --group-column defaults to, as the corpus
# loaders name them.
GROUP_COLUMNS = ("speaker", "actor", "SpkrID")
NORMALIZATIONS = {
    "speaker": "each speaker standardised on its own (--normalize speaker)",
    "corpus": "standardised as a whole (--normalize corpus)",
    "none": "as read (--normalize none)",
}


def _model_path(output):
    """``output`` with the suffix ``.safetensors`` (added where it has none)."""
    path = Path(output)
    if not path.suffix:
        path = path.with_name(path.name + MODEL_SUFFIX)
    elif path.suffix.lower() != MODEL_SUFFIX:
        raise _UsageError(
            f"{path}: a model is a safetensors file, not a {path.suffix} file; name "
            f"it {path.stem}{MODEL_SUFFIX}."
        )
    return _check_output(path)


def _targets(args, task, available=None):
    """The target columns of ``--targets`` (dimensions), checked against the
    ``available`` ones of a bundled table or corpus (None: any)."""
    if args.targets is None:
        return list(TARGETS)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    if not targets:
        raise _UsageError("--targets names no column.")
    unknown = [t for t in targets if available is not None and t not in available]
    if unknown:
        raise _UsageError(
            f"--targets {_names(unknown)}: {args.data} has the targets "
            f"{_names(available)}."
        )
    return targets


def _classes(values):
    """Emotion classes of a column, -1 (unlabeled) where empty; whole numbers
    as integers."""
    values = pd.Series(values, dtype=object)
    empty = values.isna() | (values.astype(str).str.strip() == "")
    labeled = values[~empty]
    if len(labeled) and all(isinstance(v, int | float) for v in labeled):
        if all(float(v).is_integer() for v in labeled):
            values[~empty] = labeled.astype(float).astype(int)
    values[empty] = -1
    return values.to_numpy()


def _table_data(args, task):
    """X, y, groups, feature and target names of a table ``DATA``; rows whose
    targets are all empty are unlabeled."""
    path, table = args.data, _read_table(args.data)
    if task.name == "categories":
        column = args.targets or _category_column(table)
        if column is None:
            raise ValueError(
                f"{path}: --task categories needs a column of emotion classes "
                "(emotion, category or EmoClass), or --targets naming it."
            )
        _require_columns(table, [column], path, what="target")
        targets, y = [column], _classes(table[column])
        labeled = y != -1  # the classifiers' mark of unlabeled rows
    else:
        targets = _targets(args, task)
        _require_columns(table, targets, path, what="target")
        y = _matrix(table, targets, path, what="target")
        labeled = ~np.isnan(y).all(axis=1)
    if not labeled.any():
        raise ValueError(f"{path}: no row has a target ({_names(targets)}).")
    group_column = _group_column(table, args.group_column)
    names = _feature_columns(table, {*TARGETS, *targets, group_column}, path)
    if not names:
        raise ValueError(f"{path}: no numeric feature column.")
    groups = None if group_column is None else table[group_column].to_numpy()
    recording = view = None
    if "view" in table.columns:
        recording, view = _table_views(table, path, groups)
    return Bunch(
        X=_matrix(table, names, path),
        y=y,
        groups=groups,
        group_column=group_column,
        feature_names=names,
        target_names=targets,
        source=str(path),
        recording=recording,
        view=view,
    )


def _group_column(table, given):
    """The column of speakers of a table: ``given`` (None: the first of
    ``GROUP_COLUMNS`` the table has); None where the table lacks it."""
    names = GROUP_COLUMNS if given is None else (given,)
    return next((c for c in names if c in table.columns), None)


def _fit_data(args, task, cache):
    """The data of ``DATA``: a bundled keyword, a table or a corpus folder."""
    if args.data not in BUNDLED and not Path(args.data).is_dir():
        return _table_data(args, task)
    views = (args.augment, args.random_state) if args.augment else None
    data = _compare_data(args.data, None, args.quiet, cache=cache, views=views)
    if task.name == "categories":
        if args.targets is not None:
            raise _UsageError(
                f"--targets names a column of a table; {args.data} has its classes."
            )
        y, targets = _classes(task.target(data)), ["emotion"]
    else:
        targets = _targets(args, task, list(data.target_names))
        y = data.target[:, [list(data.target_names).index(t) for t in targets]]
    return Bunch(
        X=data.data,
        y=y,
        groups=data.groups,
        group_column=None,
        feature_names=list(data.feature_names),
        target_names=targets,
        source=data.source,
        recording=data.get("recording"),
        view=data.get("view"),
    )


def _input_table(source, settings, group_column):
    """The table ``INPUT`` of ``predict``: that of a bundled keyword, as fit
    reads it, or a file read by the rule of fit's tables
    (:func:`_feature_columns`), the model's targets and speakers
    (``settings``, ``group_column``: ``--group-column``) left out."""
    if source in BUNDLED:
        return BUNDLED[source][0]().frame
    table = _read_table(source)
    targets = settings["targets"] or []
    exclude = {*TARGETS, *targets, settings["group_column"], group_column}
    _feature_columns(table, exclude, source)
    return table


def _normalized(X, groups, normalize, view=None):
    """``X`` with each group (``groups``; None or ``normalize="corpus"``: all
    rows as one) standardised on its own rows, or as it is for "none"; on its
    recordings as read where ``view`` (each row's view, 0: as read) is given,
    the augmented views standardised with their statistics."""
    if normalize == "none":
        return X
    if normalize == "corpus" or groups is None:
        groups = np.zeros(len(X), dtype=int)
    fit = slice(None) if view is None else np.asarray(view) == 0
    scaler = GroupStandardScaler().fit(X[fit], groups=np.asarray(groups)[fit])
    return scaler.transform(X, groups=groups)


def _require_speakers(data, args):
    if args.normalize == "speaker" and data.groups is None:
        column = args.group_column or " or ".join(repr(c) for c in GROUP_COLUMNS)
        raise ValueError(
            f"{args.data}: no column of speakers ({column}): --normalize speaker "
            "(the default) standardises each speaker's features on their own; "
            "name the column with --group-column, or pass --normalize corpus (all "
            "rows as one) or none."
        )


def _pool(args, labeled, cache):
    """The rows of ``--unlabeled``, each source normalised on its own (per
    speaker where it knows them), with the feature columns of ``labeled`` (the
    data of ``DATA``)."""
    feature_names, parts = labeled.feature_names, []
    for source in args.unlabeled:
        if source in BUNDLED or Path(source).is_dir():
            data = _compare_data(source, None, args.quiet, cache=cache, labels=False)
            table = pd.DataFrame(data.data, columns=data.feature_names)
            source, groups = data.source, data.groups
        else:
            table = _read_table(source)
            _refuse_views(table, source)
            column = _group_column(table, args.group_column)
            # Read as DATA is: a column of text is an error here too.
            _feature_columns(table, {*TARGETS, *labeled.target_names, column}, source)
            groups = None if column is None else table[column].to_numpy()
        _require_columns(table, feature_names, source, what="feature")
        X = _matrix(table, feature_names, source)
        parts.append(_normalized(X, groups, args.normalize))
    return pd.DataFrame(np.concatenate(parts), columns=feature_names)


def _save(estimator, path, settings):
    """Save ``estimator`` to ``path`` with ``settings`` in the file's metadata;
    whole or not at all."""
    with tempfile.TemporaryDirectory() as folder:
        plain = Path(folder) / "model.safetensors"
        estimator.save(plain)
        with safe_open(plain, framework="np") as file:
            metadata = dict(file.metadata())
            tensors = {key: file.get_tensor(key) for key in file.keys()}
    metadata[SETTINGS_KEY] = json.dumps(settings)
    data = _serialize(tensors, metadata=metadata)
    atomic_write(path, lambda file: file.write(data))


def model_settings(path):
    """What ``fit`` recorded in the model file ``path``: ``normalize``,
    ``group_column`` and ``targets`` (the target columns); for a model saved
    from Python, ``normalize="none"`` and no names."""
    try:
        with safe_open(path, framework="np") as file:
            text = (file.metadata() or {}).get(SETTINGS_KEY)
    except (SafetensorError, OSError, ValueError):
        text = None  # load() has said what is wrong with the file
    if text is None:
        return {"normalize": "none", "group_column": None, "targets": None}
    try:
        settings = json.loads(text)
        valid = (
            settings["normalize"] in NORMALIZATIONS
            and isinstance(settings["group_column"], str | None)
            and isinstance(settings["targets"], list)
            and all(isinstance(t, str) for t in settings["targets"])
        )
    except (ValueError, TypeError, KeyError):
        valid = False
    if not valid:
        raise ValueError(f"{path}: its {SETTINGS_KEY!r} metadata is not valid.")
    return settings


def _rows(X, X_unlabeled, labeled, view=None):
    """``240 rows (120 labeled)`` of a fit, the rows of ``--unlabeled`` too,
    and how many are augmented views (``view``: each row's, 0: none)."""
    n_rows = len(X) + (0 if X_unlabeled is None else len(X_unlabeled))
    views = "" if view is None else f"; {int(np.sum(view != 0))} of them views"
    return f"{_plural(n_rows, 'row')} ({int(labeled.sum())} labeled{views})"


def _timed(estimator, X, y, extra):
    """Seconds of an epoch of ``estimator`` on this data (``extra``: the
    other arguments of fit), and of its fit outside the epochs, from a fit of
    three epochs: the quicker of the last two (the first pays one-off costs;
    other work on the machine only slows one)."""
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fitted = clone(estimator).set_params(max_iter=3, verbose=False)
        fitted.fit(X, y, **extra)
    if _notes.interrupted(caught):  # Ctrl-C while timing: stop the command
        raise KeyboardInterrupt
    total, epochs = time.perf_counter() - start, fitted.history_["time"].to_numpy()
    return float(epochs[1:].min()), max(0.0, total - float(epochs.sum()))


def _say_start(estimator, X, y, extra, labeled, data, normalize):
    """Print what will be fitted and, where it takes more than a few epochs,
    about how long."""
    X_unlabeled = extra.get("X_unlabeled")
    epochs = _plural(estimator.max_iter, "epoch")
    if estimator.max_iter > 3:
        epoch, setup = _timed(estimator, X, y, extra)
        usual = expected_epochs(estimator)
        took = _duration(setup + usual * epoch)
        if usual < estimator.max_iter:
            epochs += f" (usually about {usual:.0f})"
        epochs += f", about {took} on this machine"
    print(
        f"aae-sklearn: fitting {type(estimator).__name__} "
        f"({_names(data.target_names)}) on "
        f"{_rows(X, X_unlabeled, labeled, data.view)} x "
        f"{_plural(X.shape[1], 'feature')}, {NORMALIZATIONS[normalize]}: at most "
        f"{epochs}.",
        file=sys.stderr,
    )


def _run_fit(args):
    task = TASKS[args.task]
    _check_device(args.device)
    _check_augment(args)
    if args.unlabeled and args.model != "aae":
        raise _UsageError("--unlabeled needs --model aae.")
    out = _model_path(args.output)
    cache = None if args.cache == "none" else Path(args.cache)
    data = _fit_data(args, task, cache)
    _check_views(args, data)
    _require_speakers(data, args)
    labeled = (
        data.y != -1 if task.name == "categories" else ~np.isnan(data.y).all(axis=1)
    )
    X = _normalized(data.X, data.groups, args.normalize, data.view)
    X = pd.DataFrame(X, columns=data.feature_names)
    if task.name == "categories":
        y = pd.Series(data.y, name=data.target_names[0], dtype=object)
    else:
        y = pd.DataFrame(data.y, columns=data.target_names)
    X_unlabeled = _pool(args, data, cache) if args.unlabeled else None
    Estimator = task.aae if args.model == "aae" else task.supervised
    params = _network_params(args)
    estimator = Estimator(**params, verbose=args.verbose)
    extra = {} if X_unlabeled is None else {"X_unlabeled": X_unlabeled}
    if data.view is not None:
        extra["sources"] = data.recording
    if not args.quiet:
        _say_start(estimator, X, y, extra, labeled, data, args.normalize)
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # DataFrames, so that the saved model knows its feature and target names.
        estimator.fit(X, y, **extra)
    _notes.replay(caught)  # an interrupted fit stops here: no model is saved
    settings = {
        "normalize": args.normalize,
        "group_column": data.group_column,
        "targets": data.target_names,
    }
    _save(estimator, out, settings)
    if not args.quiet:
        print(
            f"aae-sklearn: fitted {type(estimator).__name__} on "
            f"{_rows(X, X_unlabeled, labeled, data.view)} x "
            f"{_plural(X.shape[1], 'feature')} "
            f"in {_plural(estimator.n_iter_, 'epoch')} "
            f"({_duration(time.perf_counter() - start)}); saved to {out}",
            file=sys.stderr,
        )
