"""Customers: the customer map, key customers, health with reasons, contact cadence."""

import streamlit as st

from pmo_data import ui
from pmo_data.ui.sections import customers as sec

viewer, filters = ui.current_viewer(), ui.current_filters()
ui.page_header(
    "Customers",
    f"Viewing as {viewer.label}. Who our customers are, what they are worth, how healthy each "
    "relationship is and why.",
)
ui.require_data("customers")

health = sec.customer_kpis(viewer, filters)
if health.empty:
    st.info("No customers in this view: widen the filters or choose another person.")
    st.stop()

st.subheader("Top five customers")
sec.health_table(
    health.head(5),  # health is ordered by annual value, largest first
    [
        "customer",
        "annual_value",
        "band",
        "reasons",  # the why beside the band, readable at 1280 px
        "health",
        "nps",
        "nps_n",
        "open_actions",
        "projects",
    ],
    key="cu_top5",
)
st.caption("The five largest relationships by annual value, with their health and why.")

st.subheader("Lists and map")
st.caption("Each tab is computed when opened; the lists' search, sort and paging cover every row.")
ui.lazy_sections(
    "cu_lists",
    {
        "Customers at risk": lambda: sec.at_risk(health),
        "Key customers (Strategic tier)": lambda: sec.key_customers(health),
        "Contact overdue": lambda: sec.contact_overdue(health),
        "Every customer: health and why": lambda: sec.every_customer(health),
        "Customer map": lambda: sec.customer_map(viewer, filters, health),
    },
)
ui.download_excel(
    "Download customer health", {"health": health}, "customer_health.xlsx", key="cu_dl"
)
