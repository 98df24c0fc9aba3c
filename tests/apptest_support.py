"""Shared AppTest helpers: open the app as a viewer on a given store, and read what it shows.

Each store state gets its own PMO_DB path because the store is cached per path per process.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

from pmo_data.analytics.savings.estimators import ESTIMATORS

ROOT = Path(__file__).resolve().parents[1]


def app(
    monkeypatch,
    db: str,
    group: str = "executive",
    person: str | None = None,
    no_demo: bool = False,
    **params: str,
) -> AppTest:
    """The app (not yet run) on the store at `db`, viewed by `group` (and `person`)."""
    monkeypatch.setenv("PMO_DB", db)
    if no_demo:
        monkeypatch.setenv("PMO_NO_DEMO", "1")
    at = AppTest.from_file(str(ROOT / "dashboard.py"), default_timeout=90)
    at.query_params["group"] = group
    if person:
        at.query_params["person"] = person
    for key, value in params.items():
        at.query_params[key] = value
    return at


_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def plain(markdown: str) -> str:
    """Markdown source as a reader sees it: backslash escapes and the invisible word joiners
    of `md()` removed."""
    return _ESCAPED.sub(r"\1", markdown).replace("\u2060", "")


def shown_strings(at: AppTest) -> set[str]:
    """Every string cell of every table and every label of every chart on the page."""
    out: set[str] = set()
    for df in at.dataframe:
        for col in df.value.columns:
            out |= {v for v in df.value[col].tolist() if isinstance(v, str)}
    for chart in at.get("plotly_chart"):
        for trace in json.loads(chart.proto.spec).get("data", []):
            for key in ("labels", "y", "x", "text"):
                vals = trace.get(key)
                if isinstance(vals, list):
                    out |= {html.unescape(v) for v in vals if isinstance(v, str)}
    return out


def section_labels(at: AppTest, key: str) -> list[str]:
    """What a person can open under `key` (`ui.lazy_sections`): a closed row's choices, or the
    labels of the tabs on the page."""
    row = [p for p in at.pills if p.key == key]
    return list(row[0].options) if row else [t.label for t in at.tabs]


def open_section(at: AppTest, key: str, label: str) -> AppTest:
    """Open one of `ui.lazy_sections(key, ...)` (a tab or a closed row's choice) and rerun."""
    at.session_state[key] = label
    return at.run()


# Every `ui.lazy_tabs` / `ui.lazy_sections` (page, key, labels): the labels are what a person
# clicks; each is computed only when opened, so a test that reads a page opens them.
LAZY = [
    (
        "prioritisation",
        "pr_closer",
        (
            "Why does it rank there?",
            "Rank robustness",
            "Where the groups disagree",
            "Alternative method: WSJF",
            "Choosing under a budget",
        ),
    ),
    (
        "customers",
        "cu_lists",
        (
            "Customers at risk",
            "Key customers (Strategic tier)",
            "Contact overdue",
            "Every customer: health and why",
            "Customer map",
        ),
    ),
    (
        "feedback",
        "fb_closer",
        (
            "Breakdowns",
            "Themes and what drives NPS",
            "Comment explorer",
            "Closing the loop",
            "Did it work?",
        ),
    ),
    ("portfolio", "pf_views", ("Timeline", "Shape and health")),
    ("savings", "sv_by", ("Category", "Service", "Customer", "Year")),
    (
        "savings",
        "sv_stands",
        (
            "Realised against estimated",
            "Savings over time",
            "From gross to net",
            "Double counting",
            "The ledger",
        ),
    ),
    ("savings", "sv_estimators", tuple(e.label for e in ESTIMATORS.values())),
    (
        "savings",
        "sv_benefits",
        ("By portfolio and since go-live", "By customer", "Value to each stakeholder group"),
    ),
    (
        "services",
        "se_closer",
        (
            "Skills behind the shortfall",
            "Demand per month",
            "Satisfaction per service",
            "What customers value and pay for",
            "Who uses which service",
            "Gaps in the menu",
        ),
    ),
]
