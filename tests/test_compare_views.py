"""``compare`` and ``fit`` on augmented views (``--augment N``, or a table of
``extract --augment``): the folds, the labeled rows and the test rows keep a
recording with its views, and each bad input is one clear error."""

import json
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from aae_sklearn.cli import _compare, main
from aae_sklearn.datasets import load_ravdess_features, load_ravdess_sample

pytest.importorskip("audiomentations")

FAST = ["--max-iter", "2", "--jobs", "1"]


@pytest.fixture
def view_table(tmp_path):
    """A table of views of the bundled RAVDESS features of actors 1-4: each
    recording as read (view 0) and two noisy copies of it, rows shuffled."""
    frame = load_ravdess_features().frame
    rows = frame[frame["actor"] <= 4].reset_index(drop=True)
    names = load_ravdess_features().feature_names
    rng = np.random.default_rng(0)
    parts = [rows.assign(view=0)]
    for view in (1, 2):
        noisy = rows.assign(view=view)
        noisy[names] = rows[names] * (1 + 0.05 * rng.normal(size=rows[names].shape))
        parts.append(noisy)
    table = pd.concat(parts).sample(frac=1, random_state=0)
    path = tmp_path / "views.csv"
    table.to_csv(path, index=False)
    return path, table


def _status(argv):
    """The exit status of the command line ``argv``: argparse's errors exit,
    the others return."""
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code


def _spy(monkeypatch):
    """Record the data and splits of compare's cross-validation, and the
    training rows of each fit."""
    seen = {"fits": []}
    cross_validate, fit_one = _compare._cross_validate, _compare._fit_one

    def spy_cv(data, task, models, fractions, splits, *args, **kwargs):
        seen.update(data=data, splits=splits)
        return cross_validate(data, task, models, fractions, splits, *args, **kwargs)

    def spy_fit(model, X_train, y_train, labeled, *args, sources=None, **kwargs):
        seen["fits"].append((type(model).__name__, len(X_train), labeled, sources))
        return fit_one(
            model, X_train, y_train, labeled, *args, sources=sources, **kwargs
        )

    monkeypatch.setattr(_compare, "_cross_validate", spy_cv)
    monkeypatch.setattr(_compare, "_fit_one", spy_fit)
    return seen


def test_views_never_cross_folds(view_table, monkeypatch, tmp_path):
    path, table = view_table
    seen = _spy(monkeypatch)
    argv = ["compare", "--data", str(path), "--group-column", "actor", "--folds", "4"]
    out = tmp_path / "run"
    assert main([*argv, "--labeled-fraction", "0.25", "--out", str(out), *FAST]) == 0
    data, splits = seen["data"], seen["splits"]
    recording, view = np.asarray(data.recording), np.asarray(data.view)
    for train, test in splits:
        assert not set(recording[train]) & set(recording[test])
        assert (view[test] == 0).all()  # a test row is never a view
        # Every view of a training recording trains; the test holds every
        # test speaker's recording once.
        assert (
            np.isin(recording, recording[train]) == np.isin(np.arange(len(view)), train)
        ).all()
    tested = np.concatenate([test for _, test in splits])
    assert sorted(recording[tested]) == sorted(recording[view == 0])
    # The labeled rows: whole recordings, for the networks trained on views.
    for _, n_train, labeled, sources in seen["fits"]:
        if sources is None:
            continue
        assert n_train == len(sources)
        unlabeled = np.setdiff1d(np.arange(n_train), labeled)
        assert not set(sources[labeled]) & set(sources[unlabeled])
    results = json.loads((out / "results.json").read_text())
    assert results["config"]["augment"] == 2
    models = {r["model"] for r in results["folds"]}
    assert "SupervisedEmotionRegressor+views" in models
    n_recordings = int((table["view"] == 0).sum())
    predictions = pd.read_csv(out / "predictions.csv")
    assert len(predictions) == n_recordings * len(models)


def test_without_views_the_folds_are_those_of_before(monkeypatch, tmp_path):
    """A table without a view column: the same folds and labeled rows as
    GroupKFold over the rows, every row a recording."""
    from sklearn.model_selection import GroupKFold

    frame = load_ravdess_features().frame
    path = tmp_path / "plain.csv"
    frame[frame["actor"] <= 4].to_csv(path, index=False)
    seen = _spy(monkeypatch)
    argv = ["compare", "--data", str(path), "--group-column", "actor", "--folds", "4"]
    assert main([*argv, "--labeled-fraction", "0.5", "-q", *FAST]) == 0
    groups = frame[frame["actor"] <= 4]["actor"].to_numpy()
    expected = list(GroupKFold(4).split(groups, groups=groups))
    for (train, test), (train0, test0) in zip(seen["splits"], expected, strict=True):
        np.testing.assert_array_equal(train, train0)
        np.testing.assert_array_equal(test, test0)
    assert all(sources is None for *_, sources in seen["fits"])
    assert "SupervisedEmotionRegressor+views" not in {f[0] for f in seen["fits"]}


@pytest.mark.slow  # extracts the views of 16 recordings, then fits
def test_compare_and_fit_augment_an_audio_folder(tmp_path, capsys):
    folder = _sample_folder(tmp_path)
    out = tmp_path / "run"
    argv = ["compare", "--data", str(folder), "--augment", "2", "--folds", "2"]
    argv += ["--labeled-fraction", "0.5", "1", "--out", str(out), "--cache", "none"]
    assert main([*argv, *FAST]) == 0
    err = capsys.readouterr().err
    assert "the networks train on each file and 2 views of it" in err
    results = json.loads((out / "results.json").read_text())
    assert results["config"]["augment"] == 2
    assert {r["n_test"] for r in results["folds"]} == {8}  # recordings, no view
    model = tmp_path / "model.safetensors"
    fit = ["fit", str(folder), "--augment", "2", "-o", str(model), "--cache", "none"]
    assert main([*fit, "--max-iter", "2"]) == 0
    assert "48 rows (48 labeled; 32 of them views)" in capsys.readouterr().err
    assert model.is_file()


def _sample_folder(tmp_path):
    """A copy of the bundled RAVDESS sample's folder."""
    files = load_ravdess_sample().frame["path"]
    root = Path(files.iloc[0]).parents[1]
    folder = tmp_path / "sample"
    shutil.copytree(root, folder)
    return folder


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--augment", "-1"], "argument --augment: must be at least 0, got -1"),
        (
            ["--augment", "1", "--features", "frames"],
            "--augment makes views of feature vectors",
        ),
    ],
)
def test_bad_augment_options_are_usage_errors(extra, message, tmp_path, capsys):
    folder = _sample_folder(tmp_path)
    argv = ["compare", "--data", str(folder), "--folds", "2", *extra]
    assert _status(argv) == 2
    assert message in capsys.readouterr().err


def test_augment_needs_audio_or_a_table_of_views(view_table, tmp_path, capsys):
    argv = ["--folds", "2", "--augment", "2", *FAST]
    assert _status(["compare", "--data", "bundled", *argv]) == 2
    assert "bundled is a bundled table of features" in capsys.readouterr().err
    plain = tmp_path / "plain.csv"
    load_ravdess_features().frame.to_csv(plain, index=False)
    plain_argv = ["compare", "--data", str(plain), "--group-column", "actor"]
    assert _status([*plain_argv, *argv]) == 2
    assert "is a table without views" in capsys.readouterr().err
    path, _ = view_table
    table = ["compare", "--data", str(path), "--group-column", "actor"]
    assert _status([*table, "--augment", "1"]) == 2
    assert "holds 2 views of each file, and --augment asks for 1" in (
        capsys.readouterr().err
    )


def test_the_views_of_a_file_given_two_speakers_are_refused(view_table, capsys):
    path, table = view_table
    first = table["file"].iloc[0]
    moved = (table["file"] == first) & (table["view"] == 1)
    table.loc[moved, "actor"] = table["actor"].max() + 1
    table.to_csv(path, index=False)
    argv = ["compare", "--data", str(path), "--group-column", "actor", "--folds", "2"]
    assert main([*argv, *FAST]) == 1
    assert f"the views of file {first!r} belong to more than one speaker" in (
        capsys.readouterr().err
    )


def test_a_test_corpus_of_views_is_refused(view_table, capsys):
    path, _ = view_table
    argv = ["compare", "--data", "bundled", "--test-data", str(path)]
    assert main([*argv, "--group-column", "actor", *FAST]) == 1
    assert "the rows of --test-data are recordings as read" in capsys.readouterr().err


def test_an_unreadable_file_is_named_and_nothing_is_written(tmp_path, capsys):
    folder = _sample_folder(tmp_path)
    bad = next(folder.glob("Actor_23/*.flac"))
    bad.write_bytes(b"not audio")
    out = tmp_path / "run"
    argv = ["compare", "--data", str(folder), "--augment", "1", "--folds", "2"]
    assert main([*argv, "--out", str(out), "--cache", "none", *FAST]) == 1
    assert bad.name in capsys.readouterr().err
    assert not out.exists() or not any(out.iterdir())
