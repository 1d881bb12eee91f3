"""The command line."""

import pytest

from aae_sklearn.cli import compare, main, summarize


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_compare_runs_both_models(capsys):
    results = compare(folds=2, labeled_fraction=0.5, max_iter=2, quiet=True)
    assert len(results) == 4
    assert set(results["model"]) == {
        "AAEEmotionRegressor",
        "SupervisedEmotionRegressor",
    }
    assert results[["ccc_valence", "valence_accuracy", "fit_time"]].notna().all().all()
    table = summarize(results)
    assert list(table.columns) == ["AAEEmotionRegressor", "SupervisedEmotionRegressor"]
    assert "±" in table.loc["valence_accuracy", "AAEEmotionRegressor"]


def test_main_prints_the_table(capsys):
    assert main(["compare", "--folds", "2", "--max-iter", "1", "-q"]) == 0
    out = capsys.readouterr().out
    assert "valence_accuracy" in out and "AAEEmotionRegressor" in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["compare", "--labeled-fraction", "0"], "labeled-fraction"),
        (["compare", "--folds", "1"], "folds"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_usage_errors_exit_with_2(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(argv)
    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_help_shows_an_example(capsys):
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    assert "example:" in capsys.readouterr().out
