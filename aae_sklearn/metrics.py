"""Metrics and scorers for dimensional speech emotion recognition.

Dimensional emotion targets (valence, activation, dominance, in that column order
throughout this package) are continuous and usually scaled to ``[-1, 1]``. The
field reports two kinds of numbers on them: the concordance correlation
coefficient (CCC), which rewards predictions that agree with the targets in
correlation, mean *and* scale, and the accuracy of the predictions once both are
cut into a few ordered classes (negative / neutral / positive valence).

The ``*_scorer`` objects wrap these metrics with
:func:`sklearn.metrics.make_scorer`, so they can be passed as ``scoring=`` to
:func:`~sklearn.model_selection.cross_val_score`,
:class:`~sklearn.model_selection.GridSearchCV` and friends.
"""

# License: BSD-3-Clause

from numbers import Integral

import numpy as np
from sklearn.metrics import accuracy_score, balanced_accuracy_score, make_scorer
from sklearn.utils import check_array, check_consistent_length

__all__ = [
    "binned_accuracy",
    "binned_accuracy_scorer",
    "ccc_scorer",
    "concordance_correlation_coefficient",
    "valence_accuracy_scorer",
    "valence_uar_scorer",
]

_MULTIOUTPUT_OPTIONS = ("raw_values", "uniform_average")


def _check_targets(y_true, y_pred, *, min_samples):
    """Validate a pair of target arrays and return them as 2-D float arrays.

    1-D inputs become one column, as in :func:`sklearn.metrics.r2_score`.
    """
    arrays = []
    for name, y in (("y_true", y_true), ("y_pred", y_pred)):
        arrays.append(
            check_array(
                y,
                dtype=np.float64,
                ensure_2d=False,
                ensure_min_samples=min_samples,
                input_name=name,
            )
        )
    y_true, y_pred = arrays
    check_consistent_length(y_true, y_pred)
    y_true = y_true.reshape(-1, 1) if y_true.ndim == 1 else y_true
    y_pred = y_pred.reshape(-1, 1) if y_pred.ndim == 1 else y_pred
    if y_true.shape[1] != y_pred.shape[1]:
        raise ValueError(
            "y_true and y_pred have different numbers of outputs: "
            f"{y_true.shape[1]} != {y_pred.shape[1]}."
        )
    return y_true, y_pred


def _aggregate(scores, multioutput):
    """Average per-output ``scores`` as ``multioutput`` asks (see r2_score)."""
    if isinstance(multioutput, str):
        if multioutput not in _MULTIOUTPUT_OPTIONS:
            raise ValueError(
                f"multioutput must be one of {_MULTIOUTPUT_OPTIONS} or an array of "
                f"weights, got {multioutput!r}."
            )
        return scores if multioutput == "raw_values" else float(np.mean(scores))
    weights = check_array(
        multioutput, dtype=np.float64, ensure_2d=False, input_name="multioutput"
    )
    if weights.shape != scores.shape:
        raise ValueError(
            f"multioutput weights must have shape {scores.shape} (one per output), "
            f"got {weights.shape}."
        )
    if np.any(weights < 0) or not np.any(weights > 0):
        raise ValueError(
            "multioutput weights must be non-negative with a positive sum, "
            f"got {weights}."
        )
    return float(np.average(scores, weights=weights))


def concordance_correlation_coefficient(
    y_true, y_pred, *, multioutput="uniform_average"
):
    """Lin's concordance correlation coefficient (CCC), per target column.

    The CCC measures how far the points ``(y_true, y_pred)`` lie from the identity
    line. It is Pearson's correlation scaled down by any difference in mean or
    variance between the two, so it lies in ``[-1, 1]``: 1 only for predictions
    equal to the targets, 0 for constant or uncorrelated predictions, -1 for
    predictions mirrored about the common mean. It is the usual score for
    dimensional emotion regression.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Ground-truth targets.

    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predicted targets, with the same number of samples and outputs as
        ``y_true``. A 1-D array counts as one output.

    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
            (n_outputs,), default="uniform_average"
        How to combine the scores of several outputs: ``"raw_values"`` returns
        one score per output, ``"uniform_average"`` their mean, and an array of
        non-negative weights their weighted mean.

    Returns
    -------
    score : float or ndarray of shape (n_outputs,)
        The CCC, or one per output with ``multioutput="raw_values"``.

    Raises
    ------
    ValueError
        If the inputs are empty, hold fewer than 2 samples, contain NaN or
        infinity, or differ in shape; or if ``multioutput`` is invalid.

    See Also
    --------
    sklearn.metrics.r2_score : Coefficient of determination.
    binned_accuracy : Accuracy after cutting targets into ordered classes.

    Notes
    -----
    With population (``ddof=0``) moments, per column,

    .. math::

        \\rho_c = \\frac{2 s_{tp}}{s_t^2 + s_p^2 + (\\bar t - \\bar p)^2}.

    Where the denominator is zero (both columns constant) the score is 1.0 if
    the two columns are identical and 0.0 otherwise. The score is
    invariant to applying the same affine map ``a * y + b`` (``a != 0``) to both
    arrays, which is used to rescale each column before computing, so that the
    result is accurate for any finite input.

    References
    ----------
    .. [1] L. I-K. Lin, "A concordance correlation coefficient to evaluate
       reproducibility", Biometrics, 45(1), pp. 255-268, 1989.

    Examples
    --------
    >>> from aae_sklearn.metrics import concordance_correlation_coefficient
    >>> round(concordance_correlation_coefficient([1, 2, 3], [2, 2, 4]), 4)
    0.6667
    >>> scores = concordance_correlation_coefficient(
    ...     [[1, 1], [2, 2], [3, 3]], [[2, 3], [2, 2], [4, 1]],
    ...     multioutput="raw_values",
    ... )
    >>> scores.round(4).tolist()
    [0.6667, -1.0]
    """
    y_true, y_pred = _check_targets(y_true, y_pred, min_samples=2)

    # A common rescaling leaves the CCC unchanged and keeps squares and products
    # away from overflow and underflow.
    scale = np.maximum(np.max(np.abs(y_true), axis=0), np.max(np.abs(y_pred), axis=0))
    scale[scale == 0] = 1.0
    t, p = y_true / scale, y_pred / scale

    mean_t, mean_p = t.mean(axis=0), p.mean(axis=0)
    t_c, p_c = t - mean_t, p - mean_p
    covariance = np.mean(t_c * p_c, axis=0)
    denominator = (
        np.mean(t_c * t_c, axis=0) + np.mean(p_c * p_c, axis=0) + (mean_t - mean_p) ** 2
    )
    identical = np.all(y_true == y_pred, axis=0)
    nonzero = denominator > 0
    scores = np.where(identical, 1.0, 0.0)
    scores[nonzero] = 2 * covariance[nonzero] / denominator[nonzero]
    # Rounding can push |score| a hair past 1.
    scores = np.clip(scores, -1.0, 1.0)
    return _aggregate(scores, multioutput)


def _check_thresholds(thresholds):
    try:
        thresholds = np.asarray(thresholds, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"thresholds must be a sequence of numbers, got {thresholds!r}."
        ) from exc
    if thresholds.ndim != 1 or thresholds.size == 0:
        raise ValueError(
            "thresholds must be a non-empty 1-D sequence of numbers, got shape "
            f"{thresholds.shape}."
        )
    if not np.all(np.isfinite(thresholds)):
        raise ValueError(f"thresholds must be finite, got {thresholds}.")
    if np.any(np.diff(thresholds) <= 0):
        raise ValueError(f"thresholds must be strictly increasing, got {thresholds}.")
    return thresholds


def binned_accuracy(
    y_true,
    y_pred,
    *,
    thresholds=(-1 / 3, 1 / 3),
    target=None,
    balanced=False,
    multioutput="uniform_average",
):
    """Classification accuracy of continuous predictions cut into ordered classes.

    Targets and predictions are both cut at the same ``thresholds`` with
    :func:`numpy.digitize`; the default two thresholds give three classes (low /
    mid / high). The score is the accuracy of the predicted classes, or with
    ``balanced=True`` the unweighted average recall (UAR, see
    :func:`sklearn.metrics.balanced_accuracy_score`), per target column.

    The 3-class valence accuracy (negative / neutral / positive, i.e.
    ``target=0`` with the default thresholds) is the headline number of much of
    the speech emotion recognition literature; it lets dimensional regressors be
    compared with categorical classifiers. The default thresholds split
    ``[-1, 1]`` into equal thirds, so they expect targets scaled to ``[-1, 1]``;
    pass other ``thresholds`` for other scales.

    Parameters
    ----------
    y_true : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Ground-truth continuous targets.

    y_pred : array-like of shape (n_samples,) or (n_samples, n_outputs)
        Predicted continuous targets, shaped like ``y_true``.

    thresholds : array-like of float, default=(-1/3, 1/3)
        Strictly increasing, finite class boundaries; ``k`` thresholds make
        ``k + 1`` classes. A value equal to a threshold falls into the class
        above it.

    target : int, default=None
        Score only this output column (0 = valence, 1 = activation,
        2 = dominance by this package's convention). None scores every column.

    balanced : bool, default=False
        If True, score the unweighted average recall over the classes present
        in ``y_true`` instead of the plain accuracy.

    multioutput : {"raw_values", "uniform_average"} or array-like of shape \
            (n_selected_outputs,), default="uniform_average"
        How to combine the scores of the selected columns, as in
        :func:`concordance_correlation_coefficient`.

    Returns
    -------
    score : float or ndarray of shape (n_selected_outputs,)
        The accuracy (or UAR), or one per selected column with
        ``multioutput="raw_values"``.

    Raises
    ------
    ValueError
        If the inputs are empty, contain NaN or infinity, or differ in shape; if
        ``thresholds`` are not finite and strictly increasing; if ``target`` is
        not a valid column index; or if ``multioutput`` is invalid.

    See Also
    --------
    concordance_correlation_coefficient : Agreement of continuous values.
    sklearn.metrics.balanced_accuracy_score : Unweighted average recall.

    Examples
    --------
    >>> from aae_sklearn.metrics import binned_accuracy
    >>> y_true = [-0.9, -0.2, 0.0, 0.5, 0.9, 0.4]
    >>> y_pred = [-0.5, 0.1, -0.6, 0.2, 0.8, 0.9]
    >>> round(binned_accuracy(y_true, y_pred), 4)
    0.6667
    >>> round(binned_accuracy(y_true, y_pred, balanced=True), 4)
    0.7222
    """
    y_true, y_pred = _check_targets(y_true, y_pred, min_samples=1)
    thresholds = _check_thresholds(thresholds)
    if target is not None:
        n_outputs = y_true.shape[1]
        if (
            not isinstance(target, Integral)
            or isinstance(target, bool)
            or not 0 <= target < n_outputs
        ):
            raise ValueError(
                f"target must be None or an int in [0, {n_outputs}) for "
                f"{n_outputs} output(s), got {target!r}."
            )
        y_true, y_pred = y_true[:, [target]], y_pred[:, [target]]

    score_func = balanced_accuracy_score if balanced else accuracy_score
    classes_true = np.digitize(y_true, thresholds)
    classes_pred = np.digitize(y_pred, thresholds)
    scores = np.array(
        [
            score_func(classes_true[:, j], classes_pred[:, j])
            for j in range(classes_true.shape[1])
        ],
        dtype=np.float64,
    )
    return _aggregate(scores, multioutput)


#: Scorer for the mean CCC over all targets (greater is better).
ccc_scorer = make_scorer(concordance_correlation_coefficient)

#: Scorer for the mean 3-class binned accuracy over all targets.
binned_accuracy_scorer = make_scorer(binned_accuracy)

#: Scorer for the 3-class valence accuracy (column 0).
valence_accuracy_scorer = make_scorer(binned_accuracy, target=0)

#: Scorer for the 3-class valence unweighted average recall (column 0).
valence_uar_scorer = make_scorer(binned_accuracy, target=0, balanced=True)
