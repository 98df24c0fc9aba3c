"""One project seen whole: facts, its customers and what they say, actions, savings, history.

Everything is read through `queries.scoped`, so asking for a project outside the viewer's
scope returns None (the page says so) rather than leaking its facts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from pmo_data.measures import NPS_POINTS, VALID_NPS
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, scoped
from pmo_data.store.versions import Store

TRACKED = ("rag", "stage", "forecast_end_date", "forecast_cost", "percent_complete")
FIELD_WORDS = {
    "rag": "RAG",
    "stage": "stage",
    "forecast_end_date": "forecast end",
    "forecast_cost": "forecast cost",
    "percent_complete": "complete",
}


@dataclass
class ProjectDetail:
    facts: dict
    customers: pd.DataFrame
    feedback: pd.DataFrame
    nps: float | None
    nps_n: int
    actions: pd.DataFrame
    savings: pd.DataFrame
    history: pd.DataFrame
    changes: list[str] = field(default_factory=list)


def _rows(store: Store, entity: str, viewer: Viewer, where: str, params: list, order: str = ""):
    sql, p = scoped(store, entity, viewer, NO_FILTERS)
    return store.df(f"SELECT * FROM ({sql}) WHERE {where} {order}", p + params)


def detail(store: Store, viewer: Viewer, project_id: str) -> ProjectDetail | None:
    """The project's page, or None when it does not exist or is outside the viewer's scope."""
    facts = _rows(store, "projects", viewer, "project_id = ?", [project_id])
    if facts.empty:
        return None
    row = facts.iloc[0].to_dict()
    feedback = _rows(
        store, "feedback", viewer, "project_id = ?", [project_id], "ORDER BY date DESC"
    )
    cust_ids = {row.get("customer_id")} | set(feedback["customer_id"].dropna())
    cust_ids.discard(None)
    customers = _rows(
        store,
        "customers",
        viewer,
        "list_contains(?, customer_id)",
        [sorted(str(c) for c in cust_ids)],
        "ORDER BY annual_value DESC NULLS LAST",
    )
    f_sql, f_p = scoped(store, "feedback", viewer, NO_FILTERS)
    nps = store.row(
        f"SELECT avg({NPS_POINTS}), count(*) FROM ({f_sql}) WHERE project_id = ? AND {VALID_NPS}",
        f_p + [project_id],
    )
    actions = _rows(
        store, "actions", viewer, "project_id = ?", [project_id], "ORDER BY due_date NULLS LAST"
    )
    savings = _rows(store, "savings", viewer, "project_id = ?", [project_id], "ORDER BY saving_id")
    hist = history(store, viewer, project_id)
    return ProjectDetail(
        facts=row,
        customers=customers,
        feedback=feedback,
        nps=nps[0],
        nps_n=int(nps[1] or 0),
        actions=actions,
        savings=savings,
        history=hist,
        changes=changes(hist),
    )


def history(store: Store, viewer: Viewer, project_id: str) -> pd.DataFrame:
    """The tracked fields of the project at every version that holds it, oldest first."""
    frames = []
    hist = store.history()
    for _, v in hist.iloc[::-1].iterrows():
        version = int(v["version"])
        if store.snapshot_of("projects", version) is None:
            continue
        sql, params = scoped(store, "projects", viewer, NO_FILTERS, version)
        cols = ", ".join(TRACKED)
        part = store.df(f"SELECT {cols} FROM ({sql}) WHERE project_id = ?", params + [project_id])
        if not part.empty:
            frames.append(part.assign(version=version, imported_at=v["created_at"]))
    if not frames:
        return pd.DataFrame(columns=["version", "imported_at", *TRACKED])
    out = pd.concat(frames, ignore_index=True)
    out = out[["version", "imported_at", *TRACKED]]
    # keep only versions where something tracked changed (plus the first)
    key = out[list(TRACKED)].astype(str)
    return out[key.ne(key.shift()).any(axis=1)].reset_index(drop=True)


def changes(hist: pd.DataFrame) -> list[str]:
    """Plain sentences for each change between consecutive kept versions."""
    out = []
    for i in range(1, len(hist)):
        a, b = hist.iloc[i - 1], hist.iloc[i]
        moved = [
            f"{FIELD_WORDS[c]} {_fmt(a[c], c)} → {_fmt(b[c], c)}"
            for c in TRACKED
            if str(a[c]) != str(b[c])
        ]
        out.append(f"Version {int(b['version'])}: " + "; ".join(moved))
    return out


def _fmt(x, column: str = "") -> str:
    if x is None or (isinstance(x, float) and pd.isna(x)) or x is pd.NaT:
        return "–"
    if isinstance(x, pd.Timestamp):
        return f"{x:%d %b %Y}"
    if column == "percent_complete":
        return f"{float(x):.0f}%"
    if isinstance(x, float):
        return f"{x:,.0f}"
    return str(x)
