"""The two kinds of input: utterance-level feature vectors and frame sequences.

The estimators validate ``X`` into a :class:`Vectors` or a :class:`Sequences`
object; both offer the same small interface (row selection, concatenation,
standardisation, the arrays handed to torch), so that the training plumbing does
not branch on the kind of input.
"""

# License: BSD-3-Clause

import numpy as np
from sklearn.utils.validation import validate_data


def _standardizer(values):
    """Column means and scales (1 where a column is constant), ignoring NaN."""
    mean = np.nanmean(values, axis=0)
    scale = np.nanstd(values, axis=0)
    scale[~(scale > 1e-12)] = 1.0
    return mean, scale


class Vectors:
    """Feature vectors, a float64 array of shape (n_samples, n_features)."""

    kind = "vectors"

    def __init__(self, values):
        self.values = values

    def __len__(self):
        return len(self.values)

    @property
    def n_features(self):
        return self.values.shape[1]

    def take(self, idx):
        return Vectors(self.values[idx])

    def concat(self, other):
        return Vectors(np.vstack([self.values, other.values]))

    def moments(self):
        return _standardizer(self.values)

    def scaled(self, mean, scale):
        return Vectors((self.values - mean) / scale)

    def mapped(self, function):
        """The vectors passed through ``function`` (2-D array to 2-D array)."""
        return Vectors(function(self.values))

    def arrays(self):
        """The float32 arrays a network's ``forward`` takes."""
        # Values beyond float32's range become inf, which predict reports.
        with np.errstate(over="ignore"):
            return (self.values.astype(np.float32),)

    def real_values(self):
        """The values as a 2-D array, with the row of ``X`` each line belongs to."""
        return self.values, np.arange(len(self.values))

    def chunks(self, size):
        """Row indices and arrays of consecutive prediction batches."""
        for start in range(0, len(self), size):
            idx = np.arange(start, min(start + size, len(self)))
            yield idx, self.take(idx).arrays()


class Sequences:
    """Frame sequences, zero-padded: frames (n, n_steps, n_features), lengths (n,).

    Frames beyond a sequence's length are zero and never enter a statistic.
    """

    kind = "sequences"

    def __init__(self, frames, lengths):
        self.frames = frames
        self.lengths = lengths

    def __len__(self):
        return len(self.lengths)

    @property
    def n_features(self):
        return self.frames.shape[2]

    def _mask(self):
        return np.arange(self.frames.shape[1]) < self.lengths[:, None]

    def take(self, idx):
        lengths = self.lengths[idx]
        n_steps = int(lengths.max()) if len(lengths) else 0
        return Sequences(self.frames[idx, :n_steps], lengths)

    def concat(self, other):
        n_steps = max(self.frames.shape[1], other.frames.shape[1])
        shape = (len(self) + len(other), n_steps, self.n_features)
        frames = np.zeros(shape, dtype=np.float32)
        frames[: len(self), : self.frames.shape[1]] = self.frames
        frames[len(self) :, : other.frames.shape[1]] = other.frames
        return Sequences(frames, np.concatenate([self.lengths, other.lengths]))

    def moments(self):
        return _standardizer(self.frames[self._mask()].astype(np.float64))

    def scaled(self, mean, scale):
        frames = (self.frames - mean.astype(np.float32)) / scale.astype(np.float32)
        frames[~self._mask()] = 0.0
        return Sequences(frames, self.lengths)

    def mapped(self, function):
        """The sequences with ``function`` (2-D array to 2-D array) applied to
        their real frames."""
        mask = self._mask()
        frames = np.zeros_like(self.frames)
        frames[mask] = function(self.frames[mask])
        return Sequences(frames, self.lengths)

    def arrays(self):
        return self.frames, self.lengths.astype(np.int64)

    def real_values(self):
        mask = self._mask()
        return self.frames[mask], np.nonzero(mask)[0]

    def chunks(self, size):
        # Similar lengths together, so that little of each batch is padding.
        order = np.argsort(self.lengths, kind="stable")
        for start in range(0, len(self), size):
            idx = order[start : start + size]
            yield idx, self.take(idx).arrays()


def is_sequence_input(X):
    """Whether ``X`` holds frame sequences rather than feature vectors.

    Sequences come as a 3-D numeric array (NaN-padded), or as a list, tuple or
    1-D object array whose items are 2-D arrays of frames.
    """
    if hasattr(X, "iloc") or hasattr(X, "toarray"):
        return False
    if isinstance(X, np.ndarray):
        if X.ndim == 3:
            return True
        if X.dtype != object or X.ndim != 1:
            return False
    elif not isinstance(X, (list, tuple)):
        return False
    return len(X) > 0 and all(np.ndim(item) == 2 for item in X)


def _check_frames(item, i, input_name):
    """One sequence as a float32 (n_frames, n_features) array, or ValueError."""
    try:
        frames = np.asarray(item, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"Sequence {i} of {input_name} does not hold numbers: {exc}"
        ) from exc
    if len(frames) == 0:
        raise ValueError(f"Sequence {i} of {input_name} is empty (0 frames).")
    bad = ~np.isfinite(frames)
    if bad.any():
        frame = int(np.nonzero(bad.any(axis=1))[0][0])
        what = "NaN" if np.isnan(frames[frame]).any() else "infinity"
        raise ValueError(
            f"Sequence {i} of {input_name} contains {what} (first in frame "
            f"{frame}). Drop or repair such frames; NaN marks padding only at "
            "the end of a 3-D array."
        )
    return frames


def _unpad(X, input_name):
    """The sequences of a NaN-padded 3-D array, as a list of 2-D arrays."""
    if not np.issubdtype(X.dtype, np.number):
        raise ValueError(f"A 3-D {input_name} must be numeric, got dtype {X.dtype}.")
    real = ~np.isnan(X).all(axis=2)
    lengths = np.where(real.any(axis=1), X.shape[1] - np.argmax(real[:, ::-1], 1), 0)
    return [X[i, :n] for i, n in enumerate(lengths)]


def check_sequences(X, *, n_features=None, input_name="X"):
    """Validate frame sequences and pad them with zeros.

    Parameters
    ----------
    X : list of array-like, or ndarray of shape (n_samples, n_steps, n_features)
        The sequences, each of shape (n_frames_i, n_features); in a 3-D array,
        frames whose features are all NaN at the end of a row are padding.
    n_features : int, default=None
        The number of features each frame must have (None: that of the first).
    input_name : str, default="X"
        How messages name the input.

    Returns
    -------
    sequences : Sequences
    """
    items = _unpad(X, input_name) if getattr(X, "ndim", 0) == 3 else X
    if len(items) == 0:
        raise ValueError(f"{input_name} holds no sequence; at least one is needed.")
    checked = [_check_frames(item, i, input_name) for i, item in enumerate(items)]
    widths = np.array([frames.shape[1] for frames in checked])
    expected = widths[0] if n_features is None else n_features
    wrong = np.flatnonzero(widths != expected)
    if len(wrong):
        what = "the first sequence" if n_features is None else "fit"
        raise ValueError(
            f"Sequence {wrong[0]} of {input_name} has {widths[wrong[0]]} features "
            f"per frame, but {what} had {expected}; every frame needs the same "
            "features."
        )
    if expected == 0:
        raise ValueError(f"The sequences of {input_name} have 0 features per frame.")
    lengths = np.array([len(frames) for frames in checked], dtype=np.int64)
    padded = np.zeros((len(checked), lengths.max(), expected), dtype=np.float32)
    for i, frames in enumerate(checked):
        padded[i, : len(frames)] = frames
    return Sequences(padded, lengths)


def validate_inputs(estimator, X, *, fitted_kind=None, input_name="X"):
    """``X`` as :class:`Vectors` or :class:`Sequences` for ``estimator``.

    ``fitted_kind`` None: a fit, which learns the width (``n_features_in_``,
    and the feature names of vectors); else the kind seen in fit, which ``X``
    must have, with the same width.
    """
    reset = fitted_kind is None
    if is_sequence_input(X):
        if fitted_kind == "vectors":
            raise ValueError(
                f"{type(estimator).__name__} was fitted on feature vectors, but "
                f"{input_name} holds frame sequences; pass a 2-D array."
            )
        width = None if reset else estimator.n_features_in_
        X = check_sequences(X, n_features=width, input_name=input_name)
        if reset:
            estimator.n_features_in_ = X.n_features
            estimator.__dict__.pop("feature_names_in_", None)
        return X
    if fitted_kind == "sequences":
        raise ValueError(
            f"{type(estimator).__name__} was fitted on frame sequences, but "
            f"{input_name} is not a list of (n_frames, n_features) arrays nor a "
            "NaN-padded 3-D array."
        )
    return Vectors(validate_data(estimator, X, reset=reset, dtype=np.float64))
