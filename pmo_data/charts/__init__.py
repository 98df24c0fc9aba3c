"""Plotly figure builders (DataFrame -> Figure), no Streamlit.

Shared look lives here: RAG colours that mean red/amber/green, one template, money axes.
Each domain has its own module (`charts.portfolio`, `charts.feedback`, ...).
"""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio

RAG_COLOURS = {"Red": "#d64545", "Amber": "#f0a330", "Green": "#2e9e5b", "Unknown": "#b8bec6"}
RAG_ORDER = ["Red", "Amber", "Green", "Unknown"]
# RAG never by colour alone (red and green look alike to 1 man in 12): bars carry a pattern,
# points a marker shape, tables a shape and the word (ui.tables.RAG_MARK), legends the word.
RAG_PATTERNS = {"Red": "x", "Amber": "/", "Green": "", "Unknown": "."}
RAG_SYMBOLS = {"Red": "triangle-up", "Amber": "diamond", "Green": "circle", "Unknown": "square"}
PALETTE = ["#1f6feb", "#2e9e5b", "#f0a330", "#8957e5", "#d64545", "#0e8a9a", "#bf5f1b", "#6e7781"]
POSITIVE, NEGATIVE, NEUTRAL = "#2e9e5b", "#d64545", "#8c959f"

pio.templates["pmo"] = go.layout.Template(
    layout=dict(
        font=dict(family="Source Sans Pro, Arial, sans-serif", size=13, color="#1b2430"),
        colorway=PALETTE,
        paper_bgcolor="white",
        plot_bgcolor="white",
        margin=dict(l=10, r=10, t=50, b=10),
        xaxis=dict(gridcolor="#eef1f4", zerolinecolor="#d0d7de", automargin=True),
        yaxis=dict(gridcolor="#eef1f4", zerolinecolor="#d0d7de", automargin=True),
        hoverlabel=dict(bgcolor="white"),
    )
)
TEMPLATE = "pmo"
# Every figure starts from the house template (plotly applies the default when a figure is
# made): cheaper than setting it by name on each figure, which copies and checks it each time.
pio.templates.default = TEMPLATE


# The legend in a row of its own between the title (top left) and the plot, so it can never
# sit on an axis title or tick labels, whatever the width.
LEGEND = dict(orientation="h", yanchor="bottom", y=1.0, xanchor="left", x=0, title_text=None)


def styled(fig: go.Figure, title: str | None = None, height: int = 360) -> go.Figure:
    """Apply the house template, a title (top left) and a height; the legend sits above the
    plot under the title, so it never overlaps an axis title."""
    legend = sum(1 for t in fig.data if getattr(t, "showlegend", False) is not False and t.name) > 1
    fig.update_layout(
        title=dict(
            text=title,
            x=0,
            xanchor="left",
            xref="container",  # from the chart's left edge: a narrow chart keeps its title
            y=1,
            yanchor="top",
            yref="container",
            pad=dict(t=10, l=4),
        ),
        height=height,
        legend=LEGEND,
        margin=dict(t=(92 if legend else 56) if title else (40 if legend else 16)),
    )
    return fig


def money_axis(fig: go.Figure, axis: str, label: str, currency_symbol: str) -> None:
    """A money axis: its title says the currency, its ticks carry the symbol (£1.2M)."""
    update = fig.update_xaxes if axis == "x" else fig.update_yaxes
    unit = f" ({currency_symbol})" if currency_symbol else ""
    update(title=f"{label}{unit}", tickprefix=currency_symbol, tickformat="~s")


def empty_figure(message: str = "No data for this view") -> go.Figure:
    """A blank figure that says why it is blank (never an empty white box)."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, font=dict(size=14, color="#6e7781"))
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return styled(fig, height=240)
