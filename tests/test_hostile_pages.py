"""A store full of hostile text renders as text on every page for every group, and every
download button on every page gives formula-free files (AppTest; the same in Chromium is in
tests/e2e/test_hostile_browser.py)."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from streamlit.elements.widgets import button as st_button

from pmo_data.exports import is_formula_like
from pmo_data.store import scope
from pmo_data.store.access import GROUPS, PERSON_COLUMN
from pmo_data.ui.navigation import PAGE_NAMES
from tests.apptest_support import LAZY, app, open_section, plain, section_labels, shown_strings
from tests.hostile import (
    FORMULA_PAYLOADS,
    PAYLOADS,
    chart_injections,
    hostile,
    hostile_store,
    markdown_injections,
    markdown_texts,
    workbook_formulas,
)


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("hostile") / "pmo.duckdb")
    store = hostile_store(path)
    people = {g: (scope.people(store, g) or [None])[0] for g in GROUPS}
    projects = store.frame("projects")
    store.close()
    return path, people, projects


@pytest.fixture
def downloads(monkeypatch):
    """Every download button's file (built on click or up front), as the app hands it over."""
    got: list[tuple[str, object]] = []
    original = st_button.marshall_file

    def record(coordinates, data, proto, mimetype, file_name=None, **kw):
        got.append((file_name or "", data))
        return original(coordinates, data, proto, mimetype, file_name, **kw)

    monkeypatch.setattr(st_button, "marshall_file", record)
    return got


def _bytes(data) -> bytes:
    data = data() if callable(data) else data
    if hasattr(data, "read"):
        data = data.read()
    return data.encode() if isinstance(data, str) else bytes(data)


def _check_downloads(got) -> None:
    for name, data in got:
        raw = _bytes(data)
        if name.endswith(".xlsx"):
            assert workbook_formulas(raw) == [], name
        elif name.endswith(".csv"):
            rows = csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
            assert [v for r in rows for v in r if is_formula_like(v)] == [], name


def _check_page(at, where: str) -> None:
    assert not at.exception, (where, [e.value for e in at.exception])
    bad = {t[:80]: markdown_injections(t) for t in markdown_texts(at) if markdown_injections(t)}
    assert bad == {}, where
    assert chart_injections(at) == [], where


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_page_renders_hostile_text_as_text(monkeypatch, hostile_db, downloads, group):
    db, people, _ = hostile_db
    person = people[group] if group in PERSON_COLUMN else None
    seen = set()
    for page in PAGE_NAMES:
        at = app(monkeypatch, db, group, person).switch_page(f"views/{page}.py").run()
        _check_page(at, f"{group} / {page}")
        seen |= {plain(t) for t in markdown_texts(at)} | shown_strings(at)
    # not vacuous: the payloads are in the store and reached this group's pages as text
    shown = " ".join(seen)
    assert sum(p.split()[0] in shown for p in PAYLOADS) >= 5, group
    _check_downloads(downloads)
    if group in ("executive", "pmo_analyst"):
        names = [n for n, _ in downloads]
        assert "portfolio.xlsx" in names and "pmo-value-hub-template.xlsx" in names


@pytest.mark.parametrize("group", ["executive", "account_lead"])
def test_every_closer_look_renders_hostile_text_as_text(monkeypatch, hostile_db, downloads, group):
    """The sections computed only when opened (tabs and closed rows), each opened in turn."""
    db, people, _ = hostile_db
    person = people[group] if group in PERSON_COLUMN else None
    opened = 0
    for page, key, labels in LAZY:
        at = app(monkeypatch, db, group, person).switch_page(f"views/{page}.py").run()
        _check_page(at, f"{group} / {page}")
        for label in (x for x in labels if x in section_labels(at, key)):
            open_section(at, key, label)
            _check_page(at, f"{group} / {page} / {label}")
            opened += 1
    assert opened >= 20, opened  # not vacuous: the sections were there to open
    _check_downloads(downloads)


def test_project_detail_with_hostile_fields(monkeypatch, hostile_db):
    db, _, projects = hostile_db
    target = projects.sort_values("project_id").iloc[0]
    at = app(monkeypatch, db, "executive", project=target["project_id"])
    at.switch_page("views/portfolio.py").run()
    _check_page(at, "project detail")
    heads = [" ".join(plain(h.value).split()) for h in at.subheader]
    want = f"{target['name']} ({target['project_id']})"
    assert " ".join(want.split()) in heads  # shown, as text (line breaks and tabs as spaces)


def test_project_link_echo_is_text(monkeypatch, hostile_db):
    db, _, _ = hostile_db
    link = "[Session expired: sign in again](http://127.0.0.1:9/x) ![b](http://127.0.0.1:9/x.png)"
    at = app(monkeypatch, db, "executive", project=link)
    at.switch_page("views/portfolio.py").run()
    _check_page(at, "project link")
    assert any(link in plain(w.value) for w in at.warning)


def test_hostile_upload_report_is_formula_free(monkeypatch, tmp_path, downloads):
    rows = [["project_id", "name", "budget", "sponsor"]]
    rows += [[hostile(f"P-{i}"), p, "not money", p] for i, p in enumerate(PAYLOADS)]
    buf = io.StringIO()
    csv.writer(buf).writerows(rows)
    at = app(monkeypatch, str(tmp_path / "u.duckdb"), no_demo=True)
    at.switch_page("views/data.py").run()
    at.file_uploader(key="upload").set_value(("projects.csv", buf.getvalue().encode(), "text/csv"))
    at.run()
    _check_page(at, "data upload")
    reports = [d for n, d in downloads if n == "import-report.xlsx"]
    assert reports
    raw = _bytes(reports[-1])
    assert workbook_formulas(raw) == []
    book = openpyxl.load_workbook(io.BytesIO(raw))
    values = {c.value for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert FORMULA_PAYLOADS[0] in values  # the hostile cell is copied into the report, as text
