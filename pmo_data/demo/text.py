"""Word lists, text templates and the text builders (customer names, comments) of the demo
data; `demo.py` draws the numbers.

Kept apart so the generator reads as the model it is. Feedback comments are built from theme
phrases so the comment themes can be found again later: each theme has positive, negative and
neutral phrasings with the theme's own words (reports, delays, templates, training ...), and
several wordings each so the texts are not all identical.
"""

from __future__ import annotations

import numpy as np

FIRST = (
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
    "Ffion",
    "Gareth",
    "Helen",
    "Imran",
    "Joanna",
    "Kieran",
    "Lucy",
    "Marcus",
    "Niamh",
    "Owen",
    "Parveen",
    "Rhys",
    "Siobhan",
    "Tariq",
    "Aisha",
    "Bethan",
    "Callum",
    "Deborah",
    "Emeka",
    "Freya",
    "Grace",
    "Harpreet",
    "Ioana",
    "James",
    "Kate",
    "Liam",
    "Megan",
    "Nikhil",
    "Olivia",
    "Ruth",
)
LAST = (
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
    "Davies",
    "Edwards",
    "Morgan",
    "Campbell",
    "Stewart",
    "Ahmed",
    "Ali",
    "Begum",
    "Baker",
    "Cooper",
    "Fraser",
    "Gill",
    "Harris",
    "Jackson",
    "Kaur",
    "Lee",
    "Martin",
    "Nowak",
    "O'Brien",
    "Price",
    "Quinn",
    "Reid",
    "Shah",
    "Turner",
    "Usman",
    "Vaughan",
    "Ward",
    "Watson",
    "Bell",
    "Doyle",
    "Foster",
    "Grant",
    "Hussain",
    "Kowalski",
    "Mitchell",
)

SEGMENTS = (
    "Central government",
    "Local government",
    "Health",
    "Education",
    "Financial services",
    "Retail",
    "Internal business unit",
)
SEGMENT_P = (0.15, 0.17, 0.16, 0.11, 0.16, 0.11, 0.14)
SEGMENT_SUFFIX = {
    "Central government": ("Agency", "Executive Agency", "Inspectorate", "Commission", "Office"),
    "Local government": ("City Council", "County Council", "Borough Council", "District Council"),
    "Health": ("NHS Trust", "Health Board", "NHS Foundation Trust", "Integrated Care Board"),
    "Education": ("University", "College", "Academy Trust", "Schools Partnership"),
    "Financial services": ("Bank", "Building Society", "Insurance", "Capital", "Mutual"),
    "Retail": ("Retail Group", "Stores", "Foods", "Home & Garden", "Outlets"),
}
STEMS = (
    "Northern",
    "Albion",
    "Crown",
    "Riverside",
    "Summit",
    "Harbour",
    "Oakfield",
    "Pennine",
    "Thames",
    "Meridian",
    "Beacon",
    "Castlegate",
    "Kestrel",
    "Granite",
    "Willow",
    "Atlas",
    "Severn",
    "Cotswold",
    "Mersey",
    "Tyne",
    "Clyde",
    "Solent",
    "Chiltern",
    "Fenland",
    "Mendip",
    "Wessex",
    "Mercia",
    "Lothian",
    "Highland",
    "Dales",
    "Broadland",
    "Medway",
    "Trent",
    "Avon",
    "Humber",
    "Wyvern",
    "Peak",
    "Lakeland",
    "Cambrian",
    "Marches",
    "Brecon",
    "Forth",
    "Ouse",
    "Calder",
    "Kennet",
    "Exe",
    "Tamar",
    "Wear",
    "Derwent",
    "Eden",
    "Cheviot",
    "Weald",
    "Sterling",
    "Phoenix",
    "Horizon",
    "Unity",
    "Keystone",
    "Lighthouse",
    "Evergreen",
    "Heritage",
    "Sovereign",
    "Vanguard",
    "Orchard",
    "Heron",
    "Falcon",
    "Osprey",
    "Bridgewater",
    "Compass",
)
INTERNAL_UNITS = (
    "Finance",
    "HR",
    "Legal",
    "Estates",
    "IT",
    "Procurement",
    "Marketing",
    "Operations",
    "Sales",
    "Customer services",
    "Risk & compliance",
    "Strategy",
    "Networks",
    "Field services",
)
INTERNAL_SUFFIX = ("division", "directorate", "shared services")

REGIONS = (
    "London",
    "South East",
    "South West",
    "East of England",
    "East Midlands",
    "West Midlands",
    "Yorkshire and the Humber",
    "North West",
    "North East",
    "Wales",
    "Scotland",
    "Northern Ireland",
)
REGION_P = (0.18, 0.14, 0.08, 0.08, 0.06, 0.08, 0.08, 0.10, 0.04, 0.05, 0.08, 0.03)

PORTFOLIOS = (
    "Digital",
    "Infrastructure",
    "Customer experience",
    "Regulatory",
    "Operations",
    "Data & analytics",
    "People & change",
)
PORTFOLIO_P = (0.22, 0.15, 0.16, 0.10, 0.15, 0.12, 0.10)
# What a project in each portfolio works on, and how: "<area> <change> – <customer>".
AREAS = {
    "Digital": (
        (
            "CRM",
            "Customer portal",
            "Mobile app",
            "Website",
            "E-forms",
            "Online payments",
            "Digital identity",
            "Chatbot",
        ),
        ("migration", "upgrade", "replacement", "rollout", "redesign", "rebuild"),
    ),
    "Infrastructure": (
        (
            "Data centre",
            "Network",
            "Hosting",
            "End-user device",
            "Telephony",
            "Backup and recovery",
            "Wi-Fi",
            "Server estate",
        ),
        ("refresh", "migration", "upgrade", "consolidation", "move to cloud", "decommissioning"),
    ),
    "Customer experience": (
        (
            "Contact centre",
            "Complaints handling",
            "Self-service",
            "Omnichannel routing",
            "Customer onboarding",
            "Service desk",
        ),
        ("redesign", "rollout", "improvement", "transformation", "automation"),
    ),
    "Regulatory": (
        (
            "GDPR",
            "Consumer Duty",
            "Accessibility",
            "Cyber Essentials",
            "Records retention",
            "Anti-money laundering",
            "Audit trail",
        ),
        ("compliance programme", "implementation", "remediation", "readiness", "controls uplift"),
    ),
    "Operations": (
        (
            "ERP",
            "Billing",
            "Payroll",
            "Procurement",
            "Asset register",
            "Scheduling",
            "Case management",
            "Fleet management",
        ),
        ("migration", "upgrade", "replacement", "automation", "consolidation", "implementation"),
    ),
    "Data & analytics": (
        (
            "Data platform",
            "Reporting suite",
            "Data warehouse",
            "Master data",
            "BI dashboard",
            "Data quality",
            "Forecasting model",
        ),
        ("build", "migration", "modernisation", "implementation", "rollout", "move to cloud"),
    ),
    "People & change": (
        (
            "HR system",
            "Learning platform",
            "Hybrid working",
            "Org design",
            "Onboarding",
            "Performance management",
            "Workforce planning",
        ),
        ("rollout", "programme", "redesign", "implementation", "refresh"),
    ),
}

# Service catalogue: name, category, description, skills, demand/capacity pressure, charge
# factor (0 = free at the point of use), the two comment themes customers raise most about it.
SERVICES = (
    (
        "Portfolio reporting",
        "Insight",
        "Monthly portfolio report and commentary for each customer's board",
        "Power BI, data analysis, report writing",
        1.25,
        1.2,
        ("reporting", "dashboards"),
    ),
    (
        "Project assurance & health checks",
        "Governance",
        "Independent health checks, gate reviews and assurance plans",
        "Assurance, risk assessment, audit",
        1.15,
        1.3,
        ("timeliness", "communication"),
    ),
    (
        "Resource management",
        "Delivery support",
        "Capacity planning, allocation and resource forecasting across projects",
        "Resource planning, scheduling, negotiation",
        1.38,
        1.1,
        ("resourcing", "responsiveness"),
    ),
    (
        "Benefits tracking",
        "Insight",
        "Benefit profiles, tracking and realisation reports",
        "Benefits management, finance",
        1.05,
        1.0,
        ("value", "reporting"),
    ),
    (
        "PMO academy",
        "Capability",
        "Training, coaching and accreditation for project managers",
        "Coaching, facilitation, PRINCE2, P3O",
        0.95,
        1.1,
        ("training", "engagement"),
    ),
    (
        "Templates & methods",
        "Governance",
        "Standard templates, e-forms and method guidance",
        "Methods, technical writing",
        0.55,
        0.0,
        ("bureaucracy", "training"),
    ),
    (
        "Project recovery",
        "Delivery support",
        "Turnaround team for failing projects: diagnosis, replan and recovery",
        "Recovery, leadership, replanning",
        1.40,
        1.5,
        ("timeliness", "resourcing"),
    ),
    (
        "Business case support",
        "Governance",
        "Business case writing, options appraisal and investment papers",
        "Finance, options appraisal, Green Book",
        1.10,
        1.2,
        ("value", "bureaucracy"),
    ),
    (
        "Risk management",
        "Governance",
        "Risk workshops, RAID logs and escalation",
        "Risk management, facilitation",
        0.90,
        1.1,
        ("communication", "engagement"),
    ),
    (
        "Scheduling & planning",
        "Delivery support",
        "Integrated plans, critical path and milestone tracking",
        "MS Project, Primavera, planning",
        1.20,
        1.2,
        ("timeliness", "dashboards"),
    ),
    (
        "Change management",
        "Capability",
        "Stakeholder engagement, communication plans and adoption support",
        "Change management, communications",
        1.10,
        1.2,
        ("engagement", "communication"),
    ),
    (
        "Vendor & contract management",
        "Commercial",
        "Supplier performance, contract change and commercial advice",
        "Commercial, contract management, negotiation",
        0.85,
        1.3,
        ("value", "responsiveness"),
    ),
    (
        "Executive dashboards",
        "Insight",
        "Board-level portfolio insight and live dashboards",
        "Data engineering, visual design",
        1.30,
        1.2,
        ("dashboards", "reporting"),
    ),
    (
        "Lessons learned",
        "Capability",
        "Retrospectives and a searchable lessons knowledge base",
        "Facilitation, knowledge management",
        0.60,
        0.0,
        ("training", "engagement"),
    ),
)

# A service launched last month that no customer has ordered yet: name, category, description,
# skills.
NEW_SERVICE = (
    "Portfolio optimisation",
    "Insight",
    "Scenario modelling and investment optimisation for portfolio boards",
    "Optimisation, modelling, finance",
)

# Comment themes: label, then positive / negative / neutral phrasings (no final full stop).
THEMES = {
    "communication": (
        "Communication",
        (
            "Communication from the PMO was clear and timely",
            "The weekly updates kept everyone informed",
            "Great communication, we always knew where things stood",
            "Clear, honest communication throughout the project",
            "The team kept us in the loop at every stage",
        ),
        (
            "We were not told about changes early enough, communication was poor",
            "Communication was patchy and we heard about problems too late",
            "Nobody updated us when the plan changed",
            "Poor communication between the PMO and our team",
            "We had to chase for updates, communication needs to improve",
        ),
        (
            "Communication was fine, if a little infrequent",
            "Updates were okay but could be more regular",
            "Communication was adequate",
        ),
    ),
    "reporting": (
        "Reporting quality",
        (
            "The status reports are concise and easy to read",
            "Reporting quality has improved a lot, the monthly report is spot on",
            "The board report gives us exactly what we need",
            "Accurate, well written status reports",
            "Reports arrive on time and the commentary is useful",
        ),
        (
            "Reports are too long and arrive too late to act on",
            "The status report is full of errors and out of date numbers",
            "Too many reports asking for the same data",
            "The monthly report doesn't tell us anything new",
            "Reporting is a box-ticking exercise, nobody reads the reports",
        ),
        (
            "The reports are fine but quite long",
            "Reporting is okay, the format could be simpler",
            "Monthly report is adequate",
        ),
    ),
    "timeliness": (
        "Timeliness and delays",
        (
            "Delivery was on time and milestones were met",
            "The project landed on schedule, well done",
            "Milestones were hit and the go-live went smoothly",
            "Everything was delivered when promised",
        ),
        (
            "Constant delays, the go-live slipped again",
            "Milestones keep moving and the deadline was missed",
            "The project is months behind schedule",
            "Delays on every deliverable, we have lost confidence in the plan",
            "Another missed deadline, the delays are hurting our business",
        ),
        (
            "Some delays but the schedule mostly held",
            "A few milestones slipped, nothing major",
            "Timescales were broadly met",
        ),
    ),
    "responsiveness": (
        "Responsiveness",
        (
            "The team responds quickly when we raise issues",
            "Very responsive, questions answered the same day",
            "Quick turnaround on every request",
            "Always available and quick to help",
        ),
        (
            "Slow to respond, we chased for weeks",
            "Emails go unanswered and requests sit in a queue",
            "It takes far too long to get a response",
            "Nobody picks up our requests, very slow turnaround",
        ),
        (
            "Response times are acceptable",
            "Usually responsive, occasionally slow",
            "Turnaround on requests is okay",
        ),
    ),
    "value": (
        "Cost and value",
        (
            "Good value for the cost of the service",
            "Worth every penny, the savings speak for themselves",
            "The service pays for itself in saved time",
            "Fair price for the value we get",
        ),
        (
            "Too expensive for what we get, unclear value for money",
            "The recharge is high and the value is hard to see",
            "We pay a lot and get little in return",
            "Poor value for money, costs keep going up",
        ),
        (
            "Cost is reasonable but the value could be clearer",
            "Value for money is okay",
            "Charges are about what we expected",
        ),
    ),
    "bureaucracy": (
        "Templates and process",
        (
            "The templates are simple and helpful",
            "The new templates save us time",
            "Light-touch governance that doesn't get in the way",
            "The process is clear and the forms are short",
        ),
        (
            "Too much bureaucracy and paperwork, the templates slow us down",
            "The gate process is heavy and the forms are far too long",
            "Endless templates and approvals for a small project",
            "Process for the sake of process, too much paperwork",
            "The templates are complicated and keep changing",
        ),
        (
            "The templates are okay once you get used to them",
            "Process is a bit heavy but manageable",
            "Some of the forms could be shorter",
        ),
    ),
    "training": (
        "Training",
        (
            "The training sessions were excellent and practical",
            "The academy course gave our project managers real confidence",
            "Great coaching, the training was tailored to our needs",
            "Really useful training on planning and risk",
        ),
        (
            "Training was generic and did not fit our needs",
            "There is no training on the new tools",
            "The training sessions were cancelled twice",
            "Not enough training for new project managers",
        ),
        (
            "Training was useful but a bit basic",
            "The course was okay, some parts were too theoretical",
            "Training is fine",
        ),
    ),
    "resourcing": (
        "Resourcing",
        (
            "Having the right people on the project made a difference",
            "Skilled, experienced project staff",
            "Resources were available when we needed them",
            "The PMO found us a strong project manager quickly",
        ),
        (
            "The project was understaffed, resources kept changing",
            "We lost our project manager mid-project with no handover",
            "Not enough resources, the team is stretched too thin",
            "Constant turnover of staff on our project",
            "Resourcing is a problem, we waited weeks for an analyst",
        ),
        (
            "Resourcing was adequate",
            "Staffing was okay, a bit stretched at times",
            "Mostly the right people, some gaps",
        ),
    ),
    "engagement": (
        "Stakeholder engagement",
        (
            "They listened to our stakeholders and involved us in decisions",
            "Excellent stakeholder engagement, we felt like partners",
            "The workshops brought our stakeholders together",
            "Our views were listened to and acted on",
        ),
        (
            "Our stakeholders were not engaged or listened to",
            "Decisions were made without consulting us",
            "We felt excluded from key decisions",
            "Stakeholder engagement was an afterthought",
        ),
        (
            "Engagement was fine, we were consulted on the main points",
            "Stakeholders were involved some of the time",
            "Engagement was reasonable",
        ),
    ),
    "dashboards": (
        "Tools and dashboards",
        (
            "The dashboards help our steering group decide faster",
            "The new portfolio dashboard is excellent",
            "Love the live dashboard, no more chasing spreadsheets",
            "The tools are easy to use and the dashboard data is accurate",
        ),
        (
            "The dashboard is confusing and the data is often wrong",
            "The tools are clunky and the dashboard is always out of date",
            "Too many tools and spreadsheets, no single source of truth",
            "The dashboard doesn't load and the data can't be trusted",
        ),
        (
            "The dashboard is useful but a bit cluttered",
            "The tools do the job",
            "Dashboard is okay, could be simpler",
        ),
    ),
}
THEME_KEYS = tuple(THEMES)

OPENERS = {
    "pos": ("", "", "", "Overall, ", "Honestly, ", "To be fair, ", "All in all, "),
    "neg": ("", "", "", "Frankly, ", "Again, ", "Sadly, ", "Once again "),
    "neu": ("", "", "", "Overall, ", "On balance, "),
}
CLOSERS = {
    "pos": (
        "Thank you!",
        "Keep it up.",
        "Great job by the team.",
        "Much appreciated.",
        "Thanks to everyone involved.",
    ),
    "neg": (
        "Please sort this out.",
        "This needs fixing.",
        "We expect better.",
        "Not good enough.",
        "Please escalate.",
    ),
    "neu": ("Nothing more to add.", "No major concerns.", "Happy to discuss."),
}

# "You said, we did": what the PMO does about each theme.
ACTION_TITLES = {
    "communication": (
        "Fortnightly update call with the sponsor",
        "Change notices sent to the customer within two days",
        "Communication plan agreed at project start",
    ),
    "reporting": (
        "One-page status report replacing the long report pack",
        "Report data checked before the monthly report is issued",
        "Reporting calendar aligned to the customer's board dates",
    ),
    "timeliness": (
        "Schedule review and re-baseline with the customer",
        "Milestone tracker shared weekly to catch delays early",
        "Recovery plan for the slipped go-live",
    ),
    "responsiveness": (
        "Named PMO contact with a two-day response target",
        "Shared request queue with response times published",
        "Daily triage of customer requests",
    ),
    "value": (
        "Publish service charges and value delivered per quarter",
        "Recharge model simplified and explained to finance",
        "Quarterly value-for-money review with the customer",
    ),
    "bureaucracy": (
        "Simplified templates: mandatory fields cut by half",
        "Light-touch gate process for small projects",
        "Template library cleaned up and versioned",
    ),
    "training": (
        "Tailored training path for the customer's project team",
        "Training on the new planning tool",
        "Induction course for new project managers",
    ),
    "resourcing": (
        "Resource plan agreed with the customer for the next quarter",
        "Handover checklist when project staff change",
        "Cover arrangement for key project roles",
    ),
    "engagement": (
        "Stakeholder workshop at each stage gate",
        "Customer representative on the project board",
        "Stakeholder map reviewed with the sponsor monthly",
    ),
    "dashboards": (
        "Data quality checks before dashboards are published",
        "Dashboard redesigned with the steering group",
        "Single source of truth for portfolio data",
    ),
}

SAVING_CATEGORIES = (
    "Operational efficiency",
    "Resource optimisation",
    "Avoided cost",
    "Benefit realised",
)
SAVING_P = (0.46, 0.34, 0.12, 0.08)
SAVING_SIZE = (1.0, 1.3, 1.2, 0.8)
SAVING_TEXT = {
    "Operational efficiency": (
        "Automated {svc} pack: {h} analyst hours a month saved",
        "Standard {svc} templates cut rework on {n} projects",
        "Self-service {svc} replaced manual data requests",
        "Single source of truth removed duplicate {svc} spreadsheets",
        "Streamlined {svc} approvals: two sign-offs removed per stage",
    ),
    "Resource optimisation": (
        "Shared {svc} pool across portfolios: {f} FTE redeployed",
        "Contractor roles in {svc} replaced by trained staff",
        "Capacity planning cut bench time by {p}%",
        "Specialists in {svc} matched to demand across {n} projects",
    ),
    "Avoided cost": (
        "Early assurance stopped an unviable project before build",
        "Contract renegotiation avoided a {p}% supplier price rise",
        "Risk workshop prevented a regulatory penalty",
        "Duplicate licence purchase avoided through {svc}",
    ),
    "Benefit realised": (
        "Benefits tracked to realisation through {svc}",
        "Faster go-live brought benefits forward by {w} weeks",
        "Process change delivered the planned cash benefit",
    ),
}
COST_POOLS = {
    "Operational efficiency": (
        "Reporting FTE",
        "PMO analyst time",
        "Project admin",
        "Data requests",
        "Governance overhead",
    ),
    "Resource optimisation": (
        "Contractor spend",
        "Project delivery FTE",
        "Bench time",
        "Agency staff",
        "Specialist day rates",
    ),
    "Avoided cost": ("Supplier contracts", "Licences", "Regulatory penalties", "Project capex"),
    "Benefit realised": ("Operating costs", "Revenue uplift", "Process costs"),
}
SAVING_SOURCES = (
    "Time study",
    "Finance ledger",
    "Timesheet analysis",
    "Supplier invoices",
    "Benefits register",
    "Business case",
)

RESPONDENT_ROLES = ("Sponsor", "Project manager", "End user", "Executive", "Finance")
ROLE_P = (0.20, 0.26, 0.34, 0.10, 0.10)
CHANNELS = ("Survey", "Interview", "Workshop", "Email")
CHANNEL_P = (0.68, 0.10, 0.09, 0.13)


def customer_names(rng, segment: np.ndarray) -> np.ndarray:
    """A name per customer, distinct within its segment while the combinations last: "<stem>
    <suffix>" ("Kestrel Bank"), then "<stem> & <stem> <suffix>"; internal business units are
    "<unit> <suffix>, <region>"."""
    names = np.empty(len(segment), dtype=object)
    for seg in SEGMENTS:
        rows = np.flatnonzero(segment == seg)
        if seg == "Internal business unit":
            combos = [
                [f"{a} {b}, {c}" for a in INTERNAL_UNITS for b in INTERNAL_SUFFIX for c in REGIONS]
            ]
        else:
            x, st = SEGMENT_SUFFIX[seg], STEMS
            combos = [[f"{a} {b}" for a in st for b in x]]
            combos.append([f"{a} & {b} {c}" for a in st[::3] for b in st[1::3] for c in x])
        pool = np.concatenate([np.array(c, dtype=object)[rng.permutation(len(c))] for c in combos])
        k = min(len(rows), len(pool))
        names[rows[:k]] = pool[:k]
        names[rows[k:]] = names[rows[rng.integers(0, max(k, 1), len(rows) - k)]]  # numbered later
    return names


def _phrases(polarity: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All phrases of a polarity flattened, with each theme's offset and count."""
    slot = {"pos": 1, "neg": 2, "neu": 3}[polarity]
    lists = [THEMES[k][slot] for k in THEME_KEYS]
    flat = np.array([p for ps in lists for p in ps], dtype=object)
    counts = np.array([len(ps) for ps in lists])
    return flat, np.concatenate([[0], np.cumsum(counts)[:-1]]), counts


def _lower_first(s: np.ndarray) -> np.ndarray:
    return np.array([p if p[1:2].isupper() else p[:1].lower() + p[1:] for p in s], dtype=object)


def comments(rng, theme, polarity, has_comment) -> np.ndarray:
    """Comment text from theme phrases: an opener, a phrase, sometimes a second theme (or a
    mixed "X, but Y"), sometimes a closer. Rows without a comment are None."""
    n = len(theme)
    out = np.full(n, None, dtype=object)
    other = (theme + rng.integers(1, len(THEME_KEYS), n)) % len(THEME_KEYS)
    for pol in ("pos", "neg", "neu"):
        rows = np.flatnonzero(has_comment & (polarity == pol))
        m = len(rows)
        flat, off, cnt = _phrases(pol)
        th, th2 = theme[rows], other[rows]
        first = flat[off[th] + rng.integers(0, 1 << 20, m) % cnt[th]]
        opener = rng.choice(np.array(OPENERS[pol], dtype=object), m)
        text = np.where(opener == "", first, opener + _lower_first(first))
        second_pol = "neg" if pol == "neu" else pol
        flat2, off2, cnt2 = _phrases(second_pol)
        second = flat2[off2[th2] + rng.integers(0, 1 << 20, m) % cnt2[th2]]
        u = rng.random(m)
        text = np.where(
            (pol == "neu") & (u < 0.35),
            text + ", but " + _lower_first(second) + ".",
            np.where(u < 0.25, text + ". " + second + ".", text + "."),
        )
        closer = rng.choice(np.array(CLOSERS[pol], dtype=object), m)
        closed = rng.random(m) < 0.25
        text = np.where(closed, text + " " + closer, text)
        messy = rng.random(m)  # people type as they type
        text = np.where(messy < 0.03, np.array([s.lower() for s in text], dtype=object), text)
        text = np.where((messy > 0.97) & ~closed, [s.rstrip(".") for s in text], text)
        out[rows] = text
    return out
