"""AppTest of the Feedback and Customers pages for every stakeholder group, on the demo store
and an empty store; an account lead never sees another lead's customers."""

from __future__ import annotations

import pytest

from pmo_data.analytics import customers
from pmo_data.demo.generate import load_demo
from pmo_data.store.access import GROUPS, Viewer
from pmo_data.store.versions import Store
from tests.apptest_support import app, open_section, shown_strings

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


# each list of the Customers page: (its tab, how many rows it has, its caption's start, what
# it says when empty); the caption explains the rows, so it is there only when there are rows
LIST_TABS = [
    (
        "Customers at risk",
        lambda h: int(h["at_risk"].sum()),
        "Red health (below 50)",
        "No customer is at risk",
    ),
    (
        "Key customers (Strategic tier)",
        lambda h: int((h["tier"] == "Strategic").sum()),
        "Strategic-tier customers",
        "No Strategic-tier customers",
    ),
    (
        "Contact overdue",
        lambda h: int((h["days_overdue"] > 0).sum()),
        "Days since the last contact",
        "Every relationship in this view is within",
    ),
]


def test_customer_lists_caption_only_their_rows(monkeypatch, demo_db):
    """Every customer, then one customer who is not at risk nor Strategic but overdue: each
    list's caption comes with its rows, and an empty list says so instead."""
    db = demo_db[0]
    store = Store(db)
    try:
        h = customers.health(store, Viewer("executive"))
    finally:
        store.close()
    one = h[~h["at_risk"] & (h["tier"] != "Strategic") & (h["days_overdue"] > 0)]
    for params, rows in [
        ({}, h),
        ({"customer": str(one["customer_id"].iloc[0])}, one.head(1)),
    ]:
        sizes = [count(rows) for _, count, *_ in LIST_TABS]
        at = app(monkeypatch, db, "executive", **params).run()
        at.switch_page("views/customers.py").run()
        for (label, _, caption, none), n in zip(LIST_TABS, sizes, strict=True):
            open_section(at, "cu_lists", label)
            assert not at.exception, [e.value for e in at.exception]
            captioned = any(c.value.startswith(caption) for c in at.caption)
            said_none = any(none in x.value for x in [*at.success, *at.info])
            assert (captioned, said_none) == (n > 0, n == 0), (params, label, n)
    assert sizes == [0, 0, 1]  # the one customer: both sides were seen
