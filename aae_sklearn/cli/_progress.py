"""The fits of a ``compare`` run, on disk as each ends: resuming a stopped run."""

# License: BSD-3-Clause

import json
import os
import signal
import sys
from contextlib import contextmanager
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
from sklearn.utils import Bunch

from ._io import _plural, _UsageError

#: The file of a run's finished fits, in its ``--out`` folder until the run ends.
UNFINISHED = "unfinished.jsonl"


class StoppedRun(KeyboardInterrupt):
    """Ctrl-C (or SIGTERM) stopped a ``compare --out`` run; its message says
    which finished fits were kept, and how to go on with them."""


def ignore_stops():
    """Worker initializer: leave Ctrl-C and SIGTERM to the parent process,
    which shuts the workers down."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)


def _stop(signum, frame):
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_ctrl_c():
    """SIGTERM (as ``timeout`` and ``kill`` send) stops the run as Ctrl-C
    does: the finished fits kept, the workers shut down, one line said."""
    previous = signal.signal(signal.SIGTERM, _stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _jsonable(value):
    """``value`` with arrays as lists and history tables as dicts, for JSON."""
    if isinstance(value, pd.DataFrame):
        return {"history": value.to_dict(orient="split")}
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value


def _restored(name, value):
    """A result field as ``compare`` uses it, from its JSON form."""
    if name == "history":
        split = value["history"]
        return pd.DataFrame(
            split["data"], index=split["index"], columns=split["columns"]
        )
    if name in ("y_pred", "codes"):
        return np.asarray(value)
    return value


class FitLog:
    """The finished fits of a run, one JSON line each in ``out/unfinished.jsonl``.

    The first line holds the run's settings; ``resume`` continues a log with
    the same settings (and fails on other ones), ``overwrite`` discards a log
    already there, otherwise one is a usage error, so that no stopped run is
    overwritten unawares. A line cut short by a stop (the last) is dropped:
    that fit runs again. The log is removed by :meth:`close` once the run's
    results are written; on a stop, :meth:`stopped` keeps it if it holds a
    finished fit, and on a failure :meth:`discard` removes it if it holds none.
    """

    def __init__(self, out, settings, resume, overwrite=False):
        self.path = Path(out) / UNFINISHED
        self.settings = json.loads(json.dumps(settings))  # as read back
        self.done = {}
        self.n_fits = 0  # in the file: those of a stopped run and the new ones
        # The folders this run makes, for a stop that leaves nothing in them.
        self._made = [p for p in self.path.parents if not p.exists()]
        if overwrite:
            self.path.unlink(missing_ok=True)
        self._began = not self.path.exists()
        if self.path.exists():
            if not resume:
                raise _UsageError(
                    f"{out} holds a stopped compare run ({self.path.name}): add "
                    "--resume to finish it, --overwrite to discard it and start "
                    "over, or choose another --out."
                )
            self._read()
        elif resume:
            if (Path(out) / "results.json").exists():
                raise _UsageError(
                    f"--resume: the run in {out} has finished (results.json); "
                    "nothing to resume. Leave out --resume to run it again."
                )
            print(f"aae-sklearn: no stopped run in {out}: starting.", file=sys.stderr)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if not self.path.exists():
            self._append({"settings": self.settings})

    def _read(self):
        lines = self.path.read_text(encoding="utf-8").splitlines()
        records = []
        for number, line in enumerate(lines, 1):
            try:
                records.append(json.loads(line))
            except json.JSONDecodeError:
                if number < len(lines):
                    raise ValueError(
                        f"{self.path}: line {number} is damaged."
                    ) from None
        if not records or "settings" not in records[0]:
            raise ValueError(f"{self.path}: not the record of a compare run.")
        stored = records[0]["settings"]
        changed = sorted(
            key
            for key in set(stored) | set(self.settings)
            if stored.get(key) != self.settings.get(key)
        )
        if changed:
            raise _UsageError(
                f"--resume: the stopped run in {self.path.parent} had other settings "
                f"({', '.join(changed)}); rerun it with the same options, or "
                "replace --resume by --overwrite to discard it and start over."
            )
        for record in records[1:]:
            key = (record["key"][0], record["key"][1], record["key"][2])
            fields = {k: _restored(k, v) for k, v in record["result"].items()}
            self.done[key] = Bunch(**fields, warnings=[])
        self.n_fits = len(self.done)

    def _append(self, record):
        text = json.dumps(record, allow_nan=True) + "\n"
        with open(self.path, "a", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())

    def add(self, key, result):
        """Record the finished fit ``key`` (fraction, fold, model name)."""
        fields = {k: _jsonable(v) for k, v in result.items() if k != "warnings"}
        self._append({"key": list(key), "result": fields})
        self.n_fits += 1

    def close(self):
        """The run's results are written: its log goes."""
        self.path.unlink(missing_ok=True)

    def stopped(self):
        """Ctrl-C stopped the run: raise :class:`StoppedRun` if the log holds
        finished fits; else :meth:`discard` it."""
        if self.n_fits:
            raise StoppedRun(
                f"kept {_plural(self.n_fits, 'finished fit')} in {self.path}: run "
                "the same command with --resume to go on from them"
            )
        self.discard()

    def discard(self):
        """Remove the log (and the folders made for it) if this run began it
        and it holds no finished fit, so that a run stopped or failed before
        any fit ended leaves no output."""
        if self._began and not self.n_fits:
            self.path.unlink(missing_ok=True)
            for folder in self._made:
                try:
                    folder.rmdir()
                except OSError:  # not empty
                    break


def fit_log(out, config, data, resume, pool=None, overwrite=False):
    """The :class:`FitLog` of a ``compare`` run with ``--out``: what decides
    its results (settings and a hash of the data and of the ``pool``; not
    ``--jobs``, which changes none); ``overwrite`` discards a stopped run's."""
    settings = {k: v for k, v in config.items() if k not in ("jobs", "versions")}
    settings["data_hash"] = joblib.hash(
        (data.data, data.target, np.asarray(data.groups), data.categories)
    )
    if pool is not None:
        settings["unlabeled_hash"] = joblib.hash((pool.data, pool.groups))
    log = FitLog(out, settings, resume, overwrite)
    if log.done:
        print(
            f"aae-sklearn: resuming the run in {out}: "
            f"{_plural(len(log.done), 'fit')} done.",
            file=sys.stderr,
        )
    return log
