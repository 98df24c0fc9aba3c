"""Maturity journey: where the PMO stands on the customer-centric gameboard (self-serving to
proactive), what the data says about each square, the next moves, and the history."""

import streamlit as st

from pmo_data import ui
from pmo_data.analytics import maturity
from pmo_data.ui.sections import maturity as sec

viewer, filters = ui.current_viewer(), ui.current_filters()
ui.page_header(
    "Maturity journey",
    f"Viewing as {viewer.label}. The customer-centric PMO gameboard as a self-assessment: the "
    "data suggests which squares are met, you confirm or override them with a note, and each "
    "saved assessment keeps the journey's history.",
)

ev = sec.evidence(viewer, filters)
sec.init(ev)
if ui.get_store().is_empty():
    st.info(
        "There is no data yet, so no square has evidence: every suggestion below is 'not met'. "
        "You can still assess the squares yourself; upload exports on the **Data** page for "
        "evidence.",
        icon=":material/upload_file:",
    )
editable = maturity.can_edit(viewer)

sec.headline(ev)

st.subheader("The journey")
sec.board(ev)

st.subheader("Next moves")
sec.next_moves(ev)

st.subheader("Self-assessment")
st.caption(
    "Ticked = done. Each square starts from the newest saved assessment (or, before the first "
    "save, from the evidence); 'override' marks an answer that differs from the evidence. "
    "Evidence is computed on the data you may see."
)
sec.form(ev, editable)
sec.save(viewer, ev, editable)

st.subheader("History of assessments")
ui.lazy_expander("Saved assessments, oldest to newest", "mt_history", sec.history)
