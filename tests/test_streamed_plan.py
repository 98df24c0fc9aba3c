"""A CSV checked part by part (`ingest.streamed`, issue 16: the check's memory bounded by a
part) makes the plan the whole-file check makes: the same rows to load and rejected, the same
issues (file, sheet, row, column, message), effect and proposals, with duplicates, references
and column notes that span parts. Files it cannot check so fall back (None)."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_data.ingest import importer, spill, streamed
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
    (ps,), (ws,) = parts.sheets, whole.sheets
    assert (ps.entity, ps.score, ps.sheet.headers) == (ws.entity, ws.score, ws.sheet.headers)
    assert ps.mapping.to_records() == ws.mapping.to_records()
    pd.testing.assert_frame_equal(_plain(ps.sheet.frame), _plain(ws.sheet.frame))
    assert list(ps.sheet.rows) == list(ws.sheet.rows) and ps.sheet.skipped == ws.sheet.skipped


def _both(tmp_path, name: str, data: bytes, store=None, **kw):
    path = tmp_path / name
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
