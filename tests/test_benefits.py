"""Benefits by hand: planned against realised with n, after go-live, by portfolio and
customer, and value per stakeholder group (double counts not counted)."""

from __future__ import annotations

from datetime import date

import pytest

from pmo_data.analytics.savings import benefits
from pmo_data.store.access import Viewer
from tests.savings_fixtures import line, load

EXEC = Viewer("executive")
TODAY = date(2026, 3, 1)


def test_summary_rates_count_only_projects_with_a_plan(store):
    load(store, [])
    s = benefits.summary(store, EXEC, today=TODAY)
    assert (s["projects"], s["planned"], s["realised"]) == (3, 300_000, 60_000)
    assert s["rate"] == pytest.approx(50_000 / 300_000) and s["n_rate"] == 2
    assert s["live_rate"] == pytest.approx(50_000 / 300_000) and s["n_live"] == 2


def test_after_go_live_buckets(store):
    load(store, [])
    df = benefits.after_go_live(store, EXEC, today=TODAY).set_index("since_go_live")
    assert df.index.tolist() == ["Not live yet", "0-3 months", "12-24 months"]
    assert df.loc["0-3 months", "rate"] == pytest.approx(0.5)  # P-1: 50k of 100k, live 1.5 months
    assert df.loc["12-24 months", "rate"] == 0 and df.loc["12-24 months", "n_rate"] == 1
    assert df.loc["Not live yet", "n_rate"] == 0


def test_by_portfolio_and_customer(store):
    load(store, [])
    port = benefits.by_dimension(store, EXEC, dim="portfolio").set_index("group")
    assert port.loc["Digital", ["projects", "planned", "realised"]].tolist() == [2, 300_000, 50_000]
    assert port.loc["Operations", "rate"] != port.loc["Operations", "rate"]  # no plan: NaN
    cust = benefits.by_dimension(store, EXEC, dim="customer").set_index("group")
    assert set(cust.index) == {"Acme", "Bolt"}


def test_value_by_stakeholder_counts_savings_once(store):
    load(
        store,
        [
            line("SV-1", 10_000, realised=4_000, pool="X", project="P-1"),
            line("SV-2", 5_000, realised=2_000, pool="X", project="P-1"),  # double count: held back
            line("SV-3", 7_000, realised=1_000, pool="Y", project="P-3", service="S-3"),
        ],
    )
    v = benefits.value_by_stakeholder(store, EXEC).set_index(["group", "who"])
    ann = v.loc[("Sponsors", "Ann")]
    assert ann["projects"] == 2 and ann["realised_benefit"] == 50_000
    assert ann["savings_realised"] == 4_000 and ann["value_delivered"] == 54_000
    assert v.loc[("Account leads", "Liz"), "savings_likely"] == 7_000
    # Sam owns S-1 (SV-1 through its project P-1) and S-3 (SV-3); SV-2 is held back.
    assert v.loc[("Service owners", "Sam"), "savings_realised"] == 5_000
    assert v.loc[("Customers by tier", "Strategic"), "planned_benefit"] == 300_000


def test_sponsor_scope(store):
    load(store, [])
    assert benefits.summary(store, Viewer("sponsor", "Bob"), today=TODAY)["projects"] == 1
