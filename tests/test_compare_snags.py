"""``compare``'s answers to a user's slips: a bad --device or --folds, too few
labeled rows, a stopped run in the way, a failed run, SIGTERM; and its
progress bar."""

import json
import os
import re
import signal
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.utils import Bunch

from aae_sklearn.cli import _compare, main
from aae_sklearn.cli._progress import UNFINISHED

from .conftest import bundled_table
from .test_cli_process import _command, _wait_for
from .test_compare_resume import ARGV, _stop_after

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

BAD_DEVICES = ["tpu", "cuda:x"]
if not torch.cuda.is_available():
    BAD_DEVICES.append("cuda")


@pytest.mark.parametrize("device", BAD_DEVICES)
def test_a_bad_device_is_a_usage_error_that_leaves_nothing(device, tmp_path, capsys):
    out = tmp_path / "new" / "cmp"
    assert main(["compare", "--device", device, "--out", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"aae-sklearn compare: error: --device '{device}' ")
    assert err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_a_run_that_fails_before_any_fit_ended_leaves_nothing(
    tmp_path, monkeypatch, capsys
):
    def fail(*args, **kwargs):
        raise ValueError("the fit failed")

    monkeypatch.setattr(_compare, "_fit_one", fail)
    out = tmp_path / "new" / "cmp"
    assert main([*ARGV, "--out", str(out)]) == 1
    assert capsys.readouterr().err == "aae-sklearn: error: the fit failed\n"
    assert list(tmp_path.iterdir()) == []  # no record, nor the folders made for it


def test_overwrite_discards_a_stopped_run(tmp_path, monkeypatch, capsys):
    out = tmp_path / "cmp"
    out.mkdir()
    (out / UNFINISHED).write_text('{"settings": {"device": "tpu"}}\n')
    # Both refusals say how to start over.
    assert main([*ARGV, "--out", str(out)]) == 2
    assert "--overwrite to discard it and start over" in capsys.readouterr().err
    assert main([*ARGV, "--out", str(out), "--resume"]) == 2
    assert "replace --resume by --overwrite" in capsys.readouterr().err
    _stop_after(1, monkeypatch)
    assert main([*ARGV, "--out", str(out), "--overwrite"]) == 130
    lines = (out / UNFINISHED).read_text().splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["settings"]["device"] == "cpu"
    assert "kept 1 finished fit in" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--overwrite"], "--overwrite needs --out"),
        (["--overwrite", "--resume", "--out", "x"], "choose one"),
    ],
)
def test_overwrite_usage_errors(argv, message, capsys):
    assert main(["compare", "-q", *argv]) == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, message",
    [
        (["--folds", "30"], "--folds 30 asks for more folds than the data have "),
        (["--data", "TABLE"], "the default --folds 6 asks for more folds than "),
    ],
)
def test_more_folds_than_speakers_is_a_usage_error(argv, message, tmp_path, capsys):
    argv = [str(bundled_table(tmp_path, 4)) if a == "TABLE" else a for a in argv]
    assert main(["compare", "-q", *argv]) == 2
    err = capsys.readouterr().err
    speakers = 4 if "--data" in argv else 24
    assert message in err and f"speakers ({speakers})" in err
    assert f"use --folds {speakers} or fewer." in err


@pytest.mark.parametrize(
    "task, fraction, warning",
    [
        (
            "dimensions",
            "0.002",
            "--labeled-fraction 0.002 keeps 1 labeled row in fold 1's 720 "
            "training rows; with fewer than 10, the scores say little.",
        ),
        (
            "categories",
            "0.02",
            "--labeled-fraction 0.02 keeps 1 labeled row of class 'calm' in "
            "fold 1's 720 training rows; with fewer than 5 each, the scores say "
            "little.",
        ),
    ],
)
def test_few_labeled_rows_are_warned_of_before_the_fits(
    task, fraction, warning, monkeypatch, capsys
):
    _stop_after(0, monkeypatch)  # the warning comes before any fit
    argv = ["compare", "--task", task, "--folds", "2", "--jobs", "1", "-q"]
    assert main([*argv, "--labeled-fraction", fraction, "1"]) == 130
    err = capsys.readouterr().err
    assert err.splitlines()[0] == f"aae-sklearn: warning: {warning}"
    assert err.count("warning") == 1  # not for --labeled-fraction 1


def test_no_labeled_row_is_a_usage_error(capsys):
    argv = ["compare", "--folds", "2", "-q", "--labeled-fraction", "0.0001"]
    assert main(argv) == 2
    assert capsys.readouterr().err == (
        "aae-sklearn compare: error: --labeled-fraction 0.0001 keeps no labeled "
        "row in fold 1's 720 training rows: give at least 0.0014.\n"
    )


def _instant_fits(monkeypatch, stop_after=None):
    """Fits and timings that take no time (constant predictions); with
    ``stop_after``, a stop (as by Ctrl-C) when that many fits have ended."""
    calls = []

    def fit_one(model, X_train, y_train, labeled, groups, X_test, figures, **kw):
        if len(calls) == stop_after:
            raise KeyboardInterrupt
        calls.append(1)
        y_pred = np.zeros((len(X_test), y_train.shape[1]))
        result = Bunch(fit_time=0.1, y_pred=y_pred, n_iter=None, best_params=None)
        if figures:
            result.update(history=pd.DataFrame({"train_loss": [1.0]}), codes=None)
        return Bunch(**result, warnings=[])

    monkeypatch.setattr(_compare, "_fit_one", fit_one)
    monkeypatch.setattr(_compare, "timed_fit", lambda *args, **kwargs: (0.01, 0.0))


def _bar_counts(err):
    """The counts the progress bar showed, in order: ``0/10``, ``1/10``, ..."""
    return list(dict.fromkeys(re.findall(r"\| (\d+/\d+) \[", err)))


def test_the_progress_bar_counts_from_0_or_from_the_resumed_fits(
    tmp_path, monkeypatch, capsys
):
    argv = ["compare", "--folds", "2", "--baselines", "--jobs", "1"]
    _instant_fits(monkeypatch)
    assert main(argv) == 0
    counts = _bar_counts(capsys.readouterr().err)
    # The first fold's baselines, fitted for the estimate, count as they end.
    assert counts[0] == "0/10" and counts[-1] == "10/10"
    assert counts[:4] == ["0/10", "1/10", "2/10", "3/10"]

    out = tmp_path / "cmp"
    _instant_fits(monkeypatch, stop_after=4)
    assert main([*argv, "-q", "--out", str(out)]) == 130
    _instant_fits(monkeypatch, stop_after=0)
    assert main([*argv, "--out", str(out), "--resume"]) == 130
    err = capsys.readouterr().err
    assert re.search(r"\| 4/10 \[[^]]*, 4 resumed\]", err), err
    assert _bar_counts(err)[0] == "4/10"


@pytest.mark.slow
@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM and process groups")
def test_sigterm_stops_compare_as_ctrl_c_does(tmp_path):
    folder = tmp_path / "results"
    argv = ["compare", "--jobs", "2", "--max-iter", "5", "--out", str(folder)]
    process = subprocess.Popen(
        _command(*argv),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as under timeout
    )
    try:
        seen = _wait_for(process, "fold 2")  # the progress bar: fits are under way
        os.killpg(process.pid, signal.SIGTERM)  # what timeout sends, to the group
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    stderr = (seen + stderr).decode(errors="replace")
    assert process.returncode == 130, stderr
    # One line after the bar, and nothing from the workers or loky.
    last = stderr.rstrip("\n").splitlines()[-1].split("\r")[-1]
    assert re.fullmatch(
        r"aae-sklearn compare: interrupted; kept \d+ finished fits in "
        r".+unfinished\.jsonl: run the same command with --resume to go on from "
        r"them\.",
        last,
    ), stderr
    assert "Traceback" not in stderr and "leaked" not in stderr
    assert (folder / UNFINISHED).exists() and not (folder / "results.json").exists()
