"""Audio -> feature transformers: openSMILE functionals and frame sequences.

:class:`SequenceScaler` standardises frame sequences; it needs no extra.

The transformers take audio items (paths to audio files, or in-memory
``(signal, sampling_rate)`` pairs) and need the ``audio`` extra:
``pip install "aae-sklearn[audio]"``.
"""

# License: BSD-3-Clause

from ._audio import AudioError, read_audio
from ._frames import FrameFeatures
from ._opensmile import OpenSmileFunctionals
from ._sequence_scaler import SequenceScaler

__all__ = [
    "AudioError",
    "FrameFeatures",
    "OpenSmileFunctionals",
    "SequenceScaler",
    "read_audio",
]
