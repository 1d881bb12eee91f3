"""
=============================
Exploring the latent space
=============================

:class:`~aae_sklearn.AAEEmotionRegressor` encodes each utterance into a code
of two parts: an *emotion part*, one node per target (valence, activation,
dominance), which is the prediction, and a *style part* for everything else
the decoder needs to reconstruct the input. ``transform`` returns the whole
code, emotion part first. This example looks at both parts for actors the
model has not heard, and asks with simple linear probes what each part holds.
"""

# License: BSD-3-Clause

# %%
# A model trained on 20 actors
# ----------------------------
#
# Actors 21 to 24 (two men, two women) are held out. The features go through
# a Gaussian :class:`~sklearn.preprocessing.QuantileTransformer`, which tames
# the heavy-tailed eGeMAPS functionals; the estimator does the same itself
# (``input_scaling="auto"``), so the step is redundant. The smaller hidden
# layers, discriminator and epoch budget keep the example short; the style part
# has 16 nodes (the default is 8). Targets given as a :class:`pandas.DataFrame`
# name the columns of the code.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.decomposition import PCA
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import QuantileTransformer, StandardScaler

from aae_sklearn import AAEEmotionRegressor
from aae_sklearn.datasets import load_ravdess_features
from aae_sklearn.plotting import plot_emotion_latent, plot_training_curves

ravdess = load_ravdess_features()
X, y, actors = ravdess.data, ravdess.target, ravdess.groups
emotion = ravdess.frame["emotion"].to_numpy()
sex = ravdess.frame["sex"].map({"m": "male", "f": "female"}).to_numpy()
train, test = actors <= 20, actors > 20

model = make_pipeline(
    QuantileTransformer(n_quantiles=200, output_distribution="normal", random_state=0),
    AAEEmotionRegressor(
        hidden_layer_sizes=(128, 64),
        style_dim=16,
        discriminator_layer_sizes=(32,),
        max_iter=60,
        random_state=0,
    ),
).fit(X[train], pd.DataFrame(y[train], columns=ravdess.target_names))
aae = model[-1]
print(
    f"{aae.n_iter_} epochs, lowest supervised training loss (1 - CCC) "
    f"{aae.history_['supervised_loss'].min():.3f}"
)
print("code columns:", list(aae.get_feature_names_out()[:5]), "...")

# %%
# Training curves
# ---------------
#
# :func:`~aae_sklearn.plotting.plot_training_curves` draws the mean loss of
# each phase per epoch. Early stopping on a validation split is off (the
# default): every label trains, training stops when the supervised loss has not
# improved for 10 epochs or at ``max_iter``, and the model keeps the weights of
# the epoch with the lowest supervised loss. With ``early_stopping=True`` the
# figure would add the validation score and mark its best epoch.
#
fig = plot_training_curves(aae)

# %%
# The emotion part
# ----------------
#
# The first three columns of the code are the standardised valence,
# activation and dominance. Coloured by the acted category, the held-out
# actors' codes show how far the categories separate on the valence and
# activation plane: each category's place in it is set by the targets (for
# example happy at high valence and high activation, sad at low both).
codes = model.transform(X)
n_emotion = aae.n_outputs_
emotion_part, style_part = codes[:, :n_emotion], codes[:, n_emotion:]
fig = plot_emotion_latent(
    emotion_part[test],
    emotion[test],
    title="Emotion part of the codes of 4 held-out actors",
)

# %%
# The style part
# --------------
#
# The 16 style nodes are pushed towards a standard normal prior, with no
# target to follow. A principal component analysis of the held-out actors'
# style codes, coloured by actor (circles: male, squares: female), shows
# whether the speakers group apart.
pcs = PCA(n_components=2, random_state=0).fit_transform(style_part[test])
fig, ax = plt.subplots(figsize=(6, 5), layout="constrained")
for i, actor in enumerate(np.unique(actors[test])):
    mask = actors[test] == actor
    ax.scatter(
        pcs[mask, 0],
        pcs[mask, 1],
        s=14,
        alpha=0.7,
        color=f"C{i}",
        marker="o" if sex[test][mask][0] == "male" else "s",
        label=f"actor {actor} ({sex[test][mask][0]})",
    )
ax.set_xlabel("first principal component of the style part")
ax.set_ylabel("second principal component")
ax.set_title("Style part of the codes of 4 held-out actors")
ax.legend(fontsize="small")
plt.show()


# %%
# What each part holds: linear probes
# -----------------------------------
#
# A :class:`~sklearn.linear_model.LogisticRegression` trained on one part of
# the code says how much of a property that part holds in linear form:
#
# - *emotion category* (8 classes, chance 12.5 %) and *sex* (chance about
#   50 %): probes fitted on the codes of the 20 training actors and scored on
#   the 4 held-out ones, so that they must generalise to new speakers;
# - *actor* among the 4 held-out ones (chance 25 %): a 5-fold cross-validation
#   over their 240 utterances, since an identity can only be recognised on
#   other utterances of the same speaker.
def probe():
    return make_pipeline(StandardScaler(), LogisticRegression(max_iter=1000))


rows = []
for part_name, part in [("emotion part", emotion_part), ("style part", style_part)]:
    row = {"code part": part_name, "columns": part.shape[1]}
    for label, target in [("emotion", emotion), ("sex", sex)]:
        fitted = probe().fit(part[train], target[train])
        row[f"{label} accuracy"] = fitted.score(part[test], target[test])
    row["actor accuracy"] = cross_val_score(
        probe(),
        part[test],
        actors[test],
        cv=StratifiedKFold(n_splits=5, shuffle=True, random_state=0),
    ).mean()
    rows.append(row)
print(pd.DataFrame(rows).round(3).to_string(index=False))

# %%
# Read the table column by column against the chance levels above. The
# emotion part has three columns and the targets are derived from the
# categories, so its emotion accuracy measures how well the predictions
# separate the acted categories. The style part is not asked to hold
# anything in particular: what it holds is what the decoder needed to
# reconstruct the features and the emotion part did not give. Nothing in the
# training keeps emotional information out of it, so a high emotion accuracy
# there is no flaw; the sex and actor columns show how much of the speaker it
# holds compared with the emotion part.
