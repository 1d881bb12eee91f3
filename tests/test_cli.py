"""The command line: compare, extract, fit, predict, and their failures."""

import contextlib
import io
import json
import os
import pickle
import shutil
import tempfile
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from joblib import Parallel, delayed, parallel_config
from matplotlib.image import imread
from numpy.testing import assert_array_equal
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.linear_model import Ridge
from sklearn.metrics import balanced_accuracy_score
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import aae_sklearn
from aae_sklearn.cli import _baselines as cli_baselines
from aae_sklearn.cli import _notes, main
from aae_sklearn.cli._baselines import RIDGE_GRID, SVR_GRID
from aae_sklearn.cli._compare import _fit_one
from aae_sklearn.cli._tasks import TASKS
from aae_sklearn.datasets import load_ravdess_features
from aae_sklearn.exceptions import (
    DiscriminatorCollapseWarning,
    FarOutInputWarning,
    GradientClippingWarning,
    TrainingDivergedWarning,
    TrainingInterruptedWarning,
)

from .conftest import bundled_table

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

FAST = ["--max-iter", "2", "-q"]
FAST_PARAMS = {"max_iter": 2, "random_state": 0}


def _error_line(capsys):
    """The one line a failed command wrote to stderr."""
    err = capsys.readouterr().err
    assert err.startswith("aae-sklearn"), err
    assert err.count("\n") == 1, err
    return err


def _no_leftovers(folder):
    """Nothing half-written: no temporary (dot) files in ``folder``."""
    assert not [p.name for p in folder.iterdir() if p.name.startswith(".")]


@pytest.fixture(scope="module")
def bundled_csv(tmp_path_factory):
    """240 rows (4 actors) of the bundled table, actors in a ``speaker`` column."""
    return bundled_table(tmp_path_factory.mktemp("tables"), actors=4)


def _copy_ravdess(ravdess_root, root, actors, pick):
    """Copy a slice ``pick`` of each actor's sorted files into ``root``, as RAVDESS."""
    for actor in actors:
        folder = root / f"Actor_{actor:02d}"
        folder.mkdir(parents=True)
        for source in sorted((ravdess_root / folder.name).glob("*.flac"))[pick]:
            shutil.copy(source, folder)
    return root


@pytest.fixture
def audio_folder(ravdess_root, tmp_path):
    """Three real RAVDESS files of actor 1, in the corpus layout."""
    return _copy_ravdess(ravdess_root, tmp_path / "audio", [1], slice(3))


@pytest.fixture
def two_actors(ravdess_root, tmp_path):
    """Eight RAVDESS files (eight emotions) of each of actors 1 and 2."""
    return _copy_ravdess(ravdess_root, tmp_path / "audio", [1, 2], slice(0, 60, 8))


MODELS = [
    "AAEEmotionRegressor",
    "SupervisedEmotionRegressor",
    "SVR",
    "Ridge",
    "MLPRegressor",
]


@pytest.fixture(scope="module")
def compared(tmp_path_factory):
    """The folder and printed tables of a compare run with baselines, 2 folds."""
    out = tmp_path_factory.mktemp("compare") / "cmp"
    argv = ["compare", "--folds", "2", "--labeled-fraction", "0.5", "1"]
    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        assert main([*argv, "--baselines", "--out", str(out), *FAST]) == 0
    return out, stdout.getvalue()


@pytest.mark.slow
def test_compare_writes_results_and_figures(compared):
    out, table = compared
    assert "labeled fraction 0.5" in table and "labeled fraction 1," in table
    assert "valence UAR" in table and "MLPRegressor" in table and "±" in table
    assert "mean ± std over 2 folds, features normalised per speaker" in table

    document = json.loads((out / "results.json").read_text())
    assert set(document) == {"config", "folds", "summary", "predictions", "files"}
    written = {p.name for p in out.iterdir()}
    assert set(document["files"]) == written and "results.json" in written
    config = document["config"]
    assert config["labeled_fractions"] == [0.5, 1.0] and config["folds"] == 2
    assert config["normalize"] == "speaker"
    assert {"numpy", "scikit-learn", "aae_sklearn"} <= set(config["versions"])
    assert config["models"] == MODELS
    assert len(document["folds"]) == 5 * 2 * 2
    assert len(document["summary"]) == 5 * 2
    assert "valence_accuracy_std" in document["summary"][0]

    folds = pd.read_csv(out / "results.csv")
    assert {"model", "labeled_fraction", "fold", "ccc_valence", "valence_uar"} <= set(
        folds.columns
    )
    assert sorted(folds["model"].unique()) == sorted(MODELS)
    half = folds[folds["labeled_fraction"] == 0.5]
    assert (half["n_labeled"] == half["n_unlabeled"]).all()

    figures = [
        "training_curves.png",
        "emotion_latent.png",
        "predicted_vs_true.png",
        "gain_vs_labeled_fraction.png",
    ]
    for name in figures:
        assert imread(out / name)[..., :3].std() > 0.05, name
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["results.json", "results.csv", "predictions.csv", *figures]
    )


@pytest.mark.slow
def test_compare_records_the_tuned_hyperparameters(compared):
    out, table = compared
    assert "SVR: C, epsilon by speaker-grouped inner CV" in table
    document = json.loads((out / "results.json").read_text())
    tuning = document["config"]["baseline_tuning"]
    assert tuning["inner_folds"] == 3
    grids = {"SVR": SVR_GRID, "Ridge": RIDGE_GRID}
    assert tuning["grids"] == {**grids, "MLPRegressor": None}
    for record in document["folds"]:
        chosen = record["best_params"]
        if record["model"] not in grids:
            assert chosen is None
            continue
        grid = grids[record["model"]]
        assert set(chosen) == set(grid)
        assert all(chosen[name] in grid[name] for name in grid)

    folds = pd.read_csv(out / "results.csv")  # flat: a column per hyper-parameter
    assert "best_params" not in folds
    columns = {"SVR": ["best_C", "best_epsilon"], "Ridge": ["best_alpha"]}
    for model, block in folds.groupby("model"):
        mine = columns.get(model, [])
        assert block[mine].notna().all(axis=None), model
        assert block.drop(columns=mine).filter(like="best_").isna().all(axis=None)
    # MLPRegressor reports its epochs, like the networks.
    assert (folds.loc[folds["model"] == "MLPRegressor", "n_iter"] > 0).all()


@pytest.mark.slow
def test_compare_keeps_every_out_of_fold_prediction(compared):
    out, _ = compared
    document = json.loads((out / "results.json").read_text())
    predictions = pd.DataFrame(document["predictions"])
    pd.testing.assert_frame_equal(
        pd.read_csv(out / "predictions.csv"), predictions, check_dtype=False
    )
    data = load_ravdess_features()
    splits = list(GroupKFold(n_splits=2).split(data.data, groups=data.groups))
    true = [f"{t}_true" for t in data.target_names]
    pred = [f"{t}_pred" for t in data.target_names]
    for record in document["folds"]:
        rows = predictions[
            (predictions["model"] == record["model"])
            & (predictions["labeled_fraction"] == record["labeled_fraction"])
            & (predictions["fold"] == record["fold"])
        ]
        test = splits[record["fold"]][1]
        assert sorted(rows["index"]) == test.tolist()  # each test row once
        np.testing.assert_array_equal(rows["group"], data.groups[rows["index"]])
        np.testing.assert_array_equal(rows[true], data.target[rows["index"]])
        scores = TASKS["dimensions"].scores(rows[true], rows[pred], data)
        for key, value in scores.items():
            assert record[key] == pytest.approx(value), (record["model"], key)
    # Every row of the data, once per model and fraction.
    counts = predictions.groupby(["model", "labeled_fraction"])["index"]
    assert (counts.nunique() == len(data.data)).all()
    assert (counts.size() == len(data.data)).all()


class _Recorder(RegressorMixin, BaseEstimator):
    """Stands in for SupervisedEmotionRegressor; records the X it is given."""

    seen = []

    def __init__(
        self, *, max_iter=None, random_state=None, device="cpu", n_threads="auto"
    ):
        self.max_iter = max_iter
        self.random_state = random_state
        self.device = device
        self.n_threads = n_threads

    def fit(self, X, y):
        self.seen.append(("fit", X))
        self.mean_ = y.mean(axis=0)
        return self

    def predict(self, X):
        self.seen.append(("predict", X))
        return np.tile(self.mean_, (len(X), 1))


@pytest.mark.parametrize("normalize", ["speaker", "none"])
def test_compare_normalizes_each_speaker_on_its_own(
    normalize, bundled_csv, tmp_path, monkeypatch, capsys
):
    monkeypatch.setattr(_Recorder, "seen", [])
    monkeypatch.setattr(TASKS["dimensions"], "supervised", _Recorder)
    out = tmp_path / "cmp"
    # In this process, so that the recorder sees what the model is given.
    argv = ["compare", "--data", str(bundled_csv), "--folds", "2", "--jobs", "1"]
    assert main([*argv, "--normalize", normalize, "--out", str(out), *FAST]) == 0
    header = {
        "speaker": "mean ± std over 2 folds, features normalised per speaker",
        "none": "mean ± std over 2 folds, no per-speaker normalisation",
    }
    assert header[normalize] in capsys.readouterr().out
    assert json.loads((out / "results.json").read_text())["config"]["normalize"] == (
        normalize
    )

    table = pd.read_csv(bundled_csv)
    features = table[load_ravdess_features().feature_names]
    if normalize == "speaker":
        by_speaker = features.groupby(table["speaker"])
        std = by_speaker.transform("std", ddof=0)
        features = (features - by_speaker.transform("mean")) / std.where(std > 0, 1)
    expected = features.to_numpy()
    splits = GroupKFold(n_splits=2).split(expected, groups=table["speaker"])
    seen = iter(_Recorder.seen)
    for train, test in splits:
        for step, rows in (("fit", train), ("predict", test)):
            what, X = next(seen)
            assert what == step
            np.testing.assert_allclose(X, expected[rows], atol=1e-9)


@pytest.fixture
def one_torch_thread():
    """One torch thread and one BLAS thread (numpy's, for scikit-learn's models)
    in this process, as in each worker process of --jobs."""
    import torch
    from threadpoolctl import threadpool_limits

    n_threads = torch.get_num_threads()
    torch.set_num_threads(1)
    with threadpool_limits(limits=1):
        yield
    torch.set_num_threads(n_threads)


@pytest.mark.slow
def test_compare_gives_the_same_results_with_any_jobs(
    bundled_csv, tmp_path, one_torch_thread
):
    argv = ["compare", "--data", str(bundled_csv), "--folds", "2", "--baselines"]
    # Without per-speaker normalisation some test rows lie far out: the note
    # about them counts warnings raised in the worker processes.
    argv += ["--labeled-fraction", "0.5", "1", "--normalize", "none", *FAST]
    runs = []
    for jobs in ("1", "2"):
        out, stderr = tmp_path / f"jobs{jobs}", io.StringIO()
        with (
            contextlib.redirect_stdout(io.StringIO()),
            contextlib.redirect_stderr(stderr),
        ):
            assert main([*argv, "--jobs", jobs, "--out", str(out)]) == 0
        runs.append((out, stderr.getvalue()))
    (one, err_one), (two, err_two) = runs
    assert err_one == err_two
    assert json.loads((two / "results.json").read_text())["config"]["jobs"] == 2
    results = [
        pd.read_csv(out / "results.csv").drop(columns="fit_time") for out in (one, two)
    ]
    pd.testing.assert_frame_equal(*results, check_exact=True)
    predictions = [pd.read_csv(out / "predictions.csv") for out in (one, two)]
    pd.testing.assert_frame_equal(*predictions, check_exact=True)
    figures = sorted(p.name for p in one.glob("*.png"))
    assert figures == sorted(p.name for p in two.glob("*.png")) and len(figures) == 4
    for name in figures:  # the autoencoder's history and codes of fold 1
        np.testing.assert_array_equal(imread(one / name), imread(two / name), name)


@pytest.mark.slow
def test_compare_gets_the_warnings_of_worker_processes(capsys):
    # FunctionTransformer warns in fit: abs is not its own inverse.
    model = make_pipeline(FunctionTransformer(np.abs, inverse_func=np.abs), Ridge())
    X = np.random.default_rng(0).normal(size=(20, 3))
    args = (model, X, X, np.arange(20), np.zeros(20), X[:5], False)
    with parallel_config(backend="loky", inner_max_num_threads=1):
        (result,) = Parallel(n_jobs=2)([delayed(_fit_one)(*args)])
    assert result.y_pred.shape == (5, 3)
    caught = [warnings.WarningMessage(*w) for w in result.warnings]
    assert [w.category for w in caught] == [UserWarning]
    with pytest.warns(UserWarning, match="not strictly inverse"):
        _notes.replay(result.warnings)
    (line,) = _notes.summary(caught)  # none of the package's: shown as it is
    assert line.startswith("aae-sklearn: warning: UserWarning: The provided")


class _Interrupted(_Recorder):
    """Warns as the networks do when Ctrl-C ends their fit early."""

    def fit(self, X, y):
        warnings.warn(
            "Training was interrupted in epoch 3; the estimator keeps the weights "
            "of epoch 2.",
            TrainingInterruptedWarning,
            stacklevel=2,
        )
        self.mean_ = y.mean(axis=0)
        return self


def test_compare_stops_when_ctrl_c_ends_a_fit():
    X, y = np.zeros((4, 2)), np.zeros((4, 3))
    with pytest.raises(KeyboardInterrupt):
        _fit_one(_Interrupted(), X, y, np.arange(4), np.zeros(4), X, False)


@pytest.mark.slow
def test_compare_reads_a_table_and_omits_the_gain_figure(bundled_csv, tmp_path):
    out = tmp_path / "cmp"
    argv = ["compare", "--data", str(bundled_csv), "--folds", "2", *FAST]
    assert main([*argv, "--out", str(out)]) == 0
    config = json.loads((out / "results.json").read_text())["config"]
    assert config["n_samples"] == 240 and config["n_features"] == 88
    assert config["features"] == "egemaps" and config["frame_kind"] is None
    assert (out / "emotion_latent.png").is_file()
    assert not (out / "gain_vs_labeled_fraction.png").exists()


@pytest.mark.slow
@pytest.mark.parametrize("kind, n_features", [("logmel", 40), ("egemaps_lld", 25)])
def test_compare_on_frame_sequences(kind, n_features, two_actors, tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["compare", "--data", str(two_actors), "--features", "frames"]
    argv += ["--frame-kind", kind, "--folds", "2", "--labeled-fraction", "0.5"]
    assert main([*argv, "--max-iter", "2", "--baselines", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"extracting {kind} frames" in captured.err
    assert "labeled fraction 0.5" in captured.out and "Ridge" in captured.out
    assert "features normalised per speaker" in captured.out

    config = json.loads((out / "results.json").read_text())["config"]
    assert config["features"] == "frames" and config["frame_kind"] == kind
    assert config["frame_ms"] == 20 and config["n_features"] == n_features
    assert config["n_samples"] == 16 and config["n_groups"] == 2
    # RAVDESS utterances last about 3.5 s: some 175 frames of 20 ms.
    assert 100 < config["n_frames"]["min"] <= config["n_frames"]["max"] < 300

    # One speaker per training fold: no grouped inner CV, and a note says so.
    assert "the training fold held one speaker" in captured.err

    folds = pd.read_csv(out / "results.csv")
    assert {"model", "fold", "n_labeled", "n_unlabeled", "ccc_valence"} <= set(folds)
    assert folds["model"].tolist() == MODELS * 2
    assert (folds["n_labeled"] == 4).all() and (folds["n_unlabeled"] == 4).all()
    assert folds["valence_uar"].notna().all()
    assert (out / "emotion_latent.png").is_file()
    _no_leftovers(out)


@pytest.mark.slow
def test_compare_emotion_classes_of_frame_sequences(two_actors, tmp_path, capsys):
    out = tmp_path / "classes"
    argv = ["compare", "--task", "categories", "--data", str(two_actors)]
    argv += ["--features", "frames", "--folds", "2", "--baselines", "--jobs", "1"]
    assert main([*argv, "--max-iter", "2", "-q", "--out", str(out)]) == 0
    assert "SVC" in capsys.readouterr().out
    results = pd.read_csv(out / "results.csv")
    assert results["model"].tolist()[:2] == [
        "AAEEmotionClassifier",
        "SupervisedEmotionClassifier",
    ]
    counts = pd.read_csv(out / "confusion_matrices.csv")
    assert set(counts["emotion_true"]) <= {
        "neutral",
        "calm",
        "happy",
        "sad",
        "angry",
        "fearful",
        "disgust",
        "surprised",
    }
    assert counts.groupby("model")["count"].sum().eq(16).all()


def test_compare_normalises_frames_per_speaker():
    rng = np.random.default_rng(0)
    sequences = np.empty(5, dtype=object)
    for i, n in enumerate([3, 7, 4, 6, 5]):
        sequences[i] = rng.normal(10 * i, 1 + i, size=(n, 2)).astype(np.float32)
    groups = np.array(["a", "b", "a", "b", "b"])
    scaled = cli_baselines._standardized_frames(sequences, groups)
    for group in "ab":
        frames = np.concatenate(scaled[groups == group])
        np.testing.assert_allclose(frames.mean(axis=0), 0, atol=1e-5)
        np.testing.assert_allclose(frames.std(axis=0), 1, atol=1e-5)
    assert [len(s) for s in scaled] == [3, 7, 4, 6, 5]


@pytest.mark.parametrize("data", ["bundled", "table"])
def test_frames_need_an_audio_folder(data, bundled_csv, tmp_path, capsys):
    source = str(bundled_csv) if data == "table" else data
    out = tmp_path / "cmp"
    argv = ["compare", "--data", source, "--features", "frames", "--out", str(out)]
    assert main(argv) == 2
    err = _error_line(capsys)
    assert "--features frames needs an audio folder" in err
    assert (str(bundled_csv) if data == "table" else "bundled table") in err
    assert not out.exists()


def test_frame_kind_needs_frames(capsys):
    assert main(["compare", "--frame-kind", "logmel"]) == 2
    assert "--frame-kind needs --features frames" in _error_line(capsys)


def _without_targets(table):
    return table.drop(columns=["valence", "dominance"])


def _with_nan_feature(table):
    table = table.copy()
    table.loc[3, "loudness_sma3_amean"] = np.nan
    return table


@pytest.mark.parametrize(
    "edit, message",
    [
        (None, "no such file"),
        (_without_targets, "no column(s) valence, dominance"),
        (_with_nan_feature, "loudness_sma3_amean"),
    ],
)
def test_compare_bad_tables_fail_in_one_line(
    edit, message, bundled_csv, tmp_path, capsys
):
    source = tmp_path / "bad.csv"
    if edit is not None:
        edit(pd.read_csv(bundled_csv)).to_csv(source, index=False)
    out = tmp_path / "cmp"
    assert main(["compare", "--data", str(source), "--out", str(out), *FAST]) == 1
    err = _error_line(capsys)
    assert str(source) in err and message in err
    assert not out.exists()
    _no_leftovers(tmp_path)


def test_fit_refuses_nan_features(bundled_csv, tmp_path, capsys):
    source = tmp_path / "nan.csv"
    _with_nan_feature(pd.read_csv(bundled_csv)).to_csv(source, index=False)
    out = tmp_path / "m.safetensors"
    assert main(["fit", str(source), "-o", str(out), *FAST]) == 1
    err = _error_line(capsys)
    assert str(source) in err and "loudness_sma3_amean" in err
    assert not out.exists()
    _no_leftovers(tmp_path)


@pytest.mark.slow
def test_extract_a_folder_and_a_list(audio_folder, tmp_path, capsys):
    out = tmp_path / "features.csv"
    assert main(["extract", str(audio_folder), "-o", str(out), "-q"]) == 0
    table = pd.read_csv(out)
    assert table.shape == (3, 1 + 88)
    assert table.columns[0] == "file" and "F0semitoneFrom27.5Hz_sma3nz_amean" in table
    assert table["file"].str.endswith(".flac").all()

    listing = tmp_path / "files.txt"
    listing.write_text("# two files\n" + "\n".join(table["file"][:2]) + "\n\n")
    parquet = tmp_path / "features.parquet"
    assert main(["extract", str(listing), "-o", str(parquet), "-q"]) == 0
    np.testing.assert_allclose(
        pd.read_parquet(parquet).iloc[:, 1:], table.iloc[:2, 1:], rtol=1e-6
    )
    _no_leftovers(tmp_path)


def test_extract_with_a_corpus_loader(audio_folder, tmp_path):
    out = tmp_path / "ravdess.csv"
    argv = ["extract", str(audio_folder), "--corpus", "ravdess", "-o", str(out)]
    assert main([*argv, "-q"]) == 0
    table = pd.read_csv(out)
    assert table.columns[0] == "file" and len(table) == 3
    assert {"actor", "emotion", "valence", "activation", "dominance"} <= set(table)
    assert table.shape[1] == 1 + 9 + 3 + 88


def test_extract_a_non_audio_file(audio_folder, tmp_path, capsys):
    bad = audio_folder / "Actor_01" / "notes.wav"
    bad.write_text("not audio")
    out = tmp_path / "features.csv"
    assert main(["extract", str(audio_folder), "-o", str(out), "-q"]) == 1
    assert "notes.wav" in _error_line(capsys)
    assert not out.exists()
    _no_leftovers(tmp_path)

    assert main(["extract", str(audio_folder), "-o", str(out), "-q", "--skip-bad"]) == 0
    assert "skipped unreadable" in capsys.readouterr().err
    assert len(pd.read_csv(out)) == 3


def test_extract_an_empty_folder(tmp_path, capsys):
    empty = tmp_path / "empty"
    empty.mkdir()
    out = tmp_path / "features.csv"
    assert main(["extract", str(empty), "-o", str(out)]) == 1
    err = _error_line(capsys)
    assert str(empty) in err and "no audio file" in err
    assert not out.exists()


def test_fit_then_predict(bundled_csv, audio_folder, tmp_path, capsys):
    table = pd.read_csv(bundled_csv)
    table.loc[::2, ["valence", "activation", "dominance"]] = np.nan  # unlabeled
    features = tmp_path / "train.csv"
    table.to_csv(features, index=False)
    model_path = tmp_path / "aae.safetensors"
    assert main(["fit", str(features), "-o", str(model_path), *FAST]) == 0
    model = aae_sklearn.load(model_path)  # no pickle in the file
    assert isinstance(model, aae_sklearn.AAEEmotionRegressor)
    assert model.feature_names_in_.tolist() == load_ravdess_features().feature_names
    assert model.target_names_.tolist() == ["valence", "activation", "dominance"]
    assert model.n_features_in_ == 88

    predictions = tmp_path / "predictions.csv"
    assert (
        main(
            ["predict", str(model_path), str(bundled_csv), "-o", str(predictions), "-q"]
        )
        == 0
    )
    result = pd.read_csv(predictions)
    assert list(result.columns) == ["file", "valence", "activation", "dominance"]
    assert len(result) == len(table) and result.notna().all().all()

    assert (
        main(
            [
                "predict",
                str(model_path),
                str(audio_folder),
                "-o",
                str(predictions),
                "-q",
            ]
        )
        == 0
    )
    result = pd.read_csv(predictions)
    assert len(result) == 3 and result["file"].str.endswith(".flac").all()
    _no_leftovers(tmp_path)


def test_predict_names_missing_columns(bundled_csv, tmp_path, capsys):
    model_path = tmp_path / "m.safetensors"
    argv = ["fit", str(bundled_csv), "--model", "supervised", "-o", str(model_path)]
    assert main([*argv, *FAST]) == 0
    partial = tmp_path / "partial.csv"
    pd.read_csv(bundled_csv).drop(columns=["jitterLocal_sma3nz_amean"]).to_csv(
        partial, index=False
    )
    out = tmp_path / "predictions.csv"
    assert main(["predict", str(model_path), str(partial), "-o", str(out)]) == 1
    err = _error_line(capsys)
    assert str(partial) in err and "jitterLocal_sma3nz_amean" in err
    assert not out.exists()


def test_predict_refuses_a_pickle_and_a_model_without_feature_names(
    bundled_csv, tmp_path, capsys
):
    pickled = tmp_path / "m.joblib"
    pickled.write_bytes(pickle.dumps({"estimator": None}))
    out = tmp_path / "predictions.csv"
    assert main(["predict", str(pickled), str(bundled_csv), "-o", str(out)]) == 1
    err = _error_line(capsys)
    assert str(pickled) in err and "a pickle" in err and "save()" in err

    X, y = load_ravdess_features(return_X_y=True)
    anonymous = tmp_path / "anonymous.safetensors"
    aae_sklearn.SupervisedEmotionRegressor(**FAST_PARAMS).fit(X, y).save(anonymous)
    assert main(["predict", str(anonymous), str(bundled_csv), "-o", str(out)]) == 1
    err = _error_line(capsys)
    assert str(anonymous) in err and "feature names" in err
    assert not out.exists()


def test_fit_without_target_columns(bundled_csv, tmp_path, capsys):
    source = tmp_path / "no_targets.csv"
    _without_targets(pd.read_csv(bundled_csv)).to_csv(source, index=False)
    out = tmp_path / "m.safetensors"
    assert main(["fit", str(source), "-o", str(out), *FAST]) == 1
    assert "valence, dominance" in _error_line(capsys)
    assert not out.exists()


def test_debug_shows_the_traceback(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        main(["fit", str(tmp_path / "x.csv"), "-o", str(tmp_path / "m"), "--debug"])


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--labeled-fraction", "0"], "labeled-fraction"),
        (["compare", "--folds", "1"], "folds"),
        (["compare", "--features", "mfcc"], "invalid choice"),
        (["extract", "folder"], "--output"),
        # Frame sequences have no table form for fit and predict to read.
        (["extract", "folder", "-o", "x.csv", "--features", "frames"], "'frames'"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_with_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_unlabeled_pool_needs_the_autoencoder(capsys):
    argv = ["fit", "a.csv", "--unlabeled", "b.csv", "--model", "supervised"]
    assert main([*argv, "-o", "m"]) == 2
    assert "--unlabeled needs --model aae" in _error_line(capsys)


@pytest.mark.parametrize("command", ["compare", "extract", "fit", "predict"])
def test_help_shows_an_example(command, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main([command, "--help"])
    assert exit_info.value.code == 0
    assert f"aae-sklearn {command} " in capsys.readouterr().out.split("example")[1]


def test_the_package_warnings_become_one_note_per_kind():
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            warnings.warn("2 row(s) of X lie far out", FarOutInputWarning, stacklevel=1)
        for _ in range(2):
            warnings.warn("won", DiscriminatorCollapseWarning, stacklevel=1)
        warnings.warn("diverged", TrainingDivergedWarning, stacklevel=1)
        for _ in range(2):
            warnings.warn("something\nelse", RuntimeWarning, stacklevel=1)
    lines = _notes.summary(caught)
    assert lines == [
        "aae-sklearn: warning: RuntimeWarning: something",
        f"aae-sklearn: note: {_notes.NOTES[FarOutInputWarning]} (3 times).",
        f"aae-sklearn: note: {_notes.NOTES[DiscriminatorCollapseWarning]} (2 times).",
        # A ConvergenceWarning, but told apart from stopping at max_iter.
        f"aae-sklearn: note: {_notes.NOTES[TrainingDivergedWarning]}.",
    ]


def test_outputs_follow_their_suffix(bundled_csv, tmp_path, capsys):
    model_path = tmp_path / "m.safetensors"
    argv = ["fit", str(bundled_csv), "--model", "supervised", "-o", str(model_path)]
    assert main([*argv, *FAST]) == 0
    parquet = tmp_path / "predictions.parquet"
    assert main(["predict", str(model_path), str(bundled_csv), "-o", str(parquet)]) == 0
    table = pd.read_parquet(parquet)  # parquet, not CSV text under that name
    assert list(table.columns) == ["file", "valence", "activation", "dominance"]
    capsys.readouterr()

    for command in (
        ["extract", str(bundled_csv), "-o", str(tmp_path / "x.xlsx")],
        ["predict", str(model_path), str(bundled_csv), "-o", str(tmp_path / "p.txt")],
    ):
        assert main(command) == 2  # before any extraction or prediction
        err = _error_line(capsys)
        assert "cannot write a" in err and ".csv, .parquet" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "m.safetensors",
        "predictions.parquet",
    ]


def test_compare_suggests_the_group_column_of_the_table(bundled_csv, tmp_path, capsys):
    table = tmp_path / "actors.csv"
    pd.read_csv(bundled_csv).rename(columns={"speaker": "actor"}).to_csv(
        table, index=False
    )
    assert main(["compare", "--data", str(table), *FAST]) == 1
    err = _error_line(capsys)
    assert str(table) in err and "pass --group-column actor" in err


def _unwritable_folder(tmp_path):
    """A folder in which no file can be created, even by root."""
    if os.geteuid() != 0:
        folder = tmp_path / "read-only"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    if os.path.isdir("/sys") and not os.access("/sys", os.W_OK | os.X_OK):
        return Path("/sys")
    with contextlib.suppress(OSError), tempfile.TemporaryFile(dir="/sys"):
        pytest.skip("no folder here refuses new files to root")
    return Path("/sys")


@pytest.mark.parametrize("command", ["fit", "predict", "extract", "compare"])
def test_an_unwritable_output_fails_before_any_work(
    command, bundled_csv, tmp_path, capsys, monkeypatch
):
    def no_work(*args, **kwargs):
        raise AssertionError("the command started working")

    for name in ("fit", "predict"):
        monkeypatch.setattr(aae_sklearn.AAEEmotionRegressor, name, no_work)
    monkeypatch.setattr(aae_sklearn.features.OpenSmileFunctionals, "extract", no_work)
    model_path = tmp_path / "m.safetensors"
    aae_sklearn.SupervisedEmotionRegressor(**FAST_PARAMS).fit(
        pd.read_csv(bundled_csv)[load_ravdess_features().feature_names],
        pd.read_csv(bundled_csv)[["valence", "activation", "dominance"]],
    ).save(model_path)
    target = _unwritable_folder(tmp_path) / "out.csv"
    argv = {
        "fit": ["fit", str(bundled_csv), "-o", str(target.with_suffix(".safetensors"))],
        "predict": ["predict", str(model_path), str(bundled_csv), "-o", str(target)],
        "extract": ["extract", str(tmp_path), "-o", str(target)],
        "compare": ["compare", "--data", str(bundled_csv), "--out", str(target)],
    }[command]
    assert main(argv) == 1
    err = _error_line(capsys)
    assert f"{argv[-1]}: cannot be written" in err
    assert ".tmp" not in err  # the user's path, not a temporary file's


def test_fit_shows_warnings_as_notes(bundled_csv, tmp_path, capsys, monkeypatch):
    fit = aae_sklearn.AAEEmotionRegressor.fit

    def warning_fit(self, X, y=None, **kwargs):
        for _ in range(2):
            warnings.warn("clipped", GradientClippingWarning, stacklevel=2)
        warnings.warn("not ours\nsecond line", RuntimeWarning, stacklevel=2)
        return fit(self, X, y, **kwargs)

    monkeypatch.setattr(aae_sklearn.AAEEmotionRegressor, "fit", warning_fit)
    model_path = tmp_path / "m.safetensors"
    assert main(["fit", str(bundled_csv), "-o", str(model_path), *FAST]) == 0
    assert capsys.readouterr().err.splitlines() == [
        "aae-sklearn: warning: RuntimeWarning: not ours",
        f"aae-sklearn: note: {_notes.NOTES[GradientClippingWarning]} (2 times).",
    ]


def test_predict_shows_far_out_inputs_as_one_note(bundled_csv, tmp_path, capsys):
    model_path = tmp_path / "m.safetensors"
    argv = ["fit", str(bundled_csv), "--model", "supervised", "-o", str(model_path)]
    # Per-speaker standardisation would pull the far rows in with their speaker's.
    argv += ["--normalize", "none"]
    assert main([*argv, *FAST]) == 0
    far = tmp_path / "far.csv"
    table = pd.read_csv(bundled_csv)
    table.loc[:2, "loudness_sma3_amean"] *= 1e6
    table.to_csv(far, index=False)
    capsys.readouterr()
    out = tmp_path / "p.csv"
    assert main(["predict", str(model_path), str(far), "-o", str(out), "-q"]) == 0
    err = capsys.readouterr().err
    assert err == f"aae-sklearn: note: {_notes.NOTES[FarOutInputWarning]}.\n"


def test_an_interrupted_fit_saves_no_model(bundled_csv, tmp_path, capsys, monkeypatch):
    def interrupted_fit(self, X, y=None, **kwargs):
        warnings.warn("Training was interrupted", TrainingInterruptedWarning, 2)
        return self

    monkeypatch.setattr(aae_sklearn.AAEEmotionRegressor, "fit", interrupted_fit)
    model_path = tmp_path / "m.safetensors"
    assert main(["fit", str(bundled_csv), "-o", str(model_path), *FAST]) == 130
    assert _error_line(capsys) == "aae-sklearn fit: interrupted; no output written.\n"
    assert not model_path.exists()


@pytest.mark.slow
def test_compare_emotion_classes(bundled_csv, tmp_path, capsys):
    out = tmp_path / "classes"
    argv = ["compare", "--task", "categories", "--data", str(bundled_csv)]
    argv += ["--folds", "2", "--labeled-fraction", "0.5", "1", "--baselines"]
    assert main([*argv, "--out", str(out), "--jobs", "1", *FAST]) == 0
    printed = capsys.readouterr().out
    assert "UAR (balanced accuracy)" in printed and "WA (accuracy)" in printed
    document = json.loads((out / "results.json").read_text())
    assert document["config"]["task"] == "categories"
    assert document["config"]["baseline_tuning"]["scoring"] == "balanced accuracy (UAR)"
    results = pd.read_csv(out / "results.csv")
    models = [
        "AAEEmotionClassifier",
        "SupervisedEmotionClassifier",
        "SVC",
        "LogisticRegression",
    ]
    assert sorted(results["model"].unique()) == sorted(models)
    assert results["uar"].between(0, 1).all() and results["wa"].between(0, 1).all()
    predictions = pd.read_csv(out / "predictions.csv")
    table = pd.read_csv(bundled_csv)
    for (model, fraction, fold), rows in predictions.groupby(
        ["model", "labeled_fraction", "fold"]
    ):
        record = results[
            (results["model"] == model)
            & (results["labeled_fraction"] == fraction)
            & (results["fold"] == fold)
        ].iloc[0]
        true = table["emotion"].to_numpy()[rows["index"]]
        assert_array_equal(rows["emotion_true"], true)
        assert record["uar"] == pytest.approx(
            balanced_accuracy_score(rows["emotion_true"], rows["emotion_pred"])
        )
    counts = pd.read_csv(out / "confusion_matrices.csv")
    # Every test row once per model and fraction, over all folds.
    assert (
        counts.groupby(["model", "labeled_fraction"])["count"]
        .sum()
        .eq(len(table))
        .all()
    )
    for name in ("confusion_matrices.png", "gain_vs_labeled_fraction.png"):
        assert imread(out / name).ndim == 3


def test_compare_emotion_classes_needs_a_class_column(bundled_csv, tmp_path, capsys):
    source = tmp_path / "no_classes.csv"
    pd.read_csv(bundled_csv).drop(columns="emotion").to_csv(source, index=False)
    argv = ["compare", "--task", "categories", "--data", str(source), *FAST]
    assert main(argv) == 1
    err = _error_line(capsys)
    assert str(source) in err and "--task categories needs a column" in err


def test_extract_and_predict_take_jobs_like_compare():
    from aae_sklearn.cli._parser import _parser

    parser = _parser()
    for argv in (["extract", "x", "-o", "y.csv"], ["predict", "m", "x", "-o", "y.csv"]):
        assert parser.parse_args([*argv, "--jobs", "3"]).n_jobs == 3
        assert parser.parse_args([*argv, "--n-jobs", "1"]).n_jobs == 1
