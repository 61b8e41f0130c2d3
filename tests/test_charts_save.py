"""Saving charts: the drawn extent, the cut, and the files against matplotlib's own ``bbox_inches="tight"``."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.transforms import Bbox
from PIL import Image

from simulator.results import charts

WHITE = np.array([255, 255, 255, 255], dtype=np.uint8)


def _blank(rows: int, cols: int) -> np.ndarray:
    return np.full((rows, cols, 4), 255, dtype=np.uint8)


def test_ink_extent_in_inches_from_the_bottom_left():
    # 10 rows × 20 columns at 10 dpi: a 1.0 in × 2.0 in drawing; ink in rows 2–4, columns 5–9
    pixels = _blank(10, 20)
    pixels[2:5, 5:10] = (200, 0, 0, 255)
    box = charts.ink_extent(pixels, 10.0, WHITE)
    # x: 5/10 … (9 + 1)/10 = 0.5 … 1.0 in; y: 1.0 − (4 + 1)/10 … 1.0 − 2/10 = 0.5 … 0.8 in
    assert box.extents == pytest.approx([0.5, 0.5, 1.0, 0.8])


def test_ink_on_the_edge_or_no_ink_gives_none():
    pixels = _blank(10, 20)
    assert charts.ink_extent(pixels, 10.0, WHITE) is None  # blank
    pixels[0, 5] = (0, 0, 0, 255)  # top row: may continue above the drawing
    assert charts.ink_extent(pixels, 10.0, WHITE) is None
    pixels = _blank(10, 20)
    pixels[4, 19] = (0, 0, 0, 255)  # last column
    assert charts.ink_extent(pixels, 10.0, WHITE) is None
    pixels = _blank(10, 20)
    pixels[4, 7] = (254, 255, 255, 255)  # one level off white is ink
    assert charts.ink_extent(pixels, 10.0, WHITE).extents == pytest.approx([0.7, 0.5, 0.8, 0.6])


def test_cut_to_extent_widens_with_the_background():
    # 10 × 20 at 10 dpi (H = 1.0 in); extent x 0.25 … 2.25 in, y 0.25 … 0.75 in:
    # columns ⌊2.5⌋ = 2 … ⌈22.5⌉ = 23 (21 wide, 3 beyond the drawing), rows ⌊(1 − 0.75)·10⌋ = 2 … ⌈7.5⌉ = 8 (6 high)
    pixels = _blank(10, 20)
    pixels[:, :, 0] = np.arange(20, dtype=np.uint8)  # red = column number
    pixels[:, :, 1] = np.arange(10, dtype=np.uint8)[:, None]  # green = row number
    fill = np.array([1, 2, 3, 255], dtype=np.uint8)
    out = charts.cut_to_extent(pixels, Bbox([[0.25, 0.25], [2.25, 0.75]]), 10.0, fill)
    assert out.shape == (6, 21, 4)
    assert out[0, 0, 0] == 2 and out[0, 0, 1] == 2  # column 2, row 2 of the drawing
    assert out[-1, 17, 0] == 19 and out[-1, 17, 1] == 7  # column 19, row 7: the last drawn column
    assert (out[:, 18:] == fill).all()  # columns 20–22 lie beyond the drawing
    # inside the drawing: x 0.25 … 1.25 in, y 0.25 … 0.75 in → columns 2 … 13, rows 2 … 8, exactly those pixels
    inside = charts.cut_to_extent(pixels, Bbox([[0.25, 0.25], [1.25, 0.75]]), 10.0, fill)
    assert np.array_equal(inside, pixels[2:8, 2:13]) and inside.flags["C_CONTIGUOUS"]


def _figure():
    fig, ax = plt.subplots(figsize=(4, 3))
    ax.bar([0, 1, 2], [3.0, 1.0, 2.0], color=["#f2b701", "#8e44ad", "#1f77b4"], label="x")
    ax.set_xlabel("year")
    ax.set_ylabel("GW")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    fig.suptitle("A title", fontweight="bold")
    fig.tight_layout()
    return fig


def _ink(grey: np.ndarray) -> tuple[slice, slice]:
    rows, cols = np.flatnonzero((grey < 255).any(axis=1)), np.flatnonzero((grey < 255).any(axis=0))
    return slice(rows[0], rows[-1] + 1), slice(cols[0], cols[-1] + 1)


@pytest.mark.parametrize("legend_outside", [False, True])
def test_saved_png_holds_what_bbox_inches_tight_holds(tmp_path, legend_outside):
    """The PNG holds the ink of matplotlib's ``bbox_inches="tight"`` file, with a margin of ``savefig.pad_inches``.

    The ink of both files has the same size within a pixel and the same pixels
    (antialiased edges aside); around it our file has 0.1 in = 15 px at 150 dpi
    of background on every side (savefig pads the artists' boxes, which may
    hold blank space, so its margins are at least that). With
    ``legend_outside`` a figure legend hangs beyond the right edge, which
    tight_layout does not see: the file must still hold it whole.
    """

    def make():
        fig = _figure()
        if legend_outside:
            fig.legend(["a long legend entry that sticks out"], loc="center left", bbox_to_anchor=(0.95, 0.5))
        return fig

    with plt.rc_context(charts._rc(None)):
        make().savefig(tmp_path / "ref.png", bbox_inches="tight")
        paths = charts.save_figure(make(), tmp_path, "mine")
    assert [p.name for p in paths] == ["mine.png", "mine.svg"]
    a = np.asarray(Image.open(tmp_path / "ref.png").convert("L"), dtype=float)
    b = np.asarray(Image.open(tmp_path / "mine.png").convert("L"), dtype=float)
    (ra, ca), (rb, cb) = _ink(a), _ink(b)
    ink_a, ink_b = a[ra, ca], b[rb, cb]
    assert abs(ink_a.shape[0] - ink_b.shape[0]) <= 1 and abs(ink_a.shape[1] - ink_b.shape[1]) <= 1, (ink_a.shape, ink_b.shape)
    # at the best alignment within ±1 px (savefig shifts the drawing by a fraction of a pixel) fewer than 1 %
    # of the pixels differ by more than half the grey range: the same drawing, antialiased edges aside
    h, w = min(ink_a.shape[0], ink_b.shape[0]) - 2, min(ink_a.shape[1], ink_b.shape[1]) - 2
    off = min(
        np.mean(np.abs(ink_a[1 : 1 + h, 1 : 1 + w] - ink_b[1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]) > 128)
        for dy in (-1, 0, 1)
        for dx in (-1, 0, 1)
    )
    assert off < 0.01, off
    pad = 0.1 * 150
    margins = [rb.start, b.shape[0] - rb.stop, cb.start, b.shape[1] - cb.stop]
    if legend_outside:  # drawn again by savefig with the artists' extent: at least the pad
        assert min(margins) >= pad - 3, margins
    else:
        assert margins == pytest.approx([pad] * 4, abs=1), margins
    assert (tmp_path / "mine.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    plt.close("all")
