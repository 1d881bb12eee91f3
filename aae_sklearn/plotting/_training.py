"""The training-curves figure: per-epoch losses and the validation score of a fit."""

# License: BSD-3-Clause

import numpy as np
import pandas as pd
from matplotlib.ticker import (
    LogLocator,
    MaxNLocator,
    NullFormatter,
    StrMethodFormatter,
)
from sklearn.base import is_classifier
from sklearn.utils.validation import check_is_fitted

from ._common import _figure

# Known history columns, in plotting order, with their legend labels; the
# supervised and validation losses are named after the fit's loss, below.
_LOSS_LABELS = {
    "reconstruction_loss": "reconstruction (MSE)",
    "discriminator_loss": "discriminator (BCE)",
    "generator_loss": "generator (BCE)",
    "supervised_loss": "supervised",
    "consistency_loss": "consistency (MSE)",
    "valid_loss": "validation",
}
# The units of the supervised and validation losses, by the estimator's loss:
# the regressors' validation loss is the MSE whatever they train on.
_LOSS_UNITS = {
    "ccc": ("1 − CCC", "MSE"),
    "mse": ("MSE", "MSE"),
    "cross_entropy": ("cross-entropy", "cross-entropy"),
}
_SCORE_UNITS = {
    "ccc": "CCC, unitless",
    "r2": "R², unitless",
    "neg_mean_squared_error": "−MSE, squared target units",
    "balanced_accuracy": "UAR, unitless",
    "accuracy": "accuracy, unitless",
}


def plot_training_curves(history, *, loss=None, title=None):
    """Plot the per-epoch losses and the validation score of a fit.

    The losses of every training phase (and the validation loss) share the left
    axis; the validation score, when recorded, goes on a right axis, with the best
    epoch (highest score, the one whose weights early stopping restores) marked by
    a dashed vertical line. Columns that are all NaN are skipped.

    Parameters
    ----------
    history : pandas.DataFrame or fitted estimator
        An estimator's ``history_``: one row per epoch, indexed by ``epoch`` (or
        with an ``epoch`` column), with loss columns among
        ``reconstruction_loss``, ``discriminator_loss``, ``generator_loss``,
        ``supervised_loss``, ``valid_loss`` (or any ``*_loss``) and optionally
        ``valid_score``. A fitted estimator stands for its ``history_``.
    loss : {"ccc", "mse", "cross_entropy"}, default=None
        The supervised loss of the fit, which names the supervised and
        validation losses in the legend: a regressor's ``loss`` (one minus the
        CCC, or the MSE; its validation loss is the MSE either way), or the
        cross-entropy of a classifier. By default, that of the estimator when
        ``history`` is one; otherwise the legend names no loss function for them.
    title : str, default=None
        Figure title; by default "Training curves".

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes, plus a twin axes sharing its x-axis when there is a score.

    Raises
    ------
    ValueError
        If the history is empty or holds neither a loss nor ``valid_score``, or
        ``loss`` is not one of the above.
    sklearn.exceptions.NotFittedError
        If an unfitted estimator is passed (a subclass of ValueError).

    Examples
    --------
    >>> import pandas as pd
    >>> from aae_sklearn.plotting import plot_training_curves
    >>> history = pd.DataFrame(
    ...     {"supervised_loss": [0.9, 0.7, 0.6], "valid_score": [0.2, 0.4, 0.3]},
    ...     index=pd.Index([1, 2, 3], name="epoch"),
    ... )
    >>> fig = plot_training_curves(history, loss="ccc")
    >>> [text.get_text() for text in fig.legends[0].get_texts()][:2]
    ['supervised (1 − CCC)', 'validation score (CCC by default, unitless)']
    """
    if loss is not None and loss not in _LOSS_UNITS:
        raise ValueError(
            f"loss must be one of {sorted(_LOSS_UNITS)} or None, got {loss!r}."
        )
    scoring = None
    if not isinstance(history, pd.DataFrame):
        if not hasattr(history, "fit"):
            raise TypeError(
                "history must be a pandas DataFrame or a fitted estimator, got "
                f"{type(history).__name__}."
            )
        check_is_fitted(history, "history_")
        loss = _estimator_loss(history) if loss is None else loss
        scoring = getattr(history, "scoring", None)
        history = history.history_
    if isinstance(scoring, str):
        score_label = f"validation score ({_SCORE_UNITS.get(scoring, scoring)})"
    else:
        default = "UAR" if loss == "cross_entropy" else "CCC"
        score_label = f"validation score ({default} by default, unitless)"
    if history.empty:
        raise ValueError("history is empty: no epoch to plot.")
    if "epoch" in history.columns:
        history = history.set_index("epoch")
    history = history.dropna(axis="columns", how="all")
    losses = [column for column in _LOSS_LABELS if column in history]
    losses += [c for c in history if str(c).endswith("_loss") and c not in losses]
    has_score = "valid_score" in history
    if not losses and not has_score:
        raise ValueError(
            "history has no non-NaN loss column (one of "
            f"{list(_LOSS_LABELS)} or '*_loss') and no 'valid_score'; it has "
            f"{list(history.columns)}."
        )

    fig, (ax,) = _figure(panel_size=(7.5, 5.0))
    epochs = history.index.to_numpy()
    # Markers keep a curve of a handful of epochs (or a single one) visible.
    marker = "o" if len(epochs) <= 20 else None
    labels = dict(_LOSS_LABELS)
    if loss is not None:
        supervised, validation = _LOSS_UNITS[loss]
        labels["supervised_loss"] = f"supervised ({supervised})"
        labels["valid_loss"] = f"validation ({validation})"
    for i, column in enumerate(losses):
        label = labels.get(column, str(column).replace("_", " "))
        ax.plot(
            epochs, history[column], marker=marker, ms=3, color=f"C{i}", label=label
        )
    ax.set_xlabel("epoch")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ylabel = "mean loss per batch"
    values = history[losses].to_numpy(dtype=float)
    values = values[np.isfinite(values)]
    # The generator's loss can dwarf the others; a log axis keeps them all legible.
    if values.size and values.min() > 0 and values.max() > 10 * values.min():
        ax.set_yscale("log")
        ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
        ax.yaxis.set_major_formatter(StrMethodFormatter("{x:g}"))
        ax.yaxis.set_minor_formatter(NullFormatter())
        ylabel += ", log scale"
    ax.set_ylabel(ylabel)
    handles, labels = ax.get_legend_handles_labels()
    if has_score:
        twin = ax.twinx()
        score = history["valid_score"]
        twin.plot(epochs, score, marker=marker, ms=3, color="black", label=score_label)
        best = score.idxmax()
        twin.axvline(
            best,
            color="grey",
            linestyle="--",
            label=f"best epoch: {best} (score {score[best]:.3f})",
        )
        twin.set_ylabel(score_label)
        more_handles, more_labels = twin.get_legend_handles_labels()
        handles, labels = handles + more_handles, labels + more_labels
    # Below the axes, where it hides no curve.
    fig.legend(handles, labels, loc="outside lower center", ncols=3, fontsize="small")
    ax.grid(alpha=0.3)
    ax.set_title(title if title is not None else "Training curves")
    return fig


def _estimator_loss(estimator):
    """The supervised loss of ``estimator``, as :func:`plot_training_curves`
    names it, or None if it is not known."""
    if is_classifier(estimator):
        return "cross_entropy"
    if not hasattr(estimator, "get_params"):
        return None
    loss = estimator.get_params(deep=False).get("loss")
    return loss if loss in _LOSS_UNITS else None
