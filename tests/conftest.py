"""Shared fixtures: an in-memory store, a temporary store path, and the real sample files."""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest

from pmo_data.store.versions import Store

ROOT = Path(__file__).resolve().parents[1]

REAL = ROOT.parent / "shared" / "samples" / "real"
CORPUS = ROOT / "tests" / "data" / "real"


def real_dirs() -> list[Path]:
    """Where real exports are looked for: the committed corpus, ../shared/samples/real, then
    any folders in PMO_REAL_DIRS (os.pathsep-separated; for checkouts elsewhere)."""
    extra = [Path(p) for p in os.environ.get("PMO_REAL_DIRS", "").split(os.pathsep) if p]
    return [CORPUS, REAL, *extra]


def real_file(name: str) -> Path:
    """A real export by name from `real_dirs()`, or skip the test when it is not there."""
    for folder in real_dirs():
        path = folder / name
        if path.exists():
            return path
    pytest.skip(f"real sample {name} not available")


@pytest.fixture
def store():
    """An empty in-memory store."""
    s = Store(":memory:")
    yield s
    s.close()


@pytest.fixture
def tmp_db(tmp_path) -> Path:
    """A path for a store file that does not exist yet."""
    return tmp_path / "pmo.duckdb"


@pytest.fixture
def make_xlsx():
    """Build workbook bytes from {sheet name: [header row, data rows...]}."""

    def build(sheets: dict[str, list[list]]) -> bytes:
        wb = openpyxl.Workbook()
        wb.remove(wb.active)
        for name, rows in sheets.items():
            ws = wb.create_sheet(name)
            for row in rows:
                ws.append(row)
        buf = io.BytesIO()
        wb.save(buf)
        return buf.getvalue()

    return build


@pytest.fixture(scope="session")
def pg_cluster():
    """A throwaway PostgreSQL cluster for the session: initdb in a temp dir (as the postgres
    user when root), a free port, stopped and removed at the end. Skipped where Debian's
    postgresql is not installed, except in CI (CI=true), where that is a failure."""
    from tests.pg_cluster import Cluster, pg_bin

    if pg_bin() is None:
        message = "PostgreSQL is not installed (apt-get install postgresql)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    cluster = Cluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture(params=["duckdb", "postgresql"])
def store_location(request, tmp_path) -> str:
    """A new, empty store location on each backend: a DuckDB file, a PostgreSQL database."""
    if request.param == "duckdb":
        return str(tmp_path / "pmo.duckdb")
    return request.getfixturevalue("pg_cluster").create_schema()


@pytest.fixture
def demo_store(tmp_path):
    """A store of its own holding the demo at a fifth of its size, closed afterwards."""
    from pmo_data.demo.generate import load_demo

    s = Store(tmp_path / "pmo.duckdb")
    load_demo(s, scale=0.2)
    yield s
    s.close()
