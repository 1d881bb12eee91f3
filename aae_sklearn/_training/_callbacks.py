"""Callbacks: per-epoch losses and diagnostics, validation score, early stopping."""

# License: BSD-3-Clause

import numpy as np
import torch
from skorch.callbacks import Callback, EarlyStopping, ProgressBar

from ._checkpoint import Checkpoint

PHASE_LOSSES = (
    "reconstruction_loss",
    "discriminator_loss",
    "generator_loss",
    "supervised_loss",
)
# Per-epoch diagnostics recorded next to the losses (the largest gradient norm of
# any step, the number of clipped steps, the discriminators' accuracy).
DIAGNOSTICS = (
    "grad_norm",
    "clipped_steps",
    "discriminator_accuracy",
    "emotion_discriminator_accuracy",
    "style_discriminator_accuracy",
)
_STOPPER_STATE = ("misses_", "dynamic_threshold_", "best_epoch_", "best_score_")


class PhaseLosses(Callback):
    """Average each phase's batch losses into one value per epoch."""

    def on_epoch_end(self, net, **kwargs):
        batches = net.history[-1, "batches"]
        for name in net.loss_names:
            values = [b[name] for b in batches if name in b]
            net.history.record(name, float(np.mean(values)) if values else np.nan)
        norms = [b["grad_norm"] for b in batches if "grad_norm" in b]
        if norms:
            net.history.record("grad_norm", float(np.max(norms)))
            net.history.record(
                "clipped_steps", int(sum(b.get("clipped_steps", 0) for b in batches))
            )
        # The consistency loss, and for FixMatch the share of rows given a
        # pseudo-label, in the epochs whose batches recorded them.
        for name in ("consistency_loss", "consistency_share"):
            values = [b[name] for b in batches if name in b]
            if values:
                net.history.record(name, float(np.mean(values)))
        for name in DIAGNOSTICS[2:]:
            accuracy = [b[name] for b in batches if name in b]
            if accuracy:
                net.history.record(name, float(np.mean(accuracy)))


class ValidationScore(Callback):
    """Score the predictions made on the validation set at the end of each epoch.

    Parameters
    ----------
    score_func : callable
        ``score_func(y_true, y_pred)`` on numpy arrays, greater is better.
    """

    def __init__(self, score_func):
        self.score_func = score_func

    def on_epoch_begin(self, net, **kwargs):
        self._true, self._pred = [], []

    def on_batch_end(self, net, batch=None, training=False, y_pred=None, **kwargs):
        if not training:
            self._true.append(batch[-1])
            self._pred.append(y_pred)

    def on_epoch_end(self, net, **kwargs):
        if self._pred:
            y_true = torch.cat(self._true).cpu().numpy()
            y_pred = torch.cat(self._pred).cpu().numpy()
            net.history.record("valid_score", float(self.score_func(y_true, y_pred)))
        self._true, self._pred = [], []


class RestoringEarlyStopping(EarlyStopping):
    """skorch's early stopping, keeping every module of the best epoch.

    skorch's own ``load_best`` restores ``module_`` only; the adversarial
    autoencoder also needs its decoder and discriminators to stay consistent with
    the encoder (for ``warm_start``). Epochs that did not record the monitored
    value (unlabeled passes) are not judged. :meth:`restore_best` puts the best
    weights back; ``stopped_early_`` tells a stop on a plateau from a user's
    interrupt, which skorch signals alike.
    """

    def on_train_begin(self, net, **kwargs):
        super().on_train_begin(net, **kwargs)
        self.best_score_ = None
        self.stopped_early_ = False
        resumed = getattr(self, "resume_state_", None)
        if resumed is not None:
            for key in _STOPPER_STATE:
                setattr(self, key, resumed[key])
            self.best_model_weights_ = resumed["best_model_weights_"]
            self.resume_state_ = None

    def state(self):
        """What :meth:`resume` needs to carry on from the current epoch."""
        state = {key: getattr(self, key, None) for key in _STOPPER_STATE}
        state["best_model_weights_"] = self.best_model_weights_
        return state

    def resume(self, state):
        """Carry on from ``state`` (of :meth:`state`) at the next training start."""
        self.resume_state_ = state

    def on_epoch_end(self, net, **kwargs):
        if self.monitor not in net.history[-1] or net.pretraining():
            return
        try:
            super().on_epoch_end(net, **kwargs)
        except KeyboardInterrupt:
            self.stopped_early_ = True
            raise
        finally:
            if self.best_epoch_ == net.history[-1, "epoch"]:
                self.best_score_ = net.history[-1, self.monitor]
                self.best_model_weights_ = net.module_states()

    def restore_best(self, net):
        """Load the weights of the best epoch into ``net``, if they are not its
        current ones; return the epoch whose weights ``net`` now holds."""
        last = len(net.history)
        if self.best_model_weights_ is None or self.best_epoch_ == last:
            return last
        net.load_module_states(self.best_model_weights_)
        self._sink(f"Restoring best model from epoch {self.best_epoch_}.", net.verbose)
        return self.best_epoch_

    @property
    def has_best(self):
        """Whether an epoch was judged, so that its weights can be restored."""
        return getattr(self, "best_model_weights_", None) is not None


def default_callbacks(
    score_func,
    stopping,
    *,
    checkpoint=None,
    checkpoint_every=1,
    fingerprint=None,
    progress=None,
):
    """The callbacks of a net: validation score, early stopping, and where asked
    for, a checkpoint file and a progress bar showing the losses ``progress``."""
    callbacks = [
        ("valid_score", ValidationScore(score_func)),
        ("stopper", RestoringEarlyStopping(**stopping)),
    ]
    if checkpoint is not None:
        callbacks.append(
            ("checkpoint", Checkpoint(checkpoint, checkpoint_every, fingerprint))
        )
    if progress:
        callbacks.append(("progress", ProgressBar(postfix_keys=list(progress))))
    return callbacks
