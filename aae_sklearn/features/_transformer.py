"""The plumbing of the audio transformers: a base for stateless transformers of
audio items, and the parallel extraction of features shared by the feature
sets."""

# License: BSD-3-Clause

from functools import partial
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import BaseEstimator, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from ..exceptions import AudioError, SkippedAudioWarning
from ..utils._warn import warn
from ._audio import _check_audio_items, _read, _where

# Tasks per worker: enough to balance utterances of unequal length, few enough
# that the start-up of each (a fresh openSMILE instance) stays small.
_TASKS_PER_WORKER = 4


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

    A subclass passes ``sampling_rate``, ``on_error`` and ``n_jobs`` to this
    ``__init__`` from its own keyword-only one, which names every parameter for
    ``get_params`` (:class:`SSLEmbeddings`, whose rate is its model's, stores
    its ``on_error`` itself). Subclasses define ``_check()``, which validates
    their settings beyond ``_parameter_constraints`` (``fit`` calls it before it
    checks the container of items), and may set fitted attributes in
    ``_fitted()``.
    """

    _parameter_constraints = {
        "sampling_rate": [Interval(Integral, 1, None, closed="left")],
        "on_error": [StrOptions({"raise", "skip"})],
        "n_jobs": [Integral, None],
    }

    def __init__(self, *, sampling_rate=16000, on_error="raise", n_jobs=None):
        self.sampling_rate = sampling_rate
        self.on_error = on_error
        self.n_jobs = n_jobs

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
