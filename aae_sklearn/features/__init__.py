"""Audio -> feature transformers: openSMILE functionals and frame sequences.

The transformers take audio items (paths to audio files, or in-memory
``(signal, sampling_rate)`` pairs) and need the ``audio`` extra:
``pip install "aae-sklearn[audio]"``.
"""

# License: BSD-3-Clause

from ._audio import AudioError, read_audio
from ._frames import FrameFeatures
from ._opensmile import OpenSmileFunctionals

__all__ = ["AudioError", "FrameFeatures", "OpenSmileFunctionals", "read_audio"]
