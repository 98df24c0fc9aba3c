"""The data rules across rows and entities, applied after each sheet is coerced.

Within an entity (all its sheets together): duplicate keys (later rows rejected, naming the
first; repeated customer rows merged), dates and estimates out of order (warnings). Across
entities: references to customers, projects or services that exist neither in the upload nor
in the store (warnings). Then `split` separates the rows to load from the rejected ones (any
error rejects the whole row), and `add_sentiment` scores feedback comments.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from pmo_data.ingest import sentiment
from pmo_data.ingest.validation import PROVENANCE, _show, issue, issues_frame
from pmo_data.schema import ENTITIES, entity

# (earlier, later, message) pairs that must be in order; a violation is a warning.
ORDER_RULES = {
    "projects": [("start_date", "end_date"), ("start_date", "forecast_end_date")],
    "actions": [("raised_date", "closed_date"), ("raised_date", "due_date")],
    "savings": [("period_start", "period_end"), ("low", "likely"), ("likely", "high")],
}
REFERENCES = {"customer_id": "customers", "project_id": "projects", "service_id": "services"}


def row_issues(frame, mask, severity, field, message, rule, mappings, *, entity_name, value=None):
    """Issues for the rows of a (multi-sheet) frame where mask is true; message may be a Series."""
    mask = np.asarray(mask, dtype=bool)
    if not mask.any():
        return None
    sub = frame.loc[mask, PROVENANCE]
    df = pd.DataFrame(
        {
            "severity": severity,
            "entity": entity_name,
            "file": sub["_file"].to_numpy(),
            "sheet": sub["_sheet"].to_numpy(),
            "row": sub["_row"].to_numpy(),
            "field": field,
            "rule": rule,
        }
    )
    df["message"] = message[mask].to_numpy() if isinstance(message, pd.Series) else message
    src = value if value is not None else frame.get(field)
    df["value"] = [_show(v) for v in src[mask]] if src is not None else None
    labels = {}
    for (f, s), m in (mappings or {}).items():
        cm = m.source_of(field) if field else None
        labels[(f, s)] = (cm.header, cm.letter) if cm else (field, None)
    pairs = [labels.get(k, (field, None)) for k in zip(df["file"], df["sheet"], strict=True)]
    df["column"] = [p[0] for p in pairs]
    df["letter"] = [p[1] for p in pairs]
    return df


def check(
    frame: pd.DataFrame, entity_name: str, mappings: dict | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Rules within one entity (all its sheets together): duplicate keys, order of dates and
    estimates. Returns the frame (customers' repeated rows merged) and the issues."""
    e = entity(entity_name)
    parts = []
    key = frame[e.key]
    dup = key.notna() & key.duplicated(keep="first")
    if dup.any():
        canon = [c for c in e.column_names if c in frame.columns]
        repeat = dup & frame.duplicated(subset=canon, keep="first")
        if e.name == "customers" and repeat.any():
            rep = frame.loc[repeat]
            for (f, sh), grp in rep.groupby(["_file", "_sheet"], sort=False):
                n, m = len(grp), grp[e.key].nunique()
                msg = (
                    f"{n} repeated rows merged: {m} customers appear on several rows with the "
                    "same details (e.g. one row per event); the first row of each is kept"
                )
                parts.append(
                    issue("info", msg, entity=e.name, file=f, sheet=sh, rule="merged", field=e.key)
                )
            frame = frame.loc[~repeat].reset_index(drop=True)
            key = frame[e.key]
            dup = key.notna() & key.duplicated(keep="first")
        if dup.any():
            first = frame.groupby(e.key, sort=False)["_row"].transform("first")
            first_sheet = frame.groupby(e.key, sort=False)["_sheet"].transform("first")
            parts.append(duplicate_issues(frame, e, dup, first, first_sheet, mappings))
    parts += order_issues(frame, e, mappings)
    return frame, issues_frame(parts)


def duplicate_issues(frame, e, dup, first, first_sheet, mappings) -> pd.DataFrame:
    """An error per later row whose key an earlier row has (`first`: that row's number)."""
    key = frame[e.key]
    where = "row " + pd.Series(first, index=frame.index).astype("string")
    first_sheet = pd.Series(first_sheet, index=frame.index)
    other = first_sheet != frame["_sheet"]
    where = where.where(~other, where + " of sheet " + first_sheet.astype("string"))
    msg = (
        f"duplicate {e.key} '"
        + key.astype("string")
        + "': already on "
        + where
        + " — this later row is not loaded; give each row its own id"
    )
    return row_issues(frame, dup, "error", e.key, msg, "duplicate", mappings, entity_name=e.name)


def order_issues(frame, e, mappings) -> list:
    """A warning per row whose dates or estimates are out of order, one part per rule."""
    parts = []
    for early, late in ORDER_RULES.get(e.name, ()):
        if early in frame and late in frame:
            a, b = frame[early], frame[late]
            bad = (a.notna() & b.notna() & (b < a)).fillna(False)
            what = "date" if "date" in late or "period" in late else "estimate"
            msg = f"{late} is before/below {early} — check the {what}s; the row is loaded as is"
            parts.append(
                row_issues(frame, bad, "warning", late, msg, "order", mappings, entity_name=e.name)
            )
    return parts


def check_references(
    frames: dict[str, pd.DataFrame], mappings: dict | None = None, store=None, known=None
) -> pd.DataFrame:
    """Rows pointing at a customer/project/service id that exists neither in this upload nor
    in the store's current version (warning; the row stays). `known` keeps the ids read
    between calls (a file checked part by part)."""
    parts = []
    known = {} if known is None else known
    for name, frame in frames.items():
        e = entity(name)
        for col, target in REFERENCES.items():
            if col == e.key or col not in frame or not frame[col].notna().any():
                continue
            if target not in known:
                known[target] = _known_ids(target, frames, store)
            ids = known[target]
            if ids is None:
                continue
            bad = frame[col].notna() & ~frame[col].isin(ids)
            label = ENTITIES[target].label.lower()
            msg = (
                f"{col} '" + frame[col].astype("string") + f"' is not in {target} (neither in "
                f"this upload nor in the store) — import the {label} too or correct the id"
            )
            parts.append(
                row_issues(frame, bad, "warning", col, msg, "orphan", mappings, entity_name=name)
            )
    return issues_frame(parts)


def _known_ids(target: str, frames: dict, store) -> set | None:
    key = ENTITIES[target].key
    if target in frames:
        return set(frames[target][key].dropna())
    if store is not None:
        sql, params = store.entity_sql(target)
        rows = store.rows(f'SELECT DISTINCT "{key}" FROM ({sql})', params)
        if rows:
            return {r[0] for r in rows}
    return None  # nothing to check against yet


def split(frame: pd.DataFrame, issues: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(rows to load, rejected rows): a row with any error is rejected whole."""
    err = issues[(issues["severity"] == "error") & issues["row"].notna()]
    if err.empty or frame.empty:
        return frame, frame.iloc[:0]
    bad = pd.MultiIndex.from_arrays(
        [err["file"].astype(str), err["sheet"].astype(str), err["row"].astype("int64")]
    )
    here = pd.MultiIndex.from_arrays(
        [frame["_file"].astype(str), frame["_sheet"].astype(str), frame["_row"].astype("int64")]
    )
    rejected = here.isin(bad)
    return frame.loc[~rejected].reset_index(drop=True), frame.loc[rejected].reset_index(drop=True)


def add_sentiment(frame: pd.DataFrame) -> pd.DataFrame:
    """Feedback comment sentiment (VADER compound, -1..1), computed once per distinct comment
    by `sentiment.score` (~25 µs per unique comment; repeated comments are free)."""
    if "comment" not in frame:
        return frame
    return frame.assign(sentiment=sentiment.score(frame["comment"]))
