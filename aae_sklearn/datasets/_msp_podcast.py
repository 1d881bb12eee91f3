"""Loader of the MSP-Podcast consensus label table."""

# License: BSD-3-Clause

import csv
import io
from pathlib import Path

import pandas as pd

from ._corpus import Corpus, Ratings, load_corpus
from ._docs import _document

_MSP_COLUMNS = ["FileName", "EmoClass", "EmoAct", "EmoVal", "EmoDom", "SpkrID"]
_MSP_COLUMNS += ["Gender", "Split_Set"]
# Valence, activation and dominance: means of 7-point manikin ratings.
_RATINGS = Ratings(("EmoVal", "EmoAct", "EmoDom"), low=1, high=7)

MSP_PODCAST_DESCR = """\
MSP-Podcast (local copy)
------------------------

Naturalistic emotional speech: speaking turns from podcasts, retrieved to balance
the emotional content and annotated by crowd workers. Each turn has a consensus
category (EmoClass) and arousal, valence and dominance on 7-point
self-assessment-manikin scales, averaged over at least five workers, plus speaker,
gender and the official partition (Split_Set).

:Targets: valence, activation, dominance rescaled from [1, 7] to [-1, 1]
:Groups: SpkrID (turns of unidentified speakers share the group "Unknown")

Licence: released by the MSP Lab, The University of Texas at Dallas, under an
academic licence agreement (commercial licences apart); not redistributable.
Lotfian R, Busso C (2019) Building naturalistic emotionally balanced speech corpus
by retrieving emotional speech from existing podcast recordings. IEEE Transactions
on Affective Computing 10(4): 471-483. https://doi.org/10.1109/TAFFC.2017.2736999
"""


def _read_csv_rows(path: Path):
    """Yield (first line number, fields) of each record of a UTF-8 CSV file."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValueError(f"{path}, line {line}: not UTF-8 text.") from exc
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    while True:
        number = reader.line_num + 1
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise ValueError(f"{path}, line {number}: {exc}.") from None
        yield number, fields


def _record(path: Path, number: int, header: list, fields: list, seen: dict) -> dict:
    """The row of the fields of line ``number``, its ratings as float; ``seen``
    maps each FileName read before to its line, and gets this one's."""
    if len(fields) != len(header):
        raise ValueError(
            f"{path}, line {number}: {len(fields)} fields, the header has "
            f"{len(header)}."
        )
    record = dict(zip(header, fields, strict=True))
    name = record["FileName"]
    if Path(name).name != name or not name.strip(" ."):
        raise ValueError(f"{path}, line {number}: FileName {name!r} is no file name.")
    if name in seen:
        raise ValueError(
            f"{path}, line {number}: FileName {name!r} repeats line {seen[name]}."
        )
    seen[name] = number
    for column in _RATINGS.columns:
        text, record[column] = record[column], _RATINGS.read(record[column])
        if record[column] is None:
            raise ValueError(
                f"{path}, line {number}: {column} is {text!r}, not a number in "
                f"{_RATINGS.scale}."
            )
    return record


def _index(root: Path) -> pd.DataFrame:
    """The rows of the label file of ``root``, their audio's path first."""
    path = root / "Labels" / "labels_consensus.csv"
    if not path.is_file():
        raise ValueError(f"{path}: no such file.")
    rows = _read_csv_rows(path)
    _, header = next(rows, (1, []))
    missing = [c for c in _MSP_COLUMNS if c not in header]
    if missing or len(set(header)) < len(header):
        raise ValueError(
            f"{path}, line 1: the header {header} lacks the columns {missing} or "
            "repeats a column."
        )
    records, seen = [], {}
    for number, fields in rows:
        if not fields:
            continue
        records.append(_record(path, number, header, fields, seen))
    if not records:
        raise ValueError(f"{path}: no data row.")
    frame = pd.DataFrame(records, columns=header)
    audio = [str(root / "Audios" / name) for name in frame["FileName"]]
    frame.insert(0, "path", audio)
    return frame


_MSP_PODCAST = Corpus(
    MSP_PODCAST_DESCR, _index, groups="SpkrID", classes="EmoClass", ratings=_RATINGS
)


@_document(
    column="EmoClass", classes="its letters", order="in the order of the label file"
)
def load_msp_podcast(root, *, target="dimensions", return_X_y=False):
    """Load MSP-Podcast's consensus labels and the paths of its audio files.

    Reads ``root/Labels/labels_consensus.csv`` (columns ``FileName, EmoClass,
    EmoAct, EmoVal, EmoDom, SpkrID, Gender, Split_Set``; further columns are
    kept); the audio of a row is ``root/Audios/<FileName>``. Empty lines are
    ignored.

    Parameters
    ----------
    root : str or path-like
        Folder of the release, holding ``Labels`` and ``Audios``.
    %(parameters)s

    %(audio_returns)s
        groups : ndarray of shape (n_samples,)
            SpkrID, as str.
        frame : pandas.DataFrame
            path, every column of the label file (ratings as float on their 1-7
            scale, the others as str, ``Split_Set`` included) and the targets.
    %(returns_end)s

    Raises
    ------
    ValueError
        If the label file is missing, lacks a column or holds no row, or a row
        has the wrong number of fields, an empty or repeated FileName, a rating
        that is not a number in [1, 7], or bytes that are not UTF-8. The message
        names the file and the line, counted from 1 at the header as an editor
        shows it.

    Notes
    -----
    The audio files are not opened or required. Arousal (EmoAct: 1 very calm - 7
    very active), valence (EmoVal: 1 very negative - 7 very positive) and
    dominance (EmoDom: 1 very weak - 7 very strong) are means of 7-point
    self-assessment-manikin ratings (Lotfian & Busso, 2019), rescaled linearly,
    ``2 * (rating - 1) / 6 - 1``. Turns of unidentified speakers have SpkrID
    ``"Unknown"`` and form one group in speaker-independent splits.

    References
    ----------
    Lotfian R., Busso C. (2019) Building naturalistic emotionally balanced speech
    corpus by retrieving emotional speech from existing podcast recordings. IEEE
    Transactions on Affective Computing 10(4): 471-483.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from aae_sklearn.datasets import load_msp_podcast
    >>> labels = Path(tempfile.mkdtemp(), "Labels", "labels_consensus.csv")
    >>> labels.parent.mkdir()
    >>> _ = labels.write_text(
    ...     "FileName,EmoClass,EmoAct,EmoVal,EmoDom,SpkrID,Gender,Split_Set\\n"
    ...     "MSP-PODCAST_0001_0008.wav,N,4.0,7.0,2.5,127,Female,Train\\n"
    ... )
    >>> msp = load_msp_podcast(labels.parents[1])
    >>> msp.groups.tolist(), msp.target.tolist()
    (['127'], [[1.0, 0.0, -0.5]])
    """
    return load_corpus(_MSP_PODCAST, root, target, return_X_y)
