"""Plotly figure builders (DataFrame -> Figure), no Streamlit.

Shared look lives here: RAG colours that mean red/amber/green, one template, money axes.
Each domain has its own module (`charts.portfolio`, `charts.feedback`, ...).
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

RAG_COLOURS = {"Red": "#d64545", "Amber": "#f0a330", "Green": "#2e9e5b", "Unknown": "#b8bec6"}
RAG_ORDER = ["Red", "Amber", "Green", "Unknown"]
PALETTE = ["#1f6feb", "#2e9e5b", "#f0a330", "#8957e5", "#d64545", "#0e8a9a", "#bf5f1b", "#6e7781"]
POSITIVE, NEGATIVE, NEUTRAL = "#2e9e5b", "#d64545", "#8c959f"

pio.templates["pmo"] = go.layout.Template(
    layout=dict(
        font=dict(family="Source Sans Pro, Arial, sans-serif", size=13, color="#1b2430"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=50, b=10),
        xaxis=dict(gridcolor="#eef1f4", zerolinecolor="#d0d7de"),
        yaxis=dict(gridcolor="#eef1f4", zerolinecolor="#d0d7de"),
        legend=dict(orientation="h", yanchor="top", y=-0.12, xanchor="left", x=0),
        hoverlabel=dict(bgcolor="white"),
    )
)
TEMPLATE = "pmo"


def styled(fig: go.Figure, title: str | None = None, height: int = 360) -> go.Figure:
    """Apply the house template, a title and a height."""
    fig.update_layout(template=TEMPLATE, title=title, height=height)
    return fig


def empty_figure(message: str = "No data for this view") -> go.Figure:
    """A blank figure that says why it is blank (never an empty white box)."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=14, color="#6e7781"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return styled(fig, height=240)
