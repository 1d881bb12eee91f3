"""The command line run as a user runs it: in its own process, stopped by Ctrl-C,
with extraction threads still at work when a file fails."""

import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
import soundfile as sf

pytestmark = [
    pytest.mark.slow,  # whole commands in processes of their own: pytest -m slow
    pytest.mark.skipif(
        sys.platform == "win32", reason="process groups and SIGINT are POSIX"
    ),
]


def _command(*args):
    return [sys.executable, "-m", "aae_sklearn", *args]


@pytest.fixture
def folder_with_a_bad_file(tmp_path):
    """Six seconds-long noise recordings and, first in order, a text file named .wav."""
    folder = tmp_path / "audio"
    folder.mkdir()
    rng = np.random.default_rng(0)
    for i in range(6):
        signal_ = 0.1 * rng.standard_normal(3 * 16000).astype(np.float32)
        sf.write(folder / f"clip_{i}.wav", signal_, 16000)
    (folder / "a_notes.wav").write_text("not audio")
    return folder


def test_extract_with_two_workers_fails_in_one_line_every_time(
    folder_with_a_bad_file, tmp_path
):
    # Before the fix, a worker thread still inside openSMILE when the error
    # ended the process aborted it ("FATAL: exception not rethrown", exit 134).
    out = tmp_path / "features.csv"
    argv = _command("extract", str(folder_with_a_bad_file), "-o", str(out), "-q")
    for _ in range(5):
        result = subprocess.run(
            [*argv, "--n-jobs", "2"], capture_output=True, text=True, timeout=120
        )
        assert result.returncode == 1, result.stderr
        assert result.stderr.count("\n") == 1, result.stderr
        assert "a_notes.wav" in result.stderr
    assert not out.exists()
    assert [p.name for p in tmp_path.iterdir()] == ["audio"]


def _default_sigint():
    """Give the child a terminal's Ctrl-C, even where the test runner ignores it.

    A shell without job control starts background commands with SIGINT ignored, and
    children inherit that; a Python started so never raises KeyboardInterrupt.
    """
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _wait_for(process, text, timeout=300):
    """Read ``process``'s stderr until ``text`` shows (a progress bar: no newline)."""
    seen, deadline = b"", time.monotonic() + timeout
    os.set_blocking(process.stderr.fileno(), False)
    while text.encode() not in seen:
        assert process.poll() is None, seen.decode(errors="replace")
        assert time.monotonic() < deadline, seen.decode(errors="replace")
        seen += os.read(process.stderr.fileno(), 4096) if _readable(process) else b""
    return seen


def _readable(process):
    import select

    return bool(select.select([process.stderr], [], [], 0.2)[0])


@pytest.mark.parametrize("jobs, out", [("1", True), ("2", True), ("2", False)])
def test_ctrl_c_stops_compare_with_exit_130_and_no_results(jobs, out, tmp_path):
    folder = tmp_path / "results"
    argv = ["compare", "--jobs", jobs, *(["--out", str(folder)] if out else [])]
    process = subprocess.Popen(
        _command(*argv),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # its own process group, as a terminal's job
        preexec_fn=_default_sigint,
    )
    try:
        _wait_for(process, "fold 2")  # the progress bar: fits are under way
        os.killpg(process.pid, signal.SIGINT)  # Ctrl-C reaches every worker
        stdout, stderr = process.communicate(timeout=120)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
    assert process.returncode == 130, stderr.decode(errors="replace")
    assert b"Traceback" not in stderr
    assert not (folder / "results.json").exists()
    assert b"labeled fraction" not in stdout  # no summary table either
    if not out:
        assert b"interrupted; no output written" in stderr
        return
    # The fits of the first fold had ended: they are kept for --resume.
    record = folder / "unfinished.jsonl"
    kept = re.search(rb"interrupted; kept (\d+) finished fits in (.+): run ", stderr)
    assert kept is not None, stderr.decode(errors="replace")
    assert kept[2].decode() == str(record) and int(kept[1]) >= 2
    assert len(record.read_text().splitlines()) == 1 + int(kept[1])
    assert b"the same command with --resume to go on from them." in stderr
