"""The unlabeled pool of ``compare`` (``--unlabeled``): the checks of its
sources, the rows the autoencoder gets, and what the tables and results.json
say of it."""

# License: BSD-3-Clause

from pathlib import Path

import numpy as np

from ._data import BUNDLED
from ._io import _plural, _UsageError


def _same_source(source, other):
    """Whether two sources of data are one: the same keyword or the same path."""
    if source in BUNDLED or other in BUNDLED:
        return source == other
    return Path(source).resolve() == Path(other).resolve()


def _check_pool_sources(args):
    """Usage errors of ``--unlabeled``: a source given twice, ``--data`` or
    ``--test-data``."""
    given = []
    for source in args.unlabeled or ():
        if _same_source(source, args.data):
            where = (
                "the training data"
                if args.test_data
                else "in the folds, and the test speakers would leak into training"
            )
            raise _UsageError(
                f"--unlabeled {source} is --data itself: its rows are already {where}."
            )
        if args.test_data is not None and _same_source(source, args.test_data):
            raise _UsageError(
                f"--unlabeled {source} is --test-data: --adapt gives the autoencoder "
                "its speech."
            )
        if any(_same_source(source, other) for other in given):
            raise _UsageError(f"--unlabeled {source} is given twice.")
        given.append(source)


def _unlabeled(X_test, adapt, X_pool):
    """The autoencoder's ``X_unlabeled``: with ``adapt`` the test rows, then
    the rows of the pool ``X_pool`` (None: no pool); None for neither."""
    rows = [X for X in (X_test if adapt else None, X_pool) if X is not None]
    return np.concatenate(rows) if rows else None


def _pool_scaling(part, normalize):
    """How a source of the pool is normalised: as ``--normalize`` says, or as
    a whole where it does not know its speakers."""
    return "corpus" if normalize == "speaker" and not part.speakers else normalize


def _pool_label(part):
    """A source of the pool as the heading names it: its corpus, or the file
    name of a table."""
    return Path(part.source).name if part.kind == "table" else part.name


def _pool_heading(pool, normalize, group_column):
    """The pool's line under the tables' heading: its sources (with their
    sizes where there are several), its size and how it was normalised."""
    sources = []
    for part in pool.parts:
        about = ["bundled table"] if part.kind == "bundled table" else []
        if len(pool.parts) > 1:  # the total follows: one source's size is it
            about.append(str(part.n_samples))
        label = _pool_label(part)
        sources.append(f"{label} ({', '.join(about)})" if about else label)
    scaling = {
        "speaker": "per speaker",
        "corpus": "per source",
        "none": "not normalised",
    }[normalize]
    whole = [
        _pool_label(part)
        for part in pool.parts
        if _pool_scaling(part, normalize) != normalize
    ]
    if whole:
        scaling += f", {' and '.join(whole)} as a whole (no {group_column} column)"
    return (
        f"unlabeled pool: {' + '.join(sources)}, "
        f"{_plural(len(pool.data), 'utterance')}, {scaling}"
    )


def _pool_config(pool, normalize):
    """The sources of the pool, their sizes and normalisation, for results.json."""
    sources = [
        {
            "source": part.source,
            "name": part.name,
            "kind": part.kind,
            "n_samples": part.n_samples,
            "normalize": _pool_scaling(part, normalize),
        }
        for part in pool.parts
    ]
    return {"sources": sources, "n_samples": int(len(pool.data))}
