"""The customer-centric maturity journey: the seeds' gameboard as a self-assessment.

Five stages (self-serving, presumptuous, engaged, people, proactive), each with its squares,
texts as in `seeds/customer-centric-pmo-gameboard.txt`. The seed numbers two squares "4" (the
key-customer list ends the self-serving stage, meeting the top five opens the presumptuous
one); both are kept, the second as "4b", so 14 squares carry the board's 13 numbers.

Why evidence and a human: most squares leave a trace in the data (a key-customer list, recent
feedback, completed actions followed by new feedback, contacts within cadence), so a rule can
suggest "met", "partly met" or "not met" with the figure it measured. Some are questions only
the PMO can answer (what challenges is the customer having?); those have no rule. The user
confirms or overrides every square with a note; each saved assessment is a document (author,
date, the evidence as it was), so the journey has a history.
Rules are pure functions over small frames (`EvidenceData`), thresholds are named constants.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

import pandas as pd

from pmo_data.analytics import services
from pmo_data.analytics.feedback.scores import reference_date
from pmo_data.measures import DEFAULT_CADENCE_DAYS, VALID_NPS, nps_points
from pmo_data.store.access import Viewer, may
from pmo_data.store.scope import NO_FILTERS, Filters, frame, scoped
from pmo_data.store.versions import Store

KIND = "maturity_assessment"
MET, PARTIAL, NOT_MET = "met", "partly met", "not met"
MOST = 0.75  # "most": three in four (met); half or more is partly met
HALF = 0.5
FEEDBACK_DAYS = 90  # key customers heard from within this many days of the latest response
FOLLOW_DAYS = 90  # a completed improvement is followed by feedback within this many days
TOP = 5  # the seeds' "top 5 customers" (by annual value)
ADVOCATE_NPS = 50  # a key customer whose NPS over the last year is this high is an advocate
ADVOCATE_N = 5  # ... on at least this many answers


@dataclass(frozen=True)
class Stage:
    key: str
    name: str
    belief: str

    @property
    def short(self) -> str:
        """'The self-serving PMO' -> 'Self-serving': how tiles name it, on the page and in
        the brief alike."""
        return self.name.removeprefix("The ").removesuffix(" PMO").capitalize()


@dataclass(frozen=True)
class Square:
    id: str
    stage: str
    kind: str
    text: str
    rule: str | None  # evidence rule id, None when only the PMO can answer
    page: str  # where to act on it


STAGES = (
    Stage(
        "self_serving",
        "The self-serving PMO",
        "We don't think of our internal stakeholders "
        "as customers and are focused on the operational tasks needed to keep our function "
        "moving",
    ),
    Stage(
        "presumptuous",
        "The presumptuous PMO",
        "We know what our customers need and work "
        "hard to ensure what we produce meets quality standards",
    ),
    Stage(
        "engaged",
        "The engaged PMO",
        "We seek customer feedback and prioritise key issues in "
        "order to improve customer satisfaction and reduce complaints",
    ),
    Stage(
        "people",
        "The people PMO",
        "We focus on long term relationships and strive to make an "
        "emotional connection by providing delightful experiences that create advocates",
    ),
    Stage(
        "proactive",
        "The proactive PMO",
        "We think deeply about what our customers are trying "
        "to accomplish and create new ways to add value before they ask!",
    ),
)
STAGE = {s.key: s for s in STAGES}

SQUARES = (
    Square(
        "1", "self_serving", "question", "Who benefits from our work?", "customer_list", "customers"
    ),
    Square("2", "self_serving", "question", "Who needs our services?", "service_users", "services"),
    Square("3", "self_serving", "question", "What services do they need?", "catalogue", "services"),
    Square(
        "4",
        "self_serving",
        "task",
        "Based on your answers to 1 and 2, develop a key customer list",
        "key_list",
        "customers",
    ),
    Square(
        "4b", "presumptuous", "task", "Arrange to meet your top 5 customers", "top_met", "customers"
    ),
    Square(
        "5", "presumptuous", "task", "Collect feedback on your services", "key_feedback", "feedback"
    ),
    Square(
        "6",
        "presumptuous",
        "task",
        "Make a list of things your top 5 customers would like to see improved",
        "top_improvements",
        "feedback",
    ),
    Square(
        "7",
        "engaged",
        "task",
        "Prioritise improvements based on the impact for your customers",
        "prioritised",
        "feedback",
    ),
    Square(
        "8",
        "engaged",
        "task",
        "Complete improvements and ask for more feedback!",
        "followed_up",
        "feedback",
    ),
    Square(
        "9",
        "engaged",
        "question",
        "Set up a regular connection call or face-to-face with your top customers",
        "cadence",
        "customers",
    ),
    Square(
        "10",
        "people",
        "question",
        "What challenges is your customer having? What "
        "opportunities do they see for the business? What is changing for them? Remember to "
        "LISTEN!",
        None,
        "feedback",
    ),
    Square(
        "11",
        "people",
        "task",
        "Review your service catalogue. Can you identify other "
        "services that could help your customers achieve success?",
        "catalogue_review",
        "services",
    ),
    Square(
        "12",
        "people",
        "star point",
        "Congratulations, you've gained an advocate (and a friend)!",
        "advocate",
        "customers",
    ),
    Square(
        "13",
        "proactive",
        "final square",
        "Create new ways to add value before your customers ask",
        None,
        "services",
    ),
)
SQUARE = {s.id: s for s in SQUARES}


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


# -- from the store ----------------------------------------------------------------------------
def gather(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, as_of: date | None = None
) -> EvidenceData:
    """The viewer's scoped frames the rules read."""
    cust = frame(
        store,
        "customers",
        viewer,
        filters,
        columns=[
            "customer_id",
            "name",
            "segment",
            "tier",
            "annual_value",
            "last_contact_date",
            "contact_cadence_days",
        ],
    )
    p_sql, p_p = scoped(store, "projects", viewer, filters)
    f_sql, f_p = scoped(store, "feedback", viewer, filters)
    links = store.df(
        f"""SELECT DISTINCT customer_id, service_id FROM (
              SELECT customer_id, service_id FROM ({p_sql})
              UNION ALL SELECT customer_id, service_id FROM ({f_sql}))
            WHERE customer_id IS NOT NULL AND service_id IS NOT NULL""",
        p_p + f_p,
    )
    fb = store.df(
        f"SELECT customer_id, date, nps FROM ({f_sql}) WHERE {VALID_NPS} OR nps IS NULL", f_p
    )
    acts = frame(
        store,
        "actions",
        viewer,
        filters,
        columns=["action_id", "title", "customer_id", "status", "impact", "source", "closed_date"],
    )
    cat = frame(
        store,
        "services",
        viewer,
        filters,
        columns=["service_id", "name", "description", "demand_hours"],
    )
    ref = reference_date(store, viewer, filters)
    return EvidenceData(
        customers=cust,
        links=links,
        catalogue=cat,
        feedback=fb,
        actions=acts,
        coverage=services.uncovered_requests(store, viewer, filters)[["theme", "status"]],
        ref=pd.Timestamp(ref).date() if ref is not None and not pd.isna(ref) else date.today(),
        as_of=as_of or date.today(),
    )


def evaluate(data: EvidenceData) -> dict[str, Evidence]:
    """Evidence for every square that has a rule."""
    return {s.id: RULES[s.rule](data) for s in SQUARES if s.rule}


def evidence(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, as_of: date | None = None
) -> pd.DataFrame:
    """One row per square: stage, text, rule and what the evidence says (status, figure,
    threshold, sentence, items); squares without a rule say so."""
    ev = evaluate(gather(store, viewer, filters, as_of))
    rows = []
    for s in SQUARES:
        e = ev.get(s.id)
        rows.append(
            {
                "square": s.id,
                "stage": s.stage,
                "stage_name": STAGE[s.stage].name,
                "kind": s.kind,
                "text": s.text,
                "rule": s.rule,
                "page": s.page,
                "status": e.status if e else "your call",
                "figure": e.figure if e else None,
                "threshold": e.threshold if e else "only the PMO can answer this",
                "sentence": e.sentence if e else "No data can answer this: it is for you to judge.",
                "items": list(e.items) if e else [],
            }
        )
    return pd.DataFrame(rows)


# -- assessments ---------------------------------------------------------------------------------
EDITORS = ("pmo_analyst", "executive")


def can_edit(viewer: Viewer) -> bool:
    """The PMO and executives: an assessment is of the whole PMO, so it is recorded from a
    view that sees every row (a sponsor's evidence covers only their projects). In local mode
    anyone can switch to those views; with sign-in the access table decides (and nobody
    records one while an admin views as them)."""
    return may(viewer, "maturity") and viewer.sees_everything


def suggested(ev: pd.DataFrame) -> dict[str, bool]:
    """The starting answers: a square is done when its evidence says met."""
    return {r.square: r.status == MET for r in ev.itertuples()}


def stage_reached(done: dict[str, bool]) -> Stage | None:
    """The last stage whose squares, and every earlier stage's, are all done (None: none)."""
    reached = None
    for stage in STAGES:
        if all(done.get(s.id, False) for s in SQUARES if s.stage == stage.key):
            reached = stage
        else:
            break
    return reached


def working_on(done: dict[str, bool]) -> Stage | None:
    """The stage after the one reached (None when the whole board is done)."""
    reached = stage_reached(done)
    i = 0 if reached is None else STAGES.index(reached) + 1
    return STAGES[i] if i < len(STAGES) else None


def next_moves(done: dict[str, bool], ev: pd.DataFrame, k: int = 3) -> list[dict]:
    """The first `k` squares not yet done, in board order, with why, where to act (a page)
    and the named customers, actions or themes that would get them done."""
    by_id = {r["square"]: r for r in ev.to_dict("records")}
    out = []
    for s in SQUARES:
        if done.get(s.id, False):
            continue
        r = by_id.get(s.id, {})
        out.append(
            {
                "square": s.id,
                "stage": STAGE[s.stage].name,
                "text": s.text,
                "why": r.get("sentence", ""),
                "page": s.page,
                "items": list(r.get("items", [])),
            }
        )
        if len(out) == k:
            break
    return out


def build(answers: dict[str, dict], ev: pd.DataFrame, view: str = "") -> dict:
    """The document to save: per square done, note, the suggestion and the evidence then."""
    by_id = {r["square"]: r for r in ev.to_dict("records")}
    squares = {}
    for s in SQUARES:
        a, r = answers.get(s.id, {}), by_id.get(s.id, {})
        squares[s.id] = {
            "done": bool(a.get("done", False)),
            "note": str(a.get("note", "") or ""),
            "evidence": {k: r.get(k) for k in ("status", "threshold", "sentence")}
            | {"figure": None if pd.isna(r.get("figure")) else float(r["figure"])},
        }
    done = {k: v["done"] for k, v in squares.items()}
    reached = stage_reached(done)
    return {
        "squares": squares,
        "stage": reached.key if reached else None,
        "done": sum(done.values()),
        "overrides": sum(v["done"] != (v["evidence"]["status"] == MET) for v in squares.values()),
        "view": view,
    }


def save(store: Store, payload: dict, author: str, scope: str | None = None, viewer=None) -> str:
    """Append an assessment (named by its timestamp) and return its name; the store refuses
    it unless `viewer` may record one."""
    name = datetime.now().isoformat(timespec="microseconds")
    summary = f"{payload.get('done')} squares done"
    store.save_document(
        KIND, name, payload, author=author, scope=scope, viewer=viewer, summary=summary
    )
    return name


def history(store: Store) -> pd.DataFrame:
    """Every saved assessment, newest first: when, who, stage reached, squares done, overrides."""
    docs = store.documents(KIND, latest_only=False)
    if not docs.empty:  # only whole-PMO assessments (older saves from narrow views are left out)
        docs = docs[docs["scope"].isna() | docs["scope"].isin(EDITORS)].reset_index(drop=True)
    cols = ["created_at", "author", "stage", "done", "overrides", "view", "name"]
    if docs.empty:
        return pd.DataFrame(columns=[*cols, "payload"])
    p = docs["payload"]
    return pd.DataFrame(
        {
            "created_at": docs["created_at"],
            "author": docs["author"],
            "stage": [STAGE[x["stage"]].name if x.get("stage") else "None yet" for x in p],
            "done": [int(x.get("done", 0)) for x in p],
            "overrides": [int(x.get("overrides", 0)) for x in p],
            "view": [x.get("view", "") for x in p],
            "name": docs["name"],
            "payload": p,
        }
    )


def latest(store: Store) -> dict | None:
    """The newest saved assessment's payload (None when nothing has been saved)."""
    h = history(store)
    return None if h.empty else h["payload"].iloc[0]
