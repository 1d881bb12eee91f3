"""The semi-supervised adversarial autoencoder for emotion dimensions."""

# License: BSD-3-Clause

import numpy as np
from sklearn.base import RegressorMixin, TransformerMixin, _fit_context
from sklearn.utils._param_validation import StrOptions

from ._adversarial import AAE_CONSTRAINTS, _AdversarialParts
from ._base import _BaseEmotionEstimator
from ._training import AAENet
from .nn._autoencoder import EmpiricalPrior, GaussianPrior, UniformPrior
from .utils._docstrings import _COMMON_ATTRS_DOC, _doc, _x_doc


class AAEEmotionRegressor(
    RegressorMixin, TransformerMixin, _AdversarialParts, _BaseEmotionEstimator
):
    __doc__ = _doc(
        """Semi-supervised adversarial autoencoder for speech emotion recognition.

    The encoder maps a feature vector, or a sequence of frame features, to a
    latent code made of an *emotion part*, one node per target (valence,
    activation, dominance, ...), and a larger *style part* for everything else
    (speaker, words, channel). A decoder reconstructs the input (every frame, for
    sequences) from the whole code, and one discriminator per part pushes the
    codes towards a prior. Every mini-batch runs three phases, each with its own Adam
    optimizer:

    1. reconstruction of every row, labeled or not;
    2. regularisation: the discriminators learn to tell prior samples from codes,
       then the encoder learns to fool them (weighted by ``adversarial_weight``);
    3. supervision: the emotion part regresses the targets of a mini-batch
       drawn from the labeled rows alone, so that every step revisits the
       labels however large the unlabeled share is [1]_.

    An epoch passes over every labeled row and at most ``unlabeled_ratio``
    unlabeled rows per labeled row, a new sample of them every epoch.

    Rows whose targets are all NaN are unlabeled and join phases 1 and 2 only, as
    do the rows of ``X_unlabeled`` and of :meth:`partial_fit_unlabeled`. The
    emotion part is the prediction (in the units of ``y``); :meth:`transform`
    returns the whole code. Inputs and targets are standardised internally with
    the statistics of the training rows.

    Parameters
    ----------
    hidden_layer_sizes : int, tuple of int or "auto", default="auto"
        Width of each hidden layer of the encoder (channels of each convolution
        for ``encoder="cnn"``, units per direction of each GRU for ``"gru"``);
        the decoder mirrors it. ``"auto"``: (256, 128) for feature vectors,
        (64, 64) for frame sequences.
    %(aae_params)s
    %(common_params)s

    Attributes
    ----------"""
        + _COMMON_ATTRS_DOC
        + """

    See Also
    --------
    SupervisedEmotionRegressor : The same encoder trained on labels alone.

    Notes
    -----
    ``X_unlabeled`` is fit metadata: in a :class:`~sklearn.pipeline.Pipeline` it
    reaches this estimator untouched by the steps before it. Where earlier steps
    transform ``X``, append the unlabeled rows to ``X`` with NaN targets instead.

    References
    ----------
    .. [1] A. Makhzani, J. Shlens, N. Jaitly, I. Goodfellow and B. Frey,
       "Adversarial Autoencoders", arXiv:1511.05644, 2015.
    .. [2] F. Eyben et al., "The Geneva Minimalistic Acoustic Parameter Set
       (GeMAPS) for Voice Research and Affective Computing", IEEE Transactions on
       Affective Computing 7(2), 2016.
    .. [3] L. Mescheder, A. Geiger and S. Nowozin, "Which Training Methods for
       GANs do actually Converge?", ICML 2018.
    .. [4] C. K. Sønderby, J. Caballero, L. Theis, W. Shi and F. Huszár,
       "Amortised MAP Inference for Image Super-resolution", ICLR 2017.
    .. [5] B. T. Atmaja and M. Akagi, "Evaluation of error- and
       correlation-based loss functions for multitask learning dimensional
       speech emotion recognition", Journal of Physics: Conference Series
       1896, 2021.

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn import AAEEmotionRegressor
    >>> from aae_sklearn.datasets import make_emotion_regression
    >>> X, y = make_emotion_regression(n_samples=200, random_state=0)
    >>> y[100:] = np.nan  # half the rows unlabeled
    >>> model = AAEEmotionRegressor(style_dim=8, max_iter=20, random_state=0)
    >>> model.fit(X, y).predict(X[:2]).shape
    (2, 3)
    >>> model.transform(X[:2]).shape
    (2, 11)

    Frame sequences of varying length, e.g. from
    :class:`~aae_sklearn.features.FrameFeatures`, go through a convolutional
    encoder:

    >>> rng = np.random.default_rng(0)
    >>> frames = [rng.normal(size=(n, 40)) for n in rng.integers(50, 100, size=40)]
    >>> targets = rng.normal(size=(40, 3))
    >>> model = AAEEmotionRegressor(
    ...     hidden_layer_sizes=(16,), style_dim=8, max_iter=2, random_state=0
    ... )
    >>> model.fit(frames, targets).transform(frames[:2]).shape
    (2, 11)
    """
    )

    _net_class = AAENet
    _parameter_constraints = {
        **_BaseEmotionEstimator._parameter_constraints,
        **AAE_CONSTRAINTS,
        "emotion_prior": [StrOptions({"labels", "gaussian", "uniform"})],
    }

    def __init__(
        self,
        *,
        hidden_layer_sizes="auto",
        style_dim=8,
        emotion_prior="labels",
        style_prior="gaussian",
        adversarial_weight=0.3,
        discriminator_weight=0.2,
        instance_noise=0.3,
        style_adversarial_weight=None,
        reconstruction_weight="auto",
        discriminator_layer_sizes=(64, 64),
        adversarial_every=1,
        gradient_penalty=0.0,
        pretrain_iter=0,
        unlabeled_ratio=0.5,
        consistency_weight="auto",
        consistency_view="auto",
        frame_decoder="stats",
        encoder="auto",
        frame_pooling=4,
        activation="relu",
        dropout=0.3,
        alpha=1e-3,
        loss="ccc",
        input_scaling="auto",
        batch_size=64,
        learning_rate_init=1e-3,
        max_iter=100,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        tol=1e-4,
        max_grad_norm=None,
        checkpoint=None,
        checkpoint_every=10,
        scoring="ccc",
        device="cpu",
        n_threads="auto",
        random_state=None,
        verbose=0,
        warm_start=False,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.style_dim = style_dim
        self.emotion_prior = emotion_prior
        self.style_prior = style_prior
        self.adversarial_weight = adversarial_weight
        self.discriminator_weight = discriminator_weight
        self.instance_noise = instance_noise
        self.style_adversarial_weight = style_adversarial_weight
        self.reconstruction_weight = reconstruction_weight
        self.discriminator_layer_sizes = discriminator_layer_sizes
        self.adversarial_every = adversarial_every
        self.gradient_penalty = gradient_penalty
        self.pretrain_iter = pretrain_iter
        self.unlabeled_ratio = unlabeled_ratio
        self.consistency_weight = consistency_weight
        self.consistency_view = consistency_view
        self.frame_decoder = frame_decoder
        self.encoder = encoder
        self.frame_pooling = frame_pooling
        self.activation = activation
        self.dropout = dropout
        self.alpha = alpha
        self.loss = loss
        self.input_scaling = input_scaling
        self.batch_size = batch_size
        self.learning_rate_init = learning_rate_init
        self.max_iter = max_iter
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.tol = tol
        self.max_grad_norm = max_grad_norm
        self.checkpoint = checkpoint
        self.checkpoint_every = checkpoint_every
        self.scoring = scoring
        self.device = device
        self.n_threads = n_threads
        self.random_state = random_state
        self.verbose = verbose
        self.warm_start = warm_start

    # -- networks -----------------------------------------------------------

    def _make_emotion_prior(self, n_outputs, y_labeled):
        """The emotion prior on standardised targets (None: no labels seen yet)."""
        if y_labeled is None or self.emotion_prior == "gaussian":
            return GaussianPrior(n_outputs)
        if self.emotion_prior == "uniform":
            return UniformPrior(np.nanmin(y_labeled, 0), np.nanmax(y_labeled, 0))
        complete = y_labeled[~np.isnan(y_labeled).any(axis=1)]
        if len(complete) == 0:
            raise ValueError(
                "emotion_prior='labels' resamples fully labeled rows, but every "
                "labeled row misses a target; use emotion_prior='gaussian'."
            )
        return EmpiricalPrior(complete, jitter=0.1)

    # -- public API ---------------------------------------------------------

    @_fit_context(prefer_skip_nested_validation=True)
    @_x_doc
    def fit(self, X, y, X_unlabeled=None, *, sources=None):
        """Train on ``(X, y)`` and, without labels, on ``X_unlabeled``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or sequences
            Utterance-level feature vectors, e.g. eGeMAPS functionals; or frame
            sequences: a list of arrays of shape (n_frames_i, n_features), or
            an array of shape (n_samples, n_steps, n_features) padded at the
            end with NaN frames.
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, e.g. valence, activation and dominance. NaN marks a missing
            rating; rows whose targets are all NaN are unlabeled.
        X_unlabeled : array-like of shape (n_unlabeled, n_features), default=None
            Unlabeled inputs of the same kind as ``X`` (vectors or sequences):
            an extra pool for the reconstruction and regularisation phases.
            Routable as metadata (``set_fit_request(X_unlabeled=True)``).
        %(parameters_sources)s

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._set_target_names(y)
        return self._fit(X, y, X_unlabeled, sources=sources)

    def partial_fit_unlabeled(self, X, *, n_outputs=None):
        """Run the reconstruction and regularisation phases for one pass over ``X``.

        Builds the networks on the first call, so that a large unlabeled pool can
        be streamed in chunks before (or between) fits with ``warm_start=True``.
        Inputs are standardised with the statistics of the first chunk.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or sequences
            Unlabeled feature vectors or frame sequences (of the kind seen
            before, after the first call).
        n_outputs : int, default=None
            Size of the emotion part, needed on the first call only: the number of
            targets a later ``fit`` will see (3 when None, for valence,
            activation and dominance).

        Returns
        -------
        self : object
            The estimator, with updated weights.
        """
        self._validate_params()
        n_outputs = self._check_n_outputs(n_outputs, default=3)
        return self._fit(X, None, n_outputs=n_outputs)

    @_x_doc
    def transform(self, X):
        """Encode ``X`` into the latent code.

        %(parameters_X)s

        Returns
        -------
        code : ndarray of shape (n_samples, n_outputs_ + style_dim)
            The emotion part (standardised targets) followed by the style part.
        """
        return self._encode(X)

    def get_feature_names_out(self, input_features=None):
        """Names of the latent code's columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str
            ``emotion_<target>`` for the emotion part, then ``style_<i>``.
        """
        targets = getattr(self, "target_names_", None)
        if targets is None:
            targets = range(getattr(self, "n_outputs_", 0))
        return self._names_out(f"emotion_{t}" for t in targets)
