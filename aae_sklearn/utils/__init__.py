"""Small private helpers of the package, as scikit-learn's ``utils``: parameter
and target checks, input containers and scaling, warnings that point at the
caller, shared docstrings, atomic file writes and the package's start time.

They import nothing of the package above them (only its public
:mod:`~aae_sklearn.exceptions` and :mod:`~aae_sklearn.metrics`), and nothing
here is public API: names and behaviour may change in any release.
"""

# License: BSD-3-Clause
