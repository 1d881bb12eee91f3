"""
=============================================
Learning from a fraction of the labels
=============================================

Labeled emotional speech is scarce and costly; unlabeled speech is not.
:class:`~aae_sklearn.AAEEmotionRegressor` learns from both: rows whose
targets are NaN join its reconstruction and adversarial phases, and only the
labeled rows train the emotion part to predict valence, activation and
dominance. :class:`~aae_sklearn.SupervisedEmotionRegressor` can only use the
labeled rows.

This example hides the labels of most training actors of the bundled RAVDESS
table, and tests both models on actors that neither has heard.
"""

# License: BSD-3-Clause

# %%
# Speaker-independent folds, labeled and unlabeled actors
# -------------------------------------------------------
#
# Three folds grouped by actor hold out 8 of the 24 actors each. Within a
# fold's 16 training actors, the labels of 2, 4 or all 16 are kept; the
# others' rows stay in the training data with NaN targets. The labeled actors
# of a smaller fraction are among those of a larger one, so that the
# fractions differ in nothing else.
import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import GroupKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import QuantileTransformer

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.datasets import load_ravdess_features
from aae_sklearn.metrics import binned_accuracy, concordance_correlation_coefficient
from aae_sklearn.plotting import plot_gain_vs_labeled_fraction

ravdess = load_ravdess_features()
X, y, actors = ravdess.data, ravdess.target, ravdess.groups

cv = GroupKFold(n_splits=3)
n_labeled_actors = [2, 4, 16]
rng = np.random.default_rng(0)

# %%
# The models
# ----------
#
# Both read the features through a Gaussian
# :class:`~sklearn.preprocessing.QuantileTransformer`, which tames the
# heavy-tailed eGeMAPS functionals; it learns no labels, so in the
# autoencoder's pipeline it is fitted on the unlabeled rows too. The estimators
# do the same themselves (``input_scaling="auto"``, fitted on the labeled and
# unlabeled rows), so the step is redundant. The settings are small to keep the
# example short: smaller hidden layers, a single-layer discriminator (larger
# ones tend to win the adversarial game outright on this small table, which
# the autoencoder reports with a warning), at most 60 epochs, and a stop when
# the supervised training loss has not improved for 5 epochs. The style part
# has 16 nodes (the default is 8).
common = dict(
    hidden_layer_sizes=(128, 64), max_iter=60, n_iter_no_change=5, random_state=0
)
aae = make_pipeline(
    QuantileTransformer(n_quantiles=100, output_distribution="normal", random_state=0),
    AAEEmotionRegressor(style_dim=16, discriminator_layer_sizes=(32,), **common),
)
supervised = make_pipeline(
    QuantileTransformer(n_quantiles=100, output_distribution="normal", random_state=0),
    SupervisedEmotionRegressor(**common),
)

# %%
# Training and testing
# --------------------
#
# The autoencoder gets every training row, with NaN targets for the hidden
# labels; the baseline gets the labeled rows only. With two labeled actors
# (120 rows, two mini-batches per epoch) the baseline learns slowly and may
# still be improving at ``max_iter``, which it reports with a
# :class:`~sklearn.exceptions.ConvergenceWarning`. The two do not take the same
# number of supervised steps: an epoch of the autoencoder passes over all 960
# training rows, and each of its 15 mini-batches is followed by a supervised
# step on a mini-batch of labeled rows, so with few labels the autoencoder
# revisits them more often than the baseline does.
records = []
for fold, (train, test) in enumerate(cv.split(X, y, actors)):
    order = rng.permutation(np.unique(actors[train]))
    for n_labeled in n_labeled_actors:
        labeled = np.isin(actors[train], order[:n_labeled])
        y_hidden = y[train].copy()
        y_hidden[~labeled] = np.nan
        fitted = {
            "AAEEmotionRegressor": clone(aae).fit(X[train], y_hidden),
            "SupervisedEmotionRegressor": clone(supervised).fit(
                X[train][labeled], y[train][labeled]
            ),
        }
        for name, model in fitted.items():
            y_pred = model.predict(X[test])
            records.append(
                {
                    "model": name,
                    "labeled_fraction": n_labeled / len(order),
                    "fold": fold,
                    "n_labeled": labeled.sum(),
                    "valence_accuracy": binned_accuracy(y[test], y_pred, target=0),
                    "ccc": concordance_correlation_coefficient(y[test], y_pred),
                }
            )
results = pd.DataFrame(records)
table = results.pivot_table(
    index="labeled_fraction",
    columns="model",
    values=["valence_accuracy", "ccc"],
    aggfunc="mean",
)
table = table.rename(
    columns={"AAEEmotionRegressor": "AAE", "SupervisedEmotionRegressor": "supervised"}
)
print("Mean over 3 folds of the test scores:")
print(table.round(3).to_string())

# %%
# Compare the two columns of each score row by row: how much each model loses
# as labels get fewer, and whether the unlabeled rows keep the autoencoder
# ahead of, level with or behind the baseline at each fraction. With all
# labels (fraction 1) the autoencoder's pipeline sees no unlabeled rows.
#
# Score against the labeled fraction
# ----------------------------------
#
# :func:`~aae_sklearn.plotting.plot_gain_vs_labeled_fraction` draws each
# model's mean over folds with a band of one standard deviation, and on the
# right the autoencoder's gain over the baseline, paired by fold. Read the
# gain panel against its zero line and the width of its band: with three
# folds of eight test actors, differences within the band are not
# distinguishable from the luck of the split.
#
fig = plot_gain_vs_labeled_fraction(results, metric="valence_accuracy")

# %%
# The CCC, averaged over valence, activation and dominance, in the same
# layout:
fig = plot_gain_vs_labeled_fraction(results, metric="ccc")

# %%
# An extra pool of unlabeled speech: ``X_unlabeled``
# --------------------------------------------------
#
# Instead of NaN targets, unlabeled rows can come as a separate pool,
# ``fit(X, y, X_unlabeled=pool)``. ``X_unlabeled`` is fit metadata: in a
# :class:`~sklearn.pipeline.Pipeline` it would reach the estimator untouched by
# the transformer before it. So here the quantile transform is fitted on all
# training rows first, and the estimator is fitted on its outputs directly.
# (The estimator's own quantile scaling, learned from ``X`` and
# ``X_unlabeled`` together, would do without it; it keeps this fit comparable
# with the pipelines above.)
train, test = next(cv.split(X, y, actors))
order = np.random.default_rng(0).permutation(np.unique(actors[train]))
labeled = np.isin(actors[train], order[:4])

scaler = QuantileTransformer(
    n_quantiles=100, output_distribution="normal", random_state=0
)
scaler.fit(X[train])
model = AAEEmotionRegressor(
    style_dim=16, discriminator_layer_sizes=(32,), **common
).fit(
    scaler.transform(X[train][labeled]),
    y[train][labeled],
    X_unlabeled=scaler.transform(X[train][~labeled]),
)
y_pred = model.predict(scaler.transform(X[test]))
print(
    f"{labeled.sum()} labeled and {(~labeled).sum()} unlabeled training rows; "
    f"valence accuracy on {len(test)} test rows: "
    f"{binned_accuracy(y[test], y_pred, target=0):.3f}, "
    f"CCC: {concordance_correlation_coefficient(y[test], y_pred):.3f}"
)
