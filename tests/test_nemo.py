"""nEMO: the loader of a local folder, the bundled feature table and compare's
recognition of its folders."""

import shutil

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal

from aae_sklearn.cli._data import _audio_corpus, _compare_data
from aae_sklearn.datasets import (
    EMOTION_VAD,
    NEMO_EMOTIONS,
    load_nemo,
    load_nemo_features,
    load_ravdess_features,
)

from .conftest import touch_files as _touch

COUNTS = {
    "neutral": 405,
    "sad": 386,
    "angry": 378,
    "happy": 373,
    "fearful": 366,
    "surprised": 338,
}
SPEAKERS = ["EB0", "IC0", "KD0", "KS0", "MK0", "MP0", "SM0", "TP0", "WR0"]


def test_bundled_table_is_complete():
    data = load_nemo_features()
    assert data.data.shape == (2246, 88) and np.isfinite(data.data).all()
    assert not data.frame.isna().any().any()
    assert data.feature_names == load_ravdess_features().feature_names
    assert data.target_names == ["valence", "activation", "dominance"]
    assert_array_equal(np.unique(data.groups), SPEAKERS)
    assert data.frame["emotion"].value_counts().to_dict() == COUNTS
    assert (data.frame["sentence"] % 2 == 0).all()
    expected = np.array([EMOTION_VAD[e] for e in data.frame["emotion"]])
    assert_allclose(data.target, expected)
    assert "CC BY-NC-SA 4.0" in data.DESCR and "Christop" in data.DESCR
    X, y = load_nemo_features(target="categories", return_X_y=True)
    assert_array_equal(X, data.data)
    assert_array_equal(y, data.frame["emotion"].to_numpy())


def test_the_corpora_name_shared_emotions_alike():
    ravdess = set(load_ravdess_features().frame["emotion"])
    nemo = set(load_nemo_features().frame["emotion"])
    assert nemo == set(NEMO_EMOTIONS.values()) == set(COUNTS)
    assert ravdess - nemo == {"calm", "disgust"}
    assert set(NEMO_EMOTIONS.values()) <= set(EMOTION_VAD)


def _write_labels(root, *rows):
    """A labels.csv of ``rows`` (file, speaker, emotion, gender, age, text)."""
    columns = ["file", "speaker", "emotion", "gender", "age", "text"]
    pd.DataFrame(list(rows), columns=columns).to_csv(root / "labels.csv", index=False)
    return root


def test_load_nemo_reads_the_file_names(tmp_path):
    root = _touch(tmp_path, "samples/EB0_anger_10.wav", "samples/KS0_surprised_3.wav")
    _touch(root, "data.tsv", "notes.txt")
    nemo = load_nemo(root)
    frame = nemo.frame
    assert frame["file"].tolist() == [
        "samples/EB0_anger_10.wav",
        "samples/KS0_surprised_3.wav",
    ]
    assert frame["speaker"].tolist() == ["EB0", "KS0"]
    assert frame["gender"].tolist() == ["female", "male"]
    assert frame["age"].tolist() == [27, 23]
    assert frame["nemo_emotion"].tolist() == ["anger", "surprised"]
    assert frame["emotion"].tolist() == ["angry", "surprised"]
    assert frame["sentence"].tolist() == [10, 3]
    assert "text" not in frame
    assert_allclose(nemo.target, [EMOTION_VAD["angry"], EMOTION_VAD["surprised"]])
    assert nemo.groups.tolist() == ["EB0", "KS0"]
    assert nemo.data.tolist() == [str(root / f) for f in frame["file"]]
    _, y = load_nemo(root, target="categories", return_X_y=True)
    assert y.tolist() == ["angry", "surprised"]


def test_load_nemo_takes_the_labels_of_labels_csv(tmp_path):
    root = _touch(tmp_path, "EB0_anger_10.flac", "WR0_sadness_2.flac", "README.md")
    # An age unlike the corpus's list shows where the labels come from.
    _write_labels(
        root,
        ("WR0_sadness_2.flac", "WR0", "sadness", "male", 99, "Nie waśńmy się."),
        ("EB0_anger_10.flac", "EB0", "anger", "female", 27, "Kupiłem nową szafę."),
    )
    frame = load_nemo(root).frame
    assert frame["file"].tolist() == ["EB0_anger_10.flac", "WR0_sadness_2.flac"]
    assert frame["emotion"].tolist() == ["angry", "sad"]
    assert frame["gender"].tolist() == ["female", "male"]
    assert frame["age"].tolist() == [27, 99]
    assert frame["text"].tolist() == ["Kupiłem nową szafę.", "Nie waśńmy się."]
    expected = [EMOTION_VAD["angry"], EMOTION_VAD["sad"]]
    assert_allclose(frame[["valence", "activation", "dominance"]], expected)


@pytest.mark.parametrize(
    "name, message",
    [
        ("EB0_anger.wav", "expected an nEMO name speaker_emotion_sentence"),
        ("EB0_anger_x.wav", "expected an nEMO name speaker_emotion_sentence"),
        ("EB0_joy_1.wav", "emotion is 'joy'"),
        ("XY0_anger_1.wav", "speaker is 'XY0'"),
    ],
)
def test_load_nemo_names_the_bad_file(tmp_path, name, message):
    root = _touch(tmp_path, "EB0_anger_10.wav", name)
    with pytest.raises(ValueError, match="nEMO") as error:
        load_nemo(root)
    assert str(root / name) in str(error.value) and message in str(error.value)


GOOD = ("EB0_anger_10.flac", "EB0", "anger", "female", 27, "Tekst.")


@pytest.mark.parametrize(
    "rows, named, message",
    [
        (
            [GOOD, ("EB0_fear_2.flac", "EB0", "fear", "female", 27, "")],
            "EB0_fear_2.flac",
            "is listed but not in the folder",
        ),
        ([], "EB0_anger_10.flac", "not listed in"),
        ([GOOD, GOOD], "EB0_anger_10.flac", "is listed twice"),
        (
            [GOOD[:2] + ("sadness",) + GOOD[3:]],
            "EB0_anger_10.flac",
            "gives the emotion 'sadness', the file name 'anger'",
        ),
        (
            [GOOD[:1] + ("IC0",) + GOOD[2:]],
            "EB0_anger_10.flac",
            "gives the speaker 'IC0', the file name 'EB0'",
        ),
    ],
)
def test_load_nemo_checks_labels_csv_against_the_folder(tmp_path, rows, named, message):
    root = _write_labels(_touch(tmp_path, "EB0_anger_10.flac"), *rows)
    with pytest.raises(ValueError, match=message) as error:
        load_nemo(root)
    assert named in str(error.value)


def test_load_nemo_needs_the_columns_of_labels_csv(tmp_path):
    root = _touch(tmp_path, "EB0_anger_10.flac")
    pd.DataFrame({"file": ["EB0_anger_10.flac"], "speaker": ["EB0"]}).to_csv(
        root / "labels.csv", index=False
    )
    with pytest.raises(ValueError, match="no column.*emotion, gender, age, text"):
        load_nemo(root)


def test_load_nemo_refuses_a_recording_twice_and_an_empty_folder(tmp_path):
    root = _touch(tmp_path, "a/EB0_anger_10.wav", "b/EB0_anger_10.flac")
    with pytest.raises(ValueError, match="the same recording"):
        load_nemo(root)
    (tmp_path / "empty").mkdir()
    with pytest.raises(ValueError, match="no .wav or .flac"):
        load_nemo(tmp_path / "empty")
    with pytest.raises(ValueError, match="target must be"):
        load_nemo(root, target="vad")


def test_compare_recognises_an_nemo_folder(tmp_path):
    root = _touch(tmp_path, "samples/EB0_anger_10.wav", "samples/MK0_fear_4.wav")
    corpus, name = _audio_corpus(root)
    assert name == "nEMO" and corpus.groups.tolist() == ["EB0", "MK0"]
    bundled = _compare_data("bundled-nemo", "speaker", quiet=True)
    assert bundled.name == "nEMO" and bundled.data.shape == (2246, 88)
    assert_array_equal(bundled.categories, load_nemo_features().frame["emotion"])


def test_load_nemo_reads_the_shared_copy(nemo_root):
    nemo = load_nemo(nemo_root)
    labels = pd.read_csv(nemo_root / "labels.csv")
    assert nemo.frame["file"].tolist() == sorted(labels["file"])
    by_file = labels.set_index("file").loc[nemo.frame["file"]]
    assert_array_equal(nemo.frame["speaker"], by_file["speaker"])
    assert_array_equal(nemo.frame["gender"], by_file["gender"])
    assert_array_equal(nemo.frame["nemo_emotion"], by_file["emotion"])
    assert nemo.frame["emotion"].value_counts().to_dict() == COUNTS


def test_bundled_table_matches_the_audio(nemo_root):
    pytest.importorskip("opensmile")
    from aae_sklearn.features import OpenSmileFunctionals

    table = load_nemo_features()
    picked = table.frame.iloc[[0, 1000, 2245]]
    values = OpenSmileFunctionals(n_jobs=1).fit_transform(
        [str(nemo_root / f) for f in picked["file"]]
    )
    assert_allclose(values, picked[table.feature_names].to_numpy(), rtol=1e-5)


def test_compare_reads_an_nemo_folder(nemo_root, tmp_path):
    """compare's --data of a folder of nEMO audio: its loader, its features."""
    pytest.importorskip("opensmile")
    nemo = tmp_path / "nemo"
    nemo.mkdir()
    for source in sorted(nemo_root.glob("*.flac"))[::400]:
        shutil.copy(source, nemo)
    data = _compare_data(str(nemo), "speaker", quiet=True)
    assert data.name == "nEMO" and data.data.shape == (6, 88)
    table = load_nemo_features()
    rows = table.frame["file"].isin([p.name for p in nemo.iterdir()]).to_numpy()
    assert_array_equal(data.groups, table.groups[rows])
    assert_array_equal(data.categories, table.frame["emotion"][rows])
    assert_allclose(data.target, table.target[rows])
    assert_allclose(data.data, table.data[rows], rtol=1e-5)
