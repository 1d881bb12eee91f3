r"""The corpus-loader engine: each corpus is described once, and these functions
scan its folder, check its labels and build the Bunch.

A :class:`Corpus` says where a corpus's labels are (``index``: its file names,
read by a :class:`FileNames`, or a function that reads its label files), which
column of its frame holds the groups (speakers) and which the emotion classes,
and how a row gets valence, activation and dominance: from :class:`Ratings` on
a scale, or from its class through ``EMOTION_VAD``. :func:`load_corpus` does
the rest. A bundled feature table is a :class:`Table`, read by
:func:`load_table`.

Adding a corpus takes a short module, its description and a loader that hands
it to :func:`load_corpus`, and a test on a tree of empty files. CREMA-D, for
one, names its files ``ActorID_Sentence_Emotion_Level``; EMOVO's
``emotion-speaker-sentence`` names differ only in the pattern:

>>> import re, tempfile
>>> from pathlib import Path
>>> pattern = re.compile(r"(?P<actor>\d{4})_(?P<sentence>\w{3})_(?P<code>\w{3})_\w{2}")
>>> names = {"ANG": "angry", "DIS": "disgust", "FEA": "fearful"}
>>> names |= {"HAP": "happy", "NEU": "neutral", "SAD": "sad"}
>>> emotion = {code: {"emotion": name} for code, name in names.items()}
>>> crema_d = Corpus(
...     "CREMA-D (local copy)",
...     FileNames(
...         pattern,
...         "expected a name ActorID_Sentence_Emotion_Level (1001_DFA_ANG_XX.wav)",
...         fields=(
...             Field("actor", convert=int),
...             Field("sentence"),
...             Field("code", emotion, label="emotion", known="CREMA-D's are"),
...         ),
...     ),
...     groups="actor",
... )
>>> root = Path(tempfile.mkdtemp())
>>> (root / "1001_DFA_ANG_XX.wav").touch()
>>> load_corpus(crema_d, root).frame[["actor", "sentence", "emotion"]].values.tolist()
[[1001, 'DFA', 'angry']]
"""

# License: BSD-3-Clause

import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._vad import TARGET_NAMES, emotion_to_vad

# ASCII only: float() also accepts "1_0", "nan", "inf" and non-ASCII digits.
_NUMBER = re.compile(r"\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?\s*", re.ASCII)


@dataclass(frozen=True)
class Field:
    """One field of a corpus's file names, a named group of their pattern.

    Parameters
    ----------
    group : str
        The group of :attr:`FileNames.pattern` that holds the field.
    codes : mapping of str to dict, default=None
        The field's known codes and the columns each gives the row, such as
        ``{"W": {"emotion_code": "W", "emotion": "angry"}}``; any other code is
        an error. None takes whatever the pattern admits, as the column
        ``group``.
    label : str, default=""
        How an error names the field, such as ``"speaker (SS)"``.
    known : str, default=""
        What an error says before the list of codes, such as ``"EmoDB's are"``.
    key : callable, default=None
        Maps the field's text to its code before the look-up, where several
        spellings mean one code (``\\d`` matches the digits of every script).
    convert : callable, default=str
        Without ``codes``: the column's value from the field's text.
    """

    group: str
    codes: Mapping[str, dict] | None = None
    label: str = ""
    known: str = ""
    key: Callable[[str], str] | None = None
    convert: Callable[[str], object] = str

    def decode(self, path: Path, text: str) -> dict:
        """The columns ``text`` gives; ValueError naming ``path`` and the field."""
        if self.codes is None:
            return {self.group: self.convert(text)}
        code = text if self.key is None else self.key(text)
        if code not in self.codes:
            raise ValueError(
                f"{path}: {self.label} is {text!r}; {self.known} "
                f"{', '.join(self.codes)}."
            )
        return self.codes[code]


@dataclass(frozen=True)
class FileNames:
    """The labels a corpus writes into the names of its audio files.

    Called with a folder, it returns one row per ``.wav`` or ``.flac`` file
    under it (searched recursively): ``path``, ``file`` (relative to the
    folder) and the columns of the fields, in the order of ``fields``.

    Parameters
    ----------
    pattern : re.Pattern
        Matches the whole name less its extension; one named group per field.
    expected : str or callable
        The error where the pattern does not match, after the file's path; a
        callable gets the name less its extension.
    fields : tuple of Field
        Read and checked in this order; the first bad one is the error.
    columns : tuple of str, default=None
        The row's columns in this order, where it is not that of ``fields``.
    check : callable, default=None
        ``check(path, row)`` raises ValueError where the fields, each valid,
        do not go together.
    """

    pattern: re.Pattern
    expected: str | Callable[[str], str]
    fields: tuple[Field, ...]
    columns: tuple[str, ...] | None = None
    check: Callable[[Path, dict], None] | None = None

    def parse(self, path: Path) -> dict:
        """The labels in the name of ``path``; ValueError naming what is wrong."""
        stem = path.name.rsplit(".", 1)[0]
        match = self.pattern.fullmatch(stem)
        if match is None:
            expected = self.expected(stem) if callable(self.expected) else self.expected
            raise ValueError(f"{path}: {expected}.")
        row = {}
        for field in self.fields:
            row.update(field.decode(path, match[field.group]))
        if self.check is not None:
            self.check(path, row)
        return row if self.columns is None else {c: row[c] for c in self.columns}

    def __call__(self, root: Path) -> pd.DataFrame:
        """The frame of the audio files under ``root``."""
        return pd.DataFrame(_named_files(root, self.parse))


@dataclass(frozen=True)
class Ratings:
    """Valence, activation and dominance rated on a scale ``[low, high]``.

    Parameters
    ----------
    columns : tuple of str
        The frame's columns of the valence, activation and dominance ratings.
    low, high : float
        The ends of the scale, mapped onto -1 and 1.
    """

    columns: tuple[str, str, str]
    low: float
    high: float

    @property
    def scale(self) -> list:
        """``[low, high]``, as errors show the scale."""
        return [self.low, self.high]

    def read(self, text: str) -> float | None:
        """``text`` as a rating, or None where it is no number on the scale."""
        return _rating(text, self.low, self.high)

    def dimensions(self, frame: pd.DataFrame) -> np.ndarray:
        """The ratings of ``frame`` rescaled to [-1, 1]."""
        return _rescale_ratings(frame[list(self.columns)], self.low, self.high)


@dataclass(frozen=True)
class Corpus:
    """A corpus of audio files: where its labels are and what they mean.

    Parameters
    ----------
    descr : str
        The Bunch's ``DESCR``.
    index : callable
        ``index(root)``: the frame of the corpus in the folder ``root``, one
        row per utterance, its audio's path in the column ``path`` (a
        :class:`FileNames`, or a function reading label files); it raises
        ValueError naming the file at fault.
    groups : str
        The frame's column of groups (speakers).
    classes : str, default="emotion"
        The frame's column of emotion classes, the targets of
        ``target="categories"``.
    ratings : Ratings, default=None
        Where the dimensions come from; None places each class by
        ``EMOTION_VAD``.
    """

    descr: str
    index: Callable[[Path], pd.DataFrame]
    groups: str
    classes: str = "emotion"
    ratings: Ratings | None = None

    def dimensions(self, frame: pd.DataFrame) -> np.ndarray:
        """Valence, activation and dominance in [-1, 1] of each row."""
        if self.ratings is None:
            return emotion_to_vad(frame[self.classes])
        return self.ratings.dimensions(frame)


def load_corpus(corpus, root, target="dimensions", return_X_y=False):
    """The Bunch (or pair) of the audio paths and labels of ``corpus`` in
    ``root``, as its loader returns it; ``target`` and ``return_X_y`` are the
    loader's parameters."""
    _check_target(target)
    frame = corpus.index(_folder(root))
    dimensions = corpus.dimensions(frame)
    frame[TARGET_NAMES] = dimensions
    data = np.array(frame["path"].tolist(), dtype=object)
    y, names = _targets(frame, dimensions, target, corpus.classes)
    if return_X_y:
        return data, y
    return Bunch(
        data=data,
        target=y,
        groups=np.asarray(frame[corpus.groups]),
        frame=frame,
        target_names=names,
        DESCR=corpus.descr,
    )


@dataclass(frozen=True)
class Table:
    """A feature table shipped in ``aae_sklearn/datasets/data``.

    Parameters
    ----------
    file : str
        Its gzipped CSV file in ``data``.
    labels : sequence of str
        Its label columns, ``emotion`` and ``groups`` among them, first in the
        frame; every other column is a feature.
    groups : str
        Its column of groups (speakers).
    descr : str
        The Bunch's ``DESCR``.
    """

    file: str
    labels: Sequence[str]
    groups: str
    descr: str


def load_table(table, target="dimensions", return_X_y=False):
    """The Bunch (or pair) of a bundled feature table: the features, and the
    targets from its column ``emotion``."""
    _check_target(target)
    source = resources.files("aae_sklearn.datasets") / "data" / table.file
    with resources.as_file(source) as path:
        values = pd.read_csv(path, compression="gzip")
    labels = list(table.labels)
    feature_names = [c for c in values.columns if c not in labels]
    targets = pd.DataFrame(emotion_to_vad(values["emotion"]), columns=TARGET_NAMES)
    frame = pd.concat([values[labels], targets, values[feature_names]], axis=1)
    X = values[feature_names].to_numpy(dtype=np.float64)
    y, names = _targets(values, targets.to_numpy(), target, "emotion")
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        groups=values[table.groups].to_numpy(),
        frame=frame,
        feature_names=feature_names,
        target_names=names,
        DESCR=table.descr,
    )


def _check_target(target):
    """Raise unless ``target`` is a loader's ``target`` option."""
    if target not in ("dimensions", "categories"):
        raise ValueError(
            f"target must be 'dimensions' or 'categories', got {target!r}."
        )


def _targets(frame, dimensions, target, column):
    """The ``target`` array and ``target_names`` of a loader."""
    if target == "categories":
        return frame[column].to_numpy(dtype=object), [column]
    return dimensions, list(TARGET_NAMES)


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
