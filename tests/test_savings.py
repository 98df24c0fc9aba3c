"""Savings: PERT by hand, seeded Monte Carlo, totals with double counts held back, time
accrual, provenance, scope and the executive headline."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from pmo_data.analytics.savings import double_counting, pert
from pmo_data.analytics.savings import ledger as savings
from pmo_data.demo.generate import load_demo
from pmo_data.store.access import Viewer
from pmo_data.store.scope import Filters
from tests.savings_fixtures import line, load

EXEC = Viewer("executive")
NAN = float("nan")


# -- PERT ---------------------------------------------------------------------------------
def test_pert_mean_and_variance_closed_form():
    assert pert.mean(0, 3, 12) == pytest.approx(4.0)  # (0 + 12 + 12) / 6
    assert pert.variance(0, 3, 12) == pytest.approx(4 * 8 / 7)
    assert pert.variance(5, 5, 5) == 0


def test_sampled_mean_matches_closed_form():
    x = pert.sample([0.0], [3.0], [12.0], 10_000, np.random.default_rng(1))[0]
    assert x.mean() == pytest.approx(4.0, abs=4 * np.sqrt(32 / 7) / 100)
    assert x.min() >= 0 and x.max() <= 12


def test_p50_of_one_line_is_the_beta_median():
    q = pert.group_quantiles([0.0], [2.0], [10.0], np.ones((1, 1)))[0]
    exact = 10 * stats.beta.ppf(0.5, 1.8, 4.2)  # alpha = 1 + 4 x 0.2, beta = 1 + 4 x 0.8
    assert q[1] == pytest.approx(exact, rel=0.01)
    assert pert.quantile(0.5, [0.0], [2.0], [10.0])[0] == pytest.approx(exact)
    assert q[0] < q[1] < q[2]


def test_means_of_lines_add_up_in_the_total():
    a, m, b = np.array([0, 10, 100.0]), np.array([5, 20, 150.0]), np.array([10, 30, 200.0])
    q = pert.group_quantiles(a, m, b, np.ones((1, 3)), qs=(0.5,))
    assert q[0, 0] == pytest.approx(pert.mean(a, m, b).sum(), rel=0.005)  # symmetric: 175


def test_degenerate_and_missing_estimates():
    a, m, b, flagged = pert.clean([NAN, 5, 7, NAN, NAN], [10, 5, 3, NAN, NAN], [NAN, 5, 1, 8, NAN])
    assert a.tolist() == [10, 5, 1, 8, 0] and m.tolist() == [10, 5, 3, 8, 0]
    assert b.tolist() == [10, 5, 7, 8, 0] and flagged.tolist() == [False, False, True, False, False]
    q = pert.group_quantiles([10.0], [10.0], [10.0], np.ones((1, 1)))
    assert q.tolist() == [[10.0, 10.0, 10.0]]


def test_seeded_reproducibility():
    args = ([0, 1.0], [2, 4.0], [9, 5.0], np.ones((1, 2)))
    assert np.array_equal(pert.group_quantiles(*args), pert.group_quantiles(*args))
    assert not np.array_equal(pert.group_quantiles(*args), pert.group_quantiles(*args, seed=1))


def test_weights_share_a_line_and_mix_builds_running_totals():
    q = pert.group_quantiles([10.0], [10.0], [10.0], [[0.5]])
    assert q[0, 1] == pytest.approx(5.0)
    a, m, b = [0.0, 0.0], [5.0, 5.0], [10.0, 10.0]
    one_hot = np.eye(2)
    running = pert.group_quantiles(a, m, b, one_hot, mix=[[1, 0], [1, 1]])
    direct = pert.group_quantiles(a, m, b, [[1, 0], [1, 1]])
    assert running[1, 1] == pytest.approx(10.0, abs=0.1) and direct[1, 1] == pytest.approx(
        10.0, abs=0.1
    )


def test_many_lines_beyond_the_exact_limit_stay_accurate():
    rng = np.random.default_rng(3)
    m = rng.uniform(100, 1000, 400)
    a, b = m * 0.6, m * 1.8
    exact = pert.group_quantiles(a, m, b, np.ones((1, 400)))
    approx = pert.group_quantiles(a, m, b, np.ones((1, 400)), exact_lines=50)
    assert approx == pytest.approx(exact, rel=0.005)


# -- totals on a small ledger -------------------------------------------------------------
def small(store):
    load(
        store,
        [
            line(
                "SV-1",
                100_000,
                low=80_000,
                high=120_000,
                realised=40_000,
                pool="CC-1 Reporting",
                project="P-1",
            ),
            line(
                "SV-2",
                30_000,
                low=30_000,
                high=30_000,
                realised=10_000,
                pool="cc-1  reporting",
                start="2025-07-01",
                end="2026-06-30",
                project="P-3",
            ),
            line(
                "SV-3",
                60_000,
                low=40_000,
                high=90_000,
                pool="CC-2",
                service="S-2",
                category="Avoided cost",
                start="2026-01-01",
                end="2026-12-31",
            ),
        ],
    )


def test_totals_hold_back_the_smaller_overlapping_line(store):
    small(store)
    t = savings.totals(store, EXEC, today=pd.Timestamp("2026-01-31").date())
    assert t.pairs["pair_key"].tolist() == ["SV-1|SV-2"]
    assert t.pairs["overlap_days"].tolist() == [184]  # 1 Jul - 31 Dec 2025
    counted = t.lines.set_index("line_id")["counted"]
    assert counted.to_dict() == {"SV-1": True, "SV-2": False, "SV-3": True}
    o = t.overall
    assert o["mean"] == pytest.approx(100_000 + (40_000 + 240_000 + 90_000) / 6)
    assert o["realised"] == 40_000 and o["n_excluded"] == 1
    assert o["p10"] < o["p50"] < o["p90"]
    w = t.waterfall.set_index("step")["value"]
    assert w["Gross"] == pytest.approx(o["mean"] + 30_000)
    assert w["Overlaps held back"] == pytest.approx(-30_000) and w["Net"] == pytest.approx(
        o["mean"]
    )
    assert t.by["category"]["mean"].sum() == pytest.approx(o["mean"])
    assert set(t.by["customer"]["group"]) == {"Acme", savings.NO_CUSTOMER}


def test_time_accrual_by_year_and_cumulative(store):
    small(store)
    double_counting.resolve(
        store,
        double_counting.find_pairs(savings.ledger(store, EXEC)),
        "SV-1|SV-2",
        "keep both",
        "different teams",
        author="fin",
    )
    t = savings.totals(
        store, EXEC, state=savings.state(store), today=pd.Timestamp("2026-03-15").date()
    )
    year = t.by["year"].set_index("group")
    assert year.loc["2025", "likely"] == pytest.approx(100_000 + 15_000)
    assert year.loc["2026", "likely"] == pytest.approx(15_000 + 60_000)
    cum = t.cumulative
    assert cum["likely"].iloc[-1] == pytest.approx(190_000)
    assert cum["p50"].iloc[-1] == pytest.approx(t.overall["p50"], rel=0.002)
    assert cum["month"].iloc[0] == pd.Timestamp("2025-01-01")
    # Realised accrues to today and stops: SV-1 over its 12 months, SV-2 over 9 elapsed.
    real = cum.set_index("month")["realised"]
    assert real[pd.Timestamp("2025-12-01")] == pytest.approx(40_000 + 10_000 * 6 / 9)
    assert real[pd.Timestamp("2026-03-01")] == pytest.approx(50_000)
    assert np.isnan(real[pd.Timestamp("2026-04-01")])


def test_decisions_change_the_totals(store):
    small(store)
    pairs = double_counting.find_pairs(savings.ledger(store, EXEC))
    double_counting.resolve(
        store, pairs, "SV-1|SV-2", "keep B", "SV-2 is the audited figure", author="fin"
    )
    t = savings.totals(store, EXEC, state=savings.state(store))
    reason = t.lines.set_index("line_id")["excluded_reason"]
    assert reason["SV-1"].startswith("duplicate of SV-2 (decided by fin")
    assert pd.isna(reason["SV-2"])
    assert t.waterfall.set_index("step").loc["Duplicates removed", "n"] == 1


def test_state_changes_when_a_decision_is_saved(store):
    small(store)
    before = savings.state(store)
    double_counting.resolve(
        store,
        double_counting.find_pairs(savings.ledger(store, EXEC)),
        "SV-1|SV-2",
        "keep both",
        "ok",
        author="fin",
    )
    assert savings.state(store) != before


def test_provenance_names_file_sheet_and_row(store):
    rows = pd.DataFrame([line("SV-1", 10.0, pool="x"), line("SV-2", 5.0, pool="y")]).assign(
        _file=["savings.xlsx", None], _sheet=["ledger", None], _row=[7, None]
    )
    load(store, [], savings=rows)
    prov = savings.ledger(store, EXEC).set_index("line_id")["provenance"]
    assert prov["SV-1"] == "savings.xlsx, sheet ledger, row 7 (source: Time study)"
    assert prov["SV-2"] == "loaded as import data, version 1 (source: Time study)"


def test_sponsor_sees_only_their_projects_lines(store):
    small(store)
    ann = savings.ledger(store, Viewer("sponsor", "Ann"))
    assert ann["line_id"].tolist() == ["SV-1"]
    assert savings.ledger(store, Viewer("sponsor", "Bob"))["line_id"].tolist() == ["SV-2"]


def test_filters_narrow_the_ledger(store):
    small(store)
    assert savings.ledger(store, EXEC, Filters(customer="C-2"))["line_id"].tolist() == ["SV-2"]


def test_to_date_is_what_has_accrued_by_today_and_the_rest_is_expected(store):
    """A line starting after today adds nothing to date; a line half way through its period
    adds half; the to-date P50 is where the cumulative chart stands this month."""
    small(store)
    double_counting.resolve(
        store,
        double_counting.find_pairs(savings.ledger(store, EXEC)),
        "SV-1|SV-2",
        "keep both",
        "different teams",
        author="fin",
    )
    today = pd.Timestamp("2025-12-15").date()
    share = savings.accrued_share(
        pd.to_datetime(pd.Series(["2025-01-01", "2025-07-01", "2026-01-01", None])),
        pd.to_datetime(pd.Series(["2025-12-31", "2026-06-30", "2026-12-31", None])),
        today,
    )
    assert share.tolist() == [1.0, 0.5, 0.0, 1.0]
    t = savings.totals(store, EXEC, state=savings.state(store), today=today)
    o = t.overall
    assert o["expected_likely"] == pytest.approx(15_000 + 60_000)  # half SV-2, all SV-3
    assert o["n_future"] == 1 and o["future_likely"] == pytest.approx(60_000)
    assert o["to_date_p50"] < o["p50"] and o["expected_p50"] > 0
    month = t.cumulative.set_index("month").loc[pd.Timestamp("2025-12-01")]
    assert o["to_date_p50"] == pytest.approx(month["p50"], rel=0.01)
    head = savings.headline(o, "GBP")
    assert head.startswith("Estimated savings to date £")
    assert "expected by Dec 2026" in head


def test_empty_store_gives_an_empty_summary(store):
    t = savings.totals(store, EXEC)
    assert t.empty and t.pairs.empty
    assert savings.headline(t.overall, "GBP") == "No savings lines in this view yet"


def test_headline_reads_like_the_issue():
    o = {"p10": 3.2e6, "p50": 4.0e6, "p90": 4.6e6, "realised": 1.1e6, "n_counted": 150}
    assert savings.headline(o, "GBP") == (
        "Estimated savings to date £3.2M–£4.6M (P50 £4.0M), of which £1.1M realised"
    )
    assert savings.headline(o, "EUR").startswith("Estimated savings to date €3.2M–€4.6M")
    narrow = {**o, "p10": 4.01e6, "p90": 4.04e6}
    assert "£4.01M–£4.04M" in savings.headline(narrow, "GBP")


def test_demo_ledger_matches_the_seed_story(store):
    load_demo(store, scale=1.0)
    t = savings.totals(store, EXEC)
    o = t.overall
    assert len(t.pairs) == 6 and o["n_excluded"] == 6
    assert 3.9e6 < o["p50"] < 4.1e6 and 1.0e6 < o["realised"] < 1.2e6
    assert o["all_err_low"] < o["p10"] and o["p90"] < o["all_err_high"]


def test_shared_error_correlation_widens_the_range_between_the_two_limits():
    """rho=1: every line at the same quantile, so the total's P10/P90 = the sum of the lines'
    P10/P90 (closed form through the Beta inverse CDF); rho=0.5 sits strictly in between."""
    a, m, b = np.full(50, 50.0), np.full(50, 100.0), np.full(50, 300.0)
    w = np.ones((1, 50))
    ind = pert.group_quantiles(a, m, b, w)[0]
    half = pert.group_quantiles(a, m, b, w, rho=0.5)[0]
    full = pert.group_quantiles(a, m, b, w, rho=1.0)[0]
    exact = [50 * pert.quantile(q, 50.0, 100.0, 300.0) for q in (0.1, 0.5, 0.9)]
    assert full == pytest.approx(exact, rel=0.01)
    assert ind[2] - ind[0] < half[2] - half[0] < full[2] - full[0]
    # the mean is untouched by correlation
    assert half[1] == pytest.approx(50 * pert.quantile(0.5, 50.0, 100.0, 300.0), rel=0.03)


def test_correlated_approximation_for_large_ledgers_matches_exact_sampling():
    rng = np.random.default_rng(3)
    m = rng.uniform(10, 100, 400)
    a, b = m * 0.7, m * 1.6
    exact = pert.group_quantiles(a, m, b, np.ones((1, 400)), rho=0.5)
    approx = pert.group_quantiles(a, m, b, np.ones((1, 400)), exact_lines=50, rho=0.5)
    assert approx == pytest.approx(exact, rel=0.01)


def test_a_double_count_is_held_back_in_every_view_even_when_its_twin_is_out_of_scope(store):
    """Ann's P-1 line and Bob's P-3 line claim the same pool over the same year: the smaller
    (Bob's) is held back for the executive, and for Bob too, who cannot see Ann's line."""
    load(
        store,
        [
            line("SV-A", 50_000.0, pool="CC-1", project="P-1"),
            line("SV-B", 20_000.0, pool=" cc-1", project="P-3"),
        ],
    )
    exec_lines, exec_pairs = savings.counted_lines(store, EXEC)
    assert exec_lines.set_index("line_id")["counted"].to_dict() == {"SV-A": True, "SV-B": False}
    assert len(exec_pairs) == 1
    bob_lines, bob_pairs = savings.counted_lines(store, Viewer("sponsor", "Bob"))
    assert bob_lines["line_id"].tolist() == ["SV-B"] and not bob_lines["counted"].any()
    assert bob_pairs.empty  # the pair names Ann's line: not listed for Bob
    ann_lines, _ = savings.counted_lines(store, Viewer("sponsor", "Ann"))
    assert ann_lines["counted"].all()


def test_small_groups_beyond_the_drawn_ones_get_ranges_from_their_moments(store, monkeypatch):
    """Thousands of customers at 100x: the largest are drawn, the rest come from their exact
    mean and variance. The drawn ones are unchanged and the others close to their draws."""
    load_demo(store, scale=0.2)
    before = savings.totals(store, EXEC)
    exact = before.by["customer"].set_index("group")
    assert len(exact) > 12
    monkeypatch.setattr(savings, "GROUPS_DRAWN", 6)
    capped = savings.totals(store, EXEC)
    got = capped.by["customer"].set_index("group")
    assert sorted(got.index) == sorted(exact.index)  # every customer still has a range
    assert list(got.index[:6]) == list(exact.index[:6])  # the largest, first, as drawn
    for col in ("p10", "p50", "p90"):
        assert got[col].iloc[:6].to_numpy() == pytest.approx(exact[col].iloc[:6].to_numpy())
        rest = got.index[6:]
        spread = (exact.loc[rest, "p90"] - exact.loc[rest, "p10"]).to_numpy()
        off = np.abs(got.loc[rest, col].to_numpy() - exact.loc[rest, col].to_numpy())
        assert (off <= 0.35 * spread + 1).all(), col  # within a third of the P10-P90 range
    assert (got["p10"] <= got["p50"]).all() and (got["p50"] <= got["p90"]).all()
    assert capped.overall["p50"] == pytest.approx(before.overall["p50"])  # the total is drawn
