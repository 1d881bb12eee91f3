"""The line that the package's warnings name: the user's, through Pipeline,
cross_val_score and the workers of n_jobs, never a line of multiprocessing,
joblib or the other libraries in between."""

import os
import subprocess
import sys
import textwrap
import warnings
from concurrent.futures import ThreadPoolExecutor

import joblib
import numpy as np
import pytest
import sklearn
from joblib import parallel_config
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import FunctionTransformer

import aae_sklearn
from aae_sklearn import SupervisedEmotionRegressor
from aae_sklearn.exceptions import (
    FarOutInputWarning,
    SingleRowGroupWarning,
    SkippedAudioWarning,
)
from aae_sklearn.features import FrameFeatures, GroupStandardScaler

from .conftest import make_fast

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

PACKAGE = os.path.dirname(aae_sklearn.__file__) + os.sep
# Where a warning must never point.
LIBRARIES = tuple(
    os.path.dirname(module.__file__) + os.sep
    for module in (sklearn, joblib, __import__("multiprocessing"))
) + (os.path.dirname(warnings.__file__) + os.sep + "concurrent", "<frozen")


def _far_out(emotion_data):
    """X whose second half lies far outside the first, and y."""
    X, y, _ = emotion_data
    return np.vstack([X[:120], 100 * X[120:]]), y


def _caught(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [w for w in caught if w.category is FarOutInputWarning]


@pytest.fixture
def model(emotion_data):
    X, y, _ = emotion_data
    params = dict(input_scaling="standard", max_iter=3, early_stopping=False)
    return make_fast(SupervisedEmotionRegressor, **params).fit(X, y)


def test_pipeline_and_cross_val_score_name_this_file(model, emotion_data):
    X, y = _far_out(emotion_data)
    pipeline = make_pipeline(FunctionTransformer(), model)
    calls = {
        "pipeline": lambda: pipeline.predict(X),
        # The second fold trains on the first half and tests the far-out one.
        "cross_val_score": lambda: cross_val_score(model, X, y, cv=2, n_jobs=1),
        "pipeline in cross_val_score": lambda: cross_val_score(
            pipeline, X, y, cv=2, n_jobs=1
        ),
    }
    for name, call in calls.items():
        caught = _caught(call)
        assert caught, name
        assert {w.filename for w in caught} == {__file__}, name


def _in_a_worker(caught):
    """A warning of a worker thread, which holds no frame of the caller's:
    the package's own line, not one of the libraries between."""
    assert caught
    for w in caught:
        assert w.filename.startswith(PACKAGE), w.filename
        assert not w.filename.startswith(LIBRARIES), w.filename


def test_threads_of_n_jobs_never_name_multiprocessing_or_joblib(model, emotion_data):
    X, y = _far_out(emotion_data)
    with parallel_config(backend="threading"):
        caught = _caught(lambda: cross_val_score(model, X, y, cv=2, n_jobs=2))
    _in_a_worker(caught)


def test_a_thread_pool_never_names_concurrent_futures(model, emotion_data):
    X, _ = _far_out(emotion_data)
    with ThreadPoolExecutor(max_workers=1) as pool:
        caught = _caught(lambda: pool.submit(model.predict, X[120:]).result())
    _in_a_worker(caught)


def test_skipped_audio_in_a_pipeline_names_this_file(tmp_path):
    missing = tmp_path / "missing.wav"
    tone = np.sin(2 * np.pi * 220 * np.arange(8000) / 16000)
    pipeline = make_pipeline(FrameFeatures(on_error="skip"), FunctionTransformer())
    with pytest.warns(SkippedAudioWarning) as caught:
        pipeline.fit_transform([missing, (tone, 16000)])
    assert {w.filename for w in caught} == {__file__}


def test_single_row_groups_in_a_pipeline_name_this_file():
    X = np.random.default_rng(0).normal(size=(7, 3))
    groups = np.array(["ann"] * 3 + ["bob"] * 3 + ["cat"])
    with sklearn.config_context(enable_metadata_routing=True):
        scaler = GroupStandardScaler().set_fit_request(groups=True)
        pipeline = make_pipeline(scaler.set_transform_request(groups=True))
        with pytest.warns(SingleRowGroupWarning) as caught:
            pipeline.fit(X, groups=groups)
            pipeline.transform(X[:1], groups=["dan"])
    assert len(caught) == 2 and {w.filename for w in caught} == {__file__}


@pytest.mark.slow
def test_worker_processes_never_name_multiprocessing(tmp_path):
    """loky's worker processes print their warnings themselves."""
    script = tmp_path / "run.py"
    script.write_text(
        textwrap.dedent(
            """
            import warnings

            import numpy as np
            from sklearn.model_selection import cross_val_score

            from aae_sklearn import SupervisedEmotionRegressor
            from aae_sklearn.datasets import make_emotion_regression
            from aae_sklearn.exceptions import FarOutInputWarning

            warnings.simplefilter("ignore")
            warnings.simplefilter("always", FarOutInputWarning)
            X, y = make_emotion_regression(n_samples=120, random_state=0)
            X = np.vstack([X[:60], 100 * X[60:]])
            model = SupervisedEmotionRegressor(
                hidden_layer_sizes=(8,), max_iter=2, input_scaling="standard",
                random_state=0,
            )
            cross_val_score(model, X, y, cv=2, n_jobs=2)
            """
        )
    )
    run = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    lines = [line for line in run.stderr.splitlines() if "FarOutInputWarning" in line]
    assert lines, run.stderr
    for line in lines:
        assert line.startswith(PACKAGE), line
