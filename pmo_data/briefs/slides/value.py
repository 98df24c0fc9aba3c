"""Slides on value: the headline numbers, the savings range, value delivered."""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from pmo_data.analytics.overview import metrics as overview
from pmo_data.analytics.savings import benefits
from pmo_data.analytics.savings import ledger as savings
from pmo_data.briefs.content import Chart, Slide, Table, Text, Tile
from pmo_data.briefs.slides.context import (
    MAX_ROWS,
    Context,
    _pct,
)
from pmo_data.charts import savings as savings_charts
from pmo_data.formatting import number


def headline(ctx: Context) -> Slide:
    """The group's Overview metrics, with deltas and what changed, in one line."""
    lead = overview.what_changed(ctx.metrics, ctx.previous_metrics, ctx.previous, ctx.currency)
    tiles = ctx.tiles()
    notes = [f"{t.label}: {t.note}" for t in tiles if t.note]
    return Slide(
        "The headline numbers",
        lead,
        tiles=[replace(t, note="") for t in tiles],  # the notes are spelled out below
        blocks=[Text(tuple(notes), bullets=True, heading="How each number is counted")],
        note="Deltas compare with the previous import for the same view and filters, as on the "
        "Overview.",
    )


def savings_range(ctx: Context) -> Slide:
    t = ctx.savings
    o = t.overall
    if t.empty or not o.get("n_counted"):
        return Slide(
            "Savings",
            savings.headline(o, ctx.currency),
            blocks=[
                Text(
                    (
                        "No savings lines in this view yet: import the savings ledger or "
                        "set up the estimators on the Savings page.",
                    )
                )
            ],
        )
    tiles = [
        Tile("P10 (cautious)", ctx.money(o["p10"]), note="9 in 10 chance of at least this"),
        Tile("P50 (likely)", ctx.money(o["p50"])),
        Tile("P90 (optimistic)", ctx.money(o["p90"]), note="1 in 10 chance of more"),
        Tile(
            "Realised to date",
            ctx.money(o["realised"]),
            note=f"cash saving reported on {o['n_realised']:,} lines",
        ),
        Tile(
            "Lines counted",
            number(o["n_counted"]),
            note=f"{o['n_excluded']:,} held back as double counts",
        ),
    ]
    cat = t.by.get("category", pd.DataFrame())
    rows = [
        (
            r.group,
            ctx.money(r.p10),
            ctx.money(r.p50),
            ctx.money(r.p90),
            ctx.money(r.realised),
            number(r.n),
        )
        for r in cat.itertuples()
    ][:MAX_ROWS]
    table = Table(
        ("Category", "P10", "P50", "P90", "Realised", "Lines"),
        tuple(rows),
        numeric=(False, True, True, True, True, True),
        widths=(2.6, 1, 1, 1, 1, 0.7),
        caption="P10/P50/P90 of each category's counted lines.",
    )
    chart = Chart(
        savings_charts.cumulative(t.cumulative, ctx.currency, ctx.today),
        "Cumulative estimated savings (P50, P10-P90 band) and realised, by month; dotted = today.",
    )
    return Slide(
        "Savings: the range, and what is realised",
        savings.headline(o, ctx.currency),
        tiles=tiles,
        blocks=[table, chart],
        split=0.52,
        note=savings.headline_caption(o, ctx.currency),
    )


def value_delivered(ctx: Context) -> Slide:
    s = benefits.summary(ctx.store, ctx.viewer, ctx.filters, ctx.today)
    tiles = (
        ctx.tiles(["value"])
        + [
            Tile("Benefit planned", ctx.money(s["planned"]), note=f"{s['projects']:,} projects"),
            Tile(
                "Realisation rate",
                _pct(s["rate"]),
                note=f"realised / planned, n = {s['n_rate']:,} projects with a planned benefit",
            ),
            Tile(
                "Rate once live",
                _pct(s["live_rate"]),
                note=f"projects live by today, n = {s['n_live']:,}",
            ),
        ]
        + ctx.tiles(["aligned"])
    )
    by = benefits.by_dimension(ctx.store, ctx.viewer, ctx.filters, "portfolio")
    left = Chart(
        savings_charts.benefits(by, ctx.currency, "Benefits by portfolio"),
        "Planned (light) against realised (green) benefit; label realised / planned and n.",
    )
    right = Chart(
        savings_charts.after_go_live(
            benefits.after_go_live(ctx.store, ctx.viewer, ctx.filters, ctx.today)
        ),
        "Realised / planned benefit by months since go-live; n on each bar.",
    )
    return Slide(
        "Value delivered",
        f"Benefits realised to date {ctx.money(s['realised'])} against "
        f"{ctx.money(s['planned'])} planned ({_pct(s['rate'])}).",
        tiles=tiles,
        blocks=[left, right],
    )
