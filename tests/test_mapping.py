"""Header recognition and mapping: exact, alias, fuzzy, survey, remembered, user."""

from types import SimpleNamespace

import pandas as pd

from pmo_data.ingest import mapping
from pmo_data.ingest.mapping import header_signature, map_headers, recall, recognise, remember


def sheet(headers, name="Sheet1", file="upload.xlsx", rows=None):
    frame = pd.DataFrame(rows or [], columns=range(len(headers)))
    return SimpleNamespace(file=file, name=name, headers=headers, frame=frame)


def targets(m):
    return {c.header: c.target for c in m.columns}


def test_exact_alias_and_fuzzy():
    m = map_headers(["Project Ref", "Proj. name", "RAG Status", "Budget (£m)", "Notes"], "projects")
    t = targets(m)
    assert t == {
        "Project Ref": "project_id",
        "Proj. name": "name",
        "RAG Status": "rag",
        "Budget (£m)": "budget",
        "Notes": None,
    }
    methods = {c.header: c.method for c in m.columns}
    assert methods["Project Ref"] == "alias" and methods["Notes"] == "none"
    assert m.source_of("budget").letter == "D"


def test_canonical_name_is_exact():
    m = map_headers(["project_id", "name"], "projects")
    assert [c.method for c in m.columns] == ["exact", "exact"]
    assert all(c.confidence == 1.0 for c in m.columns)


def test_typos_and_plurals_are_fuzzy():
    m = map_headers(["Projet Name", "Sponsors", "Planned Benefits"], "projects")
    assert targets(m) == {
        "Projet Name": "name",
        "Sponsors": "sponsor",
        "Planned Benefits": "planned_benefit",
    }
    assert {c.method for c in m.columns} == {"fuzzy"}
    assert all(0.7 <= c.confidence < 1 for c in m.columns)


def test_each_target_used_once_best_wins():
    m = map_headers(["Project Name", "Name", "Title"], "projects")
    assert targets(m) == {"Project Name": None, "Name": "name", "Title": None}


def test_unrelated_headers_do_not_match():
    m = map_headers(
        ["Project Lead", "Financial Year Variance (%)", "SRO assessment score"], "projects"
    )
    t = targets(m)
    assert t["Project Lead"] == "project_manager"
    assert t["Financial Year Variance (%)"] is None


def test_two_line_header_with_explanation():
    h = "IPA Delivery Confidence Assessment \n(A Delivery Confidence Assessment of the project)"
    sro = "SRO Delivery Confidence Assessment \n(A Delivery Confidence Assessment of the project)"
    m = map_headers([h, sro], "projects")
    assert targets(m) == {h: "rag", sro: None}


def test_survey_questions_map_to_feedback():
    headers = [
        "Timestamp",
        "How likely are you to recommend R to a colleague, friend, or family member?",
        "What is your job title, if any?",
        "How likely are you to recommend Python to a colleague, friend, or family member?",
    ]
    m = map_headers(headers, "feedback", filled=[10, 9, 3, 2])
    t = targets(m)
    assert t[headers[0]] == "date"
    assert t[headers[1]] == "nps" and t[headers[3]] is None
    assert t[headers[2]] == "respondent_role"
    assert m.source_of("nps").method == "survey"
    # the most answered recommend question wins
    m2 = map_headers(headers, "feedback", filled=[10, 2, 3, 9])
    assert targets(m2)[headers[3]] == "nps"


def test_recognise_by_headers_and_sheet_name():
    s = sheet(["Customer ID", "Customer Name", "Tier", "Region"], name="Sheet1")
    assert recognise(s)[0][0] == "customers"
    s = sheet(["fullname", "start", "end", "slug"], name="x", file="member_organizations.csv")
    assert recognise(s)[0][0] == "customers"
    s = sheet(["Response ID", "Date", "NPS", "Comment"], name="Responses")
    assert recognise(s)[0][0] == "feedback"
    s = sheet(["Saving ID", "Category", "Low", "Likely", "High"], name="Sheet1")
    assert recognise(s)[0][0] == "savings"


def test_required_columns_gate_recognition():
    s = sheet(["Colour", "Weight", "Flavour"])
    assert mapping.best_entity(s) == (None, 0.0)
    # a project without name or id cannot be a project
    scores = dict(recognise(sheet(["Start date", "End date"])))
    assert scores["projects"] == 0.0


def test_signature_is_stable_under_formatting():
    assert header_signature(["Project Name", "RAG"]) == header_signature(["project_name", "rag "])
    assert header_signature(["A", "B"]) != header_signature(["B", "A"])


def test_remember_and_recall(store):
    headers = ["Ref", "Thing", "Who"]
    m = map_headers(headers, "projects").with_overrides({"Thing": "name", "Who": "sponsor"})
    assert targets(m) == {"Ref": "project_id", "Thing": "name", "Who": "sponsor"}
    assert {c.method for c in m.columns if c.header != "Ref"} == {"user"}
    sig = header_signature(headers)
    remember(store, sig, "projects", m)
    memory = recall(store, sig)
    assert memory["entity"] == "projects"
    again = map_headers(headers, "projects", memory)
    assert targets(again) == targets(m) and again.remembered
    assert {c.method for c in again.columns} == {"remembered"}
    assert recognise(sheet(headers), memory=memory)[0] == ("projects", 1.0)


def test_override_steals_target_from_another_column():
    m = map_headers(["Project Name", "Alt"], "projects").with_overrides({"Alt": "name"})
    assert targets(m) == {"Project Name": None, "Alt": "name"}


def test_blank_headers_get_a_letter_label():
    m = map_headers(["Project ID", None, ""], "projects")
    assert [c.header for c in m.columns] == ["Project ID", "column B", "column C"]
