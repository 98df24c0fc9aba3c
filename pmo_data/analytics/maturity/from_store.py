"""Evidence from the data: the viewer's scoped frames read from the store and every rule run
over them, one row per square (what the pages and the brief show)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from pmo_data.analytics import services
from pmo_data.analytics.feedback.scores import reference_date
from pmo_data.analytics.maturity.board import SQUARES, STAGE
from pmo_data.analytics.maturity.rules import RULES, Evidence, EvidenceData
from pmo_data.measures import VALID_NPS
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, frame, scoped
from pmo_data.store.versions import Store


def gather(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, as_of: date | None = None
) -> EvidenceData:
    """The viewer's scoped frames the rules read."""
    cust = frame(
        store,
        "customers",
        viewer,
        filters,
        columns=[
            "customer_id",
            "name",
            "segment",
            "tier",
            "annual_value",
            "last_contact_date",
            "contact_cadence_days",
        ],
    )
    p_sql, p_p = scoped(store, "projects", viewer, filters)
    f_sql, f_p = scoped(store, "feedback", viewer, filters)
    links = store.df(
        f"""SELECT DISTINCT customer_id, service_id FROM (
              SELECT customer_id, service_id FROM ({p_sql})
              UNION ALL SELECT customer_id, service_id FROM ({f_sql}))
            WHERE customer_id IS NOT NULL AND service_id IS NOT NULL""",
        p_p + f_p,
    )
    fb = store.df(
        f"SELECT customer_id, date, nps FROM ({f_sql}) WHERE {VALID_NPS} OR nps IS NULL", f_p
    )
    acts = frame(
        store,
        "actions",
        viewer,
        filters,
        columns=["action_id", "title", "customer_id", "status", "impact", "source", "closed_date"],
    )
    cat = frame(
        store,
        "services",
        viewer,
        filters,
        columns=["service_id", "name", "description", "demand_hours"],
    )
    ref = reference_date(store, viewer, filters)
    return EvidenceData(
        customers=cust,
        links=links,
        catalogue=cat,
        feedback=fb,
        actions=acts,
        coverage=services.uncovered_requests(store, viewer, filters)[["theme", "status"]],
        ref=pd.Timestamp(ref).date() if ref is not None and not pd.isna(ref) else date.today(),
        as_of=as_of or date.today(),
    )


def evaluate(data: EvidenceData) -> dict[str, Evidence]:
    """Evidence for every square that has a rule."""
    return {s.id: RULES[s.rule](data) for s in SQUARES if s.rule}


def evidence(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, as_of: date | None = None
) -> pd.DataFrame:
    """One row per square: stage, text, rule and what the evidence says (status, figure,
    threshold, sentence, items); squares without a rule say so."""
    ev = evaluate(gather(store, viewer, filters, as_of))
    rows = []
    for s in SQUARES:
        e = ev.get(s.id)
        rows.append(
            {
                "square": s.id,
                "stage": s.stage,
                "stage_name": STAGE[s.stage].name,
                "kind": s.kind,
                "text": s.text,
                "rule": s.rule,
                "page": s.page,
                "status": e.status if e else "your call",
                "figure": e.figure if e else None,
                "threshold": e.threshold if e else "only the PMO can answer this",
                "sentence": e.sentence if e else "No data can answer this: it is for you to judge.",
                "items": list(e.items) if e else [],
            }
        )
    return pd.DataFrame(rows)
