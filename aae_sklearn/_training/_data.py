"""Batching and losses: what one training step reads and minimises."""

# License: BSD-3-Clause

import torch
import torch.nn.functional as F


class DivergenceError(FloatingPointError):
    """Raised inside the training loop when a loss stops being finite."""


class Batches:
    """Mini-batches of in-memory tensors, reshuffled on every pass.

    Indexing whole tensors avoids the per-sample collation of a ``DataLoader``,
    which costs more than the forward pass of a small network. For padded
    sequences, ``(frames, lengths, y)``, each batch is cut to its longest
    sequence, and shuffled passes draw batches of similar lengths (bucketing),
    so that little of the computation is spent on padding.

    Parameters
    ----------
    dataset : torch.utils.data.TensorDataset
        The tensors to slice, all with the same first dimension: ``(X, y)`` or
        ``(frames, lengths, y)``.
    batch_size : int
        Rows per batch (the last one may be smaller).
    shuffle : bool, default=False
        Draw a new order (from torch's global generator) on every pass.
    rows : torch.Tensor of int, optional
        Pass over these rows only (by position); every row when None. The
        tensors are indexed batch by batch, never copied whole.
    """

    def __init__(self, dataset, batch_size, shuffle=False, rows=None):
        self.tensors = dataset.tensors
        self.batch_size = batch_size
        self.shuffle = shuffle
        device = self.tensors[0].device
        if rows is None:
            rows = torch.arange(len(self.tensors[0]), device=device)
        self.rows = rows.to(device)
        self.lengths = self.tensors[1] if len(self.tensors) == 3 else None

    def __len__(self):
        return -(-len(self.rows) // self.batch_size)

    def _pass_rows(self):
        """The rows of the next pass."""
        return self.rows

    def _order(self):
        rows = self._pass_rows()
        if not self.shuffle:
            return rows
        if self.lengths is None:
            return rows[torch.randperm(len(rows), device=rows.device)]
        # Sorting on lengths blurred by +-10 % keeps batches nearly uniform in
        # length while their composition still changes from pass to pass.
        noise = 1.0 + 0.2 * (torch.rand(len(rows), device=rows.device) - 0.5)
        return rows[torch.argsort(self.lengths[rows] * noise)]

    def __iter__(self):
        batches = self._order().split(self.batch_size)
        if self.shuffle and self.lengths is not None:
            batches = [batches[i] for i in torch.randperm(len(batches))]
        for idx in batches:
            self.current_rows = idx  # read by the consistency phase
            batch = [t[idx] for t in self.tensors]
            if self.lengths is not None:
                batch[0] = batch[0][:, : int(batch[1].max())]
            yield tuple(batch)


class SampledBatches(Batches):
    """Shuffled mini-batches of some rows and a new sample of others every pass.

    Every pass holds all of ``rows`` and ``n_drawn`` rows of ``pool`` drawn
    without replacement, mixed in the same batches: the labeled rows and a
    sample of the unlabeled ones, so that an epoch's cost does not grow with
    the unlabeled pool, which the passes visit whole over time.

    Parameters
    ----------
    dataset : torch.utils.data.TensorDataset
        The tensors to slice, as for :class:`Batches`.
    batch_size : int
        Rows per batch.
    rows : torch.Tensor of int
        Rows of every pass (by position).
    pool : torch.Tensor of int
        Rows to sample from (by position).
    n_drawn : int
        Rows of ``pool`` in each pass.
    """

    def __init__(self, dataset, batch_size, rows, pool, n_drawn):
        super().__init__(dataset, batch_size, shuffle=True, rows=rows)
        self.pool = pool.to(self.rows.device)
        self.n_drawn = n_drawn

    def __len__(self):
        return -(-(len(self.rows) + self.n_drawn) // self.batch_size)

    def _pass_rows(self):
        drawn = torch.randperm(len(self.pool), device=self.pool.device)
        return torch.cat([self.rows, self.pool[drawn[: self.n_drawn]]])


def masked_mse(pred, target):
    """Mean squared error over the entries where ``target`` is not NaN."""
    known = ~torch.isnan(target)
    diff = torch.where(known, pred - torch.nan_to_num(target), 0.0)
    return diff.pow(2).sum() / known.sum().clamp(min=1)


def frame_statistics(x, lengths):
    """Mean and standard deviation of each feature over the real frames of
    padded sequences ``x`` (batch, n_steps, n_features): (batch, 2 * n_features)."""
    mask = (torch.arange(x.shape[1], device=x.device) < lengths[:, None])[..., None]
    count = lengths[:, None].to(x.dtype)
    mean = torch.where(mask, x, 0.0).sum(dim=1) / count
    spread = torch.where(mask, x - mean[:, None, :], 0.0).pow(2).sum(dim=1) / count
    return torch.cat([mean, spread.sqrt()], dim=1)


def reconstruction_loss(reconstruction, x, lengths=None):
    """Mean squared reconstruction error: of vectors; over the real frames of
    sequences; or, where the reconstruction of sequences is one vector per
    sequence, of the frames' mean and standard deviation."""
    if lengths is None:
        return F.mse_loss(reconstruction, x)
    if reconstruction.ndim == 2:
        return F.mse_loss(reconstruction, frame_statistics(x, lengths))
    mask = torch.arange(x.shape[1], device=x.device) < lengths[:, None]
    squared = (reconstruction - x).pow(2).sum(dim=2)
    return squared[mask].sum() / (mask.sum() * x.shape[2])


def ccc_loss(pred, target):
    """One minus the concordance correlation coefficient of each target column,
    averaged over the columns; NaN targets are left out of their column.

    A target without NaN skips the masks: the same sums, in the same order, at
    two thirds of the cost.
    """
    if not torch.isnan(target).any():
        n = len(target)
        true_mean, pred_mean = target.sum(dim=0) / n, pred.sum(dim=0) / n
        true_dev, pred_dev = target - true_mean, pred - pred_mean
        covariance = (true_dev * pred_dev).sum(dim=0) / n
        denominator = (
            true_dev.pow(2).sum(dim=0) / n
            + pred_dev.pow(2).sum(dim=0) / n
            + (true_mean - pred_mean).pow(2)
        )
        return (1 - 2 * covariance / (denominator + 1e-8)).mean()
    known = ~torch.isnan(target)
    count = known.sum(dim=0)
    n = count.clamp(min=1)
    true_mean = torch.where(known, target, 0.0).sum(dim=0) / n
    pred_mean = torch.where(known, pred, 0.0).sum(dim=0) / n
    true_dev = torch.where(known, target - true_mean, 0.0)
    pred_dev = torch.where(known, pred - pred_mean, 0.0)
    covariance = (true_dev * pred_dev).sum(dim=0) / n
    denominator = (
        true_dev.pow(2).sum(dim=0) / n
        + pred_dev.pow(2).sum(dim=0) / n
        + (true_mean - pred_mean).pow(2)
    )
    ccc = 2 * covariance / (denominator + 1e-8)
    return (1 - ccc)[count > 0].mean()


def view_members(sources):
    """(n_rows, n_views) positions of the rows that share each row's source,
    padded with -1: the views of one recording, the row itself among them."""
    sources = torch.as_tensor(sources)
    _, codes, counts = torch.unique(sources, return_inverse=True, return_counts=True)
    order = torch.argsort(codes, stable=True)
    starts = torch.cumsum(counts, 0) - counts
    slot = torch.arange(len(codes)) - starts[codes[order]]
    table = torch.full((len(counts), int(counts.max())), -1, dtype=torch.long)
    table[codes[order], slot] = order
    return table[codes]


def cycle(batches):
    """Endless passes over ``batches``, each in a new order."""
    while True:
        yield from batches


def take_rows(inputs, rows):
    """The rows ``rows`` of the encoder's inputs; sequences are cut again to
    the longest one kept."""
    if len(inputs) == 1:
        return (inputs[0][rows],)
    frames, lengths = inputs[0][rows], inputs[1][rows]
    return frames[:, : int(lengths.max())], lengths
