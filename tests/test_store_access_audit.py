"""Access table and audit log on both backends (DuckDB file, PostgreSQL): each change lands
with its audit entry in one transaction, another app server sees both on its next refresh, and
a refused change leaves neither behind."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_data.store import access_table
from pmo_data.store.access import Grant, PermissionDenied, Viewer
from pmo_data.store.versions import Store, StoreError, VersionConflict


def admin() -> Viewer:
    return Viewer("pmo_analyst", identity="ann@example.org", admin=True, signed_in=True)


def sponsor() -> Viewer:
    return Viewer("sponsor", "Bo", identity="bo@example.org", signed_in=True)


@pytest.fixture
def store(store_location):
    s = Store(store_location, wait=10)
    yield s
    s.close()


@pytest.fixture
def second(store_location, store):
    s = Store(store_location, wait=10)
    yield s
    s.close()


def projects(*ids):
    return pd.DataFrame({"project_id": list(ids), "name": [f"n{i}" for i in ids]})


def test_access_versions_and_audit_entries_reach_every_server(store, second):
    grants = [Grant("bo@example.org", "sponsor", "Bo"), Grant("ann@example.org", "pmo_analyst")]
    assert access_table.save(store, grants, admin(), "first") == 1
    assert access_table.save(store, grants, admin(), "same again") == 1  # nothing differs
    assert access_table.save(store, grants[:1], admin(), "ann leaves") == 2
    second.refresh()
    assert second.access_version() == 2
    assert second.access_grants() == grants[:1]
    assert second.access_grants(1) == grants
    log = second.audit_log(action="access")
    assert log["summary"].tolist() == [
        "access version 2: 0 rows added, 1 removed (ann leaves)",
        "access version 1: 2 rows added, 0 removed (first)",
    ]
    assert set(log["actor"]) == {"ann@example.org"}


def test_every_change_has_its_entry_in_the_same_transaction(store, second):
    v1 = store.write_version({"projects": projects("P1")}, viewer=admin(), files=[{"name": "a"}])
    store.rollback(v1, viewer=admin())
    store.save_document("weight_profile", "default", {"x": 1}, viewer=admin())
    store.record_audit(admin(), "view_as", "ann viewed as bo", {"target": "bo"})
    second.refresh()
    log = second.audit_log()
    assert sorted(log["action"]) == ["import", "rollback", "view_as", "weights"]
    assert second.row("SELECT max(seq), count(*) FROM audit_log") == (4, 4)
    imported = log[log["action"] == "import"].iloc[0]
    assert imported["store_version"] == v1 and "from a" in imported["summary"]


def test_refused_changes_leave_no_entry(store):
    store.write_version({"projects": projects("P1")})
    before = len(store.audit_log())
    with pytest.raises(PermissionDenied):
        store.write_version({"projects": projects("P2")}, viewer=sponsor())
    with pytest.raises(PermissionDenied):
        access_table.save(store, [Grant("x@example.org", "executive")], sponsor())
    with pytest.raises(VersionConflict):
        store.write_version({"projects": projects("P3")}, expected_version=0)
    with pytest.raises(StoreError), store.writing() as w:  # a failure after the entry
        w.write_version({"projects": projects("P4")})
        w.insert("projects_data", pd.DataFrame({"nonsense": [1]}))
    store.refresh()
    assert len(store.audit_log()) == before and store.current_version() == 1
    assert store.access_version() == 0
