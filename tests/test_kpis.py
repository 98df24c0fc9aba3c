"""Headline KPIs: hand-computed on a tiny store, scoped, and comparable across versions."""

import pandas as pd
import pytest

from pmo_data import kpis
from pmo_data.access import Viewer
from pmo_data.store import Store


@pytest.fixture
def store():
    s = Store(":memory:")
    s.write_version(
        {
            "projects": pd.DataFrame(
                {
                    "project_id": ["P1", "P2", "P3"],
                    "name": ["a", "b", "c"],
                    "rag": ["Red", "Green", "Amber"],
                    "budget": [100.0, 200.0, 100.0],
                    "forecast_cost": [150.0, 200.0, None],
                    "sponsor": ["Ann", "Bob", "Bob"],
                    "portfolio": ["X", "X", "Y"],
                }
            ),
            "feedback": pd.DataFrame(
                {
                    "response_id": ["R1", "R2", "R3", "R4", "R5"],
                    "date": pd.to_datetime(["2026-01-05"] * 5),
                    "project_id": ["P1", "P1", "P2", "P2", "P3"],
                    "nps": [10.0, 9.0, 7.0, 3.0, 0.0],
                    "csat": [5.0, 4.0, 3.0, 2.0, None],
                    "nps_scale": ["0-10"] * 4 + ["1-10"],
                }
            ),
        }
    )
    return s


def test_headline_by_hand(store):
    h = kpis.headline(store, Viewer())
    assert (h.projects, h.red, h.amber, h.green) == (3, 1, 1, 1)
    assert h.budget == 400 and h.forecast == 450  # a missing forecast counts as its budget
    assert h.forecast_variance == pytest.approx(0.125)
    # NPS over the four 0-10 answers: 2 promoters, 1 passive, 1 detractor -> 25; one 1-10 left out
    assert h.nps == pytest.approx(25.0) and h.nps_n == 4 and h.nps_excluded == 1
    assert h.csat == pytest.approx(0.5) and h.csat_n == 4


def test_headline_is_scoped(store):
    h = kpis.headline(store, Viewer("sponsor", "Ann"))
    assert h.projects == 1 and h.red == 1 and h.nps_n == 2 and h.nps == pytest.approx(100.0)


def test_previous_version_gives_the_delta(store):
    store.write_version(
        {
            "projects": pd.DataFrame(
                {
                    "project_id": ["P1", "P2", "P3"],
                    "name": ["a", "b", "c"],
                    "rag": ["Red", "Red", "Amber"],
                    "budget": [100.0, 200.0, 100.0],
                }
            )
        }
    )
    now = kpis.headline(store, Viewer())
    before = kpis.headline(store, Viewer(), version=store.previous_version())
    assert now.red - before.red == 1
    assert now.nps == before.nps  # feedback unchanged between the versions


def test_trend_and_portfolio(store):
    trend = kpis.nps_trend(store, Viewer())
    assert trend["n"].tolist() == [4] and trend["nps"].iloc[0] == pytest.approx(25.0)
    rag = kpis.rag_by_portfolio(store, Viewer())
    assert rag.groupby("portfolio")["projects"].sum().to_dict() == {"X": 2, "Y": 1}
