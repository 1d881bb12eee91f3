"""torch modules of the adversarial autoencoder: encoders, discriminators, priors.

Nothing here knows about scikit-learn; constructor arguments are plain numbers and
tuples, ``forward`` returns tensors and the losses live in the training engine.
"""

# License: BSD-3-Clause

import math

import torch
from torch import nn

from ._layers import Dropout, _MLPModule
from ._sequence import (
    CNNEncoder,
    GRUEncoder,
    SequenceDecoder,
    StatsDecoder,
    _pool_frames,
)

__all__ = [
    "CNNEncoder",
    "CategoricalPrior",
    "Discriminator",
    "Dropout",
    "EmpiricalPrior",
    "GRUEncoder",
    "GaussianPrior",
    "MLPDecoder",
    "MLPEncoder",
    "SequenceDecoder",
    "StatsDecoder",
    "UniformPrior",
    "_pool_frames",
    "make_encoder",
]


class MLPEncoder(_MLPModule):
    """Map feature vectors to a latent code ``[emotion part | style part]``.

    Parameters
    ----------
    n_features : int
        Size of the input vectors.
    hidden_layer_sizes : tuple of int
        Width of each hidden layer.
    n_outputs : int
        Size of the code: number of emotion targets plus style nodes.
    activation : {"relu", "tanh", "leaky_relu"}, default="relu"
        Non-linearity between layers.
    dropout : float, default=0.0
        Dropout probability after each hidden layer.
    """

    def __init__(
        self, n_features, hidden_layer_sizes, n_outputs, activation="relu", dropout=0.0
    ):
        sizes = (n_features, *hidden_layer_sizes, n_outputs)
        super().__init__(sizes, activation, dropout)


class MLPDecoder(_MLPModule):
    """Reconstruct feature vectors from the whole latent code.

    Parameters
    ----------
    n_latent : int
        Size of the latent code.
    hidden_layer_sizes : tuple of int
        Width of each hidden layer (usually the encoder's, reversed).
    n_features : int
        Size of the reconstructed vectors.
    activation : {"relu", "tanh", "leaky_relu"}, default="relu"
        Non-linearity between layers.
    """

    def __init__(self, n_latent, hidden_layer_sizes, n_features, activation="relu"):
        super().__init__((n_latent, *hidden_layer_sizes, n_features), activation)


class Discriminator(_MLPModule):
    """Tell samples of a prior (logit > 0) from encoder codes (logit < 0).

    Parameters
    ----------
    n_inputs : int
        Size of the latent part it judges.
    hidden_layer_sizes : tuple of int
        Width of each hidden layer.
    """

    def __init__(self, n_inputs, hidden_layer_sizes):
        super().__init__((n_inputs, *hidden_layer_sizes, 1), "leaky_relu")


class GaussianPrior(nn.Module):
    """Standard normal prior; ``forward(n)`` draws ``n`` samples.

    Parameters
    ----------
    n_dims : int
        Dimension of the samples.
    """

    def __init__(self, n_dims):
        super().__init__()
        # A buffer only to know the device the samples belong on.
        self.register_buffer("_anchor", torch.zeros(n_dims))

    def forward(self, n):
        return torch.randn(n, self._anchor.numel(), device=self._anchor.device)


class UniformPrior(nn.Module):
    """Uniform prior on a box; ``forward(n)`` draws ``n`` samples.

    Parameters
    ----------
    low, high : sequence of float
        Lower and upper corner of the box, one value per dimension.
    """

    def __init__(self, low, high):
        super().__init__()
        self.register_buffer("low", torch.as_tensor(low, dtype=torch.float32))
        self.register_buffer("high", torch.as_tensor(high, dtype=torch.float32))

    @classmethod
    def unit_variance(cls, n_dims):
        """Zero-mean uniform prior with unit variance per dimension."""
        half_width = math.sqrt(3.0)
        return cls([-half_width] * n_dims, [half_width] * n_dims)

    def forward(self, n):
        u = torch.rand(n, self.low.numel(), device=self.low.device)
        return self.low + u * (self.high - self.low)


class EmpiricalPrior(nn.Module):
    """Resample stored points and add Gaussian jitter.

    The continuous counterpart of the categorical prior of the semi-supervised
    adversarial autoencoder: the emotion codes are pushed towards the distribution
    of the training labels.

    Parameters
    ----------
    points : array-like of shape (n_points, n_dims)
        The points to resample, e.g. the (standardised) training targets.
    jitter : float, default=0.1
        Standard deviation of the Gaussian noise added to each draw.
    """

    def __init__(self, points, jitter=0.1):
        super().__init__()
        self.register_buffer("points", torch.as_tensor(points, dtype=torch.float32))
        self.jitter = jitter

    def forward(self, n):
        idx = torch.randint(len(self.points), (n,), device=self.points.device)
        draws = self.points[idx]
        return draws + self.jitter * torch.randn_like(draws)


class CategoricalPrior(nn.Module):
    """One-hot samples of classes drawn with given probabilities.

    The prior of the class part of the semi-supervised adversarial autoencoder
    (Makhzani et al., 2015, section 5): pushed towards it, the softmax of the
    class logits becomes nearly one-hot, in the proportions of the classes.

    Parameters
    ----------
    probabilities : sequence of float
        The probability of each class, e.g. its share of the labeled rows.
    """

    def __init__(self, probabilities):
        super().__init__()
        probabilities = torch.as_tensor(probabilities, dtype=torch.float32)
        self.register_buffer("probabilities", probabilities / probabilities.sum())

    def forward(self, n):
        classes = torch.multinomial(self.probabilities, n, replacement=True)
        return nn.functional.one_hot(classes, len(self.probabilities)).float()


def make_encoder(kind, n_features, hidden, n_outputs, activation, dropout, pooling=1):
    """The encoder of ``kind`` ("mlp", "cnn" or "gru"); the sequence encoders
    average ``pooling`` frames into one step first."""
    if kind == "mlp":
        return MLPEncoder(n_features, hidden, n_outputs, activation, dropout)
    if kind == "cnn":
        return CNNEncoder(n_features, hidden, n_outputs, activation, dropout, pooling)
    return GRUEncoder(n_features, hidden, n_outputs, dropout, pooling)
