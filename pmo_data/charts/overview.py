"""Overview charts: RAG by portfolio, NPS trend with its interval band."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pmo_data.charts import RAG_COLOURS, RAG_ORDER, RAG_PATTERNS, empty_figure, styled


def rag_by_portfolio(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty_figure("No projects in this view")
    order = df.groupby("portfolio")["projects"].sum().sort_values().index.tolist()
    fig = go.Figure()
    for rag in RAG_ORDER:
        part = df[df["rag"] == rag].set_index("portfolio").reindex(order)
        if part["projects"].notna().any():
            fig.add_bar(
                y=order,
                x=part["projects"].fillna(0),
                name=rag,
                orientation="h",
                marker=dict(color=RAG_COLOURS[rag], pattern_shape=RAG_PATTERNS[rag]),
                hovertemplate="%{y}: %{x} " + rag + "<extra></extra>",
            )
    fig.update_layout(barmode="stack", xaxis_title="Projects (count)", yaxis_title=None)
    return styled(fig, "Projects by RAG status and portfolio", height=max(260, 40 * len(order)))


def nps_trend(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty_figure("No NPS responses in this view")
    x = df["month"]
    fig = go.Figure()
    fig.add_scatter(
        x=pd.concat([x, x[::-1]]),
        y=pd.concat([df["nps_hi"], df["nps_lo"][::-1]]),
        fill="toself",
        fillcolor="rgba(31,111,235,0.12)",
        line=dict(width=0),
        hoverinfo="skip",
        name="95% interval",
    )
    fig.add_scatter(
        x=x,
        y=df["nps"],
        mode="lines+markers",
        name="NPS",
        line=dict(color="#1f6feb", width=2),
        customdata=df["n"],
        hovertemplate="%{x|%b %Y}: NPS %{y:.0f} (n=%{customdata:,})<extra></extra>",
    )
    fig.add_hline(y=0, line=dict(color="#8c959f", dash="dot"))
    fig.update_yaxes(title="NPS (-100 to +100)", range=[-100, 100])
    fig.update_xaxes(title="Month of response")
    return styled(fig, "Net Promoter Score by month", height=320)
