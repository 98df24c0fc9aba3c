"""Tables that show one page of rows: search, sort and paging run in DuckDB on the server.

A table of every project or customer at 10x or 100x the reference scale is tens of thousands
of rows; sent whole, the browser spends seconds laying it out. `paged_table` sends one page
(50 rows by default) and keeps everything findable: the search box looks through all rows,
the sort orders all rows, and the page number moves through them. Formats come from
`st.column_config`, never a Styler over every row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import pandas as pd
import streamlit as st

from pmo_data.formatting import number
from pmo_data.store.paging import Page, PageRequest, page

SIZES = (25, 50, 100, 250)
LIST_LIMIT = 1000  # options in a drop-down; beyond, a search box narrows them


def _label(column: str, config: Mapping | None) -> str:
    spec = (config or {}).get(column)
    if isinstance(spec, str):
        return spec
    if isinstance(spec, Mapping) and spec.get("label"):
        return str(spec["label"])
    return column.replace("_", " ").capitalize()


def _to_first_page(key: str) -> None:
    st.session_state[f"{key}_page"] = 1


def paged_table(
    frame: pd.DataFrame,
    *,
    key: str,
    columns: Sequence[str] | None = None,
    column_config: Mapping | None = None,
    search_columns: Sequence[str] = (),
    search_label: str = "Search",
    search_placeholder: str | None = None,
    sortable: Sequence[str] | None = None,
    default_sort: str | None = None,
    default_descending: bool = False,
    equals: Sequence[tuple[str, Sequence]] = (),
    where: str | None = None,
    predicates: Mapping[str, str] | None = None,
    size: int = 50,
    height: int | str = "auto",
    select: bool = False,
    style: Callable[[pd.DataFrame], object] | None = None,
    keep_all: bool = False,
    noun: str = "rows",
) -> tuple[Page, pd.Series | None]:
    """Draw one page of `frame` with a search box, a sort and a page number.

    `equals` and `where` (a name in `predicates`) narrow the rows with the page's own filters.
    Returns the page and, with `select=True`, the row the person selected (else None); with
    `keep_all=True` the page's `matching` holds every matching row (for a download or chart).
    """
    columns = [c for c in (columns or frame.columns) if c in frame.columns]
    sortable = [c for c in (sortable or columns) if c in frame.columns]
    left, mid, right = st.columns([3, 2, 1])
    search = ""
    if search_columns:
        search = left.text_input(
            search_label,
            key=f"{key}_search",
            placeholder=search_placeholder,
            on_change=_to_first_page,
            args=(key,),
            help="Looks through every row, not only this page; each word must match.",
        )
    options = ["", *sortable]
    sort = mid.selectbox(
        "Sort all rows by",
        options,
        index=options.index(default_sort) if default_sort in options else 0,
        key=f"{key}_sort",
        format_func=lambda c: "as listed" if c == "" else _label(c, column_config),
        on_change=_to_first_page,
        args=(key,),
    )
    descending = right.toggle(
        "Descending",
        value=default_descending,
        key=f"{key}_desc",
        disabled=not sort,
        on_change=_to_first_page,
        args=(key,),
    )
    rows_per_page = st.session_state.get(f"{key}_size", size)
    request = PageRequest(
        search=search or "",
        search_columns=tuple(c for c in search_columns if c in frame.columns),
        equals=tuple((c, tuple(v)) for c, v in equals if v),
        where=where,
        sort=sort or None,
        descending=bool(descending),
        page=int(st.session_state.get(f"{key}_page", 1)),
        size=int(rows_per_page),
    )
    needed = [*columns, *request.search_columns, *(c for c, _ in request.equals)]
    narrow = frame if where is not None or keep_all else frame[list(dict.fromkeys(needed))]
    result = page(narrow, request, predicates, keep_all=keep_all)
    shown = result.rows[columns].reset_index(drop=True)
    event = st.dataframe(
        style(shown) if style else shown,
        hide_index=True,
        column_config=column_config,
        column_order=columns,
        key=f"{key}_rows_{result.page}",
        height=height,
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
    )
    info, pager, per = st.columns([4, 1, 1])
    if result.total:
        info.caption(
            f"{noun.capitalize()} {number(result.first)}–{number(result.last)} of "
            f"{number(result.total)}"
            + (f" found (of {number(len(frame))})" if result.total < len(frame) else "")
            + ". Search and sort cover every row; a click on a column header sorts this page."
        )
    else:
        info.caption(f"No {noun} match: clear the search or widen the filters.")
    if result.pages > 1:
        st.session_state[f"{key}_page"] = result.page
        pager.number_input(
            f"Page (of {number(result.pages)})",
            min_value=1,
            max_value=result.pages,
            step=1,
            key=f"{key}_page",
        )
    per.selectbox("Rows per page", SIZES, key=f"{key}_size", index=SIZES.index(size))
    picked = None
    if select and event and event.selection and event.selection.rows:
        i = event.selection.rows[0]
        picked = shown.iloc[i] if i < len(shown) else None
    return result, picked


def findable(
    choices: Mapping,
    key: str,
    noun: str,
    limit: int = LIST_LIMIT,
    container=None,
) -> list:
    """Options for the drop-down `key` over `choices` ({value: label}): all of them while they
    are few; beyond `limit` a search box and the first `limit` that match (plus the current
    choice), so the browser is not sent 60,000 options on every page. Matching is SQL over
    the labels and values (`store.paging`)."""
    if len(choices) <= limit:
        return list(choices)
    where = container or st
    find = where.text_input(
        f"Find a {noun} ({len(choices):,})",
        key=f"{key}_find",
        placeholder="part of a name or id",
        help=f"The list below holds the first {limit:,} that match.",
    )
    frame = pd.DataFrame({"value": list(choices), "label": [str(v) for v in choices.values()]})
    frame["id"] = frame["value"].astype(str)
    hits = page(frame, PageRequest(find or "", ("label", "id"), size=limit)).rows["value"]
    current = st.session_state.get(key)
    keep = [current] if current in choices and current not in set(hits) else []
    return [*keep, *hits]
