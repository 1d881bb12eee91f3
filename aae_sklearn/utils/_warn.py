"""Warnings that point at the caller's line, not into the package."""

# License: BSD-3-Clause

import os
import sys
import warnings
from importlib.util import find_spec

# The libraries that sit between a user's call and the package, or call back
# into it: scikit-learn (set_output's transform, the mixins' score, Pipeline,
# the model selection tools), joblib, loky, Dask and the standard library's
# processes, pools and threads (the workers of n_jobs; loky starts its
# processes through runpy), skorch and torch (the training loop and the
# modules).
_LIBRARIES = (
    "sklearn",
    "joblib",
    "loky",
    "dask",
    "distributed",
    "multiprocessing",
    "concurrent",
    "threading",
    "runpy",
    "skorch",
    "torch",
)


def _locations(name):
    """Where the code of an installed module is, found without importing it:
    its folder (with a trailing separator) or file, or the file name of a
    frozen module, ``<frozen runpy>``."""
    try:
        spec = find_spec(name)
    except (ImportError, ValueError):
        return ()
    if spec is None:
        return ()
    if spec.submodule_search_locations:
        return tuple(
            os.path.abspath(folder) + os.sep
            for folder in spec.submodule_search_locations
        )
    if spec.has_location:
        return (os.path.abspath(spec.origin),)
    return (f"<frozen {name}>", f"<frozen {name}.")


# The package's folder (this module sits in its utils/).
_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_SKIPPED = (_PACKAGE,) + tuple(
    location for name in _LIBRARIES for location in _locations(name)
)


def _inside(filename, prefixes=_SKIPPED):
    return filename.startswith(prefixes) or os.path.abspath(filename).startswith(
        prefixes
    )


def _counted(frame):
    """Whether ``warnings.warn`` counts the frame in its ``stacklevel``: it
    passes over the frames of the import machinery."""
    filename = frame.f_code.co_filename
    return not ("importlib" in filename and "_bootstrap" in filename)


def stacklevel(frame):
    """The ``stacklevel`` of a ``warnings.warn`` called in ``frame`` that names
    the user's line: the first frame outside the package and ``_LIBRARIES``.

    Where there is none, in a worker of ``n_jobs`` (a process, a thread, a Dask
    task), the outermost frame of the package: the method that the library
    called, rather than a line of multiprocessing or joblib.
    """
    level, entry = 1, 1
    while frame is not None:
        if _counted(frame):
            filename = frame.f_code.co_filename
            if not _inside(filename):
                return level
            if _inside(filename, _PACKAGE):
                entry = level
            level += 1
        frame = frame.f_back
    return entry


def warn(message, category):
    """``warnings.warn`` at the :func:`stacklevel` of the caller, so that a
    warning names the user's line (a ``Pipeline.predict``, a
    ``cross_val_score``) whatever wraps the call.

    One frame walk on every Python version, rather than ``skip_file_prefixes``
    (3.12 and later), so that every version names the same line, and a warning
    of a worker, with no user's frame, names the package's.
    """
    warnings.warn(message, category, stacklevel=stacklevel(sys._getframe(1)) + 1)
