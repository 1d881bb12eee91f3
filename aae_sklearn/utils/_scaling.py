"""Input scaling of the estimators: standardisation or a quantile-normal map,
and the warnings about inputs, and predictions, far outside the training data."""

# License: BSD-3-Clause

from functools import partial

import numpy as np
from scipy.special import ndtri
from sklearn.preprocessing import QuantileTransformer
from sklearn.preprocessing._data import BOUNDS_THRESHOLD

from ..exceptions import FarOutInputWarning, FarOutPredictionWarning
from ._warn import warn

# Inputs this many training standard deviations out make the networks extrapolate.
FAR_OUT = 50.0
# Predictions this many training standard deviations from the training targets'
# mean lie far outside them (see FarOutPredictionWarning).
FAR_PREDICTION = 5.0
# Rows of a quantile-normal map's training data beyond which they are subsampled.
SUBSAMPLE = 100_000


def fit_input_scaling(X, input_scaling, seed):
    """Learn the scaling of the training rows ``X`` (:class:`Vectors` or
    :class:`Sequences`).

    Returns the per-feature mean and standard deviation, and the fitted
    quantile-normal map, or None where ``input_scaling`` resolves to
    ``"standard"`` ("auto": quantiles for vectors, standardisation for frames).
    """
    mean, scale = X.moments()
    if input_scaling == "auto":
        input_scaling = "quantile" if X.kind == "vectors" else "standard"
    quantiles = None
    if input_scaling == "quantile":
        values, _ = X.real_values()
        # Two at least, for a map (and a model file) of one training row.
        n_quantiles = max(2, min(1000, len(values)))
        if len(values) > SUBSAMPLE:
            quantiles = QuantileTransformer(
                n_quantiles=n_quantiles,
                output_distribution="normal",
                subsample=SUBSAMPLE,
                random_state=seed,
            ).fit(values)
        else:
            quantiles = quantile_transformer(_quantiles(values, n_quantiles))
    return mean, scale, quantiles


def _quantiles(values, n_quantiles):
    """The quantiles (n_quantiles, n_features) that QuantileTransformer.fit
    finds in ``values`` (all rows: no more than it subsamples), up to rounding.

    One sort of each column instead of ``np.nanpercentile``'s partition around
    each of the ``n_quantiles`` points, which took a quarter of a short fit.
    """
    ordered = np.sort(values, axis=0)
    # numpy's "linear" method: between the order statistics around q (n - 1).
    position = np.linspace(0, 1, n_quantiles) * (len(ordered) - 1)
    below = np.floor(position).astype(np.intp)
    above = np.minimum(below + 1, len(ordered) - 1)
    gamma = (position - below)[:, np.newaxis]
    low, high = ordered[below], ordered[above]
    step = high - low
    # numpy's lerp, from the nearer end, so that the quantiles stay monotonic.
    quantiles = np.where(gamma >= 0.5, high - step * (1 - gamma), low + step * gamma)
    return np.maximum.accumulate(quantiles)  # as QuantileTransformer.fit does


def quantile_transformer(quantiles):
    """A fitted normal-output QuantileTransformer with these ``quantiles``
    (n_quantiles, n_features): how a loaded model rebuilds its input scaling."""
    n_quantiles, n_features = quantiles.shape
    transformer = QuantileTransformer(
        n_quantiles=n_quantiles, output_distribution="normal"
    )
    transformer.quantiles_ = quantiles
    transformer.references_ = np.linspace(0, 1, n_quantiles)
    transformer.n_quantiles_ = n_quantiles
    transformer.n_features_in_ = n_features
    return transformer


def scale_inputs(X, mean, scale, quantiles, *, warn=False, feature_names=None):
    """``X`` as the networks take it; ``warn``: about far-out rows too."""
    if warn or quantiles is None:
        standard = X.scaled(mean, scale)
    if warn:
        warn_far_out(standard, quantiles is not None, feature_names)
    if quantiles is None:
        return standard
    # Values beyond the training range map to the outermost quantiles.
    return X.mapped(partial(quantile_normal, quantiles))


def quantile_normal(transformer, values):
    """``transformer.transform(values)`` for a fitted normal-output
    :class:`~sklearn.preprocessing.QuantileTransformer`, the same numbers.

    scikit-learn's loop over the columns calls ``scipy.stats.norm.ppf`` three
    times per column, whose argument checks took more time than the map on
    a few thousand rows; here ``ndtri`` runs once, on the whole array.
    """
    quantiles, references = transformer.quantiles_, transformer.references_
    values = np.asarray(values, dtype=np.float64)
    uniform = np.empty_like(values)
    for j in range(values.shape[1]):
        column, knots = values[:, j], quantiles[:, j]
        # Up the knots and down again: repeated quantiles map to their middle.
        uniform[:, j] = 0.5 * (
            np.interp(column, knots, references)
            - np.interp(-column, -knots[::-1], -references[::-1])
        )
    with np.errstate(invalid="ignore"):  # NaN stays NaN, as in scikit-learn
        uniform[values + BOUNDS_THRESHOLD > quantiles[-1]] = 1
        uniform[values - BOUNDS_THRESHOLD < quantiles[0]] = 0
    edge = BOUNDS_THRESHOLD - np.spacing(1)
    return np.clip(ndtri(uniform), ndtri(edge), ndtri(1 - edge))


def warn_far_out(Xs, quantile_scaling, feature_names=None):
    """Warn when standardised inputs ``Xs`` lie far outside the training data."""
    values, rows = Xs.real_values()
    far = np.abs(values) > FAR_OUT
    if not far.any():
        return
    line, column = np.unravel_index(np.abs(values).argmax(), values.shape)
    feature = (
        f"feature {column}" if feature_names is None else repr(feature_names[column])
    )
    if quantile_scaling:
        advice = (
            "input_scaling maps them to the outermost training quantiles, but "
            "the outputs there rest on the edge of the training data."
        )
    else:
        advice = (
            "the outputs there are extrapolations. Heavy-tailed features, such "
            "as eGeMAPS's *_stddevNorm, are safer with input_scaling='quantile'."
        )
    warn(
        f"{len(np.unique(rows[far.any(axis=1)]))} row(s) of X lie more than "
        f"{FAR_OUT:g} training standard deviations out (worst: {feature} of "
        f"row {rows[line]}, {values[line, column]:.3g}); {advice}",
        FarOutInputWarning,
    )


def warn_far_predictions(y_pred, y_mean, y_scale, target_names=None):
    """Warn when predictions ``y_pred`` (2-D, in the targets' units) lie more
    than ``FAR_PREDICTION`` training standard deviations ``y_scale`` from the
    training targets' mean ``y_mean``."""
    z = np.abs(y_pred - y_mean) / y_scale
    far = z > FAR_PREDICTION
    if not far.any():
        return
    row, column = np.unravel_index(np.nanargmax(z), z.shape)
    target = f"target {column}" if target_names is None else target_names[column]
    warn(
        f"{far.any(axis=1).sum()} of {len(y_pred)} predictions lie more than "
        f"{FAR_PREDICTION:g} training standard deviations from the training "
        f"targets' mean (worst: {target} of row {row}, {y_pred[row, column]:.3g}, "
        f"where the training targets had mean {y_mean[column]:.3g} and standard "
        f"deviation {y_scale[column]:.3g}). The networks extrapolate there, most "
        "where X differs from the training data (another corpus, other features "
        "or another normalisation).",
        FarOutPredictionWarning,
    )
