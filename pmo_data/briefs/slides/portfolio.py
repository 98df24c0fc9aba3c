"""Slides on the portfolio: RAG mix, top risks, prioritisation, a person's projects and benefits."""

from __future__ import annotations

import pandas as pd

from pmo_data.analytics.overview import trends
from pmo_data.analytics.portfolio import projects as portfolio
from pmo_data.analytics.portfolio import risks
from pmo_data.analytics.value import scoring
from pmo_data.briefs.content import Chart, Slide, Table, Tile
from pmo_data.briefs.slides.context import (
    MAX_ROWS_FULL,
    TOP_PROJECTS,
    TOP_RISKS,
    Context,
    _date,
    _pct,
)
from pmo_data.charts import overview as overview_charts
from pmo_data.charts import portfolio as portfolio_charts
from pmo_data.charts import prioritisation as priority_charts
from pmo_data.formatting import money_format, number, percent


def _rag_by_portfolio(ctx: Context) -> Chart:
    return Chart(
        overview_charts.rag_by_portfolio(
            trends.rag_by_portfolio(ctx.store, ctx.viewer, ctx.filters)
        ),
        "Count of projects by portfolio, coloured by their current RAG status.",
    )


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
            _rag_by_portfolio(ctx),
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
            _rag_by_portfolio(ctx),
            Chart(
                overview_charts.nps_trend(trends.nps_trend(ctx.store, ctx.viewer, ctx.filters)),
                "Monthly NPS = % promoters − % detractors; the band is the 95% interval.",
            ),
        ],
    )
