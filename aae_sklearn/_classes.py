"""What the emotion classifiers share: class labels, unlabeled rows marked -1,
class weights, the validation score and the predictions of classes."""

# License: BSD-3-Clause

from functools import partial
from numbers import Integral, Real

import numpy as np
from scipy.special import softmax
from sklearn.metrics import accuracy_score, balanced_accuracy_score
from sklearn.utils._param_validation import StrOptions
from sklearn.utils.class_weight import compute_class_weight
from sklearn.utils.multiclass import check_classification_targets
from sklearn.utils.validation import check_is_fitted, column_or_1d

from ._base import FITTED_ATTRIBUTES
from .utils._docstrings import _COMMON_PARAMS_DOC, _x_doc
from .utils._validation import PARAMETER_CONSTRAINTS, check_same_length

# The label of unlabeled rows, as in scikit-learn's semi-supervised estimators.
UNLABELED = -1
CLASS_METRICS = {
    "balanced_accuracy": balanced_accuracy_score,  # unweighted average recall
    "accuracy": accuracy_score,  # weighted accuracy
}

CLASSIFIER_CONSTRAINTS = {
    **{k: v for k, v in PARAMETER_CONSTRAINTS.items() if k != "loss"},
    "class_weight": [StrOptions({"balanced"}), dict, None],
    "scoring": [StrOptions(set(CLASS_METRICS)), callable],
}

_LOSS_DOC = _COMMON_PARAMS_DOC[
    _COMMON_PARAMS_DOC.index("    loss : ") : _COMMON_PARAMS_DOC.index(
        "    input_scaling : "
    )
]
_SCORING_DOC = _COMMON_PARAMS_DOC[
    _COMMON_PARAMS_DOC.index("    scoring : ") : _COMMON_PARAMS_DOC.index(
        "    device : "
    )
]
CLASSIFIER_PARAMS_DOC = _COMMON_PARAMS_DOC.replace(
    _LOSS_DOC,
    """    class_weight : dict, "balanced" or None, default="balanced"
        Weights of the classes in the cross-entropy of the labeled rows:
        ``"balanced"``, each class weighing ``n_labeled / (n_classes * count)``
        (:func:`~sklearn.utils.class_weight.compute_class_weight`), as the
        unweighted average recall (UAR) the field scores asks; a dict
        ``{class_label: weight}`` (classes left out weigh 1); None: all alike.
        On RAVDESS actors 1-12 "balanced" raised the UAR of both classifiers
        at every labeled fraction (``benchmarks/bench_classes.py``).
""",
).replace(
    _SCORING_DOC,
    """    scoring : {"balanced_accuracy", "accuracy"} or callable, \
default="balanced_accuracy"
        Validation score of early stopping: ``"balanced_accuracy"``, the
        unweighted average recall (UAR) of the field; ``"accuracy"``, the
        weighted accuracy (WA). A callable is a metric ``metric(y_true,
        y_pred) -> float`` on class labels, greater is better.
""",
)

CLASSIFIER_ATTRS_DOC = """
    classes_ : ndarray of shape (n_classes,)
        The class labels, sorted.
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of the features seen during fit, when ``X`` has string column names.
    n_outputs_ : int
        Number of class logits: ``len(classes_)``.
    net_ : skorch.NeuralNet
        The training engine, holding the torch modules and optimizers.
    history_ : pandas.DataFrame
        One row per epoch (index ``epoch``): the mean loss of each phase, the
        validation loss (cross-entropy) and score, and the epoch's duration in
        seconds (``time``).
    n_iter_ : int
        Number of epochs run, over all warm-started fits.
    best_score_ : float or None
        Best validation score, the one of the restored weights (None without
        early stopping)."""


def _is_unlabeled(value):
    return (
        isinstance(value, Integral | Real)
        and not isinstance(value, bool)
        and value == UNLABELED
    )


def _score_classes(y_true, logits, *, metric, classes):
    """``metric`` of the class labels of validation rows and their predictions."""
    known = ~np.isnan(y_true[:, 0])
    true = classes[y_true[known, 0].astype(np.intp)]
    return float(metric(true, classes[logits[known].argmax(axis=1)]))


class _ClassifierPlumbing:
    """Class labels instead of continuous targets; a mixin of the classifiers,
    before :class:`~aae_sklearn._base._BaseEmotionEstimator` in their bases."""

    _fitted_attributes = {**FITTED_ATTRIBUTES, "classes_": "json"}
    _set_before_fit = ("feature_names_in_", "target_names_", "classes_")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = False
        return tags

    def _loss_params(self):
        return {"class_weight": getattr(self, "_class_weight", None)}

    def _check_targets(self, X, y):
        """Class indices of ``y`` as one column of floats, NaN where ``y`` is
        -1 (unlabeled); sets ``classes_`` (checked against the fitted ones for a
        warm start) and the class weights."""
        name = type(self).__name__
        if y is None:
            raise ValueError(
                f"{name} requires y to be passed, but the target y is None. "
                f"Mark unlabeled rows with the label {UNLABELED}."
            )
        y = column_or_1d(y, warn=True)
        check_same_length(X, y)
        labeled = ~np.fromiter((_is_unlabeled(v) for v in y), bool, len(y))
        if not labeled.any():
            raise ValueError(
                f"y has no labeled rows: every label is {UNLABELED} (unlabeled)."
            )
        # Strings mixed with the -1 of unlabeled rows are of no target type.
        check_classification_targets(y[labeled])
        classes, codes = np.unique(y[labeled], return_inverse=True)
        if len(classes) < 2:
            raise ValueError(
                f"{name} needs labeled rows of at least 2 classes; y has only one "
                f"class, {classes[0]!r}."
            )
        fitted = getattr(self, "classes_", None)
        if hasattr(self, "net_") and self.warm_start and fitted is not None:
            if not np.array_equal(fitted, classes):
                raise ValueError(
                    f"warm_start=True continues a model of the classes "
                    f"{fitted.tolist()}, but y has {classes.tolist()}."
                )
        self.classes_ = classes
        self._class_weight = None
        if self.class_weight is not None:
            weights = compute_class_weight(
                self.class_weight, classes=classes, y=y[labeled]
            )
            self._class_weight = weights.tolist()
        Y = np.full((len(y), 1), np.nan)
        Y[labeled, 0] = codes
        return 1, Y

    def _target_scaling(self, Y):
        return np.zeros(1), np.ones(1)

    def _n_outputs(self, Y):
        return len(self.classes_)

    def _validation_metric(self):
        metric = CLASS_METRICS.get(self.scoring, self.scoring)
        return partial(_score_classes, metric=metric, classes=self.classes_)

    @_x_doc
    def predict_proba(self, X):
        """Probability of each class (the softmax of the class logits).

        %(parameters_X)s

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        return softmax(self._emotion_part(X), axis=1)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or sequences
            Inputs of the kind seen in ``fit``.

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        logits = self._emotion_part(X)
        return logits - np.logaddexp.reduce(logits, axis=1, keepdims=True)

    @_x_doc
    def predict(self, X):
        """Predict the emotion class of ``X``.

        %(parameters_X)s

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
            The most probable class of each row, one of ``classes_``.
        """
        check_is_fitted(self)  # before classes_ is read
        return self.classes_[self._emotion_part(X).argmax(axis=1)]
