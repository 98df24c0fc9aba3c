"""AppTest of the Savings & benefits page: every group on the demo and an empty store; the
executive headline; a sponsor sees none of another sponsor's projects; saving an assumption
set adds modelled lines; deciding a double count changes the status and the totals."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pmo_data.analytics.savings.estimators import ESTIMATORS
from pmo_data.demo.generate import generate, load_demo
from pmo_data.store.access import GROUPS, Viewer
from pmo_data.store.scope import frame as queries_frame
from pmo_data.store.scope import people
from pmo_data.store.versions import Store
from pmo_data.ui.context import get_store
from tests.apptest_support import app as open_app
from tests.apptest_support import open_section, plain

pytestmark = pytest.mark.app
PAGE = "views/savings.py"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("svdemo") / "pmo.duckdb"
    store = Store(path)
    load_demo(store, scale=0.2)
    store.close()
    return str(path)


def page(monkeypatch, db, group, person=None, no_demo=False, tab=None) -> AppTest:
    at = open_app(monkeypatch, db, group, person, no_demo).run()
    at.switch_page(PAGE).run()
    if tab:  # a lazy tab (`ui.lazy_sections`): computed only when opened
        open_tab(at, tab)
    return at


TABLES = {"sv_ledger": "provenance", "sv_pairs": "pair_key", "sv_versions": "version"}


def open_tab(at: AppTest, label: str) -> None:
    open_section(at, "sv_stands", label)


def frame(at: AppTest, key: str):
    """A table by its widget key (AppTest exposes no key for dataframes: a telling column)."""
    tables = [d.value for d in at.dataframe if TABLES[key] in d.value.columns]
    return tables[0] if tables else None


def texts(at: AppTest) -> str:
    parts = [plain(m.value) for m in at.markdown] + [plain(c.value) for c in at.caption]
    parts += [d.value.to_csv() for d in at.dataframe]
    return "\n".join(parts)


@pytest.mark.parametrize("group", list(GROUPS))
def test_renders_on_demo(monkeypatch, demo_db, group):
    at = page(monkeypatch, demo_db, group)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Savings & benefits"
    assert any(s.value == "Estimators" for s in at.subheader)


@pytest.mark.parametrize("group", list(GROUPS))
def test_renders_on_empty_store(monkeypatch, tmp_path_factory, group):
    db = str(tmp_path_factory.mktemp(f"svempty_{group}") / "pmo.duckdb")
    at = page(monkeypatch, db, group, no_demo=True)
    assert not at.exception, [e.value for e in at.exception]
    assert any("no savings" in i.value.lower() for i in at.info)


def test_executive_sees_the_headline(monkeypatch, demo_db):
    at = page(monkeypatch, demo_db, "executive")
    head = [m.value for m in at.markdown if "Estimated savings to date" in m.value]
    assert head and "(P50 £" in head[0] and "realised" in head[0]
    assert any("Beta-PERT" in c.value and "10,000" in c.value for c in at.caption)


def test_sponsor_sees_only_their_projects(monkeypatch, demo_db):
    frames = generate(scale=0.2)  # what demo_db holds
    projects, lines = frames["projects"], frames["savings"]
    with_lines = projects[projects["project_id"].isin(lines["project_id"])]
    sponsor = with_lines["sponsor"].value_counts().index[0]
    mine = set(projects.loc[projects["sponsor"] == sponsor, "project_id"])
    others = set(projects["project_id"]) - mine
    at = page(monkeypatch, demo_db, "sponsor", person=sponsor, tab="The ledger")
    assert not at.exception
    shown = texts(at)
    assert not [p for p in others if p in shown]
    ledger = frame(at, "sv_ledger")
    assert len(ledger) and set(ledger["project_id"]) <= mine
    assert (ledger["kind"] == "ledger").all()


def test_saving_an_assumption_set_adds_modelled_lines(monkeypatch, tmp_path):
    db = str(tmp_path / "pmo.duckdb")
    store = Store(db)
    load_demo(store, scale=0.1)
    store.close()
    at = page(monkeypatch, db, "pmo_analyst", tab="The ledger")
    assert not at.exception
    open_section(at, "sv_estimators", ESTIMATORS["operational_efficiency"].label)
    at.text_input(key="sv_setnote_operational_efficiency").set_value("first cut")
    at.button(key="sv_save_operational_efficiency").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved version 1" in s.value for s in at.success)
    ledger = frame(at, "sv_ledger")
    modelled = ledger[ledger["kind"] == "modelled"]
    assert len(modelled) and modelled["provenance"].str.contains("Estimated by model").all()
    assert frame(at, "sv_versions")["note"].tolist() == ["first cut"]
    # a service owner reads the saved set, but only the rows of their own services
    store = get_store()  # the app's own (cached) connection to this file
    owner = people(store, "service_owner")[0]
    mine = set(queries_frame(store, "services", Viewer("service_owner", owner))["service_id"])
    everyone = set(queries_frame(store, "services", Viewer("executive"))["service_id"])
    at = page(monkeypatch, db, "service_owner", owner)
    open_section(at, "sv_estimators", ESTIMATORS["operational_efficiency"].label)
    assert not at.exception, [e.value for e in at.exception]
    shown = set()
    for d in at.dataframe:
        if "rate_per_hour" in d.value.columns and "service_id" in d.value.columns:
            shown |= set(d.value["service_id"])
    assert shown and shown <= mine and everyone - mine


def test_deciding_a_pair_changes_status_and_totals(monkeypatch, tmp_path):
    db = str(tmp_path / "pmo.duckdb")
    store = Store(db)
    load_demo(store, scale=1.0)
    store.close()
    at = page(monkeypatch, db, "pmo_analyst", tab="The ledger")
    at.selectbox(key="sv_ledger_size").set_value(250).run()  # the whole ledger on one page
    assert len(frame(at, "sv_ledger")) == 150
    before = frame(at, "sv_ledger")["counted"].sum()
    open_tab(at, "Double counting")
    pairs = frame(at, "sv_pairs")
    key = pairs["pair_key"].iloc[0]
    at.selectbox(key="sv_pair").set_value(key)
    at.radio(key="sv_decision").set_value("keep both")
    at.text_input(key="sv_note").set_value("separate budgets")
    at.button(key="sv_resolve").click().run()
    assert not at.exception, [e.value for e in at.exception]
    status = frame(at, "sv_pairs").set_index("pair_key")["status"]
    assert status[key] == "decided: keep both"
    open_tab(at, "The ledger")
    at.selectbox(key="sv_ledger_size").set_value(250).run()  # a closed tab forgets its widgets
    assert frame(at, "sv_ledger")["counted"].sum() == before + 1


def test_decision_needs_a_note(monkeypatch, demo_db):
    at = page(monkeypatch, demo_db, "pmo_analyst", tab="Double counting")
    if frame(at, "sv_pairs") is None:
        pytest.skip("no flagged pairs at this scale")
    at.button(key="sv_resolve").click().run()
    assert any("note" in e.value for e in at.error)
