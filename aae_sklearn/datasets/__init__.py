"""Datasets: the bundled RAVDESS feature table and synthetic problems."""

# License: BSD-3-Clause

from ._ravdess import EMOTION_VAD, emotion_to_vad, load_ravdess_features
from ._synthetic import make_emotion_regression

__all__ = [
    "EMOTION_VAD",
    "emotion_to_vad",
    "load_ravdess_features",
    "make_emotion_regression",
]
