"""AppTest: the tailored Overview and the Portfolio page for every group on the demo store.

Each group sees its own metrics; a person-scoped viewer never sees another person's project
names anywhere on the page; a shared project link opens the detail, or says it is out of view.
"""

from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from pmo_data.demo.generate import load_demo
from pmo_data.store import scope as queries
from pmo_data.store.access import GROUPS, PERSON_COLUMN, Viewer
from pmo_data.store.versions import Store
from tests.apptest_support import app as open_app
from tests.apptest_support import plain

pytestmark = pytest.mark.app
EXPECTED = {
    "executive": ["Value delivered", "Red projects", "Budget aligned to strategy"],
    "sponsor": ["Projects sponsored", "Benefits planned", "Benefits realised"],
    "project_manager": ["My projects", "Due in 14 days", "Overdue actions"],
    "account_lead": ["My customers", "Contact overdue"],
    "service_owner": ["My services", "Utilisation", "CSAT (4-5 of 5)"],
    "pmo_analyst": ["Rejected rows", "Orphan references", "Key customers heard (90 days)"],
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo_ov") / "pmo.duckdb"
    store = Store(path)
    load_demo(store, scale=0.1)
    people = {g: queries.people(store, g)[0] for g in PERSON_COLUMN}
    projects = store.frame("projects")
    mine = {
        g: set(queries.frame(store, "projects", Viewer(g, p))["name"]) for g, p in people.items()
    }
    store.close()
    return str(path), people, projects, mine


def _app(monkeypatch, db, group, person=None, **params) -> AppTest:
    return open_app(monkeypatch, db, group, person, **params).run()


def _text(at: AppTest) -> str:
    """Everything a user could read: markdown, captions, alerts, metric and table cells."""
    parts = [
        plain(e.value) for e in (*at.markdown, *at.caption, *at.info, *at.warning, *at.success)
    ]
    parts += [f"{m.label} {m.value}" for m in at.metric]
    for df in at.dataframe:
        v = df.value
        v = v.data if hasattr(v, "data") else v
        parts.append(pd.DataFrame(v).to_csv())
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("group", list(GROUPS))
def test_overview_shows_the_groups_metrics(monkeypatch, demo, group):
    db, people, _, _ = demo
    at = _app(monkeypatch, db, group, people.get(group))
    assert not at.exception, [e.value for e in at.exception]
    labels = [m.label for m in at.metric]
    for label in EXPECTED[group]:
        assert label in labels, (group, labels)
    others = {g: ls for g, ls in EXPECTED.items() if g != group}
    assert not {x for ls in others.values() for x in ls if x not in EXPECTED[group]} & set(labels)
    assert any(i.value.startswith("Since version 1") for i in at.info)  # what changed
    headline = any("Estimated savings to date" in m.value for m in at.markdown)
    assert headline == (group == "executive")


@pytest.mark.parametrize("group", ["sponsor", "project_manager", "account_lead", "service_owner"])
@pytest.mark.parametrize("page", ["overview", "portfolio"])
def test_out_of_scope_project_names_never_appear(monkeypatch, demo, group, page):
    db, people, projects, mine = demo
    person = people[group]
    at = _app(monkeypatch, db, group, person)
    if page != "overview":
        at.switch_page(f"views/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    text = _text(at)
    leaked = [n for n in set(projects["name"]) - mine[group] if n in text]
    assert not leaked, (group, person, page, leaked[:3])
    if page == "portfolio" and mine[group]:  # the check reads the tables: own names are there
        assert any(n in text for n in mine[group])


@pytest.mark.parametrize("group", list(GROUPS))
def test_portfolio_renders_for_every_group(monkeypatch, demo, group):
    db, people, _, _ = demo
    at = _app(monkeypatch, db, group, people.get(group))
    at.switch_page("views/portfolio.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Portfolio"
    assert "Risks to customer value" in [h.value for h in at.subheader]


def test_shared_project_link_opens_the_detail(monkeypatch, demo):
    db, people, projects, _ = demo
    target = projects.sort_values("project_id").iloc[0]
    at = _app(monkeypatch, db, "executive", project=target["project_id"])
    at.switch_page("views/portfolio.py").run()
    assert not at.exception
    heads = [plain(h.value) for h in at.subheader]
    assert f"{target['name']} ({target['project_id']})" in heads
    detail = ["Customers", "Feedback", "Actions", "Savings", "History"]
    assert [t.label for t in at.tabs if t.label in detail] == detail  # the dialog's tabs
    at.button(key="pf_close").click().run()
    assert "project" not in at.query_params
    assert f"{target['name']} ({target['project_id']})" not in [
        plain(h.value) for h in at.subheader
    ]


def test_project_link_outside_scope_says_so(monkeypatch, demo):
    db, people, projects, _ = demo
    sponsor = people["sponsor"]
    other = projects[projects["sponsor"] != sponsor].iloc[0]
    at = _app(monkeypatch, db, "sponsor", sponsor, project=other["project_id"])
    at.switch_page("views/portfolio.py").run()
    assert not at.exception
    assert any("is not in your view" in w.value for w in at.warning)
    assert other["name"] not in _text(at)
