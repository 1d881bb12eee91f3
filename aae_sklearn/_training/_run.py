"""One owner of the training loop's lifecycle: start, resume, run, stop."""

# License: BSD-3-Clause

import os
from dataclasses import dataclass

from skorch.helper import predefined_split

from ._checkpoint import load_checkpoint
from ._data import DivergenceError

# Why a run ended.
MAX_ITER = "max_iter"  # every epoch asked for ran
PLATEAU = "plateau"  # the monitored value stopped improving
INTERRUPTED = "interrupted"  # KeyboardInterrupt (Ctrl-C)
DIVERGED = "diverged"  # a loss or gradient stopped being finite


@dataclass(frozen=True)
class RunResult:
    """Why and where a training run stopped.

    Attributes
    ----------
    reason : {"max_iter", "plateau", "interrupted", "diverged"}
        Why the run ended.
    epoch : int
        The last epoch that began (counted over the net's whole history).
    kept_epoch : int
        The epoch whose weights the net holds after the run: the best one
        where early stopping judged any, else the last.
    restored : bool
        Whether ``kept_epoch`` is an earlier epoch whose weights were put back.
    best_score : float or None
        The best value of the monitored quantity, if any epoch was judged.
    error : Exception or None
        The divergence, for ``reason="diverged"``.
    """

    reason: str
    epoch: int
    kept_epoch: int
    restored: bool
    best_score: float | None
    error: Exception | None = None


def start(net, *, checkpoint=None, fingerprint=None):
    """Initialise ``net`` and resume it from ``checkpoint`` where that exists.

    Returns the number of epochs left to reach ``net.max_epochs``.
    """
    net.initialize()
    if checkpoint is not None and os.path.exists(checkpoint):
        load_checkpoint(net, checkpoint, fingerprint)
    return max(0, net.max_epochs - len(net.history))


def run(net, dataset, *, valid=None, epochs=None):
    """Train an initialised ``net`` on ``dataset`` for ``epochs`` epochs.

    Mirrors skorch's ``partial_fit``, but tells early stopping from an
    interrupt and a divergence, and keeps the best weights in every case.

    Parameters
    ----------
    net : SupervisedNet
        The initialised net.
    dataset : torch.utils.data.TensorDataset
        Training rows: the encoder's inputs and the targets (NaN: unlabeled).
    valid : torch.utils.data.TensorDataset, optional
        Validation rows, scored every epoch.
    epochs : int, optional
        Epochs to run; ``net.max_epochs`` when None.

    Returns
    -------
    result : RunResult
    """
    net.train_split = None if valid is None else predefined_split(valid)
    stopper = net.stopper
    error = None
    reason = MAX_ITER
    net.notify("on_train_begin", X=dataset, y=None)
    try:
        net.fit_loop(dataset, epochs=epochs)
    except KeyboardInterrupt:
        # skorch's early stopping raises it too.
        reason = PLATEAU if stopper.stopped_early_ else INTERRUPTED
    except DivergenceError as exc:
        reason, error = DIVERGED, exc
    net.notify("on_train_end", X=dataset, y=None)
    epoch = len(net.history)
    kept = stopper.restore_best(net)
    return RunResult(
        reason=reason,
        epoch=epoch,
        kept_epoch=kept,
        restored=kept != epoch,
        best_score=stopper.best_score_,
        error=error,
    )
