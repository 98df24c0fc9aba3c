"""The evidence rules: pure functions over small scoped frames (`EvidenceData`) that say
whether a square is met, with the figure they measured; thresholds are named constants here."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd

from pmo_data.analytics import services
from pmo_data.analytics.maturity.board import MET, NOT_MET, PARTIAL
from pmo_data.measures import DEFAULT_CADENCE_DAYS, nps_points

MOST = 0.75  # "most": three in four (met); half or more is partly met
HALF = 0.5
FEEDBACK_DAYS = 90  # key customers heard from within this many days of the latest response
FOLLOW_DAYS = 90  # a completed improvement is followed by feedback within this many days
TOP = 5  # the seeds' "top 5 customers" (by annual value)
ADVOCATE_NPS = 50  # a key customer whose NPS over the last year is this high is an advocate
ADVOCATE_N = 5  # ... on at least this many answers


@dataclass(frozen=True)
class Evidence:
    """What a rule measured: status, the figure, the threshold, a sentence, named items."""

    status: str
    figure: float | None
    threshold: str
    sentence: str
    items: tuple[str, ...] = field(default=())


@dataclass
class EvidenceData:
    """The scoped frames the rules read (small: one row per customer, action, service...)."""

    customers: pd.DataFrame  # customer_id, name, segment, tier, annual_value, last_contact_date,
    #                          contact_cadence_days
    links: pd.DataFrame  # customer_id, service_id (from projects and feedback)
    catalogue: pd.DataFrame  # service_id, name, description, demand_hours
    feedback: pd.DataFrame  # customer_id, date, nps (0-10 answers only)
    actions: pd.DataFrame  # action_id, title, customer_id, status, impact, closed_date
    coverage: pd.DataFrame  # theme, status (from services.coverage)
    ref: date  # the latest response in view: feedback windows end here
    as_of: date  # today: contact cadence is judged here


def _share_status(share: float, met: float = MOST, partial: float = HALF) -> str:
    if pd.isna(share):
        return NOT_MET
    return MET if share >= met else PARTIAL if share >= partial else NOT_MET


def _pct(x: float) -> str:
    return "–" if pd.isna(x) else f"{x:.0%}"


def _n(count: int, word: str) -> str:
    """'1 service', '3 services'."""
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def _names(df: pd.DataFrame, col: str = "name", limit: int = 10) -> tuple[str, ...]:
    return tuple(df[col].astype(str).head(limit))


def _top(d: EvidenceData) -> pd.DataFrame:
    c = d.customers.sort_values(
        ["annual_value", "name"], ascending=[False, True], na_position="last"
    )
    return c.head(TOP)


def _key(d: EvidenceData) -> pd.DataFrame:
    return d.customers[d.customers["tier"] == "Strategic"]


# -- the rules ----------------------------------------------------------------------------------
def rule_customer_list(d: EvidenceData) -> Evidence:
    n = len(d.customers)
    th = f"customers recorded, {MOST:.0%}+ with a segment (the customer map)"
    if not n:
        return Evidence(NOT_MET, 0, th, "No customers are recorded yet.")
    share = d.customers["segment"].notna().mean()
    return Evidence(
        _share_status(share, MOST, 0),
        share,
        th,
        f"{n:,} customers recorded; {_pct(share)} have a segment.",
    )


def rule_service_users(d: EvidenceData) -> Evidence:
    th = f"{MOST:.0%}+ of customers linked to a service (projects or feedback)"
    n = len(d.customers)
    if not n:
        return Evidence(NOT_MET, None, th, "No customers are recorded yet.")
    linked = d.customers["customer_id"].isin(d.links["customer_id"])
    share = linked.mean()
    return Evidence(
        _share_status(share),
        share,
        th,
        f"{linked.sum():,} of {n:,} customers ({_pct(share)}) use a named service.",
        _names(d.customers[~linked]),
    )


def rule_catalogue(d: EvidenceData) -> Evidence:
    th = f"a service catalogue; {MOST:.0%}+ of services with a description and demand"
    n = len(d.catalogue)
    if not n:
        return Evidence(NOT_MET, None, th, "There is no service catalogue yet.")
    ok = d.catalogue["description"].notna() & d.catalogue["demand_hours"].notna()
    share = ok.mean()
    return Evidence(
        _share_status(share),
        share,
        th,
        f"{_n(n, 'service')} on the menu; {ok.sum():,} ({_pct(share)}) say what the "
        "customer gets and how much is asked for.",
        _names(d.catalogue[~ok]),
    )


def rule_key_list(d: EvidenceData) -> Evidence:
    th = "at least one customer in the Strategic tier"
    k = len(_key(d))
    if k:
        return Evidence(
            MET,
            k,
            th,
            f"A key-customer list exists: {k:,} Strategic-tier customers.",
            _names(_key(d)),
        )
    tiered = d.customers["tier"].notna().any() if len(d.customers) else False
    if tiered:
        return Evidence(PARTIAL, 0, th, "Customers have tiers but none is Strategic.")
    return Evidence(NOT_MET, 0, th, "No customer has a tier: there is no key-customer list.")


def _within_cadence(c: pd.DataFrame, as_of: date) -> pd.Series:
    cadence = c["contact_cadence_days"].fillna(DEFAULT_CADENCE_DAYS)
    days = (pd.Timestamp(as_of) - pd.to_datetime(c["last_contact_date"])).dt.days
    return days.notna() & (days <= cadence)


def rule_top_met(d: EvidenceData) -> Evidence:
    top = _top(d)
    th = f"each of the top {TOP} customers (by annual value) contacted within their cadence"
    if top.empty:
        return Evidence(NOT_MET, None, th, "No customers are recorded yet.")
    ok = _within_cadence(top, d.as_of)
    status = MET if ok.all() else PARTIAL if ok.any() else NOT_MET
    return Evidence(
        status,
        ok.mean(),
        th,
        f"{ok.sum():,} of the top {len(top):,} customers were met within their "
        "agreed contact cadence.",
        _names(top[~ok]),
    )


def rule_key_feedback(d: EvidenceData) -> Evidence:
    key = _key(d)
    th = f"feedback in the last {FEEDBACK_DAYS} days from {MOST:.0%}+ of key customers"
    if key.empty:
        return Evidence(NOT_MET, None, th, "No key (Strategic) customers to hear from.")
    since = pd.Timestamp(d.ref) - pd.Timedelta(days=FEEDBACK_DAYS)
    recent = d.feedback[pd.to_datetime(d.feedback["date"]) > since]["customer_id"]
    heard = key["customer_id"].isin(recent)
    share = heard.mean()
    return Evidence(
        _share_status(share),
        share,
        th,
        f"{heard.sum():,} of {len(key):,} key customers ({_pct(share)}) gave feedback "
        f"in the {FEEDBACK_DAYS} days to {d.ref:%d %b %Y}.",
        _names(key[~heard]),
    )


def rule_top_improvements(d: EvidenceData) -> Evidence:
    top = _top(d)
    th = f"an improvement action raised for each of the top {TOP} customers"
    if top.empty:
        return Evidence(NOT_MET, None, th, "No customers are recorded yet.")
    has = top["customer_id"].isin(d.actions["customer_id"])
    status = MET if has.all() else PARTIAL if has.any() else NOT_MET
    return Evidence(
        status,
        has.mean(),
        th,
        f"{has.sum():,} of the top {len(top):,} customers have a list of improvements "
        "(actions raised for them).",
        _names(top[~has]),
    )


def rule_prioritised(d: EvidenceData) -> Evidence:
    a = d.actions
    th = f"{MOST:.0%}+ of actions rated for impact and tied to a customer or to feedback"
    if a.empty:
        return Evidence(NOT_MET, None, th, "No improvement actions are recorded yet.")
    ok = a["impact"].notna() & (a["customer_id"].notna() | a["source"].notna())
    share = ok.mean()
    return Evidence(
        _share_status(share),
        share,
        th,
        f"{ok.sum():,} of {len(a):,} actions ({_pct(share)}) carry a customer impact "
        "rating and say whose feedback they answer.",
        _names(a[~ok], "title"),
    )


def followed_up(actions: pd.DataFrame, feedback: pd.DataFrame, ref: date) -> pd.DataFrame:
    """Done actions for a customer with `followed` (a response from that customer within
    FOLLOW_DAYS after closing) and `pending` (window still open, no response yet)."""
    done = actions[
        (actions["status"] == "Done")
        & actions["customer_id"].notna()
        & actions["closed_date"].notna()
    ].copy()
    closed = pd.to_datetime(done["closed_date"])
    fb = feedback.assign(date=pd.to_datetime(feedback["date"]))
    pairs = done[["action_id", "customer_id"]].assign(closed=closed).merge(fb, on="customer_id")
    hit = pairs[
        (pairs["date"] > pairs["closed"])
        & (pairs["date"] <= pairs["closed"] + pd.Timedelta(days=FOLLOW_DAYS))
    ]
    done["followed"] = done["action_id"].isin(hit["action_id"])
    open_window = closed + pd.Timedelta(days=FOLLOW_DAYS) > pd.Timestamp(ref)
    done["pending"] = ~done["followed"] & open_window
    return done


def rule_followed_up(d: EvidenceData) -> Evidence:
    th = f"{MOST:.0%}+ of completed improvements followed by new feedback within {FOLLOW_DAYS} days"
    done = followed_up(d.actions, d.feedback, d.ref)
    judged = done[~done["pending"]]
    if judged.empty:
        return Evidence(NOT_MET, None, th, "No completed improvement for a customer to judge yet.")
    share = judged["followed"].mean()
    wait = int(done["pending"].sum())
    tail = f" {wait:,} more closed recently and are still inside their window." if wait else ""
    return Evidence(
        _share_status(share),
        share,
        th,
        f"{judged['followed'].sum():,} of {len(judged):,} completed improvements "
        f"({_pct(share)}) were followed by new feedback from the customer.{tail}",
        _names(judged[~judged["followed"]], "title"),
    )


def rule_cadence(d: EvidenceData) -> Evidence:
    key = _key(d)
    th = f"{MOST:.0%}+ of key customers contacted within their agreed cadence"
    if key.empty:
        return Evidence(NOT_MET, None, th, "No key (Strategic) customers to stay in touch with.")
    ok = _within_cadence(key, d.as_of)
    share = ok.mean()
    return Evidence(
        _share_status(share),
        share,
        th,
        f"{ok.sum():,} of {len(key):,} key customers ({_pct(share)}) are within their "
        f"contact cadence on {d.as_of:%d %b %Y}.",
        _names(key[~ok]),
    )


def rule_catalogue_review(d: EvidenceData) -> Evidence:
    th = f"every feedback theme matched by a service ({MOST:.0%}+ partly)"
    cov = d.coverage[d.coverage["status"] != services.GENERIC_ONLY]
    if cov.empty:
        return Evidence(NOT_MET, None, th, "No comment themes to review the catalogue against.")
    gap = cov[cov["status"] == "Not covered"]
    share = 1 - len(gap) / len(cov)
    status = MET if gap.empty else _share_status(share, 2, MOST)
    return Evidence(
        status,
        share,
        th,
        f"{len(cov) - len(gap):,} of {len(cov):,} things customers talk about match a "
        f"service on the menu; {len(gap):,} do not.",
        _names(gap, "theme"),
    )


def rule_advocate(d: EvidenceData) -> Evidence:
    th = f"a key customer with NPS {ADVOCATE_NPS}+ over the last year (n >= {ADVOCATE_N})"
    key = _key(d)
    since = pd.Timestamp(d.ref) - pd.Timedelta(days=365)
    fb = d.feedback[
        (pd.to_datetime(d.feedback["date"]) > since)
        & d.feedback["customer_id"].isin(key["customer_id"])
    ]
    if fb.empty:
        return Evidence(NOT_MET, None, th, "No key customer answered the NPS question last year.")
    score = fb["nps"].map(nps_points)
    per = score.groupby(fb["customer_id"]).agg(["mean", "count"]).rename(columns={"count": "size"})
    per = per[per["size"] >= ADVOCATE_N].join(key.set_index("customer_id")["name"])
    fans = per[per["mean"] >= ADVOCATE_NPS].sort_values("mean", ascending=False)
    best = per["mean"].max() if len(per) else float("nan")
    if len(fans):
        return Evidence(
            MET,
            best,
            th,
            f"{_n(len(fans), 'key customer')} with NPS {ADVOCATE_NPS}+: an advocate.",
            _names(fans),
        )
    status = PARTIAL if len(per) and best > 0 else NOT_MET
    text = (
        "No key customer has enough answers to tell."
        if pd.isna(best)
        else f"The best key customer's NPS is {best:+.0f}; none reaches {ADVOCATE_NPS}."
    )
    return Evidence(status, best, th, text)


RULES = {
    "customer_list": rule_customer_list,
    "service_users": rule_service_users,
    "catalogue": rule_catalogue,
    "key_list": rule_key_list,
    "top_met": rule_top_met,
    "key_feedback": rule_key_feedback,
    "top_improvements": rule_top_improvements,
    "prioritised": rule_prioritised,
    "followed_up": rule_followed_up,
    "cadence": rule_cadence,
    "catalogue_review": rule_catalogue_review,
    "advocate": rule_advocate,
}
