"""Files of the command line: tables, audio items, output checks."""

# License: BSD-3-Clause

import os
import sys
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch
from tqdm import tqdm

from ..datasets import (
    load_emodb,
    load_iemocap,
    load_msp_podcast,
    load_nemo,
    load_ravdess,
)
from ..datasets._ravdess import TARGET_NAMES
from ..features import FrameFeatures, OpenSmileFunctionals, SSLEmbeddings
from ..utils._files import atomic_write

TARGETS = TARGET_NAMES
AUDIO_SUFFIXES = (".wav", ".flac", ".ogg", ".mp3")
TABLE_SUFFIXES = (".csv", ".parquet", ".pq")
FEATURE_SETS = {
    "egemaps": "eGeMAPSv02",
    "gemaps": "GeMAPSv01b",
    "compare": "ComParE_2016",
}
# FrameFeatures' kinds, the default first, then the frames of SSLEmbeddings;
# and the hop of --features frames.
FRAME_KINDS = ("logmel", "egemaps_lld", "ssl")
FRAME_MS = 20
CORPORA = {
    "ravdess": load_ravdess,
    "emodb": load_emodb,
    "nemo": load_nemo,
    "iemocap": load_iemocap,
    "msp": load_msp_podcast,
}
# Columns of the corpus loaders' frames, of the bundled table and of extract
# --augment (view) that describe an utterance rather than measure it: never
# features, even when numeric.
METADATA_COLUMNS = frozenset(
    "file path id actor sex gender age speaker session dialog utterance emotion "
    "emotion_code nemo_emotion category intensity statement repetition modality "
    "vocal_channel sentence text version clipped_at_2s start end label_file line "
    "valence_rating activation_rating dominance_rating view "
    "FileName EmoClass EmoAct EmoVal EmoDom SpkrID Gender Split_Set".split()
)
CATEGORY_COLUMNS = ("emotion", "category", "EmoClass")
METRICS = {  # fold record column -> row label of the printed table
    "ccc_valence": "valence CCC",
    "ccc_activation": "activation CCC",
    "ccc_dominance": "dominance CCC",
    "valence_accuracy": "valence accuracy (3 classes)",
    "valence_uar": "valence UAR",
    "fit_time": "fit time (s)",
}


class _UsageError(Exception):
    """A usage error found after parsing: exit code 2."""


# -- files -------------------------------------------------------------------


def _check_writable(folder, path):
    """Fail unless a file can be created in ``folder`` (for the output ``path``)."""
    try:
        with tempfile.TemporaryFile(dir=folder):
            pass
    except OSError as exc:
        raise ValueError(f"{path}: cannot be written ({exc.strerror}).") from None


def _check_output(path, *, folder=False, suffixes=None):
    """Fail before any work when ``path`` cannot be written later.

    ``suffixes`` are the formats the command writes, chosen by the suffix.
    """
    path = Path(path)
    if folder:
        if path.exists() and not path.is_dir():
            raise ValueError(f"{path}: exists and is not a folder.")
        existing = next(p for p in (path, *path.parents) if p.exists())
        _check_writable(existing if existing.is_dir() else existing.parent, path)
        return path
    if suffixes is not None and path.suffix.lower() not in suffixes:
        raise _UsageError(
            f"{path}: cannot write a {path.suffix or 'suffix-less'} file; the output "
            f"format follows the suffix: {_names(suffixes)}."
        )
    if path.is_dir():
        raise ValueError(f"{path}: is a folder, not an output file.")
    if not path.parent.is_dir():
        raise ValueError(f"{path.parent}: no such folder for the output {path.name}.")
    if path.exists() and not os.access(path, os.W_OK):
        raise ValueError(f"{path}: cannot be written (permission denied).")
    _check_writable(path.parent, path)
    return path


def _names(columns, limit=6):
    """``a, b, c`` or ``a, b, ... (12 in all)`` for messages."""
    columns = [str(c) for c in columns]
    shown = ", ".join(columns[:limit])
    return shown if len(columns) <= limit else f"{shown}, ... ({len(columns)} in all)"


def _read_table(path):
    """A CSV or parquet table (by suffix), with errors naming the file."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file.")
    try:
        if path.suffix.lower() in (".parquet", ".pq"):
            return pd.read_parquet(path)
        table = pd.read_csv(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: not a readable table ({exc}).") from exc
    if len(table.columns) == 1 and ";" in str(table.columns[0]):
        raise ValueError(
            f"{path}: its columns are separated by semicolons; write it with commas "
            "(and decimal dots), as pandas' to_csv does."
        )
    return table


def _write_table(table, path):
    """Write ``table`` whole or not at all, as parquet or CSV by the suffix."""
    if str(path).lower().endswith((".parquet", ".pq")):
        atomic_write(path, lambda file: table.to_parquet(file, index=False))
    else:
        atomic_write(path, lambda file: table.to_csv(file, index=False), mode="w")


def _category_column(table):
    """The column of emotion classes of a table, None if it has none."""
    return next((c for c in CATEGORY_COLUMNS if c in table.columns), None)


def _require_columns(table, columns, source, what=None):
    missing = [c for c in columns if c not in table.columns]
    if missing:
        label = "column(s)" if what is None else f"{what} column(s)"
        raise ValueError(f"{source}: no {label} {_names(missing)}.")


def _plural(count, word, plural=None):
    """``1 row``, ``2 rows``: a count and its noun, in messages."""
    return f"{count} {word}" if count == 1 else f"{count} {plural or word + 's'}"


def _is_number(text):
    if "_" in text:  # float() reads 1_000, a table's reader does not
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def _first_non_number(column):
    """Position and text of the first cell of ``column`` that is neither empty
    nor a number; None if there is none."""
    for position, value in enumerate(column.tolist()):
        if pd.isna(value) or isinstance(value, int | float | np.number):
            continue
        if str(value).strip() and not _is_number(str(value)):
            return position, value
    return None


def _cell(source, position):
    """Where the cell at ``position`` of a column of ``source`` is, in messages:
    the line of a CSV file, else the row."""
    if str(source).lower().endswith(".csv"):
        return f"on line {position + 2}"  # after the header line
    return f"in row {position + 1} (counted from 1)"


def _non_number_error(source, column, found, what="feature"):
    """The error of a cell that is not a number, naming the file, the column,
    the row (and the line of a CSV file) and the value."""
    position, value = found
    where = _cell(source, position)
    hint = ""
    if _is_number(str(value).replace(",", ".", 1)):
        hint = "; a decimal comma? Use a dot"
    return ValueError(
        f"{source}: {what} column {column!r} holds a non-number {where}: "
        f"{str(value)!r}{hint}."
    )


def _mostly_numbers(column):
    """Whether most non-empty cells of a text ``column`` are numbers (with a
    decimal dot or comma): a column of numbers spoilt by a few cells."""
    cells = [str(v).strip() for v in column.tolist() if not pd.isna(v)]
    cells = [c for c in cells if c]
    numbers = sum(_is_number(c) or _is_number(c.replace(",", ".", 1)) for c in cells)
    return numbers > len(cells) / 2


def _refuse_views(table, path):
    """A ValueError where ``table`` holds augmented views of its files (a
    ``view`` column from ``extract --augment``): a training table has one row
    per recording, so that no labeled/unlabeled split or fold separates a file
    from its views."""
    if "view" in table.columns and (table["view"] != 0).any():
        raise ValueError(
            f"{path}: its column 'view' holds augmented views of its files "
            "(written by extract --augment), and fit and compare train on one row "
            "per recording: keep the rows of view 0, or extract without --augment."
        )


def _feature_columns(table, exclude, source):
    """Numeric columns other than ``exclude``, metadata and saved pandas indexes:
    the one rule by which fit, compare and predict read a table.

    Any other column of text fails: a feature column spoilt by a few cells names
    its first bad cell; a column of text that no corpus loader writes (a
    transcript, a misspelt speaker column) is named, since leaving it out in
    silence could drop a feature.
    """
    columns = []
    for c in table.columns:
        if c in exclude or c in METADATA_COLUMNS or str(c).startswith("Unnamed:"):
            continue
        if pd.api.types.is_bool_dtype(table[c]):
            continue
        numeric = pd.api.types.is_numeric_dtype(table[c])
        found = None if numeric else _first_non_number(table[c])
        if found is None:  # numbers, perhaps stored as text
            columns.append(c)
        elif _mostly_numbers(table[c]):
            raise _non_number_error(source, c, found)
        else:
            raise _text_column_error(source, c, found)
    return columns


def _text_column_error(source, column, found):
    """The error of a column of text that is no known metadata column."""
    position, value = found
    return ValueError(
        f"{source}: column {column!r} holds text ({str(value)!r} "
        f"{_cell(source, position)}): neither a feature (numbers) nor a metadata "
        "column of the corpus loaders (file, speaker, emotion, text, ...). Remove "
        "it, or name it with --group-column if it holds the speakers."
    )


def _matrix(table, columns, source, what="feature"):
    """``table[columns]`` as float64; NaN allowed only in targets."""
    _require_columns(table, columns, source, what)
    values = np.empty((len(table), len(columns)))
    for j, c in enumerate(columns):
        column = table[c]
        if pd.api.types.is_numeric_dtype(column):
            values[:, j] = column.to_numpy(dtype=np.float64, na_value=np.nan)
            continue
        found = _first_non_number(column)
        if found is not None:
            raise _non_number_error(source, c, found, what)
        empty = [pd.isna(v) or not str(v).strip() for v in column]
        values[:, j] = [np.nan if e else v for e, v in zip(empty, column, strict=True)]
    if what == "feature" and not np.isfinite(values).all():
        bad = [
            c
            for c, ok in zip(columns, np.isfinite(values).all(axis=0), strict=True)
            if not ok
        ]
        raise ValueError(
            f"{source}: feature column(s) {_names(bad)} hold empty (NaN) or infinite "
            "values."
        )
    return values


def _audio_items(source):
    """Audio paths: a folder (searched recursively), one audio file or a list file.

    A list file holds one path per line, relative to its own folder; blank lines
    and lines starting with ``#`` are ignored.
    """
    path = Path(source)
    if path.is_dir():
        files = sorted(
            str(p)
            for p in path.rglob("*")
            if p.name.lower().endswith(AUDIO_SUFFIXES) and p.is_file()
        )
        if not files:
            raise ValueError(f"{path}: no audio file ({_names(AUDIO_SUFFIXES)}) here.")
        return files
    if not path.is_file():
        raise ValueError(f"{path}: no such file or folder.")
    if path.name.lower().endswith(AUDIO_SUFFIXES):
        return [str(path)]
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise ValueError(f"{path}: neither audio nor a list of paths.") from exc
    items = [
        str(path.parent / line.strip())
        for line in lines
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not items:
        raise ValueError(f"{path}: lists no audio file.")
    return items


def _extract(extractor, items, n_jobs, desc, quiet):
    """``extractor.extract(items)`` in chunks under a progress bar; reports skips."""
    values, kept = [], []
    # Chunks small enough for a live progress bar, large enough to keep n_jobs busy.
    step = 32 * max(1, n_jobs)
    bar = tqdm(total=len(items), desc=desc, unit="file", disable=quiet)
    with bar:
        for start in range(0, len(items), step):
            chunk_values, chunk_kept = extractor.extract(items[start : start + step])
            values.append(chunk_values)
            kept.append(chunk_kept + start)
            bar.update(len(items[start : start + step]))
    values, kept = np.concatenate(values), np.concatenate(kept)
    for position in sorted(set(range(len(items))) - set(kept.tolist())):
        print(f"aae-sklearn: skipped unreadable {items[position]}", file=sys.stderr)
    if not len(kept):
        raise ValueError(
            f"none of the {_plural(len(items), 'audio file')} could be read."
            if len(items) > 1
            else "the audio file could not be read."
        )
    return values, kept


def _functionals(items, features, n_jobs, skip_bad, quiet):
    """openSMILE functionals of ``items`` as a DataFrame, and the kept positions."""
    extractor = OpenSmileFunctionals(
        feature_set=FEATURE_SETS[features],
        n_jobs=n_jobs,
        on_error="skip" if skip_bad else "raise",
    )
    values, kept = _extract(extractor, items, n_jobs, f"extracting {features}", quiet)
    return pd.DataFrame(values, columns=extractor.get_feature_names_out()), kept


def _frames(items, kind, n_jobs, skip_bad, quiet):
    """Frame sequences of ``items`` (a 1-D object array of 2-D arrays), kept positions.

    One frame every ``FRAME_MS`` milliseconds; see :class:`FrameFeatures`.
    """
    extractor = FrameFeatures(
        kind=kind,
        frame_ms=FRAME_MS,
        n_jobs=n_jobs,
        on_error="skip" if skip_bad else "raise",
    )
    return _extract(extractor, items, n_jobs, f"extracting {kind} frames", quiet)


def _ssl_settings(args):
    """The model of ``--ssl-model`` and ``--ssl-layer`` (and the ``--device``
    of compare) for ``--features ssl`` (or compare's ``--frame-kind ssl``),
    else None; usage errors where the options do not go together."""
    wanted = args.features == "ssl" or getattr(args, "frame_kind", None) == "ssl"
    if not wanted:
        if args.ssl_model is not None or args.ssl_layer is not None:
            raise _UsageError(
                "--ssl-model and --ssl-layer need --features ssl (or, with compare, "
                "--frame-kind ssl)."
            )
        return None
    if args.ssl_model is None:
        raise _UsageError(
            "self-supervised embeddings need --ssl-model: a folder written by "
            "save_pretrained or a Hugging Face hub name, e.g. facebook/wav2vec2-base."
        )
    layer = args.ssl_layer or [-1]
    return Bunch(
        model=args.ssl_model,
        layer=layer[0] if len(layer) == 1 else list(layer),
        device=getattr(args, "device", "cpu"),
    )


def _embeddings(items, ssl, output, skip_bad, quiet):
    """Self-supervised embeddings of ``items`` (see :class:`SSLEmbeddings`; ``ssl``
    from :func:`_ssl_settings`), the kept positions and the feature names."""
    extractor = SSLEmbeddings(
        model=ssl.model,
        layer=ssl.layer,
        output=output,
        device=ssl.device,
        on_error="skip" if skip_bad else "raise",
    )
    values, kept = _extract(extractor, items, 1, f"embedding with {ssl.model}", quiet)
    return values, kept, list(extractor.get_feature_names_out())
