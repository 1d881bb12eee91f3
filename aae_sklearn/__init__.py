"""Semi-supervised adversarial autoencoders for speech emotion recognition.

scikit-learn estimators that learn valence, activation and dominance, or
emotion classes, from speech features, using unlabeled speech as well as
labeled.
"""

# License: BSD-3-Clause

from ._aae import AAEEmotionRegressor
from ._aae_classifier import AAEEmotionClassifier
from ._persist._persistence import load
from ._supervised import SupervisedEmotionRegressor
from ._supervised_classifier import SupervisedEmotionClassifier
from .utils import _clock  # noqa: F401  (first: the time the package began loading)

__version__ = "0.1.0.dev0"

__all__ = [
    "AAEEmotionClassifier",
    "AAEEmotionRegressor",
    "SupervisedEmotionClassifier",
    "SupervisedEmotionRegressor",
    "load",
]
