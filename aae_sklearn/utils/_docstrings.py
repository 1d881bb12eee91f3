"""Docstring sections shared by the estimators and by the audio transformers."""

# License: BSD-3-Clause

_COMMON_PARAMS_DOC = """
    encoder : {"auto", "mlp", "cnn", "gru"}, default="auto"
        Network that encodes ``X``. ``"mlp"``: fully connected layers, for 2-D
        feature vectors. For frame sequences, ``"cnn"``: dilated 1-D
        convolutions over time, or ``"gru"``: bidirectional GRUs (slower on
        CPU), each followed by the mean and standard deviation over the real
        frames. ``"auto"`` takes ``"mlp"`` for vectors and ``"cnn"`` for
        sequences.
    frame_pooling : int, default=4
        Frame sequences only: the encoder first averages each run of
        ``frame_pooling`` consecutive frames (the last, shorter run of an
        utterance over its own frames), so that its layers see one step per
        ``frame_pooling`` frames (80 ms of 20 ms frames) and an epoch costs
        about ``frame_pooling`` times less. 1 keeps every frame.
    activation : {"relu", "tanh", "leaky_relu"}, default="relu"
        Non-linearity of the hidden layers.
    dropout : float, default=0.3
        Dropout probability after each hidden layer of the encoder.
    alpha : float, default=1e-3
        L2 penalty (Adam's weight decay).
    loss : {"ccc", "mse"}, default="ccc"
        Loss of the supervised phase: ``"ccc"``, one minus the concordance
        correlation coefficient of each target over the mini-batch, averaged
        over the targets (the metric the field scores, and a loss that beats
        the squared error on it, Atmaja and Akagi, 2021); ``"mse"``, the mean
        squared error of the
        standardised targets. Missing ratings (NaN) are left out of either.
    input_scaling : {"auto", "quantile", "standard"}, default="auto"
        How inputs are scaled before the encoder, learned from the training
        rows (labeled and unlabeled). ``"quantile"``: each feature is mapped
        through its empirical quantiles to a standard normal
        (:class:`~sklearn.preprocessing.QuantileTransformer`), which tames
        heavy-tailed features such as eGeMAPS's ``*_stddevNorm``; values
        beyond the training range map to the outermost quantiles.
        ``"standard"``: each feature standardised (for sequences, over all
        real frames). ``"auto"``: quantile for feature vectors, standard for
        frame sequences. Either way, ``predict`` warns about inputs more than
        50 training standard deviations out.
    batch_size : int, default=64
        Rows per mini-batch.
    learning_rate_init : float, default=1e-3
        Learning rate of every Adam optimizer.
    max_iter : int, default=100
        Maximum number of epochs: the training budget. With early stopping, a
        ``ConvergenceWarning`` says when it ran out before the validation score
        stopped improving; without, reaching it is the plan, not a fault.
    early_stopping : bool, default=False
        Set aside ``validation_fraction`` of the labeled rows, score them after
        every epoch, stop when the score has not improved by ``tol`` for
        ``n_iter_no_change`` epochs, and restore the best epoch's weights. When
        False (as in :class:`~sklearn.neural_network.MLPRegressor`), every
        label trains, and training stops when the mean supervised training loss
        has not improved by ``tol`` for ``n_iter_no_change`` epochs. With a few
        hundred labels, a validation split of a tenth of them is too small to
        pick an epoch reliably: on RAVDESS it cost the autoencoder 3 points of
        valence accuracy (see the ablation study in the documentation).
    validation_fraction : float, default=0.1
        Share of the labeled rows set aside for early stopping (at least 2 rows).
    n_iter_no_change : int, default=10
        Patience of early stopping, in epochs.
    tol : float, default=1e-4
        Smallest change of the monitored value that counts as an improvement.
    max_grad_norm : float, default=None
        Clip the norm of every optimizer step's gradient to this value. With
        it, ``history_`` records the largest norm of each epoch (``grad_norm``)
        and the number of clipped steps (``clipped_steps``), and a non-finite
        gradient stops training as a non-finite loss does. None (no clipping)
        spares the cost of a norm per step.
    checkpoint : str or path-like, default=None
        File to which ``fit`` writes, every ``checkpoint_every`` epochs and
        atomically, everything needed to resume: weights, optimizer moments,
        history, early-stopping state and random generators. If the file exists
        when a (cold) ``fit`` starts, training resumes from it, and ends as an
        uninterrupted fit with the same ``random_state`` would; a file written
        for other data or parameters (other than ``max_iter``, ``verbose``,
        ``device``, ``n_threads`` and the checkpoint settings) is an error.
        Delete it to start afresh. Read with ``torch.load(weights_only=True)``,
        which loads no code.
    checkpoint_every : int, default=10
        Epochs between two checkpoints.
    scoring : {"ccc", "r2", "neg_mean_squared_error"} or callable, default="ccc"
        Validation score, averaged over the target columns. A callable is a metric
        ``metric(y_true, y_pred) -> float`` on one column, greater is better.
    device : str, default="cpu"
        torch device to train on: "cpu", "cuda", "cuda:1", ... or "auto" (CUDA
        where available).
    n_threads : int, "auto" or None, default="auto"
        torch's intra-op CPU threads during ``fit``, ``predict`` and
        ``transform``; the caller's setting is restored afterwards. "auto" is
        one thread: these networks are too small to gain from a second one,
        and two threads that wait on each other slow a fit down several times
        whenever another process uses a core. A given setting gives the same
        results on a busy or an idle machine. None leaves torch's setting
        (``torch.get_num_threads()``) as it is.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, shuffling, dropout, prior sampling and the
        validation split. torch's global generators are left as they were.
    verbose : int, default=0
        0 is silent; 1 prints a table of the losses after each epoch and shows a
        progress bar with the live losses of the running epoch.
    warm_start : bool, default=False
        Continue from the previous training instead of starting afresh: the
        networks, optimizers and input scaling are kept,
        while ``learning_rate_init``, ``alpha``, ``max_iter``, the early stopping
        settings (and for the autoencoder the phase weights,
        ``adversarial_every``, ``gradient_penalty`` and the emotion prior) take
        their current values; ``pretrain_iter`` counts the epochs of all fits."""

_COMMON_ATTRS_DOC = """
    n_features_in_ : int
        Number of features seen during fit.
    feature_names_in_ : ndarray of shape (n_features,)
        Names of the features seen during fit, when ``X`` has string column names.
    n_outputs_ : int
        Number of target columns.
    target_names_ : ndarray of str
        Column names of ``y``, when it was a pandas DataFrame or named Series.
    net_ : skorch.NeuralNet
        The training engine, holding the torch modules and optimizers.
    history_ : pandas.DataFrame
        One row per epoch (index ``epoch``): the mean loss of each phase, the
        validation loss and score, and the epoch's duration in seconds (``time``).
    n_iter_ : int
        Number of epochs run, over all warm-started fits.
    best_score_ : float or None
        Best validation score, the one of the restored weights (None without
        early stopping)."""


_AAE_PARAMS_DOC = """
    style_dim : int, default=8
        Number of style nodes; 0 leaves only the emotion part (and no style
        discriminator). A small style part keeps its prior matchable from a
        corpus of a few thousand codes; with 100 nodes the style discriminator
        wins outright.
    emotion_prior : {"labels", "gaussian", "uniform"}, default="labels"
        Prior of the emotion part: the training targets resampled with Gaussian
        jitter (the continuous counterpart of the categorical prior of the
        semi-supervised AAE), a standard normal, or a uniform over the range of
        the training targets (all on standardised targets).
    style_prior : {"gaussian", "uniform"}, default="gaussian"
        Prior of the style part: standard normal, or uniform with unit variance.
    adversarial_weight : float, default=0.3
        Strength of the regularisation phase: the encoder's generator step uses
        ``adversarial_weight * learning_rate_init`` as learning rate (Adam is
        blind to a constant factor on a loss, so the weight acts on the step
        size). 0 skips the regularisation phase.
    discriminator_weight : float, default=0.2
        The discriminators' step uses ``discriminator_weight *
        learning_rate_init`` as learning rate: slower discriminators than
        generator keep the game open, so that the generator's gradient still
        carries information.
    instance_noise : float, default=0.3
        Standard deviation of Gaussian noise added to everything the
        discriminators see, prior samples and codes alike [4]_, annealed
        linearly from this value in the first epoch to half of it at
        ``max_iter``.
        Blurred, overlapping distributions keep a discriminator from winning
        outright. 0 adds none.
    style_adversarial_weight : float, default=None
        Strength of the regularisation of the style part, where it should
        differ from that of the emotion part (``adversarial_weight``): the
        generator loss weighs the two parts in this ratio, and its learning
        rate is set by the larger weight. None: ``adversarial_weight``; 0 leaves
        the style part unregularised.
    reconstruction_weight : float or "auto", default="auto"
        Strength of the reconstruction phase: its step uses
        ``reconstruction_weight * learning_rate_init`` as learning rate. 0 skips
        the phase (and leaves the decoder untrained). ``"auto"``: 0.6 for feature
        vectors and for frame sequences with ``frame_decoder="stats"`` (the
        default); 0.01 with ``frame_decoder="frames"``, where the reconstruction
        of every frame through the shared encoder otherwise holds back the
        supervised phase (the choice of the ablation study in the
        documentation).
    discriminator_layer_sizes : int or tuple of int, default=(64, 64)
        Width of the hidden layers of both discriminators.
    adversarial_every : int, default=1
        Run the regularisation phase on every ``adversarial_every``-th
        mini-batch only, which weakens the discriminators and saves their cost.
    gradient_penalty : float, default=0.0
        Weight of the R1 penalty [3]_, ``gradient_penalty / 2`` times the squared
        norm of each discriminator's gradient at the prior samples, added to the
        discriminator loss; it keeps the discriminators from winning outright.
    pretrain_iter : int, default=0
        Unsupervised pre-training: the first ``pretrain_iter`` epochs run the
        reconstruction and regularisation phases only. They count towards
        ``max_iter``; early stopping judges the epochs after them.
    unlabeled_ratio : float or None, default=0.5
        How labeled and unlabeled rows share the reconstruction and
        regularisation phases: an epoch passes over every labeled row and at
        most ``unlabeled_ratio`` unlabeled rows per labeled row, mixed in the
        same mini-batches. A larger unlabeled set (``X_unlabeled``, rows with
        NaN targets) is sampled anew every epoch, so that a pool of any size
        costs the same per epoch, cannot drown the labeled rows, and is seen
        whole over the epochs. None: every row, every epoch. The default 0.5
        was chosen on half of the speakers of RAVDESS, EmoDB and nEMO, with
        the other two corpora as the pool (see the user guide's page on
        unlabeled pools).
    consistency_weight : float or "auto", default="auto"
        Strength of a consistency phase after the supervised one: the encoder
        passes the rows of the phase-1 mini-batch, labeled or not, through two
        views that ``consistency_view`` chooses, and learns to give both the
        same emotion part, with ``consistency_weight * learning_rate_init`` as
        learning rate. Its loss is recorded as ``consistency_loss`` in
        ``history_``. 0 skips the phase. ``"auto"``: 1.0 where ``fit`` is given
        augmented views (``sources``), 0 otherwise, as chosen on the tuning
        speakers of the views study (see the user guide's page on
        semi-supervised learning).
    consistency_view : {"dropout", "masking", "auto"}, default="auto"
        The two views of the consistency phase. ``"dropout"``: two passes of
        the rows under different dropout masks, pulled together by the squared
        error (the Pi-model of Laine and Aila, 2017). ``"masking"``: a teacher
        and a student, on the unlabeled rows of the mini-batch alone, as in
        UDA and FixMatch (the labeled rows have the supervised phase; with
        every row labeled the phase does nothing). The teacher is the pass of
        the rows as they are, computed without gradient (a stop-gradient
        target, with dropout as in every training pass); the student is the
        pass of a strongly perturbed copy of them: for frame sequences,
        SpecAugment-style masks (Park et al., 2019), two bands of up to 10 % of
        each sequence's real frames
        and two bands of up to 15 % of the features, set to 0, the mean of the
        standardised inputs; for feature vectors, 15 % of each row's features
        set to 0 and Gaussian noise of standard deviation 0.1 on the others.
        The student learns the teacher's emotion part: in
        :class:`AAEEmotionRegressor`, by the supervised ``loss`` with the
        teacher's codes as targets (one minus the CCC, which codes collapsed
        onto one value cannot lower, as they lower a squared error); in
        :class:`AAEEmotionClassifier`, by
        FixMatch (Sohn et al., 2020), the cross-entropy of the student against
        the teacher's most probable class on the rows where the teacher gives
        it at least ``consistency_threshold``, whose share is recorded as
        ``consistency_share`` in ``history_``. Given augmented views
        (``sources`` in ``fit``), the teacher of a row is the mean emotion part
        of its recording's views, the student the row itself (``"dropout"``)
        or its perturbed copy (``"masking"``). ``"auto"``: ``"masking"`` with
        views, ``"dropout"`` without.
    frame_decoder : {"frames", "stats"}, default="stats"
        What the decoder reconstructs from the code of a frame sequence (vectors
        are always reconstructed whole): ``"stats"``, the mean and standard
        deviation of each frame feature over the utterance, by an MLP: an
        utterance-level task for the utterance-level code, and a cheap one;
        ``"frames"``, every frame, by 1-D convolutions (an AAE epoch about 1.5
        times as long, and no lead over the supervised network in the frame
        study of the user guide). With ``reconstruction_weight="auto"``,
        ``"stats"`` takes the weight of vectors (0.6), ``"frames"`` 0.01.
"""

_CONSISTENCY_THRESHOLD_DOC = """
    consistency_threshold : float, default=0.95
        With ``consistency_view="masking"``: the teacher's probability of its
        most probable class from which a row gets that class as pseudo-label.
        The cross-entropy of the student on these rows is summed and divided by
        all the rows of the mini-batch, so that the phase grows with the share
        of confident rows; a mini-batch with none takes no step. In [0, 1).
"""


# The parameters the audio transformers share, one section each, so that a
# transformer can say after ``on_error`` which items give it no features.
_AUDIO_PARAMS_DOC = {
    "sampling_rate": """
    sampling_rate : int, default=16000
        Rate, in Hz, that every signal is resampled to before extraction.""",
    "on_error": """
    on_error : {"raise", "skip"}, default="raise"
        What to do with an item that cannot be read or gives no features: raise
        an :class:`AudioError` naming it, or leave it out of the output
        (:meth:`transform` then warns, and :meth:`extract` says which items
        were kept).""",
    "n_jobs": """
    n_jobs : int, default=None
        Number of joblib workers extracting in parallel, each over contiguous
        blocks of items. None means 1 unless in a :func:`joblib.parallel_config`
        context; -1 means all processors. Threads are preferred, since the
        extraction releases the GIL; ``parallel_config(backend="loky")`` asks
        for processes.""",
}

_SECTIONS = {
    "common_params": _COMMON_PARAMS_DOC,
    "aae_params": _AAE_PARAMS_DOC,
    **_AUDIO_PARAMS_DOC,
}


def _doc(template):
    """Fill the shared sections into a docstring: each ``%(name)s`` of
    ``_SECTIONS``, such as ``%(common_params)s`` or ``%(n_jobs)s``."""
    for name, section in _SECTIONS.items():
        template = template.replace(f"%({name})s", section.strip("\n")[4:])
    return template


_X_PARAMETER = """Parameters
        ----------
        X : array-like of shape (n_samples, n_features), or sequences
            Inputs of the kind seen in ``fit``: feature vectors, or a list of
            frame sequences (or a NaN-padded 3-D array)."""


_SOURCES_PARAMETER = """sources : array-like of shape (n_samples,), default=None
            The recording each row of ``X`` was made from, where ``X`` holds
            augmented views (:class:`~aae_sklearn.features.AudioViews`): rows
            that share a value are views of one recording, and share its
            targets (all NaN where it is unlabeled). The validation split of
            ``early_stopping`` keeps a recording's views together. None: each
            row is a recording of its own. Routable as metadata
            (``set_fit_request(sources=True)``)."""


def _x_doc(method):
    """Fill ``%(parameters_X)s`` in the docstring of a method whose one
    parameter is ``X``, the inputs of the kind seen in ``fit``, and
    ``%(parameters_sources)s``, the ``sources`` of ``fit``."""
    doc = method.__doc__.replace("%(parameters_X)s", _X_PARAMETER)
    method.__doc__ = doc.replace("%(parameters_sources)s", _SOURCES_PARAMETER)
    return method


SAVE_DOC = """Save the fitted estimator to a safetensors file, loadable without pickle.

        The file holds the weights of every network, the input and target scaling
        and the history as tensors, and the parameters, fitted attributes and
        library versions as JSON in its metadata. It is written to a temporary
        file beside ``path`` and then renamed, so an interrupted save leaves no
        half-written model. Not saved: the optimizers' moment estimates and the
        ``checkpoint`` parameter.

        Parameters
        ----------
        path : str or path-like
            File to write, e.g. ``"model.safetensors"``; an existing file is
            replaced.

        Raises
        ------
        sklearn.exceptions.NotFittedError
            If the estimator is not fitted.
        ValueError
            If a parameter is a callable (a custom ``scoring``), which a file
            without code cannot hold, or if the networks no longer match the
            parameters (architecture parameters changed after fit).

        See Also
        --------
        aae_sklearn.load : Load the estimator back.
        """
