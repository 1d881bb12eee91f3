"""Semi-supervised adversarial autoencoders for speech emotion recognition.

scikit-learn estimators that learn valence, activation and dominance from
utterance-level speech features, using unlabeled speech as well as labeled.
"""

# License: BSD-3-Clause

from ._aae import AAEEmotionRegressor
from ._persistence import load
from ._supervised import SupervisedEmotionRegressor

__version__ = "0.1.0.dev0"

__all__ = ["AAEEmotionRegressor", "SupervisedEmotionRegressor", "load"]
