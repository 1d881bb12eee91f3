"""Self-supervised speech embeddings: wav2vec 2.0, HuBERT and WavLM hidden states."""

# License: BSD-3-Clause

import os
from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions

from .._training._device import resolve_device
from ..utils._docstrings import _doc
from . import _ssl_model
from ._audio import AudioError, _check_audio_items, _read, _where
from ._transformer import _BaseAudioTransformer


class SSLEmbeddings(_BaseAudioTransformer):
    __doc__ = _doc(
        """Hidden states of a self-supervised speech model: wav2vec 2.0, HuBERT, WavLM.

    Each item is read by :func:`read_audio` (down-mixed to mono and resampled to
    the model's rate, 16 kHz for these models) and run through a pretrained
    model of the Hugging Face ``transformers`` library, which gives one hidden
    vector per 20 ms of audio at each of its layers. The output is either those
    frames, for the sequence encoders of the estimators, or their mean and
    standard deviation over the utterance, one vector per item. The model is
    not trained: ``fit`` only checks the parameters and reads the model's
    configuration, and ``transform`` works without it.

    Needs the ``ssl`` extra, ``pip install -e ".[ssl]"`` in a clone of the
    repository, which brings ``transformers``.

    Parameters
    ----------
    model : str or path-like, default="facebook/wav2vec2-base"
        A folder written by ``save_pretrained`` (the model's ``config.json`` and
        weights, and the feature extractor's ``preprocessor_config.json``), or
        the name of such a model on the Hugging Face hub, which
        ``transformers`` downloads into its cache on first use (with the
        environment variable ``HF_HUB_OFFLINE=1``, it reads the cache only and
        never asks the hub). Without network, save the model and its feature
        extractor on a connected machine,
        ``AutoModel.from_pretrained(name).save_pretrained(folder)`` and
        ``AutoFeatureExtractor.from_pretrained(name).save_pretrained(folder)``,
        copy the folder over and pass it. Its family must
        be ``"wav2vec2"``, ``"hubert"`` or ``"wavlm"``; fine-tuned models of
        these families (for speech recognition, say) give the hidden states of
        their base model.
    layer : int or list of int, default=-1
        Which hidden state: 0 is the input of the first transformer layer (the
        convolutional features, projected, plus the positional embedding),
        ``i`` the output of transformer layer ``i``, -1 the last (the
        model's ``last_hidden_state``). A list averages the states it names,
        e.g. ``[6, 7, 8]``.
    output : {"vectors", "frames"}, default="vectors"
        ``"vectors"``: the mean and then the standard deviation of each hidden
        feature over the item's frames, ``2 * hidden_size`` features per item.
        ``"frames"``: the frames themselves, one ``hidden_size`` vector per 20
        ms (see Notes).
    max_seconds : float, default=30
        Longest piece of audio the model sees at once. Longer recordings are
        cut into pieces of at most this length that overlap by 5 ms, so that
        their frames, concatenated, are those of the whole recording, 20 ms
        apart; attention spans one piece only. Self-attention costs memory and
        time quadratic in the length of a piece.
    batch_size : int, default=8
        Pieces of audio per forward pass. Pieces of unequal length are padded
        and masked, for models with layer-normalised convolutions
        (``feat_extract_norm="layer"``); models with a group-normalised first
        convolution (``"group"``, like ``facebook/wav2vec2-base``) normalise
        over the padding too, so they get batches of pieces of equal length
        only. Either way, an item's embedding does not depend on the others.
    device : str, default="cpu"
        torch device of the model: ``"cpu"``, ``"cuda"``, ``"cuda:1"`` or
        ``"auto"`` (CUDA where there is one). The computation is float32 on
        every device.
    %(on_error)s
        An item too short for one frame (25 ms) gives none.

    Attributes
    ----------
    n_features_out_ : int
        Number of features per item (``"vectors"``) or per frame
        (``"frames"``), set by ``fit``.

    See Also
    --------
    FrameFeatures : Log mel or eGeMAPS frames, every 20 ms, without a model.
    OpenSmileFunctionals : eGeMAPS functionals, one vector per utterance.
    read_audio : How items are read.

    Notes
    -----
    **Frames.** The convolutional encoder of these models (kernels 10, 3, 3,
    3, 3, 2, 2 and strides 5, 2, 2, 2, 2, 2, 2) sees ``field = 400`` samples
    (25 ms at 16 kHz) for each frame and moves ``stride = 320`` samples (20
    ms), without padding; a signal of ``n`` samples has::

        n_frames = (n - field) // stride + 1

    frames, 50 per second, and a signal shorter than ``field`` is an
    :class:`AudioError` ("too short for one frame"). The numbers are read
    from the model's configuration. With ``output="frames"``, ``transform``
    returns a 1-D object array of float32 arrays of shape (n_frames,
    hidden_size), as :class:`FrameFeatures` does.

    **Input.** Where the model's feature extractor says so
    (``do_normalize``), each recording is standardised to zero mean and unit
    variance, over the whole recording, before it is cut into pieces.

    **Memory.** The last model used stays loaded (one per process), so that
    the folds of a cross-validation read it once. A model folder saved again
    is read again.

    References
    ----------
    .. [1] Baevski A., Zhou H., Mohamed A., Auli M. (2020) wav2vec 2.0: A
       Framework for Self-Supervised Learning of Speech Representations.
       Advances in Neural Information Processing Systems 33: 12449-12460.
    .. [2] Hsu W.-N. et al. (2021) HuBERT: Self-Supervised Speech Representation
       Learning by Masked Prediction of Hidden Units. IEEE/ACM Transactions on
       Audio, Speech, and Language Processing 29: 3451-3460.
    .. [3] Chen S. et al. (2022) WavLM: Large-Scale Self-Supervised
       Pre-Training for Full Stack Speech Processing. IEEE Journal of Selected
       Topics in Signal Processing 16(6): 1505-1518.

    Examples
    --------
    A tiny WavLM with random weights, saved as a pretrained model would be
    (its embeddings mean nothing; name a real one, such as
    ``"microsoft/wavlm-base-plus"``, instead):

    >>> import tempfile
    >>> import numpy as np
    >>> from transformers import Wav2Vec2FeatureExtractor, WavLMConfig, WavLMModel
    >>> from aae_sklearn.features import SSLEmbeddings
    >>> folder = tempfile.TemporaryDirectory()
    >>> config = WavLMConfig(hidden_size=16, num_hidden_layers=2,
    ...     num_attention_heads=2, intermediate_size=32, conv_dim=(8,) * 7,
    ...     num_conv_pos_embeddings=16, num_conv_pos_embedding_groups=2)
    >>> WavLMModel(config).save_pretrained(folder.name)
    >>> _ = Wav2Vec2FeatureExtractor().save_pretrained(folder.name)
    >>> tone = np.sin(2 * np.pi * 220 * np.arange(16000) / 16000)
    >>> embed = SSLEmbeddings(model=folder.name, layer=[1, 2])
    >>> embed.fit_transform([(tone, 16000), (tone[:8000], 16000)]).shape
    (2, 32)
    >>> frames = embed.set_params(output="frames").transform([(tone, 16000)])
    >>> frames[0].shape
    (49, 16)
    >>> folder.cleanup()
    """
    )

    _parameter_constraints = {
        "model": [str, os.PathLike],
        "layer": [Integral, list, tuple],
        "output": [StrOptions({"vectors", "frames"})],
        "max_seconds": [Interval(Real, 0, None, closed="neither")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "device": [str],
        "on_error": [StrOptions({"raise", "skip"})],
    }

    def __init__(
        self,
        *,
        model="facebook/wav2vec2-base",
        layer=-1,
        output="vectors",
        max_seconds=30,
        batch_size=8,
        device="cpu",
        on_error="raise",
    ):
        self.model = model
        self.layer = layer
        self.output = output
        self.max_seconds = max_seconds
        self.batch_size = batch_size
        self.device = device
        self.on_error = on_error

    def _config(self):
        spec = _ssl_model.model_spec(self.model)
        layers = self.layer if isinstance(self.layer, (list, tuple)) else [self.layer]
        n_states = spec.n_layers + 1
        bad = [
            k
            for k in layers
            if not isinstance(k, Integral)
            or isinstance(k, bool)
            or not -n_states <= k < n_states
        ]
        if not layers or bad:
            raise ValueError(
                f"layer={self.layer!r}: the model {os.fspath(self.model)!r} has "
                f"hidden states 0 to {spec.n_layers} (or -{n_states} to -1); "
                "give one of them or a non-empty list of them."
            )
        max_samples = int(self.max_seconds * spec.sampling_rate)
        if max_samples < spec.field:
            raise ValueError(
                f"max_seconds={self.max_seconds!r} is shorter than one frame of the "
                f"model ({spec.field} samples, {spec.field / spec.sampling_rate:g} s)."
            )
        return dict(
            spec=spec,
            layers=sorted({int(k) % n_states for k in layers}),
            max_samples=max_samples,
        )

    def _feature_names(self):
        hidden = _ssl_model.model_spec(self.model).hidden_size
        names = [f"ssl{i}" for i in range(hidden)]
        if self.output == "frames":
            return tuple(names)
        return tuple([f"{n}_mean" for n in names] + [f"{n}_std" for n in names])

    def _extract(self, X):
        """Embeddings of the items of ``X`` that can be read, a block at a time."""
        self._validate_params()
        config = self._config()
        spec = config["spec"]
        items = _check_audio_items(X)
        device = resolve_device(self.device)
        network = _ssl_model.network(self.model, device)
        results = []
        step = _ssl_model.block_size(self.batch_size)
        for start in range(0, len(items), step):
            signals = []
            for position in range(start, min(start + step, len(items))):
                try:
                    signals.append((position, self._signal(items[position], position)))
                except AudioError as exc:
                    if self.on_error == "raise":
                        raise
                    results.append((position, None, exc))
            pieces = [
                _ssl_model.chunks(spec, signal, config["max_samples"])
                for _, signal in signals
            ]
            frames = _ssl_model.embed(
                network,
                spec,
                [piece for item in pieces for piece in item],
                config["layers"],
                self.batch_size,
                device,
            )
            ends = np.cumsum([len(item) for item in pieces])
            for (position, _), end, item in zip(signals, ends, pieces, strict=True):
                sequence = np.concatenate(frames[end - len(item) : end])
                results.append((position, self._summarise(sequence), None))
        results.sort(key=lambda result: result[0])
        kept = np.array([p for p, f, _ in results if f is not None], dtype=np.intp)
        features = [f for _, f, _ in results if f is not None]
        skipped = [(p, str(error)) for p, _, error in results if error is not None]
        return self._collect(features), kept, skipped

    def _signal(self, item, position):
        """The signal of one item at the model's rate, standardised if the model
        asks for it; AudioError if it is too short for one frame."""
        spec = _ssl_model.model_spec(self.model)
        where = _where(item, position)
        signal = _read(item, spec.sampling_rate, where)
        if len(signal) < spec.field:
            raise AudioError(
                f"Cannot extract features from {where}: too short for one frame "
                f"({len(signal)} samples at {spec.sampling_rate} Hz; the model's "
                f"frames need {spec.field})."
            )
        if spec.normalize:
            signal = (signal - signal.mean()) / np.sqrt(signal.var() + 1e-7)
        return signal.astype(np.float32, copy=False)

    def _summarise(self, sequence):
        if self.output == "frames":
            return sequence
        return np.concatenate([sequence.mean(axis=0), sequence.std(axis=0)])

    def _collect(self, features):
        if self.output == "vectors":
            if not features:
                return np.empty((0, len(self._feature_names())), dtype=np.float32)
            return np.vstack(features)
        out = np.empty(len(features), dtype=object)
        # Filled one by one: np.array would stack equal-length items into 3-D.
        for i, frames in enumerate(features):
            out[i] = frames
        return out
