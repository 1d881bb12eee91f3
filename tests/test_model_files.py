"""Model files written by an earlier version load and predict as they did.

``tests/data/models`` holds a file of each estimator (and of a frame model)
saved with version 0.1.0.dev0 before the package's private modules moved into
``nn/``, ``utils/`` and ``_persist/``, with the inputs and the predictions of
the model that wrote it.
"""

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal

import aae_sklearn

MODELS = Path(__file__).parent / "data" / "models"
EXPECTED = json.loads((MODELS / "expected.json").read_text())["predictions"]


def _inputs(name):
    if name.endswith("_frames"):
        with np.load(MODELS / "frames.npz") as frames:
            return [frames[f"arr_{i}"] for i in range(len(frames.files))]
    return np.load(MODELS / "X.npy")


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_model_file_of_an_earlier_version_predicts_as_it_did(name):
    model = aae_sklearn.load(MODELS / f"{name}.safetensors")
    predictions = model.predict(_inputs(name))
    if "classifier" in name:
        assert_array_equal(predictions, np.array(EXPECTED[name]))
    else:
        assert_allclose(predictions, np.array(EXPECTED[name]), rtol=1e-5, atol=1e-6)
