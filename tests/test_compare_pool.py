"""``compare --unlabeled``: pools of unlabeled speech for every AAE fit."""

import json
import shutil

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.model_selection import GroupKFold

from aae_sklearn import AAEEmotionClassifier
from aae_sklearn.cli import _compare, main
from aae_sklearn.cli._tasks import TASKS
from aae_sklearn.datasets import load_emodb_features, load_ravdess_features

from .test_cli import _copy_ravdess
from .test_compare_resume import _stop_after
from .test_cross_corpus import _error_line, _Recorder, _Spy

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = ["--max-iter", "1", "-q", "--jobs", "1"]
FOLDS = ["--folds", "2", *FAST]
TARGETS = ["valence", "activation", "dominance"]


@pytest.fixture(scope="module")
def ravdess_csv(tmp_path_factory):
    """240 rows (actors 1-4) of the bundled RAVDESS table, actors as ``speaker``."""
    frame = load_ravdess_features().frame.rename(columns={"actor": "speaker"})
    path = tmp_path_factory.mktemp("tables") / "ravdess.csv"
    frame[frame["speaker"] <= 4].to_csv(path, index=False)
    return path


def _ravdess_rows(path, actors):
    """The rows of ``actors`` of the bundled RAVDESS table, as a table ``path``."""
    frame = load_ravdess_features().frame.rename(columns={"actor": "speaker"})
    frame[frame["speaker"].isin(actors)].to_csv(path, index=False)
    return path


def _standardized(X, groups):
    """Each group's rows of ``X`` standardised with their own mean and std."""
    frame = pd.DataFrame(X)
    by = frame.groupby(np.asarray(groups))
    std = by.transform("std", ddof=0)
    return ((frame - by.transform("mean")) / std.where(std > 0, 1)).to_numpy()


def _spy(monkeypatch, task="dimensions", Spy=_Spy):
    """Make ``Spy`` the autoencoder of ``task``; its list of unlabeled rows."""
    monkeypatch.setattr(Spy, "given", [])
    monkeypatch.setattr(TASKS[task], "aae", Spy)
    return Spy.given


class _ClassifierSpy(AAEEmotionClassifier):
    """The AAE classifier, remembering the unlabeled rows it was given."""

    given = []

    def fit(self, X, y, X_unlabeled=None):
        self.given.append(None if X_unlabeled is None else np.array(X_unlabeled))
        return super().fit(X, y, X_unlabeled=X_unlabeled)


def _fits(monkeypatch):
    """Record the model and the pool rows of every fit of compare."""
    fit_one, calls = _compare._fit_one, []

    def recording(model, *args, **kwargs):
        calls.append((type(model).__name__, kwargs["X_pool"]))
        return fit_one(model, *args, **kwargs)

    monkeypatch.setattr(_compare, "_fit_one", recording)
    return calls


@pytest.mark.slow
def test_a_bundled_pool_reaches_every_aae_fit_and_no_other_model(
    ravdess_csv, tmp_path, monkeypatch, capsys
):
    given, calls = _spy(monkeypatch), _fits(monkeypatch)
    out = tmp_path / "cmp"
    argv = ["compare", "--data", str(ravdess_csv), "--unlabeled", "bundled-emodb"]
    argv += ["--labeled-fraction", "0.5", "1", "--baselines", "--out", str(out)]
    assert main([*argv, *FOLDS]) == 0
    emodb = load_emodb_features()
    expected = _standardized(emodb.data, emodb.groups)  # per speaker
    assert len(given) == 2 * 2  # fractions x folds
    for X_unlabeled in given:
        assert_allclose(X_unlabeled, expected, atol=1e-9)
    assert len(calls) == 2 * 2 * 5
    assert {name for name, X_pool in calls if X_pool is not None} == {"_Spy"}
    assert all(X_pool is not None for name, X_pool in calls if name == "_Spy")

    table = capsys.readouterr().out
    assert (
        "labeled fraction 1, mean ± std over 2 folds, features normalised per "
        "speaker\nunlabeled pool: EmoDB (bundled table), 535 utterances, "
        "per speaker\n"
    ) in table
    config = json.loads((out / "results.json").read_text())["config"]
    assert config["unlabeled"] == {
        "sources": [
            {
                "source": "bundled-emodb",
                "name": "EmoDB",
                "kind": "bundled table",
                "n_samples": 535,
                "normalize": "speaker",
            }
        ],
        "n_samples": 535,
    }
    assert config["n_samples"] == 240  # the labeled data alone


@pytest.mark.slow
@pytest.mark.parametrize("speakers", [True, False])
@pytest.mark.parametrize("targets", [True, False])
def test_a_table_pool(speakers, targets, ravdess_csv, tmp_path, monkeypatch, capsys):
    """A table needs neither targets nor speakers; without speakers it is
    normalised as a whole."""
    emodb = load_emodb_features()
    table = emodb.frame
    if not speakers:
        table = table.drop(columns="speaker")
    if not targets:
        table = table.drop(columns=[*TARGETS, "emotion"])
    pool = tmp_path / "pool.csv"
    table.to_csv(pool, index=False)
    given = _spy(monkeypatch)
    out = tmp_path / "cmp"
    argv = ["compare", "--data", str(ravdess_csv), "--unlabeled", str(pool)]
    assert main([*argv, "--out", str(out), *FOLDS]) == 0
    groups = emodb.groups if speakers else np.zeros(len(emodb.data))
    for X_unlabeled in given:
        assert_allclose(X_unlabeled, _standardized(emodb.data, groups), atol=1e-9)
    scaling = "per speaker" if speakers else "per speaker, pool.csv as a whole"
    assert f"unlabeled pool: pool.csv, 535 utterances, {scaling}" in (
        capsys.readouterr().out
    )
    (source,) = json.loads((out / "results.json").read_text())["config"]["unlabeled"][
        "sources"
    ]
    assert source["kind"] == "table" and source["source"] == str(pool)
    assert source["normalize"] == ("speaker" if speakers else "corpus")


def test_normalize_corpus_standardises_each_pool_source_on_its_own(
    ravdess_csv, tmp_path, monkeypatch, capsys
):
    more = _ravdess_rows(tmp_path / "more.csv", [5, 6])
    given = _spy(monkeypatch)
    monkeypatch.setattr(_Recorder, "seen", [])
    monkeypatch.setattr(TASKS["dimensions"], "supervised", _Recorder)
    argv = ["compare", "--data", str(ravdess_csv), "--normalize", "corpus"]
    argv += ["--unlabeled", "bundled-emodb", str(more)]
    assert main([*argv, *FOLDS]) == 0
    emodb = load_emodb_features().data
    extra = pd.read_csv(more)[load_ravdess_features().feature_names].to_numpy()
    expected = np.vstack([_standardized(X, np.zeros(len(X))) for X in (emodb, extra)])
    for X_unlabeled in given:
        assert_allclose(X_unlabeled, expected, atol=1e-9)
    # The labeled corpus: standardised with each training fold's statistics.
    table = pd.read_csv(ravdess_csv)
    X = table[load_ravdess_features().feature_names].to_numpy()
    train, test = next(GroupKFold(n_splits=2).split(X, groups=table["speaker"]))
    mean, std = X[train].mean(axis=0), X[train].std(axis=0)
    trained, tested = _Recorder.seen[:2]
    assert_allclose(trained, (X[train] - mean) / std, atol=1e-9)
    assert_allclose(tested, (X[test] - mean) / std, atol=1e-9)
    table = capsys.readouterr().out
    assert "over 2 folds, features normalised per corpus\nunlabeled pool: " in table
    assert (
        "EmoDB (bundled table, 535) + more.csv (120), 655 utterances, per source"
    ) in table


def test_normalize_none_gives_the_pool_as_read(ravdess_csv, monkeypatch, capsys):
    given = _spy(monkeypatch)
    argv = ["compare", "--data", str(ravdess_csv), "--normalize", "none"]
    assert main([*argv, "--unlabeled", "bundled-emodb", *FOLDS]) == 0
    assert_allclose(given[0], load_emodb_features().data)
    assert "535 utterances, not normalised" in capsys.readouterr().out


def test_emotion_classes_with_a_pool(ravdess_csv, monkeypatch):
    given = _spy(monkeypatch, "categories", _ClassifierSpy)
    argv = ["compare", "--task", "categories", "--data", str(ravdess_csv)]
    assert main([*argv, "--unlabeled", "bundled-emodb", *FOLDS]) == 0
    assert [X.shape for X in given] == [(535, 88)] * 2


def test_the_test_corpus_joins_the_pool_with_adapt(
    ravdess_csv, tmp_path, monkeypatch, capsys
):
    more = _ravdess_rows(tmp_path / "more.csv", [5, 6])
    given = _spy(monkeypatch)
    argv = ["compare", "--data", str(ravdess_csv), "--test-data", "bundled-emodb"]
    argv += ["--adapt", "--unlabeled", str(more), "--normalize", "corpus"]
    assert main([*argv, *FAST]) == 0
    (X_unlabeled,) = given
    emodb = load_emodb_features().data
    extra = pd.read_csv(more)[load_ravdess_features().feature_names].to_numpy()
    expected = np.vstack([_standardized(X, np.zeros(len(X))) for X in (emodb, extra)])
    assert_allclose(X_unlabeled, expected, atol=1e-9)
    assert (
        "tested on EmoDB, adapted to EmoDB's speech (unlabeled), features "
        "normalised per corpus\nunlabeled pool: more.csv, 120 utterances, "
        "per source"
    ) in capsys.readouterr().out


def test_the_cost_is_timed_with_the_pool(ravdess_csv, monkeypatch, capsys):
    given = _spy(monkeypatch)
    argv = ["compare", "--data", str(ravdess_csv), "--unlabeled", "bundled-emodb"]
    assert main([*argv, "--folds", "2", "--max-iter", "1", "--jobs", "1"]) == 0
    assert "fits to run" in capsys.readouterr().err
    # Two timed epochs, then the two fits: each with the pool.
    assert [len(X) for X in given] == [535] * 4


@pytest.mark.slow
def test_worker_processes_get_the_pool(ravdess_csv, tmp_path):
    argv = ["compare", "--data", str(ravdess_csv), "--max-iter", "1", "-q"]
    argv += ["--folds", "2"]
    runs = {}
    for name, extra in [
        ("one", ["--unlabeled", "bundled-emodb", "--jobs", "1"]),
        ("two", ["--unlabeled", "bundled-emodb", "--jobs", "2"]),
        ("none", ["--jobs", "1"]),
    ]:
        out = tmp_path / name
        assert main([*argv, *extra, "--out", str(out)]) == 0
        predictions = pd.read_csv(out / "predictions.csv")
        runs[name] = predictions[predictions["model"] == "AAEEmotionRegressor"]
    columns = [f"{t}_pred" for t in TARGETS]
    # The same up to the rounding of other torch threads, and not without it.
    assert_allclose(runs["two"][columns], runs["one"][columns], rtol=1e-4, atol=1e-5)
    assert not np.allclose(runs["none"][columns], runs["one"][columns], atol=1e-3)


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--unlabeled", "bundled"], "--unlabeled bundled is --data itself"),
        (
            ["--test-data", "bundled-emodb", "--unlabeled", "bundled"],
            "its rows are already the training data",
        ),
        (
            ["--test-data", "bundled-emodb", "--unlabeled", "bundled-emodb"],
            "--unlabeled bundled-emodb is --test-data: --adapt",
        ),
        (
            ["--unlabeled", "bundled-emodb", "bundled-emodb"],
            "--unlabeled bundled-emodb is given twice",
        ),
    ],
)
def test_pool_usage_errors(argv, message, capsys):
    assert main(["compare", *argv, *FAST]) == 2
    assert message in _error_line(capsys)


def test_the_data_itself_is_no_pool_under_another_name(
    ravdess_csv, monkeypatch, capsys
):
    monkeypatch.chdir(ravdess_csv.parent)
    argv = ["compare", "--data", str(ravdess_csv), "--unlabeled", ravdess_csv.name]
    assert main([*argv, *FAST]) == 2
    err = _error_line(capsys)
    assert "is --data itself" in err and "test speakers would leak" in err


@pytest.mark.parametrize("pool", ["table", "bundled-emodb"])
def test_frames_need_audio_folders_as_pool(pool, ravdess_csv, tmp_path, capsys):
    (tmp_path / "audio").mkdir()
    source = str(ravdess_csv) if pool == "table" else pool
    argv = ["compare", "--data", str(tmp_path / "audio"), "--features", "frames"]
    assert main([*argv, "--unlabeled", source, *FAST]) == 2
    err = _error_line(capsys)
    assert "--features frames needs an audio folder as --unlabeled" in err
    assert (str(ravdess_csv) if pool == "table" else "the bundled table") in err


def test_a_pool_needs_the_same_features(ravdess_csv, tmp_path, capsys):
    pool = tmp_path / "pool.csv"
    column = "F0semitoneFrom27.5Hz_sma3nz_amean"
    load_emodb_features().frame.drop(columns=column).to_csv(pool, index=False)
    argv = ["compare", "--data", str(ravdess_csv), "--unlabeled", str(pool)]
    assert main([*argv, *FOLDS]) == 1
    err = _error_line(capsys)
    assert f"{pool}: its features differ from those of {ravdess_csv}" in err
    assert f"missing {column}" in err


def test_an_empty_pool_fails(ravdess_csv, tmp_path, capsys):
    pool = tmp_path / "empty.csv"
    pd.read_csv(ravdess_csv).iloc[:0].to_csv(pool, index=False)
    argv = ["compare", "--data", str(ravdess_csv), "--unlabeled", str(pool)]
    assert main([*argv, *FOLDS]) == 1
    assert f"{pool}: no rows of unlabeled speech" in _error_line(capsys)


def test_resume_refuses_another_pool(ravdess_csv, tmp_path, monkeypatch, capsys):
    pool = _ravdess_rows(tmp_path / "pool.csv", [5, 6])
    out = tmp_path / "cmp"
    argv = ["compare", "--data", str(ravdess_csv), "--out", str(out), *FOLDS]
    with monkeypatch.context() as patch:
        _stop_after(1, patch)
        assert main([*argv, "--unlabeled", str(pool)]) == 130
    capsys.readouterr()
    for other, changed in [
        (["--unlabeled", "bundled-emodb"], "(unlabeled, unlabeled_hash)"),
        ([], "(unlabeled, unlabeled_hash)"),
    ]:
        assert main([*argv, *other, "--resume"]) == 2
        assert changed in _error_line(capsys)
    # The same file, other speech in it.
    table = pd.read_csv(pool)
    shifted = table.copy()
    shifted["loudness_sma3_amean"] += 1.0
    shifted.to_csv(pool, index=False)
    assert main([*argv, "--unlabeled", str(pool), "--resume"]) == 2
    assert "(unlabeled_hash)" in _error_line(capsys)
    table.to_csv(pool, index=False)
    assert main([*argv, "--unlabeled", str(pool), "--resume"]) == 0
    assert (out / "results.json").is_file()


@pytest.mark.slow
@pytest.mark.parametrize("features", ["egemaps", "frames"])
def test_an_audio_folder_pool(
    features, ravdess_root, emodb_root, tmp_path, monkeypatch, capsys
):
    """A RAVDESS folder and a pool of EmoDB audio, two speakers of three files,
    as functionals or as frame sequences, normalised per speaker."""
    pytest.importorskip("opensmile")
    ravdess = _copy_ravdess(
        ravdess_root, tmp_path / "ravdess", [1, 2], slice(0, 60, 12)
    )
    emodb = tmp_path / "emodb"
    emodb.mkdir()
    for speaker in ("03", "08"):
        for source in sorted(emodb_root.glob(f"{speaker}*.flac"))[:3]:
            shutil.copy(source, emodb)
    given = _spy(monkeypatch)
    argv = ["compare", "--data", str(ravdess), "--unlabeled", str(emodb)]
    assert main([*argv, "--features", features, *FOLDS]) == 0
    assert "unlabeled pool: EmoDB, 6 utterances, per speaker" in (
        capsys.readouterr().out
    )
    (X_unlabeled, _) = given
    assert len(X_unlabeled) == 6
    for speaker in (slice(0, 3), slice(3, 6)):
        rows = X_unlabeled[speaker]
        if features == "frames":
            rows = np.concatenate(list(rows))
            assert rows.shape[1] == 40  # log mel bands
        assert_allclose(rows.mean(axis=0), 0, atol=1e-4)
