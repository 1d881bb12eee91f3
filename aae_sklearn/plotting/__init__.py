"""Matplotlib figures for training curves, latent codes, model comparisons and
confusion matrices.

Every function builds a :class:`matplotlib.figure.Figure` directly, without
:mod:`matplotlib.pyplot`: no global state, no backend choice, and nothing is
shown. Save a figure with ``fig.savefig(path)``, or display it in a notebook by
leaving it as a cell's last expression.
"""

# License: BSD-3-Clause

from ._comparison import plot_gain_vs_labeled_fraction
from ._confusion import plot_confusion_matrix
from ._latent import plot_emotion_latent
from ._predictions import plot_predicted_vs_true
from ._training import plot_training_curves

__all__ = [
    "plot_confusion_matrix",
    "plot_emotion_latent",
    "plot_gain_vs_labeled_fraction",
    "plot_predicted_vs_true",
    "plot_training_curves",
]
