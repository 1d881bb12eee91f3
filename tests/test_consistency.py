"""The consistency phase's views (``consistency_view``): the dropout Pi-model,
and a stop-gradient teacher with a strongly perturbed student (masked frames,
dropped features), learned by the squared error or, for classes, FixMatch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from numpy.testing import assert_allclose, assert_array_equal

import aae_sklearn
from aae_sklearn import AAEEmotionClassifier, AAEEmotionRegressor
from aae_sklearn._training import AAEClassifierNet, AAENet
from aae_sklearn._training._views import (
    FEATURE_MASK_SHARE,
    TIME_MASK_SHARE,
    TIME_MASKS,
    VECTOR_DROP_SHARE,
    VECTOR_NOISE,
    mask_frames,
    perturb_vectors,
)

from .conftest import make_fast
from .test_model_files import MODELS


def make(Estimator, **params):
    params = {"max_iter": 2, "early_stopping": False, **params}
    return make_fast(Estimator, consistency_weight=1.0, **params)


def _data(kind, task, emotion_data, emotion_sequences):
    """Training inputs and targets, a third of the rows unlabeled."""
    X, y, _ = emotion_data if kind == "vectors" else emotion_sequences
    y = y.copy()
    if task == "classes":
        y = (y[:, 0] > 0).astype(int) + (y[:, 1] > 0)
        y[::3] = -1
        return X, y, AAEEmotionClassifier
    y[::3] = np.nan
    return X, y, AAEEmotionRegressor


def _padded(lengths, n_features, padding):
    """Random frames of ``lengths`` real steps, the rest set to ``padding``."""
    frames = torch.randn(len(lengths), max(lengths), n_features)
    real = torch.arange(max(lengths)) < torch.tensor(lengths)[:, None]
    return frames.masked_fill(~real[:, :, None], padding), torch.tensor(lengths)


# -- the perturbations ------------------------------------------------------


def test_masking_leaves_padding_alone_and_zeroes_bands_of_real_frames():
    torch.manual_seed(0)
    lengths = [int(n) for n in torch.randint(10, 80, (200,))]
    # Padding set apart from 0, so that a mask straying onto it would show.
    frames, lengths_t = _padded(lengths, 20, padding=7.0)
    masked = mask_frames(frames, lengths_t)
    real = torch.arange(frames.shape[1]) < lengths_t[:, None]
    assert (masked[~real] == 7.0).all()
    changed = masked != frames
    assert (masked[changed] == 0).all()
    assert changed.any(dim=(1, 2)).float().mean() > 0.9
    # Steps masked whole: at most the two time bands of up to 10 % of the
    # real steps, unless a feature band covers the rest (not at 20 features).
    whole_steps = (masked == 0).all(dim=2).sum(dim=1)
    longest = (TIME_MASK_SHARE * lengths_t).floor()
    assert (whole_steps <= TIME_MASKS * longest).all()
    assert (whole_steps > 0).float().mean() > 0.5
    # Features masked on every real step: the feature bands, up to 15 % each.
    whole_features = ((masked == 0) | ~real[:, :, None]).all(dim=1).sum(dim=1)
    assert whole_features.max() <= 2 * int(FEATURE_MASK_SHARE * 20)
    assert whole_features.float().mean() > 0.5
    # Masking draws anew for each call and each row.
    assert not torch.equal(mask_frames(frames, lengths_t), masked)


def test_masking_a_one_frame_sequence_masks_no_step_whole():
    torch.manual_seed(0)
    frames, lengths = _padded([1, 5], 8, padding=0.0)
    for _ in range(20):
        masked = mask_frames(frames, lengths)
        assert not (masked[:, :1] == 0).all(dim=2).any()
        assert (masked[1, 5:] == 0).all() and masked.shape == frames.shape


def test_vector_perturbation_drops_a_share_of_each_row_and_adds_noise():
    torch.manual_seed(0)
    x = torch.randn(1000, 20)
    perturbed = perturb_vectors(x)
    dropped = perturbed == 0
    assert (dropped.sum(dim=1) == round(VECTOR_DROP_SHARE * 20)).all()
    # Each row draws its own features: every column is dropped about as often.
    share = dropped.float().mean(dim=0)
    assert_allclose(share.numpy(), VECTOR_DROP_SHARE, atol=0.05)
    noise = (perturbed - x)[~dropped]
    assert noise.std().item() == pytest.approx(VECTOR_NOISE, rel=0.05)
    assert abs(noise.mean().item()) < 0.01


# -- the phase in training ----------------------------------------------------


def _pi_model(self, inputs, targets):
    """The consistency phase as it was before ``consistency_view``."""
    views = [self.latent(self.module_(*inputs))[:, : self.n_targets] for _ in "ab"]
    loss = F.mse_loss(views[0], views[1])
    self._step(self.optimizer_consistency_, loss, "consistency_loss")


@pytest.mark.parametrize("task", ["dimensions", "classes"])
@pytest.mark.parametrize("kind", ["vectors", "sequences"])
def test_the_default_view_trains_as_the_pi_model_did(
    emotion_data, emotion_sequences, kind, task, monkeypatch
):
    X, y, Estimator = _data(kind, task, emotion_data, emotion_sequences)
    model = make(Estimator).fit(X, y)
    assert model.consistency_view == "auto"  # without views: "dropout"
    assert model.net_.consistency_view == "dropout"
    with monkeypatch.context() as patch:
        patch.setattr(AAENet, "_consistency_phase", _pi_model)
        reference = make(Estimator).fit(X, y)
    assert_array_equal(model.transform(X), reference.transform(X))
    losses = ["consistency_loss", "supervised_loss", "reconstruction_loss"]
    assert_array_equal(model.history_[losses], reference.history_[losses])
    assert "consistency_share" not in model.history_


@pytest.mark.parametrize("task", ["dimensions", "classes"])
@pytest.mark.parametrize("kind", ["vectors", "sequences"])
def test_masking_trains_the_student_against_a_teacher_without_gradient(
    emotion_data, emotion_sequences, kind, task, monkeypatch
):
    X, y, Estimator = _data(kind, task, emotion_data, emotion_sequences)
    net_class = Estimator._net_class
    original = net_class.consistency_loss
    seen = []

    def spy(self, student, teacher):
        seen.append((student.grad_fn is not None, teacher.grad_fn is not None))
        return original(self, student, teacher)

    monkeypatch.setattr(net_class, "consistency_loss", spy)
    params = {"consistency_threshold": 0.0} if task == "classes" else {}
    model = make(Estimator, consistency_view="masking", **params).fit(X, y)
    assert seen and set(seen) == {(True, False)}
    assert (model.history_["consistency_loss"] > 0).all()
    dropout = make(Estimator, **params).fit(X, y)
    assert not np.allclose(model.transform(X), dropout.transform(X))


@pytest.mark.parametrize("task", ["dimensions", "classes"])
@pytest.mark.parametrize("kind", ["vectors", "sequences"])
@pytest.mark.parametrize("view", ["dropout", "masking"])
def test_a_random_state_repeats_a_fit(
    emotion_data, emotion_sequences, kind, task, view
):
    X, y, Estimator = _data(kind, task, emotion_data, emotion_sequences)
    # Every row passes the threshold, so that FixMatch steps on every batch.
    params = {"consistency_threshold": 0.0} if task == "classes" else {}
    fits = [
        make(Estimator, consistency_view=view, random_state=3, **params).fit(X, y)
        for _ in range(2)
    ]
    assert fits[0].history_["consistency_loss"].notna().all()
    assert_array_equal(fits[0].transform(X), fits[1].transform(X))
    assert_array_equal(
        fits[0].history_["consistency_loss"], fits[1].history_["consistency_loss"]
    )


@pytest.mark.parametrize("loss", ["ccc", "mse"])
def test_the_regressor_learns_the_teacher_by_its_supervised_loss(emotion_data, loss):
    """One minus the CCC by default: codes collapsed onto one value do not
    lower it, as they lower a squared error."""
    X, y, Estimator = _data("vectors", "dimensions", emotion_data, None)
    net = make(Estimator, max_iter=1, consistency_view="masking", loss=loss)
    net = net.fit(X, y).net_
    teacher = torch.randn(32, 3, generator=torch.Generator().manual_seed(0))
    collapsed = teacher.mean(dim=0).expand(32, 3) + 1e-3
    if loss == "ccc":
        assert net.consistency_loss(teacher, teacher).item() == pytest.approx(0)
        assert net.consistency_loss(collapsed, teacher).item() > 0.99
    else:
        expected = F.mse_loss(collapsed, teacher)
        assert net.consistency_loss(collapsed, teacher).item() == pytest.approx(
            expected.item()
        )


@pytest.mark.parametrize("task", ["dimensions", "classes"])
def test_masking_acts_on_the_unlabeled_rows_alone(emotion_data, task, monkeypatch):
    """The student sees the unlabeled rows of each mini-batch; a fit on
    labeled rows alone has no masked consistency phase."""
    from aae_sklearn._training import _consistency

    seen = []
    view = _consistency.strong_view

    def spy(inputs):
        seen.append(len(inputs[0]))
        return view(inputs)

    monkeypatch.setattr(_consistency, "strong_view", spy)
    X, y, Estimator = _data("vectors", task, emotion_data, None)
    make(Estimator, max_iter=1, consistency_view="masking").fit(X, y)
    n_unlabeled = len(y) // 3  # _data hides every third row
    assert 0 < sum(seen) <= n_unlabeled + 1
    seen.clear()
    labeled = ~np.isnan(y) if task == "dimensions" else y != -1
    if task == "dimensions":
        labeled = labeled.all(axis=1)
    model = make(Estimator, max_iter=1, consistency_view="masking")
    model.fit(X[labeled], y[labeled])
    assert seen == [] and "consistency_loss" not in model.history_


# -- FixMatch ---------------------------------------------------------------


def test_fixmatch_loss_counts_the_confident_rows_only(emotion_data):
    X, y, Estimator = _data("vectors", "classes", emotion_data, None)
    net = make(Estimator, max_iter=1, consistency_view="masking").fit(X, y).net_
    net.consistency_threshold = 0.9
    teacher = torch.tensor([[5.0, 0.0, 0.0], [0.1, 0.0, 0.0], [0.0, 0.0, 6.0]])
    student = torch.randn(3, 3)
    loss = net.consistency_loss(student, teacher)
    expected = F.cross_entropy(student[[0, 2]], torch.tensor([0, 2]), reduction="sum")
    assert loss.item() == pytest.approx(expected.item() / 3)
    assert net.history[-1, "batches", -1, "consistency_share"] == pytest.approx(2 / 3)
    assert net.consistency_loss(student, teacher.clamp(max=0.1)) is None
    assert net.history[-1, "batches", -1, "consistency_share"] == 0


def test_fixmatch_below_the_threshold_takes_no_step(emotion_data):
    X, y, Estimator = _data("vectors", "classes", emotion_data, None)
    model = make(
        Estimator, consistency_view="masking", consistency_threshold=0.999
    ).fit(X, y)
    assert (model.history_["consistency_share"] == 0).all()
    assert "consistency_loss" not in model.history_
    assert not model.net_.optimizer_consistency_.state_dict()["state"]


def test_fixmatch_records_the_share_of_confident_rows(emotion_data):
    X, y, Estimator = _data("vectors", "classes", emotion_data, None)
    model = make(
        Estimator, max_iter=3, consistency_view="masking", consistency_threshold=0.5
    ).fit(X, y)
    share = model.history_["consistency_share"]
    assert len(share) == 3 and ((share >= 0) & (share <= 1)).all()
    assert 0 < share.iloc[-1] < 1
    assert model.net_.optimizer_consistency_.state_dict()["state"]


# -- parameters, warm starts, model files -----------------------------------


@pytest.mark.parametrize(
    "Estimator, params, match",
    [
        (AAEEmotionRegressor, {"consistency_view": "mask"}, "consistency_view"),
        (AAEEmotionClassifier, {"consistency_view": None}, "consistency_view"),
        (AAEEmotionClassifier, {"consistency_threshold": 1.0}, "consistency_threshold"),
        (AAEEmotionClassifier, {"consistency_threshold": -0.1}, "consistency_thresh"),
    ],
)
def test_invalid_consistency_settings_are_refused(
    emotion_data, Estimator, params, match
):
    X, y, _ = emotion_data
    y = (y[:, 0] > 0).astype(int) if Estimator is AAEEmotionClassifier else y
    with pytest.raises(ValueError, match=match):
        make(Estimator, **params).fit(X, y)


def test_the_threshold_is_the_classifiers_alone():
    assert "consistency_threshold" not in AAEEmotionRegressor().get_params()
    assert AAEEmotionClassifier().get_params()["consistency_threshold"] == 0.95


def test_a_warm_start_takes_the_new_view_and_threshold(emotion_data):
    X, y, Estimator = _data("vectors", "classes", emotion_data, None)
    model = make(Estimator, max_iter=1, warm_start=True).fit(X, y)
    assert "consistency_share" not in model.history_
    model.set_params(consistency_view="masking", consistency_threshold=0.0)
    model.fit(X, y)
    assert model.net_.consistency_view == "masking"
    assert model.net_.consistency_threshold == 0.0
    assert model.history_["consistency_share"].iloc[-1] == 1.0


@pytest.mark.parametrize("name", ["aae_regressor", "aae_classifier"])
def test_a_model_file_of_an_earlier_version_keeps_the_dropout_view(name):
    model = aae_sklearn.load(MODELS / f"{name}.safetensors")
    assert model.consistency_view == "auto"  # without views: "dropout"
    assert model.net_.consistency_view == "dropout"
    if name == "aae_classifier":
        assert model.consistency_threshold == 0.95


def test_a_model_file_keeps_the_view(emotion_data, tmp_path):
    X, y, Estimator = _data("vectors", "classes", emotion_data, None)
    model = make(
        Estimator, max_iter=1, consistency_view="masking", consistency_threshold=0.8
    ).fit(X, y)
    model.save(tmp_path / "model.safetensors")
    loaded = aae_sklearn.load(tmp_path / "model.safetensors")
    assert loaded.consistency_view == "masking"
    assert loaded.consistency_threshold == 0.8
    assert isinstance(loaded.net_, AAEClassifierNet)
    assert loaded.net_.consistency_threshold == 0.8
    assert_array_equal(loaded.predict(X), model.predict(X))
