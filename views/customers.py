"""Customers: the customer map, key customers, health with reasons, contact cadence."""

import streamlit as st

from pmo_data import ui
from pmo_data.analytics import customers
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

st.subheader("Customer map")
sec.customer_map(viewer, filters, health)

st.subheader("Top five customers")
sec.health_table(
    ui.run(customers.top_five, viewer, filters),
    [
        "customer",
        "annual_value",
        "health",
        "band",
        "nps",
        "nps_n",
        "open_actions",
        "projects",
        "reasons",
    ],
    key="cu_top5",
)
st.caption("The five largest relationships by annual value, with their health and why.")

st.subheader("Customers at risk")
risk = ui.run(customers.at_risk, viewer, filters)
if risk.empty:
    st.success("No customer is at risk in this view.")
else:
    sec.health_table(risk, ["customer", "risk_reason", *sec.HEALTH_DEFAULT[1:]], key="cu_risk")
    st.caption("Red health (below 50), or NPS down 15+ points over the last two quarters.")

st.subheader("Key customers (Strategic tier)")
key = ui.run(customers.key_customers, viewer, filters)
if key.empty:
    st.info("No Strategic-tier customers in this view.")
else:
    # the relationship at a glance: value, health, how recently we spoke, what is open
    sec.health_table(
        key,
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
    )
    st.caption(
        f"{len(key):,} Strategic-tier customers, largest annual value first; the reasons behind "
        "each health score are in the table of every customer below."
    )

st.subheader("Relationship cadence: contact overdue")
late = ui.run(customers.overdue_contacts, viewer, filters)
if late.empty:
    st.success("Every relationship in this view is within its agreed contact cadence.")
else:
    sec.health_table(
        late,
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
    )
    st.caption("Days since the last contact beyond the agreed cadence, most overdue first.")

st.subheader("Every customer: health and why")
c1, c2 = st.columns([2, 1])
find = c1.text_input("Find a customer", key="cu_find", placeholder="Name or account lead")
tiers = c2.multiselect("Tier", sorted(health["tier"].dropna().unique()), key="cu_tiers")
every = sec.find_customers(health, find, tiers)
st.caption(f"{len(every):,} of {len(health):,} customers.")
sec.health_table(
    every,
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
)
st.caption(
    "Health 0-100 = weighted mean of NPS (30), NPS trend (10), CSAT (20), actions (10), "
    "project RAG (20) and contact recency (10), over the signals each customer has. "
    "'Why' lists the signals pulling the score down, worst first."
)
ui.download_excel(
    "Download customer health", {"health": health}, "customer_health.xlsx", key="cu_dl"
)
