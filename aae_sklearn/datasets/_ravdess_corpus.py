"""Loader of the RAVDESS speech audio in its original folder layout."""

# License: BSD-3-Clause

import re
from importlib import resources
from pathlib import Path

import pandas as pd

from ._corpus_common import _emotion_bunch, _folder, _named_files
from ._ravdess import _check_target

_RAVDESS_FIELDS = {  # filename field -> code table (Livingstone & Russo, 2018)
    "modality": {1: "audio-video", 2: "video-only", 3: "audio-only"},
    "vocal_channel": {1: "speech", 2: "song"},
    "emotion_code": {
        1: "neutral",
        2: "calm",
        3: "happy",
        4: "sad",
        5: "angry",
        6: "fearful",
        7: "disgust",
        8: "surprised",
    },
    "intensity": {1: "normal", 2: "strong"},
    "statement": {1: "kids", 2: "dogs"},
    "repetition": {1: 1, 2: 2},
    "actor": {a: a for a in range(1, 25)},
}
_RAVDESS_LETTERS = ["MM", "VV", "EE", "II", "SS", "RR", "AA"]

RAVDESS_DESCR = """\
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
Livingstone SR, Russo FA (2018) The Ryerson Audio-Visual Database of Emotional
Speech and Song (RAVDESS): A dynamic, multimodal set of facial and vocal
expressions in North American English. PLoS ONE 13(5): e0196391.
https://doi.org/10.1371/journal.pone.0196391 (Zenodo record 1188976).
"""


def _parse_ravdess_name(path: Path) -> dict:
    """The labels in one RAVDESS file name; ValueError naming the bad field."""
    fields = path.name.rsplit(".", 1)[0].split("-")
    if len(fields) != 7:
        raise ValueError(
            f"{path}: expected 7 fields MM-VV-EE-II-SS-RR-AA in the file name, "
            f"found {len(fields)}."
        )
    codes = {}
    for (name, table), letters, text in zip(
        _RAVDESS_FIELDS.items(), _RAVDESS_LETTERS, fields, strict=True
    ):
        code = int(text) if re.fullmatch(r"[0-9]{2}", text) else None
        if code not in table:
            known = ", ".join(f"{c:02d}" for c in table)
            raise ValueError(
                f"{path}: field {name} ({letters}) is {text!r}; known codes: {known}."
            )
        codes[name] = code
    # Codes the corpus never combines: a typo, not a recording.
    if codes["intensity"] == 2 and codes["emotion_code"] == 1:
        raise ValueError(f"{path}: field intensity (II) is '02'; neutral is normal.")
    if codes["vocal_channel"] == 2 and codes["emotion_code"] > 6:
        raise ValueError(
            f"{path}: field emotion_code (EE) is {fields[2]!r}; song has codes 01-06."
        )
    folder = re.fullmatch(r"Actor_([0-9]{2})", path.parent.name)
    if folder is None or int(folder[1]) != codes["actor"]:
        raise ValueError(
            f"{path}: field actor (AA) is {fields[6]!r} but the file is in folder "
            f"{path.parent.name!r}, not 'Actor_{fields[6]}'."
        )
    label = {name: _RAVDESS_FIELDS[name][code] for name, code in codes.items()}
    return {
        "modality": label["modality"],
        "vocal_channel": label["vocal_channel"],
        "emotion_code": codes["emotion_code"],
        "emotion": label["emotion_code"],
        "intensity": label["intensity"],
        "statement": label["statement"],
        "repetition": codes["repetition"],
        "actor": codes["actor"],
        "sex": "m" if codes["actor"] % 2 else "f",
    }


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
    target : {"dimensions", "categories"}, default="dimensions"
        What ``target`` holds: valence, activation and dominance in [-1, 1], or
        the emotion class of each utterance (the column ``emotion`` of ``frame``),
        for the classifiers.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : ndarray of shape (n_samples,), dtype=object
            Absolute paths of the audio files, as str, sorted.
        target : ndarray of shape (n_samples, 3)
            Valence, activation and dominance in [-1, 1].
        groups : ndarray of shape (n_samples,)
            Actor (1-24).
        frame : pandas.DataFrame
            path, file (relative to ``root``), modality, vocal_channel,
            emotion_code, emotion, intensity, statement, repetition, actor, sex
            and the targets.
        target_names : list of str
            ``["valence", "activation", "dominance"]``.
        DESCR : str
            Description, citation and licence.

    (data, target) : tuple if ``return_X_y`` is True

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
    >>> root = Path(tempfile.mkdtemp())
    >>> (root / "Actor_01").mkdir()
    >>> (root / "Actor_01" / "03-01-05-02-01-01-01.wav").touch()
    >>> ravdess = load_ravdess(root)
    >>> ravdess.frame[["sex", "emotion", "intensity"]].iloc[0].tolist()
    ['m', 'angry', 'strong']
    >>> ravdess.groups.tolist()
    [1]
    >>> ravdess.target.tolist() == [[-2 / 3, 2 / 3, 2 / 3]]
    True
    """
    _check_target(target)
    root = _folder(root)
    frame = pd.DataFrame(_named_files(root, _parse_ravdess_name))
    return _emotion_bunch(frame, "actor", RAVDESS_DESCR, return_X_y, kind=target)


SAMPLE_DESCR = """\
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
Livingstone SR, Russo FA (2018) The Ryerson Audio-Visual Database of Emotional
Speech and Song (RAVDESS): A dynamic, multimodal set of facial and vocal
expressions in North American English. PLoS ONE 13(5): e0196391.
https://doi.org/10.1371/journal.pone.0196391 (Zenodo record 1188976).
"""


def load_ravdess_sample(*, target="dimensions", return_X_y=False):
    """Load the 16 RAVDESS audio files bundled with the package.

    One utterance per emotion of actors 23 and 24, in RAVDESS's own folder layout,
    read by :func:`load_ravdess`; the audio is under CC BY-NC-SA 4.0 (see
    ``DESCR``).

    Parameters
    ----------
    target : {"dimensions", "categories"}, default="dimensions"
        As in :func:`load_ravdess`.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

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
    sample = load_ravdess(Path(str(folder)), target=target)
    if return_X_y:
        return sample.data, sample.target
    sample.DESCR = SAMPLE_DESCR
    return sample
