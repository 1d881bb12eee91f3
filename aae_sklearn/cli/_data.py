"""The data of ``compare``: bundled tables, feature tables and audio folders
(their features kept in a cache), the pair of corpora of a cross-corpus
comparison, and the pool of unlabeled speech."""

# License: BSD-3-Clause

import os
import sys
from pathlib import Path

import joblib
import numpy as np
from sklearn.utils import Bunch

from .. import __version__
from ..features._ssl_model import model_files
from ._corpora import BUNDLED, _audio_corpus
from ._io import (
    FRAME_KINDS,
    TARGETS,
    _category_column,
    _embeddings,
    _feature_columns,
    _frames,
    _functionals,
    _matrix,
    _names,
    _plural,
    _read_table,
    _refuse_views,
    _require_columns,
    _UsageError,
)
from ._views import _extracted_views, _table_views

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


def default_cache():
    """The folder of extracted features: ``$AAE_SKLEARN_CACHE``, else
    ``aae-sklearn`` in ``$XDG_CACHE_HOME`` (``~/.cache``)."""
    if os.environ.get("AAE_SKLEARN_CACHE"):
        return Path(os.environ["AAE_SKLEARN_CACHE"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "aae-sklearn"


def _extracted(files, frame_kind, version, quiet=True, ssl=None, device="cpu"):
    """The features of the audio ``files`` (path, size, mtime): eGeMAPS
    functionals (a table's values and names) or, with a ``frame_kind``, frame
    sequences. With ``ssl`` (model, layer and the files of a local model
    folder), the embeddings of that model: vectors (mean and std), or its
    frames for the frame kind "ssl". ``version`` and ``ssl`` are part of the
    cache key, ``device`` is not."""
    items = [path for path, _, _ in files]
    if ssl is not None:
        settings = Bunch(model=ssl[0], layer=ssl[1], device=device)
        output = "frames" if frame_kind == "ssl" else "vectors"
        values, _, names = _embeddings(items, settings, output, False, quiet)
        return values, [frame_kind] if output == "frames" else names
    if frame_kind is None:
        table, _ = _functionals(items, "egemaps", 2, False, quiet)
        return table.to_numpy(), list(table.columns)
    features, _ = _frames(items, frame_kind, 2, False, quiet)
    return features, [frame_kind]


def _features(items, frame_kind, quiet, cache, ssl=None, views=None):
    """The features of audio ``items``, read from ``cache`` (a folder, or None
    for none) where an earlier run extracted the same files, unchanged (and,
    for the embeddings of ``ssl``, with the same model and layer). With
    ``views`` = (N, seed), those of N perturbed views of each file too: see
    :func:`_extracted_views`."""
    stats = [os.stat(path) for path in items]
    files = [(p, s.st_size, s.st_mtime_ns) for p, s in zip(items, stats, strict=True)]
    key = (ssl.model, ssl.layer, model_files(ssl.model)) if ssl else None
    device = ssl.device if ssl else "cpu"
    extract, how = _extracted, frame_kind
    if views is not None:
        extract, how = _extracted_views, views
    args = (files, how, __version__, quiet, key, device)
    if cache is None:
        return extract(*args)
    memory = joblib.Memory(cache, verbose=0)
    cached = memory.cache(extract, ignore=["quiet", "device"])
    if not quiet and not cached.check_call_in_cache(*args):
        print(
            f"aae-sklearn: extracting {_plural(len(files), 'file')} once; kept in "
            f"{cache}",
            file=sys.stderr,
        )
    return cached(*args)


def _compare_data(
    source,
    group_column,
    quiet,
    frame_kind=None,
    cache=None,
    labels=True,
    ssl=None,
    views=None,
):
    """X, y, groups, categories (None if unknown) and feature names of ``--data``,
    and with augmented views each row's recording and view (None without).

    With a ``frame_kind``, ``--data`` is an audio folder and X its frame
    sequences (a 1-D object array); otherwise X is a 2-D array of functionals,
    or with ``ssl`` (the settings of ``--ssl-model``) of the embeddings of an
    audio folder. The features of audio are kept in the folder ``cache``
    (None: not kept).
    Without ``labels`` (unlabeled speech), a table needs neither targets nor
    the group column, and an audio folder no corpus layout (its subfolders are
    its speakers): y and the categories are then None, and so are the groups
    of a table without the group column or a folder without subfolders.
    ``views`` = (N, seed): N perturbed views of each file of an audio folder
    (``--augment``); a table holds its own (a column ``view``).
    """
    if source in BUNDLED:
        load, corpus = BUNDLED[source]
        data = load()
        return Bunch(
            source=f"the bundled {corpus} table",
            name=corpus,
            data=data.data,
            target=data.target,
            groups=data.groups,
            categories=data.frame["emotion"].to_numpy(),
            target_names=data.target_names,
            feature_names=data.feature_names,
            recording=None,
            view=None,
        )
    path = Path(source)
    if path.is_dir():
        corpus, name = _audio_corpus(path, labels)
        extracted = _features(list(corpus.data), frame_kind, quiet, cache, ssl, views)
        features, names = extracted[:2]
        rows = extracted[2] if views else slice(None)
        category = _category_column(corpus.frame)  # None: plain unlabeled audio
        categories = None if category is None else corpus.frame[category].to_numpy()
        return Bunch(
            source=str(path),
            name=name,
            data=features,
            target=_rows(corpus.target, rows),
            groups=_rows(corpus.groups, rows),
            categories=_rows(categories, rows),
            target_names=corpus.target_names,
            feature_names=names,
            recording=extracted[2] if views else None,
            view=extracted[3] if views else None,
        )
    table = _read_table(path)
    if not labels:
        _refuse_views(table, path)
    if labels:
        _require_columns(table, TARGETS, path)
        _require_group_column(table, group_column, path)
    columns = _feature_columns(table, {*TARGETS, group_column}, path)
    data = Bunch(
        source=str(path),
        name=path.stem,
        data=_matrix(table, columns, path),
        target=None,
        groups=None,
        categories=None,
        target_names=TARGETS,
        feature_names=columns,
        recording=None,
        view=None,
    )
    if group_column in table.columns:
        data.groups = table[group_column].to_numpy()
    if "view" in table.columns:
        data.recording, data.view = _table_views(table, path, data.groups)
    if not labels:
        return data
    data.target = _matrix(table, TARGETS, path, what="target")
    empty = [
        t
        for t, ok in zip(TARGETS, np.isfinite(data.target).all(axis=0), strict=True)
        if not ok
    ]
    if empty:
        raise ValueError(f"{path}: target column(s) {_names(empty)} have empty rows.")
    category = _category_column(table)
    if category is not None:
        data.categories = table[category].to_numpy()
    return data


def _rows(values, rows):
    """``values`` (an array, or None) at ``rows``."""
    return None if values is None else np.asarray(values)[rows]


def _check_same_features(train, test):
    """Fail unless both corpora have the same features, in the same order."""
    if list(train.feature_names) == list(test.feature_names):
        return
    missing = [c for c in train.feature_names if c not in set(test.feature_names)]
    extra = [c for c in test.feature_names if c not in set(train.feature_names)]
    detail = (
        f"missing {_names(missing)}" * bool(missing)
        + "; " * bool(missing and extra)
        + f"extra {_names(extra)}" * bool(extra)
    ) or "the same columns in another order"
    raise ValueError(
        f"{test.source}: its features differ from those of {train.source} ({detail})."
    )


def _shared_classes(train, test, task):
    """Row positions of ``train`` and ``test`` to keep: every row, or for emotion
    classes the rows of the classes both corpora have. Says what it leaves out."""
    every = np.arange(len(train.data)), np.arange(len(test.data)), None
    if task.name != "categories":
        return every
    y_train, y_test = task.target(train), task.target(test)
    shared = sorted(set(y_train) & set(y_test))
    if len(shared) < 2:
        raise ValueError(
            f"{train.source} and {test.source} share "
            f"{_plural(len(shared), 'emotion class', 'emotion classes')} "
            f"({_names(shared)}); classes across corpora need at least 2 in common."
        )
    keep = np.isin(y_train, shared), np.isin(y_test, shared)
    for data, kept, y in ((train, keep[0], y_train), (test, keep[1], y_test)):
        if not kept.all():
            left = sorted(set(y[~kept]))
            print(
                f"aae-sklearn: note: {data.source}: {_plural((~kept).sum(), 'row')} of "
                f"{_names(left)} left out: classes the other corpus lacks.",
                file=sys.stderr,
            )
    return np.flatnonzero(keep[0]), np.flatnonzero(keep[1]), shared


def _take(data, rows):
    """The rows ``rows`` of the arrays of a ``_compare_data`` Bunch."""
    categories = None if data.categories is None else np.asarray(data.categories)[rows]
    return Bunch(
        data=data.data[rows],
        target=data.target[rows],
        groups=np.asarray(data.groups)[rows],
        categories=categories,
    )


def _cross_corpus(train, test, task):
    """Both corpora as one data set, and the split that trains on the first.

    Returns the joined data (groups named ``corpus:speaker``, and a column
    ``corpus``, for the normalisations), the one (train, test) split, and the
    shared classes (None for dimensions).
    """
    _check_same_features(train, test)
    # Classes: both corpora need them; task.target says which lacks them.
    rows_train, rows_test, shared = _shared_classes(train, test, task)
    parts = [_take(train, rows_train), _take(test, rows_test)]
    names = [train.name, test.name]
    if names[0] == names[1]:
        names = ["train", "test"]
    if train.data.dtype == object:  # frame sequences, one array per row
        data = np.empty(sum(len(p.data) for p in parts), dtype=object)
        for row, frames in enumerate([*parts[0].data, *parts[1].data]):
            data[row] = frames
    else:
        data = np.vstack([p.data for p in parts])
    categories = (
        None
        if train.categories is None or test.categories is None
        else np.concatenate([p.categories for p in parts])
    )
    joined = Bunch(
        source=f"{train.source} -> {test.source}",
        data=data,
        target=np.concatenate([p.target for p in parts]),
        groups=np.concatenate(
            [
                np.array([f"{name}:{g}" for g in part.groups], dtype=object)
                for name, part in zip(names, parts, strict=True)
            ]
        ),
        corpus=np.repeat(names, [len(p.data) for p in parts]).astype(object),
        categories=categories,
        target_names=train.target_names,
    )
    n_train = len(parts[0].data)
    joined.recording = joined.view = None
    if getattr(train, "view", None) is not None:  # the test corpus has none
        n_test = len(parts[1].data)
        recordings = np.asarray(train.recording, dtype=object)[rows_train]
        tested = np.array([f"test:{i}" for i in range(n_test)], dtype=object)
        joined.recording = np.concatenate([recordings, tested])
        joined.view = np.concatenate([np.asarray(train.view)[rows_train], [0] * n_test])
    split = (np.arange(n_train), np.arange(n_train, len(joined.data)))
    return joined, split, shared


def _pool_data(
    sources, labeled, group_column, quiet, frame_kind=None, cache=None, ssl=None
):
    """The unlabeled speech of ``--unlabeled``: the rows of every source, joined.

    Each source is read as ``--data`` is (:func:`_compare_data`), without its
    labels, and must have the features of ``labeled`` (the ``--data`` Bunch)
    in the same order.

    Returns
    -------
    pool : Bunch
        ``data`` (the rows of every source), ``groups`` (each row's speaker,
        or its source where the source does not know its speakers: a table
        without the group column), ``corpus`` (each row's source), both unique
        across sources, and ``parts``: per source, ``source`` (as given),
        ``name``, ``kind`` (bundled table, audio folder or table),
        ``n_samples`` and ``speakers`` (whether its speakers are known).
    """
    parts, arrays, groups = [], [], []
    for number, source in enumerate(sources):
        data = _compare_data(
            source, group_column, quiet, frame_kind, cache, labels=False, ssl=ssl
        )
        n_samples = len(data.data)
        if not n_samples:
            raise ValueError(f"{data.source}: no rows of unlabeled speech.")
        _check_same_features(labeled, data)
        if source in BUNDLED:
            kind = "bundled table"
        elif Path(source).is_dir():
            kind = "audio folder"
        else:
            kind = "table"
        speakers = data.groups is not None
        if speakers:
            groups += [f"{number}:{g}" for g in data.groups]
        else:
            groups += [str(number)] * n_samples
        arrays.append(data.data)
        parts.append(
            Bunch(
                source=source,
                name=data.name,
                kind=kind,
                n_samples=n_samples,
                speakers=speakers,
            )
        )
    return Bunch(
        # Frame sequences join as 1-D object arrays, functionals as 2-D arrays.
        data=np.concatenate(arrays),
        groups=np.array(groups, dtype=object),
        corpus=np.repeat(np.arange(len(parts)), [p.n_samples for p in parts]),
        parts=parts,
    )


def _frame_kind(args):
    """The frame kind of ``--features frames``, None for vectors (functionals)."""
    if args.features != "frames":
        if args.frame_kind is not None:
            raise _UsageError("--frame-kind needs --features frames.")
        if args.features == "egemaps":
            return None
    sources = [("--data", args.data), ("--test-data", args.test_data)]
    sources += [("--unlabeled", source) for source in args.unlabeled or ()]
    for option, source in sources:
        if source is None:
            continue
        path = Path(source)
        if source in BUNDLED or path.is_file():
            table = "the bundled table" if source in BUNDLED else str(path)
            raise _UsageError(
                f"--features {args.features} needs an audio folder as {option}, not "
                f"{table}: its features are extracted from audio."
            )
        if not path.is_dir():
            raise ValueError(f"{path}: no such folder.")
    return None if args.features == "ssl" else args.frame_kind or FRAME_KINDS[0]
