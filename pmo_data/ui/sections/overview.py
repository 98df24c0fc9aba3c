"""Drawing for the tailored Overview: the group's metrics with deltas, then its own sections.

Each stakeholder group gets a function below; `SECTIONS[group]` is what the page calls.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pmo_data.analytics import customers, services
from pmo_data.analytics.overview import metrics as overview
from pmo_data.analytics.overview import trends as kpis
from pmo_data.analytics.portfolio import projects as portfolio
from pmo_data.analytics.savings import ledger as savings
from pmo_data.charts import overview as overview_charts
from pmo_data.charts import portfolio as portfolio_charts
from pmo_data.charts import services as services_charts
from pmo_data.escaping import md
from pmo_data.formatting import money_format
from pmo_data.ui.context import get_store, run, shared
from pmo_data.ui.navigation import page_path
from pmo_data.ui.sections import portfolio as portfolio_sections
from pmo_data.ui.tables import NPS_12M, answer_columns, config, table
from pmo_data.ui.widgets import Kpi, chart, figure, kpi_row

DELTA_COLOUR = {"up": "normal", "down": "inverse", None: "off"}


def headline(viewer, filters) -> None:
    """The group's metrics, deltas against the previous import, and what changed in words."""
    store = get_store()
    cur = store.currency
    today = date.today()
    now = run(overview.metrics, viewer, filters, None, today)
    prev_v = store.previous_version()
    prev = run(overview.metrics, viewer, filters, prev_v, today) if prev_v else None
    before = {m.key: m for m in prev or []}
    kpi_row(
        [
            Kpi(
                m.label,
                m.show(cur),
                m.delta(before.get(m.key), cur),
                m.help or None,
                delta_color=DELTA_COLOUR[m.better],
            )
            for m in now
        ]
    )
    st.info(overview.what_changed(now, prev, prev_v, cur), icon=":material/compare_arrows:")


def _rag_and_nps(viewer, filters) -> None:
    left, right = st.columns(2)
    with left:
        chart(
            figure(overview_charts.rag_by_portfolio, run(kpis.rag_by_portfolio, viewer, filters)),
            "Count of projects in this view by portfolio, coloured by their current RAG status.",
            key="ov_rag",
        )
    with right:
        chart(
            figure(overview_charts.nps_trend, run(kpis.nps_trend, viewer, filters)),
            "Monthly NPS = % promoters (9-10) − % detractors (0-6); the band is the 95% "
            "interval, wide when few responded (hover for n).",
            key="ov_nps",
        )


def savings_headline(viewer, filters) -> None:
    """The executive savings line, exactly as the Savings page computes it."""
    store = get_store()
    t = shared(savings.totals, viewer, filters, savings.state(store))  # read-only
    st.markdown(f"#### {md(savings.headline(t.overall, store.currency))}")
    st.caption(
        "P10-P90 of the savings ledger accrued to this month (each line's estimate spread "
        "evenly over its period; Beta-PERT per line, 10,000 seeded draws, shared estimation "
        "error), double counts held back until decided; the rest of the ledger, lines not yet "
        "started included, is expected later."
    )
    st.page_link(
        page_path("savings"), label="Where each pound comes from", icon=":material/savings:"
    )


def executive(viewer, filters) -> None:
    savings_headline(viewer, filters)
    st.subheader("Top five risks to customer value")
    portfolio_sections.risks_list(viewer, filters, limit=5)
    st.page_link(
        page_path("portfolio"), label="All risks and the portfolio", icon=":material/list:"
    )
    _rag_and_nps(viewer, filters)


def _my_projects(viewer, filters, cols: list[str], key: str) -> pd.DataFrame:
    df = run(portfolio.projects, viewer, filters)
    if df.empty:
        st.info("No projects in this view.")
        return df
    table(df, cols, rag="rag", key=key)
    st.caption("Open any of them on the Portfolio page for its customers, feedback and history.")
    return df


def sponsor(viewer, filters) -> None:
    st.subheader("Your projects")
    df = _my_projects(
        viewer,
        filters,
        [
            "project_id",
            "name",
            "rag",
            "stage",
            "budget_variance_pct",
            "slip_days",
            "planned_benefit",
            "realised_benefit",
            "percent_complete",
        ],
        "ov_sp_projects",
    )
    if len(df):
        chart(
            figure(portfolio_charts.benefits, df, money_format(get_store().currency)),
            "Planned (business case) against realised benefit per project, largest planned "
            "first; the green bar filling the grey one is a benefit delivered.",
            key="ov_benefits",
        )
    _rag_and_nps(viewer, filters)


def project_manager(viewer, filters) -> None:
    st.subheader("Your projects")
    _my_projects(
        viewer,
        filters,
        [
            "project_id",
            "name",
            "rag",
            "stage",
            "percent_complete",
            "slip_days",
            "budget_variance_pct",
            "forecast_end_date",
        ],
        "ov_pm_projects",
    )
    left, right = st.columns(2)
    with left:
        st.subheader("Actions due")
        acts = run(overview.actions_due, viewer, filters)
        if acts.empty:
            st.success("No open actions on your projects.")
        else:
            table(acts, key="ov_pm_actions")
            st.caption("Open improvement actions, overdue first, then by due date.")
    with right:
        st.subheader("Latest feedback")
        fb = run(overview.latest_feedback, viewer, filters)
        if fb.empty:
            st.info("No feedback about your projects yet.")
        else:
            table(fb, config_overrides=answer_columns(), key="ov_pm_feedback")
            st.caption("The ten most recent responses about your projects.")


def account_lead(viewer, filters) -> None:
    st.subheader("Your customers' health")
    h = run(customers.health, viewer, filters, None)
    if h.empty:
        st.info("No customers in this view.")
        return
    cols = [
        "customer",
        "tier",
        "health",
        "band",
        "nps",
        "nps_n",
        "open_actions",
        "last_contact_date",
        "days_overdue",
        "reasons",
    ]
    table(
        h,
        cols,
        {
            "health": st.column_config.ProgressColumn(
                "Health", min_value=0, max_value=100, format="%.0f"
            ),
            "nps": config("nps", label=NPS_12M),
            "days_overdue": config("days_overdue", label="Contact overdue (days)"),
        },
        rag="band",
        key="ov_al_health",
    )
    st.caption(
        "Health 0-100 from NPS, its trend, CSAT, open actions, project RAG and contact recency "
        "(see Customers). Band: Green 70+, Amber 50-69, Red below 50."
    )
    st.page_link(page_path("customers"), label="Customers in depth", icon=":material/groups:")


def service_owner(viewer, filters) -> None:
    st.subheader("Your services: demand, capacity and satisfaction")
    load = run(services.demand_capacity, viewer, filters)
    if load.empty:
        st.info("No services in this view.")
        return
    left, right = st.columns(2)
    with left:
        chart(
            figure(services_charts.utilisation, load),
            "Demand ÷ capacity hours a month: red over 100% (over-demanded), amber 85-100%.",
            key="ov_so_util",
        )
    with right:
        chart(
            figure(services_charts.csat_vs_target, run(services.satisfaction, viewer, filters)),
            "Mean CSAT (1-5) with its 95% interval against the service's target; n on hover.",
            key="ov_so_csat",
        )
    st.page_link(page_path("services"), label="The service catalogue", icon=":material/menu_book:")


def pmo_analyst(viewer, filters) -> None:
    store = get_store()
    left, right = st.columns(2)
    with left:
        st.subheader("Orphan references")
        orph = run(overview.orphans, viewer)
        if orph.empty:
            st.success("Every customer, project and service id in the data points at a loaded row.")
        else:
            table(orph, key="ov_pmo_orphans")
            st.caption("Rows whose id is not loaded: import the missing entity or fix the ids.")
    with right:
        st.subheader("Key customers not heard from")
        quiet = run(overview.unheard_key_customers, viewer, filters)
        if quiet.empty:
            st.success(
                f"Every Strategic customer gave feedback in the last {overview.COVERAGE_DAYS} days."
            )
        else:
            table(quiet, key="ov_pmo_quiet")
            st.caption("Strategic-tier customers with no feedback in the window: ask them.")
    st.subheader("Recent imports")
    hist = store.history().head(5)
    table(
        hist.rename(columns={"user_name": "who", "action": "what"}),
        ["version", "created_at", "who", "what", "note"],
        {
            "created_at": config("created_at", label="When"),
            "who": config("who", label="Who"),
            "what": config("what", label="What"),
        },
        key="ov_pmo_history",
    )
    st.page_link(
        page_path("data"), label="Data: history, diff, rollback", icon=":material/database:"
    )


SECTIONS = {
    "executive": executive,
    "sponsor": sponsor,
    "project_manager": project_manager,
    "account_lead": account_lead,
    "service_owner": service_owner,
    "pmo_analyst": pmo_analyst,
}
