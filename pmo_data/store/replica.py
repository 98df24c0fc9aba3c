"""Each process's in-memory DuckDB copy of the store, where every read query runs.

Why a copy: analytics are DuckDB SQL, and the system of record (a DuckDB file shared with
scheduled imports, or PostgreSQL shared with other app servers) must never be held open by a
reader. The copy follows the store cheaply because almost nothing in the store is ever
updated in place: versions, snapshot pointers, documents and audit entries are only appended,
and an entity's rows are immutable snapshots. So a refresh asks for one number (`generation`,
bumped by every write) and, when it moved, copies only the new rows, in one transaction on the
copy, so a query never sees half a refresh. Entity snapshots are copied when needed: the
current and previous versions' on refresh, older ones the first time a query asks for them.

A page run pins one version (`Store.at`) and names its snapshots explicitly, so rows of a newer
import that arrive mid-run are invisible to it: a run never mixes two versions.
"""

from __future__ import annotations

import contextlib
import threading

import duckdb

from pmo_data.schema import ENTITIES
from pmo_data.store.tables import TABLES, Table, data_table


def _views() -> list[str]:
    """Views named after each entity showing the copy's current version (for ad-hoc SQL)."""
    out = []
    for name in ENTITIES:
        t = data_table(name)
        cols = ", ".join(f'"{c}"' for c in t.column_names if c != "_snapshot")
        out.append(
            f"""CREATE OR REPLACE VIEW {name} AS SELECT {cols} FROM {t.name}
            WHERE _snapshot = (SELECT s.snapshot FROM version_snapshots s
                WHERE s.entity = '{name}' AND s.version =
                    (SELECT CAST(value AS INTEGER) FROM store_meta WHERE key = 'current_version'))"""
        )
    return out


class Replica:
    """The copy one process reads from; `refresh()` brings it up to the store's generation."""

    def __init__(self, backend):
        self.backend = backend
        self.lock = threading.RLock()
        self._reset()

    def reset(self) -> None:
        """Start afresh with an empty copy (after DuckDB reported the copy itself broken)."""
        with self.lock:
            old = None if self.shared else self.con
            self._reset()
            if old is not None:
                with contextlib.suppress(duckdb.Error):
                    old.close()

    def _reset(self) -> None:
        self.shared = self.backend.shared is not None
        self.con = self.backend.shared if self.shared else duckdb.connect(":memory:")
        self.generation: int | None = None
        self.token = None
        self.marks: dict[str, object] = {}
        self.loaded: set[tuple[str, int]] = set()
        self.tables: set[str] = set()
        self._ensure_tables()

    def _ensure_tables(self) -> None:
        """Create the copy's tables (and views), including ones registered since."""
        missing = [t for n, t in TABLES.items() if n not in self.tables]
        if not missing:
            return
        for t in missing:
            self.con.execute(t.ddl("duckdb"))
            self.tables.add(t.name)
        for stmt in _views():
            self.con.execute(stmt)

    @property
    def ready(self) -> bool:
        return self.generation is not None

    def cursor(self) -> duckdb.DuckDBPyConnection:
        return self.con.cursor()

    # -- following the store ------------------------------------------------------------------
    def refresh(self, wait: float) -> bool:
        """Copy what changed since the last refresh; True if anything did."""
        with self.lock:
            if self.shared:
                self._ensure_tables()
                gen = self._local_generation()
                changed = gen != self.generation
                self.generation = gen
                return changed
            token = self.backend.token()
            if token is not None and token == self.token and self.ready:
                return False
            self._ensure_tables()
            try:
                with self.backend.reading(self.con, wait) as src:
                    gen = int(_meta(src, "generation") or 0)
                    changed = gen != self.generation
                    if changed:
                        self._pull(src)
                    self.generation = gen
            except duckdb.FatalException:
                self.reset()  # the copy itself broke (e.g. out of memory): start afresh
                raise
            self.token = token
            return changed

    def _local_generation(self) -> int:
        row = (
            self.con.cursor()
            .execute("SELECT value FROM store_meta WHERE key = 'generation'")
            .fetchall()
        )
        return int(row[0][0]) if row else 0

    def _pull(self, src) -> None:
        cur = self.con.cursor()
        cur.execute("BEGIN TRANSACTION")
        try:
            for t in TABLES.values():
                if t.sync == "append":
                    self._pull_append(src, cur, t)
                elif t.sync == "replace":
                    cur.execute(f"DELETE FROM {t.name}")
                    src.copy_into(cur, t, "TRUE", [])
            for name, snap in self._wanted(cur):
                self._pull_snapshot(src, cur, name, snap)
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            self.loaded = {k for k in self.loaded if k in self._committed_snapshots()}
            self.marks.clear()  # recomputed from what the copy really holds
            raise
        finally:
            cur.close()

    def _pull_append(self, src, cur, t: Table) -> None:
        mark = self.marks.get(t.name)
        if mark is None:
            mark = cur.execute(f'SELECT max("{t.order_by}") FROM {t.name}').fetchall()[0][0]
        if mark is None:
            src.copy_into(cur, t, "TRUE", [])
        else:
            src.copy_into(cur, t, f'"{t.order_by}" > ?', [mark])
        self.marks[t.name] = cur.execute(f'SELECT max("{t.order_by}") FROM {t.name}').fetchall()[0][
            0
        ]

    def _pull_snapshot(self, src, cur, name: str, snap: int) -> None:
        if (name, snap) in self.loaded:
            return
        src.copy_into(cur, data_table(name), "_snapshot = ?", [snap])
        self.loaded.add((name, snap))

    def _committed_snapshots(self) -> set[tuple[str, int]]:
        out = set()
        for name in ENTITIES:
            t = data_table(name)
            for (snap,) in (
                self.con.cursor().execute(f"SELECT DISTINCT _snapshot FROM {t.name}").fetchall()
            ):
                out.add((name, snap))
        return out

    def _wanted(self, cur) -> list[tuple[str, int]]:
        """Snapshots of the current and the previous version (what pages read first)."""
        rows = cur.execute(
            """WITH cur AS (SELECT CAST(value AS INTEGER) AS v FROM store_meta
                            WHERE key = 'current_version'),
                    prev AS (SELECT max(version) AS v FROM versions WHERE version < (SELECT v FROM cur))
               SELECT entity, snapshot FROM version_snapshots
               WHERE version IN (SELECT v FROM cur UNION ALL SELECT v FROM prev)"""
        ).fetchall()
        return [(e, s) for e, s in rows if e in ENTITIES]

    def ensure_snapshot(self, name: str, snap: int, wait: float) -> None:
        """Make one entity snapshot available in the copy (no-op when it is)."""
        if self.shared or (name, snap) in self.loaded:
            return
        with self.lock:
            if (name, snap) in self.loaded:
                return
            with self.backend.reading(self.con, wait) as src:
                cur = self.con.cursor()
                cur.execute("BEGIN TRANSACTION")
                try:
                    self._pull_snapshot(src, cur, name, snap)
                    cur.execute("COMMIT")
                except BaseException:
                    cur.execute("ROLLBACK")
                    self.loaded.discard((name, snap))
                    raise
                finally:
                    cur.close()

    def close(self) -> None:
        if not self.shared:
            self.con.close()


def _meta(src, key: str) -> str | None:
    rows = src.rows("SELECT value FROM {src}.store_meta WHERE key = ?", [key])
    return rows[0][0] if rows else None
