"""Resumable state: a checkpoint file written during training, and its identity."""

# License: BSD-3-Clause

import hashlib
import json
import os

import numpy as np
import torch
from skorch.callbacks import Callback
from skorch.history import History

from ..utils._files import atomic_write


def _stable(value):
    """``value`` as text that is the same in every process: a function by its
    qualified name, not by the address ``repr`` shows."""
    if callable(value) and hasattr(value, "__qualname__"):
        return f"{getattr(value, '__module__', '')}.{value.__qualname__}"
    if isinstance(value, dict):
        return {str(k): _stable(v) for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_stable(v) for v in value]
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return f"{type(value).__module__}.{type(value).__qualname__}"


def fingerprint(name, params, arrays):
    """Digest of a model's ``name``, its ``params`` and the training ``arrays``.

    Parameters are hashed through a stable text form (a callable by its
    qualified name), so that a new process computes the same digest.
    """
    digest = hashlib.sha256(name.encode())
    digest.update(json.dumps(_stable(params), sort_keys=True).encode())
    for array in arrays:
        digest.update(np.ascontiguousarray(array).tobytes())
    return digest.hexdigest()


class Checkpoint(Callback):
    """Write what resuming needs to ``path`` every ``every`` epochs, atomically.

    The file holds the state of every module and optimizer, the history, the
    state of early stopping, torch's random generators and a ``fingerprint`` of
    the data and parameters; :func:`load_checkpoint` restores it. It is written
    with :func:`torch.save` and read with ``weights_only=True``, which loads
    tensors and plain containers only, never arbitrary objects.

    Parameters
    ----------
    path : str or path-like
        The checkpoint file.
    every : int
        Epochs between two checkpoints.
    fingerprint : str
        Identifies the data and parameters the checkpoint belongs to.
    """

    def __init__(self, path, every, fingerprint):
        self.path = path
        self.every = every
        self.fingerprint = fingerprint

    def on_epoch_end(self, net, **kwargs):
        if len(net.history) % self.every:
            return
        state = {
            "fingerprint": self.fingerprint,
            "modules": net.module_states(),
            "optimizers": net.optimizer_states(),
            "history": json.dumps(net.history.to_list()),
            "stopper": net.stopper.state(),
            "rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all()
            if net.device != "cpu" and torch.cuda.is_available()
            else [],
        }
        atomic_write(self.path, lambda f: torch.save(state, f))


def load_checkpoint(net, path, fingerprint):
    """Restore ``net`` (initialised) from the :class:`Checkpoint` at ``path``.

    Raises ValueError when the file is not a readable checkpoint or was written
    for other data or parameters.
    """
    try:
        state = torch.load(path, map_location=net.device, weights_only=True)
        if state["fingerprint"] != fingerprint:
            raise ValueError(
                f"checkpoint {os.fspath(path)!r} was written for other data or "
                "parameters; delete it, or pass another checkpoint path, to "
                "start afresh."
            )
        net.load_module_states(state["modules"])
        net.load_optimizer_states(state["optimizers"])
        history = json.loads(state["history"])
        stopper_state, rng = state["stopper"], state["rng"]
    except ValueError:
        raise
    except Exception as exc:
        raise ValueError(
            f"checkpoint {os.fspath(path)!r} cannot be read as a checkpoint of "
            f"this model ({type(exc).__name__}: {exc})."
        ) from exc
    net.history = History(history)
    net.stopper.resume(stopper_state)
    torch.set_rng_state(rng.cpu())
    if state["cuda_rng"]:
        torch.cuda.set_rng_state_all(state["cuda_rng"])
