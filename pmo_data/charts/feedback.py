"""Feedback charts: trends with 95% bands, breakdowns with error bars, theme drivers,
theme trend, the action status board, time to close, and the before/after comparison."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pmo_data.charts import NEGATIVE, NEUTRAL, PALETTE, POSITIVE, empty_figure, styled

METRIC = {  # column, low, high, axis title, scale factor, axis range
    "nps": ("nps", "nps_lo", "nps_hi", "NPS", 1, [-100, 100]),
    "csat": ("csat", "csat_lo", "csat_hi", "CSAT (% satisfied)", 100, [0, 100]),
    "effort": ("effort_mean", "effort_lo", "effort_hi", "Effort (1 easy - 5 hard)", 1, [1, 5]),
}
STATUS_COLOURS = {"Open": "#d64545", "In progress": "#f0a330", "Done": "#2e9e5b"}


def trend(df: pd.DataFrame, metric: str = "nps", period: str = "quarter") -> go.Figure:
    col, lo, hi, title, k, rng = METRIC[metric]
    data = df[df[col].notna()] if len(df) else df
    if data.empty:
        return empty_figure(f"No {title} answers in this view")
    x = data["period"]
    fig = go.Figure()
    fig.add_scatter(
        x=pd.concat([x, x[::-1]]),
        y=pd.concat([data[hi] * k, (data[lo] * k)[::-1]]),
        fill="toself",
        fillcolor="rgba(31,111,235,0.12)",
        line=dict(width=0),
        hoverinfo="skip",
        name="95% interval",
    )
    n = data["nps_n"] if metric == "nps" else data[f"{metric}_n"]
    fig.add_scatter(
        x=x,
        y=data[col] * k,
        mode="lines+markers",
        name=title,
        line=dict(color="#1f6feb", width=2),
        marker=dict(color=["#8c959f" if v < 30 else "#1f6feb" for v in n]),
        customdata=n,
        hovertemplate="%{x|%b %Y}: %{y:.1f} (n=%{customdata:,})<extra></extra>",
    )
    fig.update_yaxes(title=title, range=rng)
    return styled(fig, f"{title} by {period}", height=320)


def breakdown(df: pd.DataFrame, metric: str = "nps", by: str = "segment", top: int = 15):
    col, lo, hi, title, k, rng = METRIC[metric]
    data = df[df[col].notna()].head(top) if len(df) else df
    if data.empty:
        return empty_figure("No answers in this view")
    data = data.iloc[::-1]
    n = data["nps_n"] if metric == "nps" else data[f"{metric}_n"]
    fig = go.Figure(
        go.Bar(
            y=data["label"],
            x=data[col] * k,
            orientation="h",
            marker_color=["#b8bec6" if v < 30 else "#1f6feb" for v in n],
            error_x=dict(
                type="data",
                symmetric=False,
                array=(data[hi] - data[col]) * k,
                arrayminus=(data[col] - data[lo]) * k,
                color="#6e7781",
            ),
            customdata=n,
            hovertemplate="%{y}: %{x:.1f} (n=%{customdata:,})<extra></extra>",
        )
    )
    fig.update_xaxes(title=title, range=rng)
    label = by.replace("_", " ")
    rated = int(df[col].notna().sum())
    which = f" (the {len(data)} of {rated:,} with most responses)" if rated > len(data) else ""
    return styled(fig, f"{title} by {label}{which}", height=max(280, 26 * len(data)))


def drivers(df: pd.DataFrame) -> go.Figure:
    data = df[df["effect"].notna()] if len(df) else df
    if data.empty:
        return empty_figure("Not enough comments with NPS answers to estimate drivers")
    data = data.sort_values("effect")
    colour = [
        NEGATIVE if h < 0 else POSITIVE if lo_ > 0 else NEUTRAL
        for lo_, h in zip(data["effect_lo"], data["effect_hi"], strict=True)
    ]
    fig = go.Figure(
        go.Bar(
            y=data["theme"],
            x=data["effect"],
            orientation="h",
            marker_color=colour,
            error_x=dict(
                type="data",
                symmetric=False,
                array=data["effect_hi"] - data["effect"],
                arrayminus=data["effect"] - data["effect_lo"],
                color="#6e7781",
            ),
            customdata=data[["n_present", "nps_present", "nps_absent"]],
            hovertemplate="%{y}: %{x:+.1f} NPS points<br>present n=%{customdata[0]:,} "
            "(NPS %{customdata[1]:.0f}) vs absent NPS %{customdata[2]:.0f}<extra></extra>",
        )
    )
    fig.add_vline(x=0, line=dict(color="#8c959f", dash="dot"))
    fig.update_xaxes(title="NPS difference (present − absent)")
    return styled(
        fig, "Key drivers: NPS with vs without each theme", height=max(300, 34 * len(data))
    )


def theme_trend(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty_figure("No comments in this view")
    fig = go.Figure()
    for i, (theme, part) in enumerate(df.groupby("theme", sort=True)):
        fig.add_scatter(
            x=part["quarter"],
            y=part["share"] * 100,
            mode="lines+markers",
            name=theme,
            line=dict(color=PALETTE[i % len(PALETTE)]),
            customdata=part["n"],
            hovertemplate=theme + ": %{y:.0f}% (n=%{customdata:,})<extra></extra>",
        )
    fig.update_yaxes(title="% of comments in the quarter", rangemode="tozero")
    fig.update_layout(legend=dict(y=-0.2))
    return styled(fig, "Themes over time", height=420)


def status_board(df: pd.DataFrame) -> go.Figure:
    if df.empty:
        return empty_figure("No actions in this view")
    fig = go.Figure(
        go.Bar(
            x=df["status"],
            y=df["actions"],
            marker_color=[STATUS_COLOURS.get(s, NEUTRAL) for s in df["status"]],
            text=[
                f"{a:,}" + (f" ({o:,} overdue)" if o else "")
                for a, o in zip(df["actions"], df["overdue"], strict=True)
            ],
            textposition="outside",
            hovertemplate="%{x}: %{y:,} actions<extra></extra>",
        )
    )
    fig.update_yaxes(title="Actions")
    return styled(fig, "Actions by status", height=300)


def time_to_close(days: pd.DataFrame) -> go.Figure:
    if days.empty:
        return empty_figure("No closed actions in this view")
    fig = go.Figure(go.Histogram(x=days["days"], nbinsx=30, marker_color="#1f6feb"))
    median = days["days"].median()
    fig.add_vline(x=median, line=dict(color=NEGATIVE, dash="dash"))
    fig.add_annotation(
        x=median,
        y=1,
        yref="paper",
        text=f"median {median:.0f} days",
        showarrow=False,
        xanchor="left",
    )
    fig.update_xaxes(title="Days from raised to closed")
    fig.update_yaxes(title="Actions")
    return styled(fig, "Time to close", height=300)


def did_cells(row: pd.Series, metric: str = "nps") -> go.Figure:
    """Before/after means for the affected customer and everyone else."""
    fig = go.Figure()
    for grp, name, colour in (
        ("t", "Affected customer", "#1f6feb"),
        ("c", "Other customers", NEUTRAL),
    ):
        fig.add_scatter(
            x=["Before", "After"],
            y=[row[f"mean_{grp}p"], row[f"mean_{grp}q"]],
            customdata=[row[f"n_{grp}p"], row[f"n_{grp}q"]],
            mode="lines+markers",
            name=name,
            line=dict(color=colour, width=3),
            hovertemplate=name + ": %{y:.1f} (n=%{customdata:,})<extra></extra>",
        )
    fig.update_yaxes(title="NPS" if metric == "nps" else "% satisfied")
    return styled(fig, "Before and after, affected vs other customers", height=300)
