"""Loader of the IEMOCAP label files (EmoEvaluation)."""

# License: BSD-3-Clause

import re
from pathlib import Path

import pandas as pd

from ._corpus import Corpus, Ratings, load_corpus
from ._docs import _document
from ._vad import TARGET_NAMES

# The ratings of a line, each the mean of evaluators' 1-5 manikin ratings.
_RATINGS = Ratings(tuple(f"{t}_rating" for t in TARGET_NAMES), low=1, high=5)
_IEMOCAP_EMOTIONS = {
    "neu": "neutral",
    "fru": "frustrated",
    "ang": "angry",
    "sad": "sad",
    "hap": "happy",
    "exc": "excited",
    "sur": "surprised",
    "fea": "fearful",
    "dis": "disgust",
    "oth": "other",
    "xxx": "no agreement",
}
_NUM = r"[0-9]+(?:\.[0-9]+)?"
_IEMOCAP_LINE = re.compile(
    rf"\[(?P<start>{_NUM})\s*-\s*(?P<end>{_NUM})\]\s+(?P<utterance>\S+)\s+"
    rf"(?P<category>\S+)\s+\[(?P<v>{_NUM}),\s*(?P<a>{_NUM}),\s*(?P<d>{_NUM})\]",
    re.ASCII,
)
_IEMOCAP_UTTERANCE = re.compile(
    r"(?P<session>Ses[0-9]{2})[FM]_\w+_(?P<gender>[FM])\w*", re.ASCII
)

IEMOCAP_DESCR = """\
IEMOCAP (local copy)
--------------------

The Interactive Emotional Dyadic Motion Capture database: about 12 hours of
improvised and scripted dyadic sessions by 10 actors (5 sessions, one woman and one
man each), segmented into utterances. Each utterance has a category (majority of at
least three evaluators) and valence, activation and dominance on a 1-5
self-assessment-manikin scale (mean of at least two evaluators).

:Targets: valence, activation, dominance rescaled from [1, 5] to [-1, 1]
:Groups: speaker, session + sex (``Ses01_F``, ..., ``Ses05_M``)

Licence: distributed by SAIL, University of Southern California, under a licence
agreement for research use; not redistributable.
Busso C, Bulut M, Lee C-C, Kazemzadeh A, Mower E, Kim S, Chang JN, Lee S,
Narayanan SS (2008) IEMOCAP: Interactive emotional dyadic motion capture database.
Language Resources and Evaluation 42(4): 335-359.
https://doi.org/10.1007/s10579-008-9076-6
"""


def _read_lines(path: Path):
    """Yield (line number, text) of a UTF-8 file; ValueError on other bytes."""
    for number, raw in enumerate(path.read_bytes().split(b"\n"), start=1):
        try:
            yield number, raw.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"{path}, line {number}: not UTF-8 text.") from exc


def _parse_iemocap_line(text: str, session: int) -> dict:
    """One utterance line as a row; ValueError saying what is wrong with it."""
    match = _IEMOCAP_LINE.fullmatch(text)
    if match is None:
        raise ValueError("not [START - END] UTTERANCE CATEGORY [V, A, D]")
    start, end = float(match["start"]), float(match["end"])
    if end < start:
        raise ValueError("the utterance ends before it starts")
    utterance = _IEMOCAP_UTTERANCE.fullmatch(match["utterance"])
    if utterance is None:
        raise ValueError("not an utterance id like Ses01F_impro01_F000")
    if utterance["session"] != f"Ses{session:02d}":
        raise ValueError(f"an utterance of {utterance['session']} in session {session}")
    if match["category"] not in _IEMOCAP_EMOTIONS:
        raise ValueError(f"unknown category; known: {', '.join(_IEMOCAP_EMOTIONS)}")
    ratings = [_RATINGS.read(match[k]) for k in "vad"]
    if None in ratings:
        raise ValueError(f"a rating outside {_RATINGS.scale}")
    return {
        "utterance": match["utterance"],
        "dialog": match["utterance"].rsplit("_", 1)[0],
        "session": session,
        "speaker": f"{utterance['session']}_{utterance['gender']}",
        "gender": utterance["gender"],
        "start": start,
        "end": end,
        "category": match["category"],
        "emotion": _IEMOCAP_EMOTIONS[match["category"]],
        **dict(zip(_RATINGS.columns, ratings, strict=True)),
    }


def _parse_iemocap_file(path: Path, session: int) -> list:
    rows = []
    for number, line in _read_lines(path):
        text = line.strip()
        if not text or text.startswith("%") or re.match(r"[A-Z]-", text):
            continue  # blank, header and single evaluators' lines
        try:
            row = _parse_iemocap_line(text, session)
        except ValueError as exc:
            raise ValueError(f"{path}, line {number}: {exc}: {line!r}.") from None
        row["path"] = str(
            path.parents[2]
            / "sentences"
            / "wav"
            / row["dialog"]
            / f"{row['utterance']}.wav"
        )
        row["label_file"], row["line"] = str(path), number
        rows.append(row)
    return rows


def _index(root: Path) -> pd.DataFrame:
    """The utterances of the label files of ``root``, their wavs' paths first."""
    rows = []
    sessions = {
        int(p.name[7:]): p
        for p in root.iterdir()
        if re.fullmatch(r"Session[0-9]+", p.name)
    }
    for session, folder in sorted(sessions.items()):
        for path in sorted((folder / "dialog" / "EmoEvaluation").glob("*.txt")):
            rows.extend(_parse_iemocap_file(path, session))
    if not rows:
        raise ValueError(
            f"{root}: no utterance in SessionN/dialog/EmoEvaluation/*.txt here."
        )
    frame = pd.DataFrame(rows)
    twice = frame[frame["utterance"].duplicated()]
    if len(twice):
        raise ValueError(
            f"{twice['label_file'].iloc[0]}, line {twice['line'].iloc[0]}: utterance "
            f"{twice['utterance'].iloc[0]} is listed a second time."
        )
    frame.insert(0, "path", frame.pop("path"))
    return frame


_IEMOCAP = Corpus(IEMOCAP_DESCR, _index, groups="speaker", ratings=_RATINGS)


@_document(classes="IEMOCAP's 11 categories", order="in the order of the label files")
def load_iemocap(root, *, target="dimensions", return_X_y=False):
    """Load IEMOCAP's utterance labels and the paths of its utterance wavs.

    The corpus index is the label files ``SessionN/dialog/EmoEvaluation/*.txt``.
    In them, a line ``[START - END]<tab>UTTERANCE<tab>CATEGORY<tab>[V, A, D]`` is
    an utterance. Blank lines, lines starting with ``%`` (the header) and lines
    starting with a capital letter and a hyphen (``C-E1:``, ``A-F1:``: the single
    evaluators' ratings) are ignored; any other line is an error. Leading and
    trailing white space does not count. The rows follow the label files, in
    sorted order, and their lines; the audio of a row is
    ``root/SessionN/sentences/wav/<dialog>/<utterance>.wav``.

    Parameters
    ----------
    root : str or path-like
        Folder of the release, holding ``Session1`` ... ``Session5``.
    %(parameters)s

    %(audio_returns)s
        groups : ndarray of shape (n_samples,)
            Speaker, e.g. ``"Ses01_F"``.
        frame : pandas.DataFrame
            path, utterance, dialog, session, speaker, gender, start and end (s),
            category (IEMOCAP's code), emotion (its name), valence_rating,
            activation_rating, dominance_rating (1-5), label_file (its path), line
            and the targets.
    %(returns_end)s

    Raises
    ------
    ValueError
        If ``root`` holds no label file, or an utterance line is malformed: bad
        syntax, end before start, an utterance id not like ``Ses01F_impro01_F000``
        or of another session, an unknown category, a rating outside [1, 5], an
        utterance listed twice, or bytes that are not UTF-8. The message names the
        file and the line.

    Notes
    -----
    The wav files are not opened or required: the labels load from the label
    files alone, and a feature transformer fails on a missing wav. The speaker is
    the session and the sex letter that starts the last part of the utterance id
    (``Ses01F_impro01_M003`` -> ``Ses01_M``); the letter after the session number
    names who wore the motion-capture markers, not who speaks.

    Valence (1 negative - 5 positive), activation (1 calm - 5 excited) and
    dominance (1 weak - 5 strong) were rated on 5-point self-assessment manikins
    and averaged over evaluators (Busso et al., 2008); they are rescaled linearly,
    ``2 * (rating - 1) / 4 - 1``.

    References
    ----------
    Busso C. et al. (2008) IEMOCAP: Interactive emotional dyadic motion capture
    database. Language Resources and Evaluation 42(4): 335-359.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from aae_sklearn.datasets import load_iemocap
    >>> labels = Path(tempfile.mkdtemp(), "Session1", "dialog", "EmoEvaluation")
    >>> labels.mkdir(parents=True)
    >>> line = "[6.29 - 8.23]\\tSes01F_impro01_F000\\tneu\\t[2.5000, 3.0000, 5.0000]"
    >>> _ = (labels / "Ses01F_impro01.txt").write_text(line + "\\n")
    >>> iemocap = load_iemocap(labels.parents[2])
    >>> iemocap.groups.tolist(), iemocap.target.tolist()
    (['Ses01_F'], [[-0.25, 0.0, 1.0]])
    """
    return load_corpus(_IEMOCAP, root, target, return_X_y)
