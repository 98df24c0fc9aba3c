"""Maturity charts: the gameboard (five stages, squares coloured done / suggested / not yet)
and the history of assessments (squares done over time)."""

from __future__ import annotations

import textwrap

import pandas as pd
import plotly.graph_objects as go

from pmo_data.charts import empty_figure, styled

STATE_COLOURS = {
    "Done": "#2e9e5b",
    "Evidence says met": "#9ccc65",
    "Evidence says partly met": "#f0a330",
    "Not yet": "#d0d7de",
}


def _title(name: str) -> str:
    """'The self-serving PMO' -> 'Self-serving PMO'."""
    short = name.removeprefix("The ")
    return short[:1].upper() + short[1:]


def state(done: bool, status: str) -> str:
    if done:
        return "Done"
    if status == "met":
        return "Evidence says met"
    return "Evidence says partly met" if status == "partly met" else "Not yet"


def board(ev: pd.DataFrame, done: dict[str, bool], stages: list[tuple[str, str]]) -> go.Figure:
    """Stages left to right as columns; each stage's squares stacked top to bottom."""
    if ev.empty:
        return empty_figure("No squares")
    order = {key: i for i, (key, _) in enumerate(stages)}
    df = ev.assign(
        x=ev["stage"].map(order),
        y=ev.groupby("stage").cumcount(),
        state=[
            state(done.get(s, False), st) for s, st in zip(ev["square"], ev["status"], strict=True)
        ],
        hover=["<br>".join(textwrap.wrap(t, 48)) for t in ev["text"]],
    )
    fig = go.Figure()
    for name, colour in STATE_COLOURS.items():
        g = df[df["state"] == name]
        fig.add_scatter(
            x=g["x"],
            y=-g["y"],
            mode="markers+text",
            name=name,
            text=g["square"],
            textfont=dict(color="#1b2430", size=14),
            marker=dict(symbol="square", size=44, color=colour, line=dict(color="white", width=2)),
            customdata=g[["hover", "status"]],
            hovertemplate="<b>Square %{text}</b><br>%{customdata[0]}<br>Evidence: "
            "%{customdata[1]}<extra></extra>",
        )
    fig.update_xaxes(
        tickvals=list(range(len(stages))),
        ticktext=["<br>".join(textwrap.wrap(_title(n), 14)) for _, n in stages],
        side="bottom",
        title="Stage of the journey, left to right",
        range=[-0.5, len(stages) - 0.5],
        showgrid=False,
        zeroline=False,
    )
    fig.update_yaxes(visible=False, range=[-3.6, 0.6])
    return styled(fig, "The gameboard: each stage's squares", height=380)


def history(h: pd.DataFrame, total: int) -> go.Figure:
    if h.empty:
        return empty_figure("No assessment saved yet")
    d = h.sort_values("created_at")
    fig = go.Figure(
        go.Scatter(
            x=d["created_at"],
            y=d["done"],
            mode="lines+markers",
            customdata=d[["author", "stage"]],
            hovertemplate="%{x|%d %b %Y %H:%M}: %{y} squares done<br>by %{customdata[0]}, "
            "stage reached: %{customdata[1]}<extra></extra>",
        )
    )
    fig.update_yaxes(title="Squares done", range=[0, total + 0.5])
    return styled(fig, "Squares done, assessment by assessment", height=280)
