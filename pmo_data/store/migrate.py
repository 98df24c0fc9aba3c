"""Copy a whole store, history and all, to another location: start small, move up.

`python -m pmo_data migrate --from data/pmo.duckdb --to postgresql://...` copies every table
the store keeps (versions, every snapshot of every entity, saved documents, audit entries,
access rows, store settings) into an empty store in one transaction, checks the row counts
and commits; a failure leaves the target empty. Version numbers, snapshot numbers and
document ids are kept, so the history, diffs and rollbacks read the same afterwards. It works
in any direction (file to PostgreSQL, PostgreSQL to file, file to file).
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from pmo_data.store.errors import StoreError
from pmo_data.store.tables import TABLES, Table
from pmo_data.store.versions import Store


def _source_rows(source: Store, table: Table, where: str, params: list, scratch) -> object:
    """Rows of one table of the source (read from its system of record) as a DataFrame."""
    scratch.execute(f"DROP TABLE IF EXISTS {table.name}")
    scratch.execute(table.ddl("duckdb"))
    with source.backend.reading(scratch, source.wait) as src:
        src.copy_into(scratch, table, where, params)
    return scratch.execute(f"SELECT * FROM {table.name}").df()


def _snapshots(source: Store, table: Table) -> list[int]:
    rows = source.rows(
        "SELECT DISTINCT snapshot FROM version_snapshots WHERE entity = ? ORDER BY 1",
        [table.name.removesuffix("_data")],
    )
    return [r[0] for r in rows]


def copy_store(
    source: Store, target: Store, *, say: Callable[[str], None] = lambda _: None
) -> dict[str, int]:
    """Copy every table of `source` into the empty `target`; returns rows copied per table."""
    source.refresh()
    target.refresh()
    if (
        target.row("SELECT count(*) FROM versions")[0]
        or target.row("SELECT count(*) FROM documents")[0]
    ):
        raise StoreError(
            f"the target store {target.path} already holds data; migrate only into a new, "
            "empty store (nothing was changed)"
        )
    copied: dict[str, int] = {}
    scratch = duckdb.connect()
    try:
        with target.writing() as w:
            for table in TABLES.values():
                if table.sync == "snapshot":
                    # One snapshot at a time keeps memory flat on a long history; snapshots no
                    # version points at any more are not copied.
                    n = 0
                    for snap in _snapshots(source, table):
                        frame = _source_rows(source, table, "_snapshot = ?", [snap], scratch)
                        n += w.insert(table.name, frame)
                else:
                    frame = _source_rows(source, table, "TRUE", [], scratch)
                    if table.sync == "replace":
                        w.execute(f"DELETE FROM {table.name}")
                    n = w.insert(table.name, frame) if len(frame) else 0
                check = w.rows(f"SELECT count(*) FROM {table.name}")[0][0]
                if check != n:
                    raise StoreError(
                        f"{table.name}: copied {n} rows but the target holds {check}; "
                        "nothing was changed"
                    )
                copied[table.name] = n
                say(f"{table.name:<20} {n:>10,} rows")
    finally:
        scratch.close()
    return copied
