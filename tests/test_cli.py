"""`python -m pmo_data`: each command, exit codes, and one-line errors (never a traceback)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from pmo_data.cli import main
from pmo_data.store.versions import Store

ROOT = Path(__file__).resolve().parents[1]
GOOD = [["Project ID", "Project Name", "RAG"], ["P1", "Alpha", "Red"], ["P2", "Beta", "Green"]]
BAD = GOOD + [["P3", None, "Amber"]]


@pytest.fixture
def files(tmp_path, make_xlsx):
    def write(name, rows, sheet="Projects"):
        path = tmp_path / name
        path.write_bytes(make_xlsx({sheet: rows}))
        return str(path)

    return write


def run(argv, capsys):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_import_history_diff_rollback(files, tmp_db, capsys):
    code, out, err = run(["import", files("a.xlsx", GOOD), "--db", tmp_db], capsys)
    assert code == 0 and "imported as version 1" in out and err == ""
    changed = [GOOD[0], ["P1", "Alpha", "Amber"], ["P3", "Gamma", "Green"]]
    argv = ["import", files("b.xlsx", changed), "--db", tmp_db, "--json", "--mode", "replace"]
    code, out, _ = run(argv + ["--allow-removals"], capsys)  # removes P2: half the projects
    assert code == 0 and json.loads(out)["version"] == 2
    code, out, _ = run(["history", "--db", tmp_db, "--json"], capsys)
    hist = json.loads(out)
    assert hist["current"] == 2 and [v["version"] for v in hist["versions"]] == [2, 1]
    code, out, _ = run(["diff", "1", "2", "--db", tmp_db, "--json"], capsys)
    p = json.loads(out)["entities"]["projects"]
    assert (p["added"], p["removed"], p["changed"]) == (1, 1, 1)
    code, out, _ = run(["diff", "1", "2", "--db", tmp_db], capsys)
    assert "projects" in out and "+1 added" in out
    code, out, _ = run(["rollback", "1", "--db", tmp_db], capsys)
    assert code == 0 and "now version 3" in out
    code, out, _ = run(["history", "--db", tmp_db], capsys)
    assert out.splitlines()[0].startswith("*   3") and "a.xlsx" in out
    s = Store(tmp_db)
    assert sorted(s.frame("projects")["project_id"]) == ["P1", "P2"]
    s.close()


def test_import_with_errors_is_refused_unless_accepted(files, tmp_db, capsys):
    path = files("bad.xlsx", BAD)
    code, out, err = run(["import", path, "--db", tmp_db], capsys)
    assert code == 1 and "row 4" in out
    assert err.startswith("error: import refused, store unchanged") and err.count("\n") == 1
    code, out, _ = run(["import", path, "--db", tmp_db, "--accept-rejected"], capsys)
    assert code == 0 and "projects 2" in out


def test_validate_exit_code_json_and_excel_report(files, tmp_path, tmp_db, capsys):
    report = tmp_path / "report.xlsx"
    argv = ["validate", files("bad.xlsx", BAD), "--db", tmp_db, "--json", "--report", report]
    code, out, _ = run(argv, capsys)
    assert code == 1 and report.exists()
    d = json.loads(out)
    assert d["counts"]["error"] == 1 and d["issues"][0]["row"] == 4
    assert not Path(tmp_db).exists(), "validate never creates a store"
    code, _, _ = run(["validate", files("good.xlsx", GOOD)], capsys)
    assert code == 0


def test_force_entity(files, tmp_db, capsys):
    path = files("orgs.xlsx", [["Name", "Region"], ["Acme", "North"]], sheet="Sheet1")
    code, out, _ = run(["import", path, "--db", tmp_db, "--as", "customers"], capsys)
    assert code == 0 and "customers 1" in out


@pytest.mark.parametrize(
    "argv, needle",
    [
        (["import", "missing.xlsx"], "missing.xlsx"),
        (["history"], "no store"),
        (["rollback", "7"], "no store"),
    ],
)
def test_errors_are_one_line(argv, needle, tmp_path, tmp_db, capsys):
    if argv[0] == "import":
        argv = ["import", str(tmp_path / argv[1])]
    code, out, err = run(argv + ["--db", tmp_db], capsys)
    assert code == 2 and needle in err and err.count("\n") == 1 and "Traceback" not in err


def test_unknown_version_is_a_clear_error(files, tmp_db, capsys):
    run(["import", files("a.xlsx", GOOD), "--db", tmp_db], capsys)
    code, _, err = run(["rollback", "99", "--db", tmp_db], capsys)
    assert code == 2 and "version 99 does not exist" in err


def test_template(tmp_path, capsys):
    out = tmp_path / "template.xlsx"
    code, text, _ = run(["template", out], capsys)
    assert code == 0 and out.exists() and "template written" in text


def test_demo(tmp_db, capsys):
    pytest.importorskip("pmo_data.demo.generate", reason="demo.py not landed yet")
    code, out, err = run(["demo", "--db", tmp_db, "--scale", "0.05"], capsys)
    assert code == 0, err
    s = Store(tmp_db)
    assert s.counts()["projects"] > 0
    s.close()


def test_module_entry_point_without_traceback(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pmo_data",
            "import",
            str(tmp_path / "nope.csv"),
            "--db",
            str(tmp_path / "x.duckdb"),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "nope.csv" in proc.stderr
