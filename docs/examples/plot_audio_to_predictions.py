"""
=================================
From audio files to predictions
=================================

This example goes from speech recordings to predicted valence, activation
and dominance: it extracts the eGeMAPS functionals of 16 bundled RAVDESS
files with openSMILE, predicts with a model trained on other speakers, and
saves and reloads the model. Feature extraction needs the ``audio`` extra
(``pip install -e ".[audio]"`` in a clone: openSMILE and soundfile).
"""

# License: BSD-3-Clause

# %%
# The recordings
# --------------
#
# :func:`~aae_sklearn.datasets.load_ravdess_sample` lists 16 FLAC files
# (16 kHz, mono) bundled with the package: one utterance per emotion of
# actors 23 and 24, with their labels.
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import soundfile as sf
from scipy.signal import spectrogram
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import QuantileTransformer

import aae_sklearn
from aae_sklearn import AAEEmotionRegressor
from aae_sklearn.datasets import load_ravdess_features, load_ravdess_sample
from aae_sklearn.features import OpenSmileFunctionals
from aae_sklearn.metrics import binned_accuracy
from aae_sklearn.plotting import plot_predicted_vs_true

sample = load_ravdess_sample()
print(sample.frame[["file", "actor", "sex", "emotion", "intensity"]].to_string())

# %%
# One of them, as a waveform and a spectrogram:
signal, rate = sf.read(sample.data[4])
name = sample.frame["emotion"].iloc[4]
fig, (top, bottom) = plt.subplots(
    2, 1, figsize=(8, 5), sharex=True, layout="constrained"
)
time = np.arange(len(signal)) / rate
top.plot(time, signal, lw=0.5)
top.set_xlim(0, time[-1])
top.set_ylabel("amplitude")
top.set_title(f"{Path(sample.data[4]).name} ({name}, {rate} Hz)")
# Power in dB, shown over the 80 dB below its peak; the floor keeps the log
# finite in digital silence.
freqs, times, power = spectrogram(signal, fs=rate, nperseg=512, noverlap=384)
decibels = 10 * np.log10(power + 1e-12)
mesh = bottom.pcolormesh(
    times,
    freqs,
    decibels,
    vmin=decibels.max() - 80,
    cmap="magma",
    shading="auto",
)
fig.colorbar(mesh, ax=bottom, label="power (dB)")
bottom.set_xlabel("time (s)")
bottom.set_ylabel("frequency (Hz)")
plt.show()

# %%
# Features from audio
# -------------------
#
# :class:`~aae_sklearn.features.OpenSmileFunctionals` turns each file into the
# 88 eGeMAPSv02 functionals: the features of the bundled table of all 1440
# RAVDESS utterances, which were extracted from the same recordings.
features = OpenSmileFunctionals().fit_transform(sample.data)
print("features:", features.shape)

ravdess = load_ravdess_features()
rows = ravdess.frame.set_index("file").loc[sample.frame["file"], ravdess.feature_names]
print(
    "largest difference from the bundled table, relative to its values: "
    f"{np.max(np.abs(features - rows) / (np.abs(rows) + 1e-12)).max():.2g}"
)

# %%
# A model trained on other speakers
# ---------------------------------
#
# The model learns from the bundled table without actors 23 and 24, so the
# 16 recordings come from speakers it has never heard. The estimator maps
# each functional through its training quantiles to a standard normal itself
# (``input_scaling="auto"``), which tames the heavy-tailed ones, so the Gaussian
# :class:`~sklearn.preprocessing.QuantileTransformer` in front of it is
# redundant; it stays to show a pipeline step that has to be applied before a
# saved estimator (below). The smaller hidden layers and discriminator keep the
# example short; the style part has 16 nodes (the default is 8).
others = ravdess.groups < 23
model = make_pipeline(
    QuantileTransformer(n_quantiles=200, output_distribution="normal", random_state=0),
    AAEEmotionRegressor(
        hidden_layer_sizes=(128, 64),
        style_dim=16,
        discriminator_layer_sizes=(32,),
        max_iter=100,
        random_state=0,
    ),
).fit(ravdess.data[others], ravdess.target[others])

# %%
# Predictions
# -----------
#
# Valence, activation and dominance of each recording, next to its acted
# emotion and the targets derived from it: each category sits in the octant
# of the valence-activation-dominance space that names it, at +-2/3 on each
# axis, and neutral at the origin.
y_pred = model.predict(features)
table = pd.DataFrame(
    {
        "emotion": sample.frame["emotion"],
        "actor": sample.frame["actor"],
        "true valence": sample.target[:, 0],
        "predicted valence": y_pred[:, 0],
        "true activation": sample.target[:, 1],
        "predicted activation": y_pred[:, 1],
        "true dominance": sample.target[:, 2],
        "predicted dominance": y_pred[:, 2],
    }
)
print(table.round(2).to_string(index=False))
print(
    "valence 3-class accuracy on these 16 files: "
    f"{binned_accuracy(sample.target, y_pred, target=0):.3f}"
)

# %%
# Sixteen utterances make a small test: the table shows which emotions the
# model places well on each dimension and which not, rather than a reliable
# score. In speech emotion recognition, activation (how aroused the voice
# sounds) is usually the dimension that acoustic features predict best, and
# valence the hardest.
#
fig = plot_predicted_vs_true(
    sample.target, y_pred, title="16 recordings of two unseen actors"
)

# %%
# Saving and loading
# ------------------
#
# :meth:`~aae_sklearn.AAEEmotionRegressor.save` writes a fitted estimator to a
# single safetensors file, and :func:`aae_sklearn.load` reads it back without
# running code from the file (unlike pickle). Here the estimator is saved on
# its own, so the quantile transform is applied before it.
aae = model[-1]
with tempfile.TemporaryDirectory() as folder:
    path = Path(folder) / "aae.safetensors"
    aae.save(path)
    print(f"saved {path.name}: {path.stat().st_size / 1e6:.2f} MB")
    loaded = aae_sklearn.load(path)

X_sample = model[0].transform(features)
same = np.array_equal(loaded.predict(X_sample), aae.predict(X_sample))
print(f"{type(loaded).__name__} loaded; identical predictions: {same}")
