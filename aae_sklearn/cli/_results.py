"""What ``compare`` reports: scores, the summary table, results files, figures."""

# License: BSD-3-Clause

import contextlib
import json
import platform
import sys
from importlib import metadata

import numpy as np
import pandas as pd

from .. import __version__
from ..utils._files import atomic_write
from ._io import FRAME_MS, _names, _write_table
from ._pool import _pool_config, _pool_heading
from ._views import _n_views


def _summary(results, metrics):
    """Mean and standard deviation over folds, one row per fraction and model,
    of the columns ``metrics``."""
    grouped = results.groupby(["labeled_fraction", "model"], sort=False)[list(metrics)]
    return (
        grouped.mean()
        .add_suffix("_mean")
        .join(grouped.std().add_suffix("_std"))
        .reset_index()
    )


def _score(mean, std):
    """``mean ± std``, or the mean alone where there is no spread (one fold)."""
    return f"{mean:.3f}" if np.isnan(std) else f"{mean:.3f} ± {std:.3f}"


def _heading(args, data, pool=None):
    """What the printed tables average over, how the features were scaled
    and, on a line of its own, the unlabeled ``pool``."""
    scaling = {
        "speaker": "features normalised per speaker",
        "corpus": "features normalised per corpus",
        "none": "no per-speaker normalisation",
    }[args.normalize]
    if args.test_data is None:
        heading = f"mean ± std over {args.folds or 6} folds, {scaling}"
    else:
        train, test = data.corpus[0], data.corpus[-1]
        adapted = f", adapted to {test}'s speech (unlabeled)" if args.adapt else ""
        heading = f"trained on {train}, tested on {test}{adapted}, {scaling}"
    views = _n_views(data)
    if views:
        heading += (
            f"; the networks also trained on {views} perturbed "
            f"view{'s' * (views > 1)} of each training file"
        )
    if pool is None:
        return heading
    return f"{heading}\n{_pool_heading(pool, args.normalize, args.group_column)}"


def _print_summary(summary, heading, metrics, tuning_note=None):
    """The table of each labeled fraction; ``heading`` says over what the
    scores are averaged and how the features were scaled."""
    for fraction, block in summary.groupby("labeled_fraction", sort=False):
        block = block.set_index("model")
        table = pd.DataFrame(
            {
                label: [
                    _score(mean, std)
                    for mean, std in zip(
                        block[f"{key}_mean"], block[f"{key}_std"], strict=True
                    )
                ]
                for key, label in metrics.items()
            },
            index=block.index,
        ).T
        table.columns.name = None
        print(f"\nlabeled fraction {fraction:g}, {heading}")
        print(table.to_string())
    if tuning_note is not None:
        print(f"\n{tuning_note}")


def _versions():
    versions = {"aae_sklearn": __version__, "python": platform.python_version()}
    for package in ("numpy", "pandas", "scikit-learn", "torch", "matplotlib"):
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[package] = metadata.version(package)
    return versions


def _jsonable(table):
    """Records of ``table`` with NaN as None (JSON has no NaN)."""
    return table.astype(object).where(table.notna(), None).to_dict("records")


def _flat(results):
    """``results`` with a ``best_<name>`` column per tuned hyper-parameter in
    place of the ``best_params`` dicts, for results.csv."""
    params = pd.DataFrame(
        [params or {} for params in results["best_params"]], index=results.index
    )
    return results.drop(columns="best_params").join(params.add_prefix("best_"))


def _labeled(fraction):
    """``10% labeled``: a labeled fraction as the figures name it."""
    return f"{100 * fraction:g}% labeled"


def _compare_figures(data, task, results, predictions, aae, fractions, tested=None):
    """The figures of ``--out``, by file name; ``tested`` names the test corpus
    of a cross-corpus comparison (None: cross-validation)."""
    from .. import plotting  # matplotlib is slow to import and only needed here

    name = task.aae.__name__
    first = _labeled(fractions[0])
    fold = "fold 1" if tested is None else f"tested on {tested}"
    rows = "test rows of all folds" if tested is None else f"{tested}'s rows"
    coded = "fold 1's test rows" if tested is None else f"{tested}'s rows"
    figures = {
        "training_curves.png": plotting.plot_training_curves(
            aae.history, loss=_loss(task), title=f"{name}, {fold}, {first}"
        )
    }
    if task.name == "categories":
        grid = {
            _labeled(fraction): {
                model: (block["emotion_true"], block["emotion_pred"])
                for model, block in chosen.groupby("model", sort=False)
            }
            for fraction, chosen in predictions.groupby("labeled_fraction", sort=False)
        }
        by = first if len(grid) == 1 else "by labeled fraction"
        figures["confusion_matrices.png"] = plotting.plot_confusion_matrix(
            grid, title=f"Emotion classes, {rows}, {by}"
        )
    else:
        test = aae.test
        if data.categories is not None:
            categories = np.asarray(data.categories)[test]
        else:
            classes = np.digitize(data.target[test, 0], (-1 / 3, 1 / 3))
            categories = np.array(["negative", "neutral", "positive"])[classes]
        figures["emotion_latent.png"] = plotting.plot_emotion_latent(
            aae.codes,
            categories,
            title=f"Emotion codes of {coded}, {first}",
        )
        figures["predicted_vs_true.png"] = plotting.plot_predicted_vs_true(
            np.vstack(aae.y_true),
            np.vstack(aae.y_pred),
            target_names=data.target_names,
            title=f"{name}, {rows}, {first}",
        )
    if len(fractions) > 1:
        metric = task.gain_metric
        label = task.metrics.get(metric, metric.replace("_", " "))
        mean = "mean over folds" if tested is None else f"tested on {tested}"
        figures["gain_vs_labeled_fraction.png"] = (
            plotting.plot_gain_vs_labeled_fraction(
                results, metric=metric, title=f"{label} vs labeled fraction, {mean}"
            )
        )
    return figures


def _loss(task):
    """The supervised loss of ``task``'s autoencoder, as the training curves
    name it: ``compare`` keeps the estimators' default."""
    return "cross_entropy" if task.name == "categories" else task.aae().loss


def _confusion_counts(predictions):
    """Counts of (true, predicted) class per model and labeled fraction, pooled
    over the folds: the confusion matrices of ``--task categories``."""
    keys = ["model", "labeled_fraction", "emotion_true", "emotion_pred"]
    counts = predictions.groupby(keys, sort=False).size().rename("count")
    return counts.reset_index().sort_values(keys, kind="stable")


def _frames_summary(data):
    """Frame counts of sequence data, for the config."""
    lengths = np.array([len(frames) for frames in data.data])
    return {
        "min": int(lengths.min()),
        "median": float(np.median(lengths)),
        "max": int(lengths.max()),
    }


# Every file that _write_results may write: those that an earlier run into the
# same --out wrote (as its results.json says) and this run does not rewrite are
# removed, and no other file.
OUTPUTS = (
    "results.json",
    "results.csv",
    "predictions.csv",
    "confusion_matrices.csv",
    "training_curves.png",
    "emotion_latent.png",
    "predicted_vs_true.png",
    "confusion_matrices.png",
    "gain_vs_labeled_fraction.png",
)


def _written_earlier(out):
    """The files that the run whose results.json is in ``out`` wrote there, as
    it lists them (none where it lists none, or is not one)."""
    try:
        document = json.loads((out / "results.json").read_text(encoding="utf-8"))
        files = document["files"]
    except (OSError, ValueError, TypeError, KeyError):
        return []
    return [name for name in OUTPUTS if isinstance(files, list) and name in files]


def _remove_earlier(out, written):
    """Remove what an earlier run wrote into ``out`` (by its results.json) and
    this one does not (``written``), saying so on stderr, and its results.json,
    which is written last: an interrupted run leaves none."""
    earlier = _written_earlier(out)
    (out / "results.json").unlink(missing_ok=True)
    stale = [name for name in earlier if name not in written and (out / name).is_file()]
    for name in stale:
        (out / name).unlink()
    if stale:
        print(
            f"aae-sklearn: removed {_names(stale, limit=len(stale))} from {out}: "
            "written by an earlier run, not by this one.",
            file=sys.stderr,
        )


def _write_results(out, config, results, summary, predictions, figures, quiet):
    """Write the figures, results.csv, predictions.csv and, last, results.json
    into the folder ``out``: a run stopped on the way leaves no results.json,
    which lists every file the run wrote. The files of an earlier run there
    that this one does not write go."""
    tables = {"results.csv": _flat(results), "predictions.csv": predictions}
    if config["task"] == "categories":
        tables["confusion_matrices.csv"] = _confusion_counts(predictions)
    written = ["results.json", *tables, *figures]
    document = {
        "config": config,
        "files": written,
        "folds": _jsonable(results),
        "summary": _jsonable(summary),
        "predictions": _jsonable(predictions),
    }
    text = json.dumps(document, indent=2, allow_nan=False)
    out.mkdir(parents=True, exist_ok=True)
    _remove_earlier(out, written)
    for name, figure in figures.items():
        atomic_write(
            out / name, lambda file, f=figure: f.savefig(file, format="png", dpi=120)
        )
    for name, table in tables.items():
        _write_table(table, out / name)
    atomic_write(out / "results.json", lambda file: file.write(text + "\n"), mode="w")
    if not quiet:
        print(f"\nwrote {_names(written, limit=len(written))} to {out}")


def _config(args, task, data, models, splits, fractions, frame_kind, shared, pool):
    """The settings of a run, as results.json records them."""
    sequences = frame_kind is not None
    return {
        "command": "compare",
        "task": task.name,
        "data": args.data,
        "test_data": args.test_data,
        "adapt": args.adapt,
        "unlabeled": None if pool is None else _pool_config(pool, args.normalize),
        "classes": shared,
        "features": args.features,
        "frame_kind": frame_kind,
        "ssl_model": args.ssl_model,
        "ssl_layer": (args.ssl_layer or [-1]) if args.ssl_model else None,
        "frame_ms": FRAME_MS if sequences else None,
        "group_column": args.group_column,
        "normalize": args.normalize,
        "labeled_fractions": fractions,
        "folds": len(splits),
        "max_iter": models[task.aae.__name__].max_iter,
        "random_state": args.random_state,
        "device": args.device,
        "threads": args.threads,
        "jobs": args.jobs,
        "baselines": args.baselines,
        "baseline_tuning": task.tuning() if args.baselines else None,
        "models": list(models),
        "n_samples": int(len(data.data)),
        "augment": _n_views(data),
        # Per frame for sequences; the baselines then see twice as many.
        "n_features": int(data.data[0].shape[1] if sequences else data.data.shape[1]),
        "n_frames": _frames_summary(data) if sequences else None,
        "n_groups": int(len(np.unique(data.groups))),
        "versions": _versions(),
    }
