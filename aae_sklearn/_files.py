"""Files written whole or not at all."""

# License: BSD-3-Clause

import os
import tempfile


def atomic_write(path, write, *, mode="wb"):
    """Write a file through ``write(file)`` so that ``path`` ends up complete or
    untouched: into a temporary file beside it, flushed to disk, then renamed."""
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    try:
        handle, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write {path}: {exc.strerror}") from exc
    try:
        text = {"encoding": "utf-8", "newline": ""} if "b" not in mode else {}
        with os.fdopen(handle, mode, **text) as file:
            write(file)
            file.flush()
            os.fsync(file.fileno())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
