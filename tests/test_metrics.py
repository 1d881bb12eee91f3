"""Tests for aae_sklearn.metrics."""

# License: BSD-3-Clause

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.datasets import make_regression
from sklearn.linear_model import Ridge
from sklearn.model_selection import KFold, cross_val_score

from aae_sklearn.metrics import (
    binned_accuracy,
    binned_accuracy_scorer,
    ccc_scorer,
    concordance_correlation_coefficient,
    valence_accuracy_scorer,
    valence_uar_scorer,
)

ccc = concordance_correlation_coefficient

# Two columns with hand-computed CCCs. Column 0: means 2 and 8/3, variances 2/3
# and 8/9, covariance 2/3, so CCC = (4/3) / (2/3 + 8/9 + 4/9) = 2/3. Column 1 is
# reversed about a common mean, so CCC = -1.
Y_TRUE = np.array([[1.0, 1.0], [2.0, 2.0], [3.0, 3.0]])
Y_PRED = np.array([[2.0, 3.0], [2.0, 2.0], [4.0, 1.0]])
CCC_RAW = np.array([2 / 3, -1.0])

# Classes with thresholds (-1/3, 1/3): true [0, 1, 1, 2, 2, 2], predicted
# [0, 1, 0, 1, 2, 2]. Accuracy 4/6; recalls 1/1, 1/2, 2/3, so UAR 13/18.
V_TRUE = [-0.9, -0.2, 0.0, 0.5, 0.9, 0.4]
V_PRED = [-0.5, 0.1, -0.6, 0.2, 0.8, 0.9]


def finite_pairs(max_abs=1e6):
    """Pairs of equal-shape float arrays, 1-D or 2-D, with at least 2 samples."""
    shapes = st.one_of(
        hnp.array_shapes(min_dims=1, max_dims=1, min_side=2, max_side=30),
        st.tuples(st.integers(2, 30), st.integers(1, 4)),
    )
    elements = st.floats(-max_abs, max_abs, allow_nan=False, allow_infinity=False)
    return shapes.flatmap(
        lambda shape: st.tuples(
            hnp.arrays(np.float64, shape, elements=elements),
            hnp.arrays(np.float64, shape, elements=elements),
        )
    )


@pytest.mark.parametrize("y", [[1.0, 2.0, 3.0], [-0.5, 0.25, 0.9, 0.0]])
def test_ccc_perfect_is_one(y):
    assert ccc(y, y) == 1.0


def test_ccc_reversed_is_minus_one():
    assert_allclose(ccc([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]), -1.0)


def test_ccc_hand_computed():
    assert_allclose(ccc(Y_TRUE[:, 0], Y_PRED[:, 0]), 2 / 3)
    assert_allclose(ccc([0, 1], [0, 2]), 2 / 3)


@pytest.mark.parametrize(
    "y_true, y_pred, expected",
    [
        ([2.0, 2.0, 2.0], [2.0, 2.0, 2.0], 1.0),
        ([2.0, 2.0, 2.0], [1.0, 1.0, 1.0], 0.0),
        ([1.0, 2.0, 3.0], [2.0, 2.0, 2.0], 0.0),
        ([0.1, 0.1, 0.1], [0.7, 0.1, -0.4], 0.0),
    ],
)
def test_ccc_constant_inputs(y_true, y_pred, expected):
    assert_allclose(ccc(y_true, y_pred), expected, atol=1e-12)


def test_ccc_rounding_never_exceeds_one():
    # Unclipped, rounding puts this nearly identical pair at 1 + 2.2e-16.
    assert ccc([0.13, -0.13, 0.64], [0.13, -0.13, 0.6400000000000001]) <= 1.0


def test_ccc_shift_lowers_score_below_pearson():
    y = np.array([1.0, 2.0, 3.0, 4.0])
    assert_allclose(ccc(y, y + 1), 2 * 1.25 / (2 * 1.25 + 1))


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("n_outputs", [1, 3])
def test_ccc_bounded_by_abs_pearson(seed, n_outputs):
    rng = np.random.default_rng(seed)
    y_true = rng.normal(size=(40, n_outputs))
    y_pred = 0.5 * y_true + rng.normal(scale=0.7, size=y_true.shape) + 0.3
    scores = ccc(y_true, y_pred, multioutput="raw_values")
    pearson = [np.corrcoef(y_true[:, j], y_pred[:, j])[0, 1] for j in range(n_outputs)]
    assert np.all(np.abs(scores) <= np.abs(pearson) + 1e-12)
    # The mean shift and scale mismatch make the bound strict here.
    assert np.all(np.abs(scores) < np.abs(pearson) - 1e-3)


@pytest.mark.parametrize("scale, shift", [(2.0, 0.0), (-3.0, 5.0), (1e-3, -7.0)])
@pytest.mark.parametrize("seed", range(3))
def test_ccc_invariant_to_common_affine_map(scale, shift, seed):
    rng = np.random.default_rng(seed)
    y_true = rng.normal(size=(30, 2))
    y_pred = y_true + rng.normal(scale=0.5, size=y_true.shape) - 0.2
    expected = ccc(y_true, y_pred, multioutput="raw_values")
    transformed = ccc(
        scale * y_true + shift, scale * y_pred + shift, multioutput="raw_values"
    )
    assert_allclose(transformed, expected, rtol=1e-9)


def test_ccc_not_invariant_to_separate_maps():
    y_true = np.array([1.0, 2.0, 3.0, 4.0])
    assert ccc(y_true, 2 * y_true) < 1.0


@pytest.mark.parametrize(
    "multioutput, expected",
    [
        ("raw_values", CCC_RAW),
        ("uniform_average", -1 / 6),
        ([3.0, 1.0], 0.25),
        (np.array([0.0, 2.0]), -1.0),
    ],
)
def test_ccc_multioutput(multioutput, expected):
    score = ccc(Y_TRUE, Y_PRED, multioutput=multioutput)
    assert_allclose(score, expected)
    if isinstance(multioutput, str) and multioutput == "raw_values":
        assert score.shape == (2,)
    else:
        assert isinstance(score, float)


def test_ccc_1d_raw_values_has_one_entry():
    score = ccc([1.0, 2.0, 3.0], [2.0, 2.0, 4.0], multioutput="raw_values")
    assert score.shape == (1,)
    assert_allclose(score, [2 / 3])


def test_ccc_accepts_column_vector_with_1d():
    assert_allclose(ccc(Y_TRUE[:, :1], Y_PRED[:, 0]), 2 / 3)


@pytest.mark.parametrize(
    "y_true, y_pred, match",
    [
        ([1.0, np.nan, 3.0], [1.0, 2.0, 3.0], "y_true contains NaN"),
        ([1.0, 2.0, 3.0], [1.0, np.inf, 3.0], "y_pred contains infinity"),
        ([1.0, 2.0, 3.0], [1.0, 2.0], "inconsistent numbers of samples"),
        (np.ones((3, 2)), np.ones((3, 3)), "different numbers of outputs"),
        ([], [], "0 sample"),
        (np.empty((0, 2)), np.empty((0, 2)), "0 sample"),
        ([1.0], [1.0], "minimum of 2 is required"),
        (np.ones((2, 2, 2)), np.ones((2, 2, 2)), "dim 3"),
    ],
)
def test_ccc_invalid_input(y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        ccc(y_true, y_pred)


@pytest.mark.parametrize(
    "multioutput, match",
    [
        ("variance_weighted", "multioutput must be one of"),
        ([1.0, 1.0, 1.0], "must have shape"),
        ([1.0, -1.0], "non-negative with a positive sum"),
        ([0.0, 0.0], "non-negative with a positive sum"),
        ([1.0, np.nan], "multioutput contains NaN"),
    ],
)
@pytest.mark.parametrize("metric", [ccc, binned_accuracy])
def test_invalid_multioutput(metric, multioutput, match):
    with pytest.raises(ValueError, match=match):
        metric(Y_TRUE, Y_PRED, multioutput=multioutput)


@given(finite_pairs())
def test_ccc_in_unit_interval(pair):
    y_true, y_pred = pair
    scores = ccc(y_true, y_pred, multioutput="raw_values")
    assert np.all(np.isfinite(scores))
    assert np.all((scores >= -1.0) & (scores <= 1.0))


@given(finite_pairs())
def test_ccc_symmetric(pair):
    y_true, y_pred = pair
    forward = ccc(y_true, y_pred, multioutput="raw_values")
    backward = ccc(y_pred, y_true, multioutput="raw_values")
    assert np.all(np.isfinite(forward))
    assert_array_equal(forward, backward)


@given(finite_pairs(max_abs=1e300))
def test_ccc_of_array_with_itself_is_one(pair):
    y, _ = pair
    assert_array_equal(ccc(y, y, multioutput="raw_values"), 1.0)


def test_binned_accuracy_hand_computed():
    assert_allclose(binned_accuracy(V_TRUE, V_PRED), 4 / 6)


def test_binned_accuracy_balanced_is_uar():
    assert_allclose(binned_accuracy(V_TRUE, V_PRED, balanced=True), 13 / 18)


@pytest.mark.parametrize("balanced", [False, True])
def test_binned_accuracy_balanced_equals_plain_when_classes_balanced(balanced):
    # Two samples per true class, one right in each: every recall is 1/2.
    y_true = [-0.9, -0.8, 0.0, 0.1, 0.8, 0.9]
    y_pred = [-0.9, 0.0, 0.0, 0.9, 0.8, -0.9]
    assert_allclose(binned_accuracy(y_true, y_pred, balanced=balanced), 0.5)


@pytest.mark.parametrize(
    "y_true, y_pred, expected",
    [
        ([1 / 3], [0.9], 1.0),
        ([-1 / 3], [0.0], 1.0),
        ([-1 / 3], [-0.9], 0.0),
        ([0.3], [1 / 3], 0.0),
    ],
)
def test_binned_accuracy_threshold_belongs_to_upper_class(y_true, y_pred, expected):
    assert binned_accuracy(y_true, y_pred) == expected


def test_binned_accuracy_custom_thresholds():
    y_true = [-0.5, -0.1, 0.1, 0.5]
    y_pred = [-0.2, 0.2, 0.2, 0.9]
    assert_allclose(binned_accuracy(y_true, y_pred, thresholds=(0.0,)), 0.75)
    assert_allclose(binned_accuracy(y_true, y_pred, thresholds=[-0.3, 0.0, 0.3]), 0.5)


# Column 0 all right, column 1 all wrong, column 2 half right.
Y3_TRUE = np.array(
    [[-0.9, -0.9, -0.9], [0.0, 0.0, 0.0], [0.9, 0.9, 0.9], [0.5, 0.5, 0.5]]
)
Y3_PRED = np.array(
    [[-0.6, 0.9, -0.6], [0.1, 0.9, 0.9], [0.6, 0.0, 0.6], [0.4, 0.0, 0.0]]
)


@pytest.mark.parametrize(
    "target, multioutput, expected",
    [
        (0, "uniform_average", 1.0),
        (1, "uniform_average", 0.0),
        (2, "uniform_average", 0.5),
        (np.int64(2), "uniform_average", 0.5),
        (2, "raw_values", [0.5]),
        (None, "uniform_average", 0.5),
        (None, "raw_values", [1.0, 0.0, 0.5]),
        (None, [1.0, 0.0, 1.0], 0.75),
    ],
)
def test_binned_accuracy_target_selection(target, multioutput, expected):
    score = binned_accuracy(Y3_TRUE, Y3_PRED, target=target, multioutput=multioutput)
    assert_allclose(score, expected)


@pytest.mark.parametrize("target", [3, -1, 1.0, True, "valence"])
def test_binned_accuracy_invalid_target(target):
    with pytest.raises(ValueError, match="target must be None or an int"):
        binned_accuracy(Y3_TRUE, Y3_PRED, target=target)


@pytest.mark.parametrize(
    "thresholds, match",
    [
        ((), "non-empty 1-D"),
        (0.0, "non-empty 1-D"),
        ([[-0.5, 0.5]], "non-empty 1-D"),
        ((0.5, -0.5), "strictly increasing"),
        ((0.0, 0.0), "strictly increasing"),
        ((np.nan, 0.5), "finite"),
        ((-np.inf, 0.5), "finite"),
        (("low", "high"), "sequence of numbers"),
    ],
)
def test_binned_accuracy_invalid_thresholds(thresholds, match):
    with pytest.raises(ValueError, match=match):
        binned_accuracy(V_TRUE, V_PRED, thresholds=thresholds)


@pytest.mark.parametrize(
    "y_true, y_pred, match",
    [
        ([0.1, np.nan], [0.1, 0.2], "y_true contains NaN"),
        ([0.1, 0.2], [0.1], "inconsistent numbers of samples"),
        ([], [], "0 sample"),
    ],
)
def test_binned_accuracy_invalid_input(y_true, y_pred, match):
    with pytest.raises(ValueError, match=match):
        binned_accuracy(y_true, y_pred)


@pytest.fixture
def regression_problem():
    X, Y = make_regression(
        n_samples=90, n_features=6, n_targets=3, noise=20.0, random_state=0
    )
    return X, Y / np.abs(Y).max()


@pytest.mark.parametrize(
    "scorer, metric, kwargs",
    [
        (ccc_scorer, ccc, {}),
        (binned_accuracy_scorer, binned_accuracy, {}),
        (valence_accuracy_scorer, binned_accuracy, {"target": 0}),
        (valence_uar_scorer, binned_accuracy, {"target": 0, "balanced": True}),
    ],
)
def test_scorers_in_cross_val_score(regression_problem, scorer, metric, kwargs):
    X, Y = regression_problem
    cv = KFold(n_splits=3, shuffle=True, random_state=0)
    scores = cross_val_score(Ridge(alpha=1.0), X, Y, cv=cv, scoring=scorer)
    expected = [
        metric(
            Y[test], Ridge(alpha=1.0).fit(X[train], Y[train]).predict(X[test]), **kwargs
        )
        for train, test in cv.split(X)
    ]
    assert_allclose(scores, expected)
    # A near-linear problem: scores are positive, not negated losses.
    assert np.all(scores > 0.5)


def test_valence_scorers_ignore_other_columns(regression_problem):
    # Ridge fits each target on its own, so scrambling columns 1 and 2 leaves
    # the valence predictions, and so the valence scores, unchanged.
    X, Y = regression_problem
    scrambled = Y.copy()
    scrambled[:, 1:] = np.random.default_rng(0).permutation(Y[:, 1:])
    cv = KFold(n_splits=3)

    def cv_scores(y, scorer):
        return cross_val_score(Ridge(), X, y, cv=cv, scoring=scorer)

    for scorer in (valence_accuracy_scorer, valence_uar_scorer):
        assert_allclose(cv_scores(scrambled, scorer), cv_scores(Y, scorer))
        assert_allclose(cv_scores(Y[:, 0], scorer), cv_scores(Y, scorer))
    for scorer in (ccc_scorer, binned_accuracy_scorer):
        assert np.mean(cv_scores(scrambled, scorer)) < np.mean(cv_scores(Y, scorer))
