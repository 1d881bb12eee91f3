"""SequenceScaler: standardising frame sequences."""

import numpy as np
import pytest
from numpy.testing import assert_allclose
from sklearn.exceptions import NotFittedError
from sklearn.pipeline import make_pipeline

from aae_sklearn import SupervisedEmotionRegressor
from aae_sklearn.features import SequenceScaler

from .conftest import nan_padded


def test_standardises_every_feature_over_all_frames(emotion_sequences):
    X, _, _ = emotion_sequences
    scaler = SequenceScaler().fit(X)
    frames = np.concatenate(X).astype(np.float64)
    assert_allclose(scaler.mean_, frames.mean(axis=0), rtol=1e-5)
    assert_allclose(scaler.scale_, frames.std(axis=0), rtol=1e-5)
    assert scaler.n_frames_seen_ == len(frames)
    scaled = np.concatenate(scaler.transform(X))
    assert_allclose(scaled.mean(axis=0), 0, atol=1e-5)
    assert_allclose(scaled.std(axis=0), 1, rtol=1e-4)


def test_keeps_every_length_and_takes_a_padded_array(emotion_sequences):
    X, _, _ = emotion_sequences
    from_list = SequenceScaler().fit(X).transform(X)
    from_array = SequenceScaler().fit(nan_padded(X)).transform(nan_padded(X))
    assert [len(s) for s in from_list] == [len(s) for s in X]
    for a, b in zip(from_list, from_array, strict=True):
        assert_allclose(a, b, rtol=1e-6)


@pytest.mark.parametrize("with_mean, with_std", [(False, True), (True, False)])
def test_mean_and_scale_can_be_left_alone(with_mean, with_std):
    X = [np.array([[1.0], [3.0]])]
    out = SequenceScaler(with_mean=with_mean, with_std=with_std).fit_transform(X)[0]
    expected = {(False, True): [[1.0], [3.0]], (True, False): [[-1.0], [1.0]]}
    assert_allclose(out, expected[with_mean, with_std])


def test_bad_sequences_and_unfitted_use_are_errors():
    with pytest.raises(NotFittedError):
        SequenceScaler().transform([np.ones((2, 3))])
    scaler = SequenceScaler().fit([np.ones((2, 3))])
    with pytest.raises(ValueError, match="has 2 features per frame, but fit had 3"):
        scaler.transform([np.ones((4, 2))])
    with pytest.raises(ValueError, match="Sequence 0 of X is empty"):
        SequenceScaler().fit([np.ones((0, 3))])


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_works_in_a_pipeline_before_an_estimator(emotion_sequences):
    X, y, _ = emotion_sequences
    model = make_pipeline(
        SequenceScaler(),
        SupervisedEmotionRegressor(hidden_layer_sizes=(8,), max_iter=2, random_state=0),
    )
    assert model.fit(X, y).predict(X[:3]).shape == (3, 3)
