"""Last month's demo export, derived from this month's, so the demo has a history.

A real PMO imports monthly; with a single version the overview's deltas, "what changed" and
"is the portfolio getting healthier?" would have nothing to compare. This rewinds the demo
frames by a month, believably: newer feedback, actions and projects did not exist yet, recently
closed actions were still open, projects were less complete, some RAGs differed (more got worse
than better this month) and forecasts had slipped less.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

DAYS = 30


def _before(s: pd.Series, cut: np.datetime64) -> pd.Series:
    return pd.to_datetime(s) <= pd.Timestamp(cut)


def earlier(frames: dict[str, pd.DataFrame], today: date, seed: int = 7) -> dict:
    """The frames as they stood `DAYS` days before `today` (same columns, fewer/older rows)."""
    rng = np.random.default_rng(seed + 1)
    cut = np.datetime64(today, "D") - np.timedelta64(DAYS, "D")
    out = {}

    p = frames["projects"].copy()
    p = p[p["start_date"].isna() | _before(p["start_date"], cut)].copy()
    live = p["stage"].fillna("") != "Closed"
    draw = rng.random(len(p))
    rag = p["rag"].copy()
    # this month: 30% of Red turned Red from Amber, 10% of Amber from Green; 12% of Green
    # recovered from Amber; so last month was healthier on Red, worse on some Green
    rag[live & (p["rag"] == "Red") & (draw < 0.30)] = "Amber"
    rag[live & (p["rag"] == "Amber") & (draw < 0.10)] = "Green"
    rag[live & (p["rag"] == "Green") & (draw < 0.12)] = "Amber"
    p["rag"] = rag
    pc = p["percent_complete"]
    p["percent_complete"] = np.where(live, (pc - rng.uniform(3, 9, len(p))).clip(0, 100), pc)
    slip = pd.to_datetime(p["forecast_end_date"]) - pd.to_datetime(p["end_date"])
    back = pd.to_timedelta(rng.integers(0, 21, len(p)), unit="D")
    slipped = live & (slip > pd.Timedelta(0))
    p.loc[slipped, "forecast_end_date"] = (
        pd.to_datetime(p.loc[slipped, "forecast_end_date"]) - back[slipped.to_numpy()]
    ).dt.date
    over = live & (p["forecast_cost"] > p["budget"])
    p.loc[over, "forecast_cost"] = p.loc[over, "forecast_cost"] * rng.uniform(0.95, 1.0, over.sum())
    p["actual_cost"] = np.where(live, p["actual_cost"] * 0.94, p["actual_cost"])
    p["realised_benefit"] = p["realised_benefit"] * 0.92
    out["projects"] = p

    c = frames["customers"].copy()
    recent = ~_before(c["last_contact_date"], cut) & c["last_contact_date"].notna()
    c.loc[recent, "last_contact_date"] = (
        pd.to_datetime(c.loc[recent, "last_contact_date"]) - pd.Timedelta(days=DAYS + 5)
    ).dt.date
    out["customers"] = c

    f = frames["feedback"]
    out["feedback"] = f[_before(f["date"], cut)].copy()

    a = frames["actions"].copy()
    a = a[a["raised_date"].isna() | _before(a["raised_date"], cut)].copy()
    reopened = a["closed_date"].notna() & ~_before(a["closed_date"], cut)
    a.loc[reopened, "status"] = "In progress"
    a.loc[reopened, "closed_date"] = None
    out["actions"] = a

    s = frames["services"].copy()
    s["demand_hours"] = (s["demand_hours"] * 0.95).round(0)
    out["services"] = s

    sv = frames["savings"].copy()
    sv = sv[sv["period_start"].isna() | _before(sv["period_start"], cut)].copy()
    sv["realised"] = (sv["realised"] * 0.9).round(0)
    out["savings"] = sv
    return out
