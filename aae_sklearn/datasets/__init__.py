"""Datasets: synthetic emotion regression problems."""

# License: BSD-3-Clause

from ._synthetic import make_emotion_regression

__all__ = ["make_emotion_regression"]
