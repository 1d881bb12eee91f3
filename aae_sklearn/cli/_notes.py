"""Warnings as tidy notes: one line per kind of warning, at the end of a command."""

# License: BSD-3-Clause

import contextlib
import sys
import warnings

from sklearn.exceptions import ConvergenceWarning

from ..exceptions import (
    DiscriminatorCollapseWarning,
    FarOutInputWarning,
    FarOutPredictionWarning,
    GradientClippingWarning,
    SingleRowGroupWarning,
    SkippedAudioWarning,
    TrainingDivergedWarning,
    TrainingInterruptedWarning,
)
from ..utils._scaling import FAR_OUT, FAR_PREDICTION

# What each of the package's warnings means for a command's results, in one line.
NOTES = {
    FarOutInputWarning: (
        f"some rows to predict lay more than {FAR_OUT:g} training standard deviations "
        "out (heavy-tailed features); the outputs there are extrapolations"
    ),
    FarOutPredictionWarning: (
        f"some predictions lay more than {FAR_PREDICTION:g} training standard "
        "deviations from the training targets' mean; the networks extrapolate there"
    ),
    DiscriminatorCollapseWarning: (
        "the discriminators won outright by the last epochs (see "
        "discriminator_accuracy in history_): the adversarial phase had stopped "
        "shaping the codes"
    ),
    GradientClippingWarning: (
        "gradients were clipped to max_grad_norm in some steps (history_'s "
        "clipped_steps)"
    ),
    TrainingDivergedWarning: (
        "training diverged and the weights of an earlier, good epoch were restored"
    ),
    ConvergenceWarning: (
        "training stopped at max_iter while the validation score still improved; "
        "more epochs (--max-iter) may help"
    ),
    SingleRowGroupWarning: (
        "some speakers have a single row: their per-speaker mean is that row and "
        "their scale 1"
    ),
    SkippedAudioWarning: "unreadable audio files were skipped",
}


def interrupted(caught):
    """Whether Ctrl-C ended a fit whose warnings are ``caught``
    (:class:`warnings.WarningMessage` objects)."""
    return any(issubclass(w.category, TrainingInterruptedWarning) for w in caught)


def replay(caught):
    """Issue again the warnings ``caught`` elsewhere (a worker, a recorded fit).

    ``caught`` holds :class:`warnings.WarningMessage` objects or the tuples of
    their first four arguments. A :class:`TrainingInterruptedWarning` means
    Ctrl-C ended a fit: the estimator returned, for an interactive session to go
    on, but a command stops, so it raises :class:`KeyboardInterrupt` instead.
    """
    caught = [
        w if hasattr(w, "category") else warnings.WarningMessage(*w) for w in caught
    ]
    if interrupted(caught):
        raise KeyboardInterrupt
    for w in caught:
        warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)


def summary(caught):
    """One line per kind of warning in ``caught``: the package's as notes (with
    a count where there were several), any other once per distinct message."""
    lines, counts = [], {}
    for w in caught:
        kind = next((k for k in NOTES if issubclass(w.category, k)), None)
        if kind is None:
            first = str(w.message).strip().splitlines()[0] if str(w.message) else ""
            line = f"aae-sklearn: warning: {w.category.__name__}: {first}"
            if line not in lines:
                lines.append(line)
        else:
            counts[kind] = counts.get(kind, 0) + 1
    for kind, count in counts.items():
        times = f" ({count} times)" if count > 1 else ""
        lines.append(f"aae-sklearn: note: {NOTES[kind]}{times}.")
    return lines


@contextlib.contextmanager
def shown_as_notes(stream=None):
    """Record every warning of the block; print :func:`summary` if it succeeds.

    A block that raises prints no note, so that a failure stays one line.
    """
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught
    for line in summary(caught):
        print(line, file=stream or sys.stderr)
