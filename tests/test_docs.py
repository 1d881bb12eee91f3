"""Tests that the documentation covers the public API."""

import importlib
import inspect
import re
from pathlib import Path

import pytest
from sklearn.base import BaseEstimator

DOCS = Path(__file__).parents[1] / "docs"
PUBLIC_MODULES = [
    "aae_sklearn",
    "aae_sklearn.datasets",
    "aae_sklearn.exceptions",
    "aae_sklearn.features",
    "aae_sklearn.metrics",
    "aae_sklearn.plotting",
]


def documented_names():
    """Full names of the entries of every autosummary list in the API reference."""
    names, module = set(), None
    in_autosummary = False
    for line in (DOCS / "api.rst").read_text().splitlines():
        if match := re.fullmatch(r"\.\. currentmodule:: (\S+)", line):
            module = match[1]
        elif line.startswith(".. autosummary::"):
            in_autosummary = True
        elif in_autosummary and re.fullmatch(r"   [A-Za-z_]\w*", line):
            names.add(f"{module}.{line.strip()}")
        elif line and not line.startswith(" "):
            in_autosummary = False
    return names


def public_names():
    return {
        f"{module}.{name}"
        for module in PUBLIC_MODULES
        for name in importlib.import_module(module).__all__
    }


def test_every_public_name_is_in_the_api_reference():
    missing = public_names() - documented_names()
    assert not missing, f"not in docs/api.rst: {sorted(missing)}"


def test_the_api_reference_names_only_public_names():
    unknown = documented_names() - public_names()
    assert not unknown, f"docs/api.rst lists names not in __all__: {sorted(unknown)}"


def test_every_public_module_has_a_section():
    text = (DOCS / "api.rst").read_text()
    for module in PUBLIC_MODULES:
        assert f".. automodule:: {module}\n" in text


def public_callables():
    """Public classes and functions, but exceptions; the rest is data (scorers,
    the emotion table)."""
    for name in sorted(public_names()):
        module, attr = name.rsplit(".", 1)
        obj = getattr(importlib.import_module(module), attr)
        if inspect.isfunction(obj) or (
            inspect.isclass(obj) and not issubclass(obj, Exception)
        ):
            yield name, obj


@pytest.mark.parametrize(("name", "obj"), public_callables())
def test_public_callables_have_a_docstring_example(name, obj):
    """Every estimator, loader, metric and figure shows its use in a doctest
    (``--doctest-modules`` runs it in the test suite)."""
    doc = inspect.getdoc(obj) or ""
    assert "\nExamples\n--------\n" in doc and ">>> " in doc, name
    if inspect.isclass(obj) and issubclass(obj, BaseEstimator):
        assert ".fit" in doc.split("\nExamples\n")[1], f"{name}'s example never fits"


def test_every_gallery_example_is_a_plot_script_with_a_title():
    examples = sorted((DOCS / "examples").glob("*.py"))
    assert examples
    for path in examples:
        assert path.name.startswith("plot_"), f"{path.name} would not be executed"
        lines = path.read_text().splitlines()
        # A docstring opening with a title: "=" under it (and maybe over it).
        assert lines[0] == '"""', path.name
        title = 2 if set(lines[1]) == {"="} else 1
        assert lines[title].strip() and set(lines[title + 1]) == {"="}, path.name
