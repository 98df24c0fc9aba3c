"""Slides on the record behind the numbers: what changed, old data, provenance, data quality,
an empty store."""

from __future__ import annotations

import pandas as pd

from pmo_data.analytics import freshness
from pmo_data.analytics.overview import metrics as overview
from pmo_data.briefs.content import Slide, Table, Text
from pmo_data.briefs.slides.context import (
    MAX_ROWS,
    Context,
    _date,
)
from pmo_data.formatting import number
from pmo_data.schema import entity
from pmo_data.store.access import GROUPS, PERSON_COLUMN


def what_changed(ctx: Context) -> Slide:
    """The Overview's sentence, each metric before and after, and (for whole-PMO views) the
    rows added, removed and changed per entity."""
    lead = overview.what_changed(ctx.metrics, ctx.previous_metrics, ctx.previous, ctx.currency)
    before = {m.key: m for m in ctx.previous_metrics or []}
    rows = []
    for m in ctx.metrics:
        p = before.get(m.key)
        rows.append(
            (
                m.label,
                p.show(ctx.currency) if p else "–",
                m.show(ctx.currency),
                m.delta(p, ctx.currency) or ("–" if p is None or not m.compare else "no change"),
            )
        )
    blocks = [
        Table(
            ("Measure", f"Version {ctx.previous or '–'}", f"Version {ctx.version}", "Change"),
            tuple(rows),
            numeric=(False, True, True, True),
            widths=(2.4, 1.2, 1.2, 1.2),
            heading="Your measures",
        )
    ]
    if ctx.previous and ctx.viewer.sees_everything:
        d = ctx.store.diff(ctx.previous, ctx.version)
        drows = tuple(
            (
                name,
                number(x.summary["added"]),
                number(x.summary["removed"]),
                number(x.summary["changed"]),
            )
            for name, x in d.items()
        )
        blocks.append(
            Table(
                ("Data", "Rows added", "Rows removed", "Rows changed"),
                drows,
                numeric=(False, True, True, True),
                widths=(1.6, 1, 1, 1),
                caption="Whole store, version to version (Data > History).",
                heading="Rows in the store",
            )
        )
    return Slide("What changed since the last import", lead, blocks=blocks, split=0.55)


def old_data(notes: tuple[str, ...]) -> Slide:
    """The entities whose data is older than its window, before the numbers computed from it
    (the same sentences as the pages' "Old data" banner)."""
    return Slide(
        "Old data in this brief",
        "Some figures that follow are computed from data older than its window: they describe "
        "then, not now. Ask for newer exports before acting on them.",
        blocks=[Text(tuple(n + "." for n in notes), bullets=True)],
        note="Windows: "
        + "; ".join(
            f"{entity(name).label.lower()} {w.period} "
            f"({'by the latest response' if w.basis == 'data' else 'since the import'})"
            for name, w in freshness.WINDOWS.items()
        )
        + ".",
    )


def provenance(ctx: Context) -> Slide:
    """Files, import dates and rejected rows of the versions behind the numbers."""
    h = ctx.history.head(8)
    rows = []
    for r in h.itertuples():
        files = ", ".join(f.get("name", "?") for f in r.files) or "–"
        rejected = (r.issue_counts or {}).get("rejected_rows")
        counts = ", ".join(f"{k} {v:,}" for k, v in (r.row_counts or {}).items())
        rows.append(
            (
                str(r.version) + (" (current)" if r.version == ctx.version else ""),
                f"{pd.Timestamp(r.created_at):%-d %b %Y %H:%M}",
                str(r.user_name),
                str(r.action),
                files,
                counts or "–",
                number(rejected) if rejected is not None else "–",
                str(r.note or ""),
            )
        )
    table = Table(
        ("Version", "Imported", "By", "What", "Files", "Rows", "Rejected rows", "Note"),
        tuple(rows),
        numeric=(False, False, False, False, False, False, True, False),
        widths=(0.9, 1.2, 0.8, 0.7, 2.0, 2.8, 0.8, 2.6),
    )
    return Slide(
        "Where the numbers come from",
        f"Every figure in this brief is computed from store version {ctx.version}, as the "
        "dashboard's pages compute it, for the view named on the cover.",
        blocks=[table],
        note="Rejected rows: rows left out at the import that made the version ('–' for demo "
        "data, rollbacks and imports before counts were kept). Compare or roll back any "
        "version on Data > History or with `python -m pmo_data history`.",
    )


# -- role briefs --------------------------------------------------------------------------------


def data_quality(ctx: Context) -> Slide:
    orph = overview.orphans(ctx.store, ctx.viewer, None)
    quiet = overview.unheard_key_customers(ctx.store, ctx.viewer, ctx.filters)
    a = Table(
        ("Entity", "Column", "Points at", "Rows", "Examples"),
        tuple(
            (r.entity, r.column, r.target, number(r.rows), r.examples)
            for r in orph.head(MAX_ROWS).itertuples()
        ),
        numeric=(False, False, False, True, False),
        widths=(0.9, 1.0, 0.9, 0.6, 2.2),
        empty="Every customer, project and service id points at a loaded row.",
        heading="Orphan references",
    )
    b = Table(
        ("Id", "Customer", "Account lead", "Last feedback"),
        tuple(
            (r.customer_id, r.customer, str(r.account_lead or "–"), _date(r.last_feedback))
            for r in quiet.head(MAX_ROWS).itertuples()
        ),
        numeric=(False, False, False, True),
        widths=(0.8, 2.2, 1.4, 1.1),
        caption=f"{len(quiet):,} Strategic customers with no feedback in the last "
        f"{overview.COVERAGE_DAYS} days."
        if len(quiet)
        else "",
        empty=f"Every Strategic customer gave feedback in the last {overview.COVERAGE_DAYS} days.",
        heading="Key customers not heard from",
    )
    return Slide(
        "Data quality: orphans and key customers not heard from",
        "Rows whose ids are not loaded, and Strategic customers to ask for feedback.",
        blocks=[a, b],
    )


def empty_store(ctx: Context) -> Slide:
    counts = ctx.store.counts()
    have = ", ".join(f"{k} {v:,}" for k, v in counts.items() if v) or "nothing yet"
    lines = [
        f"Store version {ctx.version}; rows loaded: {have}."
        if ctx.version
        else "The store has no data yet.",
        "Import the monthly exports on the Data page, or with "
        "`python -m pmo_data import exports/*.xlsx`, then build the brief again.",
    ]
    if ctx.viewer.needs_person:
        entity, column = PERSON_COLUMN[ctx.viewer.group]
        lines.append(
            f"A {GROUPS[ctx.viewer.group].lower()}'s brief covers the rows that name "
            f"them: check that {ctx.viewer.person} is in the {column} column of the "
            f"{entity} sheet."
        )
    return Slide(
        "No data to report yet",
        "There are no projects, customers or services in this view, so there is nothing to "
        "brief on.",
        blocks=[Text(tuple(lines), bullets=True)],
    )
