"""How labeled and unlabeled rows share the unsupervised phases
(``unlabeled_ratio``)."""

import numpy as np
import pytest
import torch
from numpy.testing import assert_array_equal

from aae_sklearn import AAEEmotionClassifier, AAEEmotionRegressor
from aae_sklearn._training._data import Batches, SampledBatches

from .conftest import make_fast


def _rows_seen(model):
    """Rows that each epoch's reconstruction phase saw (the batch count is
    recorded per epoch; every batch but the last is full)."""
    return [len(epoch["batches"]) for epoch in model.net_.history]


def make(Estimator=AAEEmotionRegressor, **params):
    return make_fast(Estimator, early_stopping=False, **params)


def _pool(emotion_data, n_labeled, n_pool):
    X, y, _ = emotion_data
    rng = np.random.default_rng(0)
    pool = X[rng.integers(0, len(X), n_pool)] + rng.normal(0, 0.1, (n_pool, X.shape[1]))
    return X[:n_labeled], y[:n_labeled], pool


def test_batches_pass_over_the_rows_given_only():
    X = torch.arange(10.0)[:, None]
    dataset = torch.utils.data.TensorDataset(X, X)
    rows = torch.tensor([7, 2, 5])
    seen = torch.cat([b[0] for b in Batches(dataset, 2, shuffle=True, rows=rows)])
    assert sorted(seen.flatten().tolist()) == [2.0, 5.0, 7.0]
    assert len(Batches(dataset, 2, rows=rows)) == 2


def test_batches_over_every_row_shuffle_as_before():
    # rows=None must draw exactly the order of a plain randperm.
    X = torch.arange(50.0)[:, None]
    dataset = torch.utils.data.TensorDataset(X, X)
    torch.manual_seed(3)
    seen = torch.cat([b[0] for b in Batches(dataset, 8, shuffle=True)]).flatten()
    torch.manual_seed(3)
    assert_array_equal(seen.numpy(), torch.randperm(50).float().numpy())


@pytest.mark.parametrize("ratio, expected_rows", [(1.0, 120), (0.0, 60), (2.5, 210)])
def test_an_epoch_holds_the_labeled_rows_and_ratio_times_as_many_unlabeled(
    emotion_data, ratio, expected_rows
):
    X, y, pool = _pool(emotion_data, 60, 1000)
    model = make(max_iter=3, batch_size=30, unlabeled_ratio=ratio)
    model.fit(X, y, X_unlabeled=pool)
    assert _rows_seen(model) == [-(-expected_rows // 30)] * 3


def test_no_ratio_passes_over_every_row(emotion_data):
    X, y, pool = _pool(emotion_data, 60, 300)
    model = make(max_iter=2, batch_size=30, unlabeled_ratio=None)
    model.fit(X, y, X_unlabeled=pool)
    assert _rows_seen(model) == [12, 12]


def test_a_pool_smaller_than_the_ratio_is_used_whole(emotion_data):
    X, y, pool = _pool(emotion_data, 60, 30)
    model = make(max_iter=2, batch_size=30, unlabeled_ratio=3.0)
    model.fit(X, y, X_unlabeled=pool)
    assert _rows_seen(model) == [3, 3]


def test_each_epoch_draws_another_sample_of_the_pool(emotion_data, monkeypatch):
    X, y, pool = _pool(emotion_data, 40, 400)
    seen = []
    original = SampledBatches._pass_rows

    def record(self):
        rows = original(self)
        seen.append(set(rows.tolist()))
        return rows

    monkeypatch.setattr(SampledBatches, "_pass_rows", record)
    model = make(max_iter=3, unlabeled_ratio=1.0)
    model.fit(X, y, X_unlabeled=pool)
    assert len(seen) == 3
    labeled = set(range(40))
    assert all(labeled <= rows and len(rows) == 80 for rows in seen)
    assert seen[0] != seen[1] != seen[2]


def test_sampled_pool_fits_are_reproducible(emotion_data):
    X, y, pool = _pool(emotion_data, 60, 500)
    fits = [
        make(max_iter=3, unlabeled_ratio=1.0, random_state=4)
        .fit(X, y, X_unlabeled=pool)
        .predict(X)
        for _ in range(2)
    ]
    assert_array_equal(*fits)


def test_the_classifier_samples_its_pool_too(emotion_data):
    X, _, pool = _pool(emotion_data, 60, 600)
    classes = np.array(["a", "b", "c"])[np.arange(60) % 3]
    model = AAEEmotionClassifier(
        hidden_layer_sizes=(16,),
        max_iter=2,
        batch_size=30,
        unlabeled_ratio=1.0,
        random_state=0,
    ).fit(X, classes, X_unlabeled=pool)
    assert _rows_seen(model) == [4, 4]


def test_an_unlabeled_pass_covers_every_row(emotion_data):
    X, _, _ = emotion_data
    model = make(batch_size=30, unlabeled_ratio=0.5)
    model.partial_fit_unlabeled(X)
    assert _rows_seen(model) == [8]


def test_warm_start_takes_a_new_ratio(emotion_data):
    X, y, pool = _pool(emotion_data, 60, 600)
    model = make(
        max_iter=1,
        batch_size=30,
        unlabeled_ratio=1.0,
        warm_start=True,
    )
    model.fit(X, y, X_unlabeled=pool)
    model.set_params(unlabeled_ratio=3.0).fit(X, y, X_unlabeled=pool)
    assert _rows_seen(model) == [4, 8]


def test_the_default_ratio_bounds_a_large_pool(emotion_data):
    X, y, pool = _pool(emotion_data, 60, 2000)
    model = make(max_iter=1, batch_size=30).fit(X, y, X_unlabeled=pool)
    assert model.unlabeled_ratio == 0.5
    assert _rows_seen(model) == [3]  # 60 labeled + 30 drawn


def test_a_negative_ratio_is_refused(emotion_data):
    X, y, _ = emotion_data
    with pytest.raises(ValueError, match="unlabeled_ratio"):
        make(unlabeled_ratio=-1).fit(X, y)


def test_consistency_phase_runs_and_trains_the_encoder(emotion_data):
    X, y, pool = _pool(emotion_data, 60, 200)
    plain = make(max_iter=2).fit(X, y, X_unlabeled=pool)
    model = make(max_iter=2, consistency_weight=1.0).fit(X, y, X_unlabeled=pool)
    assert "consistency_loss" not in plain.history_
    assert (model.history_["consistency_loss"] > 0).all()
    assert not np.allclose(model.predict(X), plain.predict(X))
    (group,) = model.net_.optimizer_consistency_.param_groups
    assert group["lr"] == pytest.approx(model.learning_rate_init)


def test_no_consistency_phase_leaves_training_as_it_was(emotion_data):
    X, y, pool = _pool(emotion_data, 60, 200)
    fits = [
        make(max_iter=2, consistency_weight=w).fit(X, y, X_unlabeled=pool).predict(X)
        for w in (0.0, 0.0)
    ]
    assert_array_equal(*fits)
