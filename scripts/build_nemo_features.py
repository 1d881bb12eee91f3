"""Build the bundled nEMO eGeMAPS table from the nEMO speech audio.

Extracts the 88 eGeMAPSv02 functionals of every utterance with openSMILE and
writes them, with the corpus metadata, to
``aae_sklearn/datasets/data/nemo_egemaps.csv.gz``::

    python scripts/build_nemo_features.py ../shared/data/nemo

The folder is the processed copy of nEMO: the utterances of the even-numbered
sentences, resampled from 24 kHz to 16 kHz mono FLAC, with a ``labels.csv``;
``load_nemo`` reads its labels. nEMO (Christop, 2024) is under CC BY-NC-SA 4.0,
and so is the table. The output is written to a temporary file and renamed, so
an interrupted run leaves no partial table behind.
"""

# License: BSD-3-Clause

import argparse
import sys
from pathlib import Path

from build_emodb_features import with_functionals  # beside this script
from build_ravdess_features import write

from aae_sklearn.datasets import load_nemo

OUT = Path(__file__).resolve().parents[1] / "aae_sklearn/datasets/data"
OUT = OUT / "nemo_egemaps.csv.gz"
METADATA = ["file", "speaker", "gender", "age", "nemo_emotion", "emotion"]
METADATA += ["sentence", "text"]


def extract(root):
    """eGeMAPSv02 functionals and metadata of the nEMO utterances.

    Returns
    -------
    table : pandas.DataFrame
        One row per utterance: the metadata columns, then the 88 features (in
        the order of the bundled RAVDESS table), rounded to 6 significant
        digits.
    """
    corpus = load_nemo(root)
    return with_functionals(corpus.frame[METADATA], corpus.data)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, help="the nEMO folder")
    parser.add_argument("-o", "--output", type=Path, default=OUT)
    args = parser.parse_args(argv)
    write(extract(args.root), args.output)


if __name__ == "__main__":
    sys.exit(main())
