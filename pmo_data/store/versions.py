"""The DuckDB store: versioned entity snapshots, history, diff and rollback.

Why snapshots: every import is one transaction that writes new rows for the entities it
contains and points a new version at them; the other entities keep pointing at their previous
snapshot. Nothing is ever updated in place, so any version can be read, compared, or made
current again (a rollback is just a new version pointing at old snapshots), and a failed
import leaves the current version exactly as it was.

Readers query the views named after each entity (`projects`, `feedback`, ...), which always
show the current version; `entity_sql(entity, version)` gives the same rows for any version.
"""

from __future__ import annotations

import contextlib
import gc
import getpass
import json
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd

from pmo_data import settings
from pmo_data.schema import DERIVED_COLUMNS, ENTITIES, SYSTEM_COLUMNS, entity
from pmo_data.store import access_table, audit, failures
from pmo_data.store.access import DOCUMENT_ACTIONS, Viewer, require

SCHEMA_VERSION = 1
SLOW_QUERY_MS = 250
log = logging.getLogger(__name__)
DEFAULT_CURRENCY = "GBP"


def default_db_path() -> str:
    """The configured store (`settings.PMO_DB`), else `data/pmo.duckdb` in the repository."""
    return settings.db_location()


def data_columns(name: str) -> list[tuple[str, str]]:
    """(column, SQL type) of an entity as stored: canonical, derived, then provenance."""
    e = entity(name)
    cols = [(c.name, c.sql_type) for c in e.columns]
    cols += [(n, t) for n, t, _ in DERIVED_COLUMNS.get(name, ())]
    cols += [(n, t) for n, t, _ in SYSTEM_COLUMNS]
    return cols


def _ddl() -> list[str]:
    stmts = [
        "CREATE TABLE IF NOT EXISTS store_meta (key VARCHAR PRIMARY KEY, value VARCHAR)",
        """CREATE TABLE IF NOT EXISTS versions (
            version INTEGER PRIMARY KEY, created_at TIMESTAMP, user_name VARCHAR,
            action VARCHAR, note VARCHAR, files VARCHAR, row_counts VARCHAR,
            issue_counts VARCHAR, based_on INTEGER)""",
        """CREATE TABLE IF NOT EXISTS version_snapshots (
            version INTEGER, entity VARCHAR, snapshot INTEGER)""",
        """CREATE TABLE IF NOT EXISTS documents (
            kind VARCHAR, name VARCHAR, scope VARCHAR, payload VARCHAR,
            author VARCHAR, created_at TIMESTAMP)""",
        *audit.DDL,
        *access_table.DDL,
    ]
    for name in ENTITIES:
        cols = ", ".join(f'"{c}" {t}' for c, t in data_columns(name))
        stmts.append(f"CREATE TABLE IF NOT EXISTS {name}_data ({cols}, _snapshot INTEGER)")
        select = ", ".join(f'"{c}"' for c, _ in data_columns(name))
        stmts.append(
            f"""CREATE OR REPLACE VIEW {name} AS SELECT {select} FROM {name}_data
            WHERE _snapshot = (SELECT s.snapshot FROM version_snapshots s
                WHERE s.entity = '{name}' AND s.version =
                    (SELECT CAST(value AS INTEGER) FROM store_meta WHERE key = 'current_version'))"""
        )
    return stmts


@contextmanager
def _timed(sql: str):
    """Log each query's time at DEBUG, and at INFO when it is slow enough to feel."""
    start = time.perf_counter()
    try:
        yield
    finally:
        ms = (time.perf_counter() - start) * 1000
        level = logging.INFO if ms >= SLOW_QUERY_MS else logging.DEBUG
        if log.isEnabledFor(level):
            log.log(level, "query %.1f ms: %s", ms, " ".join(sql.split())[:200])


def one(con, sql: str, params: list | None = None):
    """First row of a query, consuming the whole result (DuckDB 2.0 keeps a half-read result
    pending and refuses further work on that connection)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


class StoreError(Exception):
    """A store operation the user asked for cannot be done (message says why and what to do)."""


class VersionConflict(StoreError):
    """A write made against one version found the store at another (someone wrote since)."""


@dataclass
class EntityDiff:
    """What changed in one entity between two versions."""

    entity: str
    added: pd.DataFrame
    removed: pd.DataFrame
    changed: pd.DataFrame  # key, column, old, new

    @property
    def summary(self) -> dict[str, int]:
        changed_rows = self.changed.iloc[:, 0].nunique() if len(self.changed) else 0
        return {"added": len(self.added), "removed": len(self.removed), "changed": changed_rows}


class Store:
    """One DuckDB database holding every version of every entity."""

    def __init__(self, path: str | os.PathLike | None = None, *, read_only: bool = False):
        self.path = str(path) if path is not None else default_db_path()
        self.read_only = read_only
        if self.path != ":memory:":
            try:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(failures.open_message(self.path, exc)) from None
        self.con = self._connect()
        self._write_lock = threading.Lock()
        if not read_only:
            self.migrate()

    # -- plumbing -------------------------------------------------------------------------
    def _connect(self) -> duckdb.DuckDBPyConnection:
        try:
            return duckdb.connect(self.path, read_only=self.read_only)
        except duckdb.Error as exc:
            raise StoreError(failures.open_message(self.path, exc)) from None

    def reopen(self) -> None:
        """Open the file again after DuckDB invalidated the connection (a write that failed at
        checkpoint: disk full or read-only). Without this every page for every user would show
        'database has been invalidated' until the server restarts."""
        old = self.con
        with contextlib.suppress(duckdb.Error):
            old.close()
        gc.collect()  # cursors of the old connection keep the invalidated database alive
        self.con = self._connect()
        log.warning("store %s reopened after a fatal error", self.path)

    def _guarded(self, fn):
        """Run `fn(cursor)`; if the database was invalidated, reopen it and try once more."""
        try:
            return fn(self.cursor())
        except duckdb.FatalException:
            self.reopen()
            return fn(self.cursor())

    def migrate(self) -> None:
        """Create what is missing; safe to run on every start."""
        for stmt in _ddl():
            self.con.execute(stmt)
        self.con.execute(
            "INSERT INTO store_meta VALUES ('schema_version', ?) ON CONFLICT DO NOTHING",
            [str(SCHEMA_VERSION)],
        )
        self.con.execute(
            "INSERT INTO store_meta VALUES ('currency', ?) ON CONFLICT DO NOTHING",
            [DEFAULT_CURRENCY],
        )
        self.con.execute(
            "INSERT INTO store_meta VALUES ('current_version', '0') ON CONFLICT DO NOTHING"
        )

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for one reader thread (DuckDB connections are not shared across threads)."""
        return self.con.cursor()

    # -- the one read path: every model's query goes through these, timed and logged ------
    def df(
        self, sql: str, params: list | None = None, frames: dict[str, pd.DataFrame] | None = None
    ) -> pd.DataFrame:
        """Rows of a bound-parameter query as a DataFrame; `frames` are joinable by name."""

        def query(cur):
            for name, frame in (frames or {}).items():
                cur.register(name, frame)
            return cur.execute(sql, params or []).df()

        with _timed(sql):
            return self._guarded(query)

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        """Rows of a bound-parameter query as tuples."""
        with _timed(sql):
            return self._guarded(lambda cur: cur.execute(sql, params or []).fetchall())

    def row(self, sql: str, params: list | None = None) -> tuple | None:
        """The first row of a bound-parameter query, or None."""
        with _timed(sql):
            return self._guarded(lambda cur: cur.execute(sql, params or []).fetchone())

    def close(self) -> None:
        self.con.close()

    @contextmanager
    def transaction(self) -> Iterator:
        """One write transaction on its own cursor: committed if the block ends normally,
        rolled back (and the error re-raised) otherwise."""
        with self._write_lock:
            con = self.con.cursor()
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
                con.execute("COMMIT")
            except BaseException as exc:
                self._abandon(con, exc)
                raise
            finally:
                with contextlib.suppress(duckdb.Error):
                    con.close()

    def _meta(self, key: str, con=None) -> str | None:
        sql = "SELECT value FROM store_meta WHERE key = ?"
        row = one(con, sql, [key]) if con else self._guarded(lambda cur: one(cur, sql, [key]))
        return row[0] if row else None

    def _set_meta(self, key: str, value: str, con=None) -> None:
        (con or self.con).execute(
            "INSERT OR REPLACE INTO store_meta VALUES (?, ?)", [key, str(value)]
        )

    # -- reading --------------------------------------------------------------------------
    @property
    def currency(self) -> str:
        return self._meta("currency") or DEFAULT_CURRENCY

    def set_currency(self, code: str) -> None:
        code = code.strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise StoreError(f"currency {code!r} is not a 3-letter ISO code such as GBP or EUR")
        self._set_meta("currency", code)

    def current_version(self, con=None) -> int:
        return int(self._meta("current_version", con) or 0)

    def previous_version(self) -> int | None:
        """The version before the current one (for deltas), or None."""
        v = self.current_version()
        row = one(self.cursor(), "SELECT max(version) FROM versions WHERE version < ?", [v])
        return row[0] if row and row[0] is not None else None

    def snapshot_of(self, name: str, version: int | None = None, con=None) -> int | None:
        entity(name)
        v = self.current_version(con) if version is None else version
        row = one(
            (con or self.cursor()),
            "SELECT snapshot FROM version_snapshots WHERE version = ? AND entity = ?",
            [v, name],
        )
        return row[0] if row else None

    def entity_sql(self, name: str, version: int | None = None) -> tuple[str, list]:
        """A subquery (SQL, params) of an entity's rows at a version (default: current)."""
        entity(name)
        cols = ", ".join(f'"{c}"' for c, _ in data_columns(name))
        if version is None:
            return f"SELECT {cols} FROM {name}", []
        sql = (
            f"SELECT {cols} FROM {name}_data WHERE _snapshot = (SELECT snapshot FROM "
            "version_snapshots WHERE version = ? AND entity = ?)"
        )
        return sql, [version, name]

    def frame(self, name: str, version: int | None = None) -> pd.DataFrame:
        """All rows of an entity at a version, unscoped: for the CLI and tests, not pages."""
        sql, params = self.entity_sql(name, version)
        return self.cursor().execute(sql, params).df()

    def counts(self, version: int | None = None) -> dict[str, int]:
        out = {}
        cur = self.cursor()
        for name in ENTITIES:
            sql, params = self.entity_sql(name, version)
            out[name] = one(cur, f"SELECT count(*) FROM ({sql})", params)[0]
        return out

    def is_empty(self) -> bool:
        return not any(self.counts().values())

    def history(self) -> pd.DataFrame:
        """Every version, newest first, with its JSON fields decoded."""
        df = self.cursor().execute("SELECT * FROM versions ORDER BY version DESC").df()
        for col in ("files", "row_counts", "issue_counts"):
            df[col] = [json.loads(x) if x else {} for x in df[col]]
        return df

    def version_info(self, version: int) -> dict | None:
        df = self.history()
        row = df[df["version"] == version]
        return None if row.empty else row.iloc[0].to_dict()

    # -- writing --------------------------------------------------------------------------
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
        """Atomically add a version replacing `tables` and keeping every other entity.

        Frames may hold any subset of an entity's stored columns; missing ones become null.
        Either the whole version lands or nothing changes. `created_at` (default now) lets the
        demo date last month's export a month back. `expected_version`: the version the tables
        were computed against; if the store has moved since, `VersionConflict` and no write.
        `viewer` is who makes the change: refused
        unless they may (see `access.may`); without one, the program's own user (as from the
        command line). The audit entry lands in the same transaction.
        """
        for name in tables:
            entity(name)
        viewer = viewer or program_viewer(user)
        require(viewer, "clear" if action == "clear" else "import")
        files = list(files)
        with self.transaction() as con:
            found = self.current_version(con)
            if expected_version is not None and found != expected_version:
                raise VersionConflict(
                    f"the store is at version {found}, not {expected_version} as expected"
                )
            version = self._write(
                con, tables, action, user or viewer.actor, files, issue_counts, note, created_at
            )
            names = ", ".join(f.get("name", "?") for f in files) if files else ""
            counts = ", ".join(f"{k} {len(v):,}" for k, v in tables.items())
            summary = {
                "clear": "store cleared",
                "demo": f"demo data loaded: {counts}",
            }.get(action, f"version {version}: {counts}" + (f" from {names}" if names else ""))
            audit.record(
                con,
                viewer,
                action if action in audit.ACTIONS else "import",
                summary,
                {
                    "files": list(files),
                    "rows": {k: len(v) for k, v in tables.items()},
                    "issues": issue_counts or {},
                    "note": note,
                },
                store_version=version,
                at=created_at,
            )
        log.info(
            "store %s: version %s written (%s by %s): %s",
            self.path,
            version,
            action,
            viewer.actor,
            ", ".join(f"{n} {len(df):,} rows" for n, df in tables.items()),
        )
        return version

    def _write(self, con, tables, action, user, files, issue_counts, note, created_at) -> int:
        current = self.current_version(con)
        version = one(con, "SELECT coalesce(max(version), 0) FROM versions")[0] + 1
        rows = {}
        for name, df in tables.items():
            known = {c for c, _ in data_columns(name)}
            unknown = [c for c in df.columns if c not in known]
            if unknown:
                raise StoreError(f"{name}: columns {unknown} are not in the data model")
            con.register("_incoming", df)
            try:
                cols = ", ".join(f'"{c}"' for c in df.columns)
                con.execute(
                    f"INSERT INTO {name}_data ({cols}, _snapshot) SELECT {cols}, ? FROM _incoming",
                    [version],
                )
            finally:
                with contextlib.suppress(duckdb.Error):  # keep the real error, not this one
                    con.unregister("_incoming")
            rows[name] = len(df)
        for name in ENTITIES:
            snap = version if name in tables else self.snapshot_of(name, current, con)
            if snap is not None:
                con.execute("INSERT INTO version_snapshots VALUES (?, ?, ?)", [version, name, snap])
        con.execute(
            "INSERT INTO versions VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                version,
                created_at or datetime.now(),
                user or _local_user(),
                action,
                note,
                json.dumps(list(files), default=str),
                json.dumps(rows),
                json.dumps(issue_counts or {}),
                current or None,
            ],
        )
        self._set_meta("current_version", str(version), con)
        return version

    def _abandon(self, con, exc: BaseException) -> None:
        """Roll back a failed write and raise its real cause as a StoreError.

        A COMMIT that fails has already ended the transaction, so the ROLLBACK after it fails
        too ('no transaction is active'): that second error must not hide the first (disk full).
        A failure at checkpoint invalidates the database: reopen it for everyone else."""
        with contextlib.suppress(duckdb.Error):
            con.execute("ROLLBACK")
        if isinstance(exc, duckdb.Error):
            log.error("store write failed: %s", exc)
            if isinstance(exc, duckdb.FatalException):
                with contextlib.suppress(duckdb.Error, StoreError):
                    con.close()
                    self.reopen()
            raise StoreError(failures.write_message(exc)) from exc

    def rollback(
        self, version: int, *, user: str | None = None, viewer: Viewer | None = None
    ) -> int:
        """Make `version`'s data current again, as a new version (so nothing is lost)."""
        viewer = viewer or program_viewer(user)
        require(viewer, "rollback")
        if self.version_info(version) is None:
            raise StoreError(f"version {version} does not exist; see `history` for the list")
        with self._write_lock:
            con = self.con.cursor()
            con.execute("BEGIN TRANSACTION")
            try:
                new = one(con, "SELECT max(version) + 1 FROM versions")[0]
                con.execute(
                    "INSERT INTO version_snapshots SELECT ?, entity, snapshot "
                    "FROM version_snapshots WHERE version = ?",
                    [new, version],
                )
                counts = {}
                for name in ENTITIES:
                    sql, params = self.entity_sql(name, version)
                    counts[name] = one(con, f"SELECT count(*) FROM ({sql})", params)[0]
                con.execute(
                    "INSERT INTO versions VALUES (?, ?, ?, 'rollback', ?, '[]', ?, '{}', ?)",
                    [
                        new,
                        datetime.now(),
                        user or viewer.actor,
                        f"rolled back to version {version}",
                        json.dumps(counts),
                        self.current_version(con),
                    ],
                )
                audit.record(
                    con,
                    viewer,
                    "rollback",
                    f"version {new} holds version {version}'s data again",
                    {"to": version, "rows": counts},
                    store_version=new,
                )
                self._set_meta("current_version", str(new), con)
                con.execute("COMMIT")
            except BaseException as exc:
                self._abandon(con, exc)
                raise
            finally:
                with contextlib.suppress(duckdb.Error):
                    con.close()
        return new

    def clear(self, *, user: str | None = None, viewer: Viewer | None = None) -> int:
        """Empty every entity as a new version (roll back to get the data back)."""
        empty = {
            name: pd.DataFrame({entity(name).key: pd.Series([], dtype="string")})
            for name in ENTITIES
        }
        return self.write_version(
            empty, action="clear", user=user, note="store cleared", viewer=viewer
        )

    # -- comparing ------------------------------------------------------------------------
    def diff(self, v1: int, v2: int, names: Iterable[str] | None = None) -> dict[str, EntityDiff]:
        """Rows added, removed and changed (field by field) from version v1 to v2."""
        for v in (v1, v2):
            if self.version_info(v) is None:
                raise StoreError(f"version {v} does not exist; see `history` for the list")
        cur = self.cursor()
        out = {}
        for name in names or ENTITIES:
            e = entity(name)
            a_sql, a_p = self.entity_sql(name, v1)
            b_sql, b_p = self.entity_sql(name, v2)
            if self.snapshot_of(name, v1) == self.snapshot_of(name, v2):
                blank = pd.DataFrame()
                out[name] = EntityDiff(
                    name, blank, blank, pd.DataFrame(columns=[e.key, "column", "old", "new"])
                )
                continue
            k = f'"{e.key}"'
            added = cur.execute(
                f"SELECT * FROM ({b_sql}) b WHERE {k} NOT IN (SELECT {k} FROM ({a_sql}) x "
                f"WHERE {k} IS NOT NULL)",
                b_p + a_p,
            ).df()
            removed = cur.execute(
                f"SELECT * FROM ({a_sql}) a WHERE {k} NOT IN (SELECT {k} FROM ({b_sql}) x "
                f"WHERE {k} IS NOT NULL)",
                a_p + b_p,
            ).df()
            parts = [
                f'SELECT a.{k} AS {k}, \'{c.name}\' AS "column", CAST(a."{c.name}" AS VARCHAR) '
                f'AS old, CAST(b."{c.name}" AS VARCHAR) AS new FROM a JOIN b USING ({k}) '
                f'WHERE a."{c.name}" IS DISTINCT FROM b."{c.name}"'
                for c in e.columns
                if c.name != e.key
            ]
            changed = cur.execute(
                f"WITH a AS ({a_sql}), b AS ({b_sql}) "
                + " UNION ALL ".join(parts)
                + f" ORDER BY {k}",
                a_p + b_p,
            ).df()
            out[name] = EntityDiff(name, added, removed, changed)
        return out

    # -- saved documents (weight profiles, assumption sets, assessments, mappings) ----------
    def save_document(
        self,
        kind: str,
        name: str,
        payload: object,
        *,
        author: str | None = None,
        scope: str | None = None,
        viewer: Viewer | None = None,
        summary: str | None = None,
    ) -> None:
        """Append a named document; the newest per (kind, name) is current, older are history.

        Refused unless `viewer` may make this kind of change (`access.DOCUMENT_ACTIONS`); the
        audit entry lands in the same transaction."""
        viewer = viewer or program_viewer(author)
        action = DOCUMENT_ACTIONS[kind]
        require(viewer, action)
        with self.transaction() as con:
            con.execute(
                "INSERT INTO documents VALUES (?, ?, ?, ?, ?, ?)",
                [
                    kind,
                    name,
                    scope,
                    json.dumps(payload, default=str),
                    author or viewer.actor,
                    datetime.now(),
                ],
            )
            audit.record(
                con,
                viewer,
                action,
                summary or f"{kind.replace('_', ' ')} '{name}'",
                {"kind": kind, "name": name, "scope": scope, "author": author},
            )

    # -- the access table and the audit log (see access_table.py, audit.py) -----------------
    def access_grants(self, version: int | None = None) -> list:
        """The access table (current, or at an access version) as Grants."""
        return access_table.grants(self, version)

    def access_version(self) -> int:
        return access_table.current_version(self)

    def record_audit(
        self, viewer: Viewer, action: str, summary: str, detail: object = None
    ) -> None:
        """An audit entry for something that changes nothing else (an admin's 'view as')."""
        with self.transaction() as con:
            audit.record(con, viewer, action, summary, detail, self.current_version(con))

    def audit_log(self, **filters) -> pd.DataFrame:
        """Audit entries newest first; filters as in `audit.entries`."""
        return audit.entries(self, **filters)

    def latest_document(self, kind: str, name: str) -> dict | None:
        row = one(
            self.cursor(),
            "SELECT payload FROM documents WHERE kind = ? AND name = ? "
            "ORDER BY created_at DESC LIMIT 1",
            [kind, name],
        )
        return json.loads(row[0]) if row else None

    def documents(self, kind: str, *, latest_only: bool = True) -> pd.DataFrame:
        """Documents of a kind (newest first); with latest_only one row per name."""
        df = (
            self.cursor()
            .execute("SELECT * FROM documents WHERE kind = ? ORDER BY created_at DESC", [kind])
            .df()
        )
        if latest_only and not df.empty:
            df = df.drop_duplicates("name")
        df["payload"] = [json.loads(p) for p in df["payload"]]
        return df.reset_index(drop=True)


def _local_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in some containers
        return "local user"


def program_viewer(user: str | None = None) -> Viewer:
    """Who makes a change when no viewer is given: the program's user, as from the command
    line (whoever can run code against the store file can change it anyway)."""
    return Viewer("pmo_analyst", identity=user or _local_user(), via="cli")
