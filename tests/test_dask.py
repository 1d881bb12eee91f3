"""Grid search and feature extraction on a Dask cluster, through joblib."""

import numpy as np
import pandas as pd
import pytest
from joblib import parallel_config
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GridSearchCV, GroupKFold

from aae_sklearn import SupervisedEmotionRegressor
from aae_sklearn.features import FrameFeatures

pytestmark = pytest.mark.slow  # long end-to-end runs: pytest -m slow

distributed = pytest.importorskip("dask.distributed")


@pytest.fixture(scope="module")
def client():
    """A client of two single-threaded worker processes on this machine."""
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        yield client


def _run_on(client, fit):
    """What ``fit()`` returns under joblib's dask backend, and the workers used."""
    with (
        distributed.get_task_stream(client) as tasks,
        parallel_config(backend="dask"),
    ):
        result = fit()
    return result, {task["worker"] for task in tasks.data}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_grid_search_on_dask_equals_serial(client, emotion_data):
    X, y, groups = emotion_data
    search = GridSearchCV(
        SupervisedEmotionRegressor(
            hidden_layer_sizes=(16,), max_iter=5, random_state=0
        ),
        {"learning_rate_init": [1e-3, 1e-2], "alpha": [1e-4, 1e-2]},
        cv=GroupKFold(2),
    )
    serial = clone(search).set_params(n_jobs=1).fit(X, y, groups=groups)
    on_dask, workers = _run_on(
        client, lambda: search.set_params(n_jobs=2).fit(X, y, groups=groups)
    )
    assert workers and workers <= set(client.scheduler_info()["workers"])
    assert on_dask.best_params_ == serial.best_params_
    for key in ["split0_test_score", "split1_test_score", "mean_test_score"]:
        assert_allclose(on_dask.cv_results_[key], serial.cv_results_[key], rtol=1e-5)
    assert_allclose(on_dask.predict(X), serial.predict(X), rtol=1e-5, atol=1e-6)


def _check_frames_on_dask(client, items):
    serial = FrameFeatures(n_jobs=1).transform(items)
    on_dask, workers = _run_on(client, lambda: FrameFeatures(n_jobs=2).transform(items))
    assert workers and workers <= set(client.scheduler_info()["workers"])
    assert len(on_dask) == len(serial)
    for got, expected in zip(on_dask, serial, strict=True):
        assert_array_equal(got, expected)


def test_frame_features_of_files_on_dask_equal_serial(client, ravdess_root):
    labels = pd.read_csv(ravdess_root / "labels.csv").iloc[[0, 350, 700, 1439]]
    _check_frames_on_dask(client, [str(ravdess_root / f) for f in labels["file"]])


def test_frame_features_of_signals_on_dask_equal_serial(client):
    rng = np.random.default_rng(0)
    signals = [rng.normal(scale=0.1, size=n) for n in [8000, 16000, 4000, 12000, 6000]]
    _check_frames_on_dask(client, [(signal, 16000) for signal in signals])
