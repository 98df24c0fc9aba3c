"""The audit log: who changed what, when, and from where (the app or the command line).

Every change goes through the store, and the store appends one entry per change in the same
transaction as the change itself: imports, rollbacks, clears, mappings saved, weight profiles,
double-count decisions, assumption sets, maturity assessments, access-table changes, and an
admin's "view as". The log is append-only: nothing in the app or the CLI updates or deletes
an entry (a house-rule test checks that no code does).
"""

from __future__ import annotations

import json
import uuid
from datetime import datetime

import pandas as pd

from pmo_data.store.access import Viewer
from pmo_data.store.tables import Table, register

AUDIT_LOG = register(
    Table(
        "audit_log",
        (
            ("entry_id", "VARCHAR"),
            ("logged_at", "TIMESTAMP"),
            ("actor", "VARCHAR"),
            ("via", "VARCHAR"),
            ("view_label", "VARCHAR"),
            ("action", "VARCHAR"),
            ("summary", "VARCHAR"),
            ("detail", "VARCHAR"),
            ("store_version", "INTEGER"),
            ("seq", "BIGINT"),
        ),
        sync="append",
        order_by="seq",
        primary_key=("entry_id",),
        help="Every change: who, when, from where (app or command line), what; append-only.",
    )
)

# What the log calls each kind of change (the Data page filter lists these).
ACTIONS: dict[str, str] = {
    "import": "Import",
    "demo": "Demo data loaded",
    "rollback": "Rollback",
    "clear": "Store cleared",
    "mapping": "Column mapping saved",
    "weights": "Weight profile saved",
    "double_count": "Double-count decision",
    "assumptions": "Assumption set saved",
    "maturity": "Maturity assessment",
    "access": "Access table changed",
    "view_as": "Admin viewed as someone",
}


def fetch_frame(db, sql: str, params: list) -> pd.DataFrame:
    """A query as a DataFrame through the store's executor (`Store.df`, the in-memory copy) or
    a write in progress (`Writer.df`, the system of record)."""
    return db.df(sql, params)


def fetch_rows(db, sql: str, params: list) -> list[tuple]:
    """Rows through the store's executor (`Store.rows`) or a write in progress (`Writer.rows`)."""
    return db.rows(sql, params)


COLUMNS = [
    "logged_at",
    "actor",
    "via",
    "view_label",
    "action",
    "summary",
    "detail",
    "store_version",
]


def record(
    w,
    viewer: Viewer,
    action: str,
    summary: str,
    detail: object = None,
    store_version: int | None = None,
    at: datetime | None = None,
) -> None:
    """Append one entry through the store's `Writer` `w` (inside the caller's transaction, so
    the change and its entry land together or not at all)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}; one of {list(ACTIONS)}")
    w.append(
        "audit_log",
        {
            "entry_id": uuid.uuid4().hex,
            "logged_at": at or datetime.now(),
            "actor": viewer.actor,
            "via": viewer.via,
            "view_label": "command line" if viewer.via == "cli" else viewer.label,
            "action": action,
            "summary": summary,
            "detail": json.dumps(detail, default=str) if detail is not None else None,
            "store_version": store_version,
        },
    )


def entries(
    db,
    *,
    action: str | None = None,
    actor: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int | None = None,
) -> pd.DataFrame:
    """Entries newest first, optionally filtered (bound parameters only)."""
    where, params = ["TRUE"], []
    if action:
        where.append("action = ?")
        params.append(action)
    if actor:
        where.append("lower(actor) LIKE ?")
        params.append(f"%{actor.lower()}%")
    if since:
        where.append("logged_at >= ?")
        params.append(since)
    if until:
        where.append("logged_at <= ?")
        params.append(until)
    sql = f"SELECT {', '.join(COLUMNS)} FROM audit_log WHERE {' AND '.join(where)} ORDER BY logged_at DESC, seq DESC"
    if limit:
        sql += " LIMIT ?"
        params.append(int(limit))
    return fetch_frame(db, sql, params)
