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

st.subheader("Look closer")
st.caption("Each tab is computed when opened.")
breakdowns, themes, comments, loop, worked = ui.lazy_tabs(
    [
        "Breakdowns",
        "Themes and what drives NPS",
        "Comment explorer",
        "Closing the loop",
        "Did it work?",
    ],
    key="fb_closer",
)
with breakdowns:
    if breakdowns.open:
        sec.feedback_breakdown(viewer, filters)
with themes:
    if themes.open:
        sec.themes_and_drivers(viewer, filters)
with comments:
    if comments.open:
        sec.comment_explorer(viewer, filters)
with loop:
    if loop.open:
        sec.closing_the_loop(viewer, filters)
with worked:
    if worked.open:
        sec.did_it_work(viewer, filters)
