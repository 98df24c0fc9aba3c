"""Project vocabulary: portfolios, what a project in each works on, and the service
catalogue (with the service launched last month), as the generator draws them."""

from __future__ import annotations

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
