"""torch modules for frame sequences: the convolutional and recurrent encoders,
the two decoders, and the pooling over time they share.

Like :mod:`._autoencoder`, nothing here knows about scikit-learn.
"""

# License: BSD-3-Clause

import math

import torch
from torch import nn

from ._layers import ACTIVATIONS, Dropout, _MLPModule


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


class StatsDecoder(_MLPModule):
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
        super().__init__((n_latent, *hidden_layer_sizes, 2 * n_features), activation)

    def forward(self, z, lengths):
        return self.layers(z)
