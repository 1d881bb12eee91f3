"""Standardising frame sequences, one feature at a time, over all their frames."""

# License: BSD-3-Clause

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils.validation import check_is_fitted

from ..utils._inputs import check_sequences


class SequenceScaler(TransformerMixin, BaseEstimator, auto_wrap_output_keys=None):
    """Standardise each feature of frame sequences over all their real frames.

    The sequence counterpart of :class:`~sklearn.preprocessing.StandardScaler`:
    ``fit`` learns, per feature, the mean and standard deviation over every frame
    of every sequence (padding excluded), and ``transform`` applies them to each
    frame. The estimators of this package standardise their inputs themselves;
    this scaler serves other sequence models and pipelines.

    Parameters
    ----------
    with_mean : bool, default=True
        Subtract the mean of each feature.
    with_std : bool, default=True
        Divide by the standard deviation of each feature (1 where it is 0).

    Attributes
    ----------
    mean_ : ndarray of shape (n_features,)
        Mean of each feature over the training frames (zeros if not
        ``with_mean``).
    scale_ : ndarray of shape (n_features,)
        Standard deviation of each feature (ones if not ``with_std``).
    n_features_in_ : int
        Number of features per frame.
    n_frames_seen_ : int
        Number of frames the statistics were computed on.

    See Also
    --------
    FrameFeatures : Frame sequences from audio.

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn.features import SequenceScaler
    >>> X = [np.array([[1.0, 10.0], [3.0, 30.0]]), np.array([[2.0, 20.0]])]
    >>> scaled = SequenceScaler().fit_transform(X)
    >>> scaled.shape, scaled[1]
    ((2,), array([[0., 0.]], dtype=float32))
    """

    _parameter_constraints = {"with_mean": ["boolean"], "with_std": ["boolean"]}

    def __init__(self, *, with_mean=True, with_std=True):
        self.with_mean = with_mean
        self.with_std = with_std

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the mean and standard deviation of each feature.

        Parameters
        ----------
        X : list of array-like, or ndarray of shape (n_samples, n_steps, n_features)
            The sequences, each of shape (n_frames_i, n_features); in a 3-D
            array, frames whose features are all NaN at the end of a row are
            padding.
        y : None
            Ignored.

        Returns
        -------
        self : object
            The fitted scaler.
        """
        sequences = check_sequences(X)
        mean, scale = sequences.moments()
        self.mean_ = mean if self.with_mean else np.zeros_like(mean)
        self.scale_ = scale if self.with_std else np.ones_like(scale)
        self.n_features_in_ = sequences.n_features
        self.n_frames_seen_ = int(sequences.lengths.sum())
        return self

    def transform(self, X):
        """Standardise every frame.

        Parameters
        ----------
        X : list of array-like, or ndarray of shape (n_samples, n_steps, n_features)
            The sequences, each of shape (n_frames_i, n_features).

        Returns
        -------
        X_scaled : ndarray of shape (n_samples,), dtype=object
            One float32 array of shape (n_frames_i, n_features) per sequence.
        """
        check_is_fitted(self)
        sequences = check_sequences(X, n_features=self.n_features_in_)
        scaled = sequences.scaled(self.mean_, self.scale_)
        out = np.empty(len(scaled), dtype=object)
        for i, n in enumerate(scaled.lengths):
            out[i] = scaled.frames[i, :n]
        return out

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.three_d_array = True
        return tags
