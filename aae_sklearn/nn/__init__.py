"""The torch modules of the networks, and nothing else: layers, the encoders of
feature vectors and of frame sequences, decoders, discriminators and priors.

They know nothing of scikit-learn or skorch: constructor arguments are plain
numbers and tuples, ``forward`` returns tensors, and the losses live in the
training engine (:mod:`aae_sklearn._training`).
"""

# License: BSD-3-Clause
