"""EmoDB: the loader of a local folder and the bundled feature table."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from aae_sklearn.datasets import (
    EMODB_EMOTIONS,
    EMOTION_VAD,
    load_emodb,
    load_emodb_features,
    load_ravdess_features,
)

from .conftest import touch_files as _touch

COUNTS = {
    "angry": 127,
    "bored": 81,
    "neutral": 79,
    "happy": 71,
    "fearful": 69,
    "sad": 62,
    "disgust": 46,
}


def test_bundled_table_is_complete():
    data = load_emodb_features()
    assert data.data.shape == (535, 88) and np.isfinite(data.data).all()
    assert data.feature_names == load_ravdess_features().feature_names
    assert data.target_names == ["valence", "activation", "dominance"]
    assert_array_equal(np.unique(data.groups), [3, 8, 9, 10, 11, 12, 13, 14, 15, 16])
    assert data.frame["emotion"].value_counts().to_dict() == COUNTS
    assert data.frame["clipped_at_2s"].sum() == 409
    expected = np.array([EMOTION_VAD[e] for e in data.frame["emotion"]])
    assert_allclose(data.target, expected)
    assert "CC0" in data.DESCR and "Burkhardt" in data.DESCR
    X, y = load_emodb_features(target="categories", return_X_y=True)
    assert_array_equal(X, data.data)
    assert_array_equal(y, data.frame["emotion"].to_numpy())


def test_the_corpora_name_shared_emotions_alike():
    ravdess = set(load_ravdess_features().frame["emotion"])
    emodb = set(load_emodb_features().frame["emotion"])
    assert ravdess & emodb == {"angry", "disgust", "fearful", "happy", "neutral", "sad"}
    assert emodb - ravdess == {"bored"}


def test_load_emodb_reads_the_file_names(tmp_path):
    root = _touch(tmp_path, "wav/03a01Wa.wav", "wav/16b10Lb.wav", "notes.txt")
    emodb = load_emodb(root)
    frame = emodb.frame
    assert frame["file"].tolist() == ["wav/03a01Wa.wav", "wav/16b10Lb.wav"]
    assert frame["speaker"].tolist() == [3, 16] and frame["sex"].tolist() == ["m", "f"]
    assert frame["emotion"].tolist() == ["angry", "bored"]
    assert frame["emotion_code"].tolist() == ["W", "L"]
    assert frame["text"].tolist() == ["a01", "b10"]
    assert frame["version"].tolist() == ["a", "b"]
    assert_allclose(emodb.target, [EMOTION_VAD["angry"], EMOTION_VAD["bored"]])
    assert emodb.groups.tolist() == [3, 16]
    _, y = load_emodb(root, target="categories", return_X_y=True)
    assert y.tolist() == ["angry", "bored"]


@pytest.mark.parametrize(
    "name, message",
    [
        ("03a01W.wav", "expected an EmoDB name SSTTTEV"),
        ("04a01Wa.wav", "speaker (SS) is '04'"),
        ("03a01Xa.wav", "emotion (E) is 'X'"),
    ],
)
def test_load_emodb_names_the_bad_file(tmp_path, name, message):
    root = _touch(tmp_path, "03a01Wa.wav", name)
    with pytest.raises(ValueError, match="SSTTTEV|SS|E") as error:
        load_emodb(root)
    assert str(root / name) in str(error.value) and message in str(error.value)


def test_load_emodb_refuses_a_recording_twice_and_an_empty_folder(tmp_path):
    root = _touch(tmp_path, "a/03a01Wa.wav", "b/03a01Wa.flac")
    with pytest.raises(ValueError, match="the same recording"):
        load_emodb(root)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no .wav or .flac"):
        load_emodb(tmp_path / "empty")
    with pytest.raises(ValueError, match="target must be"):
        load_emodb(root, target="vad")


def test_emotion_letters_cover_the_categories():
    assert set(EMODB_EMOTIONS.values()) == set(COUNTS)
    assert set(EMODB_EMOTIONS.values()) <= set(EMOTION_VAD)


def test_load_emodb_reads_the_shared_copy(emodb_root):
    emodb = load_emodb(emodb_root)
    labels = pd.read_csv(emodb_root / "labels.csv", dtype={"speaker": str})
    assert emodb.frame["file"].tolist() == sorted(labels["file"])
    by_file = labels.set_index("file").loc[emodb.frame["file"]]
    assert_array_equal(emodb.frame["speaker"], by_file["speaker"].astype(int))
    assert_array_equal(emodb.frame["sex"], by_file["sex"])
    # The labels name the emotions in English: anger, boredom, ...
    english = {"angry": "anger", "bored": "boredom", "fearful": "fear"}
    english |= {"happy": "happiness", "sad": "sadness"}
    names = [english.get(e, e) for e in emodb.frame["emotion"]]
    assert_array_equal(names, by_file["emotion"])


def test_bundled_table_matches_the_audio(emodb_root):
    pytest.importorskip("opensmile")
    from aae_sklearn.features import OpenSmileFunctionals

    table = load_emodb_features()
    picked = table.frame.iloc[[0, 300, 534]]
    values = OpenSmileFunctionals(n_jobs=1).fit_transform(
        [str(emodb_root / f) for f in picked["file"]]
    )
    assert_allclose(values, picked[table.feature_names].to_numpy(), rtol=1e-5)
