"""The predicted-vs-true figure: a scatter and the CCC per emotion dimension."""

# License: BSD-3-Clause

import numpy as np

from ..metrics import concordance_correlation_coefficient
from ._common import _figure, _limits, _zoom


def plot_predicted_vs_true(
    y_true, y_pred, *, target_names=("valence", "activation", "dominance"), title=None
):
    """Scatter predictions against targets, one panel per emotion dimension.

    Points on the dashed identity line are perfect predictions; each panel's
    title gives the concordance correlation coefficient (CCC) of its dimension.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Ground-truth targets; a 1-D array gives one panel.
    y_pred : array-like of the same shape as ``y_true``
        Predicted targets.
    target_names : sequence of str, default=("valence", "activation", "dominance")
        Names of the target columns, at least ``n_outputs`` of them; the first
        ``n_outputs`` are used.
    title : str, default=None
        Figure title; by default "Predicted vs true".

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes per target column.

    Raises
    ------
    ValueError
        If the inputs are empty, hold fewer than 2 samples or non-finite values,
        differ in shape, or if there are fewer ``target_names`` than columns.

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn.plotting import plot_predicted_vs_true
    >>> y = np.linspace(-1, 1, 21)
    >>> fig = plot_predicted_vs_true(y, 0.5 * y)  # shrunk predictions
    >>> [ax.get_title() for ax in fig.axes]
    ['valence: CCC = 0.800']
    """
    y_true = np.asarray(y_true, dtype=float)
    y_pred = np.asarray(y_pred, dtype=float)
    if y_true.size == 0 or y_pred.size == 0:
        raise ValueError("y_true and y_pred must not be empty.")
    if y_true.shape != y_pred.shape or y_true.ndim > 2:
        raise ValueError(
            "y_true and y_pred must have the same 1-D or 2-D shape, got "
            f"{y_true.shape} and {y_pred.shape}."
        )
    y_true, y_pred = y_true.reshape(len(y_true), -1), y_pred.reshape(len(y_pred), -1)
    n_outputs = y_true.shape[1]
    if isinstance(target_names, str) or len(target_names) < n_outputs:
        raise ValueError(
            f"target_names must name the {n_outputs} target column(s), got "
            f"{target_names!r}."
        )
    # Validates finiteness and sample count with the metric's own messages.
    ccc = concordance_correlation_coefficient(y_true, y_pred, multioutput="raw_values")

    fig, axes = _figure(n_outputs, panel_size=(4.2, 4.4))
    for j, (ax, name) in enumerate(zip(axes, target_names, strict=False)):
        limits = _limits(y_pred[:, j], include=y_true[:, j])
        ax.scatter(
            y_true[:, j], y_pred[:, j], s=10, alpha=0.4, label=f"{len(y_true)} samples"
        )
        ax.plot(limits, limits, "k--", lw=1, label="identity (perfect)")
        outside = _zoom(ax, y_true[:, j], y_pred[:, j], limits=(limits, limits))
        if outside:
            # Bottom right stays clear: the legend is top left, the data near y = x.
            ax.text(
                0.98,
                0.02,
                f"{outside} outlying point(s) not shown",
                transform=ax.transAxes,
                ha="right",
                va="bottom",
                fontsize="small",
                color="grey",
            )
        ax.set_xlabel(f"true {name} (target units)")
        ax.set_ylabel(f"predicted {name} (target units)")
        ax.set_title(f"{name}: CCC = {ccc[j]:.3f}")
        ax.grid(alpha=0.3)
    axes[0].legend(loc="upper left", fontsize="small")
    fig.suptitle(title if title is not None else "Predicted vs true")
    return fig
