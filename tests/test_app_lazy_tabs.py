"""Sections computed only when opened (`ui.lazy_tabs`, `ui.lazy_sections`): each one opens and
renders for every group, a closed row draws nothing until chosen, and an account lead's
hidden lists hold only their customers."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_data.analytics.savings.estimators import ESTIMATORS
from pmo_data.demo.generate import load_demo
from pmo_data.store.access import GROUPS
from pmo_data.store.versions import Store
from tests.apptest_support import LAZY, app, open_section, section_labels, shown_strings

pytestmark = pytest.mark.app


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("lazy") / "pmo.duckdb"
    store = Store(path)
    load_demo(store, scale=0.2)
    leads = store.frame("customers")[["name", "account_lead"]]
    store.close()
    return str(path), leads


def open_each(at, key: str, labels: tuple[str, ...]):
    """Open each of the lazy sections `key` in turn; yields the label after each run."""
    shown = section_labels(at, key)
    if labels[0] not in shown:  # a view with nothing to break down shows no such tabs
        return
    assert set(labels) <= set(shown), (key, shown)
    for label in labels:
        open_section(at, key, label)
        assert not at.exception, (key, label, [e.value for e in at.exception])
        yield label


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_lazy_tab_opens_for_every_group(monkeypatch, demo_db, group):
    at = app(monkeypatch, demo_db[0], group).run()
    for page, key, labels in LAZY:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, [e.value for e in at.exception])
        opened = list(open_each(at, key, labels))
        if page != "savings":  # every group has projects, customers, feedback and services
            assert len(opened) == len(labels), (page, opened)


def test_account_lead_lists_hold_only_their_customers(monkeypatch, demo_db):
    db, leads = demo_db
    lead = leads["account_lead"].value_counts().index[0]
    mine = set(leads.loc[leads["account_lead"] == lead, "name"])
    others = set(leads["name"]) - mine
    at = app(monkeypatch, db, "account_lead", person=lead).run()
    at.switch_page("views/customers.py").run()
    seen = set()
    key, labels = "cu_lists", next(labels for _, k, labels in LAZY if k == "cu_lists")
    for label in open_each(at, key, labels):
        shown = shown_strings(at)
        assert not shown & others, f"{label} leaks {sorted(shown & others)[:5]}"
        seen |= shown & mine
    assert seen, "the lists showed none of the lead's own customers"


def test_a_hidden_tab_is_not_computed(monkeypatch, demo_db):
    at = app(monkeypatch, demo_db[0], "executive").run()
    at.switch_page("views/customers.py").run()
    assert "cu_all_search" not in {w.key for w in at.text_input}  # the last tab is closed
    at.session_state["cu_lists"] = "Every customer: health and why"
    at.run()
    assert "cu_all_search" in {w.key for w in at.text_input}


def test_a_closed_row_draws_nothing_until_chosen(monkeypatch, demo_db):
    at = app(monkeypatch, demo_db[0], "executive").run()
    at.switch_page("views/services.py").run()
    assert "Satisfaction per service" in section_labels(at, "se_closer")
    assert at.session_state["se_closer"] is None
    before = len(at.get("plotly_chart"))
    open_section(at, "se_closer", "Satisfaction per service")
    assert not at.exception
    assert len(at.get("plotly_chart")) == before + 1  # the chosen section's chart, drawn now


# (page, sections' key, the section holding the widget, another section, widget kind, widget
# key, a value to set): the value survives opening the other section and coming back
KEPT_CASES = [
    (
        "services",
        "se_closer",
        "Demand per month",
        "Gaps in the menu",
        "radio",
        "sv_measure",
        "actions_raised",
    ),
    (
        "customers",
        "cu_lists",
        "Every customer: health and why",
        "Customer map",
        "text_input",
        "cu_all_search",
        "north",
    ),
    (
        "customers",
        "cu_lists",
        "Every customer: health and why",
        "Contact overdue",
        "multiselect",
        "cu_tiers",
        ["Key"],
    ),
    (
        "customers",
        "cu_lists",
        "Contact overdue",
        "Customers at risk",
        "selectbox",
        "cu_late_size",
        100,
    ),
    (
        "customers",
        "cu_lists",
        "Every customer: health and why",
        "Customer map",
        "number_input",
        "cu_all_page",
        2,
    ),
    (
        "feedback",
        "fb_closer",
        "Closing the loop",
        "Breakdowns",
        "slider",
        "fb_follow_days",
        45,
    ),
    (
        "prioritisation",
        "pr_closer",
        "Choosing under a budget",
        "Rank robustness",
        "number_input",
        "pr_budget",
        1_000_000.0,
    ),
    (
        "savings",
        "sv_benefits",
        "Value to each stakeholder group",
        "By customer",
        "selectbox",
        "sv_stakeholder",
        None,  # the last one offered
    ),
]


def _widget(at, kind: str, key: str):
    return next(w for w in at.get(kind) if w.key == key)


@pytest.mark.parametrize(("page", "key", "label", "other", "kind", "widget", "value"), KEPT_CASES)
def test_a_widget_in_a_closer_look_keeps_its_value(
    monkeypatch, demo_db, page, key, label, other, kind, widget, value
):
    at = app(monkeypatch, demo_db[0], "executive").run()
    at.switch_page(f"views/{page}.py").run()
    open_section(at, key, label)
    value = _widget(at, kind, widget).options[-1] if value is None else value
    assert _widget(at, kind, widget).value != value
    _widget(at, kind, widget).set_value(value).run()
    open_section(at, key, other)
    assert widget not in {w.key for w in at.get(kind)}  # not drawn: Streamlit drops its state
    open_section(at, key, label)
    assert not at.exception, [e.value for e in at.exception]
    assert _widget(at, kind, widget).value == value


def test_an_estimators_unsaved_edits_survive_opening_another(monkeypatch, demo_db):
    """An editor's edits are dropped with it; the edited rows (with a row added, its cells
    empty) are the editor's data when the estimator is opened again."""
    kinds = list(ESTIMATORS)
    first, other = (ESTIMATORS[k].label for k in kinds[:2])
    at = app(monkeypatch, demo_db[0], "pmo_analyst").run()
    at.switch_page("views/savings.py").run()
    open_section(at, "sv_estimators", first)
    rows = at.session_state[f"sv_rows_{kinds[0]}"]
    assert len(rows)
    open_section(at, "sv_estimators", other)
    edited = pd.concat(  # as typed before the other was opened: a row added, a cell changed
        [rows, pd.DataFrame({"hours_likely": [2.0]})], ignore_index=True
    )
    edited.loc[0, "hours_likely"] = 7.0
    at.session_state[f"sv_rows_{kinds[0]}"] = edited
    open_section(at, "sv_estimators", first)
    assert not at.exception, [e.value for e in at.exception]
    back = at.session_state[f"sv_rows_{kinds[0]}"]  # what the editor now returns
    assert len(back) == len(rows) + 1
    assert back["hours_likely"].iloc[0] == 7.0 and back["hours_likely"].iloc[-1] == 2.0
