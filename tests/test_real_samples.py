"""Real exports nobody on this project wrote (../shared/samples/real; skipped when absent)."""

import pandas as pd
import pytest
from conftest import real_file

from pmo_data.ingest import importer

pytestmark = pytest.mark.real

GMPP = "GMPP_Government_Major_Projects_Portofolio_AR_Data_March_2023.csv"
SURVEY = "2019 English R Community Survey Responses.xlsx"
SAMPLE = "Sample Sheet.xlsx"
MEMBERS = "2018-08-member_organizations.csv"


def load(store, name, **kw):
    plan = importer.plan([real_file(name)], store, **kw)
    errors = plan.report.errors()
    assert errors.empty, errors.to_dict("records")[:3]
    importer.apply(plan, store)
    return plan


def test_gmpp_projects(store):
    plan = load(store, GMPP)
    (sheet,) = plan.report.sheets
    assert sheet.entity == "projects" and sheet.rows_read == sheet.rows_loaded == 244
    p = store.frame("projects").set_index("project_id")
    assert len(p) == 244 and p["name"].notna().all()
    row = p.loc["CO_0024_2021-Q2"]
    assert row["name"] == "Civil Service Pensions 2015 Remedy" and row["portfolio"] == "CO"
    assert str(row["start_date"])[:10] == "2020-05-20" and str(row["end_date"])[:10] == "2024-09-30"
    assert row["budget"] == pytest.approx(7.9e6) and row["forecast_cost"] == pytest.approx(4.2e6)
    assert pd.isna(row["rag"])  # "NA" in the source
    assert set(p["rag"].dropna()) <= {"Red", "Amber", "Green"} and p["rag"].notna().sum() == 111
    issues = plan.report.issues
    exempt = issues[issues["value"].fillna("").str.contains("Exempt")]
    assert len(exempt) > 0 and set(exempt["severity"]) == {"warning"}
    rag_exempt = exempt[exempt["field"] == "rag"]
    assert rag_exempt["letter"].eq("F").all() and rag_exempt["row"].min() > 1
    unit = issues[issues["rule"] == "unit"]
    assert len(unit) >= 2  # the (£m) columns are scaled, and it says so
    assert store.counts()["projects"] == 244


def test_r_survey_feedback(store):
    plan = load(store, SURVEY)
    fb = store.frame("feedback")
    assert len(fb) == 1838 and fb["date"].notna().all()
    assert fb["response_id"].is_unique  # derived from the rows, tagged with the file's hash
    assert fb["response_id"].iloc[0] == f"R-{plan.report.files[0]['sha256'][:6]}-2"
    mapping = plan.sheets[0].mapping
    nps_header = mapping.source_of("nps").header
    assert "recommend R to" in nps_header
    issues = plan.report.issues
    scale = issues[issues["rule"] == "scale"]
    assert len(scale) == 1 and "recommend R" in scale["column"].iloc[0]
    assert set(fb["nps_scale"].dropna()) == {"1-10"} and fb["nps"].dropna().between(1, 10).all()
    assert (issues["rule"] == "key").sum() == 1
    python = next(c for c in mapping.columns if "recommend Python" in c.header)
    assert python.target is None  # kept in extra, not mixed into nps
    assert fb["extra"].str.contains("recommend Python").any()
    assert store.counts()["feedback"] == 1838


def test_smartsheet_sample_projects(store):
    plan = load(store, SAMPLE)
    p = store.frame("projects")
    assert sorted(p["name"]) == ["Phase 1", "Phase 2", "Phase 3", "Startup", "Wrapup"]
    assert p["project_id"].str.startswith("P-").all()
    assert set(p["stage"].dropna()) <= {"Closed", "Execution"}
    issues = plan.report.issues
    assert issues.query("rule == 'empty' and sheet == 'Comments'").shape[0] == 1
    assert issues.query("rule == 'allowed'")["value"].tolist() == ["On Deck"]
    assert store.counts()["projects"] == 5


def test_member_organisations_are_recognised_as_customers(store):
    plan = load(store, MEMBERS)
    (sheet,) = plan.report.sheets
    assert sheet.entity == "customers"
    assert (sheet.rows_read, sheet.rows_loaded, sheet.rows_merged) == (129, 36, 93)
    c = store.frame("customers")
    assert len(c) == 36 and c["name"].is_unique and "University College London" in set(c["name"])
    assert store.counts()["customers"] == 36


def test_all_four_land_in_one_store(store):
    for name in (GMPP, SURVEY, SAMPLE, MEMBERS):
        load(store, name)
    counts = store.counts()
    # the Smartsheet sample (5 projects none of which is stored) is merged into the GMPP ones
    assert (counts["projects"], counts["feedback"], counts["customers"]) == (249, 1838, 36)
    assert store.current_version() == 4
    assert store.counts(1)["projects"] == 244
