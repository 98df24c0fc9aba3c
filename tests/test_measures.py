"""Every measure is declared once in `pmo_data/measures.py`; nothing else writes its expression."""

import math
import re
from pathlib import Path

import pytest

from pmo_data import measures as m

ROOT = Path(__file__).resolve().parents[1]

# The tell-tale fragments of each measure's definition, as someone would write them by hand.
HAND_WRITTEN = {
    "NPS row score": r"nps\s*>=\s*9|nps\s*<=\s*6|x\s*>=\s*9\b",
    "valid NPS filter": r"nps_scale,\s*'0-10'\)\s*<>\s*'1-10'",
    "open action": r"'Open',\s*'In progress'",
    "satisfied CSAT": r"csat\s*>=\s*4",
    "red project": r"rag\s*=\s*'Red'",
    "slipping": r"forecast_end_date\s*>\s*(\w+\.)?end_date",
    "default cadence": r"contact_cadence_days,\s*90|DEFAULT_CADENCE\s*=\s*90",
    "small sample": r"SMALL_N\s*=\s*\d+|threshold:\s*int\s*=\s*30",
}


def _sources():
    for path in (ROOT / "pmo_data").rglob("*.py"):
        if path.name == "measures.py" or "demo" in path.parts:
            continue
        yield path, path.read_text()


@pytest.mark.parametrize("what", sorted(HAND_WRITTEN))
def test_measure_written_only_in_measures(what):
    offenders = [
        f"{p.relative_to(ROOT)}:{text[: mt.start()].count(chr(10)) + 1}"
        for p, text in _sources()
        for mt in re.finditer(HAND_WRITTEN[what], text)
    ]
    assert offenders == [], f"{what} written outside measures.py: use pmo_data.measures"


def test_hand_written_patterns_do_match_the_declarations():
    """The guard above would be blind if its patterns did not match the real expressions."""
    assert re.search(HAND_WRITTEN["NPS row score"], m.NPS_POINTS.sql)
    assert re.search(HAND_WRITTEN["valid NPS filter"], m.VALID_NPS.sql)
    assert re.search(HAND_WRITTEN["open action"], m.OPEN_ACTION.sql)
    assert re.search(HAND_WRITTEN["satisfied CSAT"], m.CSAT_SATISFIED.sql)
    assert re.search(HAND_WRITTEN["red project"], m.RED.sql)
    assert re.search(HAND_WRITTEN["slipping"], m.SLIPPING.sql)


def test_every_measure_is_declared_whole():
    keys = [x.key for x in m.MEASURES]
    assert len(keys) == len(set(keys))
    for x in m.MEASURES:
        assert x.label and x.help and x.entity, x.key
        assert "{t}" in x.template, f"{x.key} cannot be qualified by a table alias"
        assert "f." in x.on("f") and "{" not in x.on("f")


def test_measures_run_in_duckdb():
    import duckdb

    con = duckdb.connect()
    con.execute(
        "CREATE TABLE feedback AS SELECT * FROM (VALUES (10, NULL, 5, 2), (8, '0-10', 3, 4), "
        "(3, NULL, 4, 1), (7, '1-10', 1, 5)) t(nps, nps_scale, csat, effort_score)"
    )
    row = con.execute(
        f"SELECT avg({m.NPS_POINTS}) FILTER ({m.VALID_NPS}), count(*) FILTER ({m.VALID_NPS}), "
        f"avg(CASE WHEN {m.CSAT_SATISFIED} THEN 1 ELSE 0 END) FROM feedback"
    ).fetchone()
    assert row[0] == pytest.approx(0.0) and row[1] == 3 and row[2] == pytest.approx(0.5)


def test_python_row_score_agrees_with_sql():
    assert [m.nps_points(x) for x in (10, 9, 8, 7, 6, 0)] == [100, 100, 0, 0, -100, -100]
    assert math.isnan(m.nps_points(None)) and math.isnan(m.nps_points(float("nan")))


def test_nps_interval_is_clipped_and_symmetric_inside():
    score, lo, hi = m.nps_interval(5, 2, 10)
    assert score == pytest.approx(30) and lo < 30 < hi and hi - 30 == pytest.approx(30 - lo)
    assert m.nps_interval(10, 0, 10) == (100, 100, 100)
    assert all(math.isnan(x) for x in m.nps_interval(0, 0, 0))


def test_format():
    assert m.NPS_POINTS.format(12.4) == "+12"
    assert m.CSAT_SATISFIED.format(None) == "–"
