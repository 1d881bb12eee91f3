"""Build the bundled EmoDB eGeMAPS table from the EmoDB speech audio.

Extracts the 88 eGeMAPSv02 functionals of every utterance with openSMILE and
writes them, with the corpus metadata, to
``aae_sklearn/datasets/data/emodb_egemaps.csv.gz``::

    python scripts/build_emodb_features.py ../shared/data/emodb

The folder is the processed copy of EmoDB (16 kHz FLAC, most clips cut at 2 s):
its ``labels.csv`` gives the column ``clipped_at_2s``; the other labels come
from the file names, read by ``load_emodb``. EmoDB (Burkhardt et al., 2005) is
under CC0 1.0, and so is the table. The output is written to a temporary file
and renamed, so an interrupted run leaves no partial table behind.
"""

# License: BSD-3-Clause

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from build_ravdess_features import write  # beside this script

from aae_sklearn.datasets import load_emodb, load_ravdess_features
from aae_sklearn.features import OpenSmileFunctionals

OUT = Path(__file__).resolve().parents[1] / "aae_sklearn/datasets/data"
OUT = OUT / "emodb_egemaps.csv.gz"
METADATA = ["file", "speaker", "sex", "emotion_code", "emotion", "text", "version"]


def extract(root):
    """eGeMAPSv02 functionals and metadata of the EmoDB utterances.

    Returns
    -------
    table : pandas.DataFrame
        One row per utterance: the metadata columns and ``clipped_at_2s``, then
        the 88 features (in the order of the bundled RAVDESS table), rounded to
        6 significant digits.
    """
    root = Path(root)
    corpus = load_emodb(root)
    clipped = pd.read_csv(root / "labels.csv").set_index("file")["clipped_at_2s"]
    meta = corpus.frame[METADATA].copy()
    meta["clipped_at_2s"] = clipped.loc[meta["file"]].to_numpy(dtype=bool)
    return with_functionals(meta, corpus.data)


def with_functionals(meta, files):
    """``meta`` followed by the eGeMAPSv02 functionals of the audio ``files``.

    Parameters
    ----------
    meta : pandas.DataFrame
        The metadata columns, one row per file.
    files : sequence of str
        The audio files, in the order of the rows of ``meta``.

    Returns
    -------
    table : pandas.DataFrame
        ``meta``, then the 88 features (in the order of the bundled RAVDESS
        table), rounded to 6 significant digits.
    """
    # The package's own extractor, so that the table matches what users compute.
    extractor = OpenSmileFunctionals(feature_set="eGeMAPSv02", n_jobs=2)
    values = extractor.fit_transform(list(files))
    names = list(extractor.get_feature_names_out())
    if names != load_ravdess_features().feature_names:
        raise RuntimeError("openSMILE's feature names differ from the RAVDESS table's.")
    rounded = pd.DataFrame(
        np.vectorize(lambda v: float(f"{v:.6g}"))(values), columns=names
    )
    return pd.concat([meta.reset_index(drop=True), rounded], axis=1)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the EmoDB folder")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    write(extract(args.root), args.output)


if __name__ == "__main__":
    sys.exit(main())
