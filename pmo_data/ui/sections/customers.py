"""Drawing for the Customers page: headline, the customer map, health tables.

Every number comes from `ui.run(model, viewer, filters, ...)`, so it is scoped, cached per store
version, and computed outside Streamlit.
"""

from __future__ import annotations

import streamlit as st

from pmo_data.analytics import customers
from pmo_data.charts import customers as customer_charts
from pmo_data.formatting import money, number
from pmo_data.ui.context import get_store, run
from pmo_data.ui.widgets import Kpi, chart, kpi_row

NUM = st.column_config.NumberColumn
DATE = st.column_config.DateColumn("Date", format="D MMM YYYY")

HEALTH_COLS = {
    "customer": "Customer",
    "tier": "Tier",
    "account_lead": "Account lead",
    "annual_value": None,
    "health": NUM("Health", format="%.0f"),
    "band": "Band",
    "nps": NUM("NPS (12 m)", format="%.0f"),
    "nps_n": "NPS n",
    "nps_change": NUM("NPS change", format="%+.0f"),
    "open_actions": "Open actions",
    "projects": "Projects",
    "reasons": st.column_config.TextColumn("Why", width="large"),
    "risk_reason": "At risk because",
    "last_contact_date": st.column_config.DateColumn("Last contact", format="D MMM YYYY"),
    "cadence_days": NUM("Cadence (days)", format="%.0f"),
    "days_overdue": NUM("Days overdue", format="%.0f"),
}


HEALTH_DEFAULT = list(HEALTH_COLS)[:12]


def health_table(df, columns=None, key=None) -> None:
    cur = get_store().currency
    cols = columns or HEALTH_DEFAULT
    cfg = {c: HEALTH_COLS.get(c, c.replace("_", " ").capitalize()) for c in cols}
    cfg["annual_value"] = NUM("Annual value", format=("£" if cur == "GBP" else "") + "%,.0f")
    st.dataframe(df[cols], hide_index=True, column_config=cfg, key=key)


def customer_kpis(viewer, filters):
    h = run(customers.health, viewer, filters, None)
    s = customers.summary(h)
    cur = get_store().currency
    kpi_row(
        [
            Kpi(
                "Customers",
                number(s["customers"]),
                help=f"Annual value {money(s['annual_value'], cur)}",
            ),
            Kpi("Median health", number(s["median_health"]), help="0-100; 70+ Green, 50-69 Amber."),
            Kpi("At risk", number(s["at_risk"]), help="Red health or NPS down 15+ points."),
            Kpi(
                "Contact overdue",
                number(s["contact_overdue"]),
                help="Last contact older than the agreed cadence.",
            ),
        ]
    )
    return h


def customer_map(viewer, filters, h) -> None:
    cur = get_store().currency
    left, right = st.columns([3, 1])
    with left:
        chart(
            customer_charts.customer_map(
                run(customers.customer_map, viewer, filters), money_format=",.0f"
            ),
            f"Tiles sized by annual value ({cur}), coloured by health (red < 50, amber < 70, "
            "green); click a segment to open its customers and their projects.",
            key="cu_map",
        )
    with right:
        chart(customer_charts.health_bands(h), "Customers per health band.", key="cu_bands")
