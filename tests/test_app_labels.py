"""Every table and chart on every page, for every stakeholder group, reads like a report, not a
database. Tables:
human column labels (never a raw snake_case or lowercase column name), empty cells shown as a
dash (never "None" or "nan"), numbers with a declared format (no float noise, one precision
per measure), no bare row index. Charts: a title, a legend that cannot sit on an axis title,
a title on every value axis.

Inspects what the app sends to the browser: each dataframe element's column configuration
(label, format, hidden), its placeholder for missing values and its cells.
"""

from __future__ import annotations

import io
import json
import re

import pandas as pd
import pytest

from pmo_data.demo.generate import load_demo
from pmo_data.store.access import GROUPS
from pmo_data.store.versions import Store
from pmo_data.ui.navigation import PAGE_NAMES
from tests.apptest_support import app as open_app

pytestmark = pytest.mark.app

RAW = re.compile(r"[a-z][a-z0-9_]*")  # `nps`, `stage`, `days_waiting`: a column's own name
SHORT_LABELS = {"n"}  # the sample size, written as statisticians do
MISSING_TEXT = {"None", "none", "nan", "NaN", "NaT", "<NA>", "null"}
FLOAT_NOISE = re.compile(r"-?\d+\.\d{4,}")  # 687347.8231858693 in a text cell


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("labels") / "pmo.duckdb"
    store = Store(path)
    load_demo(store, scale=0.2)
    store.close()
    return str(path)


def problems(element, where: str) -> list[str]:
    """What is wrong with one dataframe element, as readable lines (empty when it is fine)."""
    proto, df = element.proto, element.value
    df = getattr(df, "data", df)  # a Styler's frame
    cfg = json.loads(proto.columns) if proto.columns else {}
    out = []
    index_cfg = cfg.get("_index", {})
    if not index_cfg.get("hidden") and not isinstance(df.index, pd.RangeIndex | pd.MultiIndex):
        pass  # a named, meaningful index is shown as a first column: its label is checked below
    elif not index_cfg.get("hidden"):
        out.append(f"{where}: shows a bare row index (hide_index=True)")
    shown = list(proto.column_order) or [str(c) for c in df.columns]
    for col in shown:
        c = cfg.get(col, {})
        if c.get("hidden") or col not in df.columns:
            continue
        label = c.get("label") or col
        if (RAW.fullmatch(label) and label not in SHORT_LABELS) or "_" in label:
            out.append(f"{where}: column {col!r} is labelled {label!r}")
        values = df[col]
        kind = c.get("type_config", {}).get("type")
        formatted = c.get("type_config", {}).get("format") or kind in ("progress", "checkbox")
        if pd.api.types.is_float_dtype(values) and not formatted:
            out.append(f"{where}: float column {label!r} has no declared format")
        if values.isna().any() and proto.placeholder != "–":
            out.append(f"{where}: column {label!r} has empty cells but no dash placeholder")
        text = values[values.map(lambda v: isinstance(v, str))].astype(str)
        if text.isin(MISSING_TEXT).any():
            out.append(f"{where}: column {label!r} shows 'None'/'nan' as text")
        if text.str.fullmatch(FLOAT_NOISE.pattern).any():
            sample = text[text.str.fullmatch(FLOAT_NOISE.pattern)].iloc[0]
            out.append(f"{where}: column {label!r} shows unformatted numbers ({sample})")
    return out


def _title(obj) -> str:
    t = (obj or {}).get("title")
    return (t.get("text") if isinstance(t, dict) else t) or ""


def _numeric(values) -> bool:
    if isinstance(values, dict):  # a typed array (plotly's bdata)
        return True
    return bool(values) and all(isinstance(v, int | float) for v in values[:20])


def chart_problems(spec: dict, where: str) -> list[str]:
    """A chart without a title, with a legend that can sit on an axis title, or whose value
    axis has no title (the unit lives there)."""
    layout, data = spec.get("layout", {}), spec.get("data", [])
    if not data:  # an empty figure that says why it is empty
        return []
    out = []
    name = _title(layout) or "untitled chart"
    if not _title(layout):
        out.append(f"{where}: a chart has no title")
    shown = [t for t in data if t.get("name") and t.get("showlegend") is not False]
    if len(shown) > 1 and layout.get("showlegend") is not False:
        legend = layout.get("legend", {})
        if legend.get("y", 1.02) < 1 or legend.get("yanchor") not in ("bottom", None):
            out.append(f"{where}: {name!r} has its legend over the plot or its axis titles")
    for t in data:
        if t.get("type", "scatter") not in ("bar", "scatter"):
            continue
        axes = []
        if t.get("type") == "bar":
            axes = ["xaxis" if t.get("orientation") == "h" else "yaxis"]
        else:
            axes = [a for a, v in (("xaxis", t.get("x")), ("yaxis", t.get("y"))) if _numeric(v)]
        for axis in axes:
            if layout.get(axis, {}).get("visible") is False:
                continue
            if not _title(layout.get(axis)):
                out.append(f"{where}: {name!r} has no title on its {axis[0]} axis")
    return out


def page_problems(at, where: str) -> list[str]:
    assert not at.exception, [e.value for e in at.exception]
    out = []
    for i, element in enumerate(at.dataframe):
        out += problems(element, f"{where} table {i + 1}")
    for element in at.get("plotly_chart"):
        out += chart_problems(json.loads(element.proto.spec), where)
    return sorted(set(out))


@pytest.mark.parametrize("group", list(GROUPS))
def test_every_table_on_every_page_reads_like_a_report(monkeypatch, demo_db, group):
    at = open_app(monkeypatch, demo_db, group)
    at.run()
    found = []
    for page in PAGE_NAMES:
        at.switch_page(f"views/{page}.py").run()
        found += page_problems(at, f"{page} ({group})")
    assert not found, "\n".join(found)


def test_project_detail_tables_read_like_a_report(monkeypatch, demo_db):
    at = open_app(monkeypatch, demo_db, "executive", project="P-0003")
    at.run()
    at.switch_page("views/portfolio.py").run()
    assert any("P-0003" in s.value.replace("\\", "") for s in at.subheader)  # md-escaped
    found = page_problems(at, "project detail")
    assert not found, "\n".join(found)


def test_the_chart_check_catches_a_bad_chart():
    bad = {
        "data": [
            {"type": "bar", "name": "Red", "y": [1]},
            {"type": "bar", "name": "Green", "y": [2]},
        ],
        "layout": {"legend": {"y": -0.12, "yanchor": "top"}},
    }
    found = chart_problems(bad, "p")
    assert any("no title" in f and "chart" in f for f in found)
    assert any("legend" in f for f in found)
    assert any("y axis" in f for f in found)
    good = {
        **bad,
        "layout": {
            "title": {"text": "RAG"},
            "legend": {"y": 1.0, "yanchor": "bottom"},
            "yaxis": {"title": {"text": "Projects"}},
        },
    }
    assert chart_problems(good, "p") == []


def test_the_check_catches_raw_names_and_none(monkeypatch, tmp_path):
    """The inspection itself fails on a table that shows raw names, 'None' and float noise."""

    class Element:
        def __init__(self, df, columns="", placeholder=""):
            self.value = df
            self.proto = type(
                "P",
                (),
                {"columns": columns, "column_order": [], "placeholder": placeholder},
            )()

    bad = pd.DataFrame({"days_waiting": [1.23456789, None], "stage": ["None", "x"]})
    found = problems(Element(bad), "t")
    assert any("'days_waiting'" in f for f in found)
    assert any("'stage'" in f and "labelled" in f for f in found)
    assert any("'None'" in f for f in found)
    assert any("no declared format" in f for f in found)
    assert any("bare row index" in f for f in found)
    good = Element(
        bad.assign(stage=["Open", "Done"]),
        json.dumps(
            {
                "_index": {"hidden": True},
                "days_waiting": {"label": "Waiting (days)", "type_config": {"format": "%d"}},
                "stage": {"label": "Stage"},
            }
        ),
        "–",
    )
    assert problems(good, "t") == []


def _upload_workbook() -> bytes:
    """Projects with every kind of finding (an error, warnings, a changed and a new row, an
    unknown column) and a notes sheet the importer leaves out."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Projects"
    ws.append(["Project ID", "Project Name", "RAG", "Budget", "Go live", "Our own column"])
    ws.append(["P-0001", "Renamed in the export", "Red", "GBP 1,200", "2026-01-31", "kept"])
    ws.append(["NEW-1", "A new project", "Amber", "not money", "31/13/2026", None])
    ws.append(["NEW-2", None, "Green", 5000, None, "x"])  # no name: rejected
    notes = wb.create_sheet("Notes")
    notes.append(["Read me: this workbook was exported on Monday by the PMO."])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_data_page_after_an_upload_reads_like_a_report(monkeypatch, demo_db):
    """The upload's tables (mapping editor, validation report per entity, issues, the import's
    effect and its examples) have human labels, formats and dashes like every other table."""
    at = open_app(monkeypatch, demo_db, "pmo_analyst")
    at.run()
    at.switch_page("views/data.py").run()
    at.file_uploader(key="upload").set_value(
        ("export.xlsx", _upload_workbook(), "application/octet-stream")
    )
    at.run()
    shown = [d for d in at.dataframe]
    columns = {c for d in shown for c in getattr(d.value, "data", d.value).columns}
    # the sections this test is about are there: per-entity counts, issues, effect, mapping
    assert {"rows_read", "message", "after", "header"} <= columns, columns
    found = page_problems(at, "data page after an upload")
    assert not found, "\n".join(found)
