"""The latent-space figure: two code dimensions, coloured by emotion category."""

# License: BSD-3-Clause

import numpy as np

from ._common import _figure, _zoom


def plot_emotion_latent(
    codes, categories, *, dims=(0, 1), dim_names=("valence", "activation"), title=None
):
    """Scatter two dimensions of the latent codes, coloured by emotion category.

    Shows whether the emotion part of the code separates categorical emotions
    (angry, calm, sad, ...) along valence and activation, as the model intends.

    Parameters
    ----------
    codes : array-like of shape (n_samples, n_dims)
        Latent codes, such as the output of ``transform`` (emotion part first,
        then the style part) or ``predict``.
    categories : array-like of shape (n_samples,)
        A category per row (for RAVDESS, ``load_ravdess_features().frame
        ["emotion"]``); one colour each, in sorted order.
    dims : tuple of 2 int, default=(0, 1)
        The columns of ``codes`` on the x- and y-axis.
    dim_names : tuple of 2 str, default=("valence", "activation")
        Names of these columns, for the axis labels.
    title : str, default=None
        Figure title; by default "Latent codes by emotion category".

    Returns
    -------
    fig : matplotlib.figure.Figure
        One axes.

    Raises
    ------
    ValueError
        If ``codes`` is empty or not 2-D, ``categories`` differs in length,
        ``dims`` are not two distinct valid columns, or ``dim_names`` is not a pair.

    Examples
    --------
    >>> import numpy as np
    >>> from aae_sklearn.plotting import plot_emotion_latent
    >>> codes = np.random.default_rng(0).normal(size=(30, 5))
    >>> fig = plot_emotion_latent(codes, ["happy", "sad", "angry"] * 10)
    >>> [t.get_text() for t in fig.axes[0].get_legend().get_texts()]
    ['angry', 'happy', 'sad']
    """
    codes = np.asarray(codes, dtype=float)
    categories = np.asarray(categories)
    if codes.ndim != 2 or codes.size == 0:
        raise ValueError(
            f"codes must be a non-empty 2-D array, got shape {codes.shape}."
        )
    if categories.shape != (len(codes),):
        raise ValueError(
            f"categories must be 1-D with one entry per row of codes ({len(codes)}), "
            f"got shape {categories.shape}."
        )
    n_dims = codes.shape[1]
    if (
        len(dims) != 2
        or not all(-n_dims <= d < n_dims for d in dims)
        or dims[0] % n_dims == dims[1] % n_dims
    ):
        raise ValueError(
            f"dims must be two distinct columns of codes (0 to {n_dims - 1}), "
            f"got {dims}."
        )
    if len(dim_names) != 2:
        raise ValueError(f"dim_names must hold two names, got {dim_names}.")

    fig, (ax,) = _figure(panel_size=(6.0, 5.0))
    x, y = codes[:, dims[0]], codes[:, dims[1]]
    for i, category in enumerate(np.unique(categories)):
        mask = categories == category
        ax.scatter(
            x[mask],
            y[mask],
            s=14,
            alpha=0.7,
            color=f"C{i % 10}",  # the default cycle is tab10
            marker="osD^v<>"[i // 10 % 7],
            label=str(category),
        )
    outside = _zoom(ax, x, y)
    if outside:
        points = "point" if outside == 1 else "points"
        ax.plot([], [], " ", label=f"({outside} outlying {points} not shown)")
    ax.set_xlabel(f"{dim_names[0]} (code dimension {dims[0]}, code units)")
    ax.set_ylabel(f"{dim_names[1]} (code dimension {dims[1]}, code units)")
    ax.axhline(0, color="grey", lw=0.5)
    ax.axvline(0, color="grey", lw=0.5)
    ax.legend(title="category", fontsize="small", markerscale=1.5)
    ax.set_title(title if title is not None else "Latent codes by emotion category")
    return fig
