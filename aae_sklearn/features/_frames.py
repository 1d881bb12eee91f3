"""Frame-level features: a sequence of feature vectors per utterance."""

# License: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from scipy.signal import get_window
from sklearn.utils._param_validation import Interval, StrOptions

from ..utils._docstrings import _doc
from ._audio import AudioError
from ._opensmile import _opensmile_names, _process, _smile
from ._transformer import _BaseAudioTransformer

_LLD_HOP_MS = 10  # openSMILE's hop for the eGeMAPS low-level descriptors
_LOG_FLOOR = 1e-10
_BLOCK_FRAMES = 2048


def _hz_to_mel(hz):
    return 2595.0 * np.log10(1.0 + np.asarray(hz) / 700.0)


def _mel_to_hz(mel):
    return 700.0 * (10.0 ** (np.asarray(mel) / 2595.0) - 1.0)


def _mel_filterbank(n_mels, n_fft, sampling_rate):
    """HTK triangular mel filters, shape (n_mels, n_fft // 2 + 1), peaks of 1."""
    edges = _mel_to_hz(np.linspace(0.0, _hz_to_mel(sampling_rate / 2), n_mels + 2))
    bins = np.arange(n_fft // 2 + 1) * sampling_rate / n_fft
    lower, centre, upper = edges[:-2, None], edges[1:-1, None], edges[2:, None]
    rising = (bins - lower) / (centre - lower)
    falling = (upper - bins) / (upper - centre)
    return np.maximum(0.0, np.minimum(rising, falling))


def _logmel(signal, where, *, window, hop, n_fft, filterbank):
    """Log mel power spectrogram, shape (1 + (n - len(window)) // hop, n_mels)."""
    if len(signal) < len(window):
        raise AudioError(
            f"Cannot extract features from {where}: too short for one frame "
            f"({len(signal)} samples, a window needs {len(window)})."
        )
    frames = sliding_window_view(signal, len(window))[::hop]
    out = np.empty((len(frames), len(filterbank)), dtype=np.float32)
    # In blocks, so that an hour of audio needs megabytes, not gigabytes.
    for start in range(0, len(frames), _BLOCK_FRAMES):
        block = slice(start, start + _BLOCK_FRAMES)
        spectrum = np.fft.rfft(frames[block] * window, n=n_fft)
        power = spectrum.real**2 + spectrum.imag**2
        out[block] = np.log(power @ filterbank.T + _LOG_FLOOR)
    return out


def _lld_frames(smile, signal, where, *, sampling_rate, group):
    """eGeMAPS LLDs averaged over consecutive, complete groups of ``group``."""
    lld = _process(smile, signal, sampling_rate, where)
    n_frames = len(lld) // group
    if n_frames == 0:
        raise AudioError(
            f"Cannot extract features from {where}: too short for one frame "
            f"(openSMILE gave {len(lld)} descriptor frames of {_LLD_HOP_MS} ms, "
            f"a frame averages {group})."
        )
    lld = lld[: n_frames * group].reshape(n_frames, group, lld.shape[1])
    return lld.mean(axis=1).astype(np.float32)


def _frames_extractor(kind, sampling_rate, hop, window, n_mels):
    """Per-worker extractor of the frames of one signal."""
    if kind == "logmel":
        n_fft = 1 << (window - 1).bit_length()
        params = dict(
            window=get_window("hann", window),
            hop=hop,
            n_fft=n_fft,
            filterbank=_mel_filterbank(n_mels, n_fft, sampling_rate),
        )
        return lambda signal, where: _logmel(signal, where, **params)
    smile = _smile("eGeMAPSv02", "LowLevelDescriptors")
    return lambda signal, where: _lld_frames(
        smile, signal, where, sampling_rate=sampling_rate, group=hop
    )


class FrameFeatures(_BaseAudioTransformer, auto_wrap_output_keys=None):
    __doc__ = _doc(
        """Sequences of frame-level features: one 2-D array per item.

    Each item is read by :func:`read_audio` (down-mixed to mono and resampled to
    ``sampling_rate``) and cut into frames every ``frame_ms`` milliseconds, the
    input of sequence (end-to-end) models. The transformer learns nothing:
    ``fit`` only checks the parameters, and ``transform`` works without it.

    Parameters
    ----------
    kind : {"logmel", "egemaps_lld"}, default="logmel"
        ``"logmel"``: log mel power spectrogram, ``n_mels`` features per frame
        (see Notes). ``"egemaps_lld"``: the 25 eGeMAPSv02 low-level descriptors
        of openSMILE (Eyben et al., 2016), computed every 10 ms and averaged
        over consecutive groups of ``frame_ms / 10`` of them; the samples must
        lie in [-1, 1], which openSMILE reads as 16-bit PCM.
    frame_ms : float, default=20
        Hop between the starts of consecutive frames, in milliseconds (rounded to
        a whole number of samples). A multiple of 10 for ``"egemaps_lld"``.
    window_ms : float, default=25
        Length of the analysis window of ``"logmel"``, in milliseconds (rounded
        to a whole number of samples). Ignored by ``"egemaps_lld"``, whose
        windows are openSMILE's (up to 60 ms).
    n_mels : int, default=40
        Number of mel bands of ``"logmel"``; ignored by ``"egemaps_lld"``.
    %(sampling_rate)s
    %(on_error)s
        An item too short for one frame gives none.
    %(n_jobs)s

    Attributes
    ----------
    n_features_out_ : int
        Number of features per frame (``n_mels`` or 25), set by ``fit``.

    See Also
    --------
    OpenSmileFunctionals : One feature vector per utterance.
    read_audio : How items are read.

    Notes
    -----
    **Output.** ``transform`` returns a 1-D numpy array of ``dtype=object``
    whose elements are float32 arrays of shape (n_frames, n_features), with
    n_frames varying by item. Unlike a list, such an array can be indexed by an
    array of positions, ``X[train]``, as scikit-learn's cross-validation
    (:func:`~sklearn.utils._safe_indexing`) does; unlike a padded 3-D array, it
    keeps each utterance's length.

    **logmel.** With ``n`` samples, a window of ``w = round(window_ms * sr /
    1000)`` samples and a hop of ``h = round(frame_ms * sr / 1000)``, the frames
    are ``x[t h : t h + w]`` for ``t = 0 .. n_frames - 1``, without padding::

        n_frames = 1 + (n - w) // h

    and a signal shorter than ``w`` is an :class:`AudioError` ("too short for
    one frame"). Each frame is weighted by a periodic Hann window and zero-padded
    to ``n_fft``, the smallest power of two >= ``w``; its power spectrum
    ``|FFT|**2`` is summed by ``n_mels`` triangular filters and the log taken,
    ``log(mel_power + 1e-10)``. The filters are those of HTK (Young et al.,
    2006): their edges are equally spaced on the mel scale::

        mel(f) = 2595 * log10(1 + f / 700)

    from 0 Hz to ``sr / 2``; filter ``m`` rises linearly from edge ``m`` to a
    peak of 1 at edge ``m + 1`` and falls to 0 at edge ``m + 2`` (no area
    normalisation). Parameters that leave a filter without any FFT bin raise a
    ValueError.

    **egemaps_lld.** openSMILE gives ``n_lld`` descriptor frames every 10 ms; at
    16 kHz, ``n_lld = 2 + (n - 960) // 160`` for ``n >= 960`` samples (60 ms,
    its pitch window), shorter signals being an :class:`AudioError`. Each output
    frame is the mean of ``g = frame_ms / 10`` consecutive descriptor frames,
    and an incomplete last group is dropped::

        n_frames = n_lld // g

    References
    ----------
    .. [1] Eyben F. et al. (2016) The Geneva Minimalistic Acoustic Parameter Set
       (GeMAPS) for Voice Research and Affective Computing. IEEE Transactions on
       Affective Computing 7(2): 190-202.
    .. [2] Young S. et al. (2006) The HTK Book (for HTK version 3.4). Cambridge
       University Engineering Department, section 5.4.

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn.features import FrameFeatures
    >>> t = np.arange(16000) / 16000
    >>> tone = 0.5 * np.sin(2 * np.pi * 220 * t)
    >>> frames = FrameFeatures(n_mels=40).fit_transform([(tone, 16000)])
    >>> frames.shape, frames[0].shape
    ((1,), (49, 40))
    """
    )

    _parameter_constraints = {
        **_BaseAudioTransformer._parameter_constraints,
        "kind": [StrOptions({"logmel", "egemaps_lld"})],
        "frame_ms": [Interval(Real, 0, None, closed="neither")],
        "window_ms": [Interval(Real, 0, None, closed="neither")],
        "n_mels": [Interval(Integral, 1, None, closed="left")],
    }
    _extractor = staticmethod(_frames_extractor)

    def __init__(
        self,
        *,
        kind="logmel",
        frame_ms=20,
        window_ms=25,
        n_mels=40,
        sampling_rate=16000,
        on_error="raise",
        n_jobs=None,
    ):
        super().__init__(sampling_rate=sampling_rate, on_error=on_error, n_jobs=n_jobs)
        self.kind = kind
        self.frame_ms = frame_ms
        self.window_ms = window_ms
        self.n_mels = n_mels

    def _config(self):
        config = dict(kind=self.kind, sampling_rate=self.sampling_rate, n_mels=0)
        if self.kind == "egemaps_lld":
            group = self.frame_ms / _LLD_HOP_MS
            if not float(group).is_integer():
                raise ValueError(
                    "frame_ms must be a multiple of 10 for kind='egemaps_lld', "
                    "whose openSMILE descriptors come every 10 ms; got "
                    f"frame_ms={self.frame_ms!r}."
                )
            return config | dict(hop=int(group), window=0)
        hop = round(self.frame_ms * self.sampling_rate / 1000)
        window = round(self.window_ms * self.sampling_rate / 1000)
        for name, samples in [("frame_ms", hop), ("window_ms", window)]:
            if samples < 1:
                raise ValueError(
                    f"{name}={getattr(self, name)!r} is less than one sample at "
                    f"sampling_rate={self.sampling_rate}."
                )
        n_fft = 1 << (window - 1).bit_length()
        empty = ~(_mel_filterbank(self.n_mels, n_fft, self.sampling_rate) > 0).any(1)
        if empty.any():
            raise ValueError(
                f"n_mels={self.n_mels} is too many for a {n_fft}-point FFT at "
                f"sampling_rate={self.sampling_rate}: mel filters "
                f"{np.flatnonzero(empty).tolist()} contain no FFT bin. Lower n_mels "
                "or raise window_ms."
            )
        return config | dict(hop=hop, window=window, n_mels=self.n_mels)

    def _feature_names(self):
        if self.kind == "egemaps_lld":
            return _opensmile_names("eGeMAPSv02", "LowLevelDescriptors")
        return tuple(f"mel{i}" for i in range(self.n_mels))

    def _collect(self, features):
        out = np.empty(len(features), dtype=object)
        # Filled one by one: np.array would stack equal-length items into 3-D.
        for i, frames in enumerate(features):
            out[i] = frames
        return out
