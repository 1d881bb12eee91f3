"""Feature extraction throughput, in multiples of real time, on RAVDESS speech.

Times three extractors of :mod:`aae_sklearn.features` on the same RAVDESS
utterances (16 kHz mono FLAC), each with ``n_jobs=1`` and ``n_jobs=2``:

* ``OpenSmileFunctionals()``: the 88 eGeMAPSv02 functionals per utterance;
* ``FrameFeatures(kind="logmel")``: 40 log mel bands every 20 ms;
* ``FrameFeatures(kind="egemaps_lld")``: the 25 eGeMAPSv02 low-level
  descriptors, averaged to one frame every 20 ms.

A timing covers ``transform`` on the list of paths: reading and decoding the
files, and extracting. Throughput is the total duration of the audio divided
by the wall time, the median over ``--repeats`` repeats ("x real time": 100
means 100 s of speech per second). Every contender first runs once on a few
files (warm-up: imports, thread pools). Each repeat runs every contender once,
in an order rotated from one repeat to the next, so that load from other
processes hits them alike. The files are spread over the 24 actors: the same
number from each (``--n-files`` / 24), evenly spaced in each actor's list.

Examples
--------
::

    python benchmarks/bench_features.py
    python benchmarks/bench_features.py --n-files 1440 --repeats 5 --out bench.json
"""

# License: BSD-3-Clause

import argparse
import os
import sys
import time
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import sklearn
from _common import report_timings, speed

from aae_sklearn.features import FrameFeatures, OpenSmileFunctionals

ROOT = Path(__file__).resolve().parents[2] / "shared" / "data" / "ravdess"
CONTENDERS = {
    "OpenSmileFunctionals": lambda n_jobs: OpenSmileFunctionals(n_jobs=n_jobs),
    "FrameFeatures(logmel)": lambda n_jobs: FrameFeatures(n_jobs=n_jobs),
    "FrameFeatures(egemaps_lld)": lambda n_jobs: FrameFeatures(
        kind="egemaps_lld", n_jobs=n_jobs
    ),
}
N_JOBS = (1, 2)
# The printed table: header, field, format.
COLUMNS = [
    ("extractor", "extractor", "<26"),
    ("n_jobs", "n_jobs", ">6"),
    ("median s", "median_s", ">8.2f"),
    ("x real time", "x_real_time", ">11.0f"),
    ("files/s", "files_per_s", ">7.0f"),
]


def pick_files(root, n_files):
    """``n_files`` paths spread evenly over the actors, and their durations (s)."""
    labels = pd.read_csv(root / "labels.csv")
    actors = sorted(labels["actor"].unique())
    per_actor = max(1, n_files // len(actors))
    rows = []
    for actor in actors:
        files = labels[labels["actor"] == actor]
        picks = np.linspace(0, len(files) - 1, min(per_actor, len(files)))
        rows.append(files.iloc[np.unique(picks.round().astype(int))])
    picked = pd.concat(rows)
    return [str(root / f) for f in picked["file"]], picked["duration_s"].to_numpy()


def run(paths, repeats):
    """Wall times of each (contender, n_jobs), repeats rotated in order."""
    runs = [(name, n_jobs) for name in CONTENDERS for n_jobs in N_JOBS]
    for name, n_jobs in runs:
        CONTENDERS[name](n_jobs).transform(paths[:8])
    times = {run: [] for run in runs}
    for repeat in range(repeats):
        order = runs[repeat % len(runs) :] + runs[: repeat % len(runs)]
        for name, n_jobs in order:
            extractor = CONTENDERS[name](n_jobs)
            start = time.perf_counter()
            extractor.transform(paths)
            times[name, n_jobs].append(time.perf_counter() - start)
    return times


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=Path, default=ROOT, help="the RAVDESS folder")
    parser.add_argument("--n-files", type=int, default=240)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, help="write the results as JSON")
    args = parser.parse_args(argv)
    if not (args.root / "labels.csv").is_file():
        parser.error(f"no RAVDESS labels.csv in {args.root}; pass --root")
    paths, durations = pick_files(args.root, args.n_files)
    audio_s = float(durations.sum())
    load_before = os.getloadavg()
    print(
        f"{len(paths)} files, {audio_s:.1f} s of audio, {args.repeats} repeats, "
        f"{os.cpu_count()} CPUs, load average {load_before[0]:.2f}"
    )
    times = run(paths, args.repeats)
    rows = []
    for (name, n_jobs), wall in times.items():
        row = dict(extractor=name, n_jobs=n_jobs, **speed(wall, audio_s))
        row.update(files_per_s=len(paths) / row["median_s"], times_s=wall)
        rows.append(row)
    report_timings(
        rows,
        COLUMNS,
        load_before,
        out=args.out,
        summary=dict(n_files=len(paths), audio_s=audio_s, repeats=args.repeats),
        versions=dict(
            numpy=np.__version__,
            sklearn=sklearn.__version__,
            joblib=joblib.__version__,
            opensmile=_version("opensmile"),
            soundfile=_version("soundfile"),
        ),
    )


def _version(name):
    try:
        return __import__(name).__version__
    except ImportError:
        return None


if __name__ == "__main__":
    sys.exit(main())
