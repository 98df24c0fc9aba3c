"""Deterministic demo data at the reference scale of the seeds' client-services PMO.

750 projects, 600 customers, ~45 PMO staff, 14 services, 20,000 feedback responses over three
years, 300 actions and 150 savings lines (likely total about GBP 4M), all vectorised numpy so
`scale=10` stays fast. The links are believable on purpose: red projects hurt their customers'
satisfaction, closed actions lift it, strategic customers carry more value.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd

from . import sentiment
from .store import REPO_ROOT

DEMO_WORKBOOK = REPO_ROOT / "data" / "demo" / "pmo_demo.xlsx"

FIRST = [
    "Alex",
    "Sam",
    "Jordan",
    "Priya",
    "Amir",
    "Chloe",
    "Daniel",
    "Fatima",
    "George",
    "Hannah",
    "Isaac",
    "Jia",
    "Kofi",
    "Laura",
    "Mohammed",
    "Nadia",
    "Oliver",
    "Pooja",
    "Rachel",
    "Sean",
    "Tomasz",
    "Uma",
    "Victor",
    "Wen",
    "Yusuf",
    "Zoe",
    "Ben",
    "Carla",
    "Dev",
    "Elena",
]
LAST = [
    "Patel",
    "Smith",
    "Jones",
    "Khan",
    "Brown",
    "Taylor",
    "Wilson",
    "Evans",
    "Thomas",
    "Roberts",
    "Walker",
    "Wright",
    "Hughes",
    "Green",
    "Hall",
    "Clarke",
    "Lewis",
    "Young",
    "Mensah",
    "Novak",
    "Okafor",
    "Singh",
    "Chen",
    "Murphy",
    "Kelly",
]
SEGMENTS = (
    "Central government",
    "Local government",
    "Health",
    "Education",
    "Financial services",
    "Retail",
    "Internal business unit",
)
REGIONS = (
    "London",
    "South East",
    "North West",
    "Midlands",
    "Scotland",
    "Wales",
    "Yorkshire",
    "South West",
    "North East",
)
ORG_A = (
    "Northern",
    "Albion",
    "Crown",
    "Riverside",
    "Summit",
    "Harbour",
    "Oak",
    "Pennine",
    "Thames",
    "Meridian",
    "Beacon",
    "Castle",
    "Kestrel",
    "Granite",
    "Willow",
    "Atlas",
)
ORG_B = (
    "Trust",
    "Council",
    "Bank",
    "University",
    "Group",
    "Partners",
    "Health Board",
    "Retail",
    "Services",
    "Authority",
    "Insurance",
    "College",
)
PORTFOLIOS = (
    "Digital",
    "Infrastructure",
    "Customer experience",
    "Regulatory",
    "Operations",
    "Data & analytics",
    "People & change",
)
VERBS = (
    "Migration of",
    "Upgrade of",
    "Rollout of",
    "Replacement of",
    "Consolidation of",
    "Automation of",
    "Redesign of",
    "Implementation of",
)
SYSTEMS = (
    "CRM",
    "ERP",
    "data platform",
    "service desk",
    "payroll",
    "case management",
    "billing",
    "intranet",
    "identity management",
    "document management",
    "scheduling",
    "customer portal",
    "reporting suite",
    "contact centre",
    "asset register",
)
SERVICES = (
    (
        "Portfolio reporting",
        "Insight",
        "Monthly portfolio dashboards and commentary",
        "Power BI, analysis, storytelling",
    ),
    (
        "Project assurance",
        "Governance",
        "Independent health checks and gate reviews",
        "Assurance, risk, audit",
    ),
    (
        "Resource management",
        "Delivery support",
        "Capacity planning and allocation",
        "Resource planning, negotiation",
    ),
    (
        "Benefits tracking",
        "Insight",
        "Benefit profiles, tracking and realisation reports",
        "Benefits management, finance",
    ),
    (
        "PMO academy",
        "Capability",
        "Training and coaching for project managers",
        "Coaching, facilitation",
    ),
    (
        "Templates and methods",
        "Governance",
        "Standard templates, e-forms and guidance",
        "Methods, writing",
    ),
    (
        "Project recovery",
        "Delivery support",
        "Turnaround of failing projects",
        "Recovery, leadership",
    ),
    (
        "Business case support",
        "Governance",
        "Business case writing and appraisal",
        "Finance, appraisal",
    ),
    ("Risk management", "Governance", "Risk workshops and registers", "Risk, facilitation"),
    (
        "Scheduling and planning",
        "Delivery support",
        "Integrated plans and critical path",
        "Planning tools, scheduling",
    ),
    (
        "Change management",
        "Capability",
        "Stakeholder engagement and adoption",
        "Change, communications",
    ),
    (
        "Vendor management",
        "Commercial",
        "Contract and supplier performance",
        "Commercial, negotiation",
    ),
    ("Executive dashboards", "Insight", "Board-level portfolio insight", "Data, visual design"),
    (
        "Lessons learned",
        "Capability",
        "Retrospectives and knowledge base",
        "Facilitation, knowledge management",
    ),
)
THEMES = {
    "communication": (
        "Communication from the PMO was {q} and timely",
        "We were not told about changes early enough, communication was poor",
    ),
    "reporting": (
        "The status reports are {q} and easy to read",
        "Reports are too long and arrive too late to act on",
    ),
    "timeliness": (
        "Delivery was on time and milestones were met",
        "Constant delays, the go-live slipped again",
    ),
    "responsiveness": (
        "The team responds {q} when we raise issues",
        "Slow to respond, we chased for weeks",
    ),
    "value": (
        "Good value for the cost of the service",
        "Too expensive for what we get, unclear value for money",
    ),
    "bureaucracy": (
        "The templates are simple and helpful",
        "Too much bureaucracy and paperwork, the templates slow us down",
    ),
    "training": (
        "The training sessions were {q} and practical",
        "Training was generic and did not fit our needs",
    ),
    "resourcing": (
        "Having the right people on the project made a difference",
        "The project was understaffed, resources kept changing",
    ),
    "engagement": (
        "They listened to our stakeholders and involved us {q}",
        "Our stakeholders were not engaged or listened to",
    ),
    "dashboards": (
        "The dashboards help our steering group decide faster",
        "The dashboard is confusing and the data is often wrong",
    ),
}
QUALITY = ("really clear", "excellent", "very good", "great", "consistently good")
ACTION_FIX = {
    "communication": "Fortnightly update call with the sponsor",
    "reporting": "One-page status report replacing the long pack",
    "timeliness": "Schedule review and re-baseline with the customer",
    "responsiveness": "Named PMO contact with a two-day response target",
    "value": "Publish service charges and value delivered per quarter",
    "bureaucracy": "Simplified templates: cut mandatory fields by half",
    "training": "Tailored training path per customer team",
    "resourcing": "Resource plan agreed with the customer for the next quarter",
    "engagement": "Stakeholder workshop at each stage gate",
    "dashboards": "Data quality checks before dashboards are published",
}


def _names(rng, n: int) -> list[str]:
    """n distinct 'First Last' names."""
    pairs = [f"{f} {last}" for f in FIRST for last in LAST]
    return list(rng.choice(pairs, size=n, replace=False))


def _ids(prefix: str, n: int, width: int) -> np.ndarray:
    return np.array([f"{prefix}-{i:0{width}d}" for i in range(1, n + 1)])


def _customers(rng, n: int, today: pd.Timestamp, leads: list[str]) -> pd.DataFrame:
    tier = rng.choice(["Strategic", "Key", "Standard"], size=n, p=[0.08, 0.22, 0.70])
    base = np.select([tier == "Strategic", tier == "Key"], [2_000_000, 600_000], 120_000)
    value = np.round(base * rng.lognormal(0, 0.45, n), -3)
    cadence = np.select([tier == "Strategic", tier == "Key"], [30, 60], 90)
    since = (cadence * rng.gamma(2.0, 0.6, n)).astype(int)
    names = [f"{a} {b}" for a, b in zip(rng.choice(ORG_A, n), rng.choice(ORG_B, n), strict=True)]
    names = [
        f"{nm} {i}" if i > len(ORG_A) * len(ORG_B) // 2 else nm for i, nm in enumerate(names, 1)
    ]
    seen: dict[str, int] = {}
    unique = []
    for nm in names:  # distinct names: a real customer list has no duplicates
        seen[nm] = seen.get(nm, 0) + 1
        unique.append(nm if seen[nm] == 1 else f"{nm} ({seen[nm]})")
    return pd.DataFrame(
        {
            "customer_id": _ids("C", n, 4),
            "name": unique,
            "segment": rng.choice(SEGMENTS, n),
            "tier": tier,
            "account_lead": rng.choice(leads, n),
            "annual_value": value,
            "region": rng.choice(REGIONS, n),
            "last_contact_date": (today - pd.to_timedelta(since, unit="D")).normalize(),
            "contact_cadence_days": cadence.astype(float),
        }
    )


def _services(rng, staff: list[str]) -> pd.DataFrame:
    n = len(SERVICES)
    capacity = rng.choice([160, 240, 320, 480, 640], n).astype(float)
    pressure = rng.choice([0.55, 0.8, 0.95, 1.1, 1.25, 1.4], n)
    unit_cost = np.round(rng.uniform(300, 1200, n), -1)
    return pd.DataFrame(
        {
            "service_id": _ids("S", n, 2),
            "name": [s[0] for s in SERVICES],
            "category": [s[1] for s in SERVICES],
            "owner": rng.choice(staff, n, replace=False),
            "description": [s[2] for s in SERVICES],
            "skills": [s[3] for s in SERVICES],
            "capacity_hours": capacity,
            "demand_hours": np.round(capacity * pressure),
            "unit_cost": unit_cost,
            "charge": np.round(unit_cost * rng.choice([0, 1.1, 1.3], n), -1),
            "target_csat": rng.choice([4.0, 4.2, 4.5], n),
        }
    )


def _projects(rng, n, customers, services, staff, sponsors, today) -> pd.DataFrame:
    weight = customers["tier"].map({"Strategic": 6.0, "Key": 2.5, "Standard": 1.0}).to_numpy()
    cust = rng.choice(customers["customer_id"].to_numpy(), n, p=weight / weight.sum())
    rag = rng.choice(["Green", "Amber", "Red"], n, p=[0.55, 0.30, 0.15])
    start = today - pd.to_timedelta(rng.integers(-120, 900, n), unit="D")
    length = rng.integers(90, 720, n)
    end = start + pd.to_timedelta(length, unit="D")
    slip = np.select(
        [rag == "Red", rag == "Amber"],
        [rng.integers(30, 150, n), rng.integers(0, 60, n)],
        rng.integers(-10, 10, n),
    )
    forecast_end = end + pd.to_timedelta(slip, unit="D")
    budget = np.round(np.clip(rng.lognormal(12.6, 0.9, n), 50_000, 5_000_000), -3)
    overrun = np.select(
        [rag == "Red", rag == "Amber"],
        [rng.uniform(1.1, 1.4, n), rng.uniform(1.0, 1.12, n)],
        rng.uniform(0.9, 1.03, n),
    )
    elapsed = np.clip((today - start).days / np.maximum((forecast_end - start).days, 1), 0, 1)
    stage = np.select(
        [elapsed <= 0, elapsed < 0.15, elapsed < 0.9, elapsed < 1],
        ["Initiation", "Planning", "Execution", "Closing"],
        "Closed",
    )
    benefit = np.round(budget * rng.uniform(1.2, 3.5, n), -3)
    realised = np.round(
        benefit
        * np.where(stage == "Closed", rng.uniform(0.4, 1.0, n), elapsed * rng.uniform(0, 0.3, n)),
        -3,
    )
    names = [
        f"{v} {s} – {c}"
        for v, s, c in zip(
            rng.choice(VERBS, n),
            rng.choice(SYSTEMS, n),
            customers.set_index("customer_id").loc[cust, "name"],
            strict=True,
        )
    ]
    names = [f"{nm} ({i})" if names.count(nm) > 1 else nm for i, nm in enumerate(names, 1)]
    impact = np.clip(
        np.round(
            rng.normal(3, 1, n) + (weight[pd.Index(customers["customer_id"]).get_indexer(cust)] > 2)
        ),
        1,
        5,
    )
    return pd.DataFrame(
        {
            "project_id": _ids("P", n, 4),
            "name": names,
            "customer_id": cust,
            "portfolio": rng.choice(PORTFOLIOS, n),
            "service_id": rng.choice(services, n),
            "sponsor": rng.choice(sponsors, n),
            "project_manager": rng.choice(staff, n),
            "stage": stage,
            "rag": rag,
            "start_date": start.normalize(),
            "end_date": end.normalize(),
            "forecast_end_date": forecast_end.normalize(),
            "budget": budget,
            "actual_cost": np.round(budget * overrun * elapsed, -2),
            "forecast_cost": np.round(budget * overrun, -2),
            "planned_benefit": benefit,
            "realised_benefit": realised,
            "strategic_alignment": rng.integers(1, 6, n).astype(float),
            "customer_impact": impact,
            "risk": np.clip(rng.integers(1, 6, n) + (rag == "Red"), 1, 5),
            "effort": rng.integers(1, 6, n).astype(float),
            "percent_complete": np.round(elapsed * 100),
            "go_live_date": forecast_end.normalize(),
        }
    )


def _feedback(rng, n, customers, projects, services, today) -> pd.DataFrame:
    pick = rng.integers(0, len(projects), n)
    proj = projects.iloc[pick]
    date_ = today - pd.to_timedelta(rng.integers(0, 3 * 365, n), unit="D")
    red = (proj["rag"].to_numpy() == "Red") & (date_ > proj["start_date"].to_numpy())
    amber = proj["rag"].to_numpy() == "Amber"
    tier = customers.set_index("customer_id").loc[proj["customer_id"], "tier"].to_numpy()
    mood = rng.normal(0.6, 1.0, n) - 1.6 * red - 0.5 * amber + 0.2 * (tier == "Strategic")
    mood += 0.25 * (date_ > today - pd.Timedelta(days=365))  # the PMO is improving
    csat = np.clip(np.round(3.6 + mood * 0.9), 1, 5)
    nps = np.clip(np.round(7.0 + mood * 2.3), 0, 10)
    theme = rng.choice(list(THEMES), n)
    pos = mood > 0.2
    comments = np.array(
        [
            THEMES[t][0 if p else 1].replace("{q}", QUALITY[i % len(QUALITY)])
            for i, (t, p) in enumerate(zip(theme, pos, strict=True))
        ],
        dtype=object,
    )
    comments[rng.random(n) > 0.6] = None
    has_project = rng.random(n) < 0.7
    return (
        pd.DataFrame(
            {
                "response_id": _ids("R", n, 6),
                "date": date_.normalize(),
                "customer_id": proj["customer_id"].to_numpy(),
                "project_id": np.where(has_project, proj["project_id"].to_numpy(), None),
                "service_id": np.where(rng.random(n) < 0.8, proj["service_id"].to_numpy(), None),
                "respondent_role": rng.choice(
                    ["Sponsor", "Project manager", "End user", "Executive", "Finance"], n
                ),
                "csat": csat,
                "nps": nps,
                "effort_score": np.clip(6 - csat + rng.integers(-1, 2, n), 1, 5),
                "comment": comments,
                "channel": rng.choice(
                    ["Survey", "Interview", "Workshop", "Email"], n, p=[0.7, 0.1, 0.1, 0.1]
                ),
            }
        )
        .sort_values("date", ignore_index=True)
        .assign(response_id=_ids("R", n, 6))
    )


def _actions(rng, n, feedback, staff, today) -> pd.DataFrame:
    unhappy = feedback[(feedback["nps"] <= 6) & feedback["comment"].notna()]
    src = unhappy.sample(n, random_state=int(rng.integers(1 << 30)), replace=len(unhappy) < n)
    theme = [
        next((t for t, (_, neg) in THEMES.items() if neg == c), "communication")
        for c in src["comment"]
    ]
    raised = src["date"].to_numpy() + pd.to_timedelta(rng.integers(1, 20, n), unit="D")
    raised = pd.DatetimeIndex(np.minimum(raised, today.to_datetime64()))
    due = raised + pd.to_timedelta(rng.integers(30, 120, n), unit="D")
    status = rng.choice(["Done", "In progress", "Open", "Cancelled"], n, p=[0.55, 0.2, 0.2, 0.05])
    closed = raised + pd.to_timedelta(rng.integers(10, 110, n), unit="D")
    closed = pd.Series(np.where((status == "Done") & (closed <= today), closed, pd.NaT))
    status = np.where((status == "Done") & closed.isna(), "In progress", status)
    return pd.DataFrame(
        {
            "action_id": _ids("A", n, 3),
            "title": [ACTION_FIX[t] for t in theme],
            "customer_id": src["customer_id"].to_numpy(),
            "service_id": src["service_id"].to_numpy(),
            "project_id": src["project_id"].to_numpy(),
            "source": [f"{r} ({t})" for r, t in zip(src["response_id"], theme, strict=True)],
            "impact": rng.choice(["Low", "Medium", "High"], n, p=[0.2, 0.5, 0.3]),
            "effort": rng.choice(["Low", "Medium", "High"], n, p=[0.4, 0.4, 0.2]),
            "owner": rng.choice(staff, n),
            "status": status,
            "raised_date": raised.normalize(),
            "due_date": due.normalize(),
            "closed_date": pd.to_datetime(closed).dt.normalize(),
        }
    )


def _savings(rng, n, projects, services, staff, today) -> pd.DataFrame:
    cat = rng.choice(
        ["Operational efficiency", "Resource optimisation", "Avoided cost", "Benefit realised"],
        n,
        p=[0.45, 0.35, 0.12, 0.08],
    )
    likely = rng.lognormal(9.9, 0.6, n)
    likely = np.round(likely * 4_000_000 * (n / 150) / likely.sum() / max(n / 150, 1e-9), -2)
    low = np.round(likely * rng.uniform(0.55, 0.9, n), -2)
    high = np.round(likely * rng.uniform(1.1, 1.6, n), -2)
    start = today - pd.to_timedelta(rng.integers(0, 900, n), unit="D")
    start = start.to_period("M").to_timestamp()
    end = start + pd.DateOffset(years=1) - pd.Timedelta(days=1)
    elapsed = np.clip((today - start).days / 365, 0, 1)
    pools = np.array([f"{s} FTE" for s in services["name"]])
    pool = rng.choice(pools, n)
    ids = _ids("SV", n, 3)
    proj = rng.choice(projects["project_id"].to_numpy(), n)
    svc = rng.choice(services["service_id"].to_numpy(), n)
    desc = np.where(
        cat == "Operational efficiency",
        "Automated reporting and standard templates",
        np.where(
            cat == "Resource optimisation",
            "Capacity redeployed across services",
            "Cost avoided through early assurance",
        ),
    )
    return pd.DataFrame(
        {
            "saving_id": ids,
            "category": cat,
            "project_id": proj,
            "service_id": svc,
            "description": desc,
            "owner": rng.choice(staff, n),
            "low": low,
            "likely": likely,
            "high": high,
            "realised": np.round(likely * elapsed * rng.uniform(0.2, 0.42, n), -2),
            "period_start": start,
            "period_end": end,
            "cost_pool": pool,
            "source": rng.choice(
                ["Time study", "Finance ledger", "Timesheets", "Supplier invoice"], n
            ),
        }
    )


def generate(
    scale: float = 1.0, seed: int = 7, today: date = date(2026, 11, 1)
) -> dict[str, pd.DataFrame]:
    """Every entity as a frame of canonical columns; same seed and scale, same data."""
    rng = np.random.default_rng(seed)
    t = pd.Timestamp(today)
    people = _names(rng, 45 + 40 + 25)
    staff, sponsors, leads = people[:45], people[45:85], people[85:]
    n = lambda base: max(int(round(base * scale)), 1)  # noqa: E731
    customers = _customers(rng, n(600), t, leads)
    services = _services(rng, staff)
    projects = _projects(
        rng, n(750), customers, services["service_id"].to_numpy(), staff, sponsors, t
    )
    feedback = _feedback(rng, n(20_000), customers, projects, services, t)
    actions = _actions(rng, n(300), feedback, staff, t)
    savings = _savings(rng, n(150), projects, services, staff, t)
    return {
        "projects": projects,
        "customers": customers,
        "feedback": feedback,
        "services": services,
        "actions": actions,
        "savings": savings,
    }


def load_demo(store, scale: float = 1.0, seed: int = 7) -> int:
    """Write the demo data as one version of `store` and return the version."""
    frames = generate(scale, seed)
    fb = frames["feedback"]
    frames["feedback"] = fb.assign(sentiment=sentiment.score(fb["comment"]), nps_scale="0-10")
    counts = ", ".join(f"{len(v):,} {k}" for k, v in frames.items())
    return store.write_version(
        frames,
        action="demo",
        user="demo",
        note=f"demo data (scale {scale:g}, seed {seed}): {counts}",
    )


def write_demo_workbook(
    path: str | Path = DEMO_WORKBOOK, scale: float = 1.0, seed: int = 7
) -> Path:
    """The demo data as one workbook, a sheet per entity, canonical headers."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in generate(scale, seed).items():
            df.to_excel(xw, sheet_name=name, index=False)
    return path
