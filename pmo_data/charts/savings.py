"""Savings and benefits figures: ranges by group, realised against estimated, cumulative
savings with their band, the gross-to-net waterfall, benefits and value per stakeholder."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pmo_data.charts import NEGATIVE, NEUTRAL, PALETTE, POSITIVE, empty_figure, styled
from pmo_data.formatting import SYMBOLS, count, money, money_format, percent


def _short(text: str, n: int = 38) -> str:
    text = str(text)
    return text if len(text) <= n else text[: n - 1] + "…"


def _axis(currency: str) -> dict:
    return dict(tickprefix=SYMBOLS.get(currency, ""), tickformat="~s")


def ranges(df: pd.DataFrame, currency: str, title: str, top: int = 15) -> go.Figure:
    """P50 bars with P10-P90 whiskers, largest first (top N groups)."""
    if df is None or df.empty:
        return empty_figure("No savings in this view")
    d = df.head(top).iloc[::-1]
    # the line breaks live in the template (code); the values in customdata (data, escaped)
    hover = [
        [
            str(g),
            f"P50 {money(p50, currency)} (P10 {money(p10, currency)} – P90 {money(p90, currency)})",
            f"{count(n, 'line')}, realised {money(r, currency)}",
        ]
        for g, p10, p50, p90, n, r in zip(
            d["group"], d["p10"], d["p50"], d["p90"], d["n"], d["realised"].fillna(0), strict=True
        )
    ]
    fig = go.Figure(
        go.Bar(
            y=[_short(g) for g in d["group"]],
            x=d["p50"],
            orientation="h",
            marker_color=PALETTE[0],
            name="P50",
            error_x=dict(
                type="data",
                symmetric=False,
                array=d["p90"] - d["p50"],
                arrayminus=d["p50"] - d["p10"],
                color="#1b2430",
                thickness=1.2,
            ),
            customdata=hover,
            hovertemplate="%{customdata[0]}<br>%{customdata[1]}<br>%{customdata[2]}<extra></extra>",
        )
    )
    fig.update_xaxes(title=f"Savings ({currency})", **_axis(currency))
    more = f" (top {top} of {len(df)})" if len(df) > top else ""
    return styled(fig, title + more, 110 + 26 * len(d))


def realised_vs_estimated(df: pd.DataFrame, currency: str) -> go.Figure:
    """Likely (counted lines) against realised to date, per category, with the rate and n."""
    if df is None or df.empty:
        return empty_figure("No savings in this view")
    fig = go.Figure()
    fig.add_bar(
        x=df["category"], y=df["likely"], name="Estimated (likely)", marker_color=PALETTE[0]
    )
    fig.add_bar(
        x=df["category"],
        y=df["realised"],
        name="Realised to date",
        marker_color=POSITIVE,
        text=[f"{percent(r)} of {n:,}" for r, n in zip(df["rate"], df["n"], strict=True)],
        textposition="outside",
    )
    fig.update_layout(barmode="group")
    fig.update_yaxes(title=f"{currency}", **_axis(currency))
    return styled(fig, "Realised against estimated, by category", 380)


def cumulative(df: pd.DataFrame, currency: str, today) -> go.Figure:
    """Cumulative estimated savings (P10-P90 band, P50) and realised to date, by month."""
    if df is None or df.empty:
        return empty_figure("No savings lines with a period in this view")
    fig = go.Figure()
    fig.add_scatter(
        x=df["month"], y=df["p90"], line=dict(width=0), showlegend=False, hoverinfo="skip"
    )
    fig.add_scatter(
        x=df["month"],
        y=df["p10"],
        line=dict(width=0),
        fill="tonexty",
        fillcolor="rgba(31,111,235,0.18)",
        name="P10-P90",
    )
    fig.add_scatter(
        x=df["month"], y=df["p50"], name="Estimated (P50)", line=dict(color=PALETTE[0], width=2.5)
    )
    fig.add_scatter(
        x=df["month"], y=df["realised"], name="Realised", line=dict(color=POSITIVE, width=2.5)
    )
    fig.add_vline(x=pd.Timestamp(today).to_pydatetime(), line=dict(color=NEUTRAL, dash="dot"))
    fig.update_yaxes(title=f"Cumulative ({currency})", **_axis(currency))
    fig.update_layout(hovermode="x unified", yaxis_hoverformat=money_format(currency))
    return styled(fig, "Cumulative savings over time", 380)


def waterfall(df: pd.DataFrame, currency: str) -> go.Figure:
    """Gross -> duplicates removed -> overlaps held back -> net (expected values)."""
    if df is None or df.empty:
        return empty_figure("No savings in this view")
    fig = go.Figure(
        go.Waterfall(
            x=list(df["step"]),
            y=df["value"],
            measure=df["measure"],
            text=[money(v, currency) for v in df["value"]],
            textposition="outside",
            decreasing=dict(marker_color=NEGATIVE),
            totals=dict(marker_color=POSITIVE),
            increasing=dict(marker_color=PALETTE[0]),
            connector=dict(line=dict(color="#d0d7de")),
        )
    )
    fig.update_yaxes(title=f"Expected savings ({currency})", **_axis(currency))
    # the step names are the model's own words: the two-line ticks are layout, not data
    fig.update_xaxes(
        tickvals=list(df["step"]),
        ticktext=[f"{s}<br>{count(n, 'line')}" for s, n in zip(df["step"], df["n"], strict=True)],
    )
    return styled(fig, "From gross to net", 400)


def benefits(df: pd.DataFrame, currency: str, title: str, top: int = 15) -> go.Figure:
    """Planned against realised benefit per group, with the realisation rate and n."""
    if df is None or df.empty:
        return empty_figure("No projects in this view")
    d = df.head(top).iloc[::-1]
    labels = [_short(g) for g in d["group"]]
    fig = go.Figure()
    fig.add_bar(y=labels, x=d["planned"], name="Planned", orientation="h", marker_color="#c9d7f2")
    fig.add_bar(
        y=labels,
        x=d["realised"],
        name="Realised",
        orientation="h",
        marker_color=POSITIVE,
        text=[f"{percent(r)} (n={n:,})" for r, n in zip(d["rate"], d["n_rate"], strict=True)],
        textposition="outside",
    )
    fig.update_layout(barmode="overlay", legend=dict(y=1.02, yanchor="bottom", x=0))
    fig.update_xaxes(title=f"Benefit ({currency})", **_axis(currency))
    more = f" (top {top} of {len(df)} by planned)" if len(df) > top else ""
    return styled(fig, title + more, 120 + 28 * len(d))


def after_go_live(df: pd.DataFrame) -> go.Figure:
    """Realisation rate by months since go-live, n on each bar."""
    if df is None or df.empty:
        return empty_figure("No projects in this view")
    fig = go.Figure(
        go.Bar(
            x=df["since_go_live"],
            y=df["rate"],
            marker_color=PALETTE[1],
            text=[percent(r) for r in df["rate"]],
            customdata=df["n_rate"],
            texttemplate="%{text}<br>n=%{customdata:,}",
            textposition="outside",
        )
    )
    top = float(df["rate"].max()) if df["rate"].notna().any() else 1.0
    fig.update_yaxes(title="Realised / planned", tickformat=".0%", range=[0, max(1.0, top) * 1.2])
    fig.update_xaxes(tickangle=30)  # drawn half width: tilted from the start, not after a draw
    return styled(fig, "Benefit realisation by time since go-live", 360)


def stakeholders(df: pd.DataFrame, currency: str, group: str, top: int = 15) -> go.Figure:
    """Value delivered (realised benefit + realised savings) to the people of one group."""
    d = df[df["group"] == group].head(top).iloc[::-1] if df is not None and len(df) else None
    if d is None or d.empty:
        return empty_figure("No value recorded for this group")
    labels = [_short(w) for w in d["who"]]
    fig = go.Figure()
    fig.add_bar(
        y=labels,
        x=d["realised_benefit"],
        name="Realised benefit",
        orientation="h",
        marker_color=POSITIVE,
    )
    fig.add_bar(
        y=labels,
        x=d["savings_realised"],
        name="Realised savings",
        orientation="h",
        marker_color=PALETTE[0],
    )
    fig.update_layout(barmode="stack", legend=dict(y=1.02, yanchor="bottom", x=0))
    fig.update_xaxes(title=f"Value delivered ({currency})", **_axis(currency))
    return styled(fig, f"Value delivered: {group}", 120 + 26 * len(d))
