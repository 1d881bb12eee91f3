"""The benchmark figures that the README and the documentation quote.

Every figure is computed from the result files committed under
``benchmarks/`` (``pool/``, ``frames/`` and the tables of
``benchmarks/README.md``), never typed by hand, and has a key. The documents
quote a figure next to its key, so that a test can compare the two:

- Markdown (``README.md``): the figure, then ``<!-- n:KEY -->``;
- reStructuredText: a substitution ``|KEY|`` whose definition
  ``.. |KEY| replace:: FIGURE`` the document holds;
- the tables of ``docs/results.rst``: the comment ``.. doc-numbers table
  NAME`` before the ``list-table`` that this script prints as ``NAME``.

``QUOTED`` lists what each document must quote. ``--check`` reports every
quote that disagrees with the files and every figure of ``QUOTED`` that a
document lacks; ``tests/test_doc_numbers.py`` runs the same check. Run from
anywhere::

    python scripts/doc_numbers.py             # every key and its figure
    python scripts/doc_numbers.py --tables    # the tables of docs/results.rst
    python scripts/doc_numbers.py --check     # the documents against the files

Means are taken over folds for each seed, then over seeds (and, across
corpora, over the six directions). A lead is the autoencoder's score minus
that of the model it is compared with: in points (hundredths) of valence
accuracy or UAR, or in CCC.
"""

# License: BSD-3-Clause

import argparse
import re
import sys
from functools import cache
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
BENCHMARKS = ROOT / "benchmarks"
CORPORA = {"ravdess": "RAVDESS", "emodb": "EmoDB", "nemo": "nEMO"}
FRACTIONS = {0.1: "10", 0.25: "25", 1.0: "100"}
TARGETS = ["ccc_valence", "ccc_activation", "ccc_dominance"]
DIRECTIONS = [f"{a}->{b}" for a in CORPORA for b in CORPORA if a != b]
# The baselines of the study across corpora, as the documents name them.
BASELINES = {"supervised": "the supervised network", "SVR": "SVR"}
METRICS = {
    "valence_accuracy": "valence accuracy",
    "ccc_valence": "valence CCC",
    "ccc_activation": "activation CCC",
    "ccc_dominance": "dominance CCC",
    "ccc_mean": "mean CCC",
}


# -- the result files ---------------------------------------------------------


@cache
def _pool(half):
    """``benchmarks/pool/<half>.jsonl``, the runs at the defaults (``tag``
    ``default``), with ``ccc_mean``, and ``AAE``: the autoencoder given the
    training fold's other rows unlabeled, or with all labels (no other rows)
    on its labels alone."""
    frame = pd.read_json(BENCHMARKS / "pool" / f"{half}.jsonl", lines=True)
    frame = frame[frame.tag == "default"].copy()
    frame["ccc_mean"] = frame[TARGETS].mean(axis=1)
    aae = frame[
        ((frame.model == "AAE:same") & (frame.fraction < 1))
        | ((frame.model == "AAE:none") & (frame.fraction == 1))
    ].assign(model="AAE")
    return pd.concat([frame, aae], ignore_index=True)


@cache
def _views(half):
    """``benchmarks/views/<half>.jsonl``, the runs at the defaults (``tag``
    ``default``), with ``ccc_mean``."""
    frame = pd.read_json(BENCHMARKS / "views" / f"{half}.jsonl", lines=True)
    frame = frame[frame.tag == "default"].copy()
    frame["ccc_mean"] = frame[TARGETS].mean(axis=1)
    return frame


def _views_means(task, metric):
    """Mean ``metric`` by (corpus, fraction, model), report half of the views
    study."""
    return _model_means(_views("report"), task, metric)


def _views_lead(task, metric, model="AAE+views", over="supervised+views"):
    """``model``'s lead over ``over``, report half of the views study; by
    corpus and fraction, the mean over seeds."""
    return _model_lead(_views("report"), task, metric, model, over)["mean"]


def _per_seed(frame, cell, metric):
    """The mean of ``metric`` over folds, per ``cell`` and seed."""
    return frame.groupby([*cell, "seed"])[metric].mean()


def _means(frame, cell, metric):
    """The mean over folds, then over seeds, per ``cell``."""
    return _per_seed(frame, cell, metric).groupby(cell).mean()


def _model_means(frame, task, metric):
    """Mean ``metric`` by (corpus, fraction, model) of the records ``frame``
    of ``task``."""
    return _means(frame[frame.task == task], ["corpus", "fraction", "model"], metric)


def _model_lead(frame, task, metric, model, over):
    """Per seed, ``model``'s mean over folds minus ``over``'s, in the records
    ``frame`` of ``task``; by corpus and fraction, the mean and the standard
    deviation over seeds."""
    per_seed = _per_seed(
        frame[frame.task == task], ["corpus", "fraction", "model"], metric
    ).unstack("model")
    lead = (per_seed[model] - per_seed[over]).dropna()
    return lead.groupby(["corpus", "fraction"]).agg(["mean", "std"])


def _pool_means(half, task, metric):
    """Mean ``metric`` by (corpus, fraction, model) of a half of the pool study."""
    return _model_means(_pool(half), task, metric)


def _pool_lead(half, task, metric, model, over="supervised"):
    """``model``'s lead over ``over`` in a half of the pool study; by corpus
    and fraction, the mean and the standard deviation over seeds."""
    return _model_lead(_pool(half), task, metric, model, over)


@cache
def _cross(task):
    """The six directions between the three corpora, report half: mean over
    seeds per direction, fraction and model."""
    name = "cross_report.csv" if task == "dimensions" else "cross_report_classes.csv"
    frame = pd.read_csv(BENCHMARKS / "pool" / name)
    if task == "dimensions":
        frame["ccc_mean"] = frame[TARGETS].mean(axis=1)
    metrics = frame.columns.drop(
        ["tag", "task", "direction", "normalize", "half", "fraction", "model", "seed"]
    )
    return frame.groupby(["direction", "fraction", "model"])[list(metrics)].mean()


def _cross_means(task):
    """Mean over the six directions, by fraction and model."""
    per_direction = _cross(task)
    counts = per_direction.groupby(["fraction", "model"]).size()
    if (counts != len(DIRECTIONS)).any():
        raise ValueError(
            f"benchmarks/pool/cross_report*.csv ({task}): every fraction and model "
            f"needs all {len(DIRECTIONS)} directions, found {counts.to_dict()}"
        )
    return per_direction.groupby(["fraction", "model"]).mean()


@cache
def _frames(half):
    """``benchmarks/frames/<half>.jsonl``: RAVDESS, per-speaker normalisation,
    the defaults, with ``ccc_mean`` and ``input`` (vectors or a frame kind)."""
    frame = pd.read_json(BENCHMARKS / "frames" / f"{half}.jsonl", lines=True)
    frame = frame[
        (frame.corpus == "ravdess")
        & (frame.normalize == "speaker")
        & frame.tag.isin(["default", "vectors"])
    ].copy()
    frame["ccc_mean"] = frame[TARGETS].mean(axis=1)
    vector = frame.model.str.startswith("vector ")
    frame["input"] = frame.frame_kind.where(~vector, "vectors")
    frame["model"] = frame.model.str.removeprefix("vector ")
    return frame


def _markdown_row(section, first_cell):
    """The cells of the row of a table of ``benchmarks/README.md``, in the
    section whose heading starts with ``section``, whose first cell starts
    with ``first_cell``."""
    text = (BENCHMARKS / "README.md").read_text(encoding="utf-8")
    parts = re.split(r"^## ", text, flags=re.MULTILINE)
    body = next((p for p in parts if p.startswith(section)), None)
    if body is None:
        raise ValueError(f"benchmarks/README.md has no section '## {section}'")
    for line in body.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].startswith(first_cell):
            return cells
    raise ValueError(
        f"benchmarks/README.md, section '{section}': no table row '{first_cell}'"
    )


# -- formats ------------------------------------------------------------------


def _signed(value, digits=1):
    """``+6.5``, ``-2.3``; a value that rounds to zero is ``+0.0``."""
    text = f"{value:+.{digits}f}"
    return "+" + text[1:] if float(text) == 0 else text


def points(value):
    """A lead in points (hundredths): ``+6.5``."""
    return _signed(100 * value)


def ccc(value):
    """A signed CCC without its leading zero: ``+.068``, ``-.002``."""
    return _signed(value, 3).replace("0.", ".", 1)


def score(value):
    """A score in [0, 1] with three decimals: ``0.415``."""
    return f"{value:.3f}"


def short(value):
    """A score without its leading zero: ``.415``."""
    return score(value).replace("0.", ".", 1)


# -- the figures ----------------------------------------------------------------


def _within_corpus():
    """Leads within each corpus, report half and all folds (``pool/``)."""
    numbers = {}
    for half in ("report", "all"):
        for model, name in (("AAE", "aae"), ("AAE:pool", "pool")):
            for metric, unit, fmt in (
                ("valence_accuracy", "acc", points),
                ("ccc_mean", "ccc", ccc),
            ):
                lead = _pool_lead(half, "dimensions", metric, model)
                for (corpus, fraction), row in lead.iterrows():
                    key = f"{half}.{corpus}.{FRACTIONS[fraction]}.{name}.{unit}"
                    numbers[key] = fmt(row["mean"])
                    if half == "all" and name == "aae":
                        numbers[key + ".sd"] = fmt(row["std"]).lstrip("+")
            lead = _pool_lead(half, "categories", "uar", model)
            for (corpus, fraction), row in lead.iterrows():
                key = f"{half}.{corpus}.{FRACTIONS[fraction]}.{name}.uar"
                numbers[key] = points(row["mean"])
    # The tuned SVR on RAVDESS's held-out half: how far below the lowest network.
    accuracy = _pool_means("report", "dimensions", "valence_accuracy")["ravdess"]
    accuracy = accuracy.unstack("model")
    networks = accuracy[["supervised", "AAE", "AAE:pool"]].min(axis=1)
    gap = networks - accuracy["SVR"]
    numbers["report.ravdess.svr_gap.acc.min"] = f"{100 * gap.min():.1f}"
    numbers["report.ravdess.svr_gap.acc.max"] = f"{100 * gap.max():.1f}"
    # Classes: the tuned logistic regression against the autoencoder.
    uar = _pool_means("report", "categories", "uar").unstack("model")
    numbers["report.classes.logreg_ahead_of_pool"] = str(
        int((uar["LogReg"] > uar["AAE:pool"]).sum())
    )
    numbers["report.classes.cells"] = str(len(uar))
    ravdess = uar.loc["ravdess"]
    for fraction, value in (ravdess["LogReg"] - ravdess["AAE"]).items():
        key = f"report.ravdess.{FRACTIONS[fraction]}.logreg_over_aae.uar"
        numbers[key] = points(value)
    pool_lead = _pool_lead("report", "categories", "uar", "AAE:pool")["mean"]
    numbers["report.ravdess.pool.uar.within"] = (
        f"{100 * pool_lead['ravdess'].abs().max():.1f}"
    )
    uar = _pool_means("all", "categories", "uar").unstack("model")
    for fraction, row in uar.loc["ravdess"].iterrows():
        for model in ("AAE", "supervised"):
            key = f"all.ravdess.{FRACTIONS[fraction]}.{model.lower()}.uar.score"
            numbers[key] = short(row[model])
    return numbers


def _across_corpora():
    """Across corpora (``pool/cross_report*.csv``): the autoencoder given the
    target's speech and the third corpus, against the best baseline."""
    numbers = {}
    means = _cross_means("dimensions")
    for fraction, label in FRACTIONS.items():
        row = means.loc[fraction]
        for metric, unit, fmt in (
            ("valence_accuracy", "acc", points),
            ("ccc_mean", "ccc", ccc),
        ):
            lead = row.loc["AAE+adapt+pool", metric] - row.loc["supervised", metric]
            numbers[f"cross.{label}.pool.{unit}"] = fmt(lead)
        for metric, (_, lead) in _best_baselines(row).items():
            fmt = points if metric == "valence_accuracy" else ccc
            numbers[f"cross.{label}.over_best.{metric}"] = fmt(lead)
    for metric in METRICS:
        numbers[f"cross.best.{metric}"] = _best_phrase(means, metric)
    per_direction = _cross("dimensions")["valence_accuracy"]
    for direction in ("emodb->ravdess", "emodb->nemo"):
        cell = per_direction.loc[direction, 0.25]
        key = f"cross.{direction.replace('->', '-')}.25.pool.acc"
        numbers[key] = points(cell["AAE+adapt+pool"] - cell["supervised"])
    uar = _cross_means("categories")["uar"].unstack("model")
    networks = uar[["supervised", "AAE", "AAE+adapt", "AAE+adapt+pool"]].max(axis=1)
    margin = (uar["SVC"] - networks).min()
    numbers["cross.classes.svc_margin.min"] = f"{100 * margin:.1f}"
    return numbers


def _best_baselines(row):
    """For each metric, the best of the supervised network and SVR, and the
    lead of the autoencoder with the target's speech and the pool over it."""
    best = {}
    for metric in METRICS:
        scores = row.loc[list(BASELINES), metric]
        name = scores.idxmax()
        best[metric] = (
            BASELINES[name],
            row.loc["AAE+adapt+pool", metric] - scores[name],
        )
    return best


def _best_phrase(means, metric):
    """Which baseline is best in ``metric`` at each share of labels:
    ``"SVR"``, or ``"the supervised network with 10 %, SVR with 25 and 100 %"``."""
    shares = {}
    for fraction, label in FRACTIONS.items():
        name = _best_baselines(means.loc[fraction])[metric][0]
        shares.setdefault(name, []).append(label)
    if len(shares) == 1:
        return next(iter(shares))
    return ", ".join(f"{n} with {' and '.join(s)} %" for n, s in shares.items())


def _with_views():
    """The autoencoder trained on augmented views against the supervised
    network trained on the same labeled views (``views/report.jsonl``)."""
    numbers = {}
    tasks = (
        ("dimensions", "valence_accuracy", "acc", points),
        ("dimensions", "ccc_mean", "ccc", ccc),
        ("categories", "uar", "uar", points),
    )
    for task, metric, unit, fmt in tasks:
        for (corpus, fraction), value in _views_lead(task, metric).items():
            numbers[f"views.{corpus}.{FRACTIONS[fraction]}.{unit}"] = fmt(value)
    return numbers


def _recorded():
    """Figures that only the tables of ``benchmarks/README.md`` record."""
    cells = [
        _markdown_row("`bench_ssl.py`", name)
        for name in ("wav2vec2-base architecture", "wavlm-base architecture")
    ]
    real_time = [float(c[3]) for c in cells]  # the column "x real time"
    aae = _markdown_row("`bench_sequences.py`", "`AAEEmotionRegressor` on the 1200")
    supervised = _markdown_row("`bench_sequences.py`", "`SupervisedEmotionRegressor`")
    return {
        "ssl.base.real_time": f"{sum(real_time) / len(real_time):.0f}",
        "sequences.fit.aae_s": f"{float(aae[1].split()[0]):.0f}",
        "sequences.fit.supervised_s": f"{float(supervised[1].split()[0]):.0f}",
    }


def numbers():
    """Every figure that the documents quote, or may quote, by key.

    Returns
    -------
    numbers : dict of str to str
        The figure as the documents print it, by key.
    """
    return {
        **_within_corpus(),
        **_across_corpora(),
        **_with_views(),
        **_recorded(),
    }


# -- the tables of docs/results.rst ---------------------------------------------


def _list_table(header, rows):
    """An rST ``list-table`` with one header row."""
    lines = [".. list-table::", "   :header-rows: 1", ""]
    for cells in [header, *rows]:
        lines.append("   * - " + "\n     - ".join(cells))
    return "\n".join(lines)


def _dimension_rows(columns, means, leads):
    """The rows of a table of dimensions: per corpus and share of labels, the
    valence accuracy / mean CCC of each model of ``columns`` (``means``: the
    two by (corpus, fraction, model)) and a lead in points of each (``leads``:
    the two by (corpus, fraction))."""
    (accuracy, mean_ccc), (lead_acc, lead_ccc) = means, leads
    rows = []
    for corpus, name in CORPORA.items():
        for fraction, label in FRACTIONS.items():
            cells = [
                f"{score(accuracy[corpus, fraction, m])} / "
                f"{score(mean_ccc[corpus, fraction, m])}"
                for m in columns
            ]
            lead = (
                f"{points(lead_acc[corpus, fraction])} / "
                f"{points(lead_ccc[corpus, fraction])}"
            )
            rows.append([name, f"{label} %", *cells, lead])
    return rows


def _pool_dimensions_table():
    columns = ["supervised", "AAE", "AAE:pool", "SVR"]
    metrics = ("valence_accuracy", "ccc_mean")
    means = [_pool_means("report", "dimensions", m) for m in metrics]
    leads = [_pool_lead("report", "dimensions", m, "AAE:pool")["mean"] for m in metrics]
    rows = _dimension_rows(columns, means, leads)
    header = ["corpus", "labels", "supervised", "AAE", "AAE + pool", "SVR (tuned)"]
    return _list_table([*header, "lead of AAE + pool"], rows)


def _pool_classes_table():
    columns = ["supervised", "AAE", "AAE:pool", "SVC", "LogReg"]
    uar = _pool_means("report", "categories", "uar")
    rows = [
        [name, f"{label} %", *(score(uar[corpus, fraction, m]) for m in columns)]
        for corpus, name in CORPORA.items()
        for fraction, label in FRACTIONS.items()
    ]
    header = ["corpus", "labels", "supervised", "AAE", "AAE + pool"]
    return _list_table([*header, "SVC (tuned)", "LogReg (tuned)"], rows)


def _cross_dimensions_table():
    columns = ["supervised", "AAE", "AAE+adapt", "AAE+adapt+pool", "SVR"]
    means = _cross_means("dimensions")
    rows = [
        [
            f"{label} %",
            *(
                f"{short(means.loc[(fraction, m), 'valence_accuracy'])} / "
                f"{short(means.loc[(fraction, m), 'ccc_mean'])}"
                for m in columns
            ),
        ]
        for fraction, label in FRACTIONS.items()
    ]
    return _list_table(["labels", *columns[:-1], "SVR (tuned)"], rows)


def _cross_best_table():
    means = _cross_means("dimensions")
    best = {f: _best_baselines(means.loc[f]) for f in FRACTIONS}
    rows = []
    for metric, name in METRICS.items():
        fmt = points if metric == "valence_accuracy" else ccc
        cells = []
        for fraction in FRACTIONS:
            baseline, lead = best[fraction][metric]
            cells.append(f"{fmt(lead)} over {baseline.removeprefix('the ')}")
        rows.append([name, *cells])
    header = ["metric", *(f"{label} %" for label in FRACTIONS.values())]
    return _list_table(header, rows)


def _cross_classes_table():
    columns = ["supervised", "AAE", "AAE+adapt", "AAE+adapt+pool", "SVC"]
    uar = _cross_means("categories")["uar"]
    rows = [
        [
            f"{label} %",
            *(short(uar[fraction, m]) for m in [*columns, "LogisticRegression"]),
        ]
        for fraction, label in FRACTIONS.items()
    ]
    return _list_table(["labels", *columns[:-1], "SVC (tuned)", "LogReg (tuned)"], rows)


def _frames_table():
    inputs = {
        "vectors": "eGeMAPS vectors",
        "logmel": "log mel frames",
        "egemaps_lld": "eGeMAPS LLD frames",
    }
    cell = ["input", "fraction", "model"]
    means = {
        (half, metric): _means(_frames(half), cell, metric)
        for half in ("report", "all")
        for metric in ("valence_accuracy", "ccc_mean")
    }
    rows = []
    for kind, name in inputs.items():
        for fraction in (0.25, 1.0):
            cells = [
                f"{score(means[half, 'valence_accuracy'][kind, fraction, model])} / "
                f"{score(means[half, 'ccc_mean'][kind, fraction, model])}"
                for half in ("report", "all")
                for model in ("supervised", "AAE")
            ]
            rows.append([name, f"{FRACTIONS[fraction]} %", *cells])
    header = ["input", "labels", "actors 13-24: supervised", "actors 13-24: AAE"]
    return _list_table([*header, "6 folds: supervised", "6 folds: AAE"], rows)


def _threads_table():
    runs = pd.read_csv(BENCHMARKS / "threads" / "threads.csv")
    names = {"AAEEmotionRegressor": "AAE", "SupervisedEmotionRegressor": "supervised"}
    rows = []
    cell = ["inputs", "estimator", "n_threads"]
    for (inputs, estimator, n_threads), fits in runs.groupby(cell, sort=False):
        idle = fits[fits["load"] == "idle"].set_index("seed")
        busy = fits[fits["load"] == "busy"].set_index("seed")
        same = (idle["digest"] == busy.loc[idle.index, "digest"]).all()
        idle_s, busy_s = idle["seconds"].median(), busy["seconds"].median()
        rows.append(
            [
                inputs,
                names[estimator],
                str(n_threads),
                f"{idle_s:.2f}",
                f"{busy_s:.2f}",
                f"{busy_s / idle_s:.2f}",
                "yes" if same else "no",
            ]
        )
    header = ["inputs", "network", "threads", "idle (s)", "busy (s)", "busy / idle"]
    return _list_table([*header, "same predictions"], rows)


def _views_dimensions_table():
    columns = ["supervised", "supervised+views", "AAE", "AAE+views"]
    metrics = ("valence_accuracy", "ccc_mean")
    means = [_views_means("dimensions", m) for m in metrics]
    leads = [_views_lead("dimensions", m) for m in metrics]
    rows = _dimension_rows(columns, means, leads)
    header = ["corpus", "labels", "supervised", "supervised + views", "AAE"]
    return _list_table([*header, "AAE + views", "lead of AAE + views"], rows)


def _views_classes_table():
    columns = ["supervised", "supervised+views", "AAE", "AAE+views", "SVC", "LogReg"]
    uar = _views_means("categories", "uar")
    lead = _views_lead("categories", "uar")
    rows = [
        [
            name,
            f"{label} %",
            *(score(uar[corpus, fraction, m]) for m in columns),
            points(lead[corpus, fraction]),
        ]
        for corpus, name in CORPORA.items()
        for fraction, label in FRACTIONS.items()
    ]
    header = ["corpus", "labels", "supervised", "supervised + views", "AAE"]
    header += ["AAE + views", "SVC (tuned)", "LogReg (tuned)", "lead of AAE + views"]
    return _list_table(header, rows)


TABLES = {
    "views-dimensions": _views_dimensions_table,
    "views-classes": _views_classes_table,
    "threads": _threads_table,
    "pool-dimensions": _pool_dimensions_table,
    "pool-classes": _pool_classes_table,
    "cross-dimensions": _cross_dimensions_table,
    "cross-best": _cross_best_table,
    "cross-classes": _cross_classes_table,
    "frames": _frames_table,
}


def tables():
    """The tables of ``docs/results.rst``, as rST ``list-table`` directives.

    Returns
    -------
    tables : dict of str to str
        The directive's text, by the name its document gives it.
    """
    return {name: make() for name, make in TABLES.items()}


# -- the check ------------------------------------------------------------------


def _expand(*patterns):
    """Every key that the patterns spell: ``a.{b,c}`` is ``a.b`` and ``a.c``."""
    keys = []
    for pattern in patterns:
        match = re.search(r"\{([^}]*)\}", pattern)
        if match is None:
            keys.append(pattern)
            continue
        head, tail = pattern[: match.start()], pattern[match.end() :]
        keys += _expand(*(head + part + tail for part in match[1].split(",")))
    return keys


# What each document must quote (it may quote more keys, each checked too).
QUOTED = {
    "README.md": _expand(
        "report.{ravdess,emodb,nemo}.{10,25,100}.pool.{acc,ccc}",
        "report.emodb.{10,25}.pool.uar",
        "report.ravdess.{10,25,100}.{aae,logreg_over_aae}.uar",
        "report.ravdess.25.aae.{acc,ccc}",
        "report.ravdess.pool.uar.within",
        "report.ravdess.svr_gap.acc.{min,max}",
        "report.classes.{logreg_ahead_of_pool,cells}",
        "all.ravdess.{25,100}.aae.{acc,ccc}",
        "all.emodb.25.aae.{acc,ccc}",
        "cross.best.{valence_accuracy,ccc_valence,ccc_activation}",
        "cross.{10,25,100}.over_best.{valence_accuracy,ccc_valence,ccc_activation}",
        "cross.{emodb-ravdess,emodb-nemo}.25.pool.acc",
        "cross.classes.svc_margin.min",
        "sequences.fit.{aae_s,supervised_s}",
        "ssl.base.real_time",
        "views.{ravdess,emodb,nemo}.{10,25,100}.{acc,ccc,uar}",
    ),
    "docs/results.rst": _expand(
        "table:{pool-dimensions,pool-classes,frames}",
        "table:views-{dimensions,classes}",
        "table:cross-{dimensions,best,classes}",
        "report.classes.{logreg_ahead_of_pool,cells}",
        "report.emodb.{10,25}.pool.uar",
        "report.ravdess.pool.uar.within",
        "all.ravdess.{25,100}.aae.{acc,ccc}{,.sd}",
        "all.ravdess.{10,25,100}.{aae,supervised}.uar.score",
        "cross.best.{valence_accuracy,ccc_valence,ccc_activation,ccc_dominance}",
        "cross.{emodb-ravdess,emodb-nemo}.25.pool.acc",
        "cross.classes.svc_margin.min",
        "ssl.base.real_time",
    ),
    "docs/user_guide/scaling.rst": ["table:threads"],
    "docs/user_guide/inputs.rst": ["sequences.fit.aae_s", "sequences.fit.supervised_s"],
    "docs/user_guide/semi_supervised.rst": _expand(
        "all.{ravdess,emodb}.25.aae.{acc,ccc}",
        "all.ravdess.100.aae.{acc,ccc}",
        "report.ravdess.25.aae.{acc,ccc}",
    ),
}

MARKDOWN_QUOTE = re.compile(r"<!-- n:(?P<key>[\w.\-]+) -->")
RST_DEFINITION = re.compile(r"^\.\. \|(?P<key>[^|]+)\| replace:: (?P<value>.+)$", re.M)
RST_TABLE = re.compile(r"^\.\. doc-numbers table (?P<name>[\w\-]+)\n\n", re.M)


def markdown_quotes(text):
    """The (key, text before the quote) of every ``<!-- n:KEY -->`` quote."""
    return [(m["key"], text[: m.start()]) for m in MARKDOWN_QUOTE.finditer(text)]


def _quoted(before, value):
    """Whether ``before`` ends with ``value``, not as the tail of a longer figure
    (a line break counts as a space)."""
    before = " ".join(before[-4 * len(value) - 8 :].split())
    if not before.endswith(value):
        return False
    previous = before[: -len(value)][-1:]
    return not (previous.isalnum() or previous in ".+-−")


def rst_table(text, start):
    """The ``list-table`` directive that starts at ``start``, up to the first
    line after it that is neither blank nor indented."""
    lines = text[start:].split("\n")
    end = 1
    while end < len(lines) and (not lines[end].strip() or lines[end][0] == " "):
        end += 1
    return "\n".join(lines[:end]).rstrip()


def check_document(name, text, figures, table_texts):
    """What in one document disagrees with the result files.

    Parameters
    ----------
    name : str
        The document's path from the repository root (its suffix picks the
        syntax of its quotes).
    text : str
        The document.
    figures : dict of str to str
        :func:`numbers`.
    table_texts : dict of str to str
        :func:`tables`.

    Returns
    -------
    problems : list of str
        One line per disagreement.
    keys : set of str
        The keys the document quotes.
    """
    problems, keys = [], set()
    if name.endswith(".md"):
        quotes = markdown_quotes(text)
        if len(quotes) != text.count("<!-- n:"):
            problems.append(f"{name}: a quote is not written '<!-- n:KEY -->'")
        for key, before in quotes:
            keys.add(key)
            if key not in figures:
                problems.append(f"{name}: unknown key {key}")
            elif not _quoted(before, figures[key]):
                shown = before[-20:].replace("\n", " ")
                problems.append(
                    f"{name}: '...{shown}' should end in {figures[key]} ({key})"
                )
        return problems, keys
    for match in RST_DEFINITION.finditer(text):
        key, value = match["key"], match["value"].strip()
        keys.add(key)
        if key not in figures:
            problems.append(f"{name}: unknown key {key}")
        elif value != figures[key]:
            problems.append(f"{name}: |{key}| is {value}, not {figures[key]}")
        if text.count(f"|{key}|") < 2:
            problems.append(f"{name}: |{key}| is defined but not quoted")
    for match in RST_TABLE.finditer(text):
        table = match["name"]
        keys.add(f"table:{table}")
        if table not in table_texts:
            problems.append(f"{name}: unknown table {table}")
        elif rst_table(text, match.end()) != table_texts[table]:
            problems.append(
                f"{name}: table {table} differs from the files "
                f"(python scripts/doc_numbers.py --tables prints it)"
            )
    return problems, keys


def check(read=None):
    """Every quote of every document against the result files.

    Parameters
    ----------
    read : callable, default=None
        Returns the text of a document given its path from the repository
        root; by default, the file in this checkout.

    Returns
    -------
    problems : list of str
        One line per disagreement, and one per figure or table of
        ``QUOTED`` that its document lacks; empty when every document agrees
        with the files.
    """
    if read is None:

        def read(name):
            return (ROOT / name).read_text(encoding="utf-8")

    figures, table_texts = numbers(), tables()
    problems = []
    for name, expected in QUOTED.items():
        found, keys = check_document(name, read(name), figures, table_texts)
        problems += found
        problems += [
            f"{name}: does not quote {key}" for key in expected if key not in keys
        ]
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--tables", action="store_true", help="print the rST tables")
    what.add_argument(
        "--check", action="store_true", help="compare the documents with the files"
    )
    args = parser.parse_args(argv)
    if args.tables:
        for name, text in tables().items():
            print(f".. doc-numbers table {name}\n\n{text}\n")
    elif args.check:
        problems = check()
        print("\n".join(problems) or f"{', '.join(QUOTED)}: every figure agrees")
        return 1 if problems else 0
    else:
        for key, value in numbers().items():
            print(f"{key} = {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
