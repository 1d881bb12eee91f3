"""Tests for aae_sklearn.plotting.plot_training_curves."""

# License: BSD-3-Clause

import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.image import imread
from numpy.testing import assert_allclose
from sklearn.exceptions import ConvergenceWarning

from aae_sklearn import (
    AAEEmotionClassifier,
    AAEEmotionRegressor,
    SupervisedEmotionClassifier,
    SupervisedEmotionRegressor,
)
from aae_sklearn.datasets import make_emotion_regression
from aae_sklearn.plotting import plot_training_curves


def saved_image(fig, tmp_path):
    """Save ``fig`` to PNG and check that it is not blank."""
    assert isinstance(fig, Figure)
    path = tmp_path / "figure.png"
    fig.savefig(path, dpi=50)
    assert imread(path)[..., :3].std() > 0.05


def legend_texts(legend):
    return [text.get_text() for text in legend.get_texts()]


@pytest.fixture
def history():
    epochs = pd.Index([1, 2, 3, 4], name="epoch")
    return pd.DataFrame(
        {
            "reconstruction_loss": [1.0, 0.8, 0.7, 0.65],
            "discriminator_loss": [1.4, 1.3, 1.3, 1.2],
            "generator_loss": np.nan,
            "supervised_loss": [0.9, 0.7, 0.6, 0.5],
            "valid_loss": [1.0, 0.9, 0.95, 0.97],
            "valid_score": [0.1, 0.4, 0.3, 0.2],
            "time": [0.1, 0.1, 0.1, 0.1],
        },
        index=epochs,
    )


def test_training_curves(history, tmp_path):
    fig = plot_training_curves(history, loss="mse", title="my fit")
    saved_image(fig, tmp_path)
    ax, twin = fig.axes
    assert ax.get_xlabel() == "epoch"
    assert "loss" in ax.get_ylabel() and "score" in twin.get_ylabel()
    assert ax.get_title() == "my fit"
    texts = legend_texts(fig.legends[0])
    # Four losses (the all-NaN generator skipped), the score and the best epoch.
    assert texts[:4] == [
        "reconstruction (MSE)",
        "discriminator (BCE)",
        "supervised (MSE)",
        "validation (MSE)",
    ]
    assert texts[4].startswith("validation score")
    assert texts[5] == "best epoch: 2 (score 0.400)"
    assert len(ax.get_lines()) == 4
    best_line = twin.get_lines()[-1]
    assert_allclose(best_line.get_xdata(), [2, 2])
    ticks = ax.get_xticks()
    assert_allclose(ticks, np.round(ticks))  # no epoch 2.5
    assert ax.get_yscale() == "linear"


@pytest.mark.parametrize(
    "loss, supervised, validation, score",
    [
        (None, "supervised", "validation", "CCC by default"),
        ("ccc", "supervised (1 − CCC)", "validation (MSE)", "CCC by default"),
        ("mse", "supervised (MSE)", "validation (MSE)", "CCC by default"),
        (
            "cross_entropy",
            "supervised (cross-entropy)",
            "validation (cross-entropy)",
            "UAR by default",
        ),
    ],
)
def test_training_curves_name_the_loss(history, loss, supervised, validation, score):
    texts = legend_texts(plot_training_curves(history, loss=loss).legends[0])
    assert texts[2:5] == [
        supervised,
        validation,
        f"validation score ({score}, unitless)",
    ]


def fit_quietly(model, X, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        return model.fit(X, y)


@pytest.mark.parametrize(
    "Estimator, params, supervised, validation, score",
    [
        (AAEEmotionRegressor, {}, "1 − CCC", "MSE", "CCC"),
        (SupervisedEmotionRegressor, {"loss": "mse"}, "MSE", "MSE", "CCC"),
        (
            SupervisedEmotionRegressor,
            {"loss": "mse", "scoring": "r2"},
            "MSE",
            "MSE",
            "R²",
        ),
        (AAEEmotionClassifier, {}, "cross-entropy", "cross-entropy", "UAR"),
        (
            SupervisedEmotionClassifier,
            {"scoring": "accuracy"},
            "cross-entropy",
            "cross-entropy",
            "accuracy",
        ),
    ],
)
def test_training_curves_name_the_loss_of_the_estimator(
    Estimator, params, supervised, validation, score
):
    X, y = make_emotion_regression(n_samples=80, random_state=0)
    if "Classifier" in Estimator.__name__:
        y = np.where(y[:, 0] > 0, "positive", "negative")
    model = Estimator(
        hidden_layer_sizes=(8,), max_iter=2, early_stopping=True, random_state=0
    )
    fit_quietly(model.set_params(**params), X, y)
    texts = legend_texts(plot_training_curves(model).legends[0])
    assert f"supervised ({supervised})" in texts
    assert f"validation ({validation})" in texts
    assert f"validation score ({score}, unitless)" in texts
    # An explicit loss names the curves of a bare history the same way.
    loss = "cross_entropy" if "Classifier" in Estimator.__name__ else model.loss
    bare = legend_texts(plot_training_curves(model.history_, loss=loss).legends[0])
    assert f"supervised ({supervised})" in bare


def test_training_curves_refuse_an_unknown_loss(history):
    with pytest.raises(ValueError, match="loss must be one of"):
        plot_training_curves(history, loss="mae")


def test_training_curves_without_score_and_with_epoch_column(history, tmp_path):
    history = history.drop(columns="valid_score").reset_index()
    history["generator_loss"] = [2.0, 4.0, 8.0, 16.0]
    fig = plot_training_curves(history)
    saved_image(fig, tmp_path)
    assert len(fig.axes) == 1
    assert "generator (BCE)" in legend_texts(fig.legends[0])
    assert_allclose(fig.axes[0].get_lines()[0].get_xdata(), [1, 2, 3, 4])
    # Losses spanning more than a decade go on a log axis.
    assert fig.axes[0].get_yscale() == "log"


@pytest.mark.parametrize(
    "history, match",
    [
        (pd.DataFrame(), "empty"),
        (pd.DataFrame({"time": [0.1]}), "no non-NaN loss"),
        (pd.DataFrame({"valid_loss": [np.nan]}), "no non-NaN loss"),
        (AAEEmotionRegressor(), "not fitted"),
    ],
)
def test_training_curves_errors(history, match):
    with pytest.raises(ValueError, match=match):
        plot_training_curves(history)
