"""AppTest of the Prioritisation page: every stakeholder group on the demo store and on an
empty store; moving a weight slider reorders the ranking; a saved profile can be loaded."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pmo_data.demo.generate import load_demo
from pmo_data.store.access import GROUPS
from pmo_data.store.versions import Store
from tests.apptest_support import app as open_app
from tests.apptest_support import open_section, plain, section_labels

pytestmark = pytest.mark.app
PAGE = "views/prioritisation.py"


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("prdemo") / "pmo.duckdb"
    store = Store(path)
    load_demo(store, scale=0.2)
    store.close()
    return str(path)


def page(monkeypatch, db, group, no_demo=False) -> AppTest:
    at = open_app(monkeypatch, db, group, no_demo=no_demo).run()
    at.switch_page(PAGE).run()
    return at


def ranking(at: AppTest) -> list[str]:
    return [df for df in at.dataframe if "rank" in df.value.columns][0].value["name"].tolist()


@pytest.mark.parametrize("group", list(GROUPS))
def test_renders_on_demo(monkeypatch, demo_db, group):
    at = page(monkeypatch, demo_db, group)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title[0].value == "Prioritisation"
    if not any("No open projects" in i.value for i in at.info):
        assert ranking(at)
        # the closer looks are closed until chosen: only the chosen one runs; each renders
        charts = len(at.get("plotly_chart"))
        labels = section_labels(at, "pr_closer")
        assert "Choosing under a budget" in labels and "Rank robustness" in labels
        for label in labels:
            open_section(at, "pr_closer", label)
            assert not at.exception, (label, [e.value for e in at.exception])
        assert at.number_input(key="pr_budget")  # the last tab's controls are drawn
        assert len(at.get("plotly_chart")) >= charts  # the budget's frontier, not the why


def test_hidden_tabs_are_not_computed(monkeypatch, demo_db):
    at = page(monkeypatch, demo_db, "executive")
    keys = {w.key for w in at.number_input}
    assert "pr_budget" not in keys
    at.session_state["pr_closer"] = "Choosing under a budget"
    at.run()
    assert "pr_budget" in {w.key for w in at.number_input}


@pytest.mark.parametrize("group", list(GROUPS))
def test_renders_on_empty_store(monkeypatch, tmp_path_factory, group):
    db = str(tmp_path_factory.mktemp(f"prempty_{group}") / "pmo.duckdb")
    at = page(monkeypatch, db, group, no_demo=True)
    assert not at.exception, [e.value for e in at.exception]
    assert any("no projects" in i.value.lower() for i in at.info)


def test_slider_reorders_and_profile_round_trip(monkeypatch, demo_db):
    at = page(monkeypatch, demo_db, "pmo_analyst")
    before = ranking(at)
    for key in ("pr_w_customer", "pr_w_strategic", "pr_w_financial", "pr_w_urgency"):
        at.slider(key=key).set_value(0.0)
    at.slider(key="pr_w_effort").set_value(0.0)
    at.slider(key="pr_w_risk").set_value(1.0).run()
    assert not at.exception
    after = ranking(at)
    assert after != before
    assert "Low risk 100%" in " ".join(plain(c.value) for c in at.caption)

    at.text_input(key="pr_profile_name").set_value("Risk only").run()
    at.button(key="pr_save").click().run()
    assert not at.exception
    assert "Risk only" in at.selectbox(key="pr_profile").options[1]
    at.selectbox(key="pr_profile").set_value("Default (customer first)").run()
    assert at.slider(key="pr_w_customer").value == pytest.approx(0.30)
    assert ranking(at) == before
    at.selectbox(key="pr_profile").set_value("Risk only").run()
    assert ranking(at) == after and not at.exception
