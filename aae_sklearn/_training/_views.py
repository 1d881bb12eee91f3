"""Strong views of a mini-batch for the consistency phase: masked frames,
dropped and jittered features.

Inputs are standardised inside the estimators, so 0 is each feature's mean: a
masked value carries no information, as SpecAugment's masks do on log-mel
spectrograms. The draws come from torch's global generator, which the
estimators seed from ``random_state``.
"""

# License: BSD-3-Clause

import torch

# SpecAugment (Park et al., 2019), sized for utterances of a few seconds: two
# masks over time, each up to this share of a sequence's real steps, and two
# over the features, each up to this share of them. The study of the
# consistency phase, not this module, is where other sizes would be chosen.
TIME_MASKS = 2
TIME_MASK_SHARE = 0.10
FEATURE_MASKS = 2
FEATURE_MASK_SHARE = 0.15
# Feature vectors: the share of each row's features set to 0, and the standard
# deviation of the Gaussian noise added to the others (in standard deviations).
VECTOR_DROP_SHARE = 0.15
VECTOR_NOISE = 0.1


def _bands(n_bands, sizes, n_positions, share):
    """(batch, n_positions) boolean union of ``n_bands`` bands per row.

    Each band of row ``i`` is ``w`` positions wide, ``w`` uniform in
    0..``floor(share * sizes[i])``, and starts uniformly in 0..``sizes[i] - w``:
    it covers none of the positions past ``sizes[i]``.
    """
    rows = len(sizes)
    longest = (share * sizes).floor()[:, None]
    draws = torch.rand(2, rows, n_bands, device=sizes.device)
    width = torch.minimum((draws[0] * (longest + 1)).floor(), longest)
    start = (draws[1] * (sizes[:, None] - width + 1)).floor()
    positions = torch.arange(n_positions, device=sizes.device)
    inside = (positions >= start[..., None]) & (positions < (start + width)[..., None])
    return inside.any(dim=1)


def mask_frames(frames, lengths):
    """SpecAugment-style masks on padded frame sequences, set to 0.

    Parameters
    ----------
    frames : torch.Tensor of shape (batch, n_steps, n_features)
        Standardised frames, zero-padded after each sequence's ``lengths``.
    lengths : torch.Tensor of int of shape (batch,)
        Real steps of each sequence.

    Returns
    -------
    masked : torch.Tensor
        A copy of ``frames`` with ``TIME_MASKS`` bands of steps (each up to
        ``TIME_MASK_SHARE`` of the sequence's real steps) and ``FEATURE_MASKS``
        bands of features (each up to ``FEATURE_MASK_SHARE`` of them) set to 0
        on the real steps; padding is left as it was.
    """
    n_steps, n_features = frames.shape[1:]
    real = lengths.to(torch.float64)
    steps = _bands(TIME_MASKS, real, n_steps, TIME_MASK_SHARE)
    features = _bands(
        FEATURE_MASKS, torch.full_like(real, n_features), n_features, FEATURE_MASK_SHARE
    )
    is_real = torch.arange(n_steps, device=frames.device) < lengths[:, None]
    masked = (steps[:, :, None] | features[:, None, :]) & is_real[:, :, None]
    return frames.masked_fill(masked, 0.0)


def perturb_vectors(x):
    """Gaussian noise on standardised feature vectors, then a share of each
    row's features set to 0.

    Parameters
    ----------
    x : torch.Tensor of shape (batch, n_features)
        Standardised feature vectors.

    Returns
    -------
    perturbed : torch.Tensor
        ``x`` plus noise of standard deviation ``VECTOR_NOISE``, with
        ``round(VECTOR_DROP_SHARE * n_features)`` features of each row, drawn
        anew for each row, set to 0.
    """
    n_rows, n_features = x.shape
    n_dropped = round(VECTOR_DROP_SHARE * n_features)
    noisy = x + VECTOR_NOISE * torch.randn_like(x)
    # The ranks of uniform draws pick n_dropped distinct features per row.
    order = torch.rand(n_rows, n_features, device=x.device).argsort(dim=1)
    dropped = torch.zeros_like(x, dtype=torch.bool)
    dropped.scatter_(1, order[:, :n_dropped], True)
    return noisy.masked_fill(dropped, 0.0)


def strong_view(inputs):
    """A strongly perturbed copy of the encoder's ``inputs``: ``(X,)`` or
    ``(frames, lengths)``."""
    if len(inputs) == 1:
        return (perturb_vectors(inputs[0]),)
    frames, lengths = inputs
    return mask_frames(frames, lengths), lengths
