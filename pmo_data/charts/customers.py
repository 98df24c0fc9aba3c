"""Customer charts: the customer map (treemap coloured by health) and health bands."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pmo_data.charts import RAG_COLOURS, RAG_ORDER, RAG_PATTERNS, empty_figure, styled

HEALTH_SCALE = [
    [0, RAG_COLOURS["Red"]],
    [0.5, RAG_COLOURS["Amber"]],
    [0.7, "#9ccc65"],
    [1, RAG_COLOURS["Green"]],
]


def customer_map(nodes: pd.DataFrame, money_format: str = ",.0f") -> go.Figure:
    if nodes.empty:
        return empty_figure("No customers in this view")
    fig = go.Figure(
        go.Treemap(
            ids=nodes["id"],
            parents=nodes["parent"],
            labels=nodes["label"],
            values=nodes["value"],
            branchvalues="total",
            maxdepth=2,
            marker=dict(
                colors=nodes["health"].fillna(50),
                colorscale=HEALTH_SCALE,
                cmin=0,
                cmax=100,
                colorbar=dict(title="Health"),
            ),
            customdata=nodes[["health", "detail"]],
            texttemplate="%{label}",
            hovertemplate="<b>%{label}</b><br>Annual value %{value:" + money_format + "}"
            "<br>Health %{customdata[0]:.0f}<br>%{customdata[1]}<extra></extra>",
        )
    )
    # a label only where it fits at a readable size; the rest on hover
    fig.update_layout(uniformtext=dict(minsize=11, mode="hide"))
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
