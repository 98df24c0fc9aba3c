"""One page of a table: search, filters, sort and paging done in DuckDB SQL, not in the browser.

A page shows a few dozen rows of a model's table (every project, every customer's health), so
the browser never receives tens of thousands of rows it would have to lay out, while a person
still finds any row: the search looks in the named text columns of all rows, the sort orders all
rows, and the page cuts the result. Values are bound parameters; a column name is used only
after it is checked against the table's own columns.
"""

from __future__ import annotations

import contextlib
import threading
import weakref
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pandas as pd


@dataclass(frozen=True)
class PageRequest:
    """What the person asked for: words to find, exact filters, a sort and a page (from 1)."""

    search: str = ""
    search_columns: tuple[str, ...] = ()
    equals: tuple[tuple[str, tuple], ...] = ()  # (column, allowed values): rows IN the values
    where: str | None = None  # a name from the caller's own predicates (never user text)
    sort: str | None = None
    descending: bool = False
    page: int = 1
    size: int = 50


@dataclass
class Page:
    rows: pd.DataFrame
    total: int  # rows matching the search and filters
    page: int  # the page shown (clipped to the last page)
    pages: int
    size: int
    matching: pd.DataFrame | None = None  # every matching row, sorted (with keep_all=True)
    first: int = field(init=False)  # 1-based row number of the first row shown (0 if none)
    last: int = field(init=False)

    def __post_init__(self) -> None:
        self.first = (self.page - 1) * self.size + 1 if self.total else 0
        self.last = self.first + len(self.rows) - 1 if self.total else 0


def _ident(frame: pd.DataFrame, column: str) -> str:
    if column not in frame.columns:
        raise KeyError(f"no column {column!r} in this table")
    return '"' + str(column).replace('"', '""') + '"'


_MEMO_SIZE = 64  # a page with every matching row (keep_all) can hold a whole table
_memo: OrderedDict[tuple, tuple[weakref.ref, Page]] = OrderedDict()
_memo_lock = threading.Lock()


def page(
    frame: pd.DataFrame,
    request: PageRequest,
    predicates: Mapping[str, str] | None = None,
    keep_all: bool = False,
    columns: Sequence[str] | None = None,
) -> Page:
    """The rows of `frame` matching the request, sorted, one page of them, and how many match.

    `predicates` names SQL conditions the caller wrote (e.g. {"slipping": "slip_days > 0"});
    `request.where` picks one by name, so no text from the person reaches the SQL.
    `keep_all` also returns every matching row (for a download or a chart of the selection).
    `columns` narrows the frame first (the rows returned hold only those).

    The answer is remembered per frame object: the pages pass the store's shared tables (the
    same object on every rerun until an import), so a rerun that asks for the same page of the
    same table gets it without a query. A frame must not be changed in place once paged.
    """
    key = (
        id(frame),
        request,
        tuple(sorted((predicates or {}).items())),
        keep_all,
        tuple(columns) if columns is not None else None,
    )
    with _memo_lock:
        hit = _memo.get(key)
        if hit is not None and hit[0]() is frame:
            _memo.move_to_end(key)
            return hit[1]
    narrow = frame if columns is None else frame[list(dict.fromkeys(columns))]
    result = _page(narrow, request, predicates, keep_all)
    with _memo_lock:
        for stale in [k for k, (ref, _) in _memo.items() if ref() is None]:
            del _memo[stale]  # answers for tables no longer in use (an import replaced them)
        _memo[key] = (weakref.ref(frame), result)
        while len(_memo) > _MEMO_SIZE:
            _memo.popitem(last=False)
    return result


def _page(
    frame: pd.DataFrame,
    request: PageRequest,
    predicates: Mapping[str, str] | None,
    keep_all: bool,
) -> Page:
    conds, params = ["TRUE"], []
    words = request.search.strip().lower().split()
    cols = [c for c in request.search_columns if c in frame.columns]
    for word in words if cols else []:  # every word must appear in one of the columns
        any_col = " OR ".join(
            f"contains(lower(coalesce(CAST({_ident(frame, c)} AS VARCHAR), '')), ?)" for c in cols
        )
        conds.append(f"({any_col})")
        params += [word] * len(cols)
    for column, values in request.equals:
        if values:
            marks = ", ".join("?" for _ in values)
            conds.append(f"{_ident(frame, column)} IN ({marks})")
            params += list(values)
    if request.where:
        conds.append(f"({(predicates or {})[request.where]})")
    where = " AND ".join(conds)
    order = "__row"
    if request.sort:
        direction = "DESC" if request.descending else "ASC"
        order = f"{_ident(frame, request.sort)} {direction} NULLS LAST, __row"
    size = max(1, int(request.size))
    con = duckdb.connect()
    try:
        con.register("t", frame.reset_index(drop=True).assign(__row=np.arange(len(frame))))
        select = f"SELECT * EXCLUDE (__row) FROM t WHERE {where} ORDER BY {order}"
        if keep_all:
            matching = _dtypes(con.execute(select, params).df(), frame)
            total = len(matching)
        else:
            matching = None
            total = con.execute(f"SELECT count(*) FROM t WHERE {where}", params).fetchone()[0]
        pages = max(1, -(-total // size))
        number = min(max(1, int(request.page)), pages)
        start = (number - 1) * size
        if keep_all:
            rows = matching.iloc[start : start + size].reset_index(drop=True)
        else:
            rows = con.execute(f"{select} LIMIT ? OFFSET ?", [*params, size, start]).df()
            rows = _dtypes(rows, frame)
    finally:
        con.close()
    return Page(rows, int(total), number, pages, size, matching)


def _dtypes(rows: pd.DataFrame, frame: pd.DataFrame) -> pd.DataFrame:
    """DuckDB hands back its own dtypes; keep the frame's so formats and dates stay as they were."""
    for c in rows.columns:
        if c in frame.columns and rows[c].dtype != frame[c].dtype:
            with contextlib.suppress(TypeError, ValueError):  # keep DuckDB's type then
                rows[c] = rows[c].astype(frame[c].dtype)
    return rows


def search_columns(frame: pd.DataFrame, wanted: Sequence[str]) -> tuple[str, ...]:
    """The wanted columns the frame has, in order (a table may lack some in some views)."""
    return tuple(c for c in wanted if c in frame.columns)
