"""The header preview reads the first rows only, with or without the sheet's <dimension>."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime

import openpyxl
import pandas as pd

from pmo_data.ingest import reading

ROWS = [
    ["Response ID", "Date", "Customer ID", "NPS", "Comment"],
    *[
        [f"R-{i}", datetime(2026, 1, 1 + i % 28), f"C-{i % 3}", i % 11, f"note {i}"]
        for i in range(60)
    ],
]


def _workbook(write_only: bool) -> bytes:
    wb = openpyxl.Workbook(write_only=write_only)
    ws = wb.create_sheet("Feedback") if write_only else wb.active
    if not write_only:
        ws.title = "Feedback"
    ws.append(["Feedback export"])  # a title and a blank row above the header
    ws.append([])
    for row in ROWS:
        ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _has_dimension(data: bytes) -> bool:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        sheet = next(n for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
        return b"<dimension" in z.read(sheet)


def test_a_sheet_without_dimension_reads_like_one_with_it():
    streamed, normal = _workbook(True), _workbook(False)
    assert not _has_dimension(streamed) and _has_dimension(normal)
    a = reading.read_file(streamed, "streamed.xlsx")[0]
    b = reading.read_file(normal, "normal.xlsx")[0]
    assert a.headers == b.headers == ROWS[0]
    assert list(a.rows) == list(b.rows) == list(range(4, 64))  # spreadsheet rows of the data
    pd.testing.assert_frame_equal(a.frame, b.frame)
    assert a.frame.iloc[59, 4] == "note 59"


def test_preview_keeps_openpyxl_sizes_when_the_dimension_is_there():
    normal = _workbook(False)
    previews = reading._openpyxl_previews(normal)
    assert previews["Feedback"][0][0] == "Feedback export"
    assert previews["Feedback"][2] == ROWS[0]
    ws = openpyxl.load_workbook(io.BytesIO(normal), read_only=True).worksheets[0]
    assert (ws.min_row, ws.max_row, ws.min_column, ws.max_column) == (1, 63, 1, 5)


def _shared_strings_workbook() -> bytes:
    """Strings kept once in xl/sharedStrings.xml, as Excel saves them (xlsxwriter's default)."""
    import xlsxwriter

    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True})
    ws = wb.add_worksheet("Feedback")
    ws.write_row(0, 0, ["Feedback export"])
    for r, row in enumerate(ROWS, start=2):
        for c, v in enumerate(row):
            if isinstance(v, datetime):
                ws.write_datetime(r, c, v, wb.add_format({"num_format": "yyyy-mm-dd"}))
            else:
                ws.write(r, c, v)
    for r in range(len(ROWS) + 2, 3000):  # many more strings than the preview needs
        ws.write_string(r, 4, f"later note {r} _x005F_x0041_ & <b>")
    wb.close()
    return buf.getvalue()


def test_preview_reads_shared_strings_only_as_far_as_it_needs(monkeypatch):
    from pmo_data.ingest import xlsx_preview

    data = _shared_strings_workbook()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        assert "xl/sharedStrings.xml" in z.namelist()
    parsed = []
    more = xlsx_preview.LazyStrings._more
    monkeypatch.setattr(xlsx_preview.LazyStrings, "_more", lambda s: parsed.append(1) or more(s))
    previews = reading._openpyxl_previews(data)
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb.worksheets[0]
    ws.reset_dimensions()  # as the preview does
    want = [list(r) for r in ws.iter_rows(max_row=reading.PREVIEW_ROWS + 20, values_only=True)]
    assert previews["Feedback"] == want and want[2] == ROWS[0]
    assert len(parsed) < 200  # of ~3,000 shared strings
    lazy = xlsx_preview.LazyStrings(zipfile.ZipFile(io.BytesIO(data)), "xl/sharedStrings.xml")
    full = wb._archive.open("xl/sharedStrings.xml")
    from openpyxl.reader.strings import read_string_table

    assert list(lazy) == read_string_table(full)  # every entry as openpyxl reads it
