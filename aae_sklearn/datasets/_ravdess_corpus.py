"""RAVDESS: a local folder of its speech audio, and the sample bundled with the
package."""

# License: BSD-3-Clause

import dataclasses
import re
from importlib import resources
from pathlib import Path

from ._corpus import Corpus, Field, FileNames, load_corpus
from ._docs import _document
from ._ravdess import CITATION

RAVDESS_DESCR = f"""\
RAVDESS speech (local copy)
---------------------------

The Ryerson Audio-Visual Database of Emotional Speech and Song: 24 professional
actors (odd = male, even = female) saying two neutral statements in 8 emotions
(neutral, calm, happy, sad, angry, fearful, disgust, surprised) at normal and strong
intensity (neutral: normal only), twice each; 1440 speech files. Every label comes
from the file name, MM-VV-EE-II-SS-RR-AA (modality, vocal channel, emotion,
intensity, statement, repetition, actor).

:Targets: valence, activation, dominance in [-1, 1], placed from the category by
    ``aae_sklearn.datasets.EMOTION_VAD`` (Mehrabian's octants at +-2/3)
:Groups: actor (1-24)

Licence: CC BY-NC-SA 4.0 (attribution, non-commercial, share-alike).
{CITATION}
"""

SAMPLE_DESCR = f"""\
RAVDESS speech, bundled sample
------------------------------

16 speech files of the Ryerson Audio-Visual Database of Emotional Speech and Song,
as 16 kHz mono FLAC: actors 23 (male) and 24 (female), each saying "Kids are
talking by the door" once in each of the 8 emotions (strong intensity; neutral has
only normal intensity). Enough to try audio -> features -> predictions without
downloading the corpus; the bundled eGeMAPS table holds the features of all 1440
files, these included.

:Targets: valence, activation, dominance in [-1, 1], from ``EMOTION_VAD``
:Groups: actor (23, 24)

Licence: CC BY-NC-SA 4.0 (attribution, non-commercial, share-alike), unlike the
code of the package (BSD-3-Clause).
{CITATION}
"""


def _field(name, letters, values, columns=None):
    """The two-digit field ``name``, ``letters`` in MM-VV-EE-II-SS-RR-AA: code
    01 means ``values[0]``, 02 ``values[1]``, and so on; ``columns(code,
    value)`` gives the row's columns (by default, the column ``name``)."""
    codes = {
        f"{code:02d}": columns(code, value) if columns else {name: value}
        for code, value in enumerate(values, start=1)
    }
    return Field(name, codes, label=f"field {name} ({letters})", known="known codes:")


# The fields of a file name, in its order, and their codes (Livingstone & Russo,
# 2018). The metadata follow the bundled table: sex, and statement in a word.
_FIELDS = (
    _field("modality", "MM", ["audio-video", "video-only", "audio-only"]),
    _field("vocal_channel", "VV", ["speech", "song"]),
    _field(
        "emotion_code",
        "EE",
        ["neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"],
        lambda code, emotion: {"emotion_code": code, "emotion": emotion},
    ),
    _field("intensity", "II", ["normal", "strong"]),
    _field("statement", "SS", ["kids", "dogs"]),
    _field("repetition", "RR", [1, 2]),
    _field(
        "actor",
        "AA",
        range(1, 25),
        lambda code, actor: {"actor": actor, "sex": "m" if actor % 2 else "f"},
    ),
)


def _check_name(path: Path, row: dict):
    """Raise where valid codes do not go together or the file is outside its
    actor's folder: a typo, not a recording."""
    if row["intensity"] == "strong" and row["emotion_code"] == 1:
        raise ValueError(f"{path}: field intensity (II) is '02'; neutral is normal.")
    if row["vocal_channel"] == "song" and row["emotion_code"] > 6:
        raise ValueError(
            f"{path}: field emotion_code (EE) is '{row['emotion_code']:02d}'; song "
            "has codes 01-06."
        )
    actor = f"{row['actor']:02d}"
    folder = re.fullmatch(r"Actor_([0-9]{2})", path.parent.name)
    if folder is None or int(folder[1]) != row["actor"]:
        raise ValueError(
            f"{path}: field actor (AA) is '{actor}' but the file is in folder "
            f"{path.parent.name!r}, not 'Actor_{actor}'."
        )


_RAVDESS = Corpus(
    RAVDESS_DESCR,
    FileNames(
        re.compile("-".join(f"(?P<{field.group}>[^-]*)" for field in _FIELDS)),
        lambda stem: (
            "expected 7 fields MM-VV-EE-II-SS-RR-AA in the file name, found "
            f"{stem.count('-') + 1}"
        ),
        _FIELDS,
        check=_check_name,
    ),
    groups="actor",
)


@_document(classes="8 classes")
def load_ravdess(root, *, target="dimensions", return_X_y=False):
    """Load a local RAVDESS folder: audio paths and labels from the file names.

    Every ``.wav`` or ``.flac`` file under ``root`` (searched recursively, so the
    folder of the unzipped release works as well as its parent) must be named
    ``MM-VV-EE-II-SS-RR-AA`` and sit in the folder ``Actor_AA``. No label table is
    needed; other files are ignored.

    Parameters
    ----------
    root : str or path-like
        Folder holding the ``Actor_XX`` folders.
    %(parameters)s

    %(audio_returns)s
        groups : ndarray of shape (n_samples,)
            Actor (1-24).
        frame : pandas.DataFrame
            path, file (relative to ``root``), modality, vocal_channel,
            emotion_code, emotion, intensity, statement, repetition, actor, sex
            and the targets.
    %(returns_end)s

    Raises
    ------
    ValueError
        If ``root`` holds no audio file, or a file name does not parse: a wrong
        number of fields, an unknown code, neutral at strong intensity, song in
        disgust or surprise, a folder other than ``Actor_AA``, or a recording
        present twice. The message names the file and the field; no file is
        skipped.

    See Also
    --------
    load_ravdess_features : The bundled eGeMAPS functionals of the same corpus.

    Notes
    -----
    RAVDESS is categorical. The targets place each emotion in the octant of
    Mehrabian's pleasure-arousal-dominance space that names it, at +-2/3 on each
    axis (``EMOTION_VAD``); intensity leaves them unchanged. The metadata follow
    the bundled table: ``sex`` is ``"m"`` for odd actors and ``"f"`` for even
    ones, ``statement`` is ``"kids"`` or ``"dogs"``.

    References
    ----------
    Livingstone SR, Russo FA (2018) The Ryerson Audio-Visual Database of Emotional
    Speech and Song (RAVDESS). PLoS ONE 13(5): e0196391.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from aae_sklearn.datasets import load_ravdess
    >>> actor = Path(tempfile.mkdtemp()) / "Actor_01"
    >>> actor.mkdir()
    >>> (actor / "03-01-05-02-01-01-01.wav").touch()
    >>> ravdess = load_ravdess(actor.parent)
    >>> ravdess.frame[["sex", "emotion", "intensity"]].iloc[0].tolist()
    ['m', 'angry', 'strong']
    >>> ravdess.groups.tolist(), ravdess.target.round(2).tolist()
    ([1], [[-0.67, 0.67, 0.67]])
    """
    return load_corpus(_RAVDESS, root, target, return_X_y)


@_document(classes="8 classes")
def load_ravdess_sample(*, target="dimensions", return_X_y=False):
    """Load the 16 RAVDESS audio files bundled with the package.

    One utterance per emotion of actors 23 and 24, in RAVDESS's own folder layout,
    read by :func:`load_ravdess`; the audio is under CC BY-NC-SA 4.0 (see
    ``DESCR``).

    Parameters
    ----------
    %(parameters)s

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        As returned by :func:`load_ravdess`: ``data`` holds the paths of the 16
        FLAC files (16 kHz, mono), ``target`` their valence, activation and
        dominance, ``groups`` the actors, ``frame`` every label.

    (data, target) : tuple if ``return_X_y`` is True

    See Also
    --------
    load_ravdess : The same loader for a local copy of the whole corpus.
    load_ravdess_features : eGeMAPS functionals of all 1440 RAVDESS files.

    Examples
    --------
    >>> from aae_sklearn.datasets import load_ravdess_sample
    >>> sample = load_ravdess_sample()
    >>> sample.data.shape, sorted(set(sample.groups.tolist()))
    ((16,), [23, 24])
    >>> sample.frame["emotion"].nunique()
    8
    """
    folder = resources.files("aae_sklearn.datasets") / "data" / "ravdess_sample"
    sample = dataclasses.replace(_RAVDESS, descr=SAMPLE_DESCR)
    return load_corpus(sample, Path(str(folder)), target, return_X_y)
