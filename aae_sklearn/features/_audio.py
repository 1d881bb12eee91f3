"""Reading audio items: files or in-memory signals, checked and resampled."""

# License: BSD-3-Clause

import importlib
import os
from math import gcd
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy.signal import resample_poly

from ..exceptions import AudioError

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
