"""Every download the app offers (Excel, CSV, the validation report, the template) is written here.

Text from spreadsheets is data, never a formula. Following OWASP's CSV injection guidance, a text
value starting with `=`, `+`, `-`, `@`, tab or carriage return is neutralised:
- in Excel (openpyxl) every text cell is written with the string type and, when it starts with
  one of those characters, the quote-prefix style, so Excel shows it as typed text and never
  evaluates it, even after the cell is edited; the value itself is kept exactly;
- in CSV the value gets a leading single quote (`'=HYPERLINK(...)`), as OWASP recommends, since
  a CSV has no cell types.
Numbers, dates and booleans stay typed values (a negative number is a number, not text).

One header style for every workbook (`style_header`), and `excel_bytes()` for tables.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable
from datetime import date, datetime

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_TEXT = 32_000  # Excel's limit is 32,767 characters per cell
HEADER_FONT = Font(bold=True, color="FFFFFF")
HEADER_FILL = PatternFill("solid", fgColor="1F6FEB")
HEADER_ALIGN = Alignment(vertical="top")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_MIME = "text/csv"


def is_formula_like(value: object) -> bool:
    """True for text a spreadsheet program would read as a formula (or a DDE command)."""
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_text(value: object) -> object:
    """A value safe for a CSV field: formula-like text gets a leading single quote."""
    return "'" + value if is_formula_like(value) else value


def plain_value(value: object) -> object:
    """A cell value openpyxl writes as a typed value: None for missing, Python scalars,
    naive datetimes, and text for anything else (lists, dicts, ...)."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return None
    if isinstance(value, pd.Timestamp):
        value = value.to_pydatetime()
    if isinstance(value, datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    if isinstance(value, (bool, int, float, datetime, date)):
        return value
    if isinstance(value, (bytes, bytearray)):
        value = value.decode("utf-8", "replace")
    return ILLEGAL_CHARACTERS_RE.sub("", str(value))[:MAX_CELL_TEXT]


def text_cell(cell) -> None:
    """Make a cell holding text a text cell (never a formula), quote-prefixed when it looks
    like one."""
    if isinstance(cell.value, str):
        cell.data_type = "s"
        if is_formula_like(cell.value):
            cell.quotePrefix = True


def cell(ws, value: object, *, bold: bool = False) -> WriteOnlyCell:
    """A write-only cell with a typed value; text is always text."""
    c = WriteOnlyCell(ws, value=plain_value(value))
    text_cell(c)
    if bold:
        c.font = Font(bold=True)
    return c


def style_header(c) -> None:
    """The one header look of every workbook the app writes."""
    c.font, c.fill, c.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGN


def header(ws, names: Iterable[object]) -> list[WriteOnlyCell]:
    """A styled header row for a write-only sheet."""
    out = []
    for name in names:
        c = cell(ws, name)
        style_header(c)
        out.append(c)
    return out


def _widths(df: pd.DataFrame) -> list[int]:
    out = []
    for col in df.columns:
        width = len(str(col)) + 2
        if len(df):
            lengths = df[col].astype("string").fillna("").str.len()
            width = max(width, int(lengths.quantile(0.9)) + 2)
        out.append(min(60, max(10, width)))
    return out


def write_frame(wb: Workbook, name: str, df: pd.DataFrame) -> None:
    """One sheet of a write-only workbook: styled frozen header, typed cells, sensible widths."""
    ws = wb.create_sheet(_sheet_name(name, {s.title for s in wb.worksheets}))
    ws.freeze_panes = "A2"
    for i, width in enumerate(_widths(df), start=1):
        ws.column_dimensions[get_column_letter(i)].width = width
    ws.append(header(ws, df.columns))
    for row in df.itertuples(index=False, name=None):
        ws.append([cell(ws, v) for v in row])


def _sheet_name(name: str, taken: set[str]) -> str:
    base = "".join(ch for ch in str(name) if ch not in "[]:*?/\\")[:31] or "Sheet"
    title, i = base, 2
    while title in taken:
        title, i = f"{base[:28]} {i}", i + 1
    return title


def excel_bytes(sheets: dict[str, pd.DataFrame]) -> bytes:
    """A workbook of named tables (one sheet each), formula-safe."""
    wb = Workbook(write_only=True)
    for name, df in sheets.items():
        write_frame(wb, name, df)
    if not sheets:
        wb.create_sheet("Empty")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A UTF-8 CSV (with a byte-order mark so Excel reads the accents), formula-safe."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([csv_text(str(c)) for c in df.columns])
    for row in df.itertuples(index=False, name=None):
        writer.writerow(["" if (v := plain_value(x)) is None else csv_text(v) for x in row])
    return ("\ufeff" + buf.getvalue()).encode("utf-8")
