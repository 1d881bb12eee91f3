"""``compare --out``: each fit recorded as it ends, and ``--resume``."""

import json
import os
import shutil

import pandas as pd
import pytest

from aae_sklearn.cli import _compare, main
from aae_sklearn.cli._progress import UNFINISHED

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")

# In this process (--jobs 1), so that a stand-in _fit_one can stop the run.
ARGV = ["compare", "--folds", "2", "--labeled-fraction", "0.5", "1", "--baselines"]
ARGV += ["--max-iter", "2", "-q", "--jobs", "1"]


def _stop_after(n_fits, monkeypatch):
    """Make the run stop (as by Ctrl-C) when ``n_fits`` fits have ended."""
    fit_one, calls = _compare._fit_one, []

    def stopping(*args, **kwargs):
        if len(calls) == n_fits:
            raise KeyboardInterrupt
        calls.append(1)
        return fit_one(*args, **kwargs)

    monkeypatch.setattr(_compare, "_fit_one", stopping)


def _tables(out):
    """results.csv without the fit times, and predictions.csv."""
    results = pd.read_csv(out / "results.csv").drop(columns="fit_time")
    return results, pd.read_csv(out / "predictions.csv")


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    out = tmp_path_factory.mktemp("whole") / "cmp"
    assert main([*ARGV, "--out", str(out)]) == 0
    assert not (out / UNFINISHED).exists()
    return _tables(out)


@pytest.mark.slow
def test_a_stopped_run_resumes_to_the_same_results(
    uninterrupted, tmp_path, monkeypatch, capsys
):
    out = tmp_path / "cmp"
    with monkeypatch.context() as patch:
        _stop_after(7, patch)
        assert main([*ARGV, "--out", str(out)]) == 130
    # Nothing that looks complete: the record of the 7 fits, no results.
    assert [p.name for p in out.iterdir()] == [UNFINISHED]
    lines = (out / UNFINISHED).read_text().splitlines()
    assert len(lines) == 1 + 7 and "settings" in json.loads(lines[0])
    assert capsys.readouterr().err == (
        f"aae-sklearn compare: interrupted; kept 7 finished fits in {out / UNFINISHED}"
        ": run the same command with --resume to go on from them.\n"
    )

    # Without --resume the stopped run is not overwritten.
    assert main([*ARGV, "--out", str(out)]) == 2
    assert "--resume" in capsys.readouterr().err

    assert main([*ARGV, "--out", str(out), "--resume"]) == 0
    assert "resuming the run in" in capsys.readouterr().err
    assert not (out / UNFINISHED).exists()
    results, predictions = _tables(out)
    pd.testing.assert_frame_equal(results, uninterrupted[0])
    pd.testing.assert_frame_equal(predictions, uninterrupted[1])


def test_a_stop_before_any_fit_finished_leaves_no_output(tmp_path, monkeypatch, capsys):
    out = tmp_path / "new" / "cmp"
    with monkeypatch.context() as patch:
        _stop_after(0, patch)
        assert main([*ARGV, "--out", str(out)]) == 130
    assert capsys.readouterr().err == (
        "aae-sklearn compare: interrupted; no output written.\n"
    )
    assert list(tmp_path.iterdir()) == []  # nor the folders made for it
    # Without --out, a stop keeps nothing either.
    _stop_after(3, monkeypatch)
    assert main(ARGV) == 130
    assert capsys.readouterr().err.endswith("interrupted; no output written.\n")


def test_a_resumed_run_stopped_again_keeps_every_finished_fit(
    tmp_path, monkeypatch, capsys
):
    out = tmp_path / "cmp"
    with monkeypatch.context() as patch:
        _stop_after(1, patch)
        assert main([*ARGV, "--out", str(out)]) == 130
    assert "interrupted; kept 1 finished fit in" in capsys.readouterr().err
    # Stopped before a new fit ends: the stopped run's fit is kept all the same.
    with monkeypatch.context() as patch:
        _stop_after(0, patch)
        assert main([*ARGV, "--out", str(out), "--resume"]) == 130
    err = capsys.readouterr().err
    assert "resuming the run in" in err and ": 1 fit done.\n" in err
    assert "interrupted; kept 1 finished fit in" in err
    with monkeypatch.context() as patch:
        _stop_after(2, patch)
        assert main([*ARGV, "--out", str(out), "--resume"]) == 130
    assert "interrupted; kept 3 finished fits in" in capsys.readouterr().err
    assert len((out / UNFINISHED).read_text().splitlines()) == 1 + 3


def test_resume_refuses_other_settings_and_a_damaged_record(tmp_path, capsys):
    out = tmp_path / "cmp"
    out.mkdir()
    (out / UNFINISHED).write_text('{"settings": {"folds": 3}}\n')
    assert main([*ARGV, "--out", str(out), "--resume"]) == 2
    err = capsys.readouterr().err
    assert "had other settings" in err and "folds" in err

    (out / UNFINISHED).write_text('{"settings": {}}\n{"key": [\n{"key": 1}\n')
    assert main([*ARGV, "--out", str(out), "--resume"]) == 1
    assert "line 2 is damaged" in capsys.readouterr().err


@pytest.mark.slow
def test_a_fit_cut_short_in_its_record_runs_again(uninterrupted, tmp_path, monkeypatch):
    """A stop while a line was written leaves half a line: that fit reruns."""
    out = tmp_path / "cmp"
    with monkeypatch.context() as patch:
        _stop_after(3, patch)
        assert main([*ARGV, "--out", str(out)]) == 130
    record = out / UNFINISHED
    text = record.read_text()
    record.write_text(text[: text.rindex("{")] + '{"key": [0.5, 1')
    assert main([*ARGV, "--out", str(out), "--resume"]) == 0
    results, predictions = _tables(out)
    pd.testing.assert_frame_equal(results, uninterrupted[0])
    pd.testing.assert_frame_equal(predictions, uninterrupted[1])


@pytest.mark.slow
def test_resume_of_a_finished_or_no_run(tmp_path, capsys):
    out = tmp_path / "cmp"
    assert main([*ARGV, "--out", str(out), "--resume"]) == 0
    assert "no stopped run" in capsys.readouterr().err
    assert main([*ARGV, "--out", str(out), "--resume"]) == 2
    assert "nothing to resume" in capsys.readouterr().err


def test_resume_needs_out(capsys):
    assert main(["compare", "--resume", "-q"]) == 2
    assert "--resume needs --out" in capsys.readouterr().err


@pytest.mark.slow
def test_compare_extracts_an_audio_folder_once(ravdess_root, tmp_path, capsys):
    pytest.importorskip("opensmile")
    folder = tmp_path / "audio" / "Actor_01"
    folder.mkdir(parents=True)
    for source in sorted((ravdess_root / "Actor_01").glob("*.flac"))[::10]:
        shutil.copy(source, folder)
    folder2 = tmp_path / "audio" / "Actor_02"
    folder2.mkdir()
    for source in sorted((ravdess_root / "Actor_02").glob("*.flac"))[::10]:
        shutil.copy(source, folder2)
    cache = tmp_path / "cache"
    argv = ["compare", "--data", str(tmp_path / "audio"), "--folds", "2"]
    argv += ["--max-iter", "2", "--jobs", "1", "--cache", str(cache)]

    def run():
        out = tmp_path / f"cmp{len(list(tmp_path.iterdir()))}"
        assert main([*argv, "--out", str(out)]) == 0
        return capsys.readouterr().err, pd.read_csv(out / "predictions.csv")

    first, predictions = run()
    assert "extracting 12 files once" in first and "extracting egemaps" in first
    again, same = run()
    assert "extracting" not in again
    pd.testing.assert_frame_equal(same, predictions)
    # A file changed since: extracted again.
    changed = sorted(folder.iterdir())[0]
    os.utime(changed, ns=(0, changed.stat().st_mtime_ns + 10**9))
    assert "extracting 12 files once" in run()[0]
