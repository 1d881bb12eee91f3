"""Training speed of the emotion regressors against bare loops and baselines.

Fits, on the same data and for the same number of epochs, six contenders:

* ``SupervisedEmotionRegressor`` and ``AAEEmotionRegressor`` with their defaults
  (every row labeled), with early stopping and stopping on a plateau off so that
  both run exactly ``--epochs`` epochs;
* two bare torch loops, written by hand from the same modules of
  :mod:`aae_sklearn.nn._autoencoder`, that do the torch work of one epoch of each
  estimator (see :func:`bare_aae_fit` and :func:`bare_supervised_fit`): the same
  networks, dropout, losses, phases, step sizes, instance noise and priors;
* skorch's ``NeuralNetRegressor`` with the supervised estimator's encoder,
  dropout, CCC loss and optimizer;
* scikit-learn's ``MLPRegressor`` with the same hidden layers, batch size,
  learning rate and number of epochs, and ``alpha`` as its L2 penalty (it has
  neither dropout nor a CCC loss: it is scikit-learn's comparable network, not
  the same one).

The data are synthetic (:func:`~aae_sklearn.datasets.make_emotion_regression`,
RAVDESS's 1440 rows of 88 eGeMAPS functionals by default), the bundled RAVDESS
features (``--ravdess``) or an ``.npz`` file (``--features``), standardised and
cast to float32 once for all contenders, outside the timings.

Every repeat runs every contender once, in an order rotated from one repeat to
the next, so that load from other processes hits them alike. Each timing covers
what that contender's ``fit`` covers, from numpy arrays to trained networks:

* the estimators: validation, input scaling (fitting the ``QuantileTransformer``
  they put in front of feature vectors and mapping the rows through it),
  standardising the targets, building the networks, and the epochs;
* the bare loops: conversion to tensors, standardising inputs and targets,
  building the networks, and the epochs; no quantile map, which is numpy work,
  not torch work;
* skorch and ``MLPRegressor``: their ``fit`` on the standardised arrays.

The quantile map is a one-off cost of the estimators' ``fit``, independent of
the number of epochs (about 25 ms for 1440 x 88: 5 ms to fit, 20 ms to map). With
the rest of the estimators' one-off work (validation, building the networks and
callbacks, the history table) it weighs most on short runs of the supervised
estimator, whose epochs are the shortest; its share falls as ``--epochs`` grows.
The per-epoch time is the fit time divided by the number of epochs.

The ratios compare contenders of the same repeat and report the median over
repeats:

* AAE epoch / supervised epoch: what the three phases cost over plain
  regression (target <= 3);
* estimator / bare loop, for each estimator: the overhead of the estimator and
  its skorch engine over the torch work they must do (target <= 1.3 for the
  supervised estimator, <= 1.15 for the AAE, whose longer epochs leave less
  room for overhead);
* supervised estimator / ``MLPRegressor``: whether the torch baseline trains at
  least as fast as scikit-learn's own network (target <= 1.0).

Two more ratios carry no target: bare AAE / bare supervised, what the first ratio
would be without any engine, and skorch
``NeuralNetRegressor`` / bare supervised loop.

Examples
--------
::

    python benchmarks/bench_training.py --repeats 5 --out bench.json
    python benchmarks/bench_training.py --ravdess
"""

# License: BSD-3-Clause

import argparse
import json
import os
import platform
import statistics
import time
import warnings

import numpy as np
import sklearn
import skorch
import torch
import torch.nn.functional as F
from sklearn.exceptions import ConvergenceWarning
from sklearn.neural_network import MLPRegressor
from sklearn.preprocessing import StandardScaler
from skorch import NeuralNetRegressor

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.datasets import load_ravdess_features, make_emotion_regression
from aae_sklearn.nn._autoencoder import (
    Discriminator,
    EmpiricalPrior,
    GaussianPrior,
    MLPDecoder,
    MLPEncoder,
)

# The estimators' defaults, shared by every contender where it has the setting;
# _check_defaults fails when the estimators move away from them.
HIDDEN = (256, 128)
STYLE_DIM = 8
DISCRIMINATOR = (64, 64)
DROPOUT = 0.3
ALPHA = 1e-3
LR = 1e-3
BATCH_SIZE = 64
# The AAE's phase weights: factors of LR for each phase's Adam.
RECONSTRUCTION_WEIGHT = 0.6  # reconstruction_weight="auto" on feature vectors
ADVERSARIAL_WEIGHT = 0.3
DISCRIMINATOR_WEIGHT = 0.2
# Standard deviation of the discriminators' input noise in the first epoch,
# annealed linearly to half of it at the last.
INSTANCE_NOISE = 0.3
# Jitter of the default emotion prior, which resamples the standardised targets.
PRIOR_JITTER = 0.1

RATIOS = {
    # name: (numerator, denominator, target or None)
    "AAE epoch / supervised epoch": ("aae", "supervised", 3.0),
    "AAE estimator / bare AAE loop": ("aae", "bare_aae", 1.15),
    "supervised estimator / bare supervised loop": (
        "supervised",
        "bare_supervised",
        1.3,
    ),
    "supervised estimator / MLPRegressor": ("supervised", "mlp", 1.0),
    "bare AAE loop / bare supervised loop": ("bare_aae", "bare_supervised", None),
    "skorch NeuralNetRegressor / bare supervised loop": (
        "skorch",
        "bare_supervised",
        None,
    ),
}


def _standardize(values):
    """float32 tensor of ``values`` with zero-mean, unit-variance columns."""
    t = torch.as_tensor(values, dtype=torch.float32)
    return (t - t.mean(0)) / t.std(0).clamp(min=1e-12)


def _adam(parameters, weight=1.0):
    """The optimizer every phase of the estimators uses, its step size scaled by
    the phase's ``weight``."""
    return torch.optim.Adam(parameters, lr=LR * weight, weight_decay=ALPHA, fused=True)


def _step(optimizer, loss):
    """One gradient step on ``loss``; returns its value, as a training loop logs."""
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()


def _ccc_loss(pred, target):
    """One minus the concordance correlation coefficient of each column, averaged
    over the columns; targets complete, so without ``ccc_loss``'s NaN masks."""
    pred_mean, true_mean = pred.mean(0), target.mean(0)
    covariance = ((pred - pred_mean) * (target - true_mean)).mean(0)
    denominator = (
        pred.var(0, unbiased=False)
        + target.var(0, unbiased=False)
        + (pred_mean - true_mean).pow(2)
    )
    return (1 - 2 * covariance / (denominator + 1e-8)).mean()


class CCCLoss(torch.nn.Module):
    """:func:`_ccc_loss` as the criterion module skorch expects."""

    def forward(self, pred, target):
        return _ccc_loss(pred, target)


def _shuffled_passes(n):
    """Endless mini-batches of indices into ``n`` rows, in a new order each pass."""
    while True:
        yield from torch.randperm(n).split(BATCH_SIZE)


def bare_supervised_fit(X, y, *, epochs, seed):
    """Train the supervised estimator's encoder with a hand-written loop.

    Per mini-batch of a fresh ``torch.randperm`` order: one forward pass of the
    encoder (dropout on) and one Adam step on one minus the CCC of its outputs.

    Returns
    -------
    encoder : MLPEncoder
        The trained encoder.
    """
    torch.manual_seed(seed)
    X, Y = _standardize(X), _standardize(y)
    encoder = MLPEncoder(X.shape[1], HIDDEN, Y.shape[1], dropout=DROPOUT)
    optimizer = _adam(encoder.parameters())
    encoder.train()
    for _ in range(epochs):
        for idx in torch.randperm(len(X)).split(BATCH_SIZE):
            _step(optimizer, _ccc_loss(encoder(X[idx]), Y[idx]))
    return encoder


def bare_aae_fit(X, y, *, epochs, seed):
    """Train the adversarial autoencoder with a hand-written loop.

    Per mini-batch of a fresh ``torch.randperm`` order of all rows, as
    ``AAENet.train_step``, with the step sizes of ``AAENet.set_learning_rate``:

    1. reconstruction: encoder and decoder forward, Adam step on both with
       ``LR * RECONSTRUCTION_WEIGHT``;
    2. discriminators: prior samples (the resampled targets for the emotion part,
       standard normal for the style part) against the detached codes of step 1,
       both with instance noise, one Adam step on both discriminators with
       ``LR * DISCRIMINATOR_WEIGHT``;
    3. generator: a fresh encoder forward, its codes with instance noise through
       both discriminators, Adam step on the encoder with
       ``LR * ADVERSARIAL_WEIGHT``;
    4. supervision: a fresh encoder forward of a separate mini-batch of the
       labeled rows (a shuffled cycle over them, a new pass every epoch), Adam
       step with ``LR`` on one minus the CCC of the emotion part.

    The instance noise's standard deviation falls linearly from
    ``INSTANCE_NOISE`` in the first epoch, as ``AAENet._noise_scale``.

    Returns
    -------
    encoder : MLPEncoder
        The trained encoder.
    """
    torch.manual_seed(seed)
    X, Y = _standardize(X), _standardize(y)
    k = Y.shape[1]
    encoder = MLPEncoder(X.shape[1], HIDDEN, k + STYLE_DIM, dropout=DROPOUT)
    decoder = MLPDecoder(k + STYLE_DIM, HIDDEN[::-1], X.shape[1])
    discriminators = [
        Discriminator(k, DISCRIMINATOR),
        Discriminator(STYLE_DIM, DISCRIMINATOR),
    ]
    priors = [EmpiricalPrior(Y, jitter=PRIOR_JITTER), GaussianPrior(STYLE_DIM)]
    parts = list(
        zip(discriminators, priors, [slice(0, k), slice(k, None)], strict=True)
    )
    opt_reconstruction = _adam(
        [*encoder.parameters(), *decoder.parameters()], RECONSTRUCTION_WEIGHT
    )
    opt_discriminator = _adam(
        [p for d in discriminators for p in d.parameters()], DISCRIMINATOR_WEIGHT
    )
    opt_generator = _adam(encoder.parameters(), ADVERSARIAL_WEIGHT)
    opt_supervised = _adam(encoder.parameters())
    for module in [encoder, decoder, *discriminators]:
        module.train()
    for epoch in range(epochs):
        noise = INSTANCE_NOISE * (1 - 0.5 * epoch / epochs)
        # Every row is labeled here, but the supervised phase still draws its
        # batches from its own pass over the labeled rows, as AAENet does.
        labeled = _shuffled_passes(len(X))
        for idx in torch.randperm(len(X)).split(BATCH_SIZE):
            xb = X[idx]
            n = len(xb)
            code = encoder(xb)
            _step(opt_reconstruction, F.mse_loss(decoder(code), xb))

            code = code.detach()
            labels = torch.cat([code.new_ones(n, 1), code.new_zeros(n, 1)])
            loss = 0.0
            for disc, prior, part in parts:
                inputs = torch.cat([prior(n), code[:, part]])
                inputs = inputs + noise * torch.randn_like(inputs)
                loss = loss + F.binary_cross_entropy_with_logits(disc(inputs), labels)
            _step(opt_discriminator, loss)

            code = encoder(xb)
            loss = 0.0
            for disc, _, part in parts:
                fake = code[:, part]
                logits = disc(fake + noise * torch.randn_like(fake))
                target = torch.ones_like(logits)
                loss = loss + F.binary_cross_entropy_with_logits(logits, target)
            _step(opt_generator, loss)

            idx = next(labeled)
            _step(opt_supervised, _ccc_loss(encoder(X[idx])[:, :k], Y[idx]))
    return encoder


def _estimator_params(epochs, seed):
    """Run exactly ``epochs`` epochs: no early stopping, no stopping on a plateau;
    torch's threads as the process has them, as the bare loops, skorch and
    ``MLPRegressor`` run."""
    return dict(
        n_threads=None,
        max_iter=epochs,
        early_stopping=False,
        n_iter_no_change=epochs + 1,
        random_state=seed,
    )


def _check_defaults():
    """Raise if the estimators' defaults are no longer the constants above, which
    the bare loops, skorch and ``MLPRegressor`` copy."""
    shared = dict(
        hidden_layer_sizes=HIDDEN,
        encoder="auto",
        activation="relu",
        dropout=DROPOUT,
        alpha=ALPHA,
        loss="ccc",
        input_scaling="auto",
        batch_size=BATCH_SIZE,
        learning_rate_init=LR,
        max_grad_norm=None,
    )
    aae = dict(
        shared,
        style_dim=STYLE_DIM,
        emotion_prior="labels",
        style_prior="gaussian",
        adversarial_weight=ADVERSARIAL_WEIGHT,
        discriminator_weight=DISCRIMINATOR_WEIGHT,
        instance_noise=INSTANCE_NOISE,
        style_adversarial_weight=None,
        reconstruction_weight="auto",
        discriminator_layer_sizes=DISCRIMINATOR,
        adversarial_every=1,
        gradient_penalty=0.0,
        pretrain_iter=0,
        consistency_weight=0.0,
        # unlabeled_ratio does not act here: every row is labeled.
    )
    for estimator, expected in [
        (SupervisedEmotionRegressor, shared),
        (AAEEmotionRegressor, aae),
    ]:
        params = estimator().get_params()
        stale = {
            name: (value, params[name])
            for name, value in expected.items()
            if params[name] != value
        }
        if stale:
            raise RuntimeError(
                f"{estimator.__name__}'s defaults changed (name: (benchmark, "
                f"estimator)): {stale}; update the constants and the bare loops."
            )


def supervised_fit(X, y, *, epochs, seed):
    """``SupervisedEmotionRegressor`` with its defaults."""
    return SupervisedEmotionRegressor(**_estimator_params(epochs, seed)).fit(X, y)


def aae_fit(X, y, *, epochs, seed):
    """``AAEEmotionRegressor`` with its defaults, as the bare loop."""
    return AAEEmotionRegressor(**_estimator_params(epochs, seed)).fit(X, y)


def skorch_fit(X, y, *, epochs, seed):
    """skorch's ``NeuralNetRegressor`` on the supervised estimator's encoder,
    dropout and loss."""
    torch.manual_seed(seed)
    net = NeuralNetRegressor(
        MLPEncoder,
        module__n_features=X.shape[1],
        module__hidden_layer_sizes=HIDDEN,
        module__n_outputs=y.shape[1],
        module__dropout=DROPOUT,
        criterion=CCCLoss,
        # The estimators' optimizer settings, so that only the engines differ.
        optimizer=torch.optim.Adam,
        optimizer__weight_decay=ALPHA,
        optimizer__fused=True,
        lr=LR,
        batch_size=BATCH_SIZE,
        max_epochs=epochs,
        train_split=None,
        verbose=0,
    )
    return net.fit(X, y)


def mlp_fit(X, y, *, epochs, seed):
    """scikit-learn's ``MLPRegressor``, made to run exactly ``epochs`` epochs.

    The estimators' hidden layers, batch size, learning rate and ``alpha`` (here
    an L2 penalty); scikit-learn has no dropout and fits the squared error.
    """
    model = MLPRegressor(
        hidden_layer_sizes=HIDDEN,
        batch_size=BATCH_SIZE,
        max_iter=epochs,
        solver="adam",
        learning_rate_init=LR,
        alpha=ALPHA,
        early_stopping=False,
        tol=0,
        n_iter_no_change=epochs + 1,
        random_state=seed,
    )
    return model.fit(X, y)


CONTENDERS = {
    "supervised": ("SupervisedEmotionRegressor", supervised_fit),
    "aae": ("AAEEmotionRegressor", aae_fit),
    "bare_supervised": ("bare supervised loop", bare_supervised_fit),
    "bare_aae": ("bare AAE loop", bare_aae_fit),
    "skorch": ("skorch NeuralNetRegressor", skorch_fit),
    "mlp": ("sklearn MLPRegressor", mlp_fit),
}


def _time_fit(fit, X, y, epochs, seed):
    with warnings.catch_warnings():
        # Every contender is meant to run all its epochs.
        warnings.simplefilter("ignore", ConvergenceWarning)
        start = time.perf_counter()
        fit(X, y, epochs=epochs, seed=seed)
        return time.perf_counter() - start


def run(X, y, *, epochs, repeats):
    """Fit time in seconds of each contender, one list entry per repeat."""
    names = list(CONTENDERS)
    for _, fit in CONTENDERS.values():  # warm-up: imports, allocator, kernels
        _time_fit(fit, X, y, 1, 0)
    times = {name: [] for name in names}
    for r in range(repeats):
        order = names[r % len(names) :] + names[: r % len(names)]
        for name in order:
            times[name].append(_time_fit(CONTENDERS[name][1], X, y, epochs, r))
    return times


def _spread(values, scale=1.0):
    values = [v * scale for v in values]
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
    }


def summarize(times, epochs):
    """Median and range of fit and epoch times, and the ratios against targets."""
    contenders = {
        name: {
            "label": CONTENDERS[name][0],
            "fit_s": _spread(values),
            "epoch_ms": _spread(values, 1000 / epochs),
            "fit_s_per_repeat": values,
        }
        for name, values in times.items()
    }
    ratios = {}
    for label, (num, den, target) in RATIOS.items():
        per_repeat = [a / b for a, b in zip(times[num], times[den], strict=True)]
        median = statistics.median(per_repeat)
        ratios[label] = {
            "per_repeat": per_repeat,
            "median": median,
            "target": target,
            "passed": None if target is None else median <= target,
        }
    return contenders, ratios


def report(contenders, ratios):
    """Print the table of times and the ratios with PASS/FAIL."""
    print(f"\n{'contender':<28}{'fit s: median [min, max]':>30}", end="")
    print(f"{'epoch ms: median [min, max]':>34}")
    for row in contenders.values():
        fit, epoch = row["fit_s"], row["epoch_ms"]
        print(
            f"{row['label']:<28}"
            f"{fit['median']:>12.3f} [{fit['min']:7.3f}, {fit['max']:7.3f}]"
            f"{epoch['median']:>14.1f} [{epoch['min']:7.1f}, {epoch['max']:7.1f}]"
        )
    print(f"\n{'ratio (median of per-repeat ratios)':<50}{'median':>8}  target")
    for label, ratio in ratios.items():
        target = ratio["target"]
        verdict = "" if target is None else f"<= {target:<4} "
        verdict += {True: "PASS", False: "FAIL", None: "(info)"}[ratio["passed"]]
        per_repeat = ", ".join(f"{v:.2f}" for v in ratio["per_repeat"])
        print(f"{label:<50}{ratio['median']:>8.2f}  {verdict}   [{per_repeat}]")


def load_data(args):
    """``(X, y, description)``: RAVDESS, a feature file, or synthetic data."""
    if args.ravdess:
        X, y = load_ravdess_features(return_X_y=True)
        source = "load_ravdess_features() (eGeMAPS functionals of RAVDESS)"
    elif args.features is not None:
        with np.load(args.features) as data:
            X, y = data["X"], data["y"]
        source = os.path.abspath(args.features)
    else:
        X, y = make_emotion_regression(
            args.n_samples, n_features=args.n_features, random_state=0
        )
        source = f"make_emotion_regression(n_samples={args.n_samples}, "
        source += f"n_features={args.n_features}, random_state=0)"
    # Standardised as after a StandardScaler, since skorch and MLPRegressor do not
    # scale raw eGeMAPS values (the estimators still fit their own quantile map);
    # float32, the dtype of opensmile's features.
    X = StandardScaler().fit_transform(X).astype(np.float32)
    y = np.asarray(y, dtype=np.float32).reshape(len(X), -1)
    return X, y, source


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n-samples", type=int, default=1440)
    parser.add_argument("--n-features", type=int, default=88)
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=5)
    data = parser.add_mutually_exclusive_group()
    data.add_argument(
        "--ravdess",
        action="store_true",
        help="the bundled eGeMAPS features of RAVDESS instead of synthetic data",
    )
    data.add_argument(
        "--features",
        metavar="PATH",
        help=".npz with arrays X and y instead of synthetic data",
    )
    parser.add_argument("--out", metavar="FILE.json", help="write the results here")
    args = parser.parse_args(argv)

    _check_defaults()
    X, y, source = load_data(args)
    environment = {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "torch": torch.__version__,
        "sklearn": sklearn.__version__,
        "skorch": skorch.__version__,
        "numpy": np.__version__,
        "torch_num_threads": torch.get_num_threads(),
        "cpu_count": os.cpu_count(),
        "load_average_before": os.getloadavg(),
    }
    print(f"data: {source}, X {X.shape}, y {y.shape}")
    print(f"epochs: {args.epochs}, repeats: {args.repeats}, batch size: {BATCH_SIZE}")
    print(
        f"torch {torch.__version__} ({torch.get_num_threads()} threads), "
        f"sklearn {sklearn.__version__}, skorch {skorch.__version__}, "
        f"{os.cpu_count()} CPUs, load average {environment['load_average_before']}"
    )

    times = run(X, y, epochs=args.epochs, repeats=args.repeats)
    environment["load_average_after"] = os.getloadavg()
    contenders, ratios = summarize(times, args.epochs)
    report(contenders, ratios)
    print(f"\nload average after: {environment['load_average_after']}")

    if args.out:
        results = {
            "data": {"source": source, "shape_X": X.shape, "shape_y": y.shape},
            "epochs": args.epochs,
            "repeats": args.repeats,
            "batch_size": BATCH_SIZE,
            "environment": environment,
            "contenders": contenders,
            "ratios": ratios,
        }
        with open(args.out, "w") as f:
            json.dump(results, f, indent=2)
        print(f"results written to {args.out}")


if __name__ == "__main__":
    main()
