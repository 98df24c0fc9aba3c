"""Savings & benefits: the headline executives want, and where each pound comes from."""

import streamlit as st

from pmo_data import ui
from pmo_data.analytics.savings.estimators import ESTIMATORS
from pmo_data.ui.sections import savings as sec

viewer, filters = ui.current_viewer(), ui.current_filters()
ui.page_header(
    "Savings & benefits",
    f"Viewing as {viewer.label}. Savings as P10/P50/P90 ranges with the source of every "
    "line, double counts held back until decided, the estimators behind the modelled lines, "
    "and the benefits projects deliver.",
)
ui.require_data("savings")
currency = ui.get_store().currency
state = sec.doc_state()

totals = sec.headline(viewer, filters, state, currency)
if totals.empty:
    st.info("No savings lines in this view: widen the filters or choose another person.")
else:
    st.subheader("Where the savings come from")
    sec.breakdowns(totals, currency)

    st.subheader("How the estimate stands, double counts and the ledger")
    st.caption("Choose one: each is computed when opened.")
    ui.lazy_sections(
        "sv_stands",
        {
            "Realised against estimated": lambda: sec.realised(totals, currency),
            "Savings over time": lambda: sec.over_time(totals, currency),
            "From gross to net": lambda: sec.gross_to_net(totals, currency),
            "Double counting": lambda: sec.double_counts(viewer, totals, currency),
            "The ledger": lambda: sec.ledger_table(totals, currency),
        },
        closed=True,
    )

st.subheader("Estimators")
st.caption("How each modelled line is estimated. Choose one: each is computed when opened.")
ui.lazy_sections(  # only the chosen estimator is computed and drawn
    "sv_estimators",
    {
        e.label: (lambda kind=kind: sec.estimator(viewer, filters, kind, currency))
        for kind, e in ESTIMATORS.items()
    },
    closed=True,
)

st.subheader("Benefits")
sec.benefits_section(viewer, filters, state, currency)
