"""The customer map, key customers, relationship cadence and one health score per customer.

Health (0-100) is a weighted mean of six signals, each scaled 0..1, over the signals that
exist for the customer (a customer with no feedback is scored on the rest, and the reasons
say so). Weights (documented, in WEIGHTS):
- NPS, last 12 months (30): (NPS + 100) / 200.
- NPS trend (10): last two quarters against the two before; 0.5 + change / 40, clipped
  (a 20-point fall scores 0). Needs 3+ answers in each window.
- CSAT, last 12 months (20): share of 4-5 ratings.
- Actions (10): 1 - 0.25 per overdue action - 0.05 per other open action, clipped.
- Projects (20): (Green + 0.5 x Amber) / projects with a RAG.
- Contact recency (10): 1 - days overdue / agreed cadence, clipped (cadence 90 days if unset).
Bands: 70+ Green, 50-69 Amber, below 50 Red. At risk: Red health, or NPS down 15+ points
over the last two quarters (with 5+ answers each side).
Feedback windows end at the latest response in view; contact and overdue use `as_of` (today).
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from pmo_data.analytics.feedback.scores import reference_date
from pmo_data.measures import (
    AMBER,
    CADENCE_DAYS,
    CSAT_SATISFIED,
    NPS_POINTS,
    OPEN_ACTION,
    OVERDUE_ACTION,
    RED,
    VALID_NPS,
)
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, scoped
from pmo_data.store.versions import Store

WEIGHTS = {"nps": 30, "nps_trend": 10, "csat": 20, "actions": 10, "projects": 20, "contact": 10}
SCORE = NPS_POINTS.sql
MAP_TILES = 60  # customer tiles on the map; smaller customers are grouped per segment
MAP_PROJECTS = 3  # project tiles under a customer; the rest are one "N more projects" tile
# The lists on the Customers page, as conditions over the columns of `health` (pages show
# them one page at a time, searched and sorted in SQL); the functions below give the same rows.
LISTS = {
    "at_risk": "at_risk",
    "key": "tier = 'Strategic'",
    "overdue": "days_overdue > 0",
}


def _band(score: float) -> str:
    if pd.isna(score):
        return "Unknown"
    return "Green" if score >= 70 else "Amber" if score >= 50 else "Red"


def signals(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, as_of: date | None = None
) -> pd.DataFrame:
    """One row per customer in view with the raw signals behind the health score."""
    as_of = as_of or date.today()
    ref = reference_date(store, viewer, filters) or as_of
    c_sql, c_p = scoped(store, "customers", viewer, filters)
    f_sql, f_p = scoped(store, "feedback", viewer, filters)
    a_sql, a_p = scoped(store, "actions", viewer, filters)
    p_sql, p_p = scoped(store, "projects", viewer, filters)
    sql = f"""
    WITH fb AS (
      SELECT customer_id,
        avg({SCORE}) FILTER ({VALID_NPS} AND date > ?::DATE - 365) AS nps,
        count(*) FILTER ({VALID_NPS} AND date > ?::DATE - 365) AS nps_n,
        avg({SCORE}) FILTER ({VALID_NPS} AND date > ?::DATE - 182) AS nps_recent,
        count(*) FILTER ({VALID_NPS} AND date > ?::DATE - 182) AS n_recent,
        avg({SCORE}) FILTER ({VALID_NPS} AND date <= ?::DATE - 182 AND date > ?::DATE - 364)
          AS nps_before,
        count(*) FILTER ({VALID_NPS} AND date <= ?::DATE - 182 AND date > ?::DATE - 364)
          AS n_before,
        avg(CASE WHEN {CSAT_SATISFIED} THEN 1.0 ELSE 0.0 END)
          FILTER (csat IS NOT NULL AND date > ?::DATE - 365) AS csat,
        count(csat) FILTER (date > ?::DATE - 365) AS csat_n
      FROM ({f_sql}) GROUP BY 1),
    ac AS (
      SELECT customer_id, count(*) FILTER ({OPEN_ACTION}) AS open_actions,
        count(*) FILTER ({OVERDUE_ACTION}) AS overdue_actions
      FROM ({a_sql}) GROUP BY 1),
    pr AS (
      SELECT customer_id, count(*) AS projects,
        count(*) FILTER ({RED}) AS red, count(*) FILTER ({AMBER}) AS amber,
        count(*) FILTER (rag = 'Green') AS green,
        string_agg(name, '; ' ORDER BY name) AS project_names
      FROM ({p_sql}) GROUP BY 1)
    SELECT c.customer_id, c.name AS customer, coalesce(c.segment, '(no segment)') AS segment,
      c.tier, c.account_lead, c.annual_value, c.last_contact_date,
      {CADENCE_DAYS.on("c")} AS cadence_days,
      date_diff('day', c.last_contact_date, ?::DATE) AS days_since_contact,
      fb.* EXCLUDE (customer_id), coalesce(ac.open_actions, 0) AS open_actions,
      coalesce(ac.overdue_actions, 0) AS overdue_actions,
      coalesce(pr.projects, 0) AS projects, coalesce(pr.red, 0) AS red,
      coalesce(pr.amber, 0) AS amber, coalesce(pr.green, 0) AS green, pr.project_names
    FROM ({c_sql}) c LEFT JOIN fb USING (customer_id) LEFT JOIN ac USING (customer_id)
      LEFT JOIN pr USING (customer_id)
    ORDER BY c.annual_value DESC NULLS LAST, c.name"""
    params = [ref] * 10 + f_p + [as_of] + a_p + p_p + [as_of] + c_p
    df = store.df(sql, params)
    df["days_overdue"] = (df["days_since_contact"] - df["cadence_days"]).clip(lower=0)
    df["nps_change"] = df["nps_recent"] - df["nps_before"]
    return df


def _components(df: pd.DataFrame) -> pd.DataFrame:
    """Each signal scaled 0..1 (NaN when the customer has no such signal)."""
    c = pd.DataFrame(index=df.index)
    c["nps"] = (df["nps"] + 100) / 200
    trend_ok = (df["n_recent"] >= 3) & (df["n_before"] >= 3)
    c["nps_trend"] = (0.5 + df["nps_change"] / 40).clip(0, 1).where(trend_ok)
    c["csat"] = df["csat"].where(df["csat_n"] > 0)
    other_open = df["open_actions"] - df["overdue_actions"]
    c["actions"] = (1 - 0.25 * df["overdue_actions"] - 0.05 * other_open).clip(0, 1)
    rated = df["red"] + df["amber"] + df["green"]
    c["projects"] = ((df["green"] + 0.5 * df["amber"]) / rated).where(rated > 0)
    c["contact"] = (1 - df["days_overdue"] / df["cadence_days"]).clip(0, 1)
    c["contact"] = c["contact"].where(df["last_contact_date"].notna())
    return c.astype(float)


def _reasons(row: dict, comp: dict) -> str:
    """The signals pulling the score down, worst first, in words (one customer's signals
    and components as plain dicts: a row lookup per customer is too slow at 60,000)."""
    out = []
    if pd.isna(comp["nps"]):
        out.append((0, "no NPS answers in the last 12 months"))
    phrases = {
        "nps": lambda: f"NPS {row['nps']:+.0f} (n={row['nps_n']:.0f})",
        "nps_trend": lambda: f"NPS fell {-row['nps_change']:.0f} points over the last two quarters",
        "csat": lambda: f"CSAT {row['csat']:.0%} satisfied (n={row['csat_n']:.0f})",
        "actions": lambda: (
            f"{row['overdue_actions']:.0f} overdue of {row['open_actions']:.0f} open actions"
        ),
        "projects": lambda: (
            f"{row['red']:.0f} Red and {row['amber']:.0f} Amber of {row['projects']:.0f} projects"
        ),
        "contact": lambda: (
            f"last contact {row['days_overdue']:.0f} days overdue "
            f"(cadence {row['cadence_days']:.0f} days)"
        ),
    }
    # A warning sign: NPS at or below zero, any overdue action or contact, any Red project,
    # or any other signal in the bottom half of its scale.
    warns = {
        "nps": lambda: row["nps"] <= 0,
        "actions": lambda: row["overdue_actions"] > 0,
        "projects": lambda: row["red"] > 0,
        "contact": lambda: row["days_overdue"] > 0,
    }
    for key, w in WEIGHTS.items():
        value = comp[key]
        if pd.notna(value) and (value < 0.5 or warns.get(key, lambda: False)()):
            out.append((w * (1 - value), phrases[key]()))
    out.sort(key=lambda t: -t[0])
    return "; ".join(text for _, text in out) or "no warning signs"


def health(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, as_of: date | None = None
) -> pd.DataFrame:
    """Signals plus `health` (0-100), `band` (RAG), `reasons` (words) and `at_risk`."""
    key = ("customers.health", viewer, filters, as_of)
    return store.remember(key, lambda: _health(store, viewer, filters, as_of)).copy()


def _health(store: Store, viewer: Viewer, filters: Filters, as_of: date | None) -> pd.DataFrame:
    df = signals(store, viewer, filters, as_of)
    if df.empty:
        return df.assign(health=[], band=[], reasons=[], at_risk=[], risk_reason=[])
    comp = _components(df)
    w = pd.Series(WEIGHTS, dtype=float)
    have = comp.notna()
    score = (comp.fillna(0) * w).sum(axis=1) / (have * w).sum(axis=1).replace(0, np.nan)
    df["health"] = (100 * score).round(0)
    df["band"] = df["health"].map(_band)
    df["reasons"] = [
        _reasons(row, c)
        for row, c in zip(df.to_dict("records"), comp.to_dict("records"), strict=True)
    ]
    falling = (df["nps_change"] <= -15) & (df["n_recent"] >= 5) & (df["n_before"] >= 5)
    df["at_risk"] = (df["band"] == "Red") | falling
    df["risk_reason"] = np.where(
        falling & (df["band"] == "Red"),
        "Red health and NPS falling",
        np.where(falling, "NPS falling", np.where(df["band"] == "Red", "Red health", "")),
    )
    return df


def key_customers(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """The key-customer list: Strategic tier, highest annual value first."""
    df = health(store, viewer, filters)
    return df[df["tier"] == "Strategic"].reset_index(drop=True) if len(df) else df


def top_five(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """The seeds' 'top five customers': by annual value, with health, NPS, actions, projects."""
    return health(store, viewer, filters).head(5).reset_index(drop=True)


def overdue_contacts(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Customers whose last contact is older than the agreed cadence, most overdue first."""
    df = health(store, viewer, filters)
    if df.empty:
        return df
    late = df[df["days_overdue"] > 0].sort_values(
        ["days_overdue", "customer"], ascending=[False, True]
    )
    return late.reset_index(drop=True)


def at_risk(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Customers at risk (Red health or falling NPS), highest annual value first."""
    df = health(store, viewer, filters)
    return df[df["at_risk"]].reset_index(drop=True) if len(df) else df


def customer_map(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    tiles: int = MAP_TILES,
    per_customer: int = MAP_PROJECTS,
) -> pd.DataFrame:
    """Treemap nodes segment -> customer -> project: id, parent, label, value, health.

    Customer tiles are sized by annual value; a customer's projects share its tile equally
    (projects have no annual value of their own) and carry the customer's health colour.
    A browser draws a few hundred tiles at once, not 60,000: each segment keeps its largest
    customers (its share of `tiles`, at least 5) and one tile "N smaller customers" holds the
    rest (value summed, health value-weighted); a customer shows at most `per_customer`
    projects (Red first) and "N more projects". Every customer stays findable in the tables.
    """
    h = health(store, viewer, filters)
    cols = ["id", "parent", "label", "value", "health", "detail"]
    if h.empty:
        return pd.DataFrame(columns=cols)
    value = h["annual_value"].fillna(0)
    if value.sum() <= 0:
        value = pd.Series(1.0, index=h.index)
    h = h.assign(value=value).sort_values(["segment", "value", "customer_id"],
                                          ascending=[True, False, True])  # fmt: skip
    keep = max(5, tiles // max(1, h["segment"].nunique()))
    shown = h[h.groupby("segment").cumcount() < keep]
    rest = h.drop(shown.index)
    seg = _weighted(h, "segment")
    nodes = [
        pd.DataFrame(
            {
                "id": "seg:" + seg.index,
                "parent": "",
                "label": seg.index,
                "value": seg["value"].to_numpy(),
                "health": seg["health"].round(0).to_numpy(),
                "detail": "segment",
            }
        ),
        pd.DataFrame(
            {
                "id": "cus:" + shown["customer_id"],
                "parent": "seg:" + shown["segment"],
                "label": shown["customer"],
                "value": shown["value"],
                "health": shown["health"],
                "detail": shown["reasons"],
            }
        ),
    ]
    if len(rest):
        others = _weighted(rest, "segment")
        bands = rest.groupby("segment")["band"].value_counts().unstack(fill_value=0)
        nodes.append(
            pd.DataFrame(
                {
                    "id": "oth:" + others.index,
                    "parent": "seg:" + others.index,
                    "label": [f"{int(n):,} smaller customers" for n in others["n"]],
                    "value": others["value"].to_numpy(),
                    "health": others["health"].round(0).to_numpy(),
                    "detail": [
                        "health "
                        + ", ".join(f"{int(c):,} {b}" for b, c in bands.loc[s].items() if c)
                        for s in others.index
                    ],
                }
            )
        )
    p_sql, p_p = scoped(store, "projects", viewer, filters)
    ids = shown["customer_id"].dropna().unique().tolist()
    projects = store.df(
        f"SELECT project_id, name, customer_id, rag FROM ({p_sql}) "
        "WHERE customer_id IN (SELECT unnest(?::VARCHAR[]))",
        [*p_p, ids],
    ).merge(shown[["customer_id", "value", "health", "projects"]], on="customer_id")
    if len(projects):
        worst = projects["rag"].map({"Red": 0, "Amber": 1, "Green": 2}).fillna(3)
        projects = projects.assign(_w=worst).sort_values(["customer_id", "_w", "name"])
        position = projects.groupby("customer_id").cumcount()
        listed, more = projects[position < per_customer], projects[position >= per_customer]
        share = listed["value"] / listed["projects"]
        nodes.append(
            pd.DataFrame(
                {
                    "id": "prj:" + listed["project_id"],
                    "parent": "cus:" + listed["customer_id"],
                    "label": listed["name"],
                    "value": share,
                    "health": listed["health"],
                    "detail": "RAG " + listed["rag"].fillna("unknown"),
                }
            )
        )
        if len(more):
            m = more.groupby("customer_id").agg(
                n=("project_id", "size"), value=("value", "first"), projects=("projects", "first"),
                health=("health", "first"),
            )  # fmt: skip
            nodes.append(
                pd.DataFrame(
                    {
                        "id": "prm:" + m.index,
                        "parent": "cus:" + m.index,
                        "label": [f"{n:,} more projects" for n in m["n"]],
                        "value": (m["value"] / m["projects"] * m["n"]).to_numpy(),
                        "health": m["health"].to_numpy(),
                        "detail": "search the Portfolio table for this customer to see them all",
                    }
                )
            )
    return pd.concat(nodes, ignore_index=True)[cols]


def _weighted(h: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per group: value summed, health weighted by value (unknown health counts as 50), n."""
    w = h["value"] + 1e-9
    g = h.assign(_w=w, _hw=h["health"].fillna(50) * w).groupby(by)
    out = g.agg(value=("value", "sum"), _hw=("_hw", "sum"), _w=("_w", "sum"), n=("value", "size"))
    out["health"] = out["_hw"] / out["_w"]
    return out[["value", "health", "n"]]


def summary(h: pd.DataFrame) -> dict:
    """The Customers headline from `health(...)`: count, value, median health, at risk, overdue."""
    return {
        "customers": len(h),
        "annual_value": float(h["annual_value"].sum()) if len(h) else 0.0,
        "median_health": float(h["health"].median()) if len(h) else None,
        "at_risk": int(h["at_risk"].sum()) if len(h) else 0,
        "contact_overdue": int((h["days_overdue"] > 0).sum()) if len(h) else 0,
    }
