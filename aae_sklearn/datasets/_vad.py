"""The place of each emotion category in valence-activation-dominance space."""

# License: BSD-3-Clause

import numpy as np

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
