"""The semi-supervised adversarial autoencoder for emotion classes."""

# License: BSD-3-Clause

from numbers import Real

import numpy as np
from scipy.special import softmax
from sklearn.base import ClassifierMixin, TransformerMixin, _fit_context
from sklearn.utils._param_validation import Interval, StrOptions

from ._adversarial import AAE_CONSTRAINTS, _AdversarialParts
from ._base import _BaseEmotionEstimator
from ._classes import (
    CLASSIFIER_ATTRS_DOC,
    CLASSIFIER_CONSTRAINTS,
    CLASSIFIER_PARAMS_DOC,
    UNLABELED,
    _ClassifierPlumbing,
)
from ._training import AAEClassifierNet
from .nn._autoencoder import CategoricalPrior
from .utils._docstrings import _AAE_PARAMS_DOC, _CONSISTENCY_THRESHOLD_DOC, _x_doc

_PRIOR_DOC = _AAE_PARAMS_DOC[
    _AAE_PARAMS_DOC.index("    emotion_prior : ") : _AAE_PARAMS_DOC.index(
        "    style_prior : "
    )
]
_PARAMS_DOC = _AAE_PARAMS_DOC.replace(
    _PRIOR_DOC,
    """    emotion_prior : {"labels", "uniform"}, default="labels"
        Prior of the class part: one-hot vectors of classes drawn in the
        proportions of the labeled training rows (each count plus one), or
        all classes alike.
""",
).replace("emotion part", "class part")
# The classifier's own parameter, after consistency_view as in its signature.
_PARAMS_DOC = _PARAMS_DOC.replace(
    "    frame_decoder : ",
    _CONSISTENCY_THRESHOLD_DOC.lstrip("\n") + "    frame_decoder : ",
)


class AAEEmotionClassifier(
    ClassifierMixin,
    TransformerMixin,
    _ClassifierPlumbing,
    _AdversarialParts,
    _BaseEmotionEstimator,
):
    """Semi-supervised adversarial autoencoder for emotion classes.

    The categorical design of Makhzani et al. [1]_ (section 5): the encoder
    maps a feature vector, or a sequence of frame features, to a code made of
    a *class part*, one logit per emotion class, and a *style part* for
    everything else (speaker, words, channel). The decoder reconstructs the
    input from the softmax of the class part and the style part; one
    discriminator pushes the softmax towards one-hot samples of the classes
    (a categorical prior), another the style part towards a Gaussian. Every
    mini-batch runs three phases, each with its own Adam optimizer:

    1. reconstruction of every row, labeled or not;
    2. regularisation: the discriminators learn to tell prior samples from
       codes, then the encoder learns to fool them;
    3. supervision: the cross-entropy of the class logits of a mini-batch
       drawn from the labeled rows alone.

    Rows labeled -1 are unlabeled, as in scikit-learn's semi-supervised
    estimators, and join phases 1 and 2 only, as do the rows of
    ``X_unlabeled`` and of :meth:`partial_fit_unlabeled`. Inputs are scaled
    internally with the statistics of the training rows.

    Parameters
    ----------
    hidden_layer_sizes : int, tuple of int or "auto", default="auto"
        Width of the encoder's hidden layers (channels of each convolution
        for ``encoder="cnn"``, units per direction of each GRU for ``"gru"``);
        the decoder mirrors it. ``"auto"``: (256, 128) for feature vectors,
        (64, 64) for frame sequences.
    %(params)s
    %(common)s

    Attributes
    ----------%(attrs)s

    See Also
    --------
    SupervisedEmotionClassifier : The same encoder trained on the labels alone.
    AAEEmotionRegressor : The autoencoder for emotion dimensions.

    References
    ----------
    .. [1] A. Makhzani, J. Shlens, N. Jaitly, I. Goodfellow and B. Frey,
       "Adversarial Autoencoders", arXiv:1511.05644, 2015.
    .. [3] L. Mescheder, A. Geiger and S. Nowozin, "Which Training Methods for
       GANs do actually Converge?", ICML 2018.
    .. [4] C. K. Sønderby, J. Caballero, L. Theis, W. Shi and F. Huszár,
       "Amortised MAP Inference for Image Super-resolution", ICLR 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn import AAEEmotionClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 20))
    >>> y = np.array(["angry", "calm", "sad"], dtype=object)[
    ...     (X[:, 0] > 0).astype(int) + (X[:, 1] > 1)
    ... ]
    >>> y[100:] = -1  # two thirds of the rows unlabeled
    >>> model = AAEEmotionClassifier(max_iter=20, random_state=0).fit(X, y)
    >>> model.predict(X[:3]).shape, model.predict_proba(X[:3]).shape
    ((3,), (3, 3))
    >>> model.transform(X[:3]).shape  # class probabilities and style part
    (3, 11)
    """

    _net_class = AAEClassifierNet
    _parameter_constraints = {
        **CLASSIFIER_CONSTRAINTS,
        **AAE_CONSTRAINTS,
        "emotion_prior": [StrOptions({"labels", "uniform"})],
        "consistency_threshold": [Interval(Real, 0, 1, closed="left")],
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
        consistency_threshold=0.95,
        frame_decoder="stats",
        encoder="auto",
        frame_pooling=4,
        activation="relu",
        dropout=0.3,
        alpha=1e-3,
        class_weight="balanced",
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
        scoring="balanced_accuracy",
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
        self.consistency_threshold = consistency_threshold
        self.frame_decoder = frame_decoder
        self.encoder = encoder
        self.frame_pooling = frame_pooling
        self.activation = activation
        self.dropout = dropout
        self.alpha = alpha
        self.class_weight = class_weight
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

    def _phase_params(self):
        return {
            **super()._phase_params(),
            "consistency_threshold": self.consistency_threshold,
        }

    def _make_emotion_prior(self, n_outputs, y_labeled):
        """One-hot draws of the classes, in the proportions of ``y_labeled``
        (class indices, NaN where unlabeled; None: none seen yet)."""
        counts = np.ones(n_outputs)
        if y_labeled is not None and self.emotion_prior == "labels":
            known = y_labeled[~np.isnan(y_labeled[:, 0]), 0].astype(np.intp)
            counts += np.bincount(known, minlength=n_outputs)
        return CategoricalPrior(counts / counts.sum())

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
        y : array-like of shape (n_samples,)
            Emotion classes (strings or integers); -1 marks an unlabeled row.
        X_unlabeled : array-like or sequences, default=None
            Unlabeled inputs of the same kind as ``X``: an extra pool for the
            reconstruction and regularisation phases. Routable as metadata
            (``set_fit_request(X_unlabeled=True)``).
        %(parameters_sources)s

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, X_unlabeled, sources=sources)

    def partial_fit_unlabeled(self, X, *, classes=None):
        """Run the reconstruction and regularisation phases for one pass over ``X``.

        For unlabeled pools too large for memory at once: they can be streamed
        in chunks before (or between) fits with ``warm_start=True``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or sequences
            Unlabeled feature vectors or frame sequences (of the kind seen
            before, after the first call).
        classes : array-like of shape (n_classes,), default=None
            The classes a later ``fit`` will see; needed on the first call
            only, which sizes the class part.

        Returns
        -------
        self : object
            The estimator, with updated weights.
        """
        self._validate_params()
        if classes is not None:
            classes = np.unique(np.asarray(classes))
            if UNLABELED in classes.tolist() or len(classes) < 2:
                raise ValueError(
                    f"classes must hold at least 2 labels other than {UNLABELED}, "
                    f"got {classes.tolist()}."
                )
            fitted = getattr(self, "classes_", None)
            if hasattr(self, "net_") and not np.array_equal(fitted, classes):
                raise ValueError(
                    f"The model was built for the classes {fitted.tolist()}; got "
                    f"{classes.tolist()}."
                )
            self.classes_ = classes
        elif not hasattr(self, "net_"):
            raise ValueError(
                "classes must be given on the first call of partial_fit_unlabeled: "
                "they size the class part of the code."
            )
        return self._fit(X, None, n_outputs=1)

    @_x_doc
    def transform(self, X):
        """Encode ``X`` into the class probabilities and the style part.

        %(parameters_X)s

        Returns
        -------
        code : ndarray of shape (n_samples, n_classes + style_dim)
            The softmax of the class part (what the decoder sees), then the
            style part.
        """
        code = self._encode(X)
        code[:, : self.n_outputs_] = softmax(code[:, : self.n_outputs_], axis=1)
        return code

    def get_feature_names_out(self, input_features=None):
        """Names of the code's columns.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            Ignored; present for API consistency.

        Returns
        -------
        feature_names_out : ndarray of str
            ``class_<label>`` for the class part, then ``style_<i>``.
        """
        return self._names_out(f"class_{c}" for c in getattr(self, "classes_", []))


AAEEmotionClassifier.__doc__ = (
    AAEEmotionClassifier.__doc__.replace("%(params)s", _PARAMS_DOC.strip("\n")[4:])
    .replace("%(common)s", CLASSIFIER_PARAMS_DOC.strip("\n")[4:])
    .replace("%(attrs)s", CLASSIFIER_ATTRS_DOC)
)
