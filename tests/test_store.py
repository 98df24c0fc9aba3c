"""The store contract, written once and run against both backends: a DuckDB file (the embedded
default) and PostgreSQL (the team store, a throwaway cluster started for the session).

Versions, atomic imports, rollback, diff, history, saved documents, tables added by other
modules, several app servers on one store, concurrent writers, and bad input leaving the store
unchanged. A "server" here is a second `Store` on the same location: it has its own in-memory
copy, exactly as a second app process would; "another program" is a real subprocess.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pandas as pd
import pytest

from pmo_data.store.tables import Table, register
from pmo_data.store.versions import Store, StoreBusy, StoreError, Writer

ROOT = Path(__file__).resolve().parents[1]


def projects(*rows):
    return pd.DataFrame(rows, columns=["project_id", "name", "rag"])


def state(s: Store):
    """Everything a failed write must leave exactly as it was."""
    s.refresh()
    return (
        s.current_version(),
        s.counts(),
        len(s.history()),
        s.frame("projects").sort_values("project_id").astype(str).to_dict("records"),
    )


@pytest.fixture
def store(store_location):
    s = Store(store_location, wait=10)
    yield s
    s.close()


@pytest.fixture
def second(store_location, store):
    """Another app server on the same store (opened after the first)."""
    s = Store(store_location, wait=10)
    yield s
    s.close()


def test_import_replaces_only_its_entities(store):
    store.write_version({"projects": projects(("P1", "a", "Red"), ("P2", "b", "Green"))})
    fb = pd.DataFrame({"response_id": ["R1"], "date": pd.to_datetime(["2025-01-01"])})
    store.write_version({"feedback": fb})
    assert store.counts()["projects"] == 2 and store.counts()["feedback"] == 1
    assert store.current_version() == 2 and store.previous_version() == 1
    assert store.frame("feedback")["date"].tolist() == [pd.Timestamp("2025-01-01")]


def test_values_round_trip_with_their_types(store):
    df = pd.DataFrame(
        {
            "project_id": ["P1", "P2"],
            "name": ["café ✓", None],
            "budget": [1200.5, float("nan")],
            "start_date": pd.to_datetime(["2025-03-31", None]),
            "_row": [2, 3],
            "extra": ['{"Notes": "x"}', None],
        }
    )
    store.write_version({"projects": df})
    got = store.frame("projects").set_index("project_id")
    assert got.loc["P1", "name"] == "café ✓" and pd.isna(got.loc["P2", "name"])
    assert got.loc["P1", "budget"] == 1200.5 and pd.isna(got.loc["P2", "budget"])
    assert got.loc["P1", "start_date"] == pd.Timestamp("2025-03-31")
    assert pd.isna(got.loc["P2", "start_date"])
    assert got.loc["P2", "_row"] == 3 and got.loc["P1", "extra"] == '{"Notes": "x"}'


def test_history_says_who_imported_what_and_when(store):
    files = [{"name": "export.xlsx", "sha256": "ab" * 32, "size": 1234}]
    store.write_version(
        {"projects": projects(("P1", "a", "Red"))},
        user="ann",
        files=files,
        issue_counts={"warning": 2},
        note="monthly",
    )
    h = store.history().iloc[0]
    assert (h["version"], h["user_name"], h["action"], h["note"]) == (1, "ann", "import", "monthly")
    assert h["files"] == files and h["row_counts"] == {"projects": 1}
    assert h["issue_counts"] == {"warning": 2}
    assert store.version_info(1)["user_name"] == "ann" and store.version_info(9) is None


def test_bad_input_leaves_the_store_unchanged(store):
    store.write_version({"projects": projects(("P1", "a", "Red"))})
    before = state(store)
    unknown_column = {
        "projects": projects(("P9", "z", "Red")),
        "customers": pd.DataFrame({"x": [1]}),
    }
    not_a_number = {
        "projects": projects(("P9", "z", "Red")),
        "savings": pd.DataFrame({"saving_id": ["S1"], "likely": ["lots"]}),
    }
    for bad in (unknown_column, not_a_number):
        with pytest.raises(StoreError):
            store.write_version(bad)
        assert state(store) == before
    with pytest.raises(KeyError):
        store.write_version({"invoices": pd.DataFrame({"x": [1]})})
    assert state(store) == before


def test_failure_mid_transaction_rolls_back(store, monkeypatch):
    store.write_version({"projects": projects(("P1", "a", "Red"))})
    before = state(store)
    original = Writer.write_version

    def crash(self, tables, **kwargs):
        original(self, tables, **kwargs)  # everything written, then the power goes
        raise RuntimeError("power cut")

    monkeypatch.setattr(Writer, "write_version", crash)
    with pytest.raises(RuntimeError):
        store.write_version({"projects": projects(("P2", "b", "Green"))})
    monkeypatch.setattr(Writer, "write_version", original)
    assert state(store) == before
    assert store.write_version({"projects": projects(("P3", "c", "Red"))}) == 2


def test_diff_reports_added_removed_and_changed_fields(store):
    store.write_version({"projects": projects(("P1", "a", "Amber"), ("P2", "b", "Green"))})
    store.write_version({"projects": projects(("P1", "a", "Red"), ("P3", "c", "Green"))})
    d = store.diff(1, 2)["projects"]
    assert d.added["project_id"].tolist() == ["P3"]
    assert d.removed["project_id"].tolist() == ["P2"]
    assert d.changed[["project_id", "column", "old", "new"]].values.tolist() == [
        ["P1", "rag", "Amber", "Red"]
    ]
    assert store.diff(1, 2)["customers"].summary == {"added": 0, "removed": 0, "changed": 0}
    with pytest.raises(StoreError, match="does not exist"):
        store.diff(1, 7)


def test_rollback_is_a_new_version_and_loses_nothing(store):
    store.write_version({"projects": projects(("P1", "a", "Amber"))})
    store.write_version({"projects": projects(("P1", "a", "Red"))})
    v = store.rollback(1)
    assert v == 3
    assert store.frame("projects")["rag"].tolist() == ["Amber"]
    assert store.frame("projects", version=2)["rag"].tolist() == ["Red"]
    assert store.history()["action"].tolist() == ["rollback", "import", "import"]
    assert store.version_info(3)["row_counts"]["projects"] == 1
    with pytest.raises(StoreError, match="does not exist"):
        store.rollback(42)
    assert store.current_version() == 3


def test_clear_empties_and_can_be_undone(store):
    store.write_version({"projects": projects(("P1", "a", "Amber"))})
    store.clear()
    assert store.is_empty()
    store.rollback(1)
    assert store.counts()["projects"] == 1


def test_documents_keep_history(store, second):
    store.save_document("weight_profile", "default", {"customer": 0.3}, author="ann")
    store.save_document("weight_profile", "default", {"customer": 0.4}, author="bob")
    assert store.latest_document("weight_profile", "default") == {"customer": 0.4}
    assert len(store.documents("weight_profile", latest_only=False)) == 2
    assert store.latest_document("weight_profile", "missing") is None
    second.refresh()
    assert second.documents("weight_profile")["author"].tolist() == ["bob"]


def test_currency_is_validated_and_shared(store, second):
    assert store.currency == "GBP"
    store.set_currency("eur")
    assert store.currency == "EUR"
    with pytest.raises(StoreError):
        store.set_currency("euros")
    second.refresh()
    assert second.currency == "EUR"


def test_another_server_sees_each_write_on_its_next_refresh(store, second):
    assert second.current_version() == 0
    store.write_version({"projects": projects(("P1", "a", "Amber"))})
    assert second.current_version() == 0  # until it checks
    assert second.refresh() is True and second.refresh() is False
    assert second.current_version() == 1 and second.counts()["projects"] == 1
    second.write_version({"projects": projects(("P1", "a", "Red"), ("P2", "b", "Green"))})
    store.refresh()
    assert store.current_version() == 2 and store.frame("projects")["rag"].tolist() == [
        "Red",
        "Green",
    ]
    assert store.frame("projects", version=1)["rag"].tolist() == ["Amber"]  # older snapshot


def test_a_pinned_run_never_mixes_two_versions(store, second):
    store.write_version({"projects": projects(("P1", "a", "Amber"))})
    run = store.at(store.current_version())  # a page run starts
    second.write_version({"projects": projects(("P1", "a", "Red"), ("P2", "b", "Red"))})
    store.refresh()  # another session's run catches up meanwhile
    assert store.current_version() == 2
    assert run.current_version() == 1 and run.frame("projects")["rag"].tolist() == ["Amber"]
    assert run.counts()["projects"] == 1 and run.previous_version() is None


def test_reopening_finds_everything(store_location):
    s = Store(store_location)
    s.write_version({"projects": projects(("P1", "a", "Amber"))})
    s.save_document("mapping", "sig", {"entity": "projects"})
    s.close()
    s2 = Store(store_location)
    assert s2.current_version() == 1 and s2.counts()["projects"] == 1
    assert s2.latest_document("mapping", "sig") == {"entity": "projects"}
    s2.close()


NOTES = register(
    Table(
        "contract_notes",
        (("id", "BIGINT"), ("author", "VARCHAR"), ("text", "VARCHAR")),
        sync="append",
        order_by="id",
        primary_key=("id",),
        help="A table registered by another module (as the audit log is).",
    )
)
OWNERS = register(
    Table(
        "contract_owners",
        (("email", "VARCHAR"), ("team", "VARCHAR")),
        sync="replace",
        primary_key=("email",),
        help="A small mutable table (as the access table is).",
    )
)


def test_tables_registered_by_other_modules_work_on_both(store, second):
    with store.writing() as w:
        ids = w.append("contract_notes", [{"author": "ann", "text": "a"}, {"author": "bob"}])
        w.replace("contract_owners", pd.DataFrame({"email": ["a@x"], "team": ["pmo"]}))
        w.write_version({"projects": projects(("P1", "a", "Amber"))}, user="ann")
    assert ids == [1, 2]
    with store.writing() as w:
        assert w.append("contract_notes", {"author": "cy", "text": "c"}) == [3]
        w.replace("contract_owners", pd.DataFrame({"email": ["b@x"], "team": ["exec"]}))
    second.refresh()
    notes = second.df("SELECT id, author FROM contract_notes ORDER BY id")
    assert notes.values.tolist() == [[1, "ann"], [2, "bob"], [3, "cy"]]
    assert second.rows("SELECT email, team FROM contract_owners") == [("b@x", "exec")]
    with pytest.raises(StoreError), store.writing() as w:
        w.append("contract_notes", {"author": "dan"})
        w.append("contract_notes", {"nonsense": 1})
    store.refresh()
    assert store.row("SELECT count(*) FROM contract_notes")[0] == 3


# -- concurrent writers -----------------------------------------------------------------------

HOLD = """
import sys, time
import pandas as pd
from pmo_data.store.versions import Store
s = Store(sys.argv[1], wait=30)
with s.writing() as w:
    w.write_version({"projects": pd.DataFrame({"project_id": ["H1"], "name": ["held"]})},
                    user="holder")
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
print("done", flush=True)
"""


def _holder(location: str, seconds: float) -> subprocess.Popen:
    """Another program (a scheduled import) writing to the store and taking its time."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, location, str(seconds)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    line = proc.stdout.readline()
    assert line.strip() == "holding", proc.stderr.read()
    return proc


def test_a_second_writer_gets_a_clear_message_when_the_first_takes_too_long(store_location):
    s = Store(store_location, wait=0.5)
    s.write_version({"projects": projects(("P1", "a", "Amber"))})
    before = state(s)
    proc = _holder(store_location, 4)
    try:
        started = time.monotonic()
        with pytest.raises(StoreBusy, match="busy.*Nothing was changed"):
            s.write_version({"projects": projects(("P2", "b", "Red"))})
        assert time.monotonic() - started < 3.5  # bounded by the wait, not the holder
        assert s.current_version() == before[0]  # reads keep working from the copy
        assert s.frame("projects")["project_id"].tolist() == ["P1"]
    finally:
        assert proc.wait(30) == 0, proc.stderr.read()
    s.refresh()
    assert s.history()["user_name"].tolist()[0] == "holder"
    assert s.frame("projects")["project_id"].tolist() == ["H1"]
    s.close()


def test_a_second_writer_waits_and_writes_on_top(store_location):
    s = Store(store_location, wait=30)
    s.write_version({"projects": projects(("P1", "a", "Amber"))})
    proc = _holder(store_location, 1.0)
    try:
        v = s.write_version({"customers": pd.DataFrame({"customer_id": ["C1"], "name": ["c"]})})
    finally:
        assert proc.wait(30) == 0, proc.stderr.read()
    assert v == 3
    assert s.history()["user_name"].tolist()[1] == "holder"
    # Nothing mixed: version 2 is exactly the holder's, version 3 adds customers on top of it.
    assert s.frame("projects", version=2)["project_id"].tolist() == ["H1"]
    assert s.frame("projects", version=3)["project_id"].tolist() == ["H1"]
    assert s.counts(version=3)["customers"] == 1 and s.counts(version=2)["customers"] == 0
    s.close()


def test_concurrent_importers_in_threads_are_serialised(store_location):
    stores = [Store(store_location, wait=30) for _ in range(3)]
    errors = []

    def importer(i: int, s: Store) -> None:
        try:
            for j in range(3):
                rows = [(f"P{i}-{j}-{k}", f"n{k}", "Red") for k in range(50)]
                s.write_version({"projects": projects(*rows)}, user=f"analyst{i}")
        except Exception as exc:  # surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=importer, args=(i, s)) for i, s in enumerate(stores)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    s = stores[0]
    s.refresh()
    h = s.history()
    assert sorted(h["version"]) == list(range(1, 10))
    for v in range(1, 10):  # every version is one importer's 50 rows, never a mix
        ids = s.frame("projects", version=v)["project_id"]
        assert len(ids) == 50 and ids.str.split("-").str[:2].str.join("-").nunique() == 1
    for x in stores:
        x.close()


def test_reads_never_wait_for_a_writer_on_a_team_store(store_location):
    if not store_location.startswith("postgresql"):
        pytest.skip("a DuckDB file writer excludes readers of the file; the copy serves them")
    s = Store(store_location, wait=0.5)
    s.write_version({"projects": projects(("P1", "a", "Amber"))})
    proc = _holder(store_location, 2)
    try:
        assert s.refresh() is False  # the holder has not committed: nothing to see yet
        assert s.current_version() == 1
    finally:
        assert proc.wait(30) == 0
    assert s.refresh() is True and s.current_version() == 2
    s.close()


def test_a_reader_of_a_busy_file_says_so_and_keeps_its_copy(store_location):
    if store_location.startswith("postgresql"):
        pytest.skip("PostgreSQL readers never wait")
    s = Store(store_location, wait=0.3)
    s.write_version({"projects": projects(("P1", "a", "Amber"))})
    proc = _holder(store_location, 3)
    try:
        with pytest.raises(StoreBusy, match="busy"):
            s.refresh()
        assert s.frame("projects")["project_id"].tolist() == ["P1"]
    finally:
        assert proc.wait(30) == 0
    assert s.refresh() is True and s.frame("projects")["project_id"].tolist() == ["H1"]
    s.close()


def _workbook(path: Path, *ids: str) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Projects"
    ws.append(["Project ID", "Project Name", "RAG"])
    for i in ids:
        ws.append([i, f"Project {i}", "Amber"])
    wb.save(path)
    return path


def _cli(*args: str, timeout: str = "30") -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ, PMO_LOCK_TIMEOUT=timeout)
    return subprocess.run(
        [sys.executable, "-m", "pmo_data", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_two_cli_imports_at_once_one_gets_a_clear_message(store_location, tmp_path):
    book = _workbook(tmp_path / "projects.xlsx", "C1", "C2")
    proc = _holder(store_location, 20)  # a scheduled import, still writing
    try:
        busy = _cli("import", str(book), "--db", store_location, "--mode", "merge", timeout="1")
    finally:
        assert proc.wait(30) == 0, proc.stderr.read()
    assert busy.returncode == 2  # a store problem, as the CLI's exit codes say
    message = busy.stderr.strip()
    assert "busy" in message and "Nothing was changed" in message, message
    assert "Traceback" not in message and str(tmp_path.parent) not in message
    assert len(message.splitlines()) == 1
    s = Store(store_location)
    assert s.current_version() == 1 and s.frame("projects")["project_id"].tolist() == ["H1"]
    s.close()
    done = _cli("import", str(book), "--db", store_location, "--mode", "merge")
    assert done.returncode == 0, done.stderr
    history = _cli("history", "--db", store_location, "--json")
    assert history.returncode == 0, history.stderr
    listed = json.loads(history.stdout)
    assert listed["current"] == 2 and [v["version"] for v in listed["versions"]] == [2, 1]
