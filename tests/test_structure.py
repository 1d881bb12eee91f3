"""The package's layout rules, read from its source: imports point one way, the
training engine knows no estimator, and estimators use the nets' public faces."""

import ast
import re
from pathlib import Path

import pytest

import aae_sklearn

PACKAGE = Path(aae_sklearn.__file__).parent
ESTIMATOR_MODULES = [
    "_base.py",
    "_supervised.py",
    "_aae.py",
    "_adversarial.py",
    "_classes.py",
    "_aae_classifier.py",
    "_supervised_classifier.py",
    "_persist/_persistence.py",
]
# Expressions that stand for a net, one of its callbacks or optimizers.
ENGINE_OBJECT = re.compile(r"net|callback|stopper|optimizer|checkpoint", re.IGNORECASE)


def _module_name(path):
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path):
    """The package modules ``path`` imports, at any level of its code."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("aae_sklearn")}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").startswith("aae_sklearn"):
                module = node.module
            else:
                continue
            found.add(module)
            # "from . import x" may import the submodule x.
            found |= {f"{module}.{a.name}" for a in node.names}
    return found


def _graph():
    modules = {_module_name(p): p for p in PACKAGE.rglob("*.py")}
    return {
        name: {m for m in _imports(path) if m in modules and m != name}
        for name, path in modules.items()
    }


def test_no_import_circle():
    graph = _graph()
    # A package imports its submodules from its __init__; a submodule importing
    # its own package's names is the usual Python layout, not a circle.
    edges = {
        name: {m for m in targets if not name.startswith(m + ".")}
        for name, targets in graph.items()
    }
    visiting, done = [], set()

    def visit(name):
        if name in done:
            return
        assert name not in visiting, " -> ".join(
            visiting[visiting.index(name) :] + [name]
        )
        visiting.append(name)
        for target in sorted(edges[name]):
            visit(target)
        visiting.pop()
        done.add(name)

    for name in sorted(edges):
        visit(name)


def test_training_engine_imports_no_estimator():
    forbidden = {
        "aae_sklearn",
        "aae_sklearn._base",
        "aae_sklearn._supervised",
        "aae_sklearn._aae",
        "aae_sklearn._adversarial",
        "aae_sklearn._classes",
        "aae_sklearn._aae_classifier",
        "aae_sklearn._supervised_classifier",
        "aae_sklearn._persist._persistence",
        "aae_sklearn.cli",
    }
    for path in (PACKAGE / "_training").glob("*.py"):
        imported = _imports(path)
        assert not imported & forbidden, (path.name, imported & forbidden)
        assert not any(m.startswith("aae_sklearn.cli") for m in imported)


def _private_engine_reads(source):
    """Lines where ``source`` reads or sets a private attribute of an object
    that stands for a net, a callback or an optimizer."""
    offending = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute):
            owner, attribute = ast.unparse(node.value), node.attr
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "id", None) in ("getattr", "setattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
        ):
            owner, attribute = ast.unparse(node.args[0]), node.args[1].value
        else:
            continue
        private = attribute.startswith("_") and not attribute.startswith("__")
        if private and owner not in ("self", "cls") and ENGINE_OBJECT.search(owner):
            offending.append(f"line {node.lineno}: {owner}.{attribute}")
    return offending


@pytest.mark.parametrize("module", ESTIMATOR_MODULES)
def test_estimators_use_only_public_faces_of_nets(module):
    assert _private_engine_reads((PACKAGE / module).read_text()) == []


@pytest.mark.parametrize(
    "source",
    [
        "def f(self):\n    return self.net_._modules\n",
        "stopper = net.stopper\nstopper.misses_ < stopper._patience\n",
        "getattr(self.net_, '_optimizers')\n",
    ],
)
def test_the_source_check_finds_private_reads(source):
    assert _private_engine_reads(source)


def test_no_module_is_much_over_400_lines():
    long = {
        str(p.relative_to(PACKAGE)): n
        for p in PACKAGE.rglob("*.py")
        if (n := len(p.read_text().splitlines())) > 420
    }
    assert not long, long


# The layers, lowest first: a module imports from its own layer or lower ones.
LAYERS = [
    ("aae_sklearn.exceptions", "aae_sklearn.metrics"),
    ("aae_sklearn.utils",),
    ("aae_sklearn.nn",),
    ("aae_sklearn._training",),
    ("aae_sklearn._persist",),
    # The estimators and their plumbing (the package root), and the public
    # subpackages beside them.
    ("aae_sklearn", "aae_sklearn.features", "aae_sklearn.datasets"),
    ("aae_sklearn.plotting",),
    ("aae_sklearn.cli", "aae_sklearn.__main__"),
]


def _layer(module):
    """The index in ``LAYERS`` of the longest prefix of ``module``."""
    best, index = "", None
    for i, prefixes in enumerate(LAYERS):
        for prefix in prefixes:
            matches = module == prefix or module.startswith(prefix + ".")
            if matches and len(prefix) > len(best):
                best, index = prefix, i
    return index


def _upward_imports():
    """``(importer, imported)`` pairs where a module imports from a higher
    layer; ``from .. import __version__`` is the package's version string, not
    its estimators."""
    found = []
    for path in PACKAGE.rglob("*.py"):
        name = _module_name(path)
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.ImportFrom):
                continue
            if [a.name for a in node.names] == ["__version__"]:
                continue
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                imported = ".".join(base + ([node.module] if node.module else []))
            else:
                imported = node.module or ""
            layer = _layer(imported)
            if layer is not None and layer > _layer(name):
                found.append((name, imported))
    return found


def test_imports_point_down_the_layers():
    assert _upward_imports() == []


def test_every_module_has_a_layer():
    unplaced = [
        _module_name(p)
        for p in PACKAGE.rglob("*.py")
        if _layer(_module_name(p)) is None
    ]
    assert unplaced == []


def test_the_package_root_shows_the_plan():
    """At most 12 modules at the root; each subpackage says its one idea."""
    assert len(list(PACKAGE.glob("*.py"))) <= 12
    for init in PACKAGE.glob("*/__init__.py"):
        assert ast.get_docstring(ast.parse(init.read_text())), init.parent.name
