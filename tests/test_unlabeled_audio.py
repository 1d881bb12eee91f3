"""``--unlabeled`` takes a plain folder of audio: unlabeled speech needs no
labels, so no corpus layout; its subfolders are its speakers."""

import shutil

import numpy as np
import pytest
from numpy.testing import assert_allclose

from aae_sklearn.cli import _fit, main
from aae_sklearn.cli._tasks import TASKS

from .conftest import bundled_table
from .test_cross_corpus import _Spy

pytestmark = pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")


def _plain_folders(ravdess_root, root):
    """Two folders of real speech under names of no corpus: ``flat`` (three
    files) and ``speakers`` (``anna/`` and ``ben/``, two files each)."""
    pytest.importorskip("opensmile")
    files = sorted((ravdess_root / "Actor_01").glob("*.flac"))
    layout = {
        "flat": files[:3],
        "speakers/anna": files[3:5],
        "speakers/ben": files[5:7],
    }
    for folder, sources in layout.items():
        (root / folder).mkdir(parents=True)
        for number, source in enumerate(sources):
            shutil.copy(source, root / folder / f"take_{number}.flac")
    return root / "flat", root / "speakers"


def _spy(monkeypatch):
    """Make the spy the autoencoder of dimensions; its list of unlabeled rows."""
    monkeypatch.setattr(_Spy, "given", [])
    monkeypatch.setattr(TASKS["dimensions"], "aae", _Spy)
    return _Spy.given


def _assert_standardised(X, groups):
    """Each group's rows of ``X`` standardised on their own: mean 0."""
    for rows in groups:
        assert_allclose(X[rows].mean(axis=0), 0, atol=1e-6)


def test_fit_takes_plain_audio_folders_as_pool(
    ravdess_root, tmp_path, monkeypatch, capsys
):
    flat, speakers = _plain_folders(ravdess_root, tmp_path)
    pool, given = _fit._pool, []

    def recording(*args):
        given.append(pool(*args))
        return given[-1]

    monkeypatch.setattr(_fit, "_pool", recording)
    data = bundled_table(tmp_path, actors=2)
    cache = tmp_path / "cache"
    argv = ["fit", str(data), "--unlabeled", str(flat), str(speakers)]
    argv += ["--cache", str(cache), "--max-iter", "1", "-o", str(tmp_path / "m")]
    assert main(argv) == 0
    err = capsys.readouterr().err
    # Only the flat folder is one speaker, and a note says so.
    notes = [line for line in err.splitlines() if "note:" in line]
    assert notes == [
        f"aae-sklearn: note: {flat}: no subfolders (one per speaker) of audio, so "
        "its speakers are unknown: --normalize speaker takes it as one."
    ]
    assert "on 127 rows (120 labeled) x 88 features" in err
    X_unlabeled = given[0].to_numpy()
    assert X_unlabeled.shape == (7, 88)
    _assert_standardised(X_unlabeled, [slice(0, 3), slice(3, 5), slice(5, 7)])
    # Extracted once, as the audio of a corpus: a second fit reads the cache.
    assert "extracting 3 files once" in err
    assert main(argv) == 0
    assert "extracting" not in capsys.readouterr().err


def test_compare_takes_a_plain_audio_folder_as_pool(
    ravdess_root, tmp_path, monkeypatch, capsys
):
    _, speakers = _plain_folders(ravdess_root, tmp_path)
    given = _spy(monkeypatch)
    data = bundled_table(tmp_path, actors=4)
    argv = ["compare", "--data", str(data), "--unlabeled", str(speakers)]
    argv += ["--cache", str(tmp_path / "cache"), "--folds", "2", "--max-iter", "1"]
    assert main([*argv, "-q", "--jobs", "1"]) == 0
    out = capsys.readouterr().out
    assert "unlabeled pool: speakers" in out
    assert "4 utterances, per speaker\n" in out  # per subfolder, not as a whole
    assert len(given) == 2
    for X_unlabeled in given:
        _assert_standardised(np.asarray(X_unlabeled), [slice(0, 2), slice(2, 4)])
