"""Sheets that are not data: pivot tables, charts, notes and summaries, and why one is skipped.

A workbook often holds a data sheet beside a pivot of it, a chart, a dashboard tab or a page
of instructions. Those are reported once, as information, with the reason in words a user
recognises ("looks like a pivot table"), and the data sheets are imported. `xlsx_parts` reads
which sheets hold pivot tables or charts from the workbook's own parts (no cells are read);
`why_skipped` gives the reason for a sheet that no entity recognised.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from xml.etree import ElementTree as ET

import numpy as np
import pandas as pd

NS = {
    "m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
    "p": "http://schemas.openxmlformats.org/package/2006/relationships",
}
REL = "{" + NS["r"] + "}id"
PIVOT_WORDS = re.compile(
    r"^(row labels|column labels|grand total|(sum|count|average|max|min) of\b)", re.I
)
NOTES_NAMES = {
    "readme",
    "read me",
    "instructions",
    "notes",
    "help",
    "about",
    "guide",
    "contents",
    "cover",
    "introduction",
    "guidance",
    "definitions",
    "glossary",
    "changes",
    "change log",
    "version",
    "comments",
}
SUMMARY_NAMES = re.compile(
    r"\b(count|summary|dashboard|totals?|pivot|chart|graph|overview)\b", re.I
)


def _rels(zf: zipfile.ZipFile, part: str) -> list[tuple[str, str, str]]:
    """(id, type, target path) of a part's relationships."""
    folder, name = posixpath.split(part)
    try:
        root = ET.fromstring(zf.read(posixpath.join(folder, "_rels", name + ".rels")))
    except (KeyError, ET.ParseError):
        return []
    out = []
    for rel in root.findall("p:Relationship", NS):
        target = rel.get("Target", "")
        if target.startswith("/"):
            path = target.lstrip("/")
        else:
            path = posixpath.normpath(posixpath.join(folder, target))
        out.append((rel.get("Id", ""), rel.get("Type", "").rsplit("/", 1)[-1], path))
    return out


def xlsx_parts(data) -> dict[str, frozenset]:
    """Sheet name -> what else it holds ({"pivot", "chart", "chartsheet"}); {} when unknown."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data) if isinstance(data, (bytes, bytearray)) else data)
    except (zipfile.BadZipFile, OSError):
        return {}
    with zf:
        try:
            root = ET.fromstring(zf.read("xl/workbook.xml"))
        except (KeyError, ET.ParseError, zipfile.BadZipFile, OSError, EOFError):
            return {}
        targets = {rid: (kind, path) for rid, kind, path in _rels(zf, "xl/workbook.xml")}
        out = {}
        for sheet in root.findall("m:sheets/m:sheet", NS):
            kind, path = targets.get(sheet.get(REL, ""), ("", ""))
            found = {"chartsheet"} if kind == "chartsheet" else set()
            for _, rel_kind, target in _rels(zf, path):
                if rel_kind == "pivotTable":
                    found.add("pivot")
                elif rel_kind == "drawing" and any(k == "chart" for _, k, _ in _rels(zf, target)):
                    found.add("chart")
            out[sheet.get("name", "")] = frozenset(found)
    return out


def _cells(sheet) -> list[object]:
    """Every non-blank cell of a sheet as read (headers and data)."""
    out = [h for h in sheet.headers if h and not re.fullmatch(r"Column [A-Z]+", str(h))]
    frame = sheet.frame
    if len(frame.columns):
        stacked = frame.stack()
        if stacked.dtype == object:
            stacked = stacked[stacked.astype(str).str.strip() != ""]
        out += stacked.tolist()
    return out


def _numeric_share(sheet) -> float:
    """Share of the data cells (past column A) that are numbers or read as numbers."""
    frame = sheet.frame.iloc[:, 1:] if len(sheet.frame.columns) > 1 else sheet.frame
    cells = frame.stack() if len(frame.columns) else pd.Series(dtype=object)
    if cells.empty:
        return 0.0
    text = cells.astype(str).str.strip()
    cells = cells[text != ""]
    if cells.empty:
        return 0.0
    numeric = cells.map(
        lambda v: isinstance(v, (int, float, np.number)) and not isinstance(v, bool)
    )
    numeric |= cells.astype(str).str.fullmatch(r"-?[\d.,]+%?")
    return float(numeric.mean())


def not_data(sheet) -> str | None:
    """A sheet that is plainly not a table of records (a chart, a pivot table, a cross-tab
    summary), before any recognition is tried; None otherwise."""
    parts = getattr(sheet, "parts", frozenset())
    name = str(sheet.name)
    if "chartsheet" in parts:
        return "a chart"
    texts = [str(h) for h in sheet.headers]
    frame = sheet.frame
    if len(frame.columns) and len(frame) <= 200:
        first = frame.iloc[:, : min(3, frame.shape[1])].stack()
        texts += [str(v) for v in first if isinstance(v, str)]
    if "pivot" in parts or sum(bool(PIVOT_WORDS.match(t.strip())) for t in texts) >= 2:
        return "a pivot table"
    if "chart" in parts and len(_cells(sheet)) < 20:
        return "a chart"
    headers = [fold(h) for h in sheet.headers]
    crosstab = (
        headers
        and headers[-1] in ("total", "grand total", "totals")
        and (not headers[0] or re.fullmatch(r"column [a-z]+|row labels", headers[0]))
    )
    if (SUMMARY_NAMES.search(name) or crosstab) and _numeric_share(sheet) >= 0.6:
        return "a summary or dashboard"
    return None


def fold(text) -> str:
    return re.sub(r"\s+", " ", str(text or "").casefold()).strip()


def why_skipped(sheet) -> str:
    """Why an unrecognised sheet is not data, in a few words."""
    if found := not_data(sheet):
        return found
    parts = getattr(sheet, "parts", frozenset())
    name = re.sub(r"\s+", " ", str(sheet.name).casefold()).strip()
    cells = _cells(sheet)
    texts = [str(c) for c in cells if isinstance(c, str)]
    if "chartsheet" in parts or ("chart" in parts and len(cells) < 20):
        return "a chart"
    if "pivot" in parts or sum(bool(PIVOT_WORDS.match(t.strip())) for t in texts) >= 2:
        return "a pivot table"
    if not cells:
        return "empty"
    if name in NOTES_NAMES or _notes(sheet, texts, cells):
        return "notes or instructions"
    if SUMMARY_NAMES.search(name) or "chart" in parts:
        return "a summary or dashboard"
    return "no header row or columns we know"


def _notes(sheet, texts: list[str], cells: list) -> bool:
    """Mostly sentences, in one or two columns."""
    if not texts or len(texts) < 0.8 * len(cells):
        return False
    words = np.mean([len(t.split()) for t in texts])
    frame = sheet.frame
    used = int((frame.notna().sum() > 0).sum()) if len(frame.columns) else 0
    return bool(words >= 5 and used <= 2)


def describe(reason: str) -> str:
    """'looks like a pivot table' (a phrase for the report)."""
    plain = {
        "empty": "empty",
        "as chosen": "left out, as chosen",
        "headers only": "headers but no data rows",
        "no header row or columns we know": "no header row or columns we know found",
    }
    return plain.get(reason) or f"looks like {reason}"
