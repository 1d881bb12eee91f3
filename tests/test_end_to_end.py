"""From RAVDESS audio files to emotion predictions, in one Pipeline."""

import numpy as np
import pytest
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.pipeline import make_pipeline

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.datasets import load_ravdess
from aae_sklearn.features import OpenSmileFunctionals
from aae_sklearn.metrics import ccc_scorer

pytestmark = pytest.mark.slow  # long end-to-end runs: pytest -m slow

pytest.importorskip("opensmile")


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("Estimator", [AAEEmotionRegressor, SupervisedEmotionRegressor])
def test_audio_to_predictions_under_grouped_cross_validation(Estimator, ravdess_root):
    corpus = load_ravdess(ravdess_root)
    actors = np.isin(corpus.groups, [1, 2, 3])
    paths, y, groups = corpus.data[actors], corpus.target[actors], corpus.groups[actors]
    pipe = make_pipeline(
        OpenSmileFunctionals(n_jobs=2), Estimator(max_iter=60, random_state=0)
    )
    scores = cross_val_score(
        pipe, paths, y, groups=groups, cv=GroupKFold(n_splits=3), scoring=ccc_scorer
    )
    assert scores.shape == (3,)
    # Mean CCC over valence, activation and dominance on unseen actors.
    assert np.isfinite(scores).all() and scores.mean() > 0.1
