"""Every measure users see, declared once: SQL expression, label, help, unit, format, minimum n.

Why one place: when two pages each write "NPS" or "open action" themselves, they drift and
show different answers to the same question. Models build their SQL from these declarations
(`measure.sql`, or `measure.on("f")` for a table alias), pages take labels and formats from
them, and `tests/test_measures.py` fails when an expression is written anywhere else.

Expressions are templates over one row of their entity; `{t}` stands for the table alias.
Parameters an expression needs (an as-of date) are bound by the caller, in the order its `?`s
appear.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pmo_data.formatting import number, percent

Z = 1.959963984540054  # the two-sided 95% normal quantile
SMALL_N = 30  # fewer answers than this: the rate is shown but read as indicative
DEFAULT_CADENCE_DAYS = 90  # contact cadence when a customer has none agreed
FEEDBACK_WINDOW_DAYS = 365  # "NPS (12 months)" and the stale-feedback line
OPEN_STATUSES = ("Open", "In progress")


@dataclass(frozen=True)
class Measure:
    """One measure: its row-level SQL template and how people read it."""

    key: str
    label: str
    template: str
    help: str
    unit: str = ""
    fmt: str = "number"  # number | percent | signed | days | score
    min_n: int = 0
    entity: str = ""

    @property
    def sql(self) -> str:
        """The expression over unqualified columns."""
        return self.template.format(t="")

    def on(self, alias: str) -> str:
        """The expression over the columns of table alias `alias` (e.g. `f.nps`)."""
        return self.template.format(t=f"{alias}.")

    def format(self, value) -> str:
        """The value as the pages show it ("–" when missing)."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "–"
        if self.fmt == "percent":
            return percent(value)
        if self.fmt == "signed":
            return f"{value:+.0f}"
        if self.fmt == "days":
            return f"{number(value)} days"
        if self.fmt == "score":
            return f"{value:.2f}"
        return number(value)

    def __str__(self) -> str:
        return self.sql


_STATUSES = ", ".join(f"'{s}'" for s in OPEN_STATUSES)

# -- feedback -------------------------------------------------------------------------------
VALID_NPS = Measure(
    "valid_nps",
    "NPS answer",
    "{t}nps IS NOT NULL AND coalesce({t}nps_scale, '0-10') <> '1-10'",
    "An answer on the 0-10 recommend scale; answers given on a 1-10 scale are counted apart.",
    entity="feedback",
)
PROMOTER = Measure("promoter", "Promoters", "{t}nps >= 9", "Answered 9 or 10.", entity="feedback")
DETRACTOR = Measure("detractor", "Detractors", "{t}nps <= 6", "Answered 0 to 6.", entity="feedback")
NPS_POINTS = Measure(
    "nps",
    "NPS",
    "CASE WHEN {t}nps >= 9 THEN 100.0 WHEN {t}nps <= 6 THEN -100.0 ELSE 0.0 END",
    "Net Promoter Score: % promoters (9-10) minus % detractors (0-6), from -100 to +100; the "
    "mean of this row score over valid answers.",
    unit="points",
    fmt="signed",
    min_n=SMALL_N,
    entity="feedback",
)
CSAT_SATISFIED = Measure(
    "csat",
    "CSAT",
    "{t}csat >= 4",
    "Customer satisfaction: the share of 4 and 5 ratings on the 1-5 scale.",
    unit="%",
    fmt="percent",
    min_n=SMALL_N,
    entity="feedback",
)
EFFORT = Measure(
    "effort",
    "Customer effort",
    "{t}effort_score",
    "Mean effort score, 1 very easy to 5 very hard: lower is better.",
    unit="1-5",
    fmt="score",
    min_n=SMALL_N,
    entity="feedback",
)

# -- actions --------------------------------------------------------------------------------
OPEN_ACTION = Measure(
    "open_action",
    "Open actions",
    "{t}status IN (" + _STATUSES + ")",
    "Improvement actions with status Open or In progress.",
    entity="actions",
)
OVERDUE_ACTION = Measure(
    "overdue_action",
    "Overdue actions",
    "{t}status IN (" + _STATUSES + ") AND {t}due_date < ?::DATE",
    "Open actions whose due date has passed (binds the as-of date).",
    entity="actions",
)
DONE_ACTION = Measure(
    "done_action", "Done actions", "{t}status = 'Done'", "Actions marked Done.", entity="actions"
)

# -- projects -------------------------------------------------------------------------------
RED = Measure("red", "Red projects", "{t}rag = 'Red'", "Projects reported Red.", entity="projects")
AMBER = Measure(
    "amber", "Amber projects", "{t}rag = 'Amber'", "Projects reported Amber.", entity="projects"
)
ACTIVE_PROJECT = Measure(
    "active_project",
    "Active projects",
    "coalesce({t}stage, '') <> 'Closed'",
    "Projects not in the Closed stage.",
    entity="projects",
)
SLIPPING = Measure(
    "slipping",
    "Projects slipping",
    "{t}forecast_end_date > {t}end_date AND coalesce({t}stage, '') <> 'Closed'",
    "Active projects whose forecast end is after their baseline end.",
    entity="projects",
)
SLIP_DAYS = Measure(
    "slip_days",
    "Slip",
    "date_diff('day', {t}end_date, coalesce({t}forecast_end_date, {t}end_date))",
    "Forecast end minus baseline end, in days (negative: ahead).",
    unit="days",
    fmt="days",
    entity="projects",
)
BUDGET_VARIANCE = Measure(
    "budget_variance",
    "Budget variance",
    "(coalesce({t}forecast_cost, {t}budget) - {t}budget) / nullif({t}budget, 0)",
    "Forecast at completion against the approved budget (positive: over budget).",
    unit="%",
    fmt="percent",
    entity="projects",
)

# -- customers ------------------------------------------------------------------------------
CADENCE_DAYS = Measure(
    "cadence_days",
    "Contact cadence",
    "coalesce({t}contact_cadence_days, " + str(DEFAULT_CADENCE_DAYS) + ")",
    f"The agreed contact cadence in days ({DEFAULT_CADENCE_DAYS} when none is agreed).",
    unit="days",
    fmt="days",
    entity="customers",
)
CONTACT_OVERDUE = Measure(
    "contact_overdue",
    "Contact overdue",
    "date_diff('day', {t}last_contact_date, ?::DATE) > coalesce({t}contact_cadence_days, "
    + str(DEFAULT_CADENCE_DAYS)
    + ")",
    "Last contact older than the agreed cadence (binds the as-of date).",
    entity="customers",
)

MEASURES: tuple[Measure, ...] = (
    VALID_NPS,
    PROMOTER,
    DETRACTOR,
    NPS_POINTS,
    CSAT_SATISFIED,
    EFFORT,
    OPEN_ACTION,
    OVERDUE_ACTION,
    DONE_ACTION,
    RED,
    AMBER,
    ACTIVE_PROJECT,
    SLIPPING,
    SLIP_DAYS,
    BUDGET_VARIANCE,
    CADENCE_DAYS,
    CONTACT_OVERDUE,
)


def nps_points(nps: float | None) -> float:
    """The row score of NPS_POINTS in Python (+100 / 0 / -100; NaN when missing)."""
    if nps is None or (isinstance(nps, float) and math.isnan(nps)):
        return math.nan
    return 100.0 if nps >= 9 else -100.0 if nps <= 6 else 0.0


def nps_interval(promoters: int, detractors: int, n: int) -> tuple[float, float, float]:
    """(NPS, low, high) on -100..100 with a 95% interval; NaNs when n is 0.

    The variance of the +1/0/-1 row scores is p + d - (p - d)^2 (normal approximation); the
    interval is clipped to the scale. Every NPS interval in the app comes from here.
    """
    if not n:
        return (math.nan, math.nan, math.nan)
    p, d = promoters / n, detractors / n
    score = p - d
    se = math.sqrt(max(p + d - score * score, 0.0) / n)
    return (100 * score, max(-100.0, 100 * (score - Z * se)), min(100.0, 100 * (score + Z * se)))


def wilson(k: int, n: int) -> tuple[float, float, float]:
    """(share, low, high) of k successes in n, Wilson 95% interval; NaNs when n is 0."""
    if not n:
        return (math.nan, math.nan, math.nan)
    p = k / n
    denom = 1 + Z * Z / n
    centre = (p + Z * Z / (2 * n)) / denom
    half = Z * math.sqrt(p * (1 - p) / n + Z * Z / (4 * n * n)) / denom
    return (p, max(0.0, centre - half), min(1.0, centre + half))


def is_small(n) -> bool:
    """True when a rate rests on fewer than SMALL_N answers."""
    return n is None or n < SMALL_N
