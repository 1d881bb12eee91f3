"""Shared estimator plumbing: validation, scaling, training runs, prediction."""

# License: BSD-3-Clause

from functools import partial

import numpy as np
import torch
from sklearn.base import BaseEstimator
from sklearn.exceptions import NotFittedError
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from ._persist import _persistence
from ._persist._model_file import FITTED_ATTRIBUTES
from ._reports import report_run
from ._training import (
    default_callbacks,
    fingerprint,
    resolve_device,
    run,
    start,
    torch_seed,
    torch_threads,
)
from .nn._autoencoder import make_encoder
from .utils._docstrings import SAVE_DOC, _x_doc
from .utils._inputs import _standardizer, validate_inputs
from .utils._scaling import fit_input_scaling, scale_inputs, warn_far_predictions
from .utils._validation import (
    METRICS,
    PARAMETER_CONSTRAINTS,
    _architecture,
    _check_params,
    _layer_sizes,
    check_sources,
    resolve_encoder,
    score_columns,
    split_validation,
    target_names,
    validate_targets,
)

_PREDICT_BATCH = {"vectors": 4096, "sequences": 256}
# Parameters that may change between an interrupted fit and its resumption.
_RESUMABLE = {
    "max_iter",
    "verbose",
    "checkpoint",
    "checkpoint_every",
    "device",
    "n_threads",
}


class _BaseEmotionEstimator(BaseEstimator):
    """Plumbing shared by the emotion estimators; not meant to be used directly.

    Subclasses implement ``_build_net(n_features, n_outputs, y_labeled, hidden)``,
    which returns an uninitialised net of :mod:`._training` for standardised
    inputs and targets (``y_labeled``: the standardised training targets, or
    None before any label), and ``_net_settings(y_labeled)``, the keyword
    arguments of the net's ``configure`` that a warm start applies.
    """

    _parameter_constraints = dict(PARAMETER_CONSTRAINTS)
    _layer_parameters = ("hidden_layer_sizes",)
    _fitted_attributes = FITTED_ATTRIBUTES
    # Fitted attributes that fit sets before it clears the others.
    _set_before_fit = ("feature_names_in_", "target_names_")

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if not cls.__name__.startswith("_"):
            _persistence.register(
                cls,
                fitted=cls._fitted_attributes,
                check_params=_check_params,
                make_net=_architecture,
            )

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = True
        tags.non_deterministic = self.random_state is None
        return tags

    def __setstate__(self, state):
        super().__setstate__(state)
        if "net_" in state:
            # skorch maps a model pickled on a GPU to the CPU where none is found.
            self._device = self.net_.device

    # -- validation ---------------------------------------------------------

    def _validate_X(self, X, *, reset, input_name="X"):
        """``X`` as :class:`Vectors` or :class:`Sequences`; ``reset`` learns its
        kind and width, otherwise they must match those of fit."""
        kind = None if reset else getattr(self, "_input_kind", "vectors")
        X = validate_inputs(self, X, fitted_kind=kind, input_name=input_name)
        if reset:
            self._input_kind = X.kind
        return X

    def _set_target_names(self, y):
        names = target_names(y)
        if names is None:
            self.__dict__.pop("target_names_", None)
        else:
            self.target_names_ = names

    # -- training -----------------------------------------------------------

    def _net_params(self):
        """Keyword arguments of the net shared by every estimator."""
        callbacks = default_callbacks(
            self._validation_metric(),
            self._stopper_params(),
            checkpoint=self.checkpoint,
            checkpoint_every=self.checkpoint_every,
            fingerprint=getattr(self, "_fingerprint", None),
            progress=self._net_class.loss_names if self.verbose else None,
        )
        return dict(
            max_grad_norm=self.max_grad_norm,
            **self._loss_params(),
            optimizer=torch.optim.Adam,
            optimizer__weight_decay=self.alpha,
            optimizer__fused=True,
            lr=self.learning_rate_init,
            max_epochs=self.max_iter,
            batch_size=self.batch_size,
            train_split=None,
            callbacks=callbacks,
            device=self._device,
            verbose=int(self.verbose),
            # The nets are pickled with the estimator; loading a pickle already
            # trusts its author, and torch's weights-only loader refuses modules.
            torch_load_kwargs={"weights_only": False},
        )

    def _loss_params(self):
        """The net's keyword arguments that set its supervised loss."""
        return {"loss": self.loss}

    def _check_targets(self, X, y):
        """``y``'s number of dimensions and ``y`` as 2-D floats, NaN where
        unlabeled."""
        return validate_targets(X, y, type(self).__name__)

    def _target_scaling(self, Y):
        """Mean and scale that standardise the targets (from training rows)."""
        return _standardizer(Y)

    def _n_outputs(self, Y):
        """Size of the emotion part for the 2-D targets ``Y``."""
        return Y.shape[1]

    def _make_encoder(self, n_features, hidden, n_outputs):
        return make_encoder(
            self._encoder_kind,
            n_features,
            hidden,
            n_outputs,
            self.activation,
            self.dropout,
            self.frame_pooling,
        )

    def _code_size(self, n_outputs):
        """Width of the encoder's output for ``n_outputs`` targets."""
        return n_outputs

    def _net_settings(self, y_labeled):
        """What a warm start changes in the net: learning rate, L2 penalty,
        validation metric and early stopping take their current values."""
        return dict(
            lr=self.learning_rate_init,
            max_epochs=self.max_iter,
            weight_decay=self.alpha,
            score_func=self._validation_metric(),
            stopping=self._stopper_params(),
        )

    def _stopper_params(self):
        """What early stopping monitors, and how patiently."""
        return dict(
            monitor="valid_score" if self.early_stopping else "supervised_loss",
            lower_is_better=not self.early_stopping,
            patience=self.n_iter_no_change,
            threshold=self.tol,
            threshold_mode="abs",
        )

    def _validation_metric(self):
        """The validation score on standardised targets, in original units."""
        metric = (
            METRICS[self.scoring] if isinstance(self.scoring, str) else self.scoring
        )
        return partial(
            score_columns, metric=metric, y_mean=self._y_mean, y_scale=self._y_scale
        )

    def _dataset(self, X, Y):
        inputs = self._inputs_of(X.arrays())
        Y = torch.as_tensor(Y, dtype=torch.float32, device=self._device)
        return torch.utils.data.TensorDataset(*inputs, Y)

    def _inputs_of(self, arrays):
        """The tensors the encoder takes, from the arrays of ``X.arrays()``."""
        return [torch.as_tensor(a, device=self._device) for a in arrays]

    def _scale_X(self, X, warn=False):
        names = getattr(self, "feature_names_in_", None)
        return scale_inputs(
            X,
            self._x_mean,
            self._x_scale,
            self._x_quantiles,
            warn=warn,
            feature_names=names,
        )

    def _fit(self, *args, **kwargs):
        """:meth:`_fit_data` with torch's threads set by ``n_threads``."""
        with torch_threads(self.n_threads):
            return self._fit_data(*args, **kwargs)

    def _fit_data(
        self,
        X,
        y,
        X_unlabeled=None,
        *,
        labeled_only=False,
        n_outputs=None,
        sources=None,
    ):
        """Validate, scale, split, build or reuse the net, and train.

        ``sources`` (one id per row of ``X``, see ``fit``) keeps a recording
        and its views on one side of the validation split and tells the net
        which rows are views of one recording.

        ``n_outputs`` given (``y`` ignored): one pass of the unsupervised phases
        over ``X`` with an emotion part of that size, continuing the fitted
        model whatever ``warm_start`` says.
        """
        unlabeled_pass = n_outputs is not None
        warm = hasattr(self, "net_") and (self.warm_start or unlabeled_pass)
        if not warm:
            for name in self._fitted_attributes:
                if name not in self._set_before_fit:
                    self.__dict__.pop(name, None)
        _layer_sizes(self, "hidden_layer_sizes")  # a bad value fails before the data
        self._device = resolve_device(self.device)
        X = self._validate_X(X, reset=not warm)
        if not warm:
            self._encoder_kind = resolve_encoder(self.encoder, X.kind)
        hidden = _layer_sizes(self, "hidden_layer_sizes", self._encoder_kind)
        if unlabeled_pass:
            y_ndim, Y = (
                getattr(self, "_y_ndim", 2),
                np.full((len(X), n_outputs), np.nan),
            )
        else:
            y_ndim, Y = self._check_targets(X, y)
        self._views = sources is not None
        if sources is not None:
            sources = check_sources(sources, Y)
        if X_unlabeled is not None:
            X_unlabeled = self._validate_X(
                X_unlabeled, reset=False, input_name="X_unlabeled"
            )
            X = X.concat(X_unlabeled)
            Y = np.vstack([Y, np.full((len(X_unlabeled), Y.shape[1]), np.nan)])
            if sources is not None:  # each pooled row a recording of its own
                pooled = np.arange(len(X_unlabeled)) + sources.max() + 1
                sources = np.concatenate([sources, pooled])
        if labeled_only:
            labeled = np.flatnonzero(~np.isnan(Y).all(axis=1))
            X, Y = X.take(labeled), Y[labeled]
            sources = None if sources is None else sources[labeled]
        n_outputs = self._n_outputs(Y)
        if warm and n_outputs != self.n_outputs_:
            raise ValueError(
                f"warm_start=True continues a model of {self.n_outputs_} target(s), "
                f"but y has {n_outputs}."
            )
        rng = check_random_state(self.random_state)
        train, valid = np.arange(len(Y)), None
        if self.early_stopping and not unlabeled_pass:
            train, valid = split_validation(Y, self.validation_fraction, rng, sources)
        seed = rng.randint(np.iinfo(np.int32).max)
        if not warm:
            scaling = fit_input_scaling(X.take(train), self.input_scaling, seed)
            self._x_mean, self._x_scale, self._x_quantiles = scaling
            self._y_mean = self._y_scale = None
        if not unlabeled_pass and self._y_mean is None:
            self._y_mean, self._y_scale = self._target_scaling(Y[train])
        self._y_ndim = y_ndim
        self.n_outputs_ = n_outputs
        Xs = self._scale_X(X)
        Ys = Y if unlabeled_pass else (Y - self._y_mean) / self._y_scale
        valid_set = None if valid is None else self._dataset(Xs.take(valid), Ys[valid])
        # Hashing the data costs a pass over it: only a checkpoint needs it.
        self._fingerprint = None
        if self.checkpoint is not None and not unlabeled_pass:
            params = self.get_params()
            params = {k: v for k, v in params.items() if k not in _RESUMABLE}
            self._fingerprint = fingerprint(
                type(self).__name__,
                params,
                [*X.arrays(), Y, *([] if sources is None else [sources])],
            )
        y_labeled = None if unlabeled_pass else Ys[train]
        with torch_seed(rng.randint(np.iinfo(np.int32).max), self._device):
            if warm:
                self.net_.configure(**self._net_settings(y_labeled))
                epochs = None
            else:
                self.net_ = self._build_net(X.n_features, n_outputs, y_labeled, hidden)
                self._n_features_out = self._code_size(n_outputs)
                epochs = start(
                    self.net_, checkpoint=self.checkpoint, fingerprint=self._fingerprint
                )
            self._set_views(None if sources is None else sources[train])
            epochs = 1 if unlabeled_pass else epochs
            self._train(Xs.take(train), Ys[train], valid_set, epochs, unlabeled_pass)
        return self

    def _set_views(self, sources):
        """Tell the net which training rows are views of one recording
        (``sources``, one int per row), or that none are (None). The
        supervised network trains on views as on any rows: nothing to tell."""

    def _train(self, X, Y, valid, epochs, unlabeled_pass):
        """Run the net, record its history and report how it stopped."""
        n_before = len(self.net_.history)
        result = run(self.net_, self._dataset(X, Y), valid=valid, epochs=epochs)
        self.history_ = self.net_.history_frame()
        self.n_iter_ = len(self.history_)
        self.best_score_ = result.best_score if self.early_stopping else None
        try:
            report_run(
                result,
                self.history_.iloc[n_before:],
                max_iter=self.max_iter,
                max_grad_norm=self.max_grad_norm,
                checkpoint=self.checkpoint,
                budget=self.early_stopping and not unlabeled_pass,
            )
        except FloatingPointError:
            del self.net_
            raise

    # -- prediction ---------------------------------------------------------

    def _encode(self, X):
        """The encoder's output for raw ``X``, as float64 numpy."""
        check_is_fitted(self)
        Xs = self._scale_X(self._validate_X(X, reset=False), warn=True)
        idx, out = [], []
        with torch_threads(self.n_threads):
            for rows, arrays in Xs.chunks(_PREDICT_BATCH[Xs.kind]):
                idx.append(rows)
                out.append(self.net_.encode(*self._inputs_of(arrays)))
        code = np.empty((len(Xs), out[0].shape[1]))
        code[np.concatenate(idx)] = np.concatenate(out)
        if not np.isfinite(code).all():
            raise FloatingPointError(
                "The network produced non-finite outputs; X probably holds values "
                "far outside the range seen in fit."
            )
        return code

    def _emotion_part(self, X):
        """The emotion (or class) part of the code of ``X``; an error where the
        model has seen no labels yet."""
        code = self._encode(X)[:, : self.n_outputs_]
        if self._y_mean is None:
            raise NotFittedError(
                f"This {type(self).__name__} has seen no labels yet (only "
                "partial_fit_unlabeled); call fit with labels before predict."
            )
        return code

    @_x_doc
    def predict(self, X):
        """Predict the emotion dimensions of ``X``.

        %(parameters_X)s

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, in the shape and units of the ``y`` given to ``fit``.

        Warns
        -----
        FarOutInputWarning
            If rows of ``X`` lie more than 50 training standard deviations out.
        FarOutPredictionWarning
            If predictions lie more than 5 training standard deviations from
            the mean of the training targets.
        """
        y_pred = self._emotion_part(X) * self._y_scale + self._y_mean
        names = getattr(self, "target_names_", None)
        warn_far_predictions(y_pred, self._y_mean, self._y_scale, names)
        return y_pred.ravel() if self._y_ndim == 1 else y_pred

    def save(self, path):
        _persistence.save_estimator(self, path)

    save.__doc__ = SAVE_DOC
