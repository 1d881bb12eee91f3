"""The training engine: skorch nets that own the modules, optimizers and phases.

:class:`SupervisedNet` trains an encoder to regress the targets. :class:`AAENet`
adds the decoder, the two discriminators and the priors, and runs the three
phases of the semi-supervised adversarial autoencoder on every mini-batch.
The public estimators compose these nets; users do not meet them directly.
"""

# License: BSD-3-Clause

import json
import os
import tempfile
from copy import deepcopy

import numpy as np
import torch
import torch.nn.functional as F
from skorch import NeuralNet
from skorch.callbacks import Callback, EarlyStopping
from skorch.history import History

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
# The share of the instance noise annealed away over max_iter epochs.
_NOISE_DECAY = 0.5
_STOPPER_STATE = ("misses_", "dynamic_threshold_", "best_epoch_", "best_score_")


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
    """

    def __init__(self, dataset, batch_size, shuffle=False):
        self.tensors = dataset.tensors
        self.batch_size = batch_size
        self.shuffle = shuffle
        self.lengths = self.tensors[1] if len(self.tensors) == 3 else None

    def __len__(self):
        return -(-len(self.tensors[0]) // self.batch_size)

    def _order(self):
        n = len(self.tensors[0])
        device = self.tensors[0].device
        if not self.shuffle:
            return torch.arange(n, device=device)
        if self.lengths is None:
            return torch.randperm(n, device=device)
        # Sorting on lengths blurred by +-10 % keeps batches nearly uniform in
        # length while their composition still changes from pass to pass.
        noise = 1.0 + 0.2 * (torch.rand(n, device=device) - 0.5)
        return torch.argsort(self.lengths * noise)

    def __iter__(self):
        batches = self._order().split(self.batch_size)
        if self.shuffle and self.lengths is not None:
            batches = [batches[i] for i in torch.randperm(len(batches))]
        for idx in batches:
            batch = [t[idx] for t in self.tensors]
            if self.lengths is not None:
                batch[0] = batch[0][:, : int(batch[1].max())]
            yield tuple(batch)


def masked_mse(pred, target):
    """Mean squared error over the entries where ``target`` is not NaN."""
    known = ~torch.isnan(target)
    diff = torch.where(known, pred - torch.nan_to_num(target), 0.0)
    return diff.pow(2).sum() / known.sum().clamp(min=1)


def reconstruction_loss(reconstruction, x, lengths=None):
    """Mean squared reconstruction error; over the real frames of sequences."""
    if lengths is None:
        return F.mse_loss(reconstruction, x)
    mask = torch.arange(x.shape[1], device=x.device) < lengths[:, None]
    squared = (reconstruction - x).pow(2).sum(dim=2)
    return squared[mask].sum() / (mask.sum() * x.shape[2])


def ccc_loss(pred, target):
    """One minus the concordance correlation coefficient of each target column,
    averaged over the columns; NaN targets are left out of their column."""
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


def _cycle(batches):
    """Endless passes over ``batches``, each in a new order."""
    while True:
        yield from batches


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
    """skorch's early stopping, restoring every module of the best epoch.

    skorch's own ``load_best`` restores ``module_`` only; the adversarial
    autoencoder also needs its decoder and discriminators to stay consistent with
    the encoder (for ``warm_start``). Epochs that did not record the monitored
    value (unlabeled passes) are not judged.
    """

    def on_train_begin(self, net, **kwargs):
        super().on_train_begin(net, **kwargs)
        self.best_score_ = None
        resumed = getattr(self, "resume_state_", None)
        if resumed is not None:
            for key in _STOPPER_STATE:
                setattr(self, key, resumed[key])
            self.best_model_weights_ = resumed["best_model_weights_"]
            self.resume_state_ = None

    def state(self):
        """What ``on_train_begin`` needs to carry on from the current epoch."""
        state = {key: getattr(self, key, None) for key in _STOPPER_STATE}
        state["best_model_weights_"] = self.best_model_weights_
        return state

    def on_epoch_end(self, net, **kwargs):
        if self.monitor not in net.history[-1] or net.pretraining():
            return
        try:
            super().on_epoch_end(net, **kwargs)
        finally:
            if self.best_epoch_ == net.history[-1, "epoch"]:
                self.best_score_ = net.history[-1, self.monitor]
                self.best_model_weights_ = {
                    name: deepcopy(getattr(net, name + "_").state_dict())
                    for name in net._modules
                }

    def on_train_end(self, net, **kwargs):
        weights = getattr(self, "best_model_weights_", None)
        if weights is None or self.best_epoch_ == net.history[-1, "epoch"]:
            return
        for name, state in weights.items():
            getattr(net, name + "_").load_state_dict(state)
        self._sink(f"Restoring best model from epoch {self.best_epoch_}.", net.verbose)


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
        stopper = dict(net.callbacks_)["stopper"]
        state = {
            "fingerprint": self.fingerprint,
            "modules": {n: getattr(net, n + "_").state_dict() for n in net._modules},
            "optimizers": {
                n: getattr(net, n + "_").state_dict() for n in net._optimizers
            },
            "history": json.dumps(net.history.to_list()),
            "stopper": stopper.state(),
            "rng": torch.get_rng_state(),
            "cuda_rng": torch.cuda.get_rng_state_all()
            if net.device != "cpu" and torch.cuda.is_available()
            else [],
        }
        folder = os.path.dirname(os.path.abspath(self.path))
        handle, tmp = tempfile.mkstemp(dir=folder, suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as f:
                torch.save(state, f)
            os.replace(tmp, self.path)
        except BaseException:
            os.unlink(tmp)
            raise


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
        for name, module_state in state["modules"].items():
            getattr(net, name + "_").load_state_dict(module_state)
        for name, optimizer_state in state["optimizers"].items():
            getattr(net, name + "_").load_state_dict(optimizer_state)
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
    dict(net.callbacks_)["stopper"].resume_state_ = stopper_state
    torch.set_rng_state(rng.cpu())
    if state["cuda_rng"]:
        torch.cuda.set_rng_state_all(state["cuda_rng"])


def _labeled_rows(inputs, labeled):
    """The rows ``labeled`` of the encoder's inputs; sequences are cut again to
    the longest one kept."""
    if len(inputs) == 1:
        return (inputs[0][labeled],)
    frames, lengths = inputs[0][labeled], inputs[1][labeled]
    return frames[:, : int(lengths.max())], lengths


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

    def set_learning_rate(self, lr):
        """Set the learning rate of every optimizer."""
        for name in self._optimizers:
            for group in getattr(self, name + "_").param_groups:
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
        loss_fn = F.mse_loss
        if not self.complete_targets_:
            labeled = ~torch.isnan(yi).all(dim=1)
            if not labeled.any():
                return 0.0
            if not labeled.all():
                inputs = _labeled_rows(inputs, labeled)
                yi = yi[labeled]
            loss_fn = masked_mse
        if self.loss == "ccc":
            loss_fn = ccc_loss
        loss = loss_fn(self.module_(*inputs)[:, : self.n_targets], yi)
        self._step(self.optimizer_, loss, "supervised_loss")
        return loss.detach()

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


class AAENet(SupervisedNet):
    """Semi-supervised adversarial autoencoder with an emotion and a style part.

    Each mini-batch runs three phases, each with its own optimizer:

    1. reconstruction: encoder and decoder minimise the reconstruction error on
       every row, labeled or not;
    2. regularisation: the two discriminators learn to tell prior samples from the
       codes of phase 1, then the encoder, as generator, learns to fool them;
    3. supervision: the emotion part of the code regresses the targets of a
       mini-batch drawn from the labeled rows alone, so that the labels are
       revisited on every step however many unlabeled rows there are (the
       schedule of Makhzani et al., 2015).

    Parameters
    ----------
    module : torch.nn.Module
        The encoder, taking ``X`` or ``(frames, lengths)``; its output is
        ``[emotion part | style part]``.
    decoder : torch.nn.Module
        Maps the whole code back to the input (given the lengths, for
        sequences).
    disc_emotion, disc_style : torch.nn.Module or None
        Discriminators of the two latent parts (None for an empty style part).
    emotion_prior, style_prior : torch.nn.Module or None
        ``forward(n)`` draws ``n`` prior samples for each part.
    n_targets : int
        Size of the emotion part.
    adversarial_weight : float
        Factor of the generator's learning rate; 0 skips the regularisation
        phase.
    discriminator_weight : float, default=1.0
        Factor of the discriminators' learning rate.
    instance_noise : float, default=0.0
        Standard deviation of the Gaussian noise added to the discriminators'
        inputs (prior samples and codes alike) in the first epoch, annealed
        linearly to half of it at ``max_epochs``.
    style_adversarial_weight : float or None, default=None
        Weight of the style part in the generator loss, relative to
        ``adversarial_weight`` for the emotion part; None: the same.
    reconstruction_weight : float, default=1.0
        Factor of the reconstruction phase's learning rate; 0 skips it.
    adversarial_every : int, default=1
        Run the regularisation phase on every ``adversarial_every``-th batch.
    gradient_penalty : float, default=0.0
        Weight of the R1 penalty on the discriminators' gradient at prior samples.
    pretrain_iter : int, default=0
        Epochs of reconstruction and regularisation only, before supervision
        joins.
    **kwargs
        Passed on to :class:`skorch.NeuralNet`.
    """

    loss_names = PHASE_LOSSES

    def __init__(
        self,
        module,
        *,
        decoder,
        disc_emotion,
        disc_style,
        emotion_prior,
        style_prior,
        n_targets,
        adversarial_weight,
        discriminator_weight=1.0,
        instance_noise=0.0,
        style_adversarial_weight=None,
        reconstruction_weight=1.0,
        adversarial_every=1,
        gradient_penalty=0.0,
        pretrain_iter=0,
        **kwargs,
    ):
        # Set before skorch's __init__, which only then starts guarding modules.
        self.decoder = decoder
        self.disc_emotion = disc_emotion
        self.disc_style = disc_style
        self.emotion_prior = emotion_prior
        self.style_prior = style_prior
        self.adversarial_weight = adversarial_weight
        self.discriminator_weight = discriminator_weight
        self.instance_noise = instance_noise
        self.style_adversarial_weight = style_adversarial_weight
        self.reconstruction_weight = reconstruction_weight
        self.adversarial_every = adversarial_every
        self.gradient_penalty = gradient_penalty
        self.pretrain_iter = pretrain_iter
        super().__init__(module, n_targets=n_targets, **kwargs)

    def initialize_module(self):
        super().initialize_module()
        self.decoder_ = self.decoder
        self.disc_emotion_ = self.disc_emotion
        self.emotion_prior_ = self.emotion_prior
        if self.disc_style is not None:
            self.disc_style_ = self.disc_style
            self.style_prior_ = self.style_prior
        return self

    def initialize_optimizer(self, *args, **kwargs):
        super().initialize_optimizer()
        encoder = list(self.module_.named_parameters())
        discriminators = list(self.disc_emotion_.named_parameters())
        if self.disc_style is not None:
            discriminators += list(self.disc_style_.named_parameters())
        self.optimizer_reconstruction_ = self._make_optimizer(
            encoder + list(self.decoder_.named_parameters())
        )
        self.optimizer_discriminator_ = self._make_optimizer(discriminators)
        self.optimizer_generator_ = self._make_optimizer(encoder)
        self.set_learning_rate(self.lr)
        return self

    def set_learning_rate(self, lr):
        # Adam is blind to a constant factor on a loss, so the phase weights
        # scale the step sizes instead; only the ratio of the two adversarial
        # weights enters the generator loss.
        super().set_learning_rate(lr)
        for group in self.optimizer_generator_.param_groups:
            group["lr"] = lr * max(self._adversarial_weights())
        for group in self.optimizer_reconstruction_.param_groups:
            group["lr"] = lr * self.reconstruction_weight
        for group in self.optimizer_discriminator_.param_groups:
            group["lr"] = lr * self.discriminator_weight

    def get_iterator(self, dataset, training=False):
        if training:
            # The supervised phase draws its own batches from the labeled rows.
            y = dataset.tensors[-1]
            labeled = torch.nonzero(~torch.isnan(y).all(dim=1)).flatten()
            self.labeled_rows_ = None
            if len(labeled):
                self.labeled_rows_ = torch.utils.data.TensorDataset(
                    *(t[labeled] for t in dataset.tensors)
                )
        return super().get_iterator(dataset, training=training)

    def on_epoch_begin(self, net, **kwargs):
        super().on_epoch_begin(net, **kwargs)
        # A new pass every epoch, so that a resumed fit draws what an
        # uninterrupted one does.
        self.labeled_batches_ = None
        if self.labeled_rows_ is not None:
            batches = Batches(self.labeled_rows_, self.batch_size, shuffle=True)
            self.labeled_batches_ = _cycle(batches)

    def __getstate__(self):
        state = super().__getstate__()
        # An open iterator cannot be pickled; the next fit draws a new one.
        for key in ("labeled_rows_", "labeled_batches_"):
            state.pop(key, None)
        return state

    def _noise_scale(self):
        """The instance noise of the running epoch: linearly from
        ``instance_noise`` down to half of it at ``max_epochs``."""
        done = min(1.0, (len(self.history) - 1) / max(1, self.max_epochs))
        # Noise down to 0 lets the discriminators win again in the last epochs
        # of a long fit (emotion priors of categorical labels are spiky).
        return self.instance_noise * (1.0 - _NOISE_DECAY * done)

    def pretraining(self):
        return len(self.history) <= self.pretrain_iter

    def _adversarial_weights(self):
        """The generator-loss weight of the emotion part and of the style part."""
        style = self.style_adversarial_weight
        return (
            self.adversarial_weight,
            self.adversarial_weight if style is None else style,
        )

    def _parts(self):
        """(discriminator, prior, slice of the code, weight) of each latent part
        that the regularisation phase shapes; weights relative to the largest."""
        k = self.n_targets
        weights = self._adversarial_weights()
        top = max(weights)
        parts = [(self.disc_emotion_, self.emotion_prior_, slice(0, k), weights[0])]
        if self.disc_style is not None:
            parts.append(
                (self.disc_style_, self.style_prior_, slice(k, None), weights[1])
            )
        return [(d, p, s, w / top) for d, p, s, w in parts if w > 0]

    def _discriminator_phase(self, code, parts):
        n = len(code)
        labels = torch.cat([code.new_ones(n, 1), code.new_zeros(n, 1)])
        noise = self._noise_scale()
        loss, accuracy = 0.0, []
        for disc, prior, part, _ in parts:
            real = prior(n)
            if self.gradient_penalty > 0:
                real.requires_grad_(True)
            inputs = torch.cat([real, code[:, part]])
            if noise > 0:
                # Instance noise (Sønderby et al., 2017): overlapping noisy
                # distributions keep the discriminator from winning outright.
                inputs = inputs + noise * torch.randn_like(inputs)
            logits = disc(inputs)
            loss = loss + F.binary_cross_entropy_with_logits(logits, labels)
            if self.gradient_penalty > 0:
                # R1 (Mescheder et al., 2018): a discriminator flat around the
                # prior samples cannot win outright and keeps its gradient useful.
                (grad,) = torch.autograd.grad(logits[:n].sum(), real, create_graph=True)
                loss = loss + 0.5 * self.gradient_penalty * grad.pow(2).sum(1).mean()
            accuracy.append(((logits > 0) == (labels > 0.5)).float().mean())
        self._step(self.optimizer_discriminator_, loss, "discriminator_loss")
        accuracy = torch.stack(accuracy).tolist()
        for (disc, *_), value in zip(parts, accuracy, strict=True):
            part = "emotion" if disc is self.disc_emotion_ else "style"
            self.history.record_batch(f"{part}_discriminator_accuracy", value)
        # The better discriminator: one that wins outright starves the generator.
        self.history.record_batch("discriminator_accuracy", max(accuracy))

    def _generator_phase(self, inputs, parts):
        code = self.module_(*inputs)
        loss = 0.0
        noise = self._noise_scale()
        for disc, _, part, weight in parts:
            fake = code[:, part]
            if noise > 0:
                fake = fake + noise * torch.randn_like(fake)
            logits = disc(fake)
            loss = loss + weight * F.binary_cross_entropy_with_logits(
                logits, torch.ones_like(logits)
            )
        self._step(self.optimizer_generator_, loss, "generator_loss")

    def train_step(self, batch, **fit_params):
        self._train_mode()
        *inputs, yi = batch
        code = loss = None
        if self.reconstruction_weight > 0:
            code = self.module_(*inputs)
            reconstruction = reconstruction_loss(
                self.decoder_(code, *inputs[1:]), *inputs
            )
            self._step(
                self.optimizer_reconstruction_, reconstruction, "reconstruction_loss"
            )
            loss = reconstruction.detach()
        parts = self._parts()
        batch_index = len(self.history[-1]["batches"]) - 1
        if parts and batch_index % self.adversarial_every == 0:
            if code is None:
                with torch.no_grad():
                    code = self.module_(*inputs)
            # The discriminators judge the codes of phase 1, as a GAN reuses its
            # fake batch; the generator step needs fresh codes for its gradient.
            self._discriminator_phase(code.detach(), parts)
            self._generator_phase(inputs, parts)
        if not self.pretraining() and self.labeled_batches_ is not None:
            *inputs, yi = next(self.labeled_batches_)
            supervised = self._supervised_phase(inputs, yi)
            loss = supervised if loss is None else loss + supervised
        return {"loss": torch.as_tensor(0.0 if loss is None else loss)}
