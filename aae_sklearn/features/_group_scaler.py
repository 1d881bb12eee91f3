"""Standardising features per group: speaker normalisation."""

# License: BSD-3-Clause

import warnings

import numpy as np
import pandas as pd
from sklearn.base import (
    BaseEstimator,
    OneToOneFeatureMixin,
    TransformerMixin,
    _fit_context,
)
from sklearn.utils.validation import (
    FLOAT_DTYPES,
    check_array,
    check_is_fitted,
    validate_data,
)

from ..exceptions import SingleRowGroupWarning
from ..utils._warn import warn


class GroupStandardScaler(OneToOneFeatureMixin, TransformerMixin, BaseEstimator):
    """Standardise each feature within each group (speaker normalisation).

    :class:`~sklearn.preprocessing.StandardScaler` per group: ``fit`` learns,
    for every group (a speaker, usually), the mean and standard deviation of each
    feature over that group's rows, and ``transform`` standardises each row with
    the statistics of its own group. This removes what is constant in a speaker's
    voice (pitch level, loudness, recording channel) and keeps what varies with
    the emotion.

    The groups come from the ``groups`` argument of ``fit`` and ``transform`` or,
    with ``group_column``, from a column of a pandas DataFrame ``X``. Fitted
    without groups, the scaler is a plain
    :class:`~sklearn.preprocessing.StandardScaler` over all rows.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract each group's mean of each feature.
    with_std : bool, default=True
        Divide by each group's standard deviation of each feature (1 where it is
        0).
    group_column : str, default=None
        Name of the column of a pandas DataFrame ``X`` that holds the group
        labels (str or int). The column is not a feature: it is dropped from the
        output. Then ``X`` must be a DataFrame with that column, and the
        ``groups`` argument must not be given.

    Attributes
    ----------
    groups_ : ndarray of shape (n_groups,) or None
        Sorted labels of the training groups; None if fitted without groups.
    mean_ : ndarray of shape (n_groups, n_features)
        Mean of each feature in each training group (zeros if not
        ``with_mean``); fitted without groups, one row: the mean over all rows.
        NaN are ignored; a feature all NaN in a group has a NaN mean.
    scale_ : ndarray of shape (n_groups, n_features)
        Standard deviation of each feature in each training group, 1 where it
        is 0 (ones if not ``with_std``).
    n_groups_ : int
        Number of training groups (1 if fitted without groups).
    n_features_in_ : int
        Number of columns of ``X`` seen in ``fit``, the group column included.
    feature_names_in_ : ndarray of shape (`n_features_in_`,)
        Names of the columns of ``X`` seen in ``fit``, the group column
        included. Defined only when ``X`` has string column names.

    See Also
    --------
    sklearn.preprocessing.StandardScaler : The same over all rows at once.
    SequenceScaler : Standardise the frames of frame sequences.

    Notes
    -----
    Per-speaker standardisation ("speaker normalisation") is the usual first
    step of cross-speaker speech emotion recognition [1]_: emotion shows in how
    a speaker's features move away from that speaker's own neutral level, and
    speakers differ far more in their levels than emotions do.

    **Groups not seen in fit are transductive.** Rows of a group seen in ``fit``
    are standardised with that group's fitted statistics. Rows of a group not
    seen in ``fit`` (a test speaker) are standardised with the statistics of that
    group's own rows in the ``X`` given to ``transform``; no target is used. So
    a new speaker needs several rows (utterances) in one ``transform`` call: the
    output of a row depends on the other rows of its group in that call, and a
    group with a single row becomes zeros (a :class:`UserWarning` says so). In a
    :class:`~sklearn.pipeline.Pipeline`, ``predict`` then needs the groups too:
    route them (``set_transform_request(groups=True)`` under
    ``sklearn.set_config(enable_metadata_routing=True)``) or keep them as a
    column of ``X`` with ``group_column``, which also works where no metadata
    reaches ``predict`` (the scorers of
    :func:`~sklearn.model_selection.cross_val_score`).

    References
    ----------
    .. [1] C. Busso, A. Metallinou and S. S. Narayanan, "Iterative feature
       normalization for emotional speech detection", *IEEE International
       Conference on Acoustics, Speech and Signal Processing (ICASSP)*,
       pp. 5692-5695, 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn.features import GroupStandardScaler
    >>> X = np.array([[1.0], [3.0], [10.0], [30.0]])
    >>> speakers = ["a", "a", "b", "b"]
    >>> scaler = GroupStandardScaler().fit(X, groups=speakers)
    >>> scaler.mean_.ravel(), scaler.scale_.ravel()
    (array([ 2., 20.]), array([ 1., 10.]))
    >>> scaler.transform([[2.0], [40.0]], groups=["a", "b"]).ravel()
    array([0., 2.])

    A speaker not seen in fit is standardised on its own rows:

    >>> scaler.transform([[5.0], [7.0]], groups=["c", "c"]).ravel()
    array([-1.,  1.])
    """

    _parameter_constraints = {
        "with_mean": ["boolean"],
        "with_std": ["boolean"],
        "group_column": [str, None],
    }

    def __init__(self, *, with_mean=True, with_std=True, group_column=None):
        self.with_mean = with_mean
        self.with_std = with_std
        self.group_column = group_column

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, groups=None):
        """Learn the mean and standard deviation of each feature in each group.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The rows; with ``group_column``, a DataFrame that also holds the
            group labels. NaN are ignored in the statistics.
        y : None
            Ignored.
        groups : array-like of shape (n_samples,), default=None
            Group label (a speaker, say) of each row. Without groups (here or in
            ``group_column``) the statistics are those of all rows.

        Returns
        -------
        self : object
            The fitted scaler.
        """
        X, groups = self._check_data(X, groups, reset=True)
        if groups is None:
            self.groups_ = None
            mean, scale = self._moments(X)
            self.mean_, self.scale_ = mean[np.newaxis], scale[np.newaxis]
        else:
            self.groups_, inverse, counts = _index_groups(groups)
            moments = [self._moments(X[inverse == k]) for k in range(len(counts))]
            self.mean_ = np.array([mean for mean, _ in moments])
            self.scale_ = np.array([scale for _, scale in moments])
            _warn_single_rows(self.groups_, counts, "fit")
        self.n_groups_ = len(self.mean_)
        return self

    def transform(self, X, groups=None):
        """Standardise each row with the statistics of its group.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The rows; with ``group_column``, a DataFrame that also holds the
            group labels. NaN stay NaN.
        groups : array-like of shape (n_samples,), default=None
            Group label of each row; needed (here or in ``group_column``) if and
            only if the scaler was fitted with groups. Rows of a group not seen
            in ``fit`` are standardised with the statistics of that group's rows
            in ``X`` (see Notes).

        Returns
        -------
        X_scaled : ndarray of shape (n_samples, n_features)
            The standardised features, the group column left out.
        """
        check_is_fitted(self)
        X, groups = self._check_data(X, groups, reset=False)
        name = type(self).__name__
        if self.groups_ is None:
            if groups is not None:
                raise ValueError(
                    f"This {name} was fitted without groups (one mean and scale "
                    "for all rows), so it cannot standardise per group: fit it "
                    "with groups, or transform without them."
                )
            return ((X - self.mean_[0]) / self.scale_[0]).astype(X.dtype)
        if groups is None:
            raise ValueError(
                f"This {name} was fitted with groups and its statistics are per "
                "group, so transform needs the group of each row: pass "
                "transform(X, groups=...); in a Pipeline, enable metadata routing "
                "(sklearn.set_config(enable_metadata_routing=True)) and call "
                "set_transform_request(groups=True) on the scaler; or keep the "
                "groups in a column of a DataFrame X and set group_column."
            )
        return self._transform_groups(X, groups)

    def fit_transform(self, X, y=None, groups=None):
        """Fit to ``X`` and standardise it, the groups passed to both steps.

        Parameters
        ----------
        X : {array-like, DataFrame} of shape (n_samples, n_features)
            The rows; with ``group_column``, a DataFrame that also holds the
            group labels.
        y : None
            Ignored.
        groups : array-like of shape (n_samples,), default=None
            Group label of each row.

        Returns
        -------
        X_scaled : ndarray of shape (n_samples, n_features)
            The standardised features, the group column left out.
        """
        return self.fit(X, y, groups=groups).transform(X, groups=groups)

    def get_feature_names_out(self, input_features=None):
        """Names of the output features: the input's, but the group column.

        Parameters
        ----------
        input_features : array-like of str, default=None
            Names of the columns of ``X``; by default ``feature_names_in_``, or
            ``x0, x1, ...`` where ``fit`` saw no names.

        Returns
        -------
        feature_names_out : ndarray of str
            The names of the standardised features.
        """
        # One output per input column, but the group column, which is consumed.
        names = super().get_feature_names_out(input_features)
        if self.group_column is None:
            return names
        return names[names != self.group_column]

    def _check_data(self, X, groups, reset):
        """Validated float features and group labels (or None) of ``X``."""
        column = self.group_column
        if column is None:
            X = validate_data(
                self, X, reset=reset, dtype=FLOAT_DTYPES, ensure_all_finite="allow-nan"
            )
        else:
            if groups is not None:
                raise ValueError(
                    f"The groups were given twice: as the groups argument and "
                    f"as the column {column!r} of X (group_column). Give them "
                    "one way."
                )
            if not isinstance(X, pd.DataFrame):
                raise ValueError(
                    f"group_column={column!r} takes the groups from a column of a "
                    f"pandas DataFrame X, but X is a {type(X).__name__}."
                )
            if column not in X.columns:
                raise ValueError(
                    f"X has no column {column!r} (group_column); its columns are "
                    f"{list(X.columns)}."
                )
            # The names and number of all the columns, the group column included.
            validate_data(self, X, reset=reset, skip_check_array=True)
            groups = X[column].to_numpy()
            X = check_array(
                X.drop(columns=column),
                dtype=FLOAT_DTYPES,
                ensure_all_finite="allow-nan",
                estimator=self,
            )
        if groups is None:
            return X, None
        groups = np.asarray(groups)
        if groups.ndim != 1 or len(groups) != len(X):
            raise ValueError(
                f"groups must hold one label per row of X ({len(X)} rows), but "
                f"has shape {groups.shape}."
            )
        return X, groups

    def _moments(self, X):
        """Mean and scale of each feature over the rows of ``X``, NaN ignored."""
        with warnings.catch_warnings():
            # A feature all NaN has no statistics: NaN, as in StandardScaler.
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(X, axis=0, dtype=np.float64)
            var = np.nanvar(X, axis=0, dtype=np.float64)
        n = np.sum(~np.isnan(X), axis=0)
        # StandardScaler's bound: a variance this small is rounding, not data.
        eps = np.finfo(np.float64).eps
        constant = var <= n * eps * var + (n * mean * eps) ** 2
        scale = np.where(constant, 1.0, np.sqrt(var))
        if not self.with_mean:
            mean = np.zeros_like(mean)
        if not self.with_std:
            scale = np.ones_like(scale)
        return mean, scale

    def _transform_groups(self, X, groups):
        """Standardise each group's rows: fitted statistics, or its own if new."""
        labels, inverse, counts = _index_groups(groups)
        fitted = {label: k for k, label in enumerate(self.groups_.tolist())}
        out = np.empty_like(X)
        new = []
        for j, label in enumerate(labels.tolist()):
            rows = inverse == j
            if label in fitted:
                k = fitted[label]
                mean, scale = self.mean_[k], self.scale_[k]
            else:
                new.append(j)
                mean, scale = self._moments(X[rows])
            out[rows] = (X[rows] - mean) / scale
        _warn_single_rows(labels[new], counts[new], "transform")
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.transformer_tags.preserves_dtype = ["float64", "float32"]
        return tags


def _index_groups(groups):
    """Sorted distinct labels, each row's index into them, and their counts."""
    try:
        return np.unique(groups, return_inverse=True, return_counts=True)
    except TypeError as exc:
        raise ValueError(
            "The group labels must be comparable with each other (all str or all "
            f"int, no missing values): {exc}"
        ) from exc


def _warn_single_rows(labels, counts, method):
    """Warn about the groups of a single row, whose scale cannot be estimated."""
    single = labels[counts == 1].tolist()
    if not single:
        return
    hint = (
        "; a group not seen in fit needs several rows in one transform call"
        if method == "transform"
        else ""
    )
    warn(
        f"{len(single)} group(s) with a single row in {method}: {single}. Their "
        "mean is that row and their scale is 1 (a standard deviation needs two "
        f"rows){hint}.",
        SingleRowGroupWarning,
    )
