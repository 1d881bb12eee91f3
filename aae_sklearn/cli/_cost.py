"""What a ``compare`` run will cost, said before it starts."""

# License: BSD-3-Clause

import sys
import time
import warnings

import torch
from sklearn.base import clone


def _fit_cost(model, X, y, X_unlabeled=None):
    """Seconds of one epoch of ``model`` on ``(X, y)`` and ``X_unlabeled``
    (None: none), and the seconds a fit spends outside its epochs (checks,
    scaling, building the networks), with one torch thread (as in compare's
    workers). Timed on a fit of two epochs after one that warms it up; the
    epoch is the second one (the first pays one-off costs)."""
    unlabeled = {} if X_unlabeled is None else {"X_unlabeled": X_unlabeled}
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(2):
                start = time.perf_counter()
                fitted = clone(model).set_params(max_iter=2).fit(X, y, **unlabeled)
                total = time.perf_counter() - start
    finally:
        torch.set_num_threads(threads)
    epochs = fitted.history_["time"].to_numpy()
    return float(epochs[-1]), max(0.0, total - float(epochs.sum()))


def _duration(seconds):
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def say_cost(networks, todo, X, y, labeled, jobs, unlabeled=None, hide=None):
    """Print how many fits a run holds and about how long its networks take.

    ``networks`` maps the names of the networks to unfitted estimators,
    ``todo`` lists the (fraction, fold, name) of the fits still to run, and
    ``(X, y)`` is the first training fold, of which ``labeled[fraction]`` are
    the labeled positions. One epoch of each network is timed for each
    labeled fraction, on the rows its fits train on: the supervised networks
    on the labeled rows, the autoencoder on every row with the others hidden
    by ``hide(y, labeled)`` and the unlabeled rows ``unlabeled[name]`` gets
    (``X_unlabeled``); a fit takes at most ``max_iter`` such epochs, and
    the time it spends outside them.
    """
    unlabeled = unlabeled or {}
    counts = {}
    for fraction, _, name in todo:
        counts[name, fraction] = counts.get((name, fraction), 0) + 1
    seconds = 0.0
    for (name, fraction), count in counts.items():
        if name not in networks:
            continue
        model, rows = networks[name], labeled[fraction]
        if name in unlabeled:
            epoch, setup = _fit_cost(model, X, hide(y, rows), unlabeled[name])
        else:
            epoch, setup = _fit_cost(model, X[rows], y[rows])
        seconds += count * (setup + model.max_iter * epoch)
    by_name = {}
    for (name, _), count in counts.items():
        by_name[name] = by_name.get(name, 0) + count
    fits = ", ".join(f"{n} {name}" for name, n in by_name.items())
    epochs = max(m.max_iter for m in networks.values())
    wall = _duration(seconds / max(1, min(jobs, len(todo))))
    print(
        f"aae-sklearn: {len(todo)} fits to run ({fits}), {jobs} at a time: at most "
        f"about {wall} on this machine for the networks ({epochs} epochs each, "
        "fewer where training stops early; timed on two).",
        file=sys.stderr,
    )
