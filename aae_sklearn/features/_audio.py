"""Reading audio items, and the plumbing shared by the feature transformers."""

# License: BSD-3-Clause

import importlib
import os
from functools import partial
from math import gcd
from numbers import Integral, Real

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs
from scipy.signal import resample_poly
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from ..exceptions import AudioError, SkippedAudioWarning
from ..utils._warn import warn

# Tasks per worker: enough to balance utterances of unequal length, few enough
# that the start-up of each (a fresh openSMILE instance) stays small.
_TASKS_PER_WORKER = 4
# Source rates outside this range are corrupt headers rather than audio (and
# would make resampling filters of millions of taps, or hours of signal).
_MIN_RATE, _MAX_RATE = 1000, 768_000


def _import_optional(name):
    """Import an optional dependency of the ``audio`` extra, or say how to get it."""
    try:
        return importlib.import_module(name)
    except ImportError as exc:
        raise ImportError(
            f"{name} is needed to read audio and extract features; install it "
            "with: pip install opensmile soundfile (or, in a clone of the "
            'repository: pip install -e ".[audio]")'
        ) from exc


def _where(item, position=None):
    """How messages name an item: its file, its position, or both."""
    if isinstance(item, (str, os.PathLike)):
        where = f"file '{os.fspath(item)}'"
        return where if position is None else f"{where} (item {position})"
    return "the in-memory item" if position is None else f"item {position}"


def _as_float(signal, where):
    """A numeric signal as float64; integer PCM is scaled to [-1, 1)."""
    signal = np.asarray(signal)
    if signal.dtype.kind in "iu":
        info = np.iinfo(signal.dtype)
        middle = (int(info.max) + int(info.min) + 1) / 2
        return (signal.astype(np.float64) - middle) / (info.max - middle + 1)
    if signal.dtype.kind != "f":
        raise AudioError(
            f"Cannot read audio {where}: the signal must hold numbers, got dtype "
            f"{signal.dtype}."
        )
    return signal.astype(np.float64, copy=False)


def _read_file(path, where):
    """Samples (n_samples, n_channels) and sampling rate of an audio file."""
    soundfile = _import_optional("soundfile")
    if not os.path.exists(path):
        raise AudioError(f"Cannot read audio {where}: no such file.")
    if not os.path.isfile(path):
        raise AudioError(f"Cannot read audio {where}: not a regular file.")
    if os.path.getsize(path) == 0:
        raise AudioError(f"Cannot read audio {where}: the file is empty (0 bytes).")
    try:
        signal, sampling_rate = soundfile.read(path, dtype="float64", always_2d=True)
    except (RuntimeError, soundfile.SoundFileError, OSError, ValueError) as exc:
        raise AudioError(
            f"Cannot read audio {where}: soundfile cannot decode it ({exc})."
        ) from exc
    return signal.mean(axis=1), sampling_rate


def _unpack_pair(item, where):
    """Signal and sampling rate of an in-memory ``(signal, sampling_rate)`` pair."""
    if not (isinstance(item, (tuple, list)) and len(item) == 2):
        raise TypeError(
            f"Cannot read audio {where}: an item is a path (str or os.PathLike) or "
            f"a (signal, sampling_rate) pair, got {type(item).__name__}."
        )
    signal, sampling_rate = item
    if isinstance(sampling_rate, Real) and not isinstance(sampling_rate, bool):
        if sampling_rate > 0 and float(sampling_rate).is_integer():
            return _as_float(signal, where), int(sampling_rate)
    raise AudioError(
        f"Cannot read audio {where}: the sampling rate must be a positive whole "
        f"number of Hz, got {sampling_rate!r}."
    )


def _resample(signal, source_rate, sampling_rate):
    """``signal`` resampled from ``source_rate`` to ``sampling_rate``, within
    [-1, 1] if it was (else within its own peak).

    The anti-aliasing filter rings past full-scale peaks (by 10 to 30 % on
    clipped speech or a square wave): clipping them keeps a valid recording
    valid for openSMILE, which reads [-1, 1] as 16-bit PCM, so that its range is
    checked as read, not as resampled.
    """
    limit = max(1.0, float(np.abs(signal).max()))
    common = gcd(source_rate, sampling_rate)
    resampled = resample_poly(signal, sampling_rate // common, source_rate // common)
    return np.clip(resampled, -limit, limit, out=resampled)


def _read(item, sampling_rate, where):
    """``read_audio`` with the name of the item in its messages given."""
    if isinstance(item, (str, os.PathLike)):
        signal, source_rate = _read_file(os.fspath(item), where)
    else:
        signal, source_rate = _unpack_pair(item, where)
    if signal.size == 0:
        raise AudioError(f"Cannot read audio {where}: the signal has no samples.")
    if signal.ndim == 2:
        # The channel axis is the shorter one; a square block counts as
        # channels-last, soundfile's layout.
        signal = signal.mean(axis=1 if signal.shape[1] <= signal.shape[0] else 0)
    elif signal.ndim != 1:
        raise AudioError(
            f"Cannot read audio {where}: the signal must be 1-D or 2-D (channels), "
            f"got {signal.ndim} dimensions."
        )
    if not np.isfinite(signal).all():
        raise AudioError(f"Cannot read audio {where}: NaN or infinite samples.")
    if not _MIN_RATE <= source_rate <= _MAX_RATE:
        raise AudioError(
            f"Cannot read audio {where}: implausible sampling rate of {source_rate} "
            f"Hz (expected {_MIN_RATE} to {_MAX_RATE} Hz)."
        )
    if source_rate != sampling_rate:
        signal = _resample(signal, source_rate, sampling_rate)
    with np.errstate(over="ignore"):
        signal = signal.astype(np.float32)
    if not np.isfinite(signal).all():
        raise AudioError(
            f"Cannot read audio {where}: samples too large for float32 (|x| > 3e38)."
        )
    return signal


def read_audio(item, sampling_rate=16000):
    """Read one audio item as a float32 mono signal at a given sampling rate.

    Files are read with soundfile (WAV, FLAC, OGG and the other formats of
    libsndfile). Channels are averaged, and the signal is resampled with
    :func:`scipy.signal.resample_poly` by the ratio ``sampling_rate / rate``
    reduced by their greatest common divisor. The resampling filter overshoots
    full-scale peaks; its output is clipped to [-1, 1] (or, for a signal that
    exceeds that range, to its own peak), so that a recording in range stays
    in range.

    Parameters
    ----------
    item : str, os.PathLike or tuple of (array-like, int)
        A path to an audio file, or an in-memory ``(signal, rate)`` pair: a 1-D
        signal, or a 2-D one with channels along its shorter axis (either
        channels-last, as soundfile returns them, or channels-first). Integer
        samples are scaled to [-1, 1) as soundfile does.
    sampling_rate : int, default=16000
        Sampling rate of the returned signal, in Hz.

    Returns
    -------
    signal : ndarray of shape (n_samples,), dtype float32
        The mono signal at ``sampling_rate``.

    Raises
    ------
    AudioError
        If the file is missing or empty, soundfile cannot decode it, the signal
        has no samples or holds NaN or infinite samples, or its sampling rate
        is outside 1 kHz to 768 kHz. The message names the file.
    TypeError
        If ``item`` is neither a path nor a pair.
    ImportError
        If ``item`` is a path and soundfile is not installed.

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn.features import read_audio
    >>> stereo = np.zeros((44100, 2))
    >>> read_audio((stereo, 44100), sampling_rate=16000).shape
    (16000,)
    """
    return _read(item, int(sampling_rate), _where(item))


def _check_audio_items(X):
    """The items of ``X`` as a list, or an error saying what ``X`` should be."""
    if isinstance(X, (str, bytes, os.PathLike)):
        raise TypeError(
            f"X must be a sequence of audio items, got a single path {X!r}; pass a "
            "list of paths, e.g. [path]."
        )
    if isinstance(X, tuple) and len(X) == 2 and isinstance(X[1], Integral):
        raise TypeError(
            "X looks like a single (signal, sampling_rate) pair; pass a list of "
            "pairs, e.g. [(signal, sampling_rate)]."
        )
    if isinstance(X, pd.Series):
        items = X.tolist()
    elif isinstance(X, np.ndarray):
        if X.ndim != 1 or X.dtype.kind not in "OUS":
            raise TypeError(
                "X must be a 1-D array of paths or (signal, sampling_rate) pairs, "
                f"got an array of shape {X.shape} and dtype {X.dtype}; to pass one "
                "signal, use [(signal, sampling_rate)]."
            )
        items = X.tolist()
    elif isinstance(X, (list, tuple)):
        items = list(X)
    else:
        raise TypeError(
            "X must be a list, tuple, 1-D numpy array or pandas Series of paths or "
            f"(signal, sampling_rate) pairs, got {type(X).__name__}."
        )
    if not items:
        raise ValueError("X holds no audio items; at least one is required.")
    return items


def _extract_chunk(make_extractor, config, items, positions, *, on_error):
    """Features of some items; runs in a worker, so builds its own extractor.

    An unreadable item is returned, not raised, as ``(position, None, error)``;
    with ``on_error="raise"`` the chunk stops there. The caller raises once every
    worker has finished: a worker thread still inside openSMILE's C++ code when
    the interpreter exits aborts the process ("exception not rethrown").
    """
    extract = make_extractor(**config)
    results = []
    for item, position in zip(items, positions, strict=True):
        where = _where(item, position)
        try:
            signal = _read(item, config["sampling_rate"], where)
            results.append((position, extract(signal, where), None))
        except AudioError as exc:
            results.append((position, None, exc))
            if on_error == "raise":
                break
    return results


_ITEMS_PARAMETER = """Parameters
        ----------
        X : list, tuple, 1-D ndarray or pandas.Series of length n_items
            Paths to audio files (str or os.PathLike), or in-memory
            ``(signal, sampling_rate)`` pairs; see :func:`read_audio`."""


def _items_doc(method):
    """Fill ``%(parameters_items)s`` in the docstring of a method whose one
    parameter is ``X``, the audio items."""
    method.__doc__ = method.__doc__.replace("%(parameters_items)s", _ITEMS_PARAMETER)
    return method


class _AudioItems(TransformerMixin, BaseEstimator):
    """Stateless transformer of audio items; not used directly.

    Subclasses define ``_check()``, which validates their settings beyond
    ``_parameter_constraints`` (``fit`` calls it before it checks the container
    of items), and may set fitted attributes in ``_fitted()``.
    """

    _parameter_constraints = {
        "sampling_rate": [Interval(Integral, 1, None, closed="left")],
        "on_error": [StrOptions({"raise", "skip"})],
        "n_jobs": [Integral, None],
    }

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.one_d_array = True
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        tags.requires_fit = False
        return tags

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Check the parameters and the container of items; nothing is learned.

        Parameters
        ----------
        X : list, tuple, 1-D ndarray or pandas.Series of length n_items
            Audio items, as for :meth:`transform`; they are not read.
        y : Ignored
            Not used, present for API consistency.

        Returns
        -------
        self : object
            The transformer.
        """
        self._check()
        _check_audio_items(X)
        self._fitted()
        return self

    def _fitted(self):
        """Set what ``fit`` learns of the settings (nothing, by default)."""


class _BaseAudioTransformer(_AudioItems):
    """Stateless transformer from audio items to features; not used directly.

    Subclasses define ``_extractor`` (a module-level function ``(**config) ->
    extract(signal, where)``, called once per task so that openSMILE objects are
    built in the worker), ``_config()`` (the validated, picklable keyword
    arguments of ``_extractor``, ``sampling_rate`` among them),
    ``_feature_names()`` and ``_collect(features)`` (the output container). A
    subclass whose output is not 2-D opts out of ``set_output`` with
    ``auto_wrap_output_keys=None``.
    """

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.transformer_tags.preserves_dtype = []
        return tags

    def _check(self):
        self._config()

    def _fitted(self):
        self.n_features_out_ = len(self._feature_names())

    def get_feature_names_out(self, input_features=None):
        """Names of the features of each item (or of each frame).

        Parameters
        ----------
        input_features : Ignored
            Not used: the input is audio, which has no feature names.

        Returns
        -------
        feature_names_out : ndarray of str objects
            The feature names.
        """
        self._validate_params()
        return np.asarray(self._feature_names(), dtype=object)

    @_items_doc
    def extract(self, X):
        """Extract features, reporting which items could be read.

        With ``on_error="raise"`` the first item that cannot be read raises an
        :class:`AudioError` naming it. With ``on_error="skip"`` such items are
        left out, and ``kept`` says which items the features belong to: index
        the targets with it, ``y[kept]``.

        %(parameters_items)s

        Returns
        -------
        features : ndarray
            The features of the kept items, in their order; see :meth:`transform`.
        kept : ndarray of shape (n_kept,), dtype int
            Positions in ``X`` of the items that were read.
        """
        features, kept, _ = self._extract(X)
        return features, kept

    def _extract(self, X):
        """``extract``, plus the (position, message) of each skipped item."""
        self._validate_params()
        config = self._config()
        items = _check_audio_items(X)
        tasks = [
            ([items[i] for i in chunk], chunk.tolist())
            for chunk in _chunks(len(items), self.n_jobs)
        ]
        run = partial(_extract_chunk, self._extractor, config, on_error=self.on_error)
        if len(tasks) == 1:
            chunks = [run(*tasks[0])]
        else:
            # openSMILE, libsndfile and numpy's FFT release the GIL: threads
            # scale like processes without their start-up and pickling.
            parallel = Parallel(n_jobs=self.n_jobs, prefer="threads")
            chunks = parallel(delayed(run)(*task) for task in tasks)
        results = [result for chunk in chunks for result in chunk]
        errors = [error for _, _, error in results if error is not None]
        if errors and self.on_error == "raise":
            raise errors[0]  # the first unreadable item in the order of X
        kept = np.array([p for p, f, _ in results if f is not None], dtype=np.intp)
        features = [f for _, f, _ in results if f is not None]
        skipped = [(p, str(error)) for p, _, error in results if error is not None]
        return self._collect(features), kept, skipped

    @_items_doc
    def transform(self, X):
        """Extract the features of every item that can be read.

        Items skipped under ``on_error="skip"`` are dropped from the output
        with a :class:`~aae_sklearn.exceptions.SkippedAudioWarning` naming each
        of them. Inside a :class:`~sklearn.pipeline.Pipeline` dropped rows no
        longer line up with ``y``: call :meth:`extract` instead and index ``y``
        with ``kept``.

        %(parameters_items)s

        Returns
        -------
        features : ndarray of shape (n_kept, n_features) or (n_kept,)
            The features of each item read, in the order of ``X``: a float64
            row for :class:`OpenSmileFunctionals`; for :class:`FrameFeatures`,
            an object array holding a float32 array of shape (n_frames,
            n_features) per item.
        """
        features, kept, skipped = self._extract(X)
        if skipped:
            details = "".join(f"\n- {message}" for _, message in skipped)
            warn(
                f"{type(self).__name__} skipped {len(skipped)} of "
                f"{len(kept) + len(skipped)} items that could not be read, so the "
                "output has fewer rows than X. Use extract(X) to get the positions "
                f"kept and index y with them. Skipped:{details}",
                SkippedAudioWarning,
            )
        return features


def _chunks(n_items, n_jobs):
    """Contiguous blocks of positions, one per task."""
    n_workers = effective_n_jobs(n_jobs)
    n_tasks = 1 if n_workers == 1 else min(n_items, _TASKS_PER_WORKER * n_workers)
    return np.array_split(np.arange(n_items), n_tasks)
