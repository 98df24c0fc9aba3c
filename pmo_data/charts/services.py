"""Service charts: utilisation against capacity, the demand heatmap, CSAT against target,
the value map (charge x satisfaction x usage) and the segment x service heatmap."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from pmo_data.charts import (
    PALETTE,
    RAG_COLOURS,
    RAG_PATTERNS,
    RAG_SYMBOLS,
    empty_figure,
    point_labels,
    styled,
)

BAND_COLOURS = {
    "Over capacity": RAG_COLOURS["Red"],
    "Near capacity": RAG_COLOURS["Amber"],
    "Within capacity": RAG_COLOURS["Green"],
    "No capacity recorded": RAG_COLOURS["Unknown"],
}
TARGET_COLOURS = {
    "Below target": RAG_COLOURS["Red"],
    "Around target": RAG_COLOURS["Amber"],
    "Above target": RAG_COLOURS["Green"],
}
VERDICT_COLOURS = {
    "Valued and paid for": RAG_COLOURS["Green"],
    "Free and valued: could be charged": "#1f6feb",
    "Charged, below target: at risk": RAG_COLOURS["Red"],
    "Free, below target: rethink": RAG_COLOURS["Amber"],
    "Not enough ratings to judge": RAG_COLOURS["Unknown"],
}
# the RAG each band, status or verdict stands for: its pattern or marker shape says it too
BAND_RAG = {"Over capacity": "Red", "Near capacity": "Amber", "Within capacity": "Green"}
TARGET_RAG = {"Below target": "Red", "Around target": "Amber", "Above target": "Green"}
VERDICT_SYMBOLS = {
    "Valued and paid for": "circle",
    "Free and valued: could be charged": "square",
    "Charged, below target: at risk": "triangle-up",
    "Free, below target: rethink": "diamond",
    "Not enough ratings to judge": "circle-open",
}
MEASURES = {
    "projects_active": "Projects active",
    "responses": "Feedback responses",
    "actions_raised": "Actions raised",
}


def utilisation(load: pd.DataFrame) -> go.Figure:
    data = load[load["utilisation"].notna()] if len(load) else load
    if data.empty:
        return empty_figure("No service has both demand and capacity recorded")
    data = data.sort_values("utilisation")
    fig = go.Figure(
        go.Bar(
            y=data["name"],
            x=data["utilisation"] * 100,
            orientation="h",
            marker=dict(
                color=[BAND_COLOURS[b] for b in data["band"]],
                pattern_shape=[RAG_PATTERNS.get(BAND_RAG.get(b, ""), "") for b in data["band"]],
            ),
            text=[f"{u:.0%}" for u in data["utilisation"]],
            textposition="outside",
            customdata=data[["demand_hours", "capacity_hours", "band"]],
            hovertemplate="<b>%{y}</b><br>Demand %{customdata[0]:,.0f} h / capacity "
            "%{customdata[1]:,.0f} h a month<br>%{customdata[2]}<extra></extra>",
        )
    )
    for x, dash in ((100, "solid"), (85, "dot")):
        fig.add_vline(x=x, line=dict(color="#6e7781", dash=dash, width=1))
    # room beyond the 100% line and the longest bar for its label
    top = max(115.0, float(data["utilisation"].max()) * 100 * 1.12)
    fig.update_xaxes(title="Utilisation (demand / capacity, %)", range=[0, top])
    return styled(fig, "Demand against capacity", height=max(300, 28 * len(data) + 90))


def demand_heatmap(trend: pd.DataFrame, measure: str = "projects_active") -> go.Figure:
    if trend.empty:
        return empty_figure("No services in this view")
    wide = trend.pivot_table(index="service", columns="month", values=measure, aggfunc="sum")
    wide = wide.iloc[::-1]
    months = pd.to_datetime(wide.columns)
    partial = bool(trend["partial"].any()) if "partial" in trend else False
    labels = [m.strftime("%b %Y") for m in months]
    if partial:
        labels[-1] += " (so far)"
    fig = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(),
            x=labels,
            y=list(wide.index),
            colorscale="Blues",
            colorbar=dict(title=MEASURES[measure]),
            hovertemplate="%{y}<br>%{x}: %{z:,}<extra></extra>",
        )
    )
    return styled(fig, f"{MEASURES[measure]} per month", height=max(320, 26 * len(wide) + 120))


def csat_vs_target(sat: pd.DataFrame) -> go.Figure:
    data = sat[sat["csat_n"] > 0] if len(sat) else sat
    if data.empty:
        return empty_figure("No service has CSAT ratings in this view")
    data = data.sort_values("csat_mean")
    fig = go.Figure()
    # the targets first: every service in order, lowest mean at the bottom (a categorical
    # axis orders by first appearance across traces)
    fig.add_scatter(
        y=data["service"],
        x=data["target_csat"],
        mode="markers",
        name="Target",
        marker=dict(symbol="line-ns-open", size=16, color="#1b2430", line=dict(width=2)),
        hovertemplate="Target %{x:.1f}<extra></extra>",
    )
    for status, g in data.groupby("vs_target", sort=False):  # one legend entry per verdict
        fig.add_scatter(
            y=g["service"],
            x=g["csat_mean"],
            mode="markers",
            name=f"Mean CSAT, {str(status).lower()} (95% interval)",
            marker=dict(
                size=11,
                color=TARGET_COLOURS.get(status, RAG_COLOURS["Unknown"]),
                symbol=RAG_SYMBOLS.get(TARGET_RAG.get(status, ""), "circle"),
            ),
            error_x=dict(
                type="data",
                symmetric=False,
                array=(g["csat_mean_hi"] - g["csat_mean"]).fillna(0),
                arrayminus=(g["csat_mean"] - g["csat_mean_lo"]).fillna(0),
                color="#8c959f",
            ),
            customdata=g[["csat_n", "vs_target", "target_csat"]],
            hovertemplate="<b>%{y}</b><br>Mean CSAT %{x:.2f} (n=%{customdata[0]:,})<br>"
            "Target %{customdata[2]:.1f}: %{customdata[1]}<extra></extra>",
        )
    fig.update_xaxes(title="Mean CSAT (1-5)", range=[1, 5])
    return styled(fig, "Satisfaction against target", height=max(300, 28 * len(data) + 130))


# The value map's markers: area proportional to customers (a bubble twice the customers is
# twice the ink, not four times), see-through with a solid outline so overlapping markers all
# show, the largest drawn first so the small ones sit on top.
BUBBLE_PX = (8, 34)  # the least diameter (a marker stays visible), the most customers' diameter
FILL_ALPHA = 0.45
VALUE_MAP_HEIGHT = 500
VALUE_MAP_PLOT_PX = (690, VALUE_MAP_HEIGHT - 160)  # the plot at the page's usual width
NOTABLE = (  # named first when names compete for room
    "Charged, below target: at risk",
    "Free, below target: rethink",
    "Free and valued: could be charged",
)


def _rgba(colour: str, alpha: float) -> str:
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _darker(colour: str) -> str:
    r, g, b = (round(int(colour[i : i + 2], 16) * 0.75) for i in (1, 3, 5))
    return f"#{r:02x}{g:02x}{b:02x}"


def _padded(values: pd.Series, share: float, least: float) -> tuple[float, float]:
    lo, hi = float(values.min()), float(values.max())
    pad = max((hi - lo) * share, least)
    return lo - pad, hi + pad


def value_map(vfm: pd.DataFrame, money_format: str = ",.0f") -> go.Figure:
    """Every service a marker at its charge and mean CSAT, sized by customers: see-through
    and outlined so none hides another, points that would coincide set a few pixels apart
    (hover gives exact values), names placed where they cover nothing (`point_labels`)."""
    data = vfm[vfm["csat_mean"].notna()] if len(vfm) else vfm
    if data.empty:
        return empty_figure("No rated services in this view")
    customers = data["customers"].fillna(0).astype(float)
    small, large = BUBBLE_PX
    diameter = (large * (customers / max(float(customers.max()), 1.0)) ** 0.5).clip(lower=small)
    charge = data["charge"].fillna(0).astype(float)
    x_range = _padded(charge, 0.06, 20.0)
    y_range = _padded(data["csat_mean"], 0.1, 0.05)
    drawn = point_labels.spread(
        charge, data["csat_mean"], diameter, x_range, y_range, VALUE_MAP_PLOT_PX
    )
    notable = data["verdict"].map({v: i for i, v in enumerate(NOTABLE)}).fillna(len(NOTABLE))
    order = pd.DataFrame({"n": notable, "c": -customers}).sort_values(["n", "c"]).index.tolist()
    where = point_labels.place(
        data["name"], drawn, data["csat_mean"], diameter, order, x_range, y_range,
        VALUE_MAP_PLOT_PX,
    )  # fmt: skip
    data = data.assign(
        _x=drawn, _size=diameter, _where=where, _charge=charge,
        label=data["name"].where(where != "", ""),
    ).sort_values("_size", ascending=False)  # fmt: skip
    fig = go.Figure()
    for verdict, g in data.groupby("verdict", sort=True):
        colour = VERDICT_COLOURS.get(verdict, PALETTE[0])
        fig.add_scatter(
            x=g["_x"],
            y=g["csat_mean"],
            mode="markers+text",
            name=verdict,
            text=g["label"],
            textposition=g["_where"].replace("", "top center").tolist(),
            textfont=dict(size=point_labels.LABEL_PX, color="#424a53"),
            marker=dict(
                size=g["_size"],
                color=_rgba(colour, FILL_ALPHA),
                symbol=VERDICT_SYMBOLS.get(verdict, "circle"),
                line=dict(width=1.5, color=_darker(colour)),
            ),
            customdata=g[["unit_cost", "customers", "csat_n", "target_csat", "name", "_charge"]],
            hovertemplate="<b>%{customdata[4]}</b><br>Charge %{customdata[5]:" + money_format
            + "}, unit cost %{customdata[0]:" + money_format + "}<br>Mean CSAT %{y:.2f} "
            "(n=%{customdata[2]:,}), target %{customdata[3]:.1f}<br>%{customdata[1]:,} "
            "customers<extra></extra>",
        )  # fmt: skip
    symbol = money_format[:1] if money_format[:1] in "£$€" else ""
    fig.update_xaxes(
        title=f"Charge per unit ({symbol})" if symbol else "Charge per unit",
        tickprefix=symbol,
        tickformat=",.0f",
        range=list(x_range),
    )
    fig.update_yaxes(title="Mean CSAT (1-5)", range=list(y_range))
    return styled(fig, "What customers value and pay for", height=VALUE_MAP_HEIGHT)


def segment_heatmap(seg: pd.DataFrame) -> go.Figure:
    if seg.empty:
        return empty_figure("No customer uses a service in this view")
    wide = seg.pivot_table(index="segment", columns="service", values="customers", aggfunc="sum")
    wide = wide.fillna(0).iloc[::-1]
    fig = go.Figure(
        go.Heatmap(
            z=wide.to_numpy(),
            x=list(wide.columns),
            y=list(wide.index),
            colorscale="Blues",
            text=wide.to_numpy().astype(int),
            texttemplate="%{text}",
            colorbar=dict(title="Customers"),
            hovertemplate="%{y} · %{x}: %{z:,} customers<extra></extra>",
        )
    )
    fig.update_xaxes(tickangle=-35)
    return styled(
        fig, "Customers using each service, by segment", height=max(340, 34 * len(wide) + 200)
    )
