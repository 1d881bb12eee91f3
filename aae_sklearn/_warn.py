"""Warnings that point at the caller's line, not into the package."""

# License: BSD-3-Clause

import os
import sys
import warnings

import sklearn

_PACKAGE = os.path.dirname(os.path.abspath(__file__))
# scikit-learn's wrappers around fit and transform, which sit between a user's
# call and the package.
_WRAPPERS = tuple(
    os.path.join(os.path.dirname(os.path.abspath(sklearn.__file__)), *parts)
    for parts in (("base.py",), ("utils", "_set_output.py"))
)


def _inside(filename):
    path = os.path.abspath(filename)
    return path.startswith(_PACKAGE + os.sep) or path in _WRAPPERS


def warn(message, category):
    """``warnings.warn`` with the stack level of the first caller outside the
    package (and outside scikit-learn's method wrappers)."""
    frame, level = sys._getframe(1), 2
    while frame is not None and _inside(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
