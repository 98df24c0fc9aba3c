"""Prioritisation: value scores with customer evidence, how settled each place is, and the
best set of projects a budget buys."""

import streamlit as st

from pmo_data import ui
from pmo_data.analytics.value import scoring
from pmo_data.charts import prioritisation as prioritisation_charts
from pmo_data.ui.sections import prioritisation as sec

viewer, filters = ui.current_viewer(), ui.current_filters()
ui.page_header(
    "Prioritisation",
    f"Viewing as {viewer.label}. A weighted value score (customer impact first) for every "
    "open project, why each ranks where it does, how much the order depends on the weights, "
    "and the best selection a budget buys.",
)
ui.require_data("projects")
currency = ui.get_store().currency

st.subheader("Weights and method")
settings = sec.controls(viewer)

ranked = ui.shared(scoring.rank, viewer, filters, *settings.args)
if ranked.empty:
    st.info("No open projects in this view: widen the filters or choose another person.")
    st.stop()

st.subheader("How settled is the order?")
rob, top_k = sec.robustness(viewer, filters, settings, len(ranked))
sec.headline(ranked, rob, top_k)

st.subheader("Ranking")
ui.chart(
    ui.figure(prioritisation_charts.composition, ranked),
    "Score 0-100 = 100 x sum(weight x criterion) / sum(weights); each criterion is scaled "
    "0-1 on a fixed scale (ratings (x-1)/4, benefit/cost r/(1+r), urgency 1 - days/365).",
    key="pr_comp",
)
sec.ranked_table(ranked, currency)
st.caption(
    "Closed projects are not candidates. A missing input takes the neutral 0.5 and is named "
    "in 'Missing'. Customer evidence is computed on the feedback and actions you may see."
)

st.subheader("Look closer")
st.caption(
    "Choose one, computed when opened: why a project ranks where it does, how much the order "
    "depends on the weights, where the groups disagree, WSJF, and what a budget buys."
)
ui.lazy_sections(
    "pr_closer",
    {
        "Why does it rank there?": lambda: sec.why(ranked, currency),
        "Rank robustness": lambda: sec.robustness_detail(rob, top_k),
        "Where the groups disagree": lambda: sec.disagreement(viewer, filters, settings),
        "Alternative method: WSJF": lambda: sec.wsjf(viewer, filters, settings),
        "Choosing under a budget": lambda: sec.budget(viewer, filters, settings, ranked, currency),
    },
    closed=True,
)
