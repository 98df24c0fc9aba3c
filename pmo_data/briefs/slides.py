"""One function per slide: each calls the same model the page calls (never a second
computation) and turns its result into tiles, tables, charts and sentences formatted as the
page formats them. `packs.py` decides which slides each stakeholder group gets.

Every model is called through the viewer and filters of the brief, so the scope of a brief is
the scope of the pages: an account lead's brief names only their customers.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

import pandas as pd

from pmo_data.analytics import customers, freshness, maturity, services
from pmo_data.analytics.feedback import scores as feedback
from pmo_data.analytics.overview import metrics as overview
from pmo_data.analytics.overview import trends
from pmo_data.analytics.portfolio import projects as portfolio
from pmo_data.analytics.portfolio import risks
from pmo_data.analytics.savings import benefits
from pmo_data.analytics.savings import ledger as savings
from pmo_data.analytics.value import scoring
from pmo_data.briefs.content import Chart, Slide, Table, Text, Tile
from pmo_data.charts import customers as customer_charts
from pmo_data.charts import feedback as feedback_charts
from pmo_data.charts import maturity as maturity_charts
from pmo_data.charts import overview as overview_charts
from pmo_data.charts import portfolio as portfolio_charts
from pmo_data.charts import prioritisation as priority_charts
from pmo_data.charts import savings as savings_charts
from pmo_data.charts import services as service_charts
from pmo_data.formatting import money, money_format, number, percent, signed
from pmo_data.measures import NPS_POINTS
from pmo_data.schema import entity
from pmo_data.store.access import GROUPS, PERSON_COLUMN, Viewer
from pmo_data.store.scope import NO_FILTERS, Filters
from pmo_data.store.versions import Store

TOP_RISKS = 5
TOP_PROJECTS = 10  # the Prioritisation page's default "Top K"
MAX_ROWS = 12  # rows of a half-width listing (the page has the rest)
MAX_ROWS_FULL = 15  # rows of a full-width listing


@dataclass
class Context:
    """Who the brief is for, what it covers and the models every slide shares (computed once)."""

    store: Store
    viewer: Viewer
    filters: Filters = NO_FILTERS
    today: date = field(default_factory=date.today)

    @property
    def currency(self) -> str:
        return self.store.currency

    def money(self, x) -> str:
        return money(x, self.currency)

    @cached_property
    def version(self) -> int:
        return self.store.current_version()

    @cached_property
    def previous(self) -> int | None:
        return self.store.previous_version()

    @cached_property
    def metrics(self) -> list[overview.Metric]:
        return overview.metrics(self.store, self.viewer, self.filters, None, self.today)

    @cached_property
    def previous_metrics(self) -> list[overview.Metric] | None:
        if not self.previous:
            return None
        return overview.metrics(self.store, self.viewer, self.filters, self.previous, self.today)

    @cached_property
    def savings(self) -> savings.Totals:
        return savings.totals(self.store, self.viewer, self.filters, savings.state(self.store))

    @cached_property
    def history(self) -> pd.DataFrame:
        return self.store.history()

    def tiles(self, keys: list[str] | None = None) -> list[Tile]:
        """The group's Overview metrics as tiles, with the Overview's deltas."""
        before = {m.key: m for m in self.previous_metrics or []}
        out = []
        for m in self.metrics:
            if keys is not None and m.key not in keys:
                continue
            p = before.get(m.key)
            d = m.delta(p, self.currency)
            good = None
            if d is not None and m.better is not None:
                good = (m.value > p.value) == (m.better == "up")
            out.append(Tile(m.label, m.show(self.currency), d, good, m.help))
        return out


def _date(x) -> str:
    """'5 Mar 2026' as the pages' date columns show it; the dash when missing."""
    if x is None or pd.isna(x):
        return "–"
    return f"{pd.Timestamp(x):%-d %b %Y}"


def _pct(x) -> str:
    return percent(x) if x is not None and not pd.isna(x) else "–"


# -- the executive board pack -----------------------------------------------------------------
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


def rag_mix(ctx: Context) -> Slide:
    df = portfolio.projects(ctx.store, ctx.viewer, ctx.filters)
    counts = df["rag"].fillna("Unknown").value_counts() if len(df) else pd.Series(dtype=int)
    n = len(df)
    tiles = [
        Tile(
            rag,
            number(counts.get(rag, 0)),
            note=f"{_pct(counts.get(rag, 0) / n if n else None)} of projects",
        )
        for rag in ("Red", "Amber", "Green")
    ] + [Tile("Projects", number(n))]
    s = portfolio.variance_summary(df) if n else {}
    late = int(portfolio.slipping(df).sum()) if n else 0
    tiles.append(Tile("Slipping", number(late), note="forecast end after baseline, open"))
    lines = []
    if s:
        lines.append(
            f"Forecast {ctx.money(s.get('forecast'))} against budget {ctx.money(s.get('budget'))}."
        )
    return Slide(
        "Portfolio health: the RAG mix",
        f"{number(counts.get('Red', 0))} Red and {number(counts.get('Amber', 0))} Amber of "
        f"{number(n)} projects in view."
        if n
        else "No projects in this view.",
        tiles=tiles,
        blocks=[
            Chart(
                overview_charts.rag_by_portfolio(
                    trends.rag_by_portfolio(ctx.store, ctx.viewer, ctx.filters)
                ),
                "Count of projects by portfolio, coloured by their current RAG status.",
            ),
            Chart(
                portfolio_charts.rag_over_versions(
                    portfolio.rag_over_versions(ctx.store, ctx.viewer, ctx.filters)
                ),
                "RAG mix at each import: is the portfolio getting healthier?",
            ),
        ],
        split=0.55,
        note=" ".join(lines),
    )


def top_risks(ctx: Context) -> Slide:
    df = risks.risks(ctx.store, ctx.viewer, ctx.filters)
    if df.empty:
        return Slide(
            "Top risks to customer value",
            "No open project in this view is Red, Amber, slipping or over forecast.",
        )
    top = df.head(TOP_RISKS)
    rows = tuple(
        (
            str(r.rank),
            f"{r.name} ({r.project_id})",
            str(r.rag),
            ctx.money(r.value_at_stake),
            r.reason,
        )
        for r in top.itertuples()
    )
    return Slide(
        f"Top {len(top)} risks to customer value",
        f"The top {len(top)} of {len(df):,} open projects that are Red, Amber, slipping or over "
        "forecast, ranked by trouble × the customer value they touch.",
        blocks=[
            Table(
                ("#", "Project", "RAG", "Value at stake", "Why"),
                rows,
                numeric=(True, False, False, True, False),
                widths=(0.35, 3.2, 0.8, 1.3, 6.2),
                rag=2,
            )
        ],
        note="Value at stake: annual value of the customers a project serves, weighted up for "
        "Strategic tier and unhappy customers. Full list on the Portfolio page.",
    )


def prioritisation(ctx: Context) -> Slide:
    """As the Prioritisation page opens: default weights and method, Top K = min(10, n)."""
    args = (ctx.store, ctx.viewer, ctx.filters, scoring.DEFAULT_WEIGHTS, "blend", 0.5)
    ranked = scoring.rank(*args)
    if ranked.empty:
        return Slide("Prioritisation", "No open projects in this view to rank.")
    k = min(TOP_PROJECTS, len(ranked))
    rob = scoring.robustness(*args, k)
    h = scoring.headline(ranked, rob)
    settled, hinge = h["settled"], h["hinge"]
    top = rob.head(k)
    rows = tuple(
        (
            str(r.rank),
            f"{r.name} ({r.project_id})",
            number(r.score, 1),
            percent(r.p_top_k),
            f"{number(r.rank_p10)}–{number(r.rank_p90)}",
            r.verdict,
        )
        for r in top.itertuples()
    )
    table = Table(
        ("Rank", "Project", "Score", f"P(top {k})", "Rank P10–P90", "How settled"),
        rows,
        numeric=(True, False, True, True, True, False),
        widths=(0.65, 3.5, 0.7, 0.85, 1.0, 1.9),
    )
    chart = Chart(
        priority_charts.robustness(rob, k, top=k + 5),
        f"Median rank and P10-P90 over {scoring.DRAWS:,} weight draws around the default weights.",
    )
    return Slide(
        "Prioritisation: the top projects and how settled the order is",
        f"{number(h['candidates'])} candidates. {settled} of the top {k} are settled (P > 90% of staying "
        f"in the top {k} when the weights move); {hinge} places hinge on the weights (P between "
        "10% and 90%).",
        blocks=[table, chart],
        split=0.6,
        note="Default weights (customer impact first), customer impact blended 50/50 from the "
        "declared rating and customer evidence, as the Prioritisation page opens.",
    )


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


def _stage(stage) -> str:
    """'The self-serving PMO' -> 'Self-serving', as the Maturity page's tiles name it."""
    return stage.short


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if not text or text[-1] in ".!?" else text + "."


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
def _project_rows(df: pd.DataFrame, ctx: Context, cols: list[str]) -> Table:
    fmt = {
        "project_id": ("Project", str, False, 0.8),
        "name": ("Name", str, False, 2.8),
        "rag": ("RAG", str, False, 0.7),
        "stage": ("Stage", str, False, 0.9),
        "budget_variance_pct": ("Budget variance", lambda x: _pct(x), True, 0.9),
        "slip_days": ("Slip (days)", lambda x: number(x), True, 0.7),
        "planned_benefit": ("Planned", ctx.money, True, 0.8),
        "realised_benefit": ("Realised", ctx.money, True, 0.8),
        "percent_complete": (
            "Complete",
            lambda x: percent(x, fraction=False) if pd.notna(x) else "–",
            True,
            0.8,
        ),
        "forecast_end_date": ("Forecast end", _date, True, 1.0),
    }
    shown = df.sort_values(["rag", "slip_days"], key=_rag_first, ascending=[True, False])
    shown = shown.head(MAX_ROWS_FULL)
    rows = tuple(
        tuple(fmt[c][1](v) for c, v in zip(cols, r, strict=True))
        for r in shown[cols].itertuples(index=False)
    )
    return Table(
        tuple(fmt[c][0] for c in cols),
        rows,
        numeric=tuple(fmt[c][2] for c in cols),
        widths=tuple(fmt[c][3] for c in cols),
        rag=cols.index("rag") if "rag" in cols else None,
        caption=f"Red first, then most late: {len(rows)} of {len(df):,} projects."
        if len(df) > len(rows)
        else "",
    )


def _rag_first(s: pd.Series) -> pd.Series:
    if s.name == "rag":
        return s.map({"Red": 0, "Amber": 1, "Green": 2}).fillna(3)
    return s.fillna(0)


def my_projects(ctx: Context, cols: list[str]) -> Slide:
    df = portfolio.projects(ctx.store, ctx.viewer, ctx.filters)
    if df.empty:
        return Slide("Your projects", "No projects in this view.")
    return Slide(
        "Your projects", f"{len(df):,} projects in view.", blocks=[_project_rows(df, ctx, cols)]
    )


def project_benefits(ctx: Context) -> Slide:
    df = portfolio.projects(ctx.store, ctx.viewer, ctx.filters)
    planned, realised = df["planned_benefit"].sum(), df["realised_benefit"].sum()
    return Slide(
        "Benefits: planned against realised",
        f"Realised {ctx.money(realised)} of {ctx.money(planned)} planned "
        f"({_pct(realised / planned if planned else None)}).",
        blocks=[
            Chart(
                portfolio_charts.benefits(df, money_format(ctx.currency)),
                "Planned (business case) against realised benefit per project, largest "
                "planned first; the green bar filling the grey one is a benefit delivered.",
            )
        ],
    )


def rag_and_nps(ctx: Context) -> Slide:
    return Slide(
        "Health and satisfaction",
        "RAG status by portfolio and the monthly NPS of the projects in view.",
        blocks=[
            Chart(
                overview_charts.rag_by_portfolio(
                    trends.rag_by_portfolio(ctx.store, ctx.viewer, ctx.filters)
                ),
                "Count of projects by portfolio, coloured by their current RAG status.",
            ),
            Chart(
                overview_charts.nps_trend(trends.nps_trend(ctx.store, ctx.viewer, ctx.filters)),
                "Monthly NPS = % promoters − % detractors; the band is the 95% interval.",
            ),
        ],
    )


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
