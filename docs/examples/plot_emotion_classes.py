"""
=============================================
Emotion classes from a quarter of the labels
=============================================

:class:`~aae_sklearn.AAEEmotionClassifier` predicts emotion classes rather
than valence, activation and dominance. Rows labeled -1 are unlabeled: they
join its reconstruction and adversarial phases, while the labeled rows train
its class part with the cross-entropy.
:class:`~aae_sklearn.SupervisedEmotionClassifier`, the same encoder trained
on the labeled rows alone, is its baseline.

This example keeps the labels of a quarter of the training rows of the
bundled RAVDESS table, classifies the 8 emotions of actors that neither model
has heard, and scores both by unweighted average recall (UAR) and weighted
accuracy (WA).
"""

# License: BSD-3-Clause

# %%
# Speaker-independent folds and speaker normalisation
# ---------------------------------------------------
#
# ``target="categories"`` makes the loader return the emotion of each
# utterance as a string. Three folds grouped by actor hold out 8 of the 24
# actors each. Each actor's features are standardised with that actor's own
# mean and standard deviation by
# :class:`~aae_sklearn.features.GroupStandardScaler`: the training actors'
# statistics are learned in ``fit_transform``, and each test actor, unseen in
# fit, is standardised on its own rows in ``transform`` (no label is used).
import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.model_selection import GroupKFold

from aae_sklearn import AAEEmotionClassifier, SupervisedEmotionClassifier
from aae_sklearn.datasets import load_ravdess_features
from aae_sklearn.features import GroupStandardScaler
from aae_sklearn.plotting import plot_confusion_matrix

ravdess = load_ravdess_features(target="categories")
X, y, actors = ravdess.data, ravdess.target, ravdess.groups
print(f"{len(y)} utterances, {len(np.unique(actors))} actors")
print("classes:", ", ".join(np.unique(y)))

cv = GroupKFold(n_splits=3)
labeled_fraction = 0.25
rng = np.random.default_rng(0)

# %%
# The models
# ----------
#
# The settings are small to keep the example short: smaller hidden layers than
# the default ``(256, 128)`` and at most 40 epochs. Without early stopping (the
# default), every label trains, and a fit also ends when its mean supervised
# training loss has not improved for ``n_iter_no_change`` epochs. With
# ``early_stopping=True``, a tenth of the labeled rows would be set aside and
# scored by UAR after every epoch instead (``scoring="balanced_accuracy"``).
common = dict(hidden_layer_sizes=(128, 64), max_iter=40, random_state=0)
models = {
    "AAE": AAEEmotionClassifier(**common),
    "supervised": SupervisedEmotionClassifier(**common),
}

# %%
# Training and testing
# --------------------
#
# In each training fold, a quarter of the rows (240 of 960) keep their label,
# drawn at random; the others are set to -1. The loader returns the classes
# as strings in an object array, in which the integer -1 can stand next to
# them. The autoencoder gets every training row; the baseline gets the labeled
# rows only. The out-of-fold predictions of the test rows are pooled over the
# folds for the confusion matrices.
y_pred = {name: np.empty_like(y) for name in models}
scores = {name: [] for name in models}
for fold, (train, test) in enumerate(cv.split(X, y, actors)):
    scaler = GroupStandardScaler()
    X_train = scaler.fit_transform(X[train], groups=actors[train])
    X_test = scaler.transform(X[test], groups=actors[test])

    labeled = np.zeros(len(train), dtype=bool)
    labeled[rng.permutation(len(train))[: round(labeled_fraction * len(train))]] = True
    y_partial = y[train].copy()
    y_partial[~labeled] = -1

    fitted = {
        "AAE": models["AAE"].fit(X_train, y_partial),
        "supervised": models["supervised"].fit(X_train[labeled], y[train][labeled]),
    }
    for name, model in fitted.items():
        y_pred[name][test] = model.predict(X_test)
        uar = balanced_accuracy_score(y[test], y_pred[name][test])
        wa = accuracy_score(y[test], y_pred[name][test])
        scores[name].append((uar, wa))
    print(
        f"fold {fold}: {labeled.sum()} labeled and {(~labeled).sum()} unlabeled "
        f"training rows, {len(test)} test rows"
    )

# %%
# The scores of the test actors, per fold and in the mean over the folds.
# Chance is 1/8 = 0.125 for UAR; RAVDESS has half as many neutral utterances
# as of each other emotion, so WA weighs that class a little less.
for name, fold_scores in scores.items():
    fold_scores = np.array(fold_scores)
    uar, wa = fold_scores.mean(axis=0)
    per_fold = ", ".join(f"{s:.3f}" for s in fold_scores[:, 0])
    print(f"{name:>10}: UAR {uar:.3f} (folds: {per_fold}), WA {wa:.3f}")

# %%
# Read the difference between the models against the spread of the folds:
# three folds of eight test actors and a single draw of the labeled rows are
# a small sample. The benchmark ``benchmarks/bench_classes.py`` repeats the
# comparison over more folds, seeds and labeled fractions (see
# :ref:`classes`).
#
# Confusion matrices
# ------------------
#
# :func:`~aae_sklearn.plotting.plot_confusion_matrix` draws one panel per
# model, from the pooled out-of-fold predictions of all 1440 rows. Each row is
# normalised over its true class, so the diagonal holds the recall of each
# class and its mean is the UAR in the panel's title. Off the diagonal, the
# matrices show which emotions each model confuses.
fig = plot_confusion_matrix(
    {name: (y, pred) for name, pred in y_pred.items()},
    title="RAVDESS, 3 folds by actor, 25 % of the training labels",
)
