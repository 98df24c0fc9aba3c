"""What the pages remember between reruns, and when they must forget it.

Warm pages reuse a paged table's answer, the store's small facts, the models several sections
build on and the built figures. Each must be reused only while its inputs are the same: a new
request, another table, a write to the store or other data gives a new answer.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest

from pmo_data.escaping import escape_figure
from pmo_data.store.paging import PageRequest, page
from pmo_data.ui import widgets


@pytest.fixture
def table() -> pd.DataFrame:
    return pd.DataFrame({"name": [f"Project {i}" for i in range(120)], "n": range(120)})


def test_a_page_is_reused_for_the_same_table_and_request_only(table):
    first = page(table, PageRequest(size=50))
    assert page(table, PageRequest(size=50)) is first
    assert page(table, PageRequest(size=50, page=2)) is not first
    assert page(table, PageRequest(size=50), columns=["name"]) is not first


def test_a_page_of_another_table_with_the_same_request_is_that_tables(table):
    first = page(table, PageRequest(size=5, sort="n", descending=True))
    other = table.assign(n=-table["n"])  # a new object: its own answer
    second = page(other, PageRequest(size=5, sort="n", descending=True))
    assert list(first.rows["name"]) == [f"Project {i}" for i in range(119, 114, -1)]
    assert list(second.rows["name"]) == [f"Project {i}" for i in range(5)]


def test_store_facts_follow_a_write(store):
    assert store.currency == "GBP"
    store.set_currency("EUR")  # a write moves the copy to a new generation
    assert store.currency == "EUR"
    calls = []
    key = ("test.model",)
    assert store.remember(key, lambda: calls.append(1) or len(calls)) == 1
    assert store.remember(key, lambda: calls.append(1) or len(calls)) == 1  # remembered
    store.set_currency("USD")
    assert store.remember(key, lambda: calls.append(1) or len(calls)) == 2  # forgotten


def _bars(labels: list[str]) -> go.Figure:
    return go.Figure(go.Bar(x=labels, y=list(range(len(labels)))))


def test_a_built_figure_is_shared_per_input_and_escaped_once():
    hostile = ["<b>bold</b>", "Acme & Co"]
    fig = widgets.figure(_bars, hostile)
    assert widgets.figure(_bars, list(hostile)) is fig  # equal input, same figure
    assert widgets.figure(_bars, ["other"]) is not fig
    escaped_once = escape_figure(_bars(hostile)).data[0].x
    assert tuple(fig.data[0].x) == tuple(escaped_once)
    assert "&lt;b&gt;" in fig.data[0].x[0] and "&amp;lt;" not in fig.data[0].x[0]
