"""AppTest of the Services and Maturity journey pages for every stakeholder group, on the demo
store and an empty store; a PMO analyst saves an assessment and sees it in the history; a
service owner never sees another owner's service."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from pmo_data.analytics import maturity
from pmo_data.demo.generate import load_demo
from pmo_data.store.access import GROUPS
from pmo_data.store.versions import Store
from tests.apptest_support import app, open_section, plain, shown_strings

pytestmark = pytest.mark.app
PAGES = {"services": "Services", "maturity": "Maturity journey"}


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("svdemo") / "pmo.duckdb"
    store = Store(path)
    load_demo(store, scale=0.2)
    catalogue = store.frame("services")[["name", "owner"]]
    store.close()
    return str(path), catalogue


def page_text(at: AppTest) -> str:
    return " ".join([plain(m.value) for m in at.markdown] + [plain(c.value) for c in at.caption])


@pytest.mark.parametrize("group", list(GROUPS))
def test_pages_render_on_demo(monkeypatch, demo_db, group):
    at = app(monkeypatch, demo_db[0], group)
    at.run()
    for page, title in PAGES.items():
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, group, [e.value for e in at.exception])
        assert at.title[0].value == title


@pytest.mark.parametrize("group", list(GROUPS))
def test_pages_render_on_empty_store(monkeypatch, tmp_path_factory, group):
    db = str(tmp_path_factory.mktemp(f"svempty_{group}") / "pmo.duckdb")
    at = app(monkeypatch, db, group, no_demo=True)
    at.run()
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception, (page, group, [e.value for e in at.exception])
        assert any("no " in i.value.lower() for i in at.info)


def test_services_page_shows_the_menu_and_the_gaps(monkeypatch, demo_db):
    at = app(monkeypatch, demo_db[0], "executive")
    at.run()
    at.switch_page("views/services.py").run()
    shown = shown_strings(at)
    assert set(demo_db[1]["name"]) <= shown  # every service on the menu
    assert "Portfolio optimisation" in shown  # the demo's unused service is listed
    assert "Over capacity" in shown
    labels = [m.label for m in at.metric]
    assert {"Services", "Over capacity", "Utilisation", "Below target"} <= set(labels)
    at.session_state["se_closer"] = "Gaps in the menu"  # a lazy tab: computed when opened
    at.run()
    assert "Not covered" in shown_strings(at)
    at.session_state["se_closer"] = "Satisfaction per service"
    at.run()
    assert "n = " in page_text(at)


def test_service_owner_never_sees_another_owners_service(monkeypatch, demo_db):
    db, cat = demo_db
    owner = cat["owner"].iloc[0]
    mine = set(cat.loc[cat["owner"] == owner, "name"])
    others = set(cat["name"]) - mine
    at = app(monkeypatch, db, "service_owner", person=owner)
    at.run()
    for page in PAGES:
        at.switch_page(f"views/{page}.py").run()
        assert not at.exception
        shown = shown_strings(at)
        text = page_text(at)
        if page == "services":
            assert mine <= shown, f"{owner}'s services missing"
        leaked = {n for n in others if n in shown or n in text}
        assert not leaked, f"{page} leaks {sorted(leaked)}"


def maturity_as_analyst(monkeypatch, tmp_path) -> tuple[AppTest, str]:
    """The Maturity page as the PMO analyst on a store of its own (assessments are saved)."""
    db = str(tmp_path / "pmo.duckdb")
    store = Store(db)
    load_demo(store, scale=0.1)
    store.close()
    at = app(monkeypatch, db, "pmo_analyst").run()
    at.switch_page("views/maturity.py").run()
    return at, db


def test_analyst_saves_an_assessment_and_sees_it(monkeypatch, tmp_path):
    at, db = maturity_as_analyst(monkeypatch, tmp_path)
    assert not at.exception
    assert not any("No assessment saved yet" in i.value for i in at.info)  # history closed
    at.session_state["mt_history"] = True  # opened: computed and drawn
    at.run()
    assert any("No assessment saved yet" in i.value for i in at.info)
    stage = maturity.STAGE[next(s.stage for s in maturity.SQUARES if s.id == "10")].name
    open_section(at, "mt_stage", stage)  # a tab per stage, drawn when open
    at.checkbox(key="mt_done_10").check()
    at.text_input(key="mt_note_10").input("Quarterly listening sessions with the top five")
    at.text_input(key="mt_author").input("Priya Analyst")
    at.run()
    assert any("override" in m.value for m in at.markdown)  # differs from the evidence
    at.button(key="mt_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Saved by Priya Analyst" in s.value for s in at.success)
    history = at.dataframe[-1].value  # the history table closes the page
    assert history["author"].tolist() == ["Priya Analyst"]
    assert history["overrides"].iloc[0] >= 1
    saved = Store(db)
    payload = saved.documents("maturity_assessment")["payload"].iloc[0]
    saved.close()
    assert payload["squares"]["10"] == {
        "done": True,
        "note": "Quarterly listening sessions with the top five",
        "evidence": payload["squares"]["10"]["evidence"],
    }
    assert payload["squares"]["10"]["evidence"]["status"] == "your call"


def test_answers_survive_other_stages_and_pages(monkeypatch, tmp_path):
    """A box ticked in one stage's tab is kept while another tab or page is open (a widget's
    own state is dropped in any run that does not draw it)."""
    at, db = maturity_as_analyst(monkeypatch, tmp_path)

    def done() -> str:
        return next(m.value for m in at.metric if m.label == "Squares done")

    square = next(s for s in maturity.SQUARES if s.stage == maturity.STAGES[-1].key)
    open_section(at, "mt_stage", maturity.STAGES[-1].name)
    box = at.checkbox(key=f"mt_done_{square.id}")
    before, ticked = done(), not box.value
    box.set_value(ticked).run()
    after = done()
    assert after != before
    open_section(at, "mt_stage", maturity.STAGES[0].name)  # the ticked box is not drawn now
    assert done() == after
    at.switch_page("views/overview.py").run()
    at.switch_page("views/maturity.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert done() == after
    open_section(at, "mt_stage", maturity.STAGES[-1].name)
    assert at.checkbox(key=f"mt_done_{square.id}").value == ticked


def test_a_note_typed_just_before_save_is_saved(monkeypatch, tmp_path):
    """The note and the click arrive in one rerun: the save callback runs before the note's."""
    at, db = maturity_as_analyst(monkeypatch, tmp_path)
    square = next(s for s in maturity.SQUARES if s.stage == maturity.STAGES[0].key)
    # the note's own value, not yet through its callback (as when both arrive in one rerun
    # and the click's callback runs first)
    at.session_state[f"mt_note_{square.id}"] = "Typed, then saved at once"
    at.button(key="mt_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    saved = Store(db)
    payload = saved.documents("maturity_assessment")["payload"].iloc[0]
    saved.close()
    assert payload["squares"][square.id]["note"] == "Typed, then saved at once"
