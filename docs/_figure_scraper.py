"""sphinx-gallery scraper for figures built without pyplot.

The functions of :mod:`aae_sklearn.plotting` return :class:`~matplotlib.figure.Figure`
objects that pyplot does not manage, so sphinx-gallery's own matplotlib scraper
never sees them. This one saves every such figure that an example holds in a
variable, once, after the code block that made it.
"""

# License: BSD-3-Clause

import weakref

from matplotlib.figure import Figure
from sphinx_gallery.scrapers import figure_rst

_saved = weakref.WeakSet()


def unmanaged_figures(block, block_vars, gallery_conf, **kwargs):
    """Save the example's new figures that pyplot does not manage."""
    figures = [
        value
        for value in block_vars["example_globals"].values()
        if isinstance(value, Figure)
        and value.canvas.manager is None
        and value not in _saved
    ]
    paths = []
    paths_left = block_vars["image_path_iterator"]
    for figure, path in zip(figures, paths_left, strict=False):
        figure.savefig(path, dpi=100)
        _saved.add(figure)
        paths.append(path)
    return figure_rst(paths, gallery_conf["src_dir"])
