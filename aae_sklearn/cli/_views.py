"""Augmented views: ``extract --augment`` (the features of each file and of
perturbed views of it), and the folds and labeled rows of ``compare`` and
``fit`` on them."""

# License: BSD-3-Clause

import sys
import warnings

import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold
from sklearn.utils import Bunch
from tqdm import tqdm

from ..exceptions import AudioError, SkippedAudioWarning
from ..features import AudioViews, OpenSmileFunctionals, SSLEmbeddings
from ._io import FEATURE_SETS, _names, _plural

_RATE = 16000


def _extractor(args, ssl):
    """The feature extractor of ``--features``; it skips the views it cannot
    take, which :func:`_check_views` reports."""
    if ssl is None:
        return OpenSmileFunctionals(
            feature_set=FEATURE_SETS[args.features], n_jobs=args.n_jobs, on_error="skip"
        )
    return SSLEmbeddings(
        model=ssl.model,
        layer=ssl.layer,
        output="vectors",
        device=ssl.device,
        on_error="skip",
    )


def _check_views(views, pairs, kept, extractor, skip_bad):
    """Report the views without features: an error, or with ``--skip-bad`` a
    line each."""
    for row in sorted(set(range(len(views))) - set(kept.tolist())):
        reason = "no features."
        try:  # again, alone, for the reason
            extractor.set_params(on_error="raise").extract([pairs[row]])
        except AudioError as exc:
            reason = str(exc).partition(": ")[2]
        finally:
            extractor.set_params(on_error="skip")
        file, view = views["file"].iloc[row], views["view"].iloc[row]
        if not skip_bad:
            raise AudioError(
                f"Cannot extract features from view {view} of file '{file}': "
                f"{reason} Pass --skip-bad to leave such views out."
            )
        print(f"aae-sklearn: skipped view {view} of {file}: {reason}", file=sys.stderr)


def _augmented_features(items, args, ssl):
    """The features of each of ``items`` (paths) and of ``args.augment`` views
    of it, as a DataFrame; and the position in ``items`` and the view of each
    row.

    The files are read a block at a time, so that the views of a corpus are
    never all in memory; the block's items keep their positions, which seed
    their views, so that the views do not depend on the block size (--jobs).
    """
    extractor = _extractor(args, ssl)
    augmenter = AudioViews(
        n_views=args.augment,
        sampling_rate=_RATE,
        random_state=args.random_state,
        on_error="skip" if args.skip_bad else "raise",
        n_jobs=args.n_jobs,
    )
    sources = pd.Series(items)
    step = 32 * max(1, args.n_jobs)
    values, rows, read = [], [], set()
    desc = f"extracting {args.features} of {_plural(args.augment + 1, 'view')}"
    bar = tqdm(total=len(items), desc=desc, unit="file", disable=args.quiet)
    with bar, warnings.catch_warnings():
        warnings.simplefilter("ignore", SkippedAudioWarning)  # reported below
        for start in range(0, len(items), step):
            block = sources.iloc[start : start + step]
            views = augmenter.fit_transform(block)
            read.update(views["source"])
            if views.empty:
                bar.update(len(block))
                continue
            pairs = [(signal, _RATE) for signal in views["signal"]]
            features, kept = extractor.extract(pairs)
            _check_views(views, pairs, kept, extractor, args.skip_bad)
            values.append(features)
            rows.append(views.iloc[kept][["source", "view"]])
            bar.update(len(block))
    for position in sorted(set(range(len(items))) - read):
        print(f"aae-sklearn: skipped unreadable {items[position]}", file=sys.stderr)
    rows = pd.concat(rows) if rows else pd.DataFrame(columns=["source", "view"])
    if rows.empty:
        raise ValueError(
            f"none of the {_plural(len(items), 'audio file')} could be read."
            if len(items) > 1
            else "the audio file could not be read."
        )
    names = extractor.get_feature_names_out()
    features = pd.DataFrame(np.concatenate(values), columns=names)
    return features, rows["source"].to_numpy(), rows["view"].to_numpy()


# -- compare and fit on views ---------------------------------------------------


def _originals(data):
    """A mask of the rows of ``data`` that are recordings as read (all, where
    it holds no views), and each row's recording (its position, without)."""
    n = len(data.data)
    if getattr(data, "view", None) is None:
        return np.ones(n, dtype=bool), np.arange(n)
    return np.asarray(data.view) == 0, np.asarray(data.recording)


def _recording_splits(data, n_folds):
    """Speaker-grouped folds over the recordings of ``data``: each fold's
    training rows are its recordings with their views, its test rows the
    test speakers' recordings as read, never a view."""
    original, recording = _originals(data)
    rows = np.flatnonzero(original)
    groups = np.asarray(data.groups)[rows]
    splits = []
    for train, test in GroupKFold(n_folds).split(rows, groups=groups):
        with_views = np.flatnonzero(np.isin(recording, recording[rows[train]]))
        splits.append((with_views, rows[test]))
    return splits


def _labeled_rows(original, recording, train, order, fraction):
    """The labeled positions (within ``train``) of a share ``fraction`` of the
    training fold's recordings, the first of the permutation ``order`` of
    them, each with its views."""
    units = np.flatnonzero(original[train])
    chosen = np.sort(units[order[: round(fraction * len(units))]])
    if len(units) == len(train):  # no views
        return chosen
    return np.flatnonzero(np.isin(recording[train], recording[train][chosen]))


def _n_views(data):
    """The most perturbed views of a recording in ``data`` (0: none)."""
    view = getattr(data, "view", None)
    return 0 if view is None else int(np.max(view))


def _extracted_views(files, views, version, quiet=True, ssl=None, device="cpu"):
    """The vector features of the audio ``files`` and of ``views`` = (N, seed)
    perturbed views of each (see :func:`_extracted`): the values, the feature
    names, and each row's file (its position) and view (0: as read)."""
    items = [path for path, _, _ in files]
    settings = Bunch(
        augment=views[0],
        random_state=views[1],
        features="egemaps",
        n_jobs=2,
        skip_bad=False,
        quiet=quiet,
    )
    if ssl is not None:
        ssl = Bunch(model=ssl[0], layer=ssl[1], device=device)
    features, positions, view = _augmented_features(items, settings, ssl)
    return features.to_numpy(), list(features.columns), positions, view


def _table_views(table, path, groups):
    """The recording (column ``file``) and view of each row of a table written
    by ``extract --augment``; an error where a view cannot be tied to its
    recording: no file column, a file without its view 0, or the views of one
    file given to two speakers (whose folds would part them)."""
    if "file" not in table.columns:
        raise ValueError(
            f"{path}: its column 'view' needs a column 'file' naming the "
            "recording of each view (extract --augment writes both)."
        )
    recording = table["file"].astype(str).to_numpy()
    view = pd.to_numeric(table["view"], errors="coerce").to_numpy()
    if np.isnan(view).any() or (view < 0).any() or (view % 1 != 0).any():
        raise ValueError(
            f"{path}: column 'view' holds something other than view numbers "
            "(0: the recording as read, 1, 2, ...: its perturbed views)."
        )
    originals = set(recording[view == 0])
    orphans = sorted(set(recording) - originals)
    if orphans:
        raise ValueError(
            f"{path}: {_plural(len(orphans), 'file')} ({_names(orphans, 3)}) have "
            "views but no row of view 0, the recording as read."
        )
    if groups is not None:
        speakers = pd.Series(np.asarray(groups, dtype=str)).groupby(recording)
        split = speakers.nunique()
        if (split > 1).any():
            raise ValueError(
                f"{path}: the views of file {split.index[split > 1][0]!r} belong "
                "to more than one speaker; the folds would put some in training "
                "and others in the test."
            )
    return recording, view.astype(int)
