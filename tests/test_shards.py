"""Tests of streaming parquet shards (aae_sklearn.datasets.iter_parquet_chunks)."""

import numpy as np
import pandas as pd
import pytest
from numpy.testing import assert_array_equal

from aae_sklearn import AAEEmotionRegressor
from aae_sklearn.datasets import iter_parquet_chunks, make_emotion_regression

pytest.importorskip("pyarrow")

COLUMNS = ["f0", "f1", "f2", "count"]


@pytest.fixture
def shards(tmp_path):
    """Three shards of 7, 5 and 9 rows (one integer column), and their data."""
    rng = np.random.default_rng(0)
    data = rng.normal(size=(21, 4))
    data[:, 3] = rng.integers(0, 100, size=21)
    paths, start = [], 0
    for i, n in enumerate([7, 5, 9]):
        frame = pd.DataFrame(data[start : start + n], columns=COLUMNS)
        frame["count"] = frame["count"].astype(np.int64)
        paths.append(tmp_path / f"part-{i}.parquet")
        frame.to_parquet(paths[-1])
        start += n
    return paths, data


@pytest.mark.parametrize("batch_rows", [1, 4, 7, 100])
@pytest.mark.parametrize("form", ["list", "folder", "glob"])
def test_chunks_concatenate_to_the_shards_in_order(shards, form, batch_rows):
    paths, data = shards
    source = dict(
        list=paths, folder=paths[0].parent, glob=str(paths[0].parent / "part-*")
    )[form]
    chunks = list(iter_parquet_chunks(source, batch_rows=batch_rows))
    assert all(c.dtype == np.float64 and c.shape[1] == 4 for c in chunks)
    assert max(len(c) for c in chunks) == min(batch_rows, 9)
    assert_array_equal(np.vstack(chunks), data)


def test_columns_select_and_order(shards):
    paths, data = shards
    chunks = iter_parquet_chunks(paths, columns=["f2", "f0"], batch_rows=8)
    assert_array_equal(np.vstack(list(chunks)), data[:, [2, 0]])


def test_a_single_file_and_a_pandas_index(tmp_path):
    frame = pd.DataFrame({"a": [1.0, 2.0], "b": [3.0, 4.0]}, index=[10, 11])
    frame.to_parquet(tmp_path / "one.parquet")
    (chunk,) = iter_parquet_chunks(str(tmp_path / "one.parquet"))
    assert_array_equal(chunk, [[1.0, 3.0], [2.0, 4.0]])


def test_shards_in_the_order_of_the_list(shards):
    paths, data = shards
    chunks = iter_parquet_chunks(paths[::-1], batch_rows=100)
    assert_array_equal(
        np.vstack(list(chunks)), np.vstack([data[12:], data[7:12], data[:7]])
    )


def test_column_mismatch_names_the_shard(shards):
    paths, _ = shards
    pd.DataFrame(np.zeros((3, 4)), columns=["f0", "f1", "f2", "other"]).to_parquet(
        paths[1]
    )
    with pytest.raises(
        ValueError,
        match=r"part-1\.parquet' has other columns.*"
        r"extra \['other'\], missing \['count'\]",
    ):
        iter_parquet_chunks(paths)
    with pytest.raises(
        ValueError,
        match=r"part-1\.parquet' lacks the column\(s\) "
        r"\['count'\]",
    ):
        iter_parquet_chunks(paths, columns=["f0", "count"])
    # A common subset is fine.
    assert sum(len(c) for c in iter_parquet_chunks(paths, columns=["f0"])) == 19


def test_non_numeric_column_is_refused(tmp_path):
    pd.DataFrame({"a": [1.0], "name": ["x"]}).to_parquet(tmp_path / "s.parquet")
    with pytest.raises(ValueError, match="Column 'name' of shard .* not numbers"):
        iter_parquet_chunks(tmp_path)


@pytest.mark.parametrize("bad", [np.nan, np.inf, None])
def test_non_finite_row_names_shard_row_and_column(shards, bad):
    paths, _ = shards
    frame = pd.read_parquet(paths[2])
    frame["f1"] = frame["f1"].astype(object)
    frame.loc[6, "f1"] = bad
    frame["f1"] = frame["f1"].astype("Float64" if bad is None else np.float64)
    frame.to_parquet(paths[2])
    chunks = iter_parquet_chunks(paths, batch_rows=4)
    with pytest.raises(
        ValueError, match=r"Row 6 of shard '.*part-2\.parquet'.*\['f1'\]"
    ):
        for _ in chunks:
            pass


def test_missing_and_empty_sources(tmp_path, shards):
    paths, _ = shards
    with pytest.raises(FileNotFoundError, match=r"'.*nope\.parquet' does not exist"):
        iter_parquet_chunks([paths[0], tmp_path / "nope.parquet"])
    (tmp_path / "empty").mkdir()
    with pytest.raises(FileNotFoundError, match="No \\*.parquet shards in folder"):
        iter_parquet_chunks(tmp_path / "empty")
    with pytest.raises(FileNotFoundError, match="No shards match the pattern"):
        iter_parquet_chunks(str(tmp_path / "x-*.parquet"))
    with pytest.raises(ValueError, match="empty list"):
        iter_parquet_chunks([])


def test_a_file_that_is_not_parquet(tmp_path):
    (tmp_path / "bad.parquet").write_text("not parquet")
    with pytest.raises(ValueError, match="Cannot read parquet shard '.*bad.parquet'"):
        iter_parquet_chunks(tmp_path)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        (dict(batch_rows=0), ValueError),
        (dict(batch_rows=2.5), TypeError),
        (dict(columns="f0"), TypeError),
    ],
)
def test_bad_arguments(shards, kwargs, error):
    with pytest.raises(error):
        iter_parquet_chunks(shards[0], **kwargs)


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_stream_unlabeled_shards_then_fit(tmp_path):
    X, y = make_emotion_regression(
        n_samples=300, n_features=8, n_style=2, random_state=0
    )
    columns = [f"x{j}" for j in range(8)]
    for i, rows in enumerate(np.array_split(X[60:], 3)):
        pd.DataFrame(rows, columns=columns).to_parquet(tmp_path / f"u{i}.parquet")
    model = AAEEmotionRegressor(
        hidden_layer_sizes=(16,),
        style_dim=4,
        max_iter=3,
        random_state=0,
        warm_start=True,
    )
    for chunk in iter_parquet_chunks(tmp_path, batch_rows=50):
        model.partial_fit_unlabeled(chunk)
    assert model.n_features_in_ == 8
    model.fit(X[:60], y[:60])
    pred = model.predict(X[:60])
    assert pred.shape == (60, 3)
    assert np.isfinite(pred).all()
