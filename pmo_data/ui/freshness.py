"""Stale data said where it matters: a note at the top of every page whose metrics come from
data older than its window, and the age of each entity's latest import in the sidebar.

Both read `analytics.freshness` for the viewer (scoped), cached by store version and day.
"""

from __future__ import annotations

from datetime import date

import streamlit as st

from pmo_data.analytics import freshness
from pmo_data.escaping import md
from pmo_data.schema import ENTITIES
from pmo_data.ui.context import run
from pmo_data.ui.navigation import DEFAULT_PAGE
from pmo_data.ui.sidebar import current_viewer

ALL = tuple(ENTITIES)
# The entities each page's metrics are computed from.
PAGE_ENTITIES: dict[str, tuple[str, ...]] = {
    "overview": ALL,
    "portfolio": ("projects",),
    "prioritisation": ("projects",),
    "savings": ("savings", "projects"),
    "customers": ("customers", "feedback", "projects", "actions"),
    "feedback": ("feedback", "actions"),
    "services": ("services", "feedback", "projects"),
    "maturity": ALL,
    "data": (),
}


def _freshness(store, viewer, today):
    return freshness.entity_freshness(store, viewer, today=today)


def _current() -> dict[str, freshness.Freshness]:
    return run(_freshness, current_viewer(), date.today())


def stale_banner(url_path: str) -> None:
    """A warning naming every stale entity the page's metrics are computed from."""
    page = url_path or DEFAULT_PAGE
    names = PAGE_ENTITIES.get(page, ())
    if not names:
        return
    fresh = _current()
    notes = [fresh[n].note for n in names if fresh[n].stale]
    if not notes:
        return
    st.warning(
        "**Old data.** " + " ".join(f"{md(n)}." for n in notes) + " Upload newer exports on the "
        "**Data** page.",
        icon=":material/schedule:",
    )


def sidebar_ages() -> None:
    """One line per entity with rows: when it was last imported, and its window if stale."""
    fresh = _current()
    lines = []
    for name, f in fresh.items():
        if not f.rows:
            continue
        label = ENTITIES[name].label
        age = freshness.age_text(f.import_age_days)
        text = f"{label}: imported {'today' if age == 'today' else age + ' ago'}"
        if f.window.basis == "data" and f.latest:
            text += f", latest {f.latest:%b %Y}"
        lines.append(text + (" (old)" if f.stale else ""))
    if lines:
        st.caption("**Data age**  \n" + "  \n".join(md(t) for t in lines))
