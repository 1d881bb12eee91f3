"""The bundled RAVDESS eGeMAPS table and the category -> VAD mapping."""

# License: BSD-3-Clause

from importlib import resources

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

TARGET_NAMES = ["valence", "activation", "dominance"]

# Each category sits in the octant of Mehrabian's (1996) pleasure-arousal-
# dominance space that names it, at +-2/3 on each axis: the centre of the outer
# third of [-1, 1], so that the low / mid / high thirds of binned_accuracy are its
# classes and their cut points lie halfway between class centres.
_H = 2 / 3
#: Valence, activation and dominance in [-1, 1] of each emotion category of
#: RAVDESS, and of EmoDB's boredom (its other categories are RAVDESS's).
EMOTION_VAD = {
    "neutral": (0.0, 0.0, 0.0),
    "calm": (_H, -_H, _H),  # relaxed
    "happy": (_H, _H, _H),  # exuberant
    "sad": (-_H, -_H, -_H),  # bored
    "angry": (-_H, _H, _H),  # hostile
    "fearful": (-_H, _H, -_H),  # anxious
    "disgust": (-_H, -_H, _H),  # disdainful
    "surprised": (_H, _H, -_H),  # dependent
    "bored": (-_H, -_H, -_H),  # bored: EmoDB's boredom, the point of sad
}

DESCR = """\
RAVDESS speech, eGeMAPS functionals
-----------------------------------

The 88 eGeMAPSv02 functionals (Eyben et al., 2016; openSMILE) of the 1440 speech
utterances of the Ryerson Audio-Visual Database of Emotional Speech and Song:
24 professional actors (odd = male, even = female) saying two neutral sentences
in 8 emotions (neutral, calm, happy, sad, angry, fearful, disgust, surprised),
at normal and strong intensity (neutral: normal only), twice each.

:Number of instances: 1440
:Number of features: 88
:Targets: valence, activation, dominance in [-1, 1], from the emotion category
:Groups: actor (1-24); evaluate speaker-independently, e.g. GroupKFold on actors

Targets. RAVDESS is categorical. Each category is placed in the octant of
Mehrabian's pleasure-arousal-dominance space that names it, at +-2/3 on each axis:
calm = relaxed (+, -, +), happy = exuberant (+, +, +), sad = bored (-, -, -),
angry = hostile (-, +, +), fearful = anxious (-, +, -), disgust = disdainful
(-, -, +), surprised = dependent (+, +, -); neutral = (0, 0, 0). 2/3 is the centre
of the outer third of [-1, 1]: cutting valence at +-1/3 (the default of
``aae_sklearn.metrics.binned_accuracy``) gives the negative / neutral / positive
classes of the valence accuracy, with cut points halfway between class centres.

Licence and attribution. The table derives from RAVDESS and is distributed, like
the recordings, under the Creative Commons Attribution-NonCommercial-ShareAlike
4.0 International licence (CC BY-NC-SA 4.0):
Livingstone SR, Russo FA (2018) The Ryerson Audio-Visual Database of Emotional
Speech and Song (RAVDESS): A dynamic, multimodal set of facial and vocal
expressions in North American English. PLoS ONE 13(5): e0196391.
https://doi.org/10.1371/journal.pone.0196391 (Zenodo record 1188976).
The features were extracted from 16 kHz mono FLAC conversions of the original
48 kHz recordings by ``scripts/build_ravdess_features.py``.

References
- Eyben F. et al. (2016) The Geneva Minimalistic Acoustic Parameter Set (GeMAPS)
  for Voice Research and Affective Computing. IEEE Trans. Affective Computing
  7(2): 190-202.
- Mehrabian A. (1996) Pleasure-arousal-dominance: A general framework for
  describing and measuring individual differences in temperament. Current
  Psychology 14: 261-292.
"""


# The ``target`` parameter of every loader, this one's and the corpus loaders'.


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


def emotion_to_vad(emotions):
    """Map emotion category names to (valence, activation, dominance).

    Parameters
    ----------
    emotions : sequence of str
        Category names among the keys of ``EMOTION_VAD``.

    Returns
    -------
    vad : ndarray of shape (n_samples, 3)
        Valence, activation and dominance in [-1, 1].

    Raises
    ------
    ValueError
        If a name is not a key of ``EMOTION_VAD``; the message lists the known
        ones.

    Examples
    --------
    >>> from aae_sklearn.datasets import emotion_to_vad
    >>> emotion_to_vad(["neutral", "angry"]).round(2).tolist()
    [[0.0, 0.0, 0.0], [-0.67, 0.67, 0.67]]
    """
    unknown = sorted(set(emotions) - set(EMOTION_VAD))
    if unknown:
        raise ValueError(
            f"no valence/activation/dominance known for {unknown}; "
            f"known categories: {sorted(EMOTION_VAD)}."
        )
    return np.array([EMOTION_VAD[e] for e in emotions], dtype=np.float64)


def load_ravdess_features(*, target="dimensions", return_X_y=False):
    """Load the bundled eGeMAPS functionals of RAVDESS speech (no download).

    Read more in the dataset description, ``load_ravdess_features().DESCR``.

    Parameters
    ----------
    target : {"dimensions", "categories"}, default="dimensions"
        What ``target`` holds: valence, activation and dominance in [-1, 1], or
        the emotion class of each utterance (the column ``emotion`` of
        ``frame``: 8 classes), for the classifiers.
    return_X_y : bool, default=False
        Return ``(data, target)`` instead of a Bunch.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        Dictionary-like object with attributes:

        data : ndarray of shape (1440, 88)
            eGeMAPSv02 functionals.
        target : ndarray of shape (1440, 3) or (1440,)
            Valence, activation and dominance in [-1, 1]; or the emotion
            classes, as str.
        groups : ndarray of shape (1440,)
            Actor (speaker) of each utterance, 1-24.
        frame : pandas.DataFrame
            Every column: file, actor, sex, emotion, intensity, statement,
            repetition, the targets and the features.
        feature_names : list of str
            openSMILE's names of the 88 features.
        target_names : list of str
            ``["valence", "activation", "dominance"]``, or ``["emotion"]``.
        DESCR : str
            Description, target mapping, licence (CC BY-NC-SA 4.0) and
            attribution.

    (data, target) : tuple if ``return_X_y`` is True

    Examples
    --------
    >>> from aae_sklearn.datasets import load_ravdess_features
    >>> ravdess = load_ravdess_features()
    >>> ravdess.data.shape, ravdess.target.shape
    ((1440, 88), (1440, 3))
    """
    metadata = ["file", "actor", "sex", "emotion", "intensity", "statement"]
    metadata.append("repetition")
    return _bundled_table(
        "ravdess_egemaps.csv.gz", metadata, "actor", DESCR, target, return_X_y
    )


def _bundled_table(name, metadata, group, descr, target, return_X_y):
    """The loader of a bundled feature table: ``data/name`` with the columns
    ``metadata`` (``group`` among them) and then the features; the targets
    come from its column ``emotion``."""
    _check_target(target)
    source = resources.files("aae_sklearn.datasets") / "data" / name
    with resources.as_file(source) as path:
        table = pd.read_csv(path, compression="gzip")
    feature_names = [c for c in table.columns if c not in metadata]
    targets = pd.DataFrame(emotion_to_vad(table["emotion"]), columns=TARGET_NAMES)
    frame = pd.concat([table[metadata], targets, table[feature_names]], axis=1)
    X = table[feature_names].to_numpy(dtype=np.float64)
    y, names = _targets(table, targets.to_numpy(), target, "emotion")
    if return_X_y:
        return X, y
    return Bunch(
        data=X,
        target=y,
        groups=table[group].to_numpy(),
        frame=frame,
        feature_names=feature_names,
        target_names=names,
        DESCR=descr,
    )
