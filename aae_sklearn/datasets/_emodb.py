"""EmoDB, the Berlin Database of Emotional Speech: a local folder of its audio,
and the bundled table of its eGeMAPS functionals."""

# License: BSD-3-Clause

import re

from ._corpus import Corpus, Field, FileNames, Table, load_corpus, load_table
from ._docs import _document

#: EmoDB's emotion letters (German initials) and the names the package gives
#: them, those of RAVDESS where the two corpora share the category.
EMODB_EMOTIONS = {
    "W": "angry",  # Wut, anger
    "L": "bored",  # Langeweile, boredom
    "E": "disgust",  # Ekel
    "A": "fearful",  # Angst, fear
    "F": "happy",  # Freude, happiness
    "T": "sad",  # Trauer, sadness
    "N": "neutral",
}
# The ten speakers (Burkhardt et al., 2005) and their sex.
EMODB_SPEAKERS = {3: "m", 8: "f", 9: "f", 10: "m", 11: "m"}
EMODB_SPEAKERS |= {12: "m", 13: "f", 14: "f", 15: "m", 16: "f"}
_NAME = re.compile(r"(?P<speaker>\d\d)(?P<text>[ab]\d\d)(?P<code>.)(?P<version>[a-z])")

_SOURCE = """\
Burkhardt F., Paeschke A., Rolfes M., Sendlmeier W., Weiss B. (2005) A database
of German emotional speech. Proc. Interspeech 2005, 1517-1520. Licence: CC0 1.0
(public domain dedication), as stated by audEERING for its redistribution of
EmoDB; citing the paper remains good practice."""

_TARGETS = """\
Targets. EmoDB is categorical. Its emotions take the names and the valence,
activation and dominance of the RAVDESS categories (``EMOTION_VAD``): anger =
angry, fear = fearful, happiness = happy, sadness = sad, disgust, neutral; and
boredom = bored, the octant of Mehrabian's space that names it (-, -, -), the
same point as sad: the dimensions do not tell boredom from sadness, the classes
do."""

EMODB_DESCR = f"""\
EmoDB speech (Berlin Database of Emotional Speech)
--------------------------------------------------

535 utterances of German speech: 10 actors (5 male, 5 female) saying 10
everyday sentences in 7 emotions (anger 127, boredom 81, neutral 79, happiness
71, fear 69, sadness 62, disgust 46).

:Targets: valence, activation, dominance in [-1, 1], from the emotion category
:Groups: speaker (03, 08-16); evaluate speaker-independently

{_TARGETS}

{_SOURCE}
"""

FEATURES_DESCR = f"""\
EmoDB speech, eGeMAPS functionals
---------------------------------

The 88 eGeMAPSv02 functionals (openSMILE) of the 535 utterances of the Berlin
Database of Emotional Speech: 10 actors (5 male, 5 female) saying 10 everyday
German sentences in 7 emotions (anger 127, boredom 81, neutral 79, happiness
71, fear 69, sadness 62, disgust 46). A second corpus, in another language and
recording set-up than RAVDESS, for cross-corpus evaluation.

:Number of instances: 535
:Number of features: 88, in the order of ``load_ravdess_features()``
:Targets: valence, activation, dominance in [-1, 1], from the emotion category
:Groups: speaker (3, 8-16); evaluate speaker-independently

{_TARGETS}

The audio. The features come from a processed copy of EmoDB whose clips had
been resampled and cut or padded to 2.000 s before; its padding was removed and
the clips resampled to 16 kHz mono. 409 of the 535 clips end at 2 s (the column
``clipped_at_2s``; the originals last 1.2-9 s), so scores on this table are
comparable between models, not with published EmoDB results. The table was
built by ``scripts/build_emodb_features.py``.

{_SOURCE} The table is distributed under the same CC0 1.0 dedication.
"""

_TABLE_LABELS = "file speaker sex emotion_code emotion text version clipped_at_2s"
_TABLE = Table("emodb_egemaps.csv.gz", _TABLE_LABELS.split(), "speaker", FEATURES_DESCR)


def _two_digits(text: str) -> str:
    """The code of a speaker field: its number as two ASCII digits (``\\d``
    matches the digits of every script, and int() reads them all)."""
    return f"{int(text):02d}"


# The codes of a name's fields, and the columns of the frame that each gives.
_SPEAKERS = {f"{s:02d}": {"speaker": s, "sex": x} for s, x in EMODB_SPEAKERS.items()}
_EMOTIONS = {c: {"emotion_code": c, "emotion": e} for c, e in EMODB_EMOTIONS.items()}
_NAMES = FileNames(
    _NAME,
    "expected an EmoDB name SSTTTEV (speaker, text, emotion, version, e.g. "
    "03a01Fa.wav)",
    fields=(
        Field("speaker", _SPEAKERS, "speaker (SS)", "EmoDB's are", key=_two_digits),
        Field("code", _EMOTIONS, "emotion (E)", "EmoDB's are"),
        Field("text"),
        Field("version"),
    ),
)
_EMODB = Corpus(EMODB_DESCR, _NAMES, groups="speaker")


@_document(classes="7 classes")
def load_emodb(root, *, target="dimensions", return_X_y=False):
    """Load a local EmoDB folder: audio paths and labels from the file names.

    Every ``.wav`` or ``.flac`` file under ``root`` (searched recursively, so
    the release's ``wav`` folder works as well as its parent) must carry an
    EmoDB name ``SSTTTEV``: speaker, text, emotion letter, version. No label
    table is needed; other files are ignored.

    Parameters
    ----------
    root : str or path-like
        Folder holding EmoDB's audio files, such as the release's ``wav``.
    %(parameters)s

    %(audio_returns)s
        groups : ndarray of shape (n_samples,)
            Speaker (3, 8-16).
        frame : pandas.DataFrame
            path, file (relative to ``root``), speaker, sex, emotion_code (the
            German initial), emotion, text, version and the targets.
    %(returns_end)s

    Raises
    ------
    ValueError
        If ``root`` holds no audio file, or a file name does not parse (an
        unknown speaker or emotion letter), or a recording is present twice. The
        message names the file; no file is skipped.

    See Also
    --------
    load_emodb_features : The bundled eGeMAPS functionals of EmoDB.
    load_ravdess : The same for RAVDESS, whose emotion names EmoDB's share.

    Notes
    -----
    The emotions are named as in RAVDESS where the corpora share them
    (``EMODB_EMOTIONS``): anger = angry, fear = fearful, happiness = happy,
    sadness = sad, boredom = bored; disgust and neutral. The classes both
    corpora have are then those of the same name. Valence, activation and
    dominance come from ``EMOTION_VAD``; bored is Mehrabian's (-, -, -)
    octant, as sad is.

    References
    ----------
    Burkhardt F., Paeschke A., Rolfes M., Sendlmeier W., Weiss B. (2005) A
    database of German emotional speech. Proc. Interspeech 2005, 1517-1520.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from aae_sklearn.datasets import load_emodb
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "03a01Wa.wav").touch()
    >>> emodb = load_emodb(root)
    >>> emodb.frame[["sex", "emotion", "text"]].iloc[0].tolist()
    ['m', 'angry', 'a01']
    >>> emodb.groups.tolist()
    [3]
    >>> emodb.target.tolist() == [[-2 / 3, 2 / 3, 2 / 3]]
    True
    """
    return load_corpus(_EMODB, root, target, return_X_y)


@_document(classes="7 classes", n="535")
def load_emodb_features(*, target="dimensions", return_X_y=False):
    """Load the bundled eGeMAPS functionals of EmoDB speech (no download).

    All 535 utterances, 409 of them cut at 2 s before the features were
    extracted: read more in ``load_emodb_features().DESCR``.

    Parameters
    ----------
    %(parameters)s

    %(table_returns)s
        groups : ndarray of shape (535,)
            Speaker of each utterance (3, 8-16).
        frame : pandas.DataFrame
            Every column: file, speaker, sex, emotion_code, emotion, text,
            version, clipped_at_2s (True where the clip was cut at 2 s), the
            targets and the features.
    %(returns_end)s

    See Also
    --------
    load_emodb : A local EmoDB folder of audio.
    load_ravdess_features : The same table for RAVDESS.

    Examples
    --------
    >>> from aae_sklearn.datasets import load_emodb_features
    >>> emodb = load_emodb_features()
    >>> emodb.data.shape, int(emodb.frame["clipped_at_2s"].sum())
    ((535, 88), 409)
    >>> sorted(set(emodb.frame["emotion"]))
    ['angry', 'bored', 'disgust', 'fearful', 'happy', 'neutral', 'sad']
    """
    return load_table(_TABLE, target, return_X_y)
