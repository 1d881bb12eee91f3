"""Tests of the one helper that writes every file whole or not at all."""

import os

import pytest

from aae_sklearn._files import atomic_write


def test_a_failed_write_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "results.csv"
    path.write_text("old\n")

    def half_write(file):
        file.write("partial")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, half_write, mode="w")
    assert path.read_text() == "old\n"
    atomic_write(path, lambda file: file.write("new\n"), mode="w")
    assert path.read_text() == "new\n"
    assert [p.name for p in tmp_path.iterdir()] == ["results.csv"]


def test_binary_is_the_default_and_text_keeps_newlines(tmp_path):
    path = tmp_path / "data.bin"
    atomic_write(path, lambda file: file.write(b"\x00\x01"))
    assert path.read_bytes() == b"\x00\x01"
    atomic_write(path, lambda file: file.write("a\r\nb\n"), mode="w")
    assert path.read_bytes() == b"a\r\nb\n"


def test_a_missing_folder_is_named_in_the_error(tmp_path):
    path = tmp_path / "missing" / "out.csv"
    with pytest.raises(OSError, match=f"cannot write {path}"):
        atomic_write(path, lambda file: file.write(b""))
    assert not (tmp_path / "missing").exists()


def test_the_file_is_flushed_to_disk(tmp_path, monkeypatch):
    synced = []
    real_fsync = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real_fsync(fd))
    atomic_write(tmp_path / "x", lambda file: file.write(b"x"))
    assert len(synced) == 1
