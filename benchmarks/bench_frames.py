"""The frame study: which frame model, and what frames give next to vectors.

The shared audio of RAVDESS (24 actors), EmoDB (10 speakers) and nEMO (9
actors) as sequences of 20 ms frames (:class:`~aae_sklearn.features.FrameFeatures`,
``--frame-kind logmel`` or ``egemaps_lld``), each speaker's frames standardised
on that speaker's frames (``--normalize speaker``, ``compare``'s default) or
left as extracted (``none``); the bundled eGeMAPS tables of the same
utterances, each speaker standardised, for the vector models. In each
speaker-grouped training fold a share (``--fractions``) of the rows keeps its
labels; the AAEs get the others unlabeled. The models:

- ``supervised``, ``AAE``: the two frame networks (``--params``, JSON, sets
  parameters of both, such as ``frame_pooling`` or ``hidden_layer_sizes``);
- ``vector supervised``, ``vector AAE``: the two networks at their defaults
  on the eGeMAPS functionals of the same rows and folds.

Settings are looked at on one half of each corpus's speakers and reported on
the other: ``--half tune`` holds RAVDESS actors 1-12 (EmoDB speakers 03-11,
nEMO EB0-KS0), ``--half report`` actors 13-24 (EmoDB 12-16, nEMO MK0-WR0), 3
speaker-grouped folds in each; ``--half all`` runs 6 folds over every speaker
(EmoDB 5, nEMO 3). The frames are extracted once and kept in the cache that
``aae-sklearn compare`` uses.

Each finished fit appends one JSON line to ``benchmarks/frames/<half>.jsonl``
(kept in the repository); a rerun skips the fits already there, so a study
stopped anywhere resumes where it stopped. ``table`` prints the mean over folds,
then the mean and standard deviation over seeds, and each frame AAE's lead
over the frame supervised network of its setting.

Run from the repository root, one run at a time::

    OMP_NUM_THREADS=1 python benchmarks/bench_frames.py run --half tune \\
        --tag pool4 --params '{"frame_pooling": 4}' --seeds 0 1 --jobs 2
    python benchmarks/bench_frames.py table --half tune
"""

# License: BSD-3-Clause

import argparse
import json
import time
import warnings
from functools import partial
from itertools import product
from pathlib import Path

import numpy as np
import pandas as pd
from _common import HALVES, half_folds, labeled_rows, run_pending
from sklearn.utils import Bunch

from aae_sklearn.cli._baselines import _standardized_frames
from aae_sklearn.cli._data import _features, default_cache
from aae_sklearn.cli._tasks import TASKS
from aae_sklearn.datasets import (
    load_emodb,
    load_emodb_features,
    load_nemo,
    load_nemo_features,
    load_ravdess,
    load_ravdess_features,
)
from aae_sklearn.features import GroupStandardScaler

RESULTS = Path(__file__).resolve().parent / "frames"
SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
LOADERS = {
    "ravdess": (load_ravdess, load_ravdess_features),
    "emodb": (load_emodb, load_emodb_features),
    "nemo": (load_nemo, load_nemo_features),
}
MODELS = ["supervised", "AAE", "vector supervised", "vector AAE"]
KEY = [
    "tag",
    "corpus",
    "frame_kind",
    "normalize",
    "half",
    "fraction",
    "model",
    "seed",
    "fold",
]
TARGETS = ["valence", "activation", "dominance"]


def corpus(name, frame_kind, normalize):
    """Frames, functionals (each speaker standardised), targets and speakers of
    the corpus ``name``, in the order of its audio files."""
    load_audio, load_table = LOADERS[name]
    audio = load_audio(SHARED / name)
    frames, _ = _features(list(audio.data), frame_kind, True, default_cache())
    # Numbers, which the halves sort as numbers: RAVDESS actors 1-12 | 13-24.
    groups = np.asarray(audio.groups)
    if normalize == "speaker":
        frames = _standardized_frames(frames, groups)
    table = load_table()
    order = pd.Series(np.arange(len(table.data)), index=table.frame["file"])
    vectors = table.data[order[audio.frame["file"]].to_numpy()]
    return Bunch(
        frames=frames,
        vectors=GroupStandardScaler().fit_transform(vectors, groups=groups),
        y=audio.target,
        groups=groups,
    )


def fit_one(key, params):
    """Fit one model on one fold; the record of its scores."""
    record = dict(zip(KEY, key, strict=True))
    data = corpus(record["corpus"], record["frame_kind"], record["normalize"])
    fold = record["fold"]
    train, test = half_folds(record["corpus"], record["half"], data.groups)[fold]
    labeled = labeled_rows(len(train), record["fraction"], [record["seed"], fold])
    name = record["model"]
    X = data.vectors if name.startswith("vector") else data.frames
    # The vector models' tag: they get none of the frame networks' params.
    own = {} if record["tag"] == "vectors" else params
    seed = record["seed"]
    Network = TASKS["dimensions"].aae if name.endswith("AAE") else None
    Network = Network or TASKS["dimensions"].supervised
    own = {k: v for k, v in own.items() if k in Network().get_params()}
    model = Network(**own, random_state=seed)
    y_train = data.y[train]
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name.endswith("AAE"):
            model.fit(X[train], TASKS["dimensions"].hidden(y_train, labeled))
        else:
            model.fit(X[train][labeled], y_train[labeled])
    fit_time = time.perf_counter() - start
    y_pred = model.predict(X[test])
    if not np.isfinite(y_pred).all():
        raise FloatingPointError(f"{key}: non-finite predictions")
    scores = TASKS["dimensions"].scores(
        data.y[test], y_pred, Bunch(target_names=TARGETS)
    )
    epoch_times = model.history_["time"].to_numpy()
    return dict(
        record,
        params=own,
        n_train=len(train),
        n_labeled=len(labeled),
        epochs=int(model.n_iter_),
        epoch_time=float(np.median(epoch_times[1:] if len(epoch_times) > 1 else 0)),
        fit_time=fit_time,
        **{k: float(v) for k, v in scores.items()},
    )


def fit_keys(args):
    """Every fit of the study ``args`` asks for."""
    for name in args.corpora:
        # Extracted (or read from the cache) here, once, before the workers.
        data = corpus(name, args.frame_kind, args.normalize)
        folds = range(len(half_folds(name, args.half, data.groups)))
        for fraction, seed, model, fold in product(
            args.fractions, args.seeds, args.models, folds
        ):
            # The vector models do not depend on the frame settings.
            tag = "vectors" if model.startswith("vector") else args.tag
            key = (tag, name, args.frame_kind, args.normalize, args.half)
            yield (*key, fraction, model, seed, fold)


def describe(record):
    """The score, epochs and time of a finished fit, for the line that reports it."""
    return (
        f"valence_accuracy {record['valence_accuracy']:.3f}, "
        f"{record['epochs']} epochs of {record['epoch_time']:.1f} s "
        f"({record['fit_time']:.0f} s)"
    )


def run(args):
    path = RESULTS / f"{args.half}.jsonl"
    fit = partial(fit_one, params=json.loads(args.params))
    run_pending(path, KEY, fit_keys(args), fit, args.jobs, describe)


def load(half):
    frame = pd.read_json(RESULTS / f"{half}.jsonl", lines=True)
    frame["ccc_mean"] = frame[[f"ccc_{t}" for t in TARGETS]].mean(axis=1)
    return frame


def summary(frame):
    """Mean over folds per seed, then mean and s.d. over seeds."""
    metrics = ["valence_accuracy", "ccc_mean", "epochs", "epoch_time", "fit_time"]
    cell = ["tag", "corpus", "frame_kind", "normalize", "fraction", "model"]
    per_seed = frame.groupby([*cell, "seed"])[metrics].mean()
    table = per_seed.groupby(cell).agg(["mean", "std"])
    table.columns = [f"{m}_{s}" for m, s in table.columns]
    return table.join(frame.groupby(cell)["fold"].count().rename("fits"))


def gains(frame, metric):
    """Each frame AAE's mean lead over the frame supervised network of the
    same setting (same fraction, seed and fold), in points of ``metric``."""
    frames = frame[~frame.model.str.startswith("vector")]
    where = ["tag", "corpus", "frame_kind", "normalize", "fraction", "seed", "fold"]
    base = frames[frames.model == "supervised"].set_index(where)[metric]
    aae = frames[frames.model == "AAE"].set_index(where)[metric]
    lead = (100 * (aae - base.reindex(aae.index))).dropna().rename("lead")
    per_seed = lead.groupby([*where[:-1]]).mean()
    return per_seed.groupby(where[:-2]).agg(["mean", "std", "count"])


def table(args):
    pd.set_option("display.width", 250, "display.max_rows", 500)
    pd.set_option("display.max_columns", 30)
    frame = load(args.half)
    out = summary(frame)
    cols = [c for c in out.columns if c.endswith("_mean") or c == "fits"]
    print(out[cols].round(3).to_string())
    for metric in ("valence_accuracy", "ccc_mean"):
        print(f"\nFrame AAE's lead over the frame supervised network, {metric}:")
        print(gains(frame, metric).round(1).to_string())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    go = commands.add_parser("run", help="run the fits not yet recorded")
    go.add_argument("--half", choices=HALVES, default="tune")
    go.add_argument("--corpora", nargs="+", choices=list(LOADERS), default=["ravdess"])
    go.add_argument("--frame-kind", choices=["logmel", "egemaps_lld"], default="logmel")
    go.add_argument("--normalize", choices=["speaker", "none"], default="speaker")
    go.add_argument("--fractions", type=float, nargs="+", default=[0.25])
    go.add_argument("--seeds", type=int, nargs="+", default=[0, 1])
    go.add_argument("--models", nargs="+", choices=MODELS, default=MODELS[:2])
    go.add_argument("--params", default="{}", help="JSON, for the frame networks")
    go.add_argument("--tag", default="default")
    go.add_argument("--jobs", type=int, default=2)
    show = commands.add_parser("table", help="print the summary of a half")
    show.add_argument("--half", choices=HALVES, default="tune")
    args = parser.parse_args(argv)
    {"run": run, "table": table}[args.command](args)


if __name__ == "__main__":
    main()
