"""The self-supervised speech models behind :class:`SSLEmbeddings`: loading them
with ``transformers``, cutting signals into chunks and batching them."""

# License: BSD-3-Clause

import importlib
import os
import re
import warnings
from functools import lru_cache
from pathlib import Path

import numpy as np
from sklearn.utils import Bunch

# The model families whose padding behaviour is known and tested: padding a
# clip into a batch leaves its embedding unchanged (see _batches).
FAMILIES = ("wav2vec2", "hubert", "wavlm")
# A Hugging Face hub name: "name" or "owner/name".
_HUB_NAME = re.compile(r"[\w.-]+(/[\w.-]+)?")
# Chunks and items are read and embedded this many batches at a time.
_BATCHES_PER_BLOCK = 8


def _import_transformers():
    """``transformers``, or an ImportError saying how to install it."""
    try:
        return importlib.import_module("transformers")
    except ImportError as exc:
        raise ImportError(
            "transformers is needed for self-supervised speech embeddings; install "
            "it with: pip install transformers (or, in a clone of the "
            'repository: pip install -e ".[ssl]")'
        ) from exc


def model_files(model):
    """What identifies the files of a local model folder (name, size and
    modification time of each), so that a model saved again in the same folder
    is read again; None for a hub name."""
    path = Path(model).expanduser()
    if not path.is_dir():
        return None
    files = [p for p in sorted(path.iterdir()) if p.is_file()]
    return tuple((p.name, p.stat().st_size, p.stat().st_mtime_ns) for p in files)


def offline():
    """The variable, ``HF_HUB_OFFLINE`` or ``TRANSFORMERS_OFFLINE``, that asks
    for models from the local cache only, without asking the hub; None if
    neither is set."""
    for name in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        if os.environ.get(name, "").strip().upper() in {"1", "ON", "YES", "TRUE"}:
            return name
    return None


def loading_message(model):
    """What a program says before loading ``model``, which can take a while: a
    hub name may wait on the network before transformers falls back to its
    cache."""
    path = Path(model).expanduser()
    if path.is_dir():
        return f"loading the model from the folder {path}"
    if offline():
        where = f"the Hugging Face cache ({offline()} is set: no download)"
    else:
        where = (
            "the Hugging Face hub, or its cache (with HF_HUB_OFFLINE=1, the cache only)"
        )
    return f"loading the model {model} from {where}"


def _offline_recipe(model):
    """How to bring a hub model to a machine without network."""
    return (
        "To use it without network: on a connected machine run "
        "`from transformers import AutoFeatureExtractor, AutoModel; "
        f"AutoModel.from_pretrained({model!r}).save_pretrained(DIR); "
        f"AutoFeatureExtractor.from_pretrained({model!r}).save_pretrained(DIR)`, "
        "copy the folder DIR over, and pass DIR as the model."
    )


def _from_pretrained(loader, model, needs="config.json", writer="model"):
    """``loader.from_pretrained(model)``, or a ValueError naming the model (and,
    for a folder, the file ``needs`` it lacks, that ``writer`` saves; for a hub
    name, how to use it offline). With :func:`offline`, only local files."""
    path = Path(model).expanduser()
    if path.is_file():
        raise ValueError(
            f"Cannot load the model {model!r}: it is a file; pass the folder that "
            "save_pretrained wrote (config.json, the weights and "
            "preprocessor_config.json) or a model name on the Hugging Face hub."
        )
    if not path.is_dir() and not _HUB_NAME.fullmatch(str(model)):
        raise ValueError(f"Cannot load the model {model!r}: no such folder.")
    if path.is_dir() and not (path / needs).is_file():
        raise ValueError(
            f"Cannot load the model {model!r}: the folder has no {needs}; save "
            f"the {writer} there with its save_pretrained(folder)."
        )
    # transformers reads HF_HUB_OFFLINE once, when it is imported; passing
    # local_files_only keeps it off the network whenever the variable is set.
    options = {"local_files_only": True} if offline() else {}
    try:
        return loader.from_pretrained(
            str(path) if path.is_dir() else str(model), **options
        )
    except (OSError, ValueError, KeyError) as exc:
        if path.is_dir():
            where = "the folder holds no model that transformers can read"
        elif options:
            where = (
                "it is neither a local folder nor a model in the Hugging Face "
                f"cache ({offline()} is set, so the hub was not asked)"
            )
        else:
            where = (
                "it is neither a local folder nor a model that transformers "
                "could find on the Hugging Face hub or in its cache"
            )
        message = f"Cannot load the model {model!r}: {where} ({exc})."
        if not path.is_dir():
            message += " " + _offline_recipe(model)
        raise ValueError(message) from exc


@lru_cache(maxsize=8)
def _model_spec(model, files):
    """What :class:`SSLEmbeddings` needs to know of a model, from its configuration
    and that of its feature extractor (``files``: :func:`model_files`, the key
    of the cache)."""
    transformers = _import_transformers()
    config = _from_pretrained(transformers.AutoConfig, model)
    if config.model_type not in FAMILIES:
        raise ValueError(
            f"Cannot use the model {model!r}: it is a {config.model_type!r} model; "
            f"supported are {', '.join(FAMILIES)} (wav2vec 2.0, HuBERT, WavLM)."
        )
    extractor = _from_pretrained(
        transformers.AutoFeatureExtractor,
        model,
        needs="preprocessor_config.json",
        writer="feature extractor",
    )
    # Receptive field and hop of the convolutional encoder, in samples.
    field, stride = 1, 1
    for kernel, step in zip(config.conv_kernel, config.conv_stride, strict=True):
        field += (kernel - 1) * stride
        stride *= step
    return Bunch(
        family=config.model_type,
        hidden_size=config.hidden_size,
        n_layers=config.num_hidden_layers,
        field=field,
        stride=stride,
        sampling_rate=int(extractor.sampling_rate),
        normalize=bool(getattr(extractor, "do_normalize", False)),
        # Group normalisation in the first convolution computes statistics
        # over the whole input, padding included: such models take no mask.
        masks=config.feat_extract_norm == "layer",
    )


def model_spec(model):
    """The facts of :func:`_model_spec`, read once per model folder (or name)."""
    _import_transformers()
    return _model_spec(str(model), model_files(model))


@lru_cache(maxsize=1)
def _network(model, files, device):
    """The model, in float32 and evaluation mode, on ``device``. The last one used
    is kept, so that the folds of a cross-validation read it once."""
    transformers = _import_transformers()
    network = _from_pretrained(transformers.AutoModel, model)
    return network.float().to(device).eval()


def network(model, device):
    """The model ``model`` on ``device``; see :func:`_network`."""
    _import_transformers()
    return _network(str(model), model_files(model), device)


def n_frames(spec, n_samples):
    """Frames of a signal of ``n_samples``: one every ``stride`` samples, each
    seeing ``field`` samples, without padding."""
    return max(0, (n_samples - spec.field) // spec.stride + 1)


def chunks(spec, signal, max_samples):
    """``signal`` cut into pieces whose frames, in order, are those of the
    whole signal: piece ``k`` starts at ``k * hop`` (``hop``, a whole number
    of strides of at most ``max_samples``) and overlaps the next by
    ``field - stride`` samples, so that no frame straddles two pieces."""
    hop = max(1, (max_samples - spec.field + spec.stride) // spec.stride) * spec.stride
    span = hop + spec.field - spec.stride
    starts = range(0, max(1, len(signal) - spec.field + 1), hop)
    return [signal[start : start + span] for start in starts]


def _batches(spec, lengths, batch_size):
    """Batches of unit positions, longest first. Padding with a mask leaves
    each unit's frames unchanged; models that take no mask get batches of
    units of one length only, which need no padding."""
    order = sorted(range(len(lengths)), key=lambda i: -lengths[i])
    batches = []
    for i in order:
        batch = batches[-1] if batches else None
        if (
            batch is None
            or len(batch) == batch_size
            or (not spec.masks and lengths[batch[0]] != lengths[i])
        ):
            batches.append([i])
        else:
            batch.append(i)
    return batches


def embed(network, spec, units, layers, batch_size, device):
    """The frames of each unit (a float32 signal), averaged over the hidden
    states ``layers``: a list of float32 arrays of shape (n_frames, hidden)."""
    import torch

    out = [None] * len(units)
    lengths = [len(unit) for unit in units]
    for batch in _batches(spec, lengths, batch_size):
        width = lengths[batch[0]]
        values = np.zeros((len(batch), width), dtype=np.float32)
        for row, i in enumerate(batch):
            values[row, : lengths[i]] = units[i]
        inputs = {"input_values": torch.from_numpy(values).to(device)}
        if spec.masks:
            mask = np.arange(width) < np.array([lengths[i] for i in batch])[:, None]
            inputs["attention_mask"] = torch.from_numpy(mask.astype(np.int64)).to(
                device
            )
        with torch.inference_mode(), warnings.catch_warnings():
            # WavLM's attention in transformers passes masks of two dtypes.
            warnings.filterwarnings(
                "ignore", message="Support for mismatched key_padding_mask"
            )
            outputs = network(**inputs, output_hidden_states=True)
            states = list(outputs.hidden_states)
            # The last state is last_hidden_state in every version of
            # transformers (some leave out the final layer norm here).
            states[-1] = outputs.last_hidden_state
            frames = torch.stack([states[k] for k in layers]).mean(dim=0)
            frames = frames.float().cpu().numpy()
        for row, i in enumerate(batch):
            out[i] = frames[row, : n_frames(spec, lengths[i])].copy()
    return out


def block_size(batch_size):
    """Items read and embedded together: enough to sort them into batches of
    similar length, few enough to keep little audio in memory."""
    return _BATCHES_PER_BLOCK * batch_size
