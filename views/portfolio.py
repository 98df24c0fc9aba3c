"""Portfolio: every project in view, where it is heading, and the risks to customer value."""

import streamlit as st

from pmo_data import ui
from pmo_data.analytics.portfolio import projects as portfolio
from pmo_data.ui.sections import portfolio as sec

viewer, filters = ui.current_viewer(), ui.current_filters()
ui.page_header(
    "Portfolio",
    f"Viewing as {viewer.label}. Every project in view with its budget and schedule variance, "
    "where the portfolio is heading, and which troubled projects put customer value at risk.",
)
ui.require_data("projects")

projects = ui.shared(portfolio.projects, viewer, filters)
if projects.empty:
    st.info("No projects in this view: widen the filters or choose another person.")
    st.stop()

opened = st.query_params.get(sec.PROJECT_PARAM)
if opened:  # a selected row or a shared link: the detail opens over the page, where one looks
    sec.detail_dialog(viewer, opened)

sec.kpis(projects)

st.subheader("Risks to customer value")
sec.risks_table(viewer, filters, limit=15)

st.subheader("Projects")
narrow = sec.table_filters(projects)
picked, shown = sec.project_table(projects, narrow)
st.caption(
    "Select a row to open the project (its link can be shared). Budget variance = forecast ÷ "
    "budget − 1; slip = forecast end − baseline end."
)
sec.open_project(picked, opened)
sec.download(shown)

st.subheader("Timeline and shape")
st.caption("Choose one: each is computed when opened.")
ui.lazy_sections(
    "pf_views",
    {  # the timeline shows the projects the table above shows (its filters and search)
        "Timeline": lambda: sec.timeline(shown),
        "Shape and health": lambda: sec.treemap_and_trend(viewer, filters, projects),
    },
    closed=True,
)
