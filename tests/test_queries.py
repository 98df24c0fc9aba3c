"""Scoped reads: each stakeholder group sees exactly its rows; filters narrow them."""

from datetime import date

import pandas as pd
import pytest

from pmo_data.store.access import Viewer
from pmo_data.store.scope import NO_FILTERS, Filters, count, frame, people
from pmo_data.store.versions import Store


@pytest.fixture(scope="module")
def store():
    s = Store(":memory:")
    s.write_version(
        {
            "projects": pd.DataFrame(
                {
                    "project_id": ["P1", "P2", "P3"],
                    "name": ["a", "b", "c"],
                    "sponsor": ["Ann", "Bob", "Ann"],
                    "project_manager": ["Pat", "Pat", "Quinn"],
                    "customer_id": ["C1", "C2", "C3"],
                    "service_id": ["S1", "S2", "S1"],
                    "portfolio": ["X", "Y", "X"],
                }
            ),
            "customers": pd.DataFrame(
                {
                    "customer_id": ["C1", "C2", "C3"],
                    "name": ["c1", "c2", "c3"],
                    "account_lead": ["Lee", "Lee", "Kim"],
                }
            ),
            "services": pd.DataFrame(
                {"service_id": ["S1", "S2"], "name": ["s1", "s2"], "owner": ["Owen", "Sue"]}
            ),
            "feedback": pd.DataFrame(
                {
                    "response_id": ["R1", "R2", "R3"],
                    "date": pd.to_datetime(["2024-01-01", "2025-01-01", "2025-06-01"]),
                    "customer_id": ["C1", "C2", "C3"],
                    "project_id": ["P1", None, "P3"],
                    "service_id": ["S1", "S2", None],
                }
            ),
            "actions": pd.DataFrame(
                {
                    "action_id": ["A1", "A2"],
                    "title": ["t", "u"],
                    "customer_id": ["C3", None],
                    "project_id": [None, "P2"],
                }
            ),
            "savings": pd.DataFrame({"saving_id": ["V1"], "project_id": ["P2"]}),
        }
    )
    return s


def ids(store, entity, viewer, filters=NO_FILTERS):
    return sorted(frame(store, entity, viewer, filters).iloc[:, 0])


@pytest.mark.parametrize(
    "viewer, expected",
    [
        (Viewer("executive"), {"projects": ["P1", "P2", "P3"], "feedback": ["R1", "R2", "R3"]}),
        (
            Viewer("sponsor", "Ann"),
            {
                "projects": ["P1", "P3"],
                "customers": ["C1", "C3"],
                "feedback": ["R1", "R3"],
                "savings": [],
            },
        ),
        (
            Viewer("project_manager", "Pat"),
            {"projects": ["P1", "P2"], "actions": ["A2"], "savings": ["V1"]},
        ),
        (
            Viewer("account_lead", "Lee"),
            {
                "customers": ["C1", "C2"],
                "projects": ["P1", "P2"],
                "feedback": ["R1", "R2"],
                "actions": ["A2"],
            },
        ),
        (
            Viewer("service_owner", "Owen"),
            {
                "services": ["S1"],
                "projects": ["P1", "P3"],
                "feedback": ["R1"],
                "customers": ["C1", "C3"],
            },
        ),
        (Viewer("sponsor"), {"projects": [], "customers": [], "feedback": []}),
    ],
)
def test_scope_per_group(store, viewer, expected):
    for entity, want in expected.items():
        assert ids(store, entity, viewer) == want, (viewer, entity)


def test_filters(store):
    everyone = Viewer("executive")
    assert count(store, "feedback", everyone, Filters(date_from=date(2025, 1, 1))) == 2
    assert ids(store, "projects", everyone, Filters(portfolio="X")) == ["P1", "P3"]
    assert ids(store, "feedback", everyone, Filters(portfolio="X")) == ["R1", "R3"]
    assert ids(store, "savings", everyone, Filters(customer="C2")) == ["V1"]
    assert ids(store, "feedback", everyone, Filters(service="S2")) == ["R2"]


def test_filters_never_widen_scope(store):
    ann = Viewer("sponsor", "Ann")
    assert ids(store, "projects", ann, Filters(customer="C2")) == []


def test_people_lists(store):
    assert people(store, "sponsor") == ["Ann", "Bob"]
    assert people(store, "account_lead") == ["Kim", "Lee"]
    assert people(store, "executive") == []


def test_injection_is_inert(store):
    evil = Viewer("sponsor", "Ann' OR '1'='1")
    assert ids(store, "projects", evil) == []
