"""The Data page with exports that hold more than data: the sheets left out are listed, and a
survey file with no date column asks for the survey date, which the check then uses (in the
server's thread, and in a child process as for a large upload)."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from openpyxl import Workbook

from pmo_data.ingest import child_plan
from tests.apptest_support import app

pytestmark = pytest.mark.app

SURVEY = [
    ["RespondentID", "How likely is it that you would recommend the PMO to a colleague?"],
    ["11401", "9"],
    ["11402", "6"],
]


def _csv(rows) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode()


def _pack() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Projects"
    for r in (["Project ID", "Project name"], ["X-1", "Intake"], ["X-2", "Second"]):
        ws.append(r)
    pivot = wb.create_sheet("Pivot")
    for r in (["Row Labels", "Count of Project ID"], ["Intake", 1], ["Grand Total", 2]):
        pivot.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("where", ["here", "child"])
def test_skipped_sheets_are_listed_and_the_survey_date_is_asked(monkeypatch, tmp_path, where):
    if where == "child":
        monkeypatch.setattr(child_plan, "APART_BYTES", 0)
    at = app(monkeypatch, str(tmp_path / "exports.duckdb"))
    at.switch_page("views/data.py").run()
    at.file_uploader(key="upload").set_value(
        [
            ("pack.xlsx", _pack(), "application/octet-stream"),
            ("wave.csv", _csv(SURVEY), "text/csv"),
        ]
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    skipped = next(d.value for d in at.dataframe if "why" in d.value.columns)
    assert skipped.to_dict("records") == [
        {"file": "pack.xlsx", "sheet": "Pivot", "why": "skipped: looks like a pivot table"}
    ]
    plan = at.session_state["plan"]
    assert plan.row_counts == {"projects": 2, "feedback": 2} and plan.survey_date is None
    picker = at.date_input(key="survey_date")
    assert picker.value == date.today()
    picker.set_value(date(2024, 3, 31)).run()
    assert not at.exception, [e.value for e in at.exception]
    plan = at.session_state["plan"]
    assert plan.survey_date == date(2024, 3, 31)
    dated = plan.tables["feedback"]["date"].astype(str).str[:10]
    assert set(dated) == {"2024-03-31"}
    assert not at.button(key="import_go").disabled
