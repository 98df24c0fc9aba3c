"""The column and entity dataclasses, with the DuckDB type of each column kind.

Every entity declaration is built from these, so the model has one shape wherever it is read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

# Column kinds and the DuckDB type each is stored as.
KIND_SQL = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "choice": "VARCHAR",
    "rag": "VARCHAR",
    "date": "DATE",
    "money": "DOUBLE",
    "number": "DOUBLE",
    "percent": "DOUBLE",
    "rating": "DOUBLE",
    "nps": "DOUBLE",
}


@dataclass(frozen=True)
class Column:
    """One canonical column: how it is typed, named in the wild, and checked."""

    name: str
    kind: str
    help: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    lo: float | None = None
    hi: float | None = None
    example: object = None

    @property
    def sql_type(self) -> str:
        return KIND_SQL[self.kind]

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Entity:
    """One importable entity: a sheet of a workbook or a file of its own."""

    name: str
    label: str
    help: str
    key: str
    columns: tuple[Column, ...]
    sheet_aliases: tuple[str, ...] = ()
    # Columns from which a missing key may be derived stably (with a warning).
    key_from: tuple[str, ...] = ()
    date_column: str | None = None
    _by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self._by_name[name]

    def has(self, name: str) -> bool:
        return name in self._by_name

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _c(name, kind, help, **kw) -> Column:
    kw["aliases"] = tuple(kw.get("aliases", ()))
    kw["allowed"] = tuple(kw.get("allowed", ()))
    return Column(name, kind, help, **kw)


_RATING = dict(lo=1, hi=5)
