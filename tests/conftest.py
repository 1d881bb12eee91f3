"""Shared, seeded fixtures."""

import os
from pathlib import Path

import numpy as np
import pytest
from hypothesis import settings

from aae_sklearn import AAEEmotionRegressor
from aae_sklearn.datasets import load_ravdess_features, make_emotion_regression

# CI explores the same examples on every run, so that a red run is reproducible.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

# The corpora: in ``../shared/data`` beside the clone, or in the folder that the
# environment variable AAE_SKLEARN_DATA names; the tests that need one skip without it.
DATA = Path(
    os.environ.get("AAE_SKLEARN_DATA")
    or Path(__file__).resolve().parents[2] / "shared" / "data"
)
RAVDESS = DATA / "ravdess"
EMODB = DATA / "emodb"
NEMO = DATA / "nemo"

# Small networks that train in well under a second on CPU.
# Early stopping on, as most tests judge the validation score it records (the
# estimators' default is off).
FAST = dict(
    hidden_layer_sizes=(32,),
    batch_size=32,
    max_iter=15,
    early_stopping=True,
    random_state=0,
)


def make_fast(Estimator, **params):
    """``Estimator`` with FAST settings (and a small style part), then ``params``."""
    extra = {"style_dim": 8} if Estimator is AAEEmotionRegressor else {}
    return Estimator(**{**FAST, **extra, **params})


def nan_padded(sequences):
    """Sequences as one 3-D array, padded at the end with NaN frames."""
    width = sequences[0].shape[1]
    out = np.full((len(sequences), max(map(len, sequences)), width), np.nan)
    for i, s in enumerate(sequences):
        out[i, : len(s)] = s
    return out


def as_object_array(sequences):
    """Sequences as a 1-D object array (what FrameFeatures returns)."""
    out = np.empty(len(sequences), dtype=object)
    for i, s in enumerate(sequences):
        out[i] = s
    return out


def touch_files(root, *names):
    """Empty files ``names`` (paths relative to ``root``, folders made as
    needed), as a corpus names its files; returns ``root``."""
    for name in names:
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch()
    return root


def bundled_table(folder, actors):
    """The bundled RAVDESS rows of ``actors`` 1 to ``actors`` as ``folder``/ravdess.csv,
    the actors in a ``speaker`` column; returns its path."""
    frame = load_ravdess_features().frame
    rows = frame[frame["actor"] <= actors].rename(columns={"actor": "speaker"})
    path = folder / "ravdess.csv"
    rows.to_csv(path, index=False)
    return path


@pytest.fixture
def emotion_data():
    """Synthetic (X, y, groups): 240 rows, 12 features, 3 targets, 8 speakers."""
    X, y = make_emotion_regression(
        n_samples=240, n_features=12, n_style=4, random_state=0
    )
    groups = np.repeat(np.arange(8), 30)
    return X, y, groups


@pytest.fixture(autouse=True)
def _feature_cache(tmp_path_factory, monkeypatch):
    """compare keeps extracted features in a folder of the test session's own."""
    cache = tmp_path_factory.getbasetemp() / "feature_cache"
    monkeypatch.setenv("AAE_SKLEARN_CACHE", str(cache))
    return cache


@pytest.fixture(scope="session")
def ravdess_root():
    """The shared RAVDESS folder; tests that need it skip where it is absent."""
    if not (RAVDESS / "labels.csv").is_file():
        pytest.skip(f"RAVDESS speech not found at {RAVDESS} (AAE_SKLEARN_DATA)")
    return RAVDESS


@pytest.fixture(scope="session")
def emodb_root():
    """The shared EmoDB folder; tests that need it skip where it is absent."""
    if not (EMODB / "labels.csv").is_file():
        pytest.skip(f"EmoDB speech not found at {EMODB} (AAE_SKLEARN_DATA)")
    return EMODB


@pytest.fixture(scope="session")
def nemo_root():
    """The shared nEMO folder; tests that need it skip where it is absent."""
    if not (NEMO / "labels.csv").is_file():
        pytest.skip(f"nEMO speech not found at {NEMO} (AAE_SKLEARN_DATA)")
    return NEMO


@pytest.fixture
def emotion_sequences():
    """Synthetic frame sequences (a list), targets and speakers.

    120 sequences of 10 to 40 frames of 6 features; the targets are statistics
    of the frames (a mean, a spread, a trend), so only a sequence model can
    learn them.
    """
    rng = np.random.default_rng(0)
    X, y = [], []
    for _ in range(120):
        n = rng.integers(10, 41)
        level, spread, slope = rng.normal(size=3)
        frames = rng.normal(size=(n, 6))
        frames[:, 0] += level
        frames[:, 1] *= np.exp(0.5 * spread)
        frames[:, 2] += slope * np.linspace(-1, 1, n)
        X.append(frames.astype(np.float32))
        y.append([level, spread, slope])
    return X, np.array(y), np.repeat(np.arange(6), 20)
