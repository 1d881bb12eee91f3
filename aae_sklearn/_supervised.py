"""The fully supervised baseline: the autoencoder's encoder, trained on labels."""

# License: BSD-3-Clause

from sklearn.base import RegressorMixin, _fit_context

from ._base import _BaseEmotionEstimator
from ._training import SupervisedNet
from .utils._docstrings import _COMMON_ATTRS_DOC, _doc, _x_doc


class SupervisedEmotionRegressor(RegressorMixin, _BaseEmotionEstimator):
    __doc__ = _doc(
        """Fully supervised neural regressor of emotion dimensions.

    The baseline of :class:`AAEEmotionRegressor`: the same encoder, without the
    style part, the decoder and the discriminators, trained by the same engine with
    the same early stopping on the labeled rows only. Rows whose targets are all
    NaN are ignored. Inputs and targets are standardised internally with the
    statistics of the training rows.

    Parameters
    ----------
    hidden_layer_sizes : int, tuple of int or "auto", default="auto"
        Width of each hidden layer of the encoder (channels of each convolution
        for ``encoder="cnn"``, units per direction of each GRU for ``"gru"``).
        ``"auto"``: (256, 128) for feature vectors, (64, 64) for frame
        sequences.
    %(common_params)s

    Attributes
    ----------"""
        + _COMMON_ATTRS_DOC
        + """

    See Also
    --------
    AAEEmotionRegressor : The semi-supervised adversarial autoencoder.
    sklearn.neural_network.MLPRegressor : A NumPy multi-layer perceptron.

    Examples
    --------
    >>> from aae_sklearn import SupervisedEmotionRegressor
    >>> from aae_sklearn.datasets import make_emotion_regression
    >>> X, y = make_emotion_regression(n_samples=200, random_state=0)
    >>> model = SupervisedEmotionRegressor(max_iter=20, random_state=0).fit(X, y)
    >>> model.predict(X[:2]).shape
    (2, 3)
    """
    )

    _net_class = SupervisedNet

    def __init__(
        self,
        *,
        hidden_layer_sizes="auto",
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

    def _build_net(self, n_features, n_outputs, y_labeled, hidden):
        encoder = self._make_encoder(n_features, hidden, n_outputs)
        return SupervisedNet(encoder, n_targets=n_outputs, **self._net_params())

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
        y : array-like of shape (n_samples,) or (n_samples, n_outputs)
            Targets, e.g. valence, activation and dominance. NaN marks a missing
            rating; rows whose targets are all NaN are ignored.
        %(parameters_sources)s

        Returns
        -------
        self : object
            The fitted estimator.
        """
        self._set_target_names(y)
        return self._fit(X, y, labeled_only=True, sources=sources)
