"""Every download is formula-safe: text stays text, numbers stay numbers (OWASP CSV injection)."""

from __future__ import annotations

import csv
import io
import re

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_data import exports
from pmo_data.escaping import md
from pmo_data.ingest import importer
from pmo_data.ingest.template import write_template

FORMULAS = [
    '=HYPERLINK("http://example.invalid","click")',
    "+1+2",
    "-2+3",
    "@SUM(A1:A2)",
    "\t=1+1",
    "\r=1+1",
    "=cmd|' /C calc'!A0",
]


def _workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def formula_cells(data: bytes) -> list[str]:
    """Cells of a workbook that Excel would evaluate, or text that looks like a formula
    without the quote-prefix style."""
    bad = []
    for ws in _workbook(data).worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    bad.append(f"{ws.title}!{c.coordinate} formula {c.value!r}")
                elif exports.is_formula_like(c.value) and not c.quotePrefix:
                    bad.append(f"{ws.title}!{c.coordinate} unprefixed {c.value!r}")
    return bad


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def csv_formulas(data: bytes) -> list[str]:
    """Fields a spreadsheet would evaluate (a plain negative number is just a number)."""
    rows = csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""))
    return [v for row in rows for v in row if exports.is_formula_like(v) and not _number(v)]


def test_excel_writes_formula_text_as_quoted_text_and_numbers_as_numbers():
    df = pd.DataFrame(
        {
            "name": [*FORMULAS, "plain"],
            "budget": [-5.5, 1, 2, 3, 4, 5, 6, None],
            "when": pd.to_datetime(["2024-03-01"] * 8, utc=True),
        }
    )
    data = exports.excel_bytes({"projects": df})
    assert formula_cells(data) == []
    ws = _workbook(data)["projects"]
    names = [c.value for c in ws["A"][1:]]
    assert names == [*FORMULAS, "plain"]  # the text itself is kept exactly
    assert all(c.data_type == "s" for c in ws["A"][1:])
    assert [c.value for c in ws["B"][1:]] == [-5.5, 1, 2, 3, 4, 5, 6, None]
    assert all(c.data_type == "n" for c in ws["B"][1:])
    assert ws["C2"].is_date


def test_the_old_writer_would_have_written_a_live_formula():
    """The check above can fail: pandas' own Excel writer stores '=...' as a formula."""
    buf = io.BytesIO()
    pd.DataFrame({"name": [FORMULAS[0]]}).to_excel(buf, index=False, engine="openpyxl")
    assert formula_cells(buf.getvalue())


def test_csv_neutralises_formulas_the_owasp_way():
    df = pd.DataFrame({"=name": FORMULAS, "n": range(-3, len(FORMULAS) - 3)})
    data = exports.csv_bytes(df)
    assert csv_formulas(data) == []
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["'=name", "n"]
    assert [r[0] for r in rows[1:]] == ["'" + f for f in FORMULAS]
    assert [r[1] for r in rows[1:]] == [str(i) for i in range(-3, len(FORMULAS) - 3)]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.text(), st.integers(-(10**15), 10**15), st.floats(-1e300, 1e300)), min_size=1
    )
)
def test_any_value_round_trips_typed_and_formula_free(values):
    df = pd.DataFrame({"v": pd.Series(values, dtype=object)})
    xlsx = exports.excel_bytes({"t": df})
    assert formula_cells(xlsx) == []
    assert csv_formulas(exports.csv_bytes(df)) == []
    got = [c.value for c in _workbook(xlsx)["t"]["A"][1:]]
    for want, cell in zip(values, got, strict=True):
        if isinstance(want, str):
            expected = exports.plain_value(want)
            assert (cell or "") == (expected or "")  # openpyxl reads "" back as None
        else:
            assert cell == pytest.approx(want, rel=1e-14)  # Excel keeps ~15 digits


def test_every_workbook_shares_one_header_style(tmp_path, store, make_xlsx):
    """The table export, the import template and the validation report use one header look."""
    table = _workbook(exports.excel_bytes({"t": pd.DataFrame({"a": [1]})}))["t"]["A1"]
    buf = io.BytesIO()
    write_template(buf)
    template = _workbook(buf.getvalue())["projects"]["A1"]
    data = make_xlsx({"projects": [["project_id", "name", "budget"], ["P-1", "=1+1", "x"]]})
    plan = importer.plan([("p.xlsx", data)], store)
    buf = io.BytesIO()
    plan.report.to_excel(buf)
    report = _workbook(buf.getvalue())["Issues"]["A1"]
    looks = {
        (c.font.b, c.font.color.rgb if c.font.color else None, c.fill.fgColor.rgb)
        for c in (table, template, report)
    }
    assert looks == {(True, "00FFFFFF", "001F6FEB")}


def test_validation_report_copies_hostile_cells_as_text(store):
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(["project_id", "name", "budget", "sponsor"])
    writer.writerows([f"P-{i}", f, "not money", f] for i, f in enumerate(FORMULAS))
    plan = importer.plan([("projects.csv", buf.getvalue().encode())], store)
    assert plan.report.counts["warning"] + plan.report.counts["error"] > 0
    buf = io.BytesIO()
    plan.report.to_excel(buf)
    assert formula_cells(buf.getvalue()) == []
    values = {
        c.value for ws in _workbook(buf.getvalue()).worksheets for r in ws.iter_rows() for c in r
    }
    assert FORMULAS[0] in values  # copied, as text


def test_md_keeps_markup_literal():
    from markdown_it import MarkdownIt

    parser = MarkdownIt("gfm-like")
    for text in [
        "[Session expired: sign in again](http://evil.invalid) ![b](http://evil.invalid/x.png)",
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        "<style>section{display:none}</style>",
        "visit www.evil.invalid or http://evil.invalid or me@evil.invalid",
        "&lt;b&gt; **bold** _it_ `code` $x^2$ :red[red] # heading\n\n- list",
    ]:
        tokens = parser.parseInline(md(text))[0].children
        assert [t.type for t in tokens] == ["text"], text
        shown = tokens[0].content.replace("\u2060", "")  # word joiners stop GFM autolinks
        assert shown == " ".join(text.replace("\n\n", " ").split("\n"))
        assert not re.search(r"(?i)https?://|www\.|@\w", tokens[0].content)
