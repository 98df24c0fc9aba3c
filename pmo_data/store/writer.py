"""The Writer: one transaction on the store, on either backend. Every change (a version,
a rollback, a document, the access table, the audit log) goes through it, so it lands whole
or not at all, with its permission check and audit entry inside the same transaction."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable
from datetime import datetime
from typing import TYPE_CHECKING

import pandas as pd

from pmo_data.schema import ENTITIES, entity
from pmo_data.store import audit
from pmo_data.store import tables as tbl
from pmo_data.store.access import Viewer, require
from pmo_data.store.errors import (
    StoreError,
    VersionConflict,
)
from pmo_data.store.tables import TABLES

if TYPE_CHECKING:
    from pmo_data.store.versions import Store


class Writer:
    """One transaction on the store: everything written through it lands together, or nothing.

    Get one with `store.writing()`. SQL takes `?` placeholders on both backends; keep it to
    plain SELECT / INSERT / UPDATE / DELETE so it runs on DuckDB and PostgreSQL alike.
    """

    def __init__(self, store: Store, tx):
        self.store, self.tx = store, tx
        self.dirty = False  # anything written (so the generation moves)

    # -- plain SQL --------------------------------------------------------------------------
    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.tx.rows(sql, params)

    def df(self, sql: str, params: list | None = None) -> pd.DataFrame:
        """Rows of a query inside the transaction, as a DataFrame."""
        return self.tx.df(sql, params)

    def execute(self, sql: str, params: list | None = None) -> None:
        self.dirty = True
        self.tx.execute(sql, params)

    def meta(self, key: str) -> str | None:
        rows = self.rows("SELECT value FROM store_meta WHERE key = ?", [key])
        return rows[0][0] if rows else None

    def set_meta(self, key: str, value: object) -> None:
        # Updated in place: the writer lock is a row lock on `generation` (PostgreSQL).
        self.execute(
            "INSERT INTO store_meta VALUES (?, ?) ON CONFLICT (key) DO UPDATE "
            "SET value = excluded.value",
            [key, str(value)],
        )

    def current_version(self) -> int:
        return int(self.meta("current_version") or 0)

    # -- tables -----------------------------------------------------------------------------
    def insert(self, table: str, frame: pd.DataFrame, **constants) -> int:
        """Insert rows (any subset of the table's columns; missing ones become null)."""
        t = _table(table)
        unknown = [c for c in list(frame.columns) + list(constants) if c not in t.column_names]
        if unknown:
            what = table.removesuffix("_data")
            raise StoreError(f"{what}: columns {unknown} are not in the data model")
        self.dirty = True
        return self.tx.insert(t, frame, constants)

    def append(self, table: str, records: pd.DataFrame | dict | list[dict]) -> list[int]:
        """Add rows to an append-only table, numbering them after every row before (under
        the write lock, so numbers follow commit order). Returns the numbers given."""
        t = _table(table)
        if t.sync != "append":
            raise StoreError(f"{table} is not an append-only table")
        frame = records if isinstance(records, pd.DataFrame) else pd.DataFrame(_as_list(records))
        start = self.rows(f'SELECT coalesce(max("{t.order_by}"), 0) FROM {t.name}')[0][0] + 1
        ids = list(range(start, start + len(frame)))
        frame = frame.assign(**{t.order_by: ids})
        self.insert(table, frame)
        return ids

    def replace(self, table: str, frame: pd.DataFrame) -> int:
        """Make `frame` the whole content of a small mutable ("replace") table."""
        t = _table(table)
        if t.sync != "replace":
            raise StoreError(f"{table} is not a replaceable table")
        self.execute(f"DELETE FROM {t.name}")
        return self.insert(table, frame)

    # -- versions ---------------------------------------------------------------------------
    def snapshot_of(self, name: str, version: int) -> int | None:
        rows = self.rows(
            "SELECT snapshot FROM version_snapshots WHERE version = ? AND entity = ?",
            [version, name],
        )
        return rows[0][0] if rows else None

    def write_version(
        self,
        tables: dict[str, pd.DataFrame],
        *,
        action: str = "import",
        user: str | None = None,
        files: Iterable[dict] = (),
        issue_counts: dict | None = None,
        note: str = "",
        created_at: datetime | None = None,
        expected_version: int | None = None,
        viewer: Viewer | None = None,
    ) -> int:
        """A new version in this transaction, with its audit entry (see `Store.write_version`)."""
        for name in tables:
            entity(name)
        viewer = viewer or program_viewer(user)
        require(viewer, "clear" if action == "clear" else "import")
        files = list(files)
        current = self.current_version()
        if expected_version is not None and current != expected_version:
            raise VersionConflict(
                f"the store is at version {current}, not {expected_version} as expected"
            )
        version = self.rows("SELECT coalesce(max(version), 0) FROM versions")[0][0] + 1
        rows = {}
        for name, df in tables.items():
            self.insert(f"{name}_data", df, _snapshot=version)
            rows[name] = len(df)
        for name in ENTITIES:
            snap = version if name in tables else self.snapshot_of(name, current)
            if snap is not None:
                self.execute(
                    "INSERT INTO version_snapshots VALUES (?, ?, ?)", [version, name, snap]
                )
        self._version_row(
            version,
            created_at or datetime.now(),
            user or viewer.actor,
            action,
            note,
            files,
            rows,
            issue_counts or {},
            current or None,
        )
        self.set_meta("current_version", version)
        names = ", ".join(str(f.get("name", "?")) for f in files) if files else ""
        counts = ", ".join(f"{k} {len(v):,}" for k, v in tables.items())
        summary = {
            "clear": "store cleared",
            "demo": f"demo data loaded: {counts}",
        }.get(action, f"version {version}: {counts}" + (f" from {names}" if names else ""))
        audit.record(
            self,
            viewer,
            action if action in audit.ACTIONS else "import",
            summary,
            {"files": files, "rows": rows, "issues": issue_counts or {}, "note": note},
            store_version=version,
            at=created_at,
        )
        return version

    def rollback(
        self, version: int, *, user: str | None = None, viewer: Viewer | None = None
    ) -> int:
        viewer = viewer or program_viewer(user)
        require(viewer, "rollback")
        if not self.rows("SELECT 1 FROM versions WHERE version = ?", [version]):
            raise StoreError(f"version {version} does not exist; see `history` for the list")
        current = self.current_version()
        new = self.rows("SELECT max(version) + 1 FROM versions")[0][0]
        self.execute(
            "INSERT INTO version_snapshots SELECT ?, entity, snapshot "
            "FROM version_snapshots WHERE version = ?",
            [new, version],
        )
        counts = {}
        for name in ENTITIES:
            snap = self.snapshot_of(name, version)
            counts[name] = (
                0
                if snap is None
                else self.rows(
                    f"SELECT count(*) FROM {name}_data WHERE _snapshot = ?",
                    [snap],
                )[0][0]
            )
        self._version_row(
            new,
            datetime.now(),
            user or viewer.actor,
            "rollback",
            f"rolled back to version {version}",
            [],
            counts,
            {},
            current,
        )
        self.set_meta("current_version", new)
        audit.record(
            self,
            viewer,
            "rollback",
            f"version {new} holds version {version}'s data again",
            {"to": version, "rows": counts},
            store_version=new,
        )
        return new

    def _version_row(self, version, when, user, action, note, files, rows, issues, based_on):
        self.execute(
            "INSERT INTO versions (version, created_at, user_name, action, note, files, "
            "row_counts, issue_counts, based_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                version,
                when,
                user or _local_user(),
                action,
                note,
                json.dumps(files, default=str),
                json.dumps(rows),
                json.dumps(issues, default=str),
                based_on,
            ],
        )

    def _bump(self) -> None:
        self.set_meta("generation", int(self.meta("generation") or 0) + 1)


def _table(name: str) -> tbl.Table:
    try:
        return TABLES[name]
    except KeyError:
        raise StoreError(f"no table {name!r}; register it in pmo_data/store/tables.py") from None


def _as_list(records: dict | list[dict]) -> list[dict]:
    return [records] if isinstance(records, dict) else list(records)


def _local_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "local user"


def program_viewer(user: str | None = None) -> Viewer:
    """Who makes a change when no viewer is given: the program's user, as from the command
    line (whoever can run code against the store file can change it anyway)."""
    return Viewer("pmo_analyst", identity=user or _local_user(), via="cli")
