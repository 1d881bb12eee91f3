"""Command line: ``aae-sklearn compare | extract | fit | predict``.

A thin front end over the public API; it knows nothing of torch.

- ``compare`` cross-validates the autoencoder against its supervised baseline (and,
  with ``--baselines``, scikit-learn's SVR and Ridge) on speaker-grouped folds,
  hiding the labels of part of each training fold, on openSMILE functionals or,
  with ``--features frames``, on the 20 ms frame sequences of an audio folder;
- ``extract`` turns audio files into a table of openSMILE functionals;
- ``fit`` trains an estimator on such a table and saves it as a safetensors file
  (:meth:`~aae_sklearn.AAEEmotionRegressor.save`), which loads without unpickling;
- ``predict`` applies a saved estimator to a table or to audio files.

Exit codes: 0 success, 2 usage error, 1 failure, reported in one line on stderr
that names the file or column at fault (``--debug`` shows the traceback instead).
Every output file is written to a temporary name and renamed into place, so that
an interrupted run never leaves a truncated file behind.
"""

# License: BSD-3-Clause

import argparse
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
from joblib import cpu_count
from sklearn.exceptions import ConvergenceWarning

from . import AAEEmotionRegressor, SupervisedEmotionRegressor, __version__, load
from ._cli_compare import _run_compare
from ._cli_io import (
    CORPORA,
    FEATURE_SETS,
    FRAME_KINDS,
    TARGETS,
    _atomic_write,
    _audio_items,
    _check_output,
    _feature_columns,
    _functionals,
    _matrix,
    _names,
    _read_table,
    _require_columns,
    _UsageError,
    _write_table,
)
from .features import AudioError, OpenSmileFunctionals

# -- extract, fit, predict -----------------------------------------------------


def _run_extract(args):
    out = _check_output(args.output)
    if args.corpus:
        corpus = CORPORA[args.corpus](args.source)
        items = corpus.data.tolist()
        frame = corpus.frame.drop(columns="file", errors="ignore")
        info = frame.rename(columns={"path": "file"})
    else:
        items = _audio_items(args.source)
        info = pd.DataFrame({"file": items})
    features, kept = _functionals(
        items, args.features, args.n_jobs, args.skip_bad, args.quiet
    )
    table = pd.concat([info.iloc[kept].reset_index(drop=True), features], axis=1)
    _atomic_write(out, lambda tmp: _write_table(table, tmp))
    if not args.quiet:
        print(f"wrote {len(table)} rows x {features.shape[1]} features to {out}")


def _run_fit(args):
    if args.unlabeled and args.model != "aae":
        raise _UsageError("--unlabeled needs --model aae.")
    out = _check_output(args.output)
    targets = [t.strip() for t in args.targets.split(",") if t.strip()]
    table = _read_table(args.features)
    _require_columns(table, targets, args.features, what="target")
    feature_names = _feature_columns(table, {*targets, args.group_column})
    if not feature_names:
        raise ValueError(f"{args.features}: no numeric feature column.")
    X = _matrix(table, feature_names, args.features)
    y = _matrix(table, targets, args.features, what="target")
    if np.isnan(y).all():
        raise ValueError(f"{args.features}: no row has a target ({_names(targets)}).")
    Estimator = {"aae": AAEEmotionRegressor, "supervised": SupervisedEmotionRegressor}
    params = {"random_state": args.random_state}
    if args.max_iter is not None:
        params["max_iter"] = args.max_iter
    estimator = Estimator[args.model](**params)
    extra = {}
    if args.unlabeled:
        pool = _matrix(_read_table(args.unlabeled), feature_names, args.unlabeled)
        extra["X_unlabeled"] = pd.DataFrame(pool, columns=feature_names)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        # DataFrames, so that the saved model knows its feature and target names.
        estimator.fit(
            pd.DataFrame(X, columns=feature_names),
            pd.DataFrame(y, columns=targets),
            **extra,
        )
    estimator.save(out)  # atomic: a temporary file renamed into place
    if not args.quiet:
        n_labeled = int((~np.isnan(y).all(axis=1)).sum())
        print(
            f"fitted {type(estimator).__name__} on {n_labeled} labeled and "
            f"{len(y) - n_labeled + len(extra.get('X_unlabeled', ()))} unlabeled rows "
            f"x {len(feature_names)} features in {estimator.n_iter_} epochs; "
            f"saved to {out}",
            file=sys.stderr,
        )


def _load_model(path):
    """The estimator saved in ``path``; it must know its feature names."""
    path = Path(path)
    if not path.is_file():
        raise ValueError(f"{path}: no such file.")
    estimator = load(path)  # runs no code from the file; ValueError names it
    if not hasattr(estimator, "feature_names_in_"):
        raise ValueError(
            f"{path}: the model does not know its feature names; save one fitted "
            "on a DataFrame, or with 'aae-sklearn fit'."
        )
    return estimator


def _feature_set_of(feature_names):
    """The openSMILE feature set (a key of FEATURE_SETS) holding these names."""
    for name, feature_set in FEATURE_SETS.items():
        names = OpenSmileFunctionals(feature_set=feature_set).get_feature_names_out()
        if set(feature_names) <= set(names):
            return name
    raise ValueError(
        f"the model's features ({_names(feature_names, 3)}) are not openSMILE "
        "functionals; extract them yourself and pass a features table."
    )


def _run_predict(args):
    out = _check_output(args.output)
    model = _load_model(args.model)
    feature_names = model.feature_names_in_.tolist()
    source = Path(args.input)
    if source.suffix.lower() in (".csv", ".parquet", ".pq"):
        table = _read_table(source)
        X = _matrix(table, feature_names, source)
        id_column = next((c for c in ("file", "id") if c in table.columns), None)
        ids = pd.DataFrame(
            {"id": np.arange(len(table))} if id_column is None else table[[id_column]]
        )
    else:
        items = _audio_items(source)
        features, kept = _functionals(
            items,
            _feature_set_of(feature_names),
            args.n_jobs,
            args.skip_bad,
            args.quiet,
        )
        X = _matrix(features, feature_names, source)
        ids = pd.DataFrame({"file": np.asarray(items, dtype=object)[kept]})
    y_pred = model.predict(pd.DataFrame(X, columns=feature_names)).reshape(len(X), -1)
    names = list(getattr(model, "target_names_", []))
    names = names or [f"target_{j}" for j in range(y_pred.shape[1])]
    table = ids.reset_index(drop=True).join(pd.DataFrame(y_pred, columns=names))
    _atomic_write(out, lambda tmp: table.to_csv(tmp, index=False))
    if not args.quiet:
        print(f"wrote {len(table)} predictions to {out}", file=sys.stderr)


# -- parser --------------------------------------------------------------------


def _fraction(text):
    value = float(text)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text}")
    return value


def _at_least(minimum):
    def parse(text):
        value = int(text)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {text}")
        return value

    return parse


COMPARE_EPILOG = """\
examples:
  aae-sklearn compare                      # bundled RAVDESS, 6 folds, all labels
  aae-sklearn compare --labeled-fraction 0.1 0.25 1 --baselines --out results/
  aae-sklearn compare --data features.csv --group-column speaker --normalize none
  aae-sklearn compare --data path/to/ravdess --features frames --baselines

--data is 'bundled' (the RAVDESS eGeMAPS table shipped with the package), a
CSV/parquet table (feature columns, valence, activation and dominance, and the
group column) or a RAVDESS audio folder (eGeMAPS extracted once). With --out the
folder receives results.json (settings, fold scores, summary and every
out-of-fold prediction), results.csv, predictions.csv and PNG figures.

--normalize speaker (the default) standardises each speaker's (group's) features
with that speaker's own mean and standard deviation, in every fold, before every
model; the test speakers get their own statistics. 'none' leaves them as read.

--baselines adds SVR (RBF), Ridge and MLPRegressor, each behind a StandardScaler
and trained on the labeled rows of the training fold. SVR's C and epsilon and
Ridge's alpha are chosen on each training fold by 3-fold GroupKFold over its
speakers, by the mean CCC; results.json records the choice per fold
(best_params). MLPRegressor keeps scikit-learn's defaults, with early stopping.

--features frames needs an audio folder: each file becomes a sequence of 20 ms
frames (--frame-kind: 40 log mel bands, or the 25 eGeMAPS low-level
descriptors), which the AAE and supervised models read with a CNN encoder.
--normalize speaker then standardises each speaker's frames over all that
speaker's frames. The baselines take vectors: they get the mean and standard
deviation of each frame feature over the utterance.

--jobs N fits N models at a time, each in a worker process with one torch
thread (default: 2, or 1 on a single CPU); --jobs 1 fits them one after the
other in this process. The results are the same for every N, bit for bit where
--jobs 1 runs with one thread too (OMP_NUM_THREADS=1), else up to rounding.
"""
EXTRACT_EPILOG = """\
examples:
  aae-sklearn extract path/to/ravdess --corpus ravdess -o ravdess.parquet
  aae-sklearn extract my_wavs/ -o features.csv --skip-bad
  aae-sklearn extract files.txt -o features.csv   # one audio path per line

Without --corpus, SOURCE is a folder searched recursively for .wav, .flac, .ogg
and .mp3 files, one audio file, or a text file of paths (relative to its own
folder). The table has one row per file: the file, the corpus metadata and
targets with --corpus, then the features. Parquet if OUTPUT ends in .parquet.
Frame sequences have no table form: see 'aae-sklearn compare --features frames'.
"""
FIT_EPILOG = """\
example:
  aae-sklearn fit ravdess.parquet --targets valence,activation -o aae.safetensors

Feature columns: every numeric column except the targets, the group column and
the metadata columns of the corpus loaders (file, path, actor, speaker, emotion,
start, end, ...). Rows whose targets are all empty are unlabeled. MODEL is a
safetensors file (weights, and the parameters, feature and target names as JSON),
which 'predict' and aae_sklearn.load() read without running code from it.
"""
PREDICT_EPILOG = """\
examples:
  aae-sklearn predict aae.safetensors features.csv -o predictions.csv
  aae-sklearn predict aae.safetensors my_wavs/ -o predictions.csv

INPUT is a .csv/.parquet table holding the model's feature columns, or audio (a
folder, a file or a list of paths) whose openSMILE functionals are extracted
first. The output has a file (or id) column and one column per target.
"""


def _parser():
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("-q", "--quiet", action="store_true", help="no progress")
    common.add_argument("--debug", action="store_true", help="show tracebacks")
    parser = argparse.ArgumentParser(
        prog="aae-sklearn",
        description="Semi-supervised adversarial autoencoders for speech emotion.",
        epilog="example:\n  aae-sklearn compare --labeled-fraction 0.25\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=__version__)
    commands = parser.add_subparsers(dest="command", required=True)

    def command(name, run, help, epilog):
        sub = commands.add_parser(
            name,
            parents=[common],
            help=help,
            description=help[0].upper() + help[1:] + ".",
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        sub.set_defaults(run=run)
        return sub

    cmp = command(
        "compare",
        _run_compare,
        "speaker-grouped cross-validation of the AAE against baselines",
        COMPARE_EPILOG,
    )
    cmp.add_argument("--data", default="bundled", help="bundled, a table or a folder")
    cmp.add_argument(
        "--features",
        choices=["egemaps", "frames"],
        default="egemaps",
        help="functionals, or frame sequences of an audio folder (egemaps)",
    )
    cmp.add_argument(
        "--frame-kind",
        choices=FRAME_KINDS,
        help=f"features of each frame, with --features frames ({FRAME_KINDS[0]})",
    )
    cmp.add_argument("--group-column", default="speaker", help="of a table (speaker)")
    cmp.add_argument(
        "--labeled-fraction",
        type=_fraction,
        nargs="+",
        default=[1.0],
        metavar="F",
        help="share(s) of each training fold keeping their labels (1.0)",
    )
    cmp.add_argument("--folds", type=_at_least(2), default=6, help="GroupKFold (6)")
    cmp.add_argument(
        "--max-iter",
        type=_at_least(1),
        help="epochs of the networks (their default, 100)",
    )
    cmp.add_argument("--random-state", type=int, default=0, help="seed (0)")
    cmp.add_argument(
        "--normalize",
        choices=["speaker", "none"],
        default="speaker",
        help="standardise each speaker's features on its own (speaker)",
    )
    cmp.add_argument(
        "--baselines",
        action="store_true",
        help="add tuned SVR and Ridge, and MLPRegressor (on frames: on the "
        "per-utterance mean and std)",
    )
    cmp.add_argument(
        "--jobs",
        type=_at_least(1),
        default=min(2, cpu_count()),
        metavar="N",
        help="fits at a time, in worker processes (2, or 1 on one CPU)",
    )
    cmp.add_argument("--out", metavar="DIR", help="write results and figures here")

    ext = command(
        "extract", _run_extract, "openSMILE functionals of audio files", EXTRACT_EPILOG
    )
    ext.add_argument("source", metavar="SOURCE", help="audio folder, file or list")
    ext.add_argument("-o", "--output", required=True, help="features .csv/.parquet")
    ext.add_argument("--features", choices=list(FEATURE_SETS), default="egemaps")
    ext.add_argument("--n-jobs", type=int, default=2, help="parallel workers (2)")
    ext.add_argument("--corpus", choices=list(CORPORA), help="read with its loader")
    ext.add_argument("--skip-bad", action="store_true", help="drop unreadable files")

    fit = command("fit", _run_fit, "train an estimator on a features table", FIT_EPILOG)
    fit.add_argument("features", metavar="FEATURES", help=".csv/.parquet table")
    fit.add_argument("--targets", default=",".join(TARGETS), help="comma-separated")
    fit.add_argument("--unlabeled", metavar="FEATURES2", help="extra unlabeled rows")
    fit.add_argument("--model", choices=["aae", "supervised"], default="aae")
    fit.add_argument("--group-column", default="speaker", help="not a feature")
    fit.add_argument(
        "--max-iter", type=_at_least(1), help="epochs (the estimator's default, 100)"
    )
    fit.add_argument("--random-state", type=int, default=0, help="seed (0)")
    fit.add_argument("-o", "--output", required=True, metavar="MODEL")

    pred = command(
        "predict", _run_predict, "predict with a fitted model", PREDICT_EPILOG
    )
    pred.add_argument("model", metavar="MODEL", help="written by 'aae-sklearn fit'")
    pred.add_argument("input", metavar="INPUT", help="features table or audio")
    pred.add_argument("-o", "--output", required=True, help="predictions .csv")
    pred.add_argument("--n-jobs", type=int, default=2, help="extraction workers (2)")
    pred.add_argument("--skip-bad", action="store_true", help="drop unreadable files")
    return parser


def main(argv=None):
    """Run the command line; returns the exit code (usage errors exit with 2).

    Parameters
    ----------
    argv : list of str, default=None
        Arguments after the program name; None reads ``sys.argv``.

    Returns
    -------
    code : int
        0 on success, 1 on a failure reported in one line on stderr, 2 on a
        usage error found after parsing.
    """
    args = _parser().parse_args(argv)
    try:
        args.run(args)
    except _UsageError as exc:
        if args.debug:
            raise
        print(f"aae-sklearn {args.command}: error: {exc}", file=sys.stderr)
        return 2
    # DivergenceError (training blew up) is a FloatingPointError.
    except (ValueError, OSError, AudioError, ImportError, FloatingPointError) as exc:
        if args.debug:
            raise
        message = " ".join(str(exc).split()) or type(exc).__name__
        print(f"aae-sklearn: error: {message}", file=sys.stderr)
        return 1
    return 0
