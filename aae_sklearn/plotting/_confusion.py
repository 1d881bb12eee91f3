"""The confusion-matrix figure of emotion classes: one panel per model, and
optionally one row of panels per labeled fraction."""

# License: BSD-3-Clause

from collections.abc import Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter
from sklearn.metrics import (
    ConfusionMatrixDisplay,
    balanced_accuracy_score,
    confusion_matrix,
)

# What a cell holds, by ``normalize``: the colour bar's label and the format.
_CELLS = {
    "true": ("share of the true class", ".0%"),
    "pred": ("share of the predicted class", ".0%"),
    "all": ("share of all rows", ".1%"),
    None: ("rows", "d"),
}


def plot_confusion_matrix(predictions, *, labels=None, normalize="true", title=None):
    """Confusion matrices of emotion classes, one panel per model.

    Rows are the true classes, columns the predicted ones; each cell holds the
    share of the true class in percent (``normalize="true"``, so that the
    diagonal holds each class's recall and its mean is the unweighted average
    recall, UAR), or a count. Built with scikit-learn's
    :class:`~sklearn.metrics.ConfusionMatrixDisplay`. All panels share one
    colour scale, so that their colours compare; the class names are written
    on the outer panels only.

    Parameters
    ----------
    predictions : dict of str to tuple of array-like, or dict of str to dict
        ``{model name: (y_true, y_pred)}`` gives one row of panels; a single
        pair may be passed as ``{"": (y_true, y_pred)}``. A dict of such dicts,
        ``{row name: {model name: (y_true, y_pred)}}``, gives a grid of one row
        per entry (such as one per labeled fraction), its name written left of
        the row, and one column per model.
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
        One axes per panel, titled with its model and UAR, row by row, then the
        axes of the shared colour bar.

    Raises
    ------
    ValueError
        If ``predictions`` (or one of its rows) is empty, mixes pairs and rows,
        or if a pair's arrays differ in length or are empty.

    Examples
    --------
    >>> from aae_sklearn.plotting import plot_confusion_matrix
    >>> y_true = ["sad", "sad", "happy", "angry"]
    >>> y_pred = ["sad", "happy", "happy", "angry"]
    >>> fig = plot_confusion_matrix({"model": (y_true, y_pred)})
    >>> fig.axes[0].get_title()
    'model: UAR = 0.833'
    >>> fig = plot_confusion_matrix(
    ...     {"10% labeled": {"model": (y_true, y_pred)},
    ...      "100% labeled": {"model": (y_true, y_true)}}
    ... )
    >>> [ax.get_ylabel() for ax in fig.axes[:2]]
    ['10% labeled\\nTrue label', '100% labeled\\nTrue label']
    """
    grid = _grid(predictions)
    if labels is None:
        labels = np.unique(
            np.concatenate(
                [np.concatenate(pair) for row in grid.values() for pair in row.values()]
            )
        )
    matrices = {
        (row_name, name): confusion_matrix(*pair, labels=labels, normalize=normalize)
        for row_name, row in grid.items()
        for name, pair in row.items()
    }
    vmax = max(float(np.nanmax(m)) for m in matrices.values()) or 1.0
    label, values_format = _CELLS[normalize]

    widths = [len(row) for row in grid.values()]
    n_rows, n_cols = len(grid), max(widths)
    # About half an inch per cell, and room for a model's name in the title.
    size = max(3.2, 0.5 * len(labels) + 0.6)
    fig = Figure(
        figsize=(size * n_cols + 2.2, size * n_rows + 1.4), layout="constrained"
    )
    axes = fig.subplots(n_rows, n_cols, squeeze=False)
    for i, (row_name, row) in enumerate(grid.items()):
        for j in range(len(row), n_cols):
            axes[i, j].set_axis_off()  # a row with fewer models than another
        for j, (name, (y_true, y_pred)) in enumerate(row.items()):
            ax = axes[i, j]
            display = ConfusionMatrixDisplay(
                matrices[row_name, name], display_labels=labels
            )
            display.plot(
                ax=ax,
                cmap="Blues",
                values_format=values_format,
                xticks_rotation=45,
                colorbar=False,
                im_kw={"vmin": 0, "vmax": vmax},
            )
            _recolor(display, vmax)
            uar = balanced_accuracy_score(y_true, y_pred)
            ax.set_title(f"{name}: UAR = {uar:.3f}" if name else f"UAR = {uar:.3f}")
            if j > 0:
                ax.set_ylabel("")
                ax.tick_params(labelleft=False)
            elif row_name is not None:
                ax.set_ylabel(f"{row_name}\n{ax.get_ylabel()}", fontsize="large")
            if i < n_rows - 1 and j < widths[i + 1]:  # the panel below has them
                ax.set_xlabel("")
                ax.tick_params(labelbottom=False)
    bar = fig.colorbar(display.im_, ax=axes, label=label, shrink=0.8, aspect=30)
    if normalize is not None:
        bar.formatter = PercentFormatter(1.0)
    fig.suptitle(title or "Confusion matrices")
    return fig


def _grid(predictions):
    """``predictions`` as ``{row name: {model name: (y_true, y_pred)}}`` of
    checked arrays; a single row is named None."""
    if not predictions:
        raise ValueError("predictions is empty: no model to plot.")
    nested = [isinstance(value, Mapping) for value in predictions.values()]
    if any(nested) and not all(nested):
        raise ValueError(
            "predictions must map model names to (y_true, y_pred) pairs, or row "
            "names to such dicts, not both."
        )
    rows = predictions if all(nested) else {None: predictions}
    grid = {}
    for row_name, row in rows.items():
        if not row:
            raise ValueError(f"row {row_name!r} of predictions is empty: no model.")
        grid[row_name] = {}
        for name, (y_true, y_pred) in row.items():
            y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
            if len(y_true) == 0 or len(y_true) != len(y_pred):
                raise ValueError(
                    f"{name!r}: y_true and y_pred must be non-empty and of one "
                    f"length, got {len(y_true)} and {len(y_pred)}."
                )
            grid[row_name][name] = y_true, y_pred
    return grid


def _recolor(display, vmax):
    """Light text on dark cells, dark on light ones, on the shared colour scale
    (scikit-learn picks them on each panel's own range)."""
    cmap = display.im_.cmap
    for text, value in zip(
        display.text_.ravel(), display.confusion_matrix.ravel(), strict=True
    ):
        text.set_color(cmap(0.0) if value > vmax / 2 else cmap(1.0))
