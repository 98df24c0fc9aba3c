"""The overview, tailored: each stakeholder group's few metrics, at any store version.

Metrics are computed at the current and the previous version through `queries.scoped`, so a
delta compares like with like (same viewer, same filters) and a sponsor's numbers only ever
count their projects. `what_changed` turns the biggest moves into one sentence.

Dates: "overdue" and "days since" use today; feedback windows (last 12 months, last 90 days)
end at the latest feedback date in the store, so an old export is judged on its own terms and
its age shows separately as stale data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd

from pmo_data.formatting import money, number, percent, signed
from pmo_data.measures import (
    AMBER,
    CONTACT_OVERDUE,
    CSAT_SATISFIED,
    NPS_POINTS,
    OPEN_ACTION,
    RED,
    SLIP_DAYS,
    SLIPPING,
    VALID_NPS,
)
from pmo_data.schema import ENTITIES
from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, scoped
from pmo_data.store.versions import Store

DUE_SOON_DAYS = 14
COVERAGE_DAYS = 90
ALIGNED = 4  # strategic_alignment at or above this counts as aligned to strategy
# (entity, column, target entity): the references whose orphans the PMO should chase
REFERENCES = [
    ("projects", "customer_id", "customers"),
    ("projects", "service_id", "services"),
    ("feedback", "customer_id", "customers"),
    ("feedback", "project_id", "projects"),
    ("feedback", "service_id", "services"),
    ("actions", "customer_id", "customers"),
    ("actions", "project_id", "projects"),
    ("actions", "service_id", "services"),
    ("savings", "project_id", "projects"),
    ("savings", "service_id", "services"),
]


@dataclass(frozen=True)
class Metric:
    """One overview number: `better` says which way is good ("up", "down" or None)."""

    key: str
    label: str
    value: float | None
    kind: str = "count"  # count | money | percent | nps | days
    help: str = ""
    better: str | None = "up"
    compare: bool = True  # False for ages (days since...), where a delta means nothing
    decimals: int = 0  # of a percent: budget variance reads 1.9% here as on Portfolio

    def show(self, currency: str = "GBP") -> str:
        if self.value is None or pd.isna(self.value):
            return "–"
        if self.kind == "money":
            return money(self.value, currency)
        if self.kind == "percent":
            return percent(self.value, self.decimals)
        if self.kind == "nps":
            return f"{self.value:+.0f}"
        return number(self.value)

    def delta(self, prev: Metric | None, currency: str = "GBP") -> str | None:
        if not self.compare or prev is None or self.value is None or prev.value is None:
            return None
        if pd.isna(self.value) or pd.isna(prev.value):
            return None
        d = self.value - prev.value
        if abs(d) < (0.5 if self.kind in ("nps", "count", "days") else 1e-9):
            return None
        if self.kind == "money":
            return ("+" if d > 0 else "-") + money(abs(d), currency)
        if self.kind == "percent":
            return f"{d * 100:+.1f} pts"
        return signed(d)


class _Ctx:
    """Scoped aggregate queries for one viewer, filters and version."""

    def __init__(
        self,
        store: Store,
        viewer: Viewer,
        filters: Filters,
        version: int | None,
        today: date | None = None,
    ):
        self.store, self.viewer, self.filters, self.version = store, viewer, filters, version
        self.today = today or date.today()
        self.ref = self.q("feedback", "max(date)", filtered=False)[0] or self.today

    def sql(self, entity: str, filtered: bool = True) -> tuple[str, list]:
        f = self.filters if filtered else NO_FILTERS
        return scoped(self.store, entity, self.viewer, f, self.version)

    def q(self, entity: str, select: str, params: list | None = None, filtered=True) -> tuple:
        """SELECT `select` over the scoped entity; `params` bind the ?s in `select` first."""
        sql, p = self.sql(entity, filtered)
        return self.store.row(f"SELECT {select} FROM ({sql})", (params or []) + p)


def _nps(c: _Ctx, label: str = "NPS (12 months)") -> Metric:
    n, nps = c.q(
        "feedback",
        f"count(*) FILTER ({VALID_NPS} AND date > ?::DATE - 365), "
        f"avg({NPS_POINTS}) FILTER ({VALID_NPS} AND date > ?::DATE - 365)",
        [c.ref, c.ref],
    )
    return Metric("nps", label, nps, "nps", f"n = {n:,} responses in the 12 months to {c.ref}")


def _projects(c: _Ctx) -> tuple:
    return c.q(
        "projects",
        f"count(*), count(*) FILTER ({RED}), count(*) FILTER ({AMBER}), "
        "coalesce(sum(budget), 0), coalesce(sum(coalesce(forecast_cost, budget)), 0), "
        f"count(*) FILTER ({SLIPPING}), median({SLIP_DAYS}) FILTER ({SLIPPING}), "
        "coalesce(sum(planned_benefit), 0), coalesce(sum(realised_benefit), 0)",
    )


def _variance(budget: float, forecast: float) -> float | None:
    return (forecast - budget) / budget if budget else None


def executive(c: _Ctx, currency: str) -> list[Metric]:
    n, red, amber, budget, forecast, late, slip, planned, realised = _projects(c)
    aligned = c.q(
        "projects",
        f"sum(budget) FILTER (strategic_alignment >= {ALIGNED}) / nullif(sum(budget), 0), "
        "count(strategic_alignment)",
    )
    # Savings are not summed here: the headline above the metrics gives them as a P10-P90
    # range net of double counts, and a raw ledger sum beside it would disagree.
    return [
        Metric(
            "value",
            "Value delivered",
            realised,
            "money",
            f"Benefits realised to date by the projects in view, against "
            f"{money(planned, currency)} planned; savings are in the headline above.",
        ),
        _nps(c),
        Metric(
            "aligned",
            "Budget aligned to strategy",
            aligned[0],
            "percent",
            f"Share of budget in projects rated {ALIGNED}-5 for strategic alignment "
            f"({aligned[1]:,} projects rated).",
        ),
        Metric("red", "Red projects", red, help=f"{amber:,} Amber of {n:,}", better="down"),
        Metric(
            "variance",
            "Forecast vs budget",
            _variance(budget, forecast),
            "percent",
            f"Forecast {money(forecast, currency)} against budget {money(budget, currency)}.",
            better="down",
            decimals=1,
        ),
    ]


def sponsor(c: _Ctx, currency: str) -> list[Metric]:
    n, red, amber, budget, forecast, late, slip, planned, realised = _projects(c)
    return [
        Metric("projects", "Projects sponsored", n, better=None),
        Metric("planned", "Benefits planned", planned, "money", "Business-case benefits."),
        Metric(
            "realised",
            "Benefits realised",
            realised,
            "money",
            f"Realisation rate {percent(realised / planned) if planned else '–'} of planned.",
        ),
        Metric("red_amber", "Red or Amber", red + amber, help=f"{red:,} Red", better="down"),
        Metric(
            "variance",
            "Forecast vs budget",
            _variance(budget, forecast),
            "percent",
            f"Forecast {money(forecast, currency)} against budget {money(budget, currency)}.",
            better="down",
            decimals=1,
        ),
        Metric(
            "late",
            "Projects slipping",
            late,
            help=f"Forecast end after baseline; median slip {number(slip)} days.",
            better="down",
        ),
    ]


def project_manager(c: _Ctx, currency: str) -> list[Metric]:
    n, red, amber, budget, forecast, late, slip, planned, realised = _projects(c)
    open_, due, overdue = c.q(
        "actions",
        f"count(*) FILTER ({OPEN_ACTION}), "
        f"count(*) FILTER ({OPEN_ACTION} AND due_date BETWEEN ?::DATE AND ?::DATE + {DUE_SOON_DAYS}), "
        f"count(*) FILTER ({OPEN_ACTION} AND due_date < ?::DATE)",
        [c.today, c.today, c.today],
    )
    return [
        Metric("projects", "My projects", n, help=f"{red:,} Red, {amber:,} Amber", better=None),
        Metric("late", "Slipping", late, help=f"Median slip {number(slip)} days", better="down"),
        _nps(c, "NPS on my projects"),
        Metric("open_actions", "Open actions", open_, better="down"),
        Metric(
            "due",
            f"Due in {DUE_SOON_DAYS} days",
            due,
            help="Open actions due from today to two weeks ahead.",
            better=None,
        ),
        Metric("overdue", "Overdue actions", overdue, better="down"),
    ]


def account_lead(c: _Ctx, currency: str) -> list[Metric]:
    n, value, late_contact = c.q(
        "customers",
        f"count(*), coalesce(sum(annual_value), 0), count(*) FILTER ({CONTACT_OVERDUE})",
        [c.today],
    )
    open_, overdue = c.q(
        "actions",
        f"count(*) FILTER ({OPEN_ACTION}), count(*) FILTER ({OPEN_ACTION} AND due_date < ?::DATE)",
        [c.today],
    )
    return [
        Metric("customers", "My customers", n, better=None),
        Metric("value", "Annual value", value, "money"),
        _nps(c),
        Metric("open_actions", "Open actions", open_, help=f"{overdue:,} overdue", better="down"),
        Metric(
            "contact",
            "Contact overdue",
            late_contact,
            help="Customers whose last contact is older than their agreed cadence (90 days "
            "when none is set).",
            better="down",
        ),
    ]


def service_owner(c: _Ctx, currency: str) -> list[Metric]:
    n, cap, dem, over = c.q(
        "services",
        "count(*), coalesce(sum(capacity_hours) FILTER (capacity_hours > 0), 0), "
        "coalesce(sum(demand_hours) FILTER (capacity_hours > 0), 0), "
        "count(*) FILTER (capacity_hours > 0 AND demand_hours > capacity_hours)",
    )
    csat_n, csat = c.q(
        "feedback",
        f"count(csat) FILTER (date > ?::DATE - 365), avg(CASE WHEN {CSAT_SATISFIED} THEN 1.0 "
        "ELSE 0.0 END) FILTER (csat IS NOT NULL AND date > ?::DATE - 365)",
        [c.ref, c.ref],
    )
    return [
        Metric("services", "My services", n, better=None),
        Metric(
            "utilisation",
            "Utilisation",
            dem / cap if cap else None,
            "percent",
            f"Demand {number(dem)} h against capacity {number(cap)} h a month (services that "
            "record a capacity).",
            better=None,
        ),
        Metric(
            "over",
            "Over-demanded",
            over,
            help="Services with demand above capacity.",
            better="down",
        ),
        Metric(
            "csat",
            "CSAT (4-5 of 5)",
            csat,
            "percent",
            f"n = {csat_n:,} ratings in the 12 months to {c.ref}",
        ),
        _nps(c),
    ]


def orphans(store: Store, viewer: Viewer, version: int | None = None) -> pd.DataFrame:
    """Per reference: rows pointing at an id that is not in the target entity."""
    rows = []
    for name, col, target in REFERENCES:
        sql, p = scoped(store, name, viewer, NO_FILTERS, version)
        t_sql, t_p = store.entity_sql(target, version)
        key = ENTITIES[target].key
        n, sample = store.row(
            f"SELECT count(*), string_agg(DISTINCT \"{col}\", ', ') FROM ({sql}) "
            f'WHERE "{col}" IS NOT NULL AND "{col}" NOT IN (SELECT "{key}" FROM ({t_sql}) '
            f'WHERE "{key}" IS NOT NULL)',
            p + t_p,
        )
        if n:
            ids = (sample or "").split(", ")
            rows.append(
                dict(
                    entity=name,
                    column=col,
                    target=target,
                    rows=n,
                    examples=", ".join(sorted(ids)[:5]) + (" …" if len(ids) > 5 else ""),
                )
            )
    return pd.DataFrame(rows, columns=["entity", "column", "target", "rows", "examples"])


def pmo_analyst(c: _Ctx, currency: str) -> list[Metric]:
    store = c.store
    hist = store.history()
    version = c.version or store.current_version()
    row = hist[hist["version"] == version]
    info = row.iloc[0].to_dict() if len(row) else {}
    counts = info.get("issue_counts") or {}
    rejected = counts.get("rejected_rows")  # None for demo, rollback and older imports
    age = (c.today - pd.Timestamp(info["created_at"]).date()).days if info else None
    n_orphans = int(orphans(store, c.viewer, c.version)["rows"].sum())
    stale = (c.today - c.ref).days if c.ref else None
    f_sql, f_p = c.sql("feedback", filtered=False)
    got, total = c.q(
        "customers",
        f"count(*) FILTER (tier = 'Strategic' AND customer_id IN (SELECT customer_id FROM "
        f"({f_sql}) WHERE date > ?::DATE - {COVERAGE_DAYS})), count(*) FILTER (tier = 'Strategic')",
        f_p + [c.ref],
    )
    return [
        Metric(
            "rejected",
            "Rejected rows",
            rejected,
            help="Rows left out at the import that made this version (see Data > History).",
            better="down",
        ),
        Metric(
            "orphans",
            "Orphan references",
            n_orphans,
            help="Rows pointing at a customer, project or service id that is not loaded.",
            better="down",
        ),
        Metric("age", "Days since import", age, "days", better="down", compare=False),
        Metric(
            "stale",
            "Days since latest feedback",
            stale,
            "days",
            help=f"Latest feedback response: {c.ref}.",
            better="down",
            compare=False,
        ),
        Metric(
            "coverage",
            "Key customers heard (90 days)",
            got / total if total else None,
            "percent",
            f"{got:,} of {total:,} Strategic-tier customers gave feedback in the "
            f"{COVERAGE_DAYS} days to {c.ref}.",
        ),
    ]


GROUP_METRICS = {
    "executive": executive,
    "sponsor": sponsor,
    "project_manager": project_manager,
    "account_lead": account_lead,
    "service_owner": service_owner,
    "pmo_analyst": pmo_analyst,
}


def metrics(
    store: Store,
    viewer: Viewer,
    filters: Filters = NO_FILTERS,
    version: int | None = None,
    today: date | None = None,
) -> list[Metric]:
    """The viewer's group's metrics at `version` (default current) as of `today` (pass it when
    caching, so overdue counts move on at midnight without a new import)."""
    ctx = _Ctx(store, viewer, filters, version, today)
    return GROUP_METRICS[viewer.group](ctx, store.currency)


def what_changed(
    now: list[Metric], prev: list[Metric] | None, prev_version: int | None, currency: str = "GBP"
) -> str:
    """One line: the (up to three) biggest moves since the previous version, in words."""
    if prev is None or prev_version is None:
        return "This is the first version in the store: deltas appear after the next import."
    before = {m.key: m for m in prev}
    moves = []
    for m in now:
        p = before.get(m.key)
        d = m.delta(p, currency)
        if d is None:
            continue
        # comparable sizes: relative for counts and money, points for shares, NPS on its 200 range
        scale = {"percent": 1.0, "nps": 100.0}.get(m.kind, max(abs(p.value), 1e-9))
        size = abs(m.value - p.value) / scale
        good = None if m.better is None else ((m.value > p.value) == (m.better == "up"))
        word = "" if good is None else (" (better)" if good else " (worse)")
        moves.append((size, f"{m.label} {p.show(currency)} → {m.show(currency)}{word}"))
    if not moves:
        return f"Nothing in this view changed since version {prev_version}."
    moves.sort(key=lambda t: -t[0])
    return f"Since version {prev_version}: " + "; ".join(t for _, t in moves[:3]) + "."


def actions_due(store: Store, viewer: Viewer, filters: Filters = NO_FILTERS) -> pd.DataFrame:
    """Open actions in view, overdue first then by due date (for project managers)."""
    sql, p = scoped(store, "actions", viewer, filters)
    return store.df(
        f"SELECT action_id, title, project_id, owner, status, due_date, "
        f"date_diff('day', due_date, ?::DATE) AS days_overdue FROM ({sql}) WHERE {OPEN_ACTION} "
        "ORDER BY due_date NULLS LAST LIMIT 50",
        [date.today()] + p,
    )


def latest_feedback(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS, n: int = 10
) -> pd.DataFrame:
    """The most recent responses in view, with their scores and comment."""
    sql, p = scoped(store, "feedback", viewer, filters)
    return store.df(
        f"SELECT date, project_id, customer_id, nps, csat, comment FROM ({sql}) "
        "ORDER BY date DESC, response_id LIMIT ?",
        p + [int(n)],
    )


def unheard_key_customers(
    store: Store, viewer: Viewer, filters: Filters = NO_FILTERS
) -> pd.DataFrame:
    """Strategic customers with no feedback in the COVERAGE_DAYS to the latest response."""
    c_sql, c_p = scoped(store, "customers", viewer, filters)
    f_sql, f_p = scoped(store, "feedback", viewer, NO_FILTERS)
    return store.df(
        f"""WITH f AS (SELECT * FROM ({f_sql})),
            ref AS (SELECT max(date) AS d FROM f)
            SELECT c.customer_id, c.name AS customer, c.account_lead,
              (SELECT max(date) FROM f WHERE f.customer_id = c.customer_id) AS last_feedback
            FROM ({c_sql}) c WHERE c.tier = 'Strategic' AND c.customer_id NOT IN (
              SELECT customer_id FROM f, ref WHERE customer_id IS NOT NULL
                AND date > ref.d - {COVERAGE_DAYS})
            ORDER BY last_feedback NULLS FIRST""",
        f_p + c_p,
    )
