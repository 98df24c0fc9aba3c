"""The versioned store: atomic imports, history, diff, rollback, documents."""

import pandas as pd
import pytest

from pmo_data.store.versions import Store, StoreError


def projects(*rows):
    return pd.DataFrame(rows, columns=["project_id", "name", "rag"])


@pytest.fixture
def store():
    s = Store(":memory:")
    yield s
    s.close()


def test_import_replaces_only_its_entities(store):
    store.write_version({"projects": projects(("P1", "a", "Red"), ("P2", "b", "Green"))})
    fb = pd.DataFrame({"response_id": ["R1"], "date": pd.to_datetime(["2025-01-01"])})
    store.write_version({"feedback": fb})
    assert store.counts()["projects"] == 2 and store.counts()["feedback"] == 1
    assert store.current_version() == 2 and store.previous_version() == 1


def test_failed_write_changes_nothing(store):
    store.write_version({"projects": projects(("P1", "a", "Red"))})
    bad = {"projects": projects(("P9", "z", "Red")), "customers": pd.DataFrame({"bogus": [1]})}
    with pytest.raises(StoreError):
        store.write_version(bad)
    assert store.current_version() == 1
    assert store.frame("projects")["project_id"].tolist() == ["P1"]
    assert len(store.history()) == 1


def test_failure_mid_transaction_rolls_back(store, monkeypatch):
    store.write_version({"projects": projects(("P1", "a", "Red"))})
    original = Store._write

    def crash(self, con, tables, *args):
        original(self, con, tables, *args)
        raise RuntimeError("power cut")

    monkeypatch.setattr(Store, "_write", crash)
    with pytest.raises(RuntimeError):
        store.write_version({"projects": projects(("P2", "b", "Green"))})
    monkeypatch.setattr(Store, "_write", original)
    assert store.current_version() == 1
    assert store.frame("projects")["project_id"].tolist() == ["P1"]


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


def test_rollback_is_a_new_version_and_loses_nothing(store):
    store.write_version({"projects": projects(("P1", "a", "Amber"))})
    store.write_version({"projects": projects(("P1", "a", "Red"))})
    v = store.rollback(1)
    assert v == 3
    assert store.frame("projects")["rag"].tolist() == ["Amber"]
    assert store.frame("projects", version=2)["rag"].tolist() == ["Red"]
    assert store.history()["action"].tolist() == ["rollback", "import", "import"]
    with pytest.raises(StoreError, match="does not exist"):
        store.rollback(42)


def test_clear_empties_and_can_be_undone(store):
    store.write_version({"projects": projects(("P1", "a", "Amber"))})
    store.clear()
    assert store.is_empty()
    store.rollback(1)
    assert store.counts()["projects"] == 1


def test_documents_keep_history(store):
    store.save_document("weight_profile", "default", {"customer": 0.3}, author="ann")
    store.save_document("weight_profile", "default", {"customer": 0.4}, author="bob")
    assert store.latest_document("weight_profile", "default") == {"customer": 0.4}
    assert len(store.documents("weight_profile", latest_only=False)) == 2
    assert store.latest_document("weight_profile", "missing") is None


def test_store_file_survives_reopen(tmp_path):
    path = tmp_path / "pmo.duckdb"
    s = Store(path)
    s.write_version({"projects": projects(("P1", "a", "Amber"))})
    s.close()
    s2 = Store(path)
    assert s2.current_version() == 1 and s2.counts()["projects"] == 1
    s2.close()


def test_currency_is_validated(store):
    assert store.currency == "GBP"
    store.set_currency("eur")
    assert store.currency == "EUR"
    with pytest.raises(StoreError):
        store.set_currency("euros")
