"""Safe persistence of fitted estimators: one safetensors file, and no pickle.

A model file is a plain `safetensors <https://huggingface.co/docs/safetensors>`_
file. Its tensors are the weights and buffers of every network (``module.*``
for the encoder, then ``decoder.*``, ``disc_emotion.*``, ``disc_style.*``,
``emotion_prior.*`` and ``style_prior.*`` for the autoencoder), the scaling of
inputs and targets (``_x_mean``, ``_x_scale``, ``_y_mean``, ``_y_scale``, and
``_x_quantiles``, one column of quantiles per feature, with quantile scaling) and
the training history (``history.epoch``, and ``history.<column>`` for each
column of ``history_``). Its header metadata holds a single entry,
``"aae_sklearn"``: a JSON document with the format name and version, the
estimator's class and parameters, its fitted attributes, the order of the
history's columns and the versions of the libraries that wrote it.

Loading parses JSON and copies raw numbers: nothing in the file is unpickled,
imported or executed. The class is looked up in a fixed list of the package's
estimators, and every value and tensor is checked before the networks are
rebuilt; a file that fails a check raises a ``ValueError`` naming it.
"""

# License: BSD-3-Clause

import json
import os
import uuid
import warnings
from numbers import Integral
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from safetensors import SafetensorError, safe_open
from safetensors.torch import save as _serialize
from sklearn.utils.validation import check_is_fitted

from ._base import _quantile_transformer, _resolve_device, _torch_seed
from ._estimators import AAEEmotionRegressor, SupervisedEmotionRegressor
from ._networks import EmpiricalPrior, GaussianPrior, UniformPrior

FORMAT = "aae_sklearn.model"
FORMAT_VERSION = 1
_KEY = "aae_sklearn"
_ESTIMATORS = {
    cls.__name__: cls for cls in (AAEEmotionRegressor, SupervisedEmotionRegressor)
}
# The networks a skorch net of this package may own, in the order it makes them.
_MODULES = (
    "module",
    "decoder",
    "disc_emotion",
    "disc_style",
    "emotion_prior",
    "style_prior",
)
_SCALING = ("_x_mean", "_x_scale", "_y_mean", "_y_scale")
# The quantiles of input_scaling="quantile", one column per feature.
_QUANTILES = "_x_quantiles"
_DOCUMENT = ("format", "format_version", "estimator", "params", "attributes")
# A checkpoint names a file of the machine that trained the model; restoring it
# would let a model file choose where a later fit writes.
_NOT_SAVED = ("checkpoint",)


def _is_int(value, low=0):
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def _is_names(value):
    return value is None or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


_ATTRIBUTES = {
    "n_features_in_": ("a positive integer", lambda v: _is_int(v, 1)),
    "n_outputs_": ("a positive integer", lambda v: _is_int(v, 1)),
    "n_iter_": ("a non-negative integer", _is_int),
    "best_score_": (
        "a number or null",
        lambda v: v is None or (isinstance(v, (int, float)) and v is not True),
    ),
    "feature_names_in_": ("a list of strings or null", _is_names),
    "target_names_": ("a list of strings or null", _is_names),
    "history_columns": ("a list of strings", lambda v: v is not None and _is_names(v)),
    "_y_ndim": ("1 or 2", lambda v: _is_int(v) and v in (1, 2)),
    "_input_kind": (
        '"vectors" or "sequences"',
        lambda v: v in ("vectors", "sequences"),
    ),
    "_encoder_kind": ('"mlp", "cnn" or "gru"', lambda v: v in ("mlp", "cnn", "gru")),
    "_device": ("a string", lambda v: isinstance(v, str)),
}


class _Invalid(Exception):
    """What is wrong with a model file; :func:`load` makes it a ValueError."""


# -- saving -------------------------------------------------------------------


def _json_params(estimator):
    """The estimator's parameters as JSON values (tuples become lists)."""
    params = {}
    for key, value in estimator.get_params(deep=False).items():
        if key in _NOT_SAVED:
            continue
        if key == "random_state" and not (value is None or isinstance(value, Integral)):
            warnings.warn(
                "random_state is a RandomState instance, which a model file cannot "
                "hold; it is saved as None. Pass an int to make refits of the "
                "loaded model reproducible.",
                UserWarning,
                stacklevel=3,
            )
            value = None
        elif isinstance(value, np.generic):
            value = value.item()
        elif isinstance(value, tuple):
            value = [v.item() if isinstance(v, np.generic) else v for v in value]
        try:
            json.dumps(value)
        except (TypeError, ValueError) as exc:
            raise ValueError(
                f"Cannot save {type(estimator).__name__}: {key}={value!r} is not a "
                "plain value (loading it would mean running code). Set it to a "
                "built-in option, or save the estimator with pickle or joblib."
            ) from exc
        params[key] = value
    return params


def _tensors(estimator):
    """Every tensor of the file: weights, scaling and history, on the CPU."""
    tensors = {}
    for name in estimator.net_._modules:
        state = getattr(estimator.net_, name + "_").state_dict()
        for key, value in state.items():
            tensors[f"{name}.{key}"] = value.detach().cpu().contiguous()
    for name in _SCALING:
        value = getattr(estimator, name)
        if value is not None:
            tensors[name] = torch.from_numpy(np.array(value))
    quantiles = getattr(estimator, "_x_quantiles", None)
    if quantiles is not None:
        tensors[_QUANTILES] = torch.from_numpy(
            np.ascontiguousarray(quantiles.quantiles_)
        )
    history = estimator.history_
    tensors["history.epoch"] = torch.from_numpy(np.array(history.index, np.int64))
    for column in history:
        values = history[column].to_numpy()
        if values.dtype.kind not in "biuf":
            raise ValueError(
                f"Cannot save history_[{column!r}] of dtype {values.dtype}; only "
                "numeric columns fit in a model file."
            )
        tensors[f"history.{column}"] = torch.from_numpy(np.array(values))
    return tensors


def _versions():
    import safetensors
    import sklearn
    import skorch

    from . import __version__

    return {
        "aae_sklearn": __version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "skorch": skorch.__version__,
        "numpy": np.__version__,
        "safetensors": safetensors.__version__,
    }


def _write_atomically(path, data):
    """Write ``data`` to a sibling temporary file, then rename it to ``path``."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    try:
        with open(tmp, "xb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def save_estimator(estimator, path):
    """Write a fitted estimator to the safetensors file ``path``.

    See :meth:`AAEEmotionRegressor.save` and :func:`load`.
    """
    check_is_fitted(estimator)
    name = type(estimator).__name__
    if _ESTIMATORS.get(name) is not type(estimator):
        raise TypeError(
            f"Only {' and '.join(_ESTIMATORS)} can be saved to a model file, not "
            f"{name}; use pickle or joblib for subclasses."
        )
    tensors = _tensors(estimator)
    try:
        _check_networks(estimator, tensors)
    except _Invalid as exc:
        raise ValueError(
            f"Cannot save {name}: its networks no longer match its parameters "
            f"({exc}). Were architecture parameters changed with set_params after "
            "fit? Restore them, or fit again, before saving."
        ) from None
    attributes = {key: getattr(estimator, key, None) for key in _ATTRIBUTES}
    for key in ("feature_names_in_", "target_names_"):
        if attributes[key] is not None:
            attributes[key] = [str(v) for v in attributes[key]]
    attributes["history_columns"] = [str(c) for c in estimator.history_.columns]
    attributes["_device"] = str(estimator._device)
    if attributes["best_score_"] is not None:
        attributes["best_score_"] = float(attributes["best_score_"])
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "estimator": name,
        "params": _json_params(estimator),
        "attributes": attributes,
        "versions": _versions(),
    }
    data = _serialize(tensors, metadata={_KEY: json.dumps(document)})
    _write_atomically(path, data)


# -- loading ------------------------------------------------------------------


def _read(path):
    """The JSON document and the tensors of ``path``."""
    try:
        with safe_open(path, framework="pt", device="cpu") as file:
            metadata = file.metadata() or {}
            tensors = {key: file.get_tensor(key) for key in file.keys()}
    except (SafetensorError, RuntimeError, TypeError, ValueError) as exc:
        raise _Invalid(f"not a safetensors file ({exc})") from None
    if _KEY not in metadata:
        raise _Invalid(
            f"not an aae_sklearn model: its safetensors metadata has no {_KEY!r} entry"
        )
    try:
        document = json.loads(metadata[_KEY])
    except (ValueError, RecursionError) as exc:
        raise _Invalid(f"its {_KEY!r} metadata is not valid JSON ({exc})") from None
    if not isinstance(document, dict):
        raise _Invalid(f"its {_KEY!r} metadata is not a JSON object")
    missing = [key for key in _DOCUMENT if key not in document]
    if missing:
        raise _Invalid(f"its {_KEY!r} metadata misses the key(s) {missing}")
    if document["format"] != FORMAT:
        raise _Invalid(f"not an aae_sklearn model (format {document['format']!r})")
    version = document["format_version"]
    if not _is_int(version, 1):
        raise _Invalid(f"format_version must be a positive integer, got {version!r}")
    if version > FORMAT_VERSION:
        raise _Invalid(
            f"it was written by a newer aae_sklearn (format version {version}; this "
            f"one reads up to {FORMAT_VERSION}); upgrade aae_sklearn to load it"
        )
    return document, tensors


def _make_estimator(document):
    """The estimator of ``document``'s class and parameters, unfitted."""
    name, params = document["estimator"], document["params"]
    cls = _ESTIMATORS.get(name) if isinstance(name, str) else None
    if cls is None:
        raise _Invalid(
            f"unknown estimator {name!r}; expected one of {sorted(_ESTIMATORS)}"
        )
    if not isinstance(params, dict):
        raise _Invalid("params must be a JSON object")
    unknown = sorted(set(params) - (set(cls._get_param_names()) - set(_NOT_SAVED)))
    if unknown:
        raise _Invalid(f"unknown parameter(s) {unknown} of {name}")
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
    estimator = cls(**params)
    try:
        estimator._validate_params()
        for key in ("hidden_layer_sizes", "discriminator_layer_sizes"):
            if key in params:
                estimator._check_layer_sizes(key)
    except (TypeError, ValueError) as exc:
        raise _Invalid(f"invalid parameters: {exc}") from None
    return estimator


def _set_attributes(estimator, attributes):
    """Check the fitted attributes of the document and set them."""
    if not isinstance(attributes, dict):
        raise _Invalid("attributes must be a JSON object")
    for key, (what, check) in _ATTRIBUTES.items():
        if key not in attributes:
            raise _Invalid(f"attributes misses {key!r}")
        if not check(attributes[key]):
            raise _Invalid(f"attribute {key} must be {what}, got {attributes[key]!r}")
    a = attributes
    if (a["_encoder_kind"] == "mlp") != (a["_input_kind"] == "vectors"):
        raise _Invalid(f"encoder {a['_encoder_kind']!r} cannot read {a['_input_kind']}")
    if a["_y_ndim"] == 1 and a["n_outputs_"] != 1:
        raise _Invalid("1-D targets with n_outputs_ other than 1")
    for key, size in (
        ("feature_names_in_", "n_features_in_"),
        ("target_names_", "n_outputs_"),
    ):
        if a[key] is not None and len(a[key]) != a[size]:
            raise _Invalid(f"{len(a[key])} {key} for {size}={a[size]}")
        if a[key] is not None:
            setattr(estimator, key, np.asarray(a[key], dtype=object))
    for key in ("n_features_in_", "n_outputs_", "n_iter_", "best_score_"):
        setattr(estimator, key, a[key])
    estimator._y_ndim = a["_y_ndim"]
    estimator._input_kind = a["_input_kind"]
    estimator._encoder_kind = a["_encoder_kind"]


def _tensor(tensors, key, shape, dtypes=(torch.float32,), finite=True):
    """``tensors[key]``, checked for its shape, dtype and finiteness."""
    if key not in tensors:
        raise _Invalid(f"tensor {key!r} is missing")
    value = tensors[key]
    if tuple(value.shape) != tuple(shape):
        raise _Invalid(
            f"tensor {key!r} has shape {tuple(value.shape)}, expected {tuple(shape)}"
        )
    if value.dtype not in dtypes:
        raise _Invalid(f"tensor {key!r} has dtype {value.dtype}, expected {dtypes[0]}")
    if finite and not torch.isfinite(value).all():
        raise _Invalid(f"tensor {key!r} holds non-finite values")
    return value


def _state(tensors, name):
    prefix = name + "."
    return {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}


def _prior(tensors, name, n_dims):
    """The prior module stored under ``name``, built from its own tensors."""
    state = _state(tensors, name)
    if set(state) == {"_anchor"}:
        _tensor(tensors, f"{name}._anchor", (n_dims,))
        return GaussianPrior(n_dims)
    if set(state) == {"low", "high"}:
        low = _tensor(tensors, f"{name}.low", (n_dims,))
        high = _tensor(tensors, f"{name}.high", (n_dims,))
        return UniformPrior(low.clone(), high.clone())
    if set(state) == {"points"} and state["points"].ndim == 2:
        n_points = max(1, len(state["points"]))
        points = _tensor(tensors, f"{name}.points", (n_points, n_dims))
        return EmpiricalPrior(points.clone())
    raise _Invalid(f"the tensors {sorted(state)} of {name!r} make no known prior")


def _fresh_net(estimator):
    """An uninitialised net of the estimator's architecture (emotion prior:
    Gaussian, for want of labels)."""
    hidden = estimator._check_layer_sizes("hidden_layer_sizes")
    return estimator._build_net(
        estimator.n_features_in_, estimator.n_outputs_, None, hidden
    )


def _check_networks(estimator, tensors):
    """Check the network tensors against the estimator's architecture.

    Returns the modules' states and the priors, rebuilt from their tensors.
    """
    try:
        # On the meta device nothing is allocated, so that an absurd size in
        # a tampered file cannot exhaust memory before the check.
        with torch.device("meta"):
            net = _fresh_net(estimator)
    except (TypeError, ValueError, RuntimeError, OverflowError) as exc:
        raise _Invalid(f"cannot build the networks: {exc}") from None
    states, priors = {}, {}
    names = [n for n in _MODULES if isinstance(getattr(net, n, None), torch.nn.Module)]
    for name in names:
        if name == "emotion_prior":
            priors[name] = _prior(tensors, name, estimator.n_outputs_)
        elif name == "style_prior":
            priors[name] = _prior(tensors, name, estimator.style_dim)
        else:
            expected = getattr(net, name).state_dict()
            for key, value in expected.items():
                _tensor(tensors, f"{name}.{key}", value.shape, (value.dtype,))
            states[name] = _state(tensors, name)
            unexpected = sorted(set(states[name]) - set(expected))
            if unexpected:
                extra = [f"{name}.{key}" for key in unexpected[:5]]
                raise _Invalid(f"unexpected tensor(s) {extra}")
    return states, priors


def _set_scaling(estimator, tensors):
    n_features, n_outputs = estimator.n_features_in_, estimator.n_outputs_
    floats = (torch.float64, torch.float32)
    for name, size in zip(_SCALING, [n_features] * 2 + [n_outputs] * 2, strict=True):
        if name in ("_y_mean", "_y_scale") and "_y_mean" not in tensors:
            # Only partial_fit_unlabeled so far: no target was ever seen.
            setattr(estimator, name, None)
            continue
        value = _tensor(tensors, name, (size,), floats).numpy().copy()
        if name.endswith("scale") and not (value > 0).all():
            raise _Invalid(f"tensor {name!r} holds scales that are not positive")
        setattr(estimator, name, value)
    estimator._x_quantiles = None
    if _QUANTILES in tensors:
        shape = tuple(tensors[_QUANTILES].shape)
        if len(shape) != 2 or shape[0] < 2:
            raise _Invalid(f"tensor {_QUANTILES!r} has shape {shape}")
        quantiles = _tensor(tensors, _QUANTILES, (shape[0], n_features), floats)
        quantiles = quantiles.numpy().copy()
        if (np.diff(quantiles, axis=0) < 0).any():
            raise _Invalid(f"tensor {_QUANTILES!r} holds decreasing quantiles")
        estimator._x_quantiles = _quantile_transformer(quantiles)


def _history(tensors, columns, n_iter):
    if len(set(columns)) != len(columns):
        raise _Invalid("history_columns repeats a column")
    epoch = _tensor(tensors, "history.epoch", (n_iter,), (torch.int64,)).numpy()
    numeric = (torch.float64, torch.float32, torch.int64, torch.int32, torch.bool)
    data = {
        c: _tensor(tensors, f"history.{c}", (n_iter,), numeric, finite=False).numpy()
        for c in columns
    }
    return pd.DataFrame(data, index=pd.Index(epoch.copy(), name="epoch"))


def _load_device(estimator, device, path):
    """The device to load onto: ``device`` (resolved), or the estimator's where
    this machine has it, else the CPU."""
    if device is not None:
        estimator.device = device
        return device
    try:
        resolved = _resolve_device(estimator.device)
        where = torch.device(resolved)
        if where.type == "cuda" and (where.index or 0) >= torch.cuda.device_count():
            raise ValueError(f"no CUDA device {where.index}")
        return resolved
    except (ValueError, RuntimeError):
        warnings.warn(
            f"{path} was saved with device={estimator.device!r}, which this machine "
            "lacks; the model is loaded onto the CPU. Its device parameter is "
            "kept: set_params(device='cpu') before training it further, or pass "
            "load(path, device='cpu').",
            UserWarning,
            stacklevel=4,
        )
        return "cpu"


def _rebuild(document, tensors, device, path):
    estimator = _make_estimator(document)
    _set_attributes(estimator, document["attributes"])
    _set_scaling(estimator, tensors)
    history = _history(
        tensors, document["attributes"]["history_columns"], estimator.n_iter_
    )
    estimator._device = "cpu"
    states, priors = _check_networks(estimator, tensors)
    used = {n for n in _SCALING if getattr(estimator, n) is not None}
    used |= {_QUANTILES} if estimator._x_quantiles is not None else set()
    used |= {"history.epoch", *(f"history.{c}" for c in history.columns)}
    used |= {f"{n}.{k}" for n in (*states, *priors) for k in _state(tensors, n)}
    strays = sorted(set(tensors) - used)
    if strays:
        raise _Invalid(f"unexpected tensor(s) {strays[:5]}")
    estimator._device = _load_device(estimator, device, path)
    # Weights are initialised before being overwritten; seeding a fork keeps
    # torch's global generators untouched.
    with _torch_seed(0, estimator._device):
        net = _fresh_net(estimator)
        net.initialize()
    for name, state in states.items():
        getattr(net, name + "_").load_state_dict(state)
    for name, prior in priors.items():
        setattr(net, name + "_", prior.to(estimator._device))
    rows = history.rename(columns={"time": "dur"}).reset_index()
    for row in rows.to_dict("records"):
        net.history.append({"batches": [], **row})
    estimator.net_ = net
    estimator.history_ = history
    return estimator


def load(path, *, device=None):
    """Load an estimator saved with ``save``, without running code from the file.

    Parameters
    ----------
    path : str or path-like
        A file written by :meth:`AAEEmotionRegressor.save` or
        :meth:`SupervisedEmotionRegressor.save`.
    device : str, default=None
        torch device to put the networks on, which also becomes the estimator's
        ``device`` parameter. None: the saved ``device`` parameter, where this
        machine has it; a model saved with ``device="cuda"`` is loaded onto the
        CPU of a machine without CUDA, with a warning, and keeps its
        parameter (a later ``fit`` then asks for another device).

    Returns
    -------
    estimator : AAEEmotionRegressor or SupervisedEmotionRegressor
        The fitted estimator: parameters, networks, scaling, ``history_`` and
        the other fitted attributes as they were saved. Not saved: the
        optimizers' moment estimates (a ``warm_start`` fit of a loaded model
        starts Adam afresh) and the ``checkpoint`` parameter, a file of the
        machine that trained the model (None after loading).

    Raises
    ------
    ValueError
        If ``path`` is not such a model file: not safetensors, truncated, of
        another format or of a newer format version, or holding unknown
        classes, invalid parameters or attributes, or missing, misshapen or
        non-finite tensors. The message names the file and the problem.

    Warns
    -----
    UserWarning
        If the saved ``device`` is missing on this machine (a model trained on
        a GPU, loaded where there is none) and ``device`` is None: the model
        is loaded onto the CPU.

    See Also
    --------
    AAEEmotionRegressor.save : Write the file.

    Notes
    -----
    The file is a safetensors file. Its tensors are the weights and buffers of
    every network, the scaling of inputs and targets and the columns of
    ``history_``; its metadata holds one JSON document with the format name and
    version, the estimator's class and parameters, its fitted attributes and the
    versions of the libraries that wrote it. Reading it parses JSON and copies
    numbers; no pickle is involved, so a file from an untrusted source cannot run
    code (pickle and joblib files can).

    Examples
    --------
    >>> import os, tempfile
    >>> from aae_sklearn import AAEEmotionRegressor, load
    >>> from aae_sklearn.datasets import make_emotion_regression
    >>> X, y = make_emotion_regression(n_samples=100, random_state=0)
    >>> model = AAEEmotionRegressor(hidden_layer_sizes=(16,), style_dim=4,
    ...                             max_iter=3, random_state=0).fit(X, y)
    >>> with tempfile.TemporaryDirectory() as folder:
    ...     model.save(os.path.join(folder, "aae.safetensors"))
    ...     restored = load(os.path.join(folder, "aae.safetensors"))
    >>> bool((restored.predict(X) == model.predict(X)).all())
    True
    """
    path = os.fspath(path)
    if device is not None:
        device = _resolve_device(device)
    try:
        document, tensors = _read(path)
        return _rebuild(document, tensors, device, path)
    except _Invalid as exc:
        raise ValueError(f"Cannot load {path}: {exc}.") from None
