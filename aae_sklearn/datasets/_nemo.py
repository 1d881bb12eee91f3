"""nEMO, acted emotional speech in Polish: a local folder of its audio, and the
bundled table of its eGeMAPS functionals."""

# License: BSD-3-Clause

import re
from pathlib import Path

import pandas as pd

from ._corpus import Corpus, Field, FileNames, Table, load_corpus, load_table
from ._docs import _document

#: nEMO's emotion names and the names the package gives them, those of
#: RAVDESS (nEMO has no category RAVDESS lacks).
NEMO_EMOTIONS = {
    "anger": "angry",
    "fear": "fearful",
    "happiness": "happy",
    "neutral": "neutral",
    "sadness": "sad",
    "surprised": "surprised",
}
# The nine speakers (Christop, 2024): gender and age, as the corpus lists them.
NEMO_SPEAKERS = {
    "EB0": ("female", 27),
    "IC0": ("female", 28),
    "KD0": ("female", 28),
    "MK0": ("female", 23),
    "KS0": ("male", 23),
    "MP0": ("male", 24),
    "SM0": ("male", 24),
    "TP0": ("male", 26),
    "WR0": ("male", 23),
}
_NAME = re.compile(r"(?P<speaker>[A-Z]{2}\d)_(?P<emotion>[a-z]+)_(?P<sentence>\d+)")
# The columns of a labels.csv beside the audio.
_LABELS = ["file", "speaker", "emotion", "gender", "age", "text"]

_SOURCE = """\
Christop I. (2024) nEMO: Dataset of Emotional Speech in Polish. Proc. LREC-COLING
2024, 12111-12116 (https://aclanthology.org/2024.lrec-main.1059). Licence: CC
BY-NC-SA 4.0 (Attribution-NonCommercial-ShareAlike), as stated by the corpus
(github.com/amu-cai/nEMO)."""

_TARGETS = """\
Targets. nEMO is categorical. Its emotions take the names and the valence,
activation and dominance of the RAVDESS categories (``EMOTION_VAD``): anger =
angry, fear = fearful, happiness = happy, sadness = sad, neutral and surprised."""

NEMO_DESCR = f"""\
nEMO speech (emotional speech in Polish)
----------------------------------------

4481 utterances of Polish speech in the full corpus: 9 actors (5 male, 4
female) saying up to 90 sentences in 6 emotions (anger, fear, happiness,
neutral, sadness, surprised), 24 kHz mono.

:Targets: valence, activation, dominance in [-1, 1], from the emotion category
:Groups: speaker (EB0, IC0, KD0, KS0, MK0, MP0, SM0, TP0, WR0); evaluate
    speaker-independently

{_TARGETS}

{_SOURCE}
"""

FEATURES_DESCR = f"""\
nEMO speech, eGeMAPS functionals
--------------------------------

The 88 eGeMAPSv02 functionals (openSMILE) of 2246 utterances of nEMO, acted
emotional speech in Polish: 9 actors (5 male, 4 female) in 6 emotions (neutral
405, sadness 386, anger 378, happiness 373, fear 366, surprised 338). A third
corpus, larger than EmoDB and in another language than RAVDESS and EmoDB, for
cross-corpus evaluation.

:Number of instances: 2246
:Number of features: 88, in the order of ``load_ravdess_features()``
:Targets: valence, activation, dominance in [-1, 1], from the emotion category
:Groups: speaker (EB0, IC0, KD0, KS0, MK0, MP0, SM0, TP0, WR0); evaluate
    speaker-independently

{_TARGETS}

The audio. Half of the corpus: the utterances of the even-numbered sentences
(2246 of 4481; every actor and emotion kept), resampled from the original 24
kHz to 16 kHz (polyphase) and stored as 16-bit FLAC; nothing was cut. The
column ``sentence`` is the number in the file name, ``text`` the corpus's
transcription. The table was built by ``scripts/build_nemo_features.py``.

{_SOURCE} The table is an adaptation of the corpus and is distributed under the
same licence, CC BY-NC-SA 4.0; cite the paper above.
"""

_TABLE_LABELS = "file speaker gender age nemo_emotion emotion sentence text"
_TABLE = Table("nemo_egemaps.csv.gz", _TABLE_LABELS.split(), "speaker", FEATURES_DESCR)


# The codes of a name's fields, and the columns of the frame that each gives.
_EMOTIONS = {n: {"nemo_emotion": n, "emotion": e} for n, e in NEMO_EMOTIONS.items()}
_SPEAKERS = {
    s: {"speaker": s, "gender": gender, "age": age}
    for s, (gender, age) in sorted(NEMO_SPEAKERS.items())  # errors list them sorted
}
_NAMES = FileNames(
    _NAME,
    "expected an nEMO name speaker_emotion_sentence (e.g. EB0_anger_10.wav)",
    fields=(
        Field("emotion", _EMOTIONS, "emotion", "nEMO's are"),
        Field("speaker", _SPEAKERS, "speaker", "nEMO's are"),
        Field("sentence", convert=int),
    ),
    # The emotion is checked first, but the speaker's columns lead the frame.
    columns=("speaker", "gender", "age", "nemo_emotion", "emotion", "sentence"),
)


def _with_labels(frame, root):
    """``frame`` with the labels of ``root/labels.csv``: gender, age and text.

    The table must list every audio file once and no other, and give each the
    speaker and emotion of its name; an error names the file that does not.
    """
    path = root / "labels.csv"
    labels = pd.read_csv(path, dtype={"file": str, "speaker": str, "emotion": str})
    missing = [c for c in _LABELS if c not in labels.columns]
    if missing:
        raise ValueError(f"{path}: no column(s) {', '.join(missing)}.")
    twice = labels["file"][labels["file"].duplicated()]
    if len(twice):
        raise ValueError(f"{path}: {twice.iloc[0]} is listed twice.")
    absent = sorted(set(labels["file"]) - set(frame["file"]))
    if absent:
        raise ValueError(
            f"{path}: {root / absent[0]} is listed but not in the folder "
            f"({len(absent)} listed file(s) missing)."
        )
    unlisted = frame["path"][~frame["file"].isin(labels["file"])]
    if len(unlisted):
        raise ValueError(f"{unlisted.iloc[0]}: not listed in {path}.")
    rows = labels.set_index("file").loc[frame["file"]].reset_index()
    for column, named in (("speaker", "speaker"), ("emotion", "nemo_emotion")):
        differs = (rows[column] != frame[named]).to_numpy()
        if differs.any():
            i = differs.argmax()
            raise ValueError(
                f"{frame['path'][i]}: {path.name} gives the {column} "
                f"{rows[column][i]!r}, the file name {frame[named][i]!r}."
            )
    frame["gender"] = rows["gender"]
    frame["age"] = rows["age"]
    frame["text"] = rows["text"]
    return frame


def _index(root: Path) -> pd.DataFrame:
    """The frame of the audio files under ``root``: labels from their names,
    and from ``root/labels.csv`` where there is one."""
    frame = _NAMES(root)
    if (root / "labels.csv").is_file():
        frame = _with_labels(frame, root)
    return frame


_NEMO = Corpus(NEMO_DESCR, _index, groups="speaker")


@_document(classes="6 classes")
def load_nemo(root, *, target="dimensions", return_X_y=False):
    """Load a local nEMO folder: audio paths and labels.

    Every ``.wav`` or ``.flac`` file under ``root`` (searched recursively, so
    the release's ``samples`` folder works as well as its parent) must carry an
    nEMO name ``{speaker}_{emotion}_{sentence}``, such as
    ``EB0_anger_10.wav``; other files are ignored. Where ``root`` holds a
    ``labels.csv`` (columns file, relative to ``root``, speaker, emotion,
    gender, age and text), the labels come from it, and it must list every
    audio file, and only those, with the speaker and emotion of its name.
    Otherwise the labels come from the file names, and gender and age from the
    corpus's list of its nine speakers.

    Parameters
    ----------
    root : str or path-like
        Folder holding nEMO's audio files, such as the release's ``samples``,
        and maybe ``labels.csv``.
    %(parameters)s

    %(audio_returns)s
        groups : ndarray of shape (n_samples,)
            Speaker, such as ``"EB0"``.
        frame : pandas.DataFrame
            path, file (relative to ``root``), speaker, gender, age,
            nemo_emotion (nEMO's name), emotion, sentence (the number in the
            file name), text (the transcription; only with a ``labels.csv``)
            and the targets.
    %(returns_end)s

    Raises
    ------
    ValueError
        If ``root`` holds no audio file, or a file name does not parse (an
        unknown speaker or emotion), or a recording is present twice; or if
        ``labels.csv`` lists a file twice, lists one the folder lacks, misses
        one it holds or labels one otherwise than its name. The message names
        the file; no file is skipped.

    See Also
    --------
    load_nemo_features : The bundled eGeMAPS functionals of nEMO.
    load_emodb : The same for EmoDB.
    load_ravdess : The same for RAVDESS, whose emotion names nEMO's share.

    Notes
    -----
    The emotions are named as in RAVDESS (``NEMO_EMOTIONS``): anger = angry,
    fear = fearful, happiness = happy, sadness = sad; neutral and surprised.
    Valence, activation and dominance come from ``EMOTION_VAD``.

    References
    ----------
    Christop I. (2024) nEMO: Dataset of Emotional Speech in Polish. Proc.
    LREC-COLING 2024, 12111-12116.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from aae_sklearn.datasets import load_nemo
    >>> with tempfile.TemporaryDirectory() as root:
    ...     (Path(root) / "EB0_anger_10.wav").touch()
    ...     nemo = load_nemo(root)
    >>> nemo.frame[["gender", "nemo_emotion", "emotion", "sentence"]].values.tolist()
    [['female', 'anger', 'angry', 10]]
    >>> nemo.groups.tolist(), nemo.target.round(2).tolist()
    (['EB0'], [[-0.67, 0.67, 0.67]])
    """
    return load_corpus(_NEMO, root, target, return_X_y)


@_document(classes="6 classes", n="2246")
def load_nemo_features(*, target="dimensions", return_X_y=False):
    """Load the bundled eGeMAPS functionals of nEMO speech (no download).

    Half of the corpus: the 2246 utterances of its even-numbered sentences.
    Read more in ``load_nemo_features().DESCR``.

    Parameters
    ----------
    %(parameters)s

    %(table_returns)s
        groups : ndarray of shape (2246,)
            Speaker of each utterance, such as ``"EB0"``.
        frame : pandas.DataFrame
            Every column: file, speaker, gender, age, nemo_emotion, emotion,
            sentence, text, the targets and the features.
    %(returns_end)s

    See Also
    --------
    load_nemo : A local nEMO folder of audio.
    load_ravdess_features, load_emodb_features : The same table for RAVDESS
        and EmoDB.

    Examples
    --------
    >>> from aae_sklearn.datasets import load_nemo_features
    >>> X, y = load_nemo_features(target="categories", return_X_y=True)
    >>> X.shape, sorted(set(y))
    ((2246, 88), ['angry', 'fearful', 'happy', 'neutral', 'sad', 'surprised'])
    """
    return load_table(_TABLE, target, return_X_y)
