"""The store: versioned entity snapshots, history, diff, rollback and saved documents.

Why snapshots: every import is one transaction that writes new rows for the entities it
contains and points a new version at them; the other entities keep pointing at their previous
snapshot. Nothing is ever updated in place, so any version can be read, compared, or made
current again (a rollback is just a new version pointing at old snapshots), and a failed
import leaves the current version exactly as it was.

One contract, two deployments (`PMO_DB`): a DuckDB file on this machine (`embedded.py`) or a
PostgreSQL database shared by a team (`team.py`). Either way the store is the system of record
for writes, and every read runs in DuckDB SQL on this process's in-memory copy
(`replica.py`) through one executor, `df(sql, params)`. Neither deployment is held open while
idle, so imports, the CLI and several app servers share one store.

A page run reads the version once and pins it (`store.at(version)`); `entity_sql(name)` then
names that version's snapshots, so a run that straddles an import never mixes two versions.
"""

from __future__ import annotations

import contextlib
import copy
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

import duckdb
import pandas as pd

from pmo_data import settings
from pmo_data.schema import ENTITIES, entity
from pmo_data.settings import REPO_ROOT  # noqa: F401  (the demo finds its workbook from here)
from pmo_data.store import access_table, audit, failures
from pmo_data.store.access import DOCUMENT_ACTIONS, Viewer, require
from pmo_data.store.errors import (
    StoreBusy,
    StoreError,
    StoreUnavailable,
    VersionConflict,
    first_line,
)
from pmo_data.store.replica import Replica
from pmo_data.store.tables import TABLES, data_columns, data_table
from pmo_data.store.writer import (
    Writer,
    _local_user,
    program_viewer,
)

__all__ = ["Store", "StoreError", "StoreBusy", "StoreUnavailable", "EntityDiff", "data_columns"]

SCHEMA_VERSION = 2
DEFAULT_CURRENCY = "GBP"
SLOW_QUERY_MS = 250
log = logging.getLogger(__name__)


def default_db_path() -> str:
    """The configured store (`settings.PMO_DB`), else `data/pmo.duckdb` in the repository."""
    return settings.db_location()


def one(con, sql: str, params: list | None = None):
    """First row of a query, consuming the whole result (DuckDB 2.0 keeps a half-read result
    pending and refuses further work on that connection)."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None


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


def open_backend(location: str, wait: float):
    """The system of record for a location: PostgreSQL URL, DuckDB file or ':memory:'."""
    from pmo_data.store.team import PostgresBackend, is_postgres

    if is_postgres(location):
        return PostgresBackend(location, wait=wait, pool_size=settings.PMO_DB_POOL_SIZE.number())
    from pmo_data.store.embedded import DuckDBBackend

    return DuckDBBackend(location, wait=wait)


def _database_errors() -> tuple[type[BaseException], ...]:
    errors: list[type[BaseException]] = [duckdb.Error]
    try:
        import psycopg

        errors.append(psycopg.Error)
    except ImportError:  # psycopg is only needed for a team store
        pass
    return tuple(errors)


class Store:
    """The versioned store at a location (DuckDB file, ':memory:' or PostgreSQL URL)."""

    def __init__(
        self,
        path: str | object | None = None,
        *,
        read_only: bool = False,
        wait: float | None = None,
    ):
        location = str(path) if path is not None else default_db_path()
        self.wait = settings.PMO_LOCK_TIMEOUT.number() if wait is None else float(wait)
        self.backend = open_backend(location, self.wait)
        self.read_only = read_only
        self._local = threading.local()
        self._pin: int | None = None
        self._pin_generation: int | None = None
        self._root: Store | None = None
        self._versions: dict[int, dict[str, int]] = {}
        self._facts: dict[tuple, object] = {}  # small reads per copy generation (see _fact)
        self._results: OrderedDict[tuple, object] = OrderedDict()  # see remember()
        if not read_only:
            self._ensure_schema()
        self._replica = Replica(self.backend)

    # -- plumbing ---------------------------------------------------------------------------
    @property
    def path(self) -> str:
        """Where the store is (a file path, ':memory:', or a URL without its password)."""
        return self.backend.location

    @property
    def kind(self) -> str:
        return self.backend.kind

    @property
    def kind_label(self) -> str:
        """How the sidebar names the store: a team store (PostgreSQL) or a local file."""
        return "team store (PostgreSQL)" if self.kind == "postgresql" else "local store"

    def _ensure_schema(self) -> None:
        """Create what is missing; safe on every start and from several processes at once."""
        defaults = {
            "schema_version": str(SCHEMA_VERSION),
            "currency": DEFAULT_CURRENCY,
            "current_version": "0",
            "generation": "0",
        }
        try:
            self.backend.ensure_schema(list(TABLES.values()), defaults)
        except _database_errors() as exc:
            raise StoreUnavailable(failures.open_message(self.path, exc)) from None

    def close(self) -> None:
        self._replica.close()
        self.backend.close()

    def at(self, version: int) -> Store:
        """This store as of `version`: what one page run reads. Writes go to the store."""
        pinned = copy.copy(self)
        pinned._root = self.root
        pinned._pin = int(version)
        pinned._pin_generation = self._replica.generation
        return pinned

    @property
    def pinned(self) -> int | None:
        return self._pin

    @property
    def root(self) -> Store:
        """The process-wide store this one is a pinned view of (itself when not pinned): the
        key for per-store caches, since every page run makes a new pinned view."""
        return self._root or self

    def refresh(self, wait: float | None = None) -> bool:
        """Catch up with writes by other processes or servers; True if anything changed.

        One cheap check when nothing changed (a file stat, or one indexed row on
        PostgreSQL). `wait` bounds how long to wait for a writer holding a DuckDB file.
        """
        try:
            return self._replica.refresh(self.wait if wait is None else wait)
        except _database_errors() as exc:
            raise StoreUnavailable(
                f"cannot read the store at {self.backend.display}: {first_line(exc)}"
            ) from None

    @property
    def has_copy(self) -> bool:
        """True once this process has read the store (so it can serve while a writer works)."""
        return self._replica.ready

    @property
    def generation(self) -> int:
        """A number that moves with every write (imports, rollbacks, documents, access...)."""
        if self._pin_generation is not None:
            return self._pin_generation
        self._ready()
        return self._replica.generation or 0

    def _ready(self) -> None:
        if not self._replica.ready:
            self.refresh()

    # -- the one read path: every model's query goes through these, timed and logged ------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor on this process's copy (DuckDB SQL); prefer `df`/`rows`/`row`."""
        self._ready()
        return self._replica.cursor()

    def _guarded(self, fn):
        """Run `fn(cursor)` on the copy; if DuckDB reports the copy broken (invalidated),
        rebuild it from the store and try once more, instead of failing every page."""
        for attempt in (1, 2):
            cur = self.cursor()
            try:
                return fn(cur)
            except duckdb.FatalException:
                if attempt == 2:
                    raise
                log.warning("the in-memory copy of %s broke; rebuilding it", self.path)
                self.reset_copy()
            finally:
                with contextlib.suppress(duckdb.Error):
                    cur.close()

    def reset_copy(self) -> None:
        """Throw this process's copy away and read it again from the store."""
        self._replica.reset()
        self._versions.clear()
        self._facts.clear()
        self._results.clear()
        self.refresh()

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
        rows = self.rows(sql, params)
        return rows[0] if rows else None

    def _meta(self, key: str) -> str | None:
        row = self.row("SELECT value FROM store_meta WHERE key = ?", [key])
        return row[0] if row else None

    def _fact(self, key: tuple, read):
        """`read()` remembered while this process's copy stays at one generation.

        Every page run asks for the currency, the version's details and the row counts; the
        copy changes only when `refresh` moves it to a new generation, so the answer does not
        change before then (a run pinned to an older version passes that version in `key`)."""
        if not self._replica.ready:
            return read()
        full = (self._replica.generation, *key)
        if full not in self._facts:
            if len(self._facts) > 256:  # old generations' answers
                self._facts.clear()
            self._facts[full] = read()
        return self._facts[full]

    def remember(self, key: tuple, compute):
        """`compute()` kept for the few latest keys at this copy's generation and this version.

        For a model several others build on (customer health feeds the map, the lists and the
        cards, each cached on its own): the first page run computes it once, not once per
        use. Callers get the same object: copy before changing it."""
        if not self._replica.ready:
            return compute()
        full = (self._replica.generation, self.current_version(), *key)
        with self._replica.lock:
            if full in self._results:
                self._results.move_to_end(full)
                return self._results[full]
        value = compute()
        with self._replica.lock:
            self._results[full] = value
            while len(self._results) > 8:
                self._results.popitem(last=False)
        return value

    # -- reading ----------------------------------------------------------------------------
    @property
    def currency(self) -> str:
        return self._fact(("currency",), lambda: self._meta("currency") or DEFAULT_CURRENCY)

    def current_version(self, con=None) -> int:
        """The version this store reads: the pinned one, else the newest it has seen."""
        if self._pin is not None:
            return self._pin
        return int(self._meta("current_version") or 0)

    def _resolve(self, version: int | None) -> int:
        return self.current_version() if version is None else int(version)

    def previous_version(self) -> int | None:
        """The version before the current one (for deltas), or None."""
        row = self.row(
            "SELECT max(version) FROM versions WHERE version < ?", [self.current_version()]
        )
        return row[0] if row and row[0] is not None else None

    def _snapshots(self, version: int) -> dict[str, int]:
        """Entity -> snapshot of a version (immutable once the version exists, so memoised)."""
        known = self._versions.get(version)
        if known is not None:
            return known
        if self.row("SELECT 1 FROM versions WHERE version = ?", [version]) is None:
            return {}
        snaps = dict(
            self.rows("SELECT entity, snapshot FROM version_snapshots WHERE version = ?", [version])
        )
        self._versions[version] = snaps
        return snaps

    def snapshot_of(self, name: str, version: int | None = None, con=None) -> int | None:
        entity(name)
        return self._snapshots(self._resolve(version)).get(name)

    def entity_sql(self, name: str, version: int | None = None) -> tuple[str, list]:
        """A subquery (SQL, params) of an entity's rows at a version (default: current)."""
        entity(name)
        cols = ", ".join(f'"{c}"' for c, _ in data_columns(name))
        snap = self.snapshot_of(name, version)
        if snap is None:
            return f"SELECT {cols} FROM {name}_data WHERE FALSE", []
        try:
            self._replica.ensure_snapshot(name, snap, self.wait)
        except _database_errors() as exc:
            raise StoreUnavailable(
                f"cannot read the store at {self.backend.display}: {first_line(exc)}"
            ) from None
        return f"SELECT {cols} FROM {name}_data WHERE _snapshot = ?", [snap]

    def frame(self, name: str, version: int | None = None) -> pd.DataFrame:
        """All rows of an entity at a version, unscoped: for the CLI and tests, not pages."""
        sql, params = self.entity_sql(name, version)
        return self.df(sql, params)

    def counts(self, version: int | None = None) -> dict[str, int]:
        version = self._resolve(version)
        return dict(self._fact(("counts", version), lambda: self._counts(version)))

    def _counts(self, version: int) -> dict[str, int]:
        out = {}
        for name in ENTITIES:
            sql, params = self.entity_sql(name, version)
            out[name] = self.row(f"SELECT count(*) FROM ({sql})", params)[0]
        return out

    def is_empty(self) -> bool:
        return not any(self.counts().values())

    def history(self) -> pd.DataFrame:
        """Every version, newest first, with its JSON fields decoded."""
        return self._fact(("history",), self._history).copy()

    def _history(self) -> pd.DataFrame:
        df = self.df("SELECT * FROM versions ORDER BY version DESC")
        for col in ("files", "row_counts", "issue_counts"):
            df[col] = [json.loads(x) if x else {} for x in df[col]]
        return df

    def version_info(self, version: int) -> dict | None:
        def read() -> dict | None:
            df = self._fact(("history",), self._history)  # the history already read, if any
            row = df[df["version"] == version]
            return None if row.empty else row.iloc[0].to_dict()

        info = self._fact(("version_info", int(version)), read)
        return dict(info) if info is not None else None

    # -- writing ----------------------------------------------------------------------------
    @contextmanager
    def writing(self) -> Iterator[Writer]:
        """One transaction on the system of record; nested calls join the outer one.

        Waits up to PMO_LOCK_TIMEOUT seconds for another writer, then raises StoreBusy.
        Database errors become StoreError (nothing was changed); this process's copy is
        refreshed after the commit, so the writer reads its own write at once.
        """
        active = getattr(self._local, "writer", None)
        if active is not None:
            yield active
            return
        if self.read_only:
            raise StoreError(f"the store at {self.backend.display} was opened read-only")
        try:
            with self.backend.transaction() as tx:
                writer = Writer(self, tx)
                self._local.writer = writer
                try:
                    yield writer
                    if writer.dirty:
                        writer._bump()
                finally:
                    self._local.writer = None
        except _database_errors() as exc:
            log.error("store write failed: %s", exc)
            raise StoreError(failures.write_message(exc)) from None
        try:
            self.refresh()
        except StoreError as exc:  # written; this copy catches up on its next refresh
            log.warning("written, but could not refresh the copy yet: %s", exc)

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
        with self.writing() as w:
            version = w.write_version(
                tables,
                action=action,
                user=user,
                files=files,
                issue_counts=issue_counts,
                note=note,
                created_at=created_at,
                expected_version=expected_version,
                viewer=viewer,
            )
        log.info(
            "store %s: version %s written (%s by %s): %s",
            self.backend.display,
            version,
            action,
            user or (viewer.actor if viewer else _local_user()),
            ", ".join(f"{n} {len(df):,} rows" for n, df in tables.items()),
        )
        return version

    def rollback(
        self, version: int, *, user: str | None = None, viewer: Viewer | None = None
    ) -> int:
        """Make `version`'s data current again, as a new version (so nothing is lost)."""
        with self.writing() as w:
            return w.rollback(version, user=user, viewer=viewer)

    def clear(self, *, user: str | None = None, viewer: Viewer | None = None) -> int:
        """Empty every entity as a new version (roll back to get the data back)."""
        empty = {
            name: pd.DataFrame({entity(name).key: pd.Series([], dtype="string")})
            for name in ENTITIES
        }
        return self.write_version(
            empty, action="clear", user=user, note="store cleared", viewer=viewer
        )

    def set_currency(self, code: str) -> None:
        code = code.strip().upper()
        if len(code) != 3 or not code.isalpha():
            raise StoreError(f"currency {code!r} is not a 3-letter ISO code such as GBP or EUR")
        with self.writing() as w:
            w.set_meta("currency", code)

    # -- comparing ------------------------------------------------------------------------
    def diff(self, v1: int, v2: int, names: Iterable[str] | None = None) -> dict[str, EntityDiff]:
        """Rows added, removed and changed (field by field) from version v1 to v2."""
        for v in (v1, v2):
            if self.row("SELECT 1 FROM versions WHERE version = ?", [v]) is None:
                raise StoreError(f"version {v} does not exist; see `history` for the list")
        out = {}
        for name in names or ENTITIES:
            e = entity(name)
            if self.snapshot_of(name, v1) == self.snapshot_of(name, v2):
                blank = pd.DataFrame()
                out[name] = EntityDiff(
                    name, blank, blank, pd.DataFrame(columns=[e.key, "column", "old", "new"])
                )
                continue
            a_sql, a_p = self.entity_sql(name, v1)
            b_sql, b_p = self.entity_sql(name, v2)
            k = f'"{e.key}"'
            added = self.df(
                f"SELECT * FROM ({b_sql}) b WHERE {k} NOT IN (SELECT {k} FROM ({a_sql}) x "
                f"WHERE {k} IS NOT NULL)",
                b_p + a_p,
            )
            removed = self.df(
                f"SELECT * FROM ({a_sql}) a WHERE {k} NOT IN (SELECT {k} FROM ({b_sql}) x "
                f"WHERE {k} IS NOT NULL)",
                a_p + b_p,
            )
            parts = [
                f'SELECT a.{k} AS {k}, \'{c.name}\' AS "column", CAST(a."{c.name}" AS VARCHAR) '
                f'AS old, CAST(b."{c.name}" AS VARCHAR) AS new FROM a JOIN b USING ({k}) '
                f'WHERE a."{c.name}" IS DISTINCT FROM b."{c.name}"'
                for c in e.columns
                if c.name != e.key
            ]
            changed = self.df(
                f"WITH a AS ({a_sql}), b AS ({b_sql}) "
                + " UNION ALL ".join(parts)
                + f" ORDER BY {k}",
                a_p + b_p,
            )
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
        with self.writing() as w:
            w.append(
                "documents",
                {
                    "kind": kind,
                    "name": name,
                    "scope": scope,
                    "payload": json.dumps(payload, default=str),
                    "author": author or viewer.actor,
                    "created_at": datetime.now(),
                },
            )
            audit.record(
                w,
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
        with self.writing() as w:
            audit.record(w, viewer, action, summary, detail, w.current_version())

    def audit_log(self, **filters) -> pd.DataFrame:
        """Audit entries newest first; filters as in `audit.entries`."""
        return audit.entries(self, **filters)

    def latest_document(self, kind: str, name: str) -> dict | None:
        row = self.row(
            "SELECT payload FROM documents WHERE kind = ? AND name = ? ORDER BY id DESC LIMIT 1",
            [kind, name],
        )
        return json.loads(row[0]) if row else None

    def documents(self, kind: str, *, latest_only: bool = True) -> pd.DataFrame:
        """Documents of a kind (newest first); with latest_only one row per name."""
        df = self.df(
            "SELECT kind, name, scope, payload, author, created_at, id FROM documents "
            "WHERE kind = ? ORDER BY id DESC",
            [kind],
        )
        if latest_only and not df.empty:
            df = df.drop_duplicates("name")
        df["payload"] = [json.loads(p) for p in df["payload"]]
        return df.reset_index(drop=True)


__all__ += ["Writer", "VersionConflict", "data_table", "program_viewer"]
