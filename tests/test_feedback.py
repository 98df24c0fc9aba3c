"""Feedback analytics on hand-built data: NPS/CSAT/effort and their intervals, 1-10 answers
kept out of NPS, breakdowns, trends, access scoping, and the real R survey end to end."""

from datetime import date

import pandas as pd
import pytest
from conftest import real_file

from pmo_data.analytics.feedback import scores as fb
from pmo_data.store.access import Viewer

EXEC = Viewer("executive")


def responses(nps, customer="C-1", day="2026-01-15", csat=None, scale="0-10", start=0):
    n = len(nps)
    return pd.DataFrame(
        {
            "response_id": [f"R-{start + i:06d}" for i in range(n)],
            "date": pd.to_datetime([day] * n),
            "customer_id": customer,
            "nps": [float(x) for x in nps],
            "csat": [None if x is None else float(x) for x in (csat or [None] * n)],
            "nps_scale": scale,
        }
    )


def test_nps_interval_by_hand():
    # 5 promoters, 3 passives, 2 detractors: NPS 30; var = 0.7 - 0.09 = 0.61
    score, lo, hi = fb.nps_interval(5, 2, 10)
    assert score == pytest.approx(30)
    margin = 100 * 1.959964 * (0.61 / 10) ** 0.5
    assert lo == pytest.approx(30 - margin, abs=1e-3) and hi == pytest.approx(30 + margin, abs=1e-3)
    assert fb.nps_interval(10, 0, 10) == (100, 100, 100)


def test_wilson_by_hand():
    p, lo, hi = fb.wilson(8, 10)
    assert (
        p == 0.8 and lo == pytest.approx(0.4902, abs=1e-4) and hi == pytest.approx(0.9433, abs=1e-4)
    )
    assert all(x != x for x in fb.wilson(0, 0))


def test_summary_counts_and_excludes_one_to_ten(store):
    zero_ten = responses([10, 9, 9, 9, 10, 7, 8, 8, 3, 0], csat=[5, 5, 4, 4, 4, 4, 3, 3, 2, 1])
    one_ten = responses([10, 1, 5], scale="1-10", start=100)
    store.write_version({"feedback": pd.concat([zero_ten, one_ten])})
    s = fb.summary(store, EXEC)
    assert s["nps_n"] == 10 and s["nps"] == pytest.approx(30)
    assert s["nps_excluded"] == 3 and s["nps_1_10_mean"] == pytest.approx(16 / 3)
    assert s["csat_n"] == 10 and s["csat"] == pytest.approx(0.6)
    assert s["small"]  # n < 30 flagged


def test_trend_and_breakdown(store):
    a = responses([10] * 4, customer="C-1", day="2026-01-10")
    b = responses([0] * 2, customer="C-2", day="2026-05-10", start=10)
    customers = pd.DataFrame(
        {"customer_id": ["C-1", "C-2"], "name": ["Acme", "Bolt"], "segment": ["Retail", "Health"]}
    )
    store.write_version({"feedback": pd.concat([a, b]), "customers": customers})
    t = fb.trend(store, EXEC, period="quarter")
    assert t["nps"].tolist() == [100, -100] and t["nps_n"].tolist() == [4, 2]
    by = fb.breakdown(store, EXEC, by="segment").set_index("label")
    assert by.loc["Retail", "nps"] == 100 and by.loc["Health", "responses"] == 2
    assert set(fb.breakdown(store, EXEC, by="customer")["label"]) == {"Acme", "Bolt"}


def test_falling_customers(store):
    before = responses([10] * 6, customer="C-1", day="2025-09-01")
    recent = responses([0] * 6, customer="C-1", day="2026-04-01", start=10)
    steady = pd.concat(
        [
            responses([9] * 6, "C-2", "2025-09-01", start=20),
            responses([9] * 6, "C-2", "2026-04-01", start=30),
        ]
    )
    store.write_version({"feedback": pd.concat([before, recent, steady])})
    df = fb.falling_customers(store, EXEC)
    assert df["customer_id"].tolist() == ["C-1"] and df["change"].iloc[0] == -200
    assert df["first_low"].iloc[0].date() == date(2026, 4, 1)


def test_account_lead_sees_only_their_customers(store):
    customers = pd.DataFrame(
        {"customer_id": ["C-1", "C-2"], "name": ["Mine", "Theirs"], "account_lead": ["Ann", "Bob"]}
    )
    fbk = pd.concat([responses([10] * 3, "C-1"), responses([0] * 5, "C-2", start=10)])
    store.write_version({"feedback": fbk, "customers": customers})
    ann = Viewer("account_lead", "Ann")
    assert fb.summary(store, ann)["nps_n"] == 3
    assert fb.breakdown(store, ann, by="customer")["label"].tolist() == ["Mine"]


@pytest.mark.real
def test_real_r_survey_end_to_end(store):
    importer = pytest.importorskip("pmo_data.ingest.importer")
    importer.import_files([real_file("2019 English R Community Survey Responses.xlsx")], store)
    s = fb.summary(store, EXEC)
    assert s["responses"] > 1000
    assert s["nps_n"] == 0 and s["nps_excluded"] > 1000  # 1-10 scale: never mixed into NPS
    assert 1 <= s["nps_1_10_mean"] <= 10
    t = fb.trend(store, EXEC, period="month")
    assert t["nps"].isna().all() and t["nps_excluded"].sum() == s["nps_excluded"]
    from pmo_data.analytics.feedback import themes

    m = themes.model(store)
    assert m["distinct"] >= 0  # runs end to end whatever the comments are
    assert isinstance(themes.drivers(store, EXEC), pd.DataFrame)
