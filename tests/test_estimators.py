"""Behaviour of AAEEmotionRegressor and SupervisedEmotionRegressor."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from sklearn import config_context
from sklearn.base import clone
from sklearn.exceptions import ConvergenceWarning, NotFittedError
from sklearn.model_selection import (
    GridSearchCV,
    GroupKFold,
    cross_val_score,
    cross_validate,
)
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import StandardScaler

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn._training import _nets
from aae_sklearn.metrics import ccc_scorer
from aae_sklearn.utils._inputs import Vectors

from .conftest import FAST, make_fast

ESTIMATORS = [SupervisedEmotionRegressor, AAEEmotionRegressor]
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


make = make_fast


def encoder_weights(model):
    return torch.cat([p.detach().ravel() for p in model.net_.module_.parameters()])


# -- fitting and prediction ---------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_learns_the_emotion_dimensions(Estimator, emotion_data):
    X, y, _ = emotion_data
    model = make(Estimator, max_iter=60).fit(X[:200], y[:200])
    assert ccc_scorer(model, X[200:], y[200:]) > 0.4


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("n_targets", [1, 2])
def test_predictions_follow_the_shape_of_y(Estimator, n_targets, emotion_data):
    X, y, _ = emotion_data
    model = make(Estimator, max_iter=2)
    assert model.fit(X, y[:, 0]).predict(X).shape == (len(X),)
    assert model.fit(X, y[:, :n_targets]).predict(X).shape == (len(X), n_targets)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_history_records_every_phase(Estimator, emotion_data):
    X, y, _ = emotion_data
    model = make(Estimator, max_iter=4, n_iter_no_change=50).fit(X, y)
    history = model.history_
    assert isinstance(history, pd.DataFrame)
    assert len(history) == model.n_iter_ == 4
    expected = ["supervised_loss", "valid_loss", "valid_score", "time"]
    if Estimator is AAEEmotionRegressor:
        expected += ["reconstruction_loss", "discriminator_loss", "generator_loss"]
    assert set(expected) <= set(history.columns)
    assert np.isfinite(history[expected].to_numpy()).all()
    assert model.best_score_ == history["valid_score"].max()


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_early_stopping_restores_the_best_epoch(Estimator, emotion_data):
    X, y, _ = emotion_data
    model = make(Estimator, max_iter=200, n_iter_no_change=3, learning_rate_init=0.05)
    model.fit(X, y)
    assert model.n_iter_ < 200
    best_epoch = model.history_["valid_score"].idxmax()
    assert best_epoch == model.n_iter_ - 3
    # The restored weights reproduce the best epoch's validation score.
    stopper = dict(model.net_.callbacks_)["stopper"]
    assert stopper.best_epoch_ == best_epoch


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_early_stopping_warns_at_max_iter(Estimator, emotion_data):
    X, y, _ = emotion_data
    model = make(Estimator, early_stopping=True, max_iter=3, n_iter_no_change=10)
    with pytest.warns(ConvergenceWarning, match="max_iter=3"):
        model.fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_without_early_stopping_runs_max_iter(Estimator, emotion_data):
    X, y, _ = emotion_data
    model = make(Estimator, early_stopping=False, max_iter=5, n_iter_no_change=10)
    with warnings.catch_warnings():
        # max_iter is the training budget here, not a shortfall to warn about.
        warnings.simplefilter("error", ConvergenceWarning)
        model.fit(X, y)
    assert model.n_iter_ == 5
    assert model.best_score_ is None
    assert "valid_score" not in model.history_


def test_verbose_prints_the_losses(emotion_data, capsys):
    X, y, _ = emotion_data
    make(AAEEmotionRegressor, max_iter=2, verbose=1).fit(X, y)
    out = capsys.readouterr()
    assert "reconstruction_loss" in out.out
    assert "valid_score" in out.out


def test_transform_returns_the_latent_code(emotion_data):
    X, y, _ = emotion_data
    frame = pd.DataFrame(y, columns=["valence", "activation", "dominance"])
    model = make(AAEEmotionRegressor, max_iter=2).fit(X, frame)
    code = model.transform(X)
    assert code.shape == (len(X), 3 + 8)
    assert_allclose(code[:, :3] * model._y_scale + model._y_mean, model.predict(X))
    names = model.get_feature_names_out()
    assert list(names[:4]) == [
        "emotion_valence",
        "emotion_activation",
        "emotion_dominance",
        "style_0",
    ]
    as_frame = model.set_output(transform="pandas").transform(X)
    assert list(as_frame.columns) == list(names)


def test_feature_names_out_follow_the_fitted_code(emotion_data):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor, style_dim=4, max_iter=2).fit(X, y)
    model.set_params(style_dim=2)
    names = model.get_feature_names_out()
    assert len(names) == model.transform(X).shape[1] == 3 + 4
    assert list(names[-1:]) == ["style_3"]


@pytest.mark.parametrize(
    "params",
    [
        dict(emotion_prior="gaussian", style_prior="uniform"),
        dict(emotion_prior="uniform"),
        dict(style_dim=0),
        dict(adversarial_weight=0.0),
        dict(activation="tanh", dropout=0.0),
        dict(scoring="r2"),
        dict(scoring="neg_mean_squared_error"),
        dict(hidden_layer_sizes=16, discriminator_layer_sizes=8),
        dict(hidden_layer_sizes=()),
        dict(style_adversarial_weight=0.0),
        dict(adversarial_weight=0.0, style_adversarial_weight=0.5),
        dict(reconstruction_weight=0.0),
        dict(adversarial_every=2, gradient_penalty=1.0),
        dict(pretrain_iter=2),
    ],
)
def test_variants_train(params, emotion_data):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor, max_iter=3, **params).fit(X, y)
    assert np.isfinite(model.predict(X)).all()
    assert model.transform(X).shape[1] == 3 + model.style_dim


def test_adversarial_weight_zero_skips_the_regularisation(emotion_data):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor, max_iter=2, adversarial_weight=0.0).fit(X, y)
    assert model.history_["discriminator_loss"].isna().all()


def test_reconstruction_weight_zero_skips_the_reconstruction(emotion_data):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor, max_iter=2, reconstruction_weight=0.0).fit(X, y)
    assert model.history_["reconstruction_loss"].isna().all()
    assert model.history_["discriminator_loss"].notna().all()
    decoder = make(AAEEmotionRegressor, max_iter=2).fit(X, y).net_.decoder_
    untouched = model.net_.decoder_
    # Same seed, same initial decoder: only the reconstruction phase moves it.
    fresh = make(AAEEmotionRegressor, max_iter=1, reconstruction_weight=0.0)
    fresh_decoder = fresh.fit(X, y).net_.decoder_
    for a, b, c in zip(
        untouched.parameters(),
        fresh_decoder.parameters(),
        decoder.parameters(),
        strict=True,
    ):
        assert torch.equal(a, b)
        assert not torch.equal(a, c)


def test_reconstruction_weight_scales_the_reconstruction_step(emotion_data):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor, max_iter=1, reconstruction_weight=0.25)
    model.fit(X, y)
    (group,) = model.net_.optimizer_reconstruction_.param_groups
    assert group["lr"] == pytest.approx(0.25 * model.learning_rate_init)


def test_auto_reconstruction_weight_depends_on_the_input(
    emotion_data, emotion_sequences
):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor, max_iter=1).fit(X, y)
    assert model.reconstruction_weight == "auto"
    assert model.net_.reconstruction_weight == 0.6
    sequences, targets = emotion_sequences[:2]
    model = make(AAEEmotionRegressor, hidden_layer_sizes=(8,), max_iter=1)
    model.fit(sequences, targets)
    assert model.net_.reconstruction_weight == 0.6  # frame_decoder="stats"
    model.set_params(frame_decoder="frames").fit(sequences, targets)
    assert model.net_.reconstruction_weight == 0.01
    assert model.get_params()["reconstruction_weight"] == "auto"


@pytest.mark.parametrize(
    "weights, lr_factor, n_parts",
    [((0.1, None), 0.1, 2), ((0.1, 0.0), 0.1, 1), ((0.0, 0.4), 0.4, 1)],
)
def test_adversarial_weight_per_part(weights, lr_factor, n_parts, emotion_data):
    X, y, _ = emotion_data
    emotion, style = weights
    model = make(
        AAEEmotionRegressor,
        max_iter=1,
        adversarial_weight=emotion,
        style_adversarial_weight=style,
    ).fit(X, y)
    (group,) = model.net_.optimizer_generator_.param_groups
    assert group["lr"] == pytest.approx(lr_factor * model.learning_rate_init)
    parts = model.net_._parts()
    assert len(parts) == n_parts
    assert max(weight for *_, weight in parts) == 1.0


def test_adversarial_every_skips_batches(emotion_data):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor, max_iter=1, early_stopping=False)
    model.set_params(adversarial_every=3).fit(X, y)
    batches = model.net_.history[-1, "batches"]
    with_adversary = [i for i, b in enumerate(batches) if "generator_loss" in b]
    assert len(batches) > 3
    assert with_adversary == list(range(0, len(batches), 3))


def test_gradient_penalty_changes_the_discriminators(emotion_data):
    X, y, _ = emotion_data
    plain = make(AAEEmotionRegressor, max_iter=2).fit(X, y)
    penalised = make(AAEEmotionRegressor, max_iter=2, gradient_penalty=10.0).fit(X, y)
    assert (
        penalised.history_["discriminator_loss"].iloc[-1]
        != plain.history_["discriminator_loss"].iloc[-1]
    )
    # A flat discriminator cannot win outright.
    assert penalised.history_["discriminator_accuracy"].iloc[-1] < 0.99


def test_pretraining_epochs_are_unsupervised(emotion_data):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor, max_iter=6, n_iter_no_change=2)
    model.set_params(pretrain_iter=3).fit(X, y)
    history = model.history_
    assert history["supervised_loss"].iloc[:3].isna().all()
    assert history["reconstruction_loss"].iloc[:3].notna().all()
    assert history["supervised_loss"].iloc[3:].notna().all()
    # Early stopping judges the supervised epochs only, whatever the
    # validation scores of the pre-training epochs were.
    assert model.n_iter_ >= 3 + 3
    stopper = dict(model.net_.callbacks_)["stopper"]
    assert stopper.best_epoch_ > 3


def test_callable_scoring(emotion_data):
    X, y, _ = emotion_data
    seen = []

    def neg_mae(y_true, y_pred):
        seen.append(y_true.shape)
        return -np.abs(y_true - y_pred).mean()

    model = make(SupervisedEmotionRegressor, max_iter=2, scoring=neg_mae).fit(X, y)
    assert seen and all(s == seen[0] and len(s) == 1 for s in seen)
    assert model.history_["valid_score"].max() < 0


# -- scikit-learn integration -------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_pipeline_with_grouped_cross_validation(Estimator, emotion_data):
    X, y, groups = emotion_data
    pipe = Pipeline([("scale", StandardScaler()), ("model", make(Estimator))])
    scores = cross_val_score(
        pipe, X, y, groups=groups, cv=GroupKFold(n_splits=4), scoring=ccc_scorer
    )
    assert scores.shape == (4,)
    assert np.isfinite(scores).all() and scores.mean() > 0.3


@pytest.mark.slow
def test_grid_search_over_style_and_adversarial_weight(emotion_data):
    X, y, groups = emotion_data
    pipe = Pipeline([("scale", StandardScaler()), ("aae", make(AAEEmotionRegressor))])
    grid = {"aae__style_dim": [2, 8], "aae__adversarial_weight": [0.0, 0.5]}
    search = GridSearchCV(pipe, grid, cv=GroupKFold(n_splits=3), scoring=ccc_scorer)
    search.fit(X, y, groups=groups)
    assert len(search.cv_results_["params"]) == 4
    assert np.isfinite(search.cv_results_["mean_test_score"]).all()
    best = search.best_estimator_.named_steps["aae"]
    assert best.style_dim == search.best_params_["aae__style_dim"]
    assert best.transform(X).shape[1] == 3 + best.style_dim


def test_x_unlabeled_is_routed_through_a_pipeline(emotion_data):
    X, y, groups = emotion_data
    pool = np.random.default_rng(1).normal(size=(100, X.shape[1]))
    received = []

    class Spy(AAEEmotionRegressor):
        def fit(self, X, y, X_unlabeled=None):
            received.append(None if X_unlabeled is None else X_unlabeled.shape)
            return super().fit(X, y, X_unlabeled=X_unlabeled)

    with config_context(enable_metadata_routing=True):
        spy = Spy(**FAST, style_dim=4).set_fit_request(X_unlabeled=True)
        pipe = Pipeline([("scale", StandardScaler()), ("aae", spy)])
        cross_validate(
            pipe,
            X,
            y,
            cv=GroupKFold(n_splits=2),
            params={"X_unlabeled": pool, "groups": groups},
        )
    assert received == [(100, X.shape[1])] * 2


def test_pickle_and_clone_round_trip(emotion_data):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor, max_iter=3).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict(X), model.predict(X))
    assert_array_equal(restored.transform(X), model.transform(X))
    assert_array_equal(restored.history_, model.history_)
    fresh = clone(model)
    assert fresh.get_params() == model.get_params()
    assert not hasattr(fresh, "net_")


# -- semi-supervision -----------------------------------------------------------


def test_unlabeled_rows_change_the_encoder(emotion_data):
    X, y, _ = emotion_data
    y_half = y.copy()
    y_half[120:] = np.nan
    params = dict(early_stopping=False, max_iter=5, n_iter_no_change=10)

    aae = make(AAEEmotionRegressor, **params)
    with_pool = encoder_weights(aae.fit(X, y_half))
    other = X.copy()
    other[120:] = np.random.default_rng(5).normal(size=other[120:].shape)
    with_other_pool = encoder_weights(aae.fit(other, y_half))
    assert not torch.allclose(with_pool, with_other_pool)

    # The supervised baseline ignores the same rows altogether.
    baseline = make(SupervisedEmotionRegressor, **params)
    assert_array_equal(
        baseline.fit(X, y_half).predict(X[:120]),
        baseline.fit(other, y_half).predict(X[:120]),
    )


def test_unlabeled_rows_stay_out_of_the_supervised_loss(emotion_data, monkeypatch):
    X, y, _ = emotion_data
    y_half = y.copy()
    y_half[::2] = np.nan
    targets_seen = []
    original = _nets.ccc_loss

    def spy(pred, target):
        targets_seen.append(target.detach().clone())
        return original(pred, target)

    monkeypatch.setattr(_nets, "ccc_loss", spy)
    model = make(AAEEmotionRegressor, early_stopping=False, max_iter=1)
    model.fit(X, y_half)
    seen = torch.cat(targets_seen)
    assert not torch.isnan(seen).any()
    # One labeled batch per batch of the epoch's rows (the labeled ones and
    # half as many unlabeled): every label is revisited.
    n_labeled = (~np.isnan(y_half).all(axis=1)).sum()
    n_steps = -(-round(1.5 * n_labeled) // model.batch_size)
    assert len(targets_seen) == n_steps
    assert len(seen) > n_labeled
    assert len(torch.unique(seen, dim=0)) == n_labeled


def test_partially_missing_targets_are_masked(emotion_data):
    X, y, _ = emotion_data
    y_gaps = y.copy()
    y_gaps[::3, 1] = np.nan
    model = make(SupervisedEmotionRegressor, max_iter=3).fit(X, y_gaps)
    assert np.isfinite(model.predict(X)).all()
    assert np.isfinite(model.history_["supervised_loss"]).all()


def test_x_unlabeled_joins_phases_one_and_two(emotion_data):
    X, y, _ = emotion_data
    params = dict(early_stopping=False, max_iter=2, n_iter_no_change=10)
    alone = make(AAEEmotionRegressor, **params).fit(X[:120], y[:120])
    pooled = make(AAEEmotionRegressor, **params).fit(
        X[:120], y[:120], X_unlabeled=X[120:]
    )
    assert not torch.allclose(encoder_weights(alone), encoder_weights(pooled))
    with pytest.raises(ValueError, match="features"):
        make(AAEEmotionRegressor).fit(X, y, X_unlabeled=X[:, :3])


def test_partial_fit_unlabeled_then_warm_start(emotion_data):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor, learning_rate_init=0.01)
    for chunk in np.array_split(X, 4):
        model.partial_fit_unlabeled(chunk)
    assert model.n_iter_ == 4
    assert model.history_["supervised_loss"].isna().all()
    assert model.transform(X).shape == (len(X), 3 + 8)
    with pytest.raises(NotFittedError, match="no labels yet"):
        model.predict(X)
    rec = model.history_["reconstruction_loss"].to_numpy()
    assert rec[-1] < rec[0]

    pretrained = encoder_weights(model).clone()
    model.set_params(warm_start=True, max_iter=1, learning_rate_init=1e-6)
    model.fit(X, y)
    assert model.n_iter_ == 5
    assert_allclose(encoder_weights(model), pretrained, atol=1e-3)

    model.set_params(warm_start=False)
    model.fit(X, y)
    assert not torch.allclose(encoder_weights(model), pretrained, atol=1e-3)


def test_partial_fit_unlabeled_checks_the_emotion_part(emotion_data):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor).partial_fit_unlabeled(X, n_outputs=2)
    assert model.n_outputs_ == 2
    with pytest.raises(ValueError, match="2 emotion node"):
        model.partial_fit_unlabeled(X, n_outputs=3)
    with pytest.raises(ValueError, match="2 target"):
        model.set_params(warm_start=True).fit(X, y)


# -- reproducibility -----------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_same_random_state_same_predictions(Estimator, emotion_data):
    X, y, _ = emotion_data
    y[::4] = np.nan
    first = make(Estimator, random_state=3).fit(X, y).predict(X)
    second = make(Estimator, random_state=3).fit(X, y).predict(X)
    other = make(Estimator, random_state=4).fit(X, y).predict(X)
    assert_array_equal(first, second)
    assert not np.allclose(first, other)


def test_global_torch_generator_is_left_alone(emotion_data):
    X, y, _ = emotion_data
    state = torch.get_rng_state()
    make(AAEEmotionRegressor, max_iter=2).fit(X, y)
    assert torch.equal(torch.get_rng_state(), state)


# -- bad input -------------------------------------------------------------------


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_x_is_rejected(Estimator, bad, emotion_data):
    X, y, _ = emotion_data
    X = X.copy()
    X[3, 2] = bad
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        make(Estimator).fit(X, y)
    model = make(Estimator, max_iter=1).fit(emotion_data[0], y)
    with pytest.raises(ValueError, match="Input X contains (NaN|infinity)"):
        model.predict(X)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_bad_targets_are_rejected(Estimator, emotion_data):
    X, y, _ = emotion_data
    with pytest.raises(ValueError, match="no labeled rows"):
        make(Estimator).fit(X, np.full_like(y, np.nan))
    y_inf = y.copy()
    y_inf[0, 0] = np.inf
    with pytest.raises(ValueError, match="infinity"):
        make(Estimator).fit(X, y_inf)
    y_column = y.copy()
    y_column[:, 1] = np.nan
    with pytest.raises(ValueError, match=r"column\(s\) \[1\]"):
        make(Estimator).fit(X, y_column)
    with pytest.raises(ValueError, match="240 rows but y has 239"):
        make(Estimator).fit(X, y[:-1])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_wrong_feature_count_and_empty_input(Estimator, emotion_data):
    X, y, _ = emotion_data
    model = make(Estimator, max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="has 5 features"):
        model.predict(X[:, :5])
    with pytest.raises(ValueError, match="0 sample"):
        model.predict(X[:0])
    with pytest.raises(ValueError, match="0 sample"):
        make(Estimator).fit(X[:0], y[:0])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_too_few_labels_for_early_stopping(Estimator, emotion_data):
    X, y, _ = emotion_data
    y = np.full_like(y, np.nan)
    y[:2] = 0.5
    with pytest.raises(ValueError, match="early_stopping=False"):
        make(Estimator).fit(X, y)


@pytest.mark.parametrize(
    "params, match",
    [
        (dict(hidden_layer_sizes=(0,)), "hidden_layer_sizes"),
        (dict(discriminator_layer_sizes=(8, -1)), "discriminator_layer_sizes"),
        (dict(style_dim=-1), "style_dim"),
        (dict(emotion_prior="laplace"), "emotion_prior"),
        (dict(style_adversarial_weight=-0.1), "style_adversarial_weight"),
        (dict(reconstruction_weight=-1.0), "reconstruction_weight"),
        (dict(adversarial_every=0), "adversarial_every"),
        (dict(gradient_penalty=-1.0), "gradient_penalty"),
        (dict(pretrain_iter=-1), "pretrain_iter"),
        (dict(device="cuda:7"), "cuda|CUDA"),
        (dict(device="tpu"), "not a torch device"),
    ],
)
def test_bad_parameters_are_named(params, match, emotion_data):
    X, y, _ = emotion_data
    if "cuda" in str(params.get("device")) and torch.cuda.device_count() > 7:
        pytest.skip("this machine has that many GPUs")
    with pytest.raises(ValueError, match=match):
        make(AAEEmotionRegressor, **params).fit(X, y)


# -- divergence -----------------------------------------------------------------


def _nan_after(monkeypatch, n_calls):
    """Make the training losses NaN from their ``n_calls``-th evaluation on."""
    calls = []

    def diverging(original):
        def loss_fn(pred, target):
            calls.append(1)
            loss = original(pred, target)
            return loss * np.nan if len(calls) > n_calls else loss

        return loss_fn

    monkeypatch.setattr(_nets.F, "mse_loss", diverging(_nets.F.mse_loss))
    monkeypatch.setattr(_nets, "ccc_loss", diverging(_nets.ccc_loss))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_divergence_restores_the_best_weights(Estimator, emotion_data, monkeypatch):
    X, y, _ = emotion_data
    _nan_after(monkeypatch, n_calls=60)
    model = make(Estimator, n_iter_no_change=50, max_iter=50)
    with pytest.warns(ConvergenceWarning, match="diverged .* restored"):
        model.fit(X, y)
    assert np.isfinite(model.predict(X)).all()
    assert model.n_iter_ < 50


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_divergence_in_the_first_epoch_is_an_error(
    Estimator, emotion_data, monkeypatch
):
    X, y, _ = emotion_data
    _nan_after(monkeypatch, n_calls=0)
    model = make(Estimator)
    with pytest.raises(FloatingPointError, match="diverged in epoch 1"):
        model.fit(X, y)
    assert not hasattr(model, "net_")


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_inputs_far_outside_the_training_data_are_flagged(Estimator, emotion_data):
    X, y, _ = emotion_data
    frame = pd.DataFrame(X, columns=[f"f{i}" for i in range(X.shape[1])])
    model = make(Estimator, max_iter=1).fit(frame, y)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.predict(frame)
    far = frame.copy()
    far.iloc[7, 4] = 1e3
    with pytest.warns(UserWarning, match="1 row.*worst: 'f4' of row 7"):
        model.predict(far)


def test_exploding_inputs_at_predict_are_an_error(emotion_data):
    X, y, _ = emotion_data
    model = make(SupervisedEmotionRegressor, max_iter=1, input_scaling="standard")
    model.fit(X, y)
    with pytest.raises(FloatingPointError, match="non-finite"):
        with pytest.warns(UserWarning, match="standard deviations out"):
            model.predict(np.full((2, X.shape[1]), 1e300))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_quantile_scaling_maps_far_out_inputs_to_the_outermost_quantiles(
    Estimator, emotion_data
):
    X, y, _ = emotion_data
    model = make(Estimator, max_iter=1).fit(X, y)
    assert model._x_quantiles is not None
    edge = np.tile(X.max(axis=0), (2, 1))
    far = np.full((2, X.shape[1]), 1e300)
    with pytest.warns(UserWarning, match="standard deviations out"):
        assert_allclose(model.predict(far), model.predict(edge), rtol=1e-6)


def test_input_scaling_follows_the_parameter(emotion_data, emotion_sequences):
    X, y, _ = emotion_data
    heavy = np.exp(3 * X)  # heavy-tailed, as eGeMAPS's *_stddevNorm
    standard = make(SupervisedEmotionRegressor, input_scaling="standard", max_iter=1)
    assert standard.fit(heavy, y)._x_quantiles is None
    quantile = make(SupervisedEmotionRegressor, max_iter=1).fit(heavy, y)
    scaled = quantile._scale_X(Vectors(heavy)).values
    # Normal scores of the training ranks: symmetric, light-tailed.
    assert abs(np.median(scaled)) < 0.05 and np.abs(scaled).max() < 5.3
    sequences, targets = emotion_sequences[:2]
    model = make(SupervisedEmotionRegressor, hidden_layer_sizes=(8,), max_iter=1)
    assert model.fit(sequences, targets)._x_quantiles is None
    model.set_params(input_scaling="quantile").fit(sequences, targets)
    assert model._x_quantiles is not None
    assert np.isfinite(model.predict(sequences)).all()


# -- properties -------------------------------------------------------------------


@st.composite
def datasets(draw):
    n_samples = draw(st.integers(8, 40))
    n_features = draw(st.integers(1, 6))
    n_targets = draw(st.integers(1, 3))
    values = st.floats(-1e3, 1e3, allow_nan=False)
    X = draw(arrays(np.float64, (n_samples, n_features), elements=values))
    y = draw(arrays(np.float64, (n_samples, n_targets), elements=values))
    return X, y


@settings(max_examples=15, deadline=None)
@given(data=datasets(), aae=st.booleans())
def test_outputs_are_finite_and_row_order_free(data, aae):
    X, y = data
    Estimator = AAEEmotionRegressor if aae else SupervisedEmotionRegressor
    model = make(Estimator, max_iter=2, early_stopping=False)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        model.fit(X, y)
    pred = model.predict(X)
    assert pred.shape == y.shape and np.isfinite(pred).all()
    order = np.random.default_rng(0).permutation(len(X))
    # Up to float32 rounding, which may differ with a row's place in the batch
    # and grows with the targets' scale.
    atol = 1e-6 * (1 + np.abs(y).max())
    assert_allclose(model.predict(X[order]), pred[order], rtol=1e-5, atol=atol)
    if aae:
        code = model.transform(X)
        assert code.shape == (len(X), y.shape[1] + model.style_dim)
        assert np.isfinite(code).all()


def test_a_model_trained_on_gpu_predicts_on_cpu(emotion_data):
    X, y, _ = emotion_data
    model = make(SupervisedEmotionRegressor, max_iter=1).fit(X, y)
    # What unpickling a CUDA model gives on a machine without CUDA: skorch has
    # mapped the net to the CPU, the estimator still remembers "cuda".
    state = pickle.loads(pickle.dumps(model)).__dict__.copy()
    state["_device"] = "cuda"
    restored = SupervisedEmotionRegressor.__new__(SupervisedEmotionRegressor)
    restored.__setstate__(state)
    assert restored._device == "cpu"
    assert_array_equal(restored.predict(X), model.predict(X))


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_cross_validation_with_defaults_is_quiet(Estimator, emotion_data):
    # Each fold once warned that max_iter, the default training budget, was
    # reached: a dozen warnings for one cross_val_score call.
    X, y, groups = emotion_data
    model = Estimator(hidden_layer_sizes=(16,), max_iter=3, random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cross_val_score(model, X, y, groups=groups, cv=GroupKFold(3))
