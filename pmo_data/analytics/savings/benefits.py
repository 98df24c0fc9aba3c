"""Project benefits: planned against realised, after go-live, and who the value reaches.

Why: savings say what the PMO saved; benefits say what the projects it supports delivered.
A realisation rate means little without its n and without time since go-live (a project live
for a month cannot have realised a year's benefit), so both are always shown beside it.
Rates are sum(realised) / sum(planned) over projects with a planned benefit.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from pmo_data.analytics.savings import ledger as savings
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, frame

AGE_BUCKETS = (
    (-np.inf, 0, "Not live yet"),
    (0, 3, "0-3 months"),
    (3, 6, "3-6 months"),
    (6, 12, "6-12 months"),
    (12, 24, "12-24 months"),
    (24, np.inf, "24+ months"),
)
PROJECT_COLUMNS = [
    "project_id",
    "name",
    "customer_id",
    "portfolio",
    "service_id",
    "sponsor",
    "project_manager",
    "stage",
    "planned_benefit",
    "realised_benefit",
    "go_live_date",
]


def _projects(store, viewer, filters) -> pd.DataFrame:
    p = frame(store, "projects", viewer, filters, columns=PROJECT_COLUMNS)
    for c in ("planned_benefit", "realised_benefit"):
        p[c] = pd.to_numeric(p[c], errors="coerce").astype(float)
    p["go_live_date"] = pd.to_datetime(p["go_live_date"])
    return p


def _rate(df: pd.DataFrame) -> tuple[float, int]:
    has = df["planned_benefit"].fillna(0) > 0
    planned = df.loc[has, "planned_benefit"].sum()
    realised = df.loc[has, "realised_benefit"].fillna(0).sum()
    return (float(realised / planned) if planned else float("nan")), int(has.sum())


def summary(
    store, viewer: Viewer, filters: Filters = NO_FILTERS, today: date | None = None
) -> dict:
    """Planned, realised, realisation rate (with n) overall and for projects live by today."""
    p = _projects(store, viewer, filters)
    t = pd.Timestamp(today or date.today())
    live = p[p["go_live_date"].notna() & (p["go_live_date"] <= t)]
    rate, n = _rate(p)
    live_rate, n_live = _rate(live)
    return {
        "projects": len(p),
        "planned": float(p["planned_benefit"].sum()),
        "realised": float(p["realised_benefit"].sum()),
        "rate": rate,
        "n_rate": n,
        "live_planned": float(live["planned_benefit"].sum()),
        "live_realised": float(live["realised_benefit"].sum()),
        "live_rate": live_rate,
        "n_live": n_live,
    }


def by_dimension(store, viewer: Viewer, filters: Filters = NO_FILTERS, dim: str = "portfolio"):
    """Planned, realised, rate and n per portfolio or per customer (named)."""
    if dim not in ("portfolio", "customer"):
        raise ValueError("dim must be 'portfolio' or 'customer'")
    p = _projects(store, viewer, filters)
    if dim == "customer":
        names = frame(store, "customers", viewer, NO_FILTERS, columns=["customer_id", "name"])
        key = p["customer_id"].map(names.set_index("customer_id")["name"])
        key = key.fillna(p["customer_id"]).fillna("(no customer)")
    else:
        key = p["portfolio"].fillna("(no portfolio)")
    return _rollup(p.assign(group=key), "group")


def _rollup(p: pd.DataFrame, key: str) -> pd.DataFrame:
    cols = ["group", "projects", "planned", "realised", "rate", "n_rate"]
    if p.empty:
        return pd.DataFrame(columns=cols)
    has = p["planned_benefit"].fillna(0) > 0
    df = pd.DataFrame(
        {
            "group": p[key].astype(str),
            "projects": 1,
            "planned": p["planned_benefit"].fillna(0),
            "realised": p["realised_benefit"].fillna(0),
            "planned_r": p["planned_benefit"].where(has, 0).fillna(0),
            "realised_r": p["realised_benefit"].where(has, 0).fillna(0),
            "n_rate": has.astype(int),
        }
    )
    out = df.groupby("group", sort=True).sum().reset_index()
    out["rate"] = out["realised_r"] / out["planned_r"].where(out["planned_r"] > 0)
    return out[cols].sort_values("planned", ascending=False, ignore_index=True)


def after_go_live(
    store, viewer: Viewer, filters: Filters = NO_FILTERS, today: date | None = None
) -> pd.DataFrame:
    """Realisation by months since go-live: does realised benefit build up after launch?"""
    p = _projects(store, viewer, filters)
    t = pd.Timestamp(today or date.today())
    months = (t - p["go_live_date"]).dt.days / 30.44
    months = months.where(p["go_live_date"].notna(), -1.0)
    label = pd.Series("Not live yet", index=p.index)
    for lo, hi, name in AGE_BUCKETS[1:]:
        label[(months >= lo) & (months < hi)] = name
    out = _rollup(p.assign(bucket=label), "bucket")
    order = {name: i for i, (_, _, name) in enumerate(AGE_BUCKETS)}
    out = out.rename(columns={"group": "since_go_live"})
    return out.sort_values("since_go_live", key=lambda s: s.map(order), ignore_index=True)


def value_by_stakeholder(
    store, viewer: Viewer, filters: Filters = NO_FILTERS, state: str = ""
) -> pd.DataFrame:
    """Value reaching each person of each stakeholder group, and each customer tier.

    Benefits follow projects (sponsor, project manager, the customer's account lead, the
    service's owner, the customer's tier); savings follow their project, or their service for
    service owners, counting only lines not held back as double counts.
    """
    p = _projects(store, viewer, filters)
    cust = frame(
        store, "customers", viewer, NO_FILTERS, columns=["customer_id", "account_lead", "tier"]
    )
    svc = frame(store, "services", viewer, NO_FILTERS, columns=["service_id", "owner"])
    lead = cust.set_index("customer_id")["account_lead"]
    tier = cust.set_index("customer_id")["tier"]
    owner = svc.set_index("service_id")["owner"]
    p["account_lead"] = p["customer_id"].map(lead)
    p["service_owner"] = p["service_id"].map(owner)
    p["customer_tier"] = p["customer_id"].map(tier)
    lines, _ = savings.counted_lines(store, viewer, filters, state)
    lines = lines[lines["counted"]] if len(lines) else lines
    by_project = (
        lines.groupby("project_id")[["likely", "realised"]].sum()
        if len(lines)
        else pd.DataFrame(columns=["likely", "realised"])
    )
    p["savings_likely"] = p["project_id"].map(by_project["likely"]).fillna(0.0)
    p["savings_realised"] = p["project_id"].map(by_project["realised"]).fillna(0.0)
    groups = {
        "sponsor": "Sponsors",
        "project_manager": "Project managers",
        "account_lead": "Account leads",
        "service_owner": "Service owners",
        "customer_tier": "Customers by tier",
    }
    parts = []
    for col, label in groups.items():
        g = p.assign(who=p[col].fillna("(not named)"), projects=1).groupby("who")
        agg = g[
            [
                "projects",
                "planned_benefit",
                "realised_benefit",
                "savings_likely",
                "savings_realised",
            ]
        ].sum()
        if col == "service_owner" and len(lines):  # savings follow the service
            by_svc = lines.assign(who=lines["service_id"].map(owner)).groupby("who")
            agg["savings_likely"] = by_svc["likely"].sum().reindex(agg.index).fillna(0.0)
            agg["savings_realised"] = by_svc["realised"].sum().reindex(agg.index).fillna(0.0)
        parts.append(agg.reset_index().assign(group=label))
    out = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
    if out.empty:
        return out
    out["value_delivered"] = out["realised_benefit"].fillna(0) + out["savings_realised"]
    cols = [
        "group",
        "who",
        "projects",
        "planned_benefit",
        "realised_benefit",
        "savings_likely",
        "savings_realised",
        "value_delivered",
    ]
    return out[cols].sort_values(
        ["group", "value_delivered"], ascending=[True, False], ignore_index=True
    )
