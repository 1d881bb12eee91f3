"""EmoDB, the Berlin Database of Emotional Speech: a local folder of its audio,
and the bundled table of its eGeMAPS functionals."""

# License: BSD-3-Clause

import re
from pathlib import Path

import pandas as pd

from ._corpus_common import _emotion_bunch, _folder, _named_files
from ._ravdess import _bundled_table, _check_target

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


def _parse_emodb_name(path: Path) -> dict:
    """The labels in one EmoDB file name ``SSTTTEV``; ValueError naming the
    bad field."""
    stem = path.name.rsplit(".", 1)[0]
    match = _NAME.fullmatch(stem)
    if match is None:
        raise ValueError(
            f"{path}: expected an EmoDB name SSTTTEV (speaker, text, emotion, "
            "version, e.g. 03a01Fa.wav)."
        )
    speaker = int(match["speaker"])
    if speaker not in EMODB_SPEAKERS:
        known = ", ".join(f"{s:02d}" for s in EMODB_SPEAKERS)
        raise ValueError(
            f"{path}: speaker (SS) is {match['speaker']!r}; EmoDB's are {known}."
        )
    if match["code"] not in EMODB_EMOTIONS:
        raise ValueError(
            f"{path}: emotion (E) is {match['code']!r}; EmoDB's are "
            f"{', '.join(EMODB_EMOTIONS)}."
        )
    return {
        "speaker": speaker,
        "sex": EMODB_SPEAKERS[speaker],
        "emotion_code": match["code"],
        "emotion": EMODB_EMOTIONS[match["code"]],
        "text": match["text"],
        "version": match["version"],
    }


def load_emodb(root, *, target="dimensions", return_X_y=False):
    """Load a local EmoDB folder: audio paths and labels from the file names.

    Every ``.wav`` or ``.flac`` file under ``root`` (searched recursively, so
    the release's ``wav`` folder works as well as its parent) must carry an
    EmoDB name ``SSTTTEV``: speaker, text, emotion letter, version. No label
    table is needed; other files are ignored.

    Parameters
    ----------
    root : str or path-like
        Folder holding the audio files.
    target : {"dimensions", "categories"}, default="dimensions"
        What ``target`` holds: valence, activation and dominance in [-1, 1], or
        the emotion class of each utterance (the column ``emotion`` of
        ``frame``: 7 classes), for the classifiers.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : ndarray of shape (n_samples,), dtype=object
            Absolute paths of the audio files, as str, sorted.
        target : ndarray of shape (n_samples, 3) or (n_samples,)
            Valence, activation and dominance in [-1, 1]; or the emotion
            classes, as str.
        groups : ndarray of shape (n_samples,)
            Speaker (3, 8-16).
        frame : pandas.DataFrame
            path, file (relative to ``root``), speaker, sex, emotion_code (the
            German initial), emotion, text, version and the targets.
        target_names : list of str
            ``["valence", "activation", "dominance"]``, or ``["emotion"]``.
        DESCR : str
            Description, targets, citation and licence.

    (data, target) : tuple if ``return_X_y`` is True

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
    _check_target(target)
    root = _folder(root)
    frame = pd.DataFrame(_named_files(root, _parse_emodb_name))
    return _emotion_bunch(frame, "speaker", EMODB_DESCR, return_X_y, kind=target)


def load_emodb_features(*, target="dimensions", return_X_y=False):
    """Load the bundled eGeMAPS functionals of EmoDB speech (no download).

    Read more in the dataset description, ``load_emodb_features().DESCR``.

    Parameters
    ----------
    target : {"dimensions", "categories"}, default="dimensions"
        What ``target`` holds: valence, activation and dominance in [-1, 1], or
        the emotion class of each utterance (the column ``emotion`` of
        ``frame``: 7 classes), for the classifiers.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : ndarray of shape (535, 88)
            eGeMAPSv02 functionals, in the column order of
            ``load_ravdess_features()``.
        target : ndarray of shape (535, 3) or (535,)
            Valence, activation and dominance in [-1, 1]; or the emotion
            classes, as str.
        groups : ndarray of shape (535,)
            Speaker of each utterance (3, 8-16).
        frame : pandas.DataFrame
            Every column: file, speaker, sex, emotion_code, emotion, text,
            version, clipped_at_2s, the targets and the features.
        feature_names : list of str
            openSMILE's names of the 88 features.
        target_names : list of str
            ``["valence", "activation", "dominance"]``, or ``["emotion"]``.
        DESCR : str
            Description, target mapping, processing, licence (CC0 1.0) and
            citation.

    (data, target) : tuple if ``return_X_y`` is True

    See Also
    --------
    load_emodb : A local EmoDB folder of audio.
    load_ravdess_features : The same table for RAVDESS.

    Examples
    --------
    >>> from aae_sklearn.datasets import load_emodb_features
    >>> emodb = load_emodb_features()
    >>> emodb.data.shape, emodb.target.shape
    ((535, 88), (535, 3))
    >>> sorted(set(emodb.frame["emotion"]))
    ['angry', 'bored', 'disgust', 'fearful', 'happy', 'neutral', 'sad']
    """
    metadata = ["file", "speaker", "sex", "emotion_code", "emotion", "text"]
    metadata += ["version", "clipped_at_2s"]
    return _bundled_table(
        "emodb_egemaps.csv.gz", metadata, "speaker", FEATURES_DESCR, target, return_X_y
    )
