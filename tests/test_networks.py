"""The torch modules: masking of padded sequences, shapes of every code."""

import pytest
import torch
from numpy.testing import assert_allclose

from aae_sklearn._training import Batches, reconstruction_loss
from aae_sklearn._training._data import ccc_loss
from aae_sklearn.nn._autoencoder import (
    CNNEncoder,
    Dropout,
    GRUEncoder,
    SequenceDecoder,
    _pool_frames,
)

ENCODERS = [
    lambda: CNNEncoder(5, (8, 6), 4),
    lambda: GRUEncoder(5, (8, 6), 4),
    lambda: CNNEncoder(5, (8, 6), 4, pooling=4),
    lambda: GRUEncoder(5, (8, 6), 4, pooling=3),
]


@pytest.mark.parametrize(
    "make_encoder", ENCODERS, ids=["cnn", "gru", "cnn-pooled", "gru-pooled"]
)
def test_padding_does_not_change_a_sequence_code(make_encoder):
    torch.manual_seed(0)
    encoder = make_encoder().eval()
    short, long = torch.randn(1, 7, 5), torch.randn(1, 30, 5)
    alone = encoder(short, torch.tensor([7]))
    batch = torch.zeros(2, 30, 5)
    batch[0, :7], batch[1] = short[0], long[0]
    # Garbage in the padding must not leak either.
    batch[0, 7:] = 1e3
    together = encoder(batch, torch.tensor([7, 30]))
    assert together.shape == (2, 4)
    assert_allclose(together[0].detach(), alone[0].detach(), rtol=1e-5, atol=1e-5)


def test_pooling_averages_the_real_frames_of_each_run():
    frames = torch.randn(2, 10, 3)
    frames[1, 6:] = 1e3  # padding
    pooled, lengths = _pool_frames(frames, torch.tensor([10, 6]), 4)
    assert pooled.shape == (2, 3, 3)
    assert lengths.tolist() == [3, 2]
    # The last run of each sequence averages the frames it holds: 2 of them.
    expected = [
        [frames[0, :4].mean(0), frames[0, 4:8].mean(0), frames[0, 8:].mean(0)],
        [frames[1, :4].mean(0), frames[1, 4:6].mean(0), torch.zeros(3)],
    ]
    assert_allclose(pooled, torch.stack([torch.stack(r) for r in expected]), atol=1e-6)
    same, unchanged = _pool_frames(frames, torch.tensor([10, 6]), 1)
    assert same is frames and unchanged.tolist() == [10, 6]


def test_decoder_draws_every_frame_of_the_longest_sequence():
    decoder = SequenceDecoder(10, (8, 6), 5)
    frames = decoder(torch.randn(3, 10), torch.tensor([4, 9, 2]))
    assert frames.shape == (3, 9, 5) and torch.isfinite(frames).all()


def test_reconstruction_loss_ignores_padding():
    x = torch.randn(2, 6, 3)
    reconstruction = x.clone()
    reconstruction[1, 4:] += 100.0  # beyond the second sequence's length
    lengths = torch.tensor([6, 4])
    assert reconstruction_loss(reconstruction, x, lengths) == 0.0
    reconstruction[0, 0, 0] += 1.0
    expected = 1.0 / (10 * 3)  # one unit error over 10 real frames of 3 features
    assert reconstruction_loss(reconstruction, x, lengths).item() == pytest.approx(
        expected
    )


def test_bucketed_batches_cover_every_row_and_cut_the_padding():
    torch.manual_seed(0)
    lengths = torch.randint(5, 200, (300,))
    frames = torch.zeros(300, int(lengths.max()), 2)
    y = torch.arange(300.0)[:, None]
    dataset = torch.utils.data.TensorDataset(frames, lengths, y)
    seen, real, padded = [], 0, 0
    for batch_frames, batch_lengths, batch_y in Batches(dataset, 32, shuffle=True):
        assert batch_frames.shape[1] == batch_lengths.max()
        seen += batch_y.ravel().int().tolist()
        real += int(batch_lengths.sum())
        padded += batch_frames.shape[0] * batch_frames.shape[1]
    assert sorted(seen) == list(range(300))
    # Random batches would pad about half of these frames.
    assert padded / real < 1.25


def test_dropout_drops_a_share_p_and_keeps_the_mean():
    torch.manual_seed(0)
    dropout = Dropout(0.3)
    x = torch.ones(200, 500, requires_grad=True)
    out = dropout(x)
    kept = out != 0
    assert abs(kept.float().mean().item() - 0.7) < 0.01
    assert_allclose(out[kept].detach().numpy(), 1 / 0.7, rtol=1e-6)
    out.sum().backward()  # the gradient flows through the kept entries only
    assert torch.equal(x.grad, out.detach())
    dropout.eval()
    assert dropout(x) is x
    assert not Dropout(1.0)(x).any()


def test_ccc_loss_without_nan_is_the_masked_loss():
    torch.manual_seed(0)
    pred, target = torch.randn(64, 3), torch.randn(64, 3)
    with_nan = torch.cat([target, torch.full((5, 3), float("nan"))])
    padded = torch.cat([pred, torch.randn(5, 3)])
    assert torch.equal(ccc_loss(pred, target), ccc_loss(padded, with_nan))
