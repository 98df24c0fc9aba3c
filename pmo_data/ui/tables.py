"""Tables that read like a report: one vocabulary of columns, one way to draw a table.

Tables of every project or customer are shown a page at a time (`paged_table`): search, sort
and paging run in DuckDB on the server (`pmo_data.store.paging`), so the browser never lays
out tens of thousands of rows while every row stays findable; long drop-downs become a search
box and its first matches (`findable`).

Every column the pages show is declared once here, by the name the models give it, with a
human label, a unit, a format and help; measures take their label and help from
`pmo_data.measures`, so "NPS" or "Budget variance" reads the same on every page. `table()`
draws a frame through it: no row index, empty cells as a dash, shares of 1 shown as whole
percentages, RAG cells coloured and labelled. A test (tests/test_app_labels.py) fails when a
table on any page shows a raw column name, "None", or an unformatted number.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from pmo_data import measures as m
from pmo_data.escaping import md
from pmo_data.formatting import SYMBOLS, number
from pmo_data.store.paging import Page, PageRequest, page
from pmo_data.ui.context import get_store
from pmo_data.ui.kept import kept, put

DASH = "–"
STYLE_LIMIT = 300  # beyond this many rows RAG cells get a marker instead of a background
RAG_BG = {"Red": "#f8d7d7", "Amber": "#fde7c2", "Green": "#d3f0dd"}
RAG_MARK = {"Red": "▲", "Amber": "◆", "Green": "●"}  # shape as well as colour
SIZES = (25, 50, 100, 250)  # rows per page a person can choose
LIST_LIMIT = 1000  # options in a drop-down; beyond, a search box narrows them


@dataclass(frozen=True)
class Col:
    """How one column is shown. kind: text, int, number, money, share (a fraction of 1, shown
    as a whole percentage), percent (already 0-100), signed, score (2 decimals), date,
    datetime, progress (0-100), check, list."""

    label: str
    kind: str = "text"
    help: str | None = None
    decimals: int = 0
    width: str | None = None
    unit: str = ""

    def config(self, currency: str, label: str | None = None):
        label = label or self.label
        cc = st.column_config
        args = dict(help=self.help, width=self.width)
        unit = f" {self.unit}" if self.unit else ""
        if self.kind == "money":
            sym = SYMBOLS.get(currency, "")
            text = label if sym else f"{label} ({currency})"
            return cc.NumberColumn(text, format=f"{sym}%,.{self.decimals}f", **args)
        if self.kind in ("share", "percent"):
            return cc.NumberColumn(label, format=f"%.{self.decimals}f%%", **args)
        if self.kind == "signed":
            return cc.NumberColumn(label, format=f"%+.{self.decimals}f{unit}", **args)
        if self.kind == "int":
            return cc.NumberColumn(label, format=f"%,.0f{unit}", **args)
        if self.kind in ("number", "score"):
            d = 2 if self.kind == "score" else self.decimals
            return cc.NumberColumn(label, format=f"%,.{d}f{unit}", **args)
        if self.kind == "date":
            return cc.DateColumn(label, format="D MMM YYYY", **args)
        if self.kind == "datetime":
            return cc.DatetimeColumn(label, format="D MMM YYYY, HH:mm", **args)
        if self.kind == "progress":
            return cc.ProgressColumn(label, min_value=0, max_value=100, format="%.0f%%", **args)
        if self.kind == "check":
            return cc.CheckboxColumn(label, **args)
        if self.kind == "list":
            return cc.ListColumn(label, **args)
        return cc.TextColumn(label, **args)


def _measure(measure: m.Measure, kind: str, label: str | None = None, **kw) -> Col:
    return Col(label or measure.label, kind, measure.help, **kw)


N_HELP = "How many answers the rate rests on; fewer than 30: read it as indicative."
NPS_12M = "NPS (12 months)"  # the customer-level window (FEEDBACK_WINDOW_DAYS)

COLUMNS: dict[str, Col] = {
    # who and what
    "project_id": Col("Project id"),
    "project": Col("Project"),
    "name": Col("Name", width="large"),
    "customer_id": Col("Customer id"),
    "customer": Col("Customer"),
    "service_id": Col("Service id"),
    "service": Col("Service"),
    "action_id": Col("Action"),
    "response_id": Col("Response"),
    "saving_id": Col("Saving line"),
    "line_id": Col("Line"),
    "title": Col("Title", width="large"),
    "description": Col("Description", width="large"),
    "comment": Col("Comment", width="large"),
    "portfolio": Col("Portfolio"),
    "stage": Col("Stage"),
    "rag": Col("RAG", help="Red / Amber / Green as reported: ▲ Red, ◆ Amber, ● Green."),
    "band": Col(
        "Health band", help="Green 70+, Amber 50-69, Red below 50 (▲ Red ◆ Amber ● Green)."
    ),
    "tier": Col("Tier"),
    "segment": Col("Segment"),
    "region": Col("Region"),
    "category": Col("Category"),
    "sponsor": Col("Sponsor"),
    "project_manager": Col("Project manager"),
    "account_lead": Col("Account lead"),
    "owner": Col("Owner"),
    "status": Col("Status"),
    "respondent_role": Col("Respondent role"),
    "channel": Col("Channel"),
    "theme": Col("Theme"),
    "who": Col("Person"),
    "reasons": Col(
        "Why", width="large", help="The signals pulling the health score down, worst first."
    ),
    "reason": Col("Why it is listed", width="large"),
    "source": Col("Source"),
    "note": Col("Note"),
    "author": Col("By"),
    "view": Col("Evidence seen as"),
    "activity": Col("Activity"),
    "cost_pool": Col("Cost pool"),
    "entity": Col("Entity"),
    "column": Col("Column"),
    "field": Col("Field"),
    "target": Col("Points at"),
    "examples": Col("Examples", width="large"),
    "what": Col("What"),
    "key": Col("Key"),
    "old": Col("Before"),
    "new": Col("After"),
    # dates
    "date": Col("Date", "date"),
    "due_date": Col("Due", "date"),
    "raised_date": Col("Raised", "date"),
    "closed_date": Col("Closed", "date"),
    "start_date": Col("Start", "date"),
    "end_date": Col("Baseline end", "date"),
    "forecast_end_date": Col("Forecast end", "date"),
    "go_live_date": Col("Go-live", "date"),
    "last_contact_date": Col("Last contact", "date"),
    "last_feedback": Col("Last feedback", "date"),
    "period_start": Col("From", "date"),
    "period_end": Col("To", "date"),
    "first_low": Col("First detractor since", "date"),
    "saved": Col("Saved", "datetime"),
    "created_at": Col("Saved", "datetime"),
    "imported_at": Col("Imported", "datetime"),
    # money
    "budget": Col("Budget", "money"),
    "actual_cost": Col("Actual cost", "money"),
    "forecast_cost": Col("Forecast cost", "money"),
    "planned_benefit": Col("Planned benefit", "money"),
    "realised_benefit": Col("Realised benefit", "money"),
    "annual_value": Col("Annual value", "money"),
    "value_at_stake": Col("Customer value at stake", "money"),
    "low": Col("Low", "money"),
    "likely": Col("Likely", "money"),
    "high": Col("High", "money"),
    "realised": Col("Realised", "money"),
    "charge": Col("Charge per unit", "money"),
    "unit_cost": Col("Cost per unit", "money"),
    "rate_per_hour": Col("Rate per hour", "money", decimals=2),
    "cost": Col("Cost", "money", help="Forecast cost, else budget."),
    # measures
    "nps": _measure(m.NPS_POINTS, "signed"),
    "nps_answer": Col("NPS answer (0-10)", "int"),
    "nps_n": Col("NPS n", "int", N_HELP),
    "nps_lo": Col("NPS low (95%)", "signed"),
    "nps_hi": Col("NPS high (95%)", "signed"),
    "nps_change": Col(
        "NPS change", "signed", "Points, recent two quarters against the two before."
    ),
    "csat": _measure(m.CSAT_SATISFIED, "share", "CSAT (4-5 of 5)"),
    "csat_score": Col("CSAT (1-5)", "int"),
    "csat_n": Col("CSAT n", "int", N_HELP),
    "csat_mean": Col("Mean CSAT (1-5)", "score"),
    "effort": _measure(m.EFFORT, "score", "Effort (1-5)"),
    "effort_mean": _measure(m.EFFORT, "score", "Effort (1-5)"),
    "effort_score": _measure(m.EFFORT, "int", "Effort (1-5)"),
    "responses": Col("Responses", "int"),
    "sentiment": Col("Sentiment", "score", "-1 very negative to +1 very positive (VADER)."),
    "budget_variance_pct": _measure(m.BUDGET_VARIANCE, "share", decimals=1),
    "budget_variance": _measure(m.BUDGET_VARIANCE, "share", decimals=1),
    "slip_days": _measure(m.SLIP_DAYS, "int", "Slip (days)"),
    "days_overdue": Col("Overdue (days)", "int"),
    "days_waiting": Col("Waiting (days)", "int", "Days since the response with no follow-up."),
    "days_to_close": Col("Days to close", "int"),
    "cadence_days": _measure(m.CADENCE_DAYS, "int", "Contact cadence (days)"),
    "percent_complete": Col("Complete", "progress"),
    "value_score": Col("Value score", "number", "0-100 with the default weights."),
    "health": Col(
        "Health",
        "number",
        "0-100 from NPS, its trend, CSAT, actions, project RAG and contact recency.",
    ),
    "open_actions": _measure(m.OPEN_ACTION, "int"),
    "projects": Col("Projects", "int"),
    "actions": Col("Actions", "int"),
    "customers": Col("Customers", "int"),
    "rank": Col("Rank", "int"),
    # estimators' assumptions
    "hours_low": Col("Hours low", "number", decimals=1),
    "hours_likely": Col("Hours likely", "number", decimals=1),
    "hours_high": Col("Hours high", "number", decimals=1),
    "units_per_month": Col("Units a month", "number", decimals=2),
    "months": Col("Months", "int"),
    "fte": Col("FTE", "number", decimals=1),
    "version": Col("Version", "int"),
    "rows": Col("Rows", "int"),
    # the Data page: an upload's validation report and what an import will do
    "file": Col("File"),
    "sheet": Col("Sheet"),
    "why": Col("Why it is left out", width="large"),
    "severity": Col(
        "Severity",
        help="Error: the row is rejected. Warning: the row is loaded, "
        "the cell blanked or adjusted. Info: skipped rows, merged repeats.",
    ),
    "row": Col("Row", "int", "The row's number as Excel shows it."),
    "letter": Col("Cell", help="The column's letter in the sheet."),
    "message": Col("Problem", width="large"),
    "rows_read": Col("Rows read", "int", "Data rows found in the entity's sheets."),
    "rows_loaded": Col("Ready to import", "int", "Rows that passed every check."),
    "rows_rejected": Col(
        "Rejected", "int", "Rows with an error: left out whole, never half-loaded."
    ),
    "rows_merged": Col("Repeats merged", "int", "Rows repeating an id in the files, merged."),
    "rows_skipped": Col("Skipped", "int", "Blank rows, totals and section headings."),
    "mode": Col("Mode", help="Replace (the whole list), merge by id, or append new rows."),
    "before": Col("Stored now", "int"),
    "added": Col("Added", "int"),
    "changed": Col("Changed", "int"),
    "removed": Col("Removed", "int"),
    "unchanged": Col("Unchanged", "int"),
    "duplicates": Col("Already stored (left out)", "int", "Append mode: rows already stored."),
    "after": Col("After import", "int"),
    "changed_fields": Col("Changed fields", width="large", help="Rows changed per field."),
    "label": Col("Name"),
    "old_key": Col("Old id"),
    "new_key": Col("New id"),
}


def label(name: str) -> str:
    """The human label of a column (its declared one, else its name in words)."""
    col = COLUMNS.get(name)
    return col.label if col else name.replace("_", " ").capitalize()


def config(name: str, currency: str | None = None, label: str | None = None):
    """The column configuration of `name` from the vocabulary (a text column in words when it
    is not declared)."""
    currency = currency or get_store().currency
    col = COLUMNS.get(name) or Col(name.replace("_", " ").capitalize())
    return col.config(currency, label)


def answer_columns() -> dict:
    """Overrides for tables of single responses, whose `nps` and `csat` are one person's
    answers (0-10, 1-5), not the NPS and CSAT rates."""
    return {"nps": config("nps_answer"), "csat": config("csat_score")}


def rag_style(df: pd.DataFrame, column: str = "rag"):
    """RAG cells readable without colour: a shape and the word (▲ Red, ◆ Amber, ● Green), and
    a background up to STYLE_LIMIT rows (styling is per cell and slow for big tables)."""
    shown = df.assign(
        **{column: df[column].map(lambda v: f"{RAG_MARK[v]} {v}" if v in RAG_MARK else v)}
    )
    if len(df) > STYLE_LIMIT:
        return shown
    bg = {f"{RAG_MARK[k]} {k}": v for k, v in RAG_BG.items()}
    return shown.style.map(
        lambda v: f"background-color: {bg[v]}; color: #1b2430" if v in bg else "",
        subset=[column],
    )


def table(
    df: pd.DataFrame,
    columns: list[str] | None = None,
    config_overrides: dict | None = None,
    *,
    rag: str | None = None,
    key: str | None = None,
    column_config: dict | None = None,
    **kwargs,
):
    """`st.dataframe` the house way: the vocabulary's labels and formats (overridden per
    column by `config_overrides`), no index, a dash for empty cells, shares shown as whole
    percentages, RAG cells with shape and colour. Returns what `st.dataframe` returns.

    An override is a Streamlit column config, or a `Col` (then a share is scaled like the
    vocabulary's); `column_config` is a synonym of `config_overrides`."""
    kwargs.pop("hide_index", None)
    overrides = {**(config_overrides or {}), **(column_config or {})}
    currency = get_store().currency
    cols = [c for c in (columns or list(df.columns)) if c in df.columns]
    shown = df[cols].reset_index(drop=True)
    cfg = {c: config(c, currency) for c in cols}
    for c in cols:
        col = overrides.get(c, COLUMNS.get(c))
        if isinstance(col, Col) and col.kind == "share" and pd.api.types.is_numeric_dtype(shown[c]):
            shown[c] = shown[c] * 100
    cfg.update({c: o.config(currency) if isinstance(o, Col) else o for c, o in overrides.items()})
    data = rag_style(shown, rag) if rag and rag in shown else shown
    return st.dataframe(
        data,
        hide_index=True,
        column_order=cols,
        column_config=cfg,
        placeholder=DASH,
        key=key,
        **kwargs,
    )


def _to_first_page(key: str) -> None:
    put(f"{key}_page", 1)


def paged_table(
    frame: pd.DataFrame,
    *,
    key: str,
    columns: Sequence[str] | None = None,
    config_overrides: Mapping | None = None,
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
    rag: str | None = None,
    select: bool = False,
    keep_all: bool = False,
    noun: str = "rows",
    **kwargs,
) -> tuple[Page, pd.Series | None]:
    """One page of `frame` drawn with `table()`, with a search box, a sort and a page number.

    `equals` and `where` (a name in `predicates`) narrow the rows with the page's own filters.
    Returns the page and, with `select=True`, the row the person selected (else None); with
    `keep_all=True` the page's `matching` holds every matching row (for a download or chart).
    """
    columns = [c for c in (columns or frame.columns) if c in frame.columns]
    sortable = [c for c in (sortable or columns) if c in frame.columns]
    overrides = dict(config_overrides or {})

    def name(c: str) -> str:
        o = overrides.get(c)
        if isinstance(o, Col):
            return o.label
        if isinstance(o, Mapping) and o.get("label"):
            return str(o["label"])
        return label(c)

    left, mid, right = st.columns([3, 2, 1], vertical_alignment="bottom")
    search = ""
    if search_columns:
        search = left.text_input(
            search_label,
            placeholder=search_placeholder,
            **kept(f"{key}_search", on_change=_to_first_page, args=(key,)),
            help="Looks through every row, not only this page; each word must match.",
        )
    options = ["", *sortable]
    sort = mid.selectbox(
        "Sort all rows by",
        options,
        format_func=lambda c: "as listed" if c == "" else name(c),
        **kept(
            f"{key}_sort",
            default_sort if default_sort in options else "",
            options=options,
            on_change=_to_first_page,
            args=(key,),
        ),
    )
    descending = right.toggle(
        "Descending",
        disabled=not sort,
        **kept(f"{key}_desc", default_descending, on_change=_to_first_page, args=(key,)),
    )
    pager_at = kept(f"{key}_page", 1)  # both before they are read below
    per_page = kept(f"{key}_size", size, options=SIZES)
    request = PageRequest(
        search=search or "",
        search_columns=tuple(c for c in search_columns if c in frame.columns),
        equals=tuple((c, tuple(v)) for c, v in equals if v),
        where=where,
        sort=sort or None,
        descending=bool(descending),
        page=int(st.session_state.get(f"{key}_page", 1)),
        size=int(st.session_state.get(f"{key}_size", size)),
    )
    needed = [*columns, *request.search_columns, *(c for c, _ in request.equals)]
    narrow = None if where is not None or keep_all else needed
    result = page(frame, request, predicates, keep_all=keep_all, columns=narrow)
    shown = result.rows[columns].reset_index(drop=True)
    event = table(
        shown,
        columns,
        overrides,
        rag=rag,
        key=f"{key}_rows_{result.page}",
        on_select="rerun" if select else "ignore",
        selection_mode="single-row",
        **kwargs,
    )
    info, pager, per = st.columns([4, 1, 1], vertical_alignment="bottom")
    if result.total:
        found = f" found (of {number(len(frame))})" if result.total < len(frame) else ""
        info.caption(
            f"{md(noun.capitalize())} {number(result.first)}–{number(result.last)} of "
            f"{number(result.total)}{md(found)}. Search and sort cover every row; a click on a "
            "column header sorts this page."
        )
    else:
        info.caption(f"No {md(noun)} match: clear the search or widen the filters.")
    if result.pages > 1:
        put(f"{key}_page", result.page)  # within the pages there are now
        pager.number_input(
            f"Page (of {number(result.pages)})",
            min_value=1,
            max_value=result.pages,
            step=1,
            **pager_at,
        )
    per.selectbox("Rows per page", SIZES, **per_page)
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
        f"Find a {md(noun)} ({len(choices):,})",
        placeholder="part of a name or id",
        help=f"The list below holds the first {limit:,} that match.",
        **kept(f"{key}_find"),
    )
    frame = pd.DataFrame({"value": list(choices), "label": [str(v) for v in choices.values()]})
    frame["id"] = frame["value"].astype(str)
    hits = page(frame, PageRequest(find or "", ("label", "id"), size=limit)).rows["value"]
    current = st.session_state.get(key)
    keep = [current] if current in choices and current not in set(hits) else []
    return [*keep, *hits]
