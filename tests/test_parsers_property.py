"""Property: any cell, of any type, in any column of any entity, in xlsx or csv, either loads
or is refused with a message; nothing ever raises, and a refused import changes nothing.

Cells are drawn from every shape real exports hold: text (emoji, control characters, very long
strings), numbers (huge, negative, fractional), dates with and without zones, booleans,
spreadsheet errors and placeholders. Bounded examples (CI), no deadline (the first example
warms DuckDB).
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone

import openpyxl
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pmo_data.ingest import importer, values
from pmo_data.schema import ENTITIES
from pmo_data.store.versions import Store

ZONES = [UTC, timezone(timedelta(hours=2)), timezone(timedelta(hours=-5, minutes=-30))]
ERRORS = ["#N/A", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#NULL!", "N/A", "TBC", "-"]
TZ_TEXT = ["2014-10-11T04:38:57.88Z", "2023-03-26T01:30:00+01:00", "2020-02-29 23:59:59-0800"]

naive = st.datetimes(min_value=datetime(1800, 1, 1), max_value=datetime(2200, 12, 31))
aware = st.datetimes(
    min_value=datetime(1900, 1, 2),
    max_value=datetime(2100, 12, 30),
    timezones=st.sampled_from(ZONES),
)
cells = st.one_of(
    st.none(),
    st.text(max_size=30),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=12),  # any code point, incl. controls
    st.sampled_from(["😀 great", "🔴", "\x00\x07\x1b", "\u202e\ufeff", "line\nbreak\r\n", " "]),
    st.text(min_size=1, max_size=3).map(lambda s: s * 4000),  # very long
    st.integers(min_value=-(10**15), max_value=10**15),
    st.floats(allow_nan=False, allow_infinity=False, width=64),
    st.booleans(),
    naive,
    st.dates(min_value=date(1800, 1, 1), max_value=date(2200, 12, 31)),
    aware,
    aware.map(lambda d: d.isoformat()),
    st.sampled_from(TZ_TEXT + ERRORS + ["1,200.50", "£1.2m", "85%", "1.200,50 EUR", "R/A"]),
)


def _xlsx_value(v):
    """What a real spreadsheet can hold: zones are written as text (Excel has none)."""
    if isinstance(v, datetime) and v.tzinfo is not None:
        return v.isoformat()
    if isinstance(v, str):
        v = openpyxl.cell.cell.ILLEGAL_CHARACTERS_RE.sub("", v)
        return v[:32767]
    return v


def _xlsx(headers, rows) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(headers)
    for r in rows:
        ws.append([_xlsx_value(v) for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _csv(headers, rows) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(headers)
    for r in rows:
        w.writerow(["" if v is None else v for v in r])
    return buf.getvalue().encode("utf-8", errors="surrogatepass")


@st.composite
def uploads(draw):
    name = draw(st.sampled_from(sorted(ENTITIES)))
    e = ENTITIES[name]
    headers = [c.name for c in e.columns]
    n = draw(st.integers(1, 4))
    rows = [[draw(cells) for _ in headers] for _ in range(n)]
    kind = draw(st.sampled_from(["xlsx", "csv"]))
    data = _xlsx(headers, rows) if kind == "xlsx" else _csv(headers, rows)
    return name, f"{name}.{kind}", data


@pytest.fixture(scope="module")
def seeded():
    """One store with a version already in it, shared by every example (each example checks
    the store against its own 'before')."""
    s = Store(":memory:")
    seed = {
        "projects": [["project_id", "name"], ["P-1", "Seed project"]],
        "customers": [["customer_id", "name"], ["C-1", "Seed customer"]],
    }
    for name, rows in seed.items():
        buf = io.StringIO()
        csv.writer(buf).writerows(rows)
        importer.import_files([(f"{name}.csv", buf.getvalue().encode())], s)
    yield s
    s.close()


PARSERS = {
    "text": values.parse_text,
    "number": values.parse_numbers,
    "money": lambda s: values.parse_numbers(s, kind="money", multiplier=1e6),
    "percent": lambda s: values.parse_numbers(s, kind="percent"),
    "rating": lambda s: values.parse_scale(s, lo=1, hi=5),
    "nps": lambda s: values.parse_scale(s, lo=0, hi=10),
    "rag": values.parse_rag,
    "date": values.parse_dates,
}


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(sorted(PARSERS)), cells_=st.lists(cells, min_size=1, max_size=8))
def test_every_parser_reads_or_reports_every_cell(kind, cells_):
    """As one object column (a CSV, a mixed Excel column) and as pandas infers it (typed)."""
    for series in (pd.Series(cells_, dtype="object"), pd.Series(cells_)):
        parsed = PARSERS[kind](series)
        assert len(parsed.values) == len(series)
        assert list(parsed.values.index) == list(series.index)
        flagged = {p.index for p in parsed.problems}
        assert all(p.message for p in parsed.problems)
        for i, v in series.items():
            blank = not v.strip() if isinstance(v, str) else pd.isna(v)
            if not blank and pd.isna(parsed.values[i]) and kind != "text":
                assert i in flagged, (kind, v)  # nothing is lost silently


@pytest.mark.filterwarnings("ignore")
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
    ],
)
@given(upload=uploads(), accept=st.booleans())
def test_any_cell_loads_or_is_refused_with_a_message(seeded, upload, accept):
    name, filename, data = upload
    store = seeded
    before = (store.current_version(), store.counts())
    plan = importer.plan([(filename, data)], store)
    internal = plan.report.issues[plan.report.issues["rule"] == "internal"]
    assert internal.empty, internal["message"].tolist()
    try:
        version = importer.apply(plan, store, accept_rejected=accept)
    except importer.ImportBlocked as exc:
        assert str(exc).strip()
        assert (store.current_version(), store.counts()) == before
        return
    assert version == before[0] + 1
    assert store.counts()[name] == plan.effects[name].after  # in the proposed mode
    assert not (plan.has_errors and not accept)


def test_zoned_timestamps_from_api_tools_load_as_local_wall_time(store):
    data = (
        "Response ID,Date,NPS\n"
        "r1,2014-10-11T04:38:57.88Z,9\n"
        "r2,2014-10-12T23:30:00+02:00,7\n"
        "r3,2014-10-13 08:00:00 -0800,3\n"
        "r4,2014-10-14,10\n"
    )
    plan = importer.import_files([("api.csv", data.encode())], store)
    assert not plan.has_errors
    fb = store.frame("feedback").sort_values("response_id")
    assert [str(d)[:16] for d in fb["date"]] == [
        "2014-10-11 00:00",
        "2014-10-12 00:00",
        "2014-10-13 00:00",
        "2014-10-14 00:00",
    ]
