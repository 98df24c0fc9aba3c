"""Customer charts: the customer map (treemap coloured by health) and health bands."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from pmo_data.charts import RAG_COLOURS, RAG_ORDER, RAG_PATTERNS, empty_figure, styled
from pmo_data.charts.margins import text_px

HEALTH_SCALE = [
    [0, RAG_COLOURS["Red"]],
    [0.5, RAG_COLOURS["Amber"]],
    [0.7, "#9ccc65"],
    [1, RAG_COLOURS["Green"]],
]


# Tile labels: every label is drawn at one size (Plotly's uniformtext), never shrunk past
# legible, and hidden where it does not fit, the full name on hover. Customer and project names
# are wrapped into a squarish block (a template per tile puts the line breaks between escaped
# values), so they fit the squarish tiles a treemap makes, not only the wide ones.
LABEL_PX = 10
ONE_LINE = 10  # names up to this many characters stay on one line
LINE, LINES = 14, 3  # a customer's name: at most 3 lines of 14 characters, then cut with '…'
# a project is seen only inside its customer's tile, opened by a click: few tiles, large ones,
# and long names ('Payroll migration – Wyvern Borough Council')
PROJECT_LINE, PROJECT_LINES = 20, 4
# A segment's name is drawn in the band at the top of its tile, from its label (Plotly draws a
# header's label, not its template: one line). A small segment's tile can be narrower than its
# name; the name is then shortened to the width such a tile has at least, estimated from its
# share of the plot the page gives the map at 1280 px (a squarish tile, a little narrower).
PLOT_PX = (470, 460)
TILE_ASPECT = 1.2  # how much narrower than a square a tile may be
TILE_PADS_PX = 14


def tile_lines(label: object, most: int = LINES, line: int = LINE) -> list[str]:
    """`label` in at most `most` balanced lines of at most `line` characters, words kept whole
    where they fit; the last line cut with '…' when the name is longer than that."""
    text = " ".join(str(label).split())
    if len(text) <= ONE_LINE:
        return [text]
    for lines in range(2, most + 1):
        for width in range(-(-len(text) // lines), line + 1):
            wrapped = textwrap.wrap(text, width, break_long_words=False)
            if len(wrapped) <= lines and max(map(len, wrapped)) <= line:
                return wrapped
    wrapped = textwrap.wrap(text, line, break_long_words=True)
    if len(wrapped) > most:
        wrapped = wrapped[:most]
        wrapped[-1] = wrapped[-1][: line - 1].rstrip() + "…"
    return wrapped


def header_label(label: object, share: float) -> str:
    """A segment's name, shortened with '…' to what a tile with `share` of the plot's area
    holds at `LABEL_PX` (the full name is on hover)."""
    text = " ".join(str(label).split())
    width, height = PLOT_PX
    room = (max(share, 0.0) * width * height) ** 0.5 / TILE_ASPECT - TILE_PADS_PX
    if text_px(text, LABEL_PX) <= room:
        return text
    while len(text) > 1 and text_px(text + "…", LABEL_PX) > room:
        text = text[:-1]
    return text.rstrip() + "…"


def customer_map(nodes: pd.DataFrame, money_format: str = ",.0f") -> go.Figure:
    """Segments named in their header band whatever their size; customers and projects named
    wherever their wrapped name fits at `LABEL_PX`; the full name on hover."""
    if nodes.empty:
        return empty_figure("No customers in this view")
    segment = nodes["parent"].fillna("").eq("")
    total = float(nodes.loc[segment, "value"].sum()) or 1.0
    labels = [
        header_label(label, value / total) if top else label
        for label, value, top in zip(nodes["label"], nodes["value"], segment, strict=True)
    ]
    under_segment = nodes["parent"].isin(nodes.loc[segment, "id"])
    lines = [
        tile_lines(label) if shallow else tile_lines(label, PROJECT_LINES, PROJECT_LINE)
        for label, shallow in zip(nodes["label"], segment | under_segment, strict=True)
    ]
    most = max(map(len, lines))
    shown = pd.DataFrame([ln + [""] * (most - len(ln)) for ln in lines], index=nodes.index)
    lead = ["health", "detail", "label"]  # customdata's first columns; the name's lines after
    custom = pd.concat([nodes[lead], shown], axis=1)
    # the names are data (customdata, escaped with the figure); the line breaks are code
    templates = [
        "<br>".join(f"%{{customdata[{len(lead) + i}]}}" for i in range(len(ln))) for ln in lines
    ]
    fig = go.Figure(
        go.Treemap(
            ids=nodes["id"],
            parents=nodes["parent"],
            labels=labels,
            values=nodes["value"],
            branchvalues="total",
            maxdepth=2,
            marker=dict(
                colors=nodes["health"].fillna(50),
                colorscale=HEALTH_SCALE,
                cmin=0,
                cmax=100,
                colorbar=dict(title="Health"),
                pad=dict(t=round(LABEL_PX * 2.2), l=4, r=4, b=4),  # a header band for one line
            ),
            customdata=custom,
            texttemplate=templates,
            textfont=dict(size=LABEL_PX),
            pathbar=dict(thickness=round(LABEL_PX * 2.2)),  # its names fit at LABEL_PX
            hovertemplate="<b>%{customdata[2]}</b><br>Annual value %{value:" + money_format + "}"
            "<br>Health %{customdata[0]:.0f}<br>%{customdata[1]}<extra></extra>",
        )
    )
    fig.update_layout(uniformtext=dict(minsize=LABEL_PX, mode="hide"))
    return styled(fig, "Customer map: segment → customer → projects", height=560)


def health_bands(health: pd.DataFrame) -> go.Figure:
    if health.empty:
        return empty_figure("No customers in this view")
    counts = health["band"].value_counts().reindex(RAG_ORDER).fillna(0)
    fig = go.Figure(
        go.Bar(
            x=counts.index,
            y=counts.to_numpy(),
            marker=dict(
                color=[RAG_COLOURS[b] for b in counts.index],
                pattern_shape=[RAG_PATTERNS[b] for b in counts.index],
            ),
            text=[f"{int(v):,}" for v in counts.to_numpy()],
            textposition="outside",
            hovertemplate="%{x}: %{y:,} customers<extra></extra>",
        )
    )
    fig.update_yaxes(title="Customers (count)")
    return styled(fig, "Health bands", height=300)
