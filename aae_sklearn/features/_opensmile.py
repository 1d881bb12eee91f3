"""openSMILE functionals: one fixed-length feature vector per utterance."""

# License: BSD-3-Clause

from functools import lru_cache

import numpy as np
from sklearn.utils._param_validation import StrOptions

from ..utils._docstrings import _doc
from ._audio import AudioError, _import_optional
from ._transformer import _BaseAudioTransformer

FEATURE_SETS = ("eGeMAPSv02", "ComParE_2016", "GeMAPSv01b")

# openSMILE fills every feature of these sets with NaN below 60 ms, the length
# of the pitch analysis window.
_MIN_SECONDS = 0.06
_INT16_MAX = 32767 / 32768


def _smile(feature_set, level):
    """An openSMILE extractor, e.g. ``_smile("eGeMAPSv02", "Functionals")``."""
    opensmile = _import_optional("opensmile")
    return opensmile.Smile(
        feature_set=opensmile.FeatureSet[feature_set],
        feature_level=opensmile.FeatureLevel[level],
    )


@lru_cache
def _opensmile_names(feature_set, level):
    return tuple(_smile(feature_set, level).feature_names)


def _check_length(signal, sampling_rate, where, seconds=_MIN_SECONDS):
    """AudioError unless ``signal`` lasts at least ``seconds``."""
    if len(signal) < round(seconds * sampling_rate):
        raise AudioError(
            f"Cannot extract features from {where}: too short for one frame "
            f"({len(signal) / sampling_rate * 1000:.1f} ms; openSMILE needs at "
            f"least {seconds * 1000:.0f} ms)."
        )


def _process(smile, signal, sampling_rate, where):
    """openSMILE's output for ``signal`` as float64, or AudioError if not finite."""
    _check_length(signal, sampling_rate, where)
    peak = float(np.abs(signal).max())
    if peak > 1:
        raise AudioError(
            f"Cannot extract features from {where}: samples outside [-1, 1] (peak "
            f"{peak:.3g}); openSMILE reads them as 16-bit PCM, so scale the signal "
            "to [-1, 1]."
        )
    # openSMILE multiplies by 32768 and casts to int16, where +1.0 would wrap.
    signal = np.clip(signal, -1.0, _INT16_MAX)
    values = smile.process_signal(signal, sampling_rate).to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        raise AudioError(
            f"Cannot extract features from {where}: openSMILE returned NaN or "
            "infinite features."
        )
    return values


def _functionals_extractor(feature_set, sampling_rate):
    """Per-worker extractor of the functionals of one signal."""
    smile = _smile(feature_set, "Functionals")
    return lambda signal, where: _process(smile, signal, sampling_rate, where)[0]


class OpenSmileFunctionals(_BaseAudioTransformer):
    __doc__ = _doc(
        """openSMILE functionals of each utterance: one feature vector per item.

    Each item is read by :func:`read_audio` (down-mixed to mono and resampled to
    ``sampling_rate``), and openSMILE computes the functionals (means,
    percentiles, slopes, ...) of its low-level descriptors over the whole
    signal. openSMILE reads the samples as 16-bit PCM, so they must lie in
    [-1, 1] (as read from any audio file). The transformer learns nothing:
    ``fit`` only checks the parameters, and ``transform`` works without it.

    Read more in the openSMILE documentation, https://audeering.github.io/opensmile-python/.

    Parameters
    ----------
    feature_set : {"eGeMAPSv02", "ComParE_2016", "GeMAPSv01b"}, default="eGeMAPSv02"
        openSMILE feature set: the 88 features of the extended Geneva
        minimalistic set (Eyben et al., 2016), the 6373 of the ComParE 2016
        challenge (Schuller et al., 2016), or the 62 of the minimalistic set.
    %(sampling_rate)s
    %(on_error)s
        An item shorter than 60 ms or with samples outside [-1, 1] gives none.
    %(n_jobs)s

    Attributes
    ----------
    n_features_out_ : int
        Number of features per item (88, 6373 or 62), set by ``fit``.

    See Also
    --------
    FrameFeatures : A sequence of feature frames per utterance.
    read_audio : How items are read.

    Notes
    -----
    Dropping unreadable items (``on_error="skip"``) changes the number of rows,
    so that inside a :class:`~sklearn.pipeline.Pipeline` the features no longer
    line up with ``y``. Extract the features first with :meth:`extract` and
    index ``y`` with the positions it returns.

    References
    ----------
    .. [1] Eyben F. et al. (2016) The Geneva Minimalistic Acoustic Parameter Set
       (GeMAPS) for Voice Research and Affective Computing. IEEE Transactions on
       Affective Computing 7(2): 190-202.
    .. [2] Schuller B. et al. (2016) The INTERSPEECH 2016 Computational
       Paralinguistics Challenge: Deception, Sincerity & Native Language.
       Proc. Interspeech, 2001-2005.
    .. [3] Eyben F., Wöllmer M., Schuller B. (2010) openSMILE: the Munich
       versatile and fast open-source audio feature extractor. Proc. ACM
       Multimedia, 1459-1462.

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn.features import OpenSmileFunctionals
    >>> t = np.arange(16000) / 16000
    >>> tone = 0.5 * np.sin(2 * np.pi * 220 * t)
    >>> X = [(tone, 16000), (tone[:8000], 16000)]
    >>> OpenSmileFunctionals().fit_transform(X).shape
    (2, 88)
    """
    )

    _parameter_constraints = {
        **_BaseAudioTransformer._parameter_constraints,
        "feature_set": [StrOptions(set(FEATURE_SETS))],
    }
    _extractor = staticmethod(_functionals_extractor)

    def __init__(
        self,
        *,
        feature_set="eGeMAPSv02",
        sampling_rate=16000,
        on_error="raise",
        n_jobs=None,
    ):
        super().__init__(sampling_rate=sampling_rate, on_error=on_error, n_jobs=n_jobs)
        self.feature_set = feature_set

    def _config(self):
        return {"feature_set": self.feature_set, "sampling_rate": self.sampling_rate}

    def _feature_names(self):
        return _opensmile_names(self.feature_set, "Functionals")

    def _collect(self, features):
        if not features:
            return np.empty((0, len(self._feature_names())))
        return np.vstack(features)
