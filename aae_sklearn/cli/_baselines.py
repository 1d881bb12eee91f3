"""The baselines of ``compare``, how they are tuned and fitted, and the
per-speaker normalisation of its folds and of its unlabeled pool."""

# License: BSD-3-Clause

import textwrap

import numpy as np
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import GridSearchCV, GroupKFold
from sklearn.multioutput import MultiOutputRegressor
from sklearn.neural_network import MLPRegressor
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import FunctionTransformer, StandardScaler
from sklearn.svm import SVC, SVR

from ..features import GroupStandardScaler, SequenceScaler
from ..metrics import ccc_scorer

# The baselines' hyper-parameter grids, for targets in [-1, 1] and standardised
# features; each is searched by GroupKFold over the training fold's speakers.
SVR_GRID = {"C": [0.1, 1.0, 10.0], "epsilon": [0.05, 0.2]}
RIDGE_GRID = {"alpha": np.logspace(-1, 4, 6).tolist()}
INNER_FOLDS = 3
# The classifiers' grids, searched likewise by unweighted average recall.
SVC_GRID = {"C": [0.1, 1.0, 10.0]}
LOGISTIC_GRID = {"C": [0.01, 0.1, 1.0]}


def _mean_std(sequences):
    """Mean and standard deviation of each frame feature over each sequence."""
    return np.array([np.hstack([f.mean(axis=0), f.std(axis=0)]) for f in sequences])


def _search(pipeline, step, grid, scoring=ccc_scorer):
    """``pipeline`` tuned over ``grid`` (of its step ``step``) by ``scoring``
    (the mean CCC)."""
    grid = {f"{step}__{name}": values for name, values in grid.items()}
    # cv is set in _fit, once the number of speakers in the training fold is known.
    return GridSearchCV(pipeline, grid, scoring=scoring)


def _class_baselines(random_state, sequences=False):
    """SVC (RBF) and LogisticRegression, balanced, each behind a StandardScaler
    and tuned by unweighted average recall."""
    first = [FunctionTransformer(_mean_std)] if sequences else []
    svc = make_pipeline(*first, StandardScaler(), SVC(class_weight="balanced"))
    logistic = make_pipeline(
        *first,
        StandardScaler(),
        LogisticRegression(class_weight="balanced", max_iter=2000),
    )
    return {
        "SVC": _search(svc, "svc", SVC_GRID, "balanced_accuracy"),
        "LogisticRegression": _search(
            logistic, "logisticregression", LOGISTIC_GRID, "balanced_accuracy"
        ),
    }


def _class_tuning():
    """How the classification baselines were tuned, for results.json."""
    return {
        "inner_cv": "GroupKFold over the speakers of the training fold's labeled rows",
        "inner_folds": INNER_FOLDS,
        "scoring": "balanced accuracy (UAR)",
        "grids": {"SVC": SVC_GRID, "LogisticRegression": LOGISTIC_GRID},
    }


def _class_tuning_note():
    return textwrap.fill(
        "SVC (RBF) and LogisticRegression, class_weight='balanced': C by "
        f"speaker-grouped inner CV on each training fold ({INNER_FOLDS} folds, fewer "
        "with fewer speakers), by UAR (SVC: C in "
        f"{', '.join(f'{c:g}' for c in SVC_GRID['C'])}; LogisticRegression: C in "
        f"{', '.join(f'{c:g}' for c in LOGISTIC_GRID['C'])}).",
        width=88,
    )


def _baselines(random_state, sequences=False):
    """SVR, Ridge and MLPRegressor, by name, each behind a StandardScaler."""
    # They take vectors: the usual functionals of a frame-level baseline.
    first = [FunctionTransformer(_mean_std)] if sequences else []
    svr = make_pipeline(*first, StandardScaler(), MultiOutputRegressor(SVR()))
    ridge = make_pipeline(*first, StandardScaler(), Ridge())
    mlp = MLPRegressor(early_stopping=True, random_state=random_state)
    return {
        "SVR": _search(svr, "multioutputregressor__estimator", SVR_GRID),
        "Ridge": _search(ridge, "ridge", RIDGE_GRID),
        "MLPRegressor": make_pipeline(*first, StandardScaler(), mlp),
    }


def _tuning():
    """How the baselines were tuned, for results.json."""
    return {
        "inner_cv": "GroupKFold over the speakers of the training fold's labeled rows",
        "inner_folds": INNER_FOLDS,
        "scoring": "mean CCC over the targets",
        "grids": {"SVR": SVR_GRID, "Ridge": RIDGE_GRID, "MLPRegressor": None},
    }


def _tuning_note():
    """The lines under the tables that say how the baselines were tuned."""

    def grid(params):
        return "; ".join(
            f"{name} in {', '.join(f'{v:g}' for v in values)}"
            for name, values in params.items()
        )

    return textwrap.fill(
        f"SVR: C, epsilon by speaker-grouped inner CV on each training fold "
        f"({INNER_FOLDS} folds, fewer with fewer speakers), by mean CCC "
        f"({grid(SVR_GRID)}); Ridge: alpha likewise ({grid(RIDGE_GRID)}); "
        "MLPRegressor: scikit-learn's defaults, early stopping.",
        width=88,
    )


def _fit(model, X, y, groups):
    """Fit a baseline on the labeled training rows; return the fitted model.

    A grid search gets GroupKFold inner folds over ``groups``. Where they hold a
    single speaker there is no grouped inner CV: the search's pipeline is fitted
    with scikit-learn's defaults and returned instead.
    """
    if isinstance(model, GridSearchCV):
        n_groups = len(np.unique(groups))
        if n_groups < 2:
            return model.estimator.fit(X, y)
        model.set_params(cv=GroupKFold(n_splits=min(INNER_FOLDS, n_groups)))
        return model.fit(X, y, groups=groups)
    if isinstance(model, Pipeline) and isinstance(model[-1], MLPRegressor):
        if len(y) < 20:  # too few rows to hold 10 % out for early stopping
            model.set_params(mlpregressor__early_stopping=False)
    return model.fit(X, y)


def _best_params(model):
    """The hyper-parameters a grid search chose, by their short names; else None."""
    if not isinstance(model, GridSearchCV):
        return None
    return {key.rsplit("__", 1)[-1]: float(v) for key, v in model.best_params_.items()}


def _n_iter(model):
    """Epochs or iterations of the model's last step; the most of them where
    it keeps one count per class (LogisticRegression)."""
    final = model[-1] if isinstance(model, Pipeline) else model
    n_iter = getattr(final, "n_iter_", None)
    return None if n_iter is None else int(np.max(n_iter))


def _standardized_frames(sequences, groups):
    """Each speaker's frames standardised over all that speaker's frames."""
    out = np.empty(len(sequences), dtype=object)
    for group in np.unique(groups):
        rows = np.flatnonzero(groups == group)
        out[rows] = SequenceScaler().fit_transform(sequences[rows])
    return out


def _normalized(X, groups, train, test, normalize, sequences, original=None):
    """The training and test rows, with ``normalize="speaker"`` each speaker's
    features standardised with that speaker's own statistics: those of their
    recordings as read (``original``, a mask of the rows; None: every row),
    which their augmented views share."""
    if normalize == "none":
        return X[train], X[test]
    if sequences:
        return (
            _standardized_frames(X[train], groups[train]),
            _standardized_frames(X[test], groups[test]),
        )
    # The test speakers are unseen in fit: the scaler standardises them on their
    # own rows.
    fit = train if original is None else train[original[train]]
    scaler = GroupStandardScaler().fit(X[fit], groups=groups[fit])
    X_train = scaler.transform(X[train], groups=groups[train])
    return X_train, scaler.transform(X[test], groups=groups[test])


def _normalized_pool(X, groups, normalize, sequences):
    """Unlabeled rows of speakers in no fold (``--unlabeled``): unless
    ``normalize="none"``, each group standardised with its own statistics."""
    if normalize == "none":
        return X
    if sequences:
        return _standardized_frames(X, groups)
    return GroupStandardScaler().fit_transform(X, groups=groups)
