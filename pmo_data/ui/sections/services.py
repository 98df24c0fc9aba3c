"""Drawing for the Services page, one function per section.

Every number comes from `run(services.<model>, viewer, filters)`: scoped (a service owner sees
only their services), cached per store version, computed outside Streamlit.
"""

from __future__ import annotations

import streamlit as st

from pmo_data.analytics import services
from pmo_data.charts import services as services_charts
from pmo_data.escaping import md
from pmo_data.formatting import SYMBOLS, money, number, percent
from pmo_data.measures import SMALL_N
from pmo_data.ui.context import get_store, run
from pmo_data.ui.kept import kept
from pmo_data.ui.tables import Col, table
from pmo_data.ui.widgets import Kpi, chart, download_excel, figure, kpi_row

NUM = st.column_config.NumberColumn
TEXT = st.column_config.TextColumn


def _money_col(label: str, currency: str):
    return NUM(label, format=SYMBOLS.get(currency, "") + "%,.0f")


def kpis(viewer, filters) -> dict:
    s = run(services.summary, viewer, filters)
    kpi_row(
        [
            Kpi(
                "Services",
                number(s["services"]),
                help=f"{s['unused']:,} not used by anyone in this view.",
            ),
            Kpi(
                "Over capacity",
                f"{s['over']:,}/{s['services']:,}",
                help=f"Demand above capacity; another {s['near']:,} at 85-100%.",
            ),
            Kpi(
                "Utilisation",
                percent(s["utilisation"]),
                help=f"{number(s['demand'])} h asked for against {number(s['capacity'])} h a month.",
            ),
            Kpi(
                "People short",
                number(s["people_short"], 1),
                help=f"Hours over capacity / {services.HOURS_PER_PERSON} productive hours per "
                "person a month, summed over over-demanded services.",
            ),
            Kpi(
                "Below target",
                f"{s['below_target']:,}/{s['rated']:,}",
                help="Rated services whose whole 95% interval for mean CSAT is below target.",
            ),
        ]
    )
    st.caption(
        f"{s['services']:,} services on the menu; utilisation = demand / capacity hours "
        f"a month over the services that record a capacity; 'below target' = mean CSAT clearly below the service's target "
        f"(n = {s['rated']:,} rated services)."
    )
    return s


def menu(viewer, filters, currency: str) -> None:
    cat = run(services.catalogue, viewer, filters)
    cols = [
        "name",
        "category",
        "owner",
        "description",
        "skills",
        "charge",
        "unit_cost",
        "margin",
        "capacity_hours",
        "demand_hours",
        "target_csat",
    ]
    table(
        cat[cols],
        hide_index=True,
        key="sv_menu",
        column_config={
            "name": "Service",
            "category": "Category",
            "owner": "Owner",
            "description": TEXT("What the customer gets", width="large"),
            "skills": TEXT("Skills behind it", width="medium"),
            "margin": _money_col("Margin / unit", currency),
            "capacity_hours": NUM("Capacity (h/month)", format="%,.0f"),
            "demand_hours": NUM("Demand (h/month)", format="%,.0f"),
            "target_csat": NUM("Target CSAT", format="%.1f"),
        },
    )
    st.caption(
        "The menu as imported: charge is what the customer pays per unit (0 = free at the point "
        "of use), margin = charge - unit cost."
    )
    download_excel(
        "Download the catalogue", {"catalogue": cat}, "service_catalogue.xlsx", key="sv_dl"
    )


def demand(viewer, filters) -> None:
    load = run(services.demand_capacity, viewer, filters)
    chart(
        figure(services_charts.utilisation, load),
        "Utilisation = demand hours / capacity hours per month; red over 100% (over-demanded), "
        "amber 85-100% (near capacity), green below.",
        key="sv_util",
    )
    table(
        load.assign(utilisation=load["utilisation"] * 100, change=load["change"] * 100)[
            [
                "name",
                "band",
                "utilisation",
                "demand_hours",
                "capacity_hours",
                "shortfall_hours",
                "people_short",
                "direction",
                "change",
            ]
        ],
        hide_index=True,
        key="sv_dc",
        column_config={
            "name": "Service",
            "band": "Capacity",
            "utilisation": NUM("Utilisation", format="%.0f%%"),
            "demand_hours": NUM("Demand (h)", format="%,.0f"),
            "capacity_hours": NUM("Capacity (h)", format="%,.0f"),
            "shortfall_hours": NUM("Short by (h)", format="%,.0f"),
            "people_short": NUM("People short", format="%.1f"),
            "direction": "Demand trend",
            "change": NUM("Trend change", format="%+.0f%%"),
        },
    )
    st.caption(
        f"People short = hours over capacity / {services.HOURS_PER_PERSON} productive hours a "
        f"month. Demand trend compares activity (active projects + responses + actions) in the "
        f"last {services.TREND_WINDOW} complete months with the {services.TREND_WINDOW} before; "
        f"beyond ±{services.TREND_STEP:.0%} it is rising or falling."
    )


def skills(viewer, filters) -> None:
    sk = run(services.skills, viewer, filters)
    st.markdown("**Enough chefs? Skills behind the over-demanded services**")
    table(
        sk.head(12),
        hide_index=True,
        key="sv_skills",
        column_config={
            "skill": "Skill",
            "services": "Services needing it",
            "over": "Of which over capacity",
            "shortfall_hours": NUM("Short by (h/month)", format="%,.0f"),
            "people_short": NUM("People short", format="%.1f"),
            "service_names": TEXT("Services", width="large"),
        },
    )
    st.caption(
        "Skills as listed in the catalogue (comma separated); the hours short of every "
        "over-demanded service that needs the skill, summed, most short first."
    )


def demand_per_month(viewer, filters) -> None:
    measure = st.radio(
        "Demand signal",
        list(services_charts.MEASURES),
        format_func=services_charts.MEASURES.get,
        horizontal=True,
        **kept("sv_measure"),
    )
    trend = run(services.demand_trend, viewer, filters)
    chart(
        figure(services_charts.demand_heatmap, trend, measure),
        f"{services_charts.MEASURES[measure]} tied to each service per month over the last "
        f"{services.TREND_MONTHS} months"
        + (
            " (a project counts in every month from start to forecast end)"
            if measure == "projects_active"
            else ""
        )
        + "; the last month may be incomplete.",
        key="sv_trend",
    )


def satisfaction(viewer, filters) -> None:
    sat = run(services.satisfaction, viewer, filters)
    chart(
        figure(services_charts.csat_vs_target, sat),
        "Mean CSAT (1-5) per service with its 95% t-interval against the service's target "
        "(black tick); red only when the whole interval is below target.",
        key="sv_csat",
    )
    table(
        sat[
            [
                "service",
                "csat_mean",
                "csat_mean_lo",
                "csat_mean_hi",
                "csat_n",
                "target_csat",
                "vs_target",
                "csat",
                "nps",
                "nps_lo",
                "nps_hi",
                "nps_n",
            ]
        ],
        hide_index=True,
        key="sv_sat",
        column_config={
            "service": "Service",
            "csat_mean_lo": NUM("CSAT low", format="%.2f"),
            "csat_mean_hi": NUM("CSAT high", format="%.2f"),
            "target_csat": NUM("Target", format="%.1f"),
            "vs_target": "Against target",
            "csat": Col("Satisfied (4-5 of 5)", "share"),
        },
    )
    st.caption(f"n beside every rate; fewer than {SMALL_N} ratings: read as indicative.")


def value(viewer, filters, currency: str) -> None:
    vfm = run(services.value_for_money, viewer, filters)
    fmt = SYMBOLS.get(currency, "") + ",.0f"
    chart(
        figure(services_charts.value_map, vfm, fmt),
        "Each service at its charge per unit (x) and mean CSAT (y); marker area = customers "
        "using it (projects or feedback). Verdict (colour and shape): charged or free, and "
        "whether CSAT is below target (95% interval). Services that would cover each other are "
        "set a little apart sideways (hover gives the exact charge); names are shown where "
        "they fit, every service is in the table below.",
        key="sv_value",
    )
    table(
        vfm[
            [
                "name",
                "verdict",
                "charge",
                "unit_cost",
                "recovery",
                "csat_mean",
                "csat_n",
                "nps",
                "nps_n",
                "customers",
                "open_projects",
                "responses",
            ]
        ],
        hide_index=True,
        key="sv_vfm",
        column_config={
            "name": "Service",
            "verdict": "Verdict",
            "recovery": NUM("Charge / cost", format="%.2f"),
            "customers": "Customers",
            "open_projects": "Open projects",
            "responses": "Responses",
        },
    )
    free = vfm[(vfm["charge"].fillna(0) == 0)]
    if len(free):
        st.caption(
            f"Free at the point of use: {', '.join(md(n) for n in free['name'])}. Their cost "
            f"({money(free['unit_cost'].sum(), currency)} per unit in all) is recovered "
            "elsewhere or not at all."
        )


def segments(viewer, filters) -> None:
    seg = run(services.segment_usage, viewer, filters)
    chart(
        figure(services_charts.segment_heatmap, seg),
        "Distinct customers of each segment with a project or a feedback response about the "
        "service; blank columns are services no segment uses.",
        key="sv_seg",
    )


def gaps(viewer, filters) -> None:
    left, right = st.columns([2, 3])
    with left:
        st.markdown("**On the menu, not ordered**")
        idle = run(services.unused, viewer, filters)
        if idle.empty:
            st.success("Every service in this view has a project, a response or an action.")
        else:
            table(
                idle[["name", "category", "owner", "capacity_hours"]],
                hide_index=True,
                key="sv_unused",
                column_config={
                    "name": "Service",
                    "category": "Category",
                    "owner": "Owner",
                    "capacity_hours": NUM("Capacity (h)", format="%,.0f"),
                },
            )
            st.caption("No project, feedback response or action in this view names the service.")
    with right:
        st.markdown("**Asked for, not on the menu**")
        cov = run(services.uncovered_requests, viewer, filters)
        if cov.empty:
            st.info("No comment themes in this view to compare with the menu.")
            return
        table(
            cov[["status", "theme", "comments", "negative_share", "matched_terms", "services"]],
            hide_index=True,
            key="sv_cover",
            column_config={
                "status": "Catalogue",
                "theme": "Feedback theme",
                "comments": Col("Comments", "int"),
                "negative_share": Col("Negative", "share"),
                "matched_terms": "Matched terms",
                "services": "Matching services",
            },
        )
        st.caption(
            "Themes come from the comment model (top terms per theme). A theme is covered when "
            f"one of its terms (4+ letters, generic words like 'project' or 'team' left out) "
            f"shares its first {services.STEM} letters with a word in a service's name, "
            "description or skills, anywhere in the catalogue; only services you may see are "
            "named."
        )


def currency() -> str:
    return get_store().currency
