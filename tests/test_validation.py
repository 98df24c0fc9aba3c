"""Coercion and rules: typed columns, rejected rows, derived keys, duplicates, orphans."""

import json
from types import SimpleNamespace

import numpy as np
import pandas as pd

from pmo_data.ingest.mapping import map_headers
from pmo_data.ingest.rules import add_sentiment, check, check_references, split
from pmo_data.ingest.validation import coerce, derive_keys, extra_json, issues_frame


def sheet(headers, rows, name="Sheet1", file="upload.xlsx", first_row=2):
    frame = pd.DataFrame([list(r) for r in rows], columns=range(len(headers)), dtype=object)
    numbers = np.arange(first_row, first_row + len(rows))
    return SimpleNamespace(file=file, name=name, headers=headers, frame=frame, rows=numbers)


def run(headers, rows, entity, **kw):
    sh = sheet(headers, rows, **kw)
    m = map_headers(headers, entity)
    frame, issues = coerce(sh, entity, m)
    frame, more = check(frame, entity, {(sh.file, sh.name): m})
    return frame, issues_frame([issues, more])


def test_typed_columns_and_provenance():
    frame, issues = run(
        ["Project ID", "Project Name", "Start date", "Budget (£m)", "RAG"],
        [["P1", "Alpha", "2025-01-15", "1.5", "Amber"], ["P2", "Beta", "2025-02-01", "2", "G"]],
        "projects",
    )
    assert frame["project_id"].tolist() == ["P1", "P2"]
    assert frame["budget"].tolist() == [1_500_000, 2_000_000]
    assert frame["rag"].tolist() == ["Amber", "Green"]
    assert str(frame["start_date"].iloc[0])[:10] == "2025-01-15"
    assert frame["_row"].tolist() == [2, 3] and set(frame["_sheet"]) == {"Sheet1"}
    assert issues[issues["severity"] != "info"].empty


def test_blank_required_field_rejects_the_row_and_names_row_and_column():
    frame, issues = run(
        ["Project ID", "Project Name"], [["P1", "Alpha"], ["P2", None], ["P3", "Gamma"]], "projects"
    )
    err = issues[issues["severity"] == "error"]
    assert len(err) == 1
    rec = err.iloc[0]
    assert (rec["row"], rec["column"], rec["letter"], rec["field"]) == (
        3,
        "Project Name",
        "B",
        "name",
    )
    good, bad = split(frame, issues)
    assert good["project_id"].tolist() == ["P1", "P3"] and bad["project_id"].tolist() == ["P2"]


def test_unreadable_required_date_rejects_row():
    frame, issues = run(
        ["Response ID", "Date", "NPS"],
        [["R1", "2025-03-01", 9], ["R2", "not a date", 7]],
        "feedback",
    )
    err = issues[issues["severity"] == "error"]
    assert err["row"].tolist() == [3] and err["column"].tolist() == ["Date"]
    assert split(frame, issues)[0]["response_id"].tolist() == ["R1"]


def test_unreadable_optional_cell_is_a_warning_and_kept_in_extra():
    frame, issues = run(
        ["Project ID", "Name", "Budget"], [["P1", "A", "lots"], ["P2", "B", "10"]], "projects"
    )
    w = issues[issues["rule"] == "unreadable"]
    assert w["severity"].tolist() == ["warning"] and w["row"].tolist() == [2]
    assert pd.isna(frame["budget"].iloc[0]) and frame["budget"].iloc[1] == 10
    assert json.loads(frame["extra"].iloc[0]) == {"Budget": "lots"}
    assert split(frame, issues)[0].shape[0] == 2


def test_missing_key_column_derives_stable_ids_from_name():
    frame, issues = run(["Name", "Sponsor"], [["Alpha", "X"], ["Beta", "Y"]], "projects")
    ids = frame["project_id"].tolist()
    assert all(i.startswith("P-") and len(i) == 10 for i in ids) and ids[0] != ids[1]
    again = derive_keys(pd.Series([" alpha ", "BETA"]), "projects").tolist()
    assert again == ids  # normalised name -> same id next month
    key = issues[issues["rule"] == "key"]
    assert key["severity"].tolist() == ["warning"] and "project_id" in key["message"].iloc[0]


def test_feedback_without_ids_uses_row_numbers():
    frame, issues = run(["Timestamp", "NPS"], [["2025-01-01", 9], ["2025-01-02", 3]], "feedback")
    assert frame["response_id"].tolist() == ["R-2", "R-3"]
    assert (issues["rule"] == "key").sum() == 1


def test_choice_synonyms_and_unknown_values():
    frame, issues = run(
        ["Action ID", "Title", "Status", "Impact"],
        [
            ["A1", "x", "WIP", "critical"],
            ["A2", "y", "Completed", "med"],
            ["A3", "z", "Blocked", "High"],
            ["A4", "w", "closed", "low"],
        ],
        "actions",
    )
    assert frame["status"].tolist()[:2] == ["In progress", "Done"]
    assert pd.isna(frame["status"].iloc[2]) and frame["status"].iloc[3] == "Done"
    assert frame["impact"].tolist() == ["High", "Medium", "High", "Low"]
    w = issues[issues["rule"] == "allowed"]
    assert w["row"].tolist() == [4] and w["value"].tolist() == ["Blocked"]
    assert "extra['Status']" in w["message"].iloc[0]
    assert json.loads(frame["extra"].iloc[2]) == {"Status": "Blocked"}
    assert frame["extra"].iloc[0] is None


def test_stage_synonyms():
    frame, _ = run(
        ["Name", "Status"], [["a", "Complete"], ["b", "In progress"], ["c", "on hold"]], "projects"
    )
    assert frame["stage"].tolist() == ["Closed", "Execution", "On hold"]


def test_negative_money_is_out_of_range():
    frame, issues = run(["Project ID", "Name", "Budget"], [["P1", "a", "-5"]], "projects")
    r = issues[issues["rule"] == "range"]
    assert r["severity"].tolist() == ["warning"] and pd.isna(frame["budget"].iloc[0])
    assert json.loads(frame["extra"].iloc[0]) == {"Budget": -5.0}


def test_nps_on_a_1_to_10_scale_is_flagged_once():
    answers = [10, 9, 8, 1, 5, 7, 10, 6, 9, 3] * 5
    rows = [[f"2025-01-{1 + i % 28:02d}", v] for i, v in enumerate(answers)]
    frame, issues = run(
        ["Timestamp", "How likely are you to recommend us to a friend?"], rows, "feedback"
    )
    scale = issues[issues["rule"] == "scale"]
    assert len(scale) == 1 and scale["severity"].iloc[0] == "warning"
    assert "recommend" in scale["column"].iloc[0]
    assert set(frame["nps_scale"]) == {"1-10"}


def test_nps_on_0_to_10_scale():
    rows = [["2025-01-01", v] for v in [0, 10, 9, 7, 3] * 10]
    frame, issues = run(["Timestamp", "NPS"], rows, "feedback")
    assert (issues["rule"] == "scale").sum() == 0 and set(frame["nps_scale"]) == {"0-10"}


def test_duplicate_keys_reject_later_rows_naming_the_first():
    frame, issues = run(["Project ID", "Name"], [["P1", "a"], ["P2", "b"], ["P1", "c"]], "projects")
    dup = issues[issues["rule"] == "duplicate"]
    assert dup["row"].tolist() == [4] and dup["severity"].tolist() == ["error"]
    assert "row 2" in dup["message"].iloc[0] and dup["column"].iloc[0] == "Project ID"
    assert split(frame, issues)[0]["name"].tolist() == ["a", "b"]


def test_repeated_customer_rows_are_merged():
    rows = [["UCL", "2016-02-17"], ["UCL", "2016-06-22"], ["Arizona", "2017-08-09"], ["ucl", "x"]]
    frame, issues = run(["fullname", "start"], rows, "customers")
    merged = issues[issues["rule"] == "merged"]
    assert merged["severity"].tolist() == ["info"]
    assert merged["message"].iloc[0].startswith("1 repeated rows merged")
    # another spelling of the same name is a conflicting duplicate, not a silent merge
    assert issues[issues["rule"] == "duplicate"]["row"].tolist() == [5]
    assert split(frame, issues)[0]["name"].tolist() == ["UCL", "Arizona"]


def test_conflicting_customer_duplicates_are_errors():
    rows = [["C1", "UCL", "Key"], ["C1", "UCL", "Strategic"]]
    _, issues = run(["Customer ID", "Name", "Tier"], rows, "customers")
    assert issues[issues["rule"] == "duplicate"]["row"].tolist() == [3]


def test_dates_and_estimates_out_of_order_are_warnings():
    frame, issues = run(
        ["Project ID", "Name", "Start", "End"],
        [["P1", "a", "2025-05-01", "2025-01-01"], ["P2", "b", "2025-01-01", "2025-06-01"]],
        "projects",
    )
    order = issues[issues["rule"] == "order"]
    assert order["row"].tolist() == [2] and order["severity"].tolist() == ["warning"]
    assert order["column"].tolist() == ["End"]
    _, issues = run(
        ["Saving ID", "Low", "Likely", "High"], [["S1", 10, 5, 20], ["S2", 1, 2, 3]], "savings"
    )
    assert issues[issues["rule"] == "order"]["row"].tolist() == [2]


def test_orphans_against_upload_and_store(store):
    fb, _ = run(
        ["Response ID", "Date", "Customer"],
        [["R1", "2025-01-01", "C1"], ["R2", "2025-01-01", "C9"]],
        "feedback",
    )
    cu, _ = run(["Customer ID", "Name"], [["C1", "Acme"]], "customers")
    orphans = check_references({"feedback": fb, "customers": cu})
    assert orphans["row"].tolist() == [3] and orphans["severity"].tolist() == ["warning"]
    assert orphans["column"].tolist() == ["customer_id"] or orphans["field"].tolist() == [
        "customer_id"
    ]
    # nothing to check against: no warning
    assert check_references({"feedback": fb}).empty
    store.write_version({"customers": pd.DataFrame({"customer_id": ["C9"], "name": ["Zed"]})})
    assert check_references({"feedback": fb}, store=store)["row"].tolist() == [2]


def test_extra_json_drops_nulls_and_keeps_types():
    cols = {
        "Notes": pd.Series(['a "quoted" note', None, None], dtype=object),
        "Score": pd.Series([1.5, None, 3], dtype=object),
    }
    out = extra_json(cols, 3).tolist()
    assert json.loads(out[0]) == {"Notes": 'a "quoted" note', "Score": 1.5}
    assert out[1] is None and json.loads(out[2]) == {"Score": 3}
    assert extra_json({}, 2).tolist() == [None, None]


def test_sentiment_once_per_distinct_comment():
    fb = pd.DataFrame(
        {
            "comment": [
                "Great support, thank you!",
                "Terrible, slow and late",
                None,
                "Great support, thank you!",
            ]
        }
    )
    s = add_sentiment(fb)["sentiment"]
    assert s.iloc[0] > 0.5 and s.iloc[1] < -0.3 and pd.isna(s.iloc[2]) and s.iloc[3] == s.iloc[0]
