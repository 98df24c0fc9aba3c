"""The CLI's import modes: the proposal by default, `--mode`, `--dry-run` and `validate` show
the effect, and the five-rows-over-the-portfolio replacement needs `--allow-removals`."""

import json

import pytest

from pmo_data.cli import main
from pmo_data.demo.generate import load_demo
from pmo_data.store.versions import Store

FIVE = [["Project ID", "Project Name", "RAG"]] + [
    [f"NEW-{i}", f"New project {i}", "Amber"] for i in range(1, 6)
]


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def demo(tmp_db):
    s = Store(tmp_db)
    load_demo(s, scale=0.2)
    n, v = s.counts()["projects"], s.current_version()
    s.close()
    return tmp_db, n, v


@pytest.fixture
def five(tmp_path, make_xlsx):
    path = tmp_path / "five.xlsx"
    path.write_bytes(make_xlsx({"Projects": FIVE}))
    return path


def state(db):
    s = Store(db)
    try:
        return s.current_version(), s.counts()["projects"], s.history().iloc[0]["note"]
    finally:
        s.close()


def test_replacing_the_portfolio_with_five_rows_needs_allow_removals(demo, five, capsys):
    db, n, v = demo
    code, out, err = run(["import", five, "--db", db, "--mode", "replace"], capsys)
    assert code == 1 and state(db)[:2] == (v, n)
    assert f"removes {n:,} of the {n:,} projects stored (100%)" in err
    assert "--allow-removals" in err and "store unchanged" in err
    assert f"NEEDS CONFIRMATION: removes {n:,} of the {n:,}" in out  # the effect, printed
    code, out, _ = run(
        ["import", five, "--db", db, "--mode", "replace", "--allow-removals"], capsys
    )
    assert code == 0 and "projects 5 (replace: +5 ~0 -" in out
    version, count, note = state(db)
    assert (version, count) == (v + 1, 5) and f"Confirmed: projects: removes {n:,}" in note


def test_the_proposal_is_the_default(demo, five, capsys):
    db, n, v = demo
    code, out, _ = run(["import", five, "--db", db], capsys)
    assert code == 0 and "projects: merge (proposed)" in out
    assert f"why merge: the file holds 0 of the {n:,} projects stored" in out
    assert state(db)[:2] == (v + 1, n + 5)


def test_dry_run_and_validate_show_the_effect_and_write_nothing(demo, five, capsys):
    db, n, v = demo
    code, out, _ = run(["import", five, "--db", db, "--dry-run"], capsys)
    assert code == 0 and "dry run: nothing was written" in out
    assert f"effect against store version {v}:" in out
    assert "+5 added, 0 changed, 0 removed" in out and "added: NEW-1 'New project 1'" in out
    code, out, _ = run(
        ["import", five, "--db", db, "--dry-run", "--json", "--mode", "replace"], capsys
    )
    d = json.loads(out)["effect"]
    p = d["entities"]["projects"]
    assert (p["mode"], p["proposed"], p["removed"], p["after"]) == ("replace", "merge", n, 5)
    assert d["needs_confirmation"] and d["base_version"] == v
    code, out, _ = run(["validate", five, "--db", db], capsys)
    assert code == 0 and "projects: merge (proposed)" in out
    assert state(db)[:2] == (v, n)


def test_modes_per_entity_and_bad_modes(demo, five, capsys):
    db, n, v = demo
    code, out, _ = run(["import", five, "--db", db, "--mode", "projects=append"], capsys)
    assert code == 0 and "projects: append (proposed: merge)" in out
    assert state(db)[1] == n + 5
    code, _, err = run(["import", five, "--db", db, "--mode", "overwrite"], capsys)
    assert code == 2 and "expected one of replace, merge, append" in err
    code, _, err = run(["import", five, "--db", db, "--mode", "plans=merge"], capsys)
    assert code == 2 and "ENTITY one of projects" in err
