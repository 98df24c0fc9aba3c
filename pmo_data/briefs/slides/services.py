"""Slides on PMO services: demand against capacity, satisfaction per service, the maturity stage."""

from __future__ import annotations

from pmo_data.analytics import maturity, services
from pmo_data.briefs.content import Chart, Slide, Table, Text, Tile
from pmo_data.briefs.slides.context import (
    MAX_ROWS,
    Context,
    _pct,
    _sentence,
    _stage,
)
from pmo_data.charts import maturity as maturity_charts
from pmo_data.charts import services as service_charts
from pmo_data.formatting import number


def demand_capacity(ctx: Context) -> Slide:
    dc = services.demand_capacity(ctx.store, ctx.viewer, ctx.filters)
    if dc.empty:
        return Slide("Services: demand against capacity", "No services in this view.")
    s = services.summary(ctx.store, ctx.viewer, ctx.filters)
    tiles = [
        Tile(
            "Utilisation",
            _pct(s["utilisation"]),
            note=f"demand {number(s['demand'])} h / capacity {number(s['capacity'])} h a month",
        ),
        Tile(
            "Over capacity",
            f"{number(s['over'])}/{number(s['services'])}",  # as on the Services page
            note=f"{number(s['near'])} near capacity",
        ),
        Tile(
            "People short",
            number(s["people_short"], 1),
            note=f"shortfall at {services.HOURS_PER_PERSON} h a person a month",
        ),
        Tile("Below CSAT target", number(s["below_target"]), note=f"of {s['rated']:,} rated"),
    ]
    short = dc[dc["utilisation"].notna()].sort_values("utilisation", ascending=False)
    rows = tuple(
        (
            r.name,
            number(r.demand_hours),
            number(r.capacity_hours),
            _pct(r.utilisation),
            number(r.people_short, 1),
            str(r.band),
        )
        for r in short.head(MAX_ROWS).itertuples()
    )
    table = Table(
        ("Service", "Demand h", "Capacity h", "Utilisation", "People short", "Band"),
        rows,
        numeric=(False, True, True, True, True, False),
        widths=(2.6, 0.9, 0.9, 0.9, 0.9, 1.3),
        caption=f"The {len(rows)} busiest of {len(short):,} services with a capacity, a month."
        if len(short) > len(rows)
        else "",
    )
    return Slide(
        "Services: demand against capacity",
        f"Utilisation {_pct(s['utilisation'])}: {number(s['over'])} of {number(s['services'])} "
        f"services over capacity, about {number(s['people_short'], 1)} people short.",
        tiles=tiles,
        blocks=[
            table,
            Chart(
                service_charts.utilisation(dc),
                "Demand ÷ capacity hours a month: red over 100%, amber 85-100%.",
            ),
        ],
        split=0.55,
    )


def maturity_stage(ctx: Context) -> Slide:
    ev = maturity.evidence(ctx.store, ctx.viewer, ctx.filters, ctx.today)
    saved = maturity.latest(ctx.store)
    done = (
        {k: bool(v.get("done")) for k, v in saved["squares"].items()}
        if saved
        else maturity.suggested(ev)
    )
    reached, next_stage = maturity.stage_reached(done), maturity.working_on(done)
    source = "the newest saved assessment" if saved else "the evidence (no assessment saved yet)"
    moves = maturity.next_moves(done, ev)
    lines = tuple(
        f"Square {m['square']} ({m['stage']}): {_sentence(m['text'])} {_sentence(m['why'])}"
        + (f" Start with: {', '.join(map(str, m['items'][:4]))}." if m["items"] else "")
        for m in moves
    )
    stages = [(s.key, s.name) for s in maturity.STAGES]
    return Slide(
        "Customer-centric maturity: where we stand and the next moves",
        f"Stage reached: {reached.name if reached else 'none yet'}; working on: "
        f"{next_stage.name if next_stage else 'all done'} (from {source}).",
        tiles=[
            Tile("Stage reached", _stage(reached) if reached else "None yet"),
            Tile("Working on", _stage(next_stage) if next_stage else "All done"),
            Tile("Squares done", f"{sum(done.values())}/{len(maturity.SQUARES)}"),
            Tile(
                "Evidence says met",
                f"{int((ev['status'] == maturity.MET).sum())}/{int(ev['rule'].notna().sum())}",
            ),
        ],
        blocks=[
            Chart(
                maturity_charts.board(ev, done, stages),
                "The gameboard left to right: dark green = done, light green = the data says "
                "met, amber = partly met, grey = not yet.",
            ),
            Text(
                lines or ("Every square is done: keep adding value before customers ask.",),
                bullets=True,
                heading="Next moves",
            ),
        ],
        split=0.5,
    )


def service_satisfaction(ctx: Context) -> Slide:
    dc = services.demand_capacity(ctx.store, ctx.viewer, ctx.filters)
    if dc.empty:
        return Slide("Your services", "No services in this view.")
    sat = services.satisfaction(ctx.store, ctx.viewer, ctx.filters)
    return Slide(
        "Your services: demand, capacity and satisfaction",
        f"{int(dc['over'].sum()):,} of {len(dc):,} services over capacity; "
        f"{int((sat['vs_target'] == 'Below target').sum()):,} below their CSAT target.",
        blocks=[
            Chart(
                service_charts.utilisation(dc),
                "Demand ÷ capacity hours a month: red over 100% (over-demanded), amber 85-100%.",
            ),
            Chart(
                service_charts.csat_vs_target(sat),
                "Mean CSAT (1-5) with its 95% interval against the service's target.",
            ),
        ],
    )
