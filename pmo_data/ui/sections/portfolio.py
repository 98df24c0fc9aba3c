"""Drawing for the Portfolio page and the project detail: one function per section.

A project opens from the table (select a row) or from a link (`?project=P-0001`); both put
the id in the URL so the detail view can be shared. The detail reads through the viewer's
scope: a link to a project outside it says so instead of showing it.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pmo_data.analytics.portfolio import detail as project_detail
from pmo_data.analytics.portfolio import projects as portfolio
from pmo_data.analytics.portfolio import risks
from pmo_data.charts import portfolio as portfolio_charts
from pmo_data.escaping import md
from pmo_data.formatting import money, money_format, number, percent
from pmo_data.measures import SLIPPING
from pmo_data.ui.context import get_store, run
from pmo_data.ui.tables import answer_columns, config, paged_table, table
from pmo_data.ui.widgets import Kpi, chart, download_excel, figure, kpi_row

NUM = st.column_config.NumberColumn
PROJECT_PARAM = "project"
RAG_BADGE = {"Red": "red", "Amber": "orange", "Green": "green"}
# shape and colour, as in the tables (no emoji: a laptop without an emoji font shows boxes)
RAG_DOT = {"Red": ":red[▲]", "Amber": ":orange[◆]", "Green": ":green[●]"}
TABLE_COLUMNS = [
    "project_id",
    "name",
    "portfolio",
    "rag",
    "stage",
    "customer",
    "percent_complete",
    "budget_variance_pct",
    "slip_days",
    "value_score",
    "sponsor",
    "project_manager",
    "end_date",
    "forecast_end_date",
    "budget",
    "forecast_cost",
]


def kpis(df: pd.DataFrame) -> None:
    cur = get_store().currency
    s = portfolio.variance_summary(df)
    rag = df["rag"].value_counts() if len(df) else pd.Series(dtype=int)
    kpi_row(
        [
            Kpi(
                "Projects",
                number(s["projects"]),
                help=f"▲ Red {rag.get('Red', 0):,} · ◆ Amber {rag.get('Amber', 0):,} · "
                f"● Green {rag.get('Green', 0):,}",
            ),
            Kpi("Budget", money(s["budget"], cur), help=f"Forecast {money(s['forecast'], cur)}"),
            Kpi(
                "Forecast vs budget",
                percent(s["variance"], 1) if s["variance"] is not None else "–",
                help="Forecast at completion against approved budget, all projects in view.",
            ),
            Kpi(
                "Slipping",
                number(s["slipping"]),
                help=f"Open projects forecast to end after baseline; median slip {number(s['slip'])} days.",
            ),
        ]
    )


def open_project(picked: str | None, opened: str | None) -> None:
    """A row selected in the table becomes `?project=` (shareable) and opens in a dialog over
    the page, where the person is looking (not above the table, out of sight)."""
    if picked and picked != opened:
        st.query_params[PROJECT_PARAM] = picked
        st.rerun()


def _closed() -> None:
    """The project is closed (button, Esc or the dialog's cross): forget it."""
    st.query_params.pop(PROJECT_PARAM, None)
    # a fresh table key drops the selection, so the project does not reopen
    st.session_state["pf_table_n"] = st.session_state.get("pf_table_n", 0) + 1


def close_button() -> None:
    if st.button("Close project", icon=":material/close:", key="pf_close"):
        _closed()
        st.rerun()


def detail_dialog(viewer, project_id: str) -> None:
    """The project detail in a large dialog over the page; its URL (`?project=`) can be shared
    and opens it again."""

    def body() -> None:
        detail(viewer, project_id)
        close_button()

    st.dialog("Project detail", width="large", on_dismiss=_closed)(body)()


def project_table(
    df: pd.DataFrame, narrow: dict, key: str = "pf_table"
) -> tuple[str | None, pd.DataFrame]:
    """One page of the projects (search, sort and paging in SQL over every row in view);
    returns the project id of a selected row, if any, and every row matching the filters."""
    key = f"{key}_{st.session_state.get('pf_table_n', 0)}"
    result, picked = paged_table(
        df,
        key=key,
        columns=TABLE_COLUMNS,
        config_overrides={"name": config("name", label="Project")},
        search_columns=("name", "project_id", "customer", "sponsor", "project_manager"),
        search_label="Search name, id, customer or people",
        search_placeholder="e.g. P-0042, Acme, a sponsor's name",
        equals=narrow["equals"],
        where=narrow["where"],
        predicates=PREDICATES,
        rag="rag",
        select=True,
        keep_all=True,
        noun="projects",
        height=420,
    )
    return (str(picked["project_id"]) if picked is not None else None), result.matching


PREDICATES = {"slipping": SLIPPING.sql}  # the "Slipping only" toggle, as SQL over the table


def table_filters(df: pd.DataFrame) -> dict:
    """Page-level narrowing on top of the sidebar: RAG, stage, slipping (applied in SQL)."""
    c1, c2, c3 = st.columns([1, 1, 1])
    rags = c1.multiselect("RAG", ["Red", "Amber", "Green"], key="pf_rag")
    stages = c2.multiselect("Stage", sorted(df["stage"].dropna().unique()), key="pf_stage")
    late = c3.toggle("Slipping only", key="pf_late")
    return {
        "equals": [("rag", rags), ("stage", stages)],
        "where": "slipping" if late else None,
    }


def risks_table(viewer, filters, limit: int | None = None, key: str = "pf_risks") -> None:
    df = run(risks.risks, viewer, filters)
    if df.empty:
        st.success("No open project in this view is Red, Amber, slipping or over forecast.")
        return
    show = df.head(limit) if limit else df
    table(
        show,
        ["rank", "project_id", "name", "rag", "value_at_stake", "reason"],
        {
            "rank": NUM("#", format="%d", width="small"),
            "name": st.column_config.TextColumn("Project", width="medium"),
        },
        rag="rag",
        key=key,
    )
    st.caption(
        f"{len(df):,} open projects are Red, Amber, slipping or over forecast. Ranked by trouble "
        "(Red 3 / Amber 2 / else 1, +1 if over 30 days late, +1 if over 10% over budget) × the "
        "annual value of the customers it serves or who commented on it, weighted ×1.5 for "
        "Strategic (×1.2 Key) and ×1.5 when their NPS is below zero."
    )


def risks_list(viewer, filters, limit: int = 5) -> None:
    """The top of the risk list as readable lines (for the executive overview)."""
    df = run(risks.risks, viewer, filters)
    if df.empty:
        st.success("No open project in this view is Red, Amber, slipping or over forecast.")
        return
    cur = get_store().currency
    st.markdown(
        "\n".join(
            f"{int(r.rank)}. {RAG_DOT.get(r.rag, '○')} **{md(r.name)}** ({md(r.project_id)}) · "
            f"{money(r.value_at_stake, cur)} of customer value at stake  \n"
            f"&nbsp;&nbsp;&nbsp;&nbsp;{md(r.reason)}"
            for r in df.head(limit).itertuples()
        )
    )
    st.caption(
        f"The top {min(limit, len(df))} of {len(df):,} open projects that are Red, Amber, slipping "
        "or over forecast, ranked by trouble × the customer value they touch (annual value, "
        "weighted up for Strategic tier and unhappy customers). Full list on Portfolio."
    )


def timeline(df: pd.DataFrame) -> None:
    bars, left_out = portfolio.timeline(df)
    more = f" The {left_out:,} smaller open projects are left out." if left_out else ""
    chart(
        figure(portfolio_charts.timeline, bars, date.today()),
        "Each open project from start to forecast end (coloured by RAG) over its baseline (thin "
        "dark line); colour running past the line is slip. "
        f"the {portfolio.TIMELINE_LIMIT} largest budgets, grouped by portfolio; dotted line = "
        f"today.{more}",
        key="pf_timeline",
    )


def treemap_and_trend(viewer, filters, df: pd.DataFrame) -> None:
    chart(
        figure(portfolio_charts.treemap, portfolio.treemap(df), money_format(get_store().currency)),
        "Tile area = approved budget; colour = current RAG. Click a portfolio to zoom in. "
        f"Each portfolio shows its largest projects (about {portfolio.TREEMAP_TILES} tiles in "
        "all); a grey tile holds the smaller ones, which the table above finds.",
        key="pf_treemap",
    )
    hist = run(portfolio.rag_over_versions, viewer, filters)
    left, right = st.columns(2)
    with left:
        chart(
            figure(portfolio_charts.rag_over_versions, hist),
            "Share of projects in each RAG status at every import (the last "
            f"{portfolio.HISTORY_VERSIONS}): is the portfolio getting healthier?",
            key="pf_rag_versions",
        )
    with right:
        chart(
            figure(portfolio_charts.red_share_by_portfolio, hist),
            "Red projects ÷ all projects per portfolio at each import; falling lines improve.",
            key="pf_red_trend",
        )


def download(df: pd.DataFrame) -> None:
    download_excel("Download the project table", {"projects": df}, "portfolio.xlsx", key="pf_dl")


def detail(viewer, project_id: str) -> None:
    """The project detail view: facts, customers, feedback and NPS, actions, savings, history."""
    d = run(project_detail.detail, viewer, project_id)
    if d is None:
        st.warning(
            f"Project **{md(project_id)}** is not in your view: it does not exist or it is outside "
            "the projects you may see. Choose another person or group in the sidebar.",
            icon=":material/visibility_off:",
        )
        return
    cur = get_store().currency
    f = d.facts
    st.subheader(f"{md(f['name'])} ({md(f['project_id'])})")
    rag = f.get("rag") or "Unknown"
    st.markdown(
        f":{RAG_BADGE.get(rag, 'gray')}-badge[{md(rag)}] &nbsp; "
        f"{md(f.get('stage') or 'stage unknown')} · {md(f.get('portfolio') or 'no portfolio')} · "
        f"sponsor {md(f.get('sponsor') or '–')} · PM {md(f.get('project_manager') or '–')}"
    )
    budget, fc = f.get("budget"), f.get("forecast_cost")
    var = (fc - budget) / budget if budget and fc == fc and fc is not None else None
    slip = None
    if pd.notna(f.get("forecast_end_date")) and pd.notna(f.get("end_date")):
        slip = (pd.Timestamp(f["forecast_end_date"]) - pd.Timestamp(f["end_date"])).days
    kpi_row(
        [
            Kpi(
                "Budget",
                money(budget, cur),
                help=f"Forecast {money(fc, cur)}; actual {money(f.get('actual_cost'), cur)}",
            ),
            Kpi("Forecast vs budget", percent(var, 1) if var is not None else "–"),
            Kpi(
                "Slip",
                f"{slip:,} days" if slip is not None else "–",
                help=f"Baseline end {_d(f.get('end_date'))}, forecast {_d(f.get('forecast_end_date'))}",
            ),
            Kpi("Complete", percent(f.get("percent_complete"), fraction=False)),
            Kpi(
                "Benefits",
                money(f.get("planned_benefit"), cur),
                help=f"Realised to date {money(f.get('realised_benefit'), cur)}",
            ),
            Kpi(
                "NPS on this project",
                f"{d.nps:+.0f}" if d.nps is not None else "–",
                help=f"n = {d.nps_n:,} responses about this project",
            ),
        ],
        per_row=3,
    )
    tabs = st.tabs(["Customers", "Feedback", "Actions", "Savings", "History"])
    with tabs[0]:
        _table(
            d.customers,
            [
                "customer_id",
                "name",
                "tier",
                "segment",
                "account_lead",
                "annual_value",
                "last_contact_date",
            ],
            "Its customers",
        )
    with tabs[1]:
        _table(
            d.feedback,
            ["date", "customer_id", "respondent_role", "nps", "csat", "comment"],
            "Feedback about this project, newest first",
            answer_columns(),
        )
    with tabs[2]:
        _table(
            d.actions,
            ["action_id", "title", "status", "owner", "due_date", "closed_date"],
            "Improvement actions on this project",
        )
    with tabs[3]:
        _table(
            d.savings,
            [
                "saving_id",
                "category",
                "description",
                "low",
                "likely",
                "high",
                "realised",
                "period_start",
                "period_end",
            ],
            "Savings lines",
        )
    with tabs[4]:
        for line in d.changes or ["No tracked field changed across the versions in the store."]:
            st.markdown(f"- {md(line)}")
        _table(d.history, list(d.history.columns), "RAG, stage, forecast and completion per import")


def _d(x) -> str:
    return "–" if x is None or pd.isna(x) else pd.Timestamp(x).strftime("%d %b %Y")


def _table(df: pd.DataFrame, cols: list[str], caption: str, overrides: dict | None = None) -> None:
    if df.empty:
        st.info(f"{md(caption)}: none recorded.")
        return
    table(df, cols, overrides)
    st.caption(f"{md(caption)} ({len(df):,}).")
