"""Augmented views of speech: perturbed copies of each utterance."""

# License: BSD-3-Clause

import importlib
import os
from functools import partial
from numbers import Integral

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval

from ..exceptions import AudioError, SkippedAudioWarning
from ..utils._warn import warn
from ._audio import _check_audio_items, _read, _where
from ._transformer import _AudioItems, _items_doc

# The perturbations in the order they are applied, each with the limits of its
# range (audiomentations' own for tempo and pitch).
_LIMITS = {
    "tempo": (0.1, 10.0),
    "pitch": (-24.0, 24.0),
    "gain": (-np.inf, np.inf),
    "noise": (-np.inf, np.inf),
}
_COLUMNS = ["source", "file", "view", "signal", *_LIMITS]


def _import_audiomentations():
    """audiomentations, or an ImportError saying how to install it."""
    try:
        return importlib.import_module("audiomentations")
    except ImportError as exc:
        raise ImportError(
            "audiomentations is needed to make augmented views; install it with: "
            "pip install audiomentations (or, in a clone of the repository: "
            'pip install -e ".[augment]")'
        ) from exc


def _apply(transform, signal, sampling_rate, **parameters):
    """``transform`` applied with ``parameters`` rather than its own draws.

    audiomentations draws its parameters from the global ``random`` module:
    the views would depend on the order of the threads and change the caller's
    random state.
    """
    transform.parameters = {"should_apply": True, **parameters}
    transform.freeze_parameters()
    return transform(signal, sampling_rate)


def _perturb(signal, sampling_rate, rng, ranges, perturbations):
    """One view of ``signal``, clipped to [-1, 1], and the values drawn for it
    (NaN for the perturbations left out)."""
    am = _import_audiomentations()
    # Every value is drawn, applied or not, so that switching a perturbation
    # off leaves the values of the others as they were.
    values = {name: rng.uniform(*ranges[name]) for name in _LIMITS}
    view = signal
    if "tempo" in perturbations:
        stretch = am.TimeStretch(leave_length_unchanged=False)
        view = _apply(stretch, view, sampling_rate, rate=values["tempo"])
    if "pitch" in perturbations:
        view = _apply(
            am.PitchShift(), view, sampling_rate, num_semitones=values["pitch"]
        )
    if "gain" in perturbations:
        ratio = 10 ** (values["gain"] / 20)
        view = _apply(am.Gain(), view, sampling_rate, amplitude_ratio=ratio)
    if "noise" in perturbations:
        # AddGaussianSNR's noise comes from numpy's global generator: drawn
        # here from the view's own, at the level that it would choose.
        rms = np.sqrt(np.mean(np.square(view, dtype=np.float64)))
        noise = rng.standard_normal(len(view)) * (rms / 10 ** (values["noise"] / 20))
        view = view + noise
    view = np.clip(view, -1.0, 1.0).astype(np.float32)
    return view, {k: v if k in perturbations else np.nan for k, v in values.items()}


def _item_views(item, source, sampling_rate, n_views, seed, ranges, perturbations):
    """The rows of one item (its original, then its views), or the AudioError
    that stops it being read."""
    try:
        signal = _read(item, sampling_rate, _where(item, source))
    except AudioError as exc:
        return exc
    file = os.fspath(item) if isinstance(item, (str, os.PathLike)) else None
    rows = [[source, file, 0, signal, *[np.nan] * len(_LIMITS)]]
    for view in range(1, n_views + 1):
        rng = np.random.default_rng([seed, source, view])
        perturbed, values = _perturb(signal, sampling_rate, rng, ranges, perturbations)
        rows.append([source, file, view, perturbed, *values.values()])
    return rows


def _sources(X, n_items):
    """The label of each item: its position, or a Series' whole-number index."""
    if not (isinstance(X, pd.Series) and pd.api.types.is_integer_dtype(X.index)):
        return list(range(n_items))
    if not X.index.is_unique or (X.index < 0).any():
        raise ValueError(
            "X is a Series whose index labels the items (and seeds their views), "
            "so it must hold unique, non-negative whole numbers; reset it with "
            "X.reset_index(drop=True)."
        )
    return X.index.tolist()


class AudioViews(_AudioItems, auto_wrap_output_keys=None):
    """Augmented views of speech: each item and ``n_views`` perturbed copies.

    Each item is read by :func:`read_audio` (down-mixed to mono and resampled
    to ``sampling_rate``); each view then applies every one of
    ``perturbations``, in the order tempo, pitch, gain, noise, with a value
    drawn uniformly from its range, using the transforms of audiomentations
    [1]_, and is clipped to [-1, 1], so that a view may be loud but is never
    out of range. The views of a source, which keep its emotion, are the input
    of consistency training. The transformer learns nothing: ``fit`` only
    checks the parameters. It needs the ``augment`` extra
    (``pip install -e ".[augment]"``).

    Parameters
    ----------
    n_views : int, default=1
        Number of perturbed views of each item, besides the original.
    perturbations : list or tuple of {"tempo", "pitch", "gain", "noise"}, \
            default=("tempo", "pitch", "gain", "noise")
        The perturbations that each view applies.
    tempo : tuple of (float, float), default=(0.9, 1.1)
        Range of the tempo factor (above 1 faster, and shorter), the pitch
        kept (audiomentations' ``TimeStretch``); within 0.1 to 10.
    pitch : tuple of (float, float), default=(-2.0, 2.0)
        Range of the pitch shift in semitones, the tempo kept
        (``PitchShift``); within -24 to 24.
    gain : tuple of (float, float), default=(-6.0, 6.0)
        Range of the gain in dB (``Gain``).
    noise : tuple of (float, float), default=(10.0, 30.0)
        Range of the signal-to-noise ratio in dB of added white Gaussian noise,
        relative to the view's power before the noise (as ``AddGaussianSNR``).
    sampling_rate : int, default=16000
        Rate, in Hz, of the signals returned (the items are resampled to it).
    random_state : int, RandomState instance or None, default=None
        Seeds the views: view ``v`` of the item labelled ``s`` draws from its
        own generator, seeded by ``random_state``, ``s`` and ``v``, so that the
        views do not depend on ``n_jobs``. Pass an int for the same views on
        every call.
    on_error : {"raise", "skip"}, default="raise"
        What to do with an item that cannot be read: raise an
        :class:`AudioError` naming it, or leave its rows out with a
        :class:`~aae_sklearn.exceptions.SkippedAudioWarning`.
    n_jobs : int, default=None
        Number of joblib workers (threads) making the views of different
        items. None means 1 unless in a :func:`joblib.parallel_config`
        context; -1 means all processors.

    See Also
    --------
    read_audio : How items are read.
    OpenSmileFunctionals : Features of the views, passed as in-memory items.

    Notes
    -----
    **Output.** :meth:`transform` returns a :class:`pandas.DataFrame` with one
    row per view, the views of each item together and in order:

    - ``source``: the item's label (its position in ``X``, or its index label
      when ``X`` is a Series with a whole-number index, so that a slice of a
      Series gets the views it would get whole);
    - ``file``: the item's path, None for an in-memory item;
    - ``view``: 0 for the item as :func:`read_audio` returns it, 1 to
      ``n_views`` for the perturbed views;
    - ``signal``: a 1-D float32 array at ``sampling_rate``;
    - ``tempo``, ``pitch``, ``gain``, ``noise``: the values drawn for the view
      (NaN in view 0 and for the perturbations left out).

    A tempo factor changes the length of a view. The rows of a source must stay
    on one side of any split (group them by ``source`` or ``file``), and the
    output is not for a :class:`~sklearn.pipeline.Pipeline`, whose ``y`` it
    does not follow.

    Reverberation is left out: audiomentations' ``RoomSimulator`` needs
    pyroomacoustics and draws from the global random generator.

    References
    ----------
    .. [1] I. Jordal et al. audiomentations: a Python library for audio data
       augmentation. https://github.com/iver56/audiomentations

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn.features import AudioViews, OpenSmileFunctionals
    >>> t = np.arange(16000) / 16000
    >>> tone = 0.5 * np.sin(2 * np.pi * 220 * t)
    >>> views = AudioViews(n_views=2, random_state=0).fit_transform([(tone, 16000)])
    >>> views[["source", "view"]].to_numpy().tolist()
    [[0, 0], [0, 1], [0, 2]]
    >>> X = [(signal, 16000) for signal in views["signal"]]
    >>> OpenSmileFunctionals().fit_transform(X).shape
    (3, 88)
    """

    _parameter_constraints = {
        "n_views": [Interval(Integral, 0, None, closed="left")],
        "perturbations": [list, tuple],
        "tempo": ["array-like"],
        "pitch": ["array-like"],
        "gain": ["array-like"],
        "noise": ["array-like"],
        "random_state": ["random_state"],
        **_AudioItems._parameter_constraints,
    }

    def __init__(
        self,
        *,
        n_views=1,
        perturbations=("tempo", "pitch", "gain", "noise"),
        tempo=(0.9, 1.1),
        pitch=(-2.0, 2.0),
        gain=(-6.0, 6.0),
        noise=(10.0, 30.0),
        sampling_rate=16000,
        random_state=None,
        on_error="raise",
        n_jobs=None,
    ):
        super().__init__(sampling_rate=sampling_rate, on_error=on_error, n_jobs=n_jobs)
        self.n_views = n_views
        self.perturbations = perturbations
        self.tempo = tempo
        self.pitch = pitch
        self.gain = gain
        self.noise = noise
        self.random_state = random_state

    def _ranges(self):
        """The range of each perturbation, checked; and audiomentations."""
        unknown = set(self.perturbations) - set(_LIMITS)
        if unknown or not self.perturbations:
            raise ValueError(
                f"perturbations must name one or more of {list(_LIMITS)}, got "
                f"{list(self.perturbations)!r}."
            )
        ranges = {}
        for name, (lowest, highest) in _LIMITS.items():
            value = getattr(self, name)
            bounds = np.asarray(value, dtype=float) if np.ndim(value) == 1 else None
            if bounds is None or len(bounds) != 2 or not np.isfinite(bounds).all():
                raise ValueError(f"{name} must be a (low, high) pair, got {value!r}.")
            if not lowest <= bounds[0] <= bounds[1] <= highest:
                raise ValueError(
                    f"{name}={value!r} must satisfy {lowest} <= low <= high <= "
                    f"{highest}."
                )
            ranges[name] = tuple(bounds.tolist())
        if self.n_views:
            _import_audiomentations()
        return ranges

    def _check(self):
        self._ranges()

    @_items_doc
    def transform(self, X):
        """The original and ``n_views`` perturbed views of every item.

        %(parameters_items)s

        Returns
        -------
        views : pandas.DataFrame of shape (n_kept * (n_views + 1), 8)
            One row per view: ``source``, ``file``, ``view``, ``signal``, and
            the values drawn, ``tempo``, ``pitch``, ``gain`` and ``noise``; see
            Notes.
        """
        self._validate_params()
        ranges = self._ranges()
        items = _check_audio_items(X)
        sources = _sources(X, len(items))
        seed = check_random_state(self.random_state).randint(np.iinfo(np.int32).max)
        work = partial(
            _item_views,
            sampling_rate=self.sampling_rate,
            n_views=self.n_views,
            seed=seed,
            ranges=ranges,
            perturbations=set(self.perturbations),
        )
        tasks = list(zip(items, sources, strict=True))
        if effective_n_jobs(self.n_jobs) == 1:
            results = [work(*task) for task in tasks]
        else:
            parallel = Parallel(n_jobs=self.n_jobs, prefer="threads")
            results = parallel(delayed(work)(*task) for task in tasks)
        errors = [r for r in results if isinstance(r, AudioError)]
        if errors and self.on_error == "raise":
            raise errors[0]  # the first unreadable item in the order of X
        if errors:
            details = "".join(f"\n- {error}" for error in errors)
            warn(
                f"AudioViews skipped {len(errors)} of {len(items)} items that could "
                "not be read; the source column names the items kept. Skipped:"
                f"{details}",
                SkippedAudioWarning,
            )
        rows = [row for r in results if not isinstance(r, AudioError) for row in r]
        return pd.DataFrame(rows, columns=_COLUMNS)
