"""Headline KPIs for any viewer at any store version, so deltas compare like with like.

Every number comes through `queries.scoped`, so a sponsor's KPIs count only their projects.
NPS uses 0-10 answers only (1-10 scales are flagged at import and left out, with the count).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .access import Viewer
from .queries import NO_FILTERS, Filters, scoped
from .store import Store, one

OPEN_STATUSES = ("Open", "In progress")


@dataclass(frozen=True)
class Headline:
    """The overview numbers at one version (None where the entity is empty)."""

    projects: int
    red: int
    amber: int
    green: int
    budget: float
    forecast: float
    customers: int
    nps: float | None
    nps_n: int
    nps_excluded: int
    csat: float | None
    csat_n: int
    open_actions: int
    overdue_actions: int
    savings_likely: float
    savings_realised: float

    @property
    def forecast_variance(self) -> float | None:
        return (self.forecast - self.budget) / self.budget if self.budget else None


def headline(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, version: int | None = None
) -> Headline:
    cur = store.cursor()

    def q(entity: str, select: str) -> tuple:
        sql, params = scoped(store, entity, viewer, filters, version)
        return one(cur, f"SELECT {select} FROM ({sql})", params)

    p = q(
        "projects",
        "count(*), count(*) FILTER (rag = 'Red'), count(*) FILTER (rag = 'Amber'), "
        "count(*) FILTER (rag = 'Green'), coalesce(sum(budget), 0), "
        "coalesce(sum(coalesce(forecast_cost, budget)), 0)",
    )
    c = q("customers", "count(*)")
    f = q(
        "feedback",
        "count(nps) FILTER (coalesce(nps_scale, '0-10') <> '1-10'), "
        "avg(CASE WHEN nps >= 9 THEN 100 WHEN nps <= 6 THEN -100 ELSE 0 END) "
        "FILTER (nps IS NOT NULL AND coalesce(nps_scale, '0-10') <> '1-10'), "
        "count(nps) FILTER (nps_scale = '1-10'), count(csat), "
        "avg(CASE WHEN csat >= 4 THEN 1.0 ELSE 0.0 END) FILTER (csat IS NOT NULL)",
    )
    a = q(
        "actions",
        "count(*) FILTER (status IN ('Open', 'In progress')), "
        "count(*) FILTER (status IN ('Open', 'In progress') AND due_date < current_date)",
    )
    s = q("savings", "coalesce(sum(likely), 0), coalesce(sum(realised), 0)")
    return Headline(
        projects=p[0],
        red=p[1],
        amber=p[2],
        green=p[3],
        budget=p[4],
        forecast=p[5],
        customers=c[0],
        nps_n=f[0],
        nps=f[1],
        nps_excluded=f[2],
        csat_n=f[3],
        csat=f[4],
        open_actions=a[0],
        overdue_actions=a[1],
        savings_likely=s[0],
        savings_realised=s[1],
    )


def rag_by_portfolio(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Projects per portfolio and RAG (portfolio, rag, projects, budget)."""
    sql, params = scoped(store, "projects", viewer, filters)
    return (
        store.cursor()
        .execute(
            f"SELECT coalesce(portfolio, '(none)') AS portfolio, coalesce(rag, 'Unknown') AS rag, "
            f"count(*) AS projects, coalesce(sum(budget), 0) AS budget FROM ({sql}) "
            "GROUP BY ALL ORDER BY portfolio",
            params,
        )
        .df()
    )


def nps_trend(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, months: int = 24
) -> pd.DataFrame:
    """Monthly NPS with n and a 95% interval (normal approximation on the +1/0/-1 scores)."""
    sql, params = scoped(store, "feedback", viewer, filters)
    return (
        store.cursor()
        .execute(
            f"""WITH s AS (
              SELECT date_trunc('month', date) AS month,
                     CASE WHEN nps >= 9 THEN 1 WHEN nps <= 6 THEN -1 ELSE 0 END AS score
              FROM ({sql})
              WHERE nps IS NOT NULL AND coalesce(nps_scale, '0-10') <> '1-10'
                AND date >= (SELECT max(date) FROM ({sql})) - INTERVAL {int(months)} MONTH)
            SELECT month, count(*) AS n, 100 * avg(score) AS nps,
                   100 * 1.96 * coalesce(stddev_samp(score), 0) / sqrt(count(*)) AS margin
            FROM s GROUP BY month ORDER BY month""",
            params + params,
        )
        .df()
    )
