"""Risks to customer value: projects in trouble, ranked by the customer value at stake.

A project is *in trouble* when it is open and Red or Amber, slipping past its baseline end, or
forecast over budget. Its *customers* are its own customer plus the customers who gave
feedback about it (within the viewer's scope). The value at stake weighs each customer's annual
value by tier and by how unhappy they already are; the risk score is that value times the
project's trouble severity, so a Red project for an unhappy Strategic customer comes first.
Every row says in words why it is listed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_data.analytics import customers as customer_model
from pmo_data.analytics.portfolio.projects import projects
from pmo_data.formatting import money
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, scoped
from pmo_data.store.versions import Store

TIER_WEIGHT = {"Strategic": 1.5, "Key": 1.2, "Standard": 1.0}
RAG_SEVERITY = {"Red": 3.0, "Amber": 2.0}
SLIP_DAYS = 30  # slip beyond this adds a point of severity
OVERRUN = 0.10  # forecast over budget beyond this adds a point
UNHAPPY_NPS = 0  # customers with NPS below this count 1.5x
COLUMNS = [
    "rank",
    "project_id",
    "name",
    "portfolio",
    "rag",
    "slip_days",
    "budget_variance_pct",
    "customers",
    "customer_names",
    "value_at_stake",
    "severity",
    "risk_score",
    "reason",
]


def severity(rag, slip_days, overrun_pct) -> np.ndarray:
    """Trouble on a 1-5 scale: Red 3 / Amber 2 / otherwise 1, +1 late > 30 d, +1 over > 10%."""
    rag = pd.Series(rag).fillna("")
    base = rag.map(RAG_SEVERITY).fillna(1.0).to_numpy()
    late = (pd.Series(slip_days).fillna(0).to_numpy() > SLIP_DAYS).astype(float)
    over = (pd.Series(overrun_pct).fillna(0).to_numpy() > OVERRUN).astype(float)
    return base + late + over


def customer_weight(tier, nps) -> np.ndarray:
    """How much a pound of a customer's annual value counts: by tier, 1.5x if unhappy."""
    t = pd.Series(tier).map(TIER_WEIGHT).fillna(1.0).to_numpy()
    unhappy = pd.Series(nps, dtype=float).lt(UNHAPPY_NPS).to_numpy()
    return t * np.where(unhappy, 1.5, 1.0)


def in_trouble(df: pd.DataFrame) -> pd.Series:
    open_ = df["stage"].fillna("") != "Closed"
    red_amber = df["rag"].isin(["Red", "Amber"])
    late = df["slip_days"].fillna(0) > 0
    over = df["budget_variance_pct"].fillna(0) > 0
    return open_ & (red_amber | late | over)


def _affected(store: Store, viewer: Viewer, filters: Filters, ids: list[str]) -> pd.DataFrame:
    """(project_id, customer_id) pairs: the project's customer and its feedback givers."""
    p_sql, p_p = scoped(store, "projects", viewer, filters)
    f_sql, f_p = scoped(store, "feedback", viewer, NO_FILTERS)
    sql = f"""
    SELECT project_id, customer_id FROM ({p_sql})
      WHERE customer_id IS NOT NULL AND list_contains(?, project_id)
    UNION
    SELECT project_id, customer_id FROM ({f_sql})
      WHERE customer_id IS NOT NULL AND list_contains(?, project_id)"""
    return store.df(sql, p_p + [ids] + f_p + [ids])


def risks(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, currency: str | None = None
) -> pd.DataFrame:
    """Projects in trouble ranked by risk score, each with a plain-language reason."""
    df = projects(store, viewer, filters)
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    df = df[in_trouble(df)].copy()
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    currency = currency or store.currency
    pairs = _affected(store, viewer, filters, df["project_id"].astype(str).tolist())
    cust = customer_model.signals(store, viewer, NO_FILTERS)[
        ["customer_id", "customer", "tier", "annual_value", "nps", "nps_n"]
    ]
    pairs = pairs.merge(cust, on="customer_id", how="inner")
    pairs["weighted"] = pairs["annual_value"].fillna(0) * customer_weight(
        pairs["tier"], pairs["nps"]
    )
    pairs = pairs.sort_values("weighted", ascending=False)
    stake = pairs.groupby("project_id").agg(
        customers=("customer_id", "nunique"),
        value_at_stake=("weighted", "sum"),
        customer_names=("customer", lambda s: ", ".join(s.astype(str).head(3))),
    )
    top = pairs.drop_duplicates("project_id").set_index("project_id")
    df = df.join(stake, on="project_id")
    df["customers"] = df["customers"].fillna(0).astype(int)
    df["value_at_stake"] = df["value_at_stake"].fillna(0.0)
    df["customer_names"] = df["customer_names"].fillna("")
    df["severity"] = severity(df["rag"], df["slip_days"], df["budget_variance_pct"])
    # Projects with no known customer still rank, below any with customer value at stake.
    df["risk_score"] = df["severity"] * (df["value_at_stake"] + 1.0)
    df = df.sort_values(["risk_score", "severity"], ascending=False).reset_index(drop=True)
    df["rank"] = np.arange(1, len(df) + 1)
    tops = top[["customer", "tier", "annual_value", "nps", "nps_n"]].to_dict("index")
    df["reason"] = [_reason(r, tops, currency) for r in df.itertuples()]
    return df[COLUMNS]


def _reason(r, tops: dict[str, dict], currency: str) -> str:
    """Why one project ranks: its trouble and its largest customer (`tops`, by project id:
    a dict, since a row lookup per project is too slow at 75,000)."""
    trouble = []
    if r.rag in ("Red", "Amber"):
        trouble.append(f"{r.rag}")
    if pd.notna(r.slip_days) and r.slip_days > 0:
        trouble.append(f"{int(r.slip_days):,} days late")
    if pd.notna(r.budget_variance_pct) and r.budget_variance_pct > 0:
        trouble.append(f"forecast {r.budget_variance_pct:.0%} over budget")
    what = ", ".join(trouble) or "in trouble"
    c = tops.get(r.project_id)
    if c is None:
        return f"{what}; no customer recorded, so the value at stake is unknown."
    mood = f", NPS {c['nps']:+.0f} (n={int(c['nps_n'])})" if pd.notna(c["nps"]) else ", no NPS yet"
    value = money(c["annual_value"], currency) if pd.notna(c["annual_value"]) else "value unknown"
    others = f" and {r.customers - 1} more" if r.customers > 1 else ""
    tier = c["tier"] if isinstance(c["tier"], str) else "untiered"
    return f"{what}; serves {c['customer']} ({tier}, {value} a year{mood}){others}."
