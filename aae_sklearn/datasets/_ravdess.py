"""RAVDESS: the bundled table of its eGeMAPS functionals."""

# License: BSD-3-Clause

from ._corpus import Table, load_table
from ._docs import _document
from ._vad import TARGET_NAMES  # noqa: F401  (the command line reads it here)

# The reference that every description of RAVDESS data gives.
CITATION = """\
Livingstone SR, Russo FA (2018) The Ryerson Audio-Visual Database of Emotional
Speech and Song (RAVDESS): A dynamic, multimodal set of facial and vocal
expressions in North American English. PLoS ONE 13(5): e0196391.
https://doi.org/10.1371/journal.pone.0196391 (Zenodo record 1188976)."""

DESCR = f"""\
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
{CITATION}
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

_TABLE_LABELS = "file actor sex emotion intensity statement repetition"
_TABLE = Table("ravdess_egemaps.csv.gz", _TABLE_LABELS.split(), "actor", DESCR)


@_document(classes="8 classes", n="1440")
def load_ravdess_features(*, target="dimensions", return_X_y=False):
    """Load the bundled eGeMAPS functionals of RAVDESS speech (no download).

    Read more in the dataset description, ``load_ravdess_features().DESCR``.

    Parameters
    ----------
    %(parameters)s

    %(table_returns)s
        groups : ndarray of shape (1440,)
            Actor (speaker) of each utterance, 1-24.
        frame : pandas.DataFrame
            Every column: file, actor, sex, emotion, intensity, statement,
            repetition, the targets and the features.
    %(returns_end)s

    Examples
    --------
    >>> from aae_sklearn.datasets import load_ravdess_features
    >>> ravdess = load_ravdess_features()
    >>> ravdess.data.shape, ravdess.target.shape
    ((1440, 88), (1440, 3))
    """
    return load_table(_TABLE, target, return_X_y)
