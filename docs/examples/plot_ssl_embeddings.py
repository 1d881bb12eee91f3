"""
=================================================
Self-supervised speech embeddings as input
=================================================

:class:`~aae_sklearn.features.SSLEmbeddings` turns speech into the hidden
states of a self-supervised speech model (wav2vec 2.0, HuBERT or WavLM, run
by the Hugging Face ``transformers`` library): one vector every 20 ms, or
their mean and standard deviation over each utterance. The frames feed the
sequence encoders of the estimators, the vectors their fully connected ones.

**The model of this example is tiny and randomly initialised**, so that the
example runs in seconds and downloads nothing: its embeddings know nothing of
speech, and no number below says anything about emotion recognition. The last
section shows the same code with a real, pretrained model. The transformer
needs the ``ssl`` extra: ``pip install -e ".[ssl]"`` in a clone of the repository.
"""

# License: BSD-3-Clause

# %%
# A tiny model, saved as a pretrained one
# ---------------------------------------
#
# A WavLM with two transformer layers of width 16, but the convolutional
# encoder of the real models: seven convolutions that turn 400 samples (25 ms
# at 16 kHz) into one frame, every 320 samples (20 ms). ``save_pretrained``
# writes it to a folder as a downloaded model is stored, with the settings of
# its feature extractor (the sampling rate, and whether to standardise each
# recording); :class:`~aae_sklearn.features.SSLEmbeddings` reads such a folder
# or a model name on the Hugging Face hub.
import tempfile

import matplotlib.pyplot as plt
import numpy as np
import soundfile as sf
import torch
import transformers
from sklearn.model_selection import GroupKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from transformers import Wav2Vec2FeatureExtractor, WavLMConfig, WavLMModel

from aae_sklearn import AAEEmotionRegressor
from aae_sklearn.datasets import load_ravdess_sample
from aae_sklearn.features import SSLEmbeddings
from aae_sklearn.metrics import ccc_scorer

transformers.logging.disable_progress_bar()  # a shorter output here
config = WavLMConfig(
    hidden_size=16,
    num_hidden_layers=2,
    num_attention_heads=2,
    intermediate_size=32,
    conv_dim=(8,) * 7,
    num_conv_pos_embeddings=16,
    num_conv_pos_embedding_groups=2,
)
torch.manual_seed(0)
tiny = WavLMModel(config)
folder = tempfile.TemporaryDirectory()
tiny.save_pretrained(folder.name)
Wav2Vec2FeatureExtractor().save_pretrained(folder.name)
print(f"random WavLM: {sum(p.numel() for p in tiny.parameters()):,} parameters")

# %%
# Frames: one vector every 20 ms
# ------------------------------
#
# The 16 RAVDESS recordings bundled with the package, two actors speaking one
# sentence in eight emotions. ``layer`` picks a hidden state: 0 is the input
# of the first transformer layer, ``i`` the output of layer ``i``, -1 (the
# default) the last; a list averages several. A recording of ``n`` samples
# gives ``(n - 400) // 320 + 1`` frames: 50 per second.
sample = load_ravdess_sample()
seconds = np.array([sf.info(path).duration for path in sample.data])
frames = SSLEmbeddings(model=folder.name, output="frames").fit_transform(sample.data)
n_frames = np.array([len(f) for f in frames])
print(f"{len(frames)} recordings of {seconds.min():.2f} to {seconds.max():.2f} s")
print(f"frames per second: {np.round(n_frames / seconds).astype(int)}")
print(f"each frame: {frames[0].shape[1]} features, {frames[0].dtype}")

ax = plt.figure(figsize=(8, 3), layout="constrained").subplots()
image = ax.imshow(
    frames[4].T,
    aspect="auto",
    origin="lower",
    extent=(0, len(frames[4]) * 0.02, -0.5, 15.5),
    cmap="coolwarm",
)
ax.figure.colorbar(image, ax=ax, label="value")
ax.set_xlabel("time (s)")
ax.set_ylabel("hidden feature")
ax.set_title(f"last hidden state of the random model: {sample.frame['file'][4]}")
plt.show()

# %%
# Vectors, and the autoencoder on top
# -----------------------------------
#
# ``output="vectors"`` (the default) keeps the mean and standard deviation of
# each hidden feature over the recording: 32 numbers here, 1,536 for a model
# of width 768. In a :class:`~sklearn.pipeline.Pipeline` the model runs on
# each fold's recordings, without learning anything from them. The last model
# used stays loaded, so that the folds read it once. With 16 recordings and
# a random model, the scores are noise.
model = make_pipeline(
    SSLEmbeddings(model=folder.name, layer=[1, 2]),
    AAEEmotionRegressor(hidden_layer_sizes=(16,), max_iter=20, random_state=0),
)
scores = cross_val_score(
    model,
    sample.data,
    sample.target,
    groups=sample.groups,
    cv=GroupKFold(n_splits=2),
    scoring=ccc_scorer,
)
print(f"mean CCC per actor held out (meaningless here): {np.round(scores, 2)}")

# %%
# Frames and a sequence encoder
# -----------------------------
#
# The frames are a 1-D object array of ``(n_frames, 16)`` arrays, the format
# of :class:`~aae_sklearn.features.FrameFeatures`, so the estimators read them
# with their convolutional encoder (``encoder="auto"``).
train, test = sample.groups == 23, sample.groups == 24
aae = AAEEmotionRegressor(hidden_layer_sizes=(16,), max_iter=10, random_state=0)
aae.fit(frames[train], sample.target[train])
print(
    f"predictions for the 8 recordings of actor 24: {aae.predict(frames[test]).shape}"
)
folder.cleanup()

# %%
# With a real model
# -----------------
#
# Name a pretrained checkpoint instead of the folder; ``transformers``
# downloads it once into its cache (``~/.cache/huggingface``). For instance
# ``facebook/wav2vec2-base`` (Apache-2.0; 94.4 million parameters, 377 MB of
# float32 weights) or ``microsoft/wavlm-base-plus`` (same size and frame
# rate). Middle layers often carry more about emotion than the last one; try
# a few, or average them. See :ref:`ssl` for the choice of layer, the cost
# per hour of audio and the command line.
#
# .. code-block:: python
#
#     from aae_sklearn.datasets import load_ravdess
#
#     corpus = load_ravdess("path/to/ravdess")
#     embed = SSLEmbeddings(model="facebook/wav2vec2-base", layer=[6, 7, 8])
#     X = embed.fit_transform(corpus.data)            # (1440, 1536)
#     cross_val_score(AAEEmotionRegressor(random_state=0), X, corpus.target,
#                     groups=corpus.groups, cv=GroupKFold(n_splits=6),
#                     scoring=ccc_scorer)
