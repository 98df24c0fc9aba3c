"""Issue 15 end to end, on a DuckDB file and on PostgreSQL: two app servers serve one store
while a scheduled `python -m pmo_data import` and `history` run beside them; every open session
shows the new version in the sidebar on its next rerun, with no traceback or server path."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from contextlib import ExitStack

import pytest
from openpyxl import Workbook

from tests.e2e.conftest import ROOT, exceptions, serve, shown, wait_for_app

pytestmark = pytest.mark.e2e


@pytest.fixture(params=["duckdb", "postgresql"])
def location(request, tmp_path) -> str:
    if request.param == "duckdb":
        return str(tmp_path / "pmo.duckdb")
    return request.getfixturevalue("pg_cluster").create_schema("e2e")


def _version(page) -> int:
    text = page.get_by_test_id("stSidebar").inner_text()
    return int(text.split("Store version")[1].split()[0])


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pmo_data", *args],
        cwd=ROOT,
        env=dict(os.environ, PMO_LOCK_TIMEOUT="60"),
        capture_output=True,
        text=True,
        timeout=300,
    )


def _rerun(page) -> None:
    """A rerun of the open session (Streamlit's 'R' shortcut), not a new session."""
    page.locator("h1").first.click()
    page.keyboard.press("r")
    page.wait_for_timeout(1500)
    wait_for_app(page)


def test_two_servers_and_a_scheduled_import_share_one_store(location, browser, tmp_path):
    book = tmp_path / "projects.xlsx"
    wb = Workbook()
    ws = wb.active
    ws.title = "Projects"
    ws.append(["Project ID", "Project Name", "RAG"])
    for i in range(1, 4):
        ws.append([f"TEAM-{i}", f"Team project {i}", "Green"])
    wb.save(book)
    with ExitStack() as stack:
        first = stack.enter_context(serve(location, log=tmp_path / "server1.log"))
        second = stack.enter_context(serve(location, log=tmp_path / "server2.log"))
        pages = []
        for url in (first, second):
            ctx = browser.new_context(viewport={"width": 1280, "height": 800})
            stack.callback(ctx.close)
            page = ctx.new_page()
            page.goto(url, timeout=180_000)
            wait_for_app(page, timeout=180_000)
            pages.append(page)
        before = [_version(p) for p in pages]
        assert before[0] == before[1] >= 1  # one demo load, whichever server started first

        done = _cli("import", str(book), "--db", location, "--mode", "merge")
        assert done.returncode == 0, done.stderr
        history = _cli("history", "--db", location, "--json")
        assert history.returncode == 0, history.stderr
        assert json.loads(history.stdout)["current"] == before[0] + 1

        for page in pages:
            _rerun(page)
            assert _version(page) == before[0] + 1
            text = shown(page)
            assert exceptions(page) == []
            assert "Traceback" not in text and str(tmp_path) not in text
