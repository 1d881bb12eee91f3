"""Datasets: corpus loaders, the bundled RAVDESS, EmoDB and nEMO feature tables,
synthetic problems."""

# License: BSD-3-Clause

from ._emodb import EMODB_EMOTIONS, load_emodb, load_emodb_features
from ._iemocap import load_iemocap
from ._msp_podcast import load_msp_podcast
from ._nemo import NEMO_EMOTIONS, load_nemo, load_nemo_features
from ._ravdess import load_ravdess_features
from ._ravdess_corpus import load_ravdess, load_ravdess_sample
from ._shards import iter_parquet_chunks
from ._synthetic import make_emotion_regression
from ._vad import EMOTION_VAD, emotion_to_vad

__all__ = [
    "EMODB_EMOTIONS",
    "EMOTION_VAD",
    "NEMO_EMOTIONS",
    "emotion_to_vad",
    "iter_parquet_chunks",
    "load_emodb",
    "load_emodb_features",
    "load_iemocap",
    "load_msp_podcast",
    "load_nemo",
    "load_nemo_features",
    "load_ravdess",
    "load_ravdess_features",
    "load_ravdess_sample",
    "make_emotion_regression",
]
