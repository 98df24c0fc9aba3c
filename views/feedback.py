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
st.caption("Choose one: each is computed when opened.")
ui.lazy_sections(
    "fb_closer",
    {
        "Breakdowns": lambda: sec.feedback_breakdown(viewer, filters),
        "Themes and what drives NPS": lambda: sec.themes_and_drivers(viewer, filters),
        "Comment explorer": lambda: sec.comment_explorer(viewer, filters),
        "Closing the loop": lambda: sec.closing_the_loop(viewer, filters),
        "Did it work?": lambda: sec.did_it_work(viewer, filters),
    },
    closed=True,
)
