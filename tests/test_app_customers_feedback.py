"""AppTest of the Feedback and Customers pages for every stakeholder group, on the demo store
and an empty store; an account lead never sees another lead's customers."""

from __future__ import annotations

import pytest

from pmo_data.demo.generate import load_demo
from pmo_data.store.access import GROUPS
from pmo_data.store.versions import Store
from tests.apptest_support import app, shown_strings

pytestmark = pytest.mark.app
PAGES = ("feedback", "customers")


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("fbdemo") / "pmo.duckdb"
    store = Store(path)
    load_demo(store, scale=0.2)
    leads = store.frame("customers")[["name", "account_lead"]]
    store.close()
    return str(path), leads


@pytest.mark.parametrize("group", list(GROUPS))
def test_pages_render_on_demo(monkeypatch, demo_db, group):
    at = app(monkeypatch, demo_db[0], group)
    at.run()
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, group, [e.value for e in at.exception])
        assert at.title[0].value == page.capitalize()


@pytest.mark.parametrize("group", list(GROUPS))
def test_pages_render_on_empty_store(monkeypatch, tmp_path_factory, group):
    db = str(tmp_path_factory.mktemp(f"fbempty_{group}") / "pmo.duckdb")
    at = app(monkeypatch, db, group, no_demo=True)
    at.run()
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, group, [e.value for e in at.exception])
        assert any("no " in i.value.lower() for i in at.info)


def test_account_lead_sees_only_their_customers(monkeypatch, demo_db):
    db, leads = demo_db
    lead = leads["account_lead"].value_counts().index[0]
    mine = set(leads.loc[leads["account_lead"] == lead, "name"])
    others = set(leads["name"]) - mine
    at = app(monkeypatch, db, "account_lead", person=lead)
    at.run()
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception
        shown = shown_strings(at)
        assert shown & mine, f"{page}: none of {lead}'s customers shown"
        assert not shown & others, f"{page} leaks {sorted(shown & others)[:5]}"


def test_feedback_page_numbers_carry_n(monkeypatch, demo_db):
    at = app(monkeypatch, demo_db[0], "executive")
    at.run()
    at.switch_page("views/feedback.py").run()
    assert "n=" in " ".join(c.value for c in at.caption)
    labels = [m.label for m in at.metric]
    # every rate says its window (here no date filter: all time)
    assert "NPS (all time)" in labels and "CSAT (all time)" in labels
