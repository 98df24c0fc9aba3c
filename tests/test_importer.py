"""The importer: dry run, one version per upload, refusal on errors, atomicity, memory."""

import json

import pandas as pd
import pytest

from pmo_data.ingest import importer
from pmo_data.store.versions import Writer

PROJECTS = [
    ["Project ID", "Project Name", "Customer", "RAG", "Start date", "End date", "Budget"],
    ["P1", "CRM migration", "C1", "Amber", "2025-01-15", "2025-12-31", 250000],
    ["P2", "Data platform", "C2", "G", "2025-03-01", "2026-06-30", 1200000],
]
CUSTOMERS = [
    ["Customer ID", "Customer Name", "Tier"],
    ["C1", "Finance", "Key"],
    ["C2", "HR", "gold"],
]
FEEDBACK = [
    ["Response ID", "Date", "Customer", "Project", "NPS", "Comment"],
    ["R1", "2025-04-01", "C1", "P1", 9, "Great support from the PMO"],
    ["R2", "2025-04-02", "C2", "P2", 4, "Slow and confusing reporting"],
]


def test_plan_is_a_dry_run_and_apply_writes_one_version(store, make_xlsx):
    data = make_xlsx({"Projects": PROJECTS, "Customers": CUSTOMERS, "Feedback": FEEDBACK})
    plan = importer.plan([("monthly.xlsx", data)], store)
    assert store.current_version() == 0 and store.is_empty()
    assert plan.row_counts == {"projects": 2, "customers": 2, "feedback": 2}
    assert not plan.has_errors
    version = importer.apply(plan, store, user="analyst")
    assert version == 1 == store.current_version() and plan.version == 1
    assert {k: v for k, v in store.counts().items() if v} == plan.row_counts
    hist = store.history().iloc[0]
    assert hist["user_name"] == "analyst" and hist["action"] == "import"
    (f,) = hist["files"]
    assert f["name"] == "monthly.xlsx" and f["size"] == len(data) and len(f["sha256"]) == 64
    assert f["sheets"]["Projects"] == {"entity": "projects", "rows": 2, "loaded": 2}
    fb = store.frame("feedback").set_index("response_id")
    assert fb.loc["R1", "sentiment"] > 0 > fb.loc["R2", "sentiment"]
    assert store.frame("customers").set_index("customer_id").loc["C2", "tier"] == "Key"


def test_sheets_of_one_entity_are_concatenated(store, make_xlsx):
    data = make_xlsx(
        {
            "Projects 2024": [PROJECTS[0], PROJECTS[1]],
            "Projects 2025": [PROJECTS[0], PROJECTS[2]],
        }
    )
    plan = importer.import_files([("p.xlsx", data)], store)
    assert plan.row_counts == {"projects": 2}
    assert sorted(store.frame("projects")["_sheet"]) == ["Projects 2024", "Projects 2025"]


def test_two_survey_sheets_get_distinct_row_ids(store, make_xlsx):
    sheet = [["Timestamp", "NPS"], ["2025-01-01", 9], ["2025-01-02", 3]]
    plan = importer.plan([("s.xlsx", make_xlsx({"Responses": sheet, "Responses 2": sheet}))], store)
    ids = plan.tables["feedback"]["response_id"].tolist()
    assert len(set(ids)) == 4 and not plan.has_errors


def test_errors_block_and_accept_rejected_loads_the_good_rows(store, make_xlsx):
    bad = PROJECTS + [["P3", None, "C1", "Red", "2025-01-01", "2025-02-01", 5]]
    plan = importer.plan([("p.xlsx", make_xlsx({"Projects": bad}))], store)
    assert plan.has_errors and len(plan.rejected["projects"]) == 1
    with pytest.raises(importer.ImportBlocked, match="row 4"):
        importer.apply(plan, store)
    assert store.current_version() == 0
    version = importer.apply(plan, store, accept_rejected=True)
    assert store.counts()["projects"] == 2
    info = store.version_info(version)
    assert "1 rejected" in info["note"] and info["issue_counts"]["error"] == 1
    sheet = plan.report.sheets[0]
    assert (sheet.rows_read, sheet.rows_loaded, sheet.rows_rejected) == (3, 2, 1)


def test_warnings_never_block(store, make_xlsx):
    rows = PROJECTS + [["P3", "x", "C1", "Purple", "2025-05-01", "2025-01-01", "lots"]]
    plan = importer.import_files([("p.xlsx", make_xlsx({"Projects": rows}))], store)
    assert plan.report.counts["warning"] >= 3 and not plan.has_errors
    assert store.counts()["projects"] == 3


def test_failure_mid_write_leaves_the_store_unchanged(store, make_xlsx, monkeypatch):
    importer.import_files([("p.xlsx", make_xlsx({"Projects": PROJECTS}))], store)
    before = (store.current_version(), store.counts(), len(store.history()))
    original = Writer.write_version

    def crash(self, tables, **kwargs):
        original(self, tables, **kwargs)
        raise RuntimeError("disk full")

    monkeypatch.setattr(Writer, "write_version", crash)
    data = make_xlsx({"Projects": PROJECTS[:2], "Customers": CUSTOMERS})
    with pytest.raises(RuntimeError):
        importer.import_files([("p.xlsx", data)], store)
    monkeypatch.setattr(Writer, "write_version", original)
    assert (store.current_version(), store.counts(), len(store.history())) == before


def test_unknown_columns_are_kept_in_extra(store, make_xlsx):
    rows = [PROJECTS[0] + ["Notes"], PROJECTS[1] + ["check with finance"], PROJECTS[2] + [None]]
    importer.import_files([("p.xlsx", make_xlsx({"Projects": rows}))], store)
    extra = store.frame("projects").set_index("project_id")["extra"]
    assert json.loads(extra["P1"]) == {"Notes": "check with finance"} and pd.isna(extra["P2"])


def test_references_checked_against_upload_then_store(store, make_xlsx):
    importer.import_files([("c.xlsx", make_xlsx({"Customers": CUSTOMERS}))], store)
    rows = FEEDBACK + [["R3", "2025-04-03", "C404", None, 8, None]]
    plan = importer.plan([("f.xlsx", make_xlsx({"Feedback": rows}))], store)
    orphans = plan.report.issues.query("rule == 'orphan'")
    assert orphans["row"].tolist() == [4] and orphans["severity"].tolist() == ["warning"]


def test_user_mapping_is_remembered(store, make_xlsx):
    rows = [["Ref", "Thing", "Who"], ["X1", "Alpha", "Ann"]]
    data = make_xlsx({"Sheet1": rows})
    plan = importer.plan([("odd.xlsx", data)], store, "projects")
    overrides = {("odd.xlsx", "Sheet1"): {"Thing": "name", "Who": "sponsor"}}
    importer.apply(plan, store, mapping_overrides=overrides)
    assert store.frame("projects")["sponsor"].tolist() == ["Ann"]
    again = importer.plan([("odd-next-month.xlsx", data)], store)
    (ps,) = again.sheets
    assert ps.entity == "projects"
    assert {c.method for c in ps.mapping.columns} == {"remembered"}
    assert again.tables["projects"]["name"].tolist() == ["Alpha"]


def test_force_entity_and_skipping_a_sheet(store, make_xlsx):
    data = make_xlsx({"Sheet1": [["Name", "Region"], ["Acme", "North"]], "Notes": [["x"], [1]]})
    plan = importer.plan([("c.xlsx", data)], store, "customers")
    assert plan.tables["customers"]["region"].tolist() == ["North"]
    skip = {"Notes": {"__entity__": None}, "Sheet1": {"__entity__": "customers"}}
    plan = importer.plan([("c.xlsx", data)], store, mapping_overrides=skip)
    assert not plan.has_errors and plan.row_counts == {"customers": 1}


def test_progress_callback_reports_each_step(store, make_xlsx):
    steps = []
    importer.import_files(
        [("p.xlsx", make_xlsx({"Projects": PROJECTS}))],
        store,
        on_step=lambda step, detail, fraction: steps.append(step),
    )
    assert {"read", "recognise", "map", "validate", "import"} <= set(steps)


def test_paths_and_bytes_are_both_accepted(store, make_xlsx, tmp_path):
    path = tmp_path / "p.xlsx"
    path.write_bytes(make_xlsx({"Projects": PROJECTS}))
    plan = importer.plan([path], store)
    assert plan.row_counts == {"projects": 2} and plan.report.files[0]["name"] == "p.xlsx"
    with pytest.raises(FileNotFoundError):
        importer.plan([tmp_path / "missing.xlsx"], store)


def test_report_renders_as_dict_and_excel(store, make_xlsx, tmp_path):
    import openpyxl

    bad = PROJECTS + [["P3", None, "C1", "Purple", "2025-01-01", "2025-02-01", 5]]
    plan = importer.plan([("p.xlsx", make_xlsx({"Projects": bad}))], store)
    d = plan.report.to_dict()
    json.dumps(d)
    assert d["has_errors"] and d["counts"]["error"] == 1 and d["entities"]["projects"]["read"] == 3
    out = tmp_path / "report.xlsx"
    plan.report.to_excel(out)
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:2] == ["Summary", "Issues"]
    rows_sheet = wb[wb.sheetnames[2]]
    assert rows_sheet["A2"].value == 4  # the spreadsheet row number
    name_cell, rag_cell = rows_sheet["C2"], rows_sheet["E2"]
    assert name_cell.fill.fgColor.rgb.endswith("F4CCCC")  # error: red
    assert rag_cell.fill.fgColor.rgb.endswith("FCE5CD")  # warning: amber
    assert "required" in name_cell.comment.text


def test_blank_and_total_rows_are_skipped_as_info(store, make_xlsx):
    rows = (
        PROJECTS[:2] + [[None] * 7] + [PROJECTS[2]] + [["Total", None, None, None, None, None, 5]]
    )
    plan = importer.plan([("p.xlsx", make_xlsx({"Projects": rows}))], store)
    skipped = plan.report.issues.query("rule == 'skipped'")
    assert skipped["row"].tolist() == [3, 5] and set(skipped["severity"]) == {"info"}
    assert plan.report.sheets[0].rows_skipped == 2 and plan.row_counts == {"projects": 2}
    assert plan.tables["projects"]["_row"].tolist() == [2, 4]
