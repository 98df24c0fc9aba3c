"""Estimators on hand-computed inputs: formulas, defaults from capacity and demand,
validation messages naming row and column, versioned sets and the modelled ledger lines."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest

from pmo_data.analytics.savings import estimators as est
from pmo_data.analytics.savings import ledger as savings
from pmo_data.store.access import Viewer
from pmo_data.store.scope import Filters
from tests.savings_fixtures import load

EXEC = Viewer("executive")
OE, RO = est.EFFICIENCY.key, est.RESOURCES.key


def oe_rows(**over) -> pd.DataFrame:
    row = {
        "service_id": "S-1",
        "activity": "Reporting automation",
        "hours_low": 2,
        "hours_likely": 3,
        "hours_high": 5,
        "units_per_month": 10,
        "months": 12,
        "rate_per_hour": 50,
        "cost_pool": "Reporting: PMO staff time",
    }
    return pd.DataFrame([{**row, **over}])


def test_efficiency_is_hours_x_units_x_months_x_rate():
    v = est.values(OE, oe_rows())
    assert v[["low", "likely", "high"]].iloc[0].tolist() == [12_000, 18_000, 30_000]


def test_resources_from_fte_with_blank_low_and_high():
    rows = pd.DataFrame(
        [
            {
                "service_id": "S-1",
                "description": "1 FTE redeployed",
                "fte": 1,
                "months": 12,
                "rate_per_hour": 40,
            }
        ]
    )
    assert est.validate(RO, rows) == []
    v = est.values(RO, rows).iloc[0]
    assert v["likely"] == 130 * 12 * 40 == v["low"] == v["high"]


def test_resource_defaults_reallocate_spare_capacity_to_the_shortfall(store):
    load(store, [])
    d = est.defaults(store, EXEC, kind=RO).set_index("service_id")
    # spare: S-1 40, S-2 20 (60 in all); shortfall: S-3 30, so half the spare is reallocated,
    # valued at the receiving service's rate 600 / 7.5 = 80 per hour.
    assert d.loc["S-1", ["hours_low", "hours_likely", "hours_high"]].tolist() == [10, 20, 40]
    assert d.loc["S-2", ["hours_low", "hours_likely", "hours_high"]].tolist() == [5, 10, 20]
    assert "S-3" not in d.index and (d["rate_per_hour"] == 80).all()
    assert est.validate(RO, d.reset_index()) == []


def test_efficiency_defaults_follow_live_projects(store):
    load(store, [])
    d = est.defaults(store, EXEC, kind=OE)
    # Live projects: P-1 (Execution, S-1) and P-3 (Planning, S-3); P-2 is closed.
    assert sorted(d["service_id"].unique()) == ["S-1", "S-3"]
    rep = d[(d["service_id"] == "S-1") & (d["activity"] == "Reporting automation")].iloc[0]
    assert rep["units_per_month"] == 1 and rep["rate_per_hour"] == 50  # 375 / 7.5
    assert est.validate(OE, d, known_services=["S-1", "S-2", "S-3"]) == []


@pytest.mark.parametrize(
    "over, message",
    [
        ({"hours_likely": -1}, "Row 1, hours_likely: must be between 0 and 100,000 (got -1)"),
        ({"rate_per_hour": 5000}, "Row 1, rate_per_hour: must be between 1 and 1,000 (got 5,000)"),
        ({"months": 0}, "Row 1, months: must be between 1 and 60 (got 0)"),
        ({"hours_low": 4}, "Row 1, hours_low: must not exceed hours_likely (4 > 3)"),
        ({"hours_high": 2}, "Row 1, hours_high: must not be below hours_likely (2 < 3)"),
        ({"units_per_month": "lots"}, "Row 1, units_per_month: must be a number (got 'lots')"),
        ({"activity": None}, "Row 1, activity: required"),
        ({"service_id": "S-9"}, "Row 1, service_id: 'S-9' is not in the catalogue"),
    ],
)
def test_validation_names_row_and_column(over, message):
    assert est.validate(OE, oe_rows(**over), known_services=["S-1"]) == [message]


def test_blank_editor_rows_are_ignored_and_an_empty_set_is_refused():
    rows = pd.concat([oe_rows(), pd.DataFrame([{c: None for c in est.EFFICIENCY.columns}])])
    assert est.validate(OE, rows) == []
    assert est.validate(OE, rows.iloc[1:]) == ["the set has no rows: add at least one"]
    two = pd.concat([oe_rows(), oe_rows(rate_per_hour=0)], ignore_index=True)
    assert est.validate(OE, two)[0].startswith("Row 2, rate_per_hour")


def test_sets_are_versioned_and_feed_modelled_lines(store):
    load(store, [])
    with pytest.raises(est.AssumptionError) as err:
        est.save_set(store, OE, oe_rows(months=0), author="ann", period_start=date(2025, 1, 1))
    assert err.value.messages == ["Row 1, months: must be between 1 and 60 (got 0)"]
    assert est.save_set(store, OE, oe_rows(), author="ann", period_start=date(2025, 1, 1)) == 1
    assert (
        est.save_set(
            store,
            OE,
            oe_rows(units_per_month=20),
            author="bob",
            period_start=date(2025, 1, 1),
            note="more reports",
        )
        == 2
    )
    hist = est.versions(store, OE)
    assert hist["version"].tolist() == [2, 1] and hist["author"].tolist() == ["bob", "ann"]
    lines = est.modelled_lines(store, EXEC)
    assert len(lines) == 1
    ln = lines.iloc[0]
    assert ln["line_id"] == "M-OP2-001" and ln["kind"] == "modelled"
    assert ln["likely"] == 36_000 and ln["category"] == "Operational efficiency"
    assert ln["period_end"] == pd.Timestamp("2025-12-31")
    assert ln["provenance"].startswith(
        "Estimated by model: Operational efficiency assumptions v2 by bob"
    )
    led = savings.ledger(store, EXEC)
    assert led.set_index("line_id").loc["M-OP2-001", "service"] == "Reporting"


def test_modelled_lines_follow_scope_and_filters(store):
    load(store, [])
    est.save_set(
        store,
        OE,
        pd.concat([oe_rows(), oe_rows(service_id="S-2")]),
        author="ann",
        period_start=date(2025, 1, 1),
    )
    assert len(est.modelled_lines(store, EXEC)) == 2
    assert est.modelled_lines(store, Viewer("service_owner", "Sue"))["service_id"].tolist() == [
        "S-2"
    ]
    assert est.modelled_lines(store, Viewer("sponsor", "Ann")).empty
    assert est.modelled_lines(store, EXEC, Filters(portfolio="Digital")).empty
    assert est.modelled_lines(store, EXEC, Filters(service="S-1"))["service_id"].tolist() == ["S-1"]
    assert est.modelled_lines(store, EXEC, Filters(date_from=date(2026, 1, 1))).empty
