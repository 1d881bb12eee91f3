"""A synthetic stand-in for utterance-level emotion data."""

# License: BSD-3-Clause

import numpy as np
from sklearn.utils import check_random_state


def make_emotion_regression(
    n_samples=200,
    n_features=20,
    n_targets=3,
    n_style=5,
    noise=0.1,
    random_state=None,
):
    """Generate feature vectors driven by emotion and by nuisance "style" factors.

    Each row mixes ``n_targets`` emotion factors (the targets, uniform in
    [-1, 1], like valence, activation and dominance) with ``n_style`` Gaussian
    style factors (like speaker and channel), through a random linear map and a
    ``tanh``, plus Gaussian noise. Useful for tests and quick examples; use real
    speech features for anything else.

    Parameters
    ----------
    n_samples : int, default=200
        Number of rows.
    n_features : int, default=20
        Number of features per row.
    n_targets : int, default=3
        Number of emotion dimensions (target columns).
    n_style : int, default=5
        Number of nuisance factors.
    noise : float, default=0.1
        Standard deviation of the noise added to the features.
    random_state : int, RandomState instance or None, default=None
        Seeds the generator.

    Returns
    -------
    X : ndarray of shape (n_samples, n_features)
        Features.
    y : ndarray of shape (n_samples, n_targets)
        Emotion targets in [-1, 1].

    Examples
    --------
    >>> from aae_sklearn.datasets import make_emotion_regression
    >>> X, y = make_emotion_regression(n_samples=10, random_state=0)
    >>> X.shape, y.shape
    ((10, 20), (10, 3))
    """
    rng = check_random_state(random_state)
    y = rng.uniform(-1, 1, size=(n_samples, n_targets))
    style = rng.normal(size=(n_samples, n_style))
    mixing = rng.normal(size=(n_targets + n_style, n_features))
    mixing /= np.sqrt(n_targets + n_style)
    X = np.tanh(np.hstack([y, style]) @ mixing)
    X += noise * rng.normal(size=X.shape)
    return X, y
