"""A CSV checked part by part (`ingest.streamed`, issue 16: the check's memory bounded by a
part) makes the plan the whole-file check makes: the same rows to load and rejected, the same
issues (file, sheet, row, column, message), effect and proposals, with duplicates, references
and column notes that span parts. Files it cannot check so fall back (None)."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_data.ingest import importer, spill, streamed
from tests import plan_support
from tests.plan_support import plain

ISSUE = ["severity", "entity", "file", "sheet", "row", "column", "letter", "field", "rule"]


@pytest.fixture(autouse=True)
def small_parts(monkeypatch):
    monkeypatch.setattr(streamed, "STREAM_ROWS", 700)
    yield
    spill.forget()


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    return plain(frame, reset_index=True)


def _issues(plan) -> pd.DataFrame:
    found = _plain(plan.report.issues[[*ISSUE, "value", "message"]])
    found["row"] = pd.to_numeric(found["row"]).astype("float64")
    return found


def _same(parts, whole, order: bool = True) -> None:
    assert parts.row_counts == whole.row_counts and parts.base_version == whole.base_version
    assert parts.report.counts == whole.report.counts
    a, b = _issues(parts), _issues(whole)
    if not order:  # a column's unreadable cells come by part, not by kind
        key = [*ISSUE, "message"]
        a = a.sort_values(key, kind="stable", na_position="first").reset_index(drop=True)
        b = b.sort_values(key, kind="stable", na_position="first").reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)
    for name in whole.tables:
        pd.testing.assert_frame_equal(_plain(parts.tables[name]), _plain(whole.tables[name]))
        pd.testing.assert_frame_equal(_plain(parts.rejected[name]), _plain(whole.rejected[name]))
        pe, we = parts.effects[name], whole.effects[name]
        assert pe.summary() == we.summary() and pe.confirmations == we.confirmations
        pd.testing.assert_frame_equal(_plain(pe.table), _plain(we.table))
        assert parts.proposals[name] == whole.proposals[name]
    assert [r.to_dict() for r in parts.report.sheets] == [r.to_dict() for r in whole.report.sheets]
    assert parts.report.files == whole.report.files
    assert len(parts.sheets) == len(whole.sheets)
    for ps, ws in zip(parts.sheets, whole.sheets, strict=True):
        assert (ps.entity, ps.score, ps.sheet.headers) == (ws.entity, ws.score, ws.sheet.headers)
        assert (ps.skipped, ps.sheet.name, ps.sheet.parts) == (
            ws.skipped,
            ws.sheet.name,
            ws.sheet.parts,
        )
        if ps.mapping is not None or ws.mapping is not None:
            assert ps.mapping.to_records() == ws.mapping.to_records()
        pd.testing.assert_frame_equal(_plain(ps.sheet.frame), _plain(ws.sheet.frame))
        assert list(ps.sheet.rows) == list(ws.sheet.rows) and ps.sheet.skipped == ws.sheet.skipped


def _both(tmp_path, name: str, data: bytes, store=None, **kw):
    path = tmp_path / "upload-0"  # as the check's child gets it: the name is the upload's
    path.write_bytes(data)
    folder = tmp_path / "parts"
    folder.mkdir()
    parts = streamed.plan([(name, path)], store, folder=folder, **kw)
    whole = importer.plan([(name, path)], store, **kw)
    return parts, whole


def _feedback(rows: int) -> bytes:
    recs = []
    for i in range(rows):
        rid = f"R-{i:05d}" if i % 997 else "R-00003"  # a key seen parts earlier: a duplicate
        nps = "" if i % 11 == 0 else ("TBC" if i % 523 == 0 else str(i % 11))
        csat = "six" if i % 613 == 0 else str(1 + i % 5)
        if i == 1500:
            csat = "9"  # out of the 1-5 scale: a code, noted once for the column
        recs.append(
            {
                "Response ID": rid,
                "Date": f"2024-03-{1 + i % 28:02d}" if i % 401 else "31/02/2024",
                "Customer ID": "C-0001" if i % 3 else f"C-NOPE{i % 5}",
                "CSAT": csat,
                "NPS": nps,
                "Comment": f"comment {i} about the service desk" if i % 7 else "",
                "Favourite colour": "blue" if i % 2 else "",
            }
        )
    body = pd.DataFrame(recs).to_csv(index=False)
    header, rest = body.split("\n", 1)
    more = "".join(f"X-{i},2024-05-01,C-0001,4,9,late row {i},\n" for i in range(5))
    return (body + ",,,,,,\n" + header + "\n" + more).encode()  # a blank row, headers again


def test_feedback_in_parts_is_the_whole_file_plan(tmp_path, demo_store):
    parts, whole = _both(tmp_path, "feedback.csv", _feedback(3_000), demo_store)
    assert parts is not None
    rules = set(whole.report.issues["rule"])
    assert {"duplicate", "orphan", "unreadable", "range"} <= rules
    _same(parts, whole, order=False)


def test_an_empty_store_and_row_numbered_ids(tmp_path):
    data = _feedback(2_000).replace(b"Response ID", b"Reference")
    parts, whole = _both(tmp_path, "survey.csv", data)
    assert parts is not None and "key" in set(whole.report.issues["rule"])
    _same(parts, whole, order=False)


def _projects(blank: set) -> bytes:
    rows = ["Project ID,Project Name,Start date,End date,Budget (k),RAG"]
    for i in range(2_500):
        pid = "" if i in blank else f"P-{i:05d}"
        end = "2023-01-01" if i % 300 == 0 else "2026-06-30"
        rows.append(f"{pid},Project {i},2024-01-0{1 + i % 9},{end},{i % 90},{'RGA'[i % 3]}")
    return "\n".join(rows).encode()


def test_projects_in_parts(tmp_path, demo_store):
    parts, whole = _both(tmp_path, "projects.csv", _projects({1, 3}), demo_store)
    assert {"order", "key", "unit"} <= set(whole.report.issues["rule"])
    _same(parts, whole)
    # ids filled in from names in several parts: one note counts them all, so checked whole
    path = tmp_path / "more.csv"
    path.write_bytes(_projects({1, 1801}))
    (tmp_path / "more").mkdir()
    assert streamed.plan([("more.csv", path)], demo_store, folder=tmp_path / "more") is None


def test_what_is_checked_whole(tmp_path, demo_store):
    customers = "Customer ID,Customer Name\n" + "".join(f"C-{i},Name {i}\n" for i in range(900))
    parts, _ = _both(tmp_path, "customers.csv", customers.encode(), demo_store)
    assert parts is None  # repeated customer rows merge across the file
    ragged = b"a,b\n" + b"1,2\n" * 800 + b"1,2,3\n" * 800
    path = tmp_path / "ragged.csv"
    path.write_bytes(ragged)
    (tmp_path / "r").mkdir()
    assert streamed.plan([("ragged.csv", path)], demo_store, folder=tmp_path / "r") is None
    assert streamed.plan([("f.csv", b"a,b\n1,2\n")], demo_store, folder=tmp_path) is None


def test_a_streamed_plan_crosses_to_the_server_mapped_and_applies(tmp_path, demo_store):
    path = tmp_path / "feedback.csv"
    path.write_bytes(_feedback(3_000))
    folder = tmp_path / "job"
    folder.mkdir()
    plan = streamed.plan([("feedback.csv", path)], demo_store, folder=folder)
    spill.dump(("plan", plan), folder)
    names = {f.name for f in folder.iterdir()}
    assert not any(n.startswith("a") and n.endswith((".arrow", ".npy")) for n in names), names
    kind, back = spill.load(folder)
    _same(back, importer.plan([("feedback.csv", path)], demo_store), order=False)
    version = importer.apply(back, demo_store, accept_rejected=True)
    assert demo_store.counts()["feedback"] == back.effects["feedback"].after
    assert version == demo_store.current_version()


# -- .xlsx, read in slices (`ingest.xlsx_parts`) -----------------------------------------------
def _feedback_book(rows: int, write_only: bool = False, typed_from: int = 0) -> bytes:
    """The CSV's rows as a workbook Excel-style: a title and a blank row above the header,
    column A empty, dates as dates, scores as numbers (some text), blank and total rows.
    Before row `typed_from` the dates and scores are all dates and numbers (so fastexcel types
    those columns; text after them is read as blank, the same in slices as whole)."""
    import datetime as dt
    import io

    from openpyxl import Workbook

    frame = pd.read_csv(io.BytesIO(_feedback(rows)), dtype=str, keep_default_na=False)
    wb = Workbook(write_only=write_only)
    ws = wb.create_sheet("Survey export") if write_only else wb.active
    if not write_only:
        ws.title = "Survey export"
    ws.append([None, "Customer survey, all waves"])
    ws.append([])
    ws.append([None, *frame.columns])
    for i, rec in enumerate(frame.itertuples(index=False)):
        cells = []
        for col, v in zip(frame.columns, rec, strict=True):
            if i < typed_from and col in ("Date", "CSAT", "NPS"):
                fine = v.isdigit() or (col == "Date" and v[:4] == "2024")
                v = v if fine else {"Date": "2024-02-29", "CSAT": "3", "NPS": "8"}[col]
            if col == "Date" and v[:4] == "2024" and v != "31/02/2024":
                v = dt.datetime.fromisoformat(v)
            elif col in ("CSAT", "NPS") and v.isdigit():
                v = int(v)
            cells.append(v if v != "" else None)
        ws.append([None, *cells])
        if i == 1234:
            ws.append([])
    ws.append([None, "Total", None, None, len(frame)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _prefixed(data: bytes) -> bytes:
    """The workbook with its sheet and shared strings written with an `x:` prefix, as some
    .NET writers do."""
    import io
    import re
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename in ("xl/worksheets/sheet1.xml", "xl/sharedStrings.xml"):
                body = re.sub(rb"<(/?)([A-Za-z])", rb"<\1x:\2", body)
                body = body.replace(b'xmlns="', b'xmlns:x="', 1)
            dst.writestr(info, body)
    return out.getvalue()


def _shared(data: bytes) -> bytes:
    """The workbook with its text kept once in a shared-string table, as Excel saves it
    (openpyxl writes text inline)."""
    import html
    import io
    import re
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    table: dict[str, int] = {}

    def shared(m: re.Match) -> bytes:
        text = m.group(2).decode()
        n = table.setdefault(text, len(table))
        return m.group(1) + b't="s"><v>' + str(n).encode() + b"</v></c>"

    sheet = src.read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb'(<c [^>]*?)t="inlineStr"><is><t>([^<]*)</t></is></c>', shared, sheet)
    assert b"inlineStr" not in sheet
    items = "".join(f"<si><t>{html.escape(t, quote=False)}</t></si>" for t in table)
    sst = (
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(table)}" uniqueCount="{len(table)}">{items}</sst>'
    )
    ct = src.read("[Content_Types].xml").replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    rels = src.read("xl/_rels/workbook.xml.rels").replace(
        b"</Relationships>",
        b'<Relationship Id="rIdS" Type="http://schemas.openxmlformats.org/officeDocument/'
        b'2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = {
                "xl/worksheets/sheet1.xml": sheet,
                "[Content_Types].xml": ct,
                "xl/_rels/workbook.xml.rels": rels,
            }.get(info.filename, src.read(info.filename))
            dst.writestr(info, body)
        dst.writestr("xl/sharedStrings.xml", sst)
    return out.getvalue()


@pytest.fixture
def thin_slices(monkeypatch):
    return plan_support.thin_slices(monkeypatch)


@pytest.mark.parametrize(
    "layout", ["shared strings", "inline strings", "prefixed tags", "typed columns"]
)
def test_a_workbook_in_slices_is_the_whole_file_plan(tmp_path, demo_store, thin_slices, layout):
    typed = 1_300 if layout == "typed columns" else 0
    data = _feedback_book(2_500, write_only=layout == "inline strings", typed_from=typed)
    if layout == "prefixed tags":
        data = _prefixed(data)
    if layout == "shared strings":
        data = _shared(data)
    parts, whole = _both(tmp_path, "survey.xlsx", data, demo_store)
    assert parts is not None and len(thin_slices) >= 10
    kinds = set(whole.sheets[0].sheet.frame.dtypes.astype(str))
    assert ("float64" in kinds and "datetime64[ms]" in kinds) == bool(typed), kinds
    assert {"duplicate", "orphan"} <= set(whole.report.issues["rule"])
    assert any("total" in s.reason for s in whole.sheets[0].sheet.skipped)
    assert whole.sheets[0].sheet.headers[0] == "Response ID"  # column A left out
    _same(parts, whole, order=False)


def _edited(data: bytes, edit) -> bytes:
    """The workbook with its sheet's XML passed through `edit` (bytes -> bytes)."""
    import io
    import zipfile

    src, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info, edit(body) if info.filename == "xl/worksheets/sheet1.xml" else body)
    return out.getvalue()


def _rows_replaced(lo: int, hi: int, make):
    """An edit putting `make(n)` in place of sheet rows lo..hi-1."""
    import re

    def edit(xml: bytes) -> bytes:
        def swap(m: re.Match) -> bytes:
            n = int(m.group(1))
            return make(n).encode() if lo <= n < hi else m.group(0)

        return re.sub(rb'<row r="(\d+)"[^>]*>.*?</row>', swap, xml, flags=re.S)

    return edit


def _row_moved_to_the_end(n: int):
    import re

    def edit(xml: bytes) -> bytes:
        row = re.search(rb'<row r="%d"[^>]*>.*?</row>' % n, xml, flags=re.S).group(0)
        xml = xml.replace(row, b"")
        return xml.replace(b"</sheetData>", row + b"</sheetData>")

    return edit


WHOLE_CASES = {
    # cells holding an empty <v></v> (no value to calamine) and cells of spaces, past the first
    # slice: the rows after them keep their numbers
    "empty values": _rows_replaced(
        1_400, 2_400, lambda n: f'<row r="{n}"><c r="B{n}"><v></v></c></row>'
    ),
    "spaces only": _rows_replaced(
        1_500,
        1_520,
        lambda n: f'<row r="{n}"><c r="B{n}" t="inlineStr"><is><t>   </t></is></c></row>',
    ),
}
REFUSED = {  # read whole instead, for the reason given
    "rows written out of order": _row_moved_to_the_end(1_500),
    "no data rows in the first rows": _rows_replaced(
        4, 1_300, lambda n: f'<row r="{n}"><c r="B{n}" s="1"/></row>'
    ),
    "a shared-string cell written in an unexpected way": lambda x: x.replace(
        b'<c r="B2000" t="s">', b"<c r=\"B2000\" t='s'>"
    ),
}


@pytest.mark.parametrize("case", sorted(WHOLE_CASES))
def test_odd_rows_in_slices_are_the_whole_file_plan(tmp_path, demo_store, thin_slices, case):
    data = _edited(_feedback_book(2_500, write_only=True, typed_from=1_300), WHOLE_CASES[case])
    parts, whole = _both(tmp_path, "survey.xlsx", data, demo_store)
    assert parts is not None and len(thin_slices) >= 5
    assert any(s.reason == "blank" and s.row > 1_400 for s in whole.sheets[0].sheet.skipped)
    _same(parts, whole, order=False)


@pytest.mark.parametrize("why", sorted(REFUSED))
def test_odd_workbooks_are_read_whole(tmp_path, demo_store, thin_slices, why):
    from pmo_data.ingest import reading, xlsx_parts

    data = _edited(_shared(_feedback_book(2_500, write_only=True)), REFUSED[why])
    path = tmp_path / "upload-0"
    path.write_bytes(data)
    (tmp_path / "parts").mkdir()
    with pytest.raises(xlsx_parts.Unlike, match=why):
        streamed._read_xlsx(path, "survey.xlsx", tmp_path / "parts")
    assert not list((tmp_path / "parts").glob("shared-strings*"))
    assert streamed.plan([("survey.xlsx", path)], demo_store, folder=tmp_path / "parts") is None
    assert reading.read_file(path, "survey.xlsx")[0].headers[0] == "Response ID"


def test_a_workbook_with_a_notes_sheet_in_slices_is_the_whole_file_plan(
    tmp_path, demo_store, thin_slices
):
    """Data in one sheet, a notes sheet and an empty sheet beside it (not data): the data
    sheet is checked part by part, the others as the whole check reads them."""
    import io

    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(_feedback_book(2_500, typed_from=1_300)))
    wb.create_sheet("Read me", 0).append(["Exported from the survey tool on 3 March"])
    wb.create_sheet("Empty")
    buf = io.BytesIO()
    wb.save(buf)
    parts, whole = _both(tmp_path, "survey.xlsx", buf.getvalue(), demo_store)
    assert parts is not None and len(thin_slices) >= 10
    assert [s.sheet.name for s in whole.sheets] == ["Read me", "Survey export", "Empty"]
    assert "skipped" in set(whole.report.issues["rule"])
    _same(parts, whole, order=False)


def test_workbooks_read_whole(tmp_path, demo_store, thin_slices):
    import io

    from openpyxl import load_workbook

    from pmo_data.ingest import xlsx_parts

    # two sheets of data
    wb = load_workbook(io.BytesIO(_feedback_book(900)))
    projects = wb.create_sheet("Projects")
    projects.append(["Project ID", "Project Name", "Budget (k)"])
    projects.append(["P-1", "Alpha", 10])
    two = io.BytesIO()
    wb.save(two)
    # a value far to the right of the first rows' columns, rows later
    wb = load_workbook(io.BytesIO(_feedback_book(2_000)))
    wb.active.cell(row=1_900, column=30, value="stray")  # beyond the first slice's rows
    stray = io.BytesIO()
    wb.save(stray)
    reasons = ["data in more than one sheet", "a later row has a value outside"]
    for i, (data, why) in enumerate(zip([two.getvalue(), stray.getvalue()], reasons, strict=True)):
        path = tmp_path / f"upload-{i}"
        path.write_bytes(data)
        (tmp_path / f"b{i}").mkdir()
        thin_slices.clear()  # the sheets slices were read from
        with pytest.raises((xlsx_parts.Unlike, streamed._Whole), match=why):
            streamed._plan(
                [("book.xlsx", path)],
                demo_store,
                None,
                tmp_path / f"b{i}",
                None,
                lambda *a: None,
                "cli",
                None,
                streamed._read_xlsx,
            )
        if i == 0:  # the second sheet of data seen before the large one is read
            assert "Survey export" not in thin_slices, thin_slices
        assert streamed.plan([("book.xlsx", path)], demo_store, folder=tmp_path / f"b{i}") is None


def test_long_rows_keep_the_whole_reads_column_types(tmp_path, thin_slices):
    """A column blank in the first rows is typed from the 1,000 rows under the header, as
    the whole read types it, however few rows fit in a slice."""
    import io

    from openpyxl import Workbook

    from pmo_data.ingest import reading

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Responses")
    ws.append(["Response ID", "Score", "Comment"])
    for i in range(1_500):
        ws.append([f"R-{i}", None if i < 100 else i % 10, f"{i} " + "long answer " * 200])
    buf = io.BytesIO()
    wb.save(buf)
    path = tmp_path / "upload-0"
    path.write_bytes(buf.getvalue())
    (tmp_path / "parts").mkdir()
    (parts,), _ = streamed._read_xlsx(path, "responses.xlsx", tmp_path / "parts")
    (whole,) = reading.read_file(path, "responses.xlsx")
    assert len(thin_slices) > 20 and str(whole.frame[1].dtype) == "float64"
    pd.testing.assert_frame_equal(_plain(parts.frame), _plain(whole.frame))
    assert list(parts.rows) == list(whole.rows) and parts.headers == whole.headers
