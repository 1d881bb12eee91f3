"""Tests for the corpus loaders, on small trees written in each corpus's format."""

import csv
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from aae_sklearn.datasets import (
    EMOTION_VAD,
    emotion_to_vad,
    load_iemocap,
    load_msp_podcast,
    load_ravdess,
    load_ravdess_features,
    load_ravdess_sample,
)

# hypothesis writes a fresh tree per example into its own temporary folder.
FILES = settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])


# --------------------------------------------------------------------- RAVDESS


def write_ravdess(root, names):
    """Empty audio files ``root/Actor_AA/<name>`` (AA from the name's last field)."""
    for name in names:
        folder = root / f"Actor_{Path(name).stem.split('-')[-1]}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).touch()


def test_load_ravdess_parses_every_field(tmp_path):
    release = tmp_path / "Audio_Speech_Actors_01-24"
    names = [
        "03-01-05-02-02-01-12.wav",
        "03-01-01-01-01-01-01.flac",
        "03-02-06-02-01-02-07.WAV",
    ]
    write_ravdess(release, names)
    (release / "README.md").write_text("not audio")
    (tmp_path / "labels.csv").write_text("ignored\n")

    ravdess = load_ravdess(tmp_path)

    files = [
        "Audio_Speech_Actors_01-24/Actor_01/03-01-01-01-01-01-01.flac",
        "Audio_Speech_Actors_01-24/Actor_07/03-02-06-02-01-02-07.WAV",
        "Audio_Speech_Actors_01-24/Actor_12/03-01-05-02-02-01-12.wav",
    ]
    assert ravdess.data.dtype == object
    assert ravdess.data.tolist() == [str(tmp_path / f) for f in files]
    expected = pd.DataFrame(
        {
            "path": [str(tmp_path / f) for f in files],
            "file": files,
            "modality": ["audio-only"] * 3,
            "vocal_channel": ["speech", "song", "speech"],
            "emotion_code": [1, 6, 5],
            "emotion": ["neutral", "fearful", "angry"],
            "intensity": ["normal", "strong", "strong"],
            "statement": ["kids", "kids", "dogs"],
            "repetition": [1, 2, 1],
            "actor": [1, 7, 12],
            "sex": ["m", "m", "f"],
        }
    )
    frame = ravdess.frame
    pd.testing.assert_frame_equal(frame[expected.columns], expected, check_dtype=False)
    h = 2 / 3
    assert_allclose(ravdess.target, [[0, 0, 0], [-h, h, -h], [-h, h, h]])
    assert_allclose(frame[["valence", "activation", "dominance"]], ravdess.target)
    assert_array_equal(ravdess.groups, [1, 7, 12])
    assert ravdess.target_names == ["valence", "activation", "dominance"]
    assert "Livingstone" in ravdess.DESCR and "CC BY-NC-SA 4.0" in ravdess.DESCR

    X, y = load_ravdess(str(tmp_path), return_X_y=True)
    assert_array_equal(X, ravdess.data)
    assert_array_equal(y, ravdess.target)


@pytest.mark.parametrize(
    "folder, name, field",
    [
        ("Actor_01", "03-01-01-01-01-01.wav", "7 fields"),
        ("Actor_01", "03-01-01-01-01-01-01-01.wav", "7 fields"),
        ("Actor_01", "04-01-01-01-01-01-01.wav", r"modality \(MM\) is '04'"),
        ("Actor_01", "03-03-01-01-01-01-01.wav", r"vocal_channel \(VV\)"),
        ("Actor_01", "03-01-09-01-01-01-01.wav", r"emotion_code \(EE\) is '09'"),
        ("Actor_01", "03-01-1a-01-01-01-01.wav", r"emotion_code \(EE\) is '1a'"),
        ("Actor_01", "03-01-01-03-01-01-01.wav", r"intensity \(II\) is '03'"),
        ("Actor_01", "03-01-01-02-01-01-01.wav", r"intensity \(II\) is '02'"),
        ("Actor_01", "03-02-07-01-01-01-01.wav", r"emotion_code \(EE\) is '07'"),
        ("Actor_01", "03-01-01-01-03-01-01.wav", r"statement \(SS\)"),
        ("Actor_01", "03-01-01-01-01-3-01.flac", r"repetition \(RR\) is '3'"),
        ("Actor_25", "03-01-01-01-01-01-25.wav", r"actor \(AA\) is '25'"),
        ("Actor_01", "03-01-01-01-01-01-02.wav", r"actor \(AA\) is '02'.*'Actor_01'"),
        ("speech", "03-01-01-01-01-01-01.wav", r"actor \(AA\).*'speech'"),
    ],
)
def test_load_ravdess_names_the_file_and_field(tmp_path, folder, name, field):
    write_ravdess(tmp_path, ["03-01-03-01-01-01-05.wav"])
    (tmp_path / folder).mkdir(exist_ok=True)
    (tmp_path / folder / name).touch()
    with pytest.raises(ValueError, match=re.escape(name) + ".*" + field):
        load_ravdess(tmp_path)


def test_load_ravdess_refuses_a_recording_present_twice(tmp_path):
    write_ravdess(tmp_path, ["03-01-03-01-01-01-05.wav", "03-01-03-01-01-01-05.flac"])
    with pytest.raises(ValueError, match=r"03-01-03-01-01-01-05\.wav.*same recording"):
        load_ravdess(tmp_path)


def test_load_ravdess_names_a_folder_without_audio(tmp_path):
    with pytest.raises(ValueError, match=re.escape(str(tmp_path)) + ": no .wav"):
        load_ravdess(tmp_path)
    (tmp_path / "Actor_01").mkdir()
    (tmp_path / "Actor_01" / "notes.txt").touch()
    with pytest.raises(ValueError, match=re.escape(str(tmp_path)) + ": no .wav"):
        load_ravdess(tmp_path)
    with pytest.raises(ValueError, match="missing is not a folder"):
        load_ravdess(tmp_path / "missing")


RAVDESS_CODES = [
    st.sampled_from([f"{c:02d}" for c in codes])
    for codes in ([3, 1], [1, 2], range(1, 9), [1, 2], [1, 2], [1, 2], [1, 2])
]
RAVDESS_NAME = st.one_of(
    # valid codes, that may still combine wrongly or disagree with Actor_01
    st.tuples(*RAVDESS_CODES).map("-".join),
    # anything a file system takes
    st.text(
        st.characters(exclude_characters="/\x00", exclude_categories=("Cs",)),
        max_size=30,
    ),
    st.lists(st.text("0123456789a", max_size=3), max_size=9).map("-".join),
)


@FILES
@given(stem=RAVDESS_NAME, suffix=st.sampled_from([".wav", ".flac"]))
def test_load_ravdess_parses_or_names_any_file_name(stem, suffix):
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_ravdess(root, ["03-01-03-01-01-01-05.wav"])
        folder = root / "Actor_01"
        folder.mkdir(exist_ok=True)
        (folder / (stem + suffix)).touch()
        try:
            ravdess = load_ravdess(root)
        except ValueError as exc:
            assert str(folder / (stem + suffix)) in str(exc)
            event("ValueError")
            return
    event("parsed")
    fields = stem.split("-")
    row = ravdess.frame.set_index("file").loc[f"Actor_01/{stem}{suffix}"]
    assert len(ravdess.data) == 2
    assert fields[6] == "01" and row["actor"] == 1 and row["sex"] == "m"
    assert row["emotion_code"] == int(fields[2])
    assert row["repetition"] == int(fields[5])
    assert_allclose(
        row[["valence", "activation", "dominance"]].astype(float),
        EMOTION_VAD[row["emotion"]],
    )


def test_load_ravdess_real_folder(ravdess_root):
    ravdess = load_ravdess(ravdess_root)

    assert ravdess.data.shape == (1440,)
    assert all(Path(p).is_absolute() and Path(p).is_file() for p in ravdess.data)
    assert_array_equal(np.unique(ravdess.groups), np.arange(1, 25))
    counts = ravdess.frame["emotion"].value_counts()
    assert counts["neutral"] == 96
    assert (counts.drop("neutral") == 192).all() and len(counts) == 8
    labels = pd.read_csv(ravdess_root / "labels.csv").sort_values("file")
    columns = ["file", "actor", "sex", "emotion_code", "emotion", "intensity"]
    columns += ["statement", "repetition"]
    pd.testing.assert_frame_equal(
        ravdess.frame[columns],
        labels[columns].reset_index(drop=True),
        check_dtype=False,
    )
    assert_allclose(ravdess.target, emotion_to_vad(labels["emotion"]))
    # The bundled feature table was built from the same files.
    bundled = load_ravdess_features().frame.sort_values("file")
    assert_array_equal(bundled["file"], ravdess.frame["file"])
    assert_allclose(bundled[ravdess.target_names], ravdess.target)


def test_load_ravdess_sample_is_real_audio_of_two_actors():
    soundfile = pytest.importorskip("soundfile")
    sample = load_ravdess_sample()

    assert sample.data.shape == (16,) and sample.target.shape == (16, 3)
    assert sorted(set(sample.groups.tolist())) == [23, 24]
    for actor in (23, 24):
        emotions = sample.frame.loc[sample.groups == actor, "emotion"]
        assert sorted(emotions) == sorted(set(EMOTION_VAD) - {"bored"})
    assert "CC BY-NC-SA 4.0" in sample.DESCR
    for path in sample.data:
        info = soundfile.info(path)
        assert (info.samplerate, info.channels) == (16000, 1)
        assert info.duration > 2.5
    # Every file is one of the bundled table's utterances.
    bundled = set(load_ravdess_features().frame["file"])
    assert set(sample.frame["file"]) <= bundled
    X, y = load_ravdess_sample(return_X_y=True)
    assert_array_equal(X, sample.data)
    assert_allclose(y, sample.target)


def test_load_ravdess_sample_equals_the_corpus_files(ravdess_root):
    sample = load_ravdess_sample()
    for path, file in zip(sample.data, sample.frame["file"], strict=True):
        assert Path(path).read_bytes() == (ravdess_root / file).read_bytes()


# --------------------------------------------------------------------- IEMOCAP

HEADER = "% [START_TIME - END_TIME] TURN_NAME EMOTION [V, A, D]"
SES01 = [
    HEADER,
    "",
    "[6.2901 - 8.2357]\tSes01F_impro01_F000\tneu\t[2.5000, 2.5000, 2.5000]",
    "C-E2:\tNeutral;\t()",
    "C-E3:\tNeutral;\t()",
    "C-F1:\tNeutral;\t(curious)",
    "A-E3:\tval 3; act 2; dom  2;\t()",
    "A-F1:\tval 3; act 2; dom  1;\t()",
    "",
    "[10.0100 - 11.3925]\tSes01F_impro01_M000\tfru\t[2.0000, 3.5000, 3.5000]",
    "C-E2:\tFrustration;\t()",
    "A-E3:\tval 2; act 4; dom  4;\t()",
    "",
    "[14.8872 - 18.0175]\tSes01F_impro01_F001\tang\t[1.0000, 5.0000, 4.0000]",
    "C-E3:\tAnger; Frustration;\t()",
    "",
]
SES02 = [
    HEADER,
    "",
    "[0.0000 - 2.5000]\tSes02M_script01_1_F005\texc\t[4.5000, 4.0000, 3.0000]",
    "C-E1:\tExcited;\t()",
    "A-E1:\tval 5; act 4; dom  3;\t()",
    "",
]
SES01_FILE = "Session1/dialog/EmoEvaluation/Ses01F_impro01.txt"
SES02_FILE = "Session2/dialog/EmoEvaluation/Ses02M_script01_1.txt"


def write_iemocap(root, ses01=SES01, newline="\n"):
    """Two sessions; the first file's lines are ``ses01`` (str or bytes)."""
    for name, lines in [(SES01_FILE, ses01), (SES02_FILE, SES02)]:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        encoded = [x if isinstance(x, bytes) else x.encode() for x in lines]
        path.write_bytes(newline.encode().join(encoded))
    return root / SES01_FILE


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_load_iemocap_parses_utterance_lines(tmp_path, newline):
    label_file = write_iemocap(tmp_path, newline=newline)
    (tmp_path / "Documentation").mkdir()  # not a session

    iemocap = load_iemocap(tmp_path)

    utterances = ["Ses01F_impro01_F000", "Ses01F_impro01_M000", "Ses01F_impro01_F001"]
    utterances.append("Ses02M_script01_1_F005")
    dialogs = ["Ses01F_impro01"] * 3 + ["Ses02M_script01_1"]
    sessions = [1, 1, 1, 2]
    paths = [
        str(tmp_path / f"Session{s}/sentences/wav/{d}/{u}.wav")
        for s, d, u in zip(sessions, dialogs, utterances, strict=True)
    ]
    assert iemocap.data.tolist() == paths
    frame = iemocap.frame
    assert frame["utterance"].tolist() == utterances
    assert frame["dialog"].tolist() == dialogs
    assert frame["session"].tolist() == sessions
    assert frame["category"].tolist() == ["neu", "fru", "ang", "exc"]
    assert frame["emotion"].tolist() == ["neutral", "frustrated", "angry", "excited"]
    assert_allclose(frame["start"], [6.2901, 10.01, 14.8872, 0])
    assert_allclose(frame["end"], [8.2357, 11.3925, 18.0175, 2.5])
    ratings = [[2.5, 2.5, 2.5], [2, 3.5, 3.5], [1, 5, 4], [4.5, 4, 3]]
    names = ["valence_rating", "activation_rating", "dominance_rating"]
    assert_allclose(frame[names], ratings)
    targets = [[-0.25] * 3, [-0.5, 0.25, 0.25], [-1, 1, 0.5], [0.75, 0.5, 0]]
    assert_allclose(iemocap.target, targets)
    assert_allclose(frame[iemocap.target_names], targets)
    assert_array_equal(iemocap.groups, ["Ses01_F", "Ses01_M", "Ses01_F", "Ses02_F"])
    assert frame["label_file"].iloc[0] == str(label_file)
    assert frame["line"].tolist() == [3, 10, 14, 3]
    assert "Busso" in iemocap.DESCR and "42(4)" in iemocap.DESCR

    X, y = load_iemocap(tmp_path, return_X_y=True)
    assert_array_equal(X, iemocap.data)
    assert_allclose(y, targets)


@pytest.mark.parametrize(
    "line, reason",
    [
        ("hello", "not \\[START - END\\]"),
        ("[6.2901 - 8.2357]\tSes01F_impro01_F009\tneu\t[2.5, 2.5]", "not \\[START"),
        ("[6.2901 - 8.2357] Ses01F_impro01_F009 neu [nan, 2.5, 2.5]", "not \\[START"),
        ("6.2901 - 8.2357]\tSes01F_impro01_F009\tneu\t[2.5, 2.5, 2.5]", "not \\[START"),
        ("[8.2 - 6.2]\tSes01F_impro01_F009\tneu\t[2.5, 2.5, 2.5]", "ends before"),
        ("[6.2 - 8.2]\tSes01F_impro01\tneu\t[2.5, 2.5, 2.5]", "utterance id"),
        ("[6.2 - 8.2]\tSes01F_impro01_X009\tneu\t[2.5, 2.5, 2.5]", "utterance id"),
        ("[6.2 - 8.2]\tSes02F_impro01_F009\tneu\t[2.5, 2.5, 2.5]", "Ses02 in sess"),
        ("[6.2 - 8.2]\tSes01F_impro01_F009\tjoy\t[2.5, 2.5, 2.5]", "unknown categ"),
        ("[6.2 - 8.2]\tSes01F_impro01_F009\tneu\t[2.5, 5.5, 2.5]", "outside \\[1, 5"),
        ("[6.2 - 8.2]\tSes01F_impro01_F009\tneu\t[0.5, 2.5, 2.5]", "outside \\[1, 5"),
        ("[6.2 - 8.2]\tSes01F_impro01_F000\tneu\t[2.5, 2.5, 2.5]", "a second time"),
        (b"[6.2 - 8.2]\tSes01F_impro01_F009\tneu\t[2.5, 2.5, 2.5] \xff", "UTF-8"),
    ],
)
def test_load_iemocap_names_file_and_line(tmp_path, line, reason):
    write_iemocap(tmp_path, SES01[:-1] + [line] + SES01[-1:])
    match = re.escape(f"Ses01F_impro01.txt, line {len(SES01)}: ") + ".*" + reason
    with pytest.raises(ValueError, match=match):
        load_iemocap(tmp_path)


def test_load_iemocap_names_a_folder_without_utterances(tmp_path):
    with pytest.raises(ValueError, match=re.escape(str(tmp_path)) + ": no utterance"):
        load_iemocap(tmp_path)
    write_iemocap(tmp_path, [HEADER, ""])
    (tmp_path / "Session2" / "dialog" / "EmoEvaluation" / "x.txt").write_text("\n")
    (tmp_path / SES02_FILE).unlink()
    with pytest.raises(ValueError, match=re.escape(str(tmp_path)) + ": no utterance"):
        load_iemocap(tmp_path)


def is_ignored(line):
    """The documented rule: blank, ``%`` and evaluator (``C-``, ``A-``) lines."""
    text = line.strip()
    return not text or text.startswith("%") or re.match(r"[A-Z]-", text) is not None


TIME = st.integers(0, 10**7).map(lambda n: f"{n / 10**4:.4f}")
RATING = st.sampled_from(["1.0000", "2.5000", "3.3333", "5.0000", "4", "1.5"])
TAB = st.sampled_from(["\t", " ", "\t "])
IEMOCAP_LINE = st.builds(
    "[{} - {}]{}Ses01F_impro01_{}{:03d}{}{}{}[{}, {}, {}] ".format,
    TIME,
    TIME,
    TAB,
    st.sampled_from("FM"),
    st.integers(100, 999),
    TAB,
    st.sampled_from("neu fru ang sad hap exc sur fea dis oth xxx".split()),
    TAB,
    RATING,
    RATING,
    RATING,
)
TEXT_LINE = st.text(st.characters(exclude_characters="\n", exclude_categories=("Cs",)))


@st.composite
def mutated(draw, lines, insert=TEXT_LINE):
    line = draw(lines)
    i = draw(st.integers(0, len(line)))
    j = draw(st.integers(i, len(line)))
    return line[:i] + draw(insert) + line[j:]


@FILES
@given(
    line=st.one_of(
        IEMOCAP_LINE,
        mutated(IEMOCAP_LINE),
        TEXT_LINE,
        st.binary().filter(lambda b: b"\n" not in b),
    ),
    where=st.integers(0, len(SES01)),
)
def test_load_iemocap_parses_or_names_any_line(line, where):
    with tempfile.TemporaryDirectory() as tmp:
        label_file = write_iemocap(Path(tmp), SES01[:where] + [line] + SES01[where:])
        number = where + 1
        try:
            iemocap = load_iemocap(tmp)
        except ValueError as exc:
            message = str(exc)
            reported = re.match(re.escape(str(label_file)) + r", line (\d+): ", message)
            assert reported is not None, message
            if int(reported[1]) != number:  # the later of two equal utterance ids
                assert "a second time" in message
                assert int(reported[1]) > number
            event("ValueError")
            return
    text = line.decode("utf-8") if isinstance(line, bytes) else line
    event("ignored" if is_ignored(text) else "parsed")
    frame = iemocap.frame
    assert len(frame) == 4 + (not is_ignored(text))
    assert_allclose(
        iemocap.target, (frame[[f"{n}_rating" for n in iemocap.target_names]] - 3) / 2
    )
    if not is_ignored(text):
        row = frame[
            (frame["label_file"] == str(label_file)) & (frame["line"] == number)
        ]
        assert len(row) == 1
        values = re.findall(r"[0-9.]+", text)
        assert_allclose(
            row[["start", "end"]].to_numpy()[0], [float(v) for v in values[:2]]
        )
        ratings = row[["valence_rating", "activation_rating", "dominance_rating"]]
        assert_allclose(ratings.to_numpy()[0], [float(v) for v in values[-3:]])
        utterance, category = text.split("]", 1)[1].split()[:2]
        assert row[["utterance", "category"]].iloc[0].tolist() == [utterance, category]


# ----------------------------------------------------------------- MSP-Podcast

MSP_HEADER = "FileName,EmoClass,EmoAct,EmoVal,EmoDom,SpkrID,Gender,Split_Set"
MSP_ROWS = [
    "MSP-PODCAST_0001_0008.wav,N,4.2,4.0,4.6,127,Female,Test1",
    "MSP-PODCAST_0001_0019.wav,A,7.0,1.0,5.8,127,Female,Test1",
    "MSP-PODCAST_0002_0033.wav,H,1,7,1,Unknown,Unknown,Train",
    "MSP-PODCAST_0153_0001.wav,X,3.4,3.8,2.5,1093,Male,Development",
]


def write_msp(root, lines):
    path = root / "Labels" / "labels_consensus.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    encoded = [x if isinstance(x, bytes) else x.encode() for x in lines]
    path.write_bytes(b"\n".join(encoded) + b"\n")
    return path


def test_load_msp_podcast_parses_consensus_labels(tmp_path):
    write_msp(tmp_path, [MSP_HEADER + ",Notes"] + [r + ",x" for r in MSP_ROWS])

    msp = load_msp_podcast(tmp_path)

    names = [r.split(",")[0] for r in MSP_ROWS]
    assert msp.data.tolist() == [str(tmp_path / "Audios" / n) for n in names]
    frame = msp.frame
    assert list(frame.columns) == ["path"] + (MSP_HEADER + ",Notes").split(",") + [
        "valence",
        "activation",
        "dominance",
    ]
    assert frame["EmoClass"].tolist() == ["N", "A", "H", "X"]
    assert frame["Split_Set"].tolist() == ["Test1", "Test1", "Train", "Development"]
    assert frame["Gender"].tolist() == ["Female", "Female", "Unknown", "Male"]
    assert frame["Notes"].tolist() == ["x"] * 4
    assert_allclose(frame["EmoAct"], [4.2, 7, 1, 3.4])
    # (valence, activation, dominance) = (EmoVal, EmoAct, EmoDom) from [1, 7]
    targets = [[0, 1 / 15, 0.2], [-1, 1, 0.6], [1, -1, -1], [-1 / 15, -0.2, -0.5]]
    assert_allclose(msp.target, targets, atol=1e-12)
    assert_allclose(frame[msp.target_names], targets, atol=1e-12)
    assert_array_equal(msp.groups, ["127", "127", "Unknown", "1093"])
    assert "Lotfian" in msp.DESCR and "10(4)" in msp.DESCR

    X, y = load_msp_podcast(tmp_path, return_X_y=True)
    assert_array_equal(X, msp.data)
    assert_allclose(y, msp.target)


@pytest.mark.parametrize(
    "row, reason",
    [
        ("MSP-PODCAST_0001_0030.wav,N,4.2,4.0,4.6,127,Female", "7 fields"),
        ("MSP-PODCAST_0001_0030.wav,N,4.2,4.0,4.6,127,Female,Train,x", "9 fields"),
        ("MSP-PODCAST_0001_0030.wav,N,high,4.0,4.6,127,Female,Train", "EmoAct is 'hi"),
        ("MSP-PODCAST_0001_0030.wav,N,4.2,,4.6,127,Female,Train", "EmoVal is ''"),
        ("MSP-PODCAST_0001_0030.wav,N,4.2,4.0,7.5,127,Female,Train", "EmoDom is '7.5"),
        ("MSP-PODCAST_0001_0030.wav,N,0.5,4.0,4.6,127,Female,Train", "EmoAct is '0.5"),
        ("MSP-PODCAST_0001_0030.wav,N,nan,4.0,4.6,127,Female,Train", "EmoAct is 'nan"),
        ("MSP-PODCAST_0001_0030.wav,N,inf,4.0,4.6,127,Female,Train", "EmoAct is 'inf"),
        ("MSP-PODCAST_0001_0030.wav,N,4_0,4.0,4.6,127,Female,Train", "EmoAct is '4_0"),
        ("MSP-PODCAST_0001_0019.wav,N,4.2,4.0,4.6,127,Female,Train", "repeats line 3"),
        (",N,4.2,4.0,4.6,127,Female,Train", "is no file name"),
        ("../x.wav,N,4.2,4.0,4.6,127,Female,Train", "is no file name"),
        ('"MSP-PODCAST_0001_0030.wav,N,4.2,4.0,4.6,127,Female,Train', "end of data"),
        (b"MSP-PODCAST_0001_0030.wav,N,4.2,4.0,4.6,127,F\xe9male,Train", "UTF-8"),
    ],
)
def test_load_msp_podcast_names_file_and_line(tmp_path, row, reason):
    write_msp(tmp_path, [MSP_HEADER, *MSP_ROWS[:3], row, MSP_ROWS[3]])
    match = re.escape("labels_consensus.csv, line 5: ") + ".*" + reason
    with pytest.raises(ValueError, match=match):
        load_msp_podcast(tmp_path)


def test_load_msp_podcast_names_a_bad_or_missing_file(tmp_path):
    with pytest.raises(ValueError, match="labels_consensus.csv: no such file"):
        load_msp_podcast(tmp_path)
    write_msp(tmp_path, [MSP_HEADER.replace(",Split_Set", ""), MSP_ROWS[0][:-6]])
    with pytest.raises(ValueError, match=r"labels_consensus.csv, line 1: .*Split_Set"):
        load_msp_podcast(tmp_path)
    write_msp(tmp_path, [MSP_HEADER + ",Gender", MSP_ROWS[0] + ",Female"])
    with pytest.raises(ValueError, match=r"labels_consensus.csv, line 1: .*repeats"):
        load_msp_podcast(tmp_path)
    write_msp(tmp_path, [MSP_HEADER, ""])
    with pytest.raises(ValueError, match=r"labels_consensus.csv: no data row"):
        load_msp_podcast(tmp_path)


MSP_ROW = st.builds(
    "MSP-PODCAST_0009_{:04d}.wav,{},{},{},{},{},{},{}".format,
    st.integers(0, 9999),
    st.sampled_from("AHSUFDCNOX"),
    *[st.sampled_from(["1", "4.2", "7.0", "1.8000", "6.999"])] * 3,
    st.sampled_from(["127", "Unknown", "3"]),
    st.sampled_from(["Female", "Male", "Unknown"]),
    st.sampled_from(["Train", "Development", "Test1", '"Test,2"']),
)
CSV_LINE = st.text(st.characters(exclude_characters="\r\n", exclude_categories=("Cs",)))


@FILES
@given(
    line=st.one_of(
        MSP_ROW,
        # A lone carriage return ends a CSV record, like a newline.
        mutated(MSP_ROW, CSV_LINE),
        CSV_LINE,
        st.binary().filter(lambda b: b"\n" not in b and b"\r" not in b),
    ),
    where=st.integers(1, len(MSP_ROWS) + 1),
)
def test_load_msp_podcast_parses_or_names_any_row(line, where):
    lines = [MSP_HEADER, *MSP_ROWS]
    with tempfile.TemporaryDirectory() as tmp:
        path = write_msp(Path(tmp), lines[:where] + [line] + lines[where:])
        number = where + 1
        try:
            msp = load_msp_podcast(tmp)
        except ValueError as exc:
            message = str(exc)
            reported = re.match(re.escape(str(path)) + r", line (\d+): ", message)
            assert reported is not None, message
            assert int(reported[1]) == number, message
            event("ValueError")
            return
    text = line.decode("utf-8") if isinstance(line, bytes) else line
    event("parsed" if text else "ignored")
    frame = msp.frame
    assert len(frame) == len(MSP_ROWS) + (text != "")
    scaled = (frame[["EmoVal", "EmoAct", "EmoDom"]].to_numpy() - 4) / 3
    assert_allclose(msp.target, scaled)
    if text:
        fields = next(csv.reader([text]))
        row = frame.iloc[where - 1]
        assert row["FileName"] == fields[0]
        assert row["path"] == str(Path(tmp) / "Audios" / fields[0])
        assert row[["EmoClass", "SpkrID", "Gender", "Split_Set"]].tolist() == [
            fields[1],
            *fields[5:],
        ]
        assert row[["EmoAct", "EmoVal", "EmoDom"]].tolist() == [
            float(f) for f in fields[2:5]
        ]


def test_loaders_give_emotion_classes_as_targets(tmp_path):
    write_iemocap(tmp_path / "iemocap")
    iemocap = load_iemocap(tmp_path / "iemocap", target="categories")
    assert iemocap.target.tolist() == ["neutral", "frustrated", "angry", "excited"]
    assert iemocap.target_names == ["emotion"]
    # The dimensions stay in the frame.
    assert_allclose(iemocap.frame["valence"], [-0.25, -0.5, -1, 0.75])

    write_msp(tmp_path / "msp", [MSP_HEADER, *MSP_ROWS])
    _, y = load_msp_podcast(tmp_path / "msp", target="categories", return_X_y=True)
    assert y.tolist() == ["N", "A", "H", "X"] and y.dtype == object

    sample = load_ravdess_sample(target="categories")
    assert sample.target_names == ["emotion"]
    assert_array_equal(sample.target, sample.frame["emotion"])
    with pytest.raises(ValueError, match="'dimensions' or 'categories'"):
        load_ravdess(tmp_path, target="classes")
