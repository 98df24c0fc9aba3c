"""A large workbook read whole is read in slices (`reading._read_excel_on_disk`, issue 16):
fastexcel builds a whole sheet in memory (~17x the file for distinct text), slices hold a
megabyte of XML at a time. Every sheet must come out as fastexcel's whole read gives it
(headers, values and types, row numbers, skipped rows, pivots and charts), whatever the
workbook holds; a sheet that cannot be read so is read whole."""

from __future__ import annotations

import datetime as dt
import io

import pandas as pd
import pytest
from openpyxl import Workbook

from pmo_data.ingest import reading, xlsx_parts
from tests.plan_support import plain, thin_slices


@pytest.fixture
def sliced(monkeypatch):
    """Every workbook on disk read in slices of ~30 KB (a dozen or more a sheet)."""
    monkeypatch.setattr(reading, "SLICED_BYTES", 1)
    return thin_slices(monkeypatch)


def _book(flags_blank_late: bool = True) -> bytes:
    """Feedback, projects with a title row and flags (TRUE/FALSE, blank late on), notes, a
    blank sheet and a sheet whose rows are out of order (read whole)."""
    wb = Workbook()
    fb = wb.active
    fb.title = "Feedback"
    fb.append(["Response ID", "Date", "CSAT", "Comment"])
    for i in range(2_400):
        when = dt.datetime(2024, 1, 1) + dt.timedelta(days=i % 300)
        fb.append([f"R-{i}", when, 1 + i % 5, f"comment {i} " + "about the desk " * (i % 4)])
    pj = wb.create_sheet("Projects")
    pj.append(["Portfolio export"])
    pj.append([])
    pj.append(["Project ID", "Name", "Budget", "Strategic"])
    for i in range(1_800):
        flag = None if flags_blank_late and i > 1_500 and i % 7 == 0 else bool(i % 2)
        pj.append([f"P-{i}", f"Project {i}", 1000.0 + i, flag])
    wb.create_sheet("Notes").append(["Exported from the PMO tool"])
    wb.create_sheet("Empty")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _same_sheets(got: list, want: list) -> None:
    assert [s.name for s in got] == [s.name for s in want]
    for a, b in zip(got, want, strict=True):
        assert (a.headers, a.header_rows, a.tool) == (b.headers, b.header_rows, b.tool), a.name
        assert list(a.rows) == list(b.rows) and a.skipped == b.skipped, a.name
        assert a.parts == b.parts, a.name
        pd.testing.assert_frame_equal(plain(a.frame), plain(b.frame))
        assert list(a.frame.dtypes.astype(str)) == list(b.frame.dtypes.astype(str)), a.name


@pytest.mark.parametrize("flags_blank_late", [True, False])
def test_a_large_workbook_read_in_slices_is_the_whole_read(tmp_path, sliced, flags_blank_late):
    data = _book(flags_blank_late)
    path = tmp_path / "upload-0"
    path.write_bytes(data)
    got = reading.read_file(path, "portfolio.xlsx")
    want = reading._read_excel(data, "portfolio.xlsx", "xlsx")
    assert sliced.count("Feedback") >= 10 and sliced.count("Projects") >= 5
    _same_sheets(got, want)
    flags = str(want[1].frame[3].dtype)
    assert flags == ("object" if flags_blank_late else "bool")  # as whole: joined slices agree


def test_a_sheet_that_cannot_be_sliced_is_read_whole(tmp_path, sliced):
    """Rows written out of order in one sheet: that sheet is read whole, the others sliced."""
    import re
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(_book())), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "xl/worksheets/sheet2.xml":  # Projects: row 1400 moved last
                row = re.search(rb'<row r="1400"[^>]*>.*?</row>', body, flags=re.S).group(0)
                body = body.replace(row, b"").replace(b"</sheetData>", row + b"</sheetData>")
            dst.writestr(info, body)
    data = out.getvalue()
    path = tmp_path / "upload-0"
    path.write_bytes(data)
    got = reading.read_file(path, "portfolio.xlsx")
    _same_sheets(got, reading._read_excel(data, "portfolio.xlsx", "xlsx"))
    assert sliced.count("Feedback") >= 10


def test_small_workbooks_and_chart_sheets_are_read_as_before(tmp_path, monkeypatch):
    from openpyxl.chart import BarChart, Reference

    wb = Workbook()
    ws = wb.active
    ws.append(["Project ID", "Budget"])
    for i in range(20):
        ws.append([f"P-{i}", i])
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=21), titles_from_data=True)
    wb.create_chartsheet("Chart").add_chart(chart)
    out = io.BytesIO()
    wb.save(out)
    path = tmp_path / "upload-0"
    path.write_bytes(out.getvalue())
    assert xlsx_parts.worksheet_sizes(path) is None  # a chart sheet: read the usual way
    monkeypatch.setattr(reading, "SLICED_BYTES", 1)
    want = reading._read_excel(out.getvalue(), "book.xlsx", "xlsx")
    _same_sheets(reading.read_file(path, "book.xlsx"), want)


def test_a_damaged_sheet_part_is_read_as_the_whole_read_reads_it(tmp_path, sliced):
    """A sheet whose zip member fails its checksum (the data intact): Python's zip refuses
    it, calamine reads it; the sliced read hands it to the whole read instead of failing."""
    import zipfile

    data = bytearray(_book())
    info = zipfile.ZipFile(io.BytesIO(bytes(data))).getinfo("xl/worksheets/sheet1.xml")
    data[info.header_offset + 14 : info.header_offset + 18] = b"\0\0\0\0"  # the local CRC-32
    central = bytes(data).rfind(b"PK\x01\x02", 0, len(data))
    while central >= 0:  # and the central directory's, for that member
        name_len = int.from_bytes(data[central + 28 : central + 30], "little")
        if data[central + 46 : central + 46 + name_len] == b"xl/worksheets/sheet1.xml":
            data[central + 16 : central + 20] = b"\0\0\0\0"
        central = bytes(data).rfind(b"PK\x01\x02", 0, central)
    path = tmp_path / "upload-0"
    path.write_bytes(bytes(data))
    with pytest.raises(zipfile.BadZipFile):
        zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml")
    got = reading.read_file(path, "portfolio.xlsx")
    _same_sheets(got, reading._read_excel(bytes(data), "portfolio.xlsx", "xlsx"))
    assert len(got[0].frame) == 2_400
