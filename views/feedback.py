"""Feedback: who is unhappy, since when, about what; and did our actions work?"""

import streamlit as st

from pmo_data import ui
from pmo_data.ui.sections import feedback as sec

viewer, filters = ui.current_viewer(), ui.current_filters()
ui.page_header(
    "Feedback",
    f"Viewing as {viewer.label}. Satisfaction with n and 95% intervals, what customers talk "
    "about, and whether the actions we took changed anything.",
)
ui.require_data("feedback")

summary = sec.feedback_kpis(viewer, filters)
if not summary["responses"]:
    st.info("No feedback in this view: widen the filters or choose another person.")
    st.stop()

st.subheader("Trend")
sec.feedback_trend(viewer, filters)

st.subheader("Who is unhappy, since when, about what")
sec.who_is_unhappy(viewer, filters)

st.subheader("Breakdowns")
sec.feedback_breakdown(viewer, filters)

st.subheader("Themes and what drives NPS")
sec.themes_and_drivers(viewer, filters)

st.subheader("Comment explorer")
sec.comment_explorer(viewer, filters)

st.subheader("Closing the loop")
sec.closing_the_loop(viewer, filters)

st.subheader("Did it work?")
sec.did_it_work(viewer, filters)
