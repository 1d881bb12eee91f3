"""Checks of targets and layer sizes, the validation split and its score."""

# License: BSD-3-Clause

import math
import os
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array

from ..metrics import concordance_correlation_coefficient

METRICS = {
    "ccc": concordance_correlation_coefficient,
    "r2": r2_score,
    "neg_mean_squared_error": lambda y_true, y_pred: (
        -mean_squared_error(y_true, y_pred)
    ),
}

# The parameters every emotion estimator shares, as scikit-learn validates them.
PARAMETER_CONSTRAINTS = {
    "encoder": [StrOptions({"auto", "mlp", "cnn", "gru"})],
    "frame_pooling": [Interval(Integral, 1, None, closed="left")],
    "hidden_layer_sizes": [
        Interval(Integral, 1, None, closed="left"),
        tuple,
        list,
        StrOptions({"auto"}),
    ],
    "activation": [StrOptions({"relu", "tanh", "leaky_relu"})],
    "dropout": [Interval(Real, 0, 1, closed="left")],
    "alpha": [Interval(Real, 0, None, closed="left")],
    "loss": [StrOptions({"ccc", "mse"})],
    "input_scaling": [StrOptions({"auto", "quantile", "standard"})],
    "batch_size": [Interval(Integral, 1, None, closed="left")],
    "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
    "max_iter": [Interval(Integral, 1, None, closed="left")],
    "early_stopping": ["boolean"],
    "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
    "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
    "tol": [Interval(Real, 0, None, closed="left")],
    "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
    "checkpoint": [str, os.PathLike, None],
    "checkpoint_every": [Interval(Integral, 1, None, closed="left")],
    "scoring": [StrOptions(set(METRICS)), callable],
    "device": [str],
    "n_threads": [
        Interval(Integral, 1, None, closed="left"),
        StrOptions({"auto"}),
        None,
    ],
    "random_state": ["random_state"],
    "verbose": ["verbose"],
    "warm_start": ["boolean"],
}


def score_columns(y_true, y_pred, *, metric, y_mean, y_scale):
    """Mean of ``metric`` over target columns, in original units, ignoring NaN."""
    y_true = y_true * y_scale + y_mean
    y_pred = y_pred * y_scale + y_mean
    scores = []
    for j in range(y_true.shape[1]):
        known = ~np.isnan(y_true[:, j])
        if known.sum() >= 2:
            scores.append(metric(y_true[known, j], y_pred[known, j]))
    return float(np.mean(scores)) if scores else np.nan


def layer_sizes(sizes, name):
    """``sizes`` (the parameter ``name``) as a tuple of positive ints, or
    ValueError."""
    if isinstance(sizes, Integral):
        sizes = (sizes,)
    if not all(isinstance(s, Integral) and s > 0 for s in sizes):
        raise ValueError(f"{name} must hold positive integers, got {sizes!r}.")
    return tuple(int(s) for s in sizes)


def check_same_length(X, y):
    """Raise unless ``X`` and ``y`` have as many rows."""
    if len(y) != len(X):
        raise ValueError(f"X has {len(X)} rows but y has {len(y)}; they must match.")


def validate_targets(X, y, estimator_name):
    """``y``'s number of dimensions and ``y`` as 2-D floats, checked against
    ``X``: NaN marks a missing label; at least one label per column."""
    if y is None:
        raise ValueError(
            f"{estimator_name} requires y to be passed, but the target y is None. "
            "Mark unlabeled rows with NaN targets."
        )
    y = check_array(
        y,
        ensure_2d=False,
        dtype=np.float64,
        ensure_all_finite="allow-nan",
        input_name="y",
    )
    if y.ndim > 2:
        raise ValueError(f"y must be 1-D or 2-D, got shape {y.shape}.")
    check_same_length(X, y)
    Y = y.reshape(len(y), -1)
    if np.isinf(Y).any():
        raise ValueError("y contains infinity; use NaN to mark a missing label.")
    if np.isnan(Y).all():
        raise ValueError(
            "y has no labeled rows: every target is NaN. At least one labeled "
            "row is needed to learn the emotion dimensions."
        )
    unlabeled_columns = np.flatnonzero(np.isnan(Y).all(axis=0))
    if len(unlabeled_columns):
        raise ValueError(
            f"target column(s) {unlabeled_columns.tolist()} hold no label at all."
        )
    return y.ndim, Y


def target_names(y):
    """The column names of a DataFrame ``y`` (or a named Series), else None."""
    names = getattr(y, "columns", None)
    if names is None and getattr(y, "name", None) is not None:
        names = [y.name]
    if names is None:
        return None
    return np.asarray([str(c) for c in names], dtype=object)


def split_validation(Y, validation_fraction, rng, sources=None):
    """Indices of training and validation rows (validation: labeled rows).

    With ``sources`` (one int per row, from :func:`check_sources`), the
    validation set is drawn source by source: a recording and its views fall
    on one side.
    """
    n = len(Y)
    labeled = np.flatnonzero(~np.isnan(Y).all(axis=1))
    groups = labeled if sources is None else np.unique(sources[labeled])
    n_valid = max(2, math.ceil(validation_fraction * len(groups)))
    if len(groups) - n_valid < 1:
        what = "labeled rows" if sources is None else "labeled sources"
        raise ValueError(
            "early_stopping=True sets aside a validation set of at least 2 "
            f"{what} and trains on the rest, but only {len(groups)} {what} "
            "were given. Pass more data or early_stopping=False."
        )
    chosen = rng.choice(groups, size=n_valid, replace=False)
    if sources is None:
        valid = np.sort(chosen)
    else:
        valid = np.flatnonzero(np.isin(sources, chosen))
    return np.setdiff1d(np.arange(n), valid), valid


def check_sources(sources, Y):
    """``sources`` as one int per row of the 2-D targets ``Y``: the
    recording each row was made from, so that the views of one recording share
    a value. The views of a recording must share their targets (all NaN where
    it is unlabeled)."""
    sources = np.asarray(sources)
    if sources.ndim != 1 or len(sources) != len(Y):
        raise ValueError(
            f"sources must hold one value per row of X ({len(Y)}), got shape "
            f"{sources.shape}."
        )
    if pd.isna(sources).any():
        raise ValueError(
            "sources holds missing values; every row needs the id of the "
            "recording it was made from."
        )
    codes, _ = pd.factorize(sources)  # in the order of first appearance
    order = np.argsort(codes, kind="stable")
    same = codes[order][1:] == codes[order][:-1]
    first, second = Y[order][:-1][same], Y[order][1:][same]
    differ = ~((first == second) | (np.isnan(first) & np.isnan(second))).all(axis=1)
    if differ.any():
        source = sources[order][1:][same][differ][0].tolist()
        raise ValueError(
            f"the views of source {source!r} have different targets; the views "
            "of a recording share its labels, and are all unlabeled where it "
            "is."
        )
    return codes


def resolve_encoder(encoder, kind):
    """The encoder for inputs of ``kind``: the parameter ``encoder``, or chosen
    by it ("auto"); ValueError where it cannot read them."""
    if encoder == "auto":
        return "mlp" if kind == "vectors" else "cnn"
    if (encoder == "mlp") != (kind == "vectors"):
        wanted = "2-D feature vectors" if encoder == "mlp" else "sequences"
        raise ValueError(
            f"encoder={encoder!r} takes {wanted}, but X holds "
            f"{'feature vectors' if kind == 'vectors' else 'frame sequences'}; "
            "use encoder='auto' to choose from the input."
        )
    return encoder


# -- hooks of the model-file registry (see _persistence.register) --------------


# hidden_layer_sizes="auto" per encoder: convolutions and GRUs run once per
# (pooled) frame, so frame models get narrower layers (the frame study in
# benchmarks/bench_frames.py: a frame fit in a minute on 2 CPU cores).
_AUTO_HIDDEN = {"mlp": (256, 128), "cnn": (64, 64), "gru": (64, 64)}


def _layer_sizes(estimator, name, encoder_kind=None):
    """The parameter ``name`` of ``estimator`` as a tuple of positive ints;
    ``"auto"`` resolved for ``encoder_kind`` (None: only checked)."""
    sizes = getattr(estimator, name)
    if isinstance(sizes, str) and sizes == "auto":
        return None if encoder_kind is None else _AUTO_HIDDEN[encoder_kind]
    return layer_sizes(sizes, name)


def _architecture(estimator):
    """An uninitialised net of the fitted ``estimator``'s architecture, for
    :mod:`._persistence` (emotion prior: Gaussian, for want of labels)."""
    hidden = _layer_sizes(estimator, "hidden_layer_sizes", estimator._encoder_kind)
    return estimator._build_net(
        estimator.n_features_in_, estimator.n_outputs_, None, hidden
    )


def _check_params(estimator):
    """Validate ``estimator``'s parameters as ``fit`` does (for load)."""
    estimator._validate_params()
    for name in estimator._layer_parameters:
        _layer_sizes(estimator, name)
