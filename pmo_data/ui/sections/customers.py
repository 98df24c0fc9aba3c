"""Drawing for the Customers page: headline, the customer map, health tables.

Every number comes from `ui.run(model, viewer, filters, ...)`, so it is scoped, cached per store
version, and computed outside Streamlit.
"""

from __future__ import annotations

import streamlit as st

from pmo_data.analytics import customers
from pmo_data.charts import customers as customer_charts
from pmo_data.formatting import money, number
from pmo_data.measures import CSAT_SATISFIED
from pmo_data.store.paging import PageRequest, page
from pmo_data.ui.context import get_store, run, shared
from pmo_data.ui.kept import kept
from pmo_data.ui.tables import NPS_12M, Col, config, paged_table, table
from pmo_data.ui.widgets import Kpi, chart, figure, kpi_row

HEALTH_DEFAULT = [
    "customer",
    "tier",
    "account_lead",
    "annual_value",
    "health",
    "band",
    "nps",
    "nps_n",
    "nps_change",
    "open_actions",
    "projects",
    "reasons",
]


# Strategic customers: the health list's first columns but the tier (all Strategic), then how
# recently we spoke before what is open.
KEY_COLUMNS = [
    *(c for c in HEALTH_DEFAULT[: HEALTH_DEFAULT.index("nps_n") + 1] if c != "tier"),
    "last_contact_date",
    "days_overdue",
    "open_actions",
    "projects",
]


def _health_columns() -> dict:
    return {
        "nps": config("nps", label=NPS_12M),
        "nps_n": config("nps_n", label="NPS n (12 months)"),
        "csat": Col("CSAT (12 months)", "share", CSAT_SATISFIED.help),
        "risk_reason": config("risk_reason", label="At risk because"),
    }


def health_table(df, columns=None, key=None) -> None:
    """Customers with their health: NPS and CSAT here are the customer's last 12 months."""
    table(df, columns or HEALTH_DEFAULT, _health_columns(), rag="band", key=key)


def health_list(
    h,
    name: str | None,
    columns=None,
    key=None,
    sort=None,
    descending=False,
    none="",
    tiers=(),
) -> bool:
    """One of the page's lists (`customers.LISTS`, or every customer with None), a page at a
    time: search by customer, account lead, segment or tier; sort and paging in SQL over every
    customer in view. An empty list shows `none` instead; returns whether it has rows."""
    if none and not page(h, PageRequest(where=name, size=1), customers.LISTS).total:
        if name == "key":  # no key customers is a fact to note, not good news
            st.info(none)
        else:
            st.success(none)
        return False
    if h["account_lead"].nunique(dropna=False) == 1:  # one lead (their own view): no column
        columns = [c for c in columns or HEALTH_DEFAULT if c != "account_lead"]
    paged_table(
        h,
        key=key,
        columns=columns or HEALTH_DEFAULT,
        config_overrides=_health_columns(),
        search_columns=("customer", "customer_id", "account_lead", "segment", "tier"),
        search_label="Find a customer",
        search_placeholder="name, id, account lead, segment or tier",
        equals=[("tier", list(tiers))],
        where=name,
        predicates=customers.LISTS,
        default_sort=sort,
        default_descending=descending,
        rag="band",
        noun="customers",
    )
    return True


def at_risk(h) -> None:
    if health_list(
        h,
        "at_risk",
        ["customer", "risk_reason", *HEALTH_DEFAULT[1:]],
        key="cu_risk",
        none="No customer is at risk in this view.",
    ):
        st.caption("Red health (below 50), or NPS down 15+ points over the last two quarters.")


def key_customers(h) -> None:
    """The relationship at a glance: value, health, how recently we spoke, what is open."""
    if health_list(
        h,
        "key",
        KEY_COLUMNS,
        key="cu_key",
        none="No Strategic-tier customers in this view.",
    ):
        st.caption(
            "Strategic-tier customers, largest annual value first; the reasons behind each health "
            "score are in the tab of every customer."
        )


def contact_overdue(h) -> None:
    if health_list(
        h,
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


def every_customer(h) -> None:
    offered = sorted(h["tier"].dropna().unique())
    tiers = st.multiselect("Tier", offered, **kept("cu_tiers", options=offered))
    health_list(
        h,
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


def customer_kpis(viewer, filters):
    h = shared(customers.health, viewer, filters, None)  # read-only: one copy for every rerun
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
            figure(
                customer_charts.customer_map,
                run(customers.customer_map, viewer, filters),
                money_format=",.0f",
            ),
            f"Tiles sized by annual value ({cur}), coloured by health (red < 50, amber < 70, "
            "green); click a segment to open its customers and their projects. Each segment "
            f"shows its largest customers (up to about {customers.MAP_TILES} in all) and up to "
            f"{customers.MAP_PROJECTS} projects each; tiles named 'N smaller customers' and 'N "
            "more projects' hold the rest, which the other tabs' lists find.",
            key="cu_map",
        )
    with right:
        chart(figure(customer_charts.health_bands, h), "Customers per health band.", key="cu_bands")
