"""Savings vocabulary: categories and their mix, description templates, cost pools and
the sources a saving is evidenced by."""

from __future__ import annotations

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
