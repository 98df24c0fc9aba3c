"""The store's tables, declared once and created the same way on DuckDB and on PostgreSQL.

Every table the store keeps is a `Table` in `TABLES`: its columns with their DuckDB types
(translated for PostgreSQL), its primary key, and how app servers keep their in-memory copy
of it current (`sync`):

- "append": rows are only ever added, each with a larger `order_by` value than any before it
  (the store assigns it under the write lock), so a copy fetches just the rows past its mark.
  Versions, snapshot pointers, saved documents and audit entries are like this.
- "replace": a small table whose rows change; a copy reloads it whole after any change.
- "snapshot": an entity's rows, one immutable snapshot per import; a copy loads the snapshots
  it needs (the current and previous versions at once, older ones when first asked for).

To add a table: declare it with `register(Table(...))` at import time of your module (before a
store is opened), write it inside `store.writing()` and read it with `store.df(...)`. See
/work/team/store-api.md or the README's "Team deployment" section.
"""

from __future__ import annotations

from dataclasses import dataclass

from pmo_data.schema import DERIVED_COLUMNS, ENTITIES, SYSTEM_COLUMNS, entity

# DuckDB type -> PostgreSQL type. Only these types may be used in a Table.
PG_TYPES = {
    "VARCHAR": "TEXT",
    "INTEGER": "INTEGER",
    "BIGINT": "BIGINT",
    "DOUBLE": "DOUBLE PRECISION",
    "BOOLEAN": "BOOLEAN",
    "DATE": "DATE",
    "TIMESTAMP": "TIMESTAMP",
}
SYNC_KINDS = ("append", "replace", "snapshot")


@dataclass(frozen=True)
class Table:
    """One stored table: columns (name, DuckDB type), key, and how copies follow it."""

    name: str
    columns: tuple[tuple[str, str], ...]
    sync: str
    order_by: str | None = None
    primary_key: tuple[str, ...] = ()
    help: str = ""

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or not self.name.islower():
            raise ValueError(f"table name {self.name!r} must be a lower-case identifier")
        if self.sync not in SYNC_KINDS:
            raise ValueError(f"{self.name}: sync must be one of {SYNC_KINDS}")
        names = [c for c, _ in self.columns]
        for c, t in self.columns:
            if not c.isidentifier():
                raise ValueError(f"{self.name}: column {c!r} is not an identifier")
            if t not in PG_TYPES:
                raise ValueError(f"{self.name}.{c}: type {t} is not one of {list(PG_TYPES)}")
        if self.sync == "append" and self.order_by not in names:
            raise ValueError(f"{self.name}: an append table needs its order_by column")
        if self.sync == "snapshot" and "_snapshot" not in names:
            raise ValueError(f"{self.name}: a snapshot table needs a _snapshot column")

    @property
    def column_names(self) -> list[str]:
        return [c for c, _ in self.columns]

    def type_of(self, column: str) -> str:
        return dict(self.columns)[column]

    def ddl(self, dialect: str) -> str:
        """CREATE TABLE IF NOT EXISTS for "duckdb" or "postgresql"."""
        cols = [f'"{c}" {_type(t, dialect)}' for c, t in self.columns]
        if self.primary_key:
            cols.append("PRIMARY KEY (" + ", ".join(f'"{c}"' for c in self.primary_key) + ")")
        return f"CREATE TABLE IF NOT EXISTS {self.name} ({', '.join(cols)})"

    def indexes(self, dialect: str) -> list[str]:
        """Indexes worth having on the system of record (PostgreSQL only)."""
        if dialect != "postgresql":
            return []
        if self.sync == "snapshot":
            return [f"CREATE INDEX IF NOT EXISTS {self.name}_snap ON {self.name} (_snapshot)"]
        if self.sync == "append" and self.order_by not in self.primary_key:
            return [
                f"CREATE INDEX IF NOT EXISTS {self.name}_order ON {self.name} ({self.order_by})"
            ]
        return []


def _type(t: str, dialect: str) -> str:
    return PG_TYPES[t] if dialect == "postgresql" else t


TABLES: dict[str, Table] = {}


def register(table: Table) -> Table:
    """Add a table to every store (created on open if missing). Idempotent for the same table."""
    existing = TABLES.get(table.name)
    if existing is not None and existing != table:
        raise ValueError(f"table {table.name} is already registered with other columns")
    TABLES[table.name] = table
    return table


def data_columns(name: str) -> list[tuple[str, str]]:
    """(column, SQL type) of an entity as stored: canonical, derived, then provenance."""
    e = entity(name)
    cols = [(c.name, c.sql_type) for c in e.columns]
    cols += [(n, t) for n, t, _ in DERIVED_COLUMNS.get(name, ())]
    cols += [(n, t) for n, t, _ in SYSTEM_COLUMNS]
    return cols


def data_table(name: str) -> Table:
    """The snapshot table holding every version's rows of an entity."""
    return TABLES[f"{name}_data"]


META = register(
    Table(
        "store_meta",
        (("key", "VARCHAR"), ("value", "VARCHAR")),
        sync="replace",
        primary_key=("key",),
        help="Store-wide values: current_version, generation (bumped by every write), "
        "currency, schema_version.",
    )
)
VERSIONS = register(
    Table(
        "versions",
        (
            ("version", "INTEGER"),
            ("created_at", "TIMESTAMP"),
            ("user_name", "VARCHAR"),
            ("action", "VARCHAR"),
            ("note", "VARCHAR"),
            ("files", "VARCHAR"),
            ("row_counts", "VARCHAR"),
            ("issue_counts", "VARCHAR"),
            ("based_on", "INTEGER"),
        ),
        sync="append",
        order_by="version",
        primary_key=("version",),
        help="One row per version: who wrote it, when, from which files, with what counts.",
    )
)
VERSION_SNAPSHOTS = register(
    Table(
        "version_snapshots",
        (("version", "INTEGER"), ("entity", "VARCHAR"), ("snapshot", "INTEGER")),
        sync="append",
        order_by="version",
        primary_key=("version", "entity"),
        help="Which snapshot of each entity a version shows.",
    )
)
DOCUMENTS = register(
    Table(
        "documents",
        (
            ("id", "BIGINT"),
            ("kind", "VARCHAR"),
            ("name", "VARCHAR"),
            ("scope", "VARCHAR"),
            ("payload", "VARCHAR"),
            ("author", "VARCHAR"),
            ("created_at", "TIMESTAMP"),
        ),
        sync="append",
        order_by="id",
        primary_key=("id",),
        help="Saved decisions (weights, assumptions, assessments, mappings); newest per "
        "(kind, name) is current, older ones are their history.",
    )
)
for _name in ENTITIES:
    register(
        Table(
            f"{_name}_data",
            (*data_columns(_name), ("_snapshot", "INTEGER")),
            sync="snapshot",
            help=f"Every snapshot of {_name}; a version points at one.",
        )
    )
