"""Files written whole or not at all."""

# License: BSD-3-Clause

import errno
import os
import secrets

# As tempfile.mkstemp opens its files, but see _create_beside for the mode.
_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_EXCL
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_CLOEXEC", 0)
    | getattr(os, "O_BINARY", 0)
)


def _create_beside(folder, name):
    """Create a new, empty temporary file in ``folder``; return its descriptor
    and path.

    Unlike :func:`tempfile.mkstemp`, which creates its files readable by their
    owner only (0600), the file is created with mode 0666 and the kernel
    applies the process's umask (and a folder's default ACL) as for any other
    new file: the renamed result gets the permissions the user expects. The
    umask is never read or changed, which would race with other threads.
    """
    for _ in range(100):
        tmp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(tmp, _FLAGS, 0o666), tmp
        except FileExistsError:
            continue
    raise FileExistsError(errno.EEXIST, "no free temporary name", folder)


def atomic_write(path, write, *, mode="wb"):
    """Write a file through ``write(file)`` so that ``path`` ends up complete or
    untouched: into a temporary file beside it, flushed to disk, then renamed.

    The file gets the permissions of any new file (0666 less the umask), even
    when it replaces one.
    """
    path = os.fspath(path)
    folder, name = os.path.split(os.path.abspath(path))
    try:
        handle, tmp = _create_beside(folder, name)
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
