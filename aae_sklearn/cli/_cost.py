"""What a ``compare`` run costs: estimated before its fits, and said again
beside the real time at its end."""

# License: BSD-3-Clause

import heapq
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
from joblib import cpu_count
from sklearn.base import clone

from .. import (
    AAEEmotionClassifier,
    AAEEmotionRegressor,
    SupervisedEmotionClassifier,
    SupervisedEmotionRegressor,
)
from .._training import resolve_threads
from ..utils import _clock
from ._io import _plural

#: Epochs of a network's timed fit; the median of their times is its epoch.
TIMED_EPOCHS = 6

#: Draws of the networks' epochs over which the estimate is averaged.
DRAWS = 200

#: Seconds ``--out`` adds after the fits, drawing and writing the figures and
#: files (about 2 s on two cores).
WRITING = 2.0

# The epochs after which fits with the default settings stopped, their training
# loss on a plateau for n_iter_no_change epochs (100: they ran to max_iter=100):
# deciles of the 36 fits of each network in compare --labeled-fraction 0.25 1
# on the bundled RAVDESS, EmoDB and nEMO tables (6 folds each); their means are
# 61, 72, 92 and 89 epochs. A network may stop sooner or later on other data
# (other corpora, frame sequences, a pool): the estimate is an expectation.
STOPS = {
    AAEEmotionRegressor: (34, 39, 43, 49, 56, 59, 65, 76, 91, 100),
    AAEEmotionClassifier: (42, 54, 59, 63, 67, 74, 81, 86, 90, 100),
    SupervisedEmotionRegressor: (68, 74, 82, 95, 99, 100, 100, 100, 100, 100),
    SupervisedEmotionClassifier: (72, 77, 82, 84, 88, 91, 99, 100, 100, 100),
}


def _duration(seconds):
    """``under 1 s``, ``42 s``, ``2 min 20 s`` (to 10 s), ``1 h 5 min``."""
    if seconds < 1:
        return "under 1 s"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 3570:
        minutes, rest = divmod(round(seconds / 10) * 10, 60)
        return f"{minutes} min {rest} s" if rest else f"{minutes} min"
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes} min" if minutes else f"{hours} h"


def _age():
    """Seconds since the package began loading (its imports included), where
    the process is the command itself (``aae-sklearn`` or ``python -m
    aae_sklearn``); else 0: a ``main()`` called from a longer-lived process (a
    notebook, the tests) counts from its own start."""
    program = Path(sys.argv[0])
    if program.name != "aae-sklearn" and program.parts[-2:] != (
        "aae_sklearn",
        "__main__.py",
    ):
        return 0.0
    return time.perf_counter() - _clock.STARTED


def _epochs(model):
    """The epochs fits of ``model`` run, as equally likely values: the deciles
    of ``STOPS`` for its kind of network (at most its ``max_iter``), else its
    ``max_iter``."""
    stops = next((s for kind, s in STOPS.items() if isinstance(model, kind)), None)
    if stops is None:
        return np.array([float(model.max_iter)])
    # A fit that ran to the end of its 100 epochs would have gone on.
    stops = np.where(np.asarray(stops) < 100, stops, np.inf)
    return np.minimum(stops, model.max_iter)


def expected_epochs(model):
    """The epochs a fit of ``model`` is expected to run: fewer than its
    ``max_iter`` where networks of its kind usually stop early (``STOPS``)."""
    return float(_epochs(model).mean())


def timed_fit(fit_one, model, *args, **kwargs):
    """Time ``model`` where ``fit_one(model, *args, **kwargs)`` fits it (a
    worker process with ``--jobs`` above 1): a fit of one epoch pays the
    one-off costs of the process, then one of ``TIMED_EPOCHS`` (at most
    ``max_iter``) is timed. Returns the median seconds of its epochs and the
    seconds of the fit outside them (checks, scaling, building the networks).
    """
    fit_one(clone(model).set_params(max_iter=1), *args, figures=False, **kwargs)
    epochs = min(TIMED_EPOCHS, model.max_iter)
    model = clone(model).set_params(max_iter=epochs)
    result = fit_one(model, *args, figures=True, **kwargs)
    times = result.history["time"].to_numpy()
    return float(np.median(times)), max(0.0, result.fit_time - float(times.sum()))


def _makespan(seconds, workers):
    """Seconds for ``workers`` processes to get through fits of ``seconds``,
    each taking the next fit in order when it is free (as joblib hands them
    out)."""
    free = [0.0] * workers
    for duration in seconds:
        heapq.heappush(free, heapq.heappop(free) + duration)
    return max(free)


def _epochs_said(models, timings):
    """What the estimate takes of the timed networks' epochs, for its line."""
    names = list(dict.fromkeys(name for _, name in timings))
    if not names:
        return ""
    max_iter = models[names[0]].max_iter  # --max-iter, the same for all
    epochs = [round(expected_epochs(models[name])) for name in names]
    if min(epochs) >= max_iter:
        all_of = "their 1 epoch" if max_iter == 1 else f"all their {max_iter} epochs"
        return f", the networks running {all_of}"
    return (
        f", the networks stopping after about {' and '.join(map(str, epochs))} of "
        f"their {max_iter} epochs, as they usually do"
    )


class RunCost:
    """The estimated and the real duration of a ``compare`` run.

    The estimate, said once the first fold is timed (:meth:`say`), is the time
    since the process started, and the time ``min(jobs, CPUs)`` workers take
    to get through the fits still to run, handed out in order, on average over
    draws of the networks' epochs; ``--out`` adds :data:`WRITING`.
    :meth:`say_took` says it again beside the real duration. ``threads`` is
    ``--threads``: the timed fits ran with it, and the line says it, as it
    says the ``views`` of each training file (``--augment``) the networks
    train on.
    """

    def __init__(self, jobs, out=None, threads="auto", views=0):
        self.start = time.perf_counter() - _age()
        self.jobs = jobs
        self.views = views
        self.threads = resolve_threads(threads)
        self.writing = WRITING if out is not None else 0.0
        self.estimate = None

    @staticmethod
    def first(todo, networks):
        """What to time before the others: the ``(fraction, name)`` of each
        network in ``todo``, once per labeled fraction, and the fits of the
        other models on the first fold (those are kept)."""
        timed = dict.fromkeys((f, name) for f, _, name in todo if name in networks)
        return list(timed), [k for k in todo if k[1] == 0 and k[2] not in networks]

    def say(self, todo, rest, models, timings, fitted, sizes):
        """Print how many fits ``todo`` holds and about how long the run takes.

        ``rest`` are the fits of ``todo`` still to run, ``models`` the models by
        name, ``timings`` the :func:`timed_fit` of each network by
        ``(fraction, name)`` and ``fitted`` the fits done, among them those of
        the other models on the first fold; ``sizes`` are the training rows of
        each fold (a fit's time is taken to grow with them).
        """
        # Each network's fits run as many epochs as fits of its kind do, drawn
        # at random: the mean time for the workers to get through them
        # counts the fit that runs long at the end.
        rng = np.random.default_rng(0)
        seconds = np.empty((DRAWS, len(rest)))
        for j, (fraction, fold, name) in enumerate(rest):
            scale = sizes[fold] / sizes[0]
            if (fraction, name) in timings:
                epoch, setup = timings[fraction, name]
                epochs = rng.choice(_epochs(models[name]), DRAWS)
                seconds[:, j] = setup + epochs * epoch * scale
            else:
                seconds[:, j] = fitted[fraction, 0, name].fit_time * scale
        workers = max(1, min(self.jobs, cpu_count()))
        wall = float(np.mean([_makespan(draw, workers) for draw in seconds]))
        self.estimate = time.perf_counter() - self.start + wall + self.writing
        by_name = Counter(name for _, _, name in todo)
        fits = ", ".join(f"{n} {name}" for name, n in by_name.items())
        if self.views:
            fits += (
                f"; the networks train on each file and {_plural(self.views, 'view')}"
                " of it"
            )
        epochs = _epochs_said(models, timings)
        print(
            f"aae-sklearn: {_plural(len(todo), 'fit')} to run ({fits}), "
            f"{self.jobs} at a time with {_plural(self.threads, 'torch thread')} "
            f"each: about {_duration(self.estimate)} in all on "
            f"this machine (estimated from timings on the first fold{epochs}).",
            file=sys.stderr,
        )

    def say_took(self):
        """Print how long the run took, beside the estimate."""
        took = _duration(time.perf_counter() - self.start)
        if self.estimate is not None:
            took += f" (estimated about {_duration(self.estimate)})"
        print(f"aae-sklearn: took {took}.", file=sys.stderr)
