"""Shared estimator plumbing: validation, scaling, seeding, device, training runs."""

# License: BSD-3-Clause

import hashlib
import math
import os
import warnings
from contextlib import contextmanager
from functools import partial
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.base import BaseEstimator
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.metrics import mean_squared_error, r2_score
from sklearn.preprocessing import QuantileTransformer
from sklearn.utils import check_random_state
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_array, check_is_fitted, validate_data
from skorch.callbacks import ProgressBar
from skorch.helper import predefined_split

from ._inputs import Vectors, _standardizer, check_sequences, is_sequence_input
from ._networks import CNNEncoder, GRUEncoder, MLPEncoder
from ._training import (
    DIAGNOSTICS,
    Checkpoint,
    DivergenceError,
    RestoringEarlyStopping,
    ValidationScore,
    load_checkpoint,
)
from .exceptions import (
    DiscriminatorCollapseWarning,
    FarOutInputWarning,
    GradientClippingWarning,
    TrainingDivergedWarning,
    TrainingInterruptedWarning,
)
from .metrics import concordance_correlation_coefficient

_METRICS = {
    "ccc": concordance_correlation_coefficient,
    "r2": r2_score,
    "neg_mean_squared_error": lambda y_true, y_pred: (
        -mean_squared_error(y_true, y_pred)
    ),
}
_PREDICT_BATCH = {"vectors": 4096, "sequences": 256}
# Inputs this many training standard deviations out make the networks extrapolate.
_FAR_OUT = 50.0
# A discriminator right this often gives the encoder no useful gradient.
_COLLAPSE_ACCURACY = 0.99
# Parameters that may change between an interrupted fit and its resumption.
_RESUMABLE = {"max_iter", "verbose", "checkpoint", "checkpoint_every", "device"}


def _score_columns(y_true, y_pred, *, metric, y_mean, y_scale):
    """Mean of ``metric`` over target columns, in original units, ignoring NaN."""
    y_true = y_true * y_scale + y_mean
    y_pred = y_pred * y_scale + y_mean
    scores = []
    for j in range(y_true.shape[1]):
        known = ~np.isnan(y_true[:, j])
        if known.sum() >= 2:
            scores.append(metric(y_true[known, j], y_pred[known, j]))
    return float(np.mean(scores)) if scores else np.nan


def _resolve_device(device):
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        kind = torch.device(device).type
    except RuntimeError as exc:
        raise ValueError(
            f"device={device!r} is not a torch device; use 'cpu', 'cuda', "
            "'cuda:<index>' or 'auto'."
        ) from exc
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but torch finds no CUDA device; "
            "use device='cpu' or 'auto'."
        )
    return device


def _quantile_transformer(quantiles):
    """A fitted normal-output QuantileTransformer with these ``quantiles``
    (n_quantiles, n_features): how a loaded model rebuilds its input scaling."""
    n_quantiles, n_features = quantiles.shape
    transformer = QuantileTransformer(
        n_quantiles=n_quantiles, output_distribution="normal"
    )
    transformer.quantiles_ = quantiles
    transformer.references_ = np.linspace(0, 1, n_quantiles)
    transformer.n_quantiles_ = n_quantiles
    transformer.n_features_in_ = n_features
    return transformer


@contextmanager
def _torch_seed(seed, device):
    """Seed torch inside a fork of its global generators, restored on exit."""
    device = torch.device(device)
    devices = [device] if device.type == "cuda" else []
    with torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


class _BaseEmotionEstimator(BaseEstimator):
    """Plumbing shared by the emotion regressors; not meant to be used directly.

    Subclasses implement ``_build_net(n_features, n_outputs, y_labeled, hidden)``,
    which returns an uninitialised skorch net for standardised inputs and targets
    (``y_labeled``: the standardised training targets, or None before any label).
    """

    _parameter_constraints = {
        "encoder": [StrOptions({"auto", "mlp", "cnn", "gru"})],
        "hidden_layer_sizes": [Interval(Integral, 1, None, closed="left"), tuple, list],
        "activation": [StrOptions({"relu", "tanh", "leaky_relu"})],
        "dropout": [Interval(Real, 0, 1, closed="left")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "loss": [StrOptions({"ccc", "mse"})],
        "input_scaling": [StrOptions({"auto", "quantile", "standard"})],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "learning_rate_init": [Interval(Real, 0, None, closed="neither")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "tol": [Interval(Real, 0, None, closed="left")],
        "max_grad_norm": [Interval(Real, 0, None, closed="neither"), None],
        "checkpoint": [str, os.PathLike, None],
        "checkpoint_every": [Interval(Integral, 1, None, closed="left")],
        "scoring": [StrOptions(set(_METRICS)), callable],
        "device": [str],
        "random_state": ["random_state"],
        "verbose": ["verbose"],
        "warm_start": ["boolean"],
    }

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
        fitted_kind = None if reset else getattr(self, "_input_kind", "vectors")
        if is_sequence_input(X):
            if fitted_kind == "vectors":
                raise ValueError(
                    f"{type(self).__name__} was fitted on feature vectors, but "
                    f"{input_name} holds frame sequences; pass a 2-D array."
                )
            width = None if reset else self.n_features_in_
            X = check_sequences(X, n_features=width, input_name=input_name)
            if reset:
                self.n_features_in_ = X.n_features
                self.__dict__.pop("feature_names_in_", None)
        else:
            if fitted_kind == "sequences":
                raise ValueError(
                    f"{type(self).__name__} was fitted on frame sequences, but "
                    f"{input_name} is not a list of (n_frames, n_features) arrays "
                    "nor a NaN-padded 3-D array."
                )
            X = Vectors(validate_data(self, X, reset=reset, dtype=np.float64))
        if reset:
            self._input_kind = X.kind
        return X

    def _resolve_encoder(self, kind):
        """The encoder for inputs of ``kind``: the parameter, or chosen by it."""
        if self.encoder == "auto":
            return "mlp" if kind == "vectors" else "cnn"
        if (self.encoder == "mlp") != (kind == "vectors"):
            wanted = "2-D feature vectors" if self.encoder == "mlp" else "sequences"
            raise ValueError(
                f"encoder={self.encoder!r} takes {wanted}, but X holds "
                f"{'feature vectors' if kind == 'vectors' else 'frame sequences'}; "
                "use encoder='auto' to choose from the input."
            )
        return self.encoder

    def _make_encoder(self, n_features, hidden, n_outputs):
        if self._encoder_kind == "mlp":
            return MLPEncoder(
                n_features, hidden, n_outputs, self.activation, self.dropout
            )
        if self._encoder_kind == "cnn":
            return CNNEncoder(
                n_features, hidden, n_outputs, self.activation, self.dropout
            )
        return GRUEncoder(n_features, hidden, n_outputs, self.dropout)

    def _check_layer_sizes(self, name):
        """The parameter ``name`` as a tuple of positive ints, or ValueError."""
        sizes = getattr(self, name)
        if isinstance(sizes, Integral):
            sizes = (sizes,)
        if not all(isinstance(s, Integral) and s > 0 for s in sizes):
            raise ValueError(f"{name} must hold positive integers, got {sizes!r}.")
        return tuple(int(s) for s in sizes)

    def _validate_targets(self, X, y):
        """Validate ``y`` against ``X``: 2-D float targets, NaN marks unlabeled."""
        if y is None:
            raise ValueError(
                f"{type(self).__name__} requires y to be passed, but the target y "
                "is None. Mark unlabeled rows with NaN targets."
            )
        y = check_array(
            y,
            ensure_2d=False,
            dtype=np.float64,
            ensure_all_finite="allow-nan",
            input_name="y",
        )
        if y.ndim > 2:
            raise ValueError(f"y must be 1-D or 2-D, got shape {y.shape}.")
        if len(y) != len(X):
            raise ValueError(
                f"X has {len(X)} rows but y has {len(y)}; they must match."
            )
        Y = y.reshape(len(y), -1)
        if np.isinf(Y).any():
            raise ValueError("y contains infinity; use NaN to mark a missing label.")
        if np.isnan(Y).all():
            raise ValueError(
                "y has no labeled rows: every target is NaN. At least one labeled "
                "row is needed to learn the emotion dimensions."
            )
        unlabeled_columns = np.flatnonzero(np.isnan(Y).all(axis=0))
        if len(unlabeled_columns):
            raise ValueError(
                f"target column(s) {unlabeled_columns.tolist()} hold no label at all."
            )
        return y.ndim, Y

    def _set_target_names(self, y):
        names = getattr(y, "columns", None)
        if names is None and getattr(y, "name", None) is not None:
            names = [y.name]
        if names is None:
            self.__dict__.pop("target_names_", None)
        else:
            self.target_names_ = np.asarray([str(c) for c in names], dtype=object)

    def _split_validation(self, Y, rng):
        """Indices of training and validation rows (validation: labeled rows)."""
        n = len(Y)
        if not self.early_stopping:
            return np.arange(n), None
        labeled = np.flatnonzero(~np.isnan(Y).all(axis=1))
        n_valid = max(2, math.ceil(self.validation_fraction * len(labeled)))
        if len(labeled) - n_valid < 1:
            raise ValueError(
                "early_stopping=True sets aside a validation set of at least 2 "
                "labeled rows and trains on the rest, but only "
                f"n_samples={len(labeled)} labeled rows were given. Pass more data "
                "or early_stopping=False."
            )
        valid = np.sort(rng.choice(labeled, size=n_valid, replace=False))
        return np.setdiff1d(np.arange(n), valid), valid

    # -- training -----------------------------------------------------------

    def _common_net_params(self):
        """Keyword arguments of the skorch net shared by every estimator."""
        stopper = RestoringEarlyStopping(**self._stopper_params())
        callbacks = [
            ("valid_score", ValidationScore(self._validation_metric())),
            ("stopper", stopper),
        ]
        if self.checkpoint is not None:
            checkpoint = Checkpoint(
                self.checkpoint,
                self.checkpoint_every,
                self._fingerprint,
            )
            callbacks.append(("checkpoint", checkpoint))
        if self.verbose:
            keys = list(self._net_class.loss_names)
            callbacks.append(("progress", ProgressBar(postfix_keys=keys)))
        return dict(
            max_grad_norm=self.max_grad_norm,
            loss=self.loss,
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
            _METRICS[self.scoring] if isinstance(self.scoring, str) else self.scoring
        )
        return partial(
            _score_columns, metric=metric, y_mean=self._y_mean, y_scale=self._y_scale
        )

    def _to_tensor(self, values):
        return torch.as_tensor(values, dtype=torch.float32, device=self._device)

    def _dataset(self, X, Y):
        inputs = self._inputs_of(X.arrays())
        return torch.utils.data.TensorDataset(*inputs, self._to_tensor(Y))

    def _fit_scaling(self, X, seed):
        """Learn the input scaling from the training rows ``X``."""
        self._x_mean, self._x_scale = X.moments()
        scaling = self.input_scaling
        if scaling == "auto":
            scaling = "quantile" if X.kind == "vectors" else "standard"
        self._x_quantiles = None
        if scaling == "quantile":
            values, _ = X.real_values()
            self._x_quantiles = QuantileTransformer(
                n_quantiles=min(1000, len(values)),
                output_distribution="normal",
                subsample=100_000,
                random_state=seed,
            ).fit(values)

    def _scale_X(self, X, warn=False):
        """``X`` as the networks take it; ``warn``: about far-out rows too."""
        quantiles = getattr(self, "_x_quantiles", None)
        if warn or quantiles is None:
            standard = X.scaled(self._x_mean, self._x_scale)
        if warn:
            self._warn_far_out(standard)
        if quantiles is None:
            return standard
        # Values beyond the training range map to the outermost quantiles.
        return X.mapped(quantiles.transform)

    def _run(self, X, Y, valid=None, epochs=None, warn_max_iter=True):
        """Train the net on standardised ``X`` and ``Y``; mirrors skorch's
        ``partial_fit``, but tells early stopping from an interrupt or a
        divergence, and restores the best weights in each case."""
        net = self.net_
        net.train_split = None if valid is None else predefined_split(valid)
        dataset = self._dataset(X, Y)
        n_before = len(net.history)
        stopper = dict(net.callbacks_)["stopper"]
        diverged = interrupted = None
        net.notify("on_train_begin", X=dataset, y=None)
        try:
            net.fit_loop(dataset, epochs=epochs)
        except KeyboardInterrupt:
            # skorch's early stopping raises it too; only a real one is reported.
            interrupted = stopper.misses_ < stopper.patience
        except DivergenceError as exc:
            diverged = exc
        net.notify("on_train_end", X=dataset, y=None)
        self._record_history()
        self._warn_faults(n_before)
        restored = stopper.best_model_weights_ is not None
        epoch = len(net.history)
        if diverged is not None:
            if not restored:
                del self.net_
                raise FloatingPointError(
                    f"Training diverged in epoch {epoch}: {diverged}, and no earlier "
                    "epoch was good enough to restore. Lower learning_rate_init or "
                    "check X for extreme values."
                ) from diverged
            warnings.warn(
                f"Training diverged in epoch {epoch} ({diverged}); the weights of "
                f"epoch {stopper.best_epoch_} were restored.",
                TrainingDivergedWarning,
                stacklevel=3,
            )
        elif interrupted:
            warnings.warn(
                f"Training was interrupted in epoch {epoch}; the estimator keeps the "
                f"weights of epoch {stopper.best_epoch_ if restored else epoch}."
                + (
                    f" fit again to resume from checkpoint {self.checkpoint!r}."
                    if self.checkpoint is not None
                    else ""
                ),
                TrainingInterruptedWarning,
                stacklevel=3,
            )
        elif warn_max_iter and interrupted is None:
            warnings.warn(
                f"Training stopped at max_iter={self.max_iter} before the "
                "monitored score stopped improving.",
                ConvergenceWarning,
                stacklevel=3,
            )
        self.best_score_ = stopper.best_score_ if self.early_stopping else None
        return self

    def _warn_faults(self, n_before):
        """Warn about a collapsed discriminator or clipped gradients in this run."""
        history = self.history_.iloc[n_before:]
        accuracy = history.get("discriminator_accuracy")
        if accuracy is not None and len(accuracy) >= 3:
            if (accuracy.iloc[-3:] >= _COLLAPSE_ACCURACY).all():
                warnings.warn(
                    "The discriminators told codes from prior samples in "
                    f"{accuracy.iloc[-1]:.1%} of cases in the last epochs "
                    "(history_['discriminator_accuracy']): they have won, and the "
                    "regularisation phase no longer shapes the codes. Raise "
                    "adversarial_weight or shrink discriminator_layer_sizes.",
                    DiscriminatorCollapseWarning,
                    stacklevel=4,
                )
        clipped = history.get("clipped_steps")
        if clipped is not None and clipped.sum() > 0:
            warnings.warn(
                f"Gradients were clipped to max_grad_norm={self.max_grad_norm:g} in "
                f"{int(clipped.sum())} steps (history_['clipped_steps']); the "
                f"largest norm was {history['grad_norm'].max():.3g}.",
                GradientClippingWarning,
                stacklevel=4,
            )

    def _record_history(self):
        rows = [
            {k: v for k, v in epoch.items() if k != "batches"}
            for epoch in self.net_.history
        ]
        history = pd.DataFrame(rows).rename(columns={"dur": "time"})
        order = [
            *self._net_class.loss_names,
            "valid_loss",
            "valid_score",
            *DIAGNOSTICS,
            "time",
        ]
        self.history_ = history.set_index("epoch")[[c for c in order if c in history]]
        self.n_iter_ = len(history)

    def _fit(self, X, y, X_unlabeled=None, keep_unlabeled=True):
        """Validate, standardise, split, build or reuse the net, and train."""
        hidden = self._check_layer_sizes("hidden_layer_sizes")
        self._device = _resolve_device(self.device)
        warm = self.warm_start and hasattr(self, "net_")
        X = self._validate_X(X, reset=not warm)
        if not warm:
            self._encoder_kind = self._resolve_encoder(X.kind)
        y_ndim, Y = self._validate_targets(X, y)
        if X_unlabeled is not None:
            X_unlabeled = self._validate_X(
                X_unlabeled, reset=False, input_name="X_unlabeled"
            )
            X = X.concat(X_unlabeled)
            Y = np.vstack([Y, np.full((len(X_unlabeled), Y.shape[1]), np.nan)])
        if not keep_unlabeled:
            labeled = np.flatnonzero(~np.isnan(Y).all(axis=1))
            X, Y = X.take(labeled), Y[labeled]
        if warm and Y.shape[1] != self.n_outputs_:
            raise ValueError(
                f"warm_start=True continues a model of {self.n_outputs_} target(s), "
                f"but y has {Y.shape[1]}."
            )
        rng = check_random_state(self.random_state)
        train, valid = self._split_validation(Y, rng)
        if not warm:
            self._fit_scaling(X.take(train), rng.randint(np.iinfo(np.int32).max))
        if not warm or self._y_mean is None:
            self._y_mean, self._y_scale = _standardizer(Y[train])
        self._y_ndim = y_ndim
        self.n_outputs_ = Y.shape[1]
        Xs, Ys = self._scale_X(X), (Y - self._y_mean) / self._y_scale
        valid_set = None if valid is None else self._dataset(Xs.take(valid), Ys[valid])
        # Hashing the data costs a pass over it: only a checkpoint needs it.
        self._fingerprint = (
            None if self.checkpoint is None else self._data_fingerprint(X, Y)
        )
        epochs = None
        with _torch_seed(rng.randint(np.iinfo(np.int32).max), self._device):
            if warm:
                self._update_net(Ys[train])
            else:
                self.net_ = self._build_net(X.n_features, Y.shape[1], Ys[train], hidden)
                self.net_.initialize()
                if self.checkpoint is not None and os.path.exists(self.checkpoint):
                    load_checkpoint(self.net_, self.checkpoint, self._fingerprint)
                    epochs = max(0, self.max_iter - len(self.net_.history))
            self.net_.max_epochs = self.max_iter
            self._run(Xs.take(train), Ys[train], valid_set, epochs=epochs)
        return self

    def _data_fingerprint(self, X, Y):
        """Digest of the raw data and of the parameters a resumption keeps."""
        digest = hashlib.sha256(type(self).__name__.encode())
        params = {k: v for k, v in self.get_params().items() if k not in _RESUMABLE}
        digest.update(repr(sorted(params.items())).encode())
        for array in (*X.arrays(), Y):
            digest.update(np.ascontiguousarray(array).tobytes())
        return digest.hexdigest()

    def _update_net(self, y_labeled):
        """Apply the current training settings before a warm-started fit.

        Learning rate, L2 penalty, validation metric and early stopping take
        their current values; the optimizers keep their moment estimates."""
        callbacks = dict(self.net_.callbacks_)
        callbacks["valid_score"].score_func = self._validation_metric()
        stopper = callbacks["stopper"]
        for key, value in self._stopper_params().items():
            setattr(stopper, key, value)
        for name in self.net_._optimizers:
            for group in getattr(self.net_, name + "_").param_groups:
                group["weight_decay"] = self.alpha
        self.net_.set_learning_rate(self.learning_rate_init)

    # -- prediction ---------------------------------------------------------

    def _encode(self, X):
        """The encoder's output for raw ``X``, as float64 numpy."""
        check_is_fitted(self)
        Xs = self._scale_X(self._validate_X(X, reset=False), warn=True)
        module = self.net_.module_
        module.eval()
        idx, out = [], []
        with torch.no_grad():
            for rows, arrays in Xs.chunks(_PREDICT_BATCH[Xs.kind]):
                idx.append(rows)
                out.append(module(*self._inputs_of(arrays)).cpu().numpy())
        code = np.empty((len(Xs), out[0].shape[1]))
        code[np.concatenate(idx)] = np.concatenate(out)
        if not np.isfinite(code).all():
            raise FloatingPointError(
                "The network produced non-finite outputs; X probably holds values "
                "far outside the range seen in fit."
            )
        return code

    def _inputs_of(self, arrays):
        """The tensors the encoder takes, from the arrays of ``X.arrays()``."""
        return [torch.as_tensor(a, device=self._device) for a in arrays]

    def _warn_far_out(self, Xs):
        """Warn when standardised inputs lie far outside the training data."""
        values, rows = Xs.real_values()
        far = np.abs(values) > _FAR_OUT
        if not far.any():
            return
        line, column = np.unravel_index(np.abs(values).argmax(), values.shape)
        names = getattr(self, "feature_names_in_", None)
        feature = f"feature {column}" if names is None else repr(names[column])
        if getattr(self, "_x_quantiles", None) is None:
            advice = (
                "the outputs there are extrapolations. Heavy-tailed features, such "
                "as eGeMAPS's *_stddevNorm, are safer with input_scaling='quantile'."
            )
        else:
            advice = (
                "input_scaling maps them to the outermost training quantiles, but "
                "the outputs there rest on the edge of the training data."
            )
        warnings.warn(
            f"{len(np.unique(rows[far.any(axis=1)]))} row(s) of X lie more than "
            f"{_FAR_OUT:g} training standard deviations out (worst: {feature} of "
            f"row {rows[line]}, {values[line, column]:.3g}); {advice}",
            FarOutInputWarning,
            stacklevel=4,
        )

    def predict(self, X):
        """Predict the emotion dimensions of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or sequences
            Inputs of the kind seen in ``fit``: feature vectors, or a list of
            frame sequences (or a NaN-padded 3-D array).

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_outputs)
            Predictions, in the shape and units of the ``y`` given to ``fit``.
        """
        code = self._encode(X)[:, : self.n_outputs_]
        if self._y_mean is None:
            raise NotFittedError(
                f"This {type(self).__name__} has seen no labels yet (only "
                "partial_fit_unlabeled); call fit with labels before predict."
            )
        y_pred = code * self._y_scale + self._y_mean
        return y_pred.ravel() if self._y_ndim == 1 else y_pred

    def save(self, path):
        """Save the fitted estimator to a safetensors file, loadable without pickle.

        The file holds the weights of every network, the input and target scaling
        and the history as tensors, and the parameters, fitted attributes and
        library versions as JSON in its metadata. It is written to a temporary
        file beside ``path`` and then renamed, so an interrupted save leaves no
        half-written model. Not saved: the optimizers' moment estimates and the
        ``checkpoint`` parameter.

        Parameters
        ----------
        path : str or path-like
            File to write, e.g. ``"model.safetensors"``; an existing file is
            replaced.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        ValueError
            If a parameter is a callable (a custom ``scoring``), which a file
            without code cannot hold, or if the networks no longer match the
            parameters (architecture parameters changed after fit).

        See Also
        --------
        aae_sklearn.load : Load the estimator back.
        """
        # Imported here: the persistence module builds on the estimators.
        from ._persistence import save_estimator

        save_estimator(self, path)
