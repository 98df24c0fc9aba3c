"""Transposed sheets: field names down column A, one record per column.

Government "master" workbooks and project information sheets list the fields down the first
column (often thousands of them) and give each project a column. `turned` builds the sheet
the other way round; `transposed_if_better` keeps it only when its field names fill more of an
entity's columns than the sheet's own header row does.
"""

from __future__ import annotations

import re
from dataclasses import replace

import numpy as np
import pandas as pd

from pmo_data.ingest.mapping import (
    THRESHOLD,
    defaultable,
    key_derivable,
    map_headers,
    substantive,
)
from pmo_data.schema import ENTITIES

DECIDE_FIELDS = 200  # field names used to decide (the import maps them all)
MIN_FIELDS = 4
MAX_FIELDS = 20_000  # more rows than this is a table, not fields
MIN_MAPPED = 2  # a name or key and at least one more field
LEAN = 0.1  # rows this much more alike than columns (or less) decides without the names
_NUMBER = re.compile(r"[-+(]?[£$€]?\s*\d[\d,.' ]*%?\)?")
_DATE = re.compile(r"\d{1,4}[-/.]\d{1,2}[-/.]\d{1,4}")


def _label(v) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return None
    text = re.sub(r"\s+", " ", str(v)).strip()
    return text or None


def _looks_transposed(sheet) -> bool:
    """Column A is mostly text labels, and there are few record columns."""
    frame = sheet.frame
    if not MIN_FIELDS <= frame.shape[0] <= MAX_FIELDS or not 2 <= frame.shape[1] <= 300:
        return False
    if 0 not in frame.columns:
        return False
    first = frame[0].head(DECIDE_FIELDS).dropna()
    if first.dtype != object and not pd.api.types.is_string_dtype(first.dtype):
        return False
    labels = first.map(lambda v: isinstance(v, str) and not re.fullmatch(r"[\d.,\s%£$€-]+", v))
    return bool(labels.sum() >= MIN_FIELDS and labels.mean() >= 0.8)


def turned(sheet, limit: int | None = None):
    """The sheet transposed: its column A as headers, one row per other column."""
    frame = sheet.frame if limit is None else sheet.frame.head(limit)
    fields = [sheet.headers[0]] + [
        _label(v) or f"Row {r}" for v, r in zip(frame[0], np.asarray(sheet.rows), strict=False)
    ]
    records, rows = [], []
    for j in range(1, frame.shape[1]):
        cells = [sheet.headers[j] if j < len(sheet.headers) else None] + frame[j].tolist()
        body = cells[1:]
        if all(v is None or (isinstance(v, float) and np.isnan(v)) for v in body):
            continue
        if re.fullmatch(r"Column [A-Z]+", str(cells[0] or "")):
            cells[0] = None
        records.append(cells)
        rows.append(j + 1)  # the source column's number (B = 2)
    out = pd.DataFrame(records, columns=range(len(fields)), dtype="object")
    out = out.where(out.notna(), None)
    return replace(
        sheet,
        headers=fields,
        frame=out,
        rows=np.asarray(rows, dtype="int64"),
        header_rows=[],
        skipped=[],
    )


def _mapped(sheet) -> tuple[str | None, int]:
    """(entity, columns mapped with confidence) for the entity a sheet fills best, among the
    entities whose required columns it has."""
    best: tuple[str | None, int] = (None, 0)
    for name, e in ENTITIES.items():
        m = map_headers(list(sheet.headers), name)
        t = {k: c for k, c in m.targets.items() if c.confidence >= THRESHOLD}
        required = all(r in t or r in defaultable(name) for r in e.required if r != e.key)
        if required and key_derivable(e, m) and substantive(name, t) and len(t) > best[1]:
            best = (name, len(t))
    return best


def transposed_if_better(sheet) -> tuple[object, str] | None:
    """(the sheet turned round, its entity) when its field names fill an entity's columns
    better than its header row does; None otherwise."""
    if not _looks_transposed(sheet):
        return None
    lean = _lean(sheet)
    if lean < -LEAN:  # each column holds one kind of value: an ordinary table
        return None
    trial = turned(sheet, DECIDE_FIELDS)
    if trial.frame.empty:
        return None
    name, n = _mapped(trial)
    needed = _mapped(sheet)[1] + (1 if lean > LEAN else 2)
    if name is None or n < max(MIN_MAPPED, needed):
        return None
    return turned(sheet), name


def _kind(v) -> str | None:
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NaT:
        return None
    if isinstance(v, (int, float, np.number)) and not isinstance(v, bool):
        return "number"
    if isinstance(v, (pd.Timestamp, np.datetime64)) or hasattr(v, "year"):
        return "date"
    text = str(v).strip()
    if not text:
        return None
    if _NUMBER.fullmatch(text):
        return "number"
    if _DATE.match(text):
        return "date"
    return "text"


def _lean(sheet) -> float:
    """How much more alike the cells of a row are than the cells of a column (past column A):
    > 0 when each row holds one kind of value (a field per row, records across), < 0 when each
    column does (an ordinary table)."""
    body = sheet.frame.iloc[:DECIDE_FIELDS, 1:]
    if body.empty:
        return 0.0
    codes = {"number": 1, "date": 2, "text": 3}
    kinds = np.array(
        [[codes.get(_kind(v), 0) for v in col] for col in body.T.itertuples(index=False)]
    )  # columns x rows, 0 = blank

    def alike(lines: np.ndarray) -> float:
        shares = []
        for line in lines:
            counts = np.bincount(line, minlength=4)[1:]
            if counts.sum() >= 2:
                shares.append(counts.max() / counts.sum())
        return float(np.mean(shares)) if shares else 1.0

    return alike(kinds.T) - alike(kinds)
