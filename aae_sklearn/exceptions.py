"""The package's warning and error classes.

Filter them by class, not by text::

    import warnings
    from aae_sklearn.exceptions import FarOutInputWarning

    warnings.simplefilter("ignore", FarOutInputWarning)

``ConvergenceWarning`` is scikit-learn's own, raised when training stops at
``max_iter`` before the monitored score stopped improving.
"""

# License: BSD-3-Clause

from sklearn.exceptions import ConvergenceWarning

__all__ = [
    "AudioError",
    "DiscriminatorCollapseWarning",
    "FarOutInputWarning",
    "FarOutPredictionWarning",
    "GradientClippingWarning",
    "SingleRowGroupWarning",
    "SkippedAudioWarning",
    "TrainingDivergedWarning",
    "TrainingInterruptedWarning",
]


class AudioError(ValueError):
    """An audio item could not be read or yields no features.

    The message names the file (or the position of an in-memory item) and the
    problem: missing or empty file, a file soundfile cannot decode, a signal
    without samples, NaN or infinite samples, or a signal too short for one frame.
    """


class FarOutInputWarning(UserWarning):
    """Inputs lie far outside the training data (more than 50 training standard
    deviations out): the predictions there rest on the edge of what the
    networks have seen."""


class FarOutPredictionWarning(UserWarning):
    """A regressor predicted values far outside its training targets: more
    than 5 training standard deviations from their mean.

    For targets spread evenly over a rating scale that is about 0.4 of the
    scale's width beyond either end; for RAVDESS's -2/3, 0 and 2/3, beyond
    about -2 and 2. The networks extrapolate there, most where ``X`` differs
    from the training data (another corpus, other features, another
    normalisation), though an autoencoder trained on few labels may overshoot
    for a few training rows too.
    """


class DiscriminatorCollapseWarning(UserWarning):
    """The adversarial autoencoder's discriminators won outright in the last
    epochs: the regularisation phase no longer shapes the latent code."""


class GradientClippingWarning(UserWarning):
    """Gradients were clipped to ``max_grad_norm`` during training."""


class TrainingInterruptedWarning(UserWarning):
    """Training was interrupted (Ctrl-C); the estimator keeps the weights of
    the best or last finished epoch, and is not fully trained."""


class TrainingDivergedWarning(ConvergenceWarning):
    """A training loss stopped being finite; the weights of the best earlier
    epoch were restored."""


class SingleRowGroupWarning(UserWarning):
    """A group of :class:`~aae_sklearn.features.GroupStandardScaler` holds a
    single row: its scale cannot be estimated and is taken as 1."""


class SkippedAudioWarning(UserWarning):
    """A feature extractor skipped audio files it could not read."""
