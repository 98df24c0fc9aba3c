"""The service-based PMO: the menu, demand against capacity, satisfaction, value for money,
who uses what, and what customers ask for that the menu does not offer.

The seeds' restaurant: a menu (catalogue) with the skills behind each dish, what customers
want and will pay for, and whether there are enough chefs. So each service gets
- utilisation = demand hours / capacity hours per month (over 100% over-demanded, 85-100%
  near capacity) and the people that gap represents (HOURS_PER_PERSON a month);
- a demand trend from what is tied to it month by month (active projects, feedback, actions);
- satisfaction (mean CSAT against its target with a 95% interval, NPS with n);
- value for money: charge and unit cost against satisfaction and usage;
- usage by customer segment, services nobody uses, and feedback themes no service covers.
Every row comes through `queries.scoped`, so a service owner sees only their services.
"""

from __future__ import annotations

import re
from datetime import date

import numpy as np
import pandas as pd

from pmo_data.analytics.feedback import themes
from pmo_data.analytics.feedback.scores import (
    AGGREGATES,
    mean_interval,
    reference_date,
    with_intervals,
)
from pmo_data.measures import ACTIVE_PROJECT, OPEN_ACTION, SMALL_N
from pmo_data.store.access import EVERYONE, Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, frame, scoped
from pmo_data.store.versions import Store

OVER = 1.0  # utilisation above this: over-demanded
NEAR = 0.85  # from this up to OVER: near capacity
HOURS_PER_PERSON = 130  # productive hours a month of one PMO person (the demo's assumption)
TREND_MONTHS = 24
TREND_WINDOW = 6  # months compared: the last six against the six before
TREND_STEP = 0.10  # a change beyond +-10% is rising / falling
STEM = 5  # theme terms match catalogue words sharing their first five letters
GENERIC = frozenset(
    {  # words too common in PMO comments to say what the request is about
        "project",
        "projects",
        "pmo",
        "team",
        "teams",
        "service",
        "services",
        "manager",
        "managers",
        "management",
        "time",
        "okay",
        "good",
        "great",
        "really",
        "just",
        "kept",
        "work",
        "need",
        "help",
        "new",
        "best",
        "well",
    }
)
GENERIC_ONLY = "Too generic to match"
CATALOGUE_COLUMNS = [
    "service_id",
    "name",
    "category",
    "owner",
    "description",
    "skills",
    "charge",
    "unit_cost",
    "capacity_hours",
    "demand_hours",
    "target_csat",
]


def catalogue(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """The menu: each service in view with its margin (charge - unit cost) and recovery."""
    df = frame(store, "services", viewer, filters, columns=CATALOGUE_COLUMNS)
    df = df.sort_values(["category", "name"], na_position="last", ignore_index=True)
    df["margin"] = df["charge"] - df["unit_cost"]
    with np.errstate(divide="ignore", invalid="ignore"):
        df["recovery"] = (df["charge"] / df["unit_cost"]).where(df["unit_cost"] > 0)
    return df


def usage(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per service in view: projects (and open ones), customers, responses and actions."""
    s_sql, s_p = scoped(store, "services", viewer, filters)
    p_sql, p_p = scoped(store, "projects", viewer, filters)
    f_sql, f_p = scoped(store, "feedback", viewer, filters)
    a_sql, a_p = scoped(store, "actions", viewer, filters)
    sql = f"""
    WITH p AS (SELECT service_id, count(*) AS projects,
                 count(*) FILTER ({ACTIVE_PROJECT}) AS open_projects
               FROM ({p_sql}) GROUP BY 1),
      f AS (SELECT service_id, count(*) AS responses FROM ({f_sql}) GROUP BY 1),
      a AS (SELECT service_id, count(*) AS actions,
              count(*) FILTER ({OPEN_ACTION}) AS open_actions
            FROM ({a_sql}) GROUP BY 1),
      c AS (SELECT service_id, count(DISTINCT customer_id) AS customers FROM (
              SELECT service_id, customer_id FROM ({p_sql})
              UNION ALL SELECT service_id, customer_id FROM ({f_sql}))
            WHERE customer_id IS NOT NULL GROUP BY 1)
    SELECT s.service_id, s.name AS service, coalesce(p.projects, 0) AS projects,
      coalesce(p.open_projects, 0) AS open_projects, coalesce(c.customers, 0) AS customers,
      coalesce(f.responses, 0) AS responses, coalesce(a.actions, 0) AS actions,
      coalesce(a.open_actions, 0) AS open_actions
    FROM ({s_sql}) s LEFT JOIN p USING (service_id) LEFT JOIN f USING (service_id)
      LEFT JOIN a USING (service_id) LEFT JOIN c USING (service_id)
    ORDER BY s.name"""
    params = p_p + f_p + a_p + p_p + f_p + s_p
    return store.df(sql, params)


def band(utilisation: float) -> str:
    """Over capacity (> 100%), near capacity (85-100%), within capacity, or unknown."""
    if utilisation is None or pd.isna(utilisation):
        return "No capacity recorded"
    if utilisation > OVER:
        return "Over capacity"
    return "Near capacity" if utilisation >= NEAR else "Within capacity"


def demand_capacity(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per service: demand, capacity, utilisation, band, shortfall in hours and in people,
    and the direction of demand (rising / steady / falling) from the monthly trend."""
    df = catalogue(store, viewer, filters)
    cap = df["capacity_hours"].where(df["capacity_hours"] > 0)
    df["utilisation"] = df["demand_hours"] / cap
    df["band"] = df["utilisation"].map(band)
    df["over"] = df["utilisation"] > OVER
    df["shortfall_hours"] = (df["demand_hours"] - df["capacity_hours"]).clip(lower=0)
    df["people_short"] = df["shortfall_hours"] / HOURS_PER_PERSON
    trend = trend_summary(demand_trend(store, viewer, filters))
    df = df.merge(trend, on="service_id", how="left")
    df["direction"] = df["direction"].fillna("no activity")
    return df.sort_values("utilisation", ascending=False, na_position="last", ignore_index=True)


def skills(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """The chefs: per skill (from the comma-separated `skills`), the services that need it,
    how many are over capacity, and the hours and people short across them."""
    load = demand_capacity(store, viewer, filters)
    cols = ["skill", "services", "over", "shortfall_hours", "people_short", "service_names"]
    if load.empty:
        return pd.DataFrame(columns=cols)
    long = load.assign(skill=load["skills"].fillna("").str.split(",")).explode("skill")
    long["skill"] = long["skill"].str.strip()
    long = long[long["skill"] != ""]
    long["key"] = long["skill"].str.lower()
    out = long.groupby("key").agg(
        skill=("skill", "first"),
        services=("service_id", "nunique"),
        over=("over", "sum"),
        shortfall_hours=("shortfall_hours", "sum"),
        people_short=("people_short", "sum"),
        service_names=("name", lambda x: ", ".join(sorted(x))),
    )
    out["over"] = out["over"].astype(int)
    out["skill"] = out["skill"].str[:1].str.upper() + out["skill"].str[1:]
    return out.sort_values(
        ["shortfall_hours", "services", "skill"], ascending=[False, False, True], ignore_index=True
    )[cols]


def _as_of(store: Store, viewer: Viewer, filters: Filters) -> date:
    ref = reference_date(store, viewer, filters)
    return pd.Timestamp(ref).date() if ref is not None and not pd.isna(ref) else date.today()


def demand_trend(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, months: int = TREND_MONTHS
) -> pd.DataFrame:
    """Per service and month (the last `months`, ending at the latest response in view):
    projects active that month, feedback responses and actions raised about the service.
    `partial` marks the month the data ends in when it is not complete."""
    ref = _as_of(store, viewer, filters)
    s_sql, s_p = scoped(store, "services", viewer, filters)
    p_sql, p_p = scoped(store, "projects", viewer, filters)
    f_sql, f_p = scoped(store, "feedback", viewer, filters)
    a_sql, a_p = scoped(store, "actions", viewer, filters)
    back = int(months) - 1
    sql = f"""
    WITH m AS (SELECT CAST(unnest(generate_series(
                 date_trunc('month', ?::DATE) - INTERVAL {back} MONTH,
                 date_trunc('month', ?::DATE), INTERVAL 1 MONTH)) AS DATE) AS month),
      s AS (SELECT service_id, name FROM ({s_sql})),
      grid AS (SELECT * FROM m CROSS JOIN s),
      p AS (SELECT m.month, p.service_id, count(*) AS n FROM m JOIN ({p_sql}) p
              ON p.start_date < m.month + INTERVAL 1 MONTH
             AND coalesce(p.forecast_end_date, p.end_date, DATE '2100-01-01') >= m.month
            GROUP BY ALL),
      f AS (SELECT date_trunc('month', date)::DATE AS month, service_id, count(*) AS n
            FROM ({f_sql}) GROUP BY ALL),
      a AS (SELECT date_trunc('month', raised_date)::DATE AS month, service_id, count(*) AS n
            FROM ({a_sql}) GROUP BY ALL)
    SELECT grid.month, grid.service_id, grid.name AS service,
      coalesce(p.n, 0) AS projects_active, coalesce(f.n, 0) AS responses,
      coalesce(a.n, 0) AS actions_raised
    FROM grid LEFT JOIN p USING (month, service_id) LEFT JOIN f USING (month, service_id)
      LEFT JOIN a USING (month, service_id)
    ORDER BY grid.name, grid.month"""
    params = [ref, ref] + s_p + p_p + f_p + a_p
    df = store.df(sql, params)
    ref_ts = pd.Timestamp(ref)
    df["partial"] = (pd.to_datetime(df["month"]) == ref_ts.to_period("M").start_time) & (
        not ref_ts.is_month_end
    )
    return df


def trend_summary(trend: pd.DataFrame, window: int = TREND_WINDOW) -> pd.DataFrame:
    """Per service: activity (projects + responses + actions) in the last `window` months
    against the `window` before (complete months only), its change and direction."""
    cols = ["service_id", "recent", "before", "change", "direction"]
    if trend.empty:
        return pd.DataFrame(columns=cols)
    t = trend[~trend["partial"]] if "partial" in trend else trend
    t = t.assign(activity=t[["projects_active", "responses", "actions_raised"]].sum(axis=1))
    months = np.sort(t["month"].unique())
    recent, before = months[-window:], months[-2 * window : -window]
    wide = t.pivot_table(index="service_id", columns="month", values="activity", aggfunc="sum")
    out = pd.DataFrame({"recent": wide[recent].sum(axis=1), "before": wide[before].sum(axis=1)})
    with np.errstate(divide="ignore", invalid="ignore"):
        out["change"] = (out["recent"] / out["before"] - 1).where(out["before"] > 0)
    out["direction"] = np.select(
        [
            (out["recent"] == 0) & (out["before"] == 0),
            out["before"] == 0,
            out["change"].round(9) > TREND_STEP,  # rounded: +10.0000001% is +10%
            out["change"].round(9) < -TREND_STEP,
        ],
        ["no activity", "new", "rising", "falling"],
        "steady",
    )
    return out.reset_index()[cols]


def satisfaction(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Per service in view: mean CSAT (1-5) with a 95% interval against its target, CSAT share
    satisfied and NPS with n and intervals. Services nobody rated stay, with n = 0."""
    s_sql, s_p = scoped(store, "services", viewer, filters)
    f_sql, f_p = scoped(store, "feedback", viewer, filters)
    df = store.df(
        f"""WITH agg AS (SELECT service_id, {AGGREGATES}, stddev_samp(csat) AS csat_sd
                  FROM ({f_sql}) WHERE service_id IS NOT NULL GROUP BY 1)
            SELECT s.service_id, s.name AS service, s.target_csat, agg.* EXCLUDE (service_id)
            FROM ({s_sql}) s LEFT JOIN agg USING (service_id) ORDER BY s.name""",
        f_p + s_p,
    )
    counts = [
        "responses",
        "nps_n",
        "promoters",
        "detractors",
        "nps_excluded",
        "csat_n",
        "csat_k",
        "effort_n",
    ]
    df[counts] = df[counts].fillna(0).astype(int)
    df = with_intervals(df)
    ci = [
        mean_interval(m, s, int(n))
        for m, s, n in zip(df["csat_mean"], df["csat_sd"], df["csat_n"], strict=True)
    ]
    df[["csat_mean_lo", "csat_mean_hi"]] = np.array(ci, dtype=float).reshape(-1, 2)
    df["gap"] = df["csat_mean"] - df["target_csat"]
    df["vs_target"] = [
        _vs_target(m, lo, hi, t, n)
        for m, lo, hi, t, n in zip(
            df["csat_mean"],
            df["csat_mean_lo"],
            df["csat_mean_hi"],
            df["target_csat"],
            df["csat_n"],
            strict=True,
        )
    ]
    return df


def _vs_target(mean, lo, hi, target, n) -> str:
    """Honest words: 'below' only when the whole 95% interval is below the target."""
    if not n:
        return "No ratings"
    if target is None or pd.isna(target):
        return "No target"
    if n < 2 or pd.isna(lo):
        return "Too few ratings"
    if hi < target:
        return "Below target"
    if lo > target:
        return "Above target"
    return "Around target"


def value_for_money(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """What customers value and will pay for: charge and unit cost against satisfaction and
    usage, with a verdict per service (charged or free x at/above or below target)."""
    cat = catalogue(store, viewer, filters)
    sat = satisfaction(store, viewer, filters)
    use = usage(store, viewer, filters)
    keep = [
        "service_id",
        "csat_mean",
        "csat_mean_lo",
        "csat_mean_hi",
        "csat_n",
        "nps",
        "nps_n",
        "vs_target",
        "small",
    ]
    df = cat.merge(sat[keep], on="service_id", how="left").merge(
        use.drop(columns="service"), on="service_id", how="left"
    )
    df["verdict"] = [
        _value_verdict(c, v) for c, v in zip(df["charge"], df["vs_target"], strict=True)
    ]
    return df


def _value_verdict(charge, vs_target) -> str:
    if vs_target in ("No ratings", "Too few ratings", "No target", None):
        return "Not enough ratings to judge"
    free = charge is None or pd.isna(charge) or charge == 0
    low = vs_target == "Below target"
    if free:
        return "Free, below target: rethink" if low else "Free and valued: could be charged"
    return "Charged, below target: at risk" if low else "Valued and paid for"


def segment_usage(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Distinct customers per segment and service (from their projects and feedback); every
    service in view appears, with zeros where no segment uses it."""
    s_sql, s_p = scoped(store, "services", viewer, filters)
    c_sql, c_p = scoped(store, "customers", viewer, filters)
    p_sql, p_p = scoped(store, "projects", viewer, filters)
    f_sql, f_p = scoped(store, "feedback", viewer, filters)
    sql = f"""
    WITH u AS (SELECT DISTINCT service_id, customer_id FROM (
        SELECT service_id, customer_id FROM ({p_sql})
        UNION ALL SELECT service_id, customer_id FROM ({f_sql}))
      WHERE service_id IS NOT NULL AND customer_id IS NOT NULL),
    c AS (SELECT customer_id, coalesce(segment, '(no segment)') AS segment FROM ({c_sql})),
    used AS (SELECT c.segment, u.service_id, count(*) AS customers
             FROM u JOIN c USING (customer_id) GROUP BY ALL),
    s AS (SELECT service_id, name FROM ({s_sql})),
    seg AS (SELECT DISTINCT segment FROM used)
    SELECT seg.segment, s.service_id, s.name AS service, coalesce(used.customers, 0) AS customers
    FROM seg CROSS JOIN s LEFT JOIN used USING (segment, service_id)
    ORDER BY seg.segment, s.name"""
    return store.df(sql, p_p + f_p + c_p + s_p)


def unused(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Services in view with no project, response or action in view: on the menu, not ordered."""
    use = usage(store, viewer, filters)
    none = use[(use["projects"] == 0) & (use["responses"] == 0) & (use["actions"] == 0)]
    cat = catalogue(store, viewer, filters)
    return cat[cat["service_id"].isin(none["service_id"])].reset_index(drop=True)


# -- requests the catalogue does not cover ----------------------------------------------------
def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", str(text).lower()) if len(w) >= 4}


def theme_terms(label: str) -> list[str]:
    """The distinctive terms of a theme label ('3. live, milestones, hit' -> live, milestones)."""
    body = re.sub(r"^\d+\.\s*", "", str(label))
    return [
        t for t in (w.strip().lower() for w in body.split(",")) if len(t) >= 4 and t not in GENERIC
    ]


def matching_terms(terms: list[str], text: str) -> list[str]:
    """Terms that appear in `text`: same word, or the same first STEM letters (report/reporting)."""
    stems = {w[:STEM] for w in _words(text)}
    return [t for t in terms if t[:STEM] in stems]


def coverage(
    themes_frame: pd.DataFrame, catalogue_frame: pd.DataFrame, visible: set
) -> pd.DataFrame:
    """Per theme: the terms and services that match it; status Covered / Covered outside your
    view / Not covered (or too generic to match, when no term is left). Pure (frames in, frame out) so the rule is testable by hand.

    themes_frame: theme, comments, negative_share. catalogue_frame: service_id, name,
    description, skills (the whole catalogue). visible: service ids the viewer may name.
    """
    rows = []
    texts = {
        r.service_id: (r.name, " ".join(str(x) for x in (r.name, r.description, r.skills) if x))
        for r in catalogue_frame.itertuples()
    }
    for r in themes_frame.itertuples():
        if r.theme == themes.NO_THEME:
            continue
        terms = theme_terms(r.theme)
        hits = {sid: matching_terms(terms, text) for sid, (_, text) in texts.items()}
        hits = {sid: t for sid, t in hits.items() if t}
        seen = sorted(texts[sid][0] for sid in hits if sid in visible)
        matched = sorted({t for ts in hits.values() for t in ts})
        status = (
            "Covered"
            if seen
            else "Covered outside your view"
            if hits
            else "Not covered"
            if terms
            else GENERIC_ONLY
        )
        rows.append(
            (
                r.theme,
                int(r.comments),
                float(r.negative_share),
                ", ".join(terms),
                ", ".join(matched),
                "; ".join(seen),
                status,
            )
        )
    cols = ["theme", "comments", "negative_share", "terms", "matched_terms", "services", "status"]
    out = pd.DataFrame(rows, columns=cols)
    order = {"Not covered": 0, "Covered outside your view": 1, "Covered": 2, GENERIC_ONLY: 3}
    return out.sort_values(
        ["status", "comments"],
        key=lambda s: s.map(order) if s.name == "status" else -s,
        ignore_index=True,
    )


def uncovered_requests(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Feedback themes in view matched against the whole catalogue (see `coverage`); only
    services the viewer may see are named."""
    drv = themes.drivers(store, viewer, filters)
    whole = frame(
        store,
        "services",
        EVERYONE,
        NO_FILTERS,
        columns=["service_id", "name", "description", "skills"],
    )
    visible = set(frame(store, "services", viewer, filters, columns=["service_id"])["service_id"])
    return coverage(drv, whole, visible)


def summary(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> dict:
    """Headline figures for the KPI row."""
    load = demand_capacity(store, viewer, filters)
    sat = satisfaction(store, viewer, filters)
    measured = load["capacity_hours"] > 0  # utilisation only where a capacity is recorded
    cap, dem = (
        load.loc[measured, "capacity_hours"].sum(),
        load.loc[measured, "demand_hours"].sum(),
    )
    return {
        "services": len(load),
        "over": int(load["over"].sum()),
        "near": int((load["band"] == "Near capacity").sum()),
        "capacity": float(cap),
        "demand": float(dem),
        "utilisation": float(dem / cap) if cap else float("nan"),
        "people_short": float(load["people_short"].sum()),
        "below_target": int((sat["vs_target"] == "Below target").sum()),
        "rated": int((sat["csat_n"] > 0).sum()),
        "small": int(((sat["csat_n"] > 0) & (sat["csat_n"] < SMALL_N)).sum()),
        "unused": len(unused(store, viewer, filters)),
    }


def service_ids(store: Store, viewer: Viewer) -> list[str]:
    """The ids of the services in the viewer's scope (for checking assumption sets)."""
    return frame(store, "services", viewer, columns=["service_id"])["service_id"].tolist()
