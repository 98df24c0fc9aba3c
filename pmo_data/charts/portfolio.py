"""Portfolio charts: timeline (baseline vs forecast), RAG treemap, RAG over versions, benefits."""

from __future__ import annotations

from datetime import date

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go

from pmo_data.charts import (
    RAG_COLOURS,
    RAG_ORDER,
    RAG_PATTERNS,
    empty_figure,
    styled,
)


def timeline(bars: pd.DataFrame, today: date | None = None) -> go.Figure:
    """Per project a thick bar start->forecast end (RAG colour) over a thin dark baseline bar,
    projects grouped by portfolio on a two-level axis, so slip shows as colour running past
    the baseline. One trace per colour keeps it fast."""
    if bars.empty:
        return empty_figure("No open projects with dates in this view")
    fig = go.Figure()
    for kind, width in (("Forecast", 0.7), ("Baseline", 0.22)):
        rows = bars[bars["kind"] == kind]
        groups = [("Baseline", rows)] if kind == "Baseline" else rows.groupby("rag", sort=False)
        for name, g in groups:
            start, finish = pd.to_datetime(g["start"]), pd.to_datetime(g["finish"])
            fig.add_bar(
                y=[g["portfolio"], g["project"]],
                x=(finish - start).dt.total_seconds() * 1000,
                base=start,
                orientation="h",
                width=width,
                name=name,
                marker=dict(
                    color=RAG_COLOURS.get(name, "#57606a") if kind == "Forecast" else "#57606a",
                    pattern_shape=RAG_PATTERNS.get(name, "") if kind == "Forecast" else "",
                ),
                customdata=g[["slip_days"]].fillna(0),
                hovertemplate="%{y}<br>" + kind + " %{base|%d %b %Y} → %{x|%d %b %Y}"
                "<br>slip %{customdata[0]:,.0f} days<extra></extra>",
            )
    fig.update_xaxes(type="date", title="Start to forecast end (date)")
    fig.update_yaxes(autorange="reversed", tickfont=dict(size=11))
    fig.update_layout(barmode="overlay", legend_title_text=None)
    fig.add_vline(
        x=pd.Timestamp(today or date.today()), line=dict(color="#1b2430", dash="dot", width=1)
    )
    n = bars["project"].nunique()
    return styled(
        fig, "Forecast (RAG colour) against baseline (dark line)", height=max(320, 22 * n + 140)
    )


# a grouped tile holds projects of every RAG: say so instead of the internal "Others"
GROUPED_RAG = {"Others": "mixed RAG (see the table)"}


def treemap(df: pd.DataFrame, money_fmt: str) -> go.Figure:
    """Portfolio -> project tiles by budget, coloured by RAG; a grey tile per portfolio holds
    its smaller projects (see `analytics.portfolio.projects.treemap`)."""
    if df.empty:
        return empty_figure("No projects with a budget in this view")
    ports = df.groupby("portfolio", sort=True)["budget"].sum()
    root = "All portfolios"
    ids = [root, *[f"p:{p}" for p in ports.index], *df["project_id"].astype(str)]
    labels = [root, *ports.index, *df["name"].astype(str)]
    parents = ["", *[root] * len(ports), *("p:" + df["portfolio"].astype(str))]
    values = [ports.sum(), *ports.values, *df["budget"].values]
    colours = [
        "#f6f8fa",
        *["#eef1f4"] * len(ports),
        *df["rag"].map({**RAG_COLOURS, "Others": "#d0d7de"}).fillna("#b8bec6"),
    ]
    detail = df["detail"] if "detail" in df else df["rag"]
    sym = money_fmt[:1] if money_fmt[:1] in "£$€" else ""
    fig = go.Figure(
        go.Treemap(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            marker=dict(colors=colours),
            customdata=[""] * (1 + len(ports)) + list(detail),
            hovertemplate="%{label}<br>Budget " + sym + "%{value:,.0f}<br>%{customdata}"
            "<extra></extra>",
            maxdepth=3,
            # the RAG word on every tile that has room for a label (colour is not enough)
            text=["", *[""] * len(ports), *df["rag"].fillna("Unknown").replace(GROUPED_RAG)],
            texttemplate="%{label}<br>%{text}",
        )
    )
    # a label only where it fits at a readable size; the rest on hover
    fig.update_layout(uniformtext=dict(minsize=11, mode="hide"))
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
            marker=dict(color=RAG_COLOURS[rag], pattern_shape=RAG_PATTERNS[rag]),
            customdata=part["projects"],
            hovertemplate="Version %{x}: %{y:.0%} " + rag + " (%{customdata:,} projects)"
            "<extra></extra>",
        )
    fig.update_layout(
        barmode="stack",
        xaxis_title="Store version (import)",
        yaxis_title="Share of projects (%)",
        yaxis_tickformat=".0%",
    )
    return styled(fig, "RAG mix at each import", height=320)


def red_share_by_portfolio(df: pd.DataFrame) -> go.Figure:
    """Share of Red projects per portfolio across versions: which portfolios are improving."""
    if df.empty:
        return empty_figure("No project history yet")
    tot = df.groupby(["version", "portfolio"], as_index=False)["projects"].sum()
    red = df[df["rag"] == "Red"].groupby(["version", "portfolio"], as_index=False)["projects"].sum()
    m = tot.merge(red, on=["version", "portfolio"], how="left", suffixes=("", "_red"))
    m["red_share"] = m["projects_red"].fillna(0) / m["projects"]
    # a marker shape per portfolio as well as a colour
    fig = px.line(
        m, x="version", y="red_share", color="portfolio", symbol="portfolio", markers=True
    )
    fig.update_layout(
        yaxis_tickformat=".0%",
        xaxis_title="Store version (import)",
        yaxis_title="Red projects (% of the portfolio)",
        legend_title_text=None,
    )
    fig.update_xaxes(dtick=1)
    return styled(fig, "Share of projects Red, by portfolio", height=320)


def benefits(df: pd.DataFrame, money_fmt: str, limit: int = 25) -> go.Figure:
    """Planned against realised benefit per project (largest planned first)."""
    d = df[df["planned_benefit"].fillna(0) > 0].nlargest(limit, "planned_benefit")
    if d.empty:
        return empty_figure("No planned benefits in this view")
    d = d.iloc[::-1]
    fig = go.Figure()
    fig.add_bar(
        y=d["name"], x=d["planned_benefit"], name="Planned", orientation="h", marker_color="#c9d1d9"
    )
    fig.add_bar(
        y=d["name"],
        x=d["realised_benefit"].fillna(0),
        name="Realised",
        orientation="h",
        marker_color="#2e9e5b",
    )
    fig.update_layout(
        barmode="overlay",
        xaxis_tickformat=money_fmt.lstrip("£$€"),
        xaxis_tickprefix=money_fmt[:1] if money_fmt[:1] in "£$€" else "",
        xaxis_title="Benefit" + (f" ({money_fmt[:1]})" if money_fmt[:1] in "£$€" else ""),
    )
    fig.update_traces(hovertemplate="%{y}: %{x:,.0f}<extra></extra>")
    return styled(fig, "Benefits planned against realised", height=max(300, 24 * len(d) + 120))
