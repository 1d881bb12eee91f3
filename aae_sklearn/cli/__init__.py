"""Command line: ``aae-sklearn compare | extract | fit | predict``.

A thin front end over the public API; it knows nothing of torch.

- ``compare`` cross-validates the autoencoder against its supervised baseline (and,
  with ``--baselines``, scikit-learn's SVR and Ridge) on speaker-grouped folds,
  hiding the labels of part of each training fold, on openSMILE functionals or,
  with ``--features frames``, on the 20 ms frame sequences of an audio folder;
- ``extract`` turns audio files into a table of openSMILE functionals;
- ``fit`` fits what ``compare`` scores (a bundled table, a table or a corpus
  folder; ``--task``, ``--normalize``, ``--unlabeled``) and saves it as a
  safetensors file (:meth:`~aae_sklearn.AAEEmotionRegressor.save`), which loads
  without unpickling;
- ``predict`` applies a saved estimator to a table or to audio files, repeating
  its normalisation.

Exit codes: 0 success, 2 usage error, 1 failure, reported in one line on stderr
that names the file or column at fault (``--debug`` shows the traceback instead),
130 when Ctrl-C stopped the command, which then says what it kept (a
``compare --out`` run keeps its finished fits; ``--resume`` goes on from them).
Warnings become one note per kind on stderr at the end of a command that
succeeds. Output paths are checked before any work; every output file is written
to a temporary name and renamed into place, so that an interrupted run never
leaves a truncated file behind, and ``compare --out`` writes ``results.json``
last.
"""

# License: BSD-3-Clause

import sys

from ..exceptions import AudioError
from . import _notes
from ._io import _UsageError
from ._parser import _parser
from ._progress import StoppedRun

__all__ = ["main"]


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
        usage error found after parsing, 130 when Ctrl-C stopped the command.
    """
    args = _parser().parse_args(argv)
    try:
        with _notes.shown_as_notes():
            args.run(args)
    except KeyboardInterrupt as exc:
        if args.debug:
            raise
        # A stopped compare --out run keeps its finished fits for --resume.
        kept = str(exc) if isinstance(exc, StoppedRun) else "no output written"
        print(f"aae-sklearn {args.command}: interrupted; {kept}.", file=sys.stderr)
        return 130
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
