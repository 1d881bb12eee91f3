"""The ``extract`` and ``predict`` commands."""

# License: BSD-3-Clause

import contextlib
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from .. import load
from ..features import OpenSmileFunctionals
from ..features._ssl_model import loading_message
from ._corpora import BUNDLED, _audio_corpus
from ._fit import (
    NORMALIZATIONS,
    _group_column,
    _input_table,
    _normalized,
    model_settings,
)
from ._io import (
    CORPORA,
    FEATURE_SETS,
    TABLE_SUFFIXES,
    _audio_items,
    _check_output,
    _embeddings,
    _functionals,
    _matrix,
    _names,
    _plural,
    _ssl_settings,
    _UsageError,
    _write_table,
)
from ._views import _augmented_features


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
    if ssl is not None and not args.quiet:  # a hub name can wait before the bar
        print(f"aae-sklearn: {loading_message(ssl.model)}", file=sys.stderr)
    if args.augment:
        features, kept, views = _augmented_features(items, args, ssl)
    elif ssl is None:
        features, kept = _functionals(
            items, args.features, args.n_jobs, args.skip_bad, args.quiet
        )
    else:
        values, kept, names = _embeddings(
            items, ssl, "vectors", args.skip_bad, args.quiet
        )
        features = pd.DataFrame(values, columns=names)
    table = pd.concat([info.iloc[kept].reset_index(drop=True), features], axis=1)
    if args.augment:  # beside the file, whose views the rows are
        table.insert(1, "view", views)
    _write_table(table, out)
    if not args.quiet:
        print(
            f"wrote {_plural(len(table), 'row')} x "
            f"{_plural(features.shape[1], 'feature')} to {out}"
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


def _speakers(path, table, settings, args):
    """The speaker of each row of a table ``INPUT``, for a model fitted with
    ``--normalize speaker``; None where ``--single-speaker`` makes them one."""
    if args.single_speaker:
        return None
    column = _group_column(table, args.group_column or settings["group_column"])
    if column is None and args.group_column is None:
        column = _group_column(table, None)
    if column is None:
        wanted = args.group_column or settings["group_column"] or "speaker"
        raise ValueError(
            f"{path}: no column {wanted!r} of speakers. {_NEEDS_SPEAKERS} Name "
            "the column with --group-column, or pass --single-speaker if every "
            "row is of one speaker."
        )
    return table[column].to_numpy()


_NEEDS_SPEAKERS = (
    "The model was fitted on features standardised per speaker (fit --normalize "
    "speaker), so predict standardises each speaker's rows on their own."
)


def _audio_input(source, settings, feature_names, args):
    """Features, ids and speakers (None: one) of audio ``INPUT``; a corpus
    folder gives its speakers, which a per-speaker model needs."""
    if not source.exists():
        raise ValueError(f"{source}: no such file or folder.")
    groups = None
    if settings["normalize"] == "speaker" and not args.single_speaker:
        corpus = None
        if source.is_dir():
            with contextlib.suppress(ValueError):
                corpus, _ = _audio_corpus(source)
        if corpus is None:
            raise ValueError(
                f"{source}: the speakers of its files are unknown: not the folder "
                "of a corpus (RAVDESS, EmoDB, nEMO, IEMOCAP, MSP-Podcast). "
                f"{_NEEDS_SPEAKERS} Pass a table with a column of speakers (see "
                "'aae-sklearn extract'), or --single-speaker if every file is of "
                "one speaker."
            )
        items, groups = list(corpus.data), np.asarray(corpus.groups)
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
    return X, ids, None if groups is None else groups[kept]


def _predictions(model, X, settings):
    """The predictions of ``model`` as a table: a column per target or, for a
    classifier, the class and its probability and that of every class."""
    names = settings["targets"] or list(getattr(model, "target_names_", []))
    if hasattr(model, "classes_"):
        proba = model.predict_proba(X)
        table = pd.DataFrame({names[0] if names else "emotion": model.predict(X)})
        table["probability"] = proba.max(axis=1)
        for j, label in enumerate(model.classes_):
            table[f"probability_{label}"] = proba[:, j]
        return table
    y_pred = model.predict(X).reshape(len(X), -1)
    names = names or [f"target_{j}" for j in range(y_pred.shape[1])]
    return pd.DataFrame(y_pred, columns=names)


def _run_predict(args):
    out = _check_output(args.output, suffixes=TABLE_SUFFIXES)
    model = _load_model(args.model)
    model.set_params(n_threads=args.threads)
    settings = model_settings(args.model)
    if settings["normalize"] != "speaker" and (
        args.single_speaker or args.group_column
    ):
        raise _UsageError(
            f"--single-speaker and --group-column are for models fitted with "
            f"--normalize speaker; {args.model} was fitted with --normalize "
            f"{settings['normalize']}."
        )
    feature_names = model.feature_names_in_.tolist()
    source = Path(args.input)
    if args.input in BUNDLED or source.suffix.lower() in TABLE_SUFFIXES:
        table = _input_table(args.input, settings, args.group_column)
        X = _matrix(table, feature_names, source)
        id_column = next((c for c in ("file", "id") if c in table.columns), None)
        ids = pd.DataFrame(
            {"id": np.arange(len(table))} if id_column is None else table[[id_column]]
        )
        groups = None
        if settings["normalize"] == "speaker":
            groups = _speakers(source, table, settings, args)
    else:
        X, ids, groups = _audio_input(source, settings, feature_names, args)
    if settings["normalize"] != "none":
        if len(X) < 2:
            raise ValueError(
                f"{source}: one row; the model standardises its inputs "
                f"({NORMALIZATIONS[settings['normalize']]}) on their own rows, "
                "which takes several. For single files, fit a model with "
                "--normalize none."
            )
        X = _normalized(X, groups, settings["normalize"])
    predictions = _predictions(model, pd.DataFrame(X, columns=feature_names), settings)
    table = ids.reset_index(drop=True).join(predictions)
    _write_table(table, out)
    if not args.quiet:
        print(
            f"aae-sklearn: wrote {_plural(len(table), 'prediction')} to {out}",
            file=sys.stderr,
        )
