"""Build the bundled RAVDESS eGeMAPS table from the RAVDESS speech audio.

Extracts the 88 eGeMAPSv02 functionals of every utterance with openSMILE and
writes them, with the corpus metadata, to
``aae_sklearn/datasets/data/ravdess_egemaps.csv.gz``::

    python scripts/build_ravdess_features.py ../shared/data/ravdess

The table derives from RAVDESS (Livingstone & Russo, 2018) and is licensed, like
the audio, under CC BY-NC-SA 4.0. The output is written to a temporary file and
renamed, so an interrupted run leaves no partial table behind.
"""

# License: BSD-3-Clause

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from aae_sklearn.features import OpenSmileFunctionals

OUT = Path(__file__).resolve().parents[1] / "aae_sklearn/datasets/data"
OUT = OUT / "ravdess_egemaps.csv.gz"
METADATA = ["file", "actor", "sex", "emotion", "intensity", "statement", "repetition"]


def extract(root, files=None):
    """eGeMAPSv02 functionals and metadata of the RAVDESS utterances.

    Parameters
    ----------
    root : path-like
        The RAVDESS folder, holding ``labels.csv`` and ``Actor_XX/*.flac``.
    files : list of str, default=None
        Relative paths (as in ``labels.csv``) to extract; all when None.

    Returns
    -------
    table : pandas.DataFrame
        One row per utterance: the metadata columns, then the 88 features,
        rounded to 6 significant digits as stored in the bundled table.
    """
    root = Path(root)
    labels = pd.read_csv(root / "labels.csv", dtype=str)
    if files is not None:
        labels = labels.set_index("file").loc[list(files)].reset_index()
    # The package's own extractor, so that the table matches what users compute.
    extractor = OpenSmileFunctionals(feature_set="eGeMAPSv02", n_jobs=2)
    values = extractor.fit_transform([str(root / f) for f in labels["file"]])
    rounded = pd.DataFrame(
        np.vectorize(lambda v: float(f"{v:.6g}"))(values),
        columns=extractor.get_feature_names_out(),
    )
    meta = labels[METADATA].copy()
    meta["actor"] = meta["actor"].astype(int)
    meta["repetition"] = meta["repetition"].astype(int)
    return pd.concat([meta.reset_index(drop=True), rounded], axis=1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the RAVDESS folder")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    write(extract(args.root), args.output)


def write(table, output):
    """Write ``table`` as gzipped CSV (reproducible bytes) to a temporary file
    beside ``output``, then rename it: never a partial table."""
    tmp = output.with_name(output.name + ".tmp")
    try:
        table.to_csv(tmp, index=False, compression={"method": "gzip", "mtime": 0})
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)
    print(f"wrote {len(table)} rows x {table.shape[1]} columns to {output}")


if __name__ == "__main__":
    sys.exit(main())
