"""The confusion-matrix figure of emotion classes, one panel per model."""

# License: BSD-3-Clause

import numpy as np
from sklearn.metrics import ConfusionMatrixDisplay, balanced_accuracy_score

from ._common import _figure


def plot_confusion_matrix(predictions, *, labels=None, normalize="true", title=None):
    """Confusion matrices of emotion classes, one panel per model.

    Rows are the true classes, columns the predicted ones; each cell holds the
    share of the true class (``normalize="true"``, so that the diagonal holds
    each class's recall and its mean is the unweighted average recall, UAR),
    or a count. Built with scikit-learn's
    :class:`~sklearn.metrics.ConfusionMatrixDisplay`.

    Parameters
    ----------
    predictions : dict of str to tuple of array-like
        ``{model name: (y_true, y_pred)}``; a single pair may be passed as
        ``{"": (y_true, y_pred)}``.
    labels : array-like of shape (n_classes,), default=None
        The classes, in the order of the rows and columns; by default every
        label of the true and predicted classes, sorted.
    normalize : {"true", "pred", "all"} or None, default="true"
        As in :func:`~sklearn.metrics.confusion_matrix`; None shows counts.
    title : str, default=None
        Figure title; by default "Confusion matrices".

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes per model (with a colour bar each), titled with its UAR.

    Raises
    ------
    ValueError
        If ``predictions`` is empty, or a pair's arrays differ in length or are
        empty.

    Examples
    --------
    >>> from aae_sklearn.plotting import plot_confusion_matrix
    >>> y_true = ["sad", "sad", "happy", "angry"]
    >>> y_pred = ["sad", "happy", "happy", "angry"]
    >>> fig = plot_confusion_matrix({"model": (y_true, y_pred)})
    >>> fig.axes[0].get_title()
    'model: UAR = 0.833'
    """
    if not predictions:
        raise ValueError("predictions is empty: no model to plot.")
    pairs = {}
    for name, (y_true, y_pred) in predictions.items():
        y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
        if len(y_true) == 0 or len(y_true) != len(y_pred):
            raise ValueError(
                f"{name!r}: y_true and y_pred must be non-empty and of one length, "
                f"got {len(y_true)} and {len(y_pred)}."
            )
        pairs[name] = y_true, y_pred
    if labels is None:
        labels = np.unique(np.concatenate([np.concatenate(p) for p in pairs.values()]))
    n_classes = len(labels)
    size = 1.6 + 0.55 * n_classes
    fig, axes = _figure(len(pairs), panel_size=(size + 1.2, size))
    for ax, (name, (y_true, y_pred)) in zip(axes, pairs.items(), strict=True):
        ConfusionMatrixDisplay.from_predictions(
            y_true,
            y_pred,
            labels=labels,
            normalize=normalize,
            ax=ax,
            cmap="Blues",
            values_format=".2f" if normalize else "d",
            xticks_rotation=45,
            colorbar=True,
        )
        uar = balanced_accuracy_score(y_true, y_pred)
        ax.set_title(f"{name}: UAR = {uar:.3f}" if name else f"UAR = {uar:.3f}")
    fig.suptitle(title or "Confusion matrices")
    return fig
