"""Helpers shared by the corpus loaders: folders, ratings, the returned Bunch."""

# License: BSD-3-Clause

import os
import re
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

from ._ravdess import TARGET_NAMES, _targets, emotion_to_vad

# ASCII only: float() also accepts "1_0", "nan", "inf" and non-ASCII digits.
_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)


def _rescale_ratings(ratings, low, high):
    """Map ratings on the scale ``[low, high]`` linearly onto ``[-1, 1]``.

    Examples
    --------
    >>> _rescale_ratings([1.0, 2.5, 4.0], low=1, high=4).tolist()
    [-1.0, 0.0, 1.0]
    """
    return 2 * (np.asarray(ratings, dtype=np.float64) - low) / (high - low) - 1


def _rating(text: str, low: float, high: float) -> float | None:
    """``text`` as a number in ``[low, high]``, or None where it is not one."""
    if _NUMBER.fullmatch(text) is None:
        return None
    value = float(text)
    return value if low <= value <= high else None


def _folder(root) -> Path:
    path = Path(os.path.abspath(os.path.expanduser(os.fspath(root))))
    if not path.is_dir():
        raise ValueError(f"{path} is not a folder.")
    return path


def _named_files(root, parse):
    """One row per ``.wav``/``.flac`` file under ``root`` (searched
    recursively): its path, its path relative to ``root`` and the labels
    ``parse(path)`` reads from its name; a recording present twice (the same
    name, another folder or format) is an error naming both files."""
    # By the end of the name, not Path.suffix: that misses a file named ".wav".
    audio = [p for p in root.rglob("*") if p.name.lower().endswith((".wav", ".flac"))]
    files = sorted((p for p in audio if not p.is_dir()), key=str)
    if not files:
        raise ValueError(f"{root}: no .wav or .flac file in this folder.")
    rows, seen = [], {}
    for path in files:
        row = {"path": str(path), "file": path.relative_to(root).as_posix()}
        row.update(parse(path))
        stem = path.name.rsplit(".", 1)[0]
        if stem in seen:
            raise ValueError(f"{path}: the same recording as {seen[stem]}.")
        seen[stem] = path
        rows.append(row)
    return rows


def _bunch(frame, target, groups, descr, return_X_y, *, kind, column):
    """The Bunch (or pair) of a corpus loader; ``kind`` is its ``target``
    parameter, ``column`` the frame's column of emotion classes."""
    data = np.array(frame["path"].tolist(), dtype=object)
    target, names = _targets(frame, target, kind, column)
    if return_X_y:
        return data, target
    return Bunch(
        data=data,
        target=target,
        groups=np.asarray(groups),
        frame=frame,
        target_names=names,
        DESCR=descr,
    )


def _emotion_bunch(frame, speaker, descr, return_X_y, *, kind):
    """The Bunch (or pair) of a corpus labeled with emotion categories (its
    frame's column ``emotion``): valence, activation and dominance from
    ``EMOTION_VAD`` join the frame; ``speaker`` names the column of groups."""
    dimensions = emotion_to_vad(frame["emotion"])
    frame[TARGET_NAMES] = dimensions
    return _bunch(
        frame,
        dimensions,
        frame[speaker],
        descr,
        return_X_y,
        kind=kind,
        column="emotion",
    )
