"""Both estimators on real acted speech (RAVDESS): eGeMAPS functionals and frames."""

import numpy as np
import pytest
from sklearn.model_selection import GroupKFold, cross_val_predict

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.datasets import load_ravdess
from aae_sklearn.features import FrameFeatures
from aae_sklearn.metrics import concordance_correlation_coefficient

pytestmark = pytest.mark.slow  # long end-to-end runs: pytest -m slow

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


@pytest.fixture(scope="module")
def logmel_frames(ravdess_root):
    """20 ms log mel frames, VAD targets and actor of 4 actors' utterances."""
    corpus = load_ravdess(ravdess_root)
    chosen = np.isin(corpus.groups, ACTORS)
    frames = FrameFeatures(kind="logmel", frame_ms=20).fit_transform(
        corpus.data[chosen]
    )
    return frames, corpus.target[chosen], corpus.groups[chosen]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", [SupervisedEmotionRegressor, AAEEmotionRegressor])
def test_cross_validates_on_frames_of_real_speech(Estimator, logmel_frames):
    X, y, actor = logmel_frames
    assert len(X) == 240 and X[0].shape[1] == 40
    model = Estimator(hidden_layer_sizes=(64, 64), max_iter=30, random_state=0)
    pred = cross_val_predict(model, X, y, groups=actor, cv=GroupKFold(2))
    assert pred.shape == (240, 3) and np.isfinite(pred).all()
    # Loudness and its dynamics, in the mel energies, carry activation.
    ccc = concordance_correlation_coefficient(y, pred, multioutput="raw_values")
    assert ccc[1] > 0.3
