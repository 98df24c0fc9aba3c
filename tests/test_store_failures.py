"""Failures that used to take the app down: a full disk at commit or checkpoint, a store that
cannot be opened. Each is reproduced for real in a child process whose file-size limit
(RLIMIT_FSIZE, with SIGXFSZ ignored) makes writes fail the way a full disk does."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from pmo_data.store import failures
from pmo_data.store.versions import Store, StoreError

ROOT = Path(__file__).resolve().parents[1]

CHILD = textwrap.dedent(
    """
    import os, resource, signal, sys
    import pandas as pd
    from pmo_data.store.versions import Store, StoreError

    path, rows, room = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    store = Store(path)
    store.write_version({"projects": pd.DataFrame({"project_id": ["A"], "name": ["kept"]})})
    reader = store.cursor()  # another user's cursor, open while the write fails
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (os.path.getsize(path) + room, -1))
    big = pd.DataFrame({"project_id": [f"P-{i}" for i in range(rows)], "name": ["x" * 50] * rows})
    try:
        store.write_version({"projects": big})
        print("MESSAGE written")
    except StoreError as exc:
        print("MESSAGE", exc)
    resource.setrlimit(resource.RLIMIT_FSIZE, (-1, -1))
    print("AFTER", store.current_version(), store.frame("projects")["name"].tolist())
    store.write_version({"projects": pd.DataFrame({"project_id": ["B"], "name": ["next"]})})
    print("NEXT", store.current_version(), store.frame("projects")["name"].tolist())
    """
)


def _run_child(tmp_path, rows: int, room: int) -> dict[str, str]:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(tmp_path / "pmo.duckdb"), str(rows), str(room)],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    return dict(line.split(" ", 1) for line in out.stdout.splitlines() if " " in line)


def test_failed_commit_reports_the_real_cause(tmp_path):
    """The WAL cannot be written at COMMIT; the ROLLBACK after it fails too ('no transaction
    is active'), and that used to be the only message anyone saw."""
    got = _run_child(tmp_path, rows=5_000, room=50_000)
    assert "disk holding the store is full" in got["MESSAGE"]
    assert "File too large" in got["MESSAGE"]
    assert "no transaction is active" not in got["MESSAGE"]
    assert str(tmp_path) not in got["MESSAGE"]  # no server paths for users
    assert got["AFTER"] == "1 ['kept']"
    assert got["NEXT"] == "2 ['next']"


def test_failed_checkpoint_reopens_the_store_instead_of_failing_forever(tmp_path):
    """A checkpoint that cannot write invalidates DuckDB's database: without reopening, every
    later query (every page, every user) raised 'database has been invalidated'."""
    got = _run_child(tmp_path, rows=100_000, room=300_000)
    assert "checkpoint" in got["MESSAGE"] and "full" in got["MESSAGE"]
    assert got["AFTER"] == "1 ['kept']"  # the previous version, readable again
    assert got["NEXT"] == "2 ['next']"  # and writable again


def test_reads_reopen_an_invalidated_database(tmp_db):
    store = Store(tmp_db)
    calls = []

    def flaky(cur):
        calls.append(1)
        if len(calls) == 1:
            raise duckdb.FatalException("database has been invalidated")
        return cur.execute("SELECT 42").fetchone()

    before = store.con
    assert store._guarded(flaky) == (42,)
    assert store.con is not before


LOCK_HOLDER = "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); time.sleep(60)"


def test_store_locked_by_another_program_says_so(tmp_db):
    Store(tmp_db).close()
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, str(tmp_db)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        with pytest.raises(StoreError) as err:
            Store(tmp_db)
    finally:
        holder.kill()
        holder.wait()
    assert "another program" in str(err.value)
    assert str(tmp_db.parent) not in str(err.value)


def test_store_in_a_read_only_folder_gets_the_permissions_hint(tmp_path):
    """Not 'close other programs': the folder cannot be written by the user running the app."""
    folder = tmp_path / "ro"
    folder.mkdir()
    code = (
        "import os, sys\n"
        "from pmo_data.store.versions import Store, StoreError\n"
        "if os.geteuid() == 0: os.setgid(65534); os.setuid(65534)\n"  # root ignores modes
        "try: Store(sys.argv[1])\n"
        "except StoreError as exc: print(exc)\n"
    )
    folder.chmod(0o555)
    tmp_path.chmod(0o755)
    try:
        out = subprocess.run(
            [sys.executable, "-c", code, str(folder / "pmo.duckdb")],
            cwd=ROOT,
            env=dict(os.environ, PYTHONPATH=str(ROOT)),
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        folder.chmod(0o755)
    if "Permission denied" not in out.stdout and "read-only" not in out.stdout:
        pytest.skip(f"could not make a read-only folder here: {out.stdout or out.stderr}")
    assert "read-only for the user running the app" in out.stdout
    assert "Close other programs" not in out.stdout


@pytest.mark.parametrize(
    "error, kind",
    [
        (OSError(28, "No space left on device"), "full"),
        (duckdb.IOException('Could not write file "/srv/a.duckdb": File too large'), "full"),
        (duckdb.IOException("Cannot open file: Read-only file system"), "read_only"),
        (
            duckdb.IOException('Could not set lock on file "/srv/a.duckdb": Conflicting lock'),
            "locked",
        ),
        (duckdb.IOException("something else"), None),
    ],
)
def test_failures_are_named_and_paths_dropped(error, kind):
    assert failures.kind(error) == kind
    assert "/srv/" not in failures.write_message(error)
    assert "/srv/" not in failures.open_message("/srv/a.duckdb", error)


def test_config_hides_tracebacks_and_the_unsafe_table_export():
    """Tracebacks (server paths, process ids) never reach users; the table toolbar's own CSV
    export (raw formulas) is off, so every download is formula-safe."""
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["disableDataExport"] is True


def test_upload_limit_matches_the_importers_own_cap():
    """The server refuses what the importer would refuse anyway, before holding it in memory."""
    import tomllib

    from pmo_data.ingest import reading

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] * 1024**2 == reading.MAX_FILE_BYTES
