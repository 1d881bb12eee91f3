"""The semi-supervised adversarial autoencoder's skorch net: three phases a step."""

# License: BSD-3-Clause

import torch
import torch.nn.functional as F

from ._callbacks import PHASE_LOSSES
from ._consistency import ConsistencyPhase
from ._data import Batches, SampledBatches, cycle, reconstruction_loss
from ._nets import SupervisedNet

# The share of the instance noise annealed away over max_iter epochs.
_NOISE_DECAY = 0.5
_BASE_SETTINGS = ("lr", "max_epochs", "weight_decay", "score_func", "stopping")
_PHASE_SETTINGS = (
    "adversarial_weight",
    "discriminator_weight",
    "instance_noise",
    "style_adversarial_weight",
    "reconstruction_weight",
    "adversarial_every",
    "gradient_penalty",
    "pretrain_iter",
    "unlabeled_ratio",
    "consistency_weight",
    "consistency_view",
)


class AAENet(ConsistencyPhase, SupervisedNet):
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
    unlabeled_ratio : float or None, default=None
        The most unlabeled rows per labeled row in an epoch of the
        reconstruction and regularisation phases: where there are more, each
        epoch draws a new sample of them of this size. None: every row, every
        epoch.
    consistency_weight : float, default=0.0
        Factor of the learning rate of a fourth phase, after the supervised
        one: the emotion parts of two passes of the phase-1 batch through the
        encoder, under different dropout masks, are pulled together (the
        Pi-model of Laine and Aila, 2017); 0 skips it.
    consistency_view : {"dropout", "masking"}, default="dropout"
        The views of the consistency phase: ``"dropout"``, the two dropout
        passes above; ``"masking"``, the emotion part of the batch, computed
        without gradient (the teacher), is the target of the emotion part of a
        strongly perturbed copy of it (the student, see :mod:`._views`), by
        :meth:`consistency_loss`. Where :meth:`set_views` names the views of
        each recording, both act on the unlabeled rows, and the teacher of a
        row is the mean emotion part of its recording's views (the original
        among them).
    **kwargs
        Passed on to :class:`skorch.NeuralNet`.
    """

    loss_names = PHASE_LOSSES
    # The settings that configure() changes besides those of SupervisedNet.
    phase_settings = _PHASE_SETTINGS

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
        unlabeled_ratio=None,
        consistency_weight=0.0,
        consistency_view="dropout",
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
        self.unlabeled_ratio = unlabeled_ratio
        self.consistency_weight = consistency_weight
        self.consistency_view = consistency_view
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
        self.optimizer_consistency_ = self._make_optimizer(encoder)
        self.set_learning_rate(self.lr)
        return self

    def configure(self, *, emotion_prior=None, **settings):
        """Change training settings of an initialised net before more training.

        Parameters
        ----------
        emotion_prior : torch.nn.Module, optional
            A new prior of the emotion part (drawn from new labels).
        **settings
            The phase settings of the constructor (``adversarial_weight``,
            ``instance_noise``, ...) and those of
            :meth:`SupervisedNet.configure`.
        """
        base = {k: settings.pop(k) for k in _BASE_SETTINGS if k in settings}
        for key, value in settings.items():
            if key not in self.phase_settings:
                raise TypeError(f"configure() got an unexpected setting {key!r}")
            setattr(self, key, value)
        if emotion_prior is not None:
            self.emotion_prior = self.emotion_prior_ = emotion_prior.to(self.device)
        super().configure(**base)
        # The phase weights set the phases' step sizes.
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
        for group in self.optimizer_consistency_.param_groups:
            group["lr"] = lr * self.consistency_weight

    def get_iterator(self, dataset, training=False):
        if not training:
            return super().get_iterator(dataset)
        self.train_batches_ = self._train_iterator(dataset)
        self.train_tensors_ = dataset.tensors
        return self.train_batches_

    def _train_iterator(self, dataset):
        y = dataset.tensors[-1]
        known = ~torch.isnan(y).all(dim=1)
        labeled = torch.nonzero(known).flatten()
        unlabeled = torch.nonzero(~known).flatten()
        # The supervised phase's batches hold labeled rows only.
        self.complete_targets_ = not torch.isnan(y[labeled]).any()
        # The supervised phase draws its own batches from the labeled rows.
        self.labeled_rows_ = None
        if len(labeled):
            self.labeled_rows_ = (dataset, labeled)
        if self.unlabeled_ratio is not None and len(labeled):
            n_drawn = round(self.unlabeled_ratio * len(labeled))
            if n_drawn < len(unlabeled):
                return SampledBatches(
                    dataset, self.batch_size, labeled, unlabeled, n_drawn
                )
        return Batches(dataset, self.batch_size, shuffle=True)

    def on_epoch_begin(self, net, **kwargs):
        super().on_epoch_begin(net, **kwargs)
        # A new pass every epoch, so that a resumed fit draws what an
        # uninterrupted one does.
        self.labeled_batches_ = None
        if self.labeled_rows_ is not None:
            dataset, labeled = self.labeled_rows_
            batches = Batches(dataset, self.batch_size, shuffle=True, rows=labeled)
            self.labeled_batches_ = cycle(batches)

    def __getstate__(self):
        state = super().__getstate__()
        # An open iterator cannot be pickled; the next fit draws a new one.
        for key in (
            "labeled_rows_",
            "labeled_batches_",
            "train_batches_",
            "train_tensors_",
            "view_members_",
        ):
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

    def latent(self, code):
        """The code as the decoder and the discriminators see it: the
        encoder's output here; the softmax of the class part for classes."""
        return code

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
        code = self.latent(self.module_(*inputs))
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
            code = self.latent(self.module_(*inputs))
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
                    code = self.latent(self.module_(*inputs))
            # The discriminators judge the codes of phase 1, as a GAN reuses its
            # fake batch; the generator step needs fresh codes for its gradient.
            self._discriminator_phase(code.detach(), parts)
            self._generator_phase(inputs, parts)
        if not self.pretraining() and self.labeled_batches_ is not None:
            batch_inputs, batch_targets = inputs, yi
            *inputs, yi = next(self.labeled_batches_)
            supervised = self._supervised_phase(inputs, yi)
            if self.consistency_weight > 0:
                self._consistency_phase(batch_inputs, batch_targets)
            loss = supervised if loss is None else loss + supervised
        return {"loss": torch.as_tensor(0.0 if loss is None else loss)}
