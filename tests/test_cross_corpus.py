"""Across corpora: per-corpus normalisation, and ``compare --test-data``."""

import contextlib
import io
import json
import shutil

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.model_selection import GroupKFold, cross_validate
from sklearn.pipeline import make_pipeline

from aae_sklearn import AAEEmotionRegressor
from aae_sklearn.cli import main
from aae_sklearn.cli._tasks import TASKS
from aae_sklearn.datasets import load_emodb_features, load_ravdess_features
from aae_sklearn.features import GroupStandardScaler
from aae_sklearn.metrics import ccc_scorer

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = ["--max-iter", "2", "-q", "--jobs", "1"]
SHARED = ["angry", "disgust", "fearful", "happy", "neutral", "sad"]


def _error_line(capsys):
    err = capsys.readouterr().err
    assert err.startswith("aae-sklearn"), err
    assert err.count("\n") == 1, err
    return err


def _two_corpora():
    """Four RAVDESS actors and three EmoDB speakers, with a ``corpus`` column."""
    parts = []
    for name, load, keep in (
        ("ravdess", load_ravdess_features, [1, 2, 3, 4]),
        ("emodb", load_emodb_features, [3, 8, 9]),
    ):
        data = load()
        rows = np.isin(data.groups, keep)
        X = pd.DataFrame(data.data[rows], columns=data.feature_names)
        X.insert(0, "corpus", name)
        parts.append((X, data.target[rows]))
    X = pd.concat([p[0] for p in parts], ignore_index=True)
    return X, np.vstack([p[1] for p in parts])


def test_corpus_normalisation_under_cross_val_score():
    X, y = _two_corpora()
    model = make_pipeline(
        GroupStandardScaler(group_column="corpus"),
        AAEEmotionRegressor(max_iter=2, random_state=0),
    )
    # Leave one corpus out: train on one, test on the other.
    result = cross_validate(
        model,
        X,
        y,
        groups=X["corpus"],
        cv=GroupKFold(n_splits=2),
        scoring=ccc_scorer,
        return_estimator=True,
        return_indices=True,
    )
    assert np.isfinite(result["test_score"]).all()
    for fitted, test in zip(
        result["estimator"], result["indices"]["test"], strict=True
    ):
        # The corpus unseen in fit is standardised on its own rows.
        held_out = fitted[0].transform(X.iloc[test])
        assert_allclose(held_out.mean(axis=0), 0, atol=1e-9)
        assert_allclose(held_out.std(axis=0), 1, atol=1e-6)


@pytest.fixture(scope="module")
def cross(tmp_path_factory):
    """The folder and printed tables of ``compare --test-data bundled-emodb``."""
    out = tmp_path_factory.mktemp("cross") / "cmp"
    argv = ["compare", "--test-data", "bundled-emodb", "--adapt", "--baselines"]
    argv += ["--normalize", "corpus", "--labeled-fraction", "0.5", "1"]
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        assert main([*argv, "--out", str(out), *FAST]) == 0
    return out, stdout.getvalue()


@pytest.mark.slow
def test_compare_across_corpora(cross):
    out, table = cross
    heading = (
        "trained on RAVDESS, tested on EmoDB, adapted to EmoDB's speech "
        "(unlabeled), features normalised per corpus"
    )
    assert f"labeled fraction 1, {heading}" in table
    assert "±" not in table  # one test corpus: no spread over folds
    document = json.loads((out / "results.json").read_text())
    config = document["config"]
    assert config["test_data"] == "bundled-emodb" and config["adapt"] is True
    assert config["folds"] == 1 and config["normalize"] == "corpus"
    assert config["n_samples"] == 1440 + 535
    folds = pd.read_csv(out / "results.csv")
    assert len(folds) == 5 * 2
    assert (folds["n_test"] == 535).all()
    assert set(folds.loc[folds["labeled_fraction"] == 1, "n_labeled"]) == {1440}
    half = folds[folds["labeled_fraction"] == 0.5]
    assert (half["n_labeled"] == 720).all() and (half["n_unlabeled"] == 720).all()
    predictions = pd.read_csv(out / "predictions.csv")
    assert predictions["group"].str.startswith("EmoDB:").all()
    assert len(predictions) == 5 * 2 * 535
    emodb = load_emodb_features()
    first = predictions[(predictions["model"] == "SVR")].iloc[:535]
    assert_allclose(first["valence_true"], emodb.target[:, 0])


class _Spy(AAEEmotionRegressor):
    """The AAE, remembering the unlabeled rows it was given."""

    given = []

    def fit(self, X, y, X_unlabeled=None):
        self.given.append(None if X_unlabeled is None else np.array(X_unlabeled))
        return super().fit(X, y, X_unlabeled=X_unlabeled)


@pytest.mark.parametrize("adapt", [True, False])
def test_adapt_gives_the_test_corpus_unlabeled(adapt, monkeypatch, capsys):
    monkeypatch.setattr(_Spy, "given", [])
    monkeypatch.setattr(TASKS["dimensions"], "aae", _Spy)
    argv = ["compare", "--test-data", "bundled-emodb", "--normalize", "corpus"]
    assert main(argv + ["--adapt"] * adapt + FAST) == 0
    (given,) = _Spy.given
    if not adapt:
        assert given is None
        return
    emodb = load_emodb_features().data
    std = emodb.std(axis=0)
    assert_allclose(given, (emodb - emodb.mean(axis=0)) / np.where(std > 0, std, 1))


class _Recorder(RegressorMixin, BaseEstimator):
    """Stands in for SupervisedEmotionRegressor: predicts the first target
    from a fixed linear map of its input, and records what it is given."""

    seen = []

    def __init__(
        self, *, max_iter=None, random_state=None, device="cpu", n_threads="auto"
    ):
        self.max_iter = max_iter
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads

    def fit(self, X, y):
        self.seen.append(X)
        return self

    def predict(self, X):
        self.seen.append(X)
        return np.column_stack([X[:, :3].sum(axis=1)] * 3)


def test_corpus_normalisation_removes_a_corpus_wide_shift(
    tmp_path, monkeypatch, capsys
):
    """A second corpus whose features are the first's, rescaled and shifted:
    normalised per corpus, the test corpus is the training corpus again."""
    table = load_ravdess_features().frame.rename(columns={"actor": "speaker"})
    table = table[table["speaker"] <= 3]
    names = load_ravdess_features().feature_names
    shifted = table.copy()
    shifted[names] = table[names] * 3.0 + 100.0
    table.to_csv(tmp_path / "a.csv", index=False)
    shifted.to_csv(tmp_path / "b.csv", index=False)
    monkeypatch.setattr(_Recorder, "seen", [])
    monkeypatch.setattr(TASKS["dimensions"], "supervised", _Recorder)
    argv = ["compare", "--data", str(tmp_path / "a.csv"), "--test-data"]
    argv += [str(tmp_path / "b.csv"), "--normalize", "corpus"]
    assert main(argv + FAST) == 0
    trained, tested = _Recorder.seen
    assert_allclose(tested, trained, atol=1e-9)
    assert "features normalised per corpus" in capsys.readouterr().out


@pytest.mark.slow
def test_compare_classes_across_corpora(tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["compare", "--task", "categories", "--test-data", "bundled-emodb"]
    assert main([*argv, "--adapt", "--out", str(out), *FAST]) == 0
    err = capsys.readouterr().err
    assert "the bundled RAVDESS table: 384 rows of calm, surprised left out" in err
    assert "the bundled EmoDB table: 81 rows of bored left out" in err
    config = json.loads((out / "results.json").read_text())["config"]
    assert config["classes"] == SHARED
    predictions = pd.read_csv(out / "predictions.csv")
    assert set(predictions["emotion_true"]) == set(SHARED)
    assert set(predictions["emotion_pred"]) <= set(SHARED)
    assert len(predictions) == 2 * (535 - 81)
    counts = pd.read_csv(out / "confusion_matrices.csv")
    assert counts.groupby("model")["count"].sum().tolist() == [454, 454]


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--adapt"], "--adapt needs --test-data"),
        (["--normalize", "corpus"], "--normalize corpus needs --test-data"),
        (["--test-data", "bundled-emodb", "--folds", "3"], "--folds has no use"),
    ],
)
def test_cross_corpus_usage_errors(argv, message, capsys):
    assert main(["compare", *argv, *FAST]) == 2
    assert message in _error_line(capsys)


def test_the_corpora_need_the_same_features(tmp_path, capsys):
    table = load_emodb_features().frame
    table.drop(columns=["F0semitoneFrom27.5Hz_sma3nz_amean"]).to_csv(
        tmp_path / "emodb.csv", index=False
    )
    out = tmp_path / "cmp"
    argv = ["compare", "--test-data", str(tmp_path / "emodb.csv")]
    assert main([*argv, "--out", str(out), *FAST]) == 1
    err = _error_line(capsys)
    assert "its features differ from those of the bundled RAVDESS table" in err
    assert "missing F0semitoneFrom27.5Hz_sma3nz_amean" in err
    assert not out.exists()


@pytest.mark.slow
@pytest.mark.parametrize("features", ["egemaps", "frames"])
def test_compare_audio_folders_of_two_corpora(
    features, ravdess_root, emodb_root, tmp_path
):
    """A RAVDESS folder against an EmoDB folder: each read with its own loader,
    as functionals or as frame sequences."""
    pytest.importorskip("opensmile")
    ravdess = tmp_path / "ravdess"
    for actor in (1, 2):
        folder = ravdess / f"Actor_{actor:02d}"
        folder.mkdir(parents=True)
        for source in sorted((ravdess_root / folder.name).glob("*.flac"))[::6]:
            shutil.copy(source, folder)
    emodb = tmp_path / "emodb"
    emodb.mkdir()
    for source in sorted(emodb_root.glob("*.flac"))[::20]:
        shutil.copy(source, emodb)
    out = tmp_path / "cmp"
    argv = ["compare", "--data", str(ravdess), "--test-data", str(emodb), "--adapt"]
    argv += ["--features", features]
    assert main([*argv, "--out", str(out), *FAST]) == 0
    config = json.loads((out / "results.json").read_text())["config"]
    assert config["frame_kind"] == (None if features == "egemaps" else "logmel")
    predictions = pd.read_csv(out / "predictions.csv")
    assert predictions["group"].str.startswith("EmoDB:").all()
    assert len(predictions) == 2 * len(list(emodb.iterdir()))
