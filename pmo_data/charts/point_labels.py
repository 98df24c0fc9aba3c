"""Names beside the points of a scatter chart without covering each other or other points.

Why: a bubble chart of a dozen services crowds them into one corner; names put above every
point cover their neighbours' markers and one another, and names on only the biggest leave
most points anonymous. Here each point (most notable first) gets the first of eight places
around its marker where its name covers no marker and no name already placed, estimated in
pixels before the browser draws (the plot's size at the page's usual width, Source Sans's
widths); a point with no free place has no name on the chart (hover and the table beside the
chart name it). Points that would sit almost on top of each other are set a few pixels apart
sideways, so each is seen; the chart's caption says so and its hover gives the exact values.
"""

from __future__ import annotations

import math

import pandas as pd

from pmo_data.charts.margins import text_px

GAP = 3  # px between a marker's edge and its name, and around a name
LABEL_PX = 11  # the names' font size (the chart draws them at it)
LINE_PX = 14  # the height of a name's line at LABEL_PX
# Plotly's text positions, in the order tried: beside the point first (reads as a list), then
# above, below and the corners
PLACES = (
    "middle right",
    "middle left",
    "top center",
    "bottom center",
    "top right",
    "top left",
    "bottom right",
    "bottom left",
)


def _to_px(values: pd.Series, lo: float, hi: float, size: float) -> pd.Series:
    return (values - lo) / ((hi - lo) or 1.0) * size


def spread(
    x: pd.Series,
    y: pd.Series,
    diameter: pd.Series,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    plot_px: tuple[float, float],
) -> pd.Series:
    """`x`, with points whose centres would lie closer than about half a marker (one mostly
    covering the other) set side by side, centred on their true x, a few pixels between their
    markers. Returns the x to draw at; the true x stays in the data."""
    px = _to_px(x, *x_range, plot_px[0])
    py = _to_px(y, *y_range, plot_px[1])
    per_px = (x_range[1] - x_range[0]) / plot_px[0]
    drawn = x.astype(float).copy()
    done: set = set()
    for i in diameter.sort_values(ascending=False).index:
        if i in done:
            continue
        near = [
            j
            for j in x.index
            if j not in done
            and math.hypot(px[i] - px[j], py[i] - py[j]) < max(diameter[i], diameter[j]) * 0.6
        ]
        if len(near) < 2:
            continue
        near.sort(key=lambda j: (x[j], y[j], str(j)))
        step = max(diameter[j] for j in near) + GAP
        for k, j in enumerate(near):
            drawn[j] = x[j] + (k - (len(near) - 1) / 2) * step * per_px
        done.update(near)
    return drawn


def label_box(
    name: str, px: float, py: float, diameter: float, where: str, font_px: float = LABEL_PX
) -> tuple[float, float, float, float]:
    """The box (left, right, bottom, top; pixels) `name` takes at Plotly position `where`
    beside a marker of `diameter` at (px, py). Plotly sets a name off its point by 1.25 x the
    marker's radius + 1 px, along x and y alike (corners too)."""
    w, h, r = text_px(name, font_px), LINE_PX, diameter / 2 * 1.25 + 1
    vertical, horizontal = where.split()
    left = {"center": px - w / 2, "right": px + r, "left": px - r - w}[horizontal]
    bottom = {"middle": py - h / 2, "top": py + r, "bottom": py - r - h}[vertical]
    return left, left + w, bottom, bottom + h


def overlaps(a, b) -> bool:
    """Whether two boxes come within `GAP` of each other side by side, or overlap."""
    return a[0] < b[1] + GAP and b[0] < a[1] + GAP and a[2] < b[3] and b[2] < a[3]


def _reach(box: tuple[float, float, float, float], x: float, y: float) -> float:
    """Distance in pixels from a point to the nearest edge of a box (0 inside it)."""
    return math.hypot(max(box[0] - x, 0, x - box[1]), max(box[2] - y, 0, y - box[3]))


def place(
    names: pd.Series,
    x: pd.Series,
    y: pd.Series,
    diameter: pd.Series,
    order: list,
    x_range: tuple[float, float],
    y_range: tuple[float, float],
    plot_px: tuple[float, float],
    font_px: float = LABEL_PX,
) -> pd.Series:
    """Plotly `textposition` for each point ('' where its name would cover something or sit
    nearer another marker than its own), the points tried in `order`. Boxes are (left, right, bottom, top) in pixels from the plot's
    bottom left corner."""
    width, height = plot_px
    px = _to_px(x, *x_range, width)
    py = _to_px(y, *y_range, height)
    markers = {
        i: (px[i] - diameter[i] / 2, px[i] + diameter[i] / 2, py[i] - diameter[i] / 2,
            py[i] + diameter[i] / 2)
        for i in x.index
    }  # fmt: skip

    placed: list[tuple[float, float, float, float]] = []
    where = pd.Series("", index=x.index, dtype=object)
    for i in order:
        if not str(names[i]):
            continue
        for candidate in PLACES:
            b = label_box(str(names[i]), px[i], py[i], diameter[i], candidate, font_px)
            inside = b[0] >= 0 and b[1] <= width and b[2] >= 0 and b[3] <= height
            own = _reach(b, px[i], py[i]) - diameter[i] / 2
            if (
                inside
                and not any(overlaps(b, m) for j, m in markers.items() if j != i)
                and not any(overlaps(b, p) for p in placed)
                # a name nearer another marker than its own would be read as that one's
                and all(_reach(b, px[j], py[j]) - diameter[j] / 2 > own for j in x.index if j != i)
            ):
                placed.append(b)
                where[i] = candidate
                break
    return where
