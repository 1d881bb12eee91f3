"""Helpers shared by the figures: a pyplot-free figure, and limits that leave
far outliers out of a scatter.
"""

# License: BSD-3-Clause

import numpy as np
from matplotlib.figure import Figure


def _figure(n_panels=1, *, panel_size=(5.0, 4.0)):
    """A figure of ``n_panels`` axes side by side, and the 1-D array of them."""
    width, height = panel_size
    fig = Figure(figsize=(width * n_panels, height), layout="constrained")
    return fig, fig.subplots(1, n_panels, squeeze=False)[0]


def _limits(values, *, include=()):
    """Axis limits around ``values`` (and all of ``include``), far outliers left out.

    Points beyond Tukey's far fences (3 interquartile ranges past the quartiles)
    would squash the rest of a scatter into a corner, so they are not covered.
    """
    q1, q3 = np.quantile(values, [0.25, 0.75])
    fence = 3 * (q3 - q1)
    kept = values[(values >= q1 - fence) & (values <= q3 + fence)]
    kept = np.concatenate([kept, np.ravel(include)])
    low, high = kept.min(), kept.max()
    pad = 0.05 * (high - low) or 0.1
    return low - pad, high + pad


def _zoom(ax, x, y, *, limits=None):
    """Set the limits of a scatter; return how many points fall outside them."""
    (x_low, x_high), (y_low, y_high) = limits or (_limits(x), _limits(y))
    ax.set_xlim(x_low, x_high)
    ax.set_ylim(y_low, y_high)
    return int(np.sum((x < x_low) | (x > x_high) | (y < y_low) | (y > y_high)))
