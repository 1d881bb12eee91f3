"""The command line's parser: commands, options and their help."""

# License: BSD-3-Clause

import argparse

from joblib import cpu_count

from .. import __version__
from ._commands import _run_extract, _run_fit, _run_predict
from ._compare import _run_compare
from ._data import default_cache
from ._io import CORPORA, FEATURE_SETS, FRAME_KINDS, TARGETS


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


COMPARE_EPILOG = """\
examples:
  aae-sklearn compare                      # bundled RAVDESS, 6 folds, all labels
  aae-sklearn compare --labeled-fraction 0.1 0.25 1 --baselines --out results/
  aae-sklearn compare --data features.csv --group-column speaker --normalize none
  aae-sklearn compare --data path/to/ravdess --features frames --baselines
  aae-sklearn compare --data path/to/ravdess --features ssl \
      --ssl-model microsoft/wavlm-base-plus --ssl-layer 6 --baselines
  aae-sklearn compare --task categories --labeled-fraction 0.1 0.25 1 --baselines
  aae-sklearn compare --test-data bundled-emodb --adapt --baselines
  aae-sklearn compare --labeled-fraction 0.25 --unlabeled bundled-emodb

--data is 'bundled' (the RAVDESS eGeMAPS table shipped with the package),
'bundled-emodb' or 'bundled-nemo' (the EmoDB or nEMO one), a CSV/parquet table
(feature columns, valence, activation and dominance, and the group column) or a
RAVDESS, EmoDB or nEMO audio folder (eGeMAPS extracted once). With --out the
folder receives results.json (settings, fold scores, summary and every
out-of-fold prediction), results.csv, predictions.csv and PNG figures.

--task categories classifies the emotion classes (the column emotion, category
or EmoClass of a table) with AAEEmotionClassifier and SupervisedEmotionClassifier,
scored by UAR (balanced accuracy) and WA (accuracy); --baselines then adds SVC
(RBF) and LogisticRegression, balanced, their C tuned likewise by UAR, and --out
receives confusion_matrices.csv and .png (test rows of all folds).

--test-data compares across corpora: every model trains on all of --data (or
its --labeled-fraction) and is tested on the other corpus, which none sees
labeled; --adapt gives the AAE the test corpus's speech without its labels
(X_unlabeled). Both need the same feature columns; with --task categories,
only the classes both corpora have are trained and tested (a note says which
rows are left out). --normalize corpus standardises each corpus on its own
statistics.

--unlabeled SOURCE [SOURCE ...] gives every AAE fit (not the other models) the
speech of other sources without their labels (X_unlabeled): each SOURCE is a
bundled keyword, a table (its target columns ignored, its group column
optional) or an audio folder, as --data, with the same feature columns; with
--features frames, audio folders only. --data itself is refused (its test
speakers would leak into training); with --test-data --adapt the test corpus
joins the pool. --normalize speaker standardises each speaker of a source on
its own statistics (a table without the group column as a whole), corpus each
source (and, without --test-data, --data on each training fold's statistics).

--normalize speaker (the default) standardises each speaker's (group's) features
with that speaker's own mean and standard deviation, in every fold, before every
model; the test speakers get their own statistics. 'none' leaves them as read.

--baselines adds SVR (RBF), Ridge and MLPRegressor, each behind a StandardScaler
and trained on the labeled rows of the training fold. SVR's C and epsilon and
Ridge's alpha are chosen on each training fold by 3-fold GroupKFold over its
speakers, by the mean CCC; results.json records the choice per fold
(best_params). MLPRegressor keeps scikit-learn's defaults, with early stopping.

The features of an audio folder are extracted once and kept in --cache (a
file's path, size and modification time, the feature kind and the package
version make the key; a changed file is extracted again). --cache none keeps
nothing.

--features frames needs an audio folder: each file becomes a sequence of 20 ms
frames (--frame-kind: 40 log mel bands, or the 25 eGeMAPS low-level
descriptors), which the AAE and supervised models read with a CNN encoder.
--normalize speaker then standardises each speaker's frames over all that
speaker's frames. The baselines take vectors: they get the mean and standard
deviation of each frame feature over the utterance.

--features ssl needs an audio folder too: each file goes through the
self-supervised model of --ssl-model (wav2vec 2.0, HuBERT or WavLM; a folder
written by save_pretrained or a Hugging Face hub name, downloaded once by
transformers), and the mean and standard deviation of its hidden state
--ssl-layer (default: the last; several are averaged) over the utterance make
one vector. --features frames --frame-kind ssl keeps its 20 ms frames instead.
Both need the ssl extra (pip install "aae-sklearn[ssl]"); the model runs on
--device, and the cache key holds the model and its layer.

With --out, each fit is recorded in DIR/unfinished.jsonl as it ends, and the
results files are written when every fit has ended (results.json last; the
record then goes). A run stopped on the way (Ctrl-C, a crash) leaves only that
record: the same command with --resume fits what is missing and gives the
results an uninterrupted run would. --device cuda trains the networks on a GPU.

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
  aae-sklearn extract my_wavs/ -o wavlm.csv --features ssl \
      --ssl-model microsoft/wavlm-base-plus --ssl-layer 6

Without --corpus, SOURCE is a folder searched recursively for .wav, .flac, .ogg
and .mp3 files, one audio file, or a text file of paths (relative to its own
folder). The table has one row per file: the file, the corpus metadata and
targets with --corpus, then the features. Parquet if OUTPUT ends in .parquet.
Frame sequences have no table form: see 'aae-sklearn compare --features frames'.
--features ssl writes the mean and standard deviation of a self-supervised
model's hidden state over each file (ssl0_mean, ..., ssl0_std, ...); see
--ssl-model and --ssl-layer, and 'aae-sklearn compare --help'.
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
        "tables or audio folders, as --data",
    )
    cmp.add_argument(
        "--task",
        choices=["dimensions", "categories"],
        default="dimensions",
        help="valence, activation, dominance; or emotion classes (dimensions)",
    )
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
    cmp.add_argument("--random-state", type=int, default=0, help="seed (0)")
    cmp.add_argument(
        "--normalize",
        choices=["speaker", "corpus", "none"],
        default="speaker",
        help="standardise each speaker's (or corpus's) features on its own (speaker)",
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
        "--cache",
        default=str(default_cache()),
        metavar="DIR",
        help="keep the features of audio folders here, or 'none' "
        "($AAE_SKLEARN_CACHE, or ~/.cache/aae-sklearn)",
    )
    cmp.add_argument(
        "--device",
        default="cpu",
        help="torch device of the networks: cpu, cuda, cuda:1, auto (cpu)",
    )

    ext = command(
        "extract", _run_extract, "openSMILE functionals of audio files", EXTRACT_EPILOG
    )
    ext.add_argument("source", metavar="SOURCE", help="audio folder, file or list")
    ext.add_argument("-o", "--output", required=True, help="features .csv/.parquet")
    ext.add_argument("--features", choices=[*FEATURE_SETS, "ssl"], default="egemaps")
    _add_ssl_options(ext)
    _add_extraction_jobs(ext, "parallel workers (2)")
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
    pred.add_argument("-o", "--output", required=True, help="predictions .csv/.parquet")
    _add_extraction_jobs(pred, "extraction workers (2)")
    pred.add_argument("--skip-bad", action="store_true", help="drop unreadable files")
    return parser
