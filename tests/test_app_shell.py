"""AppTest over the whole app: every page for every stakeholder group, on the demo store and
on an empty store; the upload flow; a bad file; query params round-trip.

Each store state gets its own PMO_DB path because the store is cached per path per process.
"""

from __future__ import annotations

import io

import pytest
from streamlit.testing.v1 import AppTest

from pmo_data.demo.generate import load_demo
from pmo_data.store.access import GROUPS
from pmo_data.store.versions import Store
from pmo_data.ui.navigation import PAGE_NAMES
from tests.apptest_support import app as open_app
from tests.apptest_support import plain

pytestmark = pytest.mark.app


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "pmo.duckdb"
    store = Store(path)
    load_demo(store, scale=0.2)
    store.close()
    return str(path)


@pytest.fixture(scope="module")
def empty_db(tmp_path_factory):
    return str(tmp_path_factory.mktemp("empty") / "pmo.duckdb")


def app(monkeypatch, db: str, group: str = "executive", no_demo: bool = False) -> AppTest:
    return open_app(monkeypatch, db, group, no_demo=no_demo)


def errors(at: AppTest) -> list[str]:
    return [e.value for e in at.exception]


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_page_renders_on_demo_data(monkeypatch, demo_db, group):
    at = app(monkeypatch, demo_db, group)
    at.run()
    assert not at.exception, errors(at)
    for page in PAGE_NAMES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, group, errors(at))
        assert at.title, f"{page} has no title for {group}"


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_page_renders_on_an_empty_store(monkeypatch, empty_db, group):
    at = app(monkeypatch, empty_db, group, no_demo=True)
    at.run()
    assert "store is empty" in " ".join(c.value for c in at.caption)
    for page in PAGE_NAMES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, group, errors(at))


def test_query_params_round_trip(monkeypatch, demo_db):
    at = app(monkeypatch, demo_db, "service_owner")
    at.run()
    assert at.selectbox(key="sb_group").value == "service_owner"
    person = at.selectbox(key="sb_person").value
    assert person and at.query_params["person"] in (person, [person])
    # Opening that link in a new session restores the same view.
    again = app(monkeypatch, demo_db, "service_owner")
    again.query_params["person"] = person
    again.run()
    assert again.selectbox(key="sb_person").value == person


def _workbook(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Projects"
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_upload_imports_and_history_grows(monkeypatch, tmp_path):
    db = str(tmp_path / "upload.duckdb")
    at = app(monkeypatch, db)
    at.switch_page("views/data.py").run()
    history_before = len(Store(db).history())
    data = _workbook(
        [
            ["Project ID", "Project name", "RAG", "Budget (£k)"],
            ["X-1", "New intake", "Amber", "120"],
            ["X-2", "Second", "G", "80"],
        ]
    )
    at.file_uploader(key="upload").set_value(("march.xlsx", data, "application/octet-stream"))
    at.run()
    assert not at.exception, errors(at)
    button = at.button(key="import_go")
    assert "Import 2 rows" in button.label
    button.click().run()
    assert not at.exception, errors(at)
    assert any("Imported version" in s.value for s in at.success)
    assert len(Store(db).history()) == history_before + 1


def test_bad_file_shows_the_error_and_changes_nothing(monkeypatch, tmp_path):
    db = str(tmp_path / "bad.duckdb")
    at = app(monkeypatch, db)
    at.switch_page("views/data.py").run()
    history_before = len(Store(db).history())
    at.file_uploader(key="upload").set_value(
        ("broken.xlsx", b"PK\x03\x04" + b"\0" * 100, "application/octet-stream")
    )
    at.run()
    assert not at.exception, errors(at)
    text = " ".join(plain(e.value) for e in at.error)
    assert "broken.xlsx" in text and "damaged" in text
    assert at.button(key="import_go").disabled
    assert len(Store(db).history()) == history_before
