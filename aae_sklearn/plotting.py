"""Matplotlib figures for training curves, latent codes and model comparisons.

Every function builds a :class:`matplotlib.figure.Figure` directly, without
:mod:`matplotlib.pyplot`: no global state, no backend choice, and nothing is
shown. Save a figure with ``fig.savefig(path)``, or display it in a notebook by
leaving it as a cell's last expression.
"""

# License: BSD-3-Clause

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.ticker import LogLocator, NullFormatter, StrMethodFormatter
from sklearn.utils.validation import check_is_fitted

from .metrics import concordance_correlation_coefficient

__all__ = [
    "plot_emotion_latent",
    "plot_gain_vs_labeled_fraction",
    "plot_predicted_vs_true",
    "plot_training_curves",
]

# Known history columns, in plotting order, with their legend labels.
_LOSS_LABELS = {
    "reconstruction_loss": "reconstruction (MSE)",
    "discriminator_loss": "discriminator (BCE)",
    "generator_loss": "generator (BCE)",
    "supervised_loss": "supervised (MSE)",
    "valid_loss": "validation (MSE)",
}
_SCORE_UNITS = {
    "ccc": "CCC, unitless",
    "r2": "R², unitless",
    "neg_mean_squared_error": "−MSE, squared target units",
}
_AAE, _SUPERVISED = "AAEEmotionRegressor", "SupervisedEmotionRegressor"


def _figure(n_panels=1, *, panel_size=(5.0, 4.0)):
    width, height = panel_size
    fig = Figure(figsize=(width * n_panels, height), layout="constrained")
    return fig, fig.subplots(1, n_panels, squeeze=False)[0]


def _check_columns(frame, required, name):
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} lacks the column(s) {missing}; it has {list(frame.columns)}."
        )


def _metric_scale(metric):
    """Multiplier, axis unit and gain unit of a metric named as in the CLI table."""
    if "accuracy" in metric or "uar" in metric or "recall" in metric:
        return 100.0, "%", "percentage points"
    if metric.endswith("time"):
        return 1.0, "s", "s"
    return 1.0, "unitless", metric


def plot_training_curves(history, *, title=None):
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
    title : str, default=None
        Figure title; by default "Training curves".

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes, plus a twin axes sharing its x-axis when there is a score.

    Raises
    ------
    ValueError
        If the history is empty or holds neither a loss nor ``valid_score``.
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
    >>> fig = plot_training_curves(history)
    >>> len(fig.axes)
    2
    """
    score_label = "validation score (CCC by default, unitless)"
    if not isinstance(history, pd.DataFrame):
        if not hasattr(history, "fit"):
            raise TypeError(
                "history must be a pandas DataFrame or a fitted estimator, got "
                f"{type(history).__name__}."
            )
        check_is_fitted(history, "history_")
        if isinstance(getattr(history, "scoring", None), str):
            unit = _SCORE_UNITS.get(history.scoring, history.scoring)
            score_label = f"validation score ({unit})"
        history = history.history_
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
    for i, column in enumerate(losses):
        label = _LOSS_LABELS.get(column, str(column).replace("_", " "))
        ax.plot(
            epochs, history[column], marker=marker, ms=3, color=f"C{i}", label=label
        )
    ax.set_xlabel("epoch")
    ylabel = "mean loss per batch (standardised units)"
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


def plot_emotion_latent(
    codes, categories, *, dims=(0, 1), dim_names=("valence", "activation"), title=None
):
    """Scatter two dimensions of the latent codes, coloured by emotion category.

    Shows whether the emotion part of the code separates categorical emotions
    (angry, calm, sad, ...) along valence and activation, as the model intends.

    Parameters
    ----------
    codes : array-like of shape (n_samples, n_dims)
        Latent codes, such as the output of ``transform`` (emotion part first,
        then the style part) or ``predict``.
    categories : array-like of shape (n_samples,)
        A category per row (for RAVDESS, ``load_ravdess_features().frame
        ["emotion"]``); one colour each, in sorted order.
    dims : tuple of 2 int, default=(0, 1)
        The columns of ``codes`` on the x- and y-axis.
    dim_names : tuple of 2 str, default=("valence", "activation")
        Names of these columns, for the axis labels.
    title : str, default=None
        Figure title; by default "Latent codes by emotion category".

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes.

    Raises
    ------
    ValueError
        If ``codes`` is empty or not 2-D, ``categories`` differs in length,
        ``dims`` are not two distinct valid columns, or ``dim_names`` is not a pair.

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn.plotting import plot_emotion_latent
    >>> codes = np.random.default_rng(0).normal(size=(30, 5))
    >>> fig = plot_emotion_latent(codes, ["happy", "sad", "angry"] * 10)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['angry', 'happy', 'sad']
    """
    codes = np.asarray(codes, dtype=float)
    categories = np.asarray(categories)
    if codes.ndim != 2 or codes.size == 0:
        raise ValueError(
            f"codes must be a non-empty 2-D array, got shape {codes.shape}."
        )
    if categories.shape != (len(codes),):
        raise ValueError(
            f"categories must be 1-D with one entry per row of codes ({len(codes)}), "
            f"got shape {categories.shape}."
        )
    n_dims = codes.shape[1]
    if (
        len(dims) != 2
        or not all(-n_dims <= d < n_dims for d in dims)
        or dims[0] % n_dims == dims[1] % n_dims
    ):
        raise ValueError(
            f"dims must be two distinct columns of codes (0 to {n_dims - 1}), "
            f"got {dims}."
        )
    if len(dim_names) != 2:
        raise ValueError(f"dim_names must hold two names, got {dim_names}.")

    fig, (ax,) = _figure(panel_size=(6.0, 5.0))
    x, y = codes[:, dims[0]], codes[:, dims[1]]
    for i, category in enumerate(np.unique(categories)):
        mask = categories == category
        ax.scatter(
            x[mask],
            y[mask],
            s=14,
            alpha=0.7,
            color=f"C{i % 10}",  # the default cycle is tab10
            marker="osD^v<>"[i // 10 % 7],
            label=str(category),
        )
    outside = _zoom(ax, x, y)
    if outside:
        ax.plot([], [], " ", label=f"({outside} outlying point(s) not shown)")
    ax.set_xlabel(f"{dim_names[0]} (code dimension {dims[0]}, code units)")
    ax.set_ylabel(f"{dim_names[1]} (code dimension {dims[1]}, code units)")
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.legend(title="category", fontsize="small", markerscale=1.5)
    ax.set_title(title if title is not None else "Latent codes by emotion category")
    return fig


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


def plot_gain_vs_labeled_fraction(results, *, metric="valence_accuracy", title=None):
    """Plot a metric against the share of labeled training rows, per model.

    The left panel shows each model's mean over folds, with a band of one
    standard deviation. When the table holds both ``AAEEmotionRegressor`` and
    ``SupervisedEmotionRegressor``, a right panel shows the gain of the
    autoencoder over its baseline, paired by fold (the difference is taken fold
    by fold, then averaged), with its standard deviation and a zero line.

    Accuracies and recalls (metric names containing "accuracy", "uar" or
    "recall", fractions in [0, 1]) are shown in percent and their gain in
    percentage points; other metrics (CCC) in their own units.

    Parameters
    ----------
    results : pandas.DataFrame
        One row per (model, labeled fraction, fold), with columns ``model``,
        ``labeled_fraction`` (in (0, 1]), ``fold`` and ``metric``.
    metric : str, default="valence_accuracy"
        The column to plot.
    title : str, default=None
        Figure title; by default "<metric> vs labeled fraction".

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes, or two with the gain panel.

    Raises
    ------
    ValueError
        If ``results`` is empty, lacks a required column, or holds a
        (model, labeled_fraction, fold) more than once.

    Examples
    --------
    >>> import pandas as pd
    >>> from aae_sklearn.plotting import plot_gain_vs_labeled_fraction
    >>> results = pd.DataFrame({
    ...     "model": ["AAEEmotionRegressor"] * 4 + ["SupervisedEmotionRegressor"] * 4,
    ...     "labeled_fraction": [0.1, 0.1, 1.0, 1.0] * 2,
    ...     "fold": [0, 1, 0, 1] * 2,
    ...     "valence_accuracy": [0.50, 0.54, 0.60, 0.62, 0.44, 0.46, 0.59, 0.61],
    ... })
    >>> fig = plot_gain_vs_labeled_fraction(results)
    >>> len(fig.axes)
    2
    """
    if not isinstance(results, pd.DataFrame):
        raise TypeError(
            f"results must be a pandas DataFrame, got {type(results).__name__}."
        )
    if results.empty:
        raise ValueError("results is empty: no row to plot.")
    keys = ["model", "labeled_fraction", "fold"]
    _check_columns(results, [*keys, metric], "results")
    if results.duplicated(keys).any():
        raise ValueError(
            "results holds some (model, labeled_fraction, fold) more than once: "
            f"{results.loc[results.duplicated(keys), keys].to_numpy().tolist()[:3]}."
        )
    scale, unit, gain_unit = _metric_scale(metric)
    table = results[keys].assign(value=scale * results[metric].astype(float))
    models = sorted(
        table["model"].unique(), key=lambda m: (m not in (_AAE, _SUPERVISED), m)
    )
    both = _AAE in models and _SUPERVISED in models

    fig, axes = _figure(2 if both else 1, panel_size=(5.5, 4.2))
    for i, model in enumerate(models):
        stats = _mean_std(table[table["model"] == model])
        _band(axes[0], stats, f"C{i}", f"{model} (mean ± s.d.)")
    axes[0].set_xlabel("labeled training rows (%)")
    axes[0].set_ylabel(f"{metric.replace('_', ' ')} ({unit})")
    axes[0].set_title(f"{metric.replace('_', ' ')} per model")
    axes[0].legend(fontsize="small")

    if both:
        wide = table.pivot(index=["labeled_fraction", "fold"], columns="model")
        gain = (wide["value", _AAE] - wide["value", _SUPERVISED]).dropna()
        gain = gain.rename("value").reset_index()
        _band(axes[1], _mean_std(gain), "black", "AAE − supervised (mean ± s.d.)")
        axes[1].axhline(0, color="grey", linestyle="--", lw=1, label="no gain")
        axes[1].set_xlabel("labeled training rows (%)")
        axes[1].set_ylabel(f"gain ({gain_unit})")
        axes[1].set_title("gain of the AAE over its baseline, paired by fold")
        axes[1].legend(fontsize="small")
    percent = 100 * np.sort(table["labeled_fraction"].unique().astype(float))
    for ax in axes:
        ax.set_xticks(percent, labels=[f"{p:g}" for p in percent])
        ax.grid(alpha=0.3)
    fig.suptitle(
        title
        if title is not None
        else f"{metric.replace('_', ' ')} vs labeled fraction"
    )
    return fig


def _mean_std(table):
    """Mean and standard deviation over folds of ``value``, per labeled fraction."""
    stats = table.groupby("labeled_fraction")["value"].agg(["mean", "std", "count"])
    # A single fold has no spread; draw it without a band rather than fail.
    return stats.fillna({"std": 0.0})


def _band(ax, stats, color, label):
    percent = 100 * stats.index.to_numpy(dtype=float)
    mean, std = stats["mean"].to_numpy(), stats["std"].to_numpy()
    ax.plot(percent, mean, marker="o", color=color, label=label)
    ax.fill_between(percent, mean - std, mean + std, color=color, alpha=0.2)


def _limits(values, *, include=()):
    """Axis limits around ``values`` (and all of ``include``), far outliers left out.

    Points beyond Tukey's far fences (3 interquartile ranges past the quartiles)
    would squash the rest of a scatter into a corner, so they are not covered.
    """
    q1, q3 = np.quantile(values, [0.25, 0.75])
    fence = 3 * (q3 - q1)
    kept = values[(values >= q1 - fence) & (values <= q3 + fence)]
    kept = np.concatenate([kept, np.ravel(include)])
    low, high = kept.min(), kept.max()
    pad = 0.05 * (high - low) or 0.1
    return low - pad, high + pad


def _zoom(ax, x, y, *, limits=None):
    """Set the limits of a scatter; return how many points fall outside them."""
    (x_low, x_high), (y_low, y_high) = limits or (_limits(x), _limits(y))
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    return int(np.sum((x < x_low) | (x > x_high) | (y < y_low) | (y > y_high)))
