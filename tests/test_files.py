"""Tests of the one helper that writes every file whole or not at all."""

import os

import pytest

from aae_sklearn.utils._files import atomic_write


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


@pytest.fixture
def umask():
    """Set the process's umask for a test, then restore it."""
    previous = os.umask(0o022)
    yield lambda value: os.umask(value)
    os.umask(previous)


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("value", [0o022, 0o027, 0o002], ids=oct)
def test_the_file_gets_the_permissions_of_a_new_file(tmp_path, umask, value):
    umask(value)
    path = tmp_path / "results.csv"
    atomic_write(path, lambda file: file.write("a\n"), mode="w")
    assert path.stat().st_mode & 0o777 == 0o666 & ~value
    # Replacing a file gives the same permissions, not those of the old one.
    path.chmod(0o600)
    atomic_write(path, lambda file: file.write(b"b\n"))
    assert path.stat().st_mode & 0o777 == 0o666 & ~value
    assert path.read_text() == "b\n"


def test_a_taken_temporary_name_is_skipped(tmp_path, monkeypatch):
    tokens = iter(["aaaa", "aaaa", "bbbb"])
    monkeypatch.setattr("secrets.token_hex", lambda n: next(tokens))
    atomic_write(tmp_path / "one", lambda file: file.write(b"1"))
    (tmp_path / ".two.aaaa.tmp").write_bytes(b"someone else's")
    atomic_write(tmp_path / "two", lambda file: file.write(b"2"))
    assert (tmp_path / "two").read_bytes() == b"2"
    assert (tmp_path / ".two.aaaa.tmp").read_bytes() == b"someone else's"
