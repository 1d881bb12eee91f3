"""What compare says a run will cost, and how long it took."""

import re
import sys
import time

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_allclose
from sklearn.base import BaseEstimator
from sklearn.linear_model import Ridge
from sklearn.utils import Bunch

from aae_sklearn import (
    AAEEmotionRegressor,
    SupervisedEmotionClassifier,
    SupervisedEmotionRegressor,
)
from aae_sklearn.cli import _compare, _cost, main
from aae_sklearn.cli._cost import (
    STOPS,
    RunCost,
    _age,
    _duration,
    _makespan,
    expected_epochs,
    timed_fit,
)
from aae_sklearn.cli._io import _plural

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

ARGV = ["compare", "--folds", "2", "--labeled-fraction", "0.5", "1", "--baselines"]
ARGV += ["--max-iter", "2", "--jobs", "1"]


@pytest.mark.parametrize(
    "seconds, text",
    [
        (0, "under 1 s"),
        (0.4, "under 1 s"),
        (1, "1 s"),
        (89.4, "89 s"),
        (141, "2 min 20 s"),
        (600, "10 min"),
        (3569, "59 min 30 s"),
        (3580, "1 h"),
        (5000, "1 h 23 min"),
    ],
)
def test_durations_read_as_a_person_says_them(seconds, text):
    assert _duration(seconds) == text


@pytest.mark.parametrize("n, text", [(0, "0 fits"), (1, "1 fit"), (2, "2 fits")])
def test_counts_agree_with_their_noun(n, text):
    assert _plural(n, "fit") == text


@pytest.mark.parametrize(
    "seconds, workers, expected",
    [
        ([3, 1, 1, 1], 1, 6),
        ([3, 1, 1, 1], 2, 3),  # the long fit first: the others fill the other worker
        ([1, 1, 1, 3], 2, 4),  # the long fit last: it runs alone at the end
        ([2, 2, 2, 2], 4, 2),
    ],
)
def test_fits_are_handed_out_in_order_to_the_free_worker(seconds, workers, expected):
    assert _makespan(seconds, workers) == expected


def test_networks_are_expected_to_stop_as_they_usually_do():
    model = AAEEmotionRegressor()
    stops = np.asarray(STOPS[AAEEmotionRegressor])
    assert expected_epochs(model) == pytest.approx(stops.mean())
    assert expected_epochs(model) < model.max_iter
    # Fewer epochs than it usually runs: it runs them all.
    assert expected_epochs(model.set_params(max_iter=5)) == 5
    # Fits that ran to 100 epochs would have gone on.
    assert expected_epochs(SupervisedEmotionClassifier(max_iter=300)) > 100


def test_a_model_of_unknown_habits_runs_all_its_epochs():
    class Network(BaseEstimator):
        def __init__(self, max_iter=40):
            self.max_iter = max_iter

    assert expected_epochs(Network()) == 40


def test_a_timed_fit_is_warmed_up_and_takes_the_median_epoch():
    calls = []

    def fit_one(model, *args, figures, **kwargs):
        calls.append((model.max_iter, args, figures, kwargs))
        times = [5.0, 1.0, 2.0, 1.5, 9.0, 2.5][: model.max_iter]
        return Bunch(history=pd.DataFrame({"time": times}), fit_time=sum(times) + 0.7)

    epoch, setup = timed_fit(fit_one, AAEEmotionRegressor(), "X", adapt=True)
    assert [c[0] for c in calls] == [1, _cost.TIMED_EPOCHS]
    assert calls[1][1:] == (("X",), True, {"adapt": True})
    assert (epoch, setup) == (pytest.approx(2.25), pytest.approx(0.7))
    # A network of few epochs is timed on as many.
    timed_fit(fit_one, AAEEmotionRegressor(max_iter=2), "X")
    assert calls[-1][0] == 2


@pytest.mark.parametrize("jobs, cpus, workers", [(1, 2, 1), (2, 2, 2), (4, 2, 2)])
def test_the_estimate_sums_the_fits_as_the_workers_share_them(
    jobs, cpus, workers, monkeypatch, capsys
):
    monkeypatch.setattr(_cost, "cpu_count", lambda: cpus)
    models = {"AAE": AAEEmotionRegressor(max_iter=10), "Ridge": Ridge()}
    todo = [(1.0, fold, name) for fold in range(3) for name in models]
    rest = [key for key in todo if key != (1.0, 0, "Ridge")]
    timings = {(1.0, "AAE"): (0.5, 1.0)}  # seconds per epoch, and of the setup
    fitted = {(1.0, 0, "Ridge"): Bunch(fit_time=4.0)}
    sizes = [100, 100, 50]  # the last fold trains on half as many rows
    cost = RunCost(jobs, out="results")
    cost.start = time.perf_counter() - 10  # the process began 10 s ago
    cost.say(todo, rest, models, timings, fitted, sizes)
    # Every fold's networks and the baselines of the folds after the first.
    seconds = [1 + 10 * 0.5, 1 + 10 * 0.5, 4.0, 1 + 10 * 0.5 * 0.5, 2.0]
    expected = 10 + _makespan(seconds, workers) + _cost.WRITING
    assert_allclose(cost.estimate, expected, atol=0.5)
    line = capsys.readouterr().err
    assert line.startswith(
        f"aae-sklearn: 6 fits to run (3 AAE, 3 Ridge), {jobs} at a time with 1 "
        f"torch thread each: about "
        f"{_duration(cost.estimate)} in all on this machine (estimated from "
        "timings on the first fold, the networks running all their 10 epochs)."
    )
    assert "at most" not in line


def test_the_estimate_counts_the_network_that_runs_long(monkeypatch, capsys):
    monkeypatch.setattr(_cost, "cpu_count", lambda: 2)
    models = {"AAE": AAEEmotionRegressor()}
    todo = [(1.0, fold, "AAE") for fold in range(2)]
    cost = RunCost(2)
    cost.start = time.perf_counter()
    cost.say(todo, todo, models, {(1.0, "AAE"): (1.0, 0.0)}, {}, [100, 100])
    # The two fits run side by side: the run lasts as long as the longer one.
    epochs = _cost._epochs(models["AAE"])
    longer = np.maximum.outer(epochs, epochs).mean()
    assert longer > expected_epochs(models["AAE"]) + 5
    assert_allclose(cost.estimate, longer, atol=4)


def test_the_process_age_counts_from_its_start(monkeypatch):
    # This process imported the package (seconds) before the test ran; but it
    # is not the command: main() called from it counts from its own start.
    assert _age() == 0
    monkeypatch.setattr(sys, "argv", ["/usr/bin/aae-sklearn", "compare"])
    assert _age() > 0.1


@pytest.mark.slow
def test_compare_says_its_estimate_and_then_the_time_it_took(
    tmp_path, monkeypatch, capsys
):
    fit_one, calls = _compare._fit_one, []

    def counting(model, *args, **kwargs):
        calls.append(type(model).__name__)
        return fit_one(model, *args, **kwargs)

    monkeypatch.setattr(_compare, "_fit_one", counting)
    assert main([*ARGV, "--out", str(tmp_path / "cmp")]) == 0
    err = capsys.readouterr().err
    estimate = re.search(
        r"aae-sklearn: 20 fits to run \(4 AAEEmotionRegressor, 4 "
        r"SupervisedEmotionRegressor, 4 SVR, 4 Ridge, 4 MLPRegressor\), 1 at a "
        r"time with 1 torch thread each: about (\d+) s in all on this machine "
        r"\(estimated from timings on the first fold, the networks running all "
        r"their 2 epochs\)\.\n",
        err,
    )
    assert estimate is not None, err
    took = re.search(r"aae-sklearn: took (\d+) s \(estimated about (\d+) s\)\.\n", err)
    assert took is not None, err
    assert took[2] == estimate[1]
    # Each network timed at each fraction (a warm-up and a timed fit); the
    # baselines' fits of the first fold are kept, not fitted again.
    assert len(calls) == 20 + 2 * 2 * 2
    assert calls.count("GridSearchCV") == 8 and calls.count("Pipeline") == 4
    assert calls.count("AAEEmotionRegressor") == 4 + 2 * 2


def test_a_quiet_compare_times_nothing(monkeypatch, capsys):
    def failing(*args, **kwargs):
        raise AssertionError("timed")

    monkeypatch.setattr(_compare, "timed_fit", failing)
    assert main([*ARGV, "-q"]) == 0
    err = capsys.readouterr().err
    assert "fits to run" not in err and "took" not in err


@pytest.mark.parametrize(
    "max_iter, text",
    [
        (1, ", the networks running their 1 epoch"),
        (3, ", the networks running all their 3 epochs"),
        (100, ", the networks stopping after about 61 and 92 of their 100 epochs, as "),
    ],
)
def test_the_line_says_which_epochs_it_counts(max_iter, text):
    models = {
        "AAE": AAEEmotionRegressor(max_iter=max_iter),
        "Supervised": SupervisedEmotionRegressor(max_iter=max_iter),
        "Ridge": Ridge(),
    }
    timings = {
        (f, name): (0.1, 0.1) for f in (0.5, 1) for name in ("AAE", "Supervised")
    }
    assert _cost._epochs_said(models, timings).startswith(text)
    assert _cost._epochs_said(models, {}) == ""
