"""How old each entity's data is, and whether the metrics computed from it are stale.

Two ages per entity: when its current rows were imported (the version that wrote its snapshot;
a rollback keeps the original import's date), and, for feedback, the date of the latest
response in it. Each entity has a window: feedback older than 12 months no longer says how
customers feel now; a projects or actions export older than the monthly reporting period no
longer says where delivery stands. Every metric computed from data older than its window is
named as stale, for every viewer (scoped: an account lead whose customers last answered four
years ago is told so even when other customers answered last week).

Pages, the sidebar and the briefs read this module: `entity_freshness` (per entity: ages,
window, stale), `stale_notes` (one sentence per stale entity, ready to show) and `age_text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd

from pmo_data.schema import ENTITIES, entity
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, scoped


@dataclass(frozen=True)
class Window:
    """How old an entity's data may be before the metrics from it are stale."""

    days: int
    basis: str  # "data": the latest date in the rows; "import": when the rows were imported
    period: str  # the window in words
    metrics: str  # what is computed from the entity, in words


WINDOWS: dict[str, Window] = {
    "feedback": Window(365, "data", "12 months", "NPS, CSAT, effort and comment themes"),
    "projects": Window(
        35, "import", "the monthly reporting period", "RAG, schedule, cost and benefit figures"
    ),
    "actions": Window(
        35, "import", "the monthly reporting period", "open, overdue and closed actions"
    ),
    "savings": Window(100, "import", "a quarter", "savings and benefit figures"),
    "services": Window(100, "import", "a quarter", "service capacity, demand and utilisation"),
    "customers": Window(365, "import", "12 months", "customer tiers, account leads and contacts"),
}


@dataclass(frozen=True)
class Freshness:
    """One entity's age for one viewer."""

    entity: str
    rows: int
    imported_at: datetime | None
    import_age_days: int | None
    latest: date | None  # latest date in the rows (entities with a date column)
    data_age_days: int | None
    window: Window
    stale: bool

    @property
    def age_days(self) -> int | None:
        """The age the window is judged on."""
        return self.data_age_days if self.window.basis == "data" else self.import_age_days

    @property
    def note(self) -> str | None:
        """One sentence for a stale entity, saying how old and what it affects."""
        if not self.stale:
            return None
        label = entity(self.entity).label
        if self.window.basis == "data":
            what = "response" if self.entity == "feedback" else "row"
            head = (
                f"{label}: the latest {what} is from {self.latest:%d %b %Y} "
                f"({age_text(self.data_age_days)} ago)"
            )
        else:
            head = (
                f"{label}: last imported {self.imported_at:%d %b %Y} "
                f"({age_text(self.import_age_days)} ago)"
            )
        return (
            f"{head}, older than {self.window.period}: {self.window.metrics} describe then, not now"
        )


def age_text(days: int | None) -> str:
    """'today', '3 days', '5 weeks', '4 months', '2 years'."""
    if days is None:
        return "unknown"
    if days <= 0:
        return "today"
    if days < 14:
        return f"{days} day{'s' if days != 1 else ''}"
    if days < 60:
        return f"{days // 7} weeks"
    if days < 730:
        return f"{round(days / 30.44)} months"
    return f"{days // 365} years"


def _imported_at(store, name: str, version: int | None) -> datetime | None:
    """When the entity's current rows were imported: the version that wrote its snapshot."""
    snap = store.snapshot_of(name, version)
    if snap is None:
        return None
    row = store.row("SELECT created_at FROM versions WHERE version = ?", [snap])
    return pd.Timestamp(row[0]).to_pydatetime() if row and row[0] is not None else None


def entity_freshness(
    store,
    viewer: Viewer | None = None,
    *,
    version: int | None = None,
    today: date | None = None,
    names: tuple[str, ...] | None = None,
) -> dict[str, Freshness]:
    """Per entity (default all): rows in the viewer's scope, ages, and whether it is stale.

    An entity with no rows in scope is never stale (nothing is computed from it)."""
    today = today or date.today()
    viewer = viewer or Viewer()
    out = {}
    for name in names or tuple(ENTITIES):
        e, w = entity(name), WINDOWS[name]
        sql, params = scoped(store, name, viewer, NO_FILTERS, version)
        latest_sql = f'max("{e.date_column}")' if e.date_column else "NULL"
        n, latest = store.row(f"SELECT count(*), {latest_sql} FROM ({sql}) s", params)
        latest = pd.Timestamp(latest).date() if latest is not None else None
        imported = _imported_at(store, name, version) if n else None
        import_age = (today - imported.date()).days if imported else None
        data_age = (today - latest).days if latest else None
        age = data_age if w.basis == "data" else import_age
        stale = bool(n) and age is not None and age > w.days
        out[name] = Freshness(name, int(n), imported, import_age, latest, data_age, w, stale)
    return out


def stale_notes(
    store,
    names: tuple[str, ...] | None = None,
    viewer: Viewer | None = None,
    *,
    version: int | None = None,
    today: date | None = None,
) -> list[str]:
    """One sentence per stale entity among `names` (default all), for pages and briefs."""
    fresh = entity_freshness(store, viewer, version=version, today=today, names=names)
    return [f.note for f in fresh.values() if f.stale]
