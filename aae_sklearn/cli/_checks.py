"""What ``compare`` checks of its options before its fits: usage errors, and
a warning where few labeled rows are left."""

# License: BSD-3-Clause

import sys
from pathlib import Path

import numpy as np

from .._training import resolve_device
from ._corpora import BUNDLED
from ._io import _plural, _UsageError
from ._pool import _check_pool_sources
from ._views import _n_views


def _check_device(device):
    """A usage error where ``--device`` names no device of this machine."""
    try:
        resolve_device(device)
    except ValueError as exc:  # its message names device=..., the parameter
        raise _UsageError(str(exc).replace("device=", "--device ")) from None


def _check_options(args):
    """Usage errors of ``--device`` and of the options that go together:
    ``--test-data``, ``--adapt``, ``--folds``, ``--normalize corpus``,
    ``--unlabeled``, ``--resume`` and ``--overwrite``."""
    _check_device(args.device)
    for option in ("resume", "overwrite"):
        if getattr(args, option) and args.out is None:
            raise _UsageError(f"--{option} needs --out: the folder of the stopped run.")
    if args.resume and args.overwrite:
        raise _UsageError(
            "--resume keeps the stopped run's fits, --overwrite discards them: "
            "choose one."
        )
    if args.test_data is None:
        if args.adapt:
            raise _UsageError("--adapt needs --test-data: the corpus to adapt to.")
        if args.normalize == "corpus" and not args.unlabeled:
            raise _UsageError(
                "--normalize corpus needs --test-data or --unlabeled; within one "
                "corpus, use speaker or none."
            )
    elif args.folds is not None:
        raise _UsageError(
            "--folds has no use with --test-data: the models train on all of --data "
            "and are tested on all of --test-data."
        )
    _check_pool_sources(args)
    _check_augment(args)


def _check_augment(args):
    """Usage errors of ``--augment`` (``compare`` and ``fit``): views of
    feature vectors, from audio."""
    if not args.augment:
        return
    if getattr(args, "features", None) == "frames":
        raise _UsageError(
            "--augment makes views of feature vectors; a frame model takes "
            "masked views of its frames instead (AAE consistency_view='masking')."
        )
    if args.data in BUNDLED:
        raise _UsageError(
            f"--augment makes views of audio, and {args.data} is a bundled table "
            "of features: pass the corpus's audio folder."
        )


def _check_views(args, data, option="--data"):
    """Errors of the views of ``data`` (a ``_compare_data`` Bunch): a test
    corpus holds recordings as read; ``--augment`` on a table needs the table's
    own views."""
    n_views = _n_views(data)
    if option != "--data":
        if n_views:
            raise ValueError(
                f"{data.source}: its column 'view' holds augmented views; the "
                f"rows of {option} are recordings as read: keep those of view 0."
            )
        return
    if not args.augment or not Path(args.data).is_file():
        return
    if not n_views:
        raise _UsageError(
            f"--augment {args.augment} makes views of audio, and {data.source} is "
            "a table without views: write one with 'aae-sklearn extract "
            f"--augment {args.augment}', or pass the audio folder."
        )
    if n_views != args.augment:
        raise _UsageError(
            f"{data.source} holds {_plural(n_views, 'view')} of each file, and "
            f"--augment asks for {args.augment}: leave --augment out to use the "
            "table's views."
        )


def _check_folds(folds, groups):
    """A usage error where ``--folds`` (6 if None) exceeds the speakers."""
    n_speakers = len(np.unique(groups))
    if (folds or 6) <= n_speakers:
        return
    given = f"--folds {folds}" if folds else "the default --folds 6"
    fix = f"use --folds {n_speakers} or fewer" if n_speakers > 1 else "it needs 2"
    raise _UsageError(
        f"{given} asks for more folds than the data have speakers ({n_speakers}), "
        f"and each fold tests speakers of its own: {fix}."
    )


#: Labeled rows of a training fold (of each class, for emotion classes) under
#: which the scores say little.
FEW_LABELED = {"dimensions": 10, "categories": 5}


def _fewest_labeled(task, y_train, rows):
    """The labeled ``rows`` of a training fold: their number, or with emotion
    classes the fewest of a class, and that class."""
    if task.name == "dimensions":
        return len(rows), None
    return min((np.sum(y_train[rows] == c), c) for c in np.unique(y_train))


def _check_labeled(task, y, splits, labeled):
    """Warn, in a line per ``--labeled-fraction``, where a training fold of
    ``splits`` keeps fewer ``labeled`` rows than :data:`FEW_LABELED`; a
    usage error where it keeps none."""

    def rows(fold):
        size = len(splits[fold][0])
        if len(splits) == 1:  # across corpora: all of --data
            return f"the {size} rows of --data"
        return f"fold {fold + 1}'s {size} training rows"

    few = FEW_LABELED[task.name]
    for fraction in dict.fromkeys(fraction for fraction, _ in labeled):
        for fold, (train, _) in enumerate(splits):
            if len(labeled[fraction, fold]) == 0:
                raise _UsageError(
                    f"--labeled-fraction {fraction:g} keeps no labeled row in "
                    f"{rows(fold)}: give at least {1 / len(train):.2g}."
                )
        n, label, fold = min(
            (*_fewest_labeled(task, y[train], labeled[fraction, fold]), fold)
            for fold, (train, _) in enumerate(splits)
        )
        if n < few:
            of, per = ("", "") if label is None else (f" of class '{label}'", " each")
            print(
                f"aae-sklearn: warning: --labeled-fraction {fraction:g} keeps "
                f"{_plural(n, 'labeled row')}{of} in {rows(fold)}; with fewer than "
                f"{few}{per}, the scores say little.",
                file=sys.stderr,
            )
