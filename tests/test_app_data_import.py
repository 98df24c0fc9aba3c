"""The Data page's import flow in AppTest: the proposed mode and its effect, the confirmation a
large removal needs, the uploader emptied after an import, and a plan made against an older
version checked again before it can apply; each also with the check in a child process (as a
large upload is)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from pmo_data.demo.generate import load_demo
from pmo_data.ingest import child_plan, importer
from pmo_data.store.versions import Store
from tests.apptest_support import app, plain

pytestmark = pytest.mark.app

FIVE = [["Project ID", "Project Name", "RAG"]] + [
    [f"NEW-{i}", f"New project {i}", "Amber"] for i in range(1, 6)
]


def _xlsx(sheet: str, rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = sheet
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture(params=["here", "child"])
def where(request, monkeypatch):
    """Where the page checks the files: in the server's thread, or in a child process."""
    if request.param == "child":
        monkeypatch.setattr(child_plan, "APART_BYTES", 0)
    return request.param


@pytest.fixture
def demo_db(tmp_path):
    path = tmp_path / "pmo.duckdb"
    s = Store(path)
    load_demo(s, scale=0.2)
    s.close()
    return str(path)


def _texts(at) -> str:
    parts = [
        w.value
        for kind in ("caption", "markdown", "warning", "info", "success", "error")
        for w in at.get(kind)
    ]
    return "\n".join(plain(str(p)) for p in parts)


def _upload(at, name: str, data: bytes, key: str = "upload"):
    at.file_uploader(key=key).set_value((name, data, "application/octet-stream"))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_five_rows_over_the_portfolio_ask_before_replacing(monkeypatch, demo_db, where):
    n = Store(demo_db).counts()["projects"]
    at = app(monkeypatch, demo_db, "pmo_analyst")
    at.switch_page("views/data.py").run()
    _upload(at, "five.xlsx", _xlsx("Projects", FIVE))
    mode = at.selectbox(key=next(k for k in _keys(at) if k.endswith("_projects")))
    assert mode.value == "merge"
    assert f"0 of the {n:,} projects stored" in _texts(at)
    summary = _effect(at).iloc[0]
    assert (summary["added"], summary["removed"], summary["after"]) == (5, 0, n + 5)
    assert not at.button(key="import_go").disabled

    mode.set_value("replace").run()
    summary = _effect(at).iloc[0]
    assert (summary["removed"], summary["after"]) == (n, 5)
    assert f"removes {n:,} of the {n:,} projects stored (100%)" in _texts(at)
    assert at.button(key="import_go").disabled  # not before the confirmation
    (box,) = [c for c in at.checkbox if c.key.startswith("confirm_removals")]
    box.check().run()
    assert not at.button(key="import_go").disabled
    at.button(key="import_go").click().run()
    assert not at.exception
    assert any("Imported version" in s.value for s in at.success)
    s = Store(demo_db)
    assert s.counts()["projects"] == 5
    note = s.history().iloc[0]["note"]
    assert f"Confirmed: projects: removes {n:,} of the {n:,}" in note
    assert f"Confirmed: projects: removes {n:,} of the {n:,}" in _texts(at)  # shown, too
    # The uploader is a new, empty widget: the next import holds only what is uploaded for it.
    assert at.file_uploader(key="upload_1").value in (None, [])
    assert "What this import will do" not in _texts(at)


def _effect(at):
    """The effect table (st.dataframe has no key in AppTest: found by its columns, whose
    labels are the vocabulary's: "After import" for `after`)."""
    return next(d.value for d in at.dataframe if "after" in d.value.columns)


def _keys(at) -> list[str]:
    return [w.key for w in at.selectbox if w.key]


def test_merge_is_the_default_and_keeps_the_rest(monkeypatch, demo_db):
    n = Store(demo_db).counts()["projects"]
    at = app(monkeypatch, demo_db, "pmo_analyst")
    at.switch_page("views/data.py").run()
    _upload(at, "five.xlsx", _xlsx("Projects", FIVE))
    at.button(key="import_go").click().run()
    assert Store(demo_db).counts()["projects"] == n + 5
    # A second upload (customers only) plans only that file.
    rows = [["Customer ID", "Customer Name"], ["C-NEW", "New customer"]]
    _upload(at, "customers.xlsx", _xlsx("Customers", rows), key="upload_1")
    assert [k for k in _keys(at) if k.startswith("mode_")] == [
        k for k in _keys(at) if k.endswith("_customers")
    ]
    assert "Import 1 rows" in at.button(key="import_go").label


def test_a_plan_is_checked_again_when_the_store_moves(monkeypatch, demo_db, make_xlsx, where):
    at = app(monkeypatch, demo_db, "pmo_analyst")
    at.switch_page("views/data.py").run()
    rows = [["Customer ID", "Customer Name"], ["C-NEW", "New customer"]]
    _upload(at, "customers.xlsx", _xlsx("Customers", rows))
    # Meanwhile another analyst replaces the projects (the CLI, another server...).
    other = Store(demo_db)
    before = other.current_version()
    data = make_xlsx({"Projects": FIVE})
    importer.import_files(
        [("bea.xlsx", data)], other, user="bea", modes="replace", allow_removals=True
    )
    at.run()
    text = _texts(at)
    assert "The data changed since you checked these files" in text
    assert f"version {before + 1} by bea" in text and "bea.xlsx" in text
    at.button(key="import_go").click().run()
    assert not at.exception
    s = Store(demo_db)
    assert s.counts()["projects"] == 5  # bea's import is kept, not reverted
    assert "C-NEW" in set(s.frame("customers")["customer_id"])


def test_page_messages_speak_to_a_web_user(monkeypatch, demo_db):
    at = app(monkeypatch, demo_db, "pmo_analyst")
    at.switch_page("views/data.py").run()
    rows = [["Colour", "Shape"], ["red", "round"]]
    _upload(at, "odd.xlsx", _xlsx("Things", rows))
    text = _texts(at) + " ".join(str(df.value.to_dict()) for df in at.dataframe)
    assert "no recognisable columns" in text
    assert "--as" not in text and "python -m" not in text
