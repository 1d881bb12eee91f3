"""The ``fit`` command fits what ``compare`` scores, and ``predict`` repeats
its normalisation."""

import json

import pandas as pd
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from safetensors import safe_open

import aae_sklearn
from aae_sklearn.cli import main
from aae_sklearn.cli._fit import SETTINGS_KEY
from aae_sklearn.datasets import load_emodb_features, load_ravdess_features
from aae_sklearn.features import GroupStandardScaler

from .conftest import bundled_table
from .test_cli import _copy_ravdess, _error_line

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = ["--max-iter", "1", "-q"]
FEATURES = load_ravdess_features().feature_names
TARGETS = ["valence", "activation", "dominance"]


@pytest.fixture(scope="module")
def table_csv(tmp_path_factory):
    """120 rows (2 actors) of the bundled table, actors in a ``speaker`` column."""
    return bundled_table(tmp_path_factory.mktemp("tables"), actors=2)


def _settings(path):
    with safe_open(path, framework="np") as file:
        return json.loads(file.metadata()[SETTINGS_KEY])


def _fit(source, path, *options):
    argv = ["fit", str(source), "--model", "supervised", "-o", str(path)]
    assert main([*argv, *options, *FAST]) == 0
    return aae_sklearn.load(path)


def _predict(model_path, source, out, *options):
    argv = ["predict", str(model_path), str(source), "-o", str(out), "-q", *options]
    assert main(argv) == 0
    return pd.read_csv(out)


def test_fit_bundled_says_what_it_fits_and_how_long_it_takes(tmp_path, capsys):
    """The data of compare's default; a line before (with the time a fit of
    three epochs predicts) and after; the suffix .safetensors added."""
    argv = ["fit", "bundled", "--model", "supervised", "--max-iter", "4"]
    assert main([*argv, "-o", str(tmp_path / "model")]) == 0
    start, end = capsys.readouterr().err.splitlines()
    assert start.startswith(
        "aae-sklearn: fitting SupervisedEmotionRegressor (valence, activation, "
        "dominance) on 1440 rows (1440 labeled) x 88 features, each speaker "
        "standardised on its own (--normalize speaker): at most 4 epochs, about "
    )
    assert start.endswith(" on this machine.")
    assert end.startswith(
        "aae-sklearn: fitted SupervisedEmotionRegressor on 1440 rows (1440 labeled) "
        "x 88 features in 4 epochs ("
    )
    assert end.endswith(f"); saved to {tmp_path / 'model.safetensors'}")
    model = aae_sklearn.load(tmp_path / "model.safetensors")
    assert model.feature_names_in_.tolist() == FEATURES
    assert _settings(tmp_path / "model.safetensors") == {
        "normalize": "speaker",
        "group_column": None,  # predict looks for speaker, actor or SpkrID
        "targets": TARGETS,
    }


def _normalized(table, normalize):
    """The features of ``table`` as fit and predict normalise them."""
    X, groups = table[FEATURES].to_numpy(), table["speaker"].to_numpy()
    X = {
        "speaker": lambda: GroupStandardScaler().fit_transform(X, groups=groups),
        "corpus": lambda: GroupStandardScaler().fit_transform(X, groups=0 * groups),
        "none": lambda: X,
    }[normalize]()
    return pd.DataFrame(X, columns=FEATURES)


@pytest.mark.parametrize("normalize", ["speaker", "corpus", "none"])
def test_fit_normalizes_as_compare_and_predict_repeats_it(
    normalize, table_csv, tmp_path
):
    table = pd.read_csv(table_csv)
    options = ["--normalize", normalize, "--random-state", "3"]
    model = _fit(table_csv, tmp_path / "m.safetensors", *options)
    expected = _normalized(table, normalize)
    same = aae_sklearn.SupervisedEmotionRegressor(max_iter=1, random_state=3)
    same.fit(expected, table[TARGETS])
    assert_allclose(model.predict(expected), same.predict(expected), rtol=1e-6)

    # Another table: each speaker standardised on its own rows there.
    new = table.sample(n=90, random_state=0)
    new.to_csv(tmp_path / "new.csv", index=False)
    out = tmp_path / "p.csv"
    predicted = _predict(tmp_path / "m.safetensors", tmp_path / "new.csv", out)
    assert predicted["file"].tolist() == new["file"].tolist()
    y_pred = model.predict(_normalized(new, normalize))
    assert_allclose(predicted[TARGETS], y_pred, rtol=1e-6)


def test_predict_needs_the_speakers_of_a_per_speaker_model(table_csv, tmp_path, capsys):
    model_path = tmp_path / "m.safetensors"
    _fit(table_csv, model_path)
    original = _predict(model_path, table_csv, tmp_path / "q.csv")
    table = pd.read_csv(table_csv)
    out = tmp_path / "p.csv"
    for name in ("actor", "talker"):
        table.rename(columns={"speaker": name}).to_csv(tmp_path / f"{name}.csv")
    # actor: a name of the corpus loaders, found without --group-column.
    by_actor = _predict(model_path, tmp_path / "actor.csv", out)
    assert_allclose(by_actor[TARGETS], original[TARGETS])

    argv = ["predict", str(model_path), str(tmp_path / "talker.csv"), "-o", str(out)]
    assert main(argv) == 1
    err = _error_line(capsys)
    assert "no column 'speaker' of speakers" in err
    assert "--group-column" in err and "--single-speaker" in err
    options = ["--group-column", "talker"]
    by_talker = _predict(model_path, tmp_path / "talker.csv", out, *options)
    assert_allclose(by_talker[TARGETS], original[TARGETS])

    one = table[table["speaker"] == 2].drop(columns="speaker")
    one.to_csv(tmp_path / "one.csv", index=False)
    single = _predict(model_path, tmp_path / "one.csv", out, "--single-speaker")
    rows = (table["speaker"] == 2).to_numpy()
    assert_allclose(single[TARGETS], original[TARGETS][rows], rtol=1e-5)

    one.head(1).to_csv(tmp_path / "row.csv", index=False)
    argv = ["predict", str(model_path), str(tmp_path / "row.csv"), "-o", str(out)]
    assert main([*argv, "--single-speaker"]) == 1
    assert "one row" in _error_line(capsys)


def test_predict_names_an_input_that_does_not_exist(table_csv, tmp_path, capsys):
    """Not a folder whose speakers are unknown: no such path."""
    model_path = tmp_path / "m.safetensors"
    _fit(table_csv, model_path)
    missing = tmp_path / "no_such_folder"
    argv = ["predict", str(model_path), str(missing), "-o", str(tmp_path / "p.csv")]
    assert main(argv) == 1
    assert _error_line(capsys) == (
        f"aae-sklearn: error: {missing}: no such file or folder.\n"
    )


@pytest.mark.parametrize(
    "keyword, load",
    [("bundled", load_ravdess_features), ("bundled-emodb", load_emodb_features)],
)
def test_predict_reads_the_bundled_tables_as_fit(keyword, load, table_csv, tmp_path):
    """The keywords of fit's DATA; each speaker standardised on their own rows."""
    model_path = tmp_path / "m.safetensors"
    model = _fit(table_csv, model_path)
    predicted = _predict(model_path, keyword, tmp_path / "p.csv")
    bundled = load()
    assert predicted["file"].tolist() == bundled.frame["file"].tolist()
    X = GroupStandardScaler().fit_transform(bundled.data, groups=bundled.groups)
    y_pred = model.predict(pd.DataFrame(X, columns=FEATURES))
    assert_allclose(predicted[TARGETS], y_pred, rtol=1e-6)


def test_predict_options_of_speakers_need_a_per_speaker_model(
    table_csv, tmp_path, capsys
):
    model_path = tmp_path / "m.safetensors"
    _fit(table_csv, model_path, "--normalize", "none")
    argv = ["predict", str(model_path), str(table_csv), "-o", str(tmp_path / "p.csv")]
    assert main([*argv, "--single-speaker"]) == 2
    assert "fitted with --normalize none" in _error_line(capsys)


def test_fit_emotion_classes(table_csv, tmp_path):
    """--task categories: the classifier; empty classes are unlabeled rows."""
    table = pd.read_csv(table_csv)
    table.loc[::2, "emotion"] = None
    table.to_csv(tmp_path / "half.csv", index=False)
    model_path = tmp_path / "m.safetensors"
    argv = ["fit", str(tmp_path / "half.csv"), "--task", "categories"]
    assert main([*argv, "-o", str(model_path), *FAST]) == 0
    model = aae_sklearn.load(model_path)
    assert isinstance(model, aae_sklearn.AAEEmotionClassifier)
    assert model.feature_names_in_.tolist() == FEATURES  # not the dimensions
    classes = sorted(pd.read_csv(table_csv)["emotion"].unique())
    assert model.classes_.tolist() == classes
    predicted = _predict(model_path, table_csv, tmp_path / "p.csv")
    assert list(predicted.columns) == [
        "file",
        "emotion",
        "probability",
        *(f"probability_{c}" for c in classes),
    ]
    assert predicted["emotion"].isin(classes).all()
    proba = predicted[[f"probability_{c}" for c in classes]].to_numpy()
    assert_allclose(proba.sum(axis=1), 1, rtol=1e-6)
    assert_array_equal(predicted["probability"], proba.max(axis=1))


def test_fit_takes_unlabeled_sources_as_compare(table_csv, tmp_path, capsys):
    """Tables (any column order, with or without speakers) and bundled tables."""
    pool = pd.read_csv(table_csv)[FEATURES[::-1]]
    pool.to_csv(tmp_path / "pool.csv", index=False)
    argv = ["fit", str(table_csv), "--unlabeled", str(tmp_path / "pool.csv")]
    argv += ["bundled-emodb", "--max-iter", "1", "-o", str(tmp_path / "m")]
    assert main(argv) == 0
    n_rows = 120 + 120 + 535
    assert f"on {n_rows} rows (120 labeled) x 88 features in 1 epoch" in (
        capsys.readouterr().err
    )

    pool.drop(columns=FEATURES[0]).to_csv(tmp_path / "partial.csv", index=False)
    argv[3] = str(tmp_path / "partial.csv")
    assert main(argv) == 1
    assert f"no feature column(s) {FEATURES[0]}" in _error_line(capsys)


def test_fit_finds_the_speakers_or_says_how_to_go_on(table_csv, tmp_path, capsys):
    """speaker, else actor (as 'extract --corpus ravdess' names them) or
    SpkrID; another column needs --group-column."""
    table = pd.read_csv(table_csv)
    table.rename(columns={"speaker": "actor"}).to_csv(tmp_path / "a.csv", index=False)
    _fit(tmp_path / "a.csv", tmp_path / "a.safetensors")
    assert _settings(tmp_path / "a.safetensors")["group_column"] == "actor"

    table.rename(columns={"speaker": "talker"}).to_csv(tmp_path / "t.csv", index=False)
    argv = ["fit", str(tmp_path / "t.csv"), "-o", str(tmp_path / "m"), *FAST]
    assert main(argv) == 1
    err = _error_line(capsys)
    assert "no column of speakers ('speaker' or 'actor' or 'SpkrID')" in err
    assert "--group-column" in err and "--normalize corpus" in err
    assert main([*argv, "--group-column", "talker"]) == 0
    assert main([*argv, "--normalize", "none"]) == 0


@pytest.mark.parametrize("name", ["m.pkl", "m.joblib", "m.csv"])
def test_a_model_is_a_safetensors_file(name, table_csv, tmp_path, capsys):
    argv = ["fit", str(table_csv), "-o", str(tmp_path / name), *FAST]
    assert main(argv) == 2
    err = _error_line(capsys)
    assert f"a model is a safetensors file, not a {name[1:]} file; name it " in err
    assert "m.safetensors" in err
    assert not list(tmp_path.iterdir())


@pytest.mark.slow
def test_fit_and_predict_a_corpus_folder(ravdess_root, tmp_path, capsys):
    """The folder's layout gives the speakers, to fit and to predict."""
    audio = _copy_ravdess(ravdess_root, tmp_path / "audio", [1, 2], slice(0, 60, 8))
    model_path = tmp_path / "m.safetensors"
    argv = ["fit", str(audio), "--cache", str(tmp_path / "cache"), "--targets"]
    assert main([*argv, "valence", "-o", str(model_path), *FAST]) == 0
    model = aae_sklearn.load(model_path)
    assert model.target_names_.tolist() == ["valence"]
    predicted = _predict(model_path, audio, tmp_path / "p.csv")
    assert list(predicted.columns) == ["file", "valence"] and len(predicted) == 16

    plain = tmp_path / "plain"
    plain.mkdir()
    for path in sorted(audio.rglob("*.flac"))[:2]:
        (plain / path.name.replace("-", "_")).write_bytes(path.read_bytes())
    argv = ["predict", str(model_path), str(plain), "-o", str(tmp_path / "q.csv")]
    assert main(argv) == 1
    err = _error_line(capsys)
    assert "the speakers of its files are unknown" in err and "--single-speaker" in err
    assert main([*argv, "--single-speaker", "-q"]) == 0


def test_fit_refuses_a_device_it_lacks_before_any_work(tmp_path, capsys):
    model = tmp_path / "model.safetensors"
    assert main(["fit", "bundled", "-o", str(model), "--device", "tpu", "-q"]) == 2
    assert "--device 'tpu' is not a torch device" in capsys.readouterr().err
    assert not model.exists()
