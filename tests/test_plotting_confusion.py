"""Tests for aae_sklearn.plotting.plot_confusion_matrix."""

# License: BSD-3-Clause

import numpy as np
import pytest
from matplotlib.image import imread
from numpy.testing import assert_allclose
from sklearn.metrics import balanced_accuracy_score

from aae_sklearn.plotting import plot_confusion_matrix


def saved_image(fig, tmp_path):
    """Save ``fig`` to PNG and check that it is not blank."""
    path = tmp_path / "figure.png"
    fig.savefig(path, dpi=50)
    assert imread(path)[..., :3].std() > 0.05


def test_confusion_matrices_one_panel_per_model():
    y_true = ["sad", "sad", "happy", "angry", "angry"]
    fig = plot_confusion_matrix(
        {
            "AAE": (y_true, ["sad", "happy", "happy", "angry", "angry"]),
            "baseline": (y_true, ["sad"] * 5),
        },
        title="fold 1",
    )
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["AAE: UAR = 0.833", "baseline: UAR = 0.333"]
    assert fig.get_suptitle() == "fold 1"
    # Rows are true classes, in sorted order; cells the share of the true class.
    image = fig.axes[0].images[0].get_array()
    assert_allclose(image, [[1, 0, 0], [0, 1, 0], [0, 0.5, 0.5]])
    counts = plot_confusion_matrix({"": (y_true, y_true)}, normalize=None)
    assert counts.axes[0].get_title() == "UAR = 1.000"
    np.testing.assert_array_equal(
        counts.axes[0].images[0].get_array(), np.diag([2, 1, 2])
    )


def test_confusion_matrices_grid_one_row_per_entry(tmp_path):
    y_true = np.array(["sad", "happy", "angry"] * 10)
    rows = {
        f"{fraction}% labeled": {
            "AAE": (y_true, np.roll(y_true, fraction // 10)),
            "baseline": (
                y_true,
                np.where(np.arange(30) < fraction // 5, "sad", y_true),
            ),
        }
        for fraction in (10, 50, 100)
    }
    fig = plot_confusion_matrix(rows, title="Emotion classes, by labeled fraction")
    saved_image(fig, tmp_path)
    *panels, bar = fig.axes
    assert len(panels) == 6 and bar.get_ylabel() == "share of the true class"
    assert [ax.get_ylabel() for ax in panels[::2]] == [
        f"{name}\nTrue label" for name in rows
    ]
    assert [ax.get_title().split(":")[0] for ax in panels] == ["AAE", "baseline"] * 3
    uar = balanced_accuracy_score(*rows["100% labeled"]["baseline"])
    assert panels[-1].get_title() == f"baseline: UAR = {uar:.3f}"
    # One colour scale: the same colour means the same share in every panel.
    assert {ax.images[0].get_clim() for ax in panels} == {(0.0, 1.0)}

    # Class names on the outer panels only: left column, bottom row.
    def shown(axis):
        return any(tick.label1.get_visible() for tick in axis.get_major_ticks())

    assert [shown(ax.yaxis) for ax in panels[:2]] == [True, False]
    assert [shown(ax.xaxis) for ax in panels[::2]] == [False, False, True]
    texts = [t.get_text() for t in panels[0].texts]
    assert "100%" in texts and "0%" in texts


def test_confusion_matrix_text_contrasts_with_its_cell():
    # A panel whose largest share is small: its text stays dark on light cells.
    y_true = np.repeat(["a", "b", "c", "d"], 4)
    weak = np.tile(["a", "b", "c", "d"], 4)
    fig = plot_confusion_matrix({"weak": (y_true, weak), "perfect": (y_true, y_true)})
    weak_texts = fig.axes[0].texts
    perfect_texts = fig.axes[1].texts
    assert {t.get_text() for t in weak_texts} == {"25%"}
    assert len({tuple(t.get_color()) for t in weak_texts}) == 1
    assert tuple(weak_texts[0].get_color()) == tuple(perfect_texts[1].get_color())
    assert tuple(perfect_texts[0].get_color()) != tuple(perfect_texts[1].get_color())


def test_confusion_matrix_rows_of_different_lengths_keep_their_class_names():
    pair = (["a", "b"], ["a", "a"])
    fig = plot_confusion_matrix({"1": {"x": pair, "y": pair}, "2": {"x": pair}})
    top_x, top_y, bottom_x, empty, _ = fig.axes
    assert not empty.axison
    labels = [tick.label1.get_visible() for tick in top_y.xaxis.get_major_ticks()]
    assert all(labels) and top_y.get_xlabel() == "Predicted label"
    assert top_x.get_xlabel() == "" and bottom_x.get_xlabel() == "Predicted label"


@pytest.mark.parametrize(
    "predictions, message",
    [
        ({}, "no model"),
        ({"m": ([], [])}, "non-empty"),
        ({"m": ([1], [1, 2])}, "one"),
        ({"10%": {}}, "row '10%' of predictions is empty"),
        ({"10%": {"m": ([1], [1])}, "m": ([1], [1])}, "not both"),
    ],
)
def test_confusion_matrix_refuses_bad_input(predictions, message):
    with pytest.raises(ValueError, match=message):
        plot_confusion_matrix(predictions)
