"""Both estimators on variable-length sequences of frame features."""

import pickle

import numpy as np
import pytest
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.base import clone
from sklearn.model_selection import GroupKFold, cross_val_score

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.metrics import ccc_scorer, concordance_correlation_coefficient

from .conftest import as_object_array, nan_padded

ESTIMATORS = [SupervisedEmotionRegressor, AAEEmotionRegressor]
SMALL = dict(hidden_layer_sizes=(16, 16), batch_size=32, max_iter=15, random_state=0)
pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def make(Estimator, **params):
    extra = {"style_dim": 6} if Estimator is AAEEmotionRegressor else {}
    return Estimator(**{**SMALL, **extra, **params})


@pytest.mark.slow
@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("encoder", ["cnn", "gru"])
def test_learns_statistics_of_the_frames(Estimator, encoder, emotion_sequences):
    X, y, _ = emotion_sequences
    model = make(Estimator, encoder=encoder, max_iter=40, learning_rate_init=3e-3)
    model.fit(X[:100], y[:100])
    assert model.n_features_in_ == 6
    pred = model.predict(X[100:])
    ccc = concordance_correlation_coefficient(y[100:], pred, multioutput="raw_values")
    # The level of feature 0 is the easiest statistic to read from frames.
    assert ccc[0] > 0.5


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_list_object_array_and_padded_array_agree(Estimator, emotion_sequences):
    X, y, _ = emotion_sequences
    fits = [
        make(Estimator, max_iter=3).fit(form, y)
        for form in (X, as_object_array(X), nan_padded(X))
    ]
    predictions = [model.predict(X) for model in fits]
    assert_allclose(predictions[1], predictions[0], rtol=1e-5, atol=1e-6)
    assert_allclose(predictions[2], predictions[0], rtol=1e-5, atol=1e-6)
    assert_allclose(fits[0].predict(nan_padded(X)), predictions[0], atol=1e-5)


def test_auto_encoder_follows_the_input(emotion_sequences, emotion_data):
    X, y, _ = emotion_sequences
    model = make(AAEEmotionRegressor, max_iter=2).fit(X, y)
    assert type(model.net_.module_).__name__ == "CNNEncoder"
    assert type(model.net_.decoder_).__name__ == "StatsDecoder"
    X2, y2, _ = emotion_data
    model.fit(X2, y2)
    assert type(model.net_.module_).__name__ == "MLPEncoder"


def test_transform_gives_utterance_level_codes(emotion_sequences):
    X, y, _ = emotion_sequences
    model = make(AAEEmotionRegressor, max_iter=2).fit(X, y)
    code = model.transform(X[:5])
    assert code.shape == (5, 3 + 6)
    assert_allclose(model.predict(X[:5]), code[:, :3] * model._y_scale + model._y_mean)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_history_and_early_stopping(Estimator, emotion_sequences):
    X, y, _ = emotion_sequences
    model = make(Estimator, max_iter=30, n_iter_no_change=3, early_stopping=True)
    model.fit(X, y)
    assert model.n_iter_ == len(model.history_) <= 30
    assert np.isfinite(model.history_["valid_score"]).all()
    scores = model.history_["valid_score"]
    assert model.best_score_ in scores.to_numpy()
    # A later gain smaller than tol does not make a new best epoch.
    assert 0 <= scores.max() - model.best_score_ <= model.tol


def test_verbose_shows_the_phase_losses(emotion_sequences, capsys):
    X, y, _ = emotion_sequences
    make(AAEEmotionRegressor, max_iter=2, verbose=1).fit(X, y)
    assert "reconstruction_loss" in capsys.readouterr().out


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_same_random_state_same_predictions(Estimator, emotion_sequences):
    X, y, _ = emotion_sequences
    first = make(Estimator, max_iter=3).fit(X, y).predict(X)
    again = make(Estimator, max_iter=3).fit(X, y).predict(X)
    assert_array_equal(first, again)


def test_unlabeled_sequences_change_only_the_aae(emotion_sequences):
    X, y, _ = emotion_sequences
    y_part = y.copy()
    y_part[60:] = np.nan
    other = X[:60] + [2.0 * s[::-1] for s in X[60:]]
    for Estimator, changes in [
        (SupervisedEmotionRegressor, False),
        (AAEEmotionRegressor, True),
    ]:
        a = make(Estimator, max_iter=3).fit(X, y_part).predict(X[:10])
        b = make(Estimator, max_iter=3).fit(other, y_part).predict(X[:10])
        assert (not np.array_equal(a, b)) is changes


def test_x_unlabeled_and_partial_fit_unlabeled_take_sequences(emotion_sequences):
    X, y, _ = emotion_sequences
    model = make(AAEEmotionRegressor, max_iter=2)
    model.fit(X[:60], y[:60], X_unlabeled=X[60:])
    assert model.net_.history[-1, "batches"]  # ran on labeled and unlabeled rows
    # A full-size reconstruction step ("auto" is 0.01 on sequences), so that
    # one pass over a chunk shows.
    streamed = make(
        AAEEmotionRegressor, max_iter=3, warm_start=True, reconstruction_weight=1.0
    )
    losses = []
    for _ in range(2):
        for start in range(0, 120, 40):
            streamed.partial_fit_unlabeled(X[start : start + 40])
            losses.append(streamed.history_["reconstruction_loss"].iloc[-1])
    # The second pass over the first chunk reconstructs it better.
    assert losses[3] < losses[0]
    streamed.fit(X[:60], y[:60])
    assert streamed.predict(X[60:]).shape == (60, 3)


def test_cross_validation_grouped_by_speaker(emotion_sequences):
    X, y, groups = emotion_sequences
    for Estimator in ESTIMATORS:
        scores = cross_val_score(
            make(Estimator, max_iter=5),
            np.asarray(as_object_array(X)),
            y,
            groups=groups,
            cv=GroupKFold(3),
            scoring=ccc_scorer,
        )
        assert scores.shape == (3,) and np.isfinite(scores).all()


def test_pickle_and_clone(emotion_sequences):
    X, y, _ = emotion_sequences
    model = make(AAEEmotionRegressor, encoder="gru", max_iter=2).fit(X, y)
    restored = pickle.loads(pickle.dumps(model))
    assert_array_equal(restored.predict(X), model.predict(X))
    assert clone(model).get_params()["encoder"] == "gru"


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_bad_sequences_are_rejected(Estimator, emotion_sequences):
    X, y, _ = emotion_sequences
    empty = X[:3] + [np.zeros((0, 6))]
    with pytest.raises(ValueError, match="Sequence 3 of X is empty"):
        make(Estimator).fit(empty, y[:4])
    with pytest.raises(ValueError, match="Sequence 1 of X has 5 features"):
        make(Estimator).fit([X[0], X[1][:, :5]], y[:2])
    nan_frame = [s.copy() for s in X[:4]]
    nan_frame[2][4, 1] = np.nan
    with pytest.raises(ValueError, match=r"Sequence 2 of X contains NaN \(first in "):
        make(Estimator).fit(nan_frame, y[:4])
    with pytest.raises(ValueError, match="X has 4 rows but y has 5"):
        make(Estimator).fit(X[:4], y[:5])


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_predict_checks_the_kind_and_width(Estimator, emotion_sequences):
    X, y, _ = emotion_sequences
    model = make(Estimator, max_iter=1).fit(X, y)
    with pytest.raises(ValueError, match="fitted on frame sequences"):
        model.predict(np.zeros((3, 6)))
    with pytest.raises(ValueError, match="has 4 features per frame, but fit had 6"):
        model.predict([np.zeros((5, 4))])
    vectors = make(Estimator, max_iter=1).fit(np.ones((20, 6)), np.ones((20, 3)))
    with pytest.raises(ValueError, match="fitted on feature vectors"):
        vectors.predict(X[:2])


@pytest.mark.parametrize(
    "encoder, X_kind, match",
    [
        ("mlp", "sequences", "encoder='mlp' takes 2-D feature vectors"),
        ("cnn", "vectors", "encoder='cnn' takes sequences"),
        ("gru", "vectors", "encoder='gru' takes sequences"),
    ],
)
def test_encoder_must_suit_the_input(encoder, X_kind, match, emotion_sequences):
    X, y, _ = emotion_sequences
    if X_kind == "vectors":
        X = np.ones((len(y), 6))
    with pytest.raises(ValueError, match=match):
        make(AAEEmotionRegressor, encoder=encoder).fit(X, y)


def test_far_out_frames_are_flagged_by_row(emotion_sequences):
    X, y, _ = emotion_sequences
    model = make(SupervisedEmotionRegressor, max_iter=1).fit(X, y)
    odd = [s.copy() for s in X[:3]]
    odd[1][5, 2] = 1e4
    with pytest.warns(UserWarning, match="worst: feature 2 of row 1"):
        model.predict(odd)


def test_frame_statistics_of_padded_sequences():
    import torch

    from aae_sklearn._training._data import frame_statistics

    rng = np.random.default_rng(0)
    sequences = [rng.normal(size=(n, 3)) for n in (4, 9, 1)]
    padded = torch.as_tensor(np.nan_to_num(nan_padded(sequences)))
    stats = frame_statistics(padded, torch.tensor([4, 9, 1])).numpy()
    expected = [np.hstack([s.mean(axis=0), s.std(axis=0)]) for s in sequences]
    assert_allclose(stats, expected, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("frame_decoder", ["frames", "stats"])
def test_frame_decoder_chooses_what_is_reconstructed(
    frame_decoder, emotion_sequences, tmp_path
):
    from aae_sklearn import load

    X, y, _ = emotion_sequences
    model = make(AAEEmotionRegressor, frame_decoder=frame_decoder, max_iter=3)
    model.fit(X[:60], y[:60])
    net = model.net_
    decoder = type(net.decoder_).__name__
    assert (
        decoder == {"frames": "SequenceDecoder", "stats": "StatsDecoder"}[frame_decoder]
    )
    # "auto": the weight of vectors for the statistics, 0.01 for every frame.
    assert net.reconstruction_weight == {"frames": 0.01, "stats": 0.6}[frame_decoder]
    assert np.isfinite(model.history_["reconstruction_loss"]).all()
    model.save(tmp_path / "model.safetensors")
    loaded = load(tmp_path / "model.safetensors")
    assert_allclose(loaded.predict(X[60:70]), model.predict(X[60:70]))
    # Vectors are reconstructed whole whatever frame_decoder says.
    vectors = np.array([x.mean(axis=0) for x in X[:60]])
    fitted = make(AAEEmotionRegressor, frame_decoder=frame_decoder, max_iter=2)
    assert type(fitted.fit(vectors, y[:60]).net_.decoder_).__name__ == "MLPDecoder"


@pytest.mark.slow
@pytest.mark.parametrize("Estimator", ESTIMATORS)
@pytest.mark.parametrize("encoder", ["cnn", "gru"])
def test_frame_pooling_averages_frames_before_the_encoder(
    Estimator, encoder, emotion_sequences
):
    X, y, _ = emotion_sequences
    pooled = make(Estimator, encoder=encoder, frame_pooling=3, max_iter=2).fit(X, y)
    assert pooled.net_.module_.pooling == 3
    # With pooling 1 the same weights see every frame: another prediction.
    every = clone(pooled).set_params(frame_pooling=1)
    every.fit(X, y)
    every.net_.module_.load_state_dict(pooled.net_.module_.state_dict())
    assert not np.allclose(every.predict(X[:10]), pooled.predict(X[:10]))
    # A sequence shorter than one run still gets a code.
    short = [x[:2] for x in X[:3]]
    assert np.isfinite(pooled.predict(short)).all()


@pytest.mark.parametrize("frame_pooling", [0, 1.5, "4"])
def test_frame_pooling_must_be_a_positive_int(frame_pooling, emotion_sequences):
    X, y, _ = emotion_sequences
    model = make(AAEEmotionRegressor, frame_pooling=frame_pooling)
    with pytest.raises(ValueError, match="frame_pooling"):
        model.fit(X, y)


@pytest.mark.parametrize("Estimator", ESTIMATORS)
def test_auto_layer_sizes_follow_the_input(Estimator, emotion_sequences, emotion_data):
    X, y, _ = emotion_sequences
    model = Estimator(max_iter=1, random_state=0).fit(X[:40], y[:40])
    assert model.hidden_layer_sizes == "auto"
    convs = model.net_.module_.convs
    assert [conv.out_channels for conv in convs] == [64, 64]
    X2, y2, _ = emotion_data
    model.fit(X2[:40], y2[:40])
    linears = [m for m in model.net_.module_.layers if hasattr(m, "out_features")]
    assert [m.out_features for m in linears[:-1]] == [256, 128]
