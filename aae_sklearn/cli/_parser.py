"""The command line's parser: commands, options and their help."""

# License: BSD-3-Clause

import argparse

from joblib import cpu_count

from .. import __version__
from ._commands import _run_extract, _run_predict
from ._compare import _run_compare
from ._corpora import BUNDLED
from ._data import default_cache
from ._epilogs import COMPARE_EPILOG, EXTRACT_EPILOG, FIT_EPILOG, PREDICT_EPILOG
from ._fit import _run_fit
from ._io import CORPORA, FEATURE_SETS, FRAME_KINDS


def _number(text, kind):
    try:
        return kind(text)
    except ValueError:
        what = "a whole number" if kind is int else "a number"
        raise argparse.ArgumentTypeError(f"{text!r} is not {what}") from None


def _fraction(text):
    """A share in (0, 1]."""
    value = _number(text, float)
    if not 0 < value <= 1:
        raise argparse.ArgumentTypeError(f"must be in (0, 1], got {text}")
    return value


def _at_least(minimum):
    """A whole number of ``minimum`` or more."""

    def parse(text):
        value = _number(text, int)
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be at least {minimum}, got {text}")
        return value

    return parse


def _threads(text):
    """``auto`` or a whole number of 1 or more."""
    return text if text == "auto" else _at_least(1)(text)


def _add_threads(command):
    """``--threads``: torch's CPU threads of each network's fit and predict."""
    command.add_argument(
        "--threads",
        type=_threads,
        default="auto",
        metavar="N",
        help="torch CPU threads of each network: auto (one: these small networks "
        "gain nothing from more, and lose several times over when another "
        "process takes a core) or a number",
    )


def _add_augment(command, help):
    """``--augment N``: perturbed views of each audio file (``AudioViews``)."""
    command.add_argument(
        "--augment", type=_at_least(0), default=0, metavar="N", help=help
    )


def _add_ssl_options(command):
    """``--ssl-model`` and ``--ssl-layer``: the self-supervised model of
    ``--features ssl`` (and of ``--frame-kind ssl``)."""
    command.add_argument(
        "--ssl-model",
        metavar="MODEL",
        help="wav2vec 2.0, HuBERT or WavLM model of --features ssl: a folder "
        "written by save_pretrained, or a Hugging Face hub name",
    )
    command.add_argument(
        "--ssl-layer",
        type=int,
        nargs="+",
        metavar="L",
        help="its hidden state; several are averaged (-1: the last)",
    )


def _add_extraction_jobs(command, help):
    """``--jobs`` of the extracting commands (``--n-jobs``, its older name)."""
    command.add_argument(
        "--jobs", "--n-jobs", dest="n_jobs", type=int, default=2, metavar="N", help=help
    )


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
    cmp.add_argument(
        "--data",
        default="bundled",
        help="bundled, bundled-emodb, bundled-nemo, a table or an audio folder "
        "(bundled)",
    )
    cmp.add_argument(
        "--test-data",
        metavar="DATA",
        help="another corpus to test on, trained on all of --data (as --data)",
    )
    _add_augment(
        cmp,
        "the networks also train on N perturbed views of each file of an audio "
        "folder (0: none); a table holds its own",
    )
    cmp.add_argument(
        "--adapt",
        action="store_true",
        help="with --test-data: give the AAE the test corpus's speech, unlabeled",
    )
    cmp.add_argument(
        "--unlabeled",
        nargs="+",
        metavar="SOURCE",
        help="unlabeled speech for every AAE fit (X_unlabeled): bundled keywords, "
        "tables or audio folders, as --data, or any folder of audio",
    )
    _training_options(cmp)
    cmp.add_argument(
        "--features",
        choices=["egemaps", "frames", "ssl"],
        default="egemaps",
        help="functionals, frame sequences of an audio folder, or self-supervised "
        "embeddings of one (egemaps)",
    )
    cmp.add_argument(
        "--frame-kind",
        choices=FRAME_KINDS,
        help=f"features of each frame, with --features frames ({FRAME_KINDS[0]})",
    )
    _add_ssl_options(cmp)
    cmp.add_argument("--group-column", default="speaker", help="of a table (speaker)")
    cmp.add_argument(
        "--labeled-fraction",
        type=_fraction,
        nargs="+",
        default=[1.0],
        metavar="F",
        help="share(s) of each training fold keeping their labels (1.0)",
    )
    cmp.add_argument("--folds", type=_at_least(2), help="GroupKFold (6)")
    cmp.add_argument(
        "--max-iter",
        type=_at_least(1),
        help="epochs of the networks (their default, 100)",
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
    cmp.add_argument(
        "--resume",
        action="store_true",
        help="finish the stopped run in --out, keeping its finished fits",
    )
    cmp.add_argument(
        "--overwrite",
        action="store_true",
        help="discard the stopped run in --out (its unfinished.jsonl) and start over",
    )

    ext = command(
        "extract", _run_extract, "openSMILE functionals of audio files", EXTRACT_EPILOG
    )
    ext.add_argument("source", metavar="SOURCE", help="audio folder, file or list")
    ext.add_argument("-o", "--output", required=True, help="features .csv/.parquet")
    ext.add_argument(
        "--features",
        choices=[*FEATURE_SETS, "ssl"],
        default="egemaps",
        help="openSMILE set: eGeMAPSv02, GeMAPSv01b or ComParE_2016; or "
        "self-supervised embeddings (egemaps)",
    )
    _add_ssl_options(ext)
    _add_extraction_jobs(ext, "parallel workers (2)")
    ext.add_argument("--corpus", choices=list(CORPORA), help="read with its loader")
    ext.add_argument("--skip-bad", action="store_true", help="drop unreadable files")
    _add_augment(
        ext,
        "also N perturbed views of each file (tempo, pitch, gain, noise), in a "
        "view column (0: none)",
    )
    ext.add_argument(
        "--random-state", type=int, default=0, help="seed of the views (0)"
    )

    fit = command(
        "fit", _run_fit, "train an estimator and save it as a model file", FIT_EPILOG
    )
    fit.add_argument(
        "data",
        metavar="DATA",
        help=f"{', '.join(BUNDLED)}, a .csv/.parquet table or a corpus folder",
    )
    _training_options(fit)
    fit.add_argument(
        "--targets",
        metavar="COLUMNS",
        help="comma-separated target columns (valence,activation,dominance), or "
        "the column of classes",
    )
    fit.add_argument(
        "--model",
        choices=["aae", "supervised"],
        default="aae",
        help="the autoencoder, or its supervised baseline (aae)",
    )
    fit.add_argument(
        "--group-column",
        metavar="COLUMN",
        help="the speakers of a table (speaker, else actor or SpkrID)",
    )
    fit.add_argument(
        "--unlabeled",
        nargs="+",
        metavar="SOURCE",
        help="unlabeled speech for the autoencoder: bundled keywords, tables or "
        "corpus folders, as DATA, or any folder of audio",
    )
    _add_augment(
        fit,
        "the network also trains on N perturbed views of each file of an audio "
        "folder (0: none); a table holds its own",
    )
    fit.add_argument(
        "--max-iter", type=_at_least(1), help="epochs (the estimator's default, 100)"
    )
    fit.add_argument(
        "--verbose", action="store_true", help="show the losses of each epoch"
    )
    fit.add_argument(
        "-o",
        "--output",
        required=True,
        metavar="MODEL",
        help="the model file, .safetensors (added if missing)",
    )

    pred = command(
        "predict", _run_predict, "predict with a fitted model", PREDICT_EPILOG
    )
    pred.add_argument("model", metavar="MODEL", help="written by 'aae-sklearn fit'")
    pred.add_argument(
        "input", metavar="INPUT", help="features table, bundled keyword or audio"
    )
    pred.add_argument("-o", "--output", required=True, help="predictions .csv/.parquet")
    pred.add_argument(
        "--group-column",
        metavar="COLUMN",
        help="the speakers of a table, for a per-speaker model (the model's)",
    )
    pred.add_argument(
        "--single-speaker",
        action="store_true",
        help="for a per-speaker model: every row of INPUT is one speaker's",
    )
    _add_extraction_jobs(pred, "extraction workers (2)")
    _add_threads(pred)
    pred.add_argument("--skip-bad", action="store_true", help="drop unreadable files")
    return parser


def _training_options(parser):
    """The options that ``compare`` and ``fit`` share: what to learn, how to
    normalise the features, the seed, the device and the feature cache."""
    parser.add_argument(
        "--task",
        choices=["dimensions", "categories"],
        default="dimensions",
        help="valence, activation, dominance; or emotion classes (dimensions)",
    )
    parser.add_argument(
        "--normalize",
        choices=["speaker", "corpus", "none"],
        default="speaker",
        help="standardise each speaker's features on their own, all rows as one, "
        "or not (speaker)",
    )
    parser.add_argument("--random-state", type=int, default=0, help="seed (0)")
    _add_threads(parser)
    parser.add_argument(
        "--device",
        default="cpu",
        help="torch device of the networks: cpu, cuda, cuda:1, auto (cpu)",
    )
    parser.add_argument(
        "--cache",
        default=str(default_cache()),
        metavar="DIR",
        help="keep the features of audio folders here, or 'none' "
        "($AAE_SKLEARN_CACHE, or ~/.cache/aae-sklearn)",
    )
