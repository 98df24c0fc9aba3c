"""Value scoring by hand: the fixed scales, the weighted sum, customer evidence and its proof,
scope, weight profiles, robustness under perturbed weights, WSJF; and the properties a PMO
relies on (monotone, scale-free weights, a zero weight removes a criterion)."""

from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_data.analytics.value import scoring
from pmo_data.store.access import Viewer

EXEC = Viewer("executive")
AS_OF = date(2026, 6, 30)


def build(store):
    """Two open projects for Ann's customer, one for Bob's (low NPS, complaints), one closed."""
    customers = pd.DataFrame(
        {
            "customer_id": ["C-1", "C-2", "C-3"],
            "name": ["Big Co", "Small Ltd", "Mid plc"],
            "tier": ["Strategic", "Standard", "Key"],
            "account_lead": ["Ann", "Bob", "Bob"],
            "annual_value": [200.0, 100.0, 50.0],
        }
    )
    projects = pd.DataFrame(
        {
            "project_id": ["P-1", "P-2", "P-3", "P-4"],
            "name": ["Alpha", "Beta", "Gamma", "Done"],
            "customer_id": ["C-1", "C-2", "C-1", "C-2"],
            "sponsor": ["Sue", "Sam", "Sue", "Sam"],
            "stage": ["Execution", "Planning", "Initiation", "Closed"],
            "forecast_cost": [100.0, 100.0, None, 10.0],
            "budget": [90.0, 90.0, 50.0, 10.0],
            "planned_benefit": [300.0, 100.0, 50.0, 10.0],
            "customer_impact": [5.0, 3.0, None, 1.0],
            "strategic_alignment": [5.0, 1.0, 3.0, 1.0],
            "risk": [1.0, 5.0, 3.0, 1.0],
            "effort": [1.0, 5.0, 3.0, 1.0],
            "go_live_date": pd.to_datetime(["2026-06-30", "2027-06-30", None, None]),
            "end_date": pd.to_datetime(["2026-12-31", "2027-12-31", "2026-12-30", "2025-01-01"]),
        }
    )
    feedback = pd.DataFrame(
        {
            "response_id": [f"R-{i}" for i in range(6)],
            "date": pd.to_datetime(["2026-06-01"] * 6),
            # C-2: 2 promoters, 1 passive, 1 detractor; 2 comments, 1 negative.
            # C-3 answered about P-2, so P-2 serves C-2 and C-3.
            "customer_id": ["C-2", "C-2", "C-2", "C-2", "C-3", "C-1"],
            "project_id": ["P-2", "P-2", None, None, "P-2", None],
            "nps": [10.0, 9.0, 7.0, 0.0, None, 10.0],
            "csat": [5.0, 5.0, 4.0, 1.0, 2.0, 5.0],
            "comment": ["Great work", None, "", "Terrible, slow and late", None, None],
            "sentiment": [0.6, None, None, -0.7, None, None],
            "nps_scale": "0-10",
        }
    )
    actions = pd.DataFrame(
        {
            "action_id": ["A-1", "A-2", "A-3"],
            "title": ["Fix", "Call", "Old"],
            "customer_id": ["C-2", None, "C-2"],
            "project_id": [None, "P-2", None],
            "status": ["Open", "In progress", "Done"],
        }
    )
    store.write_version(
        {"customers": customers, "projects": projects, "feedback": feedback, "actions": actions}
    )


# -- scales -----------------------------------------------------------------------------------
def test_fixed_scales_by_hand():
    assert scoring.rating01([1, 3, 5, np.nan]).tolist()[:3] == [0, 0.5, 1]
    assert np.isnan(scoring.rating01([np.nan])[0])
    assert scoring.ratio01([300, 100, 0], [100, 100, 100]).tolist() == [0.75, 0.5, 0]
    assert np.isnan(scoring.ratio01([100, 100], [0, np.nan])).all()
    # A 1,000x outlier scores 0.999 and leaves the others where they were.
    assert scoring.ratio01([100_000], [100])[0] == pytest.approx(1000 / 1001)
    assert scoring.urgency01([-10, 0, 182.5, 365, 900]).tolist() == [1, 1, 0.5, 0, 0]


def test_customer_sources_and_fallbacks():
    d, e = np.array([1.0, np.nan, 0.5]), np.array([0.0, 0.4, np.nan])
    assert scoring.customer01(d, e, "declared", 0).tolist() == [1.0, 0.4, 0.5]
    assert scoring.customer01(d, e, "evidence", 0).tolist() == [0.0, 0.4, 0.5]
    assert scoring.customer01(d, e, "blend", 0.25).tolist() == [0.75, 0.4, 0.5]


def test_weighted_sum_by_hand():
    c = np.array([[1, 0, 0, 0, 0, 0], [0.5] * 6, [1, 1, 1, 1, 1, 1]])
    assert scoring.scores(c, scoring.DEFAULT_WEIGHTS).tolist() == pytest.approx([30, 50, 100])
    pts = scoring.contributions(c, (3, 1, 0, 0, 0, 0))
    assert pts[0].tolist() == pytest.approx([75, 0, 0, 0, 0, 0])
    with pytest.raises(ValueError):
        scoring.weight_vector((0, 0, 0, 0, 0, 0))
    assert scoring.ranks(np.array([5.0, 9.0, 5.0]), ["b", "a", "a2"]).tolist() == [3, 1, 2]


# -- on the store -----------------------------------------------------------------------------
def test_rank_by_hand(store):
    build(store)
    r = scoring.rank(store, EXEC, as_of=AS_OF, method="declared").set_index("project_id")
    assert list(r.index) == ["P-1", "P-3", "P-2"]  # Closed P-4 is not a candidate
    # P-1: customer 1, strategic 1, financial 300/100 -> 0.75, urgency (due today) 1,
    # risk 1, effort 1 -> 100 * (0.3 + 0.2 + 0.15 + 0.1 + 0.1 + 0.1) = 95
    assert r.loc["P-1", "score"] == pytest.approx(95)
    assert r.loc["P-1", "missing"] == ""
    # P-3: no declared rating but evidence exists (C-1) -> evidence is used; cost falls back
    # to budget 50 -> financial 50/50 -> 0.5; deadline = end 2026-12-30 (183 days).
    assert r.loc["P-3", "c_financial"] == pytest.approx(0.5)
    assert r.loc["P-3", "c_urgency"] == pytest.approx(1 - 183 / 365)
    assert r.loc["P-3", "c_customer"] == pytest.approx(r.loc["P-3", "evidence"])
    pts = r[[f"pts_{k}" for k in scoring.KEYS]].sum(axis=1)
    assert np.allclose(pts, r["score"])


def test_customer_evidence_by_hand(store):
    build(store)
    ev = scoring.customer_evidence(store, EXEC).set_index("project_id")
    p2 = ev.loc["P-2"]
    # P-2 serves C-2 (its customer) and C-3 (answered about it): best tier Standard->Key.
    assert p2["customers"] == 2 and p2["tier"] == "Key"
    assert p2["annual_value"] == 150
    # Pooled: C-2 has 4 NPS answers (2 promoters, 1 detractor); C-3 none -> NPS +25.
    assert p2["nps"] == pytest.approx(25) and p2["nps_n"] == 4
    assert p2["ev_dissatisfaction"] == pytest.approx(1 - 125 / 200)
    assert p2["ev_detractors"] == pytest.approx(0.25)
    # Open actions touching it: A-1 (customer C-2) and A-2 (project P-2); A-3 is Done.
    assert p2["open_actions"] == 2 and p2["ev_actions"] == pytest.approx(2 / 5)
    assert p2["ev_complaints"] == pytest.approx(0.5)  # 1 negative of 2 non-empty comments
    median = 100.0  # median annual value of customers in view (200, 100, 50)
    assert p2["ev_value"] == pytest.approx(150 / (150 + median))
    w = scoring.EVIDENCE_WEIGHTS
    expected = (
        w["tier"] * 2 / 3
        + w["value"] * 0.6
        + w["dissatisfaction"] * 0.375
        + w["detractors"] * 0.25
        + w["actions"] * 0.4
        + w["complaints"] * 0.5
    )
    assert p2["evidence"] == pytest.approx(expected)
    assert "NPS +25 (n=4, small sample); 25% detractors" in p2["proof"]
    assert "2 open actions" in p2["proof"] and "1 negative of 2 comments" in p2["proof"]


def test_missing_inputs_are_neutral_and_named(store):
    build(store)
    r = scoring.rank(store, EXEC, as_of=AS_OF, method="declared").set_index("project_id")
    assert r.loc["P-3", "missing"] == ""  # customer came from evidence, cost from budget
    df = scoring.inputs(store, EXEC, as_of=AS_OF)
    df.loc[df["project_id"] == "P-1", ["strategic_alignment", "planned_benefit"]] = np.nan
    s = scoring.score_frame(df, scoring.DEFAULT_WEIGHTS, "declared", 0).set_index("project_id")
    assert s.loc["P-1", "missing"] == "Strategic alignment, Financial value"
    assert s.loc["P-1", "c_strategic"] == scoring.NEUTRAL == s.loc["P-1", "c_financial"]


def test_scope_limits_candidates(store):
    build(store)
    sue = scoring.rank(store, Viewer("sponsor", "Sue"), as_of=AS_OF)
    assert set(sue["project_id"]) == {"P-1", "P-3"}
    bob = scoring.rank(store, Viewer("account_lead", "Bob"), as_of=AS_OF)
    assert set(bob["project_id"]) == {"P-2"}
    assert scoring.rank(store, Viewer("sponsor", "Nobody"), as_of=AS_OF).empty


def test_empty_store_gives_empty_frames(store):
    assert scoring.rank(store, EXEC).empty
    assert scoring.robustness(store, EXEC).empty
    assert scoring.wsjf_compare(store, EXEC)["n"] == 0
    assert scoring.disagreement(store, EXEC, settings=(("x", (1,) * 6, "blend", 0.5),)).empty


def test_slider_change_reorders(store):
    build(store)
    first = scoring.rank(store, EXEC, weights=(1, 0, 0, 0, 0, 0), method="evidence")
    assert first["project_id"].iloc[0] == "P-2"  # the customers with the most at stake
    risk = scoring.rank(store, EXEC, weights=(0, 0, 0, 0, 1, 0), method="evidence")
    assert risk["project_id"].iloc[-1] == "P-2"  # risk 5


def test_profiles_round_trip(store):
    scoring.save_profile(
        store, "Exec view", (3, 2, 2, 1, 1, 1), "blend", 0.3, author="ann@x", scope="executive"
    )
    scoring.save_profile(
        store, "Exec view", (1, 0, 0, 0, 0, 0), "declared", 0, author="ann@x", scope="executive"
    )
    scoring.save_profile(
        store, "Sponsors", (1, 1, 1, 1, 1, 1), "evidence", 1, author="sam@x", scope="sponsor"
    )
    p = scoring.profiles(store).set_index("name")
    assert len(p) == 2
    assert p.loc["Exec view", "weights"] == (1, 0, 0, 0, 0, 0)  # newest save wins
    assert p.loc["Exec view", "method"] == "declared" and p.loc["Sponsors", "group"] == "sponsor"
    assert p.loc["Sponsors", "author"] == "sam@x"
    with pytest.raises(ValueError):
        scoring.save_profile(store, "bad", (1,) * 6, "astrology", 0, author="x", scope="sponsor")


def test_disagreement_wide(store):
    build(store)
    wide = scoring.disagreement(
        store,
        EXEC,
        settings=(
            ("mine", (1, 0, 0, 0, 0, 0), "declared", 0),
            ("risk", (0, 0, 0, 0, 1, 0), "blend", 0.5),
        ),
    )
    assert list(wide.columns) == ["project_id", "name", "mine", "risk"]
    assert wide["mine"].tolist() == [1, 2, 3]


# -- robustness and WSJF ----------------------------------------------------------------------
def test_weight_draws_are_dirichlet_around_weights():
    w = scoring.weight_draws((0.3, 0.2, 0.2, 0.1, 0.1, 0.0), draws=4000, seed=1)
    assert w.shape == (6, 4000) and np.allclose(w.sum(axis=0), 1)
    assert (w[5] == 0).all()  # a zero weight stays zero
    assert w.mean(axis=1)[:5] == pytest.approx(
        [0.3 / 0.9, 0.2 / 0.9, 0.2 / 0.9, 0.1 / 0.9, 0.1 / 0.9], abs=0.01
    )
    p = 0.3 / 0.9
    assert w[0].std() == pytest.approx(np.sqrt(p * (1 - p) / 51), rel=0.1)
    assert np.array_equal(w, scoring.weight_draws((0.3, 0.2, 0.2, 0.1, 0.1, 0), 4000, seed=1))


def test_robustness_settled_and_hinging():
    # Project 0 dominates; 1 and 2 trade places depending on customer vs financial weight.
    c = np.array([[1.0] * 6, [0.9, 0, 0, 0, 0, 0.5], [0, 0, 0.9, 0, 0, 0.5], [0.0] * 6])
    rob = scoring.robustness_table(c, (0.5, 0, 0.5, 0, 0, 0.2), top_k=2, draws=2000)
    assert rob.loc[0, "p_top_k"] == 1 and rob.loc[0, "verdict"] == "Settled: in the top 2"
    assert rob.loc[3, "p_top_k"] == 0 and rob.loc[3, "verdict"].startswith("Settled: outside")
    assert 0.1 < rob.loc[1, "p_top_k"] < 0.9 and rob.loc[1, "verdict"] == "Hinges on the weights"
    assert rob.loc[1, "p_top_k"] + rob.loc[2, "p_top_k"] == pytest.approx(1)
    assert rob.loc[1, "rank_p10"] == 2 and rob.loc[1, "rank_p90"] == 3


def test_rank_draws_match_pandas_ranks():
    rng = np.random.default_rng(3)
    c, w = rng.random((50, 6)), scoring.weight_draws(scoring.DEFAULT_WEIGHTS, 20, seed=2)
    r = scoring.rank_draws(c, w)
    s = pd.DataFrame(c @ w)
    assert np.array_equal(r, s.rank(ascending=False, method="first").to_numpy().T.astype(int))


def test_wsjf_by_hand(store):
    build(store)
    ranked = scoring.rank(store, EXEC, as_of=AS_OF, method="declared")
    w = scoring.wsjf_frame(ranked).set_index("project_id")
    # P-1: business value 10 * (1 + 0.75) / 2 = 8.75, time 10, risk reduction 10; size 1.
    assert w.loc["P-1", "cost_of_delay"] == pytest.approx(28.75)
    assert w.loc["P-1", "wsjf"] == pytest.approx(28.75) and w.loc["P-1", "wsjf_rank"] == 1
    res = scoring.wsjf_compare(store, EXEC, method="declared")
    assert res["n"] == 3 and -1 <= res["rho"] <= 1


# -- properties -------------------------------------------------------------------------------
unit = st.floats(0, 1, allow_nan=False)
weight = st.floats(0, 10, allow_nan=False)
rows = st.lists(unit, min_size=6, max_size=6)
weights6 = st.lists(weight, min_size=6, max_size=6).filter(lambda w: sum(w) > 1e-3)


@settings(max_examples=200, deadline=None)
@given(rows, weights6, st.integers(0, 5), unit)
def test_raising_a_criterion_never_lowers_the_score(c, w, i, bump):
    raised = list(c)
    raised[i] = min(1.0, c[i] + bump)
    assert scoring.scores(np.array([raised]), w)[0] >= scoring.scores(np.array([c]), w)[0] - 1e-9


@settings(max_examples=200, deadline=None)
@given(st.lists(rows, min_size=1, max_size=8), weights6, st.floats(0.01, 1000))
def test_scaling_all_weights_changes_nothing(cs, w, k):
    c = np.array(cs)
    assert np.allclose(scoring.scores(c, w), scoring.scores(c, [k * x for x in w]))


@settings(max_examples=200, deadline=None)
@given(rows, weights6, st.integers(0, 5), unit)
def test_zero_weight_removes_a_criterion(c, w, i, other):
    w = list(w)
    w[i] = 0.0
    if sum(w) <= 1e-3:
        return
    changed = list(c)
    changed[i] = other
    assert scoring.scores(np.array([changed]), w)[0] == pytest.approx(
        scoring.scores(np.array([c]), w)[0]
    )


@settings(max_examples=100, deadline=None)
@given(st.lists(st.tuples(st.integers(1, 5), st.integers(1, 5)), min_size=1, max_size=5))
def test_better_ratings_never_rank_lower(pairs):
    """Raising a project's declared impact never lowers its score in a frame of ratings."""
    base = pd.DataFrame(
        {
            "project_id": [f"P{i}" for i in range(len(pairs))],
            "name": "x",
            "customer_impact": [float(a) for a, _ in pairs],
            "strategic_alignment": [float(b) for _, b in pairs],
            "planned_benefit": 1.0,
            "cost": 1.0,
            "days_to_deadline": 30.0,
            "risk": 3.0,
            "effort": 3.0,
        }
    )
    before = scoring.score_frame(base, scoring.DEFAULT_WEIGHTS, "declared", 0)
    up = base.assign(customer_impact=(base["customer_impact"] + 1).clip(upper=5))
    after = scoring.score_frame(up, scoring.DEFAULT_WEIGHTS, "declared", 0)
    b, a = before.set_index("project_id")["score"], after.set_index("project_id")["score"]
    assert (a.reindex(b.index) >= b - 1e-9).all()


def test_partial_ranks_match_full_ranks():
    """The fast path (partition to depth, sort only the top) equals ranking everything."""
    rng = np.random.default_rng(5)
    c = np.round(rng.random((700, 6)), 1)  # coarse values: plenty of ties
    w = (0.3, 0.2, 0.2, 0.1, 0.1, 0.1)
    fast = scoring.robustness_table(c, w, top_k=20, draws=300)
    full = scoring.rank_draws(c, scoring.weight_draws(w, 300))
    assert np.array_equal(fast["p_top_k"], (full <= 20).mean(axis=0))
    for col, q in (("rank_p10", 0.1), ("rank_p50", 0.5), ("rank_p90", 0.9)):
        exact = np.sort(full, axis=0)[int(round(q * 299))].astype(float)
        known = fast[col].notna().to_numpy()
        assert known.sum() > 200
        assert np.array_equal(fast[col].to_numpy()[known], exact[known])
        assert (exact[~known] > 300).all()
