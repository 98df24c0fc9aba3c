"""The same measure has the same label and the same value on every page and in the brief.

For each stakeholder group, AppTest opens every page as one person of that group and reads
every metric card (label and value) and the savings headline; the brief for the same viewer is
built as the Download button builds it. A label that shows two different values anywhere
(e.g. "Red projects" on the Overview and in the brief, "Realised to date" on the Savings page
and in the board pack) fails, and so does a brief headline that is not the Overview's.
"""

from __future__ import annotations

from collections import defaultdict

import pytest

from pmo_data.briefs import packs
from pmo_data.demo.generate import load_demo
from pmo_data.store import scope
from pmo_data.store.access import GROUPS, PERSON_COLUMN, Viewer
from pmo_data.store.versions import Store
from pmo_data.ui.navigation import PAGE_NAMES
from tests.apptest_support import app as open_app
from tests.apptest_support import plain

pytestmark = pytest.mark.app

SAVINGS = "Estimated savings to date"  # the savings headline's own label


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("same_measure") / "pmo.duckdb"
    store = Store(path)
    load_demo(store, scale=0.1)
    people = {g: scope.people(store, g)[0] for g in PERSON_COLUMN}
    store.close()
    return str(path), people


def _headline(text: str) -> str | None:
    """The savings headline's figures, from markdown such as '### Estimated savings to date
    £2.4M–£3.0M (P50 £2.7M), of which …'."""
    text = " ".join(plain(text).lstrip("#").split())
    return text if text.startswith(SAVINGS) else None


def page_measures(at) -> dict[str, dict[str, str]]:
    """{label: {page: value}} for every metric card and savings headline on every page."""
    seen: dict[str, dict[str, str]] = defaultdict(dict)
    for name in PAGE_NAMES:
        at.switch_page(f"views/{name}.py").run()
        assert not at.exception, [e.value for e in at.exception]
        for m in at.metric:
            seen[plain(m.label)][name] = plain(m.value)
        for block in at.markdown:
            if text := _headline(block.value):
                seen[SAVINGS][name] = text
    return seen


def brief_measures(brief) -> dict[str, dict[str, str]]:
    seen: dict[str, dict[str, str]] = defaultdict(dict)
    for i, slide in enumerate(brief.slides):
        where = f"brief slide {i + 1} ({slide.title})"
        for t in slide.tiles:
            seen[plain(t.label)][where] = plain(t.value)
        if text := _headline(slide.lead):
            seen[SAVINGS][where] = text
    return seen


def disagreements(*sources: dict[str, dict[str, str]]) -> list[str]:
    """Labels that show more than one value, with where each value is shown."""
    merged: dict[str, dict[str, str]] = defaultdict(dict)
    for source in sources:
        for label, where in source.items():
            merged[label].update(where)
    return [
        f"{label!r}: " + "; ".join(f"{w} shows {v!r}" for w, v in where.items())
        for label, where in sorted(merged.items())
        if len(set(where.values())) > 1
    ]


@pytest.mark.parametrize("group", list(GROUPS))
def test_same_label_same_value_on_every_page_and_in_the_brief(monkeypatch, demo, group):
    db, people = demo
    person = people.get(group)
    at = open_app(monkeypatch, db, group, person).run()
    pages = page_measures(at)
    store = Store(db)
    try:
        brief = packs.build(store, Viewer(group, person))
    finally:
        store.close()
    shown = brief_measures(brief)
    found = disagreements(pages, shown)
    assert not found, "\n".join(found)
    # the brief opens on the Overview's headline numbers: the same labels, in the same order
    head = [(plain(t.label), plain(t.value)) for t in brief.slides[0].tiles]
    overview = [
        (label, where["overview"])
        for label, where in pages.items()
        if "overview" in where and label != SAVINGS
    ]
    assert head == overview
    if group == "executive":  # the measures the board reads first are all there
        for label in ("NPS (12 months)", "Red projects", SAVINGS):
            assert label in pages and len(pages[label]) + len(shown[label]) >= 2, label


def test_the_check_catches_drift():
    pages = {"NPS (12 months)": {"overview": "+22"}, "Red projects": {"overview": "12"}}
    brief = {"NPS (12 months)": {"brief slide 1": "+17"}, "Red projects": {"brief slide 1": "12"}}
    found = disagreements(pages, brief)
    assert len(found) == 1 and "+22" in found[0] and "+17" in found[0]
