"""Input scaling of the estimators: standardisation or a quantile-normal map,
and the warning about inputs far outside the training data."""

# License: BSD-3-Clause

import numpy as np
from sklearn.preprocessing import QuantileTransformer

from ._warn import warn
from .exceptions import FarOutInputWarning

# Inputs this many training standard deviations out make the networks extrapolate.
FAR_OUT = 50.0


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
        quantiles = QuantileTransformer(
            n_quantiles=min(1000, len(values)),
            output_distribution="normal",
            subsample=100_000,
            random_state=seed,
        ).fit(values)
    return mean, scale, quantiles


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
    return X.mapped(quantiles.transform)


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
