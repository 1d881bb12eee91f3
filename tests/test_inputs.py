"""Validation of frame sequences and the two kinds of input."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose, assert_array_equal
from sklearn.preprocessing import QuantileTransformer

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor, load
from aae_sklearn.utils._inputs import Vectors, check_sequences, is_sequence_input
from aae_sklearn.utils._scaling import _quantiles, quantile_normal

from .conftest import as_object_array, nan_padded


def ragged(lengths, n_features=3, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(n, n_features)).astype(np.float32) for n in lengths]


@pytest.mark.parametrize(
    "X, expected",
    [
        (ragged([4, 2]), True),
        (as_object_array(ragged([4, 2])), True),
        (np.zeros((2, 5, 3)), True),
        ([[[1.0, 2.0]], [[3.0, 4.0], [5.0, 6.0]]], True),
        (np.zeros((4, 3)), False),
        ([[1.0, 2.0], [3.0, 4.0]], False),
        (np.zeros(4), False),
        ([], False),
    ],
)
def test_tells_sequences_from_vectors(X, expected):
    assert is_sequence_input(X) is expected


def test_pads_with_zeros_and_keeps_lengths():
    sequences = ragged([4, 2, 7])
    checked = check_sequences(sequences)
    assert checked.frames.shape == (3, 7, 3)
    assert_array_equal(checked.lengths, [4, 2, 7])
    assert_array_equal(checked.frames[1, :2], sequences[1])
    assert not checked.frames[1, 2:].any()


def test_nan_padded_array_equals_the_list():
    sequences = ragged([4, 2, 7])
    from_list = check_sequences(sequences)
    from_array = check_sequences(nan_padded(sequences))
    assert_array_equal(from_list.lengths, from_array.lengths)
    assert_array_equal(from_list.frames, from_array.frames)


@pytest.mark.parametrize(
    "X, message",
    [
        (ragged([3, 0]), "Sequence 1 of X is empty"),
        ([np.ones((3, 3)), np.ones((3, 4))], "Sequence 1 of X has 4 features"),
        ([np.ones((3, 3)), np.array([[1, np.nan, 1], [1, 1, 1]])], "contains NaN"),
        ([np.array([[np.inf, 1.0]])], "contains infinity"),
        ([np.array([["a", "b"]])], "does not hold numbers"),
        ([np.ones((2, 0))], "0 features per frame"),
    ],
)
def test_bad_sequences_are_named(X, message):
    with pytest.raises(ValueError, match=message):
        check_sequences(X)


def test_nan_frame_inside_a_padded_array_is_an_error():
    X = nan_padded(ragged([5, 3]))
    X[0, 1] = np.nan  # a whole frame, but followed by real ones: not padding
    with pytest.raises(ValueError, match=r"Sequence 0 of X contains NaN \(first in "):
        check_sequences(X)


def test_all_padding_row_is_an_empty_sequence():
    X = nan_padded(ragged([5, 3]))
    X[1] = np.nan
    with pytest.raises(ValueError, match="Sequence 1 of X is empty"):
        check_sequences(X)


def test_expected_width_is_enforced():
    with pytest.raises(ValueError, match="has 3 features per frame, but fit had 5"):
        check_sequences(ragged([2]), n_features=5, input_name="X")


def test_moments_ignore_padding():
    sequences = ragged([40, 3, 25])
    mean, scale = check_sequences(sequences).moments()
    frames = np.concatenate(sequences).astype(np.float64)
    assert_allclose(mean, frames.mean(axis=0), rtol=1e-6)
    assert_allclose(scale, frames.std(axis=0), rtol=1e-6)


def test_scaling_keeps_the_padding_zero():
    checked = check_sequences(ragged([4, 2]))
    scaled = checked.scaled(np.full(3, 5.0), np.full(3, 2.0))
    assert not scaled.frames[1, 2:].any()
    assert_allclose(scaled.frames[0], (checked.frames[0] - 5) / 2)


def test_take_and_concat_cut_and_extend_the_padding():
    checked = check_sequences(ragged([4, 2, 7]))
    short = checked.take(np.array([0, 1]))
    assert short.frames.shape == (2, 4, 3)
    joined = short.concat(checked.take(np.array([2])))
    assert joined.frames.shape == (3, 7, 3)
    assert_array_equal(joined.frames, checked.frames)


@given(st.lists(st.integers(1, 30), min_size=1, max_size=20), st.integers(1, 7))
def test_prediction_chunks_cover_every_row_once(lengths, size):
    checked = check_sequences(ragged(lengths))
    seen = []
    for rows, (frames, chunk_lengths) in checked.chunks(size):
        assert frames.shape[1] == chunk_lengths.max()
        assert_array_equal(chunk_lengths, checked.lengths[rows])
        seen.extend(rows)
    assert sorted(seen) == list(range(len(lengths)))


def test_vectors_offer_the_same_interface():
    values = np.arange(12.0).reshape(4, 3)
    vectors = Vectors(values)
    assert vectors.n_features == 3 and len(vectors.take([0, 2])) == 2
    assert_allclose(vectors.concat(vectors).values[4:], values)
    rows = np.concatenate([r for r, _ in vectors.chunks(3)])
    assert_array_equal(rows, np.arange(4))


# -- fuzzing the estimators' input validation ----------------------------------

FAST_FIT = dict(hidden_layer_sizes=(4,), max_iter=1, batch_size=8, early_stopping=False)


@st.composite
def messy_arrays(draw):
    """Arrays of random rank, dtype and size, with NaN or inf anywhere."""
    ndim = draw(st.integers(1, 3))
    shape = tuple(draw(st.lists(st.integers(0, 6), min_size=ndim, max_size=ndim)))
    dtype = draw(st.sampled_from(["float64", "float32", "int64", "bool", "object"]))
    values = np.random.default_rng(draw(st.integers(0, 99))).normal(size=shape)
    if values.size and draw(st.booleans()):
        flat = values.reshape(-1)
        flat[draw(st.integers(0, values.size - 1))] = draw(
            st.sampled_from([np.nan, np.inf, -np.inf])
        )
    return values.astype(dtype)


@st.composite
def ragged_sequences(draw):
    """Lists of frame arrays with random lengths (0 too), widths and NaN."""
    n = draw(st.integers(1, 5))
    width = draw(st.integers(0, 3))
    rng = np.random.default_rng(draw(st.integers(0, 99)))
    out = []
    for _ in range(n):
        frames = rng.normal(size=(draw(st.integers(0, 6)), width))
        if draw(st.integers(0, 5)) == 0:
            frames = frames[:, : max(0, width - 1)]  # a narrower sequence
        if frames.size and draw(st.integers(0, 5)) == 0:
            frames.reshape(-1)[0] = np.nan
        out.append(frames)
    return out


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("Estimator", [SupervisedEmotionRegressor, AAEEmotionRegressor])
@settings(max_examples=30, deadline=None)
@given(X=st.one_of(messy_arrays(), ragged_sequences()), y_kind=st.integers(0, 3))
def test_bad_input_fails_only_with_a_clear_error(Estimator, X, y_kind):
    n = len(X)
    y = [
        np.ones((n, 3)),
        np.full(n, np.nan),
        np.ones(n + 1),
        np.arange(float(n)),
    ][y_kind]
    model = Estimator(**FAST_FIT, random_state=0)
    try:
        model.fit(X, y)
    except (ValueError, TypeError) as exc:
        assert str(exc)  # a message, not a bare exception
        return
    pred = model.predict(X)
    assert len(pred) == n and np.isfinite(pred).all()


@settings(max_examples=60, deadline=None)
@given(
    n_rows=st.integers(2, 1500),
    n_quantiles=st.integers(2, 1000),
    heavy=st.booleans(),
    ties=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_quantiles_are_quantile_transformers(n_rows, n_quantiles, heavy, ties, seed):
    rng = np.random.default_rng(seed)
    values = rng.standard_t(1.5, (n_rows, 3)) if heavy else rng.normal(size=(n_rows, 3))
    if ties:
        values = np.round(values, 1)
    values *= 10.0 ** rng.integers(-3, 5, size=3)
    n_quantiles = min(n_quantiles, n_rows)
    expected = QuantileTransformer(n_quantiles=n_quantiles).fit(values).quantiles_
    quantiles = _quantiles(values, n_quantiles)
    scale = np.abs(values).max(axis=0)  # equal up to rounding
    assert (np.abs(quantiles - expected) <= 1e-12 * scale).all()
    assert (np.diff(quantiles, axis=0) >= 0).all()


@settings(max_examples=40, deadline=None)
@given(
    n_rows=st.integers(2, 300),
    n_quantiles=st.integers(2, 300),
    ties=st.booleans(),
    seed=st.integers(0, 2**16),
)
def test_quantile_normal_is_quantile_transformers_transform(
    n_rows, n_quantiles, ties, seed
):
    rng = np.random.default_rng(seed)
    values = rng.standard_t(2, (n_rows, 4))
    if ties:
        values = np.round(values)
    fitted = QuantileTransformer(
        n_quantiles=min(n_quantiles, n_rows), output_distribution="normal"
    ).fit(values)
    new = np.vstack([values, 3 * rng.standard_t(2, (20, 4)), values[:3] * 100])
    new[0, 1] = np.nan
    assert_array_equal(quantile_normal(fitted, new), fitted.transform(new))


def test_a_model_of_one_training_row_saves_and_loads(tmp_path):
    """Its quantile map has two (equal) quantiles, as a model file needs."""
    X, y = np.arange(6.0).reshape(1, 6), np.array([[0.5]])
    model = SupervisedEmotionRegressor(max_iter=1, random_state=0).fit(X, y)
    assert model._x_quantiles.quantiles_.shape == (2, 6)
    model.save(tmp_path / "one.safetensors")
    restored = load(tmp_path / "one.safetensors")
    assert_array_equal(restored.predict(X), model.predict(X))
