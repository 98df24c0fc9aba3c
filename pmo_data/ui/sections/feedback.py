"""Drawing for the Feedback page, one function per section.

Pages stay a readable table of contents; every number comes from `ui.run(model, viewer,
filters, ...)` so it is scoped, cached per store version, and computed outside Streamlit.
"""

from __future__ import annotations

import streamlit as st

from pmo_data.analytics import customers
from pmo_data.analytics.feedback import loop, themes
from pmo_data.analytics.feedback import scores as feedback
from pmo_data.charts import feedback as feedback_charts
from pmo_data.escaping import md
from pmo_data.formatting import number, percent
from pmo_data.measures import CSAT_SATISFIED, EFFORT, NPS_POINTS, SMALL_N
from pmo_data.ui.context import run, shared
from pmo_data.ui.kept import kept
from pmo_data.ui.tables import answer_columns, config, findable, paged_table, table
from pmo_data.ui.widgets import Kpi, chart, figure, kpi_row, small_sample_note

BY = {
    "segment": "Segment",
    "customer": "Customer",
    "service": "Service",
    "project": "Project",
    "respondent_role": "Respondent role",
}
NUM = st.column_config.NumberColumn
TOP = 15  # groups in the breakdown chart
MEASURE_NAMES = {"nps": "NPS", "csat": "CSAT", "effort": "Effort"}
PERIOD_NAMES = {"quarter": "Quarter", "month": "Month"}


def _ci(lo, hi, fmt) -> str:
    return "–" if lo != lo else f"95% CI {fmt(lo)} to {fmt(hi)}"


def window(filters) -> str:
    """The window of the feedback in view (`scores.window`), said in every label counting it."""
    return feedback.window(filters)


def feedback_kpis(viewer, filters) -> dict:
    s = run(feedback.summary, viewer, filters, None)
    pct = lambda x: percent(x)  # noqa: E731
    nps = NPS_POINTS.format
    win = window(filters)
    # four cards a row fit labels such as "Effort, 1-5 (all time)" at 1280 px; a date range
    # in every label needs two a row
    kpi_row(
        per_row=4 if len(win) <= 10 else 2,
        kpis=[
            Kpi(f"Responses ({md(win)})", number(s["responses"]), help="Survey responses in view."),
            Kpi(
                f"NPS ({md(win)})",
                nps(s["nps"]),
                help=f"{md(NPS_POINTS.help)} n = {s['nps_n']:,} answers on 0-10; "
                + _ci(s["nps_lo"], s["nps_hi"], nps)
                + (
                    f". {s['nps_excluded']:,} answers on a 1-10 scale left out"
                    if s["nps_excluded"]
                    else ""
                )
                + ". The Overview's NPS (12 months) counts only the last 12 months.",
            ),
            Kpi(
                f"CSAT ({md(win)})",
                pct(s["csat"]),
                help=f"{md(CSAT_SATISFIED.help)} n = {s['csat_n']:,}; "
                + _ci(s["csat_lo"], s["csat_hi"], pct)
                + " (Wilson)",
            ),
            Kpi(
                f"Effort, 1-5 ({md(win)})",
                number(s["effort_mean"], 2),
                help=f"{md(EFFORT.help)} n = {s['effort_n']:,}; "
                + _ci(s["effort_lo"], s["effort_hi"], lambda x: number(x, 2)),
            ),
        ],
    )
    st.caption(
        f"NPS {md(nps(s['nps']))} ({_ci(s['nps_lo'], s['nps_hi'], nps)}, n={s['nps_n']:,}) · "
        f"CSAT {pct(s['csat'])} ({_ci(s['csat_lo'], s['csat_hi'], pct)}, n={s['csat_n']:,}) · "
        f"Effort {number(s['effort_mean'], 2)} (n={s['effort_n']:,}), over {md(win)} in view."
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
        list(MEASURE_NAMES),
        horizontal=True,
        key="fb_metric",
        format_func=MEASURE_NAMES.get,
    )
    period = c2.radio(
        "Period", list(PERIOD_NAMES), horizontal=True, key="fb_period", format_func=PERIOD_NAMES.get
    )
    df = run(feedback.trend, viewer, filters, period)
    chart(
        figure(feedback_charts.trend, df, metric, period),
        f"{MEASURE_NAMES[metric]} per {period} with its 95% interval (shaded); grey points "
        f"have fewer than {SMALL_N} answers. Hover for n.",
        key="fb_trend",
    )


def feedback_breakdown(viewer, filters) -> None:
    c1, c2 = st.columns(2)
    by = c1.selectbox("Break down by", list(BY), format_func=BY.get, **kept("fb_by"))
    metric = c2.radio(
        "Measure ",
        list(MEASURE_NAMES),
        horizontal=True,
        format_func=MEASURE_NAMES.get,
        **kept("fb_by_metric"),
    )
    df = shared(feedback.breakdown, viewer, filters, by)  # read-only: paged without a copy
    groups = len(df)
    which = f"the {TOP} of {groups:,} with most responses" if groups > TOP else f"all {groups:,}"
    chart(
        figure(feedback_charts.breakdown, df, metric, by, top=TOP),
        f"{MEASURE_NAMES[metric]} per {BY[by].lower()}, {which}; bars "
        f"show the 95% interval, grey bars have fewer than {SMALL_N} answers.",
        key="fb_breakdown",
    )
    with st.expander(f"All {len(df):,} rows as a table"):
        paged_table(
            df,
            key="fb_by_table",
            search_columns=("label",),
            search_label=f"Find a {BY[by].lower()}",
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
            config_overrides={
                "label": config("label", label=BY[by]),
                "small": st.column_config.CheckboxColumn(f"Fewer than {SMALL_N} answers"),
            },
        )


def who_is_unhappy(viewer, filters) -> None:
    df = shared(themes.who_is_unhappy, viewer, filters, 182)  # read-only
    if df.empty:
        st.success("No customer's NPS fell over the last two quarters (with 5+ answers each side).")
        return
    paged_table(
        df,
        key="fb_unhappy",
        search_columns=("customer", "negative_themes"),
        search_label="Find a customer or theme",
        noun="customers",
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
        config_overrides={
            "nps_before": config("nps", label="NPS, two quarters before"),
            "n_before": config("nps_n", label="n before"),
            "nps_recent": config("nps", label="NPS, last two quarters"),
            "n_recent": config("nps_n", label="n recent"),
            "change": config("nps_change", label="Change (points)"),
            "negative_themes": config("negative_themes", label="Top negative themes"),
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
            figure(feedback_charts.drivers, run(themes.drivers, viewer, filters)),
            "NPS among responses whose comment carries the theme minus NPS among other "
            "commented responses, with a 95% interval; red = significantly lower.",
            key="fb_drivers",
        )
    with right:
        chart(
            figure(feedback_charts.theme_trend, run(themes.theme_trend, viewer, filters)),
            "Share of each quarter's comments in each theme (TF-IDF + NMF, labelled by top terms).",
            key="fb_theme_trend",
        )


def comment_explorer(viewer, filters) -> None:
    labels = run(themes.model)["labels"] + [themes.NO_THEME]
    names = shared(customers.health, viewer, filters, None)
    c1, c2, c3 = st.columns([2, 1, 1])
    text = c1.text_input("Comment contains", **kept("fb_q"))
    theme = c2.selectbox("Theme", ["All", *labels], **kept("fb_theme", options=["All", *labels]))
    sentiment = c3.selectbox("Sentiment", list(themes.SENTIMENTS), **kept("fb_sent"))
    c4, c5 = st.columns(2)
    customer = "All"
    if len(names):
        choices = dict.fromkeys(names["customer"].dropna())
        pick = kept("fb_cust", options=["All", *choices])  # before findable reads it
        customer = c4.selectbox(
            "Customer", ["All", *findable(choices, "fb_cust", "customer", container=c4)], **pick
        )
    scores = c5.slider("NPS answer", 0, 10, **kept("fb_scores", (0, 10)))
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
    table(res["rows"], config_overrides=answer_columns())


def closing_the_loop(viewer, filters) -> None:
    left, right = st.columns(2)
    with left:
        chart(
            figure(feedback_charts.status_board, run(loop.status_board, viewer, filters)),
            "Improvement actions in this view by status; overdue = open past its due date.",
            key="fb_status",
        )
    ttc = run(loop.time_to_close, viewer, filters)
    with right:
        chart(
            figure(feedback_charts.time_to_close, ttc["days"]),
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
        search_columns=("action_id", "title", "customer", "owner", "theme"),
        search_label="Find an action, customer, owner or theme",
        noun="actions",
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
        config_overrides={"responses": config("responses", label="Responses linked")},
    )
    days = st.slider("Follow-up expected within (days)", 7, 120, **kept("fb_follow_days", 30))
    u = run(loop.unanswered_detractors, viewer, filters, days, None)
    st.markdown(
        f"**Detractors with no follow-up within {days:d} days**: {u['missed']:,} "
        f"(another {u['pending']:,} still inside their {days:d}-day window)"
    )
    table(u["rows"], config_overrides=answer_columns())


def did_it_work(viewer, filters) -> None:
    c1, c2, c3 = st.columns(3)
    kind = c1.radio(
        "Change",
        ["action", "project"],
        horizontal=True,
        format_func=lambda k: "Closed action" if k == "action" else "Project go-live",
        **kept("fb_did_kind"),
    )
    metric = c2.radio(
        "Measure",
        ["nps", "csat"],
        horizontal=True,
        format_func=MEASURE_NAMES.get,
        **kept("fb_did_metric"),
    )
    window = c3.select_slider("Days either side", [30, 60, 90, 180], **kept("fb_did_window", 90))
    df = run(loop.did_it_work, viewer, filters, kind, window, metric)
    if df.empty:
        st.info("No closed actions or go-lives for a customer in this view yet.")
        return
    p = loop.pooled(df)
    st.markdown(
        f"**All {p['events']:,} together:** {md(p['verdict'])} — affected n = "
        f"{p['n_tp']:,} before / {p['n_tq']:,} after."
    )
    st.caption(
        "Difference in differences: change for the affected customer minus the change for all "
        "other customers over the same dates. Caveats: not an experiment; actions are raised "
        "after bad scores, so part of any rise is regression to the mean; pooled intervals "
        f"reuse control answers and are too narrow. Fewer than {SMALL_N} answers in any group: no verdict."
    )
    # Open on the change with the most answers about the affected customer (never on one with
    # no data); each option says its n.
    df = df.assign(_n=df[["n_tp", "n_tq"]].min(axis=1)).sort_values(
        ["_n", "event_id"], ascending=[False, True], ignore_index=True
    )
    labels = (
        df["event_id"]
        + " · "
        + df["title"].fillna("")
        + " (n = "
        + df["n_tp"].map("{:,}".format)
        + " before / "
        + df["n_tq"].map("{:,}".format)
        + " after)"
    ).tolist()
    listed = dict(enumerate(labels))
    kept_pick = kept("fb_did_pick", options=listed)  # before findable reads it
    pick = st.selectbox(
        "One change", findable(listed, "fb_did_pick", "change"), format_func=listed.get, **kept_pick
    )
    if pick is None:
        st.info("No change matches: try part of its id or title.")
        return
    row = df.iloc[pick]
    st.markdown(f"**{md(row['verdict'])}**")
    chart(
        figure(feedback_charts.did_cells, row, metric),
        "Mean score before and after for the affected customer "
        "and for all other customers in view; hover for n.",
        key="fb_did_chart",
    )


# -- Customers page ---------------------------------------------------------------------------
