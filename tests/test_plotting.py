"""Tests for aae_sklearn.plotting: latent codes, predictions, gains, and the
training curves of a fitted estimator (more in test_plotting_training.py)."""

# License: BSD-3-Clause

import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.image import imread
from matplotlib.patches import PathPatch
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning

from aae_sklearn import AAEEmotionRegressor
from aae_sklearn.datasets import make_emotion_regression
from aae_sklearn.metrics import concordance_correlation_coefficient
from aae_sklearn.plotting import (
    plot_emotion_latent,
    plot_gain_vs_labeled_fraction,
    plot_predicted_vs_true,
    plot_training_curves,
)

AAE, SUPERVISED = "AAEEmotionRegressor", "SupervisedEmotionRegressor"
LOSSES = ["reconstruction_loss", "discriminator_loss", "generator_loss"]


@pytest.fixture(scope="module")
def fitted():
    """A tiny fitted autoencoder and its training data."""
    X, y = make_emotion_regression(n_samples=120, random_state=0)
    model = AAEEmotionRegressor(
        hidden_layer_sizes=(16,),
        style_dim=4,
        max_iter=3,
        early_stopping=True,  # to record the validation score
        random_state=0,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y), X, y


def make_results(models=(AAE, SUPERVISED), fractions=(0.1, 0.5, 1.0), n_folds=3):
    """Accuracies where the AAE beats the baseline by 0.01 * (fold + 1)."""
    rows = []
    for fraction in fractions:
        for fold in range(n_folds):
            base = 0.4 + 0.2 * fraction
            for model in models:
                gain = 0.01 * (fold + 1) if model == AAE else 0.0
                rows.append(
                    dict(
                        model=model,
                        labeled_fraction=fraction,
                        fold=fold,
                        valence_accuracy=base + gain,
                        ccc_valence=base - 0.3 + gain,
                    )
                )
    return pd.DataFrame(rows)


def saved_image(fig, tmp_path):
    """Save ``fig`` to PNG, read it back and check it is not blank."""
    assert isinstance(fig, Figure)
    path = tmp_path / "figure.png"
    fig.savefig(path, dpi=50)
    image = imread(path)
    assert image.ndim == 3 and min(image.shape[:2]) > 100
    assert image[..., :3].std() > 0.05
    return image


def legend_texts(legend):
    return [text.get_text() for text in legend.get_texts()]


def test_saved_image_rejects_blank_figure(tmp_path):
    with pytest.raises(AssertionError):
        saved_image(Figure(figsize=(4, 3)), tmp_path)


def test_training_curves_of_fitted_estimator(fitted, tmp_path):
    model, _, _ = fitted
    fig = plot_training_curves(model)
    saved_image(fig, tmp_path)
    assert len(fig.axes) == 2
    texts = legend_texts(fig.legends[0])
    for label in ["reconstruction", "discriminator", "generator", "supervised"]:
        assert any(text.startswith(label) for text in texts)
    assert "validation score (CCC, unitless)" in texts
    best = model.history_["valid_score"].idxmax()
    assert f"best epoch: {best} " in texts[-1]


def test_emotion_latent(tmp_path):
    rng = np.random.default_rng(0)
    codes = rng.normal(size=(60, 4))
    categories = np.array(["sad", "angry", "calm"] * 20)
    fig = plot_emotion_latent(
        codes, categories, dims=(2, 3), dim_names=("style 2", "style 3")
    )
    saved_image(fig, tmp_path)
    (ax,) = fig.axes
    assert legend_texts(ax.get_legend()) == ["angry", "calm", "sad"]
    assert ax.get_xlabel().startswith("style 2 (code dimension 2")
    assert ax.get_ylabel().startswith("style 3 (code dimension 3")
    scatters = ax.collections
    assert len(scatters) == 3
    angry = scatters[0].get_offsets()
    assert_allclose(angry, codes[categories == "angry"][:, [2, 3]])
    assert len({tuple(s.get_facecolor()[0]) for s in scatters}) == 3


def test_emotion_latent_leaves_out_far_outliers():
    codes = np.random.default_rng(0).uniform(-1, 1, size=(50, 2))
    codes[0] = [-50.0, 0.0]
    fig = plot_emotion_latent(codes, np.zeros(50, dtype=int))
    (ax,) = fig.axes
    assert ax.get_xlim()[0] > -2
    assert "(1 outlying point not shown)" in legend_texts(ax.get_legend())
    codes[1] = [60.0, 0.0]
    fig = plot_emotion_latent(codes, np.zeros(50, dtype=int))
    assert "(2 outlying points not shown)" in legend_texts(fig.axes[0].get_legend())


def test_emotion_latent_of_fitted_estimator(fitted, tmp_path):
    model, X, y = fitted
    categories = np.where(y[:, 0] > 0, "positive", "negative")
    fig = plot_emotion_latent(model.transform(X), categories)
    saved_image(fig, tmp_path)
    ax = fig.axes[0]
    assert legend_texts(ax.get_legend()) == ["negative", "positive"]
    assert ax.get_xlabel().startswith("valence")
    assert ax.get_ylabel().startswith("activation")


def test_predicted_vs_true(tmp_path):
    rng = np.random.default_rng(0)
    y_true = rng.uniform(-1, 1, size=(50, 3))
    y_pred = 0.7 * y_true + rng.normal(0, 0.2, size=y_true.shape)
    fig = plot_predicted_vs_true(y_true, y_pred)
    saved_image(fig, tmp_path)
    assert len(fig.axes) == 3
    ccc = concordance_correlation_coefficient(y_true, y_pred, multioutput="raw_values")
    for ax, name, score in zip(
        fig.axes, ["valence", "activation", "dominance"], ccc, strict=True
    ):
        assert ax.get_title() == f"{name}: CCC = {score:.3f}"
        assert ax.get_xlabel().startswith(f"true {name}")
        assert ax.get_ylabel().startswith(f"predicted {name}")
        low, high = ax.get_xlim()
        assert low <= y_true.min() and high >= y_true.max()
        assert high - low < 3
        (identity,) = ax.get_lines()
        assert_allclose(identity.get_xdata(), identity.get_ydata())
    assert legend_texts(fig.axes[0].get_legend()) == [
        "50 samples",
        "identity (perfect)",
    ]


def test_predicted_vs_true_draws_a_box_per_level_of_a_discrete_target(tmp_path):
    # As the bundled RAVDESS table: every rating on one of three levels.
    rng = np.random.default_rng(0)
    levels = np.array([-2, 0, 2]) / 3
    y_true = rng.choice(levels, size=(300, 3), p=[0.5, 0.1, 0.4])
    y_true[:, 2] = rng.uniform(-1, 1, size=300)  # a continuous one beside them
    y_pred = 0.5 * y_true + rng.normal(0, 0.2, size=y_true.shape)
    y_pred[:, 1] *= 4  # widely spread predictions do not squeeze the boxes
    fig = plot_predicted_vs_true(y_true, y_pred)
    saved_image(fig, tmp_path)
    for ax in fig.axes[:2]:
        boxes = [p for p in ax.patches if isinstance(p, PathPatch)]
        assert len(boxes) == 3
        centres = [box.get_path().get_extents().intervalx.mean() for box in boxes]
        assert_allclose(centres, levels)
        assert_allclose(ax.get_xticks(), levels)
        assert_allclose(ax.get_xlim(), [-7 / 6, 7 / 6])  # levels fill the x-axis
        assert ax.get_xticklabels()[1].get_text().startswith("0\n(n = ")
        # The points are spread a little around their level, not beyond its box.
        x = ax.collections[0].get_offsets()[:, 0]
        assert np.ptp(x) > 4 / 3 and np.abs(x - np.round(x * 1.5) / 1.5).max() < 1 / 6
    assert not fig.axes[2].patches  # continuous: a scatter only
    offsets = fig.axes[2].collections[0].get_offsets()
    assert_allclose(offsets, np.c_[y_true[:, 2], y_pred[:, 2]])
    assert legend_texts(fig.axes[0].get_legend())[-1] == "predictions per level"


def test_predicted_vs_true_one_target(fitted, tmp_path):
    model, X, y = fitted
    fig = plot_predicted_vs_true(y[:, 1], model.predict(X)[:, 1], target_names=["a"])
    saved_image(fig, tmp_path)
    (ax,) = fig.axes
    assert ax.get_title().startswith("a: CCC = ")


def test_gain_vs_labeled_fraction(tmp_path):
    fig = plot_gain_vs_labeled_fraction(make_results())
    saved_image(fig, tmp_path)
    left, right = fig.axes
    assert left.get_xlabel() == right.get_xlabel() == "labeled training rows (%)"
    assert left.get_ylabel() == "valence accuracy (%)"
    assert right.get_ylabel() == "gain (percentage points)"
    assert legend_texts(left.get_legend()) == [
        f"{AAE} (mean ± s.d.)",
        f"{SUPERVISED} (mean ± s.d.)",
    ]
    assert "no gain" in legend_texts(right.get_legend())
    aae_line = left.get_lines()[0]
    assert_allclose(aae_line.get_xdata(), [10, 50, 100])
    assert_allclose(aae_line.get_ydata(), [44, 52, 62])
    # Paired gains 1, 2, 3 points at every fraction: mean 2.
    assert_allclose(right.get_lines()[0].get_ydata(), [2, 2, 2])


def test_gain_of_a_single_fold_claims_no_spread():
    # A cross-corpus comparison has one train/test split: no s.d. to show.
    fig = plot_gain_vs_labeled_fraction(make_results(n_folds=1))
    left, right = fig.axes
    assert legend_texts(left.get_legend()) == [AAE, SUPERVISED]
    assert legend_texts(right.get_legend())[0] == "AAE − supervised"


def test_gain_single_model_and_ccc(tmp_path):
    fig = plot_gain_vs_labeled_fraction(
        make_results(models=[SUPERVISED]), metric="ccc_valence"
    )
    saved_image(fig, tmp_path)
    (ax,) = fig.axes
    assert ax.get_ylabel() == "CCC valence (unitless)"
    assert_allclose(ax.get_lines()[0].get_ydata(), [0.12, 0.2, 0.3])


@pytest.mark.parametrize(
    "codes, categories, kwargs, match",
    [
        (np.zeros((0, 2)), [], {}, "non-empty 2-D"),
        (np.zeros(5), ["a"] * 5, {}, "non-empty 2-D"),
        (np.zeros((5, 2)), ["a"] * 4, {}, "one entry per row"),
        (np.zeros((5, 2)), ["a"] * 5, {"dims": (0, 2)}, "two distinct columns"),
        (np.zeros((5, 2)), ["a"] * 5, {"dims": (1, -1)}, "two distinct columns"),
        (np.zeros((5, 2)), ["a"] * 5, {"dim_names": ("v",)}, "two names"),
    ],
)
def test_emotion_latent_errors(codes, categories, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_emotion_latent(codes, categories, **kwargs)


@pytest.mark.parametrize(
    "y_true, y_pred, kwargs, match",
    [
        (np.zeros((0, 3)), np.zeros((0, 3)), {}, "must not be empty"),
        (np.zeros((5, 3)), np.zeros((4, 3)), {}, "same 1-D or 2-D shape"),
        (np.zeros((5, 3)), np.zeros((5, 2)), {}, "same 1-D or 2-D shape"),
        (np.zeros((5, 4)), np.zeros((5, 4)), {}, "name the 4 target"),
        (np.zeros(5), np.zeros(5), {"target_names": "valence"}, "name the 1"),
        ([1.0, np.nan], [1.0, 2.0], {}, "NaN"),
    ],
)
def test_predicted_vs_true_errors(y_true, y_pred, kwargs, match):
    with pytest.raises(ValueError, match=match):
        plot_predicted_vs_true(y_true, y_pred, **kwargs)


def test_gain_errors():
    results = make_results()
    with pytest.raises(ValueError, match="empty"):
        plot_gain_vs_labeled_fraction(results.iloc[:0])
    with pytest.raises(ValueError, match=r"lacks the column\(s\) \['fold'\]"):
        plot_gain_vs_labeled_fraction(results.drop(columns="fold"))
    with pytest.raises(ValueError, match=r"\['valence_uar'\]"):
        plot_gain_vs_labeled_fraction(results, metric="valence_uar")
    with pytest.raises(ValueError, match="more than once"):
        plot_gain_vs_labeled_fraction(pd.concat([results, results.iloc[:1]]))


def test_gain_panel_for_the_classifiers():
    results = pd.DataFrame(
        {
            "model": ["AAEEmotionClassifier"] * 4 + ["SupervisedEmotionClassifier"] * 4,
            "labeled_fraction": [0.25, 0.25, 1.0, 1.0] * 2,
            "fold": [0, 1, 0, 1] * 2,
            "uar": [0.5, 0.6, 0.7, 0.7, 0.4, 0.5, 0.7, 0.8],
        }
    )
    fig = plot_gain_vs_labeled_fraction(results, metric="uar")
    assert len(fig.axes) == 2  # the classifiers' gain, paired by fold
    gain = fig.axes[1].lines[0].get_ydata()
    assert_allclose(gain, [10, -5])  # percentage points at 25 % and 100 %
