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
imported or executed. The class is looked up in the registry of the package's
estimators, and every value and tensor is checked before the networks are
rebuilt; a file that fails a check raises a ``ValueError`` naming it.
"""

# License: BSD-3-Clause

import json
import warnings
from numbers import Integral

import numpy as np
import pandas as pd
import torch
from safetensors import SafetensorError, safe_open

from ..nn._autoencoder import (
    CategoricalPrior,
    EmpiricalPrior,
    GaussianPrior,
    UniformPrior,
)

# The fitted state: what fit sets (and a fresh fit clears), save writes and load
# reads. "json": a value in the model file's document; "array": a tensor;
# "scaler": the quantile map, as its quantiles; the history and the networks
# are written as tensors of their own.
FITTED_ATTRIBUTES = {
    "n_features_in_": "json",
    "feature_names_in_": "json",
    "n_outputs_": "json",
    "target_names_": "json",
    "n_iter_": "json",
    "best_score_": "json",
    "_input_kind": "json",
    "_encoder_kind": "json",
    "_y_ndim": "json",
    "_device": "json",
    "_n_features_out": "json",
    "_x_mean": "array",
    "_x_scale": "array",
    "_y_mean": "array",
    "_y_scale": "array",
    "_x_quantiles": "scaler",
    "history_": "history",
    "net_": "net",
}

FORMAT = "aae_sklearn.model"
FORMAT_VERSION = 1
KEY = "aae_sklearn"
DOCUMENT = ("format", "format_version", "estimator", "params", "attributes")
# A checkpoint names a file of the machine that trained the model; restoring it
# would let a model file choose where a later fit writes.
NOT_SAVED = ("checkpoint",)


def is_int(value, low=0):
    return isinstance(value, int) and not isinstance(value, bool) and value >= low


def is_names(value):
    return value is None or (
        isinstance(value, list) and all(isinstance(v, str) for v in value)
    )


# How each fitted attribute kept in the document is checked on load.
CHECKS = {
    "n_features_in_": ("a positive integer", lambda v: is_int(v, 1)),
    "n_outputs_": ("a positive integer", lambda v: is_int(v, 1)),
    "n_iter_": ("a non-negative integer", is_int),
    "best_score_": (
        "a number or null",
        lambda v: v is None or (isinstance(v, (int, float)) and v is not True),
    ),
    "feature_names_in_": ("a list of strings or null", is_names),
    "target_names_": ("a list of strings or null", is_names),
    "_y_ndim": ("1 or 2", lambda v: is_int(v) and v in (1, 2)),
    "_input_kind": (
        '"vectors" or "sequences"',
        lambda v: v in ("vectors", "sequences"),
    ),
    "_encoder_kind": ('"mlp", "cnn" or "gru"', lambda v: v in ("mlp", "cnn", "gru")),
    "_device": ("a string", lambda v: isinstance(v, str)),
    "_n_features_out": (
        "a positive integer or null",
        lambda v: v is None or is_int(v, 1),
    ),
}


def is_classes(value):
    """Sorted, distinct class labels, all strings or all numbers."""
    if not isinstance(value, list) or len(value) < 2:
        return False
    kinds = {
        str if isinstance(v, str) else float if is_number(v) else None for v in value
    }
    return len(kinds) == 1 and None not in kinds and value == sorted(set(value))


def is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


CHECKS["classes_"] = ("sorted, distinct class labels (at least 2)", is_classes)
HISTORY_COLUMNS = ("a list of strings", lambda v: v is not None and is_names(v))
# Written by later versions than the first; older files lack them.
OPTIONAL = ("_n_features_out",)


class Invalid(Exception):
    """What is wrong with a model file; :func:`load` makes it a ValueError."""


def check_consistency(a):
    """Check the fitted attributes ``a`` (each valid alone) against each other."""
    if (a["_encoder_kind"] == "mlp") != (a["_input_kind"] == "vectors"):
        raise Invalid(f"encoder {a['_encoder_kind']!r} cannot read {a['_input_kind']}")
    if "classes_" in a and a["n_outputs_"] != len(a["classes_"]):
        raise Invalid(f"{len(a['classes_'])} classes_ for n_outputs_={a['n_outputs_']}")
    if "classes_" not in a and a["_y_ndim"] == 1 and a["n_outputs_"] != 1:
        raise Invalid("1-D targets with n_outputs_ other than 1")
    for key, size in (
        ("feature_names_in_", "n_features_in_"),
        ("target_names_", "n_outputs_"),
    ):
        if a[key] is not None and len(a[key]) != a[size]:
            raise Invalid(f"{len(a[key])} {key} for {size}={a[size]}")


def json_params(estimator):
    """The estimator's parameters as JSON values (tuples become lists)."""
    params = {}
    for key, value in estimator.get_params(deep=False).items():
        if key in NOT_SAVED:
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


def json_value(value):
    if isinstance(value, np.ndarray):
        if value.dtype.kind in "iuf":  # class labels that are numbers
            return value.tolist()
        return [str(v) for v in value]
    if isinstance(value, np.generic):
        return value.item()
    return value


def versions():
    import safetensors
    import sklearn
    import skorch

    from .. import __version__

    return {
        "aae_sklearn": __version__,
        "torch": torch.__version__,
        "scikit-learn": sklearn.__version__,
        "skorch": skorch.__version__,
        "numpy": np.__version__,
        "safetensors": safetensors.__version__,
    }


def _pickled(path):
    """Whether ``path`` starts as a pickle or a zip archive (``torch.save``) does."""
    with open(path, "rb") as file:
        start = file.read(2)
    return start[:1] == b"\x80" or start == b"PK"


def read(path):
    """The JSON document and the tensors of ``path``."""
    try:
        with safe_open(path, framework="pt", device="cpu") as file:
            metadata = file.metadata() or {}
            tensors = {key: file.get_tensor(key) for key in file.keys()}
    except (SafetensorError, RuntimeError, TypeError, ValueError) as exc:
        if _pickled(path):
            raise Invalid(
                "a pickle (pickle.dump, joblib.dump or torch.save), not a "
                "safetensors file written by the estimator's save() method or "
                "'aae-sklearn fit'; models load only from those, which run no "
                "code when read"
            ) from None
        raise Invalid(f"not a safetensors file ({exc})") from None
    if KEY not in metadata:
        raise Invalid(
            f"not an aae_sklearn model: its safetensors metadata has no {KEY!r} entry"
        )
    try:
        document = json.loads(metadata[KEY])
    except (ValueError, RecursionError) as exc:
        raise Invalid(f"its {KEY!r} metadata is not valid JSON ({exc})") from None
    if not isinstance(document, dict):
        raise Invalid(f"its {KEY!r} metadata is not a JSON object")
    missing = [key for key in DOCUMENT if key not in document]
    if missing:
        raise Invalid(f"its {KEY!r} metadata misses the key(s) {missing}")
    if document["format"] != FORMAT:
        raise Invalid(f"not an aae_sklearn model (format {document['format']!r})")
    version = document["format_version"]
    if not is_int(version, 1):
        raise Invalid(f"format_version must be a positive integer, got {version!r}")
    if version > FORMAT_VERSION:
        raise Invalid(
            f"it was written by a newer aae_sklearn (format version {version}; this "
            f"one reads up to {FORMAT_VERSION}); upgrade aae_sklearn to load it"
        )
    return document, tensors


def read_tensor(tensors, key, shape, dtypes=(torch.float32,), finite=True):
    """``tensors[key]``, checked for its shape, dtype and finiteness."""
    if key not in tensors:
        raise Invalid(f"tensor {key!r} is missing")
    value = tensors[key]
    if tuple(value.shape) != tuple(shape):
        raise Invalid(
            f"tensor {key!r} has shape {tuple(value.shape)}, expected {tuple(shape)}"
        )
    if value.dtype not in dtypes:
        raise Invalid(f"tensor {key!r} has dtype {value.dtype}, expected {dtypes[0]}")
    if finite and not torch.isfinite(value).all():
        raise Invalid(f"tensor {key!r} holds non-finite values")
    return value


def prefixed(tensors, name):
    prefix = name + "."
    return {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}


def read_prior(tensors, name, n_dims):
    """The prior module stored under ``name``, built from its own tensors."""
    state = prefixed(tensors, name)
    if set(state) == {"_anchor"}:
        read_tensor(tensors, f"{name}._anchor", (n_dims,))
        return GaussianPrior(n_dims)
    if set(state) == {"low", "high"}:
        low = read_tensor(tensors, f"{name}.low", (n_dims,))
        high = read_tensor(tensors, f"{name}.high", (n_dims,))
        return UniformPrior(low.clone(), high.clone())
    if set(state) == {"points"} and state["points"].ndim == 2:
        n_points = max(1, len(state["points"]))
        points = read_tensor(tensors, f"{name}.points", (n_points, n_dims))
        return EmpiricalPrior(points.clone())
    if set(state) == {"probabilities"}:
        probabilities = read_tensor(tensors, f"{name}.probabilities", (n_dims,))
        if (probabilities < 0).any() or probabilities.sum() <= 0:
            raise Invalid(f"{name}.probabilities are not class probabilities")
        return CategoricalPrior(probabilities.clone())
    raise Invalid(f"the tensors {sorted(state)} of {name!r} make no known prior")


def read_history(tensors, columns, n_iter):
    if len(set(columns)) != len(columns):
        raise Invalid("history_columns repeats a column")
    epoch = read_tensor(tensors, "history.epoch", (n_iter,), (torch.int64,)).numpy()
    numeric = (torch.float64, torch.float32, torch.int64, torch.int32, torch.bool)
    data = {
        c: read_tensor(
            tensors, f"history.{c}", (n_iter,), numeric, finite=False
        ).numpy()
        for c in columns
    }
    return pd.DataFrame(data, index=pd.Index(epoch.copy(), name="epoch"))
