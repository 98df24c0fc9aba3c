"""Portfolio table maths, timeline/treemap shaping, RAG over versions, risks and project detail,
on a small store built in code (hand-computable numbers)."""

from datetime import date, timedelta

import pandas as pd
import pytest

from pmo_data.analytics.overview import metrics as overview
from pmo_data.analytics.portfolio import detail as project_detail
from pmo_data.analytics.portfolio import projects as portfolio
from pmo_data.analytics.portfolio import risks
from pmo_data.store.access import Viewer
from pmo_data.store.versions import Store

EXEC = Viewer("executive")
TODAY = date.today()


def _projects(rag_p2: str = "Amber") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "project_id": ["P1", "P2", "P3", "P4"],
            "name": ["Alpha", "Beta", "Gamma", "Delta"],
            "portfolio": ["X", "X", "Y", None],
            "rag": ["Red", rag_p2, "Green", "Green"],
            "stage": ["Execution", "Execution", "Closed", "Planning"],
            "sponsor": ["Ann", "Bob", "Ann", "Bob"],
            "project_manager": ["Pat", "Pat", "Quinn", "Quinn"],
            "customer_id": ["C1", "C2", "C1", None],
            "budget": [100.0, 200.0, 50.0, 0.0],
            "forecast_cost": [120.0, 190.0, None, 10.0],
            "start_date": [TODAY - timedelta(100)] * 4,
            "end_date": [TODAY + timedelta(10), TODAY + timedelta(20), TODAY, TODAY],
            "forecast_end_date": [TODAY + timedelta(55), TODAY + timedelta(15), None, TODAY],
            "planned_benefit": [1000.0, 500.0, 100.0, None],
            "realised_benefit": [100.0, 0.0, 100.0, None],
            "strategic_alignment": [5, 2, 4, None],
        }
    )


@pytest.fixture()
def shop():
    s = Store(":memory:")
    s.write_version(
        {
            "projects": _projects("Green"),
            "customers": pd.DataFrame(
                {
                    "customer_id": ["C1", "C2", "C3"],
                    "name": ["Acme", "Bolt", "Cog"],
                    "tier": ["Strategic", "Standard", "Key"],
                    "annual_value": [1_000_000.0, 10_000.0, 50_000.0],
                    "account_lead": ["Lee", "Lee", "Kim"],
                }
            ),
            "feedback": pd.DataFrame(
                {
                    "response_id": ["R1", "R2", "R3", "R4"],
                    "date": [TODAY - timedelta(5)] * 4,
                    "customer_id": ["C1", "C1", "C3", "C2"],
                    "project_id": ["P1", "P1", "P2", "P2"],
                    "nps": [0.0, 3.0, 10.0, 9.0],
                    "nps_scale": ["0-10"] * 4,
                }
            ),
        }
    )
    s.write_version({"projects": _projects("Amber")})
    yield s
    s.close()


def test_table_variance_and_slip(shop):
    df = portfolio.projects(shop, EXEC).set_index("project_id")
    assert df.loc["P1", "budget_variance"] == 20 and df.loc["P1", "budget_variance_pct"] == 0.2
    assert df.loc["P2", "budget_variance_pct"] == pytest.approx(-0.05)
    assert df.loc["P3", "budget_variance"] == 0  # no forecast: budget stands
    assert df.loc["P1", "slip_days"] == 45 and df.loc["P2", "slip_days"] == -5
    assert df.loc["P1", "customer"] == "Acme"
    scores = df["value_score"].dropna()
    assert len(scores) == 3 and scores.between(0, 100).all()  # P3 is closed: not scored
    s = portfolio.variance_summary(df.reset_index())
    assert s["budget"] == 350 and s["forecast"] == 370 and s["slipping"] == 1 and s["slip"] == 45


def test_scoped_table_only_holds_the_sponsors_projects(shop):
    df = portfolio.projects(shop, Viewer("sponsor", "Ann"))
    assert sorted(df["project_id"]) == ["P1", "P3"]


def test_timeline_keeps_open_projects_with_dates_largest_first(shop):
    df = portfolio.projects(shop, EXEC)
    bars, left_out = portfolio.timeline(df, limit=1)
    assert left_out == 2  # P1, P2, P4 open with dates; P3 closed
    assert set(bars["project"]) == {"Beta (P2)"}  # the largest budget
    fc = bars[bars["kind"] == "Forecast"].iloc[0]
    assert pd.Timestamp(fc["finish"]).date() == TODAY + timedelta(15)


def test_treemap_drops_zero_budgets_and_names_missing_portfolio(shop):
    t = portfolio.treemap(portfolio.projects(shop, EXEC))
    assert set(t["project_id"]) == {"P1", "P2", "P3"}
    assert not t["portfolio"].isna().any()


def test_treemap_keeps_the_largest_projects_and_groups_the_rest_per_portfolio():
    n = 40
    df = pd.DataFrame(
        {
            "portfolio": ["X"] * 30 + ["Y"] * 10,
            "project_id": [f"P{i:02d}" for i in range(n)],
            "name": [f"Project {i}" for i in range(n)],
            "rag": ["Red", "Amber", "Green", None] * 10,
            "budget": [float(i + 1) for i in range(n)],
            "slip_days": [0] * n,
        }
    )
    t = portfolio.treemap(df, tiles=10)  # 5 tiles per portfolio
    x = t[t["portfolio"] == "X"]
    kept = x[x["others"] == 0]
    assert list(kept["project_id"]) == ["P29", "P28", "P27", "P26", "P25"]  # largest first
    other = x[x["others"] > 0].iloc[0]
    assert other["others"] == 25 and other["budget"] == sum(range(1, 26))
    assert other["name"] == "25 smaller projects" and other["rag"] == "Others"
    # P00..P24: i % 4 gives Red 7 (0,4,..,24), Amber 6, Green 6, Unknown 6
    assert other["detail"] == "6 Amber, 6 Green, 7 Red, 6 Unknown"
    assert t["budget"].sum() == df["budget"].sum()  # nothing lost from the totals
    y = t[t["portfolio"] == "Y"]
    assert len(y) == 6 and y["others"].max() == 5


def test_rag_over_versions_counts_each_import(shop):
    h = portfolio.rag_over_versions(shop, EXEC)
    assert sorted(h["version"].unique()) == [1, 2]
    v1 = h[(h["version"] == 1) & (h["portfolio"] == "X")].set_index("rag")["projects"]
    v2 = h[(h["version"] == 2) & (h["portfolio"] == "X")].set_index("rag")["projects"]
    assert v1.to_dict() == {"Red": 1, "Green": 1} and v2.to_dict() == {"Red": 1, "Amber": 1}


def test_risks_rank_by_customer_value_with_reasons(shop):
    r = risks.risks(shop, EXEC, currency="GBP")
    assert list(r["project_id"]) == ["P1", "P2"]  # P3 closed, P4 on plan
    top = r.iloc[0]
    # P1: Red (3) + late 45 > 30 (+1) + 20% over > 10% (+1) = 5; Acme 1M x 1.5 (Strategic)
    # x 1.5 (NPS -100 < 0)
    assert top["severity"] == 5 and top["value_at_stake"] == pytest.approx(2_250_000)
    assert top["reason"].startswith("Red, 45 days late, forecast 20% over budget; serves Acme")
    assert "NPS -100 (n=2)" in top["reason"]
    p2 = r.iloc[1]
    # P2: Amber (2); customers C2 (own, 10k x 1.0) and C3 (feedback, 50k x 1.2)
    assert p2["customers"] == 2 and p2["value_at_stake"] == pytest.approx(70_000)
    assert "and 1 more" in p2["reason"]


def test_risks_respect_scope(shop):
    r = risks.risks(shop, Viewer("sponsor", "Bob"))
    assert list(r["project_id"]) == ["P2"]
    assert risks.risks(shop, Viewer("sponsor", "Nobody")).empty


def test_severity_and_weights_closed_form():
    assert list(risks.severity(["Red", "Amber", None], [31, 30, 0], [0.11, 0.10, 0])) == [5, 2, 1]
    assert list(risks.customer_weight(["Strategic", "Key", None], [-1, 5, None])) == [2.25, 1.2, 1]


def test_project_detail_and_history(shop):
    d = project_detail.detail(shop, EXEC, "P2")
    assert d.facts["name"] == "Beta"
    assert set(d.customers["customer_id"]) == {"C2", "C3"}
    assert d.nps == 100 and d.nps_n == 2
    assert list(d.history["version"]) == [1, 2] and list(d.history["rag"]) == ["Green", "Amber"]
    assert d.changes == ["Version 2: RAG Green → Amber"]


def test_project_detail_outside_scope_is_none(shop):
    assert project_detail.detail(shop, Viewer("sponsor", "Ann"), "P2") is None
    assert project_detail.detail(shop, EXEC, "NOPE") is None
    d = project_detail.detail(shop, Viewer("account_lead", "Lee"), "P2")
    assert set(d.customers["customer_id"]) == {"C2"}  # C3 is Kim's, not shown to Lee


def test_overview_metrics_and_what_changed(shop):
    now = {m.key: m for m in overview.metrics(shop, Viewer("sponsor", "Bob"))}
    prev = {m.key: m for m in overview.metrics(shop, Viewer("sponsor", "Bob"), version=1)}
    assert now["projects"].value == 2 and now["red_amber"].value == 1
    assert prev["red_amber"].value == 0
    assert now["variance"].value == pytest.approx((190 + 10 - 200) / 200)
    assert now["red_amber"].delta(prev["red_amber"]) == "+1"
    line = overview.what_changed(list(now.values()), list(prev.values()), 1)
    assert line == "Since version 1: Red or Amber 0 → 1 (worse)."
    assert overview.what_changed(list(now.values()), None, None).startswith("This is the first")


def test_executive_metrics(shop):
    m = {x.key: x for x in overview.metrics(shop, EXEC)}
    assert m["red"].value == 1
    assert m["value"].value == 200  # realised benefits; no savings yet
    # aligned: budget of projects rated 4-5 (P1 100 + P3 50) over all budget 350
    assert m["aligned"].value == pytest.approx(150 / 350)
    assert m["nps"].value == pytest.approx((-100 - 100 + 100 + 100) / 4)


def test_pmo_metrics_find_orphans_and_coverage(shop):
    shop.write_version(
        {"actions": pd.DataFrame({"action_id": ["A1"], "title": ["x"], "project_id": ["P9"]})}
    )
    orph = overview.orphans(shop, Viewer("pmo_analyst"))
    assert orph.to_dict("records") == [
        dict(entity="actions", column="project_id", target="projects", rows=1, examples="P9")
    ]
    m = {x.key: x for x in overview.metrics(shop, Viewer("pmo_analyst"))}
    assert m["orphans"].value == 1
    assert m["coverage"].value == 1.0  # the one Strategic customer (Acme) was heard
    assert m["age"].value == 0 and m["age"].delta(m["age"]) is None
