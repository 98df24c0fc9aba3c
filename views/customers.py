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
at_risk_tab, key_tab, overdue_tab, every_tab, map_tab = ui.lazy_tabs(
    [
        "Customers at risk",
        "Key customers (Strategic tier)",
        "Contact overdue",
        "Every customer: health and why",
        "Customer map",
    ],
    key="cu_lists",
)
with map_tab:
    if map_tab.open:
        sec.customer_map(viewer, filters, health)
with at_risk_tab:
    if at_risk_tab.open and sec.health_list(
        health,
        "at_risk",
        ["customer", "risk_reason", *sec.HEALTH_DEFAULT[1:]],
        key="cu_risk",
        none="No customer is at risk in this view.",
    ):
        st.caption("Red health (below 50), or NPS down 15+ points over the last two quarters.")
with key_tab:
    # the relationship at a glance: value, health, how recently we spoke, what is open
    if key_tab.open and sec.health_list(
        health,
        "key",
        [
            "customer",
            "account_lead",
            "annual_value",
            "health",
            "band",
            "nps",
            "nps_n",
            "last_contact_date",
            "days_overdue",
            "open_actions",
            "projects",
        ],
        key="cu_key",
        none="No Strategic-tier customers in this view.",
    ):
        st.caption(
            "Strategic-tier customers, largest annual value first; the reasons behind each health "
            "score are in the tab of every customer."
        )
with overdue_tab:
    if overdue_tab.open and sec.health_list(
        health,
        "overdue",
        [
            "customer",
            "account_lead",
            "tier",
            "last_contact_date",
            "cadence_days",
            "days_overdue",
            "health",
        ],
        key="cu_late",
        sort="days_overdue",
        descending=True,
        none="Every relationship in this view is within its agreed contact cadence.",
    ):
        st.caption("Days since the last contact beyond the agreed cadence, most overdue first.")
with every_tab:
    if every_tab.open:
        tiers = st.multiselect("Tier", sorted(health["tier"].dropna().unique()), key="cu_tiers")
        sec.health_list(
            health,
            None,
            [
                "customer",
                "tier",
                "segment",
                "health",
                "band",
                "reasons",
                "nps",
                "nps_change",
                "csat",
                "open_actions",
                "projects",
            ],
            key="cu_all",
            tiers=tiers,
        )
        st.caption(
            "Health 0-100 = weighted mean of NPS (30), NPS trend (10), CSAT (20), actions (10), "
            "project RAG (20) and contact recency (10), over the signals each customer has. "
            "'Why' lists the signals pulling the score down, worst first."
        )
ui.download_excel(
    "Download customer health", {"health": health}, "customer_health.xlsx", key="cu_dl"
)
