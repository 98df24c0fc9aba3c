"""Overview charts' data: RAG by portfolio and the monthly NPS trend, scoped by the viewer.

The tailored metrics themselves live in `overview.py`. NPS uses 0-10 answers only (1-10
scales are flagged at import and left out).
"""

from __future__ import annotations

import pandas as pd

from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, scoped
from pmo_data.store.versions import Store


def rag_by_portfolio(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Projects per portfolio and RAG (portfolio, rag, projects, budget)."""
    sql, params = scoped(store, "projects", viewer, filters)
    return store.df(
        f"SELECT coalesce(portfolio, '(none)') AS portfolio, coalesce(rag, 'Unknown') AS rag, "
        f"count(*) AS projects, coalesce(sum(budget), 0) AS budget FROM ({sql}) "
        "GROUP BY ALL ORDER BY portfolio",
        params,
    )


def nps_trend(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, months: int = 24
) -> pd.DataFrame:
    """Monthly NPS with n and a 95% interval (normal approximation on the +1/0/-1 scores)."""
    sql, params = scoped(store, "feedback", viewer, filters)
    return store.df(
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
