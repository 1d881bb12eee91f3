"""
=====================================================
Tuning the autoencoder in a pipeline with grid search
=====================================================

:class:`~aae_sklearn.AAEEmotionRegressor` is a scikit-learn estimator, so it
goes into a :class:`~sklearn.pipeline.Pipeline` and
:class:`~sklearn.model_selection.GridSearchCV` like any other. This example
tunes the size of the style part and the strength of the adversarial
regularisation on the bundled RAVDESS eGeMAPS table, with folds grouped by
actor so that the chosen settings are those that generalise to new speakers.
"""

# License: BSD-3-Clause

# %%
# The pipeline
# ------------
#
# A :class:`~sklearn.preprocessing.QuantileTransformer` with a normal output
# maps each eGeMAPS functional to a standard normal, which tames the
# heavy-tailed ones (such as the ``*_stddevNorm`` features). The estimator
# does the same itself (``input_scaling="auto"``), so this step is redundant
# here; it stands for any preprocessing step before the estimator. The network
# is small and trains for at most 60 epochs, stopping when its supervised
# training loss has not improved for 5 epochs (``n_iter_no_change=5``), so that
# the search runs in seconds.
import matplotlib.pyplot as plt
import pandas as pd
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import QuantileTransformer

from aae_sklearn import AAEEmotionRegressor
from aae_sklearn.datasets import load_ravdess_features
from aae_sklearn.metrics import ccc_scorer, valence_accuracy_scorer

ravdess = load_ravdess_features()
X, y, actors = ravdess.data, ravdess.target, ravdess.groups

pipeline = Pipeline(
    [
        (
            "quantile",
            QuantileTransformer(
                n_quantiles=200, output_distribution="normal", random_state=0
            ),
        ),
        (
            "aae",
            AAEEmotionRegressor(
                hidden_layer_sizes=(128, 64),
                discriminator_layer_sizes=(32,),
                max_iter=60,
                n_iter_no_change=5,
                random_state=0,
            ),
        ),
    ]
)

# %%
# The grid
# --------
#
# Parameters of a pipeline's step are named ``<step>__<parameter>``. Two
# values each of ``style_dim`` (the number of style nodes) and
# ``adversarial_weight`` (the step size of the encoder's adversarial update,
# relative to ``learning_rate_init``) make four candidates; 8 and 0.3 are the
# defaults. The search scores both the valence accuracy and the CCC, and
# ``refit="ccc"`` picks the candidate with the best mean CCC and refits it on
# all the data.
param_grid = {
    "aae__style_dim": [8, 32],
    "aae__adversarial_weight": [0.03, 0.3],
}
search = GridSearchCV(
    pipeline,
    param_grid,
    scoring={"ccc": ccc_scorer, "valence_accuracy": valence_accuracy_scorer},
    refit="ccc",
    cv=GroupKFold(n_splits=3),
)

# %%
# The groups (here the actors) go to ``fit``, which hands them to the
# splitter: each fold holds out 8 of the 24 actors.
search.fit(X, y, groups=actors)
print("best parameters:", search.best_params_)
print(f"best mean CCC over the folds: {search.best_score_:.3f}")

# %%
# All the candidates
# ------------------
#
# ``cv_results_`` holds every candidate's scores per fold, their means and
# standard deviations, ranks and fit times; as a :class:`pandas.DataFrame` it
# is easy to sort and read.
results = pd.DataFrame(search.cv_results_)
columns = [
    "param_aae__style_dim",
    "param_aae__adversarial_weight",
    "mean_test_ccc",
    "std_test_ccc",
    "mean_test_valence_accuracy",
    "std_test_valence_accuracy",
    "rank_test_ccc",
    "mean_fit_time",
]
table = results[columns].sort_values("rank_test_ccc")
# Shorter headers, for printing.
table.columns = [
    "style_dim",
    "adv_weight",
    "ccc",
    "ccc_sd",
    "val_acc",
    "val_acc_sd",
    "rank",
    "fit_s",
]
print(table.round(3).to_string(index=False))

# %%
# Compare each mean with the standard deviations in its row: differences
# between candidates smaller than the spread over folds (which comes from the
# actors each fold holds out) are no firm ground for a choice. A search on a
# larger corpus, or with more folds, settles such ties better.
#
# The scores of the candidates
# ----------------------------
#
# The error bars are one standard deviation over the three folds.
fig, axes = plt.subplots(1, 2, figsize=(9, 4), layout="constrained")
for ax, metric, label in zip(
    axes,
    ["ccc", "valence_accuracy"],
    ["CCC (mean of 3 dimensions)", "valence 3-class accuracy"],
    strict=True,
):
    for i, weight in enumerate(param_grid["aae__adversarial_weight"]):
        rows = results[results["param_aae__adversarial_weight"] == weight]
        ax.errorbar(
            rows["param_aae__style_dim"].astype(int) * (1 + 0.04 * (2 * i - 1)),
            rows[f"mean_test_{metric}"],
            yerr=rows[f"std_test_{metric}"],
            fmt="o-",
            capsize=4,
            color=f"C{i}",
            label=f"adversarial_weight={weight}",
        )
    ax.set_xscale("log")
    ax.set_xticks(param_grid["aae__style_dim"], param_grid["aae__style_dim"])
    ax.minorticks_off()
    ax.set_xlabel("style_dim (style nodes)")
    ax.set_ylabel(label)
    ax.set_title(label)
    ax.grid(alpha=0.3)
axes[0].legend(fontsize="small")
fig.suptitle("Grid search, 3 folds grouped by actor: mean ± s.d.")
plt.show()

# %%
# The refitted pipeline
# ---------------------
#
# ``best_estimator_`` is the whole pipeline, refitted with the best
# parameters on all 24 actors, ready to ``predict`` or to ``transform`` into
# latent codes (``transform`` of the last step: the emotion part, then the
# style part).
best = search.best_estimator_
print("latent code of two utterances:", best.transform(X[:2]).shape)
print("predictions (valence, activation, dominance):")
print(best.predict(X[:2]).round(3))
