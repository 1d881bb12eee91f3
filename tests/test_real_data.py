"""Both estimators on eGeMAPS functionals of real acted speech (RAVDESS)."""

import numpy as np
import pandas as pd
import pytest

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.metrics import concordance_correlation_coefficient

opensmile = pytest.importorskip("opensmile")

ACTORS = [1, 2, 3, 4]
# Quadrants of Russell's (1980) circumplex: (valence, activation) per category.
CIRCUMPLEX = {
    "neutral": (0.0, 0.0),
    "calm": (0.5, -0.5),
    "happy": (0.5, 0.5),
    "sad": (-0.5, -0.5),
    "angry": (-0.5, 0.5),
    "fearful": (-0.5, 0.5),
    "disgust": (-0.5, 0.0),
    "surprised": (0.5, 0.5),
}


@pytest.fixture(scope="module")
def egemaps(ravdess_root):
    """eGeMAPS functionals, (valence, activation) targets and actor of 4 actors."""
    labels = pd.read_csv(ravdess_root / "labels.csv", dtype={"actor": int})
    labels = labels[labels["actor"].isin(ACTORS)]
    smile = opensmile.Smile(
        feature_set=opensmile.FeatureSet.eGeMAPSv02,
        feature_level=opensmile.FeatureLevel.Functionals,
    )
    files = [str(ravdess_root / f) for f in labels["file"]]
    X = smile.process_files(files).to_numpy()
    y = np.array([CIRCUMPLEX[e] for e in labels["emotion"]])
    return X, y, labels["actor"].to_numpy()


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", [SupervisedEmotionRegressor, AAEEmotionRegressor])
def test_fits_egemaps_of_real_speech(Estimator, egemaps):
    X, y, actor = egemaps
    assert X.shape == (240, 88)
    train, test = actor != 4, actor == 4
    model = Estimator(max_iter=100, random_state=0).fit(X[train], y[train])
    pred = model.predict(X[test])
    assert pred.shape == (60, 2) and np.isfinite(pred).all()
    # Activation is well carried by loudness and pitch, even for an unseen actor.
    ccc = concordance_correlation_coefficient(y[test], pred, multioutput="raw_values")
    assert ccc[1] > 0.3
