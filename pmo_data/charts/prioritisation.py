"""Prioritisation figures: score composition, why-this-rank waterfall, robustness, profile
disagreement, WSJF comparison and the value-for-money frontier."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from pmo_data.analytics.value.scoring import CRITERIA, KEYS
from pmo_data.charts import NEGATIVE, NEUTRAL, PALETTE, POSITIVE, RAG_COLOURS, empty_figure, styled
from pmo_data.formatting import money

CRITERION_COLOURS = dict(zip(KEYS, PALETTE, strict=False))
MAX_POINTS = 1500  # markers a chart draws one by one; beyond, it counts or thins them


def _short(name: str, n: int = 42) -> str:
    return name if len(name) <= n else name[: n - 1] + "…"


def composition(ranked: pd.DataFrame, top: int = 25) -> go.Figure:
    """Stacked bars: the points each criterion adds to each of the top projects' scores."""
    if ranked.empty:
        return empty_figure("No candidate projects in this view")
    df = ranked.head(top).iloc[::-1]
    labels = [f"{r}. {_short(n)}" for r, n in zip(df["rank"], df["name"], strict=True)]
    fig = go.Figure()
    for k in KEYS:
        fig.add_bar(
            y=labels,
            x=df[f"pts_{k}"],
            name=CRITERIA[k],
            orientation="h",
            marker_color=CRITERION_COLOURS[k],
            hovertemplate=f"%{{y}}<br>{CRITERIA[k]}: %{{x:.1f}} points<extra></extra>",
        )
    fig.update_layout(barmode="stack", xaxis_title="Score (0-100)", xaxis_range=[0, 100])
    return styled(fig, f"Top {len(df)} projects: what each score is made of", 120 + 24 * len(df))


def waterfall(row: pd.Series) -> go.Figure:
    """One project's score built up criterion by criterion."""
    pts = [float(row[f"pts_{k}"]) for k in KEYS]
    fig = go.Figure(
        go.Waterfall(
            x=[CRITERIA[k] for k in KEYS] + ["Score"],
            y=pts + [float(row["score"])],
            measure=["relative"] * len(KEYS) + ["total"],
            text=[f"+{p:.1f}" for p in pts] + [f"{row['score']:.1f}"],
            textposition="outside",
            increasing=dict(marker_color=PALETTE[0]),
            totals=dict(marker_color=POSITIVE),
            connector=dict(line=dict(color="#d0d7de")),
        )
    )
    fig.update_layout(yaxis_title="Points", yaxis_range=[0, max(100, row["score"] + 10)])
    return styled(fig, f"Why rank {int(row['rank'])}: {_short(str(row['name']), 34)}", 380)


def robustness(rob: pd.DataFrame, top_k: int, top: int = 30) -> go.Figure:
    """Rank P10-P90 under perturbed weights, coloured by how settled each place is."""
    if rob.empty:
        return empty_figure("No candidate projects in this view")
    df = rob.head(top).iloc[::-1]
    colour = df["verdict"].map(
        lambda v: (
            RAG_COLOURS["Green"]
            if "in the top" in v
            else NEUTRAL
            if "outside" in v
            else RAG_COLOURS["Amber"]
        )
    )
    labels = [f"{r}. {_short(n)}" for r, n in zip(df["rank"], df["name"], strict=True)]
    fig = go.Figure(
        go.Scatter(
            x=df["rank_p50"],
            y=labels,
            mode="markers",
            marker=dict(color=colour, size=10),
            error_x=dict(
                type="data",
                symmetric=False,
                array=df["rank_p90"] - df["rank_p50"],
                arrayminus=df["rank_p50"] - df["rank_p10"],
                color="#8c959f",
            ),
            customdata=df[["p_top_k", "rank_p10", "rank_p90", "verdict"]],
            hovertemplate="%{y}<br>rank P10-P90: %{customdata[1]}-%{customdata[2]}"
            "<br>P(top K): %{customdata[0]:.0%}<br>%{customdata[3]}<extra></extra>",
        )
    )
    fig.add_vline(
        x=top_k + 0.5,
        line_dash="dash",
        line_color=NEGATIVE,
        annotation_text=f"top {top_k} line",
        annotation_position="top",
    )
    fig.update_xaxes(title="Rank under perturbed weights (median, P10-P90)", autorange="reversed")
    return styled(fig, "How settled is each place?", 140 + 22 * len(df))


def disagreement(wide: pd.DataFrame) -> go.Figure:
    """Heatmap: each project's rank (rows) under each saved profile (columns)."""
    if wide.empty or wide.shape[1] <= 3:
        return empty_figure("Save at least one weight profile to compare groups")
    cols = [c for c in wide.columns if c not in ("project_id", "name")]
    z = wide[cols].to_numpy(dtype=float)
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=cols,
            y=[_short(n, 36) for n in wide["name"]],
            text=z,
            texttemplate="%{text:.0f}",
            colorscale=[[0, POSITIVE], [0.5, "#f6f8fa"], [1, NEGATIVE]],
            colorbar=dict(title="Rank"),
            hovertemplate="%{y}<br>%{x}: rank %{z:.0f}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed")
    return styled(fig, "Rank under each group's profile", 160 + 22 * len(wide))


def wsjf_scatter(table: pd.DataFrame, rho: float, points: int = MAX_POINTS) -> go.Figure:
    """Weighted-score rank against WSJF rank; points off the diagonal are where methods differ.

    Beyond `points` projects the ranks are counted in a 40 x 40 grid instead (a heatmap of
    how many projects fall in each cell): the picture is the same, the browser draws 1,600
    cells instead of tens of thousands of markers."""
    if table.empty:
        return empty_figure("No candidate projects in this view")
    n = len(table)
    if n > points:
        edges = np.linspace(0.5, n + 0.5, 41)
        counts, _, _ = np.histogram2d(table["rank"], table["wsjf_rank"], bins=[edges, edges])
        mids = ((edges[:-1] + edges[1:]) / 2).round(0)
        fig = go.Figure(
            go.Heatmap(
                x=mids,
                y=mids,
                z=counts.T,
                colorscale=[[0, "#f6f8fa"], [1, PALETTE[0]]],
                colorbar=dict(title="Projects"),
                hovertemplate="weighted rank ~%{x:,.0f}, WSJF rank ~%{y:,.0f}: %{z:,.0f} projects"
                "<extra></extra>",
            )
        )
    else:
        fig = go.Figure(
            go.Scatter(
                x=table["rank"],
                y=table["wsjf_rank"],
                mode="markers",
                marker=dict(color=PALETTE[0], size=8, opacity=0.75),
                text=table["name"],
                hovertemplate="%{text}<br>weighted rank %{x}, WSJF rank %{y}<extra></extra>",
                showlegend=False,
            )
        )
    fig.add_scatter(
        x=[1, n],
        y=[1, n],
        mode="lines",
        line=dict(dash="dot", color=NEUTRAL),
        showlegend=False,
        hoverinfo="skip",
    )
    fig.update_xaxes(title="Rank by weighted score", autorange="reversed")
    fig.update_yaxes(title="Rank by WSJF", autorange="reversed")
    return styled(fig, f"Weighted score vs WSJF (Spearman rho {rho:.2f}, n={n:,})", 420)


def frontier(
    front: pd.DataFrame, budget: float, currency: str, points: int = MAX_POINTS // 3
) -> go.Figure:
    """Cumulative value against cumulative cost, best value for money first; budget line.

    Beyond `points` projects the curve is drawn through evenly spaced projects (every k-th,
    first and last kept): the same curve, a browser-sized number of markers."""
    if front.empty:
        return empty_figure("No priced projects in this view")
    if len(front) > points:
        keep = np.unique(np.linspace(0, len(front) - 1, points).round().astype(int))
        front = front.iloc[keep]
    sel = front["selected"].fillna(False).astype(bool) if "selected" in front else None
    colour = [POSITIVE if s else NEUTRAL for s in sel] if sel is not None else PALETTE[0]
    fig = go.Figure(
        go.Scatter(
            x=front["cum_cost"],
            y=front["cum_value"],
            mode="lines+markers",
            line=dict(color="#b8bec6"),
            marker=dict(color=colour, size=7),
            text=front["name"],
            customdata=[money(c, currency) for c in front["cost"]],
            hovertemplate="%{text}<br>cost %{customdata}<br>cumulative value %{y:.0f}"
            "<extra></extra>",
        )
    )
    fig.update_layout(showlegend=False)
    fig.add_vline(
        x=budget,
        line_dash="dash",
        line_color=NEGATIVE,
        annotation_text=f"budget {money(budget, currency)}",
    )
    fig.update_xaxes(title=f"Cumulative cost ({currency})")
    fig.update_yaxes(title="Cumulative value (sum of scores)")
    return styled(fig, "Value-for-money frontier (green: in the optimal selection)", 420)
