"""Which slides each stakeholder group gets, and `build`: store + viewer -> Brief.

The executive board pack follows the board's questions (value, savings, satisfaction, risk,
priorities, capacity, maturity, change, provenance); each other group's brief follows its own
Overview (its metrics, charts and lists), then what changed and where the numbers come from.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import pandas as pd

from pmo_data.analytics import freshness
from pmo_data.analytics.feedback import scores as feedback
from pmo_data.briefs import slides as s
from pmo_data.briefs.content import Brief, Slide
from pmo_data.briefs.style import Style, configured
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, count
from pmo_data.store.versions import Store

PM_COLUMNS = [
    "project_id",
    "name",
    "rag",
    "stage",
    "percent_complete",
    "slip_days",
    "budget_variance_pct",
    "forecast_end_date",
]
SPONSOR_COLUMNS = [
    "project_id",
    "name",
    "rag",
    "stage",
    "budget_variance_pct",
    "slip_days",
    "planned_benefit",
    "realised_benefit",
]

PACKS: dict[str, list[Callable[[s.Context], Slide]]] = {
    "executive": [
        s.headline,
        s.savings_range,
        s.value_delivered,
        s.satisfaction,
        s.rag_mix,
        s.top_risks,
        s.prioritisation,
        s.demand_capacity,
        s.maturity_stage,
        s.what_changed,
        s.provenance,
    ],
    "sponsor": [
        s.headline,
        lambda c: s.my_projects(c, SPONSOR_COLUMNS),
        s.project_benefits,
        s.rag_and_nps,
        s.top_risks,
        s.what_changed,
        s.provenance,
    ],
    "project_manager": [
        s.headline,
        lambda c: s.my_projects(c, PM_COLUMNS),
        s.actions_and_feedback,
        s.rag_and_nps,
        s.what_changed,
        s.provenance,
    ],
    "account_lead": [
        s.headline,
        s.customer_health,
        s.customer_charts_slide,
        s.top_risks,
        s.what_changed,
        s.provenance,
    ],
    "service_owner": [
        s.headline,
        s.service_satisfaction,
        s.demand_capacity,
        s.what_changed,
        s.provenance,
    ],
    "pmo_analyst": [
        s.headline,
        s.data_quality,
        s.rag_and_nps,
        s.what_changed,
        s.provenance,
    ],
}
TITLES = {"executive": "PMO board pack"}
DEFAULT_TITLE = "PMO brief"


def has_data(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> bool:
    """True when the view holds any project, customer or service to brief on."""
    if store.is_empty():
        return False
    return any(count(store, e, viewer, filters) for e in ("projects", "customers", "services"))


def _period(ctx: s.Context, info: dict | None) -> str:
    when = pd.Timestamp(info["created_at"]) if info else pd.Timestamp(ctx.today)
    text = f"{when:%B %Y}"
    ref = feedback.reference_date(ctx.store, ctx.viewer, ctx.filters) if info else None
    if ref is not None and not pd.isna(ref):
        text += f" · feedback to {s._date(ref)}"
    f = ctx.filters
    if f.date_from or f.date_to:
        text += f" · dates {s._date(f.date_from)} to {s._date(f.date_to)}"
    narrowed = [
        f"{k} {v}"
        for k, v in (("portfolio", f.portfolio), ("customer", f.customer), ("service", f.service))
        if v
    ]
    if narrowed:
        text += " · filtered to " + ", ".join(narrowed)
    return text


def build(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    *,
    style: Style | None = None,
    today: date | None = None,
) -> Brief:
    """The viewer's brief at the store's current version (computed as the pages compute it)."""
    style = style or configured()
    ctx = s.Context(store, viewer, filters, today or date.today())
    info = store.version_info(ctx.version) if ctx.version else None
    version = (
        f"Store version {ctx.version}, {info['action']} of "
        f"{pd.Timestamp(info['created_at']):%-d %b %Y %H:%M} by {info['user_name']}"
        if info
        else "Empty store (no version yet)"
    )
    brief = Brief(
        title=TITLES.get(viewer.group, DEFAULT_TITLE),
        audience=viewer.label if viewer.group != "executive" else "Executive board",
        organisation=style.organisation,
        colour=style.colour,
        period=_period(ctx, info),
        version=version,
        generated=datetime.now(),
        currency=store.currency,
    )
    if not has_data(store, viewer, filters):
        brief.empty = True
        brief.slides = [s.empty_store(ctx)] + ([s.provenance(ctx)] if info else [])
        return brief
    brief.stale = tuple(freshness.stale_notes(store, None, viewer, today=ctx.today))
    brief.slides = [make(ctx) for make in PACKS[viewer.group]]
    if brief.stale:  # said before any number that comes from the old data
        brief.slides.insert(0, s.old_data(brief.stale))
    return brief
