"""The team store: PostgreSQL as the system of record, through psycopg 3 and a connection pool.

Every version, snapshot, saved document and audit entry lives in PostgreSQL. Writers take one
row lock (the `generation` row of `store_meta`) for the length of their transaction, so two
analysts importing at once are serialised: the second waits up to PMO_LOCK_TIMEOUT seconds for
the first to commit, then either writes its own version on top or stops with a clear message;
nothing is ever mixed. Readers never wait: each app server copies what changed into its own
in-memory DuckDB (`replica.py`) in one REPEATABLE READ transaction, and runs the analytics there
in DuckDB SQL, exactly as on the embedded store.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import duckdb
import pandas as pd
import pyarrow as pa

from pmo_data.store.embedded import cast_select
from pmo_data.store.errors import StoreBusy, StoreError, StoreUnavailable, first_line
from pmo_data.store.tables import PG_TYPES, Table

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "INTEGER": pa.int32(),
    "BIGINT": pa.int64(),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
}
SCHEMA_LOCK = 0x504D4F  # advisory lock id while creating tables ("PMO")


def is_postgres(location: str) -> bool:
    return location.startswith(("postgresql://", "postgres://"))


def redact(dsn: str) -> str:
    """The address without its password, for messages and the sidebar."""
    parts = urlsplit(dsn)
    if parts.password is None:
        return dsn
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
    return urlunsplit(parts._replace(netloc=netloc))


def _index_name(stmt: str) -> str:
    return re.search(r"INDEX IF NOT EXISTS (\w+)", stmt)[1]


def _pg(sql: str) -> str:
    """DuckDB-style `?` placeholders to psycopg's `%s` (our SQL has no literal ? or %)."""
    return re.sub(r"\?", "%s", sql)


class PgTx:
    """One write transaction on a pooled connection (takes `?` placeholders)."""

    dialect = "postgresql"

    def __init__(self, conn):
        self.conn = conn

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.conn.execute(_pg(sql), params or []).fetchall()

    def df(self, sql: str, params: list | None = None) -> pd.DataFrame:
        with self.conn.cursor() as cur:
            cur.execute(_pg(sql), params or [])
            names = [d.name for d in cur.description or ()]
            return pd.DataFrame(cur.fetchall(), columns=names)

    def execute(self, sql: str, params: list | None = None) -> None:
        self.conn.execute(_pg(sql), params or [])

    def insert(self, table: Table, frame: pd.DataFrame, constants: dict | None = None) -> int:
        """Cast `frame` exactly as the embedded store does (in DuckDB), then COPY it in."""
        constants = constants or {}
        cols = list(frame.columns)
        scratch = duckdb.connect()
        try:
            scratch.register("_incoming", frame)
            select = cast_select(table, cols) if cols else "1"
            rows = scratch.execute(f"SELECT {select} FROM _incoming").fetchall()
        finally:
            scratch.close()
        extra = list(constants.values())
        names = ", ".join(f'"{c}"' for c in cols + list(constants))
        with self.conn.cursor() as cur, cur.copy(f"COPY {table.name} ({names}) FROM STDIN") as cp:
            for row in rows:
                cp.write_row((row if cols else ()) + tuple(extra))
        return len(rows)


class PgSource:
    """One REPEATABLE READ snapshot of the team store, copied into a replica."""

    def __init__(self, conn):
        self.conn = conn

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.conn.execute(_pg(sql.replace("{src}.", "")), params or []).fetchall()

    def copy_into(self, cur, table: Table, where: str, params: list) -> None:
        cols = table.column_names
        names = ", ".join(f'"{c}"' for c in cols)
        with self.conn.cursor(binary=True) as pg:
            pg.execute(_pg(f"SELECT {names} FROM {table.name} WHERE {where}"), params)
            rows = pg.fetchall()
        if not rows:
            return
        columns = list(zip(*rows, strict=True))
        arrow = pa.table(
            {c: pa.array(columns[i], type=ARROW_TYPES[t]) for i, (c, t) in enumerate(table.columns)}
        )
        cur.register("_pulled", arrow)
        try:
            cur.execute(f"INSERT INTO main.{table.name} ({names}) SELECT {names} FROM _pulled")
        finally:
            cur.unregister("_pulled")


class PostgresBackend:
    """The store in a PostgreSQL database, shared by every app server and scheduled import."""

    kind = "postgresql"
    dialect = "postgresql"
    shared = None

    def __init__(self, dsn: str, *, wait: float = 30.0, pool_size: int = 4):
        from psycopg_pool import ConnectionPool

        self.dsn = dsn
        self.wait = wait
        self.pool = ConnectionPool(
            dsn,
            min_size=1,
            max_size=max(1, pool_size),
            kwargs={"autocommit": True, "application_name": "pmo-value-hub"},
            open=False,
            name="pmo-store",
        )
        try:
            self.pool.open(wait=True, timeout=min(max(wait, 5.0), 30.0))
        except Exception as exc:  # PoolTimeout carries the connection error in its message
            self.pool.close()
            raise StoreUnavailable(
                f"cannot reach the team store at {self.location}: {first_line(exc)}. Check "
                "that PostgreSQL is running and PMO_DB (or [pmo] in .streamlit/secrets.toml) "
                "names the right host, port, database and user."
            ) from None

    @property
    def location(self) -> str:
        return redact(self.dsn)

    @property
    def display(self) -> str:
        return self.location

    @contextmanager
    def _conn(self):
        import psycopg
        from psycopg_pool import PoolTimeout

        try:
            with self.pool.connection(timeout=self.wait) as conn:
                yield conn
        except PoolTimeout:
            raise StoreBusy(
                f"the team store at {self.location} is busy: every connection of this app "
                f"server has been in use for more than {self.wait:.0f} s. Nothing was changed; "
                "try again in a moment, or raise PMO_DB_POOL_SIZE."
            ) from None
        except psycopg.errors.LockNotAvailable:
            raise StoreBusy(
                f"the team store at {self.location} is busy: another import or change has been "
                f"writing for more than {self.wait:.0f} s. Nothing was changed. Try again when "
                "it finishes, or raise PMO_LOCK_TIMEOUT."
            ) from None
        except psycopg.OperationalError as exc:
            raise StoreUnavailable(
                f"lost the team store at {self.location}: {first_line(exc)}. Nothing was "
                "changed by this action; try again when PostgreSQL is reachable."
            ) from None
        except psycopg.errors.DataError as exc:
            raise StoreError(f"the data does not fit the store: {first_line(exc)}") from None

    def ensure_schema(self, tables: list[Table], defaults: dict[str, str]) -> None:
        with self._conn() as conn, conn.transaction():
            # Bounded like a write: a table lock an import holds must not hang a starting server.
            conn.execute(f"SET LOCAL lock_timeout = '{int(self.wait * 1000)}ms'")
            conn.execute("SELECT pg_advisory_xact_lock(%s)", [SCHEMA_LOCK])
            indexes = {
                r[0]
                for r in conn.execute(
                    "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
                ).fetchall()
            }
            have = {}
            for t, c in conn.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = current_schema()"
            ).fetchall():
                have.setdefault(t, set()).add(c)
            for table in tables:
                if table.name not in have:
                    conn.execute(table.ddl("postgresql"))
                else:
                    for col, typ in table.columns:
                        if col not in have[table.name]:
                            conn.execute(
                                f'ALTER TABLE {table.name} ADD COLUMN "{col}" {PG_TYPES[typ]}'
                            )
                for stmt in table.indexes("postgresql"):
                    # Only when missing: even IF NOT EXISTS takes a SHARE lock on the table
                    # first, which waits for any import in progress.
                    if _index_name(stmt) not in indexes:
                        conn.execute(stmt)
            for key, value in defaults.items():
                conn.execute(
                    "INSERT INTO store_meta VALUES (%s, %s) ON CONFLICT DO NOTHING", [key, value]
                )

    @contextmanager
    def transaction(self) -> Iterator[PgTx]:
        with self._conn() as conn, conn.transaction():
            conn.execute(f"SET LOCAL lock_timeout = '{int(self.wait * 1000)}ms'")
            # The one writer lock: every write updates this row, so writers queue here.
            conn.execute("SELECT value FROM store_meta WHERE key = 'generation' FOR UPDATE")
            yield PgTx(conn)

    def token(self):
        return None  # always ask: one indexed row, well under a millisecond

    @contextmanager
    def reading(self, into, wait: float) -> Iterator[PgSource]:
        with self._conn() as conn, conn.transaction():
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield PgSource(conn)

    def close(self) -> None:
        self.pool.close()
