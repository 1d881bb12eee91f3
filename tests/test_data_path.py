"""The tests find the corpora where AAE_SKLEARN_DATA says, and skip without them."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a whole pytest run in a subprocess

ROOT = Path(__file__).resolve().parents[1]
NEEDS_EMODB = "tests/test_emodb.py::test_load_emodb_reads_the_shared_copy"


def test_the_corpora_folder_comes_from_the_environment(tmp_path):
    nowhere = tmp_path / "corpora"
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-rs", "-p", "no:cacheprovider"]
        + ["-o", "addopts=", NEEDS_EMODB],
        env={**os.environ, "AAE_SKLEARN_DATA": str(nowhere)},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 skipped" in result.stdout
    assert f"EmoDB speech not found at {nowhere / 'emodb'}" in result.stdout
