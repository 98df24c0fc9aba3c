"""Margins sized from a figure's labels before the browser draws it, so Plotly draws it once.

Why: with `automargin` Plotly draws a chart, measures its tick labels and axis titles, and when
they need more room than the margin gives (always, with a margin of a few pixels) draws the
whole chart again. Profiled in Chromium, that second draw was about a third of each chart's
time on a page switch. Here the room is estimated from the text (Source Sans's advance widths
at the sizes Streamlit's chart theme uses) and set as the margin; `automargin` stays on, so a
label estimated too narrow still gets its room (with the second draw), never clipped.

Only for figures shown in the app (`ui.figure`, `ui.chart`): briefs render with their own fonts.
"""

from __future__ import annotations

import logging
import math
import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go

log = logging.getLogger(__name__)

TICK_PX = 12  # tick labels in Streamlit's chart theme
TITLE_PX = 14  # axis titles in Streamlit's chart theme
LINE_PX = 16  # one line of tick label text
TICK_PAD = 9  # between the plot and its tick labels, as Plotly lays them out
TITLE_ROOM = 34  # a y axis title (rotated, one line) with its standoff
TITLE_LINE_PX = 17  # each further line of a y axis title
_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)  # a line break in a label or title
X_TITLE_ROOM = 30  # an x axis title with its standoff
COLORBAR_ROOM = 120  # a colour bar at the right: bar, ticks and a short title
ROTATE = 30  # degrees: how Plotly tilts category labels that would overlap
ROTATE_BEYOND_PX = 700  # category labels wider than this in total are tilted in advance
UPRIGHT_BEYOND_PX = 560  # ... and stand upright when even tilted they would not fit this
TILT_ROOM = 16  # tilted labels sit lower than their box says
FLOOR = 10  # the least room under a plot, as the house template gives
SAFETY = 1.04  # estimates run a little wide: a few blank pixels beat a second draw

# Advance widths in ems (Source Sans); anything not listed counts as a wide letter.
_NARROW = dict.fromkeys("iljI|!.,:;'", 0.25)
_WIDTHS = {
    **_NARROW,
    **dict.fromkeys("ftr()[]-", 0.33),
    " ": 0.2,
    "m": 0.83,
    "w": 0.72,
    "M": 0.73,
    "W": 0.78,
    "%": 0.83,
    "&": 0.66,
    "\u2013": 0.5,
    "\u2014": 0.83,
}
_TAGS = re.compile(r"<[^>]+>")


def text_px(text: str, size: float = TICK_PX) -> float:
    """Estimated width of one line of text in pixels (tags such as <b> take no room)."""
    plain = _TAGS.sub("", text)
    ems = sum(
        _WIDTHS.get(c, 0.5 if c.isdigit() or c.islower() else 0.6)
        for c in plain  # digits and lowercase average half an em, capitals and signs more
    )
    return ems * size * SAFETY + 2


def _box(label: object, size: float) -> tuple[float, int]:
    """(widest line in px, number of lines) of a tick label that may hold <br>."""
    lines = _BR.split(str(label))
    return max(text_px(line, size) for line in lines), len(lines)


_NOT_ON_AXES = {"pie", "treemap", "sunburst", "indicator", "table", "icicle", "funnelarea"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}(-\d{2})?([ T]\d{2}:\d{2}.*)?$")
DATE_LABEL = "Sep 2025"  # Plotly picks a few short date labels


def _kind(values: np.ndarray, axis_type: str | None) -> str:
    """'number', 'date' or 'category', as Plotly would draw these values on this axis."""
    if axis_type in {"linear", "log"}:
        return "number"
    if axis_type == "date":
        return "date"
    if axis_type in {"category", "multicategory"}:
        return "category"
    if values.dtype.kind in "iufb":
        return "number"
    if values.dtype.kind == "M":
        return "date"
    present = [v for v in values.ravel().tolist() if v is not None and v == v]
    inferred = pd.api.types.infer_dtype(present, skipna=True) if present else "empty"
    if inferred in {"integer", "floating", "mixed-integer-float", "decimal", "boolean"}:
        return "number"
    if inferred in {"date", "datetime", "datetime64"}:
        return "date"
    if inferred == "string" and all(_ISO_DATE.match(v) for v in present[:20]):
        return "date"
    return "category"


def _labels(fig: go.Figure, letter: str) -> tuple[list[list[str]], list[float]]:
    """What traces put on the x or y axis: category labels per level (a multi-category axis,
    such as portfolio then project, has two) and the range of numbers, if numeric."""
    axis_type = fig.layout[f"{letter}axis"].type
    levels: list[list[str]] = []
    low = high = None
    for trace in fig.data:
        if getattr(trace, "type", None) in _NOT_ON_AXES:
            continue
        data = getattr(trace, letter, None)
        if data is None or isinstance(data, dict):  # {'bdata': ...}: packed numbers
            continue
        arr = np.asarray(data, dtype=object if not hasattr(data, "dtype") else None)
        kind = _kind(arr, axis_type)
        if kind == "number":
            numbers = pd.to_numeric(pd.Series(arr.ravel()), errors="coerce").to_numpy(float)
            finite = numbers[np.isfinite(numbers)]
            if finite.size:
                low = min(float(finite.min()), low if low is not None else 0.0)
                high = max(float(finite.max()), high if high is not None else 0.0)
            continue
        rows = (
            [np.asarray([DATE_LABEL])]
            if kind == "date"
            else ([arr.ravel()] if arr.ndim < 2 else list(arr))
        )
        while len(levels) < len(rows):
            levels.append([])
        for level, row in zip(levels, rows, strict=False):
            level.extend(str(v) for v in row.tolist() if v is not None)
    levels = [list(dict.fromkeys(level)) for level in levels if level]
    if levels and low is None:
        return levels, []
    return [], ([low, high] if low is not None else [])


def _axis_room(fig: go.Figure, letter: str) -> tuple[float, int, int]:
    """(widest tick label px, lines, how many category labels: 0 on a number axis) for one
    axis."""
    axis = fig.layout[f"{letter}axis"]
    if axis.visible is False or axis.showticklabels is False:
        return 0.0, 0, 0
    size = axis.tickfont.size or TICK_PX
    if axis.ticktext:
        boxes = [_box(t, size) for t in axis.ticktext]
        return max(b[0] for b in boxes), max(b[1] for b in boxes), len(boxes)
    levels, numbers = _labels(fig, letter)
    if levels:  # each level's widest label side by side, a gap between levels
        boxes = [[_box(v, size) for v in level] for level in levels]
        width = sum(max(b[0] for b in level) for level in boxes) + (len(boxes) - 1) * 2 * TICK_PAD
        lines = sum(max(b[1] for b in level) for level in boxes)  # levels stack
        return width, lines, len(levels[-1])
    if not numbers:
        return 0.0, 0, 0
    low = numbers[0]
    sample = (
        (axis.tickprefix or "")
        + ("\u2212" if low < 0 else "")
        + "0000"  # Plotly shortens large numbers (12k, 1.5M): four characters at most
        + ("%" if "%" in (axis.tickformat or "") else "")
        + (axis.ticksuffix or "")
    )
    return text_px(sample, size), 1, 0


def _tick_len(fig: go.Figure, axis) -> float:
    """Tick marks' length: a heatmap's axes carry them in Streamlit's chart theme."""
    if axis.ticks == "outside" or any(getattr(t, "type", None) == "heatmap" for t in fig.data):
        return (axis.ticklen if axis.ticklen is not None else 5) + 3
    return 0


def _title_lines(axis) -> int:
    text = axis.title.text if axis.title else None
    return len(_BR.split(text)) if text else 0


def fit_margins(fig: go.Figure) -> go.Figure:
    """Set left, bottom and right margins to what the labels need (the top is the title's and
    legend's, set by `charts.styled`). Changes `fig` and returns it. An estimate that fails
    leaves the margins to Plotly: it is only a saving, never needed to draw the chart."""
    if not fig.data or any(getattr(t, "type", None) in _NOT_ON_AXES for t in fig.data):
        return fig
    try:
        return _fit(fig)
    except (ValueError, TypeError, KeyError):
        log.warning("chart margins not estimated", exc_info=True)
        return fig


def _fit(fig: go.Figure) -> go.Figure:
    layout = fig.layout
    y_width, _, _ = _axis_room(fig, "y")
    left = y_width + TICK_PAD + _tick_len(fig, layout.yaxis) if y_width else 0
    lines = _title_lines(layout.yaxis)
    left += TITLE_ROOM + (lines - 1) * TITLE_LINE_PX if lines else 0

    x_width, x_lines, count = _axis_room(fig, "x")
    bottom = x_lines * LINE_PX + TICK_PAD + _tick_len(fig, layout.xaxis) if x_lines else 0
    angle = layout.xaxis.tickangle
    if angle is None and count * (x_width + 8) > ROTATE_BEYOND_PX:
        # categories Plotly would tilt after a draw, tilted now; tilted labels need about two
        # lines' height each along the axis, and more than fit a narrow chart stand upright
        angle = ROTATE if count * 2 * LINE_PX <= UPRIGHT_BEYOND_PX else 90
        layout.xaxis.tickangle = angle
    tilted = isinstance(angle, (int, float)) and bool(angle % 180)
    if tilted:
        tilt = math.radians(abs(angle))
        bottom = x_width * math.sin(tilt) + x_lines * LINE_PX * math.cos(tilt)
        bottom += TICK_PAD + _tick_len(fig, layout.xaxis) + TILT_ROOM
    bottom += X_TITLE_ROOM if _title_lines(layout.xaxis) else 0

    right = TILT_ROOM * 2.5 if tilted else 0  # a tilted label hangs past the plot's ends
    left += TILT_ROOM / 2 if tilted else 0
    for trace in fig.data:
        shows_scale = getattr(trace, "showscale", None)
        marker = getattr(trace, "marker", None)
        if shows_scale is not False and (
            getattr(trace, "type", None) in {"heatmap", "histogram2d", "contour"}
            or (marker is not None and getattr(marker, "showscale", None))
        ):
            title = trace.colorbar.title.text if getattr(trace, "colorbar", None) else None
            if marker is not None and getattr(marker, "showscale", None):
                title = marker.colorbar.title.text if marker.colorbar else title
            right = max(right, COLORBAR_ROOM + max(0.0, text_px(title or "", TITLE_PX) - 60))

    current = layout.margin
    layout.margin.l = max(math.ceil(left), current.l or 0)
    layout.margin.b = max(math.ceil(bottom), current.b or 0, FLOOR)
    layout.margin.r = max(math.ceil(right), current.r or 0)
    return fig
