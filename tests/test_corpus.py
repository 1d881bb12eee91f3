"""The corpus-loader engine: a corpus described by its file names or its label
files alone loads, and every loader's docstring is filled in."""

import inspect
import re
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal

from aae_sklearn import datasets
from aae_sklearn.datasets import EMOTION_VAD
from aae_sklearn.datasets._corpus import (
    Corpus,
    Field,
    FileNames,
    Ratings,
    Table,
    load_corpus,
    load_table,
)
from aae_sklearn.datasets._docs import _document

from .conftest import touch_files as _touch

# EMOVO (Costantini et al., 2014) names its files emotion-speaker-sentence,
# such as dis-f1-b1.wav; six speakers, f1-f3 and m1-m3.
EMOVO_EMOTIONS = {"dis": "disgust", "gio": "happy", "neu": "neutral"}
EMOVO = Corpus(
    "EMOVO (local copy)",
    FileNames(
        re.compile(r"(?P<code>[a-z]{3})-(?P<speaker>[fm][1-3])-(?P<sentence>\w+)"),
        "expected an EMOVO name emotion-speaker-sentence (dis-f1-b1.wav)",
        fields=(
            Field(
                "code",
                {c: {"emotion": e} for c, e in EMOVO_EMOTIONS.items()},
                label="emotion",
                known="EMOVO's are",
            ),
            Field("speaker"),
            Field("sentence"),
        ),
    ),
    groups="speaker",
)


def _two(text):
    return text.zfill(2)


def test_a_corpus_described_by_its_file_names_loads(tmp_path):
    root = _touch(tmp_path, "m2/neu-m2-l1.flac", "f1/dis-f1-b1.wav", "notes.txt")

    emovo = load_corpus(EMOVO, root)

    assert emovo.data.tolist() == [
        str(root / "f1/dis-f1-b1.wav"),
        str(root / "m2/neu-m2-l1.flac"),
    ]
    expected = pd.DataFrame(
        {
            "path": emovo.data.tolist(),
            "file": ["f1/dis-f1-b1.wav", "m2/neu-m2-l1.flac"],
            "emotion": ["disgust", "neutral"],
            "speaker": ["f1", "m2"],
            "sentence": ["b1", "l1"],
        }
    )
    pd.testing.assert_frame_equal(emovo.frame[expected.columns], expected)
    assert_allclose(emovo.target, [EMOTION_VAD["disgust"], EMOTION_VAD["neutral"]])
    assert_allclose(emovo.frame[["valence", "activation", "dominance"]], emovo.target)
    assert_array_equal(emovo.groups, ["f1", "m2"])
    assert emovo.target_names == ["valence", "activation", "dominance"]
    assert emovo.DESCR == "EMOVO (local copy)"
    X, y = load_corpus(EMOVO, str(root), target="categories", return_X_y=True)
    assert_array_equal(X, emovo.data)
    assert y.dtype == object and y.tolist() == ["disgust", "neutral"]


@pytest.mark.parametrize(
    "name, message",
    [
        (
            "dis-f4-b1.wav",
            "expected an EMOVO name emotion-speaker-sentence (dis-f1-b1.wav).",
        ),
        ("rab-f1-b1.wav", "emotion is 'rab'; EMOVO's are dis, gio, neu."),
    ],
)
def test_a_described_corpus_names_the_bad_file(tmp_path, name, message):
    root = _touch(tmp_path, "dis-f1-b1.wav", name)
    with pytest.raises(ValueError) as error:
        load_corpus(EMOVO, root)
    assert str(error.value) == f"{root / name}: {message}"


def test_a_field_reads_its_code_through_key_and_its_text_through_convert():
    speaker = Field("speaker", {"03": {"speaker": 3}}, "speaker", "known:", _two)
    assert speaker.decode(Path("x.wav"), "3") == {"speaker": 3}
    assert speaker.decode(Path("x.wav"), "03") == {"speaker": 3}
    with pytest.raises(ValueError, match=r"^x\.wav: speaker is '4'; known: 03\.$"):
        speaker.decode(Path("x.wav"), "4")
    assert Field("number", convert=int).decode(Path("x.wav"), "07") == {"number": 7}
    assert Field("text").decode(Path("x.wav"), "07") == {"text": "07"}


def test_file_names_check_their_fields_together_and_order_the_columns(tmp_path):
    def check(path, row):
        if row["a"] == row["b"]:
            raise ValueError(f"{path}: a and b are alike.")

    names = FileNames(
        re.compile(r"(?P<a>\d)_(?P<b>\d)"),
        lambda stem: f"{stem!r} is not a_b",
        fields=(Field("a", convert=int), Field("b", convert=int)),
        columns=("b", "a"),
        check=check,
    )
    assert names.parse(Path("1_2.wav")) == {"b": 2, "a": 1}
    assert list(names.parse(Path("1_2.wav"))) == ["b", "a"]
    with pytest.raises(ValueError, match=r"^3_3\.wav: a and b are alike\.$"):
        names.parse(Path("3_3.wav"))
    with pytest.raises(ValueError, match=r"^12\.wav: '12' is not a_b\.$"):
        names.parse(Path("12.wav"))
    frame = names(_touch(tmp_path, "2_1.wav", "1_2.flac"))
    assert frame.columns.tolist() == ["path", "file", "b", "a"]
    assert frame["file"].tolist() == ["1_2.flac", "2_1.wav"]


def test_ratings_read_numbers_on_their_scale_and_rescale_them():
    ratings = Ratings(("v", "a", "d"), low=1, high=5)
    assert ratings.scale == [1, 5]
    assert [ratings.read(t) for t in ["1", " 2.5 ", "5.0", "3e0"]] == [1, 2.5, 5, 3]
    for text in ["0.99", "5.01", "nan", "inf", "1_0", "", "x", "\u0663"]:
        assert ratings.read(text) is None, text
    frame = pd.DataFrame({"d": [5.0, 1.0], "a": [3.0, 2.0], "v": [1.0, 4.0]})
    assert_allclose(ratings.dimensions(frame), [[-1, 0, 1], [0.5, -0.5, -1]])


def test_a_corpus_with_ratings_takes_its_dimensions_from_them(tmp_path):
    def index(root):
        return pd.DataFrame(
            {
                "path": [str(root / "a.wav"), str(root / "b.wav")],
                "val": [1.0, 7.0],
                "act": [4.0, 1.0],
                "dom": [7.0, 5.5],
                "label": ["N", "A"],
                "who": ["s1", "s2"],
            }
        )

    corpus = Corpus(
        "rated",
        index,
        groups="who",
        classes="label",
        ratings=Ratings(("val", "act", "dom"), low=1, high=7),
    )
    rated = load_corpus(corpus, tmp_path)
    assert_allclose(rated.target, [[-1, 0, 1], [1, -1, 0.5]])
    assert rated.frame.columns[-3:].tolist() == ["valence", "activation", "dominance"]
    assert_array_equal(rated.groups, ["s1", "s2"])
    _, y = load_corpus(corpus, tmp_path, target="categories", return_X_y=True)
    assert y.tolist() == ["N", "A"]
    assert load_corpus(corpus, tmp_path, target="categories").target_names == ["label"]


def test_load_corpus_checks_target_before_it_reads_root(tmp_path):
    with pytest.raises(ValueError, match="target must be 'dimensions' or"):
        load_corpus(EMOVO, tmp_path / "missing", target="vad")
    with pytest.raises(ValueError, match="missing is not a folder"):
        load_corpus(EMOVO, tmp_path / "missing")


def test_a_bundled_table_holds_as_features_every_column_but_its_labels():
    labels = ["file", "speaker", "sex", "emotion_code", "emotion", "text", "version"]
    emodb = load_table(Table("emodb_egemaps.csv.gz", labels, "speaker", "EmoDB"))
    targets = ["valence", "activation", "dominance"]
    assert emodb.frame.columns[:10].tolist() == labels + targets
    assert emodb.feature_names[0] == "clipped_at_2s"
    assert emodb.data.shape == (535, 89) and emodb.data[:, 0].sum() == 409
    assert_array_equal(emodb.groups, emodb.frame["speaker"])
    assert emodb.DESCR == "EmoDB"


def _function(doc):
    def function():
        pass

    function.__doc__ = doc
    return function


def _filled(doc):
    return _document(column="EmoClass", classes="10 letters")(_function(doc)).__doc__


def test_document_fills_a_section_at_the_indentation_of_its_place():
    doc = _filled("Summary.\n\n    Parameters\n    ----------\n    %(parameters)s\n")
    lines = doc.splitlines()
    assert lines[4] == '    target : {"dimensions", "categories"}, default="dimensions"'
    assert lines[5].startswith("        What ``target`` holds")
    assert "the column ``EmoClass`` of\n        ``frame``: 10 letters)" in doc
    assert "%(" not in doc and "$" not in doc


def test_document_refuses_a_docstring_without_place_or_a_missing_value():
    with pytest.raises(KeyError, match="no %"):
        _filled("Summary.\n\n    Parameters\n")
    with pytest.raises(KeyError, match="'n'"):
        _document(classes="7 classes")(_function("    %(table_returns)s"))


@pytest.mark.parametrize("name", [n for n in datasets.__all__ if n.startswith("load_")])
def test_every_loader_docstring_is_filled_in(name):
    doc = inspect.getdoc(getattr(datasets, name))
    assert "%(" not in doc and "$" not in doc, name
    assert "\nParameters\n----------\n" in doc and "\nReturns\n-------\n" in doc
    assert "(data, target) : tuple if ``return_X_y`` is True" in doc


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(
    stem=st.one_of(
        st.tuples(
            st.sampled_from(["dis", "gio", "neu", "rab", "DIS"]),
            st.sampled_from(["f1", "m3", "f4", "x"]),
            st.text("ab12-", max_size=3),
        ).map("-".join),
        st.text(
            st.characters(exclude_characters="/\x00", exclude_categories=("Cs",)),
            max_size=15,
        ),
    )
)
def test_a_described_corpus_parses_or_names_any_file(stem):
    with tempfile.TemporaryDirectory() as tmp:
        root = _touch(Path(tmp), "neu-f2-a1.wav")
        path = root / "x" / f"{stem}.wav"
        _touch(root, path.relative_to(root))
        try:
            emovo = load_corpus(EMOVO, root)
        except ValueError as exc:
            assert str(exc).startswith(f"{path}: ") or "same recording" in str(exc)
            return
    match = EMOVO.index.pattern.fullmatch(stem)
    assert match is not None and match["code"] in EMOVO_EMOTIONS
    row = emovo.frame.set_index("file").loc[f"x/{stem}.wav"]
    assert row["speaker"] == match["speaker"] and row["sentence"] == match["sentence"]
    assert np.isfinite(emovo.target).all()
