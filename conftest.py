"""The doctests of modules that need an optional extra skip where it is missing."""

# License: BSD-3-Clause

import importlib.util

import pytest

# Module of the package -> (the module it needs, the extra that installs it).
NEEDS = {"aae_sklearn/features/_ssl.py": ("transformers", "ssl")}


def _missing(module):
    try:
        return importlib.util.find_spec(module) is None
    except ValueError:  # set to None in sys.modules: blocked
        return True


def pytest_collection_modifyitems(config, items):
    for item in items:
        needed = NEEDS.get(item.nodeid.split("::")[0])
        if needed and _missing(needed[0]):
            reason = f'needs {needed[0]}: pip install -e ".[{needed[1]}]"'
            item.add_marker(pytest.mark.skip(reason=reason))
