"""Overview: is the PMO delivering value to its customers? Headline KPIs with deltas."""

import streamlit as st

from pmo_data import kpis, ui
from pmo_data.charts import kpis as kpi_charts
from pmo_data.formatting import money, number, percent, signed

viewer, filters = ui.current_viewer(), ui.current_filters()
ui.page_header(
    "Overview",
    f"Viewing as {viewer.label}. Deltas compare with the previous store version (the last "
    "import), for the same view and filters.",
)
ui.require_data("projects")

store = ui.get_store()
cur = store.currency
now = ui.run(kpis.headline, viewer, filters, None)
prev_version = store.previous_version()
prev = ui.run(kpis.headline, viewer, filters, prev_version) if prev_version else None


def delta(field: str, fmt=signed):
    if prev is None:
        return None
    a, b = getattr(now, field), getattr(prev, field)
    if a is None or b is None or a == b:
        return None
    return fmt(a - b)


rag_text = f"🔴 {now.red:,} · 🟠 {now.amber:,} · 🟢 {now.green:,}"
variance = now.forecast_variance
ui.kpi_row(
    [
        ui.Kpi("Projects", number(now.projects), delta("projects"), f"By RAG: {rag_text}"),
        ui.Kpi(
            "Red projects",
            number(now.red),
            delta("red"),
            "Projects rated Red; an increase is bad.",
            delta_color="inverse",
        ),
        ui.Kpi(
            "Forecast vs budget",
            percent(variance, 1) if variance is not None else "–",
            None,
            f"Forecast {money(now.forecast, cur)} against budget {money(now.budget, cur)}",
        ),
        ui.Kpi("Customers", number(now.customers), delta("customers")),
        ui.Kpi(
            "NPS",
            number(now.nps) if now.nps is not None else "–",
            delta("nps", lambda d: f"{d:+.0f}"),
            f"n = {now.nps_n:,} responses on the 0-10 scale"
            + (f"; {now.nps_excluded:,} on a 1-10 scale left out" if now.nps_excluded else ""),
        ),
        ui.Kpi(
            "CSAT (4-5 of 5)",
            percent(now.csat) if now.csat is not None else "–",
            delta("csat", lambda d: f"{d * 100:+.1f} pts"),
            f"n = {now.csat_n:,} ratings",
        ),
        ui.Kpi(
            "Open actions",
            number(now.open_actions),
            delta("open_actions"),
            f"{now.overdue_actions:,} past their due date",
            delta_color="inverse",
        ),
        ui.Kpi(
            "Savings (likely)",
            money(now.savings_likely, cur),
            delta("savings_likely", lambda d: money(d, cur)),
            f"{money(now.savings_realised, cur)} realised to date",
        ),
    ]
)
ui.small_sample_note(now.nps_n)

left, right = st.columns(2)
with left:
    ui.chart(
        kpi_charts.rag_by_portfolio(ui.run(kpis.rag_by_portfolio, viewer, filters)),
        "Count of projects in this view by portfolio, coloured by their current RAG status.",
        key="ov_rag",
    )
with right:
    ui.chart(
        kpi_charts.nps_trend(ui.run(kpis.nps_trend, viewer, filters)),
        "Monthly NPS = % promoters (9-10) − % detractors (0-6); the band is the 95% "
        "interval, wide when few responded (hover for n).",
        key="ov_nps",
    )
