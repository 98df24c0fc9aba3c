"""Data page: the upload's tables read like a report (the validation report per entity, the
sheets left out, the issues, the mapping editor), drawn through the tables vocabulary
(`pmo_data.ui.tables`): human labels, thousands separators, help, a dash for empty cells."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from pmo_data.schema import ENTITIES
from pmo_data.ui.tables import Col, label, table

METHOD = {  # how a header was matched to a column of the data model, in words
    "exact": "Same name",
    "alias": "Known alias",
    "fuzzy": "Similar name",
    "survey": "Survey question",
    "remembered": "Remembered",
    "user": "Your choice",
    "none": "Not matched",
}
ISSUE_COLUMNS = ["severity", "file", "sheet", "row", "letter", "column", "value", "message"]


def _entity(name: str | None) -> str:
    return ENTITIES[name].label if name in ENTITIES else (name or "")


def entity_counts(entities: dict[str, dict[str, int]]) -> None:
    """Rows read, loaded, rejected, merged and skipped per entity (all its sheets)."""
    if not entities:
        return
    frame = pd.DataFrame(
        [
            {"entity": _entity(name), **{f"rows_{k}": v for k, v in counts.items()}}
            for name, counts in entities.items()
        ]
    )
    table(frame, ["entity", *(c for c in frame.columns if c != "entity")], key="report_entities")


def skipped_sheets(skipped) -> None:
    """Sheets not imported (pivots, charts, notes...): their names are data, shown in a table."""
    frame = pd.DataFrame(
        [{"file": s.file, "sheet": s.sheet, "why": s.skipped_text} for s in skipped]
    )
    table(frame, key="report_skipped")


def issues(frame: pd.DataFrame, limit: int) -> None:
    """The issues found, one row per cell or row, numbered as in Excel."""
    cols = [c for c in ISSUE_COLUMNS if c in frame.columns]
    shown = frame[cols].head(limit).copy()
    if "severity" in shown:
        shown["severity"] = shown["severity"].astype(str).str.capitalize()
    table(
        shown,
        cols,
        {
            "column": Col("Column", help="The header in the file."),
            "value": Col("Value in the file"),
        },
        height=300,
        key="issues_table",
    )


def mapping_editor(rows: pd.DataFrame, targets: list[str], keep: str, key: str) -> pd.DataFrame:
    """The editable mapping of one sheet: each header, the column of the data model it maps to
    (the only editable cell), how sure the match is and how it was made."""
    cc = st.column_config
    shown = rows[["column", "header", "target", "confidence", "method", "sample values"]].copy()
    shown["method"] = shown["method"].map(lambda v: METHOD.get(v, str(v).capitalize()))
    return st.data_editor(
        shown,
        column_config={
            "column": cc.TextColumn("Column", help="The column's letter in the sheet."),
            "header": cc.TextColumn("Header in the file"),
            "target": cc.SelectboxColumn(
                "Maps to",
                options=targets,
                required=True,
                format_func=lambda t: t if t == keep else f"{label(t)} ({t})",
                help="The column of the data model it fills; change it to correct the match.",
            ),
            "confidence": cc.ProgressColumn(
                "Confidence",
                min_value=0.0,
                max_value=1.0,
                format="percent",
                help="How sure the match is, from the header's name and the values under it.",
            ),
            "method": cc.TextColumn("Matched by"),
            "sample values": cc.TextColumn("Sample values", width="large"),
        },
        disabled=["column", "header", "confidence", "method", "sample values"],
        hide_index=True,
        width="stretch",
        placeholder="–",
        key=key,
    )
