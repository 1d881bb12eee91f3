"""The bundled RAVDESS table, the VAD mapping and the synthetic generator."""

import importlib.util
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from aae_sklearn.datasets import (
    EMOTION_VAD,
    emotion_to_vad,
    load_ravdess_features,
    make_emotion_regression,
)

SCRIPT = Path(__file__).resolve().parents[1] / "scripts/build_ravdess_features.py"


def test_bundled_table_is_complete():
    data = load_ravdess_features()
    assert data.data.shape == (1440, 88) and np.isfinite(data.data).all()
    assert data.target.shape == (1440, 3)
    assert data.target_names == ["valence", "activation", "dominance"]
    assert_array_equal(np.unique(data.groups), np.arange(1, 25))
    assert (np.bincount(data.groups)[1:] == 60).all()
    assert data.frame["emotion"].value_counts().to_dict() == {
        **{e: 192 for e in EMOTION_VAD if e not in ("neutral", "bored")},
        "neutral": 96,
    }
    assert "CC BY-NC-SA 4.0" in data.DESCR and "Livingstone" in data.DESCR
    X, y = load_ravdess_features(return_X_y=True)
    assert_array_equal(X, data.data)
    assert_array_equal(y, data.target)


def test_vad_mapping():
    assert_allclose(emotion_to_vad(["happy", "sad"]), [[2 / 3] * 3, [-2 / 3] * 3])
    assert all(np.abs(v).max() <= 1 for v in EMOTION_VAD.values())
    assert_allclose(emotion_to_vad(["bored"]), emotion_to_vad(["sad"]))
    with pytest.raises(ValueError, match="furious"):
        emotion_to_vad(["happy", "furious"])


def test_bundled_table_matches_the_audio(ravdess_root):
    pytest.importorskip("opensmile")
    spec = importlib.util.spec_from_file_location("build", SCRIPT)
    build = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(build)
    frame = load_ravdess_features().frame
    rows = frame.iloc[[0, 700, 1439]]
    fresh = build.extract(ravdess_root, files=rows["file"])
    names = load_ravdess_features().feature_names
    assert_array_equal(fresh["emotion"], rows["emotion"])
    assert_allclose(fresh[names].to_numpy(), rows[names].to_numpy(), rtol=1e-5)


def test_make_emotion_regression_is_seeded():
    X, y = make_emotion_regression(
        n_samples=30, n_features=7, n_targets=2, random_state=1
    )
    assert X.shape == (30, 7) and y.shape == (30, 2)
    assert np.abs(y).max() <= 1
    assert_array_equal(X, make_emotion_regression(30, 7, 2, random_state=1)[0])


def test_bundled_features_with_emotion_classes():
    X, y = load_ravdess_features(target="categories", return_X_y=True)
    assert X.shape == (1440, 88) and y.shape == (1440,)
    assert sorted(set(y)) == [
        "angry",
        "calm",
        "disgust",
        "fearful",
        "happy",
        "neutral",
        "sad",
        "surprised",
    ]
    data = load_ravdess_features(target="categories")
    assert data.target_names == ["emotion"]
    assert_array_equal(emotion_to_vad(data.target), load_ravdess_features().target)
    with pytest.raises(ValueError, match="'dimensions' or 'categories'"):
        load_ravdess_features(target="vad")
