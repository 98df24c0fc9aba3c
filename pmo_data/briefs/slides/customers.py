"""Slides on customers: satisfaction and its trend, customer health, actions and feedback."""

from __future__ import annotations

import pandas as pd

from pmo_data.analytics import customers
from pmo_data.analytics.feedback import scores as feedback
from pmo_data.analytics.overview import metrics as overview
from pmo_data.analytics.overview import trends
from pmo_data.briefs.content import Chart, Slide, Table, Text, Tile
from pmo_data.briefs.slides.context import (
    MAX_ROWS,
    MAX_ROWS_FULL,
    Context,
    _date,
    _pct,
)
from pmo_data.charts import customers as customer_charts
from pmo_data.charts import feedback as feedback_charts
from pmo_data.charts import overview as overview_charts
from pmo_data.formatting import number, signed
from pmo_data.measures import NPS_POINTS


def satisfaction(ctx: Context) -> Slide:
    s = feedback.summary(ctx.store, ctx.viewer, ctx.filters, None)
    if not s["responses"]:
        return Slide(
            "Customer satisfaction",
            "No feedback in this view yet.",
            blocks=[Text(("Import survey responses to see NPS and CSAT.",))],
        )
    q = feedback.trend(ctx.store, ctx.viewer, ctx.filters, "quarter")
    nps12 = next((m for m in ctx.metrics if m.key == "nps"), None)
    tiles = [t for t in ctx.tiles(["nps"])] + [
        Tile(
            f"NPS ({feedback.window(ctx.filters)})",  # as the Feedback page labels it
            NPS_POINTS.format(s["nps"]),
            note=f"n = {s['nps_n']:,}; 95% CI {number(s['nps_lo'])} to {number(s['nps_hi'])}",
        ),
        Tile(
            f"CSAT ({feedback.window(ctx.filters)})",
            _pct(s["csat"]),
            note=f"n = {s['csat_n']:,}; 95% CI {_pct(s['csat_lo'])} to {_pct(s['csat_hi'])}",
        ),
        Tile(f"Responses ({feedback.window(ctx.filters)})", number(s["responses"])),
    ]
    lead = _trend_sentence(q)
    if nps12 is None and not lead:
        lead = f"NPS {number(s['nps'])} (n = {s['nps_n']:,}), CSAT {_pct(s['csat'])}."
    monthly = trends.nps_trend(ctx.store, ctx.viewer, ctx.filters)
    return Slide(
        "Customer satisfaction: NPS and CSAT",
        lead,
        tiles=tiles,
        blocks=[
            Chart(
                overview_charts.nps_trend(monthly),
                "Monthly NPS = % promoters (9-10) − % detractors (0-6); the band is the 95% "
                "interval, wide when few responded.",
            ),
            Chart(
                feedback_charts.trend(q, "csat", "quarter"),
                "Share of 4-5 ratings each quarter with its 95% (Wilson) interval; grey points "
                "rest on fewer than 30 answers.",
            ),
        ],
        note="NPS uses 0-10 answers only; answers on a 1-10 scale are counted apart.",
    )


def _trend_sentence(q: pd.DataFrame) -> str:
    """Latest quarter against the one before, with n, from the Feedback page's quarterly trend."""
    q = q[q["nps_n"] > 0] if len(q) else q
    if len(q) < 2:
        return ""
    a, b = q.iloc[-2], q.iloc[-1]
    start = pd.Timestamp(b["period"])
    when = f"Q{start.quarter} {start.year} quarter"
    parts = [
        f"NPS {number(b['nps'])} (n = {int(b['nps_n']):,}), {signed(b['nps'] - a['nps'])} "
        f"on the quarter before"
    ]
    if b["csat_n"] and a["csat_n"]:
        parts.append(
            f"CSAT {_pct(b['csat'])} (n = {int(b['csat_n']):,}), "
            f"{signed(100 * (b['csat'] - a['csat']), 1)} pts"
        )
    return f"In the {when}: " + "; ".join(parts) + "."


def actions_and_feedback(ctx: Context) -> Slide:
    acts = overview.actions_due(ctx.store, ctx.viewer, ctx.filters).head(MAX_ROWS)
    fb = overview.latest_feedback(ctx.store, ctx.viewer, ctx.filters, 8)
    a = Table(
        ("Action", "Title", "Due", "Days overdue"),
        tuple(
            (
                r.action_id,
                r.title,
                _date(r.due_date),
                number(r.days_overdue) if pd.notna(r.days_overdue) and r.days_overdue > 0 else "–",
            )
            for r in acts.itertuples()
        ),
        numeric=(False, False, True, True),
        widths=(0.8, 2.6, 1.0, 0.8),
        empty="No open actions on your projects.",
        heading="Actions due",
    )
    f = Table(
        ("Date", "Project", "NPS", "CSAT", "Comment"),
        tuple(
            (
                _date(r.date),
                str(r.project_id or "–"),
                number(r.nps),
                number(r.csat),
                r.comment if isinstance(r.comment, str) else "–",
            )
            for r in fb.itertuples()
        ),
        numeric=(True, False, True, True, False),
        widths=(0.9, 0.7, 0.5, 0.5, 2.8),
        empty="No feedback about your projects yet.",
        heading="Latest feedback",
    )
    return Slide(
        "Actions due and the latest feedback",
        "Open improvement actions, overdue first, and the most recent responses.",
        blocks=[a, f],
    )


def customer_health(ctx: Context) -> Slide:
    h = customers.health(ctx.store, ctx.viewer, ctx.filters, None)
    if h.empty:
        return Slide("Your customers' health", "No customers in this view.")
    h = h.sort_values("health")
    rows = tuple(
        (
            r.customer,
            str(r.tier or "–"),
            number(r.health),
            str(r.band),
            f"{number(r.nps, 0) if pd.isna(r.nps) else f'{r.nps:+.0f}'} (n={int(r.nps_n):,})",
            number(r.open_actions),
            _date(r.last_contact_date),
            r.reasons,
        )
        for r in h.head(MAX_ROWS_FULL).itertuples()
    )
    table = Table(
        ("Customer", "Tier", "Health", "Band", "NPS", "Open actions", "Last contact", "Why"),
        rows,
        numeric=(False, False, True, False, True, True, True, False),
        widths=(2.0, 0.9, 0.7, 0.7, 1.0, 0.8, 1.1, 3.4),
        rag=3,
        caption=f"Least healthy first: {len(rows)} of {len(h):,} customers."
        if len(h) > len(rows)
        else "Least healthy first.",
    )
    return Slide(
        "Your customers' health",
        f"{int((h['band'] == 'Red').sum()):,} Red, {int((h['band'] == 'Amber').sum()):,} Amber "
        f"and {int((h['band'] == 'Green').sum()):,} Green of {len(h):,} customers.",
        blocks=[table],
        note="Health 0-100 from NPS, its trend, CSAT, open actions, project RAG and contact "
        "recency (see Customers). Band: Green 70+, Amber 50-69, Red below 50.",
    )


def customer_charts_slide(ctx: Context) -> Slide:
    h = customers.health(ctx.store, ctx.viewer, ctx.filters, None)
    return Slide(
        "Satisfaction and health of your customers",
        "How your customers' health bands split, and their monthly NPS.",
        blocks=[
            Chart(customer_charts.health_bands(h), "Customers per health band."),
            Chart(
                overview_charts.nps_trend(trends.nps_trend(ctx.store, ctx.viewer, ctx.filters)),
                "Monthly NPS of your customers; the band is the 95% interval.",
            ),
        ],
    )
