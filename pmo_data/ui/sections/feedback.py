"""Drawing for the Feedback and Customers pages, one function per section.

Pages stay a readable table of contents; every number comes from `ui.run(model, viewer,
filters, ...)` so it is scoped, cached per store version, and computed outside Streamlit.
"""

from __future__ import annotations

import streamlit as st

from pmo_data.analytics import customers
from pmo_data.analytics.feedback import loop, themes
from pmo_data.analytics.feedback import scores as feedback
from pmo_data.charts import customers as cchart
from pmo_data.charts import feedback as fchart
from pmo_data.formatting import money, number, percent
from pmo_data.measures import SMALL_N
from pmo_data.store.paging import PageRequest, page
from pmo_data.ui.context import get_store, run, shared
from pmo_data.ui.tables import findable, paged_table
from pmo_data.ui.widgets import Kpi, chart, kpi_row, small_sample_note

BY = {
    "segment": "Segment",
    "customer": "Customer",
    "service": "Service",
    "project": "Project",
    "respondent_role": "Respondent role",
}
NUM = st.column_config.NumberColumn
DATE = st.column_config.DateColumn("Date", format="D MMM YYYY")


def _ci(lo, hi, fmt) -> str:
    return "–" if lo != lo else f"95% CI {fmt(lo)} to {fmt(hi)}"


def feedback_kpis(viewer, filters) -> dict:
    s = run(feedback.summary, viewer, filters, None)
    pct = lambda x: percent(x)  # noqa: E731
    kpi_row(
        [
            Kpi("Responses", number(s["responses"]), help="Survey responses in this view."),
            Kpi(
                "NPS",
                number(s["nps"]),
                help=f"n = {s['nps_n']:,} answers on 0-10; "
                + _ci(s["nps_lo"], s["nps_hi"], number)
                + (
                    f". {s['nps_excluded']:,} answers on a 1-10 scale left out."
                    if s["nps_excluded"]
                    else ""
                ),
            ),
            Kpi(
                "CSAT (4-5 of 5)",
                pct(s["csat"]),
                help=f"n = {s['csat_n']:,}; " + _ci(s["csat_lo"], s["csat_hi"], pct) + " (Wilson)",
            ),
            Kpi(
                "Effort (1 easy - 5 hard)",
                number(s["effort_mean"], 2),
                help=f"n = {s['effort_n']:,}; "
                + _ci(s["effort_lo"], s["effort_hi"], lambda x: number(x, 2)),
            ),
        ]
    )
    st.caption(
        f"NPS {number(s['nps'])} ({_ci(s['nps_lo'], s['nps_hi'], number)}, n={s['nps_n']:,}) · "
        f"CSAT {pct(s['csat'])} ({_ci(s['csat_lo'], s['csat_hi'], pct)}, n={s['csat_n']:,}) · "
        f"Effort {number(s['effort_mean'], 2)} (n={s['effort_n']:,})"
    )
    if s["nps_excluded"]:
        st.warning(
            f"{s['nps_excluded']:,} recommendation answers were given on a **1-10 scale** "
            f"(mean {s['nps_1_10_mean']:.1f} of 10). They are not mixed into NPS, which needs "
            "0-10 answers; they are shown here on their own.",
            icon=":material/rule:",
        )
    small_sample_note(int(s["nps_n"]))
    return s


def feedback_trend(viewer, filters) -> None:
    c1, c2 = st.columns(2)
    metric = c1.radio(
        "Measure",
        ["nps", "csat", "effort"],
        horizontal=True,
        key="fb_metric",
        format_func=lambda m: {"nps": "NPS", "csat": "CSAT", "effort": "Effort"}[m],
    )
    period = c2.radio("Period", ["quarter", "month"], horizontal=True, key="fb_period")
    df = run(feedback.trend, viewer, filters, period)
    chart(
        fchart.trend(df, metric, period),
        f"{metric.upper()} per {period} with its 95% interval (shaded); grey points have "
        f"fewer than {SMALL_N} answers. Hover for n.",
        key="fb_trend",
    )


def feedback_breakdown(viewer, filters) -> None:
    c1, c2 = st.columns(2)
    by = c1.selectbox("Break down by", list(BY), format_func=BY.get, key="fb_by")
    metric = c2.radio("Measure ", ["nps", "csat", "effort"], horizontal=True, key="fb_by_metric")
    df = run(feedback.breakdown, viewer, filters, by)
    chart(
        fchart.breakdown(df, metric, by),
        f"{metric.upper()} per {BY[by].lower()} for the 15 with most responses; bars show the "
        f"95% interval, grey bars have fewer than {SMALL_N} answers.",
        key="fb_breakdown",
    )
    with st.expander(f"All {len(df):,} rows as a table"):
        paged_table(
            df,
            key="fb_by_table",
            columns=[
                "label",
                "responses",
                "nps",
                "nps_lo",
                "nps_hi",
                "nps_n",
                "csat",
                "csat_n",
                "effort_mean",
                "small",
            ],
            search_columns=("label",),
            search_label=f"Search {BY[by].lower()}",
            column_config={
                "label": BY[by],
                "nps": NUM("NPS", format="%.0f"),
                "nps_lo": NUM("NPS low", format="%.0f"),
                "nps_hi": NUM("NPS high", format="%.0f"),
                "csat": NUM("CSAT", format="percent"),
                "effort_mean": NUM("Effort", format="%.2f"),
                "small": f"n < {SMALL_N}",
            },
        )


def who_is_unhappy(viewer, filters) -> None:
    df = run(themes.who_is_unhappy, viewer, filters, 182)
    if df.empty:
        st.success("No customer's NPS fell over the last two quarters (with 5+ answers each side).")
        return
    paged_table(
        df,
        key="fb_unhappy",
        columns=[
            "customer",
            "nps_before",
            "n_before",
            "nps_recent",
            "n_recent",
            "change",
            "first_low",
            "negative_themes",
        ],
        search_columns=("customer", "negative_themes"),
        search_label="Search customer or theme",
        noun="customers",
        column_config={
            "customer": "Customer",
            "nps_before": NUM("NPS before", format="%.0f"),
            "n_before": "n before",
            "nps_recent": NUM("NPS recent", format="%.0f"),
            "n_recent": "n recent",
            "change": NUM("Change", format="%+.0f"),
            "first_low": st.column_config.DateColumn("First detractor since", format="D MMM YYYY"),
            "negative_themes": "Top negative themes",
        },
    )
    st.caption(
        "Customers whose NPS fell most: the last two quarters (182 days to the latest response) "
        "against the two before, 5+ answers each side; themes from their negative comments."
    )


def themes_and_drivers(viewer, filters) -> None:
    m = run(themes.model)
    if not m["distinct"]:
        st.info("No comments to find themes in.")
        return
    note = f"{m['distinct']:,} distinct comments; themes fitted on {m['fit_on']:,} of them."
    if m["computed_sentiment"]:
        note += f" Sentiment computed here (VADER) for {m['computed_sentiment']:,} comments the import left unscored."
    st.caption(note)
    left, right = st.columns(2)
    with left:
        chart(
            fchart.drivers(run(themes.drivers, viewer, filters)),
            "NPS among responses whose comment carries the theme minus NPS among other "
            "commented responses, with a 95% interval; red = significantly lower.",
            key="fb_drivers",
        )
    with right:
        chart(
            fchart.theme_trend(run(themes.theme_trend, viewer, filters)),
            "Share of each quarter's comments in each theme (TF-IDF + NMF, labelled by top terms).",
            key="fb_theme_trend",
        )


def comment_explorer(viewer, filters) -> None:
    labels = run(themes.model)["labels"] + [themes.NO_THEME]
    names = shared(customers.health, viewer, filters, None)
    c1, c2, c3 = st.columns([2, 1, 1])
    text = c1.text_input("Comment contains", key="fb_q")
    theme = c2.selectbox("Theme", ["All", *labels], key="fb_theme")
    sentiment = c3.selectbox("Sentiment", list(themes.SENTIMENTS), key="fb_sent")
    c4, c5 = st.columns(2)
    listed = dict.fromkeys(names["customer"].dropna().tolist())
    customer = (
        c4.selectbox(
            "Customer",
            ["All", *findable(listed, "fb_cust", "customer", container=c4)],
            key="fb_cust",
        )
        if len(names)
        else "All"
    )
    scores = c5.slider("NPS answer", 0, 10, (0, 10), key="fb_scores")
    res = run(
        themes.explore,
        viewer,
        filters,
        text,
        None if theme == "All" else theme,
        sentiment,
        None if customer == "All" else customer,
        tuple(scores),
    )
    st.caption(f"{res['total']:,} comments match; the newest {len(res['rows']):,} are shown.")
    st.dataframe(
        res["rows"],
        hide_index=True,
        column_config={
            "date": DATE,
            "comment": st.column_config.TextColumn("Comment", width="large"),
        },
    )


def closing_the_loop(viewer, filters) -> None:
    left, right = st.columns(2)
    with left:
        chart(
            fchart.status_board(run(loop.status_board, viewer, filters)),
            "Improvement actions in this view by status; overdue = open past its due date.",
            key="fb_status",
        )
    ttc = run(loop.time_to_close, viewer, filters)
    with right:
        chart(
            fchart.time_to_close(ttc["days"]),
            f"Days from raised to closed for {ttc['n']:,} done actions; median "
            f"{number(ttc['median'])}, middle half {number(ttc['p25'])}-{number(ttc['p75'])}.",
            key="fb_ttc",
        )
    acts = run(loop.actions, viewer, filters, None)
    late = acts[acts["days_overdue"].notna()].sort_values("days_overdue", ascending=False)
    st.markdown(f"**Overdue actions** ({len(late):,})")
    paged_table(
        late,
        key="fb_late",
        columns=[
            "action_id",
            "title",
            "customer",
            "owner",
            "status",
            "due_date",
            "days_overdue",
            "responses",
            "theme",
        ],
        search_columns=("action_id", "title", "customer", "owner", "theme"),
        search_label="Search action, customer, owner or theme",
        noun="actions",
        column_config={"due_date": st.column_config.DateColumn("Due", format="D MMM YYYY")},
    )
    days = st.slider("Follow-up expected within (days)", 7, 120, 30, key="fb_follow_days")
    u = run(loop.unanswered_detractors, viewer, filters, days, None)
    st.markdown(
        f"**Detractors with no follow-up within {days} days**: {u['missed']:,} "
        f"(another {u['pending']:,} still inside their {days}-day window)"
    )
    st.dataframe(u["rows"], hide_index=True, column_config={"date": DATE})


def did_it_work(viewer, filters) -> None:
    c1, c2, c3 = st.columns(3)
    kind = c1.radio(
        "Change",
        ["action", "project"],
        horizontal=True,
        key="fb_did_kind",
        format_func=lambda k: "Closed action" if k == "action" else "Project go-live",
    )
    metric = c2.radio("Measure", ["nps", "csat"], horizontal=True, key="fb_did_metric")
    window = c3.select_slider("Days either side", [30, 60, 90, 180], 90, key="fb_did_window")
    df = run(loop.did_it_work, viewer, filters, kind, window, metric)
    if df.empty:
        st.info("No closed actions or go-lives for a customer in this view yet.")
        return
    p = loop.pooled(df)
    st.markdown(
        f"**All {p['events']:,} together:** {p['verdict']} — affected n = "
        f"{p['n_tp']:,} before / {p['n_tq']:,} after."
    )
    st.caption(
        "Difference in differences: change for the affected customer minus the change for all "
        "other customers over the same dates. Caveats: not an experiment; actions are raised "
        "after bad scores, so part of any rise is regression to the mean; pooled intervals "
        f"reuse control answers and are too narrow. Fewer than {SMALL_N} answers in any group: no verdict."
    )
    labels = dict(enumerate((df["event_id"] + " · " + df["title"].fillna("")).tolist()))
    pick = st.selectbox(
        "One change",
        findable(labels, "fb_did_pick", "change"),
        format_func=labels.get,
        key="fb_did_pick",
    )
    if pick is None:
        st.info("No change matches: try part of its id or title.")
        return
    row = df.iloc[pick]
    st.markdown(f"**{row['verdict']}**")
    chart(
        fchart.did_cells(row, metric),
        "Mean score before and after for the affected customer "
        "and for all other customers in view; hover for n.",
        key="fb_did_chart",
    )


# -- Customers page ---------------------------------------------------------------------------
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


def health_list(
    h, name: str | None, columns=None, key=None, sort=None, descending=False, none=""
) -> bool:
    """One of the Customers page's lists (`customers.LISTS`, or every customer with None), a
    page at a time: search by customer, lead, segment or tier; sort and paging in SQL.
    An empty list shows `none` instead; returns whether the list has rows."""
    if not page(h, PageRequest(where=name, size=1), customers.LISTS).total:
        if name == "key":  # no key customers is a fact to note, not good news
            st.info(none)
        else:
            st.success(none)
        return False
    cur = get_store().currency
    cols = columns or HEALTH_DEFAULT
    cfg = {c: HEALTH_COLS.get(c, c.replace("_", " ").capitalize()) for c in cols}
    cfg["annual_value"] = NUM("Annual value", format=("£" if cur == "GBP" else "") + "%,.0f")
    paged_table(
        h,
        key=key,
        columns=cols,
        column_config=cfg,
        search_columns=("customer", "customer_id", "account_lead", "segment", "tier"),
        search_label="Search customer, account lead, segment or tier",
        where=name,
        predicates=customers.LISTS,
        default_sort=sort,
        default_descending=descending,
        noun="customers",
    )
    return True


def customer_kpis(viewer, filters):
    h = shared(customers.health, viewer, filters, None)
    cur = get_store().currency
    kpi_row(
        [
            Kpi(
                "Customers",
                number(len(h)),
                help=f"Annual value {money(h['annual_value'].sum(), cur)}",
            ),
            Kpi(
                "Median health", number(h["health"].median()), help="0-100; 70+ Green, 50-69 Amber."
            ),
            Kpi(
                "At risk",
                number(int(h["at_risk"].sum())),
                help="Red health or NPS down 15+ points.",
            ),
            Kpi(
                "Contact overdue",
                number(int((h["days_overdue"] > 0).sum())),
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
            cchart.customer_map(run(customers.customer_map, viewer, filters), money_format=",.0f"),
            f"Tiles sized by annual value ({cur}), coloured by health (red < 50, amber < 70, "
            "green); click a segment to open its customers and their projects.",
            key="cu_map",
        )
    with right:
        chart(cchart.health_bands(h), "Customers per health band.", key="cu_bands")
