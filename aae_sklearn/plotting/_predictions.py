"""The predicted-vs-true figure: a scatter (or a box per rating level) and the
CCC per emotion dimension."""

# License: BSD-3-Clause

import numpy as np
from matplotlib.patches import Patch

from ..metrics import concordance_correlation_coefficient
from ._common import _figure, _limits, _zoom

# A target with at most this many distinct true values (such as the three
# levels of RAVDESS's ratings) is discrete: its points would fall on a few
# vertical lines, so each level gets a box of its predictions instead.
_MAX_LEVELS = 10


def plot_predicted_vs_true(
    y_true, y_pred, *, target_names=("valence", "activation", "dominance"), title=None
):
    """Plot predictions against targets, one panel per emotion dimension.

    Points on the dashed identity line are perfect predictions; each panel's
    title gives the concordance correlation coefficient (CCC) of its dimension.
    A target with at most 10 distinct true values (ratings on a few levels)
    gets a box plot of the predictions at each level (median, quartiles and
    whiskers to 1.5 interquartile ranges, its number of rows under the tick)
    over its points, spread sideways a little; a continuous target, a scatter.

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
        One axes per target column; a discrete target's axes holds one box
        patch per level.

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
    # Seeded: the same data give the same figure; the global RNG is left alone.
    rng = np.random.default_rng(0)
    for j, (ax, name) in enumerate(zip(axes, target_names, strict=False)):
        true, pred = y_true[:, j], y_pred[:, j]
        limits = _limits(pred, include=true)
        levels = np.unique(true)
        discrete = len(levels) <= _MAX_LEVELS
        x_limits = limits
        if discrete:
            width = 0.5 * (np.diff(levels).min() if len(levels) > 1 else 0.5)
            x = true + rng.uniform(-0.35, 0.35, size=len(true)) * width
            # The levels fill the x-axis, whatever the spread of the predictions.
            x_limits = levels[0] - 1.5 * width, levels[-1] + 1.5 * width
        else:
            x = true
        ax.scatter(x, pred, s=10, alpha=0.25 if discrete else 0.4, zorder=1)
        ax.plot(x_limits, x_limits, "k--", lw=1, zorder=3)
        if discrete:
            _boxes(ax, true, pred, levels, width)
        outside = _zoom(ax, true, pred, limits=(x_limits, limits))
        if outside:
            # Bottom right stays clear: the legend is top left, the data near y = x.
            ax.text(
                0.98,
                0.02,
                f"{outside} outlying {_points(outside)} not shown",
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
        if j == 0:
            handles = [ax.collections[0], ax.get_lines()[0]]
            labels = [f"{len(true)} samples", "identity (perfect)"]
            if discrete:
                handles.append(Patch(facecolor="C1", alpha=0.35, edgecolor="black"))
                labels.append("predictions per level")
            ax.legend(handles, labels, loc="upper left", fontsize="small")
    fig.suptitle(title if title is not None else "Predicted vs true")
    return fig


def _points(n):
    return "point" if n == 1 else "points"


def _boxes(ax, true, pred, levels, width):
    """A box of the predictions ``pred`` at each level of ``true``, with its
    number of rows under its tick."""
    groups = [pred[true == level] for level in levels]
    ax.boxplot(
        groups,
        positions=levels,
        widths=width,
        patch_artist=True,
        manage_ticks=False,
        showfliers=False,  # the points are drawn already
        boxprops={"facecolor": "C1", "alpha": 0.35, "edgecolor": "black"},
        medianprops={"color": "black", "lw": 1.5},
        zorder=2,
    )
    labels = [
        f"{level:.3g}\n(n = {len(group)})"
        for level, group in zip(levels, groups, strict=True)
    ]
    ax.set_xticks(levels, labels=labels)
