"""Saving and loading fitted estimators, through a registry of their classes.

Estimator classes register themselves (:func:`register`) with their fitted
attributes and two hooks; this module writes and reads the model files of
:mod:`._model_file` for them, and imports no estimator.
"""

# License: BSD-3-Clause

import json
import os
import warnings
from dataclasses import dataclass

import numpy as np
import torch
from safetensors.torch import save as _serialize
from sklearn.utils.validation import check_is_fitted

from .._training import resolve_device, torch_seed
from ..utils._files import atomic_write
from ..utils._scaling import quantile_transformer
from ._model_file import (
    CHECKS,
    FORMAT,
    FORMAT_VERSION,
    HISTORY_COLUMNS,
    KEY,
    NOT_SAVED,
    OPTIONAL,
    Invalid,
    check_consistency,
    json_params,
    json_value,
    prefixed,
    read,
    read_history,
    read_prior,
    read_tensor,
    versions,
)

__all__ = ["FORMAT", "FORMAT_VERSION", "load", "register", "save_estimator"]

# The networks a skorch net of this package may own, in the order it makes them.
_MODULES = (
    "module",
    "decoder",
    "disc_emotion",
    "disc_style",
    "emotion_prior",
    "style_prior",
)


@dataclass(frozen=True)
class _Entry:
    """How :func:`load` rebuilds a registered estimator class."""

    cls: type
    fitted: dict
    check_params: object
    make_net: object

    def names(self, kind):
        return [name for name, k in self.fitted.items() if k == kind]


_REGISTRY = {}


def register(cls, *, fitted, check_params, make_net):
    """Make ``cls`` savable and loadable.

    Parameters
    ----------
    cls : type
        The estimator class, looked up by its name on load.
    fitted : dict
        Fitted attribute name -> kind: ``"json"`` (kept in the document),
        ``"array"`` (a tensor), ``"scaler"`` (a quantile map, as its
        quantiles), ``"history"`` or ``"net"``.
    check_params : callable
        ``check_params(estimator)`` raises TypeError or ValueError for invalid
        parameters.
    make_net : callable
        ``make_net(estimator)``: an uninitialised net of the fitted estimator's
        architecture.
    """
    unchecked = [
        name for name, kind in fitted.items() if kind == "json" and name not in CHECKS
    ]
    if unchecked:
        raise TypeError(f"no check for the fitted attribute(s) {unchecked}")
    _REGISTRY[cls.__name__] = _Entry(cls, dict(fitted), check_params, make_net)


def _entry(estimator):
    entry = _REGISTRY.get(type(estimator).__name__)
    if entry is None or entry.cls is not type(estimator):
        raise TypeError(
            f"Only {' and '.join(sorted(_REGISTRY))} can be saved to a model file, "
            f"not {type(estimator).__name__}; use pickle or joblib for subclasses."
        )
    return entry


def _tensors(estimator, entry):
    """Every tensor of the file: weights, scaling and history, on the CPU."""
    tensors = {}
    for name, state in estimator.net_.module_states().items():
        for key, value in state.items():
            tensors[f"{name}.{key}"] = value.detach().cpu().contiguous()
    for name in entry.names("array"):
        value = getattr(estimator, name)
        if value is not None:
            tensors[name] = torch.from_numpy(np.array(value))
    for name in entry.names("scaler"):
        scaler = getattr(estimator, name)
        if scaler is not None:
            quantiles = np.ascontiguousarray(scaler.quantiles_)
            tensors[name] = torch.from_numpy(quantiles)
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


def save_estimator(estimator, path):
    """Write a fitted estimator to the safetensors file ``path``.

    See :meth:`AAEEmotionRegressor.save` and :func:`load`.
    """
    check_is_fitted(estimator)
    entry = _entry(estimator)
    name = type(estimator).__name__
    tensors = _tensors(estimator, entry)
    try:
        _check_networks(estimator, entry, tensors)
    except Invalid as exc:
        raise ValueError(
            f"Cannot save {name}: its networks no longer match its parameters "
            f"({exc}). Were architecture parameters changed with set_params after "
            "fit? Restore them, or fit again, before saving."
        ) from None
    attributes = {
        key: json_value(getattr(estimator, key, None)) for key in entry.names("json")
    }
    attributes["history_columns"] = [str(c) for c in estimator.history_.columns]
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "estimator": name,
        "params": json_params(estimator),
        "attributes": attributes,
        "versions": versions(),
    }
    data = _serialize(tensors, metadata={KEY: json.dumps(document)})
    atomic_write(path, lambda file: file.write(data))


def _make_estimator(document):
    """The registry entry and the estimator of ``document``'s class and
    parameters, unfitted."""
    name, params = document["estimator"], document["params"]
    entry = _REGISTRY.get(name) if isinstance(name, str) else None
    if entry is None:
        raise Invalid(
            f"unknown estimator {name!r}; expected one of {sorted(_REGISTRY)}"
        )
    if not isinstance(params, dict):
        raise Invalid("params must be a JSON object")
    cls = entry.cls
    unknown = sorted(set(params) - (set(cls._get_param_names()) - set(NOT_SAVED)))
    if unknown:
        raise Invalid(f"unknown parameter(s) {unknown} of {name}")
    params = {k: tuple(v) if isinstance(v, list) else v for k, v in params.items()}
    # Files saved before frame_pooling existed: their encoders saw every frame.
    params.setdefault("frame_pooling", 1)
    estimator = cls(**params)
    try:
        entry.check_params(estimator)
    except (TypeError, ValueError) as exc:
        raise Invalid(f"invalid parameters: {exc}") from None
    return entry, estimator


def _set_attributes(estimator, entry, attributes):
    """Check the fitted attributes of the document and set them."""
    if not isinstance(attributes, dict):
        raise Invalid("attributes must be a JSON object")
    a = dict(attributes)
    for key in (*entry.names("json"), "history_columns"):
        if key not in a and key in OPTIONAL:
            a[key] = None
        if key not in a:
            raise Invalid(f"attributes misses {key!r}")
        what, check = HISTORY_COLUMNS if key == "history_columns" else CHECKS[key]
        if not check(a[key]):
            raise Invalid(f"attribute {key} must be {what}, got {a[key]!r}")
    check_consistency(a)
    if a["_n_features_out"] is None:
        # Files of the first format version: the code is the emotion part and
        # the style part.
        a["_n_features_out"] = a["n_outputs_"] + getattr(estimator, "style_dim", 0)
    for key in entry.names("json"):
        if key in ("feature_names_in_", "target_names_"):
            if a[key] is not None:
                setattr(estimator, key, np.asarray(a[key], dtype=object))
        elif key == "classes_":
            setattr(estimator, key, np.asarray(a[key]))
        else:
            setattr(estimator, key, a[key])


def _check_networks(estimator, entry, tensors):
    """Check the network tensors against the estimator's architecture.

    Returns the modules' states and the emotion prior, rebuilt from its
    tensors (its size depends on the labels it was drawn from).
    """
    try:
        # On the meta device nothing is allocated, so that an absurd size in
        # a tampered file cannot exhaust memory before the check.
        with torch.device("meta"):
            net = entry.make_net(estimator)
    except (TypeError, ValueError, RuntimeError, OverflowError) as exc:
        raise Invalid(f"cannot build the networks: {exc}") from None
    states, prior = {}, None
    names = [n for n in _MODULES if isinstance(getattr(net, n, None), torch.nn.Module)]
    for name in names:
        if name == "emotion_prior":
            prior = read_prior(tensors, name, estimator.n_outputs_)
            continue
        expected = getattr(net, name).state_dict()
        for key, value in expected.items():
            read_tensor(tensors, f"{name}.{key}", value.shape, (value.dtype,))
        states[name] = prefixed(tensors, name)
        unexpected = sorted(set(states[name]) - set(expected))
        if unexpected:
            extra = [f"{name}.{key}" for key in unexpected[:5]]
            raise Invalid(f"unexpected tensor(s) {extra}")
    return states, prior


def _set_scaling(estimator, entry, tensors):
    """Set the scaling arrays and quantile maps; returns the tensors used."""
    # A classifier's targets are one column of class indices.
    n_targets = 1 if hasattr(estimator, "classes_") else estimator.n_outputs_
    sizes = {"_x": estimator.n_features_in_, "_y": n_targets}
    floats = (torch.float64, torch.float32)
    used = set()
    for name in entry.names("array"):
        if name.startswith("_y") and "_y_mean" not in tensors:
            # Only partial_fit_unlabeled so far: no target was ever seen.
            setattr(estimator, name, None)
            continue
        value = read_tensor(tensors, name, (sizes[name[:2]],), floats).numpy().copy()
        if name.endswith("scale") and not (value > 0).all():
            raise Invalid(f"tensor {name!r} holds scales that are not positive")
        setattr(estimator, name, value)
        used.add(name)
    for name in entry.names("scaler"):
        setattr(estimator, name, None)
        if name not in tensors:
            continue
        shape = tuple(tensors[name].shape)
        if len(shape) != 2 or shape[0] < 2:
            raise Invalid(f"tensor {name!r} has shape {shape}")
        quantiles = read_tensor(tensors, name, (shape[0], sizes["_x"]), floats)
        quantiles = quantiles.numpy().copy()
        if (np.diff(quantiles, axis=0) < 0).any():
            raise Invalid(f"tensor {name!r} holds decreasing quantiles")
        setattr(estimator, name, quantile_transformer(quantiles))
        used.add(name)
    return used


def _load_device(estimator, device, path):
    """The device to load onto: ``device`` (resolved), or the estimator's where
    this machine has it, else the CPU."""
    if device is not None:
        estimator.device = device
        return device
    try:
        resolved = resolve_device(estimator.device)
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
    entry, estimator = _make_estimator(document)
    _set_attributes(estimator, entry, document["attributes"])
    used = _set_scaling(estimator, entry, tensors)
    history = read_history(
        tensors, document["attributes"]["history_columns"], estimator.n_iter_
    )
    estimator._device = "cpu"
    states, prior = _check_networks(estimator, entry, tensors)
    used |= {"history.epoch", *(f"history.{c}" for c in history.columns)}
    modules = [*states, *(["emotion_prior"] if prior is not None else [])]
    used |= {f"{n}.{k}" for n in modules for k in prefixed(tensors, n)}
    strays = sorted(set(tensors) - used)
    if strays:
        raise Invalid(f"unexpected tensor(s) {strays[:5]}")
    estimator._device = _load_device(estimator, device, path)
    # Weights are initialised before being overwritten; seeding a fork keeps
    # torch's global generators untouched.
    with torch_seed(0, estimator._device):
        net = entry.make_net(estimator)
        net.initialize()
    net.load_module_states(states)
    if prior is not None:
        net.configure(emotion_prior=prior)
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
        device = resolve_device(device)
    try:
        document, tensors = read(path)
        return _rebuild(document, tensors, device, path)
    except Invalid as exc:
        raise ValueError(f"Cannot load {path}: {exc}.") from None
