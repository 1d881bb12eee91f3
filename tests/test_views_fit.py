"""Augmented views in ``fit``: ``sources`` ties each view to its recording, for
the validation split, the labels and the consistency phase's teacher."""

import numpy as np
import pytest
import sklearn
import torch
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.model_selection import GroupKFold, cross_val_score

from aae_sklearn import (
    AAEEmotionClassifier,
    AAEEmotionRegressor,
    SupervisedEmotionClassifier,
    SupervisedEmotionRegressor,
)
from aae_sklearn._training import AAENet
from aae_sklearn._training._data import view_members
from aae_sklearn.utils._validation import check_sources, split_validation

from .conftest import make_fast

N_VIEWS = 2


def with_views(X, y, seed=0):
    """``X`` and ``N_VIEWS`` noisy copies of each row (views), their targets
    and each row's recording (its position in ``X``), recordings first."""
    rng = np.random.default_rng(seed)
    if isinstance(X, list):
        views = [[x + 0.1 * rng.normal(size=x.shape) for x in X] for _ in "ab"]
        X_all = [*X, *views[0], *views[1]]
    else:
        X_all = np.vstack([X, *(X + 0.1 * rng.normal(size=X.shape) for _ in "ab")])
    y_all = np.concatenate([y] * (N_VIEWS + 1))
    sources = np.tile(np.arange(len(y)), N_VIEWS + 1)
    return X_all, y_all, sources


def _hide(y, rows, task):
    y = y.copy()
    if task == "classes":
        y[rows] = -1
    else:
        y[rows] = np.nan
    return y


def _classes(y):
    return (y[:, 0] > 0).astype(int) + (y[:, 1] > 0)


@pytest.fixture
def view_data(emotion_data):
    X, y, _ = emotion_data
    return with_views(X, y)


# -- the recordings ---------------------------------------------------------


def test_view_members_lists_the_rows_of_each_rows_recording():
    members = view_members(torch.tensor([3, 1, 3, 2, 1, 3]))
    expected = [[0, 2, 5], [1, 4, -1], [0, 2, 5], [3, -1, -1], [1, 4, -1], [0, 2, 5]]
    assert members.tolist() == expected


def test_the_validation_split_keeps_a_recording_with_its_views():
    rng = np.random.default_rng(0)
    sources = np.tile(np.arange(50), 3)
    Y = rng.normal(size=(150, 2))
    Y[sources >= 40] = np.nan  # ten recordings unlabeled, views and all
    for seed in range(20):
        train, valid = split_validation(Y, 0.2, np.random.RandomState(seed), sources)
        assert not set(sources[train]) & set(sources[valid])
        assert np.isin(sources[valid], np.arange(40)).all()
        assert len(np.unique(sources[valid])) == 8  # 20 % of the 40 labeled
        assert_array_equal(np.sort(np.concatenate([train, valid])), np.arange(150))


@pytest.mark.parametrize(
    ("sources", "message"),
    [
        (np.arange(5), "one value per row"),
        (np.array([0, 1, None, 3, 4, 5]), "missing values"),
        (np.array([0, 0, 1, 1, 2, 2]), "views of source 1 have different targets"),
    ],
)
def test_bad_sources_are_refused(sources, message):
    Y = np.array([[1.0], [1.0], [2.0], [np.nan], [3.0], [3.0]])
    with pytest.raises(ValueError, match=message):
        check_sources(sources, Y)


@pytest.mark.parametrize(
    "Estimator",
    [
        AAEEmotionRegressor,
        AAEEmotionClassifier,
        SupervisedEmotionRegressor,
        SupervisedEmotionClassifier,
    ],
)
def test_a_labeled_view_of_an_unlabeled_recording_is_refused(view_data, Estimator):
    X, y, sources = view_data
    task = "classes" if "Classifier" in Estimator.__name__ else "dimensions"
    y = _classes(y) if task == "classes" else y
    y = _hide(y, np.flatnonzero(sources == 7)[:-1], task)  # one view keeps it
    with pytest.raises(ValueError, match="views of source 7 have different"):
        make_fast(Estimator, max_iter=1).fit(X, y, sources=sources)


# -- training -----------------------------------------------------------------


@pytest.mark.parametrize("task", ["dimensions", "classes"])
@pytest.mark.parametrize("view", ["dropout", "masking"])
def test_the_teacher_is_the_mean_code_of_a_recordings_views(
    view_data, task, view, monkeypatch
):
    X, y, sources = view_data
    y = _classes(y) if task == "classes" else y
    y = _hide(y, np.isin(sources, np.arange(0, 240, 3)), task)
    Estimator = AAEEmotionClassifier if task == "classes" else AAEEmotionRegressor
    seen = []
    original = AAENet._view_teacher

    def spy(self, members):
        teacher = original(self, members)
        seen.append((members.clone(), teacher, self.train_tensors_))
        return teacher

    monkeypatch.setattr(AAENet, "_view_teacher", spy)
    params = {"consistency_threshold": 0.0} if task == "classes" else {}
    model = make_fast(
        Estimator,
        max_iter=1,
        early_stopping=False,
        consistency_weight=1.0,
        consistency_view=view,
        **params,
    ).fit(X, y, sources=sources)
    assert seen and model.history_["consistency_loss"].notna().all()
    unlabeled = np.arange(0, 240, 3)
    for members, teacher, _ in seen:
        # Without early stopping, the training rows are X's, in order.
        assert (members >= 0).all()  # every recording has its 3 rows here
        owners = sources[members.numpy()]
        assert (owners == owners[:, :1]).all()  # one recording a row
        assert np.isin(owners, unlabeled).all()  # the unlabeled ones alone
        assert teacher.shape == (len(members), model.n_outputs_)
    # The teacher: the mean of the codes of the views, without dropout here.
    net = model.net_
    net.module_.eval()
    k = model.n_outputs_
    frames = torch.randn(len(sources), X.shape[1])
    net.train_tensors_ = (frames, torch.zeros(len(sources), 1))
    members = view_members(torch.as_tensor(sources))[:5]
    with torch.no_grad():
        expected = [net.module_(frames[row])[:, :k].mean(dim=0) for row in members]
        teacher = net._view_teacher(members)
    assert_allclose(teacher.numpy(), torch.stack(expected).numpy(), rtol=1e-5)


@pytest.mark.parametrize("task", ["dimensions", "classes"])
@pytest.mark.parametrize("kind", ["vectors", "sequences"])
def test_views_repeat_with_a_random_state(emotion_data, emotion_sequences, task, kind):
    X, y, _ = emotion_data if kind == "vectors" else emotion_sequences
    X, y, sources = with_views(X, y)
    y = _classes(y) if task == "classes" else y
    y = _hide(y, np.isin(sources, np.arange(0, len(y), 3)), task)
    Estimator = AAEEmotionClassifier if task == "classes" else AAEEmotionRegressor
    params = {"consistency_threshold": 0.0} if task == "classes" else {}
    fits = [
        make_fast(
            Estimator,
            max_iter=2,
            random_state=4,
            consistency_weight=1.0,
            consistency_view="masking",
            **params,
        ).fit(X, y, sources=sources)
        for _ in range(2)
    ]
    assert_array_equal(fits[0].transform(X), fits[1].transform(X))
    assert fits[0].history_["consistency_loss"].notna().all()


def test_without_sources_a_fit_is_as_before(view_data):
    """Each row a recording of its own: the same fit as without sources."""
    X, y, _ = view_data
    y = _hide(y, np.arange(0, len(y), 3), "dimensions")
    params = dict(max_iter=2, random_state=0, consistency_weight=1.0)
    plain = make_fast(AAEEmotionRegressor, **params).fit(X, y)
    own = make_fast(AAEEmotionRegressor, **params, consistency_view="masking")
    own = own.fit(X, y, sources=np.arange(len(y)))
    masked = make_fast(AAEEmotionRegressor, **params, consistency_view="masking")
    assert_allclose(own.predict(X), masked.fit(X, y).predict(X))
    assert plain.n_iter_ == 2


def test_sources_route_through_cross_validation(view_data):
    """Metadata routing: sources reach fit; speaker folds keep a recording's
    views on one side, as each recording has one speaker."""
    X, y, sources = view_data
    speakers = sources % 8
    model = make_fast(SupervisedEmotionRegressor, max_iter=2, early_stopping=True)
    with sklearn.config_context(enable_metadata_routing=True):
        model.set_fit_request(sources=True)
        scores = cross_val_score(
            model,
            X,
            y[:, 0],
            cv=GroupKFold(3),
            params={"sources": sources, "groups": speakers},
        )
    assert np.isfinite(scores).all()


@pytest.mark.parametrize("Estimator", [AAEEmotionRegressor, AAEEmotionClassifier])
def test_auto_consistency_is_on_with_views_and_off_without(view_data, Estimator):
    X, y, sources = view_data
    if Estimator is AAEEmotionClassifier:
        y = _hide(_classes(y), np.isin(sources, np.arange(0, 240, 3)), "classes")
    else:
        y = _hide(y, np.isin(sources, np.arange(0, 240, 3)), "dimensions")
    plain = make_fast(Estimator, max_iter=1).fit(X, y)
    assert plain.consistency_weight == "auto" and plain.consistency_view == "auto"
    assert plain.net_.consistency_weight == 0.0
    assert "consistency_loss" not in plain.history_
    views = make_fast(Estimator, max_iter=1).fit(X, y, sources=sources)
    assert views.net_.consistency_weight == 1.0
    assert views.net_.consistency_view == "masking"
    # The classifier's phase steps where the teacher is confident; it records
    # the share of such rows on every batch.
    recorded = "share" if Estimator is AAEEmotionClassifier else "loss"
    assert f"consistency_{recorded}" in views.history_
    # A value given wins over "auto".
    off = make_fast(Estimator, max_iter=1, consistency_weight=0.0)
    assert "consistency_loss" not in off.fit(X, y, sources=sources).history_
