"""Both estimators on eGeMAPS functionals of real acted speech (RAVDESS)."""

import numpy as np
import pytest

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.datasets import load_ravdess
from aae_sklearn.metrics import concordance_correlation_coefficient

opensmile = pytest.importorskip("opensmile")

ACTORS = [1, 2, 3, 4]


@pytest.fixture(scope="module")
def egemaps(ravdess_root):
    """eGeMAPS functionals, VAD targets and actor of 4 actors' utterances."""
    corpus = load_ravdess(ravdess_root)
    chosen = np.isin(corpus.groups, ACTORS)
    smile = opensmile.Smile(
        feature_set=opensmile.FeatureSet.eGeMAPSv02,
        feature_level=opensmile.FeatureLevel.Functionals,
    )
    X = smile.process_files(list(corpus.data[chosen])).to_numpy()
    return X, corpus.target[chosen], corpus.groups[chosen]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", [SupervisedEmotionRegressor, AAEEmotionRegressor])
def test_fits_egemaps_of_real_speech(Estimator, egemaps):
    X, y, actor = egemaps
    assert X.shape == (240, 88)
    train, test = actor != 4, actor == 4
    model = Estimator(max_iter=100, random_state=0).fit(X[train], y[train])
    pred = model.predict(X[test])
    assert pred.shape == (60, 3) and np.isfinite(pred).all()
    # Activation is well carried by loudness and pitch, even for an unseen actor.
    ccc = concordance_correlation_coefficient(y[test], pred, multioutput="raw_values")
    assert ccc[1] > 0.3
