"""Write the intersphinx inventories that the documentation links against.

The documentation must build offline (continuous integration has no network), so
instead of downloading each project's ``objects.inv``, this script writes one per
project from the installed package: the public classes and functions of the
modules listed below, pointing to the pages where each project's documentation
puts them. Run it again after upgrading a dependency::

    python docs/_intersphinx/make_inventories.py
"""

# License: BSD-3-Clause

import builtins
import importlib
import inspect
import zlib
from pathlib import Path

HERE = Path(__file__).parent

# project -> [(module, page of a public name; "{}" is the name's full path)]
PAGES = {
    "numpy": [
        ("numpy", "reference/generated/{}.html"),
        ("numpy.random", "reference/random/generated/{}.html"),
    ],
    "pandas": [("pandas", "reference/api/{}.html")],
    "sklearn": [
        (f"sklearn.{module}", "modules/generated/{}.html")
        for module in (
            "base compose exceptions linear_model metrics model_selection "
            "neural_network pipeline preprocessing semi_supervised svm utils"
        ).split()
    ],
    "torch": [
        ("torch", "generated/{}.html"),
        ("torch.nn", "generated/{}.html"),
        ("torch.utils.data", "data.html"),
    ],
    "skorch": [
        ("skorch.net", "net.html"),
        ("skorch.regressor", "regressor.html"),
        ("skorch.callbacks", "callbacks.html"),
        ("skorch.history", "history.html"),
    ],
    "matplotlib": [
        ("matplotlib.figure", "api/_as_gen/{}.html"),
        ("matplotlib.axes", "api/_as_gen/{}.html"),
        ("matplotlib.pyplot", "api/_as_gen/{}.html"),
    ],
}

# Names documented on a shared page rather than one of their own.
SPECIAL = {
    "numpy": {"numpy.random.RandomState": "reference/random/legacy.html"},
    "torch": {
        "torch.Tensor": "tensors.html",
        "torch.device": "tensor_attributes.html",
        "torch.dtype": "tensor_attributes.html",
    },
    "python": {
        "pathlib.Path": "library/pathlib.html",
        "os.PathLike": "library/os.html",
        "collections.abc.Iterable": "library/collections.abc.html",
        "collections.abc.Iterator": "library/collections.abc.html",
        "collections.abc.Sequence": "library/collections.abc.html",
        "io.BytesIO": "library/io.html",
    },
}


# Glossary terms and section labels that numpydoc's type links and the
# docstrings inherited from scikit-learn refer to: (name, role, page#anchor).
LABELS = {
    "python": [
        (
            "bltin-boolean-values",
            "std:label",
            "library/stdtypes.html#bltin-boolean-values",
        ),
        ("sequence", "std:term", "glossary.html#term-sequence"),
        ("iterable", "std:term", "glossary.html#term-iterable"),
        ("path-like object", "std:term", "glossary.html#term-path-like-object"),
    ],
    "numpy": [("array_like", "std:term", "glossary.html#term-array_like")],
    "sklearn": [
        ("metadata_routing", "std:label", "metadata_routing.html#metadata-routing"),
        (
            "df_output_transform",
            "std:label",
            "auto_examples/miscellaneous/plot_set_output.html",
        ),
        (
            "sphx_glr_auto_examples_miscellaneous_plot_set_output.py",
            "std:label",
            "auto_examples/miscellaneous/plot_set_output.html",
        ),
        ("r2_score", "std:label", "modules/model_evaluation.html#r2-score"),
        ("accuracy_score", "std:label", "modules/model_evaluation.html#accuracy-score"),
        ("meta-estimator", "std:term", "glossary.html#term-meta-estimator"),
    ],
}


def _public_names(module_name):
    """(full name, role) of the public classes and functions of a module."""
    module = importlib.import_module(module_name)
    names = getattr(module, "__all__", None) or dir(module)
    for name in sorted(set(names)):
        if name.startswith("_"):
            continue
        try:
            obj = getattr(module, name)
        except (AttributeError, ImportError):  # experimental or lazy names
            continue
        if inspect.isclass(obj):
            yield f"{module_name}.{name}", "class"
        elif callable(obj) and not inspect.ismodule(obj):
            yield f"{module_name}.{name}", "function"


def _python_entries():
    entries = []
    for name in dir(builtins):
        obj = getattr(builtins, name)
        if name.startswith("_") or not inspect.isclass(obj):
            continue
        page = (
            "library/exceptions.html"
            if issubclass(obj, BaseException)
            else "library/functions.html"
        )
        entries.append((name, "py:class", page))
    for name in ("callable", "len", "open", "print", "isinstance"):
        entries.append((name, "py:function", "library/functions.html"))
    for name, page in SPECIAL["python"].items():
        entries.append((name, "py:class", page))
    return entries


def _entries(project):
    if project == "python":
        return _python_entries()
    entries = []
    for module, page in PAGES[project]:
        for name, role in _public_names(module):
            entries.append((name, f"py:{role}", page.format(name)))
    for name, page in SPECIAL.get(project, {}).items():
        entries.append((name, "py:class", page))
    return entries


def write_inventory(project, path):
    """Write the inventory of ``project`` (Sphinx inventory version 2)."""
    version = (
        "" if project == "python" else importlib.import_module(project).__version__
    )
    lines = {
        f"{name} {role} 1 {page}#{name} -\n" for name, role, page in _entries(project)
    }
    lines |= {
        f"{name} {role} -1 {page} -\n" for name, role, page in LABELS.get(project, [])
    }
    header = (
        "# Sphinx inventory version 2\n"
        f"# Project: {project}\n"
        f"# Version: {version}\n"
        "# The remainder of this file is compressed using zlib.\n"
    )
    body = zlib.compress("".join(sorted(lines)).encode())
    path.write_bytes(header.encode() + body)
    return len(lines)


if __name__ == "__main__":
    for project in ["python", *PAGES]:
        n = write_inventory(project, HERE / f"{project}.inv")
        print(f"{project}: {n} entries")
