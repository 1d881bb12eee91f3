"""Warnings about inputs and predictions far outside the training data, and the
line they point at."""

import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.exceptions import FarOutInputWarning, FarOutPredictionWarning
from aae_sklearn.utils._scaling import FAR_PREDICTION

from .conftest import make_fast

ESTIMATORS = [SupervisedEmotionRegressor, AAEEmotionRegressor]
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _fitted(Estimator, emotion_data, **params):
    """A model on standardised inputs, whose outputs grow with its inputs."""
    X, y, _ = emotion_data
    params = {"max_iter": 5, "early_stopping": False, **params}
    model = make_fast(Estimator, input_scaling="standard", **params)
    targets = pd.DataFrame(y, columns=["valence", "activation", "dominance"])
    return model.fit(X, targets), X, y


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call()
    return result, caught


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predictions_far_outside_the_training_targets_are_flagged(
    Estimator, emotion_data
):
    model, X, y = _fitted(Estimator, emotion_data)
    y_pred, caught = _caught(lambda: model.predict(X))
    assert not caught  # the training rows: predictions within the targets
    assert (np.abs(y_pred - y.mean(axis=0)) / y.std(axis=0) <= FAR_PREDICTION).all()

    # Ten times the training spread (20 standard deviations: not far-out
    # inputs), which the networks extrapolate to far-out predictions.
    y_pred, caught = _caught(lambda: model.predict(10 * X))
    z = np.abs(y_pred - model._y_mean) / model._y_scale
    assert [w.category for w in caught] == [FarOutPredictionWarning]
    message = str(caught[0].message)
    n_far = int((z > FAR_PREDICTION).any(axis=1).sum())
    start = f"{n_far} of {len(X)} predictions lie more than {FAR_PREDICTION:g} "
    assert message.startswith(start)
    row, column = np.unravel_index(z.argmax(), z.shape)
    name = ["valence", "activation", "dominance"][column]
    assert f"(worst: {name} of row {row}, {y_pred[row, column]:.3g}," in message


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_far_out_warnings_point_at_the_callers_line(Estimator, emotion_data):
    """Through the estimator, a Pipeline and cross_val_score alike, the
    warnings name this file, not the package's or scikit-learn's."""
    model, X, y = _fitted(Estimator, emotion_data)
    far = 100 * X[:40]  # inputs over 50 training standard deviations out
    pipeline = make_pipeline(FunctionTransformer(), model)
    calls = {
        "predict": lambda: model.predict(far),
        "score": lambda: model.score(far, y[:40]),
        "pipeline": lambda: pipeline.predict(far),
        # The second fold trains on the first half and tests the far-out one.
        "cross_val_score": lambda: cross_val_score(
            model, np.vstack([X[:120], 100 * X[120:]]), y, cv=2
        ),
    }
    if hasattr(model, "transform"):  # through set_output's wrapper
        calls["transform"] = lambda: model.transform(far)
    for name, call in calls.items():
        _, caught = _caught(call)
        kinds = {w.category for w in caught} - {FarOutPredictionWarning}
        assert kinds == {FarOutInputWarning}, name
        if name != "transform":  # predictions only where something predicts
            assert FarOutPredictionWarning in {w.category for w in caught}, name
        assert {w.filename for w in caught} == {__file__}, name
