"""Budget selection: the exact knapsack beats greedy on the textbook case, never overspends,
matches brute force on small cases (with and without a capacity limit), and the frontier."""

from itertools import product

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pmo_data.analytics.value import selection


def brute_force(values, costs, budget, efforts=None, capacity=None) -> float:
    best = 0.0
    for pick in product((0, 1), repeat=len(values)):
        x = np.array(pick, dtype=bool)
        if costs[x].sum() > budget:
            continue
        if capacity is not None and efforts[x].sum() > capacity:
            continue
        best = max(best, values[x].sum())
    return best


def test_textbook_case_beats_greedy():
    v, c = np.array([60.0, 100, 120]), np.array([10.0, 20, 30])
    chosen = selection.knapsack(v, c, 50)
    assert chosen.tolist() == [False, True, True] and v[chosen].sum() == 220
    assert v[selection.greedy(v, c, 50)].sum() == 160  # best value per pound first


def test_unpriced_and_worthless_items_are_never_chosen():
    v, c = np.array([50.0, 40, 0, 30]), np.array([np.nan, 10, 1, 0])
    chosen = selection.knapsack(v, c, 100)
    assert chosen.tolist() == [False, True, False, True]  # a free project with value is taken
    assert not selection.knapsack(v, c, -1).any()
    assert not selection.knapsack([], [], 10).any()


def test_capacity_limits_the_selection():
    v, c, e = np.array([10.0, 10, 10]), np.array([1.0, 1, 1]), np.array([5.0, 5, 1])
    chosen = selection.knapsack(v, c, 100, e, capacity=6)
    assert chosen.sum() == 2 and e[chosen].sum() <= 6


def test_select_and_frontier_on_a_frame():
    ranked = pd.DataFrame(
        {
            "project_id": ["A", "B", "C", "D"],
            "name": ["a", "b", "c", "d"],
            "rank": [1, 2, 3, 4],
            "score": [90.0, 80, 70, 10],
            "cost": [300.0, 100, 100, np.nan],
            "effort": [3.0, np.nan, 1, 1],
        }
    )
    res = selection.select(ranked, budget=250)
    t = res["totals"]
    assert res["table"]["selected"].tolist() == [False, True, True, False]
    assert t["spent"] == 200 and t["left"] == 50 and t["value"] == 150
    assert res["cut"]["project_id"].tolist() == ["A"]
    assert res["cut"]["short_by"].tolist() == [250]  # 300 cost - 50 left
    assert res["unpriced"]["project_id"].tolist() == ["D"]
    front = selection.frontier(ranked, res["table"]["selected"])
    assert front["project_id"].tolist() == ["B", "C", "A"]  # score per pound: 0.8, 0.7, 0.3
    assert front["cum_cost"].tolist() == [100, 200, 500]
    assert front["cum_value"].is_monotonic_increasing
    assert selection.select(ranked.iloc[:0], 100)["totals"] == {}


money = st.integers(0, 1000).map(float)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 100).map(float), money, st.integers(1, 5).map(float)),
        min_size=1,
        max_size=12,
    ),
    money,
    st.one_of(st.none(), st.integers(0, 30).map(float)),
)
def test_knapsack_matches_brute_force_and_never_overspends(items, budget, capacity):
    v = np.array([i[0] for i in items])
    c = np.array([i[1] for i in items])
    e = np.array([i[2] for i in items])
    chosen = selection.knapsack(v, c, budget, e, capacity)
    assert c[chosen].sum() <= budget
    if capacity is not None:
        assert e[chosen].sum() <= capacity
    assert v[chosen].sum() == pytest.approx(brute_force(v, c, budget, e, capacity))
    if capacity is None:  # greedy ignores capacity, so compare only without it
        assert v[chosen].sum() >= v[selection.greedy(v, c, budget)].sum() - 1e-9


@pytest.mark.parametrize("seed", range(6))
def test_reduced_cost_fixing_matches_a_plain_exact_milp(seed):
    """Above CORE_PROBE items the fixing path is used; it must equal a plain exact MILP."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    rng = np.random.default_rng(seed)
    n = 300
    v = np.round(rng.uniform(20, 90, n), 1)
    c = np.round(rng.lognormal(12, 0.8, n), -3)
    e = rng.integers(1, 6, n).astype(float)
    budget, cap = 0.3 * c.sum(), (None if seed % 2 else 0.25 * e.sum())
    chosen = selection.knapsack(v, c, budget, e, cap)
    a = np.vstack([c] + ([e] if cap else []))
    ub = [budget] + ([cap] if cap else [])
    ref = milp(
        -v,
        integrality=np.ones(n),
        bounds=Bounds(0, 1),
        constraints=LinearConstraint(a, -np.inf, ub),
        options={"mip_rel_gap": 0},
    )
    assert c[chosen].sum() <= budget and (cap is None or e[chosen].sum() <= cap)
    assert v[chosen].sum() == pytest.approx(-ref.fun, abs=1e-6)
