"""The demo data: deterministic, at the reference scale, valid, linked, and believable."""

from __future__ import annotations

from datetime import date

import fastexcel
import pandas as pd
import pytest

from pmo_data.demo import generate as demo
from pmo_data.ingest import importer
from pmo_data.schema import ENTITIES
from pmo_data.store.versions import Store

TODAY = pd.Timestamp(demo.TODAY)
REFS = {"customer_id": "customers", "project_id": "projects", "service_id": "services"}


@pytest.fixture(scope="module")
def small() -> dict[str, pd.DataFrame]:
    return demo.generate(scale=0.2)


@pytest.fixture(scope="module")
def full() -> dict[str, pd.DataFrame]:
    return demo.generate()


def test_same_seed_same_frames_other_seed_other_frames(small):
    again = demo.generate(scale=0.2)
    for name in ENTITIES:
        pd.testing.assert_frame_equal(small[name], again[name])
    other = demo.generate(scale=0.2, seed=8)
    assert not other["feedback"]["csat"].equals(small["feedback"]["csat"])
    assert not other["projects"]["name"].equals(small["projects"]["name"])


def test_reference_scale_counts(full):
    n = {k: len(v) for k, v in full.items()}
    assert (n["projects"], n["customers"], n["actions"], n["savings"]) == (750, 600, 300, 150)
    assert abs(n["feedback"] - 20_000) <= 200
    assert 12 <= n["services"] <= 15
    p, s, a = full["projects"], full["services"], full["actions"]
    staff = set(p["project_manager"]) | set(s["owner"]) | set(a["owner"])
    assert 40 <= len(staff) <= 50
    sponsors, leads = set(p["sponsor"].dropna()), set(full["customers"]["account_lead"])
    assert 35 <= len(sponsors) <= 40 and 20 <= len(leads) <= 25
    assert not (staff & sponsors) and not (staff & leads) and not (sponsors & leads)
    assert all(len(x.split()) == 2 for x in staff | sponsors | leads)  # "First Last"


def test_canonical_columns_only(small):
    assert list(small) == list(ENTITIES)
    for name, df in small.items():
        assert list(df.columns) == ENTITIES[name].column_names


def test_keys_and_names_unique(full):
    for name, df in full.items():
        key = df[ENTITIES[name].key]
        assert key.notna().all() and key.is_unique, name
    for name in ("projects", "customers", "services"):
        assert full[name]["name"].is_unique, name
    assert full["feedback"]["response_id"].str.fullmatch(r"R-\d{6}").all()


def test_referential_integrity(full):
    for name, df in full.items():
        for col, target in REFS.items():
            if col in df and col != ENTITIES[name].key:
                known = set(full[target][ENTITIES[target].key])
                assert set(df[col].dropna()) <= known, (name, col)
    assert full["feedback"]["customer_id"].notna().all()
    cited = full["actions"]["source"].str.findall(r"R-\d+").explode().dropna()
    assert len(cited) and set(cited) <= set(full["feedback"]["response_id"])


def test_values_in_range_and_allowed(full):
    p, f, s, a, sv = (full[k] for k in ("projects", "feedback", "services", "actions", "savings"))
    for col in ("strategic_alignment", "customer_impact", "risk", "effort"):
        assert p[col].between(1, 5).all(), col
    for col in ("csat", "effort_score"):
        assert f[col].between(1, 5).all(), col
    assert f["nps"].dropna().between(0, 10).all() and (f["nps"] == 0).any()
    assert s["target_csat"].between(1, 5).all()
    assert p["percent_complete"].between(0, 100).all()
    assert ((sv["low"] <= sv["likely"]) & (sv["likely"] <= sv["high"])).all()
    assert (sv[["low", "likely", "high", "realised"]] >= 0).all().all()
    for name, df in full.items():  # every choice column holds allowed values (or blank)
        for c in ENTITIES[name].columns:
            if c.allowed:
                assert df[c.name].dropna().isin(c.allowed).all(), (name, c.name)
    assert (p["start_date"] <= p["end_date"]).all()
    assert (p["start_date"] <= p["forecast_end_date"]).all()
    assert (a["raised_date"] <= a["due_date"]).all()
    assert (a["closed_date"].dropna() >= a.loc[a["closed_date"].notna(), "raised_date"]).all()
    assert (a["closed_date"].dropna() <= TODAY).all()
    assert (sv["period_start"] <= sv["period_end"]).all()
    assert f["date"].max() <= TODAY and f["date"].min() > TODAY - pd.DateOffset(years=3)


def test_reference_mixes(full):
    p, c, f, s, sv = (full[k] for k in ("projects", "customers", "feedback", "services", "savings"))
    rag = p["rag"].value_counts(normalize=True)
    assert abs(rag["Green"] - 0.55) < 0.02 and abs(rag["Red"] - 0.15) < 0.02
    tier = c["tier"].value_counts(normalize=True)
    assert abs(tier["Strategic"] - 0.08) < 0.01 and abs(tier["Key"] - 0.22) < 0.01
    value = c.groupby("tier")["annual_value"].median()
    assert value["Strategic"] > 2 * value["Key"] > 4 * value["Standard"]
    per_customer = p.merge(c, on="customer_id").groupby("tier")["project_id"].count()
    assert per_customer["Strategic"] / 48 > 2 * per_customer["Standard"] / 420
    assert 3_500_000 <= sv["likely"].sum() <= 4_500_000
    assert 0.9e6 <= sv["realised"].sum() <= 1.3e6
    cats = sv["category"].value_counts(normalize=True)
    assert cats["Operational efficiency"] + cats["Resource optimisation"] > 0.7
    assert 0.55 <= f["comment"].notna().mean() <= 0.65
    assert 0.67 <= f["project_id"].notna().mean() <= 0.73
    assert 0.77 <= f["service_id"].notna().mean() <= 0.83
    pressure = s["demand_hours"] / s["capacity_hours"]
    assert ((pressure > 1.08) & (pressure < 1.45)).sum() >= 4 and (pressure < 0.7).sum() >= 2
    cadence = c["contact_cadence_days"]
    overdue = (TODAY - c["last_contact_date"]).dt.days > cadence
    assert 0.1 < overdue.mean() < 0.4
    assert set(cadence[c["tier"] == "Strategic"]) == {30}


def test_stage_and_progress_agree(full):
    p = full["projects"]
    by_stage = p.groupby("stage")["percent_complete"]
    assert (by_stage.min()["Closed"], by_stage.max()["Idea"]) == (100, 0)
    assert by_stage.mean()["Execution"] < by_stage.mean()["Closing"]
    assert (p.loc[p["stage"] == "Closed", "forecast_end_date"] < TODAY).all()
    assert (p.loc[p["stage"].isin(["Idea", "Initiation"]), "start_date"] > TODAY).all()
    slip = (p["forecast_end_date"] - p["end_date"]).dt.days.groupby(p["rag"]).mean()
    assert slip["Red"] > slip["Amber"] > slip["Green"]
    over = (p["forecast_cost"] > p["budget"]).groupby(p["rag"]).mean()
    assert over["Red"] == 1.0


def test_red_project_customers_are_less_satisfied(small):
    p, f = small["projects"], small["feedback"]
    red = f["customer_id"].isin(p.loc[p["rag"] == "Red", "customer_id"])
    assert f.loc[red, "csat"].mean() < f.loc[~red, "csat"].mean() - 0.15
    assert f.loc[red, "nps"].mean() < f.loc[~red, "nps"].mean() - 0.3


def test_closed_actions_lift_their_customers(full):
    a, f = full["actions"], full["feedback"]
    done = a[(a["status"] == "Done") & a["customer_id"].notna()]
    m = done.merge(f, on="customer_id")
    before = m[
        (m["date"] < m["raised_date"]) & (m["date"] >= m["raised_date"] - pd.Timedelta(days=180))
    ]
    after = m[
        (m["date"] > m["closed_date"]) & (m["date"] <= m["closed_date"] + pd.Timedelta(days=180))
    ]
    assert after["csat"].mean() > before["csat"].mean() + 0.3


def test_scores_agree_with_each_other(full):
    f = full["feedback"]
    nps = f.groupby("csat")["nps"].mean()
    effort = f.groupby("csat")["effort_score"].mean()
    assert nps.is_monotonic_increasing and effort.is_monotonic_decreasing
    promoters, detractors = (f["nps"] >= 9).mean(), (f["nps"] <= 6).mean()
    assert 0 < promoters - detractors < 0.5


def test_comments_speak_of_themes_and_vary(full):
    text = full["feedback"]["comment"].dropna().str.lower()
    assert text.nunique() > 2_000
    for word in (
        "communication",
        "report",
        "delay",
        "respon",
        "value",
        "templates",
        "training",
        "resourc",
        "stakeholder",
        "dashboard",
    ):
        assert text.str.contains(word).mean() > 0.02, word
    f = full["feedback"].set_index("response_id")
    a = full["actions"]
    first = a["source"].str.extract(r"(R-\d+)")[0].dropna()
    assert (f.loc[first, "csat"] <= 3).mean() > 0.9
    assert f.loc[first, "comment"].notna().all()
    themed = a.loc[~a["source"].str.contains("R-"), "source"]
    assert len(themed) > 0


def test_some_things_are_late_and_some_savings_double_count(full):
    a, sv = full["actions"], full["savings"]
    overdue = a["status"].isin(["Open", "In progress"]) & (a["due_date"] < TODAY)
    assert 5 <= overdue.sum() <= 60
    assert set(a["status"]) == {"Open", "In progress", "Done", "Cancelled"}
    pairs = sv.merge(sv, on="cost_pool")
    pairs = pairs[pairs["saving_id_x"] < pairs["saving_id_y"]]
    overlap = (pairs["period_start_x"] <= pairs["period_end_y"]) & (
        pairs["period_start_y"] <= pairs["period_end_x"]
    )
    assert 3 <= overlap.sum() <= 10  # a handful, for the double-count check to find
    assert (~overlap).sum() > 10  # and same-pool lines that follow on are not double counts


def test_load_demo_writes_last_month_then_this_month():
    store = Store(":memory:")
    try:
        version = demo.load_demo(store, scale=0.2)
        assert version == 2 and store.current_version() == 2
        before = store.counts(1)
        assert 0 < before["feedback"] < store.counts(2)["feedback"]
        assert before["projects"] <= store.counts(2)["projects"]
        hist = store.history().set_index("version")
        assert (hist.loc[2, "created_at"] - hist.loc[1, "created_at"]).days >= 29
        expected = {k: len(v) for k, v in demo.generate(scale=0.2).items()}
        assert store.counts() == expected
        info = store.version_info(2)
        assert info["action"] == "demo" and info["note"].startswith("demo data, this month")
        fb = store.frame("feedback")
        assert fb.loc[fb["comment"].notna(), "sentiment"].notna().all()
        assert set(fb["nps_scale"].dropna()) == {"0-10"}
    finally:
        store.close()


def test_workbook_round_trips_and_imports_cleanly(tmp_path):
    frames = demo.generate(scale=0.2)
    path = demo.write_demo_workbook(tmp_path / "demo.xlsx", scale=0.2)
    reader = fastexcel.read_excel(str(path))
    assert reader.sheet_names == list(ENTITIES)
    for name in ENTITIES:
        sheet = reader.load_sheet(name)
        assert sheet.height == len(frames[name]), name
        cols = {c.name: c.dtype for c in sheet.available_columns()}
        assert list(cols) == ENTITIES[name].column_names, name
        for c in ENTITIES[name].columns:
            if c.kind == "date":
                assert cols[c.name] in ("date", "datetime"), (name, c.name)
    plan = importer.plan([path], Store(":memory:"))
    assert plan.report.counts["error"] == 0
    assert plan.row_counts == {k: len(v) for k, v in frames.items()}


def test_today_moves_the_window():
    f = demo.generate(scale=0.05, today=date(2025, 3, 1))["feedback"]
    assert f["date"].max() <= pd.Timestamp("2025-03-01")
    assert demo.DEMO_WORKBOOK.parts[-3:] == ("data", "demo", "pmo_demo.xlsx")


def test_people_pools_beyond_first_last_pairs_stay_distinct():
    """At scale 100 the pools outgrow first x last (3,600 pairs): middle initials keep them
    distinct, and pools that fit keep plain "First Last" names."""
    import numpy as np

    rng = np.random.default_rng(1)
    big = demo._people(rng, (4500, 4000, 2500))
    names = [n for pool in big for n in pool]
    assert [len(p) for p in big] == [4500, 4000, 2500]
    assert len(set(names)) == len(names)
    small_pools = demo._people(np.random.default_rng(1), (45, 40, 25))
    assert all(len(n.split()) == 2 for pool in small_pools for n in pool)
