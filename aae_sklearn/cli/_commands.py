"""The ``extract``, ``fit`` and ``predict`` commands."""

# License: BSD-3-Clause

import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .. import AAEEmotionRegressor, SupervisedEmotionRegressor, load
from ..features import OpenSmileFunctionals
from . import _notes
from ._io import (
    CORPORA,
    FEATURE_SETS,
    TABLE_SUFFIXES,
    _audio_items,
    _check_output,
    _embeddings,
    _feature_columns,
    _functionals,
    _matrix,
    _names,
    _read_table,
    _require_columns,
    _ssl_settings,
    _UsageError,
    _write_table,
)


def _run_extract(args):
    ssl = _ssl_settings(args)
    out = _check_output(args.output, suffixes=TABLE_SUFFIXES)
    if args.corpus:
        corpus = CORPORA[args.corpus](args.source)
        items = corpus.data.tolist()
        frame = corpus.frame.drop(columns="file", errors="ignore")
        info = frame.rename(columns={"path": "file"})
    else:
        items = _audio_items(args.source)
        info = pd.DataFrame({"file": items})
    if ssl is None:
        features, kept = _functionals(
            items, args.features, args.n_jobs, args.skip_bad, args.quiet
        )
    else:
        values, kept, names = _embeddings(
            items, ssl, "vectors", args.skip_bad, args.quiet
        )
        features = pd.DataFrame(values, columns=names)
    table = pd.concat([info.iloc[kept].reset_index(drop=True), features], axis=1)
    _write_table(table, out)
    if not args.quiet:
        print(f"wrote {len(table)} rows x {features.shape[1]} features to {out}")


def _run_fit(args):
    if args.unlabeled and args.model != "aae":
        raise _UsageError("--unlabeled needs --model aae.")
    out = _check_output(args.output)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    table = _read_table(args.features)
    _require_columns(table, targets, args.features, what="target")
    feature_names = _feature_columns(table, {*targets, args.group_column})
    if not feature_names:
        raise ValueError(f"{args.features}: no numeric feature column.")
    X = _matrix(table, feature_names, args.features)
    y = _matrix(table, targets, args.features, what="target")
    if np.isnan(y).all():
        raise ValueError(f"{args.features}: no row has a target ({_names(targets)}).")
    Estimator = {"aae": AAEEmotionRegressor, "supervised": SupervisedEmotionRegressor}
    params = {"random_state": args.random_state}
    if args.max_iter is not None:
        params["max_iter"] = args.max_iter
    estimator = Estimator[args.model](**params)
    extra = {}
    if args.unlabeled:
        pool = _matrix(_read_table(args.unlabeled), feature_names, args.unlabeled)
        extra["X_unlabeled"] = pd.DataFrame(pool, columns=feature_names)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # DataFrames, so that the saved model knows its feature and target names.
        estimator.fit(
            pd.DataFrame(X, columns=feature_names),
            pd.DataFrame(y, columns=targets),
            **extra,
        )
    _notes.replay(caught)  # an interrupted fit stops here: no model is saved
    estimator.save(out)  # atomic: a temporary file renamed into place
    if not args.quiet:
        n_labeled = int((~np.isnan(y).all(axis=1)).sum())
        print(
            f"fitted {type(estimator).__name__} on {n_labeled} labeled and "
            f"{len(y) - n_labeled + len(extra.get('X_unlabeled', ()))} unlabeled rows "
            f"x {len(feature_names)} features in {estimator.n_iter_} epochs; "
            f"saved to {out}",
            file=sys.stderr,
        )


def _load_model(path):
    """The estimator saved in ``path``; it must know its feature names."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file.")
    estimator = load(path)  # runs no code from the file; ValueError names it
    if not hasattr(estimator, "feature_names_in_"):
        raise ValueError(
            f"{path}: the model does not know its feature names; save one fitted "
            "on a DataFrame, or with 'aae-sklearn fit'."
        )
    return estimator


def _feature_set_of(feature_names):
    """The openSMILE feature set (a key of FEATURE_SETS) holding these names."""
    for name, feature_set in FEATURE_SETS.items():
        names = OpenSmileFunctionals(feature_set=feature_set).get_feature_names_out()
        if set(feature_names) <= set(names):
            return name
    raise ValueError(
        f"the model's features ({_names(feature_names, 3)}) are not openSMILE "
        "functionals; extract them yourself and pass a features table."
    )


def _run_predict(args):
    out = _check_output(args.output, suffixes=TABLE_SUFFIXES)
    model = _load_model(args.model)
    feature_names = model.feature_names_in_.tolist()
    source = Path(args.input)
    if source.suffix.lower() in TABLE_SUFFIXES:
        table = _read_table(source)
        X = _matrix(table, feature_names, source)
        id_column = next((c for c in ("file", "id") if c in table.columns), None)
        ids = pd.DataFrame(
            {"id": np.arange(len(table))} if id_column is None else table[[id_column]]
        )
    else:
        items = _audio_items(source)
        features, kept = _functionals(
            items,
            _feature_set_of(feature_names),
            args.n_jobs,
            args.skip_bad,
            args.quiet,
        )
        X = _matrix(features, feature_names, source)
        ids = pd.DataFrame({"file": np.asarray(items, dtype=object)[kept]})
    y_pred = model.predict(pd.DataFrame(X, columns=feature_names)).reshape(len(X), -1)
    names = list(getattr(model, "target_names_", []))
    names = names or [f"target_{j}" for j in range(y_pred.shape[1])]
    table = ids.reset_index(drop=True).join(pd.DataFrame(y_pred, columns=names))
    _write_table(table, out)
    if not args.quiet:
        print(f"wrote {len(table)} predictions to {out}", file=sys.stderr)
