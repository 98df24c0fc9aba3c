"""Drawing for the Savings & benefits page, one function per section.

Every number comes from `run(model, viewer, filters, state)` where `state` stamps the saved
double-count decisions and assumption sets (documents are not part of the store version), so
a decision or a new assumption set recomputes the totals and nothing else does. Widgets use
`sv_*` keys. Deciding double counts and editing assumptions is for the groups that see every
line (executive, PMO analyst): their totals are everyone's.
"""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from pmo_data.analytics import services
from pmo_data.analytics.savings import benefits, double_counting, estimators
from pmo_data.analytics.savings import ledger as savings
from pmo_data.charts import savings as savings_charts
from pmo_data.escaping import md
from pmo_data.formatting import SYMBOLS, count, money, number, percent
from pmo_data.store.access import PermissionDenied, may
from pmo_data.store.scope import NO_FILTERS
from pmo_data.ui.context import get_store, run, shared
from pmo_data.ui.kept import kept, put
from pmo_data.ui.tables import Col, config, paged_table, table
from pmo_data.ui.tables import label as column_label
from pmo_data.ui.widgets import (
    Kpi,
    chart,
    download_excel,
    figure,
    kpi_row,
    lazy_sections,
    lazy_tabs,
)

NUM = st.column_config.NumberColumn
DATE = st.column_config.DateColumn


def doc_state() -> str:
    return savings.state(get_store())


def _money_col(label: str, currency: str):
    return Col(label, "money").config(currency)


def headline(viewer, filters, state: str, currency: str) -> savings.Totals:
    """The executive line first, how it is computed, then the four numbers behind it."""
    t = shared(savings.totals, viewer, filters, state)  # read-only: no copy per rerun
    o = t.overall
    st.markdown(f"### {md(savings.headline(o, currency))}")
    st.caption(savings.headline_caption(o, currency))
    if t.empty:
        return t
    waiting = t.pairs[t.pairs["status"] == "awaiting decision"] if len(t.pairs) else t.pairs
    rate = o["realised"] / o["likely"] if o["likely"] else float("nan")
    kpi_row(
        [
            Kpi(
                "Estimated to date (P50)",
                money(o["to_date_p50"], currency),
                help=f"Accrued by this month: P10 {money(o['to_date_p10'], currency)}, "
                f"P90 {money(o['to_date_p90'], currency)}.",
            ),
            Kpi(
                "Expected later (P50)",
                money(o["expected_p50"], currency),
                help=f"Not yet accrued, lines not yet started included: P10 "
                f"{money(o['expected_p10'], currency)}, P90 {money(o['expected_p90'], currency)}. "
                f"Whole ledger P50 {money(o['p50'], currency)}.",
            ),
            Kpi(
                "Realised to date",
                money(o["realised"], currency),
                help=f"{percent(rate)} of the likely total, reported on {o['n_realised']:,} of "
                f"{o['n_counted']:,} counted lines.",
            ),
            Kpi(
                "Lines counted",
                number(o["n_counted"]),
                help=f"{o['n_counted']:,} of {o['n_lines']:,} lines; lines held back as double "
                "counts are not counted.",
            ),
            Kpi(
                "Pairs to decide",
                number(len(waiting)),
                help=f"{money(waiting['at_stake'].sum() if len(waiting) else 0, currency)} held "
                "back until someone decides.",
            ),
        ]
    )
    return t


def breakdowns(t: savings.Totals, currency: str) -> None:
    labels = {"category": "Category", "service": "Service", "customer": "Customer", "year": "Year"}
    tabs = lazy_tabs(list(labels.values()), key="sv_by")
    for tab, (dim, label) in zip(tabs, labels.items(), strict=True):
        with tab:
            if not tab.open:
                continue
            df = t.by.get(dim)
            if dim == "year" and df is not None:
                df = df.sort_values("group", ascending=False, ignore_index=True)
            chart(
                figure(savings_charts.ranges, df, currency, f"Savings by {label.lower()}"),
                f"P50 bar with P10-P90 whisker per {label.lower()}, from the same 10,000 "
                "draws as the headline; "
                + (
                    "a line counts in each year by the share of its months in that year."
                    if dim == "year"
                    else "lines without one are grouped together."
                ),
                key=f"sv_by_{dim}",
            )


def realised(t: savings.Totals, currency: str) -> None:
    chart(
        figure(savings_charts.realised_vs_estimated, t.realised, currency),
        "Sum of likely estimates against realised (cash) savings reported to date, per "
        "category of counted lines; the label is realised / likely and n lines.",
        key="sv_realised",
    )


def over_time(t: savings.Totals, currency: str) -> None:
    chart(
        figure(savings_charts.cumulative, t.cumulative, currency, date.today()),
        "Each line's estimate accrues evenly over the months of its period (band P10-P90 "
        "of the running total); realised accrues over the months elapsed, up to today "
        "(dotted line).",
        key="sv_cumulative",
    )


def gross_to_net(t: savings.Totals, currency: str) -> None:
    chart(
        figure(savings_charts.waterfall, t.waterfall, currency),
        "Expected values (PERT means, (low + 4 likely + high) / 6): every line, less lines "
        "decided to be duplicates, less the smaller line of each overlap awaiting a decision.",
        key="sv_waterfall",
    )


def _resolve(viewer, pairs: pd.DataFrame) -> None:
    """Button callback: record the decision before the rerun."""
    key, choice = st.session_state.get("sv_pair"), st.session_state.get("sv_decision")
    note = st.session_state.get("sv_note", "")
    try:
        double_counting.resolve(
            get_store(), pairs, key, choice, note, author=viewer.identity, viewer=viewer
        )
    except (ValueError, PermissionDenied) as exc:
        st.session_state["sv_resolve_msg"] = ("error", str(exc))
        return
    st.session_state["sv_resolve_msg"] = ("ok", f"Recorded '{choice}' for {key}.")
    put("sv_note", "")


def double_counts(viewer, t: savings.Totals, currency: str) -> None:
    """Flagged pairs, what each holds back, and (for whole-portfolio viewers) the decision."""
    pairs = t.pairs
    if pairs.empty:
        st.success(
            "No two lines claim the same cost pool over overlapping periods.",
            icon=":material/check:",
        )
        return
    table(
        pairs[
            [
                "pair_key",
                "cost_pool",
                "line_a",
                "line_b",
                "overlap_from",
                "overlap_to",
                "overlap_days",
                "likely_a",
                "likely_b",
                "at_stake",
                "status",
                "excluded",
                "note",
            ]
        ],
        hide_index=True,
        key="sv_pairs",
        column_config={
            "pair_key": "Pair",
            "cost_pool": "Cost pool",
            "line_a": "Line A",
            "line_b": "Line B",
            "overlap_from": DATE("Overlap from"),
            "overlap_to": DATE("Overlap to"),
            "overlap_days": NUM("Days", format="%d"),
            "likely_a": _money_col("A likely", currency),
            "likely_b": _money_col("B likely", currency),
            "at_stake": _money_col("At stake", currency),
            "status": "Status",
            "excluded": "Left out",
            "note": "Note",
        },
    )
    st.caption(
        "Same cost pool (ignoring case and spaces) and at least one shared day; periods are "
        "inclusive, and lines that only touch (the next starts the day after, or on the day, "
        "the other ends) are not flagged. Until decided, the smaller line is left out."
    )
    if not may(viewer, "double_count"):
        st.caption("An executive or PMO analyst decides double counts for everyone.")
        return
    with st.expander("Decide a flagged pair", icon=":material/gavel:"):
        keys = pairs["pair_key"].tolist()
        st.selectbox(
            "Pair",
            keys,
            format_func=lambda k: f"{k} ({pairs.set_index('pair_key').at[k, 'status']})",
            **kept("sv_pair", options=keys),
        )
        st.radio(
            "Decision",
            list(double_counting.DECISIONS),
            **kept("sv_decision"),
            horizontal=True,
            help="keep A / keep B leaves the other line out; keep both counts both; "
            "reopen returns the pair to 'awaiting decision'.",
        )
        st.text_input(
            "Note (required)",
            **kept("sv_note"),
            placeholder="e.g. separate teams, different budget lines",
        )
        st.button(
            "Record decision",
            key="sv_resolve",
            on_click=_resolve,
            args=(viewer, pairs),
            icon=":material/check:",
        )
    if msg := st.session_state.pop("sv_resolve_msg", None):
        (st.success if msg[0] == "ok" else st.error)(md(msg[1]))


def ledger_table(t: savings.Totals, currency: str) -> None:
    lines = t.lines
    cols = [
        "line_id",
        "kind",
        "category",
        "project_id",
        "project",
        "customer",
        "service",
        "owner",
        "description",
        "low",
        "likely",
        "high",
        "realised",
        "period_start",
        "period_end",
        "cost_pool",
        "counted",
        "excluded_reason",
        "provenance",
    ]
    paged_table(
        lines,
        key="sv_ledger",
        columns=cols,
        height=380,
        search_columns=(
            "line_id",
            "description",
            "project",
            "project_id",
            "customer",
            "service",
            "owner",
            "cost_pool",
            "category",
        ),
        search_label="Search the ledger",
        search_placeholder="a project, customer, service, owner, cost pool or word",
        noun="lines",
        config_overrides={
            "line_id": "Line",
            "kind": "Kind",
            "category": "Category",
            "project_id": "Project id",
            "project": "Project",
            "customer": "Customer",
            "service": "Service",
            "owner": "Owner",
            "description": "Description",
            "cost_pool": "Cost pool",
            "low": _money_col("Low", currency),
            "likely": _money_col("Likely", currency),
            "high": _money_col("High", currency),
            "realised": _money_col("Realised", currency),
            "period_start": DATE("From"),
            "period_end": DATE("To"),
            "counted": st.column_config.CheckboxColumn("Counted"),
            "excluded_reason": "Why left out",
            "provenance": "Source",
        },
    )
    if t.overall.get("n_reordered"):
        st.caption(
            f"{md(count(t.overall['n_reordered'], 'line'))} had low/likely/high out of order and "
            "were sorted before sampling."
        )
    download_excel(
        "Download the ledger (Excel)",
        {"ledger": lines[cols], "double counts": t.pairs},
        "savings_ledger.xlsx",
        key="sv_download",
    )


def _save_set(viewer, kind: str, known: list[str]) -> None:
    edited = st.session_state.get(f"sv_rows_{kind}")
    try:
        v = estimators.save_set(
            get_store(),
            kind,
            edited,
            author=viewer.identity,
            period_start=st.session_state[f"sv_start_{kind}"],
            note=st.session_state.get(f"sv_setnote_{kind}", ""),
            known_services=known,
            viewer=viewer,
        )
    except estimators.AssumptionError as exc:
        st.session_state[f"sv_save_msg_{kind}"] = ("error", "; ".join(exc.messages[:5]))
        return
    except PermissionDenied as exc:
        st.session_state[f"sv_save_msg_{kind}"] = ("error", str(exc))
        return
    st.session_state[f"sv_save_msg_{kind}"] = ("ok", f"Saved version {v} as {viewer.identity}.")


def _editor_rows(kind: str, rows: pd.DataFrame, version) -> pd.DataFrame:
    """What the editor starts from: the saved set, or the edits not yet saved when another
    estimator was opened. Streamlit drops an editor's edits with it; `sv_rows_<kind>` keeps the
    edited frame, which becomes the editor's data until a newer set is saved."""
    base = f"sv_base_{kind}"
    if f"sv_editor_{kind}" not in st.session_state:  # first draw, or dropped
        edited = st.session_state.get(f"sv_rows_{kind}")
        st.session_state[base] = None if edited is None else (version, edited)
    kept_rows = st.session_state.get(base)
    return kept_rows[1] if kept_rows and kept_rows[0] == version else rows


def estimator(viewer, filters, kind: str, currency: str) -> None:
    """The assumptions in an editor, checked as they are typed, previewed and saved."""
    est = estimators.estimator(kind)
    store = get_store()
    current = estimators.current_set(store, kind)
    st.caption(
        f"Value = {md(est.formula)}. Low and high come from the hours; blank low/high take "
        "likely. Saved sets are versioned; the newest one feeds the ledger."
    )
    if current:
        st.caption(
            f"Current: version {md(current['version'])} by {md(current['author'])}, "
            f"{pd.Timestamp(current['saved']):%Y-%m-%d %H:%M}."
        )
        rows = pd.DataFrame(current["rows"]).reindex(columns=list(est.columns))
        start = date.fromisoformat(current["period_start"])
    else:
        st.caption("No saved set yet: the rows below are defaults from your services.")
        rows = run(estimators.defaults, viewer, NO_FILTERS, kind)  # the whole organisation's
        start = date(date.today().year - 1, date.today().month, 1)
    if not may(viewer, "assumptions"):  # read-only, and only the rows of services in view
        mine = set(run(services.service_ids, viewer))
        if "service_id" in rows:
            rows = rows[rows["service_id"].isin(mine)]
        if rows.empty:
            st.info("No assumptions for the services in your view.")
        else:
            table(rows, hide_index=True, key=f"sv_view_{kind}")
        return
    edited = st.data_editor(
        _editor_rows(kind, rows, current["version"] if current else None),
        num_rows="dynamic",
        hide_index=True,
        key=f"sv_editor_{kind}",
        column_config={
            **{c: config(c, currency) for c in rows.columns},
            "rate_per_hour": NUM(
                column_label("rate_per_hour"),
                min_value=0,
                format=f"{SYMBOLS.get(currency, '')}%,.2f",
            ),
            "months": NUM(column_label("months"), min_value=1, max_value=60, step=1, format="%d"),
        },
        placeholder="–",
    )
    st.session_state[f"sv_rows_{kind}"] = edited
    known = run(services.service_ids, viewer)
    problems = estimators.validate(kind, edited, known)
    c1, c2 = st.columns([1, 2])
    c1.date_input("Period starts", **kept(f"sv_start_{kind}", start))
    c2.text_input("Note for this version", **kept(f"sv_setnote_{kind}"))
    if problems:
        st.error("Fix before saving:\n\n" + "\n".join(f"- {md(p)}" for p in problems[:8]))
    else:
        v = estimators.values(kind, edited)
        st.caption(
            f"This set gives {money(v['low'].sum(), currency)} low, "
            f"{money(v['likely'].sum(), currency)} likely, "
            f"{money(v['high'].sum(), currency)} high over {md(count(len(v), 'line'))}."
        )
    st.button(
        "Save as a new version",
        key=f"sv_save_{kind}",
        disabled=bool(problems),
        on_click=_save_set,
        args=(viewer, kind, known),
        icon=":material/save:",
    )
    if msg := st.session_state.pop(f"sv_save_msg_{kind}", None):
        (st.success if msg[0] == "ok" else st.error)(md(msg[1]))
    hist = estimators.versions(store, kind)
    if len(hist):
        table(hist, hide_index=True, key=f"sv_versions_{kind}")


def benefits_section(viewer, filters, state: str, currency: str) -> None:
    """Planned against realised, after go-live, by customer and portfolio, and per group."""
    s = run(benefits.summary, viewer, filters)
    if not s["projects"]:
        st.info("No projects in this view, so no benefits to show.")
        return
    kpi_row(
        [
            Kpi(
                "Planned benefit",
                money(s["planned"], currency),
                help=f"{s['projects']:,} projects.",
            ),
            Kpi("Realised benefit", money(s["realised"], currency)),
            Kpi(
                "Realisation rate",
                percent(s["rate"]),
                help=f"Realised / planned over n={s['n_rate']:,} projects with a planned benefit.",
            ),
            Kpi(
                "Rate once live",
                percent(s["live_rate"]),
                help=f"Projects live by today: n={s['n_live']:,}.",
            ),
        ]
    )
    st.caption("Where the benefits come from. Choose one: each is computed when opened.")
    lazy_sections(
        "sv_benefits",
        {
            "By portfolio and since go-live": lambda: _benefits_by_portfolio(
                viewer, filters, currency
            ),
            "By customer": lambda: _benefits_chart(
                viewer,
                filters,
                currency,
                "customer",
                "Planned against realised benefit of each customer's projects; label realised "
                "/ planned and n.",
            ),
            "Value to each stakeholder group": lambda: _value_by_stakeholder(
                viewer, filters, state, currency
            ),
        },
        closed=True,
    )


def _benefits_chart(viewer, filters, currency: str, dim: str, caption: str) -> None:
    chart(
        figure(
            savings_charts.benefits,
            run(benefits.by_dimension, viewer, filters, dim),
            currency,
            f"Benefits by {dim}",
        ),
        caption,
        key=f"sv_ben_{dim}",
    )


def _benefits_by_portfolio(viewer, filters, currency: str) -> None:
    left, right = st.columns(2)
    with left:
        _benefits_chart(
            viewer,
            filters,
            currency,
            "portfolio",
            "Planned (light) against realised (green) benefit; label realised / planned and "
            "n projects with a planned benefit.",
        )
    with right:
        chart(
            figure(savings_charts.after_go_live, run(benefits.after_go_live, viewer, filters)),
            "Realised / planned benefit of projects grouped by months since go-live "
            "(go-live date to today); n on each bar.",
            key="sv_ben_age",
        )


def _value_by_stakeholder(viewer, filters, state: str, currency: str) -> None:
    """Value delivered to each stakeholder group: realised benefit plus realised savings."""
    value = run(benefits.value_by_stakeholder, viewer, filters, state)
    if value.empty:
        st.info("No realised benefit or savings linked to people in this view.")
        return
    groups = sorted(value["group"].unique())
    group = st.selectbox("Stakeholder group", groups, **kept("sv_stakeholder", options=groups))
    chart(
        figure(savings_charts.stakeholders, value, currency, group),
        "Realised benefit of the projects each person is linked to plus the realised "
        "savings of those projects (of their services, for service owners).",
        key="sv_value_group",
    )
    table(
        value[value["group"] == group].drop(columns="group"),
        hide_index=True,
        key="sv_value_table",
        column_config={
            c: _money_col(c.replace("_", " ").capitalize(), currency)
            for c in value.columns
            if c not in ("group", "who", "projects")
        },
    )
