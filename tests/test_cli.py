"""The command line: compare, extract, fit, predict, and their failures."""

import json
import pickle
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest
from matplotlib.image import imread

import aae_sklearn
from aae_sklearn._cli_compare import _report_warnings
from aae_sklearn._cli_io import _atomic_write
from aae_sklearn.cli import main
from aae_sklearn.datasets import load_ravdess_features

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
    frame = load_ravdess_features().frame
    rows = frame[frame["actor"] <= 4].rename(columns={"actor": "speaker"})
    path = tmp_path_factory.mktemp("tables") / "ravdess.csv"
    rows.to_csv(path, index=False)
    return path


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


def test_compare_writes_results_and_figures(tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["compare", "--folds", "2", "--labeled-fraction", "0.5", "1"]
    assert main([*argv, "--baselines", "--out", str(out), *FAST]) == 0
    table = capsys.readouterr().out
    assert "labeled fraction 0.5" in table and "labeled fraction 1," in table
    assert "valence UAR" in table and "Ridge" in table and "±" in table

    document = json.loads((out / "results.json").read_text())
    assert set(document) == {"config", "folds", "summary"}
    config = document["config"]
    assert config["labeled_fractions"] == [0.5, 1.0] and config["folds"] == 2
    assert {"numpy", "scikit-learn", "aae_sklearn"} <= set(config["versions"])
    models = ["AAEEmotionRegressor", "SupervisedEmotionRegressor", "SVR", "Ridge"]
    assert config["models"] == models
    assert len(document["folds"]) == 4 * 2 * 2
    assert len(document["summary"]) == 4 * 2
    assert "valence_accuracy_std" in document["summary"][0]

    folds = pd.read_csv(out / "results.csv")
    assert {"model", "labeled_fraction", "fold", "ccc_valence", "valence_uar"} <= set(
        folds.columns
    )
    assert sorted(folds["model"].unique()) == sorted(models)
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
        ["results.json", "results.csv", *figures]
    )


def test_compare_reads_a_table_and_omits_the_gain_figure(bundled_csv, tmp_path):
    out = tmp_path / "cmp"
    argv = ["compare", "--data", str(bundled_csv), "--folds", "2", *FAST]
    assert main([*argv, "--out", str(out)]) == 0
    config = json.loads((out / "results.json").read_text())["config"]
    assert config["n_samples"] == 240 and config["n_features"] == 88
    assert config["features"] == "egemaps" and config["frame_kind"] is None
    assert (out / "emotion_latent.png").is_file()
    assert not (out / "gain_vs_labeled_fraction.png").exists()


@pytest.mark.parametrize("kind, n_features", [("logmel", 40), ("egemaps_lld", 25)])
def test_compare_on_frame_sequences(kind, n_features, two_actors, tmp_path, capsys):
    out = tmp_path / "cmp"
    argv = ["compare", "--data", str(two_actors), "--features", "frames"]
    argv += ["--frame-kind", kind, "--folds", "2", "--labeled-fraction", "0.5"]
    assert main([*argv, "--max-iter", "2", "--baselines", "--out", str(out)]) == 0
    captured = capsys.readouterr()
    assert f"extracting {kind} frames" in captured.err
    assert "labeled fraction 0.5" in captured.out and "Ridge" in captured.out

    config = json.loads((out / "results.json").read_text())["config"]
    assert config["features"] == "frames" and config["frame_kind"] == kind
    assert config["frame_ms"] == 20 and config["n_features"] == n_features
    assert config["n_samples"] == 16 and config["n_groups"] == 2
    # RAVDESS utterances last about 3.5 s: some 175 frames of 20 ms.
    assert 100 < config["n_frames"]["min"] <= config["n_frames"]["max"] < 300

    folds = pd.read_csv(out / "results.csv")
    assert {"model", "fold", "n_labeled", "n_unlabeled", "ccc_valence"} <= set(folds)
    models = ["AAEEmotionRegressor", "SupervisedEmotionRegressor", "SVR", "Ridge"]
    assert folds["model"].tolist() == models * 2
    assert (folds["n_labeled"] == 4).all() and (folds["n_unlabeled"] == 4).all()
    assert folds["valence_uar"].notna().all()
    assert (out / "emotion_latent.png").is_file()
    _no_leftovers(out)


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
    assert str(pickled) in err and "not a safetensors file" in err

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


def test_atomic_write_leaves_nothing_on_failure(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text("old\n")

    def half_write(tmp):
        with open(tmp, "w") as file:
            file.write("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _atomic_write(path, half_write)
    assert path.read_text() == "old\n"
    _atomic_write(path, lambda tmp: open(tmp, "w").write("new\n"))
    assert path.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]


def test_far_out_and_collapse_warnings_become_one_note_each(capsys):

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            warnings.warn(
                "2 row(s) of X lie more than 50 training standard deviations out",
                stacklevel=1,
            )
        for _ in range(2):
            warnings.warn(
                "The discriminators told codes from prior samples in 100.0% of "
                "cases in the last epochs",
                stacklevel=1,
            )
        warnings.warn("something else", RuntimeWarning, stacklevel=1)
    with pytest.warns(RuntimeWarning, match="something else"):
        _report_warnings(caught)
    err = capsys.readouterr().err
    assert err.count("\n") == 2 and "in 3 predictions" in err
    assert "in 2 autoencoder fits, the discriminators won" in err
