"""Tests of what ``compare --out`` writes: its figures, and its files when a
folder is used again."""

import contextlib
import io
import json
import os

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure
from matplotlib.patches import PathPatch
from sklearn.utils import Bunch

from aae_sklearn.cli import main
from aae_sklearn.cli._results import OUTPUTS, _compare_figures, _write_results
from aae_sklearn.cli._tasks import TASKS
from aae_sklearn.datasets import load_ravdess_features

MODELS = ["AAEEmotionClassifier", "SupervisedEmotionClassifier", "SVC"]
CLASSES = np.array(["angry", "calm", "happy", "sad"])
HISTORY = pd.DataFrame(
    {"supervised_loss": [0.9, 0.7], "valid_loss": [1.0, 0.8]},
    index=pd.Index([1, 2], name="epoch"),
)


def legend_texts(fig):
    return [text.get_text() for text in fig.legends[0].get_texts()]


def assert_titles_fit(fig):
    """No title runs off the edges of ``fig``."""
    fig.draw_without_rendering()
    titles = [fig._suptitle] if fig._suptitle is not None else []
    titles += [ax.title for ax in fig.axes]
    for title in titles:
        box = title.get_window_extent()
        assert box.x0 >= 0 and box.x1 <= fig.bbox.width, title.get_text()


def class_predictions(fractions, n_folds=2, n_rows=40):
    """Out-of-fold predictions of emotion classes, as ``compare`` keeps them."""
    rng = np.random.default_rng(0)
    true = CLASSES[np.arange(n_rows) % len(CLASSES)]
    blocks = [
        pd.DataFrame(
            {
                "model": model,
                "labeled_fraction": fraction,
                "fold": fold,
                "emotion_true": true,
                "emotion_pred": rng.choice(CLASSES, n_rows),
            }
        )
        for fraction in fractions
        for fold in range(n_folds)
        for model in MODELS
    ]
    return pd.concat(blocks, ignore_index=True)


def fold_results(predictions):
    hits = predictions["emotion_true"] == predictions["emotion_pred"]
    keys = ["model", "labeled_fraction", "fold"]
    uar = predictions.assign(uar=hits).groupby(keys, sort=False)["uar"].mean()
    return uar.reset_index()


@pytest.mark.parametrize("tested", [None, "EmoDB"])
def test_confusion_matrices_draw_every_labeled_fraction(tested):
    fractions = [0.1, 0.25, 1.0]
    predictions = class_predictions(fractions)
    figures = _compare_figures(
        None,
        TASKS["categories"],
        fold_results(predictions),
        predictions,
        Bunch(history=HISTORY),
        fractions,
        tested,
    )
    assert set(figures) == {
        "training_curves.png",
        "confusion_matrices.png",
        "gain_vs_labeled_fraction.png",
    }
    fig = figures["confusion_matrices.png"]
    rows = "test rows of all folds" if tested is None else "EmoDB's rows"
    assert fig.get_suptitle() == f"Emotion classes, {rows}, by labeled fraction"
    *panels, _ = fig.axes
    assert len(panels) == len(fractions) * len(MODELS)
    row_names = [ax.get_ylabel().split("\n")[0] for ax in panels[:: len(MODELS)]]
    assert row_names == ["10% labeled", "25% labeled", "100% labeled"]
    assert [ax.get_title().split(":")[0] for ax in panels[: len(MODELS)]] == MODELS
    # Readable when saved as compare saves it: about half an inch per cell.
    width, height = fig.get_size_inches()
    assert width * 120 < 2600 and height / (len(fractions) * len(CLASSES)) > 0.5
    for fig in figures.values():
        assert_titles_fit(fig)
    curves = figures["training_curves.png"]
    assert "supervised (cross-entropy)" in legend_texts(curves)
    assert "validation (cross-entropy)" in legend_texts(curves)
    gain = figures["gain_vs_labeled_fraction.png"]
    place = "mean over folds" if tested is None else "tested on EmoDB"
    assert gain.get_suptitle() == (
        f"UAR (balanced accuracy) vs labeled fraction, {place}"
    )


def test_one_labeled_fraction_is_named_in_the_title():
    predictions = class_predictions([0.125])
    figures = _compare_figures(
        None,
        TASKS["categories"],
        fold_results(predictions),
        predictions,
        Bunch(history=HISTORY),
        [0.125],
    )
    fig = figures["confusion_matrices.png"]
    assert fig.get_suptitle() == (
        "Emotion classes, test rows of all folds, 12.5% labeled"
    )
    assert "gain_vs_labeled_fraction.png" not in figures


@pytest.mark.parametrize("tested", [None, "EmoDB"])
def test_dimension_figures_name_what_they_show(tested):
    bundle = load_ravdess_features()
    data = Bunch(
        target=bundle.target,
        target_names=bundle.target_names,
        categories=None,
    )
    rng = np.random.default_rng(0)
    folds = [np.arange(0, 720), np.arange(720, 1440)]
    aae = Bunch(
        history=HISTORY,
        codes=rng.normal(size=(720, 5)),
        test=folds[0],
        y_true=[bundle.target[test] for test in folds],
        y_pred=[0.5 * bundle.target[test] for test in folds],
    )
    figures = _compare_figures(
        data, TASKS["dimensions"], None, None, aae, [0.1], tested
    )
    titles = {name: fig.get_suptitle() for name, fig in figures.items()}
    titles["emotion_latent.png"] = figures["emotion_latent.png"].axes[0].get_title()
    titles["training_curves.png"] = figures["training_curves.png"].axes[0].get_title()
    where = "fold 1" if tested is None else "tested on EmoDB"
    rows = "test rows of all folds" if tested is None else "EmoDB's rows"
    coded = "fold 1's test rows" if tested is None else "EmoDB's rows"
    assert titles == {
        "training_curves.png": f"AAEEmotionRegressor, {where}, 10% labeled",
        "emotion_latent.png": f"Emotion codes of {coded}, 10% labeled",
        "predicted_vs_true.png": f"AAEEmotionRegressor, {rows}, 10% labeled",
    }
    assert "supervised (1 − CCC)" in legend_texts(figures["training_curves.png"])
    assert "validation (MSE)" in legend_texts(figures["training_curves.png"])
    for fig in figures.values():
        assert_titles_fit(fig)
    # Three rating levels per dimension: a box each, not three lines of points.
    for ax in figures["predicted_vs_true.png"].axes:
        assert sum(isinstance(p, PathPatch) for p in ax.patches) == 3


def write(out, task, figures, fractions=(1.0,)):
    """Write a run's results into ``out``; return what it printed on stderr."""
    predictions = class_predictions(fractions, n_folds=1, n_rows=4)
    results = fold_results(predictions).assign(best_params=None)
    stderr = io.StringIO()
    with contextlib.redirect_stderr(stderr):
        _write_results(
            out,
            {"task": task},
            results,
            results,
            predictions,
            {name: Figure(figsize=(1, 1)) for name in figures},
            quiet=True,
        )
    return stderr.getvalue()


def test_files_of_an_earlier_run_that_this_one_does_not_write_go(tmp_path):
    out = tmp_path / "out"
    first = [
        "training_curves.png",
        "confusion_matrices.png",
        "gain_vs_labeled_fraction.png",
    ]
    assert write(out, "categories", first, fractions=(0.5, 1.0)) == ""
    (out / "notes.txt").write_text("mine")
    (out / "emotion_latent.png.bak").write_text("mine too")
    second = ["training_curves.png", "emotion_latent.png", "predicted_vs_true.png"]
    message = write(out, "dimensions", second)
    assert message == (
        "aae-sklearn: removed confusion_matrices.csv, confusion_matrices.png, "
        f"gain_vs_labeled_fraction.png from {out}: written by an earlier run, not "
        "by this one.\n"
    )
    assert sorted(p.name for p in out.iterdir()) == sorted(
        ["results.json", "results.csv", "predictions.csv", *second]
        + ["notes.txt", "emotion_latent.png.bak"]
    )
    assert json.loads((out / "results.json").read_text())["config"]["task"] == (
        "dimensions"
    )
    # The same run again rewrites every file and removes none.
    assert write(out, "dimensions", second) == ""
    assert set(OUTPUTS) >= {p.name for p in out.iterdir()} - {
        "notes.txt",
        "emotion_latent.png.bak",
    }


def test_a_write_cut_short_leaves_no_results_json_of_the_earlier_run(
    tmp_path, monkeypatch
):
    out = tmp_path / "out"
    write(out, "categories", ["training_curves.png"])
    assert (out / "results.json").exists()

    def stop(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(Figure, "savefig", stop)
    with pytest.raises(KeyboardInterrupt):
        write(out, "categories", ["training_curves.png"])
    assert not (out / "results.json").exists()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_every_file_gets_the_users_permissions(tmp_path):
    previous = os.umask(0o022)
    try:
        write(tmp_path, "categories", ["training_curves.png", "confusion_matrices.png"])
    finally:
        os.umask(previous)
    modes = {p.name: p.stat().st_mode & 0o777 for p in tmp_path.iterdir()}
    assert len(modes) == 6 and set(modes.values()) == {0o644}


@pytest.mark.slow
def test_a_compare_run_in_a_used_folder_removes_the_earlier_figures(tmp_path, capsys):
    table = load_ravdess_features().frame
    rows = table[table["actor"] <= 4].rename(columns={"actor": "speaker"})
    data = tmp_path / "four_actors.csv"
    rows.to_csv(data, index=False)
    out = tmp_path / "out"
    argv = ["compare", "--data", str(data), "--group-column", "speaker"]
    argv += ["--folds", "2", "--max-iter", "1", "--jobs", "1", "-q", "--out", str(out)]
    assert main([*argv, "--task", "categories", "--labeled-fraction", "0.5", "1"]) == 0
    assert (out / "confusion_matrices.png").exists()
    capsys.readouterr()
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "removed confusion_matrices.csv, confusion_matrices.png, " in err
    assert not (out / "confusion_matrices.png").exists()
    assert not (out / "gain_vs_labeled_fraction.png").exists()
    assert (out / "predicted_vs_true.png").exists()


def test_only_the_files_an_earlier_run_listed_go(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    # The user's own file, named as a figure that no run here writes.
    (out / "gain_vs_labeled_fraction.png").write_text("mine")
    figures = ["training_curves.png", "emotion_latent.png", "predicted_vs_true.png"]
    assert write(out, "dimensions", figures) == ""
    files = json.loads((out / "results.json").read_text())["files"]
    assert files == ["results.json", "results.csv", "predictions.csv", *figures]
    assert write(out, "dimensions", figures[:1]) == (
        f"aae-sklearn: removed emotion_latent.png, predicted_vs_true.png from {out}: "
        "written by an earlier run, not by this one.\n"
    )
    assert (out / "gain_vs_labeled_fraction.png").read_text() == "mine"
    # A results.json that lists no files (not this package's, or damaged)
    # removes none.
    (out / "results.json").write_text('{"config": {}}')
    (out / "predicted_vs_true.png").write_text("mine too")
    assert write(out, "dimensions", figures[:1]) == ""
    assert (out / "predicted_vs_true.png").read_text() == "mine too"
