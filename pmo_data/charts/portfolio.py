"""Portfolio charts: timeline (baseline vs forecast), RAG treemap, RAG over versions, benefits."""

from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from . import RAG_COLOURS, RAG_ORDER, empty_figure, styled


def timeline(bars: pd.DataFrame) -> go.Figure:
    """Baseline bar (grey) and forecast bar (RAG colour) per project, grouped by portfolio."""
    if bars.empty:
        return empty_figure("No open projects with dates in this view")
    df = bars.copy()
    df["colour"] = df.apply(lambda r: "Baseline" if r["kind"] == "Baseline" else r["rag"], axis=1)
    colours = {"Baseline": "#c9d1d9", **RAG_COLOURS}
    fig = px.timeline(
        df,
        x_start="start",
        x_end="finish",
        y="project",
        color="colour",
        color_discrete_map=colours,
        facet_row="portfolio",
        category_orders={"colour": ["Baseline", *RAG_ORDER]},
        hover_data={"kind": True, "slip_days": True, "colour": False, "portfolio": False},
    )
    fig.update_traces(opacity=0.85)
    fig.update_layout(barmode="overlay", legend_title_text=None)
    fig.update_yaxes(matches=None, autorange="reversed", title=None, showticklabels=True)
    fig.for_each_annotation(lambda a: a.update(text=a.text.split("=")[-1], textangle=0, x=0.01,
                                               xanchor="left"))  # fmt: skip
    n = df["project"].nunique()
    fig.add_vline(x=pd.Timestamp.today(), line=dict(color="#1b2430", dash="dot", width=1))
    return styled(fig, "Baseline (grey) against forecast (RAG) end", height=max(320, 22 * n + 120))


def treemap(df: pd.DataFrame, money_fmt: str) -> go.Figure:
    if df.empty:
        return empty_figure("No projects with a budget in this view")
    fig = px.treemap(
        df,
        path=[px.Constant("Portfolio"), "portfolio", "name"],
        values="budget",
        color="rag",
        color_discrete_map={"(?)": "#eef1f4", **RAG_COLOURS},
        hover_data={"project_id": True, "slip_days": True},
    )
    fig.update_traces(
        hovertemplate="%{label}<br>Budget %{value:" + money_fmt.lstrip("£$€") + "}<extra></extra>",
        root_color="#f6f8fa",
    )
    return styled(fig, "Budget by portfolio and project, coloured by RAG", height=520)


def rag_over_versions(df: pd.DataFrame) -> go.Figure:
    """Share of projects by RAG at each version (stacked to 100%)."""
    if df.empty or df["version"].nunique() == 0:
        return empty_figure("No project history yet")
    tot = df.groupby(["version", "rag"], as_index=False)["projects"].sum()
    tot["share"] = tot["projects"] / tot.groupby("version")["projects"].transform("sum")
    fig = go.Figure()
    for rag in RAG_ORDER:
        part = tot[tot["rag"] == rag]
        if part.empty:
            continue
        fig.add_bar(
            x=part["version"].astype(str),
            y=part["share"],
            name=rag,
            marker_color=RAG_COLOURS[rag],
            customdata=part["projects"],
            hovertemplate="Version %{x}: %{y:.0%} " + rag + " (%{customdata:,} projects)"
            "<extra></extra>",
        )
    fig.update_layout(barmode="stack", xaxis_title="Store version (import)", yaxis_tickformat=".0%")
    return styled(fig, "RAG mix at each import", height=320)


def red_share_by_portfolio(df: pd.DataFrame) -> go.Figure:
    """Share of Red projects per portfolio across versions: which portfolios are improving."""
    if df.empty:
        return empty_figure("No project history yet")
    tot = df.groupby(["version", "portfolio"], as_index=False)["projects"].sum()
    red = df[df["rag"] == "Red"].groupby(["version", "portfolio"], as_index=False)["projects"].sum()
    m = tot.merge(red, on=["version", "portfolio"], how="left", suffixes=("", "_red"))
    m["red_share"] = m["projects_red"].fillna(0) / m["projects"]
    fig = px.line(m, x="version", y="red_share", color="portfolio", markers=True)
    fig.update_layout(yaxis_tickformat=".0%", xaxis_title="Store version", yaxis_title="Red share",
                      legend_title_text=None)  # fmt: skip
    fig.update_xaxes(dtick=1)
    return styled(fig, "Share of projects Red, by portfolio", height=320)


def benefits(df: pd.DataFrame, money_fmt: str, limit: int = 25) -> go.Figure:
    """Planned against realised benefit per project (largest planned first)."""
    d = df[df["planned_benefit"].fillna(0) > 0].nlargest(limit, "planned_benefit")
    if d.empty:
        return empty_figure("No planned benefits in this view")
    d = d.iloc[::-1]
    fig = go.Figure()
    fig.add_bar(y=d["name"], x=d["planned_benefit"], name="Planned", orientation="h",
                marker_color="#c9d1d9")  # fmt: skip
    fig.add_bar(y=d["name"], x=d["realised_benefit"].fillna(0), name="Realised",
                orientation="h", marker_color="#2e9e5b")  # fmt: skip
    fig.update_layout(barmode="overlay", xaxis_tickformat=money_fmt.lstrip("£$€"),
                      xaxis_tickprefix=money_fmt[:1] if money_fmt[:1] in "£$€" else "")  # fmt: skip
    fig.update_traces(hovertemplate="%{y}: %{x:,.0f}<extra></extra>")
    return styled(fig, "Benefits planned against realised", height=max(300, 24 * len(d) + 120))
