"""Drawing for the Prioritisation page, one function per section.

The page stays a table of contents. Weights, method and blend live in session state under
`pr_*` keys (initialised once); every number comes from `run(model, viewer, filters, ...)`
with the settings as a hashable tuple, so a slider move recomputes and nothing else does.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from pmo_data.analytics.value import scoring, selection
from pmo_data.charts import prioritisation as prioritisation_charts
from pmo_data.escaping import md
from pmo_data.formatting import money, number, percent
from pmo_data.measures import SMALL_N
from pmo_data.store.access import GROUPS, may
from pmo_data.store.paging import PageRequest, page
from pmo_data.ui.context import get_store, run
from pmo_data.ui.kept import kept
from pmo_data.ui.tables import Col, paged_table, table
from pmo_data.ui.widgets import Kpi, chart, download_excel, figure, kpi_row

DEFAULT_PROFILE = "Default (customer first)"
NUM = st.column_config.NumberColumn


@dataclass(frozen=True)
class Settings:
    weights: tuple
    method: str
    blend: float

    @property
    def args(self) -> tuple:
        return (self.weights, self.method, self.blend)


def _apply(weights, method: str, blend: float) -> None:
    for k, w in zip(scoring.KEYS, weights, strict=True):
        st.session_state[f"pr_w_{k}"] = float(w)
    st.session_state["pr_method"], st.session_state["pr_blend"] = method, float(blend)


def _load_profile() -> None:
    choice = st.session_state.get("pr_profile")
    saved = scoring.profiles(get_store())
    row = saved[saved["name"] == choice]
    if choice == DEFAULT_PROFILE or row.empty:
        _apply(scoring.DEFAULT_WEIGHTS, "blend", 0.5)
    else:
        r = row.iloc[0]
        _apply(r["weights"], r["method"], r["blend"])


def _save(viewer, name: str, weights, method: str, blend: float) -> None:
    """Button callback: runs before the rerun, so the new profile is listed at once."""
    scoring.save_profile(
        get_store(),
        name,
        weights,
        method,
        blend,
        author=viewer.identity,
        scope=viewer.group,
        viewer=viewer,
    )
    st.session_state["pr_profile"] = name.strip()
    st.session_state["pr_saved"] = (
        f"Saved '{name.strip()}' for {GROUPS[viewer.group]} as {viewer.identity}."
    )


def controls(viewer) -> Settings:
    """Profile picker, customer-impact source, weight sliders and 'save as profile'."""
    if "pr_w_customer" not in st.session_state:
        _apply(scoring.DEFAULT_WEIGHTS, "blend", 0.5)
    saved = scoring.profiles(get_store())
    labels = {
        r["name"]: f"{r['name']} ({GROUPS.get(r['group'], r['group'])}, {r['author']})"
        for _, r in saved.iterrows()
    }
    adjust, keep, _ = st.columns([1, 1, 1])
    # the controls in a popover: kept in every run (their state stays) but drawn by the
    # browser only when opened, and the effective weights are said below in any case
    with adjust.popover("Adjust weights and method", icon=":material/tune:", width="stretch"):
        st.selectbox(
            "Start from a weight profile",
            [DEFAULT_PROFILE, *labels],
            key="pr_profile",
            format_func=lambda n: labels.get(n, n),
            on_change=_load_profile,
            help="Profiles saved by each stakeholder group; the sliders below load it.",
        )
        method = st.radio(
            "Customer impact from",
            list(scoring.METHODS),
            key="pr_method",
            format_func=scoring.METHODS.get,
            horizontal=True,
            help="Declared: the project's own 1-5 rating. Evidence: tier, value, "
            "satisfaction, actions and complaints of the customers it serves.",
        )
        blend = st.slider(
            "Evidence share in the blend",
            0.0,
            1.0,
            key="pr_blend",
            step=0.05,
            disabled=method != "blend",
        )
        cols = st.columns(2)
        for i, (k, label) in enumerate(scoring.CRITERIA.items()):
            cols[i % 2].slider(label, 0.0, 1.0, step=0.05, key=f"pr_w_{k}")
    weights = tuple(float(st.session_state[f"pr_w_{k}"]) for k in scoring.KEYS)
    if sum(weights) <= 0:
        st.warning("All weights are zero: using the default weights until one is raised.")
        weights = scoring.DEFAULT_WEIGHTS
    share = ", ".join(
        f"{scoring.CRITERIA[k]} {w / sum(weights):.0%}"
        for k, w in zip(scoring.KEYS, weights, strict=True)
    )
    source = scoring.METHODS.get(method, method)
    if method == "blend":
        source = f"{source} ({float(blend):.0%} evidence)"
    st.caption(
        f"Effective weights (normalised to 100%): {md(share)}. Customer impact from: {md(source)}."
    )
    if not may(viewer, "weights"):
        return Settings(weights, method, float(blend))
    with keep.popover("Save these weights as a profile", icon=":material/save:", width="stretch"):
        name = st.text_input(
            "Profile name", key="pr_profile_name", placeholder=f"{GROUPS[viewer.group]} view"
        )
        st.button(
            "Save profile",
            key="pr_save",
            disabled=not name.strip(),
            on_click=_save,
            args=(viewer, name, weights, method, blend),
        )
    if msg := st.session_state.pop("pr_saved", None):
        st.success(md(msg), icon=":material/check:")
    return Settings(weights, method, float(blend))


def headline(ranked, rob, top_k: int) -> None:
    n, imputed, settled, hinge, thin = scoring.headline(ranked, rob).values()
    kpi_row(
        [
            Kpi("Candidates", number(n), help="Projects in view that are not Closed."),
            Kpi(
                f"Sure of the top {top_k:,}",
                f"{settled:,}/{top_k:,}",
                help="P(in top K) above 90% over 2,000 perturbed weight draws.",
            ),
            Kpi(
                "Places that hinge",
                f"{hinge:,}",
                help="Projects whose P(in top K) is between 10% and 90%: the weights decide.",
            ),
            Kpi(
                "Neutral inputs",
                f"{imputed:,}/{n:,}",
                help=f"A missing input takes {scoring.NEUTRAL} and is listed in 'Missing'. "
                f"{thin:,} projects have customer evidence from fewer than {SMALL_N} NPS answers.",
            ),
        ]
    )


def ranked_table(ranked, currency: str) -> None:
    cols = [
        "rank",
        "name",
        "customer",
        "portfolio",
        "stage",
        "score",
        "customer_declared",
        "evidence",
        *[f"c_{k}" for k in scoring.KEYS],
        "cost",
        "missing",
    ]
    pct = {
        f"c_{k}": NUM(v, format="%.2f", help="0-1 after scaling")
        for k, v in scoring.CRITERIA.items()
    }
    paged_table(
        ranked,
        key="pr_table",
        columns=cols,
        height=420,
        search_columns=("name", "project_id", "customer", "portfolio"),
        search_label="Find a project, id, customer or portfolio",
        noun="projects",
        config_overrides={
            "rank": NUM("Rank"),
            "name": "Project",
            "customer": "Customer",
            "score": st.column_config.ProgressColumn(
                "Score", min_value=0, max_value=100, format="%.1f"
            ),
            "customer_declared": NUM("Customer: declared", format="%.2f"),
            "evidence": NUM("Customer: evidence", format="%.2f"),
            "missing": "Missing (neutral 0.5)",
            **pct,
        },
    )


FINDER = 50  # projects offered in the "why" picker at once; the search box reaches the rest


def why(ranked, currency: str) -> None:
    """Waterfall of one project's score, its raw inputs and both customer-impact sources."""
    find = st.text_input(
        "Find a project",
        placeholder="name, id or customer; empty: the best-ranked",
        help=f"The picker lists the {FINDER} best-ranked projects that match.",
        **kept("pr_find"),
    )
    found = page(
        ranked,
        PageRequest(search=find, search_columns=("name", "project_id", "customer"), size=FINDER),
    )
    if not found.total:
        st.info("No project matches: try part of its name, its id or its customer.")
        return
    names = dict(zip(found.rows["project_id"], found.rows["name"], strict=True))
    pid = st.selectbox(
        f"Project ({found.last:,} of {found.total:,} matching, best-ranked first)",
        list(names),
        format_func=lambda p: f"{names[p]} ({p})",
        **kept("pr_project", options=names),
    )
    row = ranked[ranked["project_id"] == pid].iloc[0]
    left, right = st.columns([3, 2])
    with left:
        chart(
            figure(prioritisation_charts.waterfall, row),
            "Points each criterion adds: 100 x weight share x criterion value (0-1).",
            key="pr_waterfall",
        )
    with right:
        raw = [
            ("Customer impact (declared, 1-5)", number(row["customer_impact"])),
            ("Strategic alignment (1-5)", number(row["strategic_alignment"])),
            ("Planned benefit", money(row["planned_benefit"], currency)),
            ("Cost (forecast, else budget)", money(row["cost"], currency)),
            ("Deadline (go-live, else end)", str(row["deadline"])[:10]),
            ("Days to deadline", number(row["days_to_deadline"])),
            ("Risk (1 low - 5 high)", number(row["risk"])),
            ("Effort (1 small - 5 large)", number(row["effort"])),
            ("Inputs set to neutral", row["missing"] or "none"),
        ]
        st.markdown("**Raw inputs**")
        st.table({"Input": [r[0] for r in raw], "Value": [r[1] for r in raw]})
    st.markdown("**Customer impact: the two sources side by side**")
    a, b = st.columns(2)
    a.metric("Declared (rating scaled 0-1)", number(row["customer_declared"], 2), border=True)
    b.metric("Evidence from the data (0-1)", number(row["evidence"], 2), border=True)
    ev = scoring.EVIDENCE_WEIGHTS
    st.table(
        {
            "Component": [k.capitalize() for k in ev],
            "Weight": [percent(w) for w in ev.values()],
            "Value (0-1)": [number(row[f"ev_{k}"], 2) for k in ev],
        }
    )
    st.caption(
        f"Proof: {md(row['proof'] if isinstance(row['proof'], str) else 'no customer linked')}."
        f" Customers: {md(row['customer_names'] if isinstance(row['customer_names'], str) else '–')}."
    )


def robustness(viewer, filters, s: Settings, n: int) -> tuple:
    top_k = st.number_input(
        "Top K",
        1,
        max(1, n),
        min(10, n),
        key="pr_topk",
        help="How many projects you expect to fund or start.",
    )
    rob = run(scoring.robustness, viewer, filters, *s.args, int(top_k))
    return rob, int(top_k)


def robustness_detail(rob, top_k: int) -> None:
    chart(
        figure(prioritisation_charts.robustness, rob, top_k),
        f"Median rank and P10-P90 over {scoring.DRAWS:,} Dirichlet weight draws around your "
        f"weights (concentration {scoring.CONCENTRATION:.0f}: a 0.30 weight varies by about "
        "+-0.06). Green: settled in the top K; grey: settled outside; amber: hinges on weights.",
        key="pr_rob",
    )
    ins = rob[rob["verdict"].str.contains("in the top")]["name"].tolist()
    hinge = rob[rob["verdict"] == "Hinges on the weights"].head(15)
    st.markdown(
        f"**Settled in the top {top_k:d}** (P > 90%): " + (", ".join(md(x) for x in ins) or "none.")
    )
    if hinge.empty:
        st.success("No place near the line depends on the exact weights.")
    else:
        st.markdown("**These places hinge on the weights** (P(top K) between 10% and 90%):")
        table(
            hinge[["rank", "name", "p_top_k", "rank_p10", "rank_p90"]],
            hide_index=True,
            key="pr_hinge",
            column_config={
                "rank": NUM("Rank"),
                "name": "Project",
                "p_top_k": Col(f"P(top {top_k})", "share"),
                "rank_p10": NUM("Rank P10", format="%.0f"),
                "rank_p90": NUM("Rank P90", format="%.0f"),
            },
        )


def disagreement(viewer, filters, s: Settings) -> None:
    saved = scoring.profiles(get_store())
    settings = [("Your sliders", *s.args), ("Default", scoring.DEFAULT_WEIGHTS, "blend", 0.5)]
    settings += [
        (
            f"{r['name']} ({GROUPS.get(r['group'], r['group'])})",
            r["weights"],
            r["method"],
            r["blend"],
        )
        for _, r in saved.iterrows()
    ]
    wide = run(scoring.disagreement, viewer, filters, tuple(settings), 30)
    if saved.empty:
        st.info("No group has saved a weight profile yet: save one above to compare views.")
    chart(
        figure(prioritisation_charts.disagreement, wide),
        "Rank of the top 30 projects (by your sliders) under each saved profile: rows that "
        "change colour across columns are where groups disagree.",
        key="pr_heat",
    )


def wsjf(viewer, filters, s: Settings) -> None:
    res = run(scoring.wsjf_compare, viewer, filters, *s.args)
    chart(
        figure(prioritisation_charts.wsjf_scatter, res["table"], res["rho"]),
        "WSJF = cost of delay (business value + time criticality + risk reduction, each "
        "0-10) / job size (effort 1-5); on the diagonal both methods agree. Beyond "
        f"{prioritisation_charts.MAX_POINTS:,} projects each cell counts the projects at "
        "those ranks.",
        key="pr_wsjf",
    )
    st.caption(
        f"Spearman rank correlation {res['rho']:.2f} (n={res['n']:,}); "
        f"{res['overlap']:d} of the top {res['top_k']:d} are the same under both methods."
    )
    moved = res["table"].reindex(
        res["table"]["rank_shift"].abs().sort_values(ascending=False).index
    )
    table(
        moved.head(8)[["name", "rank", "wsjf_rank", "cost_of_delay", "job_size", "wsjf"]],
        hide_index=True,
        key="pr_wsjf_t",
        column_config={
            "rank": NUM("Weighted rank"),
            "wsjf_rank": NUM("WSJF rank"),
            "cost_of_delay": NUM("Cost of delay", format="%.1f"),
            "name": "Project",
            "job_size": NUM("Job size (1-5)", format="%.0f"),
            "wsjf": NUM("WSJF", format="%.2f"),
        },
    )


def budget(viewer, filters, s: Settings, ranked, currency: str) -> None:
    total = float(ranked["cost"].sum())
    a, b = st.columns(2)
    amount = a.number_input(
        f"Budget ({md(currency)})",
        0.0,
        None,
        step=50_000.0,
        format="%.0f",
        **kept("pr_budget", float(round(total * 0.3, -3))),
    )
    cap_on = b.checkbox("Also limit PMO capacity (effort points)", **kept("pr_cap_on"))
    cap = b.number_input(
        "Capacity (effort 1-5 per project)",
        0.0,
        None,
        step=5.0,
        disabled=not cap_on,
        **kept("pr_cap", float(ranked["effort"].fillna(3).sum() / 2)),
    )
    res = run(
        selection.choose, viewer, filters, *s.args, float(amount), float(cap) if cap_on else None
    )
    t = res["totals"]
    kpi_row(
        [
            Kpi(
                "Selected",
                f"{t['selected']:,}/{t['candidates']:,}",
                help="Projects selected / candidates.",
            ),
            Kpi(
                "Spent",
                money(t["spent"], currency),
                f"{money(t['left'], currency)} left",
                delta_color="off",
            ),
            Kpi(
                "Value captured",
                percent(t["value"] / t["value_all"]) if t["value_all"] else "–",
                help="Sum of selected scores / sum of all candidate scores.",
            ),
            Kpi(
                "Gain over greedy (score points)",
                f"{t['value'] - t['greedy_value']:+,.1f} points",
                help="Score points the exact 0/1 selection adds over 'best value per pound first'.",
            ),
        ]
    )
    chart(
        figure(prioritisation_charts.frontier, res["frontier"], float(amount), currency),
        "Projects ordered by score per pound; cumulative value against cumulative cost. "
        "The exact selection (green) maximises total score within the budget. Beyond "
        f"{prioritisation_charts.MAX_POINTS // 3:,} projects the markers are evenly spaced "
        "projects on the curve.",
        key="pr_front",
    )
    st.markdown("**Just below the line** (best-ranked projects not selected)")
    cut = res["cut"]
    table(
        cut[["rank", "name", "score", "cost", "short_by"]],
        hide_index=True,
        key="pr_cut",
        column_config={
            "rank": NUM("Rank"),
            "name": "Project",
            "score": NUM("Score", format="%.1f"),
            "short_by": Col("Budget short by", "money"),
        },
    )
    if len(res["unpriced"]):
        st.warning(f"{len(res['unpriced']):,} projects have no cost and cannot be selected.")
    out = res["table"][
        [
            "rank",
            "project_id",
            "name",
            "customer",
            "portfolio",
            "score",
            "cost",
            "effort",
            "selected",
            "missing",
            "proof",
        ]
    ]
    download_excel(
        "Download ranked selection (Excel)",
        {"selection": out},
        "prioritised_selection.xlsx",
        key="pr_dl",
    )
