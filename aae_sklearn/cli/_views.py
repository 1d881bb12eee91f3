"""``extract --augment``: the features of each file and of perturbed views of it."""

# License: BSD-3-Clause

import sys
import warnings

import numpy as np
import pandas as pd
from tqdm import tqdm

from ..exceptions import AudioError, SkippedAudioWarning
from ..features import AudioViews, OpenSmileFunctionals, SSLEmbeddings
from ._io import FEATURE_SETS, _plural

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
