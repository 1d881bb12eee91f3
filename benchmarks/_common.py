"""What the benchmark scripts share: speaker halves, folds, labeled rows, result
files that resume, and the report of a timing.

The scripts run as ``python benchmarks/bench_x.py``, which puts this folder first
on Python's path: they import this module as ``_common``, from the repository
root or from here alike.

- Halves: a corpus's speakers, their identifiers sorted (as text for strings, as
  numbers for numbers), cut in two; settings are chosen on the first (``tune``)
  and reported on the second (``report``); ``all`` holds every speaker.
- Folds: ``GroupKFold`` over the speakers of the rows studied.
- Labeled rows: a permutation of a training fold drawn from a seed; the first
  share of it keeps its labels, so that the labeled rows of a smaller share are
  a subset of those of a larger one, the same for every model.
- Result files: one record per finished fit, appended as it ends (a JSON line,
  or a CSV row); a rerun reads the keys of the records there and skips those
  fits, so that a study stopped anywhere resumes where it stopped.
"""

# License: BSD-3-Clause

import json
import os
import platform
import re
import statistics

import numpy as np
import pandas as pd
from joblib import Parallel, delayed, parallel_config
from sklearn.model_selection import GroupKFold

from aae_sklearn import AAEEmotionRegressor

HALVES = ["tune", "report", "all"]
# Folds within each half, and over every speaker of each corpus (EmoDB's 10
# speakers: 5 folds of 2; nEMO's 9: 3 of 3).
FOLDS = {"tune": 3, "report": 3, "all": {"ravdess": 6, "emodb": 5, "nemo": 3}}


# -- halves and folds -----------------------------------------------------------


def half_rows(groups, half):
    """The positions of the rows whose speaker (``groups``) is in ``half``."""
    speakers = np.unique(groups)
    cut = len(speakers) // 2
    chosen = {"tune": speakers[:cut], "report": speakers[cut:], "all": speakers}[half]
    return np.flatnonzero(np.isin(groups, chosen))


def group_folds(groups, n_folds, rows=None):
    """The (train, test) positions of ``GroupKFold(n_folds)`` over ``rows``
    (default: every row), grouped by speaker (``groups``)."""
    groups = np.asarray(groups)
    rows = np.arange(len(groups)) if rows is None else rows
    folds = GroupKFold(n_splits=n_folds).split(rows, groups=groups[rows])
    return [(rows[train], rows[test]) for train, test in folds]


def half_folds(corpus, half, groups):
    """The (train, test) positions of the folds of ``half`` of the corpus named
    ``corpus``, whose speakers are ``groups`` (see ``FOLDS``)."""
    n_folds = FOLDS[half] if half != "all" else FOLDS["all"][corpus]
    return group_folds(groups, n_folds, half_rows(groups, half))


# -- labeled rows ---------------------------------------------------------------


def first_share(order, fraction):
    """The first ``fraction`` of the positions ``order``, sorted."""
    return np.sort(order[: round(fraction * len(order))])


def labeled_rows(n_train, fraction, seed):
    """The labeled positions of a training fold of ``n_train`` rows, drawn from
    ``seed`` (what ``numpy.random.default_rng`` takes, such as ``[seed, fold]``):
    the same for every model, those of a smaller fraction a subset of a larger
    one's."""
    return first_share(np.random.default_rng(seed).permutation(n_train), fraction)


def fit_labeled(model, X, y, labeled):
    """Fit ``model`` where only the rows ``labeled`` keep their targets: the
    autoencoder on every row, the others unlabeled (NaN), any other model on the
    labeled rows alone."""
    if isinstance(model, AAEEmotionRegressor):
        hidden = np.full_like(y, np.nan)
        hidden[labeled] = y[labeled]
        return model.fit(X, hidden)
    return model.fit(X[labeled], y[labeled])


# -- result files ---------------------------------------------------------------


def read_jsonl(path):
    """The records of the JSON lines file ``path``."""
    with path.open() as f:
        return [json.loads(line) for line in f if line.strip()]


def jsonl_keys(path, key):
    """The keys (tuples of the fields ``key``) of the records in ``path``; none
    where there is no such file yet."""
    if not path.exists():
        return set()
    return {tuple(record[k] for k in key) for record in read_jsonl(path)}


def append_jsonl(path, record):
    """Append ``record`` to ``path`` as one JSON line."""
    with path.open("a") as f:
        f.write(json.dumps(record) + "\n")


def csv_keys(path, key, dtype=None):
    """The keys (tuples of the fields ``key``, as text) of the rows of the CSV
    file ``path``, read with ``dtype``; none where there is no such file yet."""
    if not path.is_file():
        return set()
    table = pd.read_csv(path, dtype=dtype)
    return set(table[key].astype(str).itertuples(index=False, name=None))


def append_csv(path, record):
    """Append ``record`` to ``path`` as one CSV row, with a header line first
    where the file is new."""
    pd.DataFrame([record]).to_csv(path, mode="a", header=not path.exists(), index=False)


# -- running fits ---------------------------------------------------------------


def in_workers(calls, jobs, *, ordered=False):
    """The results of ``calls`` (joblib's ``delayed``), ``jobs`` at a time in
    worker processes of one thread each; in the order of ``calls`` where
    ``ordered``, else as they end."""
    with parallel_config(backend="loky", inner_max_num_threads=1):
        return_as = "generator" if ordered else "generator_unordered"
        return Parallel(n_jobs=jobs, return_as=return_as)(calls)


def run_pending(path, key, keys, fit, jobs, describe):
    """Fit every key of ``keys`` not yet recorded in the JSON lines file ``path``
    and append each record as its fit ends.

    Parameters
    ----------
    path : Path
        The results file, created with its folder where new.
    key : list of str
        The fields of a record that make its key.
    keys : iterable of tuple
        The keys of the study, in the order to fit them.
    fit : callable
        ``fit(key)``: the record of one fit, the fields ``key`` holding ``key``.
    jobs : int
        How many fits run at a time.
    describe : callable
        ``describe(record)``: what the line printed for a record says after its
        key.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    done = jsonl_keys(path, key)
    todo = [k for k in dict.fromkeys(keys) if k not in done]
    print(f"{len(todo)} fits to run ({len(done)} in {path})", flush=True)
    results = in_workers((delayed(fit)(k) for k in todo), jobs)
    for i, record in enumerate(results, 1):
        append_jsonl(path, record)
        name = " ".join(str(record[k]) for k in key)
        print(f"[{i}/{len(todo)}] {name}: {describe(record)}", flush=True)


# -- timings --------------------------------------------------------------------


def speed(wall, audio_s):
    """The median of the wall times ``wall`` (s) of a job on ``audio_s`` seconds of
    audio, and the seconds of audio per second of it ("x real time")."""
    median = statistics.median(wall)
    return dict(median_s=median, x_real_time=audio_s / median)


def markdown_table(rows, columns):
    """``rows`` (dicts) as a Markdown table. ``columns``: a (header, field, format
    specification) per column, the specification's alignment (``<`` or ``>``) and
    width those of the header, such as ``("median s", "median_s", ">8.2f")``."""
    header, rule = [], []
    for title, _, spec in columns:
        align, width = spec[0], int(re.match(r"\d+", spec[1:])[0])
        header.append(f"{title:{align}{width}}")
        rule.append("-" * (width + 2) if align == "<" else "-" * (width + 1) + ":")
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(rule) + "|"]
    for row in rows:
        lines.append("| " + " | ".join(f"{row[f]:{s}}" for _, f, s in columns) + " |")
    return "\n".join(lines)


def report_timings(rows, columns, load_before, *, out, summary, versions):
    """Print ``rows`` as a Markdown table (see :func:`markdown_table`) and the load
    average now; with a path ``out``, write there as JSON ``summary``, the rows and
    the machine: load averages, CPUs, platform, and the versions of Python and of
    ``versions`` (name: version)."""
    load_after = os.getloadavg()
    print("\n" + markdown_table(rows, columns))
    print(f"\nload average after: {load_after[0]:.2f}")
    if out:
        machine = dict(
            load_average=dict(before=load_before, after=load_after),
            cpu_count=os.cpu_count(),
            platform=platform.platform(),
            versions=dict(python=platform.python_version(), **versions),
        )
        out.write_text(json.dumps(dict(summary, results=rows, **machine), indent=2))
        print(f"wrote {out}")


# -- the studies of unlabeled speech (bench_pool.py, bench_views.py) -----------

STUDY_TARGETS = ["valence", "activation", "dominance"]


def test_scores(task, model, X_test, y_test, key):
    """The scores of ``model`` on the test rows, by ``TASKS[task]``; an error
    naming the fit ``key`` where a prediction is not finite."""
    from sklearn.utils import Bunch

    from aae_sklearn.cli._tasks import TASKS

    y_pred = model.predict(X_test)
    if task == "dimensions" and not np.isfinite(y_pred).all():
        raise FloatingPointError(f"{key}: non-finite predictions")
    scores = TASKS[task].scores(y_test, y_pred, Bunch(target_names=STUDY_TARGETS))
    return {k: float(v) for k, v in scores.items()}


def describe(record):
    """The score and time of a finished fit, for the line that reports it."""
    metric = "valence_accuracy" if record["task"] == "dimensions" else "uar"
    return f"{metric} {record[metric]:.3f} ({record['fit_time']:.0f} s)"


def add_run_arguments(parser, tasks, corpora):
    """The options of a study's ``run``: which half, task, corpora, labeled
    fractions, seeds and models, the autoencoders' parameters and their tag,
    and the workers."""
    parser.add_argument("--half", choices=HALVES, default="tune")
    parser.add_argument("--task", choices=list(tasks), default="dimensions")
    parser.add_argument("--corpora", nargs="+", choices=corpora, default=corpora)
    parser.add_argument("--fractions", nargs="+", type=float, default=[0.1, 0.25, 1.0])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--models", nargs="+", default=None)
    parser.add_argument("--params", default="{}", help="JSON parameters of the AAEs")
    parser.add_argument("--tag", default="default")
    parser.add_argument("--jobs", type=int, default=1)


def mean_leads(others, base, metric):
    """The mean lead of each setting (tag and model) of the records
    ``others`` over ``base`` (the baseline's ``metric``), both indexed by
    corpus, fraction, seed and fold, in points of ``metric``, by corpus and
    fraction: over folds, then over seeds."""
    lead = 100 * (others[metric] - base.reindex(others.index))
    others = others.assign(lead=lead).reset_index()
    others["setting"] = others["tag"] + " " + others["model"]
    per_seed = others.groupby(["setting", "corpus", "fraction", "seed"])["lead"].mean()
    return per_seed.groupby(["setting", "corpus", "fraction"]).mean().unstack([1, 2])
