"""Known exports recognised by their signature and mapped with no manual step: survey tools,
NPS tools and work trackers, built here as each tool writes them (header rows, names, value
shapes), plus the exports we refuse with a message naming the tool and what to export."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, datetime

import pandas as pd
import pytest

from pmo_data.ingest import importer, reading


def _csv(rows: list[list]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    return buf.getvalue().encode("utf-8")


def planned(name: str, data: bytes, store=None, **kw):
    plan = importer.plan([(name, data)], store, **kw)
    return plan, plan.report.issues


def targets(plan, sheet_index: int = 0) -> dict[str, str]:
    """canonical column -> source header, for one planned sheet."""
    return {t: c.header for t, c in plan.sheets[sheet_index].mapping.targets.items()}


# -- survey tools ---------------------------------------------------------------------------
QUALTRICS = [
    ["StartDate", "EndDate", "Status", "Progress", "Finished", "RecordedDate", "ResponseId"]
    + ["DistributionChannel", "Q1", "Q2", "Q3", "Q4"],
    ["Anfangsdatum", "Enddatum", "Antworttyp", "Aktueller Stand", "Beendet"]
    + ["Erfassungsdatum", "Antwort-ID", "Verteilungskanal"]
    + ["Wie wahrscheinlich ist es, dass Sie uns einem Kollegen weiterempfehlen?"]
    + ["Wie zufrieden sind Sie insgesamt mit dem PMO?", "Ihr Kommentar", "Abteilung"],
    ['{"ImportId":"startDate"}', '{"ImportId":"endDate"}', '{"ImportId":"status"}']
    + ['{"ImportId":"progress"}', '{"ImportId":"finished"}', '{"ImportId":"recordedDate"}']
    + ['{"ImportId":"_recordId"}', '{"ImportId":"distributionChannel"}', '{"ImportId":"QID1"}']
    + ['{"ImportId":"QID2"}', '{"ImportId":"QID3_TEXT"}', '{"ImportId":"QID4"}'],
    ["2024-03-01 08:00:00", "2024-03-01 08:05:00", "0", "100", "1", "2024-03-01 08:05:01"]
    + ["R_1abc", "email", "9", "4", "Sehr hilfreich bei der Planung", "Finanzen"],
    ["2024-03-02 09:00:00", "2024-03-02 09:04:00", "0", "100", "1", "2024-03-02 09:04:02"]
    + ["R_2def", "anonymous", "3", "6", "Zu viele Vorlagen, zu wenig Hilfe", "IT"],
    ["2024-03-03 10:00:00", "2024-03-03 10:02:00", "0", "100", "1", "2024-03-03 10:02:03"]
    + ["R_3ghi", "email", "10", "5", "", "Finanzen"],
]


def test_qualtrics_three_header_rows_in_german(store):
    plan, issues = planned("qualtrics.csv", _csv(QUALTRICS), store)
    assert not plan.has_errors and plan.row_counts == {"feedback": 3}
    assert plan.sheets[0].tool == "qualtrics"
    t = targets(plan)
    assert t["response_id"] == "ResponseId" and t["date"] == "RecordedDate"
    assert "weiterempfehlen" in t["nps"] and "zufrieden" in t["csat"]
    assert t["comment"] == "Ihr Kommentar" and "Abteilung" not in t.values()
    fb = plan.tables["feedback"].set_index("response_id")
    assert list(fb.index) == ["R_1abc", "R_2def", "R_3ghi"]  # the ImportId row is a header
    assert str(fb.loc["R_2def", "date"])[:10] == "2024-03-02"
    assert pd.isna(fb.loc["R_2def", "csat"]) and fb.loc["R_1abc", "csat"] == 4
    coded = issues[issues["rule"] == "range"]  # 6 = 'not applicable' on a 1-5 scale
    assert len(coded) == 1 and coded["severity"].iloc[0] == "warning"
    assert "1 answers outside 1-5" in coded["message"].iloc[0]
    assert json.loads(fb.loc["R_2def", "extra"])["Abteilung"] == "IT"
    assert json.loads(fb.loc["R_2def", "extra"])["Wie zufrieden sind Sie insgesamt mit dem PMO?"]


SURVEYMONKEY = [
    ["Respondent ID", "Collector ID", "Start Date", "End Date", "IP Address"]
    + ["How likely is it that you would recommend the PMO to a colleague?"]
    + ["Which services did you use?", "", "What could we improve?"],
    ["", "", "", "", "", "Response", "Reporting", "Assurance", "Open-Ended Response"],
    ["11401", "2040", "03/04/2024 09:10:00", "03/04/2024 09:14:00", "10.0.0.1", "8"]
    + ["Reporting", "", "Fewer templates"],
    ["11402", "2040", "03/05/2024 10:00:00", "03/05/2024 10:03:00", "10.0.0.2", "10"]
    + ["", "Assurance", ""],
]


def test_surveymonkey_two_header_rows(store):
    plan, issues = planned("monkey.csv", _csv(SURVEYMONKEY), store)
    assert not plan.has_errors and plan.row_counts == {"feedback": 2}
    sheet = plan.sheets[0].sheet
    assert sheet.header_rows == [1, 2] and sheet.tool == "surveymonkey"
    assert "Which services did you use? - Assurance" in sheet.headers
    t = targets(plan)
    assert (t["response_id"], t["date"]) == ("Respondent ID", "End Date")
    assert t["comment"] == "What could we improve?" and "recommend" in t["nps"]
    fb = plan.tables["feedback"]
    assert fb["response_id"].tolist() == ["11401", "11402"] and fb["nps"].tolist() == [8, 10]
    assert json.loads(fb["extra"].iloc[1])["Which services did you use? - Assurance"]


def test_microsoft_forms_workbook_reverses_ease_into_effort(store, make_xlsx):
    rows = [
        ["ID", "Start time", "Completion time", "Email", "Name"]
        + ["How satisfied are you with the support you received?"]
        + ["How likely are you to recommend the PMO to a colleague?"]
        + ["How easy was it to get what you needed?", "Anything else you would like to tell us?"],
        [1, datetime(2024, 3, 4, 16, 25), datetime(2024, 3, 4, 16, 27), "anonymous", None]
        + [4, 8, 5, "Clear gate reviews"],
        [2, datetime(2024, 3, 5, 9, 0), datetime(2024, 3, 5, 9, 3), "anonymous", None]
        + [2, 3, 1, "Slow answers"],
    ]
    plan, issues = planned("forms.xlsx", make_xlsx({"Sheet1": rows}), store)
    assert not plan.has_errors and plan.row_counts == {"feedback": 2}
    t = targets(plan)
    assert (t["response_id"], t["date"]) == ("ID", "Completion time")
    assert set(t) == {"response_id", "date", "csat", "nps", "effort_score", "comment"}
    fb = plan.tables["feedback"]
    assert fb["effort_score"].tolist() == [1, 5]  # 5 = very easy is effort 1
    assert (issues["message"].str.contains("stored as effort_score 6 - answer")).sum() == 1
    assert json.loads(fb["extra"].iloc[0]) == {
        "Start time": "2024-03-04 16:25:00",
        "Email": "anonymous",
    }


def test_google_forms_localised_timestamp(store):
    rows = [
        ["Marca temporal", "¿Qué tan probable es que recomiendes el PMO a un colega?", "País"],
        ["2024/03/01 10:00:00", "9", "Chile"],
        ["2024/03/02 11:30:00", "6", "Perú"],
    ]
    plan, _ = planned("respuestas.csv", _csv(rows), store)
    assert not plan.has_errors and plan.sheets[0].tool == "google_forms"
    t = targets(plan)
    assert t["date"] == "Marca temporal" and "recomiendes" in t["nps"]
    assert plan.tables["feedback"]["nps"].tolist() == [9, 6]


def test_typeform_token_and_submit_date(store):
    rows = [
        ["#", "How likely is it that you would recommend us?", "Why?", "Response Type"]
        + ["Start Date (UTC)", "Submit Date (UTC)", "Network ID", "Tags", "Ending"],
        ["k1x8p0", "9", "Quick answers", "completed", "2024-05-13 09:41:02"]
        + ["2024-05-13 09:42:25", "k1x8", "", "default"],
    ]
    plan, _ = planned("typeform.csv", _csv(rows), store)
    assert not plan.has_errors and plan.sheets[0].tool == "typeform"
    t = targets(plan)
    assert (t["response_id"], t["date"], t["comment"]) == ("#", "Submit Date (UTC)", "Why?")
    assert plan.tables["feedback"]["response_id"].tolist() == ["k1x8p0"]


@pytest.mark.parametrize(
    "headers, tool",
    [
        (["Response ID", "Email", "Score", "Comment", "Created (UTC)", "Person ID"], "delighted"),
        (["Survey ID", "Response Date", "LTR", "Comments"], "medallia"),
        (["Date", "Recommendation Score", "Comment"], "nps_score"),
    ],
)
def test_nps_tools_score_column_is_nps(store, headers, tool):
    values = {
        "Response ID": ["d1", "d2"],
        "Survey ID": ["m1", "m2"],
        "Email": ["a@x.org", "b@x.org"],
        "Score": ["10", "4"],
        "LTR": ["10", "4"],
        "Recommendation Score": ["10", "4"],
        "Comment": ["Great", "Slow"],
        "Comments": ["Great", "Slow"],
        "Created (UTC)": ["2024-01-02 10:00:00", "2024-01-03 11:00:00"],
        "Response Date": ["2024-01-02", "2024-01-03"],
        "Date": ["2024-01-02", "2024-01-03"],
        "Person ID": ["p1", "p2"],
    }
    rows = [headers] + [[values[h][i] for h in headers] for i in range(2)]
    plan, _ = planned("nps.csv", _csv(rows), store)
    assert not plan.has_errors and plan.sheets[0].tool == tool
    fb = plan.tables["feedback"]
    assert fb["nps"].tolist() == [10, 4] and fb["date"].notna().all()


def test_question_scores_in_long_format_are_not_nps(store):
    rows = [["Category", "Question", "Score"], ["A", "Q1", 3], ["A", "Q2", 5], ["B", "Q1", 4]]
    plan, _ = planned("scores.csv", _csv(rows), store)
    assert "feedback" not in plan.row_counts and plan.has_errors


def test_survey_with_no_date_takes_the_import_date_or_the_date_given(store):
    rows = [["RespondentID", "How likely are you to recommend us?"], ["1", "9"], ["2", "7"]]
    plan, issues = planned("nodate.csv", _csv(rows), store)
    assert not plan.has_errors and plan.row_counts == {"feedback": 2}
    dated = issues[issues["rule"] == "date"]
    assert len(dated) == 1 and dated["severity"].iloc[0] == "warning"
    assert (plan.tables["feedback"]["date"] == pd.Timestamp(date.today())).all()
    given = date(2024, 2, 29)
    plan, issues = planned("nodate.csv", _csv(rows), store, survey_date=given)
    dated = issues[issues["rule"] == "date"]
    assert len(dated) == 1 and dated["severity"].iloc[0] == "info"
    assert (plan.tables["feedback"]["date"] == pd.Timestamp(given)).all()
    importer.apply(plan, store)
    assert store.frame("feedback")["date"].astype(str).str[:10].tolist() == ["2024-02-29"] * 2


def test_generic_feedback_sheet_without_a_date_needs_a_score(store):
    scored = [["Response ID", "CSAT", "Comment"], ["r1", 4, "ok"]]
    plan, _ = planned("scored.csv", _csv(scored), store)
    assert plan.row_counts == {"feedback": 1}
    notes = [["Comment", "Owner"], ["Call the client back", "Ann"]]
    plan, _ = planned("notes.csv", _csv(notes), store)
    assert "feedback" not in plan.row_counts


# -- trackers -------------------------------------------------------------------------------
JIRA = [
    ["Summary", "Issue key", "Issue id", "Issue Type", "Status", "Assignee", "Created"]
    + ["Due Date", "Resolved", "Custom field (Epic Link)", "Custom field (Epic Name)", "Priority"],
    ["Customer portal", "CP-1", "10", "Epic", "In Progress", "Ann", "2024-01-02 10:00"]
    + ["2024-06-30", "", "", "Portal rebuild", "High"],
    ["Login page", "CP-2", "11", "Story", "Done", "Bob", "2024-01-05 09:00"]
    + ["2024-02-01", "2024-01-30 17:00", "CP-1", "", "Medium"],
    ["Password reset", "CP-3", "12", "Task", "To Do", "", "2024-01-06 09:00"]
    + ["", "", "CP-1", "", "Low"],
]


def test_jira_epics_become_projects_and_issues_actions(store):
    plan, issues = planned("jira.csv", _csv(JIRA), store)
    assert not plan.has_errors and plan.row_counts == {"projects": 1, "actions": 2}
    names = [ps.sheet.name for ps in plan.sheets]
    assert names == ["jira (epics)", "jira (work items)"]
    p = plan.tables["projects"].iloc[0]
    assert (p["project_id"], p["name"], p["project_manager"]) == ("CP-1", "Portal rebuild", "Ann")
    a = plan.tables["actions"].set_index("action_id")
    assert a.loc["CP-2", "status"] == "Done" and a.loc["CP-3", "status"] == "Open"
    assert a["project_id"].tolist() == ["CP-1", "CP-1"] and a.loc["CP-2", "owner"] == "Bob"
    assert str(a.loc["CP-2", "closed_date"])[:10] == "2024-01-30"
    assert json.loads(a.loc["CP-2", "extra"])["Priority"] == "Medium"
    importer.apply(plan, store)
    assert store.counts()["actions"] == 2 and store.counts()["projects"] == 1


@pytest.mark.parametrize(
    "rows, tool, counts",
    [
        (
            [
                ["ID", "Work Item Type", "Title", "State", "Assigned To", "Created Date"]
                + ["Target Date", "Area Path"],
                ["100", "Epic", "Data platform", "Active", "Ann", "2024-01-01", "", "Ops\\Data"],
                ["101", "User Story", "Ingest files", "Closed", "Bob", "2024-01-02", "", "Ops"],
                ["102", "Bug", "Fix timezone", "New", "", "2024-01-03", "2024-02-01", "Ops"],
            ],
            "azure_devops",
            {"projects": 1, "actions": 2},
        ),
        (
            [
                ["Task ID", "Created At", "Completed At", "Last Modified", "Name"]
                + ["Section/Column", "Assignee", "Due Date"],
                ["120", "2024-01-01", "2024-01-09", "2024-01-09", "Book venue", "Todo", "Ann", ""],
                ["121", "2024-01-02", "", "2024-01-02", "Send invites", "Todo", "", "2024-02-01"],
            ],
            "asana",
            {"actions": 2},
        ),
        (
            [
                ["Task ID", "Task Name", "Bucket Name", "Progress", "Priority", "Assigned To"]
                + ["Created Date", "Due Date", "Completed Date"],
                ["t1", "Draft charter", "Start", "Completed", "Important", "Ann"]
                + ["01/02/2024", "01/10/2024", "01/09/2024"],
                ["t2", "Risk workshop", "Start", "In progress", "Medium", "Bob"]
                + ["01/03/2024", "02/10/2024", ""],
            ],
            "planner",
            {"actions": 2},
        ),
        (
            [
                ["ID", "Active", "Task Mode", "Name", "Duration", "Start", "Finish"]
                + ["Predecessors", "Resource Names", "% Complete"],
                ["1", "Yes", "Auto", "Design", "5 days", "2024-01-01", "2024-01-05", ""]
                + ["Ann", "100%"],
                ["2", "Yes", "Auto", "Build", "10 days", "2024-01-08", "2024-01-19", "1"]
                + ["Bob", "40%"],
                ["3", "Yes", "Auto", "Test", "5 days", "2024-01-22", "2024-01-26", "2", "", "0%"],
            ],
            "ms_project",
            {"actions": 3},
        ),
        (
            [
                ["Task Name", "Start Date", "End Date", "Duration", "% Complete", "Assigned To"],
                ["Kick-off", "2024-01-01", "2024-01-01", "1d", "1", "Ann"],
                ["Discovery", "2024-01-02", "2024-01-20", "15d", "0.5", "Bob"],
            ],
            "smartsheet",
            {"actions": 2},
        ),
    ],
)
def test_work_trackers(store, rows, tool, counts):
    plan, _ = planned(f"{tool}.csv", _csv(rows), store)
    assert not plan.has_errors, plan.report.errors()["message"].tolist()
    assert plan.row_counts == counts and {ps.tool for ps in plan.sheets} == {tool}
    actions = plan.tables["actions"]
    assert actions["title"].notna().all() and actions["status"].notna().all()
    if tool in ("asana", "ms_project", "smartsheet"):  # status read from completion
        assert actions["status"].iloc[0] == "Done" and actions["status"].iloc[1] != "Done"


def test_monday_board_export_with_title_and_group_rows(store, make_xlsx):
    rows = [
        ["PMO improvements board"],
        [],
        ["Quick wins"],
        ["Name", "Subitems", "Person", "Status", "Date"],
        ["Shorter status template", "", "Ann", "Done", datetime(2024, 1, 10)],
        ["Gate review checklist", "", "Bob", "Working on it", datetime(2024, 2, 1)],
        [],
        ["Later"],
        ["Name", "Subitems", "Person", "Status", "Date"],
        ["Benefits register", "", "Cat", "", datetime(2024, 5, 1)],
    ]
    plan, _ = planned("board.xlsx", make_xlsx({"Board": rows}), store)
    assert not plan.has_errors and plan.row_counts == {"actions": 3}
    assert plan.sheets[0].tool == "monday"
    assert plan.tables["actions"]["owner"].tolist() == ["Ann", "Bob", "Cat"]


@pytest.mark.parametrize(
    "name, data, words",
    [
        (
            "worklog.csv",
            _csv([["Issue Key", "Hours", "Work date", "User"], ["CP-1", "2", "2024-01-02", "A"]]),
            ["jira worklog", "export the issues"],
        ),
        (
            "keyless.csv",
            _csv([["Issue key", "Issue Type", "Status"], ["CP-1", "Story", "Done"]]),
            ["jira export without a title/summary column", "export csv (all fields)"],
        ),
    ],
)
def test_tracker_exports_we_cannot_use_are_refused_naming_the_tool(store, name, data, words):
    plan, _ = planned(name, data, store)
    messages = " ".join(plan.report.errors()["message"]).lower()
    assert plan.has_errors and not any(plan.row_counts.values())
    for w in words:
        assert w in messages, messages


@pytest.mark.parametrize(
    "name, data, words",
    [
        (
            "plan.mpp",
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + b"Microsoft Project" + b"\0" * 99,
            ["microsoft project", "save as > excel workbook"],
        ),
        ("board.json", b'{"id": "5f", "idBoard": "5f", "cards": []}', ["trello", "csv"]),
        ("issues.xml", b'<?xml version="1.0"?><rss><channel>Jira</channel></rss>', ["jira"]),
    ],
)
def test_files_from_trackers_that_are_not_tables(name, data, words):
    with pytest.raises(reading.ReadError) as err:
        reading.read_file(data, name)
    for w in words:
        assert w in str(err.value).lower(), str(err.value)


def test_a_mapping_confirmed_for_one_part_of_a_tracker_export_is_remembered(store):
    data = _csv(JIRA)
    plan, _ = planned("jira.csv", data, store)
    overrides = {("jira.csv", "jira (work items)"): {"__entity__": "actions", "Priority": "impact"}}
    importer.apply(plan, store, mapping_overrides=overrides)
    a = store.frame("actions").set_index("action_id")
    assert a.loc["CP-2", "impact"] == "Medium" and store.counts()["projects"] == 1
    again, _ = planned("jira.csv", data, store)  # next month: remembered, with no step
    assert again.row_counts == {"projects": 1, "actions": 2}
    assert again.sheets[1].mapping.source_of("impact").header == "Priority"
    assert again.sheets[0].entity == "projects"
