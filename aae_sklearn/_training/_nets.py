"""The supervised skorch net: modules, optimizers, one step, its public face.

:class:`SupervisedNet` trains an encoder to regress the targets; the
adversarial autoencoder's net (:mod:`._aae_net`) builds on it. Estimators change
a net's settings through :meth:`SupervisedNet.configure` and read and write its
state through its public methods, never its attributes.
"""

# License: BSD-3-Clause

from copy import deepcopy

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from skorch import NeuralNet

from ._callbacks import DIAGNOSTICS, PhaseLosses
from ._data import (
    Batches,
    DivergenceError,
    ccc_loss,
    masked_mse,
    take_rows,
)


class SupervisedNet(NeuralNet):
    """Encoder trained on labeled rows only: the fully supervised baseline.

    The encoder (``module``) is passed initialised; its first ``n_targets``
    outputs are the predictions. Targets may hold NaN where a rating is missing;
    those entries do not enter the loss.

    Parameters
    ----------
    module : torch.nn.Module
        The encoder.
    n_targets : int
        Number of target columns.
    loss : {"ccc", "mse"}, default="ccc"
        Supervised loss: one minus the CCC of each target, or the squared error.
    max_grad_norm : float or None, default=None
        Clip each step's gradient norm to this value.
    **kwargs
        Passed on to :class:`skorch.NeuralNet`.
    """

    loss_names = ("supervised_loss",)

    def __init__(self, module, *, n_targets, loss="ccc", max_grad_norm=None, **kwargs):
        super().__init__(module, criterion=torch.nn.MSELoss, **kwargs)
        self.n_targets = n_targets
        self.loss = loss
        self.max_grad_norm = max_grad_norm

    def get_default_callbacks(self):
        callbacks = dict(super().get_default_callbacks())
        callbacks.pop("train_loss")
        if not self.verbose:
            # PrintLog formats its table even when it prints nothing.
            callbacks.pop("print_log")
        callbacks["phase_losses"] = PhaseLosses()
        return list(callbacks.items())

    def get_dataset(self, X, y=None):
        if isinstance(X, torch.utils.data.Dataset):
            return X
        return torch.utils.data.TensorDataset(X, y)

    def get_iterator(self, dataset, training=False):
        if training:
            # Fully labeled data (the common case) takes the plain loss.
            self.complete_targets_ = not torch.isnan(dataset.tensors[-1]).any()
        return Batches(dataset, self.batch_size, shuffle=training)

    def pretraining(self):
        """Whether the running epoch is an unsupervised pre-training epoch."""
        return False

    def _train_mode(self):
        """Switch every module to training mode, once per epoch, not per batch."""
        if not self.module_.training:
            self._set_training(True)

    def initialize_optimizer(self, *args, **kwargs):
        # One optimizer for the supervised phase; AAENet adds one per other phase.
        self.optimizer_ = self._make_optimizer(self.module_.named_parameters())
        return self

    # -- settings and state, the net's public face to estimators ----------

    def configure(
        self,
        *,
        lr=None,
        max_epochs=None,
        weight_decay=None,
        score_func=None,
        stopping=None,
    ):
        """Change training settings of an initialised net before more training.

        Optimizers keep their moment estimates. Parameters left None keep their
        values.

        Parameters
        ----------
        lr : float, optional
            Base learning rate (each phase scales it by its weight).
        max_epochs : int, optional
            Epochs of a training run whose length is not given.
        weight_decay : float, optional
            L2 penalty of every optimizer.
        score_func : callable, optional
            Validation score, see :class:`ValidationScore`.
        stopping : dict, optional
            Attributes of early stopping (``monitor``, ``patience``, ...).
        """
        if max_epochs is not None:
            self.max_epochs = max_epochs
        if weight_decay is not None:
            for optimizer in self._all_optimizers():
                for group in optimizer.param_groups:
                    group["weight_decay"] = weight_decay
        if lr is not None:
            self.lr = lr
            self.set_learning_rate(lr)
        callbacks = dict(self.callbacks_)
        if score_func is not None:
            callbacks["valid_score"].score_func = score_func
        for key, value in (stopping or {}).items():
            setattr(callbacks["stopper"], key, value)
        return self

    @property
    def stopper(self):
        """The early-stopping callback, which keeps the best weights."""
        return dict(self.callbacks_)["stopper"]

    def _all_optimizers(self):
        return [getattr(self, name + "_") for name in self._optimizers]

    def module_states(self):
        """Copies of every module's ``state_dict``, by module name."""
        return {
            name: deepcopy(getattr(self, name + "_").state_dict())
            for name in self._modules
        }

    def load_module_states(self, states):
        """Load ``states`` (of :meth:`module_states`) into the modules."""
        for name, state in states.items():
            getattr(self, name + "_").load_state_dict(state)

    def optimizer_states(self):
        """Every optimizer's ``state_dict``, by optimizer name."""
        return {
            name: getattr(self, name + "_").state_dict() for name in self._optimizers
        }

    def load_optimizer_states(self, states):
        """Load ``states`` (of :meth:`optimizer_states`) into the optimizers."""
        for name, state in states.items():
            getattr(self, name + "_").load_state_dict(state)

    def encode(self, *inputs):
        """The encoder's output for ``inputs`` in evaluation mode, as float64
        numpy.

        Feature vectors go through the network in float64 (its weights cast
        for the call), so that a row's output does not depend on the rows
        predicted with it: float32 kernels sum in an order that changes with
        the batch size. Sequences stay in float32, where float64 would cost
        several times the time of a convolution or a GRU.
        """
        module = self.module_.eval()
        with torch.no_grad():
            if inputs[0].dim() == 2:
                state = {
                    name: tensor.double()
                    for name, tensor in module.state_dict(keep_vars=True).items()
                }
                output = torch.func.functional_call(
                    module, state, (inputs[0].double(),)
                )
            else:
                output = module(*inputs)
            return output.cpu().numpy().astype(np.float64)

    def history_frame(self):
        """The history as a DataFrame, one row per epoch: each phase's loss,
        the validation loss and score, the diagnostics and the time."""
        rows = [
            {k: v for k, v in epoch.items() if k != "batches"} for epoch in self.history
        ]
        history = pd.DataFrame(rows).rename(columns={"dur": "time"})
        order = [
            *self.loss_names,
            "consistency_loss",
            "consistency_share",
            "valid_loss",
            "valid_score",
            *DIAGNOSTICS,
            "time",
        ]
        return history.set_index("epoch")[[c for c in order if c in history]]

    def set_learning_rate(self, lr):
        """Set the learning rate of every optimizer."""
        for optimizer in self._all_optimizers():
            for group in optimizer.param_groups:
                group["lr"] = lr

    def _make_optimizer(self, named_parameters):
        args, kwargs = self.get_params_for_optimizer("optimizer", named_parameters)
        return self.optimizer(*args, **kwargs)

    def _step(self, optimizer, loss, name):
        """Back-propagate ``loss`` into ``optimizer``'s parameters, step, and
        record it in the batch history under ``name``."""
        value = loss.item()
        if not np.isfinite(value):
            raise DivergenceError(f"the {name.replace('_', ' ')} became {value}")
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        if self.max_grad_norm is not None:
            self._clip(optimizer, name)
        optimizer.step()
        self.history.record_batch(name, value)

    def _clip(self, optimizer, name):
        """Clip the gradient of ``optimizer``'s parameters to ``max_grad_norm``,
        and record its norm; only then is the norm worth its cost per step."""
        parameters = [p for group in optimizer.param_groups for p in group["params"]]
        norm = torch.nn.utils.get_total_norm(
            [p.grad for p in parameters if p.grad is not None]
        )
        value = norm.item()
        if not np.isfinite(value):
            raise DivergenceError(
                f"the gradient of the {name.replace('_', ' ')} became {value}"
            )
        clipped = value > self.max_grad_norm
        if clipped:
            torch.nn.utils.clip_grads_with_norm_(parameters, self.max_grad_norm, norm)
        batch = self.history[-1]["batches"][-1]
        batch["grad_norm"] = max(value, batch.get("grad_norm", 0.0))
        batch["clipped_steps"] = batch.get("clipped_steps", 0) + clipped

    def _supervised_phase(self, inputs, yi):
        """Regress the targets of the labeled rows; ``inputs`` are the encoder's
        arguments: ``(X,)`` or ``(frames, lengths)``."""
        complete = self.complete_targets_
        if not complete:
            labeled = ~torch.isnan(yi).all(dim=1)
            if not labeled.any():
                return 0.0
            if not labeled.all():
                inputs = take_rows(inputs, labeled)
                yi = yi[labeled]
        pred = self.module_(*inputs)[:, : self.n_targets]
        loss = self.supervised_loss(pred, yi, complete)
        self._step(self.optimizer_, loss, "supervised_loss")
        return loss.detach()

    def supervised_loss(self, pred, y, complete=False):
        """The loss of the predictions ``pred`` of labeled rows; ``complete``:
        ``y`` holds no NaN."""
        if self.loss == "ccc":
            return ccc_loss(pred, y)
        return F.mse_loss(pred, y) if complete else masked_mse(pred, y)

    def train_step(self, batch, **fit_params):
        self._train_mode()
        *inputs, yi = batch
        return {"loss": torch.as_tensor(self._supervised_phase(inputs, yi))}

    def validation_step(self, batch, **fit_params):
        self._set_training(False)
        *inputs, yi = batch
        with torch.no_grad():
            y_pred = self.module_(*inputs)[:, : self.n_targets]
        return {"loss": masked_mse(y_pred, yi), "y_pred": y_pred}
