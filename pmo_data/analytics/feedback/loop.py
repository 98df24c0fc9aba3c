"""Closing the loop: actions linked to feedback, status, time to close, unanswered
detractors, and "did it work?" (difference in differences around a closed action or go-live).

Why difference in differences: satisfaction drifts for everyone (season, a PMO-wide change),
so "after minus before" for the affected customer alone over-claims. We subtract the same
change among the unaffected customers over the same dates. It is still not an experiment:
customers were not chosen at random, and with fewer than 30 answers in any cell we give no
verdict at all.
"""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd

from pmo_data.analytics.feedback.scores import reference_date
from pmo_data.measures import (
    CSAT_SATISFIED,
    DETRACTOR,
    DONE_ACTION,
    NPS_POINTS,
    OPEN_ACTION,
    OPEN_STATUSES,
    SMALL_N,
    VALID_NPS,
    Z,
)
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, scoped
from pmo_data.store.versions import Store

STATUS_ORDER = "[" + ", ".join(f"'{s}'" for s in (*OPEN_STATUSES, "Done", "Cancelled")) + "]"
METRICS = {
    "nps": (NPS_POINTS.sql, VALID_NPS.sql),
    "csat": (f"CASE WHEN {CSAT_SATISFIED} THEN 100.0 ELSE 0.0 END", "csat IS NOT NULL"),
}


def _rows(store: Store, sql: str, params: list) -> pd.DataFrame:
    return store.df(sql, params)


def actions(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, as_of: date | None = None
) -> pd.DataFrame:
    """Actions in view with customer name, linked response ids, theme and days overdue."""
    as_of = as_of or date.today()
    a_sql, a_p = scoped(store, "actions", viewer, filters)
    c_sql, c_p = scoped(store, "customers", viewer)
    return _rows(
        store,
        f"""SELECT a.action_id, a.title, a.status, a.owner,
            coalesce(c.name, a.customer_id) AS customer, a.customer_id, a.project_id,
            a.service_id, a.source,
            array_to_string(regexp_extract_all(coalesce(a.source, ''), 'R-\\d+'), ', ')
              AS responses,
            nullif(trim(regexp_replace(regexp_replace(coalesce(a.source, ''), 'R-\\d+[,;]?', '',
              'g'), '[()]', '', 'g')), '') AS theme,
            a.raised_date, a.due_date, a.closed_date,
            CASE WHEN {OPEN_ACTION.on("a")} AND a.due_date < ?::DATE
                 THEN date_diff('day', a.due_date, ?::DATE) END AS days_overdue,
            date_diff('day', a.raised_date, a.closed_date) AS days_to_close
        FROM ({a_sql}) a LEFT JOIN (SELECT customer_id, name FROM ({c_sql})) c
          USING (customer_id)
        ORDER BY a.due_date NULLS LAST, a.action_id""",
        [as_of, as_of] + a_p + c_p,
    )


def status_board(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Actions per status (status, actions, overdue), in workflow order."""
    a_sql, a_p = scoped(store, "actions", viewer, filters)
    return _rows(
        store,
        f"""SELECT coalesce(status, '(none)') AS status, count(*) AS actions,
            count(*) FILTER ({OPEN_ACTION} AND due_date < current_date) AS overdue
        FROM ({a_sql}) GROUP BY 1
        ORDER BY list_position({STATUS_ORDER}, any_value(status))
            NULLS LAST""",
        a_p,
    )


def time_to_close(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> dict:
    """Days from raised to closed for Done actions: n, median, quartiles and the values."""
    a_sql, a_p = scoped(store, "actions", viewer, filters)
    days = _rows(
        store,
        f"SELECT date_diff('day', raised_date, closed_date) AS days FROM ({a_sql}) "
        f"WHERE {DONE_ACTION} AND closed_date IS NOT NULL AND raised_date IS NOT NULL",
        a_p,
    )
    d = days["days"]
    q = d.quantile([0.25, 0.5, 0.75]) if len(d) else pd.Series([math.nan] * 3, [0.25, 0.5, 0.75])
    return {"n": len(d), "p25": q[0.25], "median": q[0.5], "p75": q[0.75], "days": days}


def unanswered_detractors(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    days: int = 30,
    as_of: date | None = None,
) -> dict:
    """Detractors (NPS 0-6) with no action for their customer within `days` of answering.

    An action counts if it names the response (an R-123 id) in its source, or was raised for the same
    customer between the response date and `days` later. Responses younger than `days` are
    still inside their window: counted apart as `pending`, not listed as missed.
    """
    as_of = as_of or date.today()
    f_sql, f_p = scoped(store, "feedback", viewer, filters)
    a_sql, a_p = scoped(store, "actions", viewer)
    c_sql, c_p = scoped(store, "customers", viewer)
    ctes = f"""WITH a AS ({a_sql}),
      named AS (SELECT DISTINCT unnest(regexp_extract_all(coalesce(source, ''), 'R-\\d+')) AS rid
                FROM a),
      d AS (SELECT * FROM ({f_sql}) f WHERE {VALID_NPS} AND {DETRACTOR}
              AND customer_id IS NOT NULL
              AND response_id NOT IN (SELECT rid FROM named WHERE rid IS NOT NULL)
              AND NOT EXISTS (SELECT 1 FROM a WHERE a.customer_id = f.customer_id
                  AND a.raised_date >= f.date AND a.raised_date <= f.date + {int(days)}))"""
    counts = store.row(
        f"{ctes} SELECT count(*) FILTER (date + {int(days)} < ?::DATE), "
        f"count(*) FILTER (date + {int(days)} >= ?::DATE) FROM d",
        a_p + f_p + [as_of, as_of],
    )
    rows = _rows(
        store,
        f"""{ctes} SELECT d.response_id, d.date, coalesce(c.name, d.customer_id) AS customer,
            d.nps, d.csat, d.comment, date_diff('day', d.date, ?::DATE) AS days_waiting
        FROM d LEFT JOIN (SELECT customer_id, name FROM ({c_sql})) c USING (customer_id)
        WHERE d.date + {int(days)} < ?::DATE
        ORDER BY d.date DESC, d.response_id LIMIT 500""",
        a_p + f_p + [as_of] + c_p + [as_of],
    )
    return {"missed": int(counts[0]), "pending": int(counts[1]), "rows": rows}


def _events(store, viewer, filters, kind: str, ref) -> tuple[str, list]:
    if kind == "project":
        p_sql, p_p = scoped(store, "projects", viewer, filters)
        return (
            f"SELECT project_id AS event_id, name AS title, customer_id, go_live_date AS t "
            f"FROM ({p_sql}) WHERE go_live_date IS NOT NULL AND go_live_date <= ?::DATE "
            "AND customer_id IS NOT NULL",
            p_p + [ref],
        )
    a_sql, a_p = scoped(store, "actions", viewer, filters)
    return (
        f"SELECT action_id AS event_id, title, customer_id, closed_date AS t FROM ({a_sql}) "
        f"WHERE {DONE_ACTION} AND closed_date IS NOT NULL AND customer_id IS NOT NULL",
        a_p,
    )


def did(cells: dict[str, tuple[float, float, float]]) -> tuple[float, float, float]:
    """(difference in differences, low, high) from (n, sum, sum of squares) per cell.

    Cells: tp (treated pre), tq (treated post), cp (control pre), cq (control post).
    """
    means, var = {}, 0.0
    for k, (n, s, ss) in cells.items():
        if n < 2:
            return (math.nan, math.nan, math.nan)
        means[k] = s / n
        var += max(ss - s * s / n, 0.0) / (n - 1) / n
    est = (means["tq"] - means["tp"]) - (means["cq"] - means["cp"])
    se = math.sqrt(var)
    return (est, est - Z * se, est + Z * se)


def did_it_work(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    kind: str = "action",
    window: int = 90,
    metric: str = "nps",
) -> pd.DataFrame:
    """Per closed action (or go-live): the affected customer's satisfaction `window` days
    before and after, against all other customers in view over the same dates.

    Columns: event_id, title, customer, t, n and mean per cell (tp, tq, cp, cq), did, lo, hi,
    verdict. Metric 'nps' (-100..100) or 'csat' (% satisfied).
    """
    value, valid = METRICS[metric]
    ref = reference_date(store, viewer, filters) or date.today()
    f_sql, f_p = scoped(store, "feedback", viewer, NO_FILTERS)
    e_sql, e_p = _events(store, viewer, filters, kind, ref)
    w = int(window)

    def agg(g: str) -> str:
        return ", ".join(
            f"coalesce(sum(x.{m}) FILTER ({cond}), 0) AS {g}_{m}_{k}"
            for k, cond in (("pre", "x.date < e.t"), ("post", "x.date >= e.t"))
            for m in ("n", "s", "ss")
        )

    sql = f"""WITH e AS ({e_sql}),
      fb AS (SELECT customer_id, date, {value} AS v FROM ({f_sql})
             WHERE {valid} AND customer_id IS NOT NULL AND date IS NOT NULL),
      cd AS (SELECT customer_id, date, count(*) AS n, sum(v) AS s, sum(v * v) AS ss
             FROM fb GROUP BY ALL),
      dd AS (SELECT date, sum(n) AS n, sum(s) AS s, sum(ss) AS ss FROM cd GROUP BY 1),
      tr AS (SELECT e.event_id, {agg("tr")} FROM e JOIN cd x ON x.customer_id = e.customer_id
             AND x.date >= e.t - {w} AND x.date < e.t + {w} GROUP BY 1),
      al AS (SELECT e.event_id, {agg("al")} FROM e JOIN dd x
             ON x.date >= e.t - {w} AND x.date < e.t + {w} GROUP BY 1)
    SELECT e.*, tr.* EXCLUDE (event_id), al.* EXCLUDE (event_id)
    FROM e LEFT JOIN tr USING (event_id) LEFT JOIN al USING (event_id)
    ORDER BY e.t DESC, e.event_id"""
    df = _rows(store, sql, e_p + f_p)
    num = [c for c in df.columns if c.startswith(("tr_", "al_"))]
    df[num] = df[num].fillna(0)
    if df.empty:
        return df
    cells = [f"{m}_{k}" for k in ("pre", "post") for m in ("n", "s", "ss")]
    tr = df[[f"tr_{c}" for c in cells]].to_numpy(float)
    al = df[[f"al_{c}" for c in cells]].to_numpy(float)
    ct = al - tr
    out = df[["event_id", "title", "customer_id", "t"]].copy()
    for name, arr, cols in (("tp", tr, 0), ("tq", tr, 3), ("cp", ct, 0), ("cq", ct, 3)):
        out[f"n_{name}"] = arr[:, cols].astype(int)
        out[f"s_{name}"], out[f"ss_{name}"] = arr[:, cols + 1], arr[:, cols + 2]
        with np.errstate(invalid="ignore", divide="ignore"):
            out[f"mean_{name}"] = arr[:, cols + 1] / arr[:, cols]
    res = [
        did(
            {
                "tp": tuple(tr[i, :3]),
                "tq": tuple(tr[i, 3:]),
                "cp": tuple(ct[i, :3]),
                "cq": tuple(ct[i, 3:]),
            }
        )
        for i in range(len(df))
    ]
    out[["did", "lo", "hi"]] = np.array(res, dtype=float).reshape(-1, 3)
    out["complete"] = (pd.to_datetime(out["t"]) + pd.Timedelta(days=w)) <= pd.Timestamp(ref)
    out["verdict"] = [verdict(r) for r in out.itertuples()]
    return out


def verdict(r) -> str:
    """Honest words for one DiD row: no verdict on thin data."""
    r = r if hasattr(r, "n_tp") else pd.Series(r)
    thin = int(min(r.n_tp, r.n_tq, r.n_cp, r.n_cq))
    if thin < SMALL_N:
        return f"Too little data for a verdict (smallest group n={thin})"
    tail = "" if r.complete else " (after-window not complete yet)"
    if r.lo > 0:
        return f"Improved by {r.did:.0f} points (95% CI {r.lo:.0f} to {r.hi:.0f}){tail}"
    if r.hi < 0:
        return f"Worsened by {-r.did:.0f} points (95% CI {r.lo:.0f} to {r.hi:.0f}){tail}"
    return f"No clear change ({r.did:+.0f}, 95% CI {r.lo:.0f} to {r.hi:.0f}){tail}"


def pooled(df: pd.DataFrame) -> dict:
    """All events together: cells summed over events, then one difference in differences.

    Caveat: a control response near several events counts once per event, so the interval
    is somewhat too narrow; read it as a direction, not a precise effect.
    """
    if df is None or df.empty:
        return {
            "events": 0,
            "did": math.nan,
            "lo": math.nan,
            "hi": math.nan,
            "verdict": "No events",
        }
    cells = {
        k: tuple(df[[f"n_{k}", f"s_{k}", f"ss_{k}"]].sum().to_numpy(float))
        for k in ("tp", "tq", "cp", "cq")
    }
    est, lo, hi = did(cells)
    row = pd.Series(
        {f"n_{k}": int(v[0]) for k, v in cells.items()}
        | {"did": est, "lo": lo, "hi": hi, "complete": True}
    )
    return {"events": len(df), **row.to_dict(), "verdict": verdict(row)}
