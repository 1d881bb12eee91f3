"""The model-comparison figure: a metric, and the autoencoder's gain over its
supervised baseline, against the share of labeled training rows.
"""

# License: BSD-3-Clause

import numpy as np
import pandas as pd

from ._common import _figure

# The autoencoders and their baselines, whose gain the right panel shows.
# The autoencoder and its baseline; trained on augmented views, the baseline
# trained on the same views (``compare --augment``), where the table has it.
_PAIRS = [
    ("AAEEmotionRegressor", "SupervisedEmotionRegressor+views"),
    ("AAEEmotionClassifier", "SupervisedEmotionClassifier+views"),
    ("AAEEmotionRegressor", "SupervisedEmotionRegressor"),
    ("AAEEmotionClassifier", "SupervisedEmotionClassifier"),
]


def _check_columns(frame, required, name):
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise ValueError(
            f"{name} lacks the column(s) {missing}; it has {list(frame.columns)}."
        )


def _metric_label(metric):
    """``valence_uar`` as ``valence UAR``: a metric's column name for a reader."""
    acronyms = {"ccc": "CCC", "uar": "UAR", "wa": "WA", "r2": "R²"}
    return " ".join(acronyms.get(word, word) for word in metric.split("_"))


def _metric_scale(metric):
    """Multiplier, axis unit and gain unit of a metric named as in the CLI table."""
    if "accuracy" in metric or "uar" in metric or "recall" in metric:
        return 100.0, "%", "percentage points"
    if metric.endswith("time"):
        return 1.0, "s", "s"
    return 1.0, "unitless", _metric_label(metric)


def plot_gain_vs_labeled_fraction(results, *, metric="valence_accuracy", title=None):
    """Plot a metric against the share of labeled training rows, per model.

    The left panel shows each model's mean over folds, with a band of one
    standard deviation. When the table holds both ``AAEEmotionRegressor`` and
    ``SupervisedEmotionRegressor`` (or both classifiers), a right panel shows
    the gain of the autoencoder over its baseline (over
    ``SupervisedEmotionRegressor+views``, the baseline trained on the same
    augmented views, where the table holds it), paired by fold (the
    difference is taken fold by fold, then averaged), with its standard
    deviation and a zero line.

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
    name = _metric_label(metric)
    table = results[keys].assign(value=scale * results[metric].astype(float))
    names = set(table["model"])
    pair = next((p for p in _PAIRS if set(p) <= names), None)
    both = pair is not None
    models = sorted(names, key=lambda m: (not both or m not in pair, m))

    fig, axes = _figure(2 if both else 1, panel_size=(5.5, 4.2))
    for i, model in enumerate(models):
        stats = _mean_std(table[table["model"] == model])
        _band(axes[0], stats, f"C{i}", model + _spread(stats))
    axes[0].set_xlabel("labeled training rows (%)")
    axes[0].set_ylabel(f"{name} ({unit})")
    axes[0].set_title(f"{name} per model")
    axes[0].legend(fontsize="small")

    if both:
        wide = table.pivot(index=["labeled_fraction", "fold"], columns="model")
        gain = (wide["value", pair[0]] - wide["value", pair[1]]).dropna()
        gain = gain.rename("value").reset_index()
        stats = _mean_std(gain)
        _band(axes[1], stats, "black", "AAE − supervised" + _spread(stats))
        axes[1].axhline(0, color="grey", linestyle="--", lw=1, label="no gain")
        axes[1].set_xlabel("labeled training rows (%)")
        axes[1].set_ylabel(f"gain ({gain_unit})")
        axes[1].set_title("gain of the AAE over its baseline, paired by fold")
        axes[1].legend(fontsize="small")
    percent = 100 * np.sort(table["labeled_fraction"].unique().astype(float))
    for ax in axes:
        ax.set_xticks(percent, labels=[f"{p:g}" for p in percent])
        ax.grid(alpha=0.3)
    fig.suptitle(title if title is not None else f"{name} vs labeled fraction")
    return fig


def _mean_std(table):
    """Mean and standard deviation over folds of ``value``, per labeled fraction."""
    stats = table.groupby("labeled_fraction")["value"].agg(["mean", "std", "count"])
    # A single fold has no spread; draw it without a band rather than fail.
    return stats.fillna({"std": 0.0})


def _spread(stats):
    """What the band shows: nothing where there is one fold (cross-corpus)."""
    return " (mean ± s.d.)" if stats["count"].max() > 1 else ""


def _band(ax, stats, color, label):
    percent = 100 * stats.index.to_numpy(dtype=float)
    mean, std = stats["mean"].to_numpy(), stats["std"].to_numpy()
    ax.plot(percent, mean, marker="o", color=color, label=label)
    ax.fill_between(percent, mean - std, mean + std, color=color, alpha=0.2)
