"""The service catalogue on hand-built data: utilisation bands at their edges, people short,
CSAT against target with a hand-computed t interval, value verdicts, segment usage, unused
services, the demand trend, the theme-to-catalogue matching rule, and service-owner scope."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from pmo_data.analytics import services as sv
from pmo_data.analytics.overview import metrics as overview
from pmo_data.demo.generate import load_demo
from pmo_data.store.access import Viewer
from pmo_data.store.versions import Store

EXEC = Viewer("executive")
ANN = Viewer("service_owner", "Ann")


def build(store):
    services = pd.DataFrame(
        {
            "service_id": ["S-1", "S-2", "S-3", "S-4", "S-5"],
            "name": [
                "Portfolio reporting",
                "Training academy",
                "Templates",
                "Idle service",
                "Uncounted",
            ],
            "category": ["Insight", "Capability", "Governance", "Insight", "Insight"],
            "owner": ["Ann", "Bob", "Ann", "Cat", "Cat"],
            "description": [
                "Monthly report for the board",
                "Courses and coaching",
                "Standard templates",
                "Nothing yet",
                "No capacity recorded",
            ],
            "skills": ["Power BI", "Facilitation", "Writing", "Modelling", "Planning"],
            "capacity_hours": [100.0, 100.0, 100.0, 40.0, None],
            "demand_hours": [120.0, 90.0, 50.0, 0.0, 30.0],
            "unit_cost": [500.0, 400.0, 300.0, 600.0, 100.0],
            "charge": [600.0, 500.0, 0.0, 700.0, 100.0],
            "target_csat": [4.0, 4.0, 4.0, 4.2, 4.0],
        }
    )
    customers = pd.DataFrame(
        {
            "customer_id": ["C-1", "C-2"],
            "name": ["Retail Co", "Health Trust"],
            "segment": ["Retail", "Health"],
            "tier": ["Strategic", "Standard"],
        }
    )
    projects = pd.DataFrame(
        {
            "project_id": ["P-1", "P-2", "P-3"],
            "name": ["Alpha", "Beta", "Gamma"],
            "customer_id": ["C-1", "C-2", "C-2"],
            "service_id": ["S-1", "S-2", "S-5"],
            "start_date": pd.to_datetime(["2026-01-10", "2025-06-01", "2025-01-01"]),
            "end_date": pd.to_datetime(["2026-12-31", "2025-08-31", "2026-12-31"]),
            "stage": ["Execution", "Closed", "Execution"],
        }
    )
    feedback = pd.DataFrame(
        {
            "response_id": [f"R-{i}" for i in range(9)],
            "date": pd.to_datetime(["2026-03-01"] * 8 + ["2026-03-31"]),
            "customer_id": ["C-1"] * 4 + ["C-2"] * 5,
            "service_id": ["S-1"] * 4 + ["S-2"] * 4 + ["S-3"],
            "csat": [5, 5, 4, 4, 1, 2, 1, 2, 5],
            "nps": [10, 9, 7, 3, 0, 1, 2, 3, 10],
            "nps_scale": "0-10",
        }
    )
    actions = pd.DataFrame(
        {
            "action_id": ["A-1"],
            "title": ["Shorter report"],
            "customer_id": ["C-1"],
            "service_id": ["S-1"],
            "status": ["Open"],
            "raised_date": pd.to_datetime(["2026-03-05"]),
        }
    )
    store.write_version(
        {
            "services": services,
            "customers": customers,
            "projects": projects,
            "feedback": feedback,
            "actions": actions,
        }
    )


@pytest.fixture
def built(store):
    build(store)
    return store


@pytest.mark.parametrize(
    "u, expected",
    [
        (1.0001, "Over capacity"),
        (1.0, "Near capacity"),
        (0.85, "Near capacity"),
        (0.8499, "Within capacity"),
        (0.0, "Within capacity"),
        (float("nan"), "No capacity recorded"),
    ],
)
def test_band_edges(u, expected):
    assert sv.band(u) == expected


def test_demand_capacity(built):
    dc = sv.demand_capacity(built, EXEC).set_index("service_id")
    assert dc.loc["S-1", "utilisation"] == pytest.approx(1.2)
    assert dc.loc["S-1", "band"] == "Over capacity" and dc.loc["S-1", "over"]
    assert dc.loc["S-1", "people_short"] == pytest.approx(20 / sv.HOURS_PER_PERSON)
    assert dc.loc["S-2", "band"] == "Near capacity" and dc.loc["S-2", "shortfall_hours"] == 0
    assert dc.loc["S-3", "band"] == "Within capacity"
    assert dc.loc["S-5", "band"] == "No capacity recorded" and math.isnan(
        dc.loc["S-5", "utilisation"]
    )
    assert list(dc.index[:2]) == ["S-1", "S-2"]  # most stretched first
    s = sv.summary(built, EXEC)
    assert (s["services"], s["over"], s["near"]) == (5, 1, 1)
    assert s["utilisation"] == pytest.approx(260 / 340)  # S-5 records no capacity: left out


def test_skills_short(built):
    sk = sv.skills(built, EXEC).set_index("skill")
    assert sk.index[0] == "Power BI"  # the only over-demanded service's skill comes first
    assert sk.loc["Power BI", "shortfall_hours"] == 20 and sk.loc["Power BI", "over"] == 1
    assert sk.loc["Facilitation", "shortfall_hours"] == 0
    assert set(sv.skills(built, ANN)["skill"]) == {"Power BI", "Writing"}


def test_satisfaction_against_target_by_hand(built):
    sat = sv.satisfaction(built, EXEC).set_index("service_id")
    # S-1: CSAT 5,5,4,4 -> mean 4.5, sd sqrt(1/3), t(0.975, 3) = 3.182446
    half = 3.182446305 * math.sqrt(1 / 3) / 2
    assert sat.loc["S-1", "csat_mean"] == pytest.approx(4.5)
    assert sat.loc["S-1", "csat_mean_lo"] == pytest.approx(4.5 - half, abs=1e-6)
    assert sat.loc["S-1", "csat_mean_hi"] == pytest.approx(4.5 + half, abs=1e-6)
    assert sat.loc["S-1", "vs_target"] == "Around target"  # 3.58..5.42 straddles 4.0
    assert sat.loc["S-1", "nps"] == pytest.approx(25.0)  # (2 promoters - 1 detractor) / 4
    assert sat.loc["S-1", "nps_n"] == 4
    assert sat.loc["S-2", "csat_mean_hi"] == pytest.approx(1.5 + half, abs=1e-6)
    assert sat.loc["S-2", "vs_target"] == "Below target"  # whole interval under 4.0
    assert sat.loc["S-3", "vs_target"] == "Too few ratings"  # n = 1
    assert sat.loc["S-4", "vs_target"] == "No ratings" and sat.loc["S-4", "csat_n"] == 0


def test_value_for_money_verdicts(built):
    v = sv.value_for_money(built, EXEC).set_index("service_id")
    assert v.loc["S-1", "verdict"] == "Valued and paid for"
    assert v.loc["S-2", "verdict"] == "Charged, below target: at risk"
    assert v.loc["S-3", "verdict"] == "Not enough ratings to judge"
    assert v.loc["S-1", "recovery"] == pytest.approx(1.2)
    assert v.loc["S-1", "customers"] == 1 and v.loc["S-2", "open_projects"] == 0
    assert sv._value_verdict(0, "Around target") == "Free and valued: could be charged"
    assert sv._value_verdict(0, "Below target") == "Free, below target: rethink"


def test_segment_usage_and_unused(built):
    seg = sv.segment_usage(built, EXEC).set_index(["segment", "service_id"])["customers"]
    assert seg[("Retail", "S-1")] == 1 and seg[("Health", "S-2")] == 1
    assert seg[("Health", "S-3")] == 1 and seg[("Retail", "S-2")] == 0
    assert seg[("Retail", "S-4")] == 0  # every service is a column, used or not
    assert sv.unused(built, EXEC)["name"].tolist() == ["Idle service"]


def test_demand_trend_counts_active_projects_per_month(built):
    t = sv.demand_trend(built, EXEC)
    s1 = t[t["service_id"] == "S-1"].set_index("month")
    months = pd.to_datetime(s1.index)
    assert months.max() == pd.Timestamp("2026-03-01")  # ends at the latest response
    assert len(s1) == sv.TREND_MONTHS
    assert s1.loc[pd.Timestamp("2025-12-01"), "projects_active"] == 0
    assert s1.loc[pd.Timestamp("2026-01-01"), "projects_active"] == 1
    assert s1.loc[pd.Timestamp("2026-03-01"), "responses"] == 4
    assert s1.loc[pd.Timestamp("2026-03-01"), "actions_raised"] == 1
    assert not t["partial"].any()  # the data ends on 31 March: March is complete
    s2 = t[t["service_id"] == "S-2"].set_index("month")
    assert s2.loc[pd.Timestamp("2025-08-01"), "projects_active"] == 1
    assert s2.loc[pd.Timestamp("2025-09-01"), "projects_active"] == 0


def test_trend_summary_directions():
    months = pd.date_range("2025-01-01", periods=13, freq="MS")
    rows = []
    for sid, before, recent in (
        ("up", 10, 12),
        ("flat", 10, 11),
        ("down", 10, 8),
        ("new", 0, 3),
        ("none", 0, 0),
    ):
        for i, m in enumerate(months):
            val = (before if i < 6 else recent) if i < 12 else 999  # month 13 is partial
            rows.append(
                {
                    "month": m,
                    "service_id": sid,
                    "projects_active": val,
                    "responses": 0,
                    "actions_raised": 0,
                    "partial": i == 12,
                }
            )
    out = sv.trend_summary(pd.DataFrame(rows)).set_index("service_id")
    assert out.loc["up", "direction"] == "rising" and out.loc["up", "change"] == pytest.approx(0.2)
    assert out.loc["flat", "direction"] == "steady"  # +10% is not beyond the step
    assert out.loc["down", "direction"] == "falling"
    assert out.loc["new", "direction"] == "new"
    assert out.loc["none", "direction"] == "no activity"
    assert out.loc["up", "recent"] == 72  # the partial month (999) is left out


def test_theme_matching_rule():
    themes = pd.DataFrame(
        {
            "theme": [
                "1. reports, monthly, board",
                "2. value, money, cost",
                "3. project, team, pmo",
                "4. coaching, sessions",
                "(no clear theme)",
            ],
            "comments": [10, 8, 5, 3, 2],
            "negative_share": [0.1, 0.5, 0.2, 0.0, 0.0],
        }
    )
    cat = pd.DataFrame(
        {
            "service_id": ["S-1", "S-2"],
            "name": ["Portfolio reporting", "Academy"],
            "description": ["Monthly report", "Training and coaching"],
            "skills": ["Power BI", None],
        }
    )
    assert sv.theme_terms("1. reports, monthly, board") == ["reports", "monthly", "board"]
    assert sv.theme_terms("3. project, team, pmo") == []
    assert sv.matching_terms(["reports", "money"], "Portfolio reporting") == ["reports"]
    cov = sv.coverage(themes, cat, visible={"S-1"}).set_index("theme")
    assert "(no clear theme)" not in cov.index
    assert cov.loc["1. reports, monthly, board", "status"] == "Covered"
    assert cov.loc["1. reports, monthly, board", "services"] == "Portfolio reporting"
    assert cov.loc["2. value, money, cost", "status"] == "Not covered"
    assert cov.loc["3. project, team, pmo", "status"] == sv.GENERIC_ONLY
    # S-2 matches 'coaching' but the viewer may not see it: covered, and it stays unnamed
    assert cov.loc["4. coaching, sessions", "status"] == "Covered outside your view"
    assert cov.loc["4. coaching, sessions", "services"] == ""
    assert cov.index[0] == "2. value, money, cost"  # gaps first


def test_service_owner_sees_only_their_services(built):
    assert set(sv.catalogue(built, ANN)["name"]) == {"Portfolio reporting", "Templates"}
    assert set(sv.demand_capacity(built, ANN)["service_id"]) == {"S-1", "S-3"}
    assert set(sv.satisfaction(built, ANN)["service_id"]) == {"S-1", "S-3"}
    assert set(sv.segment_usage(built, ANN)["service_id"]) == {"S-1", "S-3"}
    assert set(sv.demand_trend(built, ANN)["service_id"]) == {"S-1", "S-3"}


def test_uncovered_requests_on_demo_never_name_other_services(tmp_db):
    store = Store(tmp_db)
    load_demo(store, scale=0.1)
    cat = store.frame("services")
    owner = cat["owner"].iloc[0]
    mine = set(cat.loc[cat["owner"] == owner, "name"])
    others = set(cat["name"]) - mine
    cov = sv.uncovered_requests(store, Viewer("service_owner", owner))
    named = {n for s in cov["services"] for n in s.split("; ") if n}
    assert not named & others
    everyone = sv.uncovered_requests(store, Viewer("executive"))
    assert set(everyone["status"]) <= {"Covered", "Not covered", sv.GENERIC_ONLY}
    assert "Portfolio optimisation" in set(sv.unused(store, Viewer("executive"))["name"])
    store.close()


def test_utilisation_counts_only_services_with_a_capacity():
    store = Store(":memory:")
    store.write_version(
        {
            "services": pd.DataFrame(
                {
                    "service_id": ["S-1", "S-2", "S-3"],
                    "name": ["a", "b", "c"],
                    "owner": ["Sam"] * 3,
                    "capacity_hours": [100.0, None, 0.0],
                    "demand_hours": [50.0, 100.0, 10.0],
                }
            )
        }
    )
    s = sv.summary(store, Viewer("executive"))
    assert s["utilisation"] == 0.5 and s["over"] == 0
    m = {x.key: x for x in overview.metrics(store, Viewer("service_owner", "Sam"))}
    assert m["utilisation"].value == 0.5 and m["over"].value == 0
    store.close()


def test_value_map_keeps_every_service_in_sight():
    """Markers are see-through with a solid outline and sized by area; two services at the
    same point are set side by side around it (the exact charge on hover); the names placed
    cover no marker and no other name."""
    from pmo_data.charts import point_labels
    from pmo_data.charts import services as charts

    n = 12
    vfm = pd.DataFrame(
        {
            "name": [f"Service number {i}" for i in range(n)],
            "charge": [0.0, 0.0] + [600.0 + 10 * i for i in range(n - 2)],
            "unit_cost": 500.0,
            "csat_mean": [4.06, 4.06] + [3.9 + 0.01 * i for i in range(n - 2)],
            "csat_n": 50,
            "target_csat": 4.0,
            "customers": [9, 10] + [100 + 30 * i for i in range(n - 2)],
            "verdict": ["Free and valued: could be charged"] * 2
            + ["Valued and paid for"] * (n - 2),
        }
    )
    fig = charts.value_map(vfm, "£,.0f")
    points = []
    for trace in fig.data:
        fill = trace.marker.color
        assert fill.startswith("rgba(") and float(fill.rsplit(",", 1)[1].rstrip(")")) < 1
        assert trace.marker.line.width >= 1 and trace.marker.line.color.startswith("#")
        assert "%{customdata[5]" in trace.hovertemplate  # the true charge, not the drawn x
        for i in range(len(trace.x)):
            points.append(
                dict(
                    name=trace.customdata[i][4], charge=trace.customdata[i][5], x=trace.x[i],
                    y=trace.y[i], size=trace.marker.size[i], text=trace.text[i],
                    where=trace.textposition[i],
                )
            )  # fmt: skip
    assert len(points) == n  # every rated service drawn
    sizes = {p["name"]: p["size"] for p in points}
    small, large = charts.BUBBLE_PX
    assert max(sizes.values()) == pytest.approx(large) and min(sizes.values()) >= small
    most = vfm["customers"].max()
    for name, customers in zip(vfm["name"], vfm["customers"], strict=True):  # area ~ customers
        assert sizes[name] == pytest.approx(max(small, large * (customers / most) ** 0.5))
    free = sorted((p for p in points if p["charge"] == 0), key=lambda p: p["x"])
    assert free[0]["x"] < 0 < free[1]["x"] and free[0]["x"] == pytest.approx(-free[1]["x"])

    x_range, y_range = fig.layout.xaxis.range, fig.layout.yaxis.range
    width, height = charts.VALUE_MAP_PLOT_PX

    def at(p):
        return (
            (p["x"] - x_range[0]) / (x_range[1] - x_range[0]) * width,
            (p["y"] - y_range[0]) / (y_range[1] - y_range[0]) * height,
        )

    named = [p for p in points if p["text"]]
    assert 0 < len(named) < n  # a crowd: some names, not all
    boxes = [point_labels.label_box(p["text"], *at(p), p["size"], p["where"]) for p in named]
    for a, box in enumerate(boxes):
        assert all(not point_labels.overlaps(box, other) for other in boxes[a + 1 :])
        for p in points:
            if p["text"] != named[a]["text"]:
                px, py = at(p)
                r = p["size"] / 2
                assert not point_labels.overlaps(box, (px - r, px + r, py - r, py + r))
