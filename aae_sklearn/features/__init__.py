"""Audio -> feature transformers: openSMILE functionals, frame sequences and
self-supervised speech embeddings.

:class:`SequenceScaler` standardises frame sequences and :class:`GroupStandardScaler`
standardises features per speaker (speaker normalisation); they need no extra.

The transformers take audio items (paths to audio files, or in-memory
``(signal, sampling_rate)`` pairs) and need the ``audio`` extra:
``pip install -e ".[audio]"`` in a clone; :class:`SSLEmbeddings` (wav2vec 2.0,
HuBERT and WavLM) needs the ``ssl`` extra too: ``pip install -e ".[ssl]"``.
:class:`AudioViews` makes perturbed views of each utterance (tempo, pitch, gain,
noise) for consistency training; it needs the ``augment`` extra:
``pip install -e ".[augment]"``.
"""

# License: BSD-3-Clause

from ._audio import AudioError, read_audio
from ._augment import AudioViews
from ._frames import FrameFeatures
from ._group_scaler import GroupStandardScaler
from ._opensmile import OpenSmileFunctionals
from ._sequence_scaler import SequenceScaler
from ._ssl import SSLEmbeddings

__all__ = [
    "AudioError",
    "AudioViews",
    "FrameFeatures",
    "GroupStandardScaler",
    "OpenSmileFunctionals",
    "SequenceScaler",
    "SSLEmbeddings",
    "read_audio",
]
