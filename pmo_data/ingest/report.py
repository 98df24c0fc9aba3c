"""The import report: what was read, loaded, rejected and why, per file and sheet.

It is what the analyst fixes the source from, so it comes in three forms: `summary_lines()`
for the terminal, `to_dict()` for `--json` and the UI, and `to_excel()`: a workbook with a
summary, every issue, and a copy of the offending rows with the problem cells highlighted
(red = error, amber = warning) and the message as a cell comment.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import PurePath

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.utils import column_index_from_string

from pmo_data import exports
from pmo_data.ingest import nondata, signatures
from pmo_data.ingest.mapping import Mapping
from pmo_data.ingest.validation import SEVERITIES, issues_frame

MAX_ROWS_COPIED = 50_000  # offending rows copied per sheet into the Excel report
FILLS = {
    "error": PatternFill("solid", fgColor="F4CCCC"),
    "warning": PatternFill("solid", fgColor="FCE5CD"),
}


@dataclass
class SheetResult:
    """One source sheet: where it went and what happened to its rows."""

    file: str
    sheet: str
    entity: str | None = None
    score: float = 0.0
    rows_read: int = 0
    rows_loaded: int = 0
    rows_rejected: int = 0
    rows_merged: int = 0
    rows_skipped: int = 0
    mapping: Mapping | None = None
    tool: str | None = None  # the tool whose export this is, when recognised by its signature
    skipped: str | None = None  # why a sheet that is not data was left out

    @property
    def skipped_text(self) -> str:
        """'skipped: looks like a pivot table' (or 'not imported')."""
        if not self.skipped:
            return "not imported"
        return "skipped: " + nondata.describe(self.skipped)

    def to_dict(self) -> dict:
        d = {k: v for k, v in self.__dict__.items() if k != "mapping"}
        d["mapping"] = self.mapping.to_records() if self.mapping else None
        return d


@dataclass
class ImportReport:
    """Everything an import found; `has_errors` decides whether it may be applied as is."""

    sheets: list[SheetResult] = field(default_factory=list)
    issues: pd.DataFrame = field(default_factory=issues_frame)
    files: list[dict] = field(default_factory=list)
    sources: dict = field(default_factory=dict, repr=False)  # (file, sheet) -> reading.Sheet

    @property
    def counts(self) -> dict[str, int]:
        vc = self.issues["severity"].value_counts()
        return {s: int(vc.get(s, 0)) for s in SEVERITIES}

    @property
    def has_errors(self) -> bool:
        return self.counts["error"] > 0

    @property
    def entities(self) -> dict[str, dict[str, int]]:
        """Per entity: rows read, loaded, rejected, merged, skipped (all its sheets)."""
        out: dict[str, dict[str, int]] = {}
        for s in self.sheets:
            if s.entity:
                d = out.setdefault(
                    s.entity, dict(read=0, loaded=0, rejected=0, merged=0, skipped=0)
                )
                d["read"] += s.rows_read
                d["loaded"] += s.rows_loaded
                d["rejected"] += s.rows_rejected
                d["merged"] += s.rows_merged
                d["skipped"] += s.rows_skipped
        return out

    def errors(self, limit: int | None = None) -> pd.DataFrame:
        err = self.issues[self.issues["severity"] == "error"]
        return err if limit is None else err.head(limit)

    # -- renderings -----------------------------------------------------------------------------
    def summary_lines(self, max_issues: int = 20) -> list[str]:
        """A terminal-sized account: one line per sheet, then the first issues."""
        lines = []
        for s in self.sheets:
            where = place(s.file, s.sheet)
            if not s.entity:
                lines.append(f"{where}: {s.skipped_text}")
                continue
            tool = f" ({signatures.TOOLS[s.tool].label})" if s.tool in signatures.TOOLS else ""
            lines.append(
                f"{where} -> {s.entity}{tool}: {s.rows_read} read, {s.rows_loaded} loaded, "
                f"{s.rows_rejected} rejected"
                + (f", {s.rows_merged} merged" if s.rows_merged else "")
                + (f", {s.rows_skipped} skipped" if s.rows_skipped else "")
            )
        c = self.counts
        lines.append(f"issues: {c['error']} errors, {c['warning']} warnings, {c['info']} info")
        order = {"error": 0, "warning": 1, "info": 2}
        shown = self.issues.sort_values("severity", key=lambda s: s.map(order), kind="stable")
        for rec in shown.head(max_issues).to_dict("records"):
            lines.append("  " + format_issue(rec))
        if len(shown) > max_issues:
            lines.append(f"  ... and {len(shown) - max_issues} more (use --json or --report)")
        return lines

    def to_dict(self, max_issues: int | None = 1000) -> dict:
        issues = self.issues if max_issues is None else self.issues.head(max_issues)
        return {
            "files": self.files,
            "sheets": [s.to_dict() for s in self.sheets],
            "entities": self.entities,
            "counts": self.counts,
            "has_errors": self.has_errors,
            "issues": [{k: _plain(v) for k, v in rec.items()} for rec in issues.to_dict("records")],
            "issues_total": len(self.issues),
        }

    def to_excel(self, target) -> None:
        """Write the report workbook to a path or a binary buffer."""
        wb = Workbook(write_only=True)
        _table(wb, "Summary", _summary_rows(self))
        issues = self.issues.copy()
        cols = ["severity", "file", "sheet", "row", "letter", "column", "value", "message"]
        _table(wb, "Issues", [cols] + issues[cols].to_numpy().tolist(), widths=[9, 24, 16, 7, 7])
        names = {"Summary", "Issues"}
        cell_issues = issues[issues["row"].notna() & (issues["severity"] != "info")]
        for (file, sheet), grp in cell_issues.groupby(["file", "sheet"], sort=False):
            src = self.sources.get((file, sheet))
            if src is not None:
                _offending_rows(wb, src, grp, names)
        wb.save(target)


def place(file, sheet) -> str:
    """'book.xlsx / Sheet1', or just 'data.csv' where the sheet is the file itself."""
    file, sheet = _plain(file), _plain(sheet)
    if sheet and file and sheet == PurePath(str(file)).stem:
        sheet = None
    return " / ".join(str(x) for x in (file, sheet) if x)


def format_issue(rec: dict) -> str:
    """'error  file / sheet row 12 col C (Budget): message [value]'."""
    where = place(rec.get("file"), rec.get("sheet"))
    if _plain(rec.get("row")) is not None:
        where += f" row {int(rec['row'])}"
    if _plain(rec.get("letter")):
        where += f" col {rec['letter']}"
    if _plain(rec.get("column")):
        header = str(rec["column"]).splitlines()[0].strip()
        where += f" ({header[:40]}{'...' if len(header) > 40 else ''})"
    value = _plain(rec.get("value"))
    value = "" if value is None else f" [{' '.join(str(value).split())[:60]}]"
    return f"{rec['severity']:<7} {where}: {rec['message']}{value}"


def _plain(v):
    """JSON-friendly scalar: NaN/NA -> None, numpy -> Python, dates -> ISO."""
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    if isinstance(v, np.generic):
        return _plain(v.item())
    if isinstance(v, (datetime, date, pd.Timestamp)):
        return v.isoformat()
    return v


def _summary_rows(report: ImportReport) -> list[list]:
    rows = [["file", "sheet", "entity", "read", "loaded", "rejected", "merged", "skipped"]]
    for s in report.sheets:
        rows.append(
            [s.file, s.sheet, s.entity or f"({s.skipped_text})", s.rows_read, s.rows_loaded]
            + [s.rows_rejected, s.rows_merged, s.rows_skipped]
        )
    rows.append([])
    rows += [[k if k == "info" else f"{k}s", v] for k, v in report.counts.items()]
    rows.append([])
    for f in report.files:
        rows.append(["file", f.get("name"), "sha256", f.get("sha256"), "bytes", f.get("size")])
    return rows


def _table(wb, title, rows, widths=None):
    """A sheet whose first row is the header (the app's one header style); cells formula-safe."""
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, w in enumerate(widths or []):
        ws.column_dimensions[chr(65 + i)].width = w
    for i, row in enumerate(rows):
        ws.append(exports.header(ws, row) if i == 0 else [exports.cell(ws, v) for v in row])
    return ws


def _sheet_title(name: str, taken: set) -> str:
    base = "".join(ch for ch in f"rows {name}" if ch not in "[]:*?/\\")[:28]
    title, i = base, 2
    while title in taken:
        title, i = f"{base[:26]} {i}", i + 1
    taken.add(title)
    return title


def _offending_rows(wb, src, grp: pd.DataFrame, taken: set) -> None:
    """Copy the rows with problems, highlighting each problem cell with its message."""
    ws = wb.create_sheet(_sheet_title(str(src.name), taken))
    ws.freeze_panes = "B2"
    ws.append(exports.header(ws, ["row", *src.headers]))
    rows = np.asarray(src.rows)
    pos = pd.Series(np.arange(len(rows)), index=rows)
    wanted = sorted(set(int(r) for r in grp["row"]))[:MAX_ROWS_COPIED]
    by_row = {r: g for r, g in grp.groupby(grp["row"].astype("int64"))}
    frame = src.frame
    for r in wanted:
        if r not in pos.index:
            continue
        values = frame.iloc[int(pos[r])].tolist()
        cells = [exports.cell(ws, r)] + [exports.cell(ws, v) for v in values]
        for rec in by_row[r].to_dict("records"):
            letter = _plain(rec.get("letter"))
            idx = column_index_from_string(letter) if letter else 0
            if idx >= len(cells):
                continue
            c = cells[idx]
            if c.fill != FILLS["error"]:
                c.fill = FILLS.get(rec["severity"], c.fill)
            note = f"{rec['severity']}: {rec['message']}"
            c.comment = Comment(
                (c.comment.text + "\n" + note) if c.comment else note, "PMO Value Hub"
            )
        ws.append(cells)
