"""Workbooks that hold more than one table: sheets that are not data skipped once as
information, transposed sheets turned round, master workbooks' facet sheets joined."""

from __future__ import annotations

import io
import json

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference

from pmo_data import cli
from pmo_data.ingest import importer, reading

RESPONSES = [
    ["Response ID", "Submitted", "CSAT (1-5)", "Likelihood to recommend (0-10)", "Comment"],
    ["R-1", "2024-01-08", 4, 8, "Gate review was well run"],
    ["R-2", "2024-01-09", 2, 4, "Monthly pack arrived late"],
    ["R-3", "2024-01-15", 5, 10, None],
]


def _pack() -> bytes:
    """A quarterly feedback pack: notes, the responses, a pivot of them and a chart."""
    wb = openpyxl.Workbook()
    notes = wb.active
    notes.title = "Read me"
    for line in (
        "Quarterly customer feedback pack",
        "Paste the survey export into the Responses tab and refresh the pivot.",
        "The chart on the Dashboard tab updates by itself when the pivot is refreshed.",
    ):
        notes.append([line])
    data = wb.create_sheet("Responses")
    for row in RESPONSES:
        data.append(row)
    pivot = wb.create_sheet("By service")
    for row in (
        [None, None],
        ["Row Labels", "Average of CSAT (1-5)"],
        ["Reporting", 3],
        ["Assurance", 4.5],
        ["Grand Total", 3.7],
    ):
        pivot.append(row)
    dash = wb.create_sheet("Dashboard")
    dash["A1"] = "Satisfaction by service"
    chart = BarChart()
    chart.add_data(Reference(pivot, min_col=2, min_row=2, max_row=4), titles_from_data=True)
    dash.add_chart(chart, "B3")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_sheets_that_are_not_data_are_skipped_once_as_information(store):
    plan = importer.plan([("pack.xlsx", _pack())], store)
    assert not plan.has_errors and plan.row_counts == {"feedback": 3}
    why = {s.sheet: s.skipped for s in plan.report.sheets if not s.entity}
    assert why == {
        "Read me": "notes or instructions",
        "By service": "a pivot table",
        "Dashboard": "a chart",
    }
    issues = plan.report.issues
    for sheet in why:
        said = issues[issues["sheet"] == sheet]
        assert len(said) == 1 and said["severity"].iloc[0] == "info", said["message"].tolist()
    lines = "\n".join(plan.report.summary_lines())
    assert "pack.xlsx / By service: skipped: looks like a pivot table" in lines
    assert "pack.xlsx / Dashboard: skipped: looks like a chart" in lines
    importer.apply(plan, store)
    assert store.counts()["feedback"] == 3


def test_the_cli_reports_skipped_sheets(tmp_path, capsys):
    path = tmp_path / "pack.xlsx"
    path.write_bytes(_pack())
    assert cli.main(["import", str(path), "--db", str(tmp_path / "s.duckdb")]) == 0
    out = capsys.readouterr().out
    assert "By service: skipped: looks like a pivot table" in out and "imported as version" in out


def test_a_workbook_with_no_data_sheet_is_refused_once(store, make_xlsx):
    data = make_xlsx(
        {
            "Notes": [["This workbook explains the quarterly process in some detail."]],
            "Pivot": [["Row Labels", "Sum of Cost"], ["A", 1], ["Grand Total", 1]],
            "Lunch": [["Colour", "Flavour"], ["red", "cherry"]],
        }
    )
    plan = importer.plan([("book.xlsx", data)], store)
    errors = plan.report.errors()
    assert len(errors) == 1 and "no sheet recognised (3 sheets" in errors["message"].iloc[0]
    with pytest.raises(importer.ImportBlocked):
        importer.apply(plan, store, accept_rejected=True)
    infos = plan.report.issues.query("rule == 'skipped'")["message"].tolist()
    assert len(infos) == 3 and any("pivot table" in m for m in infos)


TRANSPOSED = [
    ["Field", "Alpha", "Beta", "Gamma"],
    ["Project Name", "Alpha bridge", "Beta tunnel", "Gamma depot"],
    ["Project ID", "P-1", "P-2", None],
    ["Senior Responsible Owner", "A. Khan", "B. Lee", "C. Ode"],
    ["Department", "Roads", "Rail", "Rail"],
    ["Project stage", "Delivery", "Planning", "Idea"],
    ["Whole life cost (£m)", 12.5, 300, 4],
    ["Start date", "2021-04-01", "2022-01-10", "2024-09-30"],
    ["Notes", "on track", "", "pipeline"],
]


def test_fields_down_column_a_are_turned_round(store, make_xlsx):
    plan = importer.plan([("master.xlsx", make_xlsx({"Master": TRANSPOSED}))], store)
    assert not plan.has_errors and plan.row_counts == {"projects": 3}
    p = plan.tables["projects"].set_index("name")
    assert p.loc["Beta tunnel", "project_id"] == "P-2"
    assert p.loc["Gamma depot", "project_id"].startswith("P-")  # no id: derived, one warning
    assert p.loc["Alpha bridge", "budget"] == pytest.approx(12.5e6)
    assert p.loc["Beta tunnel", "sponsor"] == "B. Lee" and p.loc["Alpha bridge", "stage"]
    assert json.loads(p.loc["Alpha bridge", "extra"])["Notes"] == "on track"
    assert plan.tables["projects"]["_row"].tolist() == [2, 3, 4]  # the source columns B, C, D
    issues = plan.report.issues
    assert (issues["rule"] == "transposed").sum() == 1
    keyless = issues[(issues["rule"] == "key") & issues["message"].str.contains("no project_id")]
    assert len(keyless) == 1


def test_an_ordinary_table_is_not_turned_round(store, make_xlsx):
    rows = [["Name", "Status", "Remaining"], ["Startup", "Complete", 0], ["Phase 1", "WIP", 5]]
    rows += [["Phase 2", "On Deck", 10], ["Phase 3", "On Deck", 12], ["Wrapup", "WIP", 2]]
    plan = importer.plan([("plan.xlsx", make_xlsx({"rw test": rows}))], store)
    assert plan.row_counts == {"projects": 5}
    assert (plan.report.issues["rule"] == "transposed").sum() == 0


def _facets() -> bytes:
    """Finance and schedule facets of one portfolio: column A empty, a title row, a two-row
    header, group rows between projects, the project name as the key."""
    wb = openpyxl.Workbook()
    fin = wb.active
    fin.title = "Finance"
    fin.append([])
    fin.append([None, "Portfolio finance, Q1"])
    fin.append([None, "Group", "Project Name", "Forecast WLC (£m)", "Change (£m)", None, "RAG"])
    fin.append([None, None, None, None, "Against last quarter", "Against baseline", None])
    fin.append([None, "Roads"])
    fin.append([None, "Roads", "Alpha bridge", 12.5, 0.5, 1.5, "Amber"])
    fin.append([None, "Roads", "Beta tunnel", 300, -2, 10, "Red"])
    fin.append([None, "Rail"])
    fin.append([None, "Rail", "Gamma depot", 4, 0, 0, "Green"])
    sch = wb.create_sheet("Schedule")
    sch.append([None, "Project Name", "Project End Date (Forecast)", "RAG", "Milestone"])
    sch.append([None, "Alpha bridge", "2026-03-31", "Amber", "Design"])
    sch.append([None, "Beta tunnel", "2029-12-31", "Amber", "Tender"])
    sch.append([None, "Gamma depot", "2025-06-30", "Green", "Build"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_facet_sheets_of_a_master_workbook_join_into_one_projects_import(store):
    data = _facets()
    fin = reading.read_file(data, "master.xlsx")[0]
    assert fin.headers[:4] == [
        "Group",
        "Project Name",
        "Forecast WLC (£m)",
        "Change (£m) - Against last quarter",
    ]  # column A empty: headers not shifted
    plan = importer.plan([("master.xlsx", data)], store)
    assert not plan.has_errors and plan.row_counts == {"projects": 3}
    p = plan.tables["projects"].set_index("name")
    assert p.loc["Beta tunnel", "forecast_cost"] == pytest.approx(300e6)
    assert str(p.loc["Beta tunnel", "end_date"])[:10] == "2029-12-31"
    assert p.loc["Beta tunnel", "rag"] == "Red"  # the first sheet's value is kept
    extra = json.loads(p.loc["Gamma depot", "extra"])
    assert extra["Milestone"] == "Build" and extra["Group"] == "Rail"
    conflicts = plan.report.issues.query("rule == 'conflict'")
    assert len(conflicts) == 1 and conflicts["sheet"].iloc[0] == "Schedule"
    assert (
        "'Beta tunnel': rag is 'Amber' here but 'Red' on sheet 'Finance'"
        in (conflicts["message"].iloc[0])
    )
    merged = {s.sheet: s.rows_merged for s in plan.report.sheets}
    assert merged == {"Finance": 0, "Schedule": 3}
    importer.apply(plan, store)
    assert store.counts()["projects"] == 3


def test_sheets_of_different_projects_are_stacked_not_joined(store, make_xlsx):
    data = make_xlsx(
        {
            "2024": [["Project Name", "Budget"], ["Alpha", 1], ["Beta", 2]],
            "2025": [["Project Name", "Budget"], ["Gamma", 3], ["Delta", 4]],
        }
    )
    plan = importer.plan([("years.xlsx", data)], store)
    assert plan.row_counts == {"projects": 4}
    assert (plan.report.issues["rule"] == "conflict").sum() == 0
