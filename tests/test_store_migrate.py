"""`python -m pmo_data migrate`: a store moves to another backend with its whole history."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_data.cli import main
from pmo_data.store import access_table
from pmo_data.store.access import Grant
from pmo_data.store.versions import Store, program_viewer


def _history_story(s: Store) -> None:
    p = pd.DataFrame({"project_id": ["P1", "P2"], "name": ["a", "b"], "rag": ["Amber", "Green"]})
    s.write_version({"projects": p}, user="ann", files=[{"name": "jan.xlsx", "size": 10}])
    s.write_version({"projects": p.assign(rag=["Red", "Green"])}, user="bob")
    fb = pd.DataFrame({"response_id": ["R1"], "date": pd.to_datetime(["2025-02-01"]), "nps": [9.0]})
    s.write_version({"feedback": fb}, user="ann")
    s.rollback(2, user="cy")
    s.save_document("weight_profile", "default", {"customer": 0.4}, author="ann")
    s.set_currency("EUR")
    grants = [Grant("bo@example.org", "sponsor", "Bo"), Grant("ann@example.org", "executive")]
    access_table.save(s, grants, program_viewer("ann"), "first table")
    access_table.save(s, grants[:1], program_viewer("ann"), "ann moves on")


def _picture(s: Store) -> dict:
    s.refresh()
    h = s.history()
    return {
        "history": h[["version", "user_name", "action", "note", "files", "row_counts"]]
        .astype(str)
        .values.tolist(),
        "current": s.current_version(),
        "frames": {
            v: s.frame("projects", version=v).astype(str).values.tolist()
            for v in h["version"].tolist()
        },
        "feedback": s.frame("feedback", version=3).astype(str).values.tolist(),
        "docs": s.documents("weight_profile", latest_only=False)["payload"].tolist(),
        "currency": s.currency,
        "diff": {k: d.summary for k, d in s.diff(1, 3).items()},
        "access": [s.access_version(), s.access_grants(1), s.access_grants()],
        "audit": s.audit_log().drop(columns="logged_at").astype(str).values.tolist(),
    }


@pytest.fixture
def postgres_location(pg_cluster) -> str:
    return pg_cluster.create_schema()


def test_file_to_team_store_keeps_the_whole_history(tmp_path, postgres_location, capsys):
    src = tmp_path / "pmo.duckdb"
    s = Store(src)
    _history_story(s)
    before = _picture(s)
    s.close()
    assert main(["migrate", "--from", str(src), "--to", postgres_location]) == 0
    assert "migrated 4 versions" in capsys.readouterr().out
    team = Store(postgres_location)
    assert _picture(team) == before
    # ...and it goes on as a store: new versions number on from the copied ones.
    assert team.write_version({"customers": pd.DataFrame({"customer_id": ["C1"]})}) == 5
    team.close()


def test_migrating_into_a_store_with_data_changes_nothing(tmp_path, postgres_location, capsys):
    src = tmp_path / "pmo.duckdb"
    s = Store(src)
    _history_story(s)
    s.close()
    team = Store(postgres_location)
    team.write_version({"projects": pd.DataFrame({"project_id": ["X"], "name": ["x"]})})
    assert main(["migrate", "--from", str(src), "--to", postgres_location]) == 2
    assert "already holds data" in capsys.readouterr().err
    team.refresh()
    assert team.current_version() == 1 and len(team.history()) == 1
    team.close()


def test_team_store_back_to_a_file(tmp_path, postgres_location):
    team = Store(postgres_location)
    _history_story(team)
    before = _picture(team)
    team.close()
    dst = tmp_path / "copy.duckdb"
    assert main(["migrate", "--from", postgres_location, "--to", str(dst)]) == 0
    back = Store(dst)
    assert _picture(back) == before
    back.close()
