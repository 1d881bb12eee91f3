"""torch modules of the adversarial autoencoder: encoders, discriminators, priors.

Nothing here knows about scikit-learn; constructor arguments are plain numbers and
tuples, ``forward`` returns tensors and the losses live in the training engine.
"""

# License: BSD-3-Clause

import math

import torch
from torch import nn

ACTIVATIONS = {"relu": nn.ReLU, "tanh": nn.Tanh, "leaky_relu": nn.LeakyReLU}


class Dropout(nn.Dropout):
    """:class:`torch.nn.Dropout` with its mask drawn by ``rand_like``.

    The same inverted dropout; on CPU, its forward and backward pass take less
    than half the time of ``nn.Dropout``'s (whose ``bernoulli_`` draws slowly),
    which took a third of a small network's training step.
    """

    def forward(self, x):
        if not self.training or self.p == 0:
            return x
        if self.p == 1:
            return torch.zeros_like(x)
        # One product with the scaled mask: one multiplication each way.
        mask = (torch.rand_like(x) >= self.p).to(x.dtype).mul_(1.0 / (1.0 - self.p))
        return x * mask


def _mlp(sizes, activation="relu", dropout=0.0):
    """Stack of linear layers with an activation (and dropout) between them."""
    layers = []
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True)):
        layers.append(nn.Linear(n_in, n_out))
        if i < len(sizes) - 2:
            layers.append(ACTIVATIONS[activation]())
            if dropout > 0:
                layers.append(Dropout(dropout))
    return nn.Sequential(*layers)


class MLPEncoder(nn.Module):
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
        super().__init__()
        sizes = (n_features, *hidden_layer_sizes, n_outputs)
        self.layers = _mlp(sizes, activation, dropout)

    def forward(self, x):
        return self.layers(x)


class MLPDecoder(nn.Module):
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
        super().__init__()
        self.layers = _mlp((n_latent, *hidden_layer_sizes, n_features), activation)

    def forward(self, z):
        return self.layers(z)


def _dilated_convs(sizes):
    """1-D convolutions from ``sizes[i]`` to ``sizes[i + 1]`` channels, kernel 3,
    dilation ``2**i``, padded to keep the number of frames."""
    return nn.ModuleList(
        nn.Conv1d(n_in, n_out, 3, dilation=2**i, padding=2**i)
        for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:], strict=True))
    )


def _length_mask(lengths, n_steps):
    """(batch, n_steps) boolean mask of the real frames of padded sequences."""
    return torch.arange(n_steps, device=lengths.device) < lengths[:, None]


def _pool_frames(frames, lengths, size):
    """Average each run of ``size`` consecutive real frames.

    ``frames`` is (batch, n_steps, features), padded; the last run of an
    utterance averages the real frames it holds, and padding never enters a
    mean. Returns the pooled (batch, ceil(n_steps / size), features) frames
    (zeros on padding) and their lengths.
    """
    if size == 1:
        return frames, lengths
    n_batch, n_steps, n_features = frames.shape
    mask = _length_mask(lengths, n_steps)[:, :, None].to(frames.dtype)
    extra = -n_steps % size
    h = nn.functional.pad(frames * mask, (0, 0, 0, extra))
    mask = nn.functional.pad(mask, (0, 0, 0, extra))
    sums = h.reshape(n_batch, -1, size, n_features).sum(dim=2)
    counts = mask.reshape(n_batch, -1, size, 1).sum(dim=2)
    return sums / counts.clamp(min=1), torch.div(
        lengths + size - 1, size, rounding_mode="floor"
    )


def _stats_pool(h, mask):
    """Mean and standard deviation over the real frames: (batch, 2 * channels).

    ``h`` is (batch, channels, n_steps) with zeros on padding, ``mask`` is
    (batch, 1, n_steps).
    """
    count = mask.sum(dim=2).clamp(min=1)
    mean = h.sum(dim=2) / count
    var = ((h - mean[:, :, None]) * mask).pow(2).sum(dim=2) / count
    return torch.cat([mean, torch.sqrt(var + 1e-5)], dim=1)


class CNNEncoder(nn.Module):
    """Map frame sequences to a latent code with dilated 1-D convolutions.

    The frames are first averaged ``pooling`` by ``pooling`` over time. Each
    layer is then a convolution over time with kernel 3 and dilation ``2**i``
    (so the receptive field doubles per layer), keeping the number of frames.
    The mean and standard deviation of the last layer over the real frames
    (statistics pooling) make the utterance-level code, through a linear layer.

    Parameters
    ----------
    n_features : int
        Features per frame.
    hidden_layer_sizes : tuple of int
        Channels of each convolution.
    n_outputs : int
        Size of the code.
    activation : {"relu", "tanh", "leaky_relu"}, default="relu"
        Non-linearity after each convolution.
    dropout : float, default=0.0
        Dropout probability after each convolution.
    pooling : int, default=1
        Number of consecutive frames averaged into one step before the first
        convolution (1: every frame).
    """

    def __init__(
        self,
        n_features,
        hidden_layer_sizes,
        n_outputs,
        activation="relu",
        dropout=0.0,
        pooling=1,
    ):
        super().__init__()
        sizes = (n_features, *hidden_layer_sizes)
        self.pooling = pooling
        self.convs = _dilated_convs(sizes)
        self.activation = ACTIVATIONS[activation]()
        self.dropout = Dropout(dropout)
        self.head = nn.Linear(2 * sizes[-1], n_outputs)

    def forward(self, frames, lengths):
        frames, lengths = _pool_frames(frames, lengths, self.pooling)
        mask = _length_mask(lengths, frames.shape[1])[:, None, :]
        h = torch.where(mask, frames.transpose(1, 2), 0.0)
        for conv in self.convs:
            # Zeroing the padding keeps it out of the next layer's receptive field.
            h = self.dropout(self.activation(conv(h))) * mask
        return self.head(_stats_pool(h, mask))


class GRUEncoder(nn.Module):
    """Map frame sequences to a latent code with bidirectional GRUs.

    The frames are first averaged ``pooling`` by ``pooling`` over time. The
    sequences are packed, so padding never enters a recurrence; the
    outputs of the last layer are pooled (mean and standard deviation over the
    real frames) and mapped to the code by a linear layer.

    Parameters
    ----------
    n_features : int
        Features per frame.
    hidden_layer_sizes : tuple of int
        Hidden units of each GRU layer, per direction.
    n_outputs : int
        Size of the code.
    dropout : float, default=0.0
        Dropout probability between layers.
    pooling : int, default=1
        Number of consecutive frames averaged into one step before the first
        GRU (1: every frame).
    """

    def __init__(
        self, n_features, hidden_layer_sizes, n_outputs, dropout=0.0, pooling=1
    ):
        super().__init__()
        self.pooling = pooling
        n_in = [n_features] + [2 * n for n in hidden_layer_sizes[:-1]]
        self.grus = nn.ModuleList(
            nn.GRU(a, b, batch_first=True, bidirectional=True)
            for a, b in zip(n_in, hidden_layer_sizes, strict=True)
        )
        self.dropout = Dropout(dropout)
        self.head = nn.Linear(4 * hidden_layer_sizes[-1], n_outputs)

    def forward(self, frames, lengths):
        frames, lengths = _pool_frames(frames, lengths, self.pooling)
        n_steps = frames.shape[1]
        h = frames
        for gru in self.grus:
            packed = nn.utils.rnn.pack_padded_sequence(
                h, lengths.cpu(), batch_first=True, enforce_sorted=False
            )
            out, _ = gru(packed)
            h, _ = nn.utils.rnn.pad_packed_sequence(
                out, batch_first=True, total_length=n_steps
            )
            h = self.dropout(h)
        mask = _length_mask(lengths, n_steps)[:, None, :]
        return self.head(_stats_pool(h.transpose(1, 2), mask))


class SequenceDecoder(nn.Module):
    """Reconstruct frame sequences from the utterance-level code.

    The code, projected once per utterance, is added to a projection of each
    frame's relative position in its utterance (sines and cosines of
    ``t / length``), and 1-D convolutions (kernel 3, dilation ``2**i``) turn
    this into frames. The decoder thus has to draw the whole sequence from the
    code: the code cannot skip the information.

    Parameters
    ----------
    n_latent : int
        Size of the latent code.
    hidden_layer_sizes : tuple of int
        Channels of each layer (usually the encoder's, reversed).
    n_features : int
        Features per reconstructed frame.
    activation : {"relu", "tanh", "leaky_relu"}, default="relu"
        Non-linearity between layers.
    n_frequencies : int, default=8
        Number of sine/cosine pairs encoding the relative position.
    """

    def __init__(
        self,
        n_latent,
        hidden_layer_sizes,
        n_features,
        activation="relu",
        n_frequencies=8,
    ):
        super().__init__()
        sizes = tuple(hidden_layer_sizes)
        self.code = nn.Linear(n_latent, sizes[0])
        self.position = nn.Linear(2 * n_frequencies, sizes[0])
        self.register_buffer(
            "frequencies", math.pi * torch.arange(1, n_frequencies + 1.0)
        )
        self.convs = _dilated_convs(sizes)
        self.activation = ACTIVATIONS[activation]()
        self.out = nn.Conv1d(sizes[-1], n_features, 1)

    def forward(self, z, lengths):
        n_steps = int(lengths.max())
        steps = torch.arange(n_steps, device=z.device, dtype=z.dtype)
        where = steps / lengths[:, None].to(z.dtype)
        angles = where[:, :, None] * self.frequencies
        position = torch.cat([angles.sin(), angles.cos()], dim=2)
        h = self.activation(self.code(z)[:, None, :] + self.position(position))
        h = h.transpose(1, 2)
        for conv in self.convs:
            h = self.activation(conv(h))
        return self.out(h).transpose(1, 2)


class StatsDecoder(nn.Module):
    """Reconstruct the statistics of an utterance's frames from its code.

    An MLP maps the utterance-level code to the mean and the standard deviation
    of each frame feature over the utterance's real frames: an utterance-level
    task, of the size of a vector of functionals, for an utterance-level code.

    Parameters
    ----------
    n_latent : int
        Size of the latent code.
    hidden_layer_sizes : tuple of int
        Width of each hidden layer.
    n_features : int
        Features per frame; the output has twice as many (means, then
        standard deviations).
    activation : {"relu", "tanh", "leaky_relu"}, default="relu"
        Non-linearity between layers.
    """

    def __init__(self, n_latent, hidden_layer_sizes, n_features, activation="relu"):
        super().__init__()
        sizes = (n_latent, *hidden_layer_sizes, 2 * n_features)
        self.layers = _mlp(sizes, activation)

    def forward(self, z, lengths):
        return self.layers(z)


class Discriminator(nn.Module):
    """Tell samples of a prior (logit > 0) from encoder codes (logit < 0).

    Parameters
    ----------
    n_inputs : int
        Size of the latent part it judges.
    hidden_layer_sizes : tuple of int
        Width of each hidden layer.
    """

    def __init__(self, n_inputs, hidden_layer_sizes):
        super().__init__()
        self.layers = _mlp((n_inputs, *hidden_layer_sizes, 1), "leaky_relu")

    def forward(self, z):
        return self.layers(z)


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
