"""Stale data named where it matters: ages per entity, scoped per viewer, on every page and for
every stakeholder group, and the sidebar's age of each entity's latest import."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pandas as pd
import pytest

from pmo_data.analytics.freshness import age_text, entity_freshness, stale_notes
from pmo_data.store.access import GROUPS, Viewer
from pmo_data.store.versions import Store
from tests.apptest_support import app, plain

TODAY = date.today()
OLD = TODAY - timedelta(days=4 * 365)
PEOPLE = {  # group -> the person of that group in the store below
    "sponsor": "Sam Sponsor",
    "project_manager": "Pat Manager",
    "account_lead": "Lee Lead",
    "service_owner": "Owen Owner",
}


def build(store: Store, feedback_dates: list[date], *, imported: datetime | None = None) -> None:
    """Two customers (one led by Lee), one project, one service, feedback on the given dates
    (alternating between the two customers)."""
    n = len(feedback_dates)
    store.write_version(
        {
            "customers": pd.DataFrame(
                {
                    "customer_id": ["C1", "C2"],
                    "name": ["Acme", "Globex"],
                    "account_lead": ["Lee Lead", "Other Lead"],
                }
            ),
            "projects": pd.DataFrame(
                {
                    "project_id": ["P1"],
                    "name": ["CRM"],
                    "customer_id": ["C1"],
                    "service_id": ["S1"],
                    "sponsor": ["Sam Sponsor"],
                    "project_manager": ["Pat Manager"],
                    "rag": ["Green"],
                }
            ),
            "services": pd.DataFrame(
                {"service_id": ["S1"], "name": ["Reporting"], "owner": ["Owen Owner"]}
            ),
            "feedback": pd.DataFrame(
                {
                    "response_id": [f"R{i}" for i in range(n)],
                    "date": pd.to_datetime(feedback_dates),
                    "customer_id": ["C1" if i % 2 == 0 else "C2" for i in range(n)],
                    "project_id": ["P1" if i % 2 == 0 else None for i in range(n)],
                    "service_id": ["S1" if i % 2 == 0 else None for i in range(n)],
                    "nps": [9.0 if i % 3 else 3.0 for i in range(n)],
                    "csat": [4.0] * n,
                }
            ),
        },
        created_at=imported,
    )


def test_old_feedback_is_stale_and_says_what_it_affects(store):
    build(store, [OLD, OLD - timedelta(days=30)])
    fresh = entity_freshness(store)
    fb = fresh["feedback"]
    # ages count from the day they are computed (a run that crosses midnight moves them)
    assert fb.stale and fb.latest == OLD and fb.data_age_days == (date.today() - OLD).days
    assert fb.import_age_days == 0 and not fresh["projects"].stale
    (note,) = stale_notes(store)
    assert note.startswith(f"Feedback: the latest response is from {OLD:%d %b %Y} (4 years ago)")
    assert "older than 12 months" in note and "NPS, CSAT" in note


def test_recent_feedback_is_not_stale(store):
    build(store, [TODAY - timedelta(days=20), OLD])
    assert stale_notes(store) == []


def test_staleness_is_judged_in_the_viewers_scope(store):
    # Lee's customer (C1) last answered four years ago; the other customer last week.
    build(store, [OLD, TODAY - timedelta(days=7)])
    assert not entity_freshness(store)["feedback"].stale
    lee = Viewer("account_lead", "Lee Lead")
    assert entity_freshness(store, lee)["feedback"].stale
    assert stale_notes(store, ("feedback",), lee)


def test_an_old_projects_import_is_stale_and_rollback_keeps_its_date(store):
    build(store, [TODAY], imported=datetime.now() - timedelta(days=60))
    p = entity_freshness(store)["projects"]
    assert p.stale and p.import_age_days == 60
    assert "last imported" in p.note and "monthly reporting period" in p.note
    store.write_version({"savings": pd.DataFrame({"saving_id": ["SV1"], "likely": [10.0]})})
    store.rollback(1)
    assert entity_freshness(store)["projects"].import_age_days == 60


def test_an_empty_entity_is_never_stale(store):
    assert not any(f.stale for f in entity_freshness(store).values())


@pytest.mark.parametrize(
    "days, text",
    [
        (0, "today"),
        (1, "1 day"),
        (10, "10 days"),
        (21, "3 weeks"),
        (120, "4 months"),
        (1500, "4 years"),
    ],
)
def test_age_text(days, text):
    assert age_text(days) == text


@pytest.fixture(scope="module")
def old_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("old") / "pmo.duckdb"
    s = Store(path)
    build(s, [OLD + timedelta(days=i) for i in range(12)])
    s.close()
    return str(path)


@pytest.mark.app
@pytest.mark.parametrize("group", list(GROUPS))
def test_every_group_is_told_on_the_pages_that_use_feedback(monkeypatch, old_db, group):
    at = app(monkeypatch, old_db, group, PEOPLE.get(group), no_demo=True)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    warned = plain(" ".join(w.value for w in at.warning))
    assert "Old data" in warned and "Feedback: the latest response" in warned, group
    sidebar = plain(" ".join(c.value for c in at.sidebar.caption))
    assert "Data age" in sidebar and "Feedback: imported today" in sidebar
    at.switch_page("views/feedback.py").run()
    assert "Old data" in " ".join(w.value for w in at.warning)
    at.switch_page("views/portfolio.py").run()  # projects are fresh: no note there
    assert "Old data" not in " ".join(w.value for w in at.warning)


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_groups_brief_says_which_data_is_old_before_its_numbers(old_db, group):
    from pmo_data.briefs import packs

    store = Store(old_db)
    brief = packs.build(store, Viewer(group, PEOPLE.get(group)))
    store.close()
    first = brief.slides[0]
    assert first.title == "Old data in this brief", [s.title for s in brief.slides]
    said = " ".join(first.blocks[0].lines)
    assert "Feedback: the latest response is from" in said and "Projects" not in said
    assert brief.stale and all(n + "." in first.blocks[0].lines for n in brief.stale)


def test_a_brief_on_fresh_data_has_no_old_data_slide(store):
    from pmo_data.briefs import packs

    build(store, [TODAY - timedelta(days=3), TODAY - timedelta(days=40)])
    brief = packs.build(store, Viewer("executive"))
    assert not brief.stale
    assert "Old data in this brief" not in [s.title for s in brief.slides]


def test_the_brief_files_say_old_data_on_the_cover(old_db):
    from pmo_data.briefs import packs, pdf, powerpoint

    store = Store(old_db)
    brief = packs.build(store, Viewer("executive"))
    store.close()
    import io

    from pptx import Presentation
    from pypdf import PdfReader

    deck = Presentation(io.BytesIO(powerpoint.write(brief, {})))
    cover = " ".join(sh.text_frame.text for sh in deck.slides[0].shapes if sh.has_text_frame)
    assert "older than its window" in cover
    first_page = PdfReader(io.BytesIO(pdf.write(brief, {}))).pages[0].extract_text()
    assert "older than its window" in first_page
