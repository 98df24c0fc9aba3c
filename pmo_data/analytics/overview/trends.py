"""Overview charts' data: RAG by portfolio and the monthly NPS trend, scoped by the viewer.

The tailored metrics themselves live in `overview.py`. NPS uses 0-10 answers only (1-10
scales are flagged at import and left out).
"""

from __future__ import annotations

import pandas as pd

from pmo_data.measures import DETRACTOR, PROMOTER, VALID_NPS, nps_interval
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
    """Monthly NPS with n and the same 95% interval as the Feedback page (`nps_interval`)."""
    sql, params = scoped(store, "feedback", viewer, filters)
    df = store.df(
        f"""SELECT date_trunc('month', date) AS month, count(*) AS n,
                   count(*) FILTER ({PROMOTER}) AS promoters,
                   count(*) FILTER ({DETRACTOR}) AS detractors
            FROM ({sql})
            WHERE {VALID_NPS}
              AND date >= (SELECT max(date) FROM ({sql})) - INTERVAL {int(months)} MONTH
            GROUP BY month ORDER BY month""",
        params + params,
    )
    scores = [
        nps_interval(int(p), int(d), int(n))
        for p, d, n in zip(df["promoters"], df["detractors"], df["n"], strict=True)
    ]
    df["nps"] = [s[0] for s in scores]
    df["nps_lo"] = [s[1] for s in scores]
    df["nps_hi"] = [s[2] for s in scores]
    return df[["month", "n", "nps", "nps_lo", "nps_hi"]]
