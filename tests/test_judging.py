"""Mapping judged by values, on crafted survey files: text categories never become a score,
the column whose values fit wins, people's names are respondents, NPS categories are checked
against the score."""

import pandas as pd
import pytest

from pmo_data.ingest import importer
from pmo_data.ingest.judging import looks_like_people, nps_categories, score_fit

PEOPLE = ["Jane Smith", "Tom O'Brien", "Priya Patel", "Anna-Lena Müller", "Li Wei"]
COMPANIES = ["Acme Ltd", "Northwind Traders", "Finance division", "Contoso", "Globex plc"]


def survey(make_xlsx, header, rows):
    return [("survey.xlsx", make_xlsx({"NPS survey": [header] + rows}))]


def targets(plan):
    (ps,) = plan.sheets
    return {c.header: c.target for c in ps.mapping.columns}, ps.mapping


def messages(plan, rule="values"):
    iss = plan.report.issues
    return iss[iss["rule"] == rule]


def test_categories_lose_to_the_score_and_people_are_respondents(store, make_xlsx):
    header = [
        "Response ID",
        "Date",
        "Customer Name",
        "Company",
        "NPS Type",
        "Recommendation Score",
        "Comment",
    ]
    cats = ["Promoter", "Detractor", "Passive", "Promoter", "Promoter"]
    scores = [9, 3, 7, 10, 6]  # the last one disagrees with its category
    rows = [
        [f"R{i}", f"2026-10-0{i + 1}", PEOPLE[i], COMPANIES[i], cats[i], scores[i], "ok"]
        for i in range(5)
    ]
    plan = importer.plan(survey(make_xlsx, header, rows), store)
    t, m = targets(plan)
    assert t["Recommendation Score"] == "nps" and t["NPS Type"] is None
    assert t["Company"] == "customer_id" and t["Customer Name"] is None
    assert m.source_of("nps").method == "values"
    fb = plan.tables["feedback"].set_index("response_id")
    assert fb["nps"].tolist() == scores
    assert fb.loc["R0", "customer_id"] == "Acme Ltd"
    assert "Jane Smith" in fb.loc["R0", "extra"] and "Promoter" in fb.loc["R0", "extra"]
    notes = messages(plan)
    text = " ".join(notes["message"])
    assert "'Recommendation Score' gives nps: its answers are whole numbers 0-10" in text
    assert "'NPS Type' (text categories such as Promoter, Detractor, Passive)" in text
    assert "'Customer Name' holds people's names (e.g. 'Jane Smith')" in text
    assert "agrees with 'Recommendation Score' on 4 of 5 responses" in text
    (bad,) = notes[notes["severity"] == "warning"].to_dict("records")[-1:]
    assert bad["row"] == 6 and "category 'Promoter' does not match the score 6" in bad["message"]
    assert not plan.has_errors


def test_names_without_a_company_column_leave_customer_id_empty(store, make_xlsx):
    header = ["Date", "Customer Name", "How likely are you to recommend us (0-10)"]
    rows = [[f"2026-10-0{i + 1}", PEOPLE[i], 8] for i in range(5)]
    plan = importer.plan(survey(make_xlsx, header, rows), store)
    t, _ = targets(plan)
    assert t["Customer Name"] is None and "customer_id" not in t.values()
    (w,) = messages(plan).query("severity == 'warning'")["message"]
    assert "customer_id is left empty" in w and "company or account" in w
    assert plan.tables["feedback"].get("customer_id", pd.Series(dtype=object)).isna().all()


def test_company_names_stay_customer_ids(store, make_xlsx):
    header = ["Date", "Customer", "NPS"]
    rows = [[f"2026-10-0{i + 1}", COMPANIES[i], 8] for i in range(5)]
    plan = importer.plan(survey(make_xlsx, header, rows), store)
    t, _ = targets(plan)
    assert t["Customer"] == "customer_id" and t["NPS"] == "nps"
    assert messages(plan).empty


def test_categories_alone_are_no_score_and_are_said_so(store, make_xlsx):
    header = ["Date", "NPS Type", "Comment"]
    rows = [[f"2026-10-0{i + 1}", c, "fine"] for i, c in enumerate(["Promoter", "Passive"] * 2)]
    plan = importer.plan(survey(make_xlsx, header, rows), store)
    t, _ = targets(plan)
    assert t["NPS Type"] is None and "nps" not in t.values()
    text = " ".join(messages(plan)["message"])
    assert "cannot be nps" in text and "no column gives the 0-10 score" in text
    assert plan.tables["feedback"].get("nps") is None or plan.tables["feedback"]["nps"].isna().all()


def test_the_column_whose_values_fit_the_scale_wins(store, make_xlsx):
    header = ["Date", "Overall satisfaction", "Satisfaction rating (stars)"]
    rows = [[f"2026-10-0{i + 1}", 2 * i + 1, i + 1] for i in range(5)]  # 1-9 vs 1-5
    plan = importer.plan(survey(make_xlsx, header, rows), store)
    t, _ = targets(plan)
    assert t["Satisfaction rating (stars)"] == "csat" and t["Overall satisfaction"] is None
    assert plan.tables["feedback"]["csat"].tolist() == [1, 2, 3, 4, 5]
    assert not plan.has_errors  # the 0-10 column no longer gives out-of-range errors


def test_a_users_choice_is_never_second_guessed(store, make_xlsx):
    header = ["Date", "NPS Type", "Recommendation Score"]
    rows = [["2026-10-01", "Promoter", 9], ["2026-10-02", "Detractor", 2]]
    files = survey(make_xlsx, header, rows)
    plan = importer.plan(
        files, store, mapping_overrides={"NPS survey": {"Recommendation Score": None}}
    )
    t, _ = targets(plan)
    assert t["Recommendation Score"] is None


@pytest.mark.parametrize(
    "values, people",
    [
        (PEOPLE, True),
        (["jane@acme.com", "tom@globex.org"], True),
        (["Smith, Jane", "Patel, Priya"], True),
        (COMPANIES, False),
        (["C-001", "C-002", "C-003"], False),
        (["Acme Ltd"] * 30 + ["Globex plc"] * 10, False),
        (["Jane Smith"] * 30 + ["Tom Brown"] * 10, False),  # repeats: an account column
    ],
)
def test_people_or_accounts(values, people):
    assert looks_like_people(pd.Series(values)) is people


def test_score_fit_and_categories():
    assert score_fit(pd.Series([0, 5, 10, "9 - very likely"]), 0, 10, whole=True).ok
    assert not score_fit(pd.Series([7.5, 8.25, 6.5, 9.1]), 0, 10, whole=True).ok
    assert score_fit(pd.Series(["Promoter", "Passive"]), 0, 10).categories
    cats = nps_categories(pd.Series(["promoter", " Detractors", "Neutral"]))
    assert cats.tolist() == ["Promoter", "Detractor", "Passive"]
    assert nps_categories(pd.Series(["yes", "no"])) is None
