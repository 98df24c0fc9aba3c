"""Feedback analytics: NPS, CSAT and effort with n and 95% intervals, trends and breakdowns.

Every number is aggregated in DuckDB over `queries.scoped(...)` (GROUP BY in SQL), so a page
never pulls a million responses into pandas; only the small aggregated frame gets its
intervals added here.

- NPS = % promoters (9-10) - % detractors (0-6), -100..100. Its interval uses the variance of
  the +1/0/-1 scores, p + d - (p - d)^2 (normal approximation), clipped to -100..100.
- CSAT = share of 4-5 ratings on the 1-5 scale, with a Wilson 95% interval.
- Effort = mean effort score (1 very easy .. 5 very hard) with a t interval.
Answers given on a 1-10 scale (`nps_scale == '1-10'`) are never mixed into NPS: they are left
out, counted, and their mean reported separately. Samples under 30 are flagged `small`.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from scipy import stats

from pmo_data.measures import (
    CSAT_SATISFIED,
    DETRACTOR,
    NPS_POINTS,
    PROMOTER,
    SMALL_N,
    VALID_NPS,
    nps_interval,
    wilson,
)
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, scoped
from pmo_data.store.versions import Store

PERIODS = {"month": "month", "quarter": "quarter"}

# The aggregate columns every summary, trend and breakdown shares (one definition).
AGGREGATES = f"""
    count(*) AS responses,
    count(*) FILTER ({VALID_NPS}) AS nps_n,
    count(*) FILTER ({VALID_NPS} AND {PROMOTER}) AS promoters,
    count(*) FILTER ({VALID_NPS} AND {DETRACTOR}) AS detractors,
    count(nps) FILTER (nps_scale = '1-10') AS nps_excluded,
    avg(nps) FILTER (nps_scale = '1-10') AS nps_1_10_mean,
    count(csat) AS csat_n,
    count(*) FILTER ({CSAT_SATISFIED}) AS csat_k,
    avg(csat) AS csat_mean,
    count(effort_score) AS effort_n,
    avg(effort_score) AS effort_mean,
    stddev_samp(effort_score) AS effort_sd"""

# Breakdown dimensions: label expression over feedback f joined to scoped lookups.
DIMENSIONS = {
    "customer": "coalesce(c.name, f.customer_id, '(no customer)')",
    "segment": "coalesce(c.segment, '(no segment)')",
    "service": "coalesce(s.name, f.service_id, '(no service)')",
    "project": "coalesce(p.name, f.project_id, '(no project)')",
    "respondent_role": "coalesce(f.respondent_role, '(no role)')",
}


def mean_interval(mean: float, sd: float, n: int) -> tuple[float, float]:
    """t-based 95% interval for a mean; NaNs when it cannot be computed."""
    if not n or n < 2 or mean is None or sd is None or pd.isna(sd):
        return (math.nan, math.nan)
    half = stats.t.ppf(0.975, n - 1) * sd / math.sqrt(n)
    return (mean - half, mean + half)


def with_intervals(df: pd.DataFrame) -> pd.DataFrame:
    """Add nps/csat/effort with low/high and `small` to a frame of AGGREGATES columns."""
    out = df.copy()
    if out.empty:
        for c in ("nps", "nps_lo", "nps_hi", "csat", "csat_lo", "csat_hi", "effort_lo"):
            out[c] = pd.Series(dtype="float64")
        out["effort_hi"] = pd.Series(dtype="float64")
        out["small"] = pd.Series(dtype="bool")
        return out
    nps = [
        nps_interval(int(p), int(d), int(n))
        for p, d, n in zip(out["promoters"], out["detractors"], out["nps_n"], strict=True)
    ]
    out[["nps", "nps_lo", "nps_hi"]] = np.array(nps, dtype=float).reshape(-1, 3)
    cs = [wilson(int(k), int(n)) for k, n in zip(out["csat_k"], out["csat_n"], strict=True)]
    out[["csat", "csat_lo", "csat_hi"]] = np.array(cs, dtype=float).reshape(-1, 3)
    ef = [
        mean_interval(m, s, int(n))
        for m, s, n in zip(out["effort_mean"], out["effort_sd"], out["effort_n"], strict=True)
    ]
    out[["effort_lo", "effort_hi"]] = np.array(ef, dtype=float).reshape(-1, 2)
    out["small"] = out["nps_n"] < SMALL_N
    return out


def _feedback(store: Store, viewer: Viewer, filters: Filters, version=None):
    return scoped(store, "feedback", viewer, filters, version)


def summary(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, version: int | None = None
) -> dict:
    """Headline NPS, CSAT and effort for the view, each with n and a 95% interval."""
    sql, params = _feedback(store, viewer, filters, version)
    df = store.df(f"SELECT {AGGREGATES} FROM ({sql})", params)
    row = with_intervals(df).iloc[0].to_dict()
    row["csat_small"] = row["csat_n"] < SMALL_N
    row["effort_small"] = row["effort_n"] < SMALL_N
    return row


def trend(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, period: str = "quarter"
) -> pd.DataFrame:
    """NPS/CSAT/effort per month or quarter, with intervals (period, responses, nps...)."""
    unit = PERIODS.get(period, "quarter")
    sql, params = _feedback(store, viewer, filters)
    df = store.df(
        f"SELECT date_trunc('{unit}', date) AS period, {AGGREGATES} FROM ({sql}) "
        "WHERE date IS NOT NULL GROUP BY 1 ORDER BY 1",
        params,
    )
    return with_intervals(df)


def _joined(store: Store, viewer: Viewer, filters: Filters) -> tuple[str, list]:
    """Scoped feedback f LEFT JOIN scoped customers c, services s, projects p (for labels)."""
    f_sql, f_p = _feedback(store, viewer, filters)
    c_sql, c_p = scoped(store, "customers", viewer)
    s_sql, s_p = scoped(store, "services", viewer)
    p_sql, p_p = scoped(store, "projects", viewer)
    sql = (
        f"({f_sql}) f LEFT JOIN (SELECT customer_id, name, segment FROM ({c_sql})) c "
        "USING (customer_id) "
        f"LEFT JOIN (SELECT service_id AS sid, name FROM ({s_sql})) s ON s.sid = f.service_id "
        f"LEFT JOIN (SELECT project_id AS pid, name FROM ({p_sql})) p ON p.pid = f.project_id"
    )
    return sql, f_p + c_p + s_p + p_p


def breakdown(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, by: str = "segment"
) -> pd.DataFrame:
    """NPS/CSAT/effort per customer, segment, service, project or respondent role."""
    label = DIMENSIONS[by]
    src, params = _joined(store, viewer, filters)
    df = store.df(
        f"SELECT {label} AS label, {AGGREGATES} FROM {src} GROUP BY 1 "
        "ORDER BY responses DESC, label",
        params,
    )
    return with_intervals(df)


def reference_date(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS):
    """The latest response date in view: windows like 'last two quarters' end here."""
    sql, params = _feedback(store, viewer, filters)
    row = store.row(f"SELECT max(date) FROM ({sql})", params)
    return row[0] if row else None


def falling_customers(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    days: int = 182,
    min_n: int = 5,
    top: int = 15,
) -> pd.DataFrame:
    """Customers whose NPS fell most: the last `days` (two quarters) against the `days` before.

    Only customers with at least `min_n` 0-10 answers in both windows; `small` marks n < 30.
    """
    src, params = _joined(store, viewer, filters)
    ref = reference_date(store, viewer, filters)
    if ref is None:
        return pd.DataFrame(
            columns=[
                "customer_id",
                "customer",
                "nps_before",
                "n_before",
                "nps_recent",
                "n_recent",
                "change",
                "first_low",
                "small",
            ]
        )
    score = NPS_POINTS.on("f")
    df = store.df(
        f"""SELECT f.customer_id, any_value(coalesce(c.name, f.customer_id)) AS customer,
                avg({score}) FILTER (f.date <= ?::DATE - {int(days)}) AS nps_before,
                count(*) FILTER (f.date <= ?::DATE - {int(days)}) AS n_before,
                avg({score}) FILTER (f.date > ?::DATE - {int(days)}) AS nps_recent,
                count(*) FILTER (f.date > ?::DATE - {int(days)}) AS n_recent,
                min(f.date) FILTER (f.date > ?::DATE - {int(days)} AND {DETRACTOR.on("f")}) AS first_low
            FROM {src}
            WHERE {VALID_NPS} AND f.customer_id IS NOT NULL
              AND f.date > ?::DATE - {2 * int(days)} AND f.date <= ?::DATE
            GROUP BY 1 HAVING n_before >= ? AND n_recent >= ?
            ORDER BY nps_recent - nps_before, customer LIMIT ?""",
        [ref] * 5 + params + [ref] * 2 + [min_n, min_n, top],
    )
    df["change"] = df["nps_recent"] - df["nps_before"]
    df["small"] = (df["n_before"] < SMALL_N) | (df["n_recent"] < SMALL_N)
    return df[df["change"] < 0].reset_index(drop=True)


def window(filters) -> str:
    """The window of the feedback in view, said in every label that counts it (on the
    Feedback page and in the brief alike): 'all time', 'since 01 Jan 2026', or the range."""
    if filters.date_from and filters.date_to:
        return f"{filters.date_from:%d %b %Y} – {filters.date_to:%d %b %Y}"
    if filters.date_from:
        return f"since {filters.date_from:%d %b %Y}"
    if filters.date_to:
        return f"to {filters.date_to:%d %b %Y}"
    return "all time"
