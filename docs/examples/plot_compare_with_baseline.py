"""
===============================================
Comparing the autoencoder with its baseline
===============================================

:class:`~aae_sklearn.AAEEmotionRegressor` and
:class:`~aae_sklearn.SupervisedEmotionRegressor` share the encoder and the
training engine; the autoencoder adds a decoder, a style part and two
discriminators. This example compares the two on the bundled RAVDESS eGeMAPS
table with scikit-learn's cross-validation, speaker-independently: the folds
are grouped by actor, so that no test speaker is heard in training.
"""

# License: BSD-3-Clause

# %%
# The data
# --------
#
# 1440 utterances of 24 actors, 88 eGeMAPS functionals each; the targets are
# valence, activation and dominance in [-1, 1], derived from the acted emotion
# category.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from sklearn.model_selection import GroupKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import QuantileTransformer

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.datasets import load_ravdess_features
from aae_sklearn.metrics import ccc_scorer, valence_accuracy_scorer

ravdess = load_ravdess_features()
X, y, actors = ravdess.data, ravdess.target, ravdess.groups
print(f"X: {X.shape}, y: {y.shape}, {len(np.unique(actors))} actors")

# %%
# Two models on equal terms
# -------------------------
#
# eGeMAPS functionals are heavy-tailed (the ``*_stddevNorm`` features explode
# when a mean nears zero). Both estimators map each feature through its
# training quantiles to a standard normal themselves (``input_scaling="auto"``),
# so the :class:`~sklearn.preprocessing.QuantileTransformer` that
# ``with_scaling`` puts in front of them is redundant; it treats both alike.
# Both get the same hidden layers and the same stopping rule: every label
# trains, and training stops when the supervised training loss has not improved
# for 5 epochs (``n_iter_no_change=5``; early stopping on a validation split is
# off by default). The smaller hidden layers and the short patience keep this
# example short; the autoencoder's style part has 16 nodes (the default is 8).
# A single-layer discriminator of 32 units, smaller than the default two layers
# of 64, keeps the discriminators from winning the adversarial game outright on
# this small table.
common = dict(
    hidden_layer_sizes=(128, 64), max_iter=100, n_iter_no_change=5, random_state=0
)
models = {
    "AAE": AAEEmotionRegressor(style_dim=16, discriminator_layer_sizes=(32,), **common),
    "supervised": SupervisedEmotionRegressor(**common),
}


def with_scaling(model):
    """The model behind a Gaussian quantile transform of the features."""
    return make_pipeline(
        QuantileTransformer(output_distribution="normal", random_state=0), model
    )


# %%
# Speaker-independent cross-validation
# ------------------------------------
#
# :class:`~sklearn.model_selection.GroupKFold` with the actors as groups holds
# out four actors per fold. :func:`~sklearn.model_selection.cross_validate`
# computes both scores from the same fits (``cross_val_score`` does the same
# for one score): the 3-class valence accuracy (negative / neutral / positive,
# chance is about 1/3 here) and the concordance correlation coefficient (CCC),
# averaged over the three dimensions.
cv = GroupKFold(n_splits=6)
scoring = {"valence_accuracy": valence_accuracy_scorer, "ccc": ccc_scorer}
records = []
for name, model in models.items():
    scores = cross_validate(
        with_scaling(model), X, y, groups=actors, cv=cv, scoring=scoring
    )
    for fold in range(cv.get_n_splits()):
        records.append(
            {
                "model": name,
                "fold": fold,
                "valence_accuracy": scores["test_valence_accuracy"][fold],
                "ccc": scores["test_ccc"][fold],
                "fit_time": scores["fit_time"][fold],
            }
        )
results = pd.DataFrame(records)
summary = results.groupby("model")[["valence_accuracy", "ccc", "fit_time"]].agg(
    ["mean", "std"]
)
print(summary.round(3))

# %%
# Compare the two rows: the means, and the spread over folds next to them,
# which comes from the actors each fold holds out. Pairing the folds says
# more than the means, since both models are tested on the same actors:
diff = results.pivot(index="fold", columns="model", values=["valence_accuracy", "ccc"])
for metric in ["valence_accuracy", "ccc"]:
    gain = diff[metric]["AAE"] - diff[metric]["supervised"]
    print(
        f"{metric}: AAE - supervised = {gain.mean():+.3f} ± {gain.std():.3f} "
        f"(AAE ahead in {(gain > 0).sum()} of {len(gain)} folds)"
    )

# %%
# With every training label available, the autoencoder has no unlabeled
# speech to learn from: its reconstruction and adversarial phases only act as
# regularisers, and on RAVDESS the :ref:`ablation study <ablation>` finds that
# they give it no edge over a tuned baseline. The autoencoder is built for the
# case where labels are scarce and unlabeled speech is not; that case is the
# subject of :ref:`sphx_glr_auto_examples_plot_semi_supervised.py`.
#
# Per-fold scores
# ---------------
#
# The folds pair the models: both are tested on the same actors. A line per
# fold shows whether one model leads on every fold or the order changes.
fig, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
for ax, metric, label in zip(
    axes,
    ["valence_accuracy", "ccc"],
    ["valence 3-class accuracy", "CCC (mean of 3 dimensions)"],
    strict=True,
):
    wide = results.pivot(index="fold", columns="model", values=metric)
    for fold, row in wide.iterrows():
        ax.plot([0, 1], row[["AAE", "supervised"]], color="grey", lw=0.8)
        ax.annotate(
            f"fold {fold}",
            (1, row["supervised"]),
            xytext=(5, 0),
            textcoords="offset points",
            va="center",
            fontsize="x-small",
            color="grey",
        )
    for i, model in enumerate(["AAE", "supervised"]):
        ax.scatter(np.full(len(wide), i), wide[model], color=f"C{i}", zorder=3)
        ax.errorbar(
            i + 0.15,
            wide[model].mean(),
            yerr=wide[model].std(),
            fmt="D",
            color=f"C{i}",
            capsize=4,
        )
    ax.set_xticks([0, 1], ["AAE", "supervised"])
    ax.set_xlim(-0.4, 1.6)
    ax.set_ylabel(label)
    ax.set_title(label)
    ax.grid(alpha=0.3)
fig.suptitle("Per-fold test scores (dots) and mean ± s.d. (diamonds), 6 folds")
plt.show()
