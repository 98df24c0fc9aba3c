"""Double counting: overlaps, touching periods (both conventions), pools, ties, decisions."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_data.analytics.savings import double_counting


def lines(*rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "line_id": i,
                "cost_pool": p,
                "period_start": pd.Timestamp(s) if s else None,
                "period_end": pd.Timestamp(e) if e else None,
                "likely": v,
            }
            for i, p, s, e, v in rows
        ]
    )


def test_overlap_is_flagged_with_days_and_the_smaller_line():
    p = double_counting.find_pairs(
        lines(
            ("A", "CC-1", "2025-01-01", "2025-06-30", 50.0),
            ("B", "CC-1", "2025-06-01", "2025-12-31", 20.0),
        )
    )
    assert len(p) == 1
    r = p.iloc[0]
    assert (r["line_a"], r["line_b"], r["overlap_days"]) == ("A", "B", 30)
    assert r["overlap_from"] == pd.Timestamp("2025-06-01")
    assert r["overlap_to"] == pd.Timestamp("2025-06-30")
    assert (r["at_stake"], r["smaller"]) == (20.0, "B")


@pytest.mark.parametrize(
    "a_end, b_start",
    [
        ("2025-06-30", "2025-07-01"),  # inclusive ledger: the next starts the day after
        ("2025-07-01", "2025-07-01"),
    ],  # exclusive-end ledger: the next starts on the end day
)
def test_touching_periods_are_not_flagged(a_end, b_start):
    p = double_counting.find_pairs(
        lines(("A", "CC-1", "2025-01-01", a_end, 50.0), ("B", "CC-1", b_start, "2025-12-31", 20.0))
    )
    assert p.empty


def test_two_shared_days_are_an_overlap():
    p = double_counting.find_pairs(
        lines(
            ("A", "CC-1", "2025-01-01", "2025-07-02", 50.0),
            ("B", "CC-1", "2025-07-01", "2025-12-31", 20.0),
        )
    )
    assert p["overlap_days"].tolist() == [2]


def test_identical_single_day_lines_overlap():
    p = double_counting.find_pairs(
        lines(
            ("A", "CC-1", "2025-03-01", "2025-03-01", 5.0),
            ("B", "CC-1", "2025-03-01", "2025-03-01", 5.0),
        )
    )
    assert p["overlap_days"].tolist() == [1]
    assert p["smaller"].tolist() == ["B"]  # a tie holds back the later / higher id


def test_pools_match_ignoring_case_and_spaces_and_differ_otherwise():
    same = lines(
        ("A", " CC-1  Reporting FTE", "2025-01-01", "2025-12-31", 5.0),
        ("B", "cc-1 reporting fte", "2025-01-01", "2025-12-31", 6.0),
    )
    assert double_counting.find_pairs(same)["smaller"].tolist() == ["A"]
    other = lines(
        ("A", "CC-1", "2025-01-01", "2025-12-31", 5.0),
        ("B", "CC-2", "2025-01-01", "2025-12-31", 6.0),
        ("C", None, "2025-01-01", "2025-12-31", 6.0),
        ("D", "  ", "2025-01-01", "2025-12-31", 6.0),
    )
    assert double_counting.find_pairs(other).empty


def test_missing_end_is_open_ended():
    p = double_counting.find_pairs(
        lines(
            ("A", "CC-1", "2025-01-01", None, 5.0), ("B", "CC-1", "2030-01-01", "2030-12-31", 6.0)
        )
    )
    assert len(p) == 1 and pd.isna(p["overlap_days"].iloc[0])


def test_a_chain_gives_every_overlapping_pair():
    p = double_counting.find_pairs(
        lines(
            ("A", "P", "2025-01-01", "2025-12-31", 30.0),
            ("B", "P", "2025-06-01", "2026-05-31", 20.0),
            ("C", "P", "2026-01-01", "2026-12-31", 10.0),
        )
    )
    assert p["pair_key"].tolist() == ["A|B", "B|C"]
    none = pd.DataFrame(columns=["pair_key", "decision", "note", "excluded", "author", "decided"])
    _, ex = double_counting.apply(p, none)
    assert sorted(ex["line_id"]) == ["B", "C"]


def test_decisions_are_recorded_and_applied(store):
    p = double_counting.find_pairs(
        lines(
            ("A", "P", "2025-01-01", "2025-12-31", 30.0),
            ("B", "P", "2025-06-01", "2026-05-31", 20.0),
        )
    )
    with pytest.raises(ValueError, match="note"):
        double_counting.resolve(store, p, "A|B", "keep A", "  ", author="fin")
    with pytest.raises(ValueError, match="decision"):
        double_counting.resolve(store, p, "A|B", "drop", "x", author="fin")
    with pytest.raises(ValueError, match="not a flagged pair"):
        double_counting.resolve(store, p, "A|C", "keep A", "x", author="fin")
    double_counting.resolve(store, p, "A|B", "keep B", "B is audited", author="fin")
    pairs, ex = double_counting.apply(p, double_counting.resolutions(store))
    assert pairs["status"].tolist() == ["decided: keep B"]
    assert ex["line_id"].tolist() == ["A"] and ex["reason"].iloc[0].startswith("duplicate of B")
    double_counting.resolve(store, p, "A|B", "keep both", "two budgets", author="fin")
    pairs, ex = double_counting.apply(p, double_counting.resolutions(store))
    assert ex.empty and pairs["excluded"].isna().all()
    double_counting.resolve(store, p, "A|B", "reopen", "check again", author="fin")
    pairs, ex = double_counting.apply(p, double_counting.resolutions(store))
    assert pairs["status"].tolist() == ["awaiting decision"] and ex["line_id"].tolist() == ["B"]
