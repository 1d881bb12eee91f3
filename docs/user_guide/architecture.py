"""The semi-supervised adversarial autoencoder of ``AAEEmotionRegressor``.

Drawn at build time by matplotlib's plot directive (``docs/user_guide/model.rst``):
the encoder splits its code into an emotion part (one node per target) and a
style part; the decoder reconstructs the input from the whole code, and each
part has a discriminator that compares it with samples of its prior. Arrow
colours mark the three training phases.
"""

# License: BSD-3-Clause

import matplotlib.pyplot as plt
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, FancyArrowPatch, FancyBboxPatch, Polygon

RECONSTRUCTION = "#1f77b4"
REGULARISATION = "#d62728"
SUPERVISION = "#2ca02c"
NEUTRAL = "#444444"


def _box(ax, x, y, w, h, text, *, face="#f2f2f2", edge=NEUTRAL, size=10, **kw):
    """A rounded box with centred text; returns its (x, y, w, h)."""
    ax.add_patch(
        FancyBboxPatch(
            (x, y),
            w,
            h,
            boxstyle="round,pad=0.4,rounding_size=1.2",
            facecolor=face,
            edgecolor=edge,
            linewidth=1.2,
            **kw,
        )
    )
    if text:
        ax.text(x + w / 2, y + h / 2, text, ha="center", va="center", fontsize=size)
    return x, y, w, h


def _trapezoid(ax, x0, x1, left, right, text, face):
    """A network drawn as a trapezoid from half-height ``left`` to ``right``."""
    yc = 31
    points = [(x0, yc - left), (x1, yc - right), (x1, yc + right), (x0, yc + left)]
    ax.add_patch(Polygon(points, closed=True, facecolor=face, edgecolor=NEUTRAL))
    ax.text((x0 + x1) / 2, yc, text, ha="center", va="center", fontsize=10)


def _arrow(ax, start, end, color, *, style="-|>", dashed=False, rad=0.0):
    ax.add_patch(
        FancyArrowPatch(
            start,
            end,
            arrowstyle=style,
            mutation_scale=14,
            color=color,
            linewidth=1.6,
            linestyle="--" if dashed else "-",
            connectionstyle=f"arc3,rad={rad}",
            shrinkA=2,
            shrinkB=2,
        )
    )


def draw_architecture(ax):
    """Draw the autoencoder, its discriminators and priors on ``ax``."""
    ax.set_xlim(0, 100)
    ax.set_ylim(-2, 66)
    ax.set_aspect("equal")
    ax.axis("off")

    # Input, encoder, decoder, reconstruction.
    _box(ax, 1, 26, 9, 10, "input\n$x$", face="#e8eef7")
    _trapezoid(ax, 15, 28, 17, 10, "encoder", "#dde7f3")
    _trapezoid(ax, 60, 73, 10, 17, "decoder", "#dde7f3")
    _box(ax, 78, 26, 15, 10, "reconstruction\n$\\hat{x}$", face="#e8eef7")
    _arrow(ax, (10.5, 31), (15, 31), RECONSTRUCTION)
    _arrow(ax, (73, 31), (77.5, 31), RECONSTRUCTION)

    # The code: emotion part (one node per target) and style part.
    _box(ax, 35, 37, 16, 13, "", face="#fff4e0", edge="#b36b00")
    ax.text(43, 48, "emotion part", ha="center", va="center", fontsize=10)
    for i, letter in enumerate("VAD"):
        cx = 38.5 + 4.5 * i
        ax.add_patch(Circle((cx, 42.5), 1.7, facecolor="white", edgecolor="#b36b00"))
        ax.text(cx, 42.5, letter, ha="center", va="center", fontsize=9)
    ax.text(43, 38.6, "valence, activation, dominance", ha="center", fontsize=6.5)

    _box(ax, 35, 12, 16, 19, "", face="#eef3e6", edge="#5b7f2a")
    ax.text(43, 28.5, "style part", ha="center", va="center", fontsize=10)
    for row in range(3):
        for col in range(4):
            center = (38 + 3.3 * col, 24.5 - 3.3 * row)
            ax.add_patch(
                Circle(center, 1.1, facecolor="white", edgecolor="#5b7f2a", lw=0.9)
            )
    ax.text(43, 14, "style_dim nodes", ha="center", va="center", fontsize=8)

    # Encoder -> both parts -> decoder (phase 1, and the code of phases 2 and 3).
    _arrow(ax, (28, 36), (34.5, 43), RECONSTRUCTION)
    _arrow(ax, (28, 26), (34.5, 21), RECONSTRUCTION)
    _arrow(ax, (51.5, 43), (60, 36), RECONSTRUCTION)
    _arrow(ax, (51.5, 21), (60, 26), RECONSTRUCTION)

    # Discriminators and priors (phase 2).
    _box(ax, 35, 56, 16, 6, "discriminator", face="#fbe3e3", edge=REGULARISATION)
    _box(ax, 66, 56, 18, 6, "emotion prior", face="white", edge=REGULARISATION)
    _arrow(ax, (43, 50.5), (43, 55.5), REGULARISATION)
    _arrow(ax, (65.5, 59), (51.5, 59), REGULARISATION)

    _box(ax, 35, 0, 16, 6, "discriminator", face="#fbe3e3", edge=REGULARISATION)
    _box(ax, 66, 0, 18, 6, "style prior", face="white", edge=REGULARISATION)
    _arrow(ax, (43, 11.5), (43, 6.5), REGULARISATION)
    _arrow(ax, (65.5, 3), (51.5, 3), REGULARISATION)
    for y in (59, 3):
        ax.text(33.5, y, "prior sample\nor code?", ha="right", va="center", fontsize=8)

    # Supervision (phase 3): the emotion part is the prediction.
    _box(
        ax,
        8,
        52,
        13,
        6,
        "labels $y$\n(labeled rows)",
        face="#e5f4e5",
        edge=SUPERVISION,
        size=8,
    )
    _arrow(
        ax, (21.5, 54), (36.5, 47), SUPERVISION, style="<|-|>", dashed=True, rad=-0.2
    )

    handles = [
        Line2D([], [], color=c, lw=2, label=label)
        for c, label in (
            (RECONSTRUCTION, "1  reconstruction"),
            (REGULARISATION, "2  regularisation"),
            (SUPERVISION, "3  supervision"),
        )
    ]
    ax.legend(
        handles=handles,
        loc="lower left",
        fontsize=8,
        frameon=False,
        title="phase",
        title_fontsize=8,
    )


fig, ax = plt.subplots(figsize=(9, 6), layout="constrained")
draw_architecture(ax)
