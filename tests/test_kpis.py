"""Overview metrics and charts: hand-computed on a tiny store, scoped, comparable across versions."""

import pandas as pd
import pytest

from pmo_data.analytics.overview import metrics as overview
from pmo_data.analytics.overview import trends as kpis
from pmo_data.store.access import Viewer
from pmo_data.store.versions import Store


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


def _m(store, viewer, version=None) -> dict:
    return {m.key: m for m in overview.metrics(store, viewer, version=version)}


def test_executive_metrics_by_hand(store):
    m = _m(store, Viewer())
    assert m["red"].value == 1 and m["red"].help == "1 Amber of 3"
    # a missing forecast counts as its budget: (150 + 200 + 100 - 400) / 400
    assert m["variance"].value == pytest.approx(0.125)
    # NPS over the four 0-10 answers: 2 promoters, 1 passive, 1 detractor -> 25; 1-10 left out
    assert m["nps"].value == pytest.approx(25.0) and m["nps"].help.startswith("n = 4 ")


def test_metrics_are_scoped(store):
    m = _m(store, Viewer("sponsor", "Ann"))
    assert m["projects"].value == 1 and m["red_amber"].value == 1


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
    now, before = _m(store, Viewer()), _m(store, Viewer(), version=store.previous_version())
    assert now["red"].delta(before["red"]) == "+1"
    assert now["nps"].value == before["nps"].value  # feedback unchanged between the versions


def test_trend_and_portfolio(store):
    trend = kpis.nps_trend(store, Viewer())
    assert trend["n"].tolist() == [4] and trend["nps"].iloc[0] == pytest.approx(25.0)
    rag = kpis.rag_by_portfolio(store, Viewer())
    assert rag.groupby("portfolio")["projects"].sum().to_dict() == {"X": 2, "Y": 1}
