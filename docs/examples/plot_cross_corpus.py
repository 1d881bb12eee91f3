"""
=============================================
From one corpus to another: RAVDESS to EmoDB
=============================================

A model trained on one corpus meets other speakers, another language and
another recording set-up in the next. This example trains on the bundled
RAVDESS table (English, 24 actors) and tests on the bundled EmoDB table
(German, 10 actors), which no model sees labeled:

- without normalisation, and with each corpus standardised on its own
  statistics by :class:`~aae_sklearn.features.GroupStandardScaler`;
- the autoencoder alone, and adapted: given EmoDB's features without labels
  as ``X_unlabeled``.
"""

# License: BSD-3-Clause

# %%
# Two corpora, one feature set
# ----------------------------
#
# Both tables hold the 88 eGeMAPS functionals in the same order, and both
# corpora's emotions map to valence, activation and dominance the same way
# (EmoDB's boredom takes the point of sad).
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.multioutput import MultiOutputRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.svm import SVR

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.datasets import load_emodb_features, load_ravdess_features
from aae_sklearn.features import GroupStandardScaler
from aae_sklearn.metrics import concordance_correlation_coefficient

source, target = load_ravdess_features(), load_emodb_features()
print(f"train: RAVDESS {source.data.shape}, test: EmoDB {target.data.shape}")

# %%
# The level of a feature differs between the corpora more than between the
# emotions within one: the mean loudness of EmoDB, for one, lies far from
# RAVDESS's, in units of RAVDESS's spread.
loudness = source.feature_names.index("loudness_sma3_amean")
shift = (target.data[:, loudness].mean() - source.data[:, loudness].mean()) / (
    source.data[:, loudness].std()
)
print(f"EmoDB's mean loudness: {shift:+.1f} RAVDESS standard deviations away")

# %%
# Normalising each corpus on its own
# ----------------------------------
#
# With the corpus as the group, the scaler learns RAVDESS's mean and standard
# deviation in ``fit`` and standardises EmoDB, a group it has not seen, on
# EmoDB's own rows in ``transform``. No label of either corpus is used.
scaler = GroupStandardScaler()
corpus_scaled = {
    "source": scaler.fit_transform(source.data, groups=np.zeros(len(source.data))),
    "target": scaler.transform(target.data, groups=np.ones(len(target.data))),
}
as_read = {"source": source.data, "target": target.data}

# %%
# The models
# ----------
#
# SVR behind a :class:`~sklearn.preprocessing.StandardScaler` (fitted on
# RAVDESS), the supervised network, the autoencoder, and the autoencoder
# given EmoDB's features unlabeled. Small networks and at most 50 epochs keep
# the example short.
common = dict(hidden_layer_sizes=(128, 64), max_iter=50, random_state=0)


def models():
    return {
        "SVR": make_pipeline(StandardScaler(), MultiOutputRegressor(SVR())),
        "supervised": SupervisedEmotionRegressor(**common),
        "AAE": AAEEmotionRegressor(**common),
        "AAE, adapted": AAEEmotionRegressor(**common),
    }


records = []
for scaling, data in [("as read", as_read), ("per corpus", corpus_scaled)]:
    for name, model in models().items():
        if name == "AAE, adapted":
            model.fit(data["source"], source.target, X_unlabeled=data["target"])
        else:
            model.fit(data["source"], source.target)
        ccc = concordance_correlation_coefficient(
            target.target, model.predict(data["target"]), multioutput="raw_values"
        )
        records.append(
            {
                "features": scaling,
                "model": name,
                **dict(zip(source.target_names, ccc, strict=True)),
            }
        )
results = pd.DataFrame(records).set_index(["features", "model"])
print(results.round(3))

# %%
# On the features as read, the networks trained on RAVDESS alone warn
# (:class:`~aae_sklearn.exceptions.FarOutInputWarning`) that EmoDB rows lie
# far outside their training data; the adapted autoencoder, which scaled its
# inputs on both corpora, does not.
#
# The CCC of each dimension on EmoDB. Across corpora, activation carries
# over far better than valence: how loud, fast and high a voice is shows
# arousal in both languages, while the cues of valence differ more between
# corpora. The difference between models on one seed and one pair of corpora
# is a small sample; ``benchmarks/bench_cross_corpus.py`` measures both
# directions over several seeds (see :ref:`cross_corpus`).
fig, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained", sharey=True)
for ax, scaling in zip(axes, ["as read", "per corpus"], strict=True):
    block = results.loc[scaling]
    x = np.arange(len(block))
    for i, dimension in enumerate(source.target_names):
        ax.bar(x + (i - 1) * 0.27, block[dimension], 0.27, label=dimension)
    ax.set_xticks(x, block.index, rotation=20)
    ax.axhline(0, color="black", lw=0.8)
    ax.set_title(f"features {scaling}")
    ax.grid(axis="y", alpha=0.3)
axes[0].set_ylabel("CCC on EmoDB")
axes[0].legend()
fig.suptitle("Trained on RAVDESS, tested on EmoDB")
plt.show()
