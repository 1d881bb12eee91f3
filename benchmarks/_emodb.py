"""EmoDB as eGeMAPS functionals with valence/activation/dominance targets.

A benchmark helper, not part of the package: it gives the Berlin Database of
Emotional Speech (EmoDB; 535 German utterances, 10 actors, 7 emotions) in the form
of the bundled RAVDESS table, so that the package's defaults can be checked on a
second corpus, grouped by speaker. The 88 eGeMAPSv02 functionals are extracted
once with :class:`aae_sklearn.features.OpenSmileFunctionals` and cached in
``benchmarks/results/emodb_egemaps.npz``; delete that file to extract again.

EmoDB (Burkhardt F., Paeschke A., Rolfes M., Sendlmeier W., Weiss B. (2005) A
database of German emotional speech. Proc. Interspeech, 1517-1520) is distributed
under CC0 1.0. The processed copy read here (``shared/data/emodb``, see its
README.md) was cut to at most 2 s upstream: 409 of the 535 clips end at 2 s, so
scores are comparable between models on this copy, not with the literature.

Run it to build the cache and print a summary::

    OMP_NUM_THREADS=1 python benchmarks/_emodb.py
"""

# License: BSD-3-Clause

import os
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from aae_sklearn.datasets import emotion_to_vad, load_ravdess_features
from aae_sklearn.features import OpenSmileFunctionals

ROOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "emodb"
CACHE = Path(__file__).resolve().parent / "results" / "emodb_egemaps.npz"
TARGET_NAMES = ["valence", "activation", "dominance"]

# EmoDB's categories as keys of EMOTION_VAD. Boredom is Mehrabian's "bored"
# octant (-, -, -); RAVDESS's "sad" entry already is that octant, so boredom and
# sadness share one point.
EMODB_TO_RAVDESS = {
    "anger": "angry",
    "boredom": "sad",
    "disgust": "disgust",
    "fear": "fearful",
    "happiness": "happy",
    "neutral": "neutral",
    "sadness": "sad",
}


def _read_labels(root: Path) -> pd.DataFrame:
    if not root.is_dir():
        raise FileNotFoundError(f"EmoDB folder not found: {root}")
    labels = root / "labels.csv"
    if not labels.is_file():
        raise FileNotFoundError(f"EmoDB labels not found: {labels}")
    return pd.read_csv(labels, dtype={"speaker": str})


def _extract(root: Path) -> dict:
    """Features and metadata of every file listed in ``root/labels.csv``."""
    labels = _read_labels(root)
    unknown = sorted(set(labels["emotion"]) - set(EMODB_TO_RAVDESS))
    if unknown:
        raise ValueError(f"unknown EmoDB emotions in labels.csv: {unknown}")
    paths = [str(root / file) for file in labels["file"]]
    smile = OpenSmileFunctionals(n_jobs=1)
    return {
        "data": smile.fit_transform(paths),
        "feature_names": np.asarray(smile.get_feature_names_out(), dtype=str),
        "files": labels["file"].to_numpy(dtype=str),
        "groups": labels["speaker"].astype(int).to_numpy(),
        "categories": labels["emotion"].to_numpy(dtype=str),
    }


def _save(cache: Path, arrays: dict) -> None:
    """``np.savez`` to a temporary file beside ``cache``, then rename it."""
    cache.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache.parent, prefix=cache.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as file:
            np.savez(file, **arrays)
        os.chmod(tmp, 0o644)  # mkstemp's 0o600 would hide the cache from others
        os.replace(tmp, cache)
    except BaseException:
        os.unlink(tmp)
        raise


def load_emodb_features(root=ROOT, cache=CACHE):
    """EmoDB's eGeMAPS functionals, VAD targets and speakers, cached.

    Parameters
    ----------
    root : path-like, default=ROOT
        Folder of the processed EmoDB copy: ``labels.csv`` and the FLAC files.
        Only read when ``cache`` does not exist yet.
    cache : path-like, default=CACHE
        ``.npz`` file of the extracted features, written on the first call and
        read afterwards.

    Returns
    -------
    data : :class:`~sklearn.utils.Bunch`
        data : ndarray of shape (535, 88)
            eGeMAPSv02 functionals, in the column order of
            ``load_ravdess_features()``.
        target : ndarray of shape (535, 3)
            Valence, activation and dominance in [-1, 1], from the category.
        groups : ndarray of shape (535,), dtype int
            Speaker of each utterance (3, 8-16).
        categories : ndarray of shape (535,), dtype str
            EmoDB's emotion names (anger, boredom, disgust, fear, happiness,
            neutral, sadness).
        files : ndarray of shape (535,), dtype str
            File names, ``SSTTTEV.flac``.
        feature_names : list of str
            openSMILE's names of the 88 features.
        target_names : list of str
            ``["valence", "activation", "dominance"]``.
    """
    root, cache = Path(root), Path(cache)
    if not cache.is_file():
        _save(cache, _extract(root))
    with np.load(cache) as stored:
        arrays = {name: stored[name] for name in stored.files}
    feature_names = arrays["feature_names"].tolist()
    expected = load_ravdess_features().feature_names
    if feature_names != expected:
        raise ValueError(
            f"the features in {cache} differ from those of the bundled RAVDESS "
            "table (names or order); delete the cache to extract them again."
        )
    categories = arrays["categories"]
    return Bunch(
        data=arrays["data"],
        target=emotion_to_vad([EMODB_TO_RAVDESS[c] for c in categories]),
        groups=arrays["groups"],
        categories=categories,
        files=arrays["files"],
        feature_names=feature_names,
        target_names=list(TARGET_NAMES),
    )


if __name__ == "__main__":
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GroupKFold, cross_validate
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from aae_sklearn.metrics import ccc_scorer

    cached = CACHE.is_file()
    start = time.perf_counter()
    emodb = load_emodb_features()
    print(
        f"{'read' if cached else 'extracted'} in {time.perf_counter() - start:.1f} s:"
        f" data {emodb.data.shape}, target {emodb.target.shape}"
    )
    print(pd.Series(emodb.categories).value_counts().to_dict())
    print("speakers:", pd.Series(emodb.groups).value_counts().sort_index().to_dict())
    folds = cross_validate(
        make_pipeline(StandardScaler(), Ridge()),
        emodb.data,
        emodb.target[:, 0],
        groups=emodb.groups,
        cv=GroupKFold(5),
        scoring={"r2": "r2", "ccc": ccc_scorer},
    )
    for name in ("r2", "ccc"):
        score = folds[f"test_{name}"]
        print(
            f"valence {name}, GroupKFold(5): {score.round(3)}, mean {score.mean():.3f}"
        )
