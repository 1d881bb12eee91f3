"""Streaming feature tables stored as parquet shards, chunk by chunk."""

# License: BSD-3-Clause

import glob
import importlib
import os
from numbers import Integral

import numpy as np


def _import_pyarrow():
    """pyarrow and its parquet module, or say how to get them."""
    try:
        return (
            importlib.import_module("pyarrow"),
            importlib.import_module("pyarrow.parquet"),
        )
    except ImportError as exc:
        raise ImportError(
            "pyarrow is needed to read parquet shards; install it with: "
            "pip install pyarrow (or, in a clone of the repository: "
            'pip install -e ".[dist]")'
        ) from exc


def _shard_paths(paths) -> list[str]:
    """The shard files named by a file, a folder, a glob or a list of files."""
    if isinstance(paths, (str, os.PathLike)):
        path = os.fspath(paths)
        if os.path.isdir(path):
            found = sorted(glob.glob(os.path.join(glob.escape(path), "*.parquet")))
            if not found:
                raise FileNotFoundError(f"No *.parquet shards in folder '{path}'.")
            return found
        if not os.path.exists(path) and any(c in path for c in "*?["):
            found = sorted(glob.glob(path))
            if not found:
                raise FileNotFoundError(f"No shards match the pattern '{path}'.")
            return found
        shards = [path]
    else:
        shards = [os.fspath(p) for p in paths]
        if not shards:
            raise ValueError("paths is an empty list; at least one shard is needed.")
    for shard in shards:
        if not os.path.isfile(shard):
            raise FileNotFoundError(f"Parquet shard '{shard}' does not exist.")
    return shards


def _data_columns(schema) -> list[str]:
    """Column names of a shard, less the index columns pandas may have stored."""
    index = (schema.pandas_metadata or {}).get("index_columns", [])
    stored_index = {name for name in index if isinstance(name, str)}
    return [name for name in schema.names if name not in stored_index]


def _check_columns(pa, pq, shards, columns) -> list[str]:
    """The columns to read, after checking every shard holds them as numbers."""
    expected = None if columns is None else list(columns)
    for shard in shards:
        try:
            schema = pq.ParquetFile(shard).schema_arrow
        except (OSError, pa.ArrowException) as exc:
            raise ValueError(f"Cannot read parquet shard '{shard}': {exc}") from exc
        if columns is None:
            present = _data_columns(schema)
            if expected is None:
                expected = present
            elif set(present) != set(expected):
                extra = sorted(set(present) - set(expected))
                missing = sorted(set(expected) - set(present))
                raise ValueError(
                    f"Shard '{shard}' has other columns than '{shards[0]}': "
                    f"extra {extra}, missing {missing}. Every shard must hold the "
                    "same columns; pass columns=[...] to read a common subset."
                )
        else:
            missing = [name for name in expected if name not in schema.names]
            if missing:
                raise ValueError(f"Shard '{shard}' lacks the column(s) {missing}.")
        for name in expected:
            kind = schema.field(name).type
            if not (pa.types.is_integer(kind) or pa.types.is_floating(kind)):
                raise ValueError(
                    f"Column '{name}' of shard '{shard}' holds {kind}, not numbers."
                )
    if not expected:
        raise ValueError(f"Shard '{shards[0]}' has no feature columns.")
    return expected


def _read_chunks(pa, pq, shards, columns, batch_rows):
    """Float64 chunks of each shard in turn; raises at the first non-finite row."""
    for shard in shards:
        first_row = 0
        batches = pq.ParquetFile(shard).iter_batches(
            batch_size=batch_rows, columns=columns
        )
        for batch in batches:
            # Casting in arrow turns nulls into NaN, caught below with NaN and inf.
            chunk = np.column_stack(
                [
                    batch.column(name).cast(pa.float64()).to_numpy(zero_copy_only=False)
                    for name in columns
                ]
            )
            bad_rows, bad_columns = np.nonzero(~np.isfinite(chunk))
            if bad_rows.size:
                row = bad_rows[0]
                names = [columns[j] for j in bad_columns[bad_rows == row]]
                raise ValueError(
                    f"Row {first_row + row} of shard '{shard}' (counting from 0) "
                    f"holds a NaN, infinite or missing value in column(s) {names}. "
                    "Drop or impute such rows before streaming the shards."
                )
            first_row += len(chunk)
            if len(chunk):
                yield chunk


def iter_parquet_chunks(paths, *, columns=None, batch_rows=65536):
    """Iterate over feature tables stored as parquet shards, chunk by chunk.

    Streams an unlabeled pool too large for memory, e.g. into
    :meth:`~aae_sklearn.AAEEmotionRegressor.partial_fit_unlabeled`: only one
    chunk of ``batch_rows`` rows is held at a time. Shards are read in order with
    :meth:`pyarrow.parquet.ParquetFile.iter_batches`; a chunk never spans two
    shards, so the last chunk of each shard may be shorter.

    The shards and their columns are checked when the function is called, before
    any row is read; values are checked as their chunk is read. Nothing is
    dropped silently: a row with a NaN, infinite or missing value raises.

    Parameters
    ----------
    paths : str, os.PathLike or list of them
        The shards: a parquet file, a folder (its ``*.parquet`` files, in sorted
        name order), a glob pattern such as ``"pool/part-*.parquet"`` (matches in
        sorted order) or a list of files (in the order given).
    columns : list of str, default=None
        Feature columns to read, in this order; other columns of the shards are
        ignored. None reads every column of the first shard (less an index
        stored by :meth:`pandas.DataFrame.to_parquet`), and every other shard
        must then hold the same columns (in any order).
    batch_rows : int, default=65536
        Largest number of rows per chunk.

    Yields
    ------
    chunk : ndarray of shape (n_rows, n_columns), dtype float64
        Consecutive rows of a shard, columns in the order of ``columns`` (or of
        the first shard).

    Raises
    ------
    FileNotFoundError
        If a shard does not exist, or a folder or pattern names no shard.
    ValueError
        If a shard cannot be read as parquet, lacks a column or holds other
        columns than the first (naming the shard and the columns), a column is
        not numeric, or, while iterating, a row holds NaN, infinite or missing
        values (naming the shard, the row and the columns).
    ImportError
        If pyarrow is not installed.

    See Also
    --------
    aae_sklearn.AAEEmotionRegressor.partial_fit_unlabeled : Train on one chunk of
        unlabeled rows.

    Examples
    --------
    >>> import tempfile
    >>> import numpy as np
    >>> import pandas as pd
    >>> from aae_sklearn.datasets import iter_parquet_chunks
    >>> folder = tempfile.mkdtemp()
    >>> for i in range(2):
    ...     shard = pd.DataFrame(np.ones((5, 3)), columns=["f0", "f1", "f2"])
    ...     shard.to_parquet(f"{folder}/part-{i}.parquet")
    >>> [chunk.shape for chunk in iter_parquet_chunks(folder, batch_rows=4)]
    [(4, 3), (1, 3), (4, 3), (1, 3)]
    """
    if not isinstance(batch_rows, Integral) or isinstance(batch_rows, bool):
        raise TypeError(f"batch_rows must be an int, got {batch_rows!r}.")
    if batch_rows < 1:
        raise ValueError(f"batch_rows must be positive, got {batch_rows}.")
    if isinstance(columns, str):
        raise TypeError(f"columns must be a list of names, got the str {columns!r}.")
    pa, pq = _import_pyarrow()
    shards = _shard_paths(paths)
    columns = _check_columns(pa, pq, shards, columns)
    return _read_chunks(pa, pq, shards, columns, int(batch_rows))
