"""The training engine: nets, batching and losses, callbacks, checkpoints, and
the loop's lifecycle. It knows torch and skorch, and no estimator."""

# License: BSD-3-Clause

from ._aae_net import AAENet
from ._callbacks import (
    DIAGNOSTICS,
    PHASE_LOSSES,
    RestoringEarlyStopping,
    ValidationScore,
    default_callbacks,
)
from ._checkpoint import Checkpoint, fingerprint
from ._classifier_nets import AAEClassifierNet, SupervisedClassifierNet
from ._data import Batches, DivergenceError, ccc_loss, reconstruction_loss
from ._device import resolve_device, resolve_threads, torch_seed, torch_threads
from ._nets import SupervisedNet
from ._run import DIVERGED, INTERRUPTED, MAX_ITER, PLATEAU, RunResult, run, start

__all__ = [
    "AAEClassifierNet",
    "AAENet",
    "Batches",
    "Checkpoint",
    "DIAGNOSTICS",
    "DIVERGED",
    "DivergenceError",
    "INTERRUPTED",
    "MAX_ITER",
    "PHASE_LOSSES",
    "PLATEAU",
    "RestoringEarlyStopping",
    "RunResult",
    "SupervisedClassifierNet",
    "SupervisedNet",
    "ValidationScore",
    "ccc_loss",
    "default_callbacks",
    "fingerprint",
    "reconstruction_loss",
    "resolve_device",
    "resolve_threads",
    "run",
    "start",
    "torch_seed",
    "torch_threads",
]
