"""GroupStandardScaler: standardising features per group (speaker)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import sklearn
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import Ridge
from sklearn.model_selection import GroupKFold, cross_val_score, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from aae_sklearn.datasets import load_ravdess_features
from aae_sklearn.features import GroupStandardScaler


def standardized(X):
    """``X`` standardised over its rows, as StandardScaler does it."""
    return StandardScaler().fit_transform(X)


@pytest.fixture
def speakers():
    """(X, groups): 4 speakers of 10 rows, each with its own level and spread."""
    rng = np.random.default_rng(0)
    groups = np.repeat(["ann", "bob", "cat", "dan"], 10)
    level = np.repeat(rng.normal(scale=10, size=(4, 3)), 10, axis=0)
    spread = np.repeat(rng.uniform(0.5, 5, size=(4, 3)), 10, axis=0)
    return level + spread * rng.normal(size=(40, 3)), groups


def test_each_group_gets_mean_0_and_std_1(speakers):
    X, groups = speakers
    scaler = GroupStandardScaler()
    out = scaler.fit_transform(X, groups=groups)
    assert_array_equal(scaler.groups_, ["ann", "bob", "cat", "dan"])
    assert scaler.n_groups_ == 4
    assert scaler.mean_.shape == scaler.scale_.shape == (4, 3)
    for k, group in enumerate(scaler.groups_):
        rows = groups == group
        assert_allclose(scaler.mean_[k], X[rows].mean(axis=0))
        assert_allclose(scaler.scale_[k], X[rows].std(axis=0))
        assert_allclose(out[rows], standardized(X[rows]))


def test_fitted_groups_keep_their_fitted_statistics(speakers):
    X, groups = speakers
    scaler = GroupStandardScaler().fit(X, groups=groups)
    subset = np.flatnonzero(np.isin(groups, ["bob", "dan"]))[::3]
    out = scaler.transform(X[subset], groups=groups[subset])
    k = np.searchsorted(scaler.groups_, groups[subset])
    assert_allclose(out, (X[subset] - scaler.mean_[k]) / scaler.scale_[k])
    # Not the subset's own statistics: transform does not refit a known group.
    assert not np.allclose(out[groups[subset] == "bob"].mean(axis=0), 0)


def test_an_unseen_group_is_standardised_on_its_own_rows(speakers):
    X, groups = speakers
    train = groups != "dan"
    scaler = GroupStandardScaler().fit(X[train], groups=groups[train])
    out = scaler.transform(X, groups=groups)
    assert_allclose(out[~train], standardized(X[~train]))
    assert_allclose(out[train], scaler.transform(X[train], groups=groups[train]))
    assert_array_equal(scaler.groups_, ["ann", "bob", "cat"])


@settings(max_examples=30, deadline=None)
@given(
    X=arrays(
        np.float64,
        st.tuples(st.just(12), st.integers(1, 4)),
        # Three decimals: differences far above rounding, as in real features.
        elements=st.integers(-(10**6), 10**6).map(lambda v: v / 1000),
    ),
    groups=arrays(np.int64, 12, elements=st.integers(0, 2)),
)
def test_every_group_of_two_or_more_rows_is_standardised(X, groups):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # groups of one row
        out = GroupStandardScaler().fit_transform(X, groups=groups)
    assert out.shape == X.shape and np.isfinite(out).all()
    for group in np.unique(groups):
        rows = out[groups == group]
        assert_allclose(rows.mean(axis=0), 0, atol=1e-9)
        # A feature constant in a group stays 0 (scale 1); the others get std 1.
        std = rows.std(axis=0)
        assert np.all(np.isclose(std, 1, rtol=1e-6) | np.isclose(std, 0, atol=1e-9))


@pytest.mark.parametrize("with_mean, with_std", [(False, True), (True, False)])
def test_mean_and_scale_can_be_left_alone(with_mean, with_std):
    X = np.array([[1.0], [3.0], [10.0], [30.0]])
    scaler = GroupStandardScaler(with_mean=with_mean, with_std=with_std)
    out = scaler.fit_transform(X, groups=[0, 0, 1, 1]).ravel()
    expected = {(False, True): [1, 3, 1, 3], (True, False): [-1, 1, -10, 10]}
    assert_allclose(out, expected[with_mean, with_std])


def test_without_groups_it_is_a_standard_scaler(speakers):
    X, _ = speakers
    scaler = GroupStandardScaler().fit(X)
    reference = StandardScaler().fit(X)
    assert scaler.groups_ is None and scaler.n_groups_ == 1
    assert_allclose(scaler.mean_, reference.mean_[np.newaxis])
    assert_allclose(scaler.scale_, reference.scale_[np.newaxis])
    assert_allclose(scaler.transform(X[:5]), reference.transform(X[:5]))


def test_nan_is_ignored_in_fit_and_kept_in_transform(speakers):
    X, groups = speakers
    X = X.copy()
    X[[0, 3, 15], [0, 2, 1]] = np.nan
    out = GroupStandardScaler().fit_transform(X, groups=groups)
    assert_array_equal(np.isnan(out), np.isnan(X))
    for group in np.unique(groups):
        rows = groups == group
        expected = StandardScaler().fit_transform(X[rows])
        assert_allclose(out[rows], expected, equal_nan=True)


def test_a_constant_feature_of_a_group_gets_scale_1():
    X = np.array([[5.0, 1.0], [5.0, 3.0], [0.0, 0.0], [2.0, 2.0]])
    scaler = GroupStandardScaler().fit(X, groups=["a", "a", "b", "b"])
    assert_allclose(scaler.scale_, [[1.0, 1.0], [1.0, 1.0]])
    assert_allclose(scaler.transform(X, groups=["a", "a", "b", "b"])[:2, 0], 0)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_keeps_the_float_dtype(speakers, dtype):
    X, groups = speakers
    scaler = GroupStandardScaler().fit(X.astype(dtype), groups=groups)
    assert scaler.transform(X.astype(dtype), groups=groups).dtype == dtype
    assert scaler.mean_.dtype == np.float64


def test_takes_the_groups_from_a_dataframe_column(speakers):
    X, groups = speakers
    frame = pd.DataFrame(X, columns=["pitch", "loudness", "jitter"])
    frame.insert(1, "speaker", groups)
    scaler = GroupStandardScaler(group_column="speaker")
    out = scaler.fit_transform(frame)
    assert_allclose(out, GroupStandardScaler().fit_transform(X, groups=groups))
    assert_array_equal(scaler.groups_, ["ann", "bob", "cat", "dan"])
    assert scaler.n_features_in_ == 4
    assert_array_equal(scaler.feature_names_in_, frame.columns)
    assert_array_equal(scaler.get_feature_names_out(), ["pitch", "loudness", "jitter"])
    unseen = frame.assign(speaker="eve")
    assert_allclose(scaler.transform(unseen), standardized(X))


def test_pandas_output_drops_the_group_column_and_keeps_the_index(speakers):
    X, groups = speakers
    frame = pd.DataFrame(X, columns=["a", "b", "c"], index=np.arange(40) * 2)
    frame["speaker"] = groups
    scaler = GroupStandardScaler(group_column="speaker").set_output(transform="pandas")
    out = scaler.fit_transform(frame)
    assert isinstance(out, pd.DataFrame)
    assert list(out.columns) == ["a", "b", "c"]
    assert_array_equal(out.index, frame.index)
    assert_allclose(out.to_numpy(), scaler.transform(frame).to_numpy())


@pytest.mark.parametrize(
    "make_call, match",
    [
        (
            lambda X, g: GroupStandardScaler(group_column="speaker").fit(
                pd.DataFrame(X).assign(speaker=g), groups=g
            ),
            "given twice.*'speaker'",
        ),
        (
            lambda X, g: GroupStandardScaler(group_column="speaker").fit(X),
            "group_column='speaker'.*DataFrame.*ndarray",
        ),
        (
            lambda X, g: GroupStandardScaler(group_column="speaker").fit(
                pd.DataFrame(X, columns=["a", "b", "c"])
            ),
            "no column 'speaker'",
        ),
        (
            lambda X, g: GroupStandardScaler().fit(X, groups=g[:-1]),
            r"one label per row of X \(40 rows\).*\(39,\)",
        ),
        (
            lambda X, g: GroupStandardScaler().fit(X, groups=g.reshape(20, 2)),
            r"one label per row.*\(20, 2\)",
        ),
        (
            lambda X, g: GroupStandardScaler().fit(X, groups=[None] + ["a"] * 39),
            "comparable",
        ),
        (
            lambda X, g: GroupStandardScaler().fit(X, groups=g).transform(X),
            "fitted with groups.*set_transform_request.*group_column",
        ),
        (
            lambda X, g: GroupStandardScaler().fit(X).transform(X, groups=g),
            "fitted without groups",
        ),
        (
            lambda X, g: GroupStandardScaler().fit(X, groups=g).transform(X[:, :2]),
            "X has 2 features, but GroupStandardScaler is expecting 3",
        ),
    ],
)
def test_misuse_is_a_clear_error(speakers, make_call, match):
    X, groups = speakers
    with pytest.raises(ValueError, match=match):
        make_call(X, groups)


def test_transform_before_fit_is_an_error(speakers):
    X, groups = speakers
    with pytest.raises(NotFittedError):
        GroupStandardScaler().transform(X, groups=groups)


def test_a_single_row_group_warns_and_is_only_centred(speakers):
    X, groups = speakers
    groups = groups.copy()
    groups[0] = "zoe"
    with pytest.warns(UserWarning, match=r"1 group\(s\) with a single row in fit: "):
        scaler = GroupStandardScaler().fit(X, groups=groups)
    k = list(scaler.groups_).index("zoe")
    assert_allclose(scaler.mean_[k], X[0])
    assert_allclose(scaler.scale_[k], 1)
    new = np.array(["eve", "eve", "fay", "gus"])
    with pytest.warns(UserWarning, match=r"2 group\(s\).*\['fay', 'gus'\].*several"):
        out = scaler.transform(X[:4], groups=new)
    assert_allclose(out[2:], 0)
    assert_allclose(out[:2], standardized(X[:2]))


def test_groups_are_routed_through_a_pipeline(speakers):
    X, groups = speakers
    y = X @ [1.0, -1.0, 0.5]
    train = groups != "dan"
    with sklearn.config_context(enable_metadata_routing=True):
        model = make_pipeline(
            GroupStandardScaler()
            .set_fit_request(groups=True)
            .set_transform_request(groups=True),
            Ridge(),
        )
        model.fit(X[train], y[train], groups=groups[train])
        y_pred = model.predict(X[~train], groups=groups[~train])
        scaler, ridge = model[0], model[-1]
        assert_allclose(y_pred, ridge.predict(standardized(X[~train])))
        assert_array_equal(scaler.groups_, ["ann", "bob", "cat"])
        with pytest.raises(ValueError, match="fitted with groups"):
            model.predict(X[~train])


class RecordingRidge(Ridge):
    """Ridge that keeps the rows it last predicted, to see what the scaler gave."""

    def predict(self, X):
        self.X_predicted_ = np.asarray(X)
        return super().predict(X)


def test_cross_validation_normalises_each_test_speaker_on_its_own_rows():
    data = load_ravdess_features()
    frame = pd.DataFrame(data.data, columns=data.feature_names).assign(
        actor=data.groups
    )
    cv = GroupKFold(n_splits=4)
    # No metadata reaches predict inside cross-validation: the column does it.
    model = make_pipeline(GroupStandardScaler(group_column="actor"), RecordingRidge())
    result = cross_validate(
        model,
        frame,
        data.target,
        groups=data.groups,
        cv=cv,
        return_estimator=True,
        return_indices=True,
    )
    for fitted, test in zip(
        result["estimator"], result["indices"]["test"], strict=True
    ):
        assert not np.isin(data.groups[test], fitted[0].groups_).any()
        expected = np.empty((len(test), data.data.shape[1]))
        for actor in np.unique(data.groups[test]):
            rows = data.groups[test] == actor
            expected[rows] = standardized(data.data[test][rows])
        assert_allclose(fitted[-1].X_predicted_, expected, atol=1e-10)
    # Per-speaker statistics are the point: they must not score worse than
    # global ones (on RAVDESS they score much better).
    pooled = cross_val_score(
        make_pipeline(StandardScaler(), Ridge()),
        data.data,
        data.target,
        groups=data.groups,
        cv=cv,
    )
    assert result["test_score"].mean() > pooled.mean()
