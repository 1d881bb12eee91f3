"""torch's CPU threads during fit and predict: ``n_threads``."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal
from skorch.callbacks import Callback

from aae_sklearn import (
    AAEEmotionClassifier,
    AAEEmotionRegressor,
    SupervisedEmotionClassifier,
    SupervisedEmotionRegressor,
)
from aae_sklearn._training import torch_threads

ESTIMATORS = [
    AAEEmotionRegressor,
    SupervisedEmotionRegressor,
    AAEEmotionClassifier,
    SupervisedEmotionClassifier,
]


def _data(Estimator, rng):
    X = rng.normal(size=(60, 5))
    if Estimator in (AAEEmotionClassifier, SupervisedEmotionClassifier):
        return X, np.array(["a", "b", "c"] * 20)
    return X, rng.normal(size=(60, 2))


@pytest.fixture
def caller_threads():
    """The caller runs torch with 2 threads, as torch's default on 2 cores."""
    before = torch.get_num_threads()
    torch.set_num_threads(2)
    yield 2
    torch.set_num_threads(before)


class _SeenThreads(Callback):
    """Records torch's threads at the start of each epoch."""

    def __init__(self, seen):
        self.seen = seen

    def on_epoch_begin(self, net, **kwargs):
        self.seen.append(torch.get_num_threads())


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("n_threads, expected", [("auto", 1), (1, 1), (3, 3)])
def test_fit_runs_with_n_threads_and_restores(
    Estimator, n_threads, expected, caller_threads, monkeypatch
):
    seen = []
    build = Estimator._build_net

    def build_watched(self, *args):
        net = build(self, *args)
        net.callbacks = [*net.callbacks, ("seen", _SeenThreads(seen))]
        return net

    monkeypatch.setattr(Estimator, "_build_net", build_watched)
    X, y = _data(Estimator, np.random.default_rng(0))
    model = Estimator(max_iter=2, n_threads=n_threads, random_state=0).fit(X, y)
    assert seen == [expected, expected]
    assert torch.get_num_threads() == caller_threads

    calls = []
    monkeypatch.setattr(
        torch, "set_num_threads", lambda n: calls.append(n), raising=True
    )
    model.predict(X)
    assert calls == ([expected, caller_threads] if expected != 2 else [])


def test_none_leaves_the_threads_as_set(caller_threads):
    X, y = _data(AAEEmotionRegressor, np.random.default_rng(0))
    seen = []

    class Watched(AAEEmotionRegressor):
        def _build_net(self, *args):
            net = super()._build_net(*args)
            net.callbacks = [*net.callbacks, ("seen", _SeenThreads(seen))]
            return net

    Watched(max_iter=1, n_threads=None, random_state=0).fit(X, y)
    assert seen == [caller_threads]


def test_threads_restored_after_an_error(caller_threads):
    with pytest.raises(RuntimeError, match="boom"), torch_threads(1):
        assert torch.get_num_threads() == 1
        raise RuntimeError("boom")
    assert torch.get_num_threads() == caller_threads


@pytest.mark.parametrize("bad", [0, -2, "two", 1.5])
def test_bad_n_threads_is_refused(bad):
    X, y = _data(AAEEmotionRegressor, np.random.default_rng(0))
    with pytest.raises(ValueError, match="n_threads"):
        AAEEmotionRegressor(n_threads=bad, max_iter=1).fit(X, y)


def test_same_predictions_whatever_the_callers_threads():
    """The caller's thread count does not reach a fit with n_threads set."""
    X, y = _data(AAEEmotionRegressor, np.random.default_rng(1))
    before = torch.get_num_threads()
    predictions = []
    try:
        for caller in (1, 2):
            torch.set_num_threads(caller)
            model = AAEEmotionRegressor(max_iter=3, random_state=0).fit(X, y)
            predictions.append(model.predict(X))
    finally:
        torch.set_num_threads(before)
    assert_array_equal(predictions[0], predictions[1])


# -- the command line: --threads -------------------------------------------


def test_fit_and_predict_take_threads(tmp_path, monkeypatch):
    from aae_sklearn import load
    from aae_sklearn.cli import main

    from .conftest import bundled_table

    table = bundled_table(tmp_path, actors=2)
    model = tmp_path / "model.safetensors"
    argv = ["fit", str(table), "--model", "supervised", "--max-iter", "1", "-q"]
    assert main([*argv, "-o", str(model), "--threads", "2"]) == 0
    assert load(model).n_threads == 2
    assert main([*argv, "-o", str(model)]) == 0
    assert load(model).n_threads == "auto"

    calls = []
    set_threads = torch.set_num_threads
    monkeypatch.setattr(
        torch, "set_num_threads", lambda n: (calls.append(n), set_threads(n))
    )
    out = tmp_path / "predictions.csv"
    argv = ["predict", str(model), str(table), "-o", str(out), "-q"]
    assert main([*argv, "--threads", "3"]) == 0
    assert 3 in calls


def test_compare_records_and_uses_threads(tmp_path, monkeypatch):
    import json

    from aae_sklearn.cli import _compare, main

    used = []
    fit_one = _compare._fit_one

    def watched(model, *args, **kwargs):
        used.append(model.get_params().get("n_threads"))
        return fit_one(model, *args, **kwargs)

    monkeypatch.setattr(_compare, "_fit_one", watched)
    out = tmp_path / "run"
    argv = ["compare", "--max-iter", "1", "--jobs", "1", "-q", "--threads", "2"]
    assert main([*argv, "--folds", "2", "--out", str(out)]) == 0
    assert set(used) == {2}
    assert json.loads((out / "results.json").read_text())["config"]["threads"] == 2


@pytest.mark.parametrize("bad", ["0", "two", "-1"])
def test_bad_threads_is_a_usage_error(bad, capsys):
    from aae_sklearn.cli import main

    with pytest.raises(SystemExit) as exit_:
        main(["fit", "bundled", "-o", "m", "--threads", bad])
    assert exit_.value.code == 2
    assert "--threads" in capsys.readouterr().err
