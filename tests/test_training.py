"""The training engine: checkpoints, interruption, clipping and fault reports."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal
from sklearn.exceptions import ConvergenceWarning
from skorch.callbacks import Callback

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor, _training
from aae_sklearn.datasets import load_ravdess_features

from .conftest import make_fast

ESTIMATORS = [SupervisedEmotionRegressor, AAEEmotionRegressor]
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


make = make_fast


class InterruptAt(Callback):
    """Raise KeyboardInterrupt at the start of epoch ``epoch``, as Ctrl-C would."""

    def __init__(self, epoch):
        self.epoch = epoch

    def on_epoch_begin(self, net, **kwargs):
        if len(net.history) == self.epoch:
            raise KeyboardInterrupt


def interrupt_at(monkeypatch, epoch):
    """Make the next fits raise KeyboardInterrupt at the start of ``epoch``."""
    original = _training.SupervisedNet.get_default_callbacks

    def with_interrupt(net):
        return [*original(net), ("interrupt", InterruptAt(epoch))]

    monkeypatch.setattr(
        _training.SupervisedNet, "get_default_callbacks", with_interrupt
    )


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_interrupted_fit_keeps_the_best_weights_and_says_so(
    Estimator, emotion_data, monkeypatch
):
    X, y, _ = emotion_data
    interrupt_at(monkeypatch, 6)
    with pytest.warns(UserWarning, match="interrupted in epoch 6; .* weights of epoch"):
        model = make(Estimator, max_iter=20).fit(X, y)
    assert model.n_iter_ == 6
    assert model.best_score_ == model.history_["valid_score"].max()
    assert np.isfinite(model.predict(X)).all()


@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("dropout", [0.0, 0.2])
def test_resumed_fit_equals_an_uninterrupted_one(
    Estimator, dropout, emotion_data, tmp_path, monkeypatch
):
    X, y, _ = emotion_data
    y = y.copy()
    y[::3] = np.nan  # unlabeled rows too
    params = dict(max_iter=12, n_iter_no_change=50, dropout=dropout)
    expected = make(Estimator, **params).fit(X, y)

    path = tmp_path / "run.ckpt"
    with monkeypatch.context() as patch:
        interrupt_at(patch, 7)
        with pytest.warns(UserWarning, match="fit again to resume"):
            make(Estimator, checkpoint=path, checkpoint_every=3, **params).fit(X, y)
    assert path.exists() and not list(tmp_path.glob("*.tmp"))
    resumed = make(Estimator, checkpoint=path, checkpoint_every=3, **params)
    resumed.fit(X, y)
    assert resumed.n_iter_ == expected.n_iter_ == 12
    assert_array_equal(resumed.predict(X), expected.predict(X))
    assert_array_equal(
        resumed.history_["valid_score"], expected.history_["valid_score"]
    )


def test_resumed_pretraining_equals_an_uninterrupted_one(
    emotion_data, tmp_path, monkeypatch
):
    X, y, _ = emotion_data
    params = dict(
        max_iter=9,
        n_iter_no_change=50,
        pretrain_iter=4,
        adversarial_every=2,
        gradient_penalty=1.0,
        reconstruction_weight=0.5,
        style_adversarial_weight=0.3,
    )
    expected = make(AAEEmotionRegressor, **params).fit(X, y)
    path = tmp_path / "run.ckpt"
    with monkeypatch.context() as patch:
        interrupt_at(patch, 3)  # inside the pre-training epochs
        with pytest.warns(UserWarning, match="fit again to resume"):
            make(
                AAEEmotionRegressor, checkpoint=path, checkpoint_every=1, **params
            ).fit(X, y)
    resumed = make(AAEEmotionRegressor, checkpoint=path, **params).fit(X, y)
    assert resumed.n_iter_ == expected.n_iter_ == 9
    assert_array_equal(resumed.predict(X), expected.predict(X))
    assert resumed.history_["supervised_loss"].iloc[:4].isna().all()


@pytest.mark.parametrize(
    "changed",
    [
        dict(style_adversarial_weight=0.5),
        dict(reconstruction_weight=0.5),
        dict(adversarial_every=2),
        dict(gradient_penalty=1.0),
        dict(pretrain_iter=1),
    ],
)
def test_checkpoint_of_other_phase_settings_is_refused(changed, emotion_data, tmp_path):
    X, y, _ = emotion_data
    path = tmp_path / "run.ckpt"
    make(AAEEmotionRegressor, max_iter=2, checkpoint=path, checkpoint_every=1).fit(X, y)
    with pytest.raises(ValueError, match="written for other data or parameters"):
        make(AAEEmotionRegressor, max_iter=4, checkpoint=path, **changed).fit(X, y)


def test_checkpoint_of_other_data_is_refused(emotion_data, tmp_path):
    X, y, _ = emotion_data
    path = tmp_path / "run.ckpt"
    make(AAEEmotionRegressor, max_iter=2, checkpoint=path, checkpoint_every=1).fit(X, y)
    with pytest.raises(ValueError, match="written for other data or parameters"):
        make(AAEEmotionRegressor, max_iter=4, checkpoint=path).fit(X + 1, y)
    with pytest.raises(ValueError, match="written for other data or parameters"):
        make(AAEEmotionRegressor, max_iter=4, checkpoint=path, style_dim=3).fit(X, y)


@pytest.mark.parametrize(
    "content",
    [b"", b"not a checkpoint", pickle.dumps({"fingerprint": "x"})],
    ids=["empty", "text", "pickle"],
)
def test_unreadable_checkpoint_is_an_error(content, emotion_data, tmp_path):
    X, y, _ = emotion_data
    path = tmp_path / "run.ckpt"
    path.write_bytes(content)
    with pytest.raises(ValueError, match="cannot be read as a checkpoint"):
        make(SupervisedEmotionRegressor, checkpoint=path).fit(X, y)


def test_checkpoint_cannot_run_code(emotion_data, tmp_path):
    X, y, _ = emotion_data
    marker = tmp_path / "ran"

    class Payload:
        def __reduce__(self):
            return (os.mkdir, (str(marker),))

    path = tmp_path / "run.ckpt"
    torch.save({"fingerprint": Payload()}, path)
    with pytest.raises(ValueError, match="cannot be read as a checkpoint"):
        make(SupervisedEmotionRegressor, checkpoint=path).fit(X, y)
    assert not marker.exists()


def test_gradient_clipping_is_recorded(emotion_data):
    X, y, _ = emotion_data
    with pytest.warns(UserWarning, match=r"clipped to max_grad_norm=0.01 in \d+"):
        model = make(AAEEmotionRegressor, max_iter=3, max_grad_norm=0.01).fit(X, y)
    assert (model.history_["clipped_steps"] > 0).all()
    assert (model.history_["grad_norm"] > 0.01).all()
    loose = make(AAEEmotionRegressor, max_iter=3, max_grad_norm=1e6).fit(X, y)
    assert (loose.history_["clipped_steps"] == 0).all()
    # Without clipping, no norm is computed (it would cost time on every step).
    free = make(AAEEmotionRegressor, max_iter=3).fit(X, y)
    assert "grad_norm" not in free.history_


def test_discriminator_collapse_is_reported(emotion_data):
    X, y, _ = emotion_data
    # A frozen generator (adversarial_weight tiny) and a strong discriminator,
    # seeing clean inputs, facing a prior far from the codes: the
    # discriminators win outright.
    params = dict(
        max_iter=8,
        adversarial_weight=1e-9,
        discriminator_weight=1.0,
        instance_noise=0.0,
        style_prior="uniform",
        discriminator_layer_sizes=(64, 64),
        learning_rate_init=0.01,
    )
    with pytest.warns(UserWarning, match="The discriminators told codes from prior"):
        model = make(AAEEmotionRegressor, **params).fit(X, y)
    assert model.history_["discriminator_accuracy"].iloc[-1] >= 0.99


def test_healthy_training_reports_no_collapse(emotion_data, recwarn):
    X, y, _ = emotion_data
    model = make(AAEEmotionRegressor, max_iter=5).fit(X, y)
    accuracy = model.history_["discriminator_accuracy"]
    assert ((accuracy > 0) & (accuracy < 0.99)).all()
    assert not [w for w in recwarn if "discriminators told" in str(w.message)]


def test_non_finite_gradient_stops_training(emotion_data, monkeypatch):
    X, y, _ = emotion_data

    def nan_norm(tensors, *args, **kwargs):
        return torch.tensor(float("nan"))

    monkeypatch.setattr(torch.nn.utils, "get_total_norm", nan_norm)
    with pytest.raises(FloatingPointError, match="gradient of the supervised loss"):
        make(SupervisedEmotionRegressor, max_iter=3, max_grad_norm=1.0).fit(X, y)


@pytest.mark.slow
@pytest.mark.parametrize("labeled", [1.0, 0.25])
def test_discriminators_stay_in_the_game_in_a_default_fit(labeled):
    # The bundled RAVDESS table, default parameters: neither discriminator may
    # win outright, or the regularisation phase stops shaping the codes.
    data = load_ravdess_features()
    y = data.target.copy()
    unlabeled = np.random.default_rng(0).random(len(y)) > labeled
    y[unlabeled] = np.nan
    model = AAEEmotionRegressor(random_state=0).fit(data.data, y)
    last = model.history_.iloc[-5:]
    for part in ("emotion", "style"):
        accuracy = last[f"{part}_discriminator_accuracy"]
        assert (accuracy < 0.9).all(), part


@pytest.mark.slow
def test_checkpoint_with_a_callable_scoring_resumes_in_a_new_process(tmp_path):
    # The fingerprint once hashed repr(params): a function's memory address made
    # every new process refuse the checkpoint of the last one.
    script = tmp_path / "fit.py"
    script.write_text(
        "import sys, warnings\n"
        "import numpy as np\n"
        "from aae_sklearn import SupervisedEmotionRegressor\n"
        "from aae_sklearn.datasets import make_emotion_regression\n"
        "from aae_sklearn.metrics import concordance_correlation_coefficient\n"
        "warnings.simplefilter('ignore')\n"
        "X, y = make_emotion_regression(n_samples=120, random_state=0)\n"
        "model = SupervisedEmotionRegressor(\n"
        "    hidden_layer_sizes=(8,), max_iter=int(sys.argv[2]),\n"
        "    early_stopping=True, n_iter_no_change=50, random_state=0,\n"
        "    scoring=lambda t, p: concordance_correlation_coefficient(t, p),\n"
        "    checkpoint=sys.argv[1], checkpoint_every=1,\n"
        ").fit(X, y)\n"
        "print(model.n_iter_)\n"
    )
    path = str(tmp_path / "run.ckpt")
    run = [sys.executable, str(script), path]
    first = subprocess.run([*run, "2"], capture_output=True, text=True, check=True)
    assert first.stdout.split() == ["2"]
    second = subprocess.run([*run, "4"], capture_output=True, text=True)
    assert second.returncode == 0, second.stderr
    assert second.stdout.split() == ["4"]


def test_warnings_point_at_the_callers_line(emotion_data):
    X, y, _ = emotion_data
    model = make(SupervisedEmotionRegressor, early_stopping=True, max_iter=2)
    with pytest.warns(ConvergenceWarning) as caught:
        model.fit(X, y)
    assert {w.filename for w in caught} == {__file__}
