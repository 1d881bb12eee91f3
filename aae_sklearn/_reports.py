"""How a training run ended, told to the user: warnings, or an error."""

# License: BSD-3-Clause

from sklearn.exceptions import ConvergenceWarning

from ._training import DIVERGED, INTERRUPTED, MAX_ITER
from .exceptions import (
    DiscriminatorCollapseWarning,
    GradientClippingWarning,
    TrainingDivergedWarning,
    TrainingInterruptedWarning,
)
from .utils._warn import warn

# A discriminator right this often gives the encoder no useful gradient.
COLLAPSE_ACCURACY = 0.99


def report_run(result, history, *, max_iter, max_grad_norm, checkpoint, budget):
    """Warn about how a run ended and what went wrong in it.

    Parameters
    ----------
    result : RunResult
        What :func:`aae_sklearn._training.run` returned.
    history : pandas.DataFrame
        The epochs of this run.
    max_iter, max_grad_norm, checkpoint
        The estimator's parameters, for the messages.
    budget : bool
        Whether reaching ``max_iter`` deserves a ConvergenceWarning.

    Raises
    ------
    FloatingPointError
        If training diverged before any epoch could be kept.
    """
    _report_faults(history, max_grad_norm)
    if result.reason == DIVERGED:
        if not result.restored:
            raise FloatingPointError(
                f"Training diverged in epoch {result.epoch}: {result.error}, and "
                "no earlier epoch was good enough to restore. Lower "
                "learning_rate_init or check X for extreme values."
            ) from result.error
        warn(
            f"Training diverged in epoch {result.epoch} ({result.error}); the "
            f"weights of epoch {result.kept_epoch} were restored.",
            TrainingDivergedWarning,
        )
    elif result.reason == INTERRUPTED:
        resume = (
            f" fit again to resume from checkpoint {checkpoint!r}."
            if checkpoint is not None
            else ""
        )
        warn(
            f"Training was interrupted in epoch {result.epoch}; the estimator "
            f"keeps the weights of epoch {result.kept_epoch}.{resume}",
            TrainingInterruptedWarning,
        )
    elif result.reason == MAX_ITER and budget:
        warn(
            f"Training stopped at max_iter={max_iter} before the monitored score "
            "stopped improving.",
            ConvergenceWarning,
        )


def _report_faults(history, max_grad_norm):
    """Warn about a collapsed discriminator or clipped gradients."""
    accuracy = history.get("discriminator_accuracy")
    if accuracy is not None and len(accuracy) >= 3:
        if (accuracy.iloc[-3:] >= COLLAPSE_ACCURACY).all():
            warn(
                "The discriminators told codes from prior samples in "
                f"{accuracy.iloc[-1]:.1%} of cases in the last epochs "
                "(history_['discriminator_accuracy']): they have won, and the "
                "regularisation phase no longer shapes the codes. Raise "
                "adversarial_weight or shrink discriminator_layer_sizes.",
                DiscriminatorCollapseWarning,
            )
    clipped = history.get("clipped_steps")
    if clipped is not None and clipped.sum() > 0:
        warn(
            f"Gradients were clipped to max_grad_norm={max_grad_norm:g} in "
            f"{int(clipped.sum())} steps (history_['clipped_steps']); the "
            f"largest norm was {history['grad_norm'].max():.3g}.",
            GradientClippingWarning,
        )
