"""The fully supervised baseline of the emotion classifier."""

# License: BSD-3-Clause

from sklearn.base import ClassifierMixin, _fit_context

from ._base import _BaseEmotionEstimator
from ._classes import (
    CLASSIFIER_ATTRS_DOC,
    CLASSIFIER_CONSTRAINTS,
    CLASSIFIER_PARAMS_DOC,
    _ClassifierPlumbing,
)
from ._training import SupervisedClassifierNet
from .utils._docstrings import _x_doc


class SupervisedEmotionClassifier(
    ClassifierMixin, _ClassifierPlumbing, _BaseEmotionEstimator
):
    """Fully supervised neural classifier of emotion classes.

    The baseline of :class:`AAEEmotionClassifier`: the same encoder, without
    the style part, the decoder and the discriminators, trained by the same
    engine, budget and early stopping on the cross-entropy of the labeled rows
    only. Rows labeled -1 are ignored. Inputs are scaled internally with the
    statistics of the training rows.

    Parameters
    ----------
    hidden_layer_sizes : int, tuple of int or "auto", default="auto"
        Width of the encoder's hidden layers (channels of each convolution
        for ``encoder="cnn"``, units per direction of each GRU for ``"gru"``).
        ``"auto"``: (256, 128) for feature vectors, (64, 64) for frame
        sequences.
    %(common)s

    Attributes
    ----------%(attrs)s

    See Also
    --------
    AAEEmotionClassifier : The semi-supervised autoencoder it is the baseline of.
    sklearn.neural_network.MLPClassifier : scikit-learn's network.

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn import SupervisedEmotionClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 20))
    >>> y = np.where(X[:, 0] > 0, "happy", "sad")
    >>> model = SupervisedEmotionClassifier(max_iter=20, random_state=0)
    >>> model.fit(X, y).predict(X[:2])
    array(['happy', 'sad'], dtype='<U5')
    """

    _net_class = SupervisedClassifierNet
    _parameter_constraints = dict(CLASSIFIER_CONSTRAINTS)

    def __init__(
        self,
        *,
        hidden_layer_sizes="auto",
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

    def _build_net(self, n_features, n_outputs, y_labeled, hidden):
        encoder = self._make_encoder(n_features, hidden, n_outputs)
        return SupervisedClassifierNet(
            encoder, n_targets=n_outputs, **self._net_params()
        )

    @_fit_context(prefer_skip_nested_validation=True)
    @_x_doc
    def fit(self, X, y, *, sources=None):
        """Train on the labeled rows of ``(X, y)``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or sequences
            Utterance-level feature vectors, e.g. eGeMAPS functionals; or frame
            sequences: a list of arrays of shape (n_frames_i, n_features), or
            an array of shape (n_samples, n_steps, n_features) padded at the
            end with NaN frames.
        y : array-like of shape (n_samples,)
            Emotion classes (strings or integers); rows labeled -1 are ignored.
        %(parameters_sources)s

        Returns
        -------
        self : object
            The fitted estimator.
        """
        return self._fit(X, y, labeled_only=True, sources=sources)


SupervisedEmotionClassifier.__doc__ = SupervisedEmotionClassifier.__doc__.replace(
    "%(common)s", CLASSIFIER_PARAMS_DOC.strip("\n")[4:]
).replace("%(attrs)s", CLASSIFIER_ATTRS_DOC)
