"""Sphinx configuration of the aae_sklearn documentation.

Build with ``python -m sphinx -W -b html docs docs/_build/html``; the gallery
examples run during the build.
"""

# License: BSD-3-Clause

import sys
from pathlib import Path

import aae_sklearn

HERE = Path(__file__).parent
sys.path.insert(0, str(HERE))  # for the gallery's figure scraper

project = "aae_sklearn"
author = "The aae_sklearn developers"
copyright = "The aae_sklearn developers, BSD-3-Clause"
version = release = aae_sklearn.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "myst_parser",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
    "matplotlib.sphinxext.plot_directive",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "examples/README.txt", "_intersphinx"]
source_suffix = {".rst": "restructuredtext", ".md": "markdown"}
myst_heading_anchors = 3
default_role = "literal"

# -- API reference ------------------------------------------------------------
autosummary_generate = True
autodoc_default_options = {"members": True, "inherited-members": True}
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_xref_param_type = True
numpydoc_xref_ignore = {
    "of",
    "or",
    "shape",
    "default",
    "optional",
    "None",
    "array-like",
    "like",
    "n_samples",
    "n_features",
    "n_targets",
    "n_frames",
    "n_files",
    "n_codes",
    "n_signals",
    "n_items",
    "n_chunk",
    "n_rows",
    "sequences",
    "list",
    "tuple",
    "dict",
    "str",
    "int",
    "float",
    "bool",
    "callable",
    "object",
    "instance",
    "estimator",
    "pair",
    "pairs",
    "path-like",
    "iterable",
    "sparse",
    "matrix",
}
numpydoc_xref_aliases = {
    "DataFrame": "pandas.DataFrame",
    "Series": "pandas.Series",
    "ndarray": "numpy.ndarray",
    "Bunch": "sklearn.utils.Bunch",
    "Figure": "matplotlib.figure.Figure",
    "Axes": "matplotlib.axes.Axes",
    "RandomState": "numpy.random.RandomState",
    "Path": "pathlib.Path",
}

# -- Cross-references to other projects ----------------------------------------
# The build must work offline (as in CI), so each inventory is read from
# docs/_intersphinx first (written by docs/_intersphinx/make_inventories.py from
# the installed packages) and from the project's site only as a fallback.
_SITES = {
    "python": "https://docs.python.org/3/",
    "numpy": "https://numpy.org/doc/stable/",
    "pandas": "https://pandas.pydata.org/docs/",
    "sklearn": "https://scikit-learn.org/stable/",
    "torch": "https://docs.pytorch.org/docs/stable/",
    "skorch": "https://skorch.readthedocs.io/en/stable/",
    "matplotlib": "https://matplotlib.org/stable/",
}
intersphinx_mapping = {
    name: (url, (str(HERE / "_intersphinx" / f"{name}.inv"), None))
    for name, url in _SITES.items()
}
intersphinx_timeout = 5

# -- Gallery ---------------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "examples",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "ignore_pattern": r"__init__\.py",
    "backreferences_dir": "generated/backreferences",
    "doc_module": ("aae_sklearn",),
    "reference_url": {"aae_sklearn": None},
    "abort_on_example_error": True,
    "only_warn_on_example_error": False,
    "remove_config_comments": True,
    "min_reported_time": 1,
    "matplotlib_animations": False,
    # Figures of aae_sklearn.plotting are built without pyplot.
    "image_scrapers": ("matplotlib", "_figure_scraper.unmanaged_figures"),
}

# -- Figures drawn at build time (plot directive) --------------------------------
plot_include_source = False
plot_html_show_source_link = False
plot_html_show_formats = False
plot_formats = [("png", 110)]

# -- HTML --------------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"aae_sklearn {release}"
html_theme_options = {
    "github_url": "https://github.com/aae-sklearn/aae-sklearn",
    "navigation_with_keys": False,
    "show_toc_level": 2,
}
html_static_path = []
html_show_sourcelink = False
