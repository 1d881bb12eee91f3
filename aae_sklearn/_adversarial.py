"""What the two adversarial autoencoders share: the networks, the phase
settings, the unlabeled passes and the latent code's names."""

# License: BSD-3-Clause

from numbers import Integral, Real

import numpy as np
from sklearn.utils._param_validation import Interval, StrOptions
from sklearn.utils.validation import check_is_fitted

from .nn._autoencoder import (
    Discriminator,
    GaussianPrior,
    MLPDecoder,
    SequenceDecoder,
    StatsDecoder,
    UniformPrior,
)
from .utils._validation import _layer_sizes

# reconstruction_weight="auto" per encoder, as chosen on the inner folds of the
# ablation study (benchmarks/bench_ablation.py, docs/ablation.rst). On frames,
# 0.01 tied with 0 (phase off); it keeps the decoder, and the unlabeled frames'
# reconstruction, in the model.
_AUTO_RECONSTRUCTION = {"mlp": 0.6, "cnn": 0.01, "gru": 0.01}
# The decoder's task with frame_decoder="stats" is that of vectors: a weight
# like theirs.
_AUTO_RECONSTRUCTION_STATS = 0.6
# consistency_weight and consistency_view "auto" where fit is given augmented
# views (sources), as chosen on the tuning speakers of the views study
# (benchmarks/bench_views.py); without views the phase is off, as before.
_AUTO_CONSISTENCY = (1.0, "masking")

AAE_CONSTRAINTS = {
    "style_dim": [Interval(Integral, 0, None, closed="left")],
    "style_prior": [StrOptions({"gaussian", "uniform"})],
    "adversarial_weight": [Interval(Real, 0, None, closed="left")],
    "discriminator_weight": [Interval(Real, 0, None, closed="neither")],
    "instance_noise": [Interval(Real, 0, None, closed="left")],
    "discriminator_layer_sizes": [
        Interval(Integral, 1, None, closed="left"),
        tuple,
        list,
    ],
    "style_adversarial_weight": [Interval(Real, 0, None, closed="left"), None],
    "reconstruction_weight": [
        Interval(Real, 0, None, closed="left"),
        StrOptions({"auto"}),
    ],
    "adversarial_every": [Interval(Integral, 1, None, closed="left")],
    "gradient_penalty": [Interval(Real, 0, None, closed="left")],
    "pretrain_iter": [Interval(Integral, 0, None, closed="left")],
    "unlabeled_ratio": [Interval(Real, 0, None, closed="left"), None],
    "consistency_weight": [
        Interval(Real, 0, None, closed="left"),
        StrOptions({"auto"}),
    ],
    "consistency_view": [StrOptions({"dropout", "masking", "auto"})],
    "frame_decoder": [StrOptions({"frames", "stats"})],
}


class _AdversarialParts:
    """The networks and phases of an adversarial autoencoder; a mixin before
    :class:`~aae_sklearn._base._BaseEmotionEstimator`. Subclasses set
    ``_net_class`` and define ``_make_emotion_prior(n_outputs, y_labeled)``."""

    _layer_parameters = ("hidden_layer_sizes", "discriminator_layer_sizes")

    def _build_net(self, n_features, n_outputs, y_labeled, hidden):
        discriminator = _layer_sizes(self, "discriminator_layer_sizes")
        n_latent = n_outputs + self.style_dim
        if self.style_dim:
            disc_style = Discriminator(self.style_dim, discriminator)
            style_prior = (
                GaussianPrior(self.style_dim)
                if self.style_prior == "gaussian"
                else UniformPrior.unit_variance(self.style_dim)
            )
        else:
            disc_style = style_prior = None
        if self._encoder_kind == "mlp":
            decoder = MLPDecoder
        else:
            decoder = StatsDecoder if self.frame_decoder == "stats" else SequenceDecoder
        return self._net_class(
            self._make_encoder(n_features, hidden, n_latent),
            decoder=decoder(n_latent, hidden[::-1], n_features, self.activation),
            disc_emotion=Discriminator(n_outputs, discriminator),
            disc_style=disc_style,
            emotion_prior=self._make_emotion_prior(n_outputs, y_labeled),
            style_prior=style_prior,
            n_targets=n_outputs,
            **self._phase_params(),
            **self._net_params(),
        )

    def _phase_params(self):
        """The settings of the training phases, which a warm start may change."""
        return dict(
            adversarial_weight=self.adversarial_weight,
            discriminator_weight=self.discriminator_weight,
            instance_noise=self.instance_noise,
            style_adversarial_weight=self.style_adversarial_weight,
            reconstruction_weight=self._reconstruction_weight(),
            adversarial_every=self.adversarial_every,
            gradient_penalty=self.gradient_penalty,
            pretrain_iter=self.pretrain_iter,
            unlabeled_ratio=self.unlabeled_ratio,
            **self._consistency(),
        )

    def _consistency(self):
        """``consistency_weight`` and ``consistency_view``, "auto" resolved:
        :data:`_AUTO_CONSISTENCY` where the fit has augmented views
        (``sources``), else 0 and "dropout" (no consistency phase)."""
        views = getattr(self, "_views", False)
        weight, view = _AUTO_CONSISTENCY if views else (0.0, "dropout")
        if self.consistency_weight != "auto":
            weight = self.consistency_weight
        if self.consistency_view != "auto":
            view = self.consistency_view
        return {"consistency_weight": weight, "consistency_view": view}

    def _set_views(self, sources):
        self.net_.set_views(sources)

    def _reconstruction_weight(self):
        """``reconstruction_weight``, "auto" resolved for the encoder and the
        decoder."""
        if self.reconstruction_weight != "auto":
            return self.reconstruction_weight
        if self._encoder_kind != "mlp" and self.frame_decoder == "stats":
            return _AUTO_RECONSTRUCTION_STATS
        return _AUTO_RECONSTRUCTION[self._encoder_kind]

    def _code_size(self, n_outputs):
        return n_outputs + self.style_dim

    def _net_settings(self, y_labeled):
        settings = super()._net_settings(y_labeled)
        if y_labeled is not None:
            prior = self._make_emotion_prior(self.n_outputs_, y_labeled)
            settings["emotion_prior"] = prior
        return {**settings, **self._phase_params()}

    def _style_names(self):
        n_style = self._n_features_out - self.n_outputs_
        return [f"style_{i}" for i in range(n_style)]

    def _check_n_outputs(self, n_outputs, default):
        """The size of the emotion part for an unlabeled pass: the fitted one,
        else ``n_outputs`` (``default`` when None)."""
        if hasattr(self, "net_"):
            if n_outputs not in (None, self.n_outputs_):
                raise ValueError(
                    f"The model has {self.n_outputs_} emotion node(s); got "
                    f"n_outputs={n_outputs}."
                )
            return self.n_outputs_
        if n_outputs is None:
            return default
        if not isinstance(n_outputs, Integral) or n_outputs < 1:
            raise ValueError(f"n_outputs must be a positive integer, got {n_outputs}.")
        return n_outputs

    def _names_out(self, emotion_names):
        check_is_fitted(self)
        names = list(emotion_names) + self._style_names()
        return np.asarray(names, dtype=object)
