"""The canonical tables: one declaration per column.

Everything that needs to know the data model reads it from here: the importer (aliases,
types, allowed values), validation (required, ranges), the store (DDL), the import template
(help text, dropdowns) and the README's data-model table. Change the model here, nowhere else.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# Column kinds and the DuckDB type each is stored as.
KIND_SQL = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "choice": "VARCHAR",
    "rag": "VARCHAR",
    "date": "DATE",
    "money": "DOUBLE",
    "number": "DOUBLE",
    "percent": "DOUBLE",
    "rating": "DOUBLE",
    "nps": "DOUBLE",
}

RAG_VALUES = ("Red", "Amber", "Green")
STAGES = ("Idea", "Initiation", "Planning", "Execution", "Closing", "Closed", "On hold")
ACTION_STATUSES = ("Open", "In progress", "Done", "Cancelled")
TIERS = ("Strategic", "Key", "Standard")
SAVING_CATEGORIES = (
    "Operational efficiency",
    "Resource optimisation",
    "Avoided cost",
    "Benefit realised",
    "Procurement",
    "Other",
)
LEVELS = ("Low", "Medium", "High")


@dataclass(frozen=True)
class Column:
    """One canonical column: how it is typed, named in the wild, and checked."""

    name: str
    kind: str
    help: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    allowed: tuple[str, ...] = ()
    lo: float | None = None
    hi: float | None = None
    example: object = None

    @property
    def sql_type(self) -> str:
        return KIND_SQL[self.kind]

    @property
    def label(self) -> str:
        return self.name.replace("_", " ").capitalize()


@dataclass(frozen=True)
class Entity:
    """One importable entity: a sheet of a workbook or a file of its own."""

    name: str
    label: str
    help: str
    key: str
    columns: tuple[Column, ...]
    sheet_aliases: tuple[str, ...] = ()
    # Columns from which a missing key may be derived stably (with a warning).
    key_from: tuple[str, ...] = ()
    date_column: str | None = None
    _by_name: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        self._by_name.update({c.name: c for c in self.columns})

    def column(self, name: str) -> Column:
        return self._by_name[name]

    def has(self, name: str) -> bool:
        return name in self._by_name

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _c(name, kind, help, **kw) -> Column:
    kw["aliases"] = tuple(kw.get("aliases", ()))
    kw["allowed"] = tuple(kw.get("allowed", ()))
    return Column(name, kind, help, **kw)


_RATING = dict(lo=1, hi=5)


PROJECTS = Entity(
    name="projects",
    label="Projects",
    help="One row per project in the portfolio.",
    key="project_id",
    key_from=("name",),
    date_column="start_date",
    sheet_aliases=("projects", "project list", "portfolio", "project register", "gmpp"),
    columns=(
        _c(
            "project_id",
            "id",
            "Unique project reference.",
            required=True,
            aliases=(
                "project id",
                "project ref",
                "project reference",
                "project code",
                "proj id",
                "gmpp id number",
                "gmpp id",
                "id",
                "project number",
                "ref",
            ),
            example="P-0001",
        ),
        _c(
            "name",
            "text",
            "Project name.",
            required=True,
            aliases=(
                "project name",
                "project",
                "proj name",
                "project title",
                "title",
                "name",
                "project programme name",
                "project programme",
            ),
            example="CRM migration",
        ),
        _c(
            "customer_id",
            "id",
            "The main customer the project serves (customers.customer_id).",
            aliases=("customer", "customer id", "client", "client id", "account", "customer ref"),
            example="C-0001",
        ),
        _c(
            "portfolio",
            "text",
            "Portfolio, programme or department the project belongs to.",
            aliases=(
                "portfolio",
                "programme",
                "program",
                "department",
                "division",
                "business unit",
                "directorate",
            ),
            example="Digital",
        ),
        _c(
            "service_id",
            "id",
            "The PMO service the project draws on (services.service_id).",
            aliases=("service", "service id", "pmo service"),
            example="S-01",
        ),
        _c(
            "sponsor",
            "text",
            "Accountable sponsor (or SRO).",
            aliases=(
                "sponsor",
                "project sponsor",
                "sro",
                "senior responsible owner",
                "executive sponsor",
            ),
            example="A. Patel",
        ),
        _c(
            "project_manager",
            "text",
            "Project manager.",
            aliases=("project manager", "pm", "manager", "owner", "project lead", "assigned to"),
            example="J. Smith",
        ),
        _c(
            "stage",
            "choice",
            "Lifecycle stage.",
            allowed=STAGES,
            aliases=("stage", "phase", "status", "lifecycle stage", "project stage"),
            example="Execution",
        ),
        _c(
            "rag",
            "rag",
            "Overall RAG status or delivery confidence (Red/Amber/Green).",
            allowed=RAG_VALUES,
            aliases=(
                "rag",
                "rag status",
                "overall rag",
                "status rag",
                "health",
                "delivery confidence",
                "delivery confidence assessment",
                "ipa delivery confidence assessment",
                "overall status",
            ),
            example="Amber",
        ),
        _c(
            "start_date",
            "date",
            "Planned start date.",
            aliases=(
                "start",
                "start date",
                "planned start",
                "project start date",
                "project - start date",
            ),
            example="2025-01-15",
        ),
        _c(
            "end_date",
            "date",
            "Baseline (approved) end date.",
            aliases=(
                "end",
                "end date",
                "planned end",
                "baseline end",
                "finish",
                "finish date",
                "project end date",
                "project - end date",
            ),
            example="2026-03-31",
        ),
        _c(
            "forecast_end_date",
            "date",
            "Current forecast end date.",
            aliases=(
                "forecast end",
                "forecast end date",
                "forecast finish",
                "expected end",
                "revised end date",
            ),
            example="2026-05-31",
        ),
        _c(
            "budget",
            "money",
            "Approved budget (baseline cost).",
            aliases=(
                "budget",
                "baseline",
                "baseline cost",
                "approved budget",
                "financial year baseline",
                "whole life cost",
                "total budget",
            ),
            lo=0,
            example=250000,
        ),
        _c(
            "actual_cost",
            "money",
            "Cost incurred to date.",
            aliases=("actual cost", "actuals", "spend", "spend to date", "cost to date"),
            lo=0,
            example=120000,
        ),
        _c(
            "forecast_cost",
            "money",
            "Forecast cost at completion.",
            aliases=(
                "forecast cost",
                "forecast",
                "eac",
                "estimate at completion",
                "financial year forecast",
                "forecast at completion",
            ),
            lo=0,
            example=265000,
        ),
        _c(
            "planned_benefit",
            "money",
            "Planned (business case) benefit.",
            aliases=(
                "planned benefit",
                "benefits",
                "expected benefit",
                "business case benefit",
                "monetised benefits",
            ),
            lo=0,
            example=600000,
        ),
        _c(
            "realised_benefit",
            "money",
            "Benefit realised to date.",
            aliases=("realised benefit", "realized benefit", "benefits realised", "actual benefit"),
            lo=0,
            example=150000,
        ),
        _c(
            "strategic_alignment",
            "rating",
            "Strategic alignment, 1 (weak) to 5 (core).",
            aliases=("strategic alignment", "strategy", "alignment", "strategic fit"),
            **_RATING,
            example=4,
        ),
        _c(
            "customer_impact",
            "rating",
            "Declared customer impact, 1 (none) to 5 (transformational).",
            aliases=("customer impact", "client impact", "impact on customer", "customer value"),
            **_RATING,
            example=5,
        ),
        _c(
            "risk",
            "rating",
            "Delivery risk, 1 (low) to 5 (high).",
            aliases=("risk", "risk rating", "risk score", "delivery risk"),
            **_RATING,
            example=2,
        ),
        _c(
            "effort",
            "rating",
            "Effort / size, 1 (small) to 5 (very large).",
            aliases=("effort", "size", "job size", "complexity"),
            **_RATING,
            example=3,
        ),
        _c(
            "percent_complete",
            "percent",
            "Percent complete, 0-100.",
            aliases=(
                "percent complete",
                "% complete",
                "progress",
                "complete",
                "completion",
                "pct complete",
            ),
            lo=0,
            hi=100,
            example=45,
        ),
        _c(
            "go_live_date",
            "date",
            "Go-live date (actual or planned).",
            aliases=("go live", "go-live", "go live date", "launch date", "implementation date"),
            example="2026-02-01",
        ),
    ),
)

CUSTOMERS = Entity(
    name="customers",
    label="Customers",
    help="One row per customer (internal business unit or external client) the PMO serves.",
    key="customer_id",
    key_from=("name",),
    sheet_aliases=(
        "customers",
        "clients",
        "accounts",
        "customer list",
        "members",
        "member organisations",
    ),
    columns=(
        _c(
            "customer_id",
            "id",
            "Unique customer reference.",
            required=True,
            aliases=(
                "customer id",
                "client id",
                "account id",
                "customer ref",
                "customer code",
                "id",
            ),
            example="C-0001",
        ),
        _c(
            "name",
            "text",
            "Customer name.",
            required=True,
            aliases=(
                "customer",
                "customer name",
                "client",
                "client name",
                "account",
                "account name",
                "organisation",
                "organization",
                "fullname",
                "full name",
                "name",
            ),
            example="Finance division",
        ),
        _c(
            "segment",
            "text",
            "Customer segment (e.g. Public sector, Retail, Internal).",
            aliases=("segment", "sector", "industry", "customer segment", "market"),
            example="Public sector",
        ),
        _c(
            "tier",
            "choice",
            "Relationship tier: Strategic, Key or Standard.",
            allowed=TIERS,
            aliases=("tier", "customer tier", "priority", "account tier", "importance"),
            example="Strategic",
        ),
        _c(
            "account_lead",
            "text",
            "Account lead responsible for the relationship.",
            aliases=(
                "account lead",
                "account manager",
                "relationship manager",
                "client lead",
                "customer lead",
                "owner",
            ),
            example="R. Jones",
        ),
        _c(
            "annual_value",
            "money",
            "Annual value of the relationship.",
            aliases=(
                "annual value",
                "value",
                "revenue",
                "annual revenue",
                "contract value",
                "spend",
            ),
            lo=0,
            example=1200000,
        ),
        _c(
            "region",
            "text",
            "Region or location.",
            aliases=("region", "location", "country", "area", "site"),
            example="London",
        ),
        _c(
            "last_contact_date",
            "date",
            "Date of the last relationship contact.",
            aliases=("last contact", "last contact date", "last met", "last meeting"),
            example="2026-10-01",
        ),
        _c(
            "contact_cadence_days",
            "number",
            "Agreed contact cadence in days (e.g. 30).",
            aliases=("cadence", "contact cadence", "contact frequency days", "cadence days"),
            lo=1,
            hi=730,
            example=30,
        ),
    ),
)

FEEDBACK = Entity(
    name="feedback",
    label="Feedback",
    help="One row per survey response or piece of customer feedback.",
    key="response_id",
    date_column="date",
    sheet_aliases=(
        "feedback",
        "responses",
        "survey",
        "form responses",
        "survey responses",
        "nps",
        "csat",
    ),
    columns=(
        _c(
            "response_id",
            "id",
            "Unique response reference.",
            required=True,
            aliases=("response id", "response", "id", "survey id", "feedback id", "respondent id"),
            example="R-000001",
        ),
        _c(
            "date",
            "date",
            "Date of the response.",
            required=True,
            aliases=(
                "date",
                "timestamp",
                "response date",
                "submitted",
                "submitted at",
                "survey date",
                "created",
            ),
            example="2026-09-14",
        ),
        _c(
            "customer_id",
            "id",
            "Customer who responded (customers.customer_id).",
            aliases=("customer", "customer id", "client", "account", "organisation"),
            example="C-0001",
        ),
        _c(
            "project_id",
            "id",
            "Project the feedback is about (projects.project_id).",
            aliases=("project", "project id", "project ref"),
            example="P-0001",
        ),
        _c(
            "service_id",
            "id",
            "Service the feedback is about (services.service_id).",
            aliases=("service", "service id"),
            example="S-01",
        ),
        _c(
            "respondent_role",
            "text",
            "Role of the respondent (sponsor, user, manager...).",
            aliases=("role", "respondent role", "job title", "position", "job role"),
            example="Sponsor",
        ),
        _c(
            "csat",
            "rating",
            "Satisfaction, 1 (very dissatisfied) to 5 (very satisfied).",
            aliases=(
                "csat",
                "satisfaction",
                "overall satisfaction",
                "customer satisfaction",
                "how satisfied",
            ),
            **_RATING,
            example=4,
        ),
        _c(
            "nps",
            "nps",
            "Likelihood to recommend, 0-10 (Net Promoter question).",
            aliases=(
                "nps",
                "recommend",
                "likelihood to recommend",
                "net promoter score",
                "how likely are you to recommend",
            ),
            lo=0,
            hi=10,
            example=9,
        ),
        _c(
            "effort_score",
            "rating",
            "Customer effort, 1 (very easy) to 5 (very hard).",
            aliases=("effort", "effort score", "ces", "customer effort"),
            **_RATING,
            example=2,
        ),
        _c(
            "comment",
            "text",
            "Free-text comment.",
            aliases=(
                "comment",
                "comments",
                "verbatim",
                "feedback",
                "what could we improve",
                "free text",
                "remarks",
            ),
            example="Great support from the PMO team",
        ),
        _c(
            "channel",
            "text",
            "Channel (survey, interview, email, workshop...).",
            aliases=("channel", "source", "method", "medium"),
            example="Survey",
        ),
    ),
)

SERVICES = Entity(
    name="services",
    label="Services",
    help="The PMO service catalogue: one row per service on the menu.",
    key="service_id",
    key_from=("name",),
    sheet_aliases=("services", "service catalogue", "catalogue", "catalog", "service menu"),
    columns=(
        _c(
            "service_id",
            "id",
            "Unique service reference.",
            required=True,
            aliases=("service id", "service ref", "service code", "id"),
            example="S-01",
        ),
        _c(
            "name",
            "text",
            "Service name.",
            required=True,
            aliases=("service", "service name", "name", "title"),
            example="Portfolio reporting",
        ),
        _c(
            "category",
            "text",
            "Service category (Governance, Delivery support, Insight...).",
            aliases=("category", "service category", "type", "group"),
            example="Insight",
        ),
        _c(
            "owner",
            "text",
            "Service owner.",
            aliases=("owner", "service owner", "lead", "manager"),
            example="M. Brown",
        ),
        _c(
            "description",
            "text",
            "What the customer gets.",
            aliases=("description", "details", "summary", "what you get"),
            example="Monthly portfolio dashboard and commentary",
        ),
        _c(
            "skills",
            "text",
            "Skills behind the service (comma separated).",
            aliases=("skills", "capabilities", "competencies"),
            example="Power BI, analysis",
        ),
        _c(
            "capacity_hours",
            "number",
            "Capacity in hours per month.",
            aliases=("capacity", "capacity hours", "hours available", "capacity (hours)"),
            lo=0,
            example=320,
        ),
        _c(
            "demand_hours",
            "number",
            "Demand in hours per month.",
            aliases=("demand", "demand hours", "hours requested", "demand (hours)"),
            lo=0,
            example=360,
        ),
        _c(
            "unit_cost",
            "money",
            "Cost to deliver one unit of the service.",
            aliases=("unit cost", "cost", "cost per unit"),
            lo=0,
            example=450,
        ),
        _c(
            "charge",
            "money",
            "What the customer is charged per unit (0 if free).",
            aliases=("charge", "price", "rate", "charge per unit"),
            lo=0,
            example=600,
        ),
        _c(
            "target_csat",
            "rating",
            "Target CSAT (1-5) for the service.",
            aliases=("target csat", "csat target", "target satisfaction"),
            **_RATING,
            example=4.2,
        ),
    ),
)

ACTIONS = Entity(
    name="actions",
    label="Actions",
    help="Improvement actions: what the PMO does about what customers said.",
    key="action_id",
    key_from=("title",),
    date_column="raised_date",
    sheet_aliases=(
        "actions",
        "improvements",
        "improvement actions",
        "you said we did",
        "action log",
    ),
    columns=(
        _c(
            "action_id",
            "id",
            "Unique action reference.",
            required=True,
            aliases=("action id", "action ref", "id", "improvement id"),
            example="A-001",
        ),
        _c(
            "title",
            "text",
            "What will be done.",
            required=True,
            aliases=("title", "action", "improvement", "description", "we did", "name"),
            example="Weekly status call with the sponsor",
        ),
        _c(
            "customer_id",
            "id",
            "Customer the action is for.",
            aliases=("customer", "customer id", "client", "account"),
            example="C-0001",
        ),
        _c(
            "service_id",
            "id",
            "Service the action improves.",
            aliases=("service", "service id"),
            example="S-01",
        ),
        _c(
            "project_id",
            "id",
            "Project the action belongs to.",
            aliases=("project", "project id"),
            example="P-0001",
        ),
        _c(
            "source",
            "text",
            "Where it came from: feedback ids (R-1, R-2) or a theme.",
            aliases=("source", "you said", "feedback", "theme", "origin", "raised from"),
            example="R-000123",
        ),
        _c(
            "impact",
            "choice",
            "Expected impact: Low, Medium or High.",
            allowed=LEVELS,
            aliases=("impact", "expected impact", "benefit"),
            example="High",
        ),
        _c(
            "effort",
            "choice",
            "Effort: Low, Medium or High.",
            allowed=LEVELS,
            aliases=("effort", "size"),
            example="Low",
        ),
        _c(
            "owner",
            "text",
            "Action owner.",
            aliases=("owner", "action owner", "assigned to", "responsible"),
            example="J. Smith",
        ),
        _c(
            "status",
            "choice",
            "Open, In progress, Done or Cancelled.",
            allowed=ACTION_STATUSES,
            aliases=("status", "state", "progress"),
            example="Open",
        ),
        _c(
            "raised_date",
            "date",
            "When the action was raised.",
            aliases=("raised", "raised date", "created", "date raised", "opened"),
            example="2026-08-01",
        ),
        _c(
            "due_date",
            "date",
            "When it is due.",
            aliases=("due", "due date", "target date", "deadline"),
            example="2026-10-01",
        ),
        _c(
            "closed_date",
            "date",
            "When it was closed.",
            aliases=("closed", "closed date", "completed", "date closed", "completion date"),
            example=None,
        ),
    ),
)

SAVINGS = Entity(
    name="savings",
    label="Savings",
    help="The savings ledger: one row per saving claimed, with a low/likely/high range.",
    key="saving_id",
    date_column="period_start",
    sheet_aliases=("savings", "savings ledger", "benefits", "efficiencies", "savings log"),
    columns=(
        _c(
            "saving_id",
            "id",
            "Unique saving line reference.",
            required=True,
            aliases=("saving id", "saving ref", "id", "line id"),
            example="SV-001",
        ),
        _c(
            "category",
            "choice",
            "Kind of saving.",
            allowed=SAVING_CATEGORIES,
            aliases=("category", "saving type", "type", "saving category"),
            example="Operational efficiency",
        ),
        _c(
            "project_id",
            "id",
            "Project the saving comes from.",
            aliases=("project", "project id"),
            example="P-0001",
        ),
        _c(
            "service_id",
            "id",
            "Service the saving comes from.",
            aliases=("service", "service id"),
            example="S-01",
        ),
        _c(
            "description",
            "text",
            "What was saved and how.",
            aliases=("description", "details", "saving", "summary"),
            example="Automated monthly reporting pack",
        ),
        _c(
            "owner",
            "text",
            "Who vouches for the saving.",
            aliases=("owner", "saving owner", "accountable"),
            example="M. Brown",
        ),
        _c(
            "low",
            "money",
            "Low estimate (pessimistic).",
            aliases=("low", "min", "minimum", "pessimistic", "low estimate"),
            lo=0,
            example=20000,
        ),
        _c(
            "likely",
            "money",
            "Most likely estimate.",
            aliases=("likely", "most likely", "expected", "estimate", "mode", "value"),
            lo=0,
            example=30000,
        ),
        _c(
            "high",
            "money",
            "High estimate (optimistic).",
            aliases=("high", "max", "maximum", "optimistic", "high estimate"),
            lo=0,
            example=45000,
        ),
        _c(
            "realised",
            "money",
            "Realised (cash) saving to date.",
            aliases=("realised", "realized", "actual", "achieved", "realised to date"),
            lo=0,
            example=12000,
        ),
        _c(
            "period_start",
            "date",
            "Start of the period the saving covers.",
            aliases=("period start", "from", "start", "start date"),
            example="2026-04-01",
        ),
        _c(
            "period_end",
            "date",
            "End of the period the saving covers.",
            aliases=("period end", "to", "end", "end date"),
            example="2027-03-31",
        ),
        _c(
            "cost_pool",
            "text",
            "The budget line the saving reduces (for double-count checks).",
            aliases=("cost pool", "budget line", "cost centre", "cost center", "pool"),
            example="Reporting FTE",
        ),
        _c(
            "source",
            "text",
            "Evidence or source of the estimate.",
            aliases=("source", "evidence", "basis", "reference"),
            example="Time study Q2",
        ),
    ),
)


ENTITIES: dict[str, Entity] = {
    e.name: e for e in (PROJECTS, CUSTOMERS, FEEDBACK, SERVICES, ACTIONS, SAVINGS)
}
ENTITY_NAMES: tuple[str, ...] = tuple(ENTITIES)

# Provenance columns the store adds to every entity table.
SYSTEM_COLUMNS = (
    ("extra", "VARCHAR", "Unknown source columns, kept as a JSON object (never dropped)."),
    ("_file", "VARCHAR", "Source file name."),
    ("_sheet", "VARCHAR", "Source sheet name."),
    ("_row", "INTEGER", "Source row number as seen in the spreadsheet."),
)

# Derived columns computed at import and stored beside the entity's own.
DERIVED_COLUMNS: dict[str, tuple[tuple[str, str, str], ...]] = {
    "feedback": (
        ("sentiment", "DOUBLE", "Comment sentiment, -1 (negative) to 1 (positive), by VADER."),
        ("nps_scale", "VARCHAR", "Scale the NPS answer was given on: 0-10 or 1-10."),
    ),
}


def entity(name: str) -> Entity:
    """The entity called `name`, with a clear error listing the valid ones."""
    try:
        return ENTITIES[name]
    except KeyError:
        raise KeyError(f"unknown entity {name!r}; expected one of {', '.join(ENTITIES)}") from None


def normalise_header(text: object) -> str:
    """Lower-case, punctuation to spaces, collapsed: the form aliases are compared in."""
    s = str(text or "").replace("\u00a0", " ").lower()
    s = s.replace("&", " and ").replace("%", " percent ").replace("#", " number ")
    s = re.sub(r"[^0-9a-z]+", " ", s)
    return re.sub(r"\s+", " ", s).strip()


def data_model_markdown() -> str:
    """The README's data-model section, generated so docs never drift from the code."""
    lines = []
    for e in ENTITIES.values():
        lines.append(f"### {e.name}\n\n{e.help} Key: `{e.key}`.\n")
        lines.append("| column | type | required | meaning | also accepted as |")
        lines.append("|---|---|---|---|---|")
        for c in e.columns:
            allowed = f" One of: {', '.join(c.allowed)}." if c.allowed else ""
            rng = f" Range {c.lo:g}-{c.hi:g}." if c.lo is not None and c.hi is not None else ""
            aliases = ", ".join(a for a in c.aliases[:6] if a != c.name.replace("_", " "))
            req = "yes" if c.required else ""
            lines.append(f"| `{c.name}` | {c.kind} | {req} | {c.help}{allowed}{rng} | {aliases} |")
        lines.append("")
    return "\n".join(lines)
