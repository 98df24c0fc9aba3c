"""The portfolio: every project in view with its variances, and how its health moves.

Budget variance is forecast at completion against the approved budget; schedule slip is the
forecast end against the baseline end, in days (positive = late). All rows come through
`queries.scoped`, so a sponsor's table, timeline and treemap hold only their projects.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_data.analytics.value import scoring
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, scoped
from pmo_data.store.versions import Store

TIMELINE_LIMIT = 60  # projects on the timeline: more is unreadable; the rest are counted
HISTORY_VERSIONS = 12  # versions shown in "RAG over versions"
TREEMAP_TILES = 300  # project tiles in the treemap; the smaller ones are grouped per portfolio


def projects(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Projects in view with customer name, budget variance, slip (days) and value score."""
    p_sql, p_p = scoped(store, "projects", viewer, filters)
    c_sql, c_p = scoped(store, "customers", viewer, filters)
    sql = f"""
    SELECT p.project_id, p.name, p.portfolio, p.rag, p.stage, c.name AS customer, p.customer_id,
      p.sponsor, p.project_manager, p.service_id, p.budget, p.actual_cost, p.forecast_cost,
      coalesce(p.forecast_cost, p.budget) - p.budget AS budget_variance,
      (coalesce(p.forecast_cost, p.budget) - p.budget) / nullif(p.budget, 0) AS budget_variance_pct,
      p.start_date, p.end_date, p.forecast_end_date,
      date_diff('day', p.end_date, coalesce(p.forecast_end_date, p.end_date)) AS slip_days,
      p.percent_complete, p.planned_benefit, p.realised_benefit, p.go_live_date,
      p.strategic_alignment, p.customer_impact
    FROM ({p_sql}) p LEFT JOIN ({c_sql}) c ON c.customer_id = p.customer_id
    ORDER BY p.project_id"""
    df = store.df(sql, p_p + c_p)
    if df.empty:
        return df.assign(value_score=pd.Series(dtype=float))
    ranked = scoring.rank(store, viewer, filters)[["project_id", "score"]]
    df = df.merge(ranked.rename(columns={"score": "value_score"}), on="project_id", how="left")
    df["value_score"] = df["value_score"].round(0)  # scoring gives 0-100 already
    return df


def timeline(df: pd.DataFrame, limit: int = TIMELINE_LIMIT) -> tuple[pd.DataFrame, int]:
    """Bars for the plotly timeline: planned (start->end) and forecast (start->forecast end).

    Open projects only, the largest budgets first up to `limit`; returns (bars, left out).
    """
    if df.empty:
        return pd.DataFrame(columns=["project", "portfolio", "kind", "start", "finish", "rag"]), 0
    live = df[(df["stage"].fillna("") != "Closed") & df["start_date"].notna()]
    live = live[live["end_date"].notna() | live["forecast_end_date"].notna()]
    top = live.sort_values("budget", ascending=False, na_position="last").head(limit)
    top = top.sort_values(["portfolio", "start_date"], na_position="last")
    label = top["name"].astype(str) + " (" + top["project_id"].astype(str) + ")"
    planned = pd.DataFrame(
        {
            "project": label,
            "portfolio": top["portfolio"].fillna("(none)"),
            "kind": "Baseline",
            "start": top["start_date"],
            "finish": top["end_date"].fillna(top["forecast_end_date"]),
            "rag": top["rag"].fillna("Unknown"),
            "slip_days": top["slip_days"],
        }
    )
    forecast = planned.assign(
        kind="Forecast", finish=top["forecast_end_date"].fillna(top["end_date"]).values
    )
    return pd.concat([planned, forecast], ignore_index=True), len(live) - len(top)


def treemap(df: pd.DataFrame, tiles: int = TREEMAP_TILES) -> pd.DataFrame:
    """Portfolio -> project rows sized by budget (projects without a budget are left out).

    At most about `tiles` project tiles: each portfolio keeps its largest budgets (its share
    of `tiles`, at least 5) and the rest become one tile per portfolio, "N smaller projects",
    with their budget, RAG counts in `detail` and `others` = N. A browser draws a few hundred
    tiles at once; 75,000 would freeze it. Every project stays findable in the table.
    """
    if df.empty:
        return df.assign(detail=pd.Series(dtype=str), others=pd.Series(dtype=int))
    out = df[df["budget"].fillna(0) > 0].copy()
    out["portfolio"] = out["portfolio"].fillna("(none)")
    out["rag"] = out["rag"].fillna("Unknown")
    cols = ["portfolio", "project_id", "name", "rag", "budget", "slip_days"]
    out = out[cols].sort_values(
        ["portfolio", "budget", "project_id"], ascending=[True, False, True]
    )
    keep = max(5, tiles // max(1, out["portfolio"].nunique()))
    position = out.groupby("portfolio").cumcount()
    top, rest = out[position < keep], out[position >= keep]
    top = top.assign(detail="RAG " + top["rag"], others=0)
    if rest.empty:
        return top.reset_index(drop=True)
    counts = rest.pivot_table(index="portfolio", columns="rag", values="budget", aggfunc="size")
    grouped = rest.groupby("portfolio").agg(budget=("budget", "sum"), others=("budget", "size"))
    grouped["detail"] = [
        ", ".join(f"{int(n):,} {rag}" for rag, n in counts.loc[p].dropna().items() if n)
        for p in grouped.index
    ]
    grouped = grouped.reset_index()
    grouped["project_id"] = "other:" + grouped["portfolio"]
    grouped["name"] = [f"{n:,} smaller projects" for n in grouped["others"]]
    grouped["rag"], grouped["slip_days"] = "Others", np.nan
    return pd.concat([top, grouped[[*cols, "detail", "others"]]], ignore_index=True)


def rag_over_versions(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, last: int = HISTORY_VERSIONS
) -> pd.DataFrame:
    """Projects per (version, portfolio, RAG) over the last versions that hold projects.

    Answers "is the portfolio getting healthier?": each import is a point in time.
    """
    hist = store.history()
    if hist.empty:
        return pd.DataFrame(columns=["version", "imported_at", "portfolio", "rag", "projects"])
    frames = []
    for _, v in hist.head(last).iloc[::-1].iterrows():
        if store.snapshot_of("projects", int(v["version"])) is None:
            continue
        sql, params = scoped(store, "projects", viewer, filters, int(v["version"]))
        part = store.df(
            f"SELECT coalesce(portfolio, '(none)') AS portfolio, "
            f"coalesce(rag, 'Unknown') AS rag, count(*) AS projects FROM ({sql}) GROUP BY ALL",
            params,
        )
        frames.append(part.assign(version=int(v["version"]), imported_at=v["created_at"]))
    if not frames:
        return pd.DataFrame(columns=["version", "imported_at", "portfolio", "rag", "projects"])
    return pd.concat(frames, ignore_index=True)


def slipping(df: pd.DataFrame) -> pd.Series:
    """Boolean mask: open projects forecast to finish after their baseline."""
    return (df["slip_days"].fillna(0) > 0) & (df["stage"].fillna("") != "Closed")


def variance_summary(df: pd.DataFrame) -> dict:
    """Totals for the KPI row: budget, forecast, variance, projects slipping, median slip."""
    if df.empty:
        return dict(projects=0, budget=0.0, forecast=0.0, variance=None, slipping=0, slip=None)
    budget = float(df["budget"].fillna(0).sum())
    forecast = float(df["forecast_cost"].fillna(df["budget"]).fillna(0).sum())
    late = df[slipping(df)]
    return dict(
        projects=len(df),
        budget=budget,
        forecast=forecast,
        variance=(forecast - budget) / budget if budget else None,
        slipping=len(late),
        slip=float(np.median(late["slip_days"])) if len(late) else None,
    )
