"""The embedded store: one DuckDB file on this machine, never held while idle.

DuckDB lets one process write a file, or any number read it, at a time, and keeps that lock for
as long as a connection is open. So nothing here keeps a connection open: a write opens the
file, runs one transaction and closes it (waiting, up to PMO_LOCK_TIMEOUT seconds, while
another writer finishes, then giving a clear message); an app server reads by attaching the file
read-only for the few milliseconds it takes to copy what changed into its in-memory copy
(`replica.py`). A dashboard that serves all day therefore holds the file only for those
moments, and a scheduled `python -m pmo_data import` or `history` runs beside it.

`:memory:` is a store that lives in one connection (tests, scratch work): there the in-memory
database is both the store and its copy, and nothing is ever attached or copied.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa

from pmo_data.store import failures
from pmo_data.store.errors import StoreBusy, StoreUnavailable
from pmo_data.store.tables import Table

# One lock per file for this process: DuckDB refuses a second handle on a file that this
# process already has open with other options, so reads and writes of one file take turns here
# (each for milliseconds) instead of failing.
_FILE_LOCKS: dict[str, threading.RLock] = {}
_FILE_LOCKS_GUARD = threading.Lock()
# A file modified this recently may be modified again within the same timestamp tick, so its
# size and time cannot prove it unchanged: read it instead (the racy-timestamp rule).
RACY_NS = 2_000_000_000


def file_lock(path: str) -> threading.RLock:
    key = os.path.realpath(path)
    with _FILE_LOCKS_GUARD:
        return _FILE_LOCKS.setdefault(key, threading.RLock())


def _is_lock_conflict(exc: Exception) -> bool:
    text = str(exc)
    return "lock" in text.lower() or "already attached" in text or "different configuration" in text


def busy_message(path: str, waited: float) -> str:
    return (
        f"the store {Path(path).name} is busy: another program (a CLI import or another app "
        f"server's write) has been writing to it for more than {waited:.0f} s. Nothing was "
        "changed. Try again when that import finishes, or raise PMO_LOCK_TIMEOUT."
    )


def retrying(open_fn, path: str, wait: float):
    """Call `open_fn` until it stops failing on DuckDB's file lock, at most `wait` seconds."""
    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            return open_fn()
        except (duckdb.IOException, duckdb.ConnectionException, duckdb.Error) as exc:
            if not _is_lock_conflict(exc):
                raise StoreUnavailable(failures.open_message(path, exc)) from None
            if time.monotonic() >= deadline:
                raise StoreBusy(busy_message(path, wait)) from None
            time.sleep(delay)
            delay = min(delay * 2, 0.25)


def cast_select(table: Table, columns: list[str]) -> str:
    """SELECT list casting `_incoming`'s columns to the table's types (same on both backends)."""
    return ", ".join(f'CAST("{c}" AS {table.type_of(c)}) AS "{c}"' for c in columns)


class DuckTx:
    """One write transaction on a DuckDB connection (`?` placeholders)."""

    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def df(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.con.execute(sql, params or []).df()

    def execute(self, sql: str, params: list | None = None) -> None:
        self.con.execute(sql, params or [])

    def insert(self, table: Table, frame: pd.DataFrame, constants: dict | None = None) -> int:
        """Insert `frame` (a subset of the table's columns) plus constant columns."""
        constants = constants or {}
        cols = list(frame.columns)
        select = cast_select(table, cols)
        extra = list(constants)
        if extra:
            select += ", " + ", ".join(f"CAST(? AS {table.type_of(c)})" for c in extra)
        names = ", ".join(f'"{c}"' for c in cols + extra)
        self.con.register("_incoming", _scannable(frame))
        try:
            self.con.execute(
                f"INSERT INTO {table.name} ({names}) SELECT {select} FROM _incoming",
                list(constants.values()),
            )
        finally:
            self.con.unregister("_incoming")
        return len(frame)


ARROW_ROWS = 10_000  # frames this long are handed to DuckDB as Arrow


def _scannable(frame: pd.DataFrame):
    """A large frame as an Arrow table: DuckDB scans Arrow columns faster than pandas' (about
    0.35 s of CPU less per million feedback rows). Object columns only when they hold text or
    nothing (so every value keeps the type DuckDB would give it); else the frame as it is."""
    if len(frame) < ARROW_ROWS:
        return frame
    for c in frame.columns:
        col = frame[c]
        if col.dtype == object and pd.api.types.infer_dtype(col, skipna=True) not in (
            "string",
            "empty",
        ):
            return frame
    try:
        return pa.Table.from_pandas(frame, preserve_index=False)
    except (pa.ArrowException, ValueError, TypeError):
        return frame


class DuckSource:
    """A consistent read of the file, attached as `src` to a copy's connection."""

    def __init__(self, con: duckdb.DuckDBPyConnection, alias: str):
        self.con, self.alias = con, alias

    def rows(self, sql: str, params: list | None = None) -> list[tuple]:
        """`sql` may name tables as {src}.table."""
        return self.con.execute(sql.replace("{src}", self.alias), params or []).fetchall()

    def columns(self, table: Table) -> set[str]:
        rows = self.con.execute(
            "SELECT column_name FROM information_schema.columns "
            "WHERE table_catalog = ? AND table_name = ?",
            [self.alias, table.name],
        ).fetchall()
        return {r[0] for r in rows}

    def copy_into(self, cur, table: Table, where: str, params: list) -> None:
        cols = ", ".join(f'"{c}"' for c in table.column_names)
        cur.execute(
            f"INSERT INTO main.{table.name} ({cols}) SELECT {cols} FROM {self.alias}.{table.name} "
            f"WHERE {where}",
            params,
        )


class DuckDBBackend:
    """The store as a DuckDB file (or one in-memory connection for ':memory:')."""

    kind = "duckdb"
    dialect = "duckdb"

    def __init__(self, path: str, *, wait: float = 30.0):
        self.path = path
        self.wait = wait
        self.memory = path == ":memory:"
        self.shared = duckdb.connect(":memory:") if self.memory else None
        if not self.memory:
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreUnavailable(failures.open_message(path, exc)) from None
            self.lock = file_lock(path)
        else:
            self.lock = threading.RLock()

    @property
    def location(self) -> str:
        return self.path

    @property
    def display(self) -> str:
        """How messages to users name the store: the file name, no server paths."""
        return Path(self.path).name

    # -- opening ----------------------------------------------------------------------------
    @contextmanager
    def _turn(self, wait: float) -> Iterator[None]:
        """This process's turn at the file (another thread may be reading or writing it)."""
        if not self.lock.acquire(timeout=max(wait, 0.001)):
            raise StoreBusy(
                f"the store {Path(self.path).name} is busy: another action in this app has been using it "
                f"for more than {wait:.0f} s. Nothing was changed; try again in a moment."
            )
        try:
            yield
        finally:
            self.lock.release()

    @contextmanager
    def _connection(self, wait: float | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection for one transaction; closed (lock released) on exit."""
        if self.memory:
            cur = self.shared.cursor()
            try:
                yield cur
            finally:
                cur.close()
            return
        wait = self.wait if wait is None else wait
        with self._turn(wait):
            con = retrying(lambda: duckdb.connect(self.path), self.path, wait)
            try:
                yield con
            except BaseException:
                with contextlib.suppress(duckdb.Error):  # keep the real cause
                    con.close()
                raise
            con.close()  # a checkpoint failing here (disk full) fails the write

    def ensure_schema(self, tables: list[Table], defaults: dict[str, str]) -> None:
        with self._connection() as con:
            existing = {
                r[0]: set()
                for r in con.execute(
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'main' AND table_type = 'BASE TABLE'"
                ).fetchall()
            }
            for t, c in con.execute(
                "SELECT table_name, column_name FROM information_schema.columns "
                "WHERE table_schema = 'main'"
            ).fetchall():
                if t in existing:
                    existing[t].add(c)
            for table in tables:
                if table.name not in existing:
                    con.execute(table.ddl("duckdb"))
                    continue
                for col, typ in table.columns:
                    if col not in existing[table.name]:
                        con.execute(f'ALTER TABLE {table.name} ADD COLUMN "{col}" {typ}')
                        if col == table.order_by:  # a store from before: number its rows
                            con.execute(
                                f'UPDATE {table.name} SET "{col}" = n.i FROM (SELECT rowid AS r, '
                                f"row_number() OVER (ORDER BY rowid) AS i FROM {table.name}) n "
                                f"WHERE {table.name}.rowid = n.r"
                            )
            for key, value in defaults.items():
                con.execute(
                    "INSERT INTO store_meta VALUES (?, ?) ON CONFLICT DO NOTHING", [key, value]
                )

    # -- writing ----------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[DuckTx]:
        with self._turn(self.wait), self._connection() as con:
            con.execute("BEGIN TRANSACTION")
            try:
                yield DuckTx(con)
                con.execute("COMMIT")
            except BaseException:
                # A COMMIT that failed has ended the transaction already: the ROLLBACK fails too
                # ('no transaction is active') and must not hide the real cause (disk full).
                with contextlib.suppress(duckdb.Error):
                    con.execute("ROLLBACK")
                raise

    # -- reading (for copies) -----------------------------------------------------------------
    def token(self):
        """A cheap fingerprint of the file: if it is unchanged, nothing was written."""
        if self.memory:
            return None
        stats = []
        for p in (self.path, self.path + ".wal"):
            try:
                st = os.stat(p)
                stats.append((st.st_mtime_ns, st.st_size, st.st_ino))
            except FileNotFoundError:
                stats.append(None)
        newest = max((s[0] for s in stats if s), default=0)
        if time.time_ns() - newest < RACY_NS:
            return None  # too fresh to trust: always read
        return tuple(stats)

    @contextmanager
    def reading(self, into: duckdb.DuckDBPyConnection, wait: float) -> Iterator[DuckSource]:
        """Attach the file read-only to `into` for one consistent copy, then detach."""
        alias = "pmo_src"
        with self._turn(wait):
            retrying(
                lambda: into.execute(f"ATTACH '{_quote(self.path)}' AS {alias} (READ_ONLY)"),
                self.path,
                wait,
            )
            try:
                yield DuckSource(into, alias)
            finally:
                into.execute(f"DETACH {alias}")

    def close(self) -> None:
        if self.shared is not None:
            self.shared.close()


def _quote(path: str) -> str:
    return path.replace("'", "''")
