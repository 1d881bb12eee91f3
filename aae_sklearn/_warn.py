"""Warnings that point at the caller's line, not into the package."""

# License: BSD-3-Clause

import os
import sys
import warnings

import joblib
import sklearn
import skorch
import torch

# The package, and the libraries that sit between a user's call and the package
# or call back into it: scikit-learn (set_output's transform, the mixins' score,
# Pipeline, the model selection tools), joblib (their loops), skorch and torch
# (the training loop and the modules).
_SKIPPED = tuple(
    os.path.dirname(os.path.abspath(path)) + os.sep
    for path in (__file__, *(m.__file__ for m in (sklearn, joblib, skorch, torch)))
)


def _inside(filename):
    return os.path.abspath(filename).startswith(_SKIPPED)


def warn(message, category):
    """``warnings.warn`` with the stack level of the first caller outside the
    package and the libraries of ``_SKIPPED``, so that a warning names the
    user's line (a ``Pipeline.predict``, a ``cross_val_score``) whatever wraps
    the call.

    One frame walk on every Python version, rather than ``skip_file_prefixes``
    (3.12 and later), so that every version names the same line.
    """
    frame, level = sys._getframe(1), 2
    while frame is not None and _inside(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
