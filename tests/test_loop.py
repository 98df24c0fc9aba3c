"""Closing the loop: difference in differences by hand, verdicts, detractor follow-up."""

from datetime import date

import pandas as pd
import pytest

from pmo_data.analytics.feedback import loop
from pmo_data.store.access import Viewer

EXEC = Viewer("executive")


def test_did_by_hand():
    # treated 0 -> 50 (n 40 each), control 10 -> 20: DiD 40
    cells = {
        "tp": (40, 0.0, 40 * 100.0),
        "tq": (40, 2000.0, 2000 * 50 + 40 * 100),
        "cp": (40, 400.0, 400 * 10 + 40 * 100),
        "cq": (40, 800.0, 800 * 20 + 40 * 100),
    }
    est, lo, hi = loop.did(cells)
    assert est == pytest.approx(40)
    se = (4 * 100 / 40) ** 0.5  # each cell variance 100 (39-denominator aside)
    assert hi - lo == pytest.approx(2 * 1.96 * se * (40 / 39) ** 0.5, rel=1e-3)
    assert loop.did({**cells, "tp": (1, 0.0, 0.0)})[0] != loop.did(cells)[0]  # n<2 -> NaN


def _fb(customer, day, nps, n, start):
    return pd.DataFrame(
        {
            "response_id": [f"R-{start + i:06d}" for i in range(n)],
            "date": pd.to_datetime([day] * n),
            "customer_id": customer,
            "nps": float(nps),
            "csat": 3.0,
            "nps_scale": "0-10",
        }
    )


def build(store, n=40):
    fb = pd.concat(
        [
            _fb("C-1", "2026-01-01", 0, n, 0),  # affected: detractors before
            _fb("C-1", "2026-03-01", 10, n, 1000),  # promoters after
            _fb("C-2", "2026-01-01", 8, n, 2000),  # control flat (passives)
            _fb("C-2", "2026-03-01", 8, n, 3000),
        ]
    )
    actions = pd.DataFrame(
        {
            "action_id": ["A-1", "A-2"],
            "title": ["Weekly call", "Still open"],
            "customer_id": ["C-1", "C-2"],
            "source": ["R-000001 (communication)", "reporting"],
            "status": ["Done", "Open"],
            "raised_date": pd.to_datetime(["2026-01-05", "2026-01-05"]),
            "due_date": pd.to_datetime(["2026-02-01", "2026-02-01"]),
            "closed_date": pd.to_datetime(["2026-02-01", None]),
        }
    )
    store.write_version({"feedback": fb, "actions": actions})


def test_did_it_work_improved(store):
    build(store)
    df = loop.did_it_work(store, EXEC, window=90)
    row = df.set_index("event_id").loc["A-1"]
    assert (row["n_tp"], row["n_tq"], row["n_cp"], row["n_cq"]) == (40, 40, 40, 40)
    assert row["did"] == pytest.approx(200) and row["verdict"].startswith("Improved by 200")


def test_thin_data_gets_no_verdict(store):
    build(store, n=10)
    row = loop.did_it_work(store, EXEC).iloc[0]
    assert row["verdict"].startswith("Too little data for a verdict")
    assert loop.pooled(loop.did_it_work(store, EXEC))["verdict"].startswith("Too little")


def test_actions_status_and_time_to_close(store):
    build(store)
    a = loop.actions(store, EXEC, as_of=date(2026, 3, 1)).set_index("action_id")
    assert a.loc["A-1", "responses"] == "R-000001" and a.loc["A-1", "theme"] == "communication"
    assert a.loc["A-2", "theme"] == "reporting" and a.loc["A-2", "days_overdue"] == 28
    board = loop.status_board(store, EXEC).set_index("status")["actions"]
    assert board.to_dict() == {"Open": 1, "Done": 1}
    ttc = loop.time_to_close(store, EXEC)
    assert ttc["n"] == 1 and ttc["median"] == 27


def test_unanswered_detractors(store):
    build(store)
    u = loop.unanswered_detractors(store, EXEC, days=30, as_of=date(2026, 6, 1))
    # C-1 detractors on 1 Jan: A-1 was raised on 5 Jan for C-1, so all are followed up
    assert u["missed"] == 0 and u["pending"] == 0
    u = loop.unanswered_detractors(store, EXEC, days=3, as_of=date(2026, 6, 1))
    assert u["missed"] == 39  # R-000001 is named in A-1's source; the rest waited > 3 days
