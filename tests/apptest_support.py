"""Shared AppTest helpers: open the app as a viewer on a given store, and read what it shows.

Each store state gets its own PMO_DB path because the store is cached per path per process.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

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
