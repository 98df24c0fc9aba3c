"""One page of a table: search, filters, sort and paging in DuckDB over every row."""

from __future__ import annotations

import pandas as pd
import pytest

from pmo_data.store.paging import PageRequest, page


@pytest.fixture
def table() -> pd.DataFrame:
    n = 120
    return pd.DataFrame(
        {
            "project_id": [f"P-{i:04d}" for i in range(n)],
            "name": [f"{'Alpha' if i % 3 == 0 else 'Beta'} rollout {i}" for i in range(n)],
            "customer": ["Acme Ltd" if i % 4 == 0 else None for i in range(n)],
            "rag": [("Red", "Amber", "Green")[i % 3] for i in range(n)],
            "budget": [float(i * 10) if i % 5 else None for i in range(n)],
            "end_date": pd.date_range("2026-01-01", periods=n, freq="D"),
        }
    )


def test_first_page_in_listed_order_with_counts(table):
    p = page(table, PageRequest(size=50))
    assert (p.total, p.pages, p.page, p.first, p.last) == (120, 3, 1, 1, 50)
    assert list(p.rows["project_id"]) == list(table["project_id"][:50])


def test_last_page_is_short_and_a_page_past_the_end_is_clipped(table):
    p = page(table, PageRequest(size=50, page=9))
    assert (p.page, p.first, p.last, len(p.rows)) == (3, 101, 120, 20)
    assert p.rows["project_id"].iloc[-1] == "P-0119"


def test_search_finds_rows_beyond_the_first_page_in_any_column(table):
    p = page(table, PageRequest(search="p-0117", search_columns=("name", "project_id")))
    assert list(p.rows["project_id"]) == ["P-0117"]
    by_customer = page(table, PageRequest(search="ACME", search_columns=("name", "customer")))
    assert by_customer.total == 30  # every fourth row, case-insensitive, blanks never match


def test_every_word_must_match_somewhere(table):
    p = page(table, PageRequest(search="alpha acme", search_columns=("name", "customer")))
    assert p.total == 10  # i % 3 == 0 and i % 4 == 0
    assert all(i % 12 == 0 for i in p.rows["project_id"].str[2:].astype(int))


def test_sort_covers_all_rows_and_blanks_go_last(table):
    p = page(table, PageRequest(sort="budget", descending=True, size=5))
    assert list(p.rows["budget"]) == [1190.0, 1180.0, 1170.0, 1160.0, 1140.0]
    last = page(table, PageRequest(sort="budget", size=50, page=3))
    assert last.rows["budget"].isna().all() and len(last.rows) == 20


def test_filters_and_named_predicates(table):
    p = page(
        table,
        PageRequest(equals=(("rag", ("Red", "Amber")),), where="big"),
        predicates={"big": "budget >= 1000"},
    )
    assert set(p.rows["rag"]) == {"Red", "Amber"}
    expected = table[table["rag"].isin(["Red", "Amber"]) & (table["budget"] >= 1000)]
    assert list(p.rows["project_id"]) == list(expected["project_id"]) and p.total == 10
    with pytest.raises(KeyError):
        page(table, PageRequest(where="not declared"), predicates={})


def test_search_text_is_a_value_not_sql(table):
    p = page(table, PageRequest(search="') OR TRUE --", search_columns=("name",)))
    assert p.total == 0


def test_unknown_sort_column_is_refused(table):
    with pytest.raises(KeyError):
        page(table, PageRequest(sort='budget" DESC; DROP TABLE t; --'))


def test_keep_all_returns_every_match_sorted_and_types_kept(table):
    p = page(table, PageRequest(sort="end_date", descending=True, size=10), keep_all=True)
    assert len(p.matching) == 120 and p.matching["end_date"].is_monotonic_decreasing
    assert p.rows.equals(p.matching.head(10))
    assert p.rows["end_date"].dtype == table["end_date"].dtype


def test_nothing_matches(table):
    p = page(table, PageRequest(search="zzz", search_columns=("name",)))
    assert (p.total, p.pages, p.first, p.last, len(p.rows)) == (0, 1, 0, 0, 0)
