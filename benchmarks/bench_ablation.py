"""Ablations and honest tuning of the AAE against its supervised baseline on RAVDESS.

Three stages, each resumable:

``tune``
    Inner cross-validation on actors 1-12 only (``GroupKFold`` by actor): every
    ablation row (one setting of the AAE changed at a time, or a combination) and
    the shared hyper-parameters of the baseline, with all and with 25 % of the
    training rows labeled. Settings are chosen from these folds alone.
``report``
    Train on actors 1-12 and test once on actors 13-24, with the settings frozen
    in ``FROZEN`` below, for several seeds, both models and both label fractions.
``table``
    Summarise both stages as reStructuredText tables (written to
    ``benchmarks/results/ablation_tables.rst``; ``docs/ablation.rst`` condenses
    them) and draw the figures ``docs/images/ablation_*.png``.

With a label fraction below 1, the labeled rows are a random subset of the
training rows (the same for both models, per fold and seed); the AAE also gets
the other rows without their labels (NaN targets), the baseline only the labeled
ones. Feature vectors (the bundled eGeMAPS functionals) go through a
``QuantileTransformer(output_distribution="normal")`` fitted on the training rows,
for both models alike; frame sequences (20 ms log mel, cached in
``benchmarks/results/frames_logmel20.npz``) are standardised inside the
estimators. Every finished fit appends one JSON line to
``benchmarks/results/ablation_<stage>.jsonl``; fits already there are skipped.

Run from the repository root, one process at a time::

    OMP_NUM_THREADS=1 python benchmarks/bench_ablation.py tune --inputs vectors
    OMP_NUM_THREADS=1 python benchmarks/bench_ablation.py report --inputs vectors
    python benchmarks/bench_ablation.py table
"""

# License: BSD-3-Clause

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from _common import (
    append_jsonl,
    first_share,
    group_folds,
    half_rows,
    jsonl_keys,
    read_jsonl,
)
from sklearn.exceptions import ConvergenceWarning

from aae_sklearn import AAEEmotionRegressor, SupervisedEmotionRegressor
from aae_sklearn.datasets import (
    load_emodb_features,
    load_ravdess,
    load_ravdess_features,
)
from aae_sklearn.features import FrameFeatures, GroupStandardScaler
from aae_sklearn.metrics import binned_accuracy, concordance_correlation_coefficient

ROOT = Path(__file__).resolve().parent
RESULTS = ROOT / "results"
DOCS = ROOT.parent / "docs"
RAVDESS = ROOT.parents[1] / "shared" / "data" / "ravdess"
DIMENSIONS = ["valence", "activation", "dominance"]
METRICS = ["valence_accuracy", *(f"ccc_{d}" for d in DIMENSIONS), "ccc_mean"]
# The fields of a result line that name its fit (its "key" holds them too).
KEY = ["inputs", "config", "fraction", "fold", "seed"]

# What both models share, per input kind (frames: a reduced budget, see the page).
BASE = {
    "vectors": dict(hidden_layer_sizes=(256, 128)),
    "frames": dict(hidden_layer_sizes=(64, 64), max_iter=60),
}
# Where the second round started from: the defaults of both estimators then (the
# AAE's instance noise, step sizes, style part, CCC loss and quantile scaling
# as now, early stopping on, 200 epochs, adversarial weight 0.8). Every tuning row
# changes one thing, or a few, from here.
START = {
    "vectors": dict(max_iter=200, early_stopping=True, adversarial_weight=0.8),
    "frames": {},
}
# The second round ("competitive by default"): one change at a time from the
# defaults of both estimators. The rows of the first round, run with the engine
# of that time, are kept on the documentation page as a record.
SHARED = {
    "mse": dict(loss="mse"),
    "standard": dict(input_scaling="standard"),
    "dropout0": dict(dropout=0.0, alpha=1e-4),
    "lr3e-3": dict(learning_rate_init=3e-3),
    "es_off": dict(early_stopping=False, max_iter=100),
    "val0.2": dict(validation_fraction=0.2, n_iter_no_change=20),
}
# "_unlabeled" is the share of the unlabeled pool the AAE gets (a setting of the
# protocol, not of the estimator).
ABLATION = {
    "no_noise": dict(instance_noise=0.0),
    "old_step_sizes": dict(adversarial_weight=0.1, discriminator_weight=1.0),
    "aw0.3": dict(adversarial_weight=0.3),
    "style100": dict(style_dim=100),
    "style16": dict(style_dim=16),
    "rec1": dict(reconstruction_weight=1.0),
    "no_adversarial": dict(adversarial_weight=0.0),
    "no_reconstruction": dict(reconstruction_weight=0.0),
    "unlabeled_none": dict(_unlabeled=0.0),
    **SHARED,
}
# Combinations of rows that passed the rule on a first pass over the inner folds.
COMBINED = {
    "es_off_standard": dict(**SHARED["es_off"], **SHARED["standard"]),
    "es_off_no_adversarial": dict(**SHARED["es_off"], adversarial_weight=0.0),
    "es_off_no_noise": dict(**SHARED["es_off"], instance_noise=0.0),
    "es_off_aw0.3": dict(**SHARED["es_off"], adversarial_weight=0.3),
    "es_off_aw0.3_standard": dict(
        **SHARED["es_off"], **SHARED["standard"], adversarial_weight=0.3
    ),
    "es_off_aw0.3_no_noise": dict(
        **SHARED["es_off"], adversarial_weight=0.3, instance_noise=0.0
    ),
    "es_off_aw0.3_no_reconstruction": dict(
        **SHARED["es_off"], adversarial_weight=0.3, reconstruction_weight=0.0
    ),
    "es_off_aw0.3_prior_gaussian": dict(
        **SHARED["es_off"], adversarial_weight=0.3, emotion_prior="gaussian"
    ),
    "es_off_aw0.3_style_only": dict(
        **SHARED["es_off"], adversarial_weight=0.0, style_adversarial_weight=0.3
    ),
    "es_off_aw0.3_patience20": dict(
        **SHARED["es_off"], adversarial_weight=0.3, n_iter_no_change=20
    ),
    "es_off_aw0.3_rec0.3": dict(
        **SHARED["es_off"], adversarial_weight=0.3, reconstruction_weight=0.3
    ),
}
# What the decoder of frame sequences reconstructs (frames only).
FRAME_ABLATION = {
    "stats_decoder": dict(frame_decoder="stats"),
    "stats_decoder_rec0.1": dict(frame_decoder="stats", reconstruction_weight=0.1),
}
FRAME_ROWS = ["default", *FRAME_ABLATION]


def configs(inputs):
    """Every tuning row: name -> (model, parameters)."""
    sup = {"default": {}, **SHARED, "es_off_standard": COMBINED["es_off_standard"]}
    aae = {"default": {}, **ABLATION, **COMBINED}
    if inputs == "frames":
        aae.update(FRAME_ABLATION)
        sup = {k: sup[k] for k in FRAME_ROWS if k in sup}
        aae = {k: aae[k] for k in FRAME_ROWS}
    start = START[inputs]
    rows = {f"sup:{k}": ("sup", {**start, **v}) for k, v in sup.items()}
    rows.update({f"aae:{k}": ("aae", {**start, **v}) for k, v in aae.items()})
    return rows


# Settings frozen after the inner folds of actors 1-12 (see docs/ablation.rst):
# "aae" and "sup" run the estimators' defaults on top of BASE. From START, the
# rows that passed the rule made the defaults: early stopping off with 100
# epochs (both models), adversarial weight 0.3 (AAE).
FROZEN = {
    "vectors": {
        "aae": ("aae", {}),
        "sup": ("sup", {}),
        # The baseline's stopping of the starting point, a hair better in CCC on
        # the inner folds: reported too, so that no comparison rests on it.
        "sup_early_stopping": ("sup", dict(early_stopping=True, max_iter=200)),
    },
    "frames": {"aae": ("aae", {}), "sup": ("sup", {})},
}


# -- data -----------------------------------------------------------------------


def load(inputs, root, normalize, corpus="ravdess"):
    """X, targets and actor ids; frames are extracted once and cached. With
    ``normalize="speaker"``, each actor's vectors are standardised on that actor's
    own statistics (which depend on no other actor, so no split leaks). EmoDB
    (``corpus="emodb"``, vectors only) is the check of the defaults on a second
    corpus."""
    if inputs == "vectors":
        load = load_emodb_features if corpus == "emodb" else load_ravdess_features
        data = load()
        X = np.asarray(data.data, dtype=float)
        if normalize == "speaker":
            X = GroupStandardScaler().fit_transform(X, groups=data.groups)
        return X, data.target, data.groups
    cache = RESULTS / "frames_logmel20.npz"
    if not cache.exists():
        corpus = load_ravdess(root)
        X = FrameFeatures(kind="logmel", frame_ms=20, n_jobs=2).fit_transform(
            corpus.data
        )
        RESULTS.mkdir(exist_ok=True)
        np.savez(
            cache,
            frames=np.concatenate(list(X)),
            lengths=[len(x) for x in X],
            target=np.asarray(corpus.target, dtype=float),
            groups=np.asarray(corpus.groups),
        )
    data = np.load(cache)
    X = np.empty(len(data["lengths"]), dtype=object)
    X[:] = np.split(data["frames"], np.cumsum(data["lengths"])[:-1])
    return X, data["target"], data["groups"]


def scores(y_true, y_pred):
    ccc = concordance_correlation_coefficient(y_true, y_pred, multioutput="raw_values")
    row = {f"ccc_{d}": float(c) for d, c in zip(DIMENSIONS, ccc, strict=True)}
    row["ccc_mean"] = float(np.mean(ccc))
    row["valence_accuracy"] = float(binned_accuracy(y_true, y_pred, target=0))
    return row


# -- fitting --------------------------------------------------------------------


def fit_one(inputs, model, params, X, y, train, test, fraction, seed, fold):
    """Fit one model on ``train`` (a ``fraction`` of it labeled), score ``test``."""
    params = dict(params)
    unlabeled_share = params.pop("_unlabeled", 1.0)
    order = np.random.default_rng([seed, fold]).permutation(len(train))
    labeled = first_share(order, fraction)
    pool = first_share(order[len(labeled) :], unlabeled_share)
    keep = labeled if model == "sup" else np.union1d(labeled, pool)
    X_train, X_test = X[train], X[test]
    y_train = np.full_like(y[train], np.nan)
    y_train[labeled] = y[train][labeled]
    Estimator = AAEEmotionRegressor if model == "aae" else SupervisedEmotionRegressor
    if model == "sup":
        params = {k: v for k, v in params.items() if k in Estimator().get_params()}
    estimator = Estimator(**{**BASE[inputs], **params}, random_state=seed)
    start = time.perf_counter()
    estimator.fit(X_train[keep], y_train[keep])
    fit_time = time.perf_counter() - start
    record = scores(y[test], estimator.predict(X_test))
    record.update(n_iter=int(estimator.n_iter_), fit_time=round(fit_time, 2))
    for name in ("emotion", "style"):
        accuracy = estimator.history_.get(f"{name}_discriminator_accuracy")
        if accuracy is not None and accuracy.notna().any():
            # The last epochs, where a winning discriminator would show.
            record[f"{name}_discriminator_accuracy"] = float(
                accuracy.dropna().iloc[-5:].mean()
            )
    return record


def run(stage, args, rows, splits, X, y):
    """Fit every (row, fraction, fold, seed) not yet in the results file."""
    path = RESULTS / f"ablation_{stage}.jsonl"
    RESULTS.mkdir(exist_ok=True)
    done = jsonl_keys(path, KEY)
    inputs = args.inputs
    label = inputs if args.normalize == "none" else f"{inputs}, per speaker"
    if args.corpus != "ravdess":
        label = f"{args.corpus} {label}"
    for seed in args.seeds:
        for fraction in args.fractions:
            for fold, (train, test) in enumerate(splits):
                for name, (model, params) in rows.items():
                    key = (label, name, fraction, fold, seed)
                    if key in done:
                        continue
                    if "_unlabeled" in params and fraction == 1.0:
                        continue
                    record = fit_one(
                        inputs, model, params, X, y, train, test, fraction, seed, fold
                    )
                    line = dict(
                        key=list(key),
                        stage=stage,
                        inputs=label,
                        config=name,
                        model=model,
                        fraction=fraction,
                        fold=fold,
                        seed=seed,
                        **record,
                    )
                    append_jsonl(path, line)
                    print(
                        f"{stage} {label} {name:20s} f={fraction} fold={fold} "
                        f"seed={seed} acc={record['valence_accuracy']:.3f} "
                        f"ccc={record['ccc_mean']:.3f} it={record['n_iter']} "
                        f"{record['fit_time']:.1f}s",
                        flush=True,
                    )


def tune(args, X, y, groups):
    folds = args.folds or (3 if args.inputs == "vectors" else 2)
    # The tuning half of RAVDESS: actors 1-12.
    splits = group_folds(groups, folds, half_rows(groups, "tune"))
    rows = configs(args.inputs)
    if args.configs:
        rows = {k: v for k, v in rows.items() if k in args.configs}
    args.seeds = args.seeds or [0, 1]
    run("tune", args, rows, splits, X, y)


def report(args, X, y, groups):
    """Train on actors 1-12, test on 13-24 (``report``), or 6 folds over all
    actors as ``aae-sklearn compare`` does (``cv6``), with the frozen settings."""
    if args.stage == "report":
        splits = [(half_rows(groups, "tune"), half_rows(groups, "report"))]
    else:
        # EmoDB has 10 speakers: 5 folds of 2.
        splits = group_folds(groups, 5 if args.corpus == "emodb" else 6)
    rows = FROZEN[args.inputs]
    if args.configs:
        rows = {k: v for k, v in rows.items() if k in args.configs}
    args.seeds = args.seeds or [0, 1, 2, 3, 4]
    run(args.stage, args, rows, splits, X, y)


# -- tables and figures ---------------------------------------------------------


def read(stage):
    return pd.DataFrame(read_jsonl(RESULTS / f"ablation_{stage}.jsonl"))


def tune_summary(results):
    """Mean over folds and seeds per (inputs, config, fraction), and the mean of
    both fractions (the selection score)."""
    keys = ["inputs", "config", "fraction"]
    mean = results.groupby(keys)[METRICS].mean().unstack("fraction")
    mean.columns = [f"{m}@{f:g}" for m, f in mean.columns]
    for m in ("valence_accuracy", "ccc_mean"):
        cols = [c for c in mean.columns if c.startswith(m + "@")]
        mean[f"{m}@both"] = mean[cols].mean(axis=1)
    # Paired differences (same fraction, fold and seed) from the reference row of
    # the same model, with their standard error: the rule for changing a default.
    paired = results.pivot_table(
        index=["inputs", "fraction", "fold", "seed"],
        columns="config",
        values=["valence_accuracy", "ccc_mean"],
    )
    for (inputs, config), _ in mean.iterrows():
        reference = "aae:default" if config.startswith("aae:") else "sup:default"
        part = paired.loc[inputs]
        for m in ("valence_accuracy", "ccc_mean"):
            d = (part[(m, config)] - part[(m, reference)]).dropna()
            mean.loc[(inputs, config), f"{m}@delta"] = d.mean()
            mean.loc[(inputs, config), f"{m}@se"] = d.std() / np.sqrt(len(d))
    return mean.sort_values(["inputs", "valence_accuracy@both"], ascending=False)


def report_summary(results):
    """Mean and std over seeds (of the mean over folds) per (inputs, fraction,
    config), and AAE - baseline per seed."""
    keys = ["inputs", "fraction", "config"]
    per_seed_mean = results.groupby([*keys, "seed"])[METRICS].mean().reset_index()
    table = per_seed_mean.groupby(keys)[METRICS].agg(["mean", "std"])
    per_seed = results.pivot_table(
        index=["inputs", "fraction", "seed"], columns="config", values=METRICS
    )
    leads = []
    for baseline in sorted(c for c in results["config"].unique() if c != "aae"):
        lead = pd.DataFrame(
            {m: per_seed[m]["aae"] - per_seed[m][baseline] for m in METRICS}
        ).dropna()
        lead = lead.groupby(["inputs", "fraction"]).agg(["mean", "std"])
        leads.append(lead.assign(baseline=baseline).set_index("baseline", append=True))
    return table, pd.concat(leads).sort_index()


def list_table(header, rows, widths=None):
    lines = [".. list-table::", "   :header-rows: 1"]
    if widths:
        lines.append(f"   :widths: {' '.join(map(str, widths))}")
    lines.append("")
    for row in [header, *rows]:
        lines.append(f"   * - {row[0]}")
        lines += [f"     - {cell}" for cell in row[1:]]
    return "\n".join(lines) + "\n"


def tune_tables(summary):
    out = []
    for inputs, part in summary.groupby(level="inputs", sort=False):
        part = part.droplevel("inputs")
        fractions = sorted(
            {c.split("@")[1] for c in part.columns} - {"both", "delta", "se"},
            reverse=True,
        )
        header = ["setting"]
        for f in fractions:
            header += [f"acc {f}", f"CCC {f}"]
        header += ["acc (mean)", "CCC (mean)", "Δ acc ± SE", "Δ CCC ± SE"]
        rows = []
        for name, row in part.iterrows():
            cells = [f"``{name}``"]
            for f in fractions:
                cells += [
                    f"{row[f'valence_accuracy@{f}']:.3f}",
                    f"{row[f'ccc_mean@{f}']:.3f}",
                ]
            cells += [
                f"{row['valence_accuracy@both']:.3f}",
                f"{row['ccc_mean@both']:.3f}",
            ]
            cells += [
                f"{row[f'{m}@delta']:+.3f} ± {row[f'{m}@se']:.3f}"
                for m in ("valence_accuracy", "ccc_mean")
            ]
            rows.append(cells)
        title = f"**{inputs}** (inner folds, actors 1-12; Δ: paired difference from "
        title += "``aae:default`` or ``sup:default``, same fraction, fold and seed)"
        out.append(f"{title}\n\n" + list_table(header, rows))
    return "\n".join(out)


def report_tables(table, lead):
    header = [
        "inputs",
        "labels",
        "model",
        "valence acc",
        "CCC V",
        "CCC A",
        "CCC D",
        "CCC mean",
    ]
    rows = []
    for (inputs, fraction, config), row in table.iterrows():
        cells = [inputs, f"{fraction:.0%}", f"``{config}``"]
        cells += [f"{row[(m, 'mean')]:.3f} ± {row[(m, 'std')]:.3f}" for m in METRICS]
        rows.append(cells)
    for (inputs, fraction, baseline), row in lead.iterrows():
        cells = [inputs, f"{fraction:.0%}", f"**aae −** ``{baseline}``"]
        cells += [f"{row[(m, 'mean')]:+.3f} ± {row[(m, 'std')]:.3f}" for m in METRICS]
        rows.append(cells)
    return list_table(header, rows)


def figures(summary, report_table):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    images = DOCS / "images"
    images.mkdir(parents=True, exist_ok=True)
    for inputs, part in summary.groupby(level="inputs", sort=False):
        part = part.droplevel("inputs").sort_values("valence_accuracy@both")
        reference = part.loc["sup:default"]
        fig, axes = plt.subplots(
            1, 2, figsize=(10, 0.28 * len(part) + 1.2), sharey=True
        )
        for ax, metric, label in zip(
            axes,
            ("valence_accuracy", "ccc_mean"),
            ("valence 3-class accuracy", "CCC, mean of V/A/D"),
            strict=True,
        ):
            for f, color in (("1", "tab:blue"), ("0.25", "tab:orange")):
                column = f"{metric}@{f}"
                if column in part:
                    delta = part[column] - reference[column]
                    offset = -0.2 if f == "1" else 0.2
                    ax.barh(
                        np.arange(len(part)) + offset,
                        delta,
                        height=0.4,
                        color=color,
                        label=f"{float(f):.0%} labels",
                    )
            ax.axvline(0, color="black", lw=0.8)
            ax.set_xlabel(f"{label} minus supervised default")
        axes[0].set_yticks(np.arange(len(part)), part.index, fontsize=8)
        axes[0].legend(loc="lower right", fontsize=8)
        fig.suptitle(f"Ablation on the inner folds (actors 1-12), {inputs}")
        fig.tight_layout()
        slug = inputs.replace(", ", "_").replace(" ", "_")
        fig.savefig(images / f"ablation_tune_{slug}.png", dpi=110)
        plt.close(fig)
    if report_table is None:
        return
    fig, axes = plt.subplots(1, 2, figsize=(10, 3.6))
    for ax, metric in zip(axes, ("valence_accuracy", "ccc_mean"), strict=True):
        x = 0
        ticks, labels = [], []
        for (inputs, fraction), part in report_table.groupby(level=[0, 1], sort=False):
            for config, row in part.droplevel([0, 1]).iterrows():
                color = {"aae": "tab:red", "sup": "tab:gray"}.get(config, "tab:pink")
                ax.bar(
                    x,
                    row[(metric, "mean")],
                    yerr=row[(metric, "std")],
                    color=color,
                    capsize=2,
                )
                ticks.append((x, config))
                x += 1
            labels.append((x - len(part) / 2 - 0.5, f"{inputs}\n{fraction:.0%}"))
            x += 1
        ax.set_xticks(
            [t for t, _ in ticks], [c for _, c in ticks], rotation=90, fontsize=7
        )
        for position, label in labels:
            ax.text(
                position,
                1.01,
                label,
                transform=ax.get_xaxis_transform(),
                ha="center",
                va="bottom",
                fontsize=8,
            )
        ax.set_title(metric.replace("_", " ") + " (actors 13-24, mean ± std)", pad=28)
    fig.tight_layout()
    fig.savefig(images / "ablation_report.png", dpi=110)
    plt.close(fig)


def table(args):
    summary = tune_summary(read("tune"))
    text = ".. Generated by benchmarks/bench_ablation.py table; do not edit.\n\n"
    text += tune_tables(summary)
    report_table = None
    titles = {
        "report": "**Reporting actors 13-24** (trained on actors 1-12; mean ± std "
        "over seeds)",
        "cv6": "**6 folds over all 24 actors** (GroupKFold, as ``aae-sklearn "
        "compare``; mean over folds, then mean ± std over seeds)",
    }
    for stage, title in titles.items():
        if not (RESULTS / f"ablation_{stage}.jsonl").exists():
            continue
        stage_table, lead = report_summary(read(stage))
        text += f"\n{title}\n\n" + report_tables(stage_table, lead)
        print(stage_table.round(3).to_string(), "\n", lead.round(3).to_string())
        if stage == "report":
            report_table = stage_table
    (RESULTS / "ablation_tables.rst").write_text(text)
    pd.set_option("display.width", 250)
    pd.set_option("display.max_columns", None)
    print(summary.round(3).to_string())
    figures(summary, report_table)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("stage", choices=["tune", "report", "cv6", "table"])
    parser.add_argument("--inputs", choices=["vectors", "frames"], default="vectors")
    parser.add_argument(
        "--corpus",
        choices=["ravdess", "emodb"],
        default="ravdess",
        help="emodb: the check of the defaults on a second corpus (stage cv6)",
    )
    parser.add_argument(
        "--normalize",
        choices=["speaker", "none"],
        default="speaker",
        help="per-speaker standardisation of vectors (speaker)",
    )
    parser.add_argument("--configs", nargs="+", help="only these rows")
    parser.add_argument("--fractions", nargs="+", type=float, default=[1.0, 0.25])
    parser.add_argument("--seeds", nargs="+", type=int)
    parser.add_argument("--folds", type=int, help="inner folds (3 vectors, 2 frames)")
    parser.add_argument("--threads", type=int, default=1, help="torch threads")
    parser.add_argument("--ravdess", type=Path, default=RAVDESS)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.simplefilter("ignore", ConvergenceWarning)
    warnings.filterwarnings("ignore", message=".*training standard deviations out")
    warnings.filterwarnings("ignore", message=".*discriminators told codes")
    warnings.filterwarnings("ignore", message=".*single row")
    if args.stage == "table":
        return table(args)
    if args.corpus == "emodb" and (args.stage != "cv6" or args.inputs != "vectors"):
        parser.error("--corpus emodb takes the cv6 stage on vectors only")
    X, y, groups = load(args.inputs, args.ravdess, args.normalize, args.corpus)
    (tune if args.stage == "tune" else report)(args, X, y, groups)


if __name__ == "__main__":
    main()
